/* test_expr.c - the formula engine (expr.h): values against closed forms
 * in double; f' and the parameters' derivatives against fourth-order central
 * differences of expr_f (in double), and exactly at the kinks; the fused
 * f-and-f' the bits of f then f', whatever n and the buffers' offset; the
 * built-ins' bits where a formula spells one; expr_pgrad against a sum of
 * differences; the kinks found; the sharing of work between f and f'; and
 * every error message. */
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
#include "expr.h"
#include "rng.h"

#define PI 3.14159265358979323846
#define SQRT2 1.41421356237309504880

static expr *parse(const char *text)
{
    expr *e = NULL;
    ab_err err = {{0}};
    ab_status st = expr_parse(&e, text, &err);
    if (st != AB_OK)
        fail_msg("'%s': %s", text, err.msg);
    assert_non_null(e);
    return e;
}

/* The given values of e's parameters, into p. */
static void given(const expr *e, float *p)
{
    for (int j = 0; j < expr_n_params(e); j++)
        p[j] = expr_param_value(e, j);
}

static int same_bits(float a, float b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

/* ---- closed forms ---- */

static double silu(double x, double a) { (void)a; return x / (1.0 + exp(-x)); }
static double softplus_d(double t) { return t > 20.0 ? t : log1p(exp(t)); }
static double mish(double x, double a) { (void)a; return x * tanh(softplus_d(x)); }
static double gelu_tanh(double x, double a)
{
    (void)a;
    return 0.5 * x * (1.0 + tanh(sqrt(2.0 / PI) * (x + 0.044715 * x * x * x)));
}
static double hardswish(double x, double a)
{
    (void)a;
    return x < -3.0 ? 0.0 : x > 3.0 ? x : x * (x + 3.0) / 6.0;
}
static double softexp(double x, double a)
{
    return a < 0.0 ? -log(1.0 - a * (x + a)) / a : a == 0.0 ? x : (exp(a * x) - 1.0) / a + a;
}
static double cube(double x, double a) { (void)a; return x * x * x; }
static double inv_square(double x, double a) { (void)a; return 1.0 / (x * x); }
static double absf(double x, double a) { (void)a; return fabs(x); }
static double clamp(double x, double a) { (void)a; return fmin(fmax(x, -1.0), 2.0); }
static double erf_(double x, double a) { (void)a; return erf(x); }
static double sincos_(double x, double a) { (void)a; return sin(x) + 0.5 * cos(2.0 * x); }
static double log_sq(double x, double a) { (void)a; return log(1.0 + x * x); }
static double sqrt_sq(double x, double a) { (void)a; return sqrt(x * x + 1.0); }
static double two_x(double x, double a) { (void)a; return pow(2.0, x); }
static double scaled_silu(double x, double a) { return x / (1.0 + exp(-a * x)); }
static double leaky(double x, double a) { return x > 0.0 ? x : a * x; }
static double powp(double x, double a) { return pow(fabs(x) + 0.5, a); }
static double sq_tanh(double x, double a) { (void)a; return -pow(tanh(x), 2.0) + x; }

typedef struct {
    const char *text;
    double (*ref)(double x, double a);
    double lo, hi;   /* where f' is checked against differences */
} formula_case;

/* Each formula's parameter, when it has one, is its first. */
static const formula_case cases[] = {
    {"x*sigmoid(x)", silu, -10, 10},
    {"x * tanh(softplus(x))", mish, -10, 10},
    {"0.5*x*(1+tanh(sqrt(2/pi)*(x+0.044715*x^3)))", gelu_tanh, -10, 10},
    {"x < -3 ? 0 : x > 3 ? x : x*(x+3)/6", hardswish, -10, 10},
    {"a < 0 ? -log(1-a*(x+a))/a : a == 0 ? x : (exp(a*x)-1)/a + a;~a=-0.5", softexp, -0.9, 10},
    {"a < 0 ? -log(1-a*(x+a))/a : a == 0 ? x : (exp(a*x)-1)/a + a;~a=0", softexp, -10, 10},
    {"a < 0 ? -log(1-a*(x+a))/a : a == 0 ? x : (exp(a*x)-1)/a + a;~a=0.3", softexp, -10, 10},
    {"a < 0 ? -log(1-a*(x+a))/a : a == 0 ? x : (exp(a*x)-1)/a + a;a=0.3", softexp, -10, 10},
    {"x^3", cube, -10, 10},
    {"x^-2", inv_square, 0.5, 10},
    {"abs(x)", absf, -10, 10},
    {"min(max(x, -1), 2)", clamp, -10, 10},
    {"erf(x)", erf_, -10, 10},
    {"sin(x) + 0.5*cos(2*x)", sincos_, -10, 10},
    {"log(1+x^2)", log_sq, -10, 10},
    {"sqrt(x^2+1)", sqrt_sq, -10, 10},
    {"2^x", two_x, -10, 10},
    {"x*sigmoid(b*x);~b=1.5", scaled_silu, -10, 10},
    {"x*sigmoid(b*x);b=1.5", scaled_silu, -10, 10},
    {"x > 0 ? x : s*x;~s=0.25", leaky, -10, 10},
    {"(abs(x)+0.5)^q;~q=1.7", powp, -10, 10},
    {"-tanh(x)^2 + x", sq_tanh, -10, 10},
};
enum { N_CASES = sizeof cases / sizeof cases[0] };

enum { GRID = 2001 };

static float grid_x(int i)
{
    return -10.0f + 0.01f * (float)i;
}

static void test_values(void **state)
{
    (void)state;
    static float x[GRID], y[GRID];
    for (int i = 0; i < GRID; i++)
        x[i] = grid_x(i);
    for (int c = 0; c < N_CASES; c++) {
        expr *e = parse(cases[c].text);
        float p[EXPR_MAX_PARAMS] = {0};
        given(e, p);
        expr_f(e, y, x, GRID, p);
        for (int i = 0; i < GRID; i++) {
            double want = cases[c].ref((double)x[i], (double)p[0]);
            double tol = 2e-6 + 4e-6 * fabs(want);
            if (isnan(want) ? !isnan(y[i])
                            : (double)y[i] != want && !(fabs((double)y[i] - want) <= tol))
                fail_msg("%s at %.9g: %.9g, closed form %.9g", cases[c].text, (double)x[i],
                         (double)y[i], want);
        }
        expr_free(e);
    }
}

/* The fourth-order central difference of f (float evaluations, in double)
 * at z with step h; df with respect to x when j < 0, else to p[j]. */
static double difference(const expr *e, double z, const float *p, int j, double h)
{
    static const double w[4] = {1.0, -8.0, 8.0, -1.0};
    static const double at[4] = {-2.0, -1.0, 1.0, 2.0};
    double s = 0.0;
    for (int k = 0; k < 4; k++) {
        float q[EXPR_MAX_PARAMS], xx = (float)z, y;
        memcpy(q, p, sizeof q);
        if (j < 0)
            xx = (float)(z + at[k] * h);
        else
            q[j] = (float)((double)p[j] + at[k] * h);
        expr_f(e, &y, &xx, 1, q);
        s += w[k] * (double)y;
    }
    return s / (12.0 * h);
}

static bool near_kink(const double *k, int nk, double z, double r)
{
    for (int i = 0; i < nk; i++)
        if (fabs(z - k[i]) < r)
            return true;
    return false;
}

/* The tolerance of gradcheck.h. */
static bool close_to(double got, double fd)
{
    return fabs(got - fd) <= 2e-4 + 1e-3 * fabs(fd);
}

static void test_df_against_differences(void **state)
{
    (void)state;
    const double h = 1.0 / 64.0;
    for (int c = 0; c < N_CASES; c++) {
        expr *e = parse(cases[c].text);
        float p[EXPR_MAX_PARAMS] = {0};
        given(e, p);
        double k[16];
        int nk = expr_kinks(e, p, -11.0, 11.0, k, 16);
        assert_true(nk >= 0 && nk <= 16);
        int checked = 0;
        for (int i = 0; i < GRID; i++) {
            float xi = grid_x(i);
            if (xi < cases[c].lo || xi > cases[c].hi || near_kink(k, nk, xi, 3 * h))
                continue;
            float d;
            expr_df(e, &d, &xi, 1, p);
            double fd = difference(e, xi, p, -1, h);
            if (!close_to(d, fd))
                fail_msg("%s: f'(%.9g) = %.9g, difference %.9g", cases[c].text, (double)xi,
                         (double)d, fd);
            /* and each learned parameter's */
            for (int j = 0; j < expr_n_params(e); j++) {
                if (!expr_param_learned(e, j) || p[j] == 0.0f)
                    continue;   /* softexp at a = 0: a kink in a, tested exactly below */
                double g = 0.0;
                float one = 1.0f;
                expr_pgrad(e, &g, &one, &xi, 1, p);
                double fp = difference(e, xi, p, j, h);
                if (!close_to(g, fp))
                    fail_msg("%s: d/d%s at %.9g = %.9g, difference %.9g", cases[c].text,
                             expr_param_name(e, j), (double)xi, g, fp);
            }
            checked++;
        }
        assert_true(checked > 100);
        expr_free(e);
    }
}

/* f' at a kink is the documented choice, exactly. */
static void test_df_at_kinks(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        float x, want;
    } at[] = {
        {"max(x,0)", 0.0f, 0.0f},        {"max(0,x)", 0.0f, 1.0f},
        {"min(x,0)", 0.0f, 0.0f},        {"min(0,x)", 0.0f, 1.0f},
        {"abs(x)", 0.0f, 0.0f},          {"abs(x-1)", 1.0f, 0.0f},
        {"x < -3 ? 0 : x > 3 ? x : x*(x+3)/6", -3.0f, -0.5f},
        {"x < -3 ? 0 : x > 3 ? x : x*(x+3)/6", 3.0f, 1.5f},
        {"x > 0 ? x : 0.1*x", 0.0f, 0.1f}, {"x >= 0 ? x : 0.1*x", 0.0f, 1.0f},
        {"x < 1 ? 2*x : 5", 1.0f, 0.0f}, {"x != 0 ? 3*x : x", 0.0f, 1.0f},
        {"x == 0 ? 3*x : x", 0.0f, 3.0f}, {"x > 1", 1.0f, 0.0f},
        {"softplus(x)", 21.0f, 1.0f},   {"sqrt(x)", 0.0f, INFINITY},
        {"x^x", 0.0f, 0.0f},             {"x^2", 0.0f, 0.0f},
    };
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        expr *e = parse(at[i].text);
        float d, y;
        expr_df(e, &d, &at[i].x, 1, NULL);
        if (!same_bits(d, at[i].want) && !(d == 0.0f && at[i].want == 0.0f))
            fail_msg("%s: f'(%g) = %.9g, want %.9g", at[i].text, (double)at[i].x, (double)d,
                     (double)at[i].want);
        expr_fdf(e, &y, &d, &at[i].x, 1, NULL);
        assert_true(d == at[i].want);
        expr_free(e);
    }
    /* softplus' up to 20 is sigmoid's */
    expr *e = parse("softplus(x)"), *s = parse("sigmoid(x)");
    float z[2] = {10.0f, 20.0f}, d[2], want[2];
    expr_df(e, d, z, 2, NULL);
    expr_f(s, want, z, 2, NULL);
    assert_true(same_bits(d[0], want[0]) && same_bits(d[1], want[1]) && d[0] < 1.0f);
    expr_free(e);
    expr_free(s);
    /* softexp's d/da at a = 0 is that of the branch a == 0 takes: x's, 0 */
    e = parse("a < 0 ? -log(1-a*(x+a))/a : a == 0 ? x : (exp(a*x)-1)/a + a;~a=0.1");
    float a0 = 0.0f, xs[3] = {-2.0f, 0.5f, 3.0f}, da[3] = {1.0f, 1.0f, 1.0f};
    double g = 0.0;
    expr_pgrad(e, &g, da, xs, 3, &a0);
    assert_true(g == 0.0);
    /* x^q's d/dq where x = 0 is 0 (PyTorch's mask), not 0 log 0 */
    expr_free(e);
    e = parse("x^q;~q=1.5");
    float q = 1.5f, x0 = 0.0f, one = 1.0f;
    g = 0.0;
    expr_pgrad(e, &g, &one, &x0, 1, &q);
    assert_true(g == 0.0);
    expr_free(e);
}

/* Inputs for the bit-identity checks: a grid, random normals at several
 * scales, the specials. */
enum { NB = 1100 };
static void bit_inputs(float *x)
{
    rng_state r;
    rng_seed(&r, 13);
    for (int i = 0; i < NB; i++)
        x[i] = i % 3 == 0 ? -12.0f + 24.0f * (float)i / NB
                          : (float)(rng_normal(&r) * pow(10.0, (double)(i % 4) - 1.0));
    static const float special[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 1e-40f, 20.0f,
                                    -3.0f, 3.0f, 1e30f, -1e30f, 88.7f};
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        x[50 * i + 7] = special[i];
}

static void test_fused_and_blocks_same_bits(void **state)
{
    (void)state;
    static float x[NB + 8], y[NB], d[NB], yr[NB], dr[NB], y2[NB], d2[NB];
    static const size_t ns[] = {1, 255, 256, 257, 1000};
    static const int offs[] = {0, 1, 3, 7};
    for (int c = 0; c < N_CASES; c++) {
        expr *e = parse(cases[c].text);
        float p[EXPR_MAX_PARAMS];
        given(e, p);
        bit_inputs(x);
        expr_f(e, yr, x, NB, p);
        expr_df(e, dr, x, NB, p);
        expr_fdf(e, y, d, x, NB, p);
        for (int i = 0; i < NB; i++)
            if (!same_bits(y[i], yr[i]) || !same_bits(d[i], dr[i]))
                fail_msg("%s at %g: fused %.9g, %.9g; apart %.9g, %.9g", cases[c].text,
                         (double)x[i], (double)y[i], (double)d[i], (double)yr[i], (double)dr[i]);
        for (size_t a = 0; a < sizeof offs / sizeof offs[0]; a++) {
            /* the same values moved by off elements: other alignments */
            int off = offs[a];
            static float xs[NB + 8];
            memcpy(xs + off, x, NB * sizeof *x);
            for (size_t b = 0; b < sizeof ns / sizeof ns[0]; b++) {
                for (size_t s = 0; s + ns[b] <= NB; s += 333) {
                    expr_fdf(e, y2, d2, xs + off + s, ns[b], p);
                    for (size_t i = 0; i < ns[b]; i++)
                        if (!same_bits(y2[i], yr[s + i]) || !same_bits(d2[i], dr[s + i]))
                            fail_msg("%s: n %zu offset %d element %zu differs", cases[c].text,
                                     ns[b], off, s + i);
                    expr_f(e, y2, xs + off + s, ns[b], p);
                    expr_df(e, d2, xs + off + s, ns[b], p);
                    for (size_t i = 0; i < ns[b]; i++)
                        if (!same_bits(y2[i], yr[s + i]) || !same_bits(d2[i], dr[s + i]))
                            fail_msg("%s: apart, n %zu element %zu differs", cases[c].text,
                                     ns[b], s + i);
                }
            }
        }
        expr_free(e);
    }
}

/* A formula that spells a built-in computes what the built-in computes. */
static void test_builtins_same_bits(void **state)
{
    (void)state;
    static float x[NB], y[NB], d[NB], yb[NB], db[NB];
    bit_inputs(x);
    static const struct {
        const char *text, *act;
        bool df;
    } same[] = {
        {"x*sigmoid(x)", "silu", false},
        {"max(x,0)", "relu", true},
        {"x*tanh(softplus(x))", "mish", false},
        {"sigmoid(x)", "sigmoid", false},
        {"tanh(x)", "tanh", true},
        {"x", "identity", true},
    };
    for (size_t c = 0; c < sizeof same / sizeof same[0]; c++) {
        expr *e = parse(same[c].text);
        act_spec a;
        act_default(&a, act_find(same[c].act));
        expr_fdf(e, y, d, x, NB, NULL);
        act_f_and_df(a.info, yb, db, x, NB, 1, a.p);
        for (int i = 0; i < NB; i++)
            if (!same_bits(y[i], yb[i]) || (same[c].df && !same_bits(d[i], db[i])))
                fail_msg("%s at %.9g: %.9g, %.9g; %s %.9g, %.9g", same[c].text, (double)x[i],
                         (double)y[i], (double)d[i], same[c].act, (double)yb[i],
                         (double)db[i]);
        expr_free(e);
    }
}

static void test_pgrad(void **state)
{
    (void)state;
    enum { N = 1000 };
    static float x[N], da[N];
    rng_state r;
    rng_seed(&r, 5);
    for (int i = 0; i < N; i++) {
        /* above -4.5: inside the domain of softexp with a = -0.2 */
        x[i] = (float)fmax(rng_normal(&r) * 3.0, -4.5);
        da[i] = (float)(2.0 * rng_uniform(&r) - 1.0);
    }
    static const char *const texts[] = {
        "x*sigmoid(b*x);~b=1.5",
        "a < 0 ? -log(1-a*(x+a))/a : a == 0 ? x : (exp(a*x)-1)/a + a;~a=0.3",
        "a < 0 ? -log(1-a*(x+a))/a : a == 0 ? x : (exp(a*x)-1)/a + a;~a=-0.2",
        "u*tanh(x/u) + w*x^2 + c*k;~u=2;k=3;~w=0.1;~c=-1",
        "x + c;~c=0.5",
        "(abs(x)+0.5)^q * s;~q=1.7;~s=0.5",
    };
    const double h = 1.0 / 512.0;
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        expr *e = parse(texts[t]);
        float p[EXPR_MAX_PARAMS];
        given(e, p);
        double g[EXPR_MAX_PARAMS], g2[EXPR_MAX_PARAMS];
        for (int j = 0; j < EXPR_MAX_PARAMS; j++)
            g[j] = g2[j] = 100.0 + j;
        expr_pgrad(e, g, da, x, N, p);
        expr_pgrad(e, g2, da, x, N, p);
        for (int j = 0; j < expr_n_params(e); j++) {
            if (!expr_param_learned(e, j)) {
                assert_true(g[j] == 100.0 + j);   /* untouched */
                continue;
            }
            assert_true(g[j] == g2[j]);   /* the same sum, the same order */
            double want = 0.0, scale = 0.0;
            for (int i = 0; i < N; i++) {
                double fd = difference(e, x[i], p, j, h);
                want += (double)da[i] * fd;
                scale += fabs((double)da[i] * fd);
            }
            double got = g[j] - (100.0 + j);
            if (!(fabs(got - want) <= 1e-3 * scale + 1e-4))
                fail_msg("%s: d/d%s summed %.9g, differences %.9g", texts[t],
                         expr_param_name(e, j), got, want);
        }
        expr_free(e);
    }
}

static void test_kinks(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        float p;
        double lo, hi;
        int n;
        double k[3];
    } cases_k[] = {
        {"max(x,0)", 0, -10, 10, 1, {0, 0, 0}},
        {"abs(x)", 0, -10, 10, 1, {0, 0, 0}},
        {"x < -3 ? 0 : x > 3 ? x : x*(x+3)/6", 0, -10, 10, 2, {-3, 3, 0}},
        {"x < -3 ? 0 : x > 3 ? x : x*(x+3)/6", 0, 0, 10, 1, {3, 0, 0}},
        {"x*sigmoid(x)", 0, -10, 10, 0, {0, 0, 0}},
        /* a < 0: the conditions on a alone are no kink; log's operand
         * 1 - a (x + a) is 0 at x = 1/a - a */
        {"a < 0 ? -log(1-a*(x+a))/a : a == 0 ? x : (exp(a*x)-1)/a + a;~a=1", -0.5f, -10, 10, 1,
         {-1.5, 0, 0}},
        /* a >= 0: the log is in the branch not taken */
        {"a < 0 ? -log(1-a*(x+a))/a : a == 0 ? x : (exp(a*x)-1)/a + a;~a=1", 0.3f, -10, 10, 0,
         {0, 0, 0}},
        {"a < 0 ? -log(1-a*(x+a))/a : a == 0 ? x : (exp(a*x)-1)/a + a;~a=1", 0.0f, -10, 10, 0,
         {0, 0, 0}},
        {"max(x, a);~a=1", 0.75f, -10, 10, 1, {0.75, 0, 0}},
        {"x > 0.3 ? x : 0", 0, -10, 10, 1, {0.3, 0, 0}},
        {"abs(x-1) + abs(x+1) + abs(1-x)", 0, -10, 10, 2, {-1, 1, 0}},
        {"sqrt(x+2) + log(x+4)", 0, -10, 10, 2, {-4, -2, 0}},
        {"abs(x^2 - 2)", 0, -10, 10, 2, {-SQRT2, SQRT2, 0}},
        {"min(x, 1) + softplus(x - 15)", 0, -10, 10, 1, {1, 0, 0}},
        {"softplus(x + 15)", 0, -10, 10, 1, {5, 0, 0}},
        {"(x - 0.5)^1.5 + x^2", 0, -10, 10, 1, {0.5, 0, 0}},
    };
    for (size_t c = 0; c < sizeof cases_k / sizeof cases_k[0]; c++) {
        expr *e = parse(cases_k[c].text);
        double k[8] = {0};
        int n = expr_kinks(e, &cases_k[c].p, cases_k[c].lo, cases_k[c].hi, k, 8);
        if (n != cases_k[c].n)
            fail_msg("%s (p %g): %d kinks, want %d (first %.12g)", cases_k[c].text,
                     (double)cases_k[c].p, n, cases_k[c].n, k[0]);
        for (int i = 0; i < n; i++)
            if (!(fabs(k[i] - cases_k[c].k[i]) <= 1e-11 * fmax(1.0, fabs(k[i]))))
                fail_msg("%s: kink %d at %.17g, want %.17g", cases_k[c].text, i, k[i],
                         cases_k[c].k[i]);
        expr_free(e);
    }
    /* more than max: the count, max written */
    expr *e = parse("abs(x-1) + abs(x+1) + abs(x)");
    double k[2] = {7, 7}, big[3];
    assert_int_equal(expr_kinks(e, NULL, -10, 10, k, 1), 3);
    assert_true(k[0] == -1.0 && k[1] == 7.0);
    assert_int_equal(expr_kinks(e, NULL, -10, 10, big, 3), 3);
    assert_true(big[0] == -1.0 && big[1] == 0.0 && big[2] == 1.0);
    expr_free(e);
}

static void test_params_and_formula(void **state)
{
    (void)state;
    expr *e = parse("  x*sigmoid( b * x ) + c \t; ~ b = 1.5 ;c=-2e-1 ");
    assert_string_equal(expr_formula(e), "x*sigmoid( b * x ) + c");
    assert_int_equal(expr_n_params(e), 2);
    assert_string_equal(expr_param_name(e, 0), "b");
    assert_string_equal(expr_param_name(e, 1), "c");
    assert_true(expr_param_value(e, 0) == 1.5f && expr_param_value(e, 1) == -0.2f);
    assert_true(expr_param_learned(e, 0) && !expr_param_learned(e, 1));
    /* a fixed parameter's p entry is ignored */
    float x = 2.0f, y1, y2, p1[2] = {1.5f, -0.2f}, p2[2] = {1.5f, 99.0f};
    expr_f(e, &y1, &x, 1, p1);
    expr_f(e, &y2, &x, 1, p2);
    assert_true(y1 == y2);
    expr_free(e);
    /* trainable at its initial value is the fixed one, bit for bit */
    expr *a = parse("x*sigmoid(b*x) + b^2*x;~b=0.3"), *b = parse("x*sigmoid(b*x) + b^2*x;b=0.3");
    float xs[NB], ya[NB], da[NB], yb[NB], db[NB], pb = 0.3f;
    bit_inputs(xs);
    expr_fdf(a, ya, da, xs, NB, &pb);
    expr_fdf(b, yb, db, xs, NB, NULL);
    for (int i = 0; i < NB; i++)
        assert_true(same_bits(ya[i], yb[i]) && same_bits(da[i], db[i]));
    expr_free(a);
    expr_free(b);
    /* constants, precedence, associativity */
    static const struct {
        const char *text;
        float x, want;
    } v[] = {
        {"-x^2", 3, -9},        {"2^3^2", 0, 512},     {"x^-1", 4, 0.25f},
        {"2*-x", 3, -6},        {"--x", 3, 3},         {"1 + 2 < 4", 0, 1},
        {"1 < 2 == 1", 0, 1},   {"x ? 1 : 2", 0, 2},   {"x ? 1 : 2", -1, 1},
        {"1 ? 0 ? 5 : 6 : 7", 0, 6}, {"pi", 0, 3.14159265f}, {"e", 0, 2.71828183f},
        {"12 / 4 / 3", 0, 1},   {"10 - 4 - 3", 0, 3},  {".5e1 + 1.", 0, 6},
        {"+x", 2, 2},           {"x^0", 7, 1},         {"(x)^(2)", 3, 9},
        {"x <= 1", 1, 1},       {"x >= 1", 0.5f, 0},   {"x != 1", 1, 0},
        {"x^1.5", 4, 8},        {"x^70", 1, 1},        {"max(x, 2*x)", -1, -1},
        /* folded in double: softplus linear past 20, as in f */
        {"softplus(1000) + x", 0, 1000}, {"x*softplus(b);b=1000", 1, 1000},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        expr *f = parse(v[i].text);
        float y;
        expr_f(f, &y, &v[i].x, 1, NULL);
        if (!(fabsf(y - v[i].want) <= 1e-6f * fabsf(v[i].want)))
            fail_msg("%s at %g: %.9g, want %.9g", v[i].text, (double)v[i].x, (double)y,
                     (double)v[i].want);
        expr_free(f);
    }
}

/* f and f' share their work: a subexpression is computed once. */
static void test_sharing(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int f, fdf;   /* instructions at most */
    } s[] = {
        {"x*sigmoid(x)", 2, 6},            /* s, x s; 1 - s, s (1 - s), x ..., s + ... */
        {"sigmoid(x)*x", 2, 6},
        {"max(x,0)", 1, 2},                /* one fused loop; x > 0 is f' itself */
        {"x < -3 ? 0 : x > 3 ? x : x*(x+3)/6", 5, 9},
        {"sin(x)^2 + sin(x)", 3, 7},
        {"x*b + (b^2 + exp(b));~b=1", 2, 2}, /* the rest is per call */
        {"(x+1)*(x+1)*(1+x)", 3, 6},
    };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        expr *e = parse(s[i].text);
        int f_only, fdf = expr_size(e, &f_only);
        if (f_only > s[i].f || fdf > s[i].fdf)
            fail_msg("%s: %d instructions for f, %d for f and f' (at most %d, %d)", s[i].text,
                     f_only, fdf, s[i].f, s[i].fdf);
        expr_free(e);
    }
}

static void expect_error(const char *text, const char *want)
{
    expr *e = (expr *)1;
    ab_err err = {{0}};
    ab_status st = expr_parse(&e, text, &err);
    if (st != AB_EUSAGE || e != NULL || !strstr(err.msg, want))
        fail_msg("'%s': status %d, message \"%s\"; want AB_EUSAGE and \"%s\"", text, st, err.msg,
                 want);
    assert_null(strchr(err.msg, '\n'));
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("x*sigmod(x)", "unknown function 'sigmod' at column 3, did you mean 'sigmoid'?");
    expect_error("mux(x, 1)", "unknown function 'mux' at column 1, did you mean 'max'?");
    expect_error("frobnicate(x)", "unknown function 'frobnicate' at column 1 (accepted: exp, log, "
                 "log1p, sqrt, abs, sin, cos, tanh, sigmoid, softplus, erf, min, max)");
    expect_error("x + y;b=1", "unknown name 'y' at column 5: the variable is x; parameters here: b");
    expect_error("x + y*b*c;b=1;~c=2", "parameters here: b, c");
    expect_error("x + y", "unknown name 'y' at column 5: the variable is x; no parameters given; "
                 "add one as ;y=VALUE");
    expect_error("max(x)", "'max' takes 2 arguments, got 1 at column 1");
    expect_error("1 + exp(x, 2)", "'exp' takes 1 argument, got 2 at column 5");
    expect_error("(x + 1", "unbalanced parenthesis: '(' at column 1 is not closed");
    expect_error("max(x, (1)", "unbalanced parenthesis: '(' at column 4 is not closed");
    expect_error("x + 1)", "unbalanced parenthesis: ')' at column 6 has no matching '('");
    expect_error("(x 1)", "unexpected '1' at column 4: expected ')' for the '(' at column 1");
    expect_error("x +* 2", "missing operand at column 4, before '*'");
    expect_error("x**2", "(a power is written x^2)");
    expect_error("x * ", "missing operand at column 5, at the end of the formula");
    expect_error("()", "missing operand at column 2, before ')'");
    expect_error("x y", "unexpected 'y' at column 3: trailing input after a complete formula");
    expect_error("x, 1", "unexpected ',' at column 2: trailing input");
    expect_error("x ? 1", "'?' at column 3 has no ':'");
    expect_error("x ? 1 , 2", "expected ':' for the '?' at column 3");
    expect_error("2x", "bad number '2x' at column 1");
    expect_error("1e999*x", "number '1e999' at column 1 is out of range");
    expect_error("x $ 1", "unexpected character '$' at column 3");
    expect_error("x = 1", "unexpected '=' at column 3 (equality is ==)");
    expect_error("exp + x", "'exp' at column 1 is a function: write exp(...)");
    expect_error("b(x);b=1", "'b' at column 1 is a parameter, not a function");
    expect_error("", "empty formula");
    expect_error("   ;b=1", "empty formula");
    expect_error("x + b;b=1;b=2", "parameter 'b' given twice");
    expect_error("x + b;~b=1;b=2", "parameter 'b' given twice");
    expect_error("x;1b=2", "bad parameter name '1b'");
    expect_error("x;b c=2", "bad parameter name 'b c'");
    expect_error("x;x=2", "bad parameter name 'x': x is the variable");
    expect_error("x;pi=2", "bad parameter name 'pi': it is a constant");
    expect_error("x;e=2", "bad parameter name 'e': it is a constant");
    expect_error("x;exp=2", "bad parameter name 'exp': it is a function");
    expect_error("x*b;b=abc", "parameter 'b': bad value 'abc'");
    expect_error("x*b;b=1.5x", "parameter 'b': bad value '1.5x'");
    expect_error("x*b;b=", "parameter 'b': bad value ''");
    expect_error("x*b;b=inf", "parameter 'b': value 'inf' is not a finite float");
    expect_error("x*b;b=nan", "parameter 'b': value 'nan' is not a finite float");
    expect_error("x*b;b=1e39", "parameter 'b': value '1e39' is not a finite float");
    expect_error("x*b;b", "parameter 'b' has no value");
    expect_error("x*b;=1", "parameter without a name");
    expect_error("x;;b=1", "empty parameter after ';'");
    expect_error("x*a;a=1;b=1;c=1;d=1;f=1;g=1;h=1;i=1;j=1", "more than 8 parameters (at most 8)");
    expect_error("x;~a=0.1", "parameter 'a' is not used in the formula");
    expect_error("x*b;b=1;c=2", "parameter 'c' is not used in the formula");
    /* limits: the node count, the nesting */
    char big[8192];
    int len = snprintf(big, sizeof big, "x");
    for (int k = 1; k <= 300; k++)
        len += snprintf(big + len, sizeof big - (size_t)len, "+sin(%d*x)", k);
    expect_error(big, "formula too large: more than 512 operations");
    len = 0;
    for (int k = 0; k < 150; k++)
        big[len++] = '(';
    big[len++] = 'x';
    for (int k = 0; k < 150; k++)
        big[len++] = ')';
    big[len] = '\0';
    expect_error(big, "formula nested too deeply at column");
    memset(big, '-', 300);
    strcpy(big + 300, "x");
    expect_error(big, "formula nested too deeply at column");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_df_against_differences),
        cmocka_unit_test(test_df_at_kinks),
        cmocka_unit_test(test_fused_and_blocks_same_bits),
        cmocka_unit_test(test_builtins_same_bits),
        cmocka_unit_test(test_pgrad),
        cmocka_unit_test(test_kinks),
        cmocka_unit_test(test_params_and_formula),
        cmocka_unit_test(test_sharing),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
