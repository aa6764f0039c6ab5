/* cmd_sweep.c - the main command's sweep: its set-up as an experiment
 * file's, each run's settings at its point, and its figures.  The sweep
 * figures are an experiment's [plot] panels (xfig.c) of an experiment made
 * here without a claim; the usual figures (figures.c) are drawn from each
 * point's runs, which lie side by side in the plan's order. */
#include "cmd_sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment.h"
#include "figures.h"
#include "plot.h"
#include "xfig.h"

void sweep_setup(xf_setup *s, const cli_opts *o)
{
    memset(s, 0, sizeof *s);
    s->kind = XF_TRAIN;
    s->n_acts = o->n_acts < XF_MAX_ACTS ? o->n_acts : XF_MAX_ACTS;
    memcpy(s->acts, o->acts, sizeof s->acts[0] * (size_t)s->n_acts);
    s->epochs = o->epochs;
    s->seeds = o->seeds;
    s->seed = o->seed;
    s->log_every = o->log_every;
    s->target_acc = o->target_acc;
    /* the one value of a key not swept, as an experiment file holds it */
    const double one[XF_N_KEYS] = {
        [XF_KEY_DEPTH] = o->depth, [XF_KEY_WIDTH] = o->width, [XF_KEY_LR] = o->lr,
        [XF_KEY_INIT] = o->init_auto ? ACT_INIT_AUTO : (int)o->init,
        [XF_KEY_INIT_STD] = o->init_std, [XF_KEY_BIAS_INIT] = o->bias_init,
        [XF_KEY_OPTIMIZER] = o->opt, [XF_KEY_BATCH] = o->batch,
        [XF_KEY_BATCHNORM] = o->batchnorm, [XF_KEY_RESIDUAL] = o->residual,
        [XF_KEY_LOSS] = o->loss, [XF_KEY_MATH] = o->math};
    for (int k = 0; k < XF_N_KEYS; k++) {
        s->n[k] = o->sweep_n[k] > 1 ? o->sweep_n[k] : 1;
        if (o->sweep_n[k] > 1) {
            memcpy(s->v[k], o->sweep_v[k], sizeof s->v[k]);
            memcpy(s->txt[k], o->sweep_txt[k], sizeof s->txt[k]);
        } else {
            s->v[k][0] = one[k];
        }
    }
}

void sweep_apply(train_config *c, const xf_setup *s, const int *idx, const cli_opts *o)
{
    for (int k = 0; k < XF_N_KEYS; k++) {
        if (s->n[k] < 2)
            continue;
        double v = s->v[k][idx[k]];
        switch ((xf_key)k) {
        case XF_KEY_DEPTH: c->net.depth = (int)v; break;
        case XF_KEY_WIDTH: c->net.width = (int)v; break;
        case XF_KEY_LR: c->lr = (float)v; break;
        case XF_KEY_INIT:
            c->net.init = (int)v == ACT_INIT_AUTO ? c->net.act.info->usual_init : (init_kind)(int)v;
            break;
        case XF_KEY_INIT_STD: c->net.init_std = (float)v; break;
        case XF_KEY_BIAS_INIT: c->net.bias_init = (float)v; break;
        case XF_KEY_OPTIMIZER:
            c->opt = (opt_kind)(int)v;
            /* as the command line's --optimizer alone: its own usual rate */
            if (o->lr_default && s->n[XF_KEY_LR] < 2)
                c->lr = (float)optim_default_lr(c->opt);
            break;
        case XF_KEY_BATCH: c->batch = (int)v; break;
        case XF_KEY_BATCHNORM: c->net.batchnorm = v != 0.0; break;
        case XF_KEY_RESIDUAL: c->net.residual = v != 0.0; break;
        case XF_KEY_LOSS: c->net.out = (out_kind)(int)v; break;
        case XF_KEY_MATH: c->math = (vm_backend)(int)v; break;
        case XF_N_KEYS: break;
        }
    }
}

/* ---- the sweep figures ------------------------------------------------ */

/* The quantities of a sweep figure's panels, with or without a test set. */
typedef struct {
    xf_qty test, train;
    bool logy;
} panel_qty;

static const panel_qty panel_qtys[] = {
    {XF_Q_TEST_ACC, XF_Q_TRAIN_ACC, false},
    {XF_Q_TEST_LOSS, XF_Q_TRAIN_LOSS, true},
    {XF_Q_GRAD_RATIO, XF_Q_GRAD_RATIO, true},
    {XF_Q_DEAD_PCT, XF_Q_DEAD_PCT, false},
};
_Static_assert(sizeof panel_qtys / sizeof panel_qtys[0] <= XF_MAX_PLOTS,
               "a sweep figure's panels fit an experiment's plots");

/* The [plot] sections of e for the sweep figure of key k of s: the panel
 * quantities against k (numeric) or the activations (names: a line per
 * value of k), a line per activation and combination of the other swept
 * keys (xfig's default series), or with more than
 * SWEEP_MAX_LINES lines those keys fixed at their first values (returns
 * whether they are). */
static bool sweep_plots(experiment *e, const xf_setup *s, int k, bool test)
{
    bool numeric = setting_is_numeric((setting_id)k);
    long lines = numeric ? s->n_acts : 1;
    bool others_swept = false;
    for (int j = 0; j < XF_N_KEYS; j++)
        if (s->n[j] > 1 && (j != k || !numeric)) {
            lines *= s->n[j];
            others_swept |= j != k;
        }
    /* only other swept keys can be fixed: many activations alone stay */
    bool fix = lines > SWEEP_MAX_LINES && others_swept;
    char at[XF_POINT_TEXT_SIZE] = "";
    if (fix) {
        xf_setup others = *s;
        int first[XF_N_KEYS] = {0};
        others.n[k] = 1;
        xf_point_text(at, sizeof at, &others, first);
    }
    e->n_plots = (int)(sizeof panel_qtys / sizeof panel_qtys[0]);
    for (int i = 0; i < e->n_plots; i++) {
        xf_plot *pl = &e->plots[i];
        int q = test ? panel_qtys[i].test : panel_qtys[i].train;
        *pl = (xf_plot){.x = numeric ? k : XF_X_ACT, .y_qty = q, .logy = panel_qtys[i].logy,
                        .epoch = -1};
        snprintf(pl->name, sizeof pl->name, "%s", xf_qtys[q].name);
        snprintf(pl->y, sizeof pl->y, "%s", xf_qtys[q].name);
        for (int j = 0; fix && j < XF_N_KEYS; j++)
            if (s->n[j] > 1 && j != k) {
                pl->fix_key[pl->n_fix] = j;
                pl->fix_val[pl->n_fix++] = 0;
            }
        snprintf(pl->title, sizeof pl->title, "%.150s%s%.40s", xf_qtys[q].meaning,
                 fix ? "; at " : "", at);
    }
    return fix;
}

/* Writes plots/sweep_KEY.gp for every swept key, their names into names
 * (from *n_names on). */
static ab_status sweep_key_figures(const char *dir, const xf_setup *s, const run_out *out,
                                   bool test, char (*names)[48], int *n_names, ab_err *err)
{
    experiment *e = calloc(1, sizeof *e);
    double *q = malloc(sizeof(double) * XF_N_QTY * (size_t)(out->n ? out->n : 1));
    ab_status st = AB_OK;
    if (!e || !q) {
        st = ab_fail(err, AB_ERUNTIME, "out of memory: sweep figures");
        goto done;
    }
    for (int i = 0; i < out->n; i++)
        exp_run_quantities(q + (size_t)XF_N_QTY * i, &out->recs[i], s->epochs);
    e->setup = *s;
    /* against the activations, every key whose values are names has a line
     * per value when nothing is fixed: one such figure shows them all */
    bool names_shown = false;
    for (int k = 0; st == AB_OK && k < XF_N_KEYS; k++) {
        if (s->n[k] < 2)
            continue;
        bool named = !setting_is_numeric((setting_id)k);
        bool fix = sweep_plots(e, s, k, test);
        if (named && !fix && names_shown)
            continue;
        names_shown |= named && !fix;
        snprintf(e->id, sizeof e->id, "sweep_%s", xf_key_names[k]);
        snprintf(e->title, sizeof e->title, "Against the %s: final accuracy and loss, "
                 "grad_1/L and dead units (%s)", setting_label((setting_id)k),
                 s->seeds > 1 ? "means over the seeds, band min..max" : "one seed");
        exp_result r = {.e = e, .n_points = xf_n_points(s), .recs = out->recs,
                        .n_recs = out->n, .q = q};
        if ((st = xfig_check(e, err)) == AB_OK && (st = xfig_write(&r, dir, false, err)) == AB_OK)
            snprintf(names[(*n_names)++], sizeof names[0], "%.40s", e->id);
    }
done:
    free(q);
    free(e);
    return st;
}

/* ---- the usual figures, per point ------------------------------------- */

/* Writes the usual figures of the runs of every point as NAME-pN (N from 1,
 * the points in the order of the CSV rows), each title naming its point, and
 * functions once; their names into names from *n_names on. */
static ab_status point_figures(const char *dir, const xf_setup *s, const run_out *out,
                               const cli_opts *o, char (*names)[48], int *n_names, ab_err *err)
{
    int n_points = xf_n_points(s), per = s->n_acts * s->seeds;
    const figures_plane plane = {&out->regions, &out->train, &out->test};
    for (int b = 0; b < figures_n; b++) {
        const char *name = figures_names[b];
        bool once = !strcmp(name, "functions");
        if (!once && n_points > SWEEP_MAX_POINT_FIGURES)
            continue;
        for (int p = 0; p < (once ? 1 : n_points); p++) {
            const run_record *recs = out->recs + (size_t)p * per;
            int n = once ? out->n : per;
            if (!figures_wanted(name, recs, n, o->acts, o->n_acts, &plane))
                continue;
            figpool *fp;
            ab_status st = figures_build_plane(&fp, name, recs, n, o->acts, o->n_acts, &plane,
                                               err);
            if (st != AB_OK)
                return st;
            plot_figure f = *figpool_figure(fp);
            char stem[48], title[1024];
            if (!once) {
                int idx[XF_N_KEYS];
                char point[XF_POINT_TEXT_SIZE];
                xf_point(s, p, idx);
                xf_point_text(point, sizeof point, s, idx);
                snprintf(stem, sizeof stem, "%s-p%d", name, p + 1);
                snprintf(title, sizeof title, "%.400s%sat %s", f.title ? f.title : name,
                         f.title ? "; " : " ", point);
            }
            st = figures_write_pool(dir, fp, once ? NULL : stem, once ? NULL : title, err);
            if (st == AB_OK)
                snprintf(names[(*n_names)++], sizeof names[0], "%.40s", once ? name : stem);
            figpool_free(fp);
            if (st != AB_OK)
                return st;
        }
    }
    return AB_OK;
}

ab_status sweep_figures(const char *dir, const xf_setup *s, const run_out *out,
                        const cli_opts *o, bool test, bool render, ab_err *err)
{
    int most = XF_N_KEYS + figures_n * SWEEP_MAX_POINT_FIGURES + 1, n = 0;
    char (*names)[48] = calloc((size_t)most, sizeof *names);
    if (!names)
        return ab_fail(err, AB_ERUNTIME, "out of memory: sweep figures");
    ab_status st = sweep_key_figures(dir, s, out, test, names, &n, err);
    if (st == AB_OK)
        st = point_figures(dir, s, out, o, names, &n, err);
    /* gnuplot once per 16 figures: its start is most of a figure's cost */
    for (int i = 0; st == AB_OK && render && i < n; i += 16) {
        const char *batch[16];
        int m = n - i < 16 ? n - i : 16;
        for (int j = 0; j < m; j++)
            batch[j] = names[i + j];
        st = plot_render_all(dir, batch, m, err);
    }
    free(names);
    return st;
}
