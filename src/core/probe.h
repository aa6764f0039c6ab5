/* probe.h - per-layer diagnostics on a fixed probe set, measured from one
 * forward and backward pass of the mean loss over the probe set, without
 * changing the weights.  Definitions: docs/metrics.md. */
#ifndef ACTBENCH_PROBE_H
#define ACTBENCH_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* ---- histograms of the hidden layers' values -------------------------- */

/* A histogram of PROBE_HIST_BINS bins of equal width over [lo, hi], each
 * [edge k, edge k+1) and the last closed, in slots 1..PROBE_HIST_BINS; slot 0
 * counts the values below lo (and NaN), slot PROBE_HIST_BINS + 1 those above
 * hi, so the slots add up to samples x units.  An odd count puts 0 at the
 * centre of a bin of a symmetric range. */
#define PROBE_HIST_BINS 51
#define PROBE_HIST_SLOTS (PROBE_HIST_BINS + 2)
/* The pre-activations' range, the same for every activation: [-SPAN, SPAN],
 * bins 0.25 wide centred on multiples of 0.25.  An activation's own range
 * is capped to it. */
#define PROBE_HIST_SPAN 6.375

/* What a histogram counts: a hidden layer's activations h = f(y) (before
 * any skip, as act_mean), or their inputs y (z, or BN(z) with batchnorm). */
typedef enum { PROBE_HIST_ACT, PROBE_HIST_PREACT, PROBE_HIST_KINDS } probe_hist_kind;
/* "act", "preact": hist.csv's kind column. */
extern const char *const probe_hist_kind_names[PROBE_HIST_KINDS];

typedef struct {
    double lo, hi;
} probe_range;

/* The bins of activation a's outputs: the least and greatest f over inputs
 * in [-1e4, 1e4] (in units 0..7 of a row, for activations that tell units
 * apart), rounded outward to two significant digits and capped to
 * [-PROBE_HIST_SPAN, PROBE_HIST_SPAN]: sigmoid [0, 1], tanh [-1, 1], relu
 * [0, 6.375], elu [-1, 6.375], gelu [-0.17, 6.375], identity the whole span. */
probe_range probe_act_range(const act_spec *a);
/* The bins of the pre-activations, every activation's. */
probe_range probe_preact_range(void);

/* Edge k (0..PROBE_HIST_BINS) of the bins of r. */
static inline double probe_bin_edge(probe_range r, int k)
{
    return k == PROBE_HIST_BINS ? r.hi : r.lo + k * (r.hi - r.lo) / PROBE_HIST_BINS;
}

/* Where figures draw slot b of the bins r: a bin's centre, and the values
 * below and above the bins half a bin beyond the ends. */
static inline double probe_slot_x(probe_range r, int b)
{
    double w = (r.hi - r.lo) / PROBE_HIST_BINS;
    return b == 0 ? r.lo - w / 2 : b > PROBE_HIST_BINS ? r.hi + w / 2 : r.lo + (b - 0.5) * w;
}

/* The values a histogram counts: its slots' sum. */
static inline double probe_hist_total(const uint32_t *slots)
{
    double t = 0.0;
    for (int b = 0; b < PROBE_HIST_SLOTS; b++)
        t += slots[b];
    return t;
}

/* Whether a unit of a can be dead: f is exactly 0 over a stretch of inputs,
 * at two neighbouring points of a grid over [-10, 10] in steps of 1/64 (in
 * units 0..7 of a row), as relu's negative half, relu6, hardsigmoid,
 * hardswish, step, softshrink and hardshrink, and in float gelu below about
 * -5.5 and gelu_tanh below -5.1 (1 + erf rounds to 0, as in PyTorch).  Not
 * the single zero of tanh, elu or identity at 0, nor sigmoid's or softplus's
 * underflow far beyond 10. */
bool probe_can_die(const act_spec *a);

/* ---- dead bits ---------------------------------------------------------- */

/* Bytes of one hidden layer's dead bits, for width units. */
static inline size_t probe_dead_row_bytes(int width)
{
    return ((size_t)width + 7) / 8;
}

/* Whether unit u is dead in a row of dead bits. */
static inline bool probe_dead_bit(const uint8_t *row, int u)
{
    return row[u >> 3] >> (u & 7) & 1u;
}

/* Scratch a probe needs besides a workspace: a gradient arena and per-unit
 * flags.  Allocated once per run. */
typedef struct {
    float *grads;
    unsigned char *alive;  /* depth x width: not exactly 0 on some probe sample */
    /* NULL (probe_ctx_create's), or where probe_measure adds its histograms:
     * depth x PROBE_HIST_KINDS x PROBE_HIST_SLOTS counts (a probe set of at
     * most PROBE_MAX_SAMPLES keeps each below 2^32) */
    uint32_t *hist;
    probe_range range[PROBE_HIST_KINDS]; /* the bins, set by probe_ctx_create */
} probe_ctx;

ab_status probe_ctx_create(probe_ctx *c, const net *n, ab_err *err);
void probe_ctx_free(probe_ctx *c);
/* Bytes a probe_ctx takes for n. */
size_t probe_ctx_bytes(const net *n);

/* Measures every layer of n at params on the probe set into out[0..n_layers)
 * and returns the mean probe loss.  Processes the set in chunks of ws->cap
 * samples; the gradient is that of the mean loss over all of it.  With
 * batchnorm each chunk is normalised by its own batch statistics (NET_PROBE),
 * so the chunk size matters there; bias_grad_norm is then ||dL/dbeta||.
 * With c->hist set, adds each hidden layer's histograms of the probe set's
 * activations and pre-activations to it (c->range's bins). */
double probe_measure(probe_layer *out, const net *n, const float *params, net_ws *ws,
                     probe_ctx *c, const data_set *probe);

/* Packs the dead units of the last probe_measure into bits: depth rows of
 * probe_dead_row_bytes(width) bytes, bit u % 8 of byte u / 8 of row l set
 * when unit u of hidden layer l was exactly 0 on every probe sample (what
 * dead_pct counts). */
void probe_dead_bits(uint8_t *bits, const probe_ctx *c, const net *n);

/* Draws the probe set's indices: all of 0..n_train-1 when n_train <= max,
 * else max indices evenly spaced over the training set.  Returns the count. */
int probe_pick(int *idx, int n_train, int max);

#define PROBE_MAX_SAMPLES 2000

#endif
