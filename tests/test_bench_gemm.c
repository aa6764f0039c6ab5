/* test_bench_gemm.c - `actbench bench-gemm`: the rows' shapes, flop counts
 * and invariants (no timing thresholds: machines are noisy), that the rows
 * are net.c's layer products at those shapes, its refusals, the peak's FMA
 * loops (--peak), and the subcommand's command line run through the
 * binary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench_gemm.h"
#include "bench_peak.h"
#include "net.h"
#include "rng.h"

static int setup(void **state)
{
    /* bench-gemm writes nothing: "run" must stay unmade */
    return scratch_setup(state, sizeof(scratch), "bgemm", "run");
}

static void assert_rates_sane(const bench_gemm_row *r)
{
    const double v[] = {r->seconds, r->gflops, r->gflops_min, r->gflops_max};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
        if (!isfinite(v[k]) || !(v[k] > 0.0))
            fail_msg("%s: figure %zu is %g, expected finite and > 0", r->name, k, v[k]);
    assert_true(r->gflops_min <= r->gflops);
    assert_true(r->gflops <= r->gflops_max);
    assert_true(r->calls >= 1);
    /* the rate is the flops over the median time */
    assert_true(fabs(r->gflops - r->flops / r->seconds / 1e9) <= 1e-9 * r->gflops);
}

/* A 5 -> 16 -> 24 -> 3 network: the timed layer is the largest past the
 * first (16 x 24), the step makes 3 forwards, 3 weight and 2 input
 * gradients. */
static void test_measure_rows(void **state)
{
    (void)state;
    const int sizes[] = {5, 16, 24, 3};
    bench_gemm_row rows[BENCH_GEMM_ROWS];
    memset(rows, 0, sizeof rows);
    ab_err err = {{0}};
    assert_int_equal(bench_gemm_measure(rows, 8, sizes, 4, 3, &err), AB_OK);
    static const char *const names[] = {"forward", "weight_grad", "input_grad", "step"};
    for (int k = 0; k < BENCH_GEMM_ROWS; k++) {
        assert_string_equal(rows[k].name, names[k]);
        assert_rates_sane(&rows[k]);
    }
    /* forward: z (B x out) = a (B x in) W^T */
    assert_int_equal(rows[0].m, 8);
    assert_int_equal(rows[0].n, 24);
    assert_int_equal(rows[0].k, 16);
    /* weight gradient: dW (out x in), inner dimension the batch */
    assert_int_equal(rows[1].m, 24);
    assert_int_equal(rows[1].n, 16);
    assert_int_equal(rows[1].k, 8);
    /* input gradient: da (B x in), inner dimension out */
    assert_int_equal(rows[2].m, 8);
    assert_int_equal(rows[2].n, 16);
    assert_int_equal(rows[2].k, 24);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(rows[k].gemms, 1);
        assert_true(rows[k].flops == 2.0 * 8 * 16 * 24);
    }
    assert_int_equal(rows[3].m, 0);
    assert_int_equal(rows[3].gemms, 3 + 3 + 2);
    assert_true(rows[3].flops == 6.0 * 8 * (5 * 16 + 16 * 24 + 24 * 3));
}

static void fill_normal(float *v, int n, rng_state *r)
{
    for (int i = 0; i < n; i++)
        v[i] = (float)rng_normal(r);
}

/* c (m x n) against want (m x n), both row-major, to float rounding. */
static void assert_close(const float *c, const double *want, int m, int n, const char *what)
{
    for (int i = 0; i < m * n; i++)
        if (fabs(c[i] - want[i]) > 1e-4 * (1.0 + fabs(want[i])))
            fail_msg("%s: entry %d is %.9g, expected %.9g", what, i, c[i], want[i]);
}

/* The rows time net.c's own layer products, and their M, N, K are those
 * products' shapes: each product of the timed layer (5 -> 16 -> 24 -> 3,
 * batch 8: in 16, out 24), run through net_gemm_*, equals a naive product
 * indexed by nothing but its row's m, n, k (in double; weight_grad and a
 * skip's input_grad add onto what the output held). */
static void test_rows_are_the_layer_products(void **state)
{
    (void)state;
    const int sizes[] = {5, 16, 24, 3}, B = 8, in = 16, out = 24;
    bench_gemm_row rows[BENCH_GEMM_ROWS];
    ab_err err = {{0}};
    assert_int_equal(bench_gemm_measure(rows, B, sizes, 4, 1, &err), AB_OK);
    float a[8 * 16], w[24 * 16], dz[8 * 24], c[24 * 16], c0[24 * 16];
    double want[24 * 16];
    rng_state r;
    rng_seed(&r, 5);
    fill_normal(a, B * in, &r);
    fill_normal(w, out * in, &r);
    fill_normal(dz, B * out, &r);
    fill_normal(c0, out * in, &r);

    /* forward: z (m x n) = a (m x k) W^T, W stored n x k */
    const bench_gemm_row *f = &rows[0];
    net_gemm_forward(c, a, w, B, in, out);
    for (int i = 0; i < f->m; i++)
        for (int j = 0; j < f->n; j++) {
            double sum = 0.0;
            for (int p = 0; p < f->k; p++)
                sum += (double)a[i * f->k + p] * w[j * f->k + p];
            want[i * f->n + j] = sum;
        }
    assert_close(c, want, f->m, f->n, "forward");

    /* weight gradient: C (m x n) += alpha dz^T a, dz stored k x m, a stored
     * k x n: dW (alpha 1), or plain SGD's update of W (alpha -lr) */
    const bench_gemm_row *g = &rows[1];
    const float alphas[] = {1.0f, -0.1f};
    for (int t = 0; t < 2; t++) {
        memcpy(c, c0, sizeof c);
        net_gemm_weight_grad(c, dz, a, B, in, out, alphas[t]);
        for (int i = 0; i < g->m; i++)
            for (int j = 0; j < g->n; j++) {
                double sum = 0.0;
                for (int p = 0; p < g->k; p++)
                    sum += (double)dz[p * g->m + i] * a[p * g->n + j];
                want[i * g->n + j] = c0[i * g->n + j] + alphas[t] * sum;
            }
        assert_close(c, want, g->m, g->n, t ? "weight_grad (alpha -0.1)" : "weight_grad");
    }

    /* input gradient: da (m x n) = dz (m x k) W, W stored k x n; with add
     * (a skip) onto what da held */
    const bench_gemm_row *d = &rows[2];
    for (int add = 0; add <= 1; add++) {
        memcpy(c, c0, sizeof(float) * (size_t)(B * in));
        net_gemm_input_grad(c, dz, w, B, in, out, add);
        for (int i = 0; i < d->m; i++)
            for (int j = 0; j < d->n; j++) {
                double sum = add ? c0[i * d->n + j] : 0.0;
                for (int p = 0; p < d->k; p++)
                    sum += (double)dz[i * d->k + p] * w[p * d->n + j];
                want[i * d->n + j] = sum;
            }
        assert_close(c, want, d->m, d->n, add ? "input_grad (add)" : "input_grad");
    }
}

/* One layer: it is the timed one, and the step has no input gradient. */
static void test_measure_one_layer(void **state)
{
    (void)state;
    const int sizes[] = {7, 2};
    bench_gemm_row rows[BENCH_GEMM_ROWS];
    ab_err err = {{0}};
    assert_int_equal(bench_gemm_measure(rows, 1, sizes, 2, 1, &err), AB_OK);
    assert_int_equal(rows[0].n, 2);
    assert_int_equal(rows[0].k, 7);
    assert_int_equal(rows[3].gemms, 2);
    for (int k = 0; k < BENCH_GEMM_ROWS; k++)
        assert_rates_sane(&rows[k]);
}

static void test_measure_bad_arguments(void **state)
{
    (void)state;
    bench_gemm_row rows[BENCH_GEMM_ROWS];
    ab_err err = {{0}};
    const int ok[] = {4, 8, 2}, zero[] = {4, 0, 2};
    assert_int_equal(bench_gemm_measure(rows, 0, ok, 3, 3, &err), AB_EUSAGE);
    assert_contains(err.msg, "batch");
    assert_int_equal(bench_gemm_measure(rows, 4, ok, 1, 3, &err), AB_EUSAGE);
    assert_contains(err.msg, "layer sizes");
    assert_int_equal(bench_gemm_measure(rows, 4, NULL, 3, 3, &err), AB_EUSAGE);
    assert_int_equal(bench_gemm_measure(rows, 4, zero, 3, 3, &err), AB_EUSAGE);
    assert_contains(err.msg, "layer size 0");
    assert_int_equal(bench_gemm_measure(rows, 4, ok, 3, 0, &err), AB_EUSAGE);
    assert_contains(err.msg, "repeats");
}

/* The peak: a row per instruction set, measured where the CPU runs it, the
 * best row the fastest, FLOP per cycle the rate over the clock. */
static void test_peak(void **state)
{
    (void)state;
    bench_peak p;
    ab_err err = {{0}};
    assert_int_equal(bench_peak_measure(&p, 0.02, 2, &err), AB_OK);
    assert_string_equal(p.rows[0].isa, "avx2+fma");
    assert_int_equal(p.rows[0].lanes, 8);
    assert_string_equal(p.rows[1].isa, "avx512f");
    assert_int_equal(p.rows[1].lanes, 16);
#if defined(__x86_64__)
    __builtin_cpu_init();
    assert_int_equal(p.rows[0].supported,
                     __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"));
    assert_int_equal(p.rows[1].supported, __builtin_cpu_supports("avx512f") != 0);
    /* GHz, not Hz: any core's clock in a range wide enough for any load */
    assert_true(p.ghz > 0.1 && p.ghz < 100.0);
#endif
    double best = 0.0;
    for (int k = 0; k < BENCH_PEAK_ISAS; k++) {
        const bench_peak_row *r = &p.rows[k];
        if (!r->supported) {
            assert_true(r->gflops == 0.0);
            continue;
        }
        assert_true(r->gflops > 0.0 && isfinite(r->gflops));
        assert_true(r->gflops_median > 0.0 && r->gflops_median <= r->gflops);
        assert_true(fabs(r->flop_per_cycle - r->gflops / p.ghz) <= 1e-9 * r->flop_per_cycle);
        assert_true(r->flop_per_cycle > 0.0 && r->flop_per_cycle < 1000.0);
        best = fmax(best, r->gflops);
    }
    if (p.best >= 0)
        assert_true(p.rows[p.best].gflops == best);
    else
        assert_true(!p.rows[0].supported && !p.rows[1].supported);
    assert_int_equal(bench_peak_measure(&p, 0.0, 2, &err), AB_EUSAGE);
    assert_contains(err.msg, "seconds");
    assert_int_equal(bench_peak_measure(&p, 0.01, 0, &err), AB_EUSAGE);
    assert_contains(err.msg, "repeats");
}

/* ------------------------------------------------------------------------ */
/* The subcommand                                                            */

/* After "bench-gemm". */
static const usage_case usage_cases[] = {
    {"no options", {NULL}, {"--batch", "--layers", "--peak"}},
    {"peak with a batch alone", {"--peak", "--batch", "4"}, {"--batch", "--layers", "together"}},
    {"peak takes no value", {"--peak=1"}, {"--peak"}},
    {"no layers", {"--batch", "4"}, {"--layers"}},
    {"no batch", {"--layers", "4,2"}, {"--batch"}},
    {"batch 0", {"--batch", "0", "--layers", "4,2"}, {"--batch", "0"}},
    {"one size", {"--batch", "4", "--layers", "4"}, {"--layers", "'4'"}},
    {"empty size", {"--batch", "4", "--layers", "4,,2"}, {"--layers", "4,,2"}},
    {"size not a number", {"--batch", "4", "--layers", "4,x"}, {"--layers", "'x'"}},
    {"size 0", {"--batch", "4", "--layers", "4,0"}, {"--layers", "'0' is out of range"}},
    {"repeats 0", {"--batch", "4", "--layers", "4,2", "--repeats", "0"}, {"--repeats", "0"}},
    {"threads 0", {"--batch", "4", "--layers", "4,2", "--threads", "0"}, {"--threads", "0"}},
    {"unknown option", {"--bogus"}, {"--bogus"}},
    {"missing value", {"--batch", "4", "--layers"}, {"--layers"}},
    {"stray argument", {"--batch", "4", "--layers", "4,2", "extra"}, {"extra"}},
    {"abbreviated option", {"--bat", "4", "--layers", "4,2"},
     {"--bat: unknown option (did you mean --batch?)"}},
    {"repeated --layers", {"--batch", "4", "--layers", "4,2", "--layers", "8,2"},
     {"--layers: given twice"}},
};

static void test_usage_errors(void **state)
{
    scratch *fx = *state;
    for (size_t i = 0; i < N_OF(usage_cases); i++)
        check_usage_case(fx, (const char *const[]){"bench-gemm", NULL}, &usage_cases[i]);
}

static void test_help(void **state)
{
    scratch *fx = *state;
    run_ok(&fx->r, (const char *const[]){"bench-gemm", "--help", NULL});
    assert_contains(fx->r.out, "Usage: actbench bench-gemm");
    assert_contains(fx->r.out, "--layers");
    assert_string_equal(fx->r.err, "");
}

static void test_run(void **state)
{
    scratch *fx = *state;
    run_ok(&fx->r, (const char *const[]){"bench-gemm", "--batch", "16", "--layers", "10,32,32,4",
                                         "--repeats", "3", "--threads", "1", NULL});
    const char *out = fx->r.out;
    assert_contains(out, "blas: ");
    assert_contains(out, ", 1 thread\n");
    assert_contains(out, "network: batch 16, layers 10,32,32,4\n");
    assert_contains(out, "\nforward          16     32     32      1 ");
    assert_contains(out, "\nweight_grad      32     32     16      1 ");
    assert_contains(out, "\ninput_grad       16     32     32      1 ");
    assert_contains(out, "\nstep              -      -      -      8 ");
    assert_string_equal(fx->r.err, "");
}

static void test_run_peak(void **state)
{
    scratch *fx = *state;
    run_ok(&fx->r, (const char *const[]){"bench-gemm", "--peak", "--threads", "1", NULL});
    const char *out = fx->r.out;
    assert_contains(out, "machine: ");
    assert_contains(out, "\npeak: one core");
    assert_contains(out, "\navx2+fma          8     12 ");
    assert_contains(out, "\navx512f          16     16 ");
    assert_contains(out, "\nclock: ");
    assert_contains(out, " GHz");
    assert_contains(out, "\nphysical peak: ");
    /* no network asked for: no products */
    assert_null(strstr(out, "network: "));
    assert_string_equal(fx->r.err, "");
    run_free(&fx->r);
    run_ok(&fx->r, (const char *const[]){"bench-gemm", "--peak", "--batch", "4", "--layers",
                                         "5,6,2", "--repeats", "1", "--threads", "1", NULL});
    assert_contains(fx->r.out, "\nphysical peak: ");
    assert_contains(fx->r.out, "\nnetwork: batch 4, layers 5,6,2\n");
    assert_contains(fx->r.out, "\nstep ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_measure_rows),
        cmocka_unit_test(test_rows_are_the_layer_products),
        cmocka_unit_test(test_measure_one_layer),
        cmocka_unit_test(test_measure_bad_arguments),
        cmocka_unit_test(test_peak),
        cmocka_unit_test_setup_teardown(test_usage_errors, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_help, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_run, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_run_peak, setup, scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
