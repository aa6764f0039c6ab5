/* test_bench_step.c - `actbench bench-step`: the measurement's rows and
 * refusals (no timing thresholds: machines are noisy); the subcommand's
 * refusals, --help, its table and its CSV, a row per phase, run through the
 * binary.  That the clock leaves the step's numbers alone is test_net.c's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_step.h"
#include "net.h"
#include "phase.h"

static int setup(void **state)
{
    /* bench-step writes nothing: "run" must stay unmade */
    return scratch_setup(state, sizeof(scratch), "bstep", "run");
}

/* ------------------------------------------------------------------------ */
/* The measurement, in process                                               */

static bench_step_config small_config(void)
{
    return (bench_step_config){.n_in = 3, .n_out = 4, .depth = 2, .batch = 5, .opt = OPT_SGD,
                               .repeats = 3};
}

static void assert_row_sane(const bench_step_row *r, const bench_step_config *c)
{
    const double v[] = {r->step_us, r->step_min_us, r->step_max_us, r->total_us, r->flops};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
        if (!isfinite(v[k]) || !(v[k] > 0.0))
            fail_msg("%s width %d: figure %zu is %g, expected finite and > 0", r->act.label,
                     r->width, k, v[k]);
    assert_true(r->step_min_us <= r->step_us && r->step_us <= r->step_max_us);
    assert_true(r->steps >= 1);
    double sum = 0.0;
    for (int p = 0; p < PHASE_COUNT; p++) {
        if (!isfinite(r->phase_us[p]) || r->phase_us[p] < 0.0)
            fail_msg("%s: phase %s is %g us", r->act.label, phase_names[p], r->phase_us[p]);
        sum += r->phase_us[p];
    }
    assert_true(fabs(sum - r->total_us) <= 1e-9 * r->total_us);
    /* every step makes its products and passes through the activation */
    static const phase_id must[] = {PHASE_FWD_GEMM, PHASE_WGRAD_GEMM, PHASE_IGRAD_GEMM,
                                    PHASE_ACT_F, PHASE_LOSS};
    for (size_t k = 0; k < sizeof must / sizeof must[0]; k++)
        if (!(r->phase_us[must[k]] > 0.0))
            fail_msg("%s: phase %s took no time", r->act.label, phase_names[must[k]]);
    /* 6 B sum(in out): 3 -> w -> w -> 4 */
    const double w = r->width;
    assert_true(r->flops == 6.0 * c->batch * (c->n_in * w + w * w + w * c->n_out));
}

static void test_measure_rows(void **state)
{
    (void)state;
    bench_step_config c = small_config();
    act_spec acts[2];
    ab_err err = {{0}};
    assert_int_equal(act_parse(&acts[0], "relu", &err), AB_OK);
    assert_int_equal(act_parse(&acts[1], "tanh", &err), AB_OK);
    const int widths[] = {8, 16, 24};
    bench_step_row rows[6];
    memset(rows, 0, sizeof rows);
    assert_int_equal(bench_step_measure(rows, &c, acts, 2, widths, 3, &err), AB_OK);
    /* rows[a * n_widths + w] */
    for (int a = 0; a < 2; a++)
        for (int w = 0; w < 3; w++) {
            const bench_step_row *r = &rows[a * 3 + w];
            assert_string_equal(r->act.info->name, a ? "tanh" : "relu");
            assert_int_equal(r->width, widths[w]);
            assert_row_sane(r, &c);
        }
}

/* Momentum and Adam, batch norm's absence aside, take the same phases. */
static void test_measure_optimisers(void **state)
{
    (void)state;
    act_spec act;
    ab_err err = {{0}};
    assert_int_equal(act_parse(&act, "prelu", &err), AB_OK);
    const int width = 12;
    for (int o = OPT_SGD; o <= OPT_ADAM; o++) {
        bench_step_config c = small_config();
        c.opt = (opt_kind)o;
        c.repeats = 1;
        bench_step_row row;
        if (bench_step_measure(&row, &c, &act, 1, &width, 1, &err) != AB_OK)
            fail_msg("%s: %s", optim_name(c.opt), err.msg);
        assert_row_sane(&row, &c);
        /* prelu's slope gradient is the other phase */
        assert_true(row.phase_us[PHASE_OTHER] > 0.0);
    }
}

static void test_measure_bad_arguments(void **state)
{
    (void)state;
    act_spec act;
    ab_err err = {{0}};
    assert_int_equal(act_parse(&act, "relu", &err), AB_OK);
    bench_step_row rows[2];
    const int ok = 8, zero = 0;
    struct {
        bench_step_config c;
        const char *needle;
    } bad[] = {
        {{.n_in = 0, .n_out = 3, .depth = 2, .batch = 4, .repeats = 1}, "inputs"},
        {{.n_in = 2, .n_out = 0, .depth = 2, .batch = 4, .repeats = 1}, "outputs"},
        {{.n_in = 2, .n_out = 3, .depth = 0, .batch = 4, .repeats = 1}, "depth 0"},
        {{.n_in = 2, .n_out = 3, .depth = 2, .batch = 0, .repeats = 1}, "batch 0"},
        {{.n_in = 2, .n_out = 3, .depth = 2, .batch = 4, .repeats = 0}, "0 repeats"},
    };
    for (size_t i = 0; i < N_OF(bad); i++) {
        assert_int_equal(bench_step_measure(rows, &bad[i].c, &act, 1, &ok, 1, &err), AB_EUSAGE);
        assert_contains(err.msg, bad[i].needle);
    }
    bench_step_config c = small_config();
    assert_int_equal(bench_step_measure(rows, &c, &act, 1, &zero, 1, &err), AB_EUSAGE);
    assert_contains(err.msg, "width 0");
    assert_int_equal(bench_step_measure(rows, &c, &act, 0, &ok, 1, &err), AB_EUSAGE);
    assert_contains(err.msg, "activations");
    assert_int_equal(bench_step_measure(rows, &c, &act, 1, &ok, 0, &err), AB_EUSAGE);
    assert_contains(err.msg, "widths");
    /* a network no memory holds is refused before anything is allocated */
    const int huge = NET_MAX_WIDTH;
    c.depth = NET_MAX_DEPTH;
    assert_int_equal(bench_step_measure(rows, &c, &act, 1, &huge, 1, &err), AB_EUSAGE);
    assert_contains(err.msg, "memory");
}

/* ------------------------------------------------------------------------ */
/* The subcommand                                                            */

/* After "bench-step". */
static const usage_case usage_cases[] = {
    {"unknown option", {"--bogus"}, {"--bogus"}},
    {"stray argument", {"extra"}, {"extra"}},
    {"missing value", {"--width"}, {"--width"}},
    {"width 0", {"--width", "0"}, {"--width", "'0' is out of range"}},
    {"width too big", {"--width", "65537"}, {"--width", "65537"}},
    {"empty width", {"--width", "64,,256"}, {"--width", "64,,256"}},
    {"width not a number", {"--width", "64,x"}, {"--width", "'x'"}},
    {"too many widths",
     {"--width", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17"}, {"--width", "more than 16"}},
    {"unknown activation", {"--act", "relu,foo"}, {"--act", "foo"}},
    {"empty activation list", {"--act", ""}, {"--act"}},
    {"depth 0", {"--depth", "0"}, {"--depth", "0"}},
    {"batch not a number", {"--batch", "x"}, {"--batch", "'x'"}},
    {"inputs 0", {"--inputs", "0"}, {"--inputs", "0"}},
    {"outputs negative", {"--outputs", "-3"}, {"--outputs", "-3"}},
    {"unknown optimizer", {"--optimizer", "lbfgs"}, {"--optimizer", "lbfgs", "sgd"}},
    {"repeats 0", {"--repeats", "0"}, {"--repeats", "0"}},
    {"threads 0", {"--threads", "0"}, {"--threads", "0"}},
    {"csv takes no value", {"--csv=yes"}, {"--csv"}},
    {"abbreviated option", {"--wid", "64"}, {"--wid: unknown option (did you mean --width?)"}},
    {"repeated --width", {"--width", "8", "--width", "16"}, {"--width: given twice"}},
    {"too much memory", {"--width", "65536", "--depth", "1024"}, {"memory"}},
};

static void test_usage_errors(void **state)
{
    scratch *fx = *state;
    for (size_t i = 0; i < N_OF(usage_cases); i++)
        check_usage_case(fx, (const char *const[]){"bench-step", NULL}, &usage_cases[i]);
}

static void test_help(void **state)
{
    scratch *fx = *state;
    run_ok(&fx->r, (const char *const[]){"bench-step", "--help", NULL});
    assert_contains(fx->r.out, "Usage: actbench bench-step");
    for (int p = 0; p < PHASE_COUNT; p++)
        assert_contains(fx->r.out, phase_names[p]);
    assert_string_equal(fx->r.err, "");
}

static const char *const small_run[] = {
    "bench-step", "--act", "relu,tanh", "--width", "8,16", "--depth", "2", "--batch", "4",
    "--inputs", "3", "--outputs", "5", "--optimizer", "momentum", "--repeats", "1", NULL};

static void test_table(void **state)
{
    scratch *fx = *state;
    run_ok(&fx->r, small_run);
    const char *out = fx->r.out;
    assert_contains(out, "blas: ");
    assert_contains(out, ", 1 thread\n");
    assert_contains(out, "network 3 -> 8 x 2 -> 5, batch 4, momentum: us per step");
    assert_contains(out, "network 3 -> 16 x 2 -> 5, batch 4, momentum: us per step");
    for (int p = 0; p < PHASE_COUNT; p++) {
        char line[64];
        snprintf(line, sizeof line, "\n%-12s ", phase_names[p]);
        assert_contains(out, line);
    }
    assert_contains(out, "\nclocked ");
    assert_contains(out, "\nstep ");
    assert_contains(out, "\nGFLOP/s ");
    assert_string_equal(fx->r.err, "");
}

/* Every network has a row per phase, in phase order, then clocked and step;
 * the phases' percentages add up to 100 and clocked is their sum. */
static void test_csv(void **state)
{
    scratch *fx = *state;
    const char *args[32];
    size_t n = 0;
    while (small_run[n])
        args[n] = small_run[n], n++;
    args[n++] = "--csv";
    args[n] = NULL;
    run_ok(&fx->r, args);
    assert_string_equal(fx->r.err, "");
    char *text = strdup(fx->r.out), *save = NULL;
    assert_non_null(text);
    char *line = strtok_r(text, "\n", &save);
    assert_non_null(line);
    assert_string_equal(line, "act,width,depth,batch,inputs,outputs,optimizer,threads,phase,"
                              "us_per_step,pct_of_step");
    static const char *const acts[] = {"relu", "tanh"}, *const widths[] = {"8", "16"};
    for (int a = 0; a < 2; a++)
        for (int w = 0; w < 2; w++) {
            double us_sum = 0.0, pct_sum = 0.0;
            for (int p = 0; p < PHASE_COUNT + 2; p++) {
                line = strtok_r(NULL, "\n", &save);
                if (!line)
                    fail_msg("the CSV ends before %s width %s's row %d", acts[a], widths[w], p);
                char *cell[16];
                assert_int_equal(split_commas(line, cell, 16), 11);
                assert_string_equal(cell[0], acts[a]);
                assert_string_equal(cell[1], widths[w]);
                assert_string_equal(cell[2], "2");
                assert_string_equal(cell[3], "4");
                assert_string_equal(cell[4], "3");
                assert_string_equal(cell[5], "5");
                assert_string_equal(cell[6], "momentum");
                assert_string_equal(cell[7], "1");
                const char *want = p < PHASE_COUNT ? phase_names[p]
                                   : p == PHASE_COUNT ? "clocked" : "step";
                assert_string_equal(cell[8], want);
                char *end;
                double us = strtod(cell[9], &end), pct = strtod(cell[10], NULL);
                assert_true(*end == '\0' && isfinite(us) && us >= 0.0 && isfinite(pct));
                if (p < PHASE_COUNT) {
                    us_sum += us;
                    pct_sum += pct;
                } else if (p == PHASE_COUNT) {
                    assert_true(fabs(us - us_sum) <= 1e-3 * us + 1e-3);
                    assert_true(fabs(pct_sum - 100.0) < 0.1 * PHASE_COUNT);
                    assert_true(strcmp(cell[10], "100.00") == 0);
                } else {
                    assert_true(us > 0.0);
                }
            }
        }
    assert_null(strtok_r(NULL, "\n", &save));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_measure_rows),
        cmocka_unit_test(test_measure_optimisers),
        cmocka_unit_test(test_measure_bad_arguments),
        cmocka_unit_test_setup_teardown(test_usage_errors, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_help, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_table, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_csv, setup, scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
