/* runner.c - executes a run plan: checks, data, probe set, runs, records. */
#include "runner.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "afile.h"
#include "gemm.h"
#include "par.h"
#include "probe.h"
#include "stage.h"
#include "sys.h"
#include "weights.h"

void runner_out_free(run_out *out)
{
    stage_abort(&out->weights);
    for (int i = 0; out->recs && i < out->n; i++)
        train_result_free(&out->recs[i].r);
    free(out->recs);
    data_free(&out->train);
    data_free(&out->test);
    data_free(&out->probe);
    regions_grid_free(&out->regions);
    memset(out, 0, sizeof *out);
}


/* "--" when messages name command-line flags, else "". */
static const char *flags(const run_plan *p) { return p->flag_prefix ? p->flag_prefix : ""; }

/* ---- memory ---- */

/* The runs' configurations as they will train: n_in inputs, outputs for
 * n_classes (1 for a sigmoid output), their parameters kept when the
 * weights are saved (the loaded weights come later). */
static void effective(train_config *cfgs, const run_plan *p, int n_in, int n_classes)
{
    for (int i = 0; i < p->n_runs; i++) {
        train_config *c = &cfgs[i];
        *c = p->runs[i].cfg;
        c->net.n_in = n_in;
        c->net.n_out = c->net.out == OUT_SIGMOID ? 1 : n_classes;
        c->keep_params = c->keep_params || p->save_weights;
    }
}

/* The largest train_bytes of the runs cfgs[0..n); *largest is its index. */
static double largest_run(const train_config *cfgs, int n, int *largest)
{
    double need = 0.0;
    *largest = 0;
    for (int i = 0; i < n; i++) {
        double b = (double)train_bytes(&cfgs[i]);
        if (b > need)
            need = b, *largest = i;
    }
    return need;
}

/* Bytes the loaded weights keep for the whole plan: one arena per
 * activation, of the first of its runs. */
static double loaded_bytes(const run_plan *p, const train_config *cfgs)
{
    double b = 0.0;
    for (int a = 0; p->load_weights && a < p->n_acts; a++) {
        int i = 0;
        while (i < p->n_runs && p->runs[i].act != a)
            i++;
        net n;
        if (i < p->n_runs && net_create(&n, &cfgs[i].net, NULL) == AB_OK)
            b += (double)net_arena_bytes(&n);
    }
    return b;
}

/* Refuses runs cfgs (*jobs of them at once) that would not fit in the memory
 * available now, after lowering *jobs (not below 1) until they do when the
 * plan lets it; sets *need to the bytes they still take and *one to those of
 * the largest. */
static ab_status check_memory(const run_plan *p, const train_config *cfgs, int *jobs,
                              double *need, double *one, ab_err *err)
{
    int big;
    *one = largest_run(cfgs, p->n_runs, &big);
    double loaded = loaded_bytes(p, cfgs), have = sys_mem_available();
    while (p->fit_jobs && *jobs > 1 && *jobs * *one + loaded > 0.9 * have)
        (*jobs)--;
    *need = *jobs * *one + loaded;
    if (*need <= 0.9 * have)
        return AB_OK;
    const train_config *c = &cfgs[big];
    const char *f = flags(p);
    char at_once[64] = "";
    if (*jobs > 1)
        snprintf(at_once, sizeof at_once, " x %d runs at once (-j)", *jobs);
    return ab_fail(err, AB_EUSAGE,
                   "%swidth %d x %sdepth %d x %sbatch %d%s: needs about %.1f GiB of memory, "
                   "more than the %.1f GiB available (use a smaller width, depth or batch%s)",
                   f, c->net.width, f, c->net.depth, f, c->batch, at_once,
                   *need / 1073741824.0, have / 1073741824.0, *jobs > 1 ? ", or a smaller -j" : "");
}

/* ---- the data ---- */

/* The data set, standardised as p asks; with p->regions and data that has
 * two features, the plane over it in out->regions. */
static ab_status load_data(run_out *out, const run_plan *p, ab_err *err)
{
    data_spec spec = p->data;
    spec.standardize = false;
    ab_status st = data_load(&out->train, &out->test, &spec, err);
    if (st != AB_OK)
        return st;
    double mean[2] = {0.0, 0.0}, inv[2] = {1.0, 1.0};
    bool plane = p->regions && out->train.d == 2 && out->train.k <= REGIONS_MAX_CLASSES;
    /* data_load's own standardisation, with its numbers kept for the plane */
    if (p->data.standardize)
        data_standardize_get(&out->train, &out->test, plane ? mean : NULL, plane ? inv : NULL);
    if (plane && (st = regions_grid_make(&out->regions, &out->train, &out->test, mean, inv,
                                         REGIONS_CELLS, REGIONS_CELLS, err)) != AB_OK)
        return st;
    for (int i = 0; i < p->n_runs; i++)
        if (p->runs[i].cfg.net.out == OUT_SIGMOID && out->train.k != 2)
            return ab_fail(err, AB_EUSAGE, "%sloss bce: needs two classes, data set '%s' has "
                           "%d (use %sloss ce)", flags(p), p->data.name, out->train.k, flags(p));
    /* a split asked for but too small to hold one sample: said once, as the
     * test columns stay empty and the table shows training values */
    if (out->test.n == 0 && p->data.test_frac > 0.0 && !p->data.test_path &&
        !out->train.split_column && p->log_label)
        fprintf(stderr, "actbench: %s%swarning: %stest%cfrac %g of %d samples leaves no test "
                "set: test values are empty, the table shows training accuracy and loss\n",
                p->log_label, p->log_label[0] ? ": " : "", flags(p), flags(p)[0] ? '-' : '_',
                p->data.test_frac, out->train.n);
    int *idx = malloc(sizeof(int) * (size_t)(out->train.n > 0 ? out->train.n : 1));
    if (!idx)
        return ab_fail(err, AB_ERUNTIME, "out of memory: probe set");
    int n_probe = probe_pick(idx, out->train.n, PROBE_MAX_SAMPLES);
    st = data_subset(&out->probe, &out->train, idx, n_probe, err);
    free(idx);
    return st;
}

/* ---- weights ---- */

/* Reads load_weights once per activation used (the arena layouts differ only
 * by the activations' learned parameters) into loaded[a]. */
static ab_status load_weights(float **loaded, const run_plan *p, const train_config *cfgs,
                              ab_err *err)
{
    for (int i = 0; i < p->n_runs; i++) {
        int a = p->runs[i].act;
        if (loaded[a])
            continue;
        net n;
        ab_status st = net_create(&n, &cfgs[i].net, err);
        if (st != AB_OK)
            return st;
        if (!(loaded[a] = net_arena_alloc(&n)))
            return ab_fail(err, AB_ERUNTIME, "out of memory: loaded weights");
        /* learned parameters not in the files keep their initial values */
        net_init(&n, loaded[a], 0);
        if ((st = weights_load(p->load_weights, &n, loaded[a], err)) != AB_OK) {
            ab_context(err, "%sload-weights", flags(p));
            return st;
        }
    }
    return AB_OK;
}

/* Writes SAVE/LABEL-seedN/init and .../final for one finished run. */
static ab_status save_weights(const char *dir, const train_config *c, const run_record *rec,
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
        snprintf(sub, sizeof sub, "%s-seed%llu/%s", rec->act->label,
                 (unsigned long long)c->seed, stage[k]);
        if ((st = afile_path_join(path, sizeof path, dir, sub, err)) != AB_OK ||
            (st = weights_save(path, &n, params[k], err)) != AB_OK)
            return st;
    }
    return AB_OK;
}

/* ---- the runs ---- */

typedef struct {
    const run_plan *p;
    train_config *cfgs;
    run_out *out;
    int tty;          /* progress lines on stderr */
    int current;      /* the run training in this process */
} exec;

static void progress(void *ctx, int epoch, int epochs, double loss)
{
    const exec *x = ctx;
    const run_record *r = &x->p->runs[x->current].rec;
    fprintf(stderr, "\r\033[Kactbench: %s%srun %d/%d, %s seed %llu: epoch %d/%d, train loss %.4f",
            x->p->log_label, x->p->log_label[0] ? ": " : "", x->current + 1, x->p->n_runs,
            r->act->label, (unsigned long long)r->seed, epoch, epochs, loss);
    fflush(stderr);
}

static void warn_diverged(const exec *x, const run_record *r)
{
    const char *lab = x->p->log_label;
    if (!r->r.diverged || !lab || !x->p->warn_diverged)
        return;
    fprintf(stderr, "%sactbench: %s%swarning: %s%s%s seed %llu diverged (loss not finite) in "
                    "epoch %d; its run stops there\n",
            x->tty ? "\r\033[K" : "", lab, lab[0] ? ": " : "", r->keys, r->keys[0] ? " " : "",
            r->act->label, (unsigned long long)r->seed, r->r.diverged_epoch);
}

/* Trains the runs one after the other in this process. */
static ab_status train_in_order(exec *x, ab_err *err)
{
    const run_out *o = x->out;
    for (int i = 0; i < x->p->n_runs; i++) {
        run_record *r = &x->out->recs[i];
        x->current = i;
        ab_status st = train_run(&r->r, &x->cfgs[i], &o->train, &o->test, &o->probe,
                                 x->tty ? progress : NULL, x, err);
        if (st == AB_OK)
            x->out->n = i + 1;
        if (st == AB_OK && x->p->save_weights)
            st = save_weights(x->out->weights.dir, &x->cfgs[i], r, &r->r, err);
        if (st != AB_OK) {
            ab_context(err, "%s seed %llu", r->act->label, (unsigned long long)r->seed);
            return st;
        }
        /* the copies served the .npy files only */
        free(r->r.init_params);
        free(r->r.final_params);
        r->r.init_params = r->r.final_params = NULL;
        warn_diverged(x, r);
    }
    return AB_OK;
}

/* par_plan callbacks: the child writes its run's weights; the parent counts. */
static ab_status child_after(void *ctx, int i, const run_result *r, ab_err *err)
{
    const exec *x = ctx;
    if (!x->p->save_weights)
        return AB_OK;
    return save_weights(x->out->weights.dir, &x->cfgs[i], &x->out->recs[i], r, err);
}

static void arrived(void *ctx, int i, int n_arrived)
{
    const exec *x = ctx;
    (void)i;
    if (x->tty) {
        fprintf(stderr, "\r\033[Kactbench: %s%s%d of %d runs done (%d at once)",
                x->p->log_label, x->p->log_label[0] ? ": " : "", n_arrived, x->p->n_runs,
                x->out->jobs);
        fflush(stderr);
    }
}

/* Trains the runs out->jobs at once in child processes of out->threads BLAS
 * threads each; the records come out in the same order and with the same
 * numbers as train_in_order's. */
static ab_status train_at_once(exec *x, ab_err *err)
{
    const run_plan *p = x->p;
    run_out *o = x->out;
    run_result *res = calloc((size_t)p->n_runs, sizeof *res);
    if (!res)
        return ab_fail(err, AB_ERUNTIME, "out of memory: run results");
    par_plan pp = {.cfgs = x->cfgs, .n = p->n_runs, .jobs = o->jobs, .threads = o->threads,
                   .train = &o->train, .test = &o->test, .probe = &o->probe,
                   .after = child_after, .arrived = arrived, .ctx = x};
    int failed;
    ab_status st = par_train(res, &pp, &failed, err);
    if (st != AB_OK) {
        if (failed >= 0)
            ab_context(err, "%s seed %llu (-j %d)", o->recs[failed].act->label,
                       (unsigned long long)o->recs[failed].seed, o->jobs);
        free(res);
        return st;
    }
    for (int i = 0; i < p->n_runs; i++) {
        o->recs[i].r = res[i];
        warn_diverged(x, &o->recs[i]);
    }
    o->n = p->n_runs;
    free(res);
    return AB_OK;
}

/* ---- the plan ---- */

/* The BLAS threads of each run, jobs at once: p->threads, or with
 * share_threads max(1, p->threads / jobs), and 1 when every network is at
 * or below the one-thread rule (train_blas_threads). */
static int run_threads(const run_plan *p, const train_config *cfgs, int jobs)
{
    if (!p->share_threads)
        return p->threads;
    int share = par_split_threads(p->threads, jobs), t = 1;
    for (int i = 0; i < p->n_runs; i++) {
        int ti = train_blas_threads(&cfgs[i], share);
        t = ti > t ? ti : t;
    }
    return t;
}

/* The runs' configurations for the data loaded, the memory check at its
 * real sizes (and the figures config.json records), the loaded weights, and
 * the records as the plan labels them. */
static ab_status prepare(exec *x, float **loaded, ab_err *err)
{
    const run_plan *p = x->p;
    run_out *o = x->out;
    effective(x->cfgs, p, o->train.d, o->train.k);
    /* the data set is resident now, and in MemAvailable's count: what is
     * left to allocate is the runs' buffers */
    o->available = sys_mem_available();
    double need;
    ab_status st = check_memory(p, x->cfgs, &o->jobs, &need, &o->run_bytes, err);
    if (st != AB_OK)
        return st;
    o->threads = run_threads(p, x->cfgs, o->jobs);
    o->estimate = par_rss_now() + need;
    if (!(o->recs = calloc((size_t)p->n_runs, sizeof *o->recs)))
        return ab_fail(err, AB_ERUNTIME, "out of memory: run records");
    for (int i = 0; i < p->n_runs; i++) {
        o->recs[i] = p->runs[i].rec;
        memset(&o->recs[i].r, 0, sizeof o->recs[i].r);
    }
    /* the first seed of each activation (at each sweep point: the runs come
     * point by point, then activation, then seed) draws its decision regions */
    for (int i = 0; o->regions.in && i < p->n_runs; i++) {
        const plan_run *r = &p->runs[i], *b = i > 0 ? &p->runs[i - 1] : NULL;
        if (!b || b->act != r->act || strcmp(b->rec.keys, r->rec.keys) != 0) {
            x->cfgs[i].regions = &o->regions;
            x->cfgs[i].regions_init = p->regions_init;
        }
    }
    if (!p->load_weights)
        return AB_OK;
    st = load_weights(loaded, p, x->cfgs, err);
    for (int i = 0; st == AB_OK && i < p->n_runs; i++)
        x->cfgs[i].init_params = loaded[p->runs[i].act];
    return st;
}

/* Stages the folder the weights go to, once everything else is ready. */
static ab_status stage_weights(exec *x, ab_err *err)
{
    if (!x->p->save_weights)
        return AB_OK;
    ab_status st = stage_open(&x->out->weights, x->p->save_weights, err);
    if (st != AB_OK)
        ab_context(err, "%ssave-weights", flags(x->p));
    return st;
}

/* The runs. */
static ab_status train_all(exec *x, ab_err *err)
{
    ab_status st = x->out->jobs > 1 ? train_at_once(x, err) : train_in_order(x, err);
    if (x->tty)
        fprintf(stderr, "\r\033[K");
    return st;
}

ab_status runner_commit(run_out *out, const run_plan *p, ab_err *err)
{
    if (!p->save_weights)
        return AB_OK;
    ab_status st = stage_commit(&out->weights, err);
    if (st != AB_OK)
        ab_context(err, "%ssave-weights", flags(p));
    return st;
}

ab_status runner_run(run_out *out, const run_plan *p, runner_ready_fn ready, void *ctx,
                     ab_err *err)
{
    memset(out, 0, sizeof *out);
    double t0 = sys_now();
    if (p->n_runs < 1)
        return ab_fail(err, AB_EUSAGE, "the plan has no runs");
    float **loaded = calloc((size_t)(p->n_acts > 0 ? p->n_acts : 1), sizeof *loaded);
    exec x = {.p = p, .out = out, .tty = p->log_label && isatty(2),
              .cfgs = calloc((size_t)p->n_runs, sizeof *x.cfgs)};
    if (!loaded || !x.cfgs) {
        free(loaded);
        free(x.cfgs);
        return ab_fail(err, AB_ERUNTIME, "out of memory");
    }
    out->jobs = p->jobs < p->n_runs ? p->jobs : p->n_runs;
    double need, one;
    /* first with the smallest input and output layers, so that a hopeless
     * size is refused before a large data set is read */
    effective(x.cfgs, p, 1, 2);
    ab_status st = check_memory(p, x.cfgs, &out->jobs, &need, &one, err);
    if (st == AB_OK)
        st = load_data(out, p, err);
    if (st == AB_OK)
        st = prepare(&x, loaded, err);
    if (st == AB_OK && ready)
        st = ready(ctx, out, err);
    if (st == AB_OK)
        st = stage_weights(&x, err);
    if (st == AB_OK) {
        gemm_set_threads(out->threads);
        st = train_all(&x, err);
    }
    if (st != AB_OK)
        stage_abort(&out->weights);
    for (int i = 0; st == AB_OK && i < out->n; i++)
        record_summarise(&out->recs[i]);
    for (int a = 0; a < p->n_acts; a++)
        free(loaded[a]);
    free(loaded);
    free(x.cfgs);
    out->seconds = sys_now() - t0;
    return st;
}
