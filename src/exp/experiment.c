/* experiment.c - one experiment: sweep, quantities, checks, folder. */
#include "experiment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actbench_version.h"
#include "afile.h"
#include "bench_acts.h"
#include "data.h"
#include "gemm.h"
#include "gradcheck.h"
#include "out.h"
#include "plot.h"
#include "probe.h"
#include "train.h"
#include "cfgjson.h"
#include "runner.h"
#include "stage.h"
#include "sys.h"
#include "xfig.h"

const char *exp_outcome_name(exp_outcome o)
{
    return o == EXP_HOLDS ? "holds" : o == EXP_PARTLY ? "partly" : "fails";
}

const char *exp_verdict_name(exp_verdict v)
{
    return v == EXP_REPRODUCED          ? "reproduced"
           : v == EXP_PARTLY_REPRODUCED ? "partly"
                                        : "not reproduced";
}

exp_verdict exp_verdict_of(const exp_outcome *o, int n)
{
    int hold = 0, fail = 0;
    for (int i = 0; i < n; i++) {
        hold += o[i] == EXP_HOLDS;
        fail += o[i] == EXP_FAILS;
    }
    return hold == n ? EXP_REPRODUCED : fail == n ? EXP_NOT_REPRODUCED : EXP_PARTLY_REPRODUCED;
}

void exp_fmt(char *out, size_t n, double v)
{
    if (!isfinite(v))
        snprintf(out, n, "n/a");
    else if (v != 0.0 && (fabs(v) < 1e-3 || fabs(v) >= 1e5))
        snprintf(out, n, "%.3g", v);
    else
        snprintf(out, n, "%.4g", v);
}

void exp_point_format(exp_point_str *out, const exp_check_point *p)
{
    exp_fmt(out->v, sizeof out->v, p->lhs);
    exp_fmt(out->lo, sizeof out->lo, p->lhs_min);
    exp_fmt(out->hi, sizeof out->hi, p->lhs_max);
    exp_fmt(out->rhs, sizeof out->rhs, p->rhs);
}

void exp_result_free(exp_result *r)
{
    for (int i = 0; i < r->n_recs && r->recs; i++)
        train_result_free(&r->recs[i].r);
    free(r->recs);
    free(r->q);
    memset(r, 0, sizeof *r);
}

/* ---- one run's quantities -------------------------------------------- */

void exp_run_quantities(double *q, const run_record *rec, int epochs)
{
    const run_result *r = &rec->r;
    const loss_row *first = &r->loss[0], *last = &r->loss[r->n_loss - 1];
    for (int i = 0; i < XF_N_QTY; i++)
        q[i] = NAN;
    bool ok = !r->diverged;
    q[XF_Q_TEST_ACC] = ok ? last->test_acc : NAN;
    q[XF_Q_TRAIN_ACC] = ok ? last->train_acc : NAN;
    q[XF_Q_TEST_LOSS] = ok ? last->test_loss : NAN;
    q[XF_Q_TRAIN_LOSS] = ok ? last->train_loss : NAN;
    q[XF_Q_ACC_GAIN] = ok ? last->test_acc - first->test_acc : NAN;
    q[XF_Q_EPOCHS_TO_TARGET] = r->epochs_to_target >= 0 ? r->epochs_to_target : epochs + 1;
    q[XF_Q_DECAY] = rec->decay;
    q[XF_Q_GRAD_RATIO] = rec->grad_ratio;
    q[XF_Q_DIVERGED] = r->diverged ? 1.0 : 0.0;
    q[XF_Q_HIDDEN_CHANGE] = r->hidden_change;
    q[XF_Q_DEAD_ON_TEST_PCT] = r->dead_on_test_pct;
    if (r->n_loss > 1)
        q[XF_Q_SECONDS_PER_EPOCH] = r->seconds / (r->n_loss - 1);
    if (r->n_probes == 0)
        return;
    const probe_layer *p0 = record_probe(rec, 0);
    q[XF_Q_GRAD_FIRST] = p0[0].bias_grad_norm;
    q[XF_Q_SATURATED_PCT] = record_layer_mean(rec, 0, offsetof(probe_layer, saturated_pct), 0);
    q[XF_Q_SAT_LOW_PCT] = record_layer_mean(rec, 0, offsetof(probe_layer, sat_low_pct), 0);
    q[XF_Q_SAT_HIGH_PCT] = record_layer_mean(rec, 0, offsetof(probe_layer, sat_high_pct), 0);
    q[XF_Q_SAME_SIGN_PCT] = record_layer_mean(rec, 0, offsetof(probe_layer, same_sign_pct), 1);
    q[XF_Q_ACT_MEAN] = record_layer_mean(rec, 0, offsetof(probe_layer, act_mean), 0);
    q[XF_Q_ACT_MEAN_DEEP] = p0[rec->depth - 1].act_mean;
    q[XF_Q_ACT_STD_DEEP] = p0[rec->depth - 1].act_std;
    double gmax = 0.0, dmax = 0.0;
    for (int p = 0; p < r->n_probes; p++) {
        const probe_layer *pl = record_probe(rec, p);
        for (int l = 0; l < rec->depth; l++)
            if (isfinite(pl[l].grad_norm) && pl[l].grad_norm > gmax)
                gmax = pl[l].grad_norm;
        double d = record_layer_mean(rec, p, offsetof(probe_layer, dead_pct), 0);
        if (isfinite(d) && d > dmax)
            dmax = d;
    }
    q[XF_Q_HIDDEN_GRAD_MAX] = gmax;
    q[XF_Q_DEAD_PCT_MAX] = dmax;
    q[XF_Q_DEAD_PCT] = ok ? rec->mean_dead : NAN;
    q[XF_Q_REVIVED_PCT] = r->revived_pct;
}

/* ---- running the sweep ----------------------------------------------- */

void exp_key_cells(run_record *rec, const xf_setup *s, const int *idx)
{
    size_t a = 0, b = 0;
    rec->keys[0] = rec->key_header[0] = '\0';
    for (int k = 0; k < XF_N_KEYS; k++)
        if (s->n[k] > 1) {
            a += (size_t)snprintf(rec->keys + a, sizeof rec->keys - a, "%s,", s->txt[k][idx[k]]);
            b += (size_t)snprintf(rec->key_header + b, sizeof rec->key_header - b, "%s,",
                                  xf_key_names[k]);
        }
}

/* The training configuration of act at sweep point idx (the runner sets
 * the inputs and outputs from the data). */
static train_config point_config(const xf_setup *s, const int *idx, const act_spec *act)
{
    out_kind out = (out_kind)(int)s->v[XF_KEY_LOSS][idx[XF_KEY_LOSS]];
    int init = (int)s->v[XF_KEY_INIT][idx[XF_KEY_INIT]];
    train_config c = {
        .net = {.depth = (int)s->v[XF_KEY_DEPTH][idx[XF_KEY_DEPTH]],
                .width = (int)s->v[XF_KEY_WIDTH][idx[XF_KEY_WIDTH]], .act = *act, .out = out,
                .init = init < 0 ? act->info->usual_init : (init_kind)init,
                .init_std = (float)s->v[XF_KEY_INIT_STD][idx[XF_KEY_INIT_STD]],
                .bias_init = (float)s->v[XF_KEY_BIAS_INIT][idx[XF_KEY_BIAS_INIT]],
                .batchnorm = s->v[XF_KEY_BATCHNORM][idx[XF_KEY_BATCHNORM]] != 0.0,
                .residual = s->v[XF_KEY_RESIDUAL][idx[XF_KEY_RESIDUAL]] != 0.0},
        .opt = (opt_kind)(int)s->v[XF_KEY_OPTIMIZER][idx[XF_KEY_OPTIMIZER]],
        .lr = (float)s->v[XF_KEY_LR][idx[XF_KEY_LR]],
        .epochs = s->epochs,
        .batch = (int)s->v[XF_KEY_BATCH][idx[XF_KEY_BATCH]],
        .log_every = s->log_every,
        .target_acc = s->target_acc,
        .measure_final = true,
        .math = (vm_backend)(int)s->v[XF_KEY_MATH][idx[XF_KEY_MATH]]};
    return c;
}

ab_status exp_plan(run_plan *p, const experiment *e, int jobs, bool quiet, const char *data_dir,
                   ab_err *err)
{
    const xf_setup *s = &e->setup;
    int n_points = xf_n_points(s);
    if (!plan_alloc(p, n_points * s->n_acts * s->seeds))
        return ab_fail(err, AB_ERUNTIME, "out of memory: run plan");
    p->data = (data_spec){.name = s->data, .dir = data_dir, .n = s->samples,
                          .test_frac = s->test_frac, .seed = s->seed, .standardize = true};
    p->acts = s->acts;
    p->n_acts = s->n_acts;
    p->jobs = jobs;
    p->threads = EXP_BLAS_THREADS; /* always: no sharing, no one-thread rule */
    p->share_threads = p->fit_jobs = false;
    p->flag_prefix = "";
    p->log_label = quiet ? NULL : e->id;
    int idx[XF_N_KEYS], i = 0;
    for (int pt = 0; pt < n_points; pt++) {
        xf_point(s, pt, idx);
        for (int a = 0; a < s->n_acts; a++)
            for (int sd = 0; sd < s->seeds; sd++, i++) {
                plan_run *r = &p->runs[i];
                r->cfg = point_config(s, idx, &s->acts[a]);
                r->cfg.seed = s->seed + (uint64_t)sd;
                r->act = a;
                r->rec = (run_record){.act = &s->acts[a], .init = r->cfg.net.init,
                                      .seed = r->cfg.seed, .depth = r->cfg.net.depth};
                exp_key_cells(&r->rec, s, idx);
            }
    }
    return AB_OK;
}

bool exp_not_installed(const experiment *e, const char *data_dir, char *why, size_t n,
                       const char **install)
{
    const char *dir;
    data_spec spec = {.name = e->setup.data, .dir = data_dir};
    if (e->setup.kind != XF_TRAIN || !data_not_installed(&spec, &dir, install))
        return false;
    snprintf(why, n, "%s not installed: no IDX files in %s", e->setup.data, dir);
    return true;
}

typedef struct {
    stage_dir *stage;
    const experiment *e;
    const exp_run_opts *o;
} folder_ctx;

/* Stages the experiment's folder: o->out, or a new one under o->parent. */
static ab_status open_folder(stage_dir *s, const experiment *e, const exp_run_opts *o,
                             ab_err *err)
{
    ab_status st = o->out ? stage_open(s, o->out, err)
                          : stage_open_new(s, o->parent ? o->parent : "runs", e->id, err);
    char plots[4096];
    if (st == AB_OK && (st = afile_path_join(plots, sizeof plots, s->dir, "plots", err)) == AB_OK)
        st = afile_make_dirs(plots, err);
    return st;
}

/* runner_ready_fn: the plan passed its checks; stage the folder. */
static ab_status ready(void *ctx, const run_out *out, ab_err *err)
{
    folder_ctx *f = ctx;
    (void)out;
    return open_folder(f->stage, f->e, f->o, err);
}

/* The plan of e and what running it measured, kept until the folder is
 * written. */
typedef struct {
    run_plan plan;
    run_out out;
} exp_runs;

static ab_status run_train(exp_result *r, exp_runs *x, const experiment *e, stage_dir *stage,
                           const exp_run_opts *o, ab_err *err)
{
    folder_ctx fc = {.stage = stage, .e = e, .o = o};
    ab_status st = exp_plan(&x->plan, e, o->jobs, o->quiet, o->data_dir, err);
    if (st == AB_OK)
        st = runner_run(&x->out, &x->plan, ready, &fc, err);
    if (st == AB_OK && !(r->q = malloc(sizeof(double) * XF_N_QTY * (size_t)x->out.n)))
        st = ab_fail(err, AB_ERUNTIME, "out of memory: quantities");
    if (st != AB_OK)
        return st;
    /* the records are the result's now (x->out keeps a borrowed view for
     * config.json) */
    r->recs = x->out.recs;
    r->n_recs = x->out.n;
    for (int i = 0; i < r->n_recs; i++)
        exp_run_quantities(r->q + (size_t)XF_N_QTY * i, &r->recs[i], e->setup.epochs);
    return AB_OK;
}

/* kind = bench-acts: the cost per element of every activation with every
 * math of the sweep, and of a whole training step at every (width, math);
 * the quantities of point p and activation a at record p * n_acts + a. */
static ab_status run_bench(exp_result *r, const experiment *e, ab_err *err)
{
    const xf_setup *s = &e->setup;
    int n_m = s->n[XF_KEY_MATH], n_w = s->n[XF_KEY_WIDTH], n_pts = xf_n_points(s);
    int n_rows = n_m * s->n_acts;
    bench_act_row *rows = calloc((size_t)n_rows, sizeof *rows);
    bench_act_step *steps = calloc((size_t)n_rows * (size_t)n_w, sizeof *steps);
    r->q = malloc(sizeof(double) * XF_N_QTY * (size_t)n_pts * (size_t)s->n_acts);
    ab_status st = AB_OK;
    if (!rows || !steps || !r->q) {
        st = ab_fail(err, AB_ERUNTIME, "out of memory: quantities");
        goto done;
    }
    for (int m = 0, i = 0; m < n_m; m++)
        for (int a = 0; a < s->n_acts; a++, i++)
            rows[i] = (bench_act_row){.act = s->acts[a],
                                      .math = (vm_backend)(int)s->v[XF_KEY_MATH][m]};
    for (int w = 0, i = 0; w < n_w; w++)
        for (int m = 0; m < n_m; m++)
            for (int a = 0; a < s->n_acts; a++, i++)
                steps[i] = (bench_act_step){.act = s->acts[a], .math = rows[m * s->n_acts].math,
                                            .width = (int)s->v[XF_KEY_WIDTH][w],
                                            .depth = (int)s->v[XF_KEY_DEPTH][0],
                                            .batch = (int)s->v[XF_KEY_BATCH][0]};
    st = bench_acts_measure(rows, n_rows, (size_t)s->elements, s->repeats, err);
    for (int w = 0; st == AB_OK && w < n_w; w++)
        st = bench_acts_steps(steps + (size_t)w * n_rows, n_rows, s->repeats, err);
    if (st != AB_OK)
        goto done;
    int idx[XF_N_KEYS];
    for (int p = 0; p < n_pts; p++) {
        xf_point(s, p, idx);
        int m = idx[XF_KEY_MATH], w = idx[XF_KEY_WIDTH];
        for (int a = 0; a < s->n_acts; a++) {
            double *q = r->q + (size_t)XF_N_QTY * ((size_t)p * s->n_acts + a);
            for (int i = 0; i < XF_N_QTY; i++)
                q[i] = NAN;
            q[XF_Q_NS] = rows[m * s->n_acts + a].ns_total;
            const bench_act_step *st_row = &steps[((size_t)w * n_m + m) * s->n_acts + a];
            q[XF_Q_STEP_US] = st_row->us;
            q[XF_Q_STEP_VS_RELU] = st_row->vs_relu;
        }
    }
    r->n_recs = n_pts * s->n_acts;
done:
    free(rows);
    free(steps);
    return st;
}

/* ---- checks ---------------------------------------------------------- */

double exp_qty_at(const exp_result *r, int q, int act, const int *idx, int sd)
{
    const xf_setup *s = &r->e->setup;
    int p = xf_point_index(s, idx);
    size_t rec = ((size_t)p * s->n_acts + act) * s->seeds + sd;
    return r->q[rec * XF_N_QTY + q];
}

/* Value of node i at point idx and seed index sd; counts in *div the runs
 * it read that diverged. */
static double eval(const exp_result *r, const xf_check *c, int i, const int *idx, int sd,
                   int *div)
{
    const xf_node *x = &c->nodes[i];
    int j[XF_N_KEYS];
    switch (x->kind) {
    case XF_E_NUM: return x->num;
    case XF_E_NEG: return -eval(r, c, x->a, idx, sd, div);
    case XF_E_ADD: return eval(r, c, x->a, idx, sd, div) + eval(r, c, x->b, idx, sd, div);
    case XF_E_SUB: return eval(r, c, x->a, idx, sd, div) - eval(r, c, x->b, idx, sd, div);
    case XF_E_MUL: return eval(r, c, x->a, idx, sd, div) * eval(r, c, x->b, idx, sd, div);
    case XF_E_DIV: return eval(r, c, x->a, idx, sd, div) / eval(r, c, x->b, idx, sd, div);
    case XF_E_ABS: return fabs(eval(r, c, x->a, idx, sd, div));
    case XF_E_QTY:
        memcpy(j, idx, sizeof j);
        for (int f = 0; f < x->n_fix; f++)
            j[x->fix_key[f]] = x->fix_val[f];
        *div += exp_qty_at(r, XF_Q_DIVERGED, x->act, j, sd) == 1.0;
        return exp_qty_at(r, x->qty, x->act, j, sd);
    case XF_E_RATE: {
        /* least squares of ln y on the key's values */
        const xf_setup *s = &r->e->setup;
        int k = x->rate_key, m = s->n[k];
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        memcpy(j, idx, sizeof j);
        for (int v = 0; v < m; v++) {
            j[k] = v;
            double y = eval(r, c, x->a, j, sd, div), xv = s->v[k][v];
            if (!(y > 0.0) || !isfinite(y))
                return NAN;
            y = log(y);
            sx += xv, sy += y, sxx += xv * xv, sxy += xv * y;
        }
        double den = m * sxx - sx * sx;
        return den != 0.0 ? exp((m * sxy - sx * sy) / den) : NAN;
    }
    }
    return NAN;
}

/* A non-finite side (a quantity that does not apply, a division by zero)
 * is not measurable: the comparison does not hold, whatever op says. */
static bool compare(double a, xf_op op, double b)
{
    if (!isfinite(a) || !isfinite(b))
        return false;
    switch (op) {
    case XF_OP_LT: return a < b;
    case XF_OP_LE: return a <= b;
    case XF_OP_GT: return a > b;
    case XF_OP_GE: return a >= b;
    case XF_OP_EQ: return a == b;
    }
    return false;
}

static void check_eval(exp_check_result *cr, const exp_result *r, const xf_check *c)
{
    const xf_setup *s = &r->e->setup;
    int idx[XF_N_KEYS];
    memset(cr, 0, sizeof *cr);
    for (int p = 0; p < r->n_points; p++) {
        xf_point(s, p, idx);
        /* one evaluation per combination of the keys the check leaves free */
        bool rep = true;
        for (int k = 0; k < XF_N_KEYS; k++)
            if ((c->bound >> k & 1u) && idx[k] != 0)
                rep = false;
        if (!rep)
            continue;
        double sum = 0.0, lo = INFINITY, hi = -INFINITY, rsum = 0.0;
        int diverged = 0;
        int n = 0, *div = &diverged;
        for (int sd = 0; sd < s->seeds; sd++) { /* 1 for kind = bench-acts */
            double v = eval(r, c, c->lhs, idx, sd, div), w = eval(r, c, c->rhs, idx, sd, div);
            sum += v, rsum += w, n++;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        exp_check_point pt = {.lhs = sum / n, .lhs_min = lo, .lhs_max = hi, .rhs = rsum / n,
                              .diverged = diverged};
        int shown[XF_N_KEYS];
        memcpy(shown, idx, sizeof shown);
        xf_setup free_only = *s;
        for (int k = 0; k < XF_N_KEYS; k++)
            if (c->bound >> k & 1u)
                free_only.n[k] = 1;
        xf_point_text(pt.point, sizeof pt.point, &free_only, shown);
        pt.holds = compare(pt.lhs, c->op, pt.rhs);
        cr->n_total++;
        cr->n_hold += pt.holds;
        if (cr->n_pts < EXP_MAX_SHOWN)
            cr->pts[cr->n_pts++] = pt;
    }
    cr->outcome = cr->n_hold == cr->n_total ? EXP_HOLDS : cr->n_hold == 0 ? EXP_FAILS : EXP_PARTLY;
}

/* ---- the folder ------------------------------------------------------ */

static ab_status write_quantities(const char *dir, const exp_result *r, ab_err *err)
{
    const xf_setup *s = &r->e->setup;
    afile a;
    ab_status st = afile_open_in(&a, dir, "quantities.csv", err);
    if (st != AB_OK)
        return st;
    for (int k = 0; k < XF_N_KEYS; k++)
        if (s->n[k] > 1)
            fprintf(a.f, "%s,", xf_key_names[k]);
    fputs("act,seed", a.f);
    for (int q = 0; q < XF_N_QTY; q++)
        fprintf(a.f, ",%s", xf_qtys[q].name);
    fputc('\n', a.f);
    int idx[XF_N_KEYS];
    int per_point = s->n_acts * s->seeds; /* seeds is 1 for kind = bench-acts */
    for (int i = 0; i < r->n_recs; i++) {
        xf_point(s, i / per_point, idx);
        for (int k = 0; k < XF_N_KEYS; k++)
            if (s->n[k] > 1)
                fprintf(a.f, "%s,", s->txt[k][idx[k]]);
        int act = i % per_point / s->seeds, sd = i % s->seeds;
        fprintf(a.f, "%s,%llu", s->acts[act].label, (unsigned long long)(s->seed + sd));
        for (int q = 0; q < XF_N_QTY; q++) {
            fputc(',', a.f);
            out_num(a.f, r->q[(size_t)i * XF_N_QTY + q]);
        }
        fputc('\n', a.f);
    }
    return afile_commit(&a, err);
}

static ab_status write_checks(const char *dir, const exp_result *r, ab_err *err)
{
    afile a;
    ab_status st = afile_open_in(&a, dir, "checks.csv", err);
    if (st != AB_OK)
        return st;
    fputs("check,test,point,value,value_min,value_max,threshold,holds\n", a.f);
    for (int c = 0; c < r->e->n_checks; c++) {
        const exp_check_result *cr = &r->checks[c];
        for (int i = 0; i < cr->n_pts; i++) {
            const exp_check_point *pt = &cr->pts[i];
            fprintf(a.f, "%s,\"%s\",\"%s\",", r->e->checks[c].name, r->e->checks[c].test,
                    pt->point);
            out_num(a.f, pt->lhs), fputc(',', a.f);
            out_num(a.f, pt->lhs_min), fputc(',', a.f);
            out_num(a.f, pt->lhs_max), fputc(',', a.f);
            out_num(a.f, pt->rhs);
            fprintf(a.f, ",%s\n", pt->holds ? "yes" : "no");
        }
    }
    return afile_commit(&a, err);
}

typedef struct {
    const exp_result *r;
    bool quick;
} members_ctx;

/* cfgjson members of an experiment folder: the file, its claim, mode and
 * set-up, the sweep and the verdict. */
static void exp_members(FILE *f, const cfgjson_doc *d)
{
    const members_ctx *m = d->ctx;
    const experiment *e = m->r->e;
    const xf_setup *s = &e->setup;
    fputs("  \"experiment\": ", f);
    out_json_str(f, e->path);
    fprintf(f, ",\n  \"mode\": \"%s\",\n", m->quick ? "quick" : "full");
    if (e->study)
        fputs("  \"study\": true,\n  \"claim\": null,\n", f);
    else
        fprintf(f, "  \"claim\": %d,\n", e->claim);
    fprintf(f, "  \"kind\": \"%s\",\n", s->kind == XF_TRAIN ? "train" : "bench-acts");
    /* the set-up as the file has it, or not: --set's values are named */
    if (e->overrides[0]) {
        fputs("  \"overrides\": ", f);
        out_json_str(f, e->overrides);
        fputs(",\n", f);
    }
    fprintf(f, "  \"setup\": {\"epochs\": %d, \"seeds\": %d, \"seed\": %llu, "
               "\"log_every\": %d, \"target_acc\": %.9g",
            s->epochs, s->seeds, (unsigned long long)s->seed, s->log_every, s->target_acc);
    if (s->kind == XF_BENCH_ACTS)
        fprintf(f, ", \"elements\": %ld, \"repeats\": %d", s->elements, s->repeats);
    fputs("},\n  \"sweep\": {", f);
    for (int k = 0; k < XF_N_KEYS; k++) {
        fprintf(f, "%s\"%s\": [", k ? ", " : "", xf_key_names[k]);
        for (int j = 0; j < s->n[k]; j++) {
            fputs(j ? ", " : "", f);
            out_json_str(f, s->txt[k][j]);
        }
        fputs("]", f);
    }
    if (e->study)
        fputs("},\n  \"verdict\": null,\n", f);
    else
        fprintf(f, "},\n  \"verdict\": \"%s\",\n", exp_verdict_name(m->r->verdict));
}

static ab_status write_config(const char *dir, const exp_result *r, const exp_runs *x,
                              const exp_run_opts *o, ab_err *err)
{
    members_ctx m = {.r = r, .quick = o->quick};
    const xf_setup *s = &r->e->setup;
    bool trained = s->kind == XF_TRAIN;
    cfgjson_doc d = {.argc = o->argc, .argv = o->argv, .acts = s->acts, .n_acts = s->n_acts,
                     .plan = trained ? &x->plan : NULL, .out = trained ? &x->out : NULL,
                     .threads = EXP_BLAS_THREADS * (trained ? x->out.jobs : 1),
                     .seconds = r->seconds, .members = exp_members, .ctx = &m};
    return cfgjson_write(dir, &d, err);
}

/* The checks' outcomes and the verdict, from r's quantities. */
static void judge(exp_result *r)
{
    const experiment *e = r->e;
    exp_outcome o[XF_MAX_CHECKS];
    for (int c = 0; c < e->n_checks; c++) {
        check_eval(&r->checks[c], r, &e->checks[c]);
        o[c] = r->checks[c].outcome;
    }
    r->verdict = exp_verdict_of(o, e->n_checks);
}

/* Whether one of e's plots draws histograms (x = value): its folder then
 * holds hist.csv, the numbers behind them. */
static bool plots_hist(const experiment *e)
{
    for (int i = 0; i < e->n_plots; i++)
        if (e->plots[i].x == XF_X_VALUE)
            return true;
    return false;
}

static ab_status write_folder(exp_result *r, const exp_runs *x, const char *dir,
                              const exp_run_opts *o, ab_err *err)
{
    ab_status st = AB_OK;
    if (r->e->setup.kind == XF_TRAIN &&
        ((st = out_write_loss(dir, r->recs, r->n_recs, err)) != AB_OK ||
         (st = out_write_layers(dir, r->recs, r->n_recs, err)) != AB_OK ||
         (st = out_write_summary(dir, r->recs, r->n_recs, err)) != AB_OK ||
         (plots_hist(r->e) && (st = out_write_hist(dir, r->recs, r->n_recs, err)) != AB_OK)))
        return st;
    if ((st = write_quantities(dir, r, err)) != AB_OK ||
        (st = write_checks(dir, r, err)) != AB_OK ||
        (st = write_config(dir, r, x, o, err)) != AB_OK)
        return st;
    return xfig_write(r, dir, o->render, err);
}

ab_status exp_run(exp_result *r, const experiment *e, const exp_run_opts *o, ab_err *err)
{
    memset(r, 0, sizeof *r);
    r->e = e;
    r->n_points = xf_n_points(&e->setup);
    double t0 = sys_now();
    stage_dir stage = {0};
    exp_runs x = {0};
    ab_status st = xfig_check(e, err);
    /* a formula's or plugin's derivative, checked before it trains */
    char warn[1024] = "";
    if (st == AB_OK && !o->no_gradcheck)
        st = gradcheck_before_training(e->setup.acts, e->setup.n_acts, warn, sizeof warn, err);
    if (warn[0])
        fprintf(stderr, "actbench: warning: %s: %s\n", e->path, warn);
    if (st == AB_OK && e->setup.kind == XF_TRAIN)
        st = run_train(r, &x, e, &stage, o, err);
    else if (st == AB_OK && (st = open_folder(&stage, e, o, err)) == AB_OK)
        st = run_bench(r, e, err);
    if (st == AB_OK) {
        judge(r);
        r->seconds = sys_now() - t0;
        st = write_folder(r, &x, stage.dir, o, err);
    }
    if (st == AB_OK && o->before_commit)
        st = o->before_commit(o->ctx, stage.dir, r, err);
    if (st == AB_OK && (st = stage_commit(&stage, err)) == AB_OK)
        snprintf(r->dir, sizeof r->dir, "%s", stage.dest);
    stage_abort(&stage);
    if (r->recs == x.out.recs) /* the result's, not the runner's */
        x.out.recs = NULL, x.out.n = 0;
    runner_out_free(&x.out);
    plan_free(&x.plan);
    if (st != AB_OK) {
        ab_context(err, "%s", e->path);
        exp_result_free(r);
    }
    return st;
}

void exp_print(FILE *f, const exp_result *r)
{
    const experiment *e = r->e;
    if (e->study)
        fprintf(f, "study: %s\n", e->title);
    else
        fprintf(f, "claim %d: %s\n", e->claim, e->title);
    if (e->overrides[0])
        fprintf(f, "settings overridden: %s\n", e->overrides);
    for (int c = 0; c < e->n_checks; c++) {
        const exp_check_result *cr = &r->checks[c];
        fprintf(f, "  %-8s %-22s %s\n", exp_outcome_name(cr->outcome), e->checks[c].name,
                e->checks[c].test);
        for (int i = 0; i < cr->n_pts; i++) {
            const exp_check_point *pt = &cr->pts[i];
            exp_point_str ps;
            exp_point_format(&ps, pt);
            fprintf(f, "           %s %-10s", pt->holds ? "yes" : "no ", ps.v);
            if (e->setup.seeds > 1 && e->setup.kind == XF_TRAIN)
                fprintf(f, " (%s..%s)", ps.lo, ps.hi);
            fprintf(f, " vs %s%s%s", ps.rhs, pt->point[0] ? "  at " : "", pt->point);
            if (pt->diverged)
                fprintf(f, " (%d diverged run%s)", pt->diverged, pt->diverged > 1 ? "s" : "");
            fputc('\n', f);
        }
    }
    if (e->study)
        fprintf(f, "no verdict: a study (%.1f s)\n", r->seconds);
    else if (e->overrides[0])
        fprintf(f, "verdict under the overridden settings, not the file's: %s (%.1f s)\n",
                exp_verdict_name(r->verdict), r->seconds);
    else
        fprintf(f, "verdict: %s (%.1f s)\n", exp_verdict_name(r->verdict), r->seconds);
}
