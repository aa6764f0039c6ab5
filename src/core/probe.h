/* probe.h - per-layer diagnostics on a fixed probe set, measured from one
 * forward and backward pass of the mean loss over the probe set, without
 * changing the weights.  Definitions: docs/metrics.md. */
#ifndef ACTBENCH_PROBE_H
#define ACTBENCH_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "data.h"
#include "net.h"

/* One layer's measurements.  NaN marks a value that does not apply (the
 * activation statistics of the output layer, same_sign_pct of layer 1, the
 * learned parameters an activation does not have). */
typedef struct {
    int layer;              /* 1..depth hidden, depth+1 output */
    double grad_norm;       /* ||dL/dW||_F */
    double bias_grad_norm;  /* ||dL/db||_2 (batchnorm layers: ||dL/dbeta||_2) */
    double grad_mean_abs;   /* mean |dL/dW| */
    double weight_norm;     /* ||W||_F */
    double act_mean;        /* activation statistics: of h = f(y), before any skip */
    double act_std;
    double act_pos_frac;    /* fraction of activations > 0 */
    double dead_pct;        /* % of units exactly 0 on every probe sample */
    double saturated_pct;   /* % of (sample, unit) with |f'(y)| < 1% of max |f'|: the sum of */
    double sat_low_pct;     /* those with y < 0 (ReLU's whole negative half) */
    double sat_high_pct;    /* and those with y >= 0 (sigmoid's and tanh's upper tail) */
    double same_sign_pct;   /* % of (sample, unit) whose weight-gradient row has one sign */
    /* the activation's learned parameters, in order (NaN past n_learned and
     * at the output layer): layers.csv's columns after the metrics' */
    double learned[ACT_MAX_PARAMS];
} probe_layer;

/* One per-layer metric: a double field of probe_layer and its column of
 * layers.csv (written, as every column is, with 9 significant digits and
 * empty when not finite).  Adding a metric is its field, its computation in
 * probe_measure and one row of probe_metrics; layers.csv, experiment-file
 * plots and the figures read the table. */
typedef struct {
    const char *name;   /* column name, and what a [plot] y names */
    const char *label;  /* axis label, with units */
    size_t off;         /* offsetof(probe_layer, field) */
    bool hidden_only;   /* NaN at the output layer (activation statistics) */
} probe_metric;

/* Every metric, in the order of layers.csv's columns after act, seed,
 * epoch, layer. */
extern const probe_metric probe_metrics[];
extern const int probe_n_metrics;

/* The metric named name, or NULL. */
const probe_metric *probe_metric_find(const char *name);
/* The metric of the probe_layer field at byte offset off, or NULL. */
const probe_metric *probe_metric_at(size_t off);

/* Metric m of layer l. */
static inline double probe_metric_value(const probe_layer *l, const probe_metric *m)
{
    return *(const double *)((const char *)l + m->off);
}

/* Scratch a probe needs besides a workspace: a gradient arena and per-unit
 * flags.  Allocated once per run. */
typedef struct {
    float *grads;
    unsigned char *alive;
} probe_ctx;

ab_status probe_ctx_create(probe_ctx *c, const net *n, ab_err *err);
void probe_ctx_free(probe_ctx *c);
/* Bytes a probe_ctx takes for n. */
size_t probe_ctx_bytes(const net *n);

/* Measures every layer of n at params on the probe set into out[0..n_layers)
 * and returns the mean probe loss.  Processes the set in chunks of ws->cap
 * samples; the gradient is that of the mean loss over all of it.  With
 * batchnorm each chunk is normalised by its own batch statistics (NET_PROBE),
 * so the chunk size matters there; bias_grad_norm is then ||dL/dbeta||. */
double probe_measure(probe_layer *out, const net *n, const float *params, net_ws *ws,
                     probe_ctx *c, const data_set *probe);

/* Draws the probe set's indices: all of 0..n_train-1 when n_train <= max,
 * else max indices evenly spaced over the training set.  Returns the count. */
int probe_pick(int *idx, int n_train, int max);

#define PROBE_MAX_SAMPLES 2000

#endif
