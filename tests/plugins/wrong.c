/* wrong.c - plugins that load (every field valid) but whose hand-written
 * derivatives are wrong, for the check made before training: with
 * -DWRONG_DF, BReLU whose odd units use the even units' f' (a copy-paste
 * bug); with -DWRONG_PGRAD, a scaled identity f = a z, a learned, whose
 * gradient has its sign flipped; -DWRONG_AT, the same with a gradient
 * right only at a's default 1; -DWRONG_INDEX, tanh whose f' reads another
 * element's y; -DWRONG_UNIT, tanh whose f' is 0 on units 5 and up. */
#include <actbench/activation.h>

#include <math.h>

#if defined WRONG_INDEX || defined WRONG_UNIT
/* tanh, whose f' reads another element's y (WRONG_INDEX: the row's mirror)
 * or is 0 on units 5 and up (WRONG_UNIT) */
static void f(float *y, const float *z, size_t n, int width, const float *p)
{
    (void)p, (void)width;
    for (size_t i = 0; i < n; i++)
        y[i] = tanhf(z[i]);
}

static void df(float *d, const float *z, const float *y, size_t n, int width, const float *p)
{
    (void)z, (void)p;
    for (size_t i = 0; i < n; i++) {
#ifdef WRONG_INDEX
        (void)width;
        d[i] = 1.0f - y[n - 1 - i] * y[n - 1 - i];
#else
        d[i] = i % (size_t)width >= 5 ? 0.0f : 1.0f - y[i] * y[i];
#endif
    }
}

static const actbench_activation act = {
#ifdef WRONG_INDEX
    .name = "wrong_index",
#else
    .name = "wrong_unit",
#endif
    .formula = "tanh with a wrong f' on some elements",
    .range = "(-1, 1)",
    .zero_centred = 1,
    .usual_init = "xavier",
    .f = f,
    .df = df,
};
#elif defined WRONG_DF
static void f(float *y, const float *z, size_t n, int width, const float *p)
{
    (void)p;
    for (size_t i = 0; i < n; i++) {
        const float x = z[i];
        y[i] = i % (size_t)width % 2 == 0 ? (x > 0.0f ? x : 0.0f) : (x < 0.0f ? x : 0.0f);
    }
}

static void df(float *d, const float *z, const float *y, size_t n, int width, const float *p)
{
    (void)y, (void)p, (void)width;
    for (size_t i = 0; i < n; i++)
        d[i] = z[i] > 0.0f ? 1.0f : 0.0f; /* wrong on odd units */
}

static const actbench_activation act = {
    .name = "wrong_df",
    .formula = "BReLU with its odd units' f' wrong",
    .range = "(-inf, inf)",
    .usual_init = "he",
    .n_kinks = 1,
    .kinks = {0.0},
    .f = f,
    .df = df,
};
#else
static void f(float *y, const float *z, size_t n, int width, const float *p)
{
    (void)width;
    for (size_t i = 0; i < n; i++)
        y[i] = p[0] * z[i];
}

static void df(float *d, const float *z, const float *y, size_t n, int width, const float *p)
{
    (void)z, (void)y, (void)width;
    for (size_t i = 0; i < n; i++)
        d[i] = p[0];
}

static void pgrad(double *g, const float *da, const float *z, const float *y, size_t n,
                  int width, const float *p)
{
    (void)y, (void)width, (void)p;
    for (size_t i = 0; i < n; i++)
#ifdef WRONG_AT
        g[0] += (double)da[i] * z[i] * p[0]; /* right only at a = 1, its default */
#else
        g[0] -= (double)da[i] * z[i]; /* the sign is wrong */
#endif
}

static const actbench_activation act = {
#ifdef WRONG_AT
    .name = "wrong_at",
#else
    .name = "wrong_pgrad",
#endif
    .formula = "f(z) = a z, a learned, its gradient's sign wrong",
    .range = "(-inf, inf)",
    .usual_init = "xavier",
    .n_params = 1,
    .param_names = {"a"},
#ifdef WRONG_AT
    .defaults = {1.0f},
#else
    .defaults = {0.9f},
#endif
    .learned = 1u,
    .f = f,
    .df = df,
    .pgrad = pgrad,
};
#endif

ACTBENCH_PLUGIN(&act);
