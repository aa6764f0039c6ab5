/* xfig.c - an experiment's figure: the panels its [plot] sections ask for,
 * built from the run records and quantities and handed to plot.c. */
#include "xfig.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "probe.h"

/* ---- the figure ------------------------------------------------------ */

#define MAX_SERIES 48

typedef struct {
    plot_series s[MAX_SERIES];
    char label[MAX_SERIES][96];
    double *buf[MAX_SERIES * 4];
    int n, nbuf;
    bool has_ref;         /* the 0.25^n line is drawn once per panel */
} series_set;

static double *new_buf(series_set *ss, int n)
{
    if (ss->nbuf == MAX_SERIES * 4)
        return NULL;
    double *b = calloc((size_t)(n > 0 ? n : 1), sizeof(double));
    if (b)
        ss->buf[ss->nbuf++] = b;
    return b;
}

static void series_free(series_set *ss)
{
    for (int i = 0; i < ss->nbuf; i++)
        free(ss->buf[i]);
    memset(ss, 0, sizeof *ss);
}

/* Fields of probe_layer and loss_row that a plot's y may name. */
static const struct {
    const char *name;
    size_t off;
    bool loss;
    const char *label;
} columns[] = {
    {"grad_norm", offsetof(probe_layer, grad_norm), false, "||dL/dW|| (Frobenius)"},
    {"bias_grad_norm", offsetof(probe_layer, bias_grad_norm), false, "||dL/db||"},
    {"grad_mean_abs", offsetof(probe_layer, grad_mean_abs), false, "mean |dL/dW|"},
    {"weight_norm", offsetof(probe_layer, weight_norm), false, "||W|| (Frobenius)"},
    {"act_mean", offsetof(probe_layer, act_mean), false, "mean activation"},
    {"act_std", offsetof(probe_layer, act_std), false, "std of activations"},
    {"act_pos_frac", offsetof(probe_layer, act_pos_frac), false, "fraction of activations > 0"},
    {"dead_pct", offsetof(probe_layer, dead_pct), false, "dead units (%)"},
    {"saturated_pct", offsetof(probe_layer, saturated_pct), false, "saturated units (%)"},
    {"same_sign_pct", offsetof(probe_layer, same_sign_pct), false,
     "single-sign gradient rows (%)"},
    {"train_loss", offsetof(loss_row, train_loss), true, "training loss (nats)"},
    {"test_loss", offsetof(loss_row, test_loss), true, "test loss (nats)"},
    {"train_acc", offsetof(loss_row, train_acc), true, "training accuracy"},
    {"test_acc", offsetof(loss_row, test_acc), true, "test accuracy"},
};

static int find_column(const char *name)
{
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++)
        if (!strcmp(columns[i].name, name))
            return (int)i;
    return -1;
}

/* Does point idx match the plot's fixed keys? */
static bool plot_at(const exp_plot *pl, const int *idx)
{
    for (int f = 0; f < pl->n_fix; f++)
        if (idx[pl->fix_key[f]] != pl->fix_val[f])
            return false;
    return true;
}

/* The keys that split lines: given series keys, or every swept key that is
 * neither x nor fixed. */
static unsigned series_keys(const exp_plot *pl, const exp_setup *s)
{
    unsigned m = pl->series;
    if (!m)
        for (int k = 0; k < N_KEYS; k++)
            if (s->n[k] > 1 && k != pl->x)
                m |= 1u << k;
    for (int f = 0; f < pl->n_fix; f++)
        m &= ~(1u << pl->fix_key[f]);
    if (pl->x >= 0)
        m &= ~(1u << pl->x);
    return m;
}

static void series_label(char *out, size_t n, const exp_setup *s, const act_spec *act,
                         unsigned keys, const int *idx)
{
    size_t len = (size_t)snprintf(out, n, "%s", act->label);
    for (int k = 0; k < N_KEYS && len < n; k++)
        if (keys >> k & 1u)
            len += (size_t)snprintf(out + len, n - len, ", %s=%s", exp_key_names[k],
                                    s->txt[k][idx[k]]);
}

/* Appends one line per act x combination of series keys to ss for plot pl. */
static ab_status build_series(series_set *ss, const exp_result *r, const exp_plot *pl,
                              ab_err *err)
{
    const exp_setup *s = &r->e->setup;
    unsigned keys = series_keys(pl, s);
    /* against a key or the activations y is a quantity; against layer or
     * epoch, a column of layers.csv or loss.csv (expfile checked which) */
    bool use_qty = pl->x >= 0 || pl->x == X_ACT;
    int col = use_qty ? -1 : find_column(pl->y);
    if (!use_qty && col < 0)
        return ab_fail(err, AB_EUSAGE, "%s: [plot %s]: y = %s is not a column of layers.csv or "
                       "loss.csv", r->e->path, pl->name, pl->y);
    int idx[N_KEYS];
    for (int p = 0; p < r->n_points; p++) {
        exp_point(s, p, idx);
        if (!plot_at(pl, idx))
            continue;
        /* a line starts at the first value of x and of every key that
         * neither splits lines nor is fixed */
        bool lead = true;
        for (int k = 0; k < N_KEYS; k++) {
            bool fixed = false;
            for (int f = 0; f < pl->n_fix; f++)
                fixed |= pl->fix_key[f] == k;
            if (!(keys >> k & 1u) && !fixed && idx[k] != 0)
                lead = false;
        }
        if (!lead)
            continue;
        if (pl->x == X_ACT) {
            /* one line over the activations: x = 1..n_acts, named on the axis */
            if (ss->n == MAX_SERIES)
                return AB_OK;
            int m = s->n_acts;
            double *x = new_buf(ss, m), *y = new_buf(ss, m), *lo = new_buf(ss, m),
                   *hi = new_buf(ss, m);
            if (!x || !y || !lo || !hi)
                return ab_fail(err, AB_ERUNTIME, "out of memory: plot series");
            for (int a = 0; a < m; a++) {
                double sum = 0, mn = INFINITY, mx = -INFINITY;
                int cnt = 0;
                for (int sd = 0; sd < s->seeds; sd++) {
                    double v = exp_qty_at(r, pl->y_qty, a, idx, sd);
                    if (isfinite(v)) {
                        sum += v, cnt++;
                        mn = v < mn ? v : mn;
                        mx = v > mx ? v : mx;
                    }
                }
                x[a] = a + 1;
                y[a] = cnt ? sum / cnt : NAN;
                lo[a] = cnt > 1 ? mn : NAN;
                hi[a] = cnt > 1 ? mx : NAN;
            }
            char *lab = ss->label[ss->n];
            size_t len = (size_t)snprintf(lab, sizeof ss->label[0], "%s",
                                          exp_qtys[pl->y_qty].label);
            for (int k = 0; k < N_KEYS && len < sizeof ss->label[0]; k++)
                if (keys >> k & 1u)
                    len += (size_t)snprintf(lab + len, sizeof ss->label[0] - len, ", %s=%s",
                                            exp_key_names[k], s->txt[k][idx[k]]);
            ss->s[ss->n++] = (plot_series){.label = lab, .n = m, .x = x, .y = y,
                                           .ylo = s->seeds > 1 ? lo : NULL,
                                           .yhi = s->seeds > 1 ? hi : NULL,
                                           .style = PLOT_POINTS};
            continue;
        }
        for (int a = 0; a < (s->kind == EXP_BENCH_ACTS ? 1 : s->n_acts); a++) {
            if (ss->n == MAX_SERIES)
                return AB_OK;
            plot_series *se = &ss->s[ss->n];
            series_label(ss->label[ss->n], sizeof ss->label[0], s, &s->acts[a], keys, idx);
            se->label = ss->label[ss->n];
            se->style = PLOT_LINE;
            int m;
            if (pl->x >= 0) {
                m = s->n[pl->x];
            } else if (pl->x == X_LAYER) {
                m = (int)s->v[KEY_DEPTH][idx[KEY_DEPTH]];
            } else {
                m = s->epochs + 1;
            }
            double *x = new_buf(ss, m), *y = new_buf(ss, m), *lo = new_buf(ss, m),
                   *hi = new_buf(ss, m);
            if (!x || !y || !lo || !hi)
                return ab_fail(err, AB_ERUNTIME, "out of memory: plot series");
            for (int i = 0; i < m; i++) {
                int j[N_KEYS];
                memcpy(j, idx, sizeof j);
                if (pl->x >= 0) {
                    j[pl->x] = i;
                    x[i] = s->v[pl->x][i];
                } else {
                    x[i] = pl->x == X_LAYER ? i + 1 : i;
                }
                double sum = 0, mn = INFINITY, mx = -INFINITY;
                int cnt = 0;
                int pt = exp_point_index(s, j);
                for (int sd = 0; sd < s->seeds; sd++) {
                    size_t ri = ((size_t)pt * s->n_acts + a) * s->seeds + sd;
                    double v = NAN;
                    const run_record *rec = &r->recs[ri];
                    if (use_qty) {
                        v = r->q[ri * N_QTY + pl->y_qty];
                    } else if (pl->x == X_LAYER) {
                        int pr = pl->epoch < 0 ? rec->r.n_probes - 1 : -1;
                        for (int k = 0; k < rec->r.n_probes && pr < 0; k++)
                            if (rec->r.probe_epoch[k] == pl->epoch)
                                pr = k;
                        if (pr >= 0 && !columns[col].loss)
                            v = *(const double *)((const char *)&record_probe(rec, pr)[i] +
                                                  columns[col].off);
                    } else if (columns[col].loss) {
                        if (i < rec->r.n_loss)
                            v = *(const double *)((const char *)&rec->r.loss[i] +
                                                  columns[col].off);
                    } else {
                        for (int k = 0; k < rec->r.n_probes; k++)
                            if (rec->r.probe_epoch[k] == i)
                                v = record_layer_mean(rec, k, columns[col].off, 0);
                    }
                    if (isfinite(v)) {
                        sum += v, cnt++;
                        mn = v < mn ? v : mn;
                        mx = v > mx ? v : mx;
                    }
                }
                y[i] = cnt ? sum / cnt : NAN;
                lo[i] = cnt > 1 ? mn : NAN;
                hi[i] = cnt > 1 ? mx : NAN;
            }
            if (pl->x == X_EPOCH && !columns[col].loss) {
                /* probes exist every log_every epochs: keep those, so the
                 * points join into a line */
                int k = 0;
                for (int i = 0; i < m; i++)
                    if (isfinite(y[i]))
                        x[k] = x[i], y[k] = y[i], lo[k] = lo[i], hi[k] = hi[i], k++;
                m = k;
            }
            se->n = m, se->x = x, se->y = y;
            if (s->seeds > 1)
                se->ylo = lo, se->yhi = hi;
            ss->n++;
            if (pl->reference && !ss->has_ref) {
                ss->has_ref = true;
                /* 0.25^n: against depth from 1 at depth 1; against layer
                 * anchored at the deepest hidden layer of the first line */
                if (ss->n == MAX_SERIES)
                    return AB_OK;
                plot_series *rf = &ss->s[ss->n];
                double *ry = new_buf(ss, m);
                if (!ry)
                    return ab_fail(err, AB_ERUNTIME, "out of memory: plot series");
                for (int i = 0; i < m; i++)
                    ry[i] = pl->x == X_LAYER ? y[m - 1] * pow(0.25, m - 1 - i)
                                             : pow(0.25, x[i] - 1);
                snprintf(ss->label[ss->n], sizeof ss->label[0], "0.25^n (sigmoid's bound)");
                *rf = (plot_series){.label = ss->label[ss->n], .n = m, .x = x, .y = ry,
                                    .style = PLOT_REFERENCE};
                ss->n++;
            }
        }
    }
    return AB_OK;
}

static const char *x_label(const exp_plot *pl)
{
    if (pl->x == X_LAYER)
        return "layer (1 = next to the input)";
    if (pl->x == X_EPOCH)
        return "epoch";
    if (pl->x == X_ACT)
        return "activation";
    return pl->x >= 0 ? setting_label((setting_id)pl->x) : "";
}

ab_status xfig_write(exp_result *r, const char *dir, bool render, ab_err *err)
{
    const experiment *e = r->e;
    series_set ss[EXP_MAX_PLOTS];
    plot_panel panels[EXP_MAX_PLOTS];
    plot_xnames xn[EXP_MAX_PLOTS];
    const char *names[EXP_MAX_ACTS];
    int n_xn = 0;
    char title[320];
    for (int a = 0; a < e->setup.n_acts; a++)
        names[a] = e->setup.acts[a].label;
    ab_status st = AB_OK;
    memset(ss, 0, sizeof ss);
    for (int i = 0; i < e->n_plots && st == AB_OK; i++) {
        const exp_plot *pl = &e->plots[i];
        st = build_series(&ss[i], r, pl, err);
        int col = find_column(pl->y);
        bool use_qty = pl->x >= 0 || pl->x == X_ACT;
        panels[i] = (plot_panel){
            .title = pl->title[0] ? pl->title : NULL,
            .xlabel = x_label(pl),
            .ylabel = pl->ylabel[0] ? pl->ylabel
                      : use_qty      ? exp_qtys[pl->y_qty].label
                                     : columns[col].label,
            .logy = pl->logy, .logx = pl->x == KEY_LR || pl->x == KEY_INIT_STD,
            .integer_x = pl->x == X_LAYER || pl->x == X_EPOCH || pl->x == KEY_DEPTH,
            .series = ss[i].s, .n_series = ss[i].n};
        if (pl->x == X_ACT)
            xn[n_xn++] = (plot_xnames){.panel = i, .names = names, .n = e->setup.n_acts};
    }
    if (st == AB_OK && e->n_plots) {
        snprintf(title, sizeof title, "Claim %d: %s", e->claim, e->title);
        plot_figure fig = {.name = e->id, .title = title, .panels = panels,
                           .n_panels = e->n_plots, .cols = e->n_plots > 1 ? 2 : 1};
        st = plot_write_xnames(dir, &fig, xn, n_xn, err);
        if (st == AB_OK && render)
            st = plot_render(dir, e->id, err);
        if (st == AB_OK)
            snprintf(r->figure, sizeof r->figure, "plots/%s.png", e->id);
    }
    for (int i = 0; i < e->n_plots; i++)
        series_free(&ss[i]);
    return st;
}
