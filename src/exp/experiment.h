/* experiment.h - running one experiment file: every act x sweep point x seed,
 * the quantities its checks name, the checks' outcomes, and its folder (CSV,
 * the claim's figure, config.json). */
#ifndef ACTBENCH_EXPERIMENT_H
#define ACTBENCH_EXPERIMENT_H

#include <stdbool.h>
#include <stdio.h>

#include "expfile.h"
#include "plan.h"
#include "record.h"

typedef enum { EXP_HOLDS, EXP_PARTLY, EXP_FAILS } exp_outcome;
typedef enum { EXP_REPRODUCED, EXP_PARTLY_REPRODUCED, EXP_NOT_REPRODUCED } exp_verdict;

#define EXP_MAX_SHOWN 64

/* One check at one point of the free sweep keys. */
typedef struct {
    char point[XF_POINT_TEXT_SIZE]; /* "depth=4, lr=0.1", or "" when nothing is free */
    double lhs, lhs_min, lhs_max;  /* left side: mean and spread over seeds */
    double rhs;           /* right side, mean over seeds */
    int diverged;         /* runs read by the check that diverged (their values are NaN) */
    bool holds;
} exp_check_point;

typedef struct {
    exp_check_point pts[EXP_MAX_SHOWN];
    int n_pts;            /* points evaluated (all of them count; at most
                             EXP_MAX_SHOWN are kept for the report) */
    int n_hold;
    int n_total;
    exp_outcome outcome;
} exp_check_result;

struct exp_result {
    const experiment *e;
    char dir[4096];       /* the folder written, once in place */
    int n_points;
    run_record *recs;     /* point-major, then act, then seed */
    int n_recs;
    double *q;            /* quantities, XF_N_QTY per record */
    exp_check_result checks[XF_MAX_CHECKS];
    exp_verdict verdict;
    double seconds;
    char figure[160];     /* plots/NAME.png relative to the folder; "" = none */
};

typedef struct exp_result exp_result;

/* How to run an experiment, and where its folder goes. */
typedef struct {
    bool quick;           /* the file was loaded with its [quick] settings */
    bool render;          /* run gnuplot on the figure */
    bool quiet;           /* no progress on stderr */
    bool no_gradcheck;    /* train formulas and plugins whose derivative fails the check */
    const char *data_dir; /* the IDX folder of a file's data set; NULL: its default */
    int jobs;             /* runs at once (-j), each on one BLAS thread */
    const char *out;      /* the folder, replaced as a whole; NULL = a new one */
    const char *parent;   /* where a new one goes (PARENT/ID-YYYYMMDD-HHMMSS); NULL = runs */
    int argc;             /* the command, for config.json */
    char *const *argv;
    /* Writes more into the staged folder dir once r is complete, before it
     * is moved into place; NULL = nothing. */
    ab_status (*before_commit)(void *ctx, const char *dir, const exp_result *r, ab_err *err);
    void *ctx;
} exp_run_opts;

/* Experiments run BLAS on one thread: OpenBLAS's last bits depend on the
 * thread count, and the committed verdicts must not depend on how many cores
 * a machine has.  (Their networks are small enough that one thread costs
 * little; -j runs several at once instead.) */
#define EXP_BLAS_THREADS 1

/* Runs e and writes its folder (o->out or a new one; r->dir says which):
 * loss.csv, layers.csv, summary.csv and quantities.csv with the sweep keys as
 * leading columns, checks.csv, config.json, plots/ID.gp and, with render,
 * plots/ID.png.  The folder is staged (stage.h) after the plan's checks and
 * moved into place whole once complete, replacing an earlier one; on failure
 * nothing is left and an earlier folder stays as it was.  Fills r (free with
 * exp_result_free); errors are led by e's path. */
ab_status exp_run(exp_result *r, const experiment *e, const exp_run_opts *o, ab_err *err);

/* The run plan of e's training runs: every sweep point, then activation,
 * then seed (the order of the files' rows), jobs at once. */
ab_status exp_plan(run_plan *p, const experiment *e, int jobs, bool quiet, const char *data_dir,
                   ab_err *err);

/* Labels rec with the sweep point idx of s: the values of the swept keys
 * (those of several values) as its leading CSV cells, their names as the
 * header ("6,0.1," under "depth,lr,"); both empty when nothing is swept. */
void exp_key_cells(run_record *rec, const xf_setup *s, const int *idx);
/* Whether e trains on an IDX data set that is not installed (data.h's
 * data_not_installed, in data_dir or the set's default folder): then why (n
 * bytes) says so, "fashion-mnist not installed: no IDX files in DIR", and
 * *install how to install it.  reproduce skips such an experiment; run lets
 * the load fail with the same advice. */
bool exp_not_installed(const experiment *e, const char *data_dir, char *why, size_t n,
                       const char **install);

/* Fills q[0..XF_N_QTY) with the quantities of one run of an experiment of
 * `epochs` epochs (NaN where one does not apply). */
void exp_run_quantities(double *q, const run_record *rec, int epochs);

void exp_result_free(exp_result *r);

/* Quantity q (an xf_qty) of activation act at the sweep point whose value
 * indices are idx, seed index sd. */
double exp_qty_at(const exp_result *r, int q, int act, const int *idx, int sd);

/* Words for outcomes and verdicts, as the report and verdicts.csv use them. */
const char *exp_outcome_name(exp_outcome o);
const char *exp_verdict_name(exp_verdict v);

/* The verdict of a set of check outcomes: all hold = reproduced, none =
 * not reproduced, else partly. */
exp_verdict exp_verdict_of(const exp_outcome *o, int n);

/* Formats a measured value compactly (4 significant digits; "n/a" for NaN
 * and infinities, which no check counts as holding). */
void exp_fmt(char *out, size_t n, double v);

/* A check point's numbers as text: value, its min and max over seeds, the
 * right side. */
typedef struct {
    char v[32], lo[32], hi[32], rhs[32];
} exp_point_str;
void exp_point_format(exp_point_str *out, const exp_check_point *p);

/* Writes a one-experiment verdict table (markdown-free, for a terminal). */
void exp_print(FILE *f, const exp_result *r);

#endif
