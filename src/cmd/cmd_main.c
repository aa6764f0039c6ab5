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

#include "actbench_version.h"
#include "afile.h"
#include "cli.h"
#include "data.h"
#include "cfgjson.h"
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

/* The table: summary.csv's final_test_acc and final_test_loss, or with no
 * test set (test false) its final_train_acc and final_train_loss, the
 * columns named for which. */
static void print_table(const run_record *recs, int n, bool test, const char *dir)
{
    printf("%-16s %6s %9s %9s %9s %7s  %s\n", "act", "seed", test ? "test_acc" : "train_acc",
           test ? "loss" : "train_loss", "decay", "dead%", "status");
    for (int i = 0; i < n; i++) {
        const run_record *r = &recs[i];
        const loss_row *last = &r->r.loss[r->r.n_loss - 1];
        double acc = test ? last->test_acc : last->train_acc;
        double loss = test ? last->test_loss : last->train_loss;
        printf("%-16s %6llu %9.4f %9.4f %9.4f %7.1f  %s\n", r->act->label,
               (unsigned long long)r->seed, acc, loss, r->decay, r->mean_dead,
               r->r.diverged ? "diverged" : "ok");
    }
    printf("decay = per-layer factor of the bias-gradient norm at epoch 0 "
           "(sigmoid's bound: 0.25)\nrun folder: %s\n", dir);
}


/* ---- config.json ---- */

/* cfgjson members of the main command: its network, training and weights. */
static void job_members(FILE *f, const cfgjson_doc *d)
{
    const cli_opts *o = d->ctx;
    const data_set *train = &d->out->train;
    fprintf(f, "  \"network\": {\"depth\": %d, \"width\": %d, \"inputs\": %d, "
               "\"outputs\": %d, \"output\": \"%s\", \"init\": \"%s\"",
            o->depth, o->width, train->d, o->loss == OUT_SIGMOID ? 1 : train->k,
            o->loss == OUT_SIGMOID ? "sigmoid + binary cross-entropy" : "softmax + cross-entropy",
            o->init_auto ? "auto" : act_init_name(o->init));
    if (!o->init_auto && o->init == INIT_NORMAL)
        fprintf(f, ", \"init_std\": %.9g", o->init_std);
    fprintf(f, ", \"bias_init\": %.9g, \"batchnorm\": %s, \"residual\": %s},\n",
            o->bias_init, o->batchnorm ? "true" : "false", o->residual ? "true" : "false");
    fprintf(f, "  \"training\": {\"optimizer\": \"%s\", \"lr\": %.9g, \"epochs\": %d, "
               "\"batch\": %d, \"seed\": %llu, \"seeds\": %d, \"target_acc\": %.9g, "
               "\"log_every\": %d, \"math\": \"%s\"},\n",
            optim_name(o->opt), o->lr, o->epochs, o->batch, (unsigned long long)o->seed,
            o->seeds, o->target_acc, o->log_every, vm_backend_name(o->math));
    fputs("  \"weights\": {\"load\": ", f);
    out_json_str_or_null(f, o->load_weights);
    fputs(", \"save\": ", f);
    out_json_str_or_null(f, o->save_weights);
    fputs("},\n", f);
}

static ab_status write_outputs(const char *dir, const cli_opts *o, const run_plan *p,
                               const run_out *out, int threads, ab_err *err)
{
    ab_status st;
    if ((st = out_write_loss(dir, out->recs, out->n, err)) != AB_OK ||
        (st = out_write_layers(dir, out->recs, out->n, err)) != AB_OK ||
        (st = out_write_summary(dir, out->recs, out->n, err)) != AB_OK ||
        (st = out_write_functions(dir, o->acts, o->n_acts, err)) != AB_OK)
        return st;
    cfgjson_doc d = {.argc = o->argc, .argv = o->argv, .acts = o->acts, .n_acts = o->n_acts,
                     .plan = p, .out = out, .threads = threads, .seconds = out->seconds,
                     .members = job_members, .ctx = o};
    return cfgjson_write(dir, &d, err);
}

/* ---- the job ---- */

/* The plan of o: every activation, then every seed, in that order, with
 * threads BLAS threads in all (asked: by --threads or OPENBLAS_NUM_THREADS).
 * Told neither -j nor the threads, the runs go min(runs, threads) at once
 * (threads = the cores), as many of those as fit in memory, the threads
 * shared among them and one for a small network (runner.h); told the
 * threads, one run at a time with all of them; told -j N, N at once with
 * max(1, threads / N) each. */
static ab_status build_plan(run_plan *p, const cli_opts *o, int threads, bool asked,
                            ab_err *err)
{
    int n = o->n_acts * o->seeds;
    if (!plan_alloc(p, n))
        return ab_fail(err, AB_ERUNTIME, "out of memory: run plan");
    p->data = (data_spec){.name = o->data, .dir = o->data_dir, .test_path = o->test_data,
                          .n = o->samples, .test_frac = o->test_frac, .seed = o->seed,
                          .standardize = !o->no_standardize};
    p->acts = o->acts;
    p->n_acts = o->n_acts;
    p->load_weights = o->load_weights;
    p->save_weights = o->save_weights;
    p->flag_prefix = "--";
    p->log_label = o->quiet ? NULL : "";
    p->warn_diverged = true;
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
    if (!o->quiet && o->init_auto) {
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
    if (st == AB_OK)
        st = build_plan(&p, o, threads, o->threads || env, err);
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
    if (st == AB_OK)
        st = figures_write(dir, out.recs, out.n, o->acts, o->n_acts, render, err);
    if (st == AB_OK)
        st = stage_commit(&j.stage, err);
    if (st == AB_OK)
        st = runner_commit(&out, &p, err);
    dir = j.stage.dest;
    if (st == AB_OK && !o->quiet) {
        print_table(out.recs, out.n, out.test.n > 0, dir);
        if (!o->no_plot && !render)
            fprintf(stderr, "actbench: gnuplot not found: the plot scripts are in %s/plots; "
                            "render them with: cd %s && for f in plots/*.gp; do gnuplot \"$f\"; "
                            "done\n", dir, dir);
    }
    stage_abort(&j.stage);
    runner_out_free(&out);
    plan_free(&p);
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
        return printf("actbench %s\n", ACTBENCH_VERSION), 0;
    if (st == AB_OK && o.list_acts)
        return cli_list_acts(stdout, o.acts, o.n_acts), 0;
    if (st == AB_OK)
        st = run_job(&o, &err);
    if (st != AB_OK)
        fprintf(stderr, "actbench: %s\n", err.msg);
    return (int)st;
}
