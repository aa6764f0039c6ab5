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
#include "sys.h"
#include "train.h"
#include "weights.h"

typedef struct {
    int tty;
    const char *label;
    unsigned long long seed;
} progress_ctx;

static void progress(void *vctx, int epoch, int epochs, double loss)
{
    progress_ctx *c = vctx;
    if (!c->tty)
        return;
    fprintf(stderr, "\r\033[Kactbench: %s seed %llu: epoch %d/%d, train loss %.4f", c->label,
            c->seed, epoch, epochs, loss);
    fflush(stderr);
}

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


/* ---- memory ---- */

/* Bytes the runs still have to allocate, runs at once, each the largest of
 * the activations' train_bytes.  Nothing is added for OpenBLAS, malloc or a
 * child process's own pages: the resident memory measured before the runs
 * plus this came within 4% of the measured peak (README, "Memory"). */
static double runs_bytes(const cli_opts *o, const train_config *tc, int runs)
{
    double need = 0.0;
    for (int a = 0; a < o->n_acts; a++) {
        train_config c = *tc;
        c.net.act = o->acts[a];
        double b = (double)train_bytes(&c);
        need = b > need ? b : need;
    }
    return runs * need;
}

/* Bytes --load-weights keeps for the whole job: one arena per activation. */
static double loaded_bytes(const cli_opts *o, const train_config *tc)
{
    double b = 0.0;
    for (int a = 0; o->load_weights && a < o->n_acts; a++) {
        net n;
        net_config nc = tc->net;
        nc.act = o->acts[a];
        if (net_create(&n, &nc, NULL) == AB_OK)
            b += (double)net_arena_bytes(&n);
    }
    return b;
}

/* Refuses a configuration whose runs (jobs of them at once) would not fit in
 * the memory available now; sets *need to the bytes they still take. */
static ab_status check_memory(const cli_opts *o, const train_config *tc, int jobs, double *need,
                              ab_err *err)
{
    *need = runs_bytes(o, tc, jobs) + loaded_bytes(o, tc);
    double have = sys_mem_available();
    if (*need > 0.9 * have) {
        char at_once[64] = "";
        if (jobs > 1)
            snprintf(at_once, sizeof at_once, " x %d runs at once (-j)", jobs);
        return ab_fail(err, AB_EUSAGE,
                       "--width %d x --depth %d x --batch %d%s: needs about %.1f GiB of memory, "
                       "more than the %.1f GiB available (use a smaller width, depth or batch%s)",
                       o->width, o->depth, o->batch, at_once, *need / 1073741824.0,
                       have / 1073741824.0, jobs > 1 ? ", or a smaller -j" : "");
    }
    return AB_OK;
}

/* ---- weights ---- */

/* Reads --load-weights once per activation (the arena layouts differ only
 * by prelu's alphas). */
static ab_status load_weights(float **loaded, const cli_opts *o, const train_config *tc,
                              ab_err *err)
{
    for (int a = 0; a < o->n_acts; a++) {
        net n;
        net_config nc = tc->net;
        nc.act = o->acts[a];
        ab_status st = net_create(&n, &nc, err);
        if (st != AB_OK)
            return st;
        if (!(loaded[a] = net_arena_alloc(&n)))
            return ab_fail(err, AB_ERUNTIME, "out of memory: loaded weights");
        /* alphas not in the files keep the activation's initial value */
        net_init(&n, loaded[a], 0);
        if ((st = weights_load(o->load_weights, &n, loaded[a], err)) != AB_OK)
            return ab_context(err, "--load-weights"), st;
    }
    return AB_OK;
}

/* Writes DIR/LABEL-seedN/init and .../final for one finished run. */
static ab_status save_weights(const cli_opts *o, const train_config *c, const char *label,
                              const run_result *r, ab_err *err)
{
    net n;
    char sub[256], path[4096];
    ab_status st = net_create(&n, &c->net, err);
    if (st != AB_OK)
        return st;
    const char *stage[2] = {"init", "final"};
    const float *params[2] = {r->init_params, r->final_params};
    for (int k = 0; k < 2; k++) {
        snprintf(sub, sizeof sub, "%s-seed%llu/%s", label, (unsigned long long)c->seed,
                 stage[k]);
        if ((st = path_join(path, sizeof path, o->save_weights, sub, err)) != AB_OK ||
            (st = weights_save(path, &n, params[k], err)) != AB_OK)
            return st;
    }
    return AB_OK;
}

/* ---- the runs ---- */

/* Everything both ways of training share: the runs in their order (every
 * activation, then every seed), and where their results go. */
typedef struct {
    const cli_opts *o;
    train_config *cfgs;  /* n */
    run_record *recs;    /* n, act/init/seed/depth set; r filled by training */
    int n;
    int jobs;            /* runs at once */
    int tty;             /* progress lines on stderr */
} job_runs;

static void warn_diverged(const job_runs *j, const run_record *r)
{
    if (r->r.diverged && !j->o->quiet)
        fprintf(stderr, "%sactbench: warning: %s seed %llu diverged (loss not finite) in "
                        "epoch %d; its run stops there\n",
                j->tty ? "\r\033[K" : "", r->act->label, (unsigned long long)r->seed,
                r->r.diverged_epoch);
}

/* Trains the runs one after the other in this process. */
static ab_status train_in_order(job_runs *j, const data_set *train, const data_set *test,
                                const data_set *probe, int *n_done, ab_err *err)
{
    progress_ctx pc = {.tty = j->tty};
    for (int i = 0; i < j->n; i++) {
        run_record *r = &j->recs[i];
        pc.label = r->act->label;
        pc.seed = (unsigned long long)r->seed;
        ab_status st = train_run(&r->r, &j->cfgs[i], train, test, probe, progress, &pc, err);
        if (st != AB_OK)
            return st;
        ++*n_done;
        if (j->o->save_weights &&
            (st = save_weights(j->o, &j->cfgs[i], r->act->label, &r->r, err)) != AB_OK)
            return st;
        /* the copies served the .npy files only */
        free(r->r.init_params);
        free(r->r.final_params);
        r->r.init_params = r->r.final_params = NULL;
        warn_diverged(j, r);
    }
    return AB_OK;
}

/* par_plan callbacks: the child writes its run's weights; the parent counts. */
static ab_status child_after(void *ctx, int i, const run_result *r, ab_err *err)
{
    const job_runs *j = ctx;
    if (!j->o->save_weights)
        return AB_OK;
    return save_weights(j->o, &j->cfgs[i], j->recs[i].act->label, r, err);
}

static void arrived(void *ctx, int i, int n_arrived)
{
    const job_runs *j = ctx;
    (void)i;
    if (j->tty) {
        fprintf(stderr, "\r\033[Kactbench: %d of %d runs done (%d at once)", n_arrived, j->n,
                j->jobs);
        fflush(stderr);
    }
}

/* Trains the runs j->jobs at once in child processes of run_threads BLAS
 * threads each; the records come out in the same order and with the same
 * numbers as train_in_order's with that many threads. */
static ab_status train_at_once(job_runs *j, int run_threads, const data_set *train,
                               const data_set *test, const data_set *probe, int *n_done,
                               ab_err *err)
{
    run_result *res = calloc((size_t)j->n, sizeof *res);
    if (!res)
        return ab_fail(err, AB_ERUNTIME, "out of memory: run results");
    par_plan p = {.cfgs = j->cfgs, .n = j->n, .jobs = j->jobs, .threads = run_threads,
                  .train = train, .test = test, .probe = probe, .after = child_after,
                  .arrived = arrived, .ctx = j};
    int failed;
    ab_status st = par_train(res, &p, &failed, err);
    if (st != AB_OK) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        if (failed >= 0)
            ab_fail(err, st, "%s seed %llu (-j %d): %s", j->recs[failed].act->label,
                    (unsigned long long)j->recs[failed].seed, j->jobs, why);
        free(res);
        return st;
    }
    for (int i = 0; i < j->n; i++) {
        j->recs[i].r = res[i];
        warn_diverged(j, &j->recs[i]);
    }
    *n_done = j->n;
    free(res);
    return AB_OK;
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

/* Removes the run folder made for a job that then failed, if nothing was
 * written to it (rmdir leaves a folder that holds anything). */
static void unmake_out_dir(const char *dir)
{
    char plots[4096];
    if ((size_t)snprintf(plots, sizeof plots, "%s/plots", dir) < sizeof plots)
        rmdir(plots);
    rmdir(dir);
}

ab_status job_run(const cli_opts *o, ab_err *err)
{
    data_set train = {0}, test = {0}, probe = {0};
    job_runs j = {.o = o, .n = o->n_acts * o->seeds};
    int n_done = 0, *idx = NULL;
    float *loaded[CLI_MAX_ACTS] = {0};
    char dir[4096];
    bool made_dir = false;
    FILE *log = o->quiet ? NULL : stderr;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    job_facts jf = {.threads = o->threads ? o->threads : par_default_threads(cli_max_threads()),
                    .jobs = o->jobs < j.n ? o->jobs : j.n};
    j.jobs = jf.jobs;
    /* one run at a time uses every thread; -j shares them out */
    int run_threads = jf.jobs > 1 ? par_split_threads(jf.threads, jf.jobs) : jf.threads;
    gemm_set_threads(run_threads);

    /* A first check with the smallest possible input and output layers, so
     * that a hopeless size is refused before a large data set is read. */
    train_config early = {.net = {.n_in = 1, .n_out = 2, .depth = o->depth, .width = o->width,
                                  .act = o->acts[0], .batchnorm = o->batchnorm,
                                  .residual = o->residual},
                          .opt = o->opt, .epochs = o->epochs, .batch = o->batch,
                          .log_every = o->log_every};
    double need;
    ab_status st = check_memory(o, &early, jf.jobs, &need, err);
    if (st != AB_OK)
        return st;

    data_spec ds = {.name = o->data, .dir = o->data_dir, .test_path = o->test_data,
                    .n = o->samples, .test_frac = o->test_frac, .seed = o->seed,
                    .standardize = !o->no_standardize};
    st = data_load(&train, &test, &ds, err);
    if (st != AB_OK)
        goto done;
    if (o->loss == OUT_SIGMOID && train.k != 2) {
        st = ab_fail(err, AB_EUSAGE, "--loss bce: needs two classes, data set '%s' has %d "
                     "(use --loss ce)", o->data, train.k);
        goto done;
    }
    idx = malloc(sizeof(int) * (size_t)(train.n > 0 ? train.n : 1));
    if (!idx) {
        st = ab_fail(err, AB_ERUNTIME, "out of memory: probe set");
        goto done;
    }
    int n_probe = probe_pick(idx, train.n, PROBE_MAX_SAMPLES);
    if ((st = data_subset(&probe, &train, idx, n_probe, err)) != AB_OK)
        goto done;

    train_config tc = {
        .net = {.n_in = train.d, .n_out = o->loss == OUT_SIGMOID ? 1 : train.k,
                .depth = o->depth, .width = o->width, .out = o->loss, .init = o->init,
                .init_std = (float)o->init_std, .bias_init = (float)o->bias_init,
                .batchnorm = o->batchnorm, .residual = o->residual},
        .opt = o->opt, .lr = (float)o->lr, .epochs = o->epochs, .batch = o->batch,
        .log_every = o->log_every, .target_acc = o->target_acc};
    tc.net.act = o->acts[0];
    tc.keep_params = o->save_weights != NULL;
    /* the data set is resident now, and in MemAvailable's count: what is
     * left to allocate is the runs' buffers */
    jf.available = sys_mem_available();
    if ((st = check_memory(o, &tc, jf.jobs, &need, err)) != AB_OK)
        goto done;
    jf.estimate = par_rss_now() + need;
    jf.run_bytes = runs_bytes(o, &tc, 1);
    if (o->load_weights && (st = load_weights(loaded, o, &tc, err)) != AB_OK)
        goto done;
    struct stat sb;
    made_dir = !o->out_dir || stat(o->out_dir, &sb) != 0;
    if ((st = sys_out_dir(dir, sizeof dir, o->out_dir, NULL, err)) != AB_OK) {
        if (o->out_dir)
            ab_context(err, "--out");
        made_dir = false;
        goto done;
    }
    if (o->save_weights && (st = make_dirs(o->save_weights, err)) != AB_OK) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        st = ab_fail(err, st, "--save-weights: %s", why);
        goto done;
    }

    if (log && o->init_auto) {
        fprintf(log, "actbench: --init auto:");
        for (int a = 0; a < o->n_acts; a++)
            fprintf(log, "%s %s %s", a ? "," : "", o->acts[a].label,
                    act_init_name(o->acts[a].info->usual_init));
        fprintf(log, "\n");
    }
    j.recs = calloc((size_t)j.n, sizeof *j.recs);
    j.cfgs = calloc((size_t)j.n, sizeof *j.cfgs);
    if (!j.recs || !j.cfgs) {
        st = ab_fail(err, AB_ERUNTIME, "out of memory: run records");
        goto done;
    }
    for (int a = 0, i = 0; a < o->n_acts; a++)
        for (int s = 0; s < o->seeds; s++, i++) {
            train_config *c = &j.cfgs[i];
            *c = tc;
            c->net.act = o->acts[a];
            if (o->init_auto)
                c->net.init = o->acts[a].info->usual_init;
            c->seed = o->seed + (uint64_t)s;
            c->init_params = loaded[a];
            run_record *r = &j.recs[i];
            r->act = &o->acts[a];
            r->init = c->net.init;
            r->seed = c->seed;
            r->depth = o->depth;
        }
    j.tty = log && isatty(2);
    if (jf.jobs > 1)
        st = train_at_once(&j, run_threads, &train, &test, &probe, &n_done, err);
    else
        st = train_in_order(&j, &train, &test, &probe, &n_done, err);
    if (j.tty)
        fprintf(stderr, "\r\033[K");
    if (st != AB_OK)
        goto done;
    for (int i = 0; i < j.n; i++)
        record_summarise(&j.recs[i]);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if ((st = write_outputs(dir, o, &jf, &train, &test, n_probe, j.recs, j.n, secs, err)) !=
        AB_OK)
        goto done;
    bool render = !o->no_plot && plot_have_gnuplot();
    if ((st = figures_write(dir, j.recs, j.n, o->acts, o->n_acts, render, err)) != AB_OK)
        goto done;
    if (!o->quiet) {
        print_table(j.recs, j.n, dir);
        if (!o->no_plot && !render)
            fprintf(stderr, "actbench: gnuplot not found: the plot scripts are in %s/plots; "
                            "render them with: cd %s && for f in plots/*.gp; do gnuplot \"$f\"; "
                            "done\n", dir, dir);
    }
done:
    if (st != AB_OK && made_dir)
        unmake_out_dir(dir);
    for (int i = 0; i < n_done; i++)
        run_free(&j.recs[i].r);
    free(j.recs);
    free(j.cfgs);
    free(idx);
    for (int a = 0; a < CLI_MAX_ACTS; a++)
        free(loaded[a]);
    data_free(&train);
    data_free(&test);
    data_free(&probe);
    return st;
}
