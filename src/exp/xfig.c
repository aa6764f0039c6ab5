/* xfig.c - an experiment's figure: the panels its [plot] sections ask for,
 * built from the run records and quantities and handed to plot.c. */
#include "xfig.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "probe.h"

/* ---- the lines of one [plot] ------------------------------------------ */

/* What a plot against layer or epoch shows: a per-layer metric (over epochs,
 * its mean over hidden layers) or a column of loss.csv. */
typedef struct {
    const probe_metric *metric; /* NULL for a loss.csv column */
    const record_loss_col *loss;
    const char *label;
} y_column;

/* A percentage (dead_pct, sat_low_pct, ...): its axis stays over 0..100%. */
static bool is_percent(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && !strcmp(name + n - 4, "_pct");
}

static bool find_column(y_column *c, const char *name)
{
    *c = (y_column){.metric = probe_metric_find(name), .loss = record_loss_col_find(name)};
    c->label = c->metric ? c->metric->label : c->loss ? c->loss->label : NULL;
    return c->label != NULL;
}

/* One [plot] being turned into panel `panel` of pool p. */
typedef struct {
    const exp_result *r;
    const xf_setup *s;
    const xf_plot *pl;
    unsigned keys;  /* the keys that split lines */
    bool use_qty;   /* y is a quantity (x a key or act), else col */
    y_column col;
    figpool *p;
    int panel;
    bool has_ref;   /* the 0.25^n line is drawn once per panel */
    int n_lines;    /* lines so far: each its fixed colour, which its markers share */
} plot_ctx;

/* Does point idx match the plot's fixed keys? */
static bool plot_at(const xf_plot *pl, const int *idx)
{
    for (int f = 0; f < pl->n_fix; f++)
        if (idx[pl->fix_key[f]] != pl->fix_val[f])
            return false;
    return true;
}

/* The keys that split lines: given series keys, or every swept key that is
 * neither x nor fixed. */
static unsigned series_keys(const xf_plot *pl, const xf_setup *s)
{
    unsigned m = pl->series;
    if (!m)
        for (int k = 0; k < XF_N_KEYS; k++)
            if (s->n[k] > 1 && k != pl->x)
                m |= 1u << k;
    for (int f = 0; f < pl->n_fix; f++)
        m &= ~(1u << pl->fix_key[f]);
    if (pl->x >= 0)
        m &= ~(1u << pl->x);
    return m;
}

/* "head, key=value, ..." for the keys that split lines, in the pool. */
static const char *series_label(const plot_ctx *c, const char *head, const int *idx)
{
    char out[512];
    size_t len = (size_t)snprintf(out, sizeof out, "%s", head);
    for (int k = 0; k < XF_N_KEYS && len < sizeof out; k++)
        if (c->keys >> k & 1u)
            len += (size_t)snprintf(out + len, sizeof out - len, ", %s=%s", xf_key_names[k],
                                    c->s->txt[k][idx[k]]);
    return figpool_str(c->p, "%s", out);
}

/* A line starts at the first value of x and of every key that neither
 * splits lines nor is fixed: is point idx such a start? */
static bool line_start(const plot_ctx *c, const int *idx)
{
    for (int k = 0; k < XF_N_KEYS; k++) {
        bool fixed = false;
        for (int f = 0; f < c->pl->n_fix; f++)
            fixed |= c->pl->fix_key[f] == k;
        if (!(c->keys >> k & 1u) && !fixed && idx[k] != 0)
            return false;
    }
    return true;
}

/* Four arrays of n doubles from the pool (x, y, lo, hi); false when out of
 * memory. */
static bool new_arrays(figpool *p, int n, double **x, double **y, double **lo, double **hi)
{
    *x = figpool_doubles(p, n), *y = figpool_doubles(p, n);
    *lo = figpool_doubles(p, n), *hi = figpool_doubles(p, n);
    return *x && *y && *lo && *hi;
}

/* Point i of a line: the mean over seeds and, from two seeds, min and max. */
static void set_point(double *y, double *lo, double *hi, int i, const figpool_stat *st)
{
    y[i] = figpool_stat_mean(st);
    lo[i] = st->n > 1 ? st->lo : NAN;
    hi[i] = st->n > 1 ? st->hi : NAN;
}

/* Whether run ri's value is epochs_to_target's stand-in for "never": the
 * checks compare it as epochs + 1, the figure must not draw it so. */
static bool never_reached(const plot_ctx *c, size_t ri)
{
    return c->use_qty && c->pl->y_qty == XF_Q_EPOCHS_TO_TARGET &&
           c->r->recs[ri].r.epochs_to_target < 0;
}

/* The runs of a line that never reached the target: at the x of each point
 * where none did, a marker along the top of the panel, keyed "LABEL: not
 * reached in N epochs"; n: points. */
typedef struct {
    double *x;
    int n, partly; /* partly: points where some runs reached it and some not */
} never_marks;

static void add_never(plot_ctx *c, const never_marks *nm, const char *label, int colour)
{
    if (nm->n == 0)
        return;
    figpool_add(c->p, c->panel,
                &(plot_series){.label = figpool_str(c->p, "%s: target not reached in %d "
                                                    "epochs (marked at the top)",
                                                    label, c->s->epochs),
                               .n = nm->n, .x = nm->x, .y = nm->x, .style = PLOT_POINTS,
                               .colour = colour, .at_top = true});
}

/* The label of a line some of whose points average only the runs that
 * reached the target. */
static const char *partly_label(plot_ctx *c, const char *label, const never_marks *nm)
{
    return nm->partly ? figpool_str(c->p, "%s (mean of the runs that reached it, at %d "
                                    "point%s)", label, nm->partly, nm->partly == 1 ? "" : "s")
                      : label;
}

/* x = act: one line of points over the activations, x = 1..n_acts (named on
 * the axis), for the point idx. */
static void act_line(plot_ctx *c, const int *idx)
{
    int m = c->s->n_acts;
    double *x, *y, *lo, *hi;
    if (!new_arrays(c->p, m, &x, &y, &lo, &hi))
        return;
    never_marks nm = {.x = figpool_doubles(c->p, m)};
    if (!nm.x)
        return;
    size_t first = (size_t)xf_point_index(c->s, idx) * c->s->n_acts * c->s->seeds;
    for (int a = 0; a < m; a++) {
        figpool_stat st = figpool_stat_empty();
        int never = 0;
        for (int sd = 0; sd < c->s->seeds; sd++) {
            size_t ri = first + (size_t)a * c->s->seeds + sd;
            if (never_reached(c, ri))
                never++;
            else
                figpool_stat_add(&st, exp_qty_at(c->r, c->pl->y_qty, a, idx, sd));
        }
        x[a] = a + 1;
        set_point(y, lo, hi, a, &st);
        if (never && never == c->s->seeds)
            nm.x[nm.n++] = a + 1;
        else if (never)
            nm.partly++;
    }
    bool band = c->s->seeds > 1;
    int colour = c->n_lines + 1;
    const char *label = series_label(c, xf_qtys[c->pl->y_qty].label, idx);
    /* a line that never reached it is its markers alone, not also "no data" */
    if (nm.n < m)
        figpool_add(c->p, c->panel,
                &(plot_series){.label = partly_label(c, label, &nm), .n = m, .x = x, .y = y,
                               .ylo = band ? lo : NULL, .yhi = band ? hi : NULL,
                               .style = PLOT_POINTS, .colour = colour});
    add_never(c, &nm, label, colour);
    c->n_lines++;
}

/* The probe of rec that a plot against layer reads (the plot's epoch, or the
 * last), or -1. */
static int layer_probe(const plot_ctx *c, const run_record *rec)
{
    if (c->pl->epoch < 0)
        return rec->r.n_probes - 1;
    for (int k = 0; k < rec->r.n_probes; k++)
        if (rec->r.probe_epoch[k] == c->pl->epoch)
            return k;
    return -1;
}

/* y of run ri (record rec) at x index i: its quantity, its metric of layer
 * i + 1, or its column at epoch i (a metric as the mean over hidden layers;
 * NaN where no probe was taken). */
static double run_value(const plot_ctx *c, size_t ri, int i)
{
    const run_record *rec = &c->r->recs[ri];
    if (c->use_qty)
        return c->r->q[ri * XF_N_QTY + c->pl->y_qty];
    if (c->pl->x == XF_X_LAYER) {
        int pr = layer_probe(c, rec);
        return pr >= 0 && c->col.metric
                   ? probe_metric_value(&record_probe(rec, pr)[i], c->col.metric)
                   : NAN;
    }
    if (c->col.loss)
        return i < rec->r.n_loss ? record_loss_value(&rec->r.loss[i], c->col.loss) : NAN;
    double v = NAN;
    for (int k = 0; k < rec->r.n_probes; k++)
        if (rec->r.probe_epoch[k] == i)
            v = record_layer_mean(rec, k, c->col.metric->off, 0);
    return v;
}

/* The 0.25^n reference with the first line of the panel (x, y, m points):
 * against depth from 1 at depth 1; against layer anchored at the deepest
 * hidden layer of that line. */
static void add_reference(plot_ctx *c, const double *x, const double *y, int m)
{
    c->has_ref = true;
    double *ry = figpool_doubles(c->p, m);
    if (!ry)
        return;
    for (int i = 0; i < m; i++)
        ry[i] = c->pl->x == XF_X_LAYER ? y[m - 1] * pow(0.25, m - 1 - i) : pow(0.25, x[i] - 1);
    figpool_add(c->p, c->panel,
                &(plot_series){.label = "0.25^n (sigmoid's bound)", .n = m, .x = x, .y = ry,
                               .style = PLOT_REFERENCE});
}

/* Points of a line against x: the values of the key x, the layers of the
 * point's depth, or the epochs 0..epochs. */
static int line_points(const plot_ctx *c, const int *idx)
{
    if (c->pl->x >= 0)
        return c->s->n[c->pl->x];
    if (c->pl->x == XF_X_LAYER)
        return (int)c->s->v[XF_KEY_DEPTH][idx[XF_KEY_DEPTH]];
    return c->s->epochs + 1;
}

/* x = a key, layer or epoch: the line of activation a through point idx. */
static void key_line(plot_ctx *c, const int *idx, int a)
{
    const xf_setup *s = c->s;
    int m = line_points(c, idx);
    double *x, *y, *lo, *hi;
    if (!new_arrays(c->p, m, &x, &y, &lo, &hi))
        return;
    never_marks nm = {.x = figpool_doubles(c->p, m)};
    for (int i = 0; i < m; i++) {
        int j[XF_N_KEYS];
        memcpy(j, idx, sizeof j);
        if (c->pl->x >= 0)
            j[c->pl->x] = i;
        x[i] = c->pl->x >= 0 ? s->v[c->pl->x][i] : c->pl->x == XF_X_LAYER ? i + 1 : i;
        size_t first = ((size_t)xf_point_index(s, j) * s->n_acts + a) * s->seeds;
        figpool_stat st = figpool_stat_empty();
        int never = 0;
        for (int sd = 0; sd < s->seeds; sd++) {
            if (never_reached(c, first + sd))
                never++;
            else
                figpool_stat_add(&st, run_value(c, first + sd, i));
        }
        set_point(y, lo, hi, i, &st);
        if (never && never == s->seeds && nm.x)
            nm.x[nm.n++] = x[i];
        else if (never)
            nm.partly++;
    }
    if (c->pl->x == XF_X_EPOCH && c->col.metric) {
        /* probes exist every log_every epochs: keep those, so the points
         * join into a line */
        int k = 0;
        for (int i = 0; i < m; i++)
            if (isfinite(y[i]))
                x[k] = x[i], y[k] = y[i], lo[k] = lo[i], hi[k] = hi[i], k++;
        m = k;
    }
    bool band = s->seeds > 1;
    int colour = c->n_lines + 1; /* the slot an automatic colour would take */
    const char *label = series_label(c, s->acts[a].label, idx);
    if (nm.n < m)
        figpool_add(c->p, c->panel,
                &(plot_series){.label = partly_label(c, label, &nm), .n = m, .x = x, .y = y,
                               .ylo = band ? lo : NULL, .yhi = band ? hi : NULL,
                               .style = PLOT_LINE, .colour = colour});
    add_never(c, &nm, label, colour);
    c->n_lines++;
    if (c->pl->reference && !c->has_ref)
        add_reference(c, x, y, m);
}

/* x = value: the histogram line of activation a through point idx: the
 * share of the plot's layer's values (act or preact) in each slot, at epoch
 * 0 or the last probe, the mean over the seeds that have that histogram (a
 * diverged run has only epoch 0's), at the bins' centres and half a bin
 * beyond each end. */
static void value_line(plot_ctx *c, const int *idx, int a)
{
    const xf_setup *s = c->s;
    probe_hist_kind kind = strcmp(c->pl->y, "preact_hist") ? PROBE_HIST_ACT : PROBE_HIST_PREACT;
    size_t first = ((size_t)xf_point_index(s, idx) * s->n_acts + a) * s->seeds;
    const run_record *r0 = &c->r->recs[first];
    int layer = c->pl->layer ? c->pl->layer - 1 : r0->depth - 1, h = c->pl->epoch < 0;
    double *x, *y, *lo, *hi;
    if (layer >= r0->depth || !new_arrays(c->p, PROBE_HIST_SLOTS, &x, &y, &lo, &hi))
        return;
    int epoch = -1;
    for (int b = 0; b < PROBE_HIST_SLOTS; b++) {
        figpool_stat st = figpool_stat_empty();
        for (int sd = 0; sd < s->seeds; sd++) {
            const run_result *rr = &c->r->recs[first + sd].r;
            /* with --epochs 0 epoch 0's histogram is the last one too */
            int hh = h && rr->units.n_hist == 1 && !rr->diverged && rr->n_loss == 1 ? 0 : h;
            if (rr->units.n_hist <= hh)
                continue;
            const uint32_t *slots = run_hist(rr, hh, layer, kind);
            double total = probe_hist_total(slots);
            figpool_stat_add(&st, total > 0 ? slots[b] / total : NAN);
            epoch = rr->units.hist_epoch[hh];
        }
        x[b] = probe_slot_x(r0->r.units.range[kind], b);
        set_point(y, lo, hi, b, &st);
    }
    if (epoch < 0)
        return; /* no seed got that far */
    bool band = s->seeds > 1;
    const char *head = figpool_str(c->p, "%s, layer %d, epoch %d", s->acts[a].label, layer + 1,
                                   epoch);
    figpool_add(c->p, c->panel,
                &(plot_series){.label = series_label(c, head, idx), .n = PROBE_HIST_SLOTS,
                               .x = x, .y = y, .ylo = band ? lo : NULL, .yhi = band ? hi : NULL,
                               .style = PLOT_LINE});
}

/* Appends one line per act x combination of series keys to the panel. */
static void build_series(plot_ctx *c)
{
    int idx[XF_N_KEYS];
    for (int p = 0; p < c->r->n_points; p++) {
        xf_point(c->s, p, idx);
        if (!plot_at(c->pl, idx) || !line_start(c, idx))
            continue;
        if (c->pl->x == XF_X_ACT)
            act_line(c, idx);
        else
            for (int a = 0; a < c->s->n_acts; a++)
                (c->pl->x == XF_X_VALUE ? value_line : key_line)(c, idx, a);
    }
}

static const char *x_label(const xf_plot *pl)
{
    if (pl->x == XF_X_LAYER)
        return "layer (1 = next to the input)";
    if (pl->x == XF_X_EPOCH)
        return "epoch";
    if (pl->x == XF_X_ACT)
        return "activation";
    if (pl->x == XF_X_VALUE)
        return strcmp(pl->y, "preact_hist")
                   ? "activation (outermost points: all values below or above the bins)"
                   : "pre-activation (outermost points: all values below -6.375 or above "
                     "6.375)";
    return pl->x >= 0 ? setting_label((setting_id)pl->x) : "";
}

ab_status xfig_build(figpool **out, const exp_result *r, ab_err *err)
{
    const experiment *e = r->e;
    *out = NULL;
    for (int i = 0; i < e->n_plots; i++) {
        const xf_plot *pl = &e->plots[i];
        y_column col;
        if (pl->x < 0 && pl->x != XF_X_ACT && pl->x != XF_X_VALUE &&
            !find_column(&col, pl->y))
            return ab_fail(err, AB_EUSAGE, "%s: [plot %s]: y = %s is not a column of layers.csv "
                           "or loss.csv", e->path, pl->name, pl->y);
    }
    figpool *p = figpool_create(e->id);
    if (!p)
        return ab_fail(err, AB_ERUNTIME, "out of memory: figure %s", e->id);
    /* a study (no claim) has a title of its own */
    figpool_title(p, e->claim ? figpool_str(p, "Claim %d: %s", e->claim, e->title)
                              : figpool_str(p, "%s", e->title));
    for (int i = 0; i < e->n_plots; i++) {
        const xf_plot *pl = &e->plots[i];
        plot_ctx c = {.r = r, .s = &e->setup, .pl = pl, .keys = series_keys(pl, &e->setup),
                      .use_qty = pl->x >= 0 || pl->x == XF_X_ACT, .p = p};
        bool value = pl->x == XF_X_VALUE;
        if (!c.use_qty && !value)
            find_column(&c.col, pl->y);
        c.panel = figpool_panel(
            p, &(plot_panel){.title = pl->title[0] ? pl->title : NULL,
                             .xlabel = x_label(pl),
                             .ylabel = pl->ylabel[0] ? pl->ylabel
                                       : value       ? "fraction of values in the bin"
                                       : c.use_qty   ? xf_qtys[pl->y_qty].label
                                                     : c.col.label,
                             .logy = pl->logy,
                             .percent = !pl->logy && !value &&
                                        is_percent(c.use_qty ? xf_qtys[pl->y_qty].name : pl->y),
                             .logx = pl->x == XF_KEY_LR || pl->x == XF_KEY_INIT_STD,
                             .integer_x = pl->x == XF_X_LAYER || pl->x == XF_X_EPOCH ||
                                          pl->x == XF_KEY_DEPTH});
        build_series(&c);
    }
    ab_status st = figpool_status(p, err);
    if (st != AB_OK)
        figpool_free(p);
    else
        *out = p;
    return st;
}

ab_status xfig_write(exp_result *r, const char *dir, bool render, ab_err *err)
{
    const experiment *e = r->e;
    if (!e->n_plots)
        return AB_OK;
    figpool *p;
    ab_status st = xfig_build(&p, r, err);
    if (st != AB_OK)
        return st;
    plot_xnames xn[XF_MAX_PLOTS];
    const char *names[XF_MAX_ACTS];
    int n_xn = 0;
    for (int a = 0; a < e->setup.n_acts; a++)
        names[a] = e->setup.acts[a].label;
    for (int i = 0; i < e->n_plots; i++)
        if (e->plots[i].x == XF_X_ACT)
            xn[n_xn++] = (plot_xnames){.panel = i, .names = names, .n = e->setup.n_acts};
    st = plot_write_xnames(dir, figpool_figure(p), xn, n_xn, err);
    if (st == AB_OK && render)
        st = plot_render(dir, e->id, err);
    if (st == AB_OK)
        snprintf(r->figure, sizeof r->figure, "plots/%s.%s", e->id, plot_link_ext());
    figpool_free(p);
    return st;
}

ab_status xfig_check(const experiment *e, ab_err *err)
{
    const xf_setup *s = &e->setup;
    int n_points = xf_n_points(s), idx[XF_N_KEYS];
    for (int i = 0; i < e->n_plots; i++) {
        const xf_plot *pl = &e->plots[i];
        plot_ctx c = {.s = s, .pl = pl, .keys = series_keys(pl, s)};
        /* the 0.25^n line is drawn once, and not against the activations */
        long lines = pl->reference && pl->x != XF_X_ACT ? 1 : 0;
        for (int p = 0; p < n_points; p++) {
            xf_point(s, p, idx);
            if (plot_at(pl, idx) && line_start(&c, idx))
                lines += pl->x == XF_X_ACT ? 1 : s->n_acts;
        }
        if (lines > PLOT_MAX_SERIES)
            return ab_fail(err, AB_EUSAGE, "[plot%s%s]: %ld lines in one panel (at most %d): "
                           "fix more keys with 'at', or name fewer with 'series'",
                           pl->name[0] ? " " : "", pl->name, lines, PLOT_MAX_SERIES);
    }
    return AB_OK;
}
