/* record.c - a run record's summary figures and the loss.csv column table. */
#include "record.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#define LOSS_COL(field, lab) {.name = #field, .label = lab, .off = offsetof(loss_row, field)}

const record_loss_col record_loss_cols[] = {
    LOSS_COL(train_loss, "training loss (nats)"),
    LOSS_COL(train_acc, "training accuracy"),
    LOSS_COL(test_loss, "test loss (nats)"),
    LOSS_COL(test_acc, "test accuracy"),
    LOSS_COL(seconds, "training time so far (s)"),
};
const int record_n_loss_cols = (int)(sizeof record_loss_cols / sizeof record_loss_cols[0]);

const record_loss_col *record_loss_col_find(const char *name)
{
    for (int c = 0; c < record_n_loss_cols; c++)
        if (strcmp(record_loss_cols[c].name, name) == 0)
            return &record_loss_cols[c];
    return NULL;
}

void record_summarise(run_record *rec)
{
    rec->grad_ratio = rec->decay = rec->mean_dead = NAN;
    if (rec->r.n_probes == 0)
        return;
    const probe_layer *p0 = record_probe(rec, 0);
    const int depth = rec->depth;
    double first = p0[0].bias_grad_norm, last = p0[depth - 1].bias_grad_norm;
    if (first > 0.0 && last > 0.0) {
        rec->grad_ratio = first / last;
        /* the geometric mean of consecutive ratios telescopes */
        if (depth > 1)
            rec->decay = pow(rec->grad_ratio, 1.0 / (depth - 1));
    } else if (depth > 1 && last > 0.0) {
        rec->grad_ratio = rec->decay = 0.0;
    }
    const probe_layer *pl = record_probe(rec, rec->r.n_probes - 1);
    double s = 0.0;
    for (int l = 0; l < depth; l++)
        s += pl[l].dead_pct;
    rec->mean_dead = s / depth;
}

double record_layer_mean(const run_record *rec, int p, size_t off, int lo)
{
    const probe_layer *pl = record_probe(rec, p);
    double s = 0.0;
    int n = 0;
    for (int l = lo; l < rec->depth; l++) {
        double v = *(const double *)((const char *)&pl[l] + off);
        if (isfinite(v))
            s += v, n++;
    }
    return n ? s / n : NAN;
}

