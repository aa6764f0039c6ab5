/* test_vmath.c - the vector maths back ends (vmath.h): every SLEEF variant
 * the CPU runs gives the same bits as the portable one for every input
 * tried, the tails of a buffer as its body, the libc back end exactly
 * glibc's functions, and the two back ends within 2 ulp of each other; the
 * activations built on them: f, f' and the fused f-and-f' give the same
 * bits under either back end, and the kinks' f' the same under both.
 * (test_reference checks both back ends against PyTorch.)  And the bulk
 * uniform draws rrelu takes: the same values and stream as one at a time. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "act.h"
#include "rng.h"
#include "vmath.h"

typedef void (*fn)(float *t, size_t n);
typedef float (*libc_fn)(float);

/* ulps: the most SLEEF's and glibc's results may differ by (each is within
 * 1 ulp of the true value; measured: 1, but 2 for tanh). */
static const struct {
    const char *name;
    fn f;
    libc_fn ref;
    double ulps;
} fns[] = {
    {"exp", vm_exp, expf, 1},       {"expm1", vm_expm1, expm1f, 1}, {"log1p", vm_log1p, log1pf, 1},
    {"tanh", vm_tanh, tanhf, 2},    {"erf", vm_erf, erff, 1},       {"log", vm_log, logf, 1},
    {"sin", vm_sin, sinf, 1},       {"cos", vm_cos, cosf, 1},       {"sqrt", vm_sqrt, sqrtf, 0},
};
enum { N_FNS = sizeof fns / sizeof fns[0] };

/* Inputs: a dense grid over [-100, 100], random normals at several scales,
 * every power of two, and the special values (zeros, infinities, NaN,
 * subnormals, the edges of exp's range). */
static float *inputs(size_t *n)
{
    enum { GRID = 400001, RANDOM = 200000 };
    static const float special[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 1e-45f, -1e-45f,
                                    1e-38f, -1e-38f, 88.72f, 88.73f, -87.3f, -103.9f, -104.0f,
                                    1e-7f, -1e-7f, 0.5f, -0.5f, 1.0f, -1.0f, 9.0f, -9.0f};
    size_t ns = sizeof special / sizeof special[0];
    size_t cap = GRID + RANDOM + 2 * 277 + ns;
    float *x = malloc(cap * sizeof *x);
    assert_non_null(x);
    size_t k = 0;
    for (int i = 0; i < GRID; i++)
        x[k++] = -100.0f + 200.0f * (float)i / (float)(GRID - 1);
    rng_state r;
    rng_seed(&r, 77);
    for (int i = 0; i < RANDOM; i++)
        x[k++] = (float)(rng_normal(&r) * pow(10.0, (double)(i % 5) - 2.0));
    for (int e = -138; e <= 138; e++) {
        x[k++] = ldexpf(1.0f, e);
        x[k++] = -ldexpf(1.0f, e);
    }
    for (size_t i = 0; i < ns; i++)
        x[k++] = special[i];
    *n = k;
    return x;
}

static int same_bits(float a, float b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

/* Distance in ulps between two finite floats of one sign, via their bits. */
static double ulps(float a, float b)
{
    if (a == b)
        return 0.0;
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b) ? 0.0 : INFINITY;
    int32_t ia, ib;
    memcpy(&ia, &a, sizeof ia);
    memcpy(&ib, &b, sizeof ib);
    if (ia < 0)
        ia = INT32_MIN - ia;
    if (ib < 0)
        ib = INT32_MIN - ib;
    return fabs((double)ia - (double)ib);
}

static void test_variants_same_bits(void **state)
{
    (void)state;
    size_t n;
    float *x = inputs(&n);
    float *ref = malloc(n * sizeof *ref), *got = malloc(n * sizeof *got);
    assert_true(ref && got);
    vm_set_backend(VM_SLEEF);
    int tried = 0;
    for (int f = 0; f < N_FNS; f++) {
        assert_true(vm_set_isa(VM_ISA_PUREC));
        memcpy(ref, x, n * sizeof *x);
        fns[f].f(ref, n);
        for (int k = VM_ISA_PUREC + 1; k < VM_ISA_COUNT; k++) {
            if (!vm_set_isa((vm_isa)k))
                continue;
            tried++;
            memcpy(got, x, n * sizeof *x);
            fns[f].f(got, n);
            for (size_t i = 0; i < n; i++)
                if (!same_bits(got[i], ref[i]))
                    fail_msg("%s %s(%.9g) = %.9g, purecfma %.9g", vm_isa_name((vm_isa)k),
                             fns[f].name, (double)x[i], (double)got[i], (double)ref[i]);
        }
    }
    printf("# %d variant x function pairs equal to purecfma on %zu inputs\n", tried, n);
    /* the fastest is the default again */
    for (int k = VM_ISA_COUNT - 1; k >= 0; k--)
        if (vm_set_isa((vm_isa)k))
            break;
    free(x);
    free(ref);
    free(got);
}

/* Every length from 1 to 70 at every offset gives each element the value
 * it has in one long buffer: the tail goes through the same function. */
static void test_tails(void **state)
{
    (void)state;
    enum { N = 140 };
    float x[N], whole[N], part[N];
    for (int i = 0; i < N; i++)
        x[i] = -7.0f + 0.1f * (float)i;
    vm_set_backend(VM_SLEEF);
    for (int f = 0; f < N_FNS; f++) {
        memcpy(whole, x, sizeof x);
        fns[f].f(whole, N);
        for (int len = 1; len <= 70; len++)
            for (int off = 0; off + len <= N; off += 13) {
                memcpy(part, x + off, (size_t)len * sizeof *x);
                fns[f].f(part, (size_t)len);
                for (int i = 0; i < len; i++)
                    if (!same_bits(part[i], whole[off + i]))
                        fail_msg("%s: element %d of %d at offset %d differs", fns[f].name, i,
                                 len, off);
            }
    }
}

static void test_libc_is_glibc_and_close_to_sleef(void **state)
{
    (void)state;
    size_t n;
    float *x = inputs(&n);
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    assert_true(a && b);
    for (int f = 0; f < N_FNS; f++) {
        vm_set_backend(VM_LIBC);
        assert_int_equal(vm_backend_now(), VM_LIBC);
        memcpy(a, x, n * sizeof *x);
        fns[f].f(a, n);
        vm_set_backend(VM_SLEEF);
        memcpy(b, x, n * sizeof *x);
        fns[f].f(b, n);
        double worst = 0.0;
        size_t at = 0;
        for (size_t i = 0; i < n; i++) {
            float g = fns[f].ref(x[i]);
            if (!same_bits(a[i], g))
                fail_msg("libc %s(%.9g) = %.9g, glibc %.9g", fns[f].name, (double)x[i],
                         (double)a[i], (double)g);
            /* 1 ulp each from the true value; a subnormal result may lose more */
            if (fabsf(a[i]) < 1.2e-38f && fabsf(b[i]) < 1.2e-38f)
                continue;
            /* SLEEF's log1pf is inf above 1e38 (vmath.h) */
            if (fns[f].f == vm_log1p && x[i] > 1e38f) {
                if (!isinf(b[i]))
                    fail_msg("log1p(%.9g) = %.9g: not inf as vmath.h says", (double)x[i],
                             (double)b[i]);
                continue;
            }
            double u = ulps(a[i], b[i]);
            if (u > worst)
                worst = u, at = i;
        }
        printf("# %-6s sleef vs glibc: at most %g ulp (at %.9g)\n", fns[f].name, worst,
               (double)x[at]);
        if (worst > fns[f].ulps)
            fail_msg("%s: sleef and glibc differ by %g ulp at %.9g (at most %g)", fns[f].name,
                     worst, (double)x[at], fns[f].ulps);
    }
    free(x);
    free(a);
    free(b);
}

/* f, f' and the fused entry give the same bits, for every activation with
 * default parameters, under either back end; at the kinks f' is a choice,
 * the same under both. */
static void test_acts_both_backends(void **state)
{
    (void)state;
    enum { GRID = 4001, N = GRID + 12 };
    static float z[N], y[2][N], d[2][N], yf[N], df[N];
    for (int i = 0; i < GRID; i++)
        z[i] = -20.0f + 0.01f * (float)i;
    /* past the grid: what no grid holds */
    static const float special[N - GRID] = {NAN,   INFINITY, -INFINITY, 1e30f, -1e30f, 88.7f,
                                            -88.7f, 1e38f,   -1e38f,    30.5f, -104.0f, 1e-40f};
    memcpy(z + GRID, special, sizeof special);
    /* the kinks, exactly */
    z[2000] = 0.0f;
    z[1700] = -3.0f, z[2300] = 3.0f, z[2600] = 6.0f, z[1950] = -0.5f, z[2050] = 0.5f;
    for (int k = 0; k < act_count; k++) {
        act_spec a;
        act_default(&a, &act_registry[k]);
        for (int m = 0; m < 2; m++) {
            vm_set_backend(m ? VM_LIBC : VM_SLEEF);
            a.info->f(y[m], z, N, a.p);
            a.info->df(d[m], z, y[m], N, a.p);
            act_f_and_df(a.info, yf, df, z, N, 1, a.p);
            for (int i = 0; i < N; i++)
                if (!same_bits(yf[i], y[m][i]) || !same_bits(df[i], d[m][i]))
                    fail_msg("%s (%s): fused f, f' at %g: %.9g, %.9g; apart %.9g, %.9g",
                             a.label, m ? "libc" : "sleef", (double)z[i], (double)yf[i],
                             (double)df[i], (double)y[m][i], (double)d[m][i]);
        }
        /* the specials: NaN stays NaN, an infinity the same infinity, under both */
        for (int i = GRID; i < N; i++)
            for (int w = 0; w < 2; w++) {
                float a0 = w ? d[0][i] : y[0][i], a1 = w ? d[1][i] : y[1][i];
                if (isnan(a0) != isnan(a1) || isinf(a0) != isinf(a1) ||
                    (isinf(a0) && a0 != a1))
                    fail_msg("%s %s(%g): sleef %g, libc %g", a.label, w ? "f'" : "f",
                             (double)z[i], (double)a0, (double)a1);
            }
        /* where f has a kink, f' there is a choice, not a computation */
        static const int kinks[] = {2000, 1700, 2300, 2600, 1950, 2050};
        for (size_t j = 0; a.info->kinks && j < sizeof kinks / sizeof kinks[0]; j++) {
            int i = kinks[j];
            if (!same_bits(d[0][i], d[1][i]))
                fail_msg("%s f'(%g): sleef %.9g, libc %.9g", a.label, (double)z[i],
                         (double)d[0][i], (double)d[1][i]);
        }
    }
    vm_set_backend(VM_SLEEF);
}

static void test_uniform_floats(void **state)
{
    (void)state;
    enum { N = 10007 };
    static float got[N];
    rng_state a, b;
    rng_seed(&a, 12345);
    rng_seed(&b, 12345);
    rng_uniform_floats(&a, got, N);
    for (int i = 0; i < N; i++) {
        float want = (float)rng_uniform(&b);
        if (!same_bits(got[i], want))
            fail_msg("draw %d: %.9g, one at a time %.9g", i, (double)got[i], (double)want);
    }
    /* the stream goes on where it was */
    assert_true(rng_next(&a) == rng_next(&b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variants_same_bits),
        cmocka_unit_test(test_tails),
        cmocka_unit_test(test_libc_is_glibc_and_close_to_sleef),
        cmocka_unit_test(test_acts_both_backends),
        cmocka_unit_test(test_uniform_floats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
