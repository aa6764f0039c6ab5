/* figures.c - turns run records into plot figures: gradient norm by layer at
 * initialisation with the 0.25^n reference, gradient norm across epochs, loss
 * and accuracy, dead and saturated units, and the activation functions.
 * With several seeds a line is the mean and its band the min..max. */
#include "figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"

#define MAX_SERIES 256
#define MAX_PANELS 64

/* Everything a figure points at, freed together after it is written. */
typedef struct {
    void *blocks[4 * MAX_SERIES * 4];
    int n_blocks;
    char *labels[MAX_SERIES * 4];
    int n_labels;
    plot_series series[MAX_PANELS][MAX_SERIES];
    plot_panel panels[MAX_PANELS];
    int n_panels;
    int oom;
} fig_pool;

static double *pool_doubles(fig_pool *p, int n)
{
    if (p->n_blocks >= (int)(sizeof p->blocks / sizeof p->blocks[0])) {
        p->oom = 1;
        return NULL;
    }
    double *d = calloc((size_t)(n > 0 ? n : 1), sizeof(double));
    if (!d)
        p->oom = 1;
    else
        p->blocks[p->n_blocks++] = d;
    return d;
}

static const char *pool_label(fig_pool *p, const char *fmt, const char *a, int i)
{
    char buf[160];
    snprintf(buf, sizeof buf, fmt, a, i);
    char *s = p->n_labels < (int)(sizeof p->labels / sizeof p->labels[0]) ? strdup(buf) : NULL;
    if (!s) {
        p->oom = 1;
        return "?";
    }
    p->labels[p->n_labels++] = s;
    return s;
}

static void pool_free(fig_pool *p)
{
    for (int i = 0; i < p->n_blocks; i++)
        free(p->blocks[i]);
    for (int i = 0; i < p->n_labels; i++)
        free(p->labels[i]);
    free(p);
}

static plot_panel *add_panel(fig_pool *p, const char *title, const char *xl, const char *yl,
                             bool logy)
{
    plot_panel *pn = &p->panels[p->n_panels];
    memset(pn, 0, sizeof *pn);
    pn->title = title;
    pn->xlabel = xl;
    pn->ylabel = yl;
    pn->logy = logy;
    pn->integer_x = true;
    pn->series = p->series[p->n_panels];
    p->n_panels++;
    return pn;
}

static plot_series *add_series(fig_pool *p, plot_panel *pn, const char *label, int n)
{
    if (pn->n_series >= MAX_SERIES) {
        p->oom = 1;
        return NULL;
    }
    plot_series *s = &p->series[pn - p->panels][pn->n_series++];
    memset(s, 0, sizeof *s);
    s->label = label;
    s->n = n;
    s->style = PLOT_LINE;
    double *x = pool_doubles(p, n), *y = pool_doubles(p, n);
    s->x = x;
    s->y = y;
    return (x && y) ? s : NULL;
}

/* Gives s a min..max band when it aggregates more than one seed. */
static void add_band(fig_pool *p, plot_series *s, double **lo, double **hi)
{
    *lo = pool_doubles(p, s->n);
    *hi = pool_doubles(p, s->n);
    s->ylo = *lo;
    s->yhi = *hi;
}

/* Records of activation a: recs[first .. first+count). */
typedef struct {
    int first, count;
} act_group;

static int group_records(act_group *g, const run_record *recs, int n, const act_spec *acts,
                         int n_acts)
{
    for (int a = 0; a < n_acts; a++) {
        g[a].first = -1;
        g[a].count = 0;
        for (int i = 0; i < n; i++)
            if (recs[i].act == &acts[a]) {
                if (g[a].first < 0)
                    g[a].first = i;
                g[a].count++;
            }
    }
    return n_acts;
}

/* Accessors pulling one number out of a record. */
typedef double (*probe_get)(const probe_layer *l);
static double get_grad(const probe_layer *l) { return l->grad_norm; }
static double get_bias_grad(const probe_layer *l) { return l->bias_grad_norm; }
static double get_dead(const probe_layer *l) { return l->dead_pct; }
static double get_saturated(const probe_layer *l) { return l->saturated_pct; }

/* mean, min and max over the finite values v[0..n) */
static void stats(const double *v, int n, double *mean, double *lo, double *hi)
{
    double s = 0.0, mn = INFINITY, mx = -INFINITY;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) {
            s += v[i];
            mn = fmin(mn, v[i]);
            mx = fmax(mx, v[i]);
            k++;
        }
    *mean = k ? s / k : NAN;
    *lo = k ? mn : NAN;
    *hi = k ? mx : NAN;
}

/* One series per activation: get(layer) at probe 0 against layer number,
 * aggregated over seeds. */
static void series_by_layer(fig_pool *p, plot_panel *pn, const run_record *recs,
                            const act_group *g, const act_spec *acts, int n_acts, probe_get get,
                            int probe_last, int hidden_only)
{
    double v[4096];
    for (int a = 0; a < n_acts; a++) {
        if (g[a].count == 0)
            continue;
        const run_record *r0 = &recs[g[a].first];
        int L = hidden_only ? r0->depth : r0->r.n_layers;
        plot_series *s = add_series(p, pn, acts[a].label, L);
        if (!s)
            return;
        double *lo = NULL, *hi = NULL;
        if (g[a].count > 1)
            add_band(p, s, &lo, &hi);
        for (int l = 0; l < L; l++) {
            int k = 0;
            for (int i = 0; i < g[a].count && k < 4096; i++) {
                const run_record *r = &recs[g[a].first + i];
                int pi = probe_last ? r->r.n_probes - 1 : 0;
                v[k++] = r->r.n_probes > 0 ? get(&record_probe(r, pi)[l]) : NAN;
            }
            double m, mn, mx;
            stats(v, k, &m, &mn, &mx);
            ((double *)s->x)[l] = l + 1;
            ((double *)s->y)[l] = m;
            if (lo) {
                lo[l] = mn;
                hi[l] = mx;
            }
        }
    }
}

/* The index of the probe taken at epoch e in r, or -1. */
static int probe_at(const run_record *r, int e)
{
    for (int i = 0; i < r->r.n_probes; i++)
        if (r->r.probe_epoch[i] == e)
            return i;
    return -1;
}

/* One series: get(layer l) (or the mean over hidden layers when l < 0)
 * against probe epoch, aggregated over the seeds of group g. */
static void series_by_epoch(fig_pool *p, plot_panel *pn, const char *label,
                            const run_record *recs, act_group g, probe_get get, int l, bool band)
{
    const run_record *r0 = &recs[g.first];
    /* the longest run of the group gives the epochs */
    for (int i = 1; i < g.count; i++)
        if (recs[g.first + i].r.n_probes > r0->r.n_probes)
            r0 = &recs[g.first + i];
    int np = r0->r.n_probes;
    plot_series *s = add_series(p, pn, label, np);
    if (!s)
        return;
    double *lo = NULL, *hi = NULL;
    if (band && g.count > 1)
        add_band(p, s, &lo, &hi);
    double v[4096];
    for (int k = 0; k < np; k++) {
        int e = r0->r.probe_epoch[k], m = 0;
        for (int i = 0; i < g.count && m < 4096; i++) {
            const run_record *r = &recs[g.first + i];
            int pi = probe_at(r, e);
            if (pi < 0)
                continue;
            const probe_layer *pl = record_probe(r, pi);
            if (l >= 0) {
                v[m++] = get(&pl[l]);
            } else {
                double sum = 0.0;
                for (int j = 0; j < r->depth; j++)
                    sum += get(&pl[j]);
                v[m++] = sum / r->depth;
            }
        }
        double mean, mn, mx;
        stats(v, m, &mean, &mn, &mx);
        ((double *)s->x)[k] = e;
        ((double *)s->y)[k] = mean;
        if (lo) {
            lo[k] = mn;
            hi[k] = mx;
        }
    }
}

/* 0.25^(L - l) through the output layer's value of the anchor series. */
static void add_reference(fig_pool *p, plot_panel *pn, int anchor_series)
{
    if (pn->n_series <= anchor_series)
        return;
    const plot_series *a = &pn->series[anchor_series];
    int L = a->n;
    double top = a->y[L - 1];
    const char *label = pool_label(p, "0.25^(%s%d - layer), through sigmoid's output layer", "",
                                   L);
    plot_series *s = add_series(p, pn, label, L);
    if (!s)
        return;
    s->style = PLOT_REFERENCE;
    for (int l = 0; l < L; l++) {
        ((double *)s->x)[l] = l + 1;
        ((double *)s->y)[l] = top * pow(0.25, L - 1 - l);
    }
}

typedef ab_status (*fig_builder)(fig_pool *p, plot_figure *fig, const run_record *recs, int n,
                                 const act_group *g, const act_spec *acts, int n_acts);

static int find_act(const act_spec *acts, int n_acts, const char *name)
{
    for (int a = 0; a < n_acts; a++)
        if (strcmp(acts[a].info->name, name) == 0)
            return a;
    return -1;
}

static ab_status fig_grad_layers(fig_pool *p, plot_figure *fig, const run_record *recs, int n,
                                 const act_group *g, const act_spec *acts, int n_acts)
{
    (void)n;
    fig->name = "grad_by_layer";
    fig->title = "Gradient norm by layer at initialisation (epoch 0): does the signal reach the "
                 "first layer?";
    plot_panel *w = add_panel(p, "weight gradients", "layer (1 = first hidden, last = output)",
                              "||dL/dW|| (Frobenius)", true);
    series_by_layer(p, w, recs, g, acts, n_acts, get_grad, 0, 0);
    plot_panel *b = add_panel(p, "bias gradients (the per-layer decay factor is measured here)",
                              "layer (1 = first hidden, last = output)", "||dL/db||", true);
    series_by_layer(p, b, recs, g, acts, n_acts, get_bias_grad, 0, 0);
    /* series index of sigmoid = its position among activations with records */
    int sig = find_act(acts, n_acts, "sigmoid");
    if (sig >= 0) {
        int idx = 0;
        for (int a = 0; a < sig; a++)
            idx += g[a].count > 0;
        add_reference(p, w, idx);
        add_reference(p, b, idx);
    }
    return AB_OK;
}

/* One panel per activation, one line per layer, against epoch. */
static ab_status fig_grad_epochs(fig_pool *p, plot_figure *fig, const run_record *recs, int n,
                                 const act_group *g, const act_spec *acts, int n_acts)
{
    (void)n;
    fig->name = "grad_by_epoch";
    fig->title = "Weight-gradient norm of every layer during training";
    for (int a = 0; a < n_acts && p->n_panels < MAX_PANELS; a++) {
        if (g[a].count == 0)
            continue;
        plot_panel *pn = add_panel(p, acts[a].label, "epoch", "||dL/dW|| (Frobenius)", true);
        int L = recs[g[a].first].r.n_layers;
        for (int l = 0; l < L; l++)
            series_by_epoch(p, pn, pool_label(p, l == L - 1 ? "%slayer %d (output)" : "%slayer %d",
                                              "", l + 1),
                            recs, g[a], get_grad, l, false);
    }
    return AB_OK;
}

/* Loss and accuracy against epoch: train and test per activation. */
static ab_status fig_loss(fig_pool *p, plot_figure *fig, const run_record *recs, int n,
                          const act_group *g, const act_spec *acts, int n_acts)
{
    (void)n;
    fig->name = "loss";
    fig->title = "Loss and accuracy (train: mean over the epoch's minibatches; test: held out)";
    plot_panel *lp = add_panel(p, "cross-entropy loss", "epoch", "loss (nats)", true);
    plot_panel *ap = add_panel(p, "accuracy", "epoch", "accuracy (fraction correct)", false);
    for (int a = 0; a < n_acts; a++) {
        if (g[a].count == 0)
            continue;
        for (int which = 0; which < 4; which++) {
            plot_panel *pn = which < 2 ? lp : ap;
            int test = which & 1;
            const run_record *r0 = &recs[g[a].first];
            for (int i = 1; i < g[a].count; i++)
                if (recs[g[a].first + i].r.n_loss > r0->r.n_loss)
                    r0 = &recs[g[a].first + i];
            if (test && !isfinite(r0->r.loss[0].test_loss))
                continue;
            int ne = r0->r.n_loss;
            plot_series *s = add_series(p, pn, pool_label(p, test ? "%s test" : "%s train",
                                                          acts[a].label, 0), ne);
            if (!s)
                return AB_OK;
            /* one colour per activation: train solid, test dashed */
            s->colour = a + 1;
            s->dashed = test;
            double *lo = NULL, *hi = NULL;
            if (g[a].count > 1)
                add_band(p, s, &lo, &hi);
            double v[4096];
            for (int e = 0; e < ne; e++) {
                int m = 0;
                for (int i = 0; i < g[a].count && m < 4096; i++) {
                    const run_record *r = &recs[g[a].first + i];
                    if (e >= r->r.n_loss)
                        continue;
                    const loss_row *row = &r->r.loss[e];
                    v[m++] = which == 0 ? row->train_loss : which == 1 ? row->test_loss
                           : which == 2 ? row->train_acc : row->test_acc;
                }
                double mean, mn, mx;
                stats(v, m, &mean, &mn, &mx);
                ((double *)s->x)[e] = e;
                ((double *)s->y)[e] = mean;
                if (lo) {
                    lo[e] = mn;
                    hi[e] = mx;
                }
            }
        }
    }
    return AB_OK;
}

/* Mean over hidden layers against epoch, and per layer at the last probe. */
static ab_status fig_pct(fig_pool *p, plot_figure *fig, const run_record *recs,
                         const act_group *g, const act_spec *acts, int n_acts, probe_get get,
                         const char *what)
{
    plot_panel *ep = add_panel(p, pool_label(p, "%s, mean over hidden layers", what, 0), "epoch",
                               pool_label(p, "%s (%%)", what, 0), false);
    for (int a = 0; a < n_acts; a++)
        if (g[a].count > 0)
            series_by_epoch(p, ep, acts[a].label, recs, g[a], get, -1, true);
    plot_panel *lp = add_panel(p, pool_label(p, "%s by hidden layer after training", what, 0),
                               "hidden layer", pool_label(p, "%s (%%)", what, 0), false);
    series_by_layer(p, lp, recs, g, acts, n_acts, get, 1, 1);
    (void)fig;
    return AB_OK;
}

static ab_status fig_dead(fig_pool *p, plot_figure *fig, const run_record *recs, int n,
                          const act_group *g, const act_spec *acts, int n_acts)
{
    (void)n;
    fig->name = "dead";
    fig->title = "Dead units: output exactly 0 for every probe sample";
    return fig_pct(p, fig, recs, g, acts, n_acts, get_dead, "dead units");
}

static ab_status fig_saturated(fig_pool *p, plot_figure *fig, const run_record *recs, int n,
                               const act_group *g, const act_spec *acts, int n_acts)
{
    (void)n;
    fig->name = "saturation";
    fig->title = "Saturation: (sample, unit) pairs with |f'(z)| below 1% of the activation's "
                 "largest |f'|";
    return fig_pct(p, fig, recs, g, acts, n_acts, get_saturated, "saturated pairs");
}

static ab_status fig_functions(fig_pool *p, plot_figure *fig, const run_record *recs, int n,
                               const act_group *g, const act_spec *acts, int n_acts)
{
    (void)recs, (void)n, (void)g;
    enum { N = 241 };
    fig->name = "functions";
    fig->title = "The activations and their derivatives";
    plot_panel *fp = add_panel(p, "f(z)", "pre-activation z", "f(z)", false);
    plot_panel *dp = add_panel(p, "f'(z)", "pre-activation z", "f'(z)", false);
    fp->integer_x = dp->integer_x = false;
    float z[N], y[N], d[N];
    for (int i = 0; i < N; i++)
        z[i] = (float)(-6.0 + 0.05 * i);
    for (int a = 0; a < n_acts; a++) {
        acts[a].info->f(y, z, N, acts[a].p);
        acts[a].info->df(d, z, y, N, acts[a].p);
        plot_series *sf = add_series(p, fp, acts[a].label, N);
        plot_series *sd = add_series(p, dp, acts[a].label, N);
        if (!sf || !sd)
            return AB_OK;
        for (int i = 0; i < N; i++) {
            ((double *)sf->x)[i] = ((double *)sd->x)[i] = z[i];
            ((double *)sf->y)[i] = y[i];
            ((double *)sd->y)[i] = d[i];
        }
    }
    return AB_OK;
}

ab_status figures_write(const char *dir, const run_record *recs, int n, const act_spec *acts,
                        int n_acts, bool render, ab_err *err)
{
    static const fig_builder builders[] = {fig_grad_layers, fig_grad_epochs, fig_loss,
                                           fig_dead,        fig_saturated,   fig_functions};
    act_group g[256];
    if (n_acts > 256)
        n_acts = 256;
    group_records(g, recs, n, acts, n_acts);
    for (size_t b = 0; b < sizeof builders / sizeof builders[0]; b++) {
        fig_pool *p = calloc(1, sizeof *p);
        if (!p)
            return ab_fail(err, AB_ERUNTIME, "out of memory: figures");
        plot_figure fig = {0};
        builders[b](p, &fig, recs, n, g, acts, n_acts);
        fig.panels = p->panels;
        fig.n_panels = p->n_panels;
        fig.cols = p->n_panels <= 2 ? p->n_panels : (p->n_panels <= 4 ? 2 : 3);
        ab_status st = p->oom ? ab_fail(err, AB_ERUNTIME, "out of memory: figure %s", fig.name)
                              : plot_write(dir, &fig, err);
        if (st == AB_OK && render)
            st = plot_render(dir, fig.name, err);
        pool_free(p);
        if (st != AB_OK)
            return st;
    }
    return AB_OK;
}
