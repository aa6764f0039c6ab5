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
    const figures_plane *plane; /* the decision regions' plane and points; NULL = none */
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
/* k of n (0..n-1): all when n <= k, else the first, the last and evenly
 * spaced between; returns the count. */
static int spread(int *idx, int n, int k)
{
    if (n <= k) {
        for (int i = 0; i < n; i++)
            idx[i] = i;
        return n;
    }
    for (int i = 0; i < k; i++)
        idx[i] = (int)(((long long)2 * i * (n - 1) + (k - 1)) / (2 * (k - 1)));
    return k;
}

static int layer_subset(int *idx, int L)
{
    return spread(idx, L, FIGURES_LAYER_LINES);
}

/* "1, 34, 68 and 101": the 1-based numbers of idx[0..k), into the pool. */
static const char *number_list(figpool *p, const int *idx, int k)
{
    char list[FIGURES_LAYER_LINES * 12] = "";
    size_t len = 0;
    for (int i = 0; i < k && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%d",
                                i == 0 ? "" : i == k - 1 ? " and " : ", ", idx[i] + 1);
    return figpool_str(p, "%s", list);
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

/* ---- histograms and the dead map ------------------------------------ */

/* One line: the fraction of group g's values of hidden layer l (0-based)
 * and kind in each slot of histogram h (0: epoch 0, 1: the last probe),
 * over the seeds that have it; colour per activation, the last dashed.
 * Nothing when no seed has it. */
static void hist_line(figpool *p, int panel, const fig_in *in, int a, int l, int h,
                      probe_hist_kind kind)
{
    act_group g = in->g[a];
    const run_record *r0 = NULL;
    for (int i = 0; i < g.count && !r0; i++)
        if (in->recs[g.first + i].r.units.n_hist > h)
            r0 = &in->recs[g.first + i];
    if (!r0)
        return;
    const run_units *u0 = &r0->r.units;
    line ln;
    const char *label = figpool_str(p, "%s, epoch %d", act_key(p, in, a), u0->hist_epoch[h]);
    if (!line_make(&ln, p, label, PROBE_HIST_SLOTS, g.count > 1))
        return;
    ln.s.colour = a + 1;
    ln.s.dashed = h > 0;
    for (int b = 0; b < PROBE_HIST_SLOTS; b++) {
        figpool_stat st = figpool_stat_empty();
        for (int i = 0; i < g.count; i++) {
            const run_result *r = &in->recs[g.first + i].r;
            if (r->units.n_hist <= h)
                continue;
            const uint32_t *slots = run_hist(r, h, l, kind);
            double total = probe_hist_total(slots);
            figpool_stat_add(&st, total > 0 ? slots[b] / total : NAN);
        }
        line_set(&ln, b, probe_slot_x(u0->range[kind], b), &st);
    }
    figpool_add(p, panel, &ln.s);
}

/* Per hidden layer (up to FIGURES_LAYER_LINES of them), a panel of the
 * activations' histogram beside one of the pre-activations', each with a
 * line per activation at epoch 0 and one at the last probe. */
static void fig_hist(figpool *p, const fig_in *in)
{
    int depth = 0;
    for (int a = 0; a < in->n_acts; a++)
        if (in->g[a].count > 0 && in->recs[in->g[a].first].depth > depth)
            depth = in->recs[in->g[a].first].depth;
    int idx[FIGURES_LAYER_LINES], k = layer_subset(idx, depth);
    const char *which = k < depth ? figpool_str(p, " (%d of the %d hidden layers: %s)", k,
                                                depth, number_list(p, idx, k))
                                  : "";
    figpool_title(p, figpool_str(p, "Distribution of each hidden layer's activations and "
                                    "pre-activations over the probe set, at epoch 0 (solid) "
                                    "and the last probe (dashed)%s", which));
    figpool_cols(p, 2);
    for (int i = 0; i < k; i++) {
        for (int kind = 0; kind < PROBE_HIST_KINDS; kind++) {
            bool act = kind == PROBE_HIST_ACT;
            int pn = figpool_panel(
                p, &(plot_panel){
                       .title = figpool_str(p, act ? "layer %d: activations f(y)"
                                                   : "layer %d: pre-activations y",
                                            idx[i] + 1),
                       .xlabel = act ? "activation (outermost points: all values below or "
                                       "above the bins)"
                                     : "pre-activation (outermost points: all values below "
                                       "-6.375 or above 6.375)",
                       .ylabel = "fraction of values in the bin"});
            for (int a = 0; a < in->n_acts; a++)
                for (int h = 0; h < 2 && in->g[a].count > 0; h++)
                    if (idx[i] < in->recs[in->g[a].first].depth)
                        hist_line(p, pn, in, a, idx[i], h, (probe_hist_kind)kind);
        }
    }
}

/* The dead map's colours: a unit's state at a probe, and against the probe
 * before. */
enum { MAP_ALIVE, MAP_DEAD, MAP_DIED, MAP_REVIVED, MAP_STATES };
static const unsigned map_rgb[MAP_STATES] = {0xeeeeee, 0x303030, 0xd62728, 0x2ca02c};
static const char *const map_label[MAP_STATES] = {
    "alive", "dead", "died since the probe before", "alive again since the probe before"};

/* The units and probes a dead-map panel shows at most: a unit is about a
 * pixel high at FIGURES_MAP_UNITS; the probes, first, last and evenly
 * spaced between, keep the script small. */
#define FIGURES_MAP_UNITS 256
#define FIGURES_MAP_PROBES 100
/* Activations mapped at most: with FIGURES_LAYER_LINES panels each, two
 * rows of panels, the picture stays within PLOT_MAX_PX. */
#define FIGURES_MAP_ACTS 6
/* x tic labels on a map at most */
#define MAP_TIC_LABELS 12


/* The state of unit u of layer l at probe idx[j] of r (against idx[j-1]). */
static int map_state(const run_result *r, const int *idx, int j, int l, int u)
{
    bool dead = probe_dead_bit(run_dead_row(r, idx[j], l), u);
    if (j == 0 || probe_dead_bit(run_dead_row(r, idx[j - 1], l), u) == dead)
        return dead ? MAP_DEAD : MAP_ALIVE;
    return dead ? MAP_DIED : MAP_REVIVED;
}

/* One panel: the map of hidden layer l (0-based) of run r, act's seed. */
static void map_panel(figpool *p, const fig_in *in, int a, const run_record *rec, int l)
{
    const run_result *r = &rec->r;
    const int w = r->units.width, units = w < FIGURES_MAP_UNITS ? w : FIGURES_MAP_UNITS;
    int *pi = figpool_bytes(p, sizeof(int) * FIGURES_MAP_PROBES);
    if (!pi)
        return;
    int np = spread(pi, r->n_probes, FIGURES_MAP_PROBES);
    int dead = 0;
    for (int u = 0; u < w; u++)
        dead += probe_dead_bit(run_dead_row(r, r->n_probes - 1, l), u);
    const char *shown = units < w ? figpool_str(p, " (units 0-%d shown)", units - 1) : "";
    const char *probes = np < r->n_probes ? figpool_str(p, " (%d of %d probes)", np,
                                                        r->n_probes)
                                          : "";
    /* a single probe or unit becomes two cells, a grid needing two a side */
    int nx = np > 1 ? np : 2, ny = units > 1 ? units : 2;
    plot_image *im = figpool_bytes(p, sizeof *im);
    unsigned *rgb = figpool_bytes(p, sizeof *rgb * (size_t)nx * (size_t)ny);
    const char **names = figpool_bytes(p, sizeof *names * (size_t)np);
    if (!im || !rgb || !names)
        return;
    for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++)
            rgb[(size_t)j * nx + i] =
                map_rgb[map_state(r, pi, np > 1 ? i : 0, l, units > 1 ? j : 0)];
    int every = (np + MAP_TIC_LABELS - 1) / MAP_TIC_LABELS;
    for (int i = 0; i < np; i++)
        names[i] = i % every == 0 || i == np - 1
                       ? figpool_str(p, "%d", r->probe_epoch[pi[i]])
                       : "";
    *im = (plot_image){.nx = nx, .ny = ny, .x0 = np > 1 ? 1 : 0.75, .x1 = np > 1 ? np : 1.25,
                       .y0 = units > 1 ? 0 : -0.25, .y1 = units > 1 ? units - 1 : 0.25,
                       .rgb = rgb, .n_legend = MAP_STATES, .legend_rgb = map_rgb,
                       .legend_label = map_label};
    int pn = figpool_panel(
        p, &(plot_panel){.title = figpool_str(p, "%s seed %llu, layer %d: %d of %d dead at the "
                                                 "last probe%s%s",
                                              act_key(p, in, a),
                                              (unsigned long long)rec->seed, l + 1, dead, w,
                                              shown, probes),
                         .xlabel = "probe (epoch)", .ylabel = "unit", .image = im});
    figpool_xnames(p, pn, names, np);
}

/* The activations whose units can die (run_units.can_die), each its first
 * seed: a panel per hidden layer (up to FIGURES_LAYER_LINES), unit against
 * probe, coloured alive, dead, just died or alive again. */
static void fig_dead_map(figpool *p, const fig_in *in)
{
    int k = 0, depth = 0, mapped = 0, can = 0;
    for (int a = 0; a < in->n_acts; a++) {
        act_group g = in->g[a];
        if (g.count == 0 || !in->recs[g.first].r.units.can_die ||
            !in->recs[g.first].r.units.dead || in->recs[g.first].r.n_probes == 0)
            continue;
        if (can++ >= FIGURES_MAP_ACTS)
            continue;
        mapped++;
        const run_record *rec = &in->recs[g.first];
        int idx[FIGURES_LAYER_LINES];
        k = layer_subset(idx, rec->depth);
        depth = rec->depth > depth ? rec->depth : depth;
        for (int i = 0; i < k; i++)
            map_panel(p, in, a, rec, idx[i]);
    }
    int idx[FIGURES_LAYER_LINES], shown = layer_subset(idx, depth);
    figpool_title(p, figpool_str(p, "Dead units (exactly 0 on every probe sample) of each "
                                    "hidden layer at each probe%s%s",
                                 shown < depth ? figpool_str(p, " (%d of the %d hidden layers: "
                                                                "%s)", shown, depth,
                                                             number_list(p, idx, shown))
                                               : "",
                                 mapped < can ? figpool_str(p, " (the first %d of the %d "
                                                               "activations whose units can "
                                                               "die)", mapped, can)
                                              : ""));
    /* a row or two per activation */
    figpool_cols(p, k <= 5 ? k : (k + 1) / 2);
}

/* ---- decision regions ------------------------------------------------- */

/* Class c's colour mixed with white: a cell keeps REGIONS_TINT of it, light
 * enough for the points of every class to show on it. */
#define REGIONS_TINT 0.3
#define REGIONS_NONE_RGB 0xbfbfbfu /* a cell without a prediction */
#define REGIONS_ROW 4              /* panels side by side */
/* Points drawn of each set at most, evenly spaced through it (a CSV file
 * may be sorted by class), so that a large set makes neither a huge script
 * nor a smear. */
#define REGIONS_MAX_POINTS 2000

static unsigned class_tint(int c)
{
    unsigned rgb = plot_palette_rgb(c), out = 0;
    for (int sh = 16; sh >= 0; sh -= 8) {
        double v = 255.0 - (255.0 - (double)((rgb >> sh) & 255u)) * REGIONS_TINT;
        out |= (unsigned)lround(v) << sh;
    }
    return out;
}

/* The row of s that drawn point q is: every row of a small set, else
 * REGIONS_MAX_POINTS evenly spaced ones. */
static int drawn_row(const data_set *s, int q)
{
    return s->n <= REGIONS_MAX_POINTS ? q
                                      : (int)((long long)q * s->n / REGIONS_MAX_POINTS);
}

/* The points of set s in class c, in data coordinates, as a PLOT_POINTS
 * series in c's colour: filled markers, or open ones when open. */
static void class_points(figpool *p, int panel, const data_set *s, const regions_grid *g, int c,
                         bool open)
{
    int m = 0, n = s->n < REGIONS_MAX_POINTS ? s->n : REGIONS_MAX_POINTS;
    for (int q = 0; q < n; q++)
        m += s->y[drawn_row(s, q)] == c;
    double *x = figpool_doubles(p, m > 0 ? m : 1), *y = figpool_doubles(p, m > 0 ? m : 1);
    if (!x || !y)
        return;
    for (int q = 0, k = 0; q < n; q++) {
        int i = drawn_row(s, q);
        if (s->y[i] == c) {
            double v[2];
            regions_to_data(v, g, s->x + 2 * (size_t)i);
            x[k] = v[0], y[k++] = v[1];
        }
    }
    figpool_add(p, panel, &(plot_series){.label = figpool_str(p, "class %d: %s", c,
                                                              open ? "test" : "train"),
                                         .n = m, .x = x, .y = y, .style = PLOT_POINTS,
                                         .colour = c + 1, .dashed = open});
}

/* One panel: map `map` of record r's regions, with the data's points. */
static void regions_panel(figpool *p, const fig_in *in, const run_record *r, int map)
{
    const figures_plane *pl = in->plane;
    const regions_grid *g = pl->grid;
    const regions_map *m = &r->r.regions;
    int epoch = m->epoch[map], k = pl->train->k;
    const unsigned char *cls = m->cls + (size_t)map * m->cells;
    unsigned *rgb = figpool_bytes(p, sizeof(unsigned) * (size_t)m->cells);
    unsigned *leg = figpool_bytes(p, sizeof(unsigned));
    const char **leg_label = figpool_bytes(p, sizeof(char *));
    plot_image *im = figpool_bytes(p, sizeof *im);
    if (!rgb || !leg || !leg_label || !im)
        return;
    bool none = false;
    for (int i = 0; i < m->cells; i++) {
        none |= cls[i] == REGIONS_NONE;
        rgb[i] = cls[i] == REGIONS_NONE ? REGIONS_NONE_RGB : class_tint(cls[i]);
    }
    leg[0] = REGIONS_NONE_RGB;
    leg_label[0] = "no prediction (output not finite)";
    *im = (plot_image){.nx = g->nx, .ny = g->ny, .x0 = g->x0, .x1 = g->x1, .y0 = g->y0,
                       .y1 = g->y1, .rgb = rgb, .n_legend = none, .legend_rgb = leg,
                       .legend_label = leg_label};
    /* the accuracy of the parameters drawn: the test set's, else the training
     * set's; a run that diverged has none at its end */
    bool test = pl->test->n > 0;
    const char *title;
    if (map == m->n_maps - 1 && r->r.diverged) {
        title = figpool_str(p, "%s, seed %llu: diverged in epoch %d", r->act->label,
                            (unsigned long long)r->seed, r->r.diverged_epoch);
    } else {
        const loss_row *lr = &r->r.loss[epoch < r->r.n_loss ? epoch : r->r.n_loss - 1];
        title = figpool_str(p, "%s, seed %llu, epoch %d: %s acc %.3f", r->act->label,
                            (unsigned long long)r->seed, epoch, test ? "test" : "train",
                            test ? lr->test_acc : lr->train_acc);
    }
    int pn = figpool_panel(p, &(plot_panel){.title = title, .xlabel = "x1", .ylabel = "x2",
                                            .image = im});
    for (int c = 0; c < k; c++) {
        class_points(p, pn, pl->train, g, c, false);
        if (pl->test->n > 0) /* no test set: no test points to key */
            class_points(p, pn, pl->test, g, c, true);
    }
}

/* Each activation's predicted class over the input plane, for its first
 * seed, side by side; with the epoch-0 maps, those in a row above. */
static void fig_regions(figpool *p, const fig_in *in)
{
    if (!in->plane || !in->plane->grid || !in->plane->grid->in)
        return;
    int maps = 0, drawn = 0;
    for (int a = 0; a < in->n_acts; a++)
        if (in->g[a].count > 0 && in->recs[in->g[a].first].r.regions.n_maps > 0) {
            maps = in->recs[in->g[a].first].r.regions.n_maps;
            drawn++;
        }
    const data_set *tr = in->plane->train, *te = in->plane->test;
    char some[128] = "";
    if (tr->n > REGIONS_MAX_POINTS || te->n > REGIONS_MAX_POINTS)
        snprintf(some, sizeof some, " (%d evenly spaced of %d and of %d)", REGIONS_MAX_POINTS,
                 tr->n, te->n);
    figpool_title(p, figpool_str(p, "Decision regions: the predicted class over the input plane "
                                    "(first seed of each activation); %s%s",
                                 te->n > 0 ? "training points filled, test points open"
                                           : "the training points (no test set)",
                                 some));
    /* a row of up to REGIONS_ROW activations, the epoch-0 maps in a row above
     * theirs; with more, a row per activation: epoch 0, the end */
    bool by_act = maps == 2 && drawn > REGIONS_ROW;
    for (int q = 0; q < maps * in->n_acts; q++) {
        int a = by_act ? q / maps : q % in->n_acts, map = by_act ? q % maps : q / in->n_acts;
        const run_record *r = in->g[a].count > 0 ? &in->recs[in->g[a].first] : NULL;
        if (r && r->r.regions.n_maps == maps)
            regions_panel(p, in, r, map);
    }
    figpool_cols(p, by_act ? 2 : drawn < REGIONS_ROW ? drawn : REGIONS_ROW);
}

/* ---- building and writing -------------------------------------------- */

typedef void (*fig_builder)(figpool *p, const fig_in *in);

static const fig_builder builders[] = {fig_grad_layers, fig_grad_epochs, fig_loss,
                                       fig_dead,        fig_saturated,   fig_functions,
                                       fig_hist,        fig_dead_map,    fig_regions,
                                       fig_learned};

const char *const figures_names[] = {"grad_by_layer", "grad_by_epoch",  "loss",
                                     "dead",          "saturation",     "functions",
                                     "hist",          FIGURES_DEAD_MAP, FIGURES_REGIONS,
                                     FIGURES_LEARNED};
const int figures_n = (int)(sizeof figures_names / sizeof figures_names[0]);

_Static_assert(sizeof builders / sizeof builders[0] ==
                   sizeof figures_names / sizeof figures_names[0],
               "a builder per figure name");

ab_status figures_build(figpool **out, const char *name, const run_record *recs, int n,
                        const act_spec *acts, int n_acts, ab_err *err)
{
    return figures_build_plane(out, name, recs, n, acts, n_acts, NULL, err);
}

ab_status figures_build_plane(figpool **out, const char *name, const run_record *recs, int n,
                              const act_spec *acts, int n_acts, const figures_plane *plane,
                              ab_err *err)
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
    builders[b](p, &(fig_in){.recs = recs, .acts = acts, .g = g, .n_acts = n_acts,
                             .plane = plane});
    free(g);
    ab_status st = figpool_status(p, err);
    if (st != AB_OK)
        figpool_free(p);
    else
        *out = p;
    return st;
}

bool figures_wanted(const char *name, const run_record *recs, int n, const act_spec *acts,
                    int n_acts, const figures_plane *plane)
{
    bool any = false;
    if (!strcmp(name, FIGURES_LEARNED)) {
        for (int a = 0; a < n_acts; a++)
            any |= acts[a].info->learned != 0;
        return any;
    }
    if (!strcmp(name, FIGURES_DEAD_MAP)) {
        for (int i = 0; i < n; i++)
            any |= recs[i].r.units.can_die && recs[i].r.n_probes > 0;
        return any;
    }
    if (!strcmp(name, FIGURES_REGIONS)) {
        for (int i = 0; i < n; i++)
            any |= recs[i].r.regions.n_maps > 0;
        return any && plane && plane->grid && plane->grid->in;
    }
    return true;
}

ab_status figures_write_pool(const char *dir, figpool *p, const char *name, const char *title,
                             ab_err *err)
{
    plot_figure f = *figpool_figure(p);
    if (name)
        f.name = name;
    if (title)
        f.title = title;
    int n_xn;
    const plot_xnames *xn = figpool_xnames_of(p, &n_xn);
    return plot_write_xnames(dir, &f, xn, n_xn, err);
}

ab_status figures_write(const char *dir, const run_record *recs, int n, const act_spec *acts,
                        int n_acts, const figures_plane *plane, bool render, ab_err *err)
{
    const char *names[sizeof figures_names / sizeof figures_names[0]];
    int count = 0;
    for (int b = 0; b < figures_n; b++) {
        if (!figures_wanted(figures_names[b], recs, n, acts, n_acts, plane))
            continue;
        figpool *p;
        ab_status st = figures_build_plane(&p, figures_names[b], recs, n, acts, n_acts, plane,
                                           err);
        if (st == AB_OK)
            st = figures_write_pool(dir, p, NULL, NULL, err);
        figpool_free(p);
        if (st != AB_OK)
            return st;
        names[count++] = figures_names[b];
    }
    /* one gnuplot for all of them: its start is most of a figure's cost */
    return render ? plot_render_all(dir, names, count, err) : AB_OK;
}
