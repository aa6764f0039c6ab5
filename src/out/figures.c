/* figures.c - turns run records into plot figures: gradient norm by layer at
 * initialisation with the 0.25^n reference, gradient norm across epochs, loss
 * and accuracy, dead and saturated units, and the activation functions.
 * With several seeds a line is the mean and its band the min..max.
 *
 * Building a figure (figures_build: numbers into a figpool) is apart from
 * writing it (figures_write: plot.c's script, and gnuplot), so the tests can
 * check the numbers without gnuplot. */
#include "figures.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The metric of the probe_layer field (the table's row; see probe.h). */
#define METRIC(field) probe_metric_at(offsetof(probe_layer, field))

/* Records of activation a: recs[first .. first+count). */
typedef struct {
    int first, count;
} act_group;

/* What every builder reads. */
typedef struct {
    const run_record *recs;
    const act_spec *acts;
    const act_group *g; /* one per activation */
    int n_acts;
} fig_in;

/* ---- lines ----------------------------------------------------------- */

/* A series being filled: its plot_series and the arrays it points at. */
typedef struct {
    plot_series s;
    double *x, *y, *lo, *hi; /* lo, hi: NULL without a band */
} line;

/* A PLOT_LINE of n zeroed points labelled label, with a band when band;
 * false when out of memory (the pool has failed). */
static bool line_make(line *ln, figpool *p, const char *label, int n, bool band)
{
    *ln = (line){.x = figpool_doubles(p, n), .y = figpool_doubles(p, n)};
    if (band) {
        ln->lo = figpool_doubles(p, n);
        ln->hi = figpool_doubles(p, n);
    }
    ln->s = (plot_series){.label = label, .n = n, .x = ln->x, .y = ln->y, .ylo = ln->lo,
                          .yhi = ln->hi, .style = PLOT_LINE};
    return ln->x && ln->y && (!band || (ln->lo && ln->hi));
}

/* Point i: x, the mean of st and, with a band, its min and max. */
static void line_set(line *ln, int i, double x, const figpool_stat *st)
{
    ln->x[i] = x;
    ln->y[i] = figpool_stat_mean(st);
    if (ln->lo) {
        ln->lo[i] = st->n ? st->lo : NAN;
        ln->hi[i] = st->n ? st->hi : NAN;
    }
}

static int add_panel(figpool *p, const char *title, const char *xl, const char *yl, bool logy)
{
    return figpool_panel(p, &(plot_panel){.title = title, .xlabel = xl, .ylabel = yl,
                                          .logy = logy, .integer_x = true});
}

/* Activation a's name in a key or panel title, with its runs that diverged
 * said: "relu (diverged in epoch 23)" for one seed, "relu (2 of 3 seeds
 * diverged)" for several, whose lines are then the others' (a diverged
 * run's missing values are left out of the mean). */
static const char *act_key(figpool *p, const fig_in *in, int a)
{
    act_group g = in->g[a];
    int div = 0, at = -1;
    for (int i = 0; i < g.count; i++)
        if (in->recs[g.first + i].r.diverged) {
            div++;
            at = in->recs[g.first + i].r.diverged_epoch;
        }
    if (div == 0)
        return in->acts[a].label;
    if (g.count == 1)
        return figpool_str(p, "%s (diverged in epoch %d)", in->acts[a].label, at);
    return figpool_str(p, "%s (%d of %d seeds diverged)", in->acts[a].label, div, g.count);
}

/* Marks on line ln where the runs of group g that diverged end: x of each
 * one's last loss row (by_probe: its last probe), so the figure shows where
 * a line stops because its run blew up (plot.h's mark_x). */
static void mark_diverged(figpool *p, line *ln, const fig_in *in, act_group g, bool by_probe)
{
    int div = 0;
    for (int i = 0; i < g.count; i++)
        div += in->recs[g.first + i].r.diverged != 0;
    double *mx = div ? figpool_doubles(p, div) : NULL;
    if (!mx)
        return;
    int k = 0;
    for (int i = 0; i < g.count; i++) {
        const run_result *r = &in->recs[g.first + i].r;
        if (!r->diverged)
            continue;
        mx[k++] = by_probe ? (r->n_probes ? r->probe_epoch[r->n_probes - 1] : NAN)
                           : r->n_loss - 1;
    }
    ln->s.mark_x = mx;
    ln->s.n_marks = k;
}

/* ---- series ---------------------------------------------------------- */

/* One series per activation: metric m of each layer (hidden layers only
 * when m has no value at the output) against layer number, at the first
 * probe or, with probe_last, the last of the runs that did not diverge,
 * aggregated over seeds. */
static void layer_line(figpool *p, int panel, const fig_in *in, int a, const probe_metric *m,
                       bool probe_last, const char *label, int colour)
{
    act_group g = in->g[a];
    const run_record *r0 = &in->recs[g.first];
    int L = m->hidden_only ? r0->depth : r0->r.n_layers;
    line ln;
    if (!line_make(&ln, p, label, L, g.count > 1))
        return;
    ln.s.colour = colour;
    for (int l = 0; l < L; l++) {
        figpool_stat st = figpool_stat_empty();
        for (int i = 0; i < g.count; i++) {
            const run_record *r = &in->recs[g.first + i];
            int pi = probe_last ? r->r.n_probes - 1 : 0;
            /* a diverged run's last probe is from before it blew up, not
             * after training: left out, never drawn as if it were */
            bool gone = probe_last && r->r.diverged;
            figpool_stat_add(&st, r->r.n_probes > 0 && !gone
                                      ? probe_metric_value(&record_probe(r, pi)[l], m)
                                      : NAN);
        }
        line_set(&ln, l, l + 1, &st);
    }
    figpool_add(p, panel, &ln.s);
}

static void series_by_layer(figpool *p, int panel, const fig_in *in, const probe_metric *m,
                            bool probe_last)
{
    for (int a = 0; a < in->n_acts; a++)
        if (in->g[a].count > 0)
            layer_line(p, panel, in, a, m, probe_last, act_key(p, in, a), 0);
}

/* The index of the probe taken at epoch e in r, or -1. */
static int probe_at(const run_record *r, int e)
{
    for (int i = 0; i < r->r.n_probes; i++)
        if (r->r.probe_epoch[i] == e)
            return i;
    return -1;
}

/* Metric m of layer l (0-based), or its mean over the hidden layers when
 * l < 0, in probe pl of r. */
static double layer_value(const run_record *r, const probe_layer *pl, const probe_metric *m,
                          int l)
{
    if (l >= 0)
        return probe_metric_value(&pl[l], m);
    double sum = 0.0;
    for (int j = 0; j < r->depth; j++)
        sum += probe_metric_value(&pl[j], m);
    return sum / r->depth;
}

/* One series: metric m of layer l (or the mean over hidden layers when
 * l < 0) against probe epoch, aggregated over the seeds of group g; the
 * group's longest run gives the epochs. */
static void series_by_epoch(figpool *p, int panel, const char *label, const fig_in *in,
                            act_group g, const probe_metric *m, int l, bool band)
{
    const run_record *r0 = &in->recs[g.first];
    for (int i = 1; i < g.count; i++)
        if (in->recs[g.first + i].r.n_probes > r0->r.n_probes)
            r0 = &in->recs[g.first + i];
    int np = r0->r.n_probes;
    line ln;
    if (!line_make(&ln, p, label, np, band && g.count > 1))
        return;
    for (int k = 0; k < np; k++) {
        int e = r0->r.probe_epoch[k];
        figpool_stat st = figpool_stat_empty();
        for (int i = 0; i < g.count; i++) {
            const run_record *r = &in->recs[g.first + i];
            int pi = probe_at(r, e);
            if (pi >= 0)
                figpool_stat_add(&st, layer_value(r, record_probe(r, pi), m, l));
        }
        line_set(&ln, k, e, &st);
    }
    mark_diverged(p, &ln, in, g, true);
    figpool_add(p, panel, &ln.s);
}

/* 0.25^(L - l) through the output layer's value of series `anchor`. */
static void add_reference(figpool *p, int panel, int anchor, const char *what)
{
    const plot_panel *pn = &figpool_figure(p)->panels[panel];
    if (pn->n_series <= anchor)
        return;
    int L = pn->series[anchor].n;
    double top = pn->series[anchor].y[L - 1];
    line ln;
    const char *label = figpool_str(p, "0.25^(%d - layer), through %s", L, what);
    if (!line_make(&ln, p, label, L, false))
        return;
    ln.s.style = PLOT_REFERENCE;
    for (int l = 0; l < L; l++) {
        ln.x[l] = l + 1;
        ln.y[l] = top * pow(0.25, L - 1 - l);
    }
    figpool_add(p, panel, &ln.s);
}

/* ---- the figures ----------------------------------------------------- */

/* Activations with records. */
static int acts_drawn(const fig_in *in)
{
    int n = 0;
    for (int a = 0; a < in->n_acts; a++)
        n += in->g[a].count > 0;
    return n;
}

/* Small multiples of grad_by_layer: a panel per activation, its weight and
 * bias gradients and the 0.25^n line through its own output layer. */
static void grad_layers_small(figpool *p, const fig_in *in)
{
    figpool_title(p, "Gradient norm by layer at initialisation (epoch 0), one panel per "
                     "activation: does the signal reach the first layer?");
    int first = -1, last = -1;
    for (int a = 0; a < in->n_acts; a++) {
        if (in->g[a].count == 0)
            continue;
        int pn = add_panel(p, act_key(p, in, a), "layer (1 = first hidden, last = output)",
                           "gradient norm", true);
        first = first < 0 ? pn : first;
        last = pn;
        layer_line(p, pn, in, a, METRIC(grad_norm), false, "||dL/dW|| (Frobenius)", 1);
        layer_line(p, pn, in, a, METRIC(bias_grad_norm), false, "||dL/db||", 2);
        add_reference(p, pn, 1, "this output layer's ||dL/db||");
    }
    figpool_share_axes(p, first, last + 1, 1);
}

static void fig_grad_layers(figpool *p, const fig_in *in)
{
    if (acts_drawn(in) > FIGURES_MAX_LINES) {
        grad_layers_small(p, in);
        return;
    }
    figpool_title(p, "Gradient norm by layer at initialisation (epoch 0): does the signal "
                     "reach the first layer?");
    int w = add_panel(p, "weight gradients", "layer (1 = first hidden, last = output)",
                      "||dL/dW|| (Frobenius)", true);
    series_by_layer(p, w, in, METRIC(grad_norm), false);
    int b = add_panel(p, "bias gradients (the per-layer decay factor is measured here)",
                      "layer (1 = first hidden, last = output)", "||dL/db||", true);
    series_by_layer(p, b, in, METRIC(bias_grad_norm), false);
    /* series index of sigmoid = its position among activations with records */
    for (int sig = 0; sig < in->n_acts; sig++)
        if (strcmp(in->acts[sig].info->name, "sigmoid") == 0 && in->g[sig].count > 0) {
            int idx = 0;
            for (int a = 0; a < sig; a++)
                idx += in->g[a].count > 0;
            add_reference(p, w, idx, "sigmoid's output layer");
            add_reference(p, b, idx, "sigmoid's output layer");
            break;
        }
}

/* The layers (0-based) of L that grad_by_epoch draws into idx: all of them,
 * or, past FIGURES_LAYER_LINES, the first, the last and evenly spaced between.
 * Returns the count. */
static int layer_subset(int *idx, int L)
{
    int k = L <= FIGURES_LAYER_LINES ? L : FIGURES_LAYER_LINES;
    for (int i = 0; i < k; i++)
        idx[i] = k == L ? i : (int)(((long long)2 * i * (L - 1) + (k - 1)) / (2 * (k - 1)));
    return k;
}

/* grad_by_epoch's title: the layers shown of the deepest network's L. */
static void grad_epochs_title(figpool *p, int L)
{
    if (L <= FIGURES_LAYER_LINES) {
        figpool_title(p, "Weight-gradient norm of every layer during training");
        return;
    }
    int idx[FIGURES_LAYER_LINES], k = layer_subset(idx, L);
    char list[FIGURES_LAYER_LINES * 12] = "";
    size_t len = 0;
    for (int i = 0; i < k - 1 && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%d", i ? ", " : "", idx[i] + 1);
    figpool_title(p, figpool_str(p, "Weight-gradient norm during training of %d of the %d "
                                    "layers (the first, the last and evenly spaced between): "
                                    "%s and %d (output)", k, L, list, L));
}

/* One panel per activation, one line per layer (or a subset), against epoch. */
static void fig_grad_epochs(figpool *p, const fig_in *in)
{
    int most = 0;
    for (int a = 0; a < in->n_acts; a++) {
        act_group g = in->g[a];
        if (g.count == 0)
            continue;
        int pn = add_panel(p, act_key(p, in, a), "epoch", "||dL/dW|| (Frobenius)", true);
        int L = in->recs[g.first].r.n_layers, idx[FIGURES_LAYER_LINES];
        int k = layer_subset(idx, L);
        most = L > most ? L : most;
        for (int i = 0; i < k; i++) {
            int l = idx[i];
            const char *label = figpool_str(p, l == L - 1 ? "layer %d (output)" : "layer %d",
                                            l + 1);
            series_by_epoch(p, pn, label, in, g, METRIC(grad_norm), l, false);
        }
    }
    grad_epochs_title(p, most);
}

/* What the loss figure draws of a loss_row: loss, then accuracy; train,
 * then test. */
static double loss_value(const loss_row *r, int which)
{
    const double v[4] = {r->train_loss, r->test_loss, r->train_acc, r->test_acc};
    return v[which];
}

/* One line: loss_value(which) of group g against epoch; the group's longest
 * run gives the epochs.  Test lines are left out without a test set. */
static void loss_line(figpool *p, int panel, const fig_in *in, int a, int which, bool small)
{
    act_group g = in->g[a];
    bool test = which & 1;
    const run_record *r0 = &in->recs[g.first];
    for (int i = 1; i < g.count; i++)
        if (in->recs[g.first + i].r.n_loss > r0->r.n_loss)
            r0 = &in->recs[g.first + i];
    if (test && !isfinite(r0->r.loss[0].test_loss))
        return;
    int ne = r0->r.n_loss;
    line ln;
    const char *label = small ? (test ? "test" : "train")
                              : figpool_str(p, test ? "%s test" : "%s train", act_key(p, in, a));
    if (!line_make(&ln, p, label, ne, g.count > 1))
        return;
    /* one colour per activation: train solid, test dashed; alone in its
     * panel, the palette's colours without its dash-dot variants */
    ln.s.colour = small ? a % 10 + 1 : a + 1;
    ln.s.dashed = test;
    for (int e = 0; e < ne; e++) {
        figpool_stat st = figpool_stat_empty();
        for (int i = 0; i < g.count; i++) {
            const run_record *r = &in->recs[g.first + i];
            if (e < r->r.n_loss)
                figpool_stat_add(&st, loss_value(&r->r.loss[e], which));
        }
        line_set(&ln, e, e, &st);
    }
    mark_diverged(p, &ln, in, g, false);
    figpool_add(p, panel, &ln.s);
}

/* Loss and accuracy against epoch: train and test per activation; past
 * FIGURES_MAX_LINES lines a panel, a pair of panels per activation (loss,
 * accuracy), two to a row, the losses on one scale and the accuracies on
 * another. */
static void fig_loss(figpool *p, const fig_in *in)
{
    bool test = false;
    for (int a = 0; a < in->n_acts; a++)
        test |= in->g[a].count > 0 && isfinite(in->recs[in->g[a].first].r.loss[0].test_loss);
    bool small = acts_drawn(in) * (test ? 2 : 1) > FIGURES_MAX_LINES;
    figpool_title(p, small ? "Loss and accuracy, one pair of panels per activation (train: "
                             "mean over the epoch's minibatches; test: held out)"
                           : "Loss and accuracy (train: mean over the epoch's minibatches; "
                             "test: held out)");
    int lp = -1, ap = -1, first = -1;
    for (int a = 0; a < in->n_acts; a++) {
        if (in->g[a].count == 0)
            continue;
        if (small || lp < 0) {
            const char *who = small ? act_key(p, in, a) : NULL;
            lp = add_panel(p, small ? figpool_str(p, "%s: loss", who) : "cross-entropy loss",
                           "epoch", "loss (nats)", true);
            ap = add_panel(p, small ? figpool_str(p, "%s: accuracy", who) : "accuracy",
                           "epoch", "accuracy (fraction correct)", false);
            first = first < 0 ? lp : first;
        }
        for (int which = 0; which < 4; which++)
            loss_line(p, which < 2 ? lp : ap, in, a, which, small);
    }
    if (small && first >= 0) {
        figpool_cols(p, 4);
        figpool_share_axes(p, first, ap + 1, 2);
        figpool_share_axes(p, first + 1, ap + 1, 2);
    }
}

/* A panel of percentages: its y axis over [0, 100] (plot.h). */
static int add_pct_panel(figpool *p, const char *title, const char *xl, const char *yl)
{
    return figpool_panel(p, &(plot_panel){.title = title, .xlabel = xl, .ylabel = yl,
                                          .integer_x = true, .percent = true});
}

/* A level line at y across the x range of the panel's first series. */
static void add_level(figpool *p, int panel, double y, const char *label)
{
    const plot_panel *pn = &figpool_figure(p)->panels[panel];
    if (pn->n_series == 0 || pn->series[0].n == 0)
        return;
    const plot_series *s0 = &pn->series[0];
    line ln;
    if (!line_make(&ln, p, label, 2, false))
        return;
    ln.s.style = PLOT_REFERENCE;
    ln.x[0] = s0->x[0], ln.x[1] = s0->x[s0->n - 1];
    ln.y[0] = ln.y[1] = y;
    figpool_add(p, panel, &ln.s);
}

/* Mean over hidden layers against epoch, and per layer at the last probe;
 * with warn, a level line at that percentage in both. */
static void fig_pct(figpool *p, const fig_in *in, const probe_metric *m, const char *what,
                    double warn, const char *warn_label)
{
    int ep = add_pct_panel(p, figpool_str(p, "%s, mean over hidden layers", what), "epoch",
                           figpool_str(p, "%s (%%)", what));
    for (int a = 0; a < in->n_acts; a++)
        if (in->g[a].count > 0)
            series_by_epoch(p, ep, act_key(p, in, a), in, in->g[a], m, -1, true);
    int lp = add_pct_panel(p, figpool_str(p, "%s by hidden layer after training", what),
                           "hidden layer", figpool_str(p, "%s (%%)", what));
    series_by_layer(p, lp, in, m, true);
    if (warn_label) {
        add_level(p, ep, warn, warn_label);
        add_level(p, lp, warn, warn_label);
    }
}

/* The dead share past which the lectures call a network in trouble. */
#define DEAD_WARN_PCT 20.0

static void fig_dead(figpool *p, const fig_in *in)
{
    figpool_title(p, "Dead units: output exactly 0 for every probe sample");
    fig_pct(p, in, METRIC(dead_pct), "dead units", DEAD_WARN_PCT,
            "20% dead: the warning sign");
}

/* Both sides apart: ReLU's "saturation" is its whole negative half, where
 * f' = 0, and none above; sigmoid's and tanh's are their tails. */
static void fig_saturated(figpool *p, const fig_in *in)
{
    figpool_title(p, "Saturation: (sample, unit) pairs with |f'(z)| below 1% of the "
                     "activation's largest |f'|, on each side of z = 0");
    fig_pct(p, in, METRIC(sat_low_pct), "saturated pairs with z < 0", 0.0, NULL);
    fig_pct(p, in, METRIC(sat_high_pct), "saturated pairs with z >= 0", 0.0, NULL);
}

/* The activations and their derivatives; past FIGURES_MAX_LINES, a panel
 * per activation with both, every panel on the same axes. */
static void fig_functions(figpool *p, const fig_in *in)
{
    enum { N = 241 };
    bool small = in->n_acts > FIGURES_MAX_LINES;
    figpool_title(p, small ? "The activations f(z) and their derivatives f'(z), on the same "
                             "axes"
                           : "The activations and their derivatives");
    int fp = -1, dp = -1;
    if (!small) {
        fp = figpool_panel(p, &(plot_panel){.title = "f(z)", .xlabel = "pre-activation z",
                                            .ylabel = "f(z)"});
        dp = figpool_panel(p, &(plot_panel){.title = "f'(z)", .xlabel = "pre-activation z",
                                            .ylabel = "f'(z)"});
    }
    float z[N], y[N], d[N];
    for (int i = 0; i < N; i++)
        z[i] = (float)(-6.0 + 0.05 * i);
    for (int a = 0; a < in->n_acts; a++) {
        const act_spec *act = &in->acts[a];
        act_f(act->info, y, z, N, 1, act->p);
        act_df(act->info, d, z, y, N, 1, act->p);
        line lf, ld;
        if (small)
            fp = dp = figpool_panel(p, &(plot_panel){.title = act->label,
                                                     .xlabel = "pre-activation z",
                                                     .ylabel = "f(z), f'(z)"});
        if (!line_make(&lf, p, small ? "f(z)" : act->label, N, false) ||
            !line_make(&ld, p, small ? "f'(z)" : act->label, N, false))
            return;
        if (small) {
            lf.s.colour = 1;
            ld.s.colour = 2;
            ld.s.dashed = true;
        }
        for (int i = 0; i < N; i++) {
            lf.x[i] = ld.x[i] = z[i];
            lf.y[i] = y[i];
            ld.y[i] = d[i];
        }
        figpool_add(p, fp, &lf.s);
        figpool_add(p, dp, &ld.s);
    }
    if (small) {
        figpool_cols(p, 5);
        figpool_share_axes(p, 0, in->n_acts, 1);
    }
}

/* One panel per learned parameter of each activation that has them (prelu's
 * alpha, a formula's ~parameters), one line per hidden layer (or a subset),
 * against epoch. */
static void fig_learned(figpool *p, const fig_in *in)
{
    figpool_title(p, "Learned activation parameters of the hidden layers during training");
    for (int a = 0; a < in->n_acts; a++) {
        const act_info *info = in->acts[a].info;
        act_group g = in->g[a];
        if (g.count == 0 || !info->learned)
            continue;
        int depth = in->recs[g.first].depth, idx[FIGURES_LAYER_LINES];
        int k = layer_subset(idx, depth);
        for (int q = 0; q < act_n_learned(info); q++) {
            const char *name = info->param_names[act_learned_param(info, q)];
            probe_metric m = {.name = name, .label = name, .hidden_only = true,
                              .off = offsetof(probe_layer, learned) + sizeof(double) * (size_t)q};
            int pn = add_panel(p, figpool_str(p, "%s: %s", act_key(p, in, a), name), "epoch",
                               name, false);
            for (int i = 0; i < k; i++)
                series_by_epoch(p, pn, figpool_str(p, "layer %d", idx[i] + 1), in, g, &m,
                                idx[i], true);
        }
    }
}

/* ---- building and writing -------------------------------------------- */

typedef void (*fig_builder)(figpool *p, const fig_in *in);

static const fig_builder builders[] = {fig_grad_layers, fig_grad_epochs, fig_loss,
                                       fig_dead,        fig_saturated,   fig_functions,
                                       fig_learned};

const char *const figures_names[] = {"grad_by_layer", "grad_by_epoch", "loss",
                                     "dead",          "saturation",    "functions",
                                     FIGURES_LEARNED};
const int figures_n = (int)(sizeof figures_names / sizeof figures_names[0]);

_Static_assert(sizeof builders / sizeof builders[0] ==
                   sizeof figures_names / sizeof figures_names[0],
               "a builder per figure name");

ab_status figures_build(figpool **out, const char *name, const run_record *recs, int n,
                        const act_spec *acts, int n_acts, ab_err *err)
{
    *out = NULL;
    int b = 0;
    while (b < figures_n && strcmp(figures_names[b], name) != 0)
        b++;
    if (b == figures_n)
        return ab_fail(err, AB_EUSAGE, "figure %s: no such figure", name);
    act_group *g = calloc((size_t)(n_acts > 0 ? n_acts : 1), sizeof *g);
    figpool *p = figpool_create(name);
    if (!g || !p) {
        free(g);
        figpool_free(p);
        return ab_fail(err, AB_ERUNTIME, "out of memory: figure %s", name);
    }
    for (int a = 0; a < n_acts; a++) {
        g[a] = (act_group){-1, 0};
        for (int i = 0; i < n; i++)
            if (recs[i].act == &acts[a]) {
                if (g[a].first < 0)
                    g[a].first = i;
                g[a].count++;
            }
    }
    builders[b](p, &(fig_in){.recs = recs, .acts = acts, .g = g, .n_acts = n_acts});
    free(g);
    ab_status st = figpool_status(p, err);
    if (st != AB_OK)
        figpool_free(p);
    else
        *out = p;
    return st;
}

ab_status figures_write(const char *dir, const run_record *recs, int n, const act_spec *acts,
                        int n_acts, bool render, ab_err *err)
{
    bool learned = false;
    for (int a = 0; a < n_acts; a++)
        learned |= acts[a].info->learned != 0;
    /* the learned parameters' figure, last, only where there are some */
    const int count = learned ? figures_n : figures_n - 1;
    for (int b = 0; b < count; b++) {
        figpool *p;
        ab_status st = figures_build(&p, figures_names[b], recs, n, acts, n_acts, err);
        if (st == AB_OK)
            st = plot_write(dir, figpool_figure(p), err);
        figpool_free(p);
        if (st != AB_OK)
            return st;
    }
    /* one gnuplot for all of them: its start is most of a figure's cost */
    return render ? plot_render_all(dir, figures_names, count, err) : AB_OK;
}
