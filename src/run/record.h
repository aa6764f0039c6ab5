/* record.h - what one invocation measured: a record per activation x seed
 * and the summary figures derived from its rows. */
#ifndef ACTBENCH_RECORD_H
#define ACTBENCH_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "act.h"
#include "train.h"

typedef struct {
    const act_spec *act;
    init_kind init;          /* the scheme this run used */
    uint64_t seed;
    int depth;
    /* Sweep-key columns that lead each of the run's CSV rows ("6,0.1," and
     * "depth,lr,"); empty outside experiments.  The header is the first
     * record's. */
    char keys[512];
    char key_header[512];
    run_result r;
    /* derived by record_summarise */
    double grad_ratio;       /* bias_grad_norm(1) / bias_grad_norm(depth), epoch 0 */
    double decay;            /* geometric mean of bias_grad_norm(l)/(l+1), epoch 0 */
    double mean_dead;        /* mean dead_pct over hidden layers, last probe */
} run_record;

/* One column of loss.csv after act, seed, epoch: a double field of loss_row,
 * written with 9 significant digits, empty when not finite.  loss.csv,
 * experiment-file plots and the figures read the table. */
typedef struct {
    const char *name;   /* column name, and what a [plot] y names */
    const char *label;  /* axis label, with units */
    size_t off;         /* offsetof(loss_row, field) */
} record_loss_col;

/* Every column, in loss.csv's order. */
extern const record_loss_col record_loss_cols[];
extern const int record_n_loss_cols;

/* The column named name, or NULL. */
const record_loss_col *record_loss_col_find(const char *name);

/* Column c of row r. */
static inline double record_loss_value(const loss_row *r, const record_loss_col *c)
{
    return *(const double *)((const char *)r + c->off);
}

/* Fills the derived fields of rec from its rows (NaN where undefined). */
void record_summarise(run_record *rec);

/* Mean of the finite values of the probe_layer double field at byte offset
 * off over hidden layers lo..depth-1 (0-based) of probe p; NaN when none. */
double record_layer_mean(const run_record *rec, int p, size_t off, int lo);

/* The probe rows of probe p (n_layers rows). */
static inline const probe_layer *record_probe(const run_record *rec, int p)
{
    return rec->r.layers + (size_t)p * rec->r.n_layers;
}

#endif
