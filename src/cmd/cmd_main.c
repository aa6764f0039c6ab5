/* cmd_main.c - the main command: options (cli.c) -> run plan -> runner -> run folder, table. */
#include "cmd_main.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "actbench_git.h"
#include "actbench_version.h"
#include "afile.h"
#include "cli.h"
#include "data.h"
#include "cfgjson.h"
#include "cmd_sweep.h"
#include "experiment.h"
#include "figures.h"
#include "gradcheck.h"
#include "gemm.h"
#include "out.h"
#include "par.h"
#include "plot.h"
#include "probe.h"
#include "record.h"
#include "runner.h"
#include "stage.h"
#include "sys.h"
#include "train.h"
#include "weights.h"

/* The dead-unit share past which the lecture calls a layer in trouble. */
#define DEAD_WARN_PCT 20.0

/* The final accuracy and loss a row shows: on the test set, or without one
 * (test false) on the training set. */
static double final_acc(const run_record *r, bool test)
{
    const loss_row *last = &r->r.loss[r->r.n_loss - 1];
    return test ? last->test_acc : last->train_acc;
}

static double final_loss(const run_record *r, bool test)
{
    const loss_row *last = &r->r.loss[r->r.n_loss - 1];
    return test ? last->test_loss : last->train_loss;
}

/* "12" (the first epoch reaching the target), "never", or "-" without a
 * target. */
static void to_target(char *out, size_t n, const run_record *r)
{
    if (r->r.epochs_to_target >= 0)
        snprintf(out, n, "%d", r->r.epochs_to_target);
    else
        snprintf(out, n, "%s", r->r.target_set ? "never" : "-");
}

/* The cells of the swept settings that lead a table row: their names
 * (header) or the values of record i's point; nothing without a sweep. */
static void key_cols(const xf_setup *sw, int i, bool header)
{
    if (!sw)
        return;
    int idx[XF_N_KEYS];
    xf_point(sw, i / (sw->n_acts * sw->seeds), idx);
    for (int k = 0; k < XF_N_KEYS; k++) {
        if (sw->n[k] < 2)
            continue;
        int w = (int)strlen(xf_key_names[k]);
        for (int j = 0; j < sw->n[k]; j++)
            w = (int)strlen(sw->txt[k][j]) > w ? (int)strlen(sw->txt[k][j]) : w;
        printf("%-*s ", w, header ? xf_key_names[k] : sw->txt[k][idx[k]]);
    }
}

/* One row per run. */
static void table_runs(const run_record *recs, int n, bool test, const xf_setup *sw)
{
    key_cols(sw, 0, true);
    printf("%-16s %6s %9s %9s %9s %9s %9s %7s  %s\n", "act", "seed",
           test ? "test_acc" : "train_acc", test ? "loss" : "train_loss", "to_target",
           "grad_1/L", "decay", "dead%", "status");
    for (int i = 0; i < n; i++) {
        const run_record *r = &recs[i];
        char tt[16];
        to_target(tt, sizeof tt, r);
        key_cols(sw, i, false);
        printf("%-16s %6llu %9.4f %9.4f %9s %9.3g %9.4f %7.1f  %s\n", r->act->label,
               (unsigned long long)r->seed, final_acc(r, test), final_loss(r, test), tt,
               r->grad_ratio, r->decay, r->mean_dead, r->r.diverged ? "diverged" : "ok");
    }
}

/* min..max of v[0..n) into out, NaNs left out ("-" when all are). */
static double span(char *out, size_t size, const double *v, int n, const char *fmt)
{
    double lo = INFINITY, hi = -INFINITY, sum = 0.0;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) {
            lo = fmin(lo, v[i]), hi = fmax(hi, v[i]), sum += v[i], k++;
        }
    if (!k) {
        snprintf(out, size, "-");
        return NAN;
    }
    char a[24], b[24];
    snprintf(a, sizeof a, fmt, lo);
    snprintf(b, sizeof b, fmt, hi);
    snprintf(out, size, "%.23s..%.23s", a, b);
    return sum / k;
}

/* With several seeds: one row per activation, each figure the mean over
 * its seeds with their range; runs that diverged are counted, not
 * averaged. */
static void table_means(const run_record *recs, int n, bool test, const xf_setup *sw)
{
    key_cols(sw, 0, true);
    printf("%-16s %5s %-24s %-24s %-11s %-30s %-18s %s\n", "act", "seeds",
           test ? "test_acc" : "train_acc", test ? "loss" : "train_loss", "to_target",
           "grad_1/L", "dead%", "status");
    for (int i = 0; i < n;) {
        int k = 1;
        while (i + k < n && recs[i + k].act == recs[i].act &&
               !strcmp(recs[i + k].keys, recs[i].keys))
            k++;
        double acc[k], loss[k], gr[k], dead[k], tt[k];
        int diverged = 0, never = 0;
        for (int j = 0; j < k; j++) {
            const run_record *r = &recs[i + j];
            diverged += r->r.diverged;
            acc[j] = r->r.diverged ? NAN : final_acc(r, test);
            loss[j] = r->r.diverged ? NAN : final_loss(r, test);
            gr[j] = r->grad_ratio;
            dead[j] = r->r.diverged ? NAN : r->mean_dead;
            tt[j] = r->r.epochs_to_target >= 0 ? r->r.epochs_to_target : NAN;
            never += r->r.target_set && r->r.epochs_to_target < 0;
        }
        char sa[64], sl[64], st[64], sg[64], sd[64], col[96], status[32];
        double ma = span(sa, sizeof sa, acc, k, "%.4f"), ml = span(sl, sizeof sl, loss, k, "%.4f"),
               mt = span(st, sizeof st, tt, k, "%.0f"), mg = span(sg, sizeof sg, gr, k, "%.3g"),
               md = span(sd, sizeof sd, dead, k, "%.1f");
        key_cols(sw, i, false);
        printf("%-16s %5d ", recs[i].act->label, k);
        snprintf(col, sizeof col, "%.4f (%s)", ma, sa);
        printf("%-24s ", isfinite(ma) ? col : "-");
        snprintf(col, sizeof col, "%.4f (%s)", ml, sl);
        printf("%-24s ", isfinite(ml) ? col : "-");
        if (!recs[i].r.target_set)
            snprintf(col, sizeof col, "-");
        else if (never == k)
            snprintf(col, sizeof col, "never");
        else
            snprintf(col, sizeof col, "%.1f%s", mt, never ? "+never" : "");
        printf("%-11s ", col);
        snprintf(col, sizeof col, "%.3g (%s)", mg, sg);
        printf("%-30s ", isfinite(mg) ? col : "-");
        snprintf(col, sizeof col, "%.1f (%s)", md, sd);
        printf("%-18s ", isfinite(md) ? col : "-");
        snprintf(status, sizeof status, diverged ? "%d of %d diverged" : "ok", diverged, k);
        printf("%s\n", status);
        i += k;
    }
}

/* The table: one row per run, or with several seeds one per activation
 * (mean and range over its seeds); then a warning for every run whose
 * hidden layer ends more than DEAD_WARN_PCT dead, naming the layers. */
static void print_table(const run_record *recs, int n, bool test, int seeds, const char *dir,
                        const xf_setup *sw)
{
    if (seeds > 1)
        table_means(recs, n, test, sw);
    else
        table_runs(recs, n, test, sw);
    if (seeds > 1)
        printf("to_target = first epoch reaching the target accuracy; grad_1/L = layer 1's "
               "bias-gradient\nnorm over the last hidden layer's at epoch 0; each figure the "
               "mean over the seeds\nthat did not diverge, and their range (min..max)\n");
    else
        printf("to_target = first epoch reaching the target accuracy; grad_1/L = layer 1's "
               "bias-gradient\nnorm over the last hidden layer's at epoch 0; decay = its "
               "per-layer factor (sigmoid's\nbound: 0.25)\n");
    printf("run folder: %s\n", dir);
    for (int i = 0; i < n; i++) {
        const run_record *r = &recs[i];
        if (r->r.n_probes == 0)
            continue;
        const probe_layer *last = record_probe(r, r->r.n_probes - 1);
        char list[256] = "";
        size_t len = 0;
        int count = 0;
        for (int l = 0; l < r->depth && len < sizeof list; l++)
            if (last[l].dead_pct > DEAD_WARN_PCT) {
                len += (size_t)snprintf(list + len, sizeof list - len, "%s%d (%.1f%%)",
                                        count ? ", " : "", l + 1, last[l].dead_pct);
                count++;
            }
        char point[XF_POINT_TEXT_SIZE + 8] = "";
        if (sw && count) {
            int idx[XF_N_KEYS];
            char text[XF_POINT_TEXT_SIZE];
            xf_point(sw, i / (sw->n_acts * sw->seeds), idx);
            xf_point_text(text, sizeof text, sw, idx);
            snprintf(point, sizeof point, " at %s", text);
        }
        if (count)
            fprintf(stderr, "actbench: warning: %s seed %llu%s: hidden layer%s %s dead at the "
                            "end, more than %.0f%%\n", r->act->label,
                    (unsigned long long)r->seed, point, count > 1 ? "s" : "", list,
                    DEAD_WARN_PCT);
    }
}

/* ---- config.json ---- */

/* Sweep key k's member value: one, as the command without a sweep writes
 * it; or, swept, the list of its values ([2, 4, 6]; names as strings, yes
 * and no as true and false), into buf. */
static const char *json_value(char *buf, size_t n, const cli_opts *o, int k, const char *one)
{
    if (o->sweep_n[k] < 2)
        return one;
    const setting_info *r = &setting_table[k];
    size_t len = (size_t)snprintf(buf, n, "[");
    for (int j = 0; j < o->sweep_n[k] && len < n; j++) {
        double v = o->sweep_v[k][j];
        const char *sep = j ? ", " : "";
        if (r->type == SET_BOOL)
            len += (size_t)snprintf(buf + len, n - len, "%s%s", sep, v != 0.0 ? "true" : "false");
        else if (r->type == SET_NAME)
            len += (size_t)snprintf(buf + len, n - len, "%s\"%s\"", sep,
                                    names_name(r->names, (int)v));
        else
            len += (size_t)snprintf(buf + len, n - len, "%s%.9g", sep, v);
    }
    if (len < n)
        snprintf(buf + len, n - len, "]");
    return buf;
}

/* The members of a swept loss: the outputs and their kind per value. */
static void loss_values(char *outputs, char *kind, size_t n, const cli_opts *o, int classes)
{
    size_t a = (size_t)snprintf(outputs, n, "["), b = (size_t)snprintf(kind, n, "[");
    for (int j = 0; j < o->sweep_n[SET_LOSS] && a < n && b < n; j++) {
        bool bce = (out_kind)(int)o->sweep_v[SET_LOSS][j] == OUT_SIGMOID;
        a += (size_t)snprintf(outputs + a, n - a, "%s%d", j ? ", " : "", bce ? 1 : classes);
        b += (size_t)snprintf(kind + b, n - b, "%s\"%s\"", j ? ", " : "",
                              bce ? "sigmoid + binary cross-entropy" : "softmax + cross-entropy");
    }
    if (a < n)
        snprintf(outputs + a, n - a, "]");
    if (b < n)
        snprintf(kind + b, n - b, "]");
}

/* cfgjson members of the main command: its network, training and weights;
 * with a sweep, a swept setting's member lists its values, and "sweep" names
 * the swept settings in the order of the leading CSV columns (each run's
 * "point" says its values). */
static void job_members(FILE *f, const cfgjson_doc *d)
{
    const cli_opts *o = d->ctx;
    const data_set *train = &d->out->train;
    enum { N = 1024 };
    char v[XF_N_KEYS][N], one[XF_N_KEYS][64], outputs[N], output[N];
    snprintf(one[SET_DEPTH], 64, "%d", o->depth);
    snprintf(one[SET_WIDTH], 64, "%d", o->width);
    snprintf(one[SET_INIT], 64, "\"%s\"", o->init_auto ? "auto" : act_init_name(o->init));
    snprintf(one[SET_BIAS_INIT], 64, "%.9g", o->bias_init);
    snprintf(one[SET_BATCHNORM], 64, "%s", o->batchnorm ? "true" : "false");
    snprintf(one[SET_RESIDUAL], 64, "%s", o->residual ? "true" : "false");
    snprintf(one[SET_OPTIMIZER], 64, "\"%s\"", optim_name(o->opt));
    snprintf(one[SET_LR], 64, o->lr_default && o->sweep_n[SET_OPTIMIZER] > 1
                                  ? "\"each optimizer's default\"" : "%.9g", o->lr);
    snprintf(one[SET_BATCH], 64, "%d", o->batch);
    snprintf(one[SET_MATH], 64, "\"%s\"", vm_backend_name(o->math));
    const char *val[XF_N_KEYS];
    for (int k = 0; k < XF_N_KEYS; k++)
        val[k] = k == SET_INIT_STD || k == SET_LOSS ? NULL
                                                    : json_value(v[k], N, o, k, one[k]);
    if (o->sweep_n[SET_LOSS] > 1) {
        loss_values(outputs, output, N, o, train->k);
    } else {
        snprintf(outputs, N, "%d", o->loss == OUT_SIGMOID ? 1 : train->k);
        snprintf(output, N, "\"%s\"", o->loss == OUT_SIGMOID ? "sigmoid + binary cross-entropy"
                                                              : "softmax + cross-entropy");
    }
    bool normal = !o->init_auto && o->init == INIT_NORMAL;
    for (int j = 0; j < o->sweep_n[SET_INIT]; j++)
        normal |= (int)o->sweep_v[SET_INIT][j] == INIT_NORMAL;
    fprintf(f, "  \"network\": {\"depth\": %s, \"width\": %s, \"inputs\": %d, "
               "\"outputs\": %s, \"output\": %s, \"init\": %s",
            val[SET_DEPTH], val[SET_WIDTH], train->d, outputs, output, val[SET_INIT]);
    if (normal)
        fprintf(f, ", \"init_std\": %.9g", o->init_std);
    fprintf(f, ", \"bias_init\": %s, \"batchnorm\": %s, \"residual\": %s},\n",
            val[SET_BIAS_INIT], val[SET_BATCHNORM], val[SET_RESIDUAL]);
    fprintf(f, "  \"training\": {\"optimizer\": %s, \"lr\": %s, \"epochs\": %d, "
               "\"batch\": %s, \"seed\": %llu, \"seeds\": %d, \"target_acc\": %.9g, "
               "\"log_every\": %d, \"math\": %s},\n",
            val[SET_OPTIMIZER], val[SET_LR], o->epochs, val[SET_BATCH],
            (unsigned long long)o->seed, o->seeds, o->target_acc, o->log_every, val[SET_MATH]);
    fputs("  \"weights\": {\"load\": ", f);
    out_json_str_or_null(f, o->load_weights);
    fputs(", \"save\": ", f);
    out_json_str_or_null(f, o->save_weights);
    fputs("},\n", f);
    /* the decision regions' grid, or null without two features */
    const regions_grid *g = &d->out->regions;
    if (g->in)
        fprintf(f, "  \"regions\": {\"cells\": [%d, %d], \"x1\": [%.9g, %.9g], "
                   "\"x2\": [%.9g, %.9g], \"init\": %s},\n",
                g->nx, g->ny, g->x0, g->x1, g->y0, g->y1, o->regions_init ? "true" : "false");
    else
        fputs("  \"regions\": null,\n", f);
    if (cli_sweeps(o)) {
        fputs("  \"sweep\": [", f);
        for (int k = 0, i = 0; k < XF_N_KEYS; k++)
            if (o->sweep_n[k] > 1)
                fprintf(f, "%s\"%s\"", i++ ? ", " : "", xf_key_names[k]);
        fputs("],\n", f);
    }
}

static ab_status write_outputs(const char *dir, const cli_opts *o, const run_plan *p,
                               const run_out *out, int threads, ab_err *err)
{
    ab_status st;
    if ((st = out_write_loss(dir, out->recs, out->n, err)) != AB_OK ||
        (st = out_write_layers(dir, out->recs, out->n, err)) != AB_OK ||
        (st = out_write_summary(dir, out->recs, out->n, err)) != AB_OK ||
        (st = out_write_functions(dir, o->acts, o->n_acts, err)) != AB_OK ||
        (st = out_write_hist(dir, out->recs, out->n, err)) != AB_OK ||
        (st = out_write_dead_units(dir, out->recs, out->n, err)) != AB_OK)
        return st;
    if (out->regions.in &&
        (st = out_write_regions(dir, out->recs, out->n, &out->regions, err)) != AB_OK)
        return st;
    cfgjson_doc d = {.argc = o->argc, .argv = o->argv, .acts = o->acts, .n_acts = o->n_acts,
                     .plan = p, .out = out, .threads = threads, .seconds = out->seconds,
                     .members = job_members, .ctx = o};
    return cfgjson_write(dir, &d, err);
}

/* ---- the job ---- */

/* The data set of o, as every run loads it. */
static data_spec job_data(const cli_opts *o)
{
    return (data_spec){.name = o->data, .dir = o->data_dir, .test_path = o->test_data,
                       .n = o->samples, .test_frac = o->test_frac, .seed = o->seed,
                       .standardize = !o->no_standardize};
}

/* --export-data: the built-in data set as a run would load it, before
 * standardisation, written as CSV. */
static ab_status export_data(const cli_opts *o, ab_err *err)
{
    data_set train = {0}, test = {0};
    data_spec spec = job_data(o);
    spec.standardize = false;
    ab_status st = data_load(&train, &test, &spec, err);
    if (st == AB_OK)
        st = out_write_data(o->export_data, &train, &test, err);
    if (st != AB_OK)
        ab_context(err, "--export-data");
    else if (!o->quiet)
        printf("%s: %s, %d training and %d test samples (seed %llu)\n", o->export_data,
               o->data, train.n, test.n, (unsigned long long)o->seed);
    data_free(&train);
    data_free(&test);
    return st;
}

/* The plan of o: every activation, then every seed, in that order, with
 * threads BLAS threads in all (asked: by --threads or OPENBLAS_NUM_THREADS).
 * Told neither -j nor the threads, the runs go min(runs, threads) at once
 * (threads = the cores), as many of those as fit in memory, the threads
 * shared among them and one for a small network (runner.h); told the
 * threads, one run at a time with all of them; told -j N, N at once with
 * max(1, threads / N) each. */
static ab_status build_plan(run_plan *p, const cli_opts *o, const xf_setup *sw, int threads,
                            bool asked, ab_err *err)
{
    int n_points = sw ? xf_n_points(sw) : 1;
    int n = o->n_acts * o->seeds * n_points;
    if (!plan_alloc(p, n))
        return ab_fail(err, AB_ERUNTIME, "out of memory: run plan");
    p->data = job_data(o);
    p->acts = o->acts;
    p->n_acts = o->n_acts;
    p->load_weights = o->load_weights;
    p->save_weights = o->save_weights;
    p->flag_prefix = "--";
    p->log_label = o->quiet ? NULL : "";
    p->warn_diverged = true;
    p->regions = true;
    p->regions_init = o->regions_init;
    p->jobs = o->jobs ? o->jobs : asked ? 1 : threads < n ? threads : n;
    if (p->jobs > CLI_MAX_JOBS)
        p->jobs = CLI_MAX_JOBS;
    p->fit_jobs = !o->jobs;
    p->share_threads = !asked;
    int jobs = p->jobs < n ? p->jobs : n;
    /* one run at a time uses every thread; -j shares them out (the runner
     * does when they are the default) */
    p->threads = !asked || jobs == 1 ? threads : par_split_threads(threads, jobs);
    train_config tc = {
        .net = {.depth = o->depth, .width = o->width, .out = o->loss, .init = o->init,
                .init_std = (float)o->init_std, .bias_init = (float)o->bias_init,
                .batchnorm = o->batchnorm, .residual = o->residual},
        .opt = o->opt, .lr = (float)o->lr, .epochs = o->epochs, .batch = o->batch,
        .log_every = o->log_every, .target_acc = o->target_acc, .math = o->math};
    /* a sweep's runs point by point, as an experiment orders them */
    int idx[XF_N_KEYS] = {0};
    for (int pt = 0, i = 0; pt < n_points; pt++) {
        if (sw)
            xf_point(sw, pt, idx);
        for (int a = 0; a < o->n_acts; a++)
            for (int s = 0; s < o->seeds; s++, i++) {
                plan_run *r = &p->runs[i];
                r->cfg = tc;
                r->cfg.net.act = o->acts[a];
                if (o->init_auto)
                    r->cfg.net.init = o->acts[a].info->usual_init;
                r->cfg.seed = o->seed + (uint64_t)s;
                if (sw)
                    sweep_apply(&r->cfg, sw, idx, o);
                r->act = a;
                r->rec = (run_record){.act = &o->acts[a], .init = r->cfg.net.init,
                                      .seed = r->cfg.seed, .depth = r->cfg.net.depth};
                if (sw)
                    exp_key_cells(&r->rec, sw, idx);
            }
    }
    return AB_OK;
}

typedef struct {
    const cli_opts *o;
    stage_dir stage;
} job_ctx;

/* runner_ready_fn: the checks passed; stage the run folder (--out, or a
 * new one under runs/). */
static ab_status make_folder(void *ctx, const run_out *out, ab_err *err)
{
    job_ctx *j = ctx;
    const cli_opts *o = j->o;
    (void)out;
    ab_status st = o->out_dir ? stage_open(&j->stage, o->out_dir, err)
                              : stage_open_new(&j->stage, "runs", NULL, err);
    char plots[4096];
    if (st == AB_OK &&
        (st = afile_path_join(plots, sizeof plots, j->stage.dir, "plots", err)) == AB_OK)
        st = afile_make_dirs(plots, err);
    if (st != AB_OK) {
        if (o->out_dir)
            ab_context(err, "--out");
        return st;
    }
    if (!o->quiet && o->init_auto && o->sweep_n[SET_INIT] < 2) {
        fprintf(stderr, "actbench: --init auto:");
        for (int a = 0; a < o->n_acts; a++)
            fprintf(stderr, "%s %s %s", a ? "," : "", o->acts[a].label,
                    act_init_name(o->acts[a].info->usual_init));
        fprintf(stderr, "\n");
    }
    return AB_OK;
}

/* Runs the job o describes.  Progress and notes go to stderr unless quiet;
 * the summary table and the run folder's name to stdout unless quiet. */
static ab_status run_job(const cli_opts *o, ab_err *err)
{
    run_plan p = {0};
    run_out out = {0};
    job_ctx j = {.o = o};
    int threads = o->threads;
    bool env = false;
    char warn[1024] = "";
    ab_status st = o->no_gradcheck
                       ? AB_OK
                       : gradcheck_before_training(o->acts, o->n_acts, warn, sizeof warn, err);
    if (warn[0])
        fprintf(stderr, "actbench: warning: %s\n", warn);
    if (st == AB_OK)
        st = threads ? AB_OK : par_default_threads(&threads, &env, cli_max_threads(), err);
    /* a sweep: its points as an experiment file's set-up holds them */
    xf_setup *sw = NULL;
    if (st == AB_OK && cli_sweeps(o) && !(sw = malloc(sizeof *sw)))
        st = ab_fail(err, AB_ERUNTIME, "out of memory: sweep");
    if (sw)
        sweep_setup(sw, o);
    if (st == AB_OK)
        st = build_plan(&p, o, sw, threads, o->threads || env, err);
    /* the maths library of every run, and of what this process writes itself
     * (functions.csv and its figure) whether the runs train here or in -j
     * children */
    vm_set_backend(o->math);
    if (st == AB_OK)
        st = runner_run(&out, &p, make_folder, &j, err);
    const char *dir = j.stage.dir;
    if (st == AB_OK)
        st = write_outputs(dir, o, &p, &out, threads, err);
    bool render = !o->no_plot && plot_have_gnuplot();
    plot_set_formats(o->formats);
    if (st == AB_OK)
        st = sw ? sweep_figures(dir, sw, &out, o, out.test.n > 0, render, err)
                : figures_write(dir, out.recs, out.n, o->acts, o->n_acts,
                                &(figures_plane){&out.regions, &out.train, &out.test}, render,
                                err);
    if (st == AB_OK)
        st = stage_commit(&j.stage, err);
    if (st == AB_OK)
        st = runner_commit(&out, &p, err);
    dir = j.stage.dest;
    if (st == AB_OK && !o->quiet) {
        print_table(out.recs, out.n, out.test.n > 0, o->seeds, dir, sw);
        if (!o->no_plot && !render)
            fprintf(stderr, "actbench: gnuplot not found: the plot scripts are in %s/plots; "
                            "render them with: cd %s && for f in plots/*.gp; do gnuplot \"$f\"; "
                            "done\n", dir, dir);
    }
    stage_abort(&j.stage);
    runner_out_free(&out);
    plan_free(&p);
    free(sw);
    return st;
}

int cmd_main(int argc, char **argv)
{
    cli_opts o;
    ab_err err = {{0}};
    ab_status st = cli_parse(&o, argc, argv, &err);
    if (st == AB_OK && o.help)
        return cli_usage(stdout), 0;
    if (st == AB_OK && o.version)
        return printf("actbench %s%s%s%s\n", ACTBENCH_VERSION, ACTBENCH_GIT[0] ? " (git " : "",
                      ACTBENCH_GIT, ACTBENCH_GIT[0] ? ")" : ""),
               0;
    if (st == AB_OK && o.list_acts)
        return cli_list_acts(stdout, o.acts, o.n_acts), 0;
    if (st == AB_OK)
        st = o.export_data ? export_data(&o, &err) : run_job(&o, &err);
    if (st != AB_OK)
        fprintf(stderr, "actbench: %s\n", err.msg);
    return (int)st;
}
