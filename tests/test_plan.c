/* test_plan.c - the run plan and the runner, in-process: a -j child hands
 * back every scalar and row of its run exactly; the runner gives the same
 * records at -j 1 and -j 2; the memory check refuses a plan before its data
 * is read or its folder made, and when the plan lets it trains fewer runs at
 * once first; the one-thread rule and the threads the runner gives; the
 * experiment quantities of a hand-built record are the known answers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "experiment.h"
#include "gemm.h"
#include "par.h"
#include "runner.h"

/* ---- a run through a -j child against the same run in this process ---- */

static void load_spiral(data_set *train, data_set *test, data_set *probe)
{
    data_spec ds = {.name = "spiral", .n = 300, .test_frac = 0.2, .seed = 3,
                    .standardize = true};
    ab_err err;
    assert_int_equal(data_load(train, test, &ds, &err), AB_OK);
    int idx[300];
    int n = probe_pick(idx, train->n, PROBE_MAX_SAMPLES);
    assert_int_equal(data_subset(probe, train, idx, n, &err), AB_OK);
}

/* A configuration whose scalars are all set: it reaches its target, has
 * dead units that die and revive, and measures the end quantities. */
static train_config busy_config(const data_set *train, const char *act, uint64_t seed)
{
    ab_err err;
    train_config c = {.net = {.n_in = train->d, .n_out = train->k, .depth = 3, .width = 12,
                              .init = INIT_HE},
                      .opt = OPT_SGD, .lr = 0.5f, .epochs = 12, .batch = 16, .log_every = 2,
                      .target_acc = 0.4, .seed = seed, .measure_final = true};
    assert_int_equal(act_parse(&c.net.act, act, &err), AB_OK);
    return c;
}

/* The rows and scalars of a and b, timings aside, must be identical. */
static void assert_same_result(const run_result *a, const run_result *b)
{
    run_result x = *a, y = *b;
    assert_int_equal(x.n_loss, y.n_loss);
    assert_int_equal(x.n_probes, y.n_probes);
    assert_int_equal(x.n_layers, y.n_layers);
    for (int i = 0; i < x.n_loss; i++) {
        loss_row p = x.loss[i], q = y.loss[i];
        p.seconds = q.seconds = 0.0;
        assert_memory_equal(&p, &q, sizeof p);
    }
    assert_memory_equal(x.probe_epoch, y.probe_epoch, sizeof(int) * (size_t)x.n_probes);
    assert_memory_equal(x.layers, y.layers,
                        sizeof(probe_layer) * (size_t)x.n_probes * (size_t)x.n_layers);
    /* the histograms and dead bits too (run_units), both taken */
    assert_int_equal(x.units.n_hist, 2);
    assert_int_equal(y.units.n_hist, 2);
    assert_memory_equal(x.units.hist, y.units.hist, sizeof(uint32_t) * run_hist_counts(&x));
    assert_memory_equal(x.units.dead, y.units.dead, run_dead_bytes(&x));
    /* every scalar field, whatever fields there are: the structs with their
     * pointers and clocks cleared */
    run_result *both[2] = {&x, &y};
    for (int k = 0; k < 2; k++) {
        both[k]->loss = NULL;
        both[k]->layers = NULL;
        both[k]->probe_epoch = NULL;
        both[k]->init_params = both[k]->final_params = NULL;
        both[k]->units.hist = NULL;
        both[k]->units.dead = NULL;
        both[k]->seconds = both[k]->probe_seconds = 0.0;
    }
    assert_memory_equal(&x, &y, sizeof x);
}

static void test_child_sends_every_scalar(void **state)
{
    (void)state;
    data_set train = {0}, test = {0}, probe = {0};
    load_spiral(&train, &test, &probe);
    train_config cfgs[2] = {busy_config(&train, "relu", 5), busy_config(&train, "tanh", 6)};
    run_result seq[2], par[2];
    memset(par, 0, sizeof par);
    ab_err err = {{0}};
    gemm_set_threads(1);
    for (int i = 0; i < 2; i++)
        assert_int_equal(train_run(&seq[i], &cfgs[i], &train, &test, &probe, NULL, NULL, &err),
                         AB_OK);
    /* the scalars under test are set, so losing one in transit shows */
    assert_true(seq[0].epochs_to_target > 0);
    assert_true(isfinite(seq[0].hidden_change) && seq[0].hidden_change > 0.0);
    assert_true(isfinite(seq[0].dead_on_test_pct));
    assert_true(isfinite(seq[0].revived_pct));
    par_plan p = {.cfgs = cfgs, .n = 2, .jobs = 2, .threads = 1, .train = &train,
                  .test = &test, .probe = &probe};
    int failed = -1;
    ab_status st = par_train(par, &p, &failed, &err);
    if (st != AB_OK)
        fail_msg("par_train: %s", err.msg);
    for (int i = 0; i < 2; i++) {
        assert_same_result(&seq[i], &par[i]);
        train_result_free(&seq[i]);
        train_result_free(&par[i]);
    }
    data_free(&train);
    data_free(&test);
    data_free(&probe);
}

/* ---- the runner ---- */

static act_spec plan_acts[3];

/* A plan of 3 activations x 2 seeds on a small spiral. */
static void small_plan(run_plan *p, int jobs)
{
    ab_err err;
    const char *names[3] = {"sigmoid", "relu", "prelu"};
    for (int a = 0; a < 3; a++)
        assert_int_equal(act_parse(&plan_acts[a], names[a], &err), AB_OK);
    memset(p, 0, sizeof *p);
    assert_true(plan_alloc(p, 6));
    p->data = (data_spec){.name = "spiral", .n = 240, .test_frac = 0.25, .seed = 2,
                          .standardize = true};
    p->acts = plan_acts;
    p->n_acts = 3;
    p->jobs = jobs;
    p->threads = 1;
    for (int i = 0; i < 6; i++) {
        plan_run *r = &p->runs[i];
        r->act = i / 2;
        r->cfg = (train_config){.net = {.depth = 3, .width = 9, .act = plan_acts[i / 2]},
                                .opt = OPT_MOMENTUM, .lr = 0.05f, .epochs = 5, .batch = 11,
                                .log_every = 2, .target_acc = 0.5, .seed = 10 + (uint64_t)(i % 2),
                                .measure_final = true};
        r->rec = (run_record){.act = &plan_acts[i / 2], .seed = r->cfg.seed, .depth = 3};
    }
}

typedef struct {
    int calls;
    int n_train, n_probe;
} ready_seen;

static ab_status note_ready(void *ctx, const run_out *out, ab_err *err)
{
    ready_seen *s = ctx;
    (void)err;
    s->calls++;
    s->n_train = out->train.n;
    s->n_probe = out->probe.n;
    return AB_OK;
}

static void test_runner_jobs_same_records(void **state)
{
    (void)state;
    run_plan p1, p2;
    run_out o1, o2;
    ab_err err = {{0}};
    ready_seen s1 = {0}, s2 = {0};
    small_plan(&p1, 1);
    small_plan(&p2, 2);
    if (runner_run(&o1, &p1, note_ready, &s1, &err) != AB_OK ||
        runner_run(&o2, &p2, note_ready, &s2, &err) != AB_OK)
        fail_msg("runner_run: %s", err.msg);
    assert_int_equal(s1.calls, 1);
    assert_int_equal(s1.n_train, 180);
    assert_int_equal(s1.n_probe, 180);
    assert_int_equal(o1.jobs, 1);
    assert_int_equal(o2.jobs, 2);
    assert_int_equal(o1.n, 6);
    assert_int_equal(o2.n, 6);
    for (int i = 0; i < 6; i++) {
        /* in the plan's order, labelled as the plan says */
        assert_ptr_equal(o2.recs[i].act, &plan_acts[i / 2]);
        assert_int_equal(o2.recs[i].seed, 10 + i % 2);
        assert_same_result(&o1.recs[i].r, &o2.recs[i].r);
        assert_memory_equal(&o1.recs[i].decay, &o2.recs[i].decay, sizeof(double));
        assert_true(isfinite(o1.recs[i].decay));
    }
    runner_out_free(&o1);
    runner_out_free(&o2);
    plan_free(&p1);
    plan_free(&p2);
}

/* A plan far too large is refused before its data is read (the data file
 * does not exist: reading it would fail differently) and before ready. */
static void test_runner_refuses_memory_first(void **state)
{
    (void)state;
    run_plan p;
    run_out o;
    ab_err err = {{0}};
    ready_seen s = {0};
    small_plan(&p, 2);
    p.data.name = "csv:/nonexistent/data.csv";
    p.runs[3].cfg.net.width = 65536;
    p.runs[3].cfg.net.depth = 1024;
    p.runs[3].cfg.batch = 4096;
    p.flag_prefix = "";
    assert_int_equal(runner_run(&o, &p, note_ready, &s, &err), AB_EUSAGE);
    assert_int_equal(s.calls, 0);
    assert_non_null(strstr(err.msg, "width 65536 x depth 1024 x batch 4096"));
    assert_non_null(strstr(err.msg, "2 runs at once (-j)"));
    assert_non_null(strstr(err.msg, "GiB available"));
    runner_out_free(&o);
    plan_free(&p);
}

/* With fit_jobs the runner lowers the runs at once until they fit: a run too
 * large even alone is refused as one, not as "2 runs at once (-j)"; a plan
 * that fits keeps its jobs. */
static void test_runner_fits_jobs(void **state)
{
    (void)state;
    run_plan p;
    run_out o;
    ab_err err = {{0}};
    small_plan(&p, 2);
    p.fit_jobs = true;
    p.data.name = "csv:/nonexistent/data.csv";
    p.runs[3].cfg.net.width = 65536;
    p.runs[3].cfg.net.depth = 1024;
    p.flag_prefix = "";
    assert_int_equal(runner_run(&o, &p, NULL, NULL, &err), AB_EUSAGE);
    assert_non_null(strstr(err.msg, "width 65536 x depth 1024 x batch 11: needs about"));
    assert_null(strstr(err.msg, "at once"));
    assert_null(strstr(err.msg, "-j"));
    runner_out_free(&o);
    plan_free(&p);
    small_plan(&p, 2);
    p.fit_jobs = true;
    if (runner_run(&o, &p, NULL, NULL, &err) != AB_OK)
        fail_msg("runner_run: %s", err.msg);
    assert_int_equal(o.jobs, 2);
    runner_out_free(&o);
    plan_free(&p);
}

/* The one-thread rule (train.h): one BLAS thread when the largest product of
 * a step, batch x fan_in x fan_out over the layers, is at most
 * TRAIN_ONE_THREAD_MNK, the first layer's and the output layer's included. */
static void test_one_thread_rule(void **state)
{
    (void)state;
    act_spec relu;
    ab_err err;
    assert_int_equal(act_parse(&relu, "relu", &err), AB_OK);
    train_config c = {.net = {.depth = 6, .width = 64, .n_in = 2, .n_out = 3, .act = relu},
                      .epochs = 1, .log_every = 1};
    /* hidden layers of 64 x 64: the bound falls at batch B */
    int b = (int)(TRAIN_ONE_THREAD_MNK / (64.0 * 64.0));
    c.batch = b;
    assert_int_equal(train_blas_threads(&c, 2), 1);
    assert_int_equal(train_blas_threads(&c, 1), 1);
    c.batch = b + 1;
    assert_int_equal(train_blas_threads(&c, 2), 2);
    assert_int_equal(train_blas_threads(&c, 5), 5);
    assert_int_equal(train_blas_threads(&c, 1), 1);
    /* 784 inputs: the first layer decides */
    c.net.n_in = 784;
    c.batch = (int)(TRAIN_ONE_THREAD_MNK / (784.0 * 64.0));
    assert_int_equal(train_blas_threads(&c, 2), 1);
    c.batch++;
    assert_int_equal(train_blas_threads(&c, 2), 2);
    /* a wide output layer decides too */
    c.net.n_in = 2;
    c.net.n_out = 1000;
    c.batch = (int)(TRAIN_ONE_THREAD_MNK / (64.0 * 1000.0)) + 1;
    assert_int_equal(train_blas_threads(&c, 2), 2);
}

/* With share_threads the runner gives each run max(1, threads / jobs), and
 * one for networks at or below the rule; without it, threads as planned. */
static void test_runner_threads(void **state)
{
    (void)state;
    run_plan p;
    run_out o;
    ab_err err = {{0}};
    small_plan(&p, 1);
    p.threads = 2;
    p.share_threads = true;
    if (runner_run(&o, &p, NULL, NULL, &err) != AB_OK)
        fail_msg("runner_run: %s", err.msg);
    assert_int_equal(o.threads, 1); /* width 9: far below the rule */
    runner_out_free(&o);
    p.share_threads = false;
    if (runner_run(&o, &p, NULL, NULL, &err) != AB_OK)
        fail_msg("runner_run: %s", err.msg);
    assert_int_equal(o.threads, 2);
    runner_out_free(&o);
    plan_free(&p);
    gemm_set_threads(1);
}

/* The estimate counts the parameter copies that saving the weights keeps:
 * two arenas more per run. */
static void test_runner_counts_saved_weights(void **state)
{
    (void)state;
    run_plan a, b;
    run_out oa, ob;
    ab_err err = {{0}};
    char dir[] = "/tmp/actbench_plan_XXXXXX", w[64];
    assert_non_null(mkdtemp(dir));
    snprintf(w, sizeof w, "%s/w", dir);
    small_plan(&a, 1);
    small_plan(&b, 1);
    for (int i = 0; i < 6; i++)
        a.runs[i].cfg.epochs = b.runs[i].cfg.epochs = 0, a.runs[i].cfg.measure_final =
            b.runs[i].cfg.measure_final = false;
    b.save_weights = w;
    if (runner_run(&oa, &a, NULL, NULL, &err) != AB_OK ||
        runner_run(&ob, &b, NULL, NULL, &err) != AB_OK)
        fail_msg("runner_run: %s", err.msg);
    net n;
    train_config c = a.runs[4].cfg; /* prelu: the largest, by its alphas */
    c.net.n_in = oa.train.d;
    c.net.n_out = oa.train.k;
    assert_int_equal(net_create(&n, &c.net, &err), AB_OK);
    if (ob.run_bytes - oa.run_bytes != 2.0 * (double)net_arena_bytes(&n))
        fail_msg("saving the weights adds %.0f bytes to the largest run, expected %.0f",
                 ob.run_bytes - oa.run_bytes, 2.0 * (double)net_arena_bytes(&n));
    /* and the weights are in place, whole, once committed */
    char f[128];
    snprintf(f, sizeof f, "%s/prelu-seed11/final/W1.npy", w);
    assert_int_not_equal(access(f, R_OK), 0);
    assert_int_equal(runner_commit(&ob, &b, &err), AB_OK);
    snprintf(f, sizeof f, "%s/prelu-seed11/final/W1.npy", w);
    assert_int_equal(access(f, R_OK), 0);
    runner_out_free(&oa);
    runner_out_free(&ob);
    plan_free(&a);
    plan_free(&b);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* ---- experiment quantities of a hand-built record ---- */

static void test_run_quantities_known(void **state)
{
    (void)state;
    enum { DEPTH = 3, LAYERS = 4, PROBES = 2 };
    loss_row loss[3] = {{.epoch = 0, .train_loss = 2.0, .train_acc = 0.3, .test_loss = 2.1,
                         .test_acc = 0.25},
                        {.epoch = 1, .train_loss = 1.0, .train_acc = 0.6, .test_loss = 1.1,
                         .test_acc = 0.55, .seconds = 0.5},
                        {.epoch = 2, .train_loss = 0.5, .train_acc = 0.8, .test_loss = 0.7,
                         .test_acc = 0.75, .seconds = 1.5}};
    probe_layer pl[PROBES * LAYERS];
    memset(pl, 0, sizeof pl);
    for (int p = 0; p < PROBES; p++)
        for (int l = 0; l < LAYERS; l++) {
            probe_layer *x = &pl[p * LAYERS + l];
            x->layer = l + 1;
            x->grad_norm = 1.0 + l + 10.0 * p;       /* largest hidden: 13 at probe 1 */
            x->bias_grad_norm = pow(0.5, DEPTH - 1 - l); /* 0.25, 0.5, 1 */
            x->dead_pct = p == 0 ? 10.0 * l : 20.0;   /* means 10 and 20 */
            x->saturated_pct = 30.0 + l;            /* mean at probe 0: 31 */
            x->same_sign_pct = l == 0 ? NAN : 50.0 + 10.0 * l; /* layers 2..3: 65 */
            x->act_mean = 0.1 * (l + 1);            /* mean 0.2, deepest 0.3 */
            x->act_std = 0.7 + l;                   /* deepest 2.7 */
        }
    int probe_epoch[PROBES] = {0, 2};
    act_spec relu;
    ab_err err;
    assert_int_equal(act_parse(&relu, "relu", &err), AB_OK);
    run_record rec = {.act = &relu, .seed = 1, .depth = DEPTH,
                      .r = {.loss = loss, .n_loss = 3, .layers = pl, .probe_epoch = probe_epoch,
                            .n_probes = PROBES, .n_layers = LAYERS, .epochs_to_target = -1,
                            .revived_pct = 12.5, .seconds = 1.5, .hidden_change = 0.42,
                            .dead_on_test_pct = 97.0}};
    record_summarise(&rec);
    double q[XF_N_QTY];
    exp_run_quantities(q, &rec, 2);
    const struct { int q; double want;
    } known[] = {
        {XF_Q_TEST_ACC, 0.75},
        {XF_Q_TRAIN_ACC, 0.8},
        {XF_Q_TEST_LOSS, 0.7},
        {XF_Q_TRAIN_LOSS, 0.5},
        {XF_Q_ACC_GAIN, 0.5},
        {XF_Q_EPOCHS_TO_TARGET, 3},
        {XF_Q_DECAY, 0.5},
        {XF_Q_GRAD_RATIO, 0.25},
        {XF_Q_GRAD_FIRST, 0.25},
        {XF_Q_HIDDEN_GRAD_MAX, 13.0},
        {XF_Q_HIDDEN_CHANGE, 0.42},
        {XF_Q_DEAD_PCT, 20.0},
        {XF_Q_DEAD_PCT_MAX, 20.0},
        {XF_Q_REVIVED_PCT, 12.5},
        {XF_Q_DEAD_ON_TEST_PCT, 97.0},
        {XF_Q_SATURATED_PCT, 31.0},
        {XF_Q_SAME_SIGN_PCT, 65.0},
        {XF_Q_ACT_MEAN, 0.2},
        {XF_Q_ACT_MEAN_DEEP, 0.3},
        {XF_Q_ACT_STD_DEEP, 2.7},
        {XF_Q_DIVERGED, 0.0},
        {XF_Q_SECONDS_PER_EPOCH, 0.75},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!(fabs(q[known[i].q] - known[i].want) <= 1e-12 * fmax(1.0, fabs(known[i].want))))
            fail_msg("%s: %.17g, expected %.17g", xf_qtys[known[i].q].name, q[known[i].q],
                     known[i].want);
    assert_true(isnan(q[XF_Q_NS]));
    /* a run that reached its target, and one that diverged */
    rec.r.epochs_to_target = 1;
    exp_run_quantities(q, &rec, 2);
    assert_true(q[XF_Q_EPOCHS_TO_TARGET] == 1.0);
    rec.r.diverged = 1;
    exp_run_quantities(q, &rec, 2);
    assert_true(q[XF_Q_DIVERGED] == 1.0);
    assert_true(isnan(q[XF_Q_TEST_ACC]) && isnan(q[XF_Q_TRAIN_LOSS]) && isnan(q[XF_Q_DEAD_PCT]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_child_sends_every_scalar),
        cmocka_unit_test(test_runner_jobs_same_records),
        cmocka_unit_test(test_runner_refuses_memory_first),
        cmocka_unit_test(test_runner_fits_jobs),
        cmocka_unit_test(test_one_thread_rule),
        cmocka_unit_test(test_runner_threads),
        cmocka_unit_test(test_runner_counts_saved_weights),
        cmocka_unit_test(test_run_quantities_known),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
