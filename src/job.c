/* job.c - the main command: data -> runs -> run folder. */
#include "job.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "actbench_version.h"
#include "afile.h"
#include "data.h"
#include "figures.h"
#include "gemm.h"
#include "out.h"
#include "par.h"
#include "plot.h"
#include "probe.h"
#include "results.h"
#include "runner.h"
#include "sys.h"
#include "train.h"
#include "weights.h"

static void print_table(const run_record *recs, int n, const char *dir)
{
    printf("%-16s %6s %9s %9s %9s %7s  %s\n", "act", "seed", "test_acc", "loss", "decay",
           "dead%", "status");
    for (int i = 0; i < n; i++) {
        const run_record *r = &recs[i];
        const loss_row *last = &r->r.loss[r->r.n_loss - 1];
        double acc = isfinite(last->test_acc) ? last->test_acc : last->train_acc;
        double loss = isfinite(last->test_loss) ? last->test_loss : last->train_loss;
        printf("%-16s %6llu %9.4f %9.4f %9.4f %7.1f  %s\n", r->act->label,
               (unsigned long long)r->seed, acc, loss, r->decay, r->mean_dead,
               r->r.diverged ? "diverged" : "ok");
    }
    printf("decay = per-layer factor of the bias-gradient norm at epoch 0 "
           "(sigmoid's bound: 0.25)\nrun folder: %s\n", dir);
}


/* ---- config.json ---- */

typedef struct {
    int threads;         /* --threads, resolved */
    int jobs;            /* runs at once */
    double estimate;     /* bytes: estimated peak of all processes together */
    double run_bytes;    /* bytes: estimated buffers of one run (the largest) */
    double available;    /* bytes available when the runs started */
} job_facts;

static void write_config(FILE *f, const cli_opts *o, const job_facts *jf, const data_set *train,
                         const data_set *test, int n_probe, const run_record *recs, int n_recs,
                         double seconds)
{
    fprintf(f, "{\n  \"actbench_version\": \"%s\",\n  \"command\": [", ACTBENCH_VERSION);
    for (int i = 0; i < o->argc; i++) {
        fputs(i ? ", " : "", f);
        out_json_str(f, o->argv[i]);
    }
    fputs("],\n  \"activations\": [", f);
    for (int a = 0; a < o->n_acts; a++) {
        const act_spec *s = &o->acts[a];
        fprintf(f, "%s\n    {\"label\": ", a ? "," : "");
        out_json_str(f, s->label);
        fputs(", \"name\": ", f);
        out_json_str(f, s->info->name);
        fputs(", \"params\": {", f);
        for (int k = 0; k < s->info->n_params; k++) {
            fprintf(f, "%s", k ? ", " : "");
            out_json_str(f, s->info->param_names[k]);
            fprintf(f, ": %.9g", (double)s->p[k]);
        }
        fprintf(f, "}, \"init\": \"%s\", \"max_abs_derivative\": %.9g}",
                act_init_name(o->init_auto ? s->info->usual_init : o->init), s->max_df);
    }
    fprintf(f, "\n  ],\n  \"network\": {\"depth\": %d, \"width\": %d, \"inputs\": %d, "
               "\"outputs\": %d, \"output\": \"%s\", \"init\": \"%s\"",
            o->depth, o->width, train->d, o->loss == OUT_SIGMOID ? 1 : train->k,
            o->loss == OUT_SIGMOID ? "sigmoid + binary cross-entropy"
                                   : "softmax + cross-entropy",
            o->init_auto ? "auto" : act_init_name(o->init));
    if (!o->init_auto && o->init == INIT_NORMAL)
        fprintf(f, ", \"init_std\": %.9g", o->init_std);
    fprintf(f, ", \"bias_init\": %.9g, \"batchnorm\": %s, \"residual\": %s},\n",
            o->bias_init, o->batchnorm ? "true" : "false", o->residual ? "true" : "false");
    fprintf(f, "  \"training\": {\"optimizer\": \"%s\", \"lr\": %.9g, \"epochs\": %d, "
               "\"batch\": %d, \"seed\": %llu, \"seeds\": %d, \"target_acc\": %.9g, "
               "\"log_every\": %d},\n",
            optim_name(o->opt), o->lr, o->epochs, o->batch, (unsigned long long)o->seed,
            o->seeds, o->target_acc, o->log_every);
    fputs("  \"data\": {\"name\": ", f);
    out_json_str(f, o->data);
    fputs(", \"dir\": ", f);
    out_json_str_or_null(f, o->data_dir);
    fputs(", \"test_data\": ", f);
    out_json_str_or_null(f, o->test_data);
    fprintf(f, ", \"samples\": %d, \"test_frac\": %.9g, \"train\": %d, \"test\": %d, "
               "\"features\": %d, \"classes\": %d, \"probe\": %d, \"standardized\": %s},\n",
            o->samples ? o->samples : DATA_DEFAULT_N, o->test_frac, train->n, test->n, train->d,
            train->k, n_probe, o->no_standardize ? "false" : "true");
    fputs("  \"weights\": {\"load\": ", f);
    out_json_str_or_null(f, o->load_weights);
    fputs(", \"save\": ", f);
    out_json_str_or_null(f, o->save_weights);
    fputs("},\n", f);
    /* blas.threads: what each run's GEMMs used, the count its numbers depend on */
    fprintf(f, "  \"threads\": %d,\n  \"jobs\": %d,\n", jf->threads, jf->jobs);
    fputs("  \"blas\": {\"library\": ", f);
    out_json_str(f, gemm_library());
    fprintf(f, ", \"threads\": %d},\n", gemm_threads());
    /* peaks so far: the training's, before any plot is rendered */
    double mib = 1048576.0, child = par_peak_rss_children();
    fprintf(f, "  \"memory\": {\"peak_rss_mib\": %.1f, \"child_peak_rss_mib\": ",
            par_peak_rss_self() / mib);
    if (jf->jobs > 1 && child > 0.0)
        fprintf(f, "%.1f", child / mib);
    else
        fputs("null", f);
    fprintf(f, ", \"estimated_mib\": %.1f, \"estimated_run_mib\": %.1f, "
               "\"available_mib\": %.1f},\n",
            jf->estimate / mib, jf->run_bytes / mib, jf->available / mib);
    fprintf(f, "  \"seconds\": %.3f,\n  \"runs\": [", seconds);
    for (int i = 0; i < n_recs; i++) {
        const run_record *r = &recs[i];
        fprintf(f, "%s\n    {\"act\": ", i ? "," : "");
        out_json_str(f, r->act->label);
        fprintf(f, ", \"seed\": %llu, \"init\": \"%s\", \"status\": \"%s\", \"epochs_run\": %d",
                (unsigned long long)r->seed, act_init_name(r->init),
                r->r.diverged ? "diverged" : "ok", r->r.n_loss - 1);
        fprintf(f, ", \"seconds\": %.6f, \"probe_seconds\": %.6f", r->r.seconds,
                r->r.probe_seconds);
        if (r->r.diverged)
            fprintf(f, ", \"diverged_epoch\": %d", r->r.diverged_epoch);
        fputs("}", f);
    }
    fputs("\n  ]\n}\n", f);
}

static ab_status write_outputs(const char *dir, const cli_opts *o, const job_facts *jf,
                               const data_set *train, const data_set *test, int n_probe,
                               const run_record *recs, int n, double seconds, ab_err *err)
{
    ab_status st;
    if ((st = out_write_loss(dir, recs, n, err)) != AB_OK ||
        (st = out_write_layers(dir, recs, n, err)) != AB_OK ||
        (st = out_write_summary(dir, recs, n, err)) != AB_OK ||
        (st = out_write_functions(dir, o->acts, o->n_acts, err)) != AB_OK)
        return st;
    char path[4096];
    afile a;
    if ((st = path_join(path, sizeof path, dir, "config.json", err)) != AB_OK ||
        (st = afile_open(&a, path, err)) != AB_OK)
        return st;
    write_config(a.f, o, jf, train, test, n_probe, recs, n, seconds);
    return afile_commit(&a, err);
}

/* ---- the job ---- */

/* The plan of o: every activation, then every seed, in that order. */
static ab_status build_plan(run_plan *p, const cli_opts *o, int threads, ab_err *err)
{
    int n = o->n_acts * o->seeds;
    if (!plan_alloc(p, n))
        return ab_fail(err, AB_ERUNTIME, "out of memory: run plan");
    p->data = (data_spec){.name = o->data, .dir = o->data_dir, .test_path = o->test_data,
                          .n = o->samples, .test_frac = o->test_frac, .seed = o->seed,
                          .standardize = !o->no_standardize};
    p->acts = o->acts;
    p->n_acts = o->n_acts;
    p->jobs = o->jobs;
    p->load_weights = o->load_weights;
    p->save_weights = o->save_weights;
    p->flag_prefix = "--";
    p->log_label = o->quiet ? NULL : "";
    p->warn_diverged = true;
    int jobs = o->jobs < n ? o->jobs : n;
    /* one run at a time uses every thread; -j shares them out */
    p->threads = jobs > 1 ? par_split_threads(threads, jobs) : threads;
    train_config tc = {
        .net = {.depth = o->depth, .width = o->width, .out = o->loss, .init = o->init,
                .init_std = (float)o->init_std, .bias_init = (float)o->bias_init,
                .batchnorm = o->batchnorm, .residual = o->residual},
        .opt = o->opt, .lr = (float)o->lr, .epochs = o->epochs, .batch = o->batch,
        .log_every = o->log_every, .target_acc = o->target_acc};
    for (int a = 0, i = 0; a < o->n_acts; a++)
        for (int s = 0; s < o->seeds; s++, i++) {
            plan_run *r = &p->runs[i];
            r->cfg = tc;
            r->cfg.net.act = o->acts[a];
            if (o->init_auto)
                r->cfg.net.init = o->acts[a].info->usual_init;
            r->cfg.seed = o->seed + (uint64_t)s;
            r->act = a;
            r->rec = (run_record){.act = &o->acts[a], .init = r->cfg.net.init,
                                  .seed = r->cfg.seed, .depth = o->depth};
        }
    return AB_OK;
}

/* Removes the run folder made for a job that then failed, if nothing was
 * written to it (rmdir leaves a folder that holds anything). */
static void unmake_out_dir(const char *dir)
{
    char plots[4096];
    if ((size_t)snprintf(plots, sizeof plots, "%s/plots", dir) < sizeof plots)
        rmdir(plots);
    rmdir(dir);
}

typedef struct {
    const cli_opts *o;
    char dir[4096];
    bool made_dir;
} job_ctx;

/* runner_ready_fn: the checks passed; make the run folder. */
static ab_status make_folder(void *ctx, const run_out *out, ab_err *err)
{
    job_ctx *j = ctx;
    const cli_opts *o = j->o;
    struct stat sb;
    (void)out;
    j->made_dir = !o->out_dir || stat(o->out_dir, &sb) != 0;
    ab_status st = sys_out_dir(j->dir, sizeof j->dir, o->out_dir, NULL, err);
    if (st != AB_OK) {
        j->made_dir = false;
        return st;
    }
    if (!o->quiet && o->init_auto) {
        fprintf(stderr, "actbench: --init auto:");
        for (int a = 0; a < o->n_acts; a++)
            fprintf(stderr, "%s %s %s", a ? "," : "", o->acts[a].label,
                    act_init_name(o->acts[a].info->usual_init));
        fprintf(stderr, "\n");
    }
    return AB_OK;
}

ab_status job_run(const cli_opts *o, ab_err *err)
{
    run_plan p = {0};
    run_out out = {0};
    job_ctx j = {.o = o};
    int threads = o->threads ? o->threads : par_default_threads(cli_max_threads());
    ab_status st = build_plan(&p, o, threads, err);
    if (st == AB_OK)
        st = runner_run(&out, &p, make_folder, &j, err);
    job_facts jf = {.threads = threads, .jobs = out.jobs, .estimate = out.estimate,
                    .run_bytes = out.run_bytes, .available = out.available};
    if (st == AB_OK)
        st = write_outputs(j.dir, o, &jf, &out.train, &out.test, out.probe.n, out.recs, out.n,
                           out.seconds, err);
    bool render = !o->no_plot && plot_have_gnuplot();
    if (st == AB_OK)
        st = figures_write(j.dir, out.recs, out.n, o->acts, o->n_acts, render, err);
    if (st == AB_OK && !o->quiet) {
        print_table(out.recs, out.n, j.dir);
        if (!o->no_plot && !render)
            fprintf(stderr, "actbench: gnuplot not found: the plot scripts are in %s/plots; "
                            "render them with: cd %s && for f in plots/*.gp; do gnuplot \"$f\"; "
                            "done\n", j.dir, j.dir);
    }
    if (st != AB_OK && j.made_dir)
        unmake_out_dir(j.dir);
    runner_out_free(&out);
    plan_free(&p);
    return st;
}
