/* act.c - activation functions and their derivatives, and the registry that
 * names them.  Derivatives at kinks follow PyTorch's autograd choices so that
 * the reference data match exactly; each entry's `kinks` says which. */
#include "act.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actx.h"
#include "vec.h"
#include "vmath.h"

#define SQRT1_2 0.70710678118654752440f
#define INV_SQRT_2PI 0.39894228040143267794f
#define SQRT_2_OVER_PI 0.79788456080286535588f
#define SELU_ALPHA 1.6732632423543772848f
#define SELU_SCALE 1.0507009873554804934f

/* The activations built on exp, expm1, log1p, tanh and erf work through
 * blocks of ACT_BLOCK elements: a loop prepares the functions' arguments in
 * a buffer on the stack, vmath.h computes them over it (SLEEF's vector code,
 * or glibc's scalar code for bench-acts), and a loop combines the results.
 * The blocks keep those buffers in L1 whatever n is. */
#define ACT_BLOCK 512

/* fn(y, z, n, p) applies fn##_block to each block of at most ACT_BLOCK
 * elements. */
#define BLOCKED_F(fn)                                                                       \
    static void fn(float *restrict y, const float *restrict z, size_t n, const float *p)    \
    {                                                                                       \
        for (size_t i = 0; i < n; i += ACT_BLOCK)                                           \
            fn##_block(y + i, z + i, n - i < ACT_BLOCK ? n - i : ACT_BLOCK, p);             \
    }
#define BLOCKED_DF(fn)                                                                      \
    static void fn(float *restrict d, const float *restrict z, const float *restrict y,     \
                   size_t n, const float *p)                                                \
    {                                                                                       \
        (void)y;                                                                            \
        for (size_t i = 0; i < n; i += ACT_BLOCK)                                           \
            fn##_block(d + i, z + i, n - i < ACT_BLOCK ? n - i : ACT_BLOCK, p);             \
    }

/* s[i] = sigmoid(z[i]) = 1 / (1 + e^-z[i]), for n <= ACT_BLOCK. */
AB_VEC
static void sigmoid_into(float *restrict s, const float *restrict z, size_t n)
{
    for (size_t i = 0; i < n; i++)
        s[i] = -z[i];
    vm_exp(s, n);
    for (size_t i = 0; i < n; i++)
        s[i] = 1.0f / (1.0f + s[i]);
}

/* ---- identity: f(z) = z ---- */
AB_VEC
static void identity_f(float *restrict y, const float *restrict z, size_t n, const float *p)
{
    (void)p;
    for (size_t i = 0; i < n; i++)
        y[i] = z[i];
}
AB_VEC
static void identity_df(float *restrict d, const float *restrict z, const float *restrict y,
                        size_t n, const float *p)
{
    (void)z, (void)y, (void)p;
    for (size_t i = 0; i < n; i++)
        d[i] = 1.0f;
}

/* ---- step (Heaviside): f(z) = 1 if z > 0 else 0; f' = 0 everywhere ---- */
AB_VEC
static void step_f(float *restrict y, const float *restrict z, size_t n, const float *p)
{
    (void)p;
    for (size_t i = 0; i < n; i++)
        y[i] = z[i] > 0.0f ? 1.0f : 0.0f;
}
AB_VEC
static void zero_df(float *restrict d, const float *restrict z, const float *restrict y,
                    size_t n, const float *p)
{
    (void)z, (void)y, (void)p;
    for (size_t i = 0; i < n; i++)
        d[i] = 0.0f;
}

/* ---- sigmoid: f(z) = 1/(1+e^-z); f' = y(1-y) <= 1/4 ---- */
static void sigmoid_f_block(float *restrict y, const float *restrict z, size_t n,
                            const float *p)
{
    (void)p;
    sigmoid_into(y, z, n);
}
BLOCKED_F(sigmoid_f)
AB_VEC
static void sigmoid_df(float *restrict d, const float *restrict z, const float *restrict y,
                       size_t n, const float *p)
{
    (void)z, (void)p;
    for (size_t i = 0; i < n; i++)
        d[i] = y[i] * (1.0f - y[i]);
}

/* ---- tanh: f' = 1 - y^2 ---- */
AB_VEC
static void tanh_f(float *restrict y, const float *restrict z, size_t n, const float *p)
{
    (void)p;
    for (size_t i = 0; i < n; i++)
        y[i] = z[i];
    vm_tanh(y, n);
}
AB_VEC
static void tanh_df(float *restrict d, const float *restrict z, const float *restrict y,
                    size_t n, const float *p)
{
    (void)z, (void)p;
    for (size_t i = 0; i < n; i++)
        d[i] = 1.0f - y[i] * y[i];
}

/* ---- relu: f = max(0, z); f'(0) = 0 ---- */
AB_VEC
static void relu_f(float *restrict y, const float *restrict z, size_t n, const float *p)
{
    (void)p;
    for (size_t i = 0; i < n; i++)
        y[i] = z[i] > 0.0f ? z[i] : 0.0f;
}
AB_VEC
static void relu_df(float *restrict d, const float *restrict z, const float *restrict y,
                    size_t n, const float *p)
{
    (void)y, (void)p;
    for (size_t i = 0; i < n; i++)
        d[i] = z[i] > 0.0f ? 1.0f : 0.0f;
}

/* ---- leaky_relu / prelu / rrelu (eval): f = z if z > 0 else a z; f'(0) = a ---- */
AB_VEC
static void leaky_f(float *restrict y, const float *restrict z, size_t n, const float *p)
{
    const float a = p[0];
    for (size_t i = 0; i < n; i++)
        y[i] = vec_select(z[i] > 0.0f, z[i], a * z[i]);
}
AB_VEC
static void leaky_df(float *restrict d, const float *restrict z, const float *restrict y,
                     size_t n, const float *p)
{
    (void)y;
    const float a = p[0];
    for (size_t i = 0; i < n; i++)
        d[i] = z[i] > 0.0f ? 1.0f : a;
}

/* prelu's df/dalpha = z where z <= 0 (PyTorch's prelu backward): the sum of
 * da[i] z[i] over those z[i], in double, in eight partial sums, one per lane
 * of i mod 8, added pairwise at the end -- a fixed order, so the same bits
 * every run, and no branch, so the loop vectorises (one serial sum with a
 * branch per element cost PReLU a third of its step at width 64). */
AB_VEC
static void prelu_pgrad(double *restrict g, const float *restrict da, const float *restrict z,
                        const float *restrict y, size_t n, const float *p)
{
    (void)y, (void)p;
    double acc[8] = {0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            acc[k] += vec_select_d(z[i + k] <= 0.0f, (double)da[i + k] * z[i + k], 0.0);
    for (int k = 0; i < n; i++, k++)
        acc[k] += vec_select_d(z[i] <= 0.0f, (double)da[i] * z[i], 0.0);
    for (int w = 4; w > 0; w /= 2)
        for (int k = 0; k < w; k++)
            acc[k] += acc[k + w];
    g[0] += acc[0];
}

/* rrelu outside training uses the mean slope (lower + upper) / 2. */
static void rrelu_f(float *restrict y, const float *restrict z, size_t n, const float *p)
{
    const float a = 0.5f * (p[0] + p[1]);
    leaky_f(y, z, n, &a);
}
static void rrelu_df(float *restrict d, const float *restrict z, const float *restrict y,
                     size_t n, const float *p)
{
    const float a = 0.5f * (p[0] + p[1]);
    leaky_df(d, z, y, n, &a);
}

AB_VEC
void act_rrelu_train(float *restrict y, float *restrict slope, const float *restrict z,
                     const float *restrict u, size_t n, const float *p)
{
    const float lo = p[0], span = p[1] - p[0];
    for (size_t i = 0; i < n; i++) {
        float a = vec_select(z[i] > 0.0f, 1.0f, lo + span * u[i]);
        slope[i] = a;
        y[i] = a * z[i];
    }
}

/* ---- elu: f = z if z > 0 else alpha (e^z - 1); f'(0) = alpha ---- */
/* t[i] = the argument of e^ on the negative side: z[i] * scale where z[i] <= 0,
 * 0 where z[i] > 0 (so no e^ overflows for a branch that is not taken). */
AB_VEC
static void negative_part(float *restrict t, const float *restrict z, size_t n, float scale)
{
    for (size_t i = 0; i < n; i++)
        t[i] = (z[i] > 0.0f ? 0.0f : z[i]) * scale;
}

AB_VEC
static void elu_f_block(float *restrict y, const float *restrict z, size_t n, const float *p)
{
    const float a = p[0];
    negative_part(y, z, n, 1.0f);
    vm_expm1(y, n);
    for (size_t i = 0; i < n; i++)
        y[i] = vec_select(z[i] > 0.0f, z[i], a * y[i]);
}
BLOCKED_F(elu_f)
AB_VEC
static void elu_df_block(float *restrict d, const float *restrict z, size_t n, const float *p)
{
    const float a = p[0];
    negative_part(d, z, n, 1.0f);
    vm_exp(d, n);
    for (size_t i = 0; i < n; i++)
        d[i] = vec_select(z[i] > 0.0f, 1.0f, a * d[i]);
}
BLOCKED_DF(elu_df)

/* ---- celu: f = z if z > 0 else alpha (e^(z/alpha) - 1); f'(0) = 1 ---- */
AB_VEC
static void celu_f_block(float *restrict y, const float *restrict z, size_t n, const float *p)
{
    const float a = p[0];
    negative_part(y, z, n, 1.0f / a);
    vm_expm1(y, n);
    for (size_t i = 0; i < n; i++)
        y[i] = vec_select(z[i] > 0.0f, z[i], a * y[i]);
}
BLOCKED_F(celu_f)
AB_VEC
static void celu_df_block(float *restrict d, const float *restrict z, size_t n, const float *p)
{
    negative_part(d, z, n, 1.0f / p[0]);
    vm_exp(d, n);
    for (size_t i = 0; i < n; i++)
        d[i] = vec_select(z[i] > 0.0f, 1.0f, d[i]);
}
BLOCKED_DF(celu_df)

/* ---- selu: scale * elu(z, alpha) with the self-normalising constants ---- */
AB_VEC
static void selu_f_block(float *restrict y, const float *restrict z, size_t n, const float *p)
{
    (void)p;
    negative_part(y, z, n, 1.0f);
    vm_expm1(y, n);
    for (size_t i = 0; i < n; i++)
        y[i] = SELU_SCALE * vec_select(z[i] > 0.0f, z[i], SELU_ALPHA * y[i]);
}
BLOCKED_F(selu_f)
AB_VEC
static void selu_df_block(float *restrict d, const float *restrict z, size_t n, const float *p)
{
    (void)p;
    negative_part(d, z, n, 1.0f);
    vm_exp(d, n);
    for (size_t i = 0; i < n; i++)
        d[i] = vec_select(z[i] > 0.0f, SELU_SCALE, SELU_SCALE * SELU_ALPHA * d[i]);
}
BLOCKED_DF(selu_df)

/* The activations whose f and f' share their costly part (erf, tanh, e^z)
 * compute both in one block function, fn##_block(y, d, z, n, p), y or d
 * NULL when not wanted: f, f' and both at once (act_info.fdf, which training
 * uses) then give the same bits. */
#define BLOCKED_BOTH(fn)                                                                    \
    static void fn##_f(float *restrict y, const float *restrict z, size_t n, const float *p) \
    {                                                                                       \
        for (size_t i = 0; i < n; i += ACT_BLOCK)                                           \
            fn##_block(y + i, NULL, z + i, n - i < ACT_BLOCK ? n - i : ACT_BLOCK, p);       \
    }                                                                                       \
    static void fn##_df(float *restrict d, const float *restrict z, const float *restrict y, \
                        size_t n, const float *p)                                           \
    {                                                                                       \
        (void)y;                                                                            \
        for (size_t i = 0; i < n; i += ACT_BLOCK)                                           \
            fn##_block(NULL, d + i, z + i, n - i < ACT_BLOCK ? n - i : ACT_BLOCK, p);       \
    }                                                                                       \
    static void fn##_fdf(float *restrict y, float *restrict d, const float *restrict z,     \
                         size_t n, const float *p)                                          \
    {                                                                                       \
        for (size_t i = 0; i < n; i += ACT_BLOCK)                                           \
            fn##_block(y + i, d + i, z + i, n - i < ACT_BLOCK ? n - i : ACT_BLOCK, p);      \
    }

/* ---- gelu (exact): f = z Phi(z); f' = Phi(z) + z phi(z) ---- */
AB_VEC
static void gelu_block(float *restrict y, float *restrict d, const float *restrict z, size_t n,
                       const float *p)
{
    (void)p;
    float t[ACT_BLOCK]; /* erf(z / sqrt 2) */
    for (size_t i = 0; i < n; i++)
        t[i] = z[i] * SQRT1_2;
    vm_erf(t, n);
    if (y)
        for (size_t i = 0; i < n; i++)
            y[i] = 0.5f * z[i] * (1.0f + t[i]);
    if (d) {
        for (size_t i = 0; i < n; i++)
            d[i] = -0.5f * z[i] * z[i];
        vm_exp(d, n);
        for (size_t i = 0; i < n; i++) {
            float cdf = 0.5f * (1.0f + t[i]);
            float pdf = INV_SQRT_2PI * d[i];
            d[i] = cdf + z[i] * pdf;
        }
    }
}
BLOCKED_BOTH(gelu)

/* ---- gelu_tanh: f = z/2 (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))) ---- */
AB_VEC
static void gelu_tanh_block(float *restrict y, float *restrict d, const float *restrict z,
                            size_t n, const float *p)
{
    (void)p;
    float t[ACT_BLOCK];
    for (size_t i = 0; i < n; i++)
        t[i] = SQRT_2_OVER_PI * (z[i] + 0.044715f * z[i] * z[i] * z[i]);
    vm_tanh(t, n);
    if (y)
        for (size_t i = 0; i < n; i++)
            y[i] = 0.5f * z[i] * (1.0f + t[i]);
    if (d)
        for (size_t i = 0; i < n; i++) {
            float x = z[i];
            float du = SQRT_2_OVER_PI * (1.0f + 3.0f * 0.044715f * x * x);
            d[i] = 0.5f * (1.0f + t[i]) + 0.5f * x * (1.0f - t[i] * t[i]) * du;
        }
}
BLOCKED_BOTH(gelu_tanh)

/* ---- silu: f = z sigmoid(z); f' = s (1 + z (1 - s)) ---- */
AB_VEC
static void silu_block(float *restrict y, float *restrict d, const float *restrict z, size_t n,
                       const float *p)
{
    (void)p;
    float s[ACT_BLOCK];
    sigmoid_into(s, z, n);
    if (y)
        for (size_t i = 0; i < n; i++)
            y[i] = z[i] * s[i];
    if (d)
        for (size_t i = 0; i < n; i++)
            d[i] = s[i] * (1.0f + z[i] * (1.0f - s[i]));
}
BLOCKED_BOTH(silu)

#define SOFTPLUS_LINEAR 30.0f

/* ---- softplus(beta, threshold): f = log(1 + e^(beta z)) / beta, and f = z
 * once beta z > threshold (PyTorch's linear regime) ---- */
AB_VEC
static void softplus_f_block(float *restrict y, const float *restrict z, size_t n,
                             const float *p)
{
    const float beta = p[0], thr = p[1];
    /* log(1 + e^bz) is bz in float once bz > SOFTPLUS_LINEAR (e^-bz is
     * below half an ulp of bz), which keeps log1p's argument below 1e38
     * (vmath.h) whatever the threshold */
    for (size_t i = 0; i < n; i++) {
        float bz = beta * z[i];
        y[i] = bz > SOFTPLUS_LINEAR ? 0.0f : bz;
    }
    vm_exp(y, n);
    vm_log1p(y, n);
    for (size_t i = 0; i < n; i++) {
        float bz = beta * z[i];
        float sp = vec_select(bz > SOFTPLUS_LINEAR, bz, y[i]);
        y[i] = vec_select(bz > thr, z[i], sp / beta);
    }
}
BLOCKED_F(softplus_f)
AB_VEC
static void softplus_df_block(float *restrict d, const float *restrict z, size_t n,
                              const float *p)
{
    const float beta = p[0], thr = p[1];
    for (size_t i = 0; i < n; i++)
        d[i] = -(beta * z[i]);
    vm_exp(d, n);
    for (size_t i = 0; i < n; i++) /* sigmoid(beta z) where not linear */
        d[i] = vec_select(beta * z[i] > thr, 1.0f, 1.0f / (1.0f + d[i]));
}
BLOCKED_DF(softplus_df)

/* ---- mish: f = z tanh(softplus(z)); f' = t + z sigmoid(z) (1 - t^2) ---- */
AB_VEC
static void mish_block(float *restrict y, float *restrict d, const float *restrict z, size_t n,
                       const float *p)
{
    (void)p;
    /* t = tanh(softplus(z)), softplus(z) = log(1 + e^z), and z past 20 */
    float t[ACT_BLOCK];
    for (size_t i = 0; i < n; i++)
        t[i] = z[i] > 20.0f ? 0.0f : z[i];
    vm_exp(t, n);
    vm_log1p(t, n);
    for (size_t i = 0; i < n; i++)
        t[i] = vec_select(z[i] > 20.0f, z[i], t[i]);
    vm_tanh(t, n);
    if (y)
        for (size_t i = 0; i < n; i++)
            y[i] = z[i] * t[i];
    if (d) {
        sigmoid_into(d, z, n);
        for (size_t i = 0; i < n; i++)
            d[i] = t[i] + z[i] * d[i] * (1.0f - t[i] * t[i]);
    }
}
BLOCKED_BOTH(mish)

/* ---- softsign: f = z / (1 + |z|); f' = 1 / (1 + |z|)^2 ---- */
AB_VEC
static void softsign_f(float *restrict y, const float *restrict z, size_t n, const float *p)
{
    (void)p;
    for (size_t i = 0; i < n; i++)
        y[i] = z[i] / (1.0f + fabsf(z[i]));
}
AB_VEC
static void softsign_df(float *restrict d, const float *restrict z, const float *restrict y,
                        size_t n, const float *p)
{
    (void)y, (void)p;
    for (size_t i = 0; i < n; i++) {
        float q = 1.0f + fabsf(z[i]);
        d[i] = 1.0f / (q * q);
    }
}

/* ---- hardtanh(min, max) and relu6 = hardtanh(0, 6): f' = 0 at both ends ---- */
AB_VEC
static void hardtanh_f(float *restrict y, const float *restrict z, size_t n, const float *p)
{
    const float lo = p[0], hi = p[1];
    for (size_t i = 0; i < n; i++)
        y[i] = z[i] < lo ? lo : (z[i] > hi ? hi : z[i]);
}
AB_VEC
static void hardtanh_df(float *restrict d, const float *restrict z, const float *restrict y,
                        size_t n, const float *p)
{
    (void)y;
    const float lo = p[0], hi = p[1];
    for (size_t i = 0; i < n; i++)
        d[i] = (z[i] > lo && z[i] < hi) ? 1.0f : 0.0f;
}
static const float relu6_bounds[2] = {0.0f, 6.0f};
static void relu6_f(float *restrict y, const float *restrict z, size_t n, const float *p)
{
    (void)p;
    hardtanh_f(y, z, n, relu6_bounds);
}
static void relu6_df(float *restrict d, const float *restrict z, const float *restrict y,
                     size_t n, const float *p)
{
    (void)p;
    hardtanh_df(d, z, y, n, relu6_bounds);
}

/* ---- threshold(threshold, value): f = z if z > threshold else value ---- */
AB_VEC
static void threshold_f(float *restrict y, const float *restrict z, size_t n, const float *p)
{
    const float t = p[0], v = p[1];
    for (size_t i = 0; i < n; i++)
        y[i] = z[i] > t ? z[i] : v;
}
AB_VEC
static void threshold_df(float *restrict d, const float *restrict z, const float *restrict y,
                         size_t n, const float *p)
{
    (void)y;
    const float t = p[0];
    for (size_t i = 0; i < n; i++)
        d[i] = z[i] > t ? 1.0f : 0.0f;
}

/* ---- hardsigmoid: f = relu6(z + 3) / 6; f' = 1/6 on the open (-3, 3) ---- */
AB_VEC
static void hardsigmoid_f(float *restrict y, const float *restrict z, size_t n, const float *p)
{
    (void)p;
    for (size_t i = 0; i < n; i++) {
        float u = z[i] + 3.0f;
        u = vec_select(u < 0.0f, 0.0f, vec_select(u > 6.0f, 6.0f, u));
        y[i] = u / 6.0f;
    }
}
AB_VEC
static void hardsigmoid_df(float *restrict d, const float *restrict z, const float *restrict y,
                           size_t n, const float *p)
{
    (void)y, (void)p;
    for (size_t i = 0; i < n; i++)
        d[i] = (z[i] > -3.0f && z[i] < 3.0f) ? 1.0f / 6.0f : 0.0f;
}

/* ---- hardswish: f = z relu6(z + 3) / 6; f' = z/3 + 1/2 on [-3, 3] ---- */
AB_VEC
static void hardswish_f(float *restrict y, const float *restrict z, size_t n, const float *p)
{
    (void)p;
    for (size_t i = 0; i < n; i++) {
        float u = z[i] + 3.0f;
        u = u < 0.0f ? 0.0f : (u > 6.0f ? 6.0f : u);
        y[i] = z[i] * u / 6.0f;
    }
}
AB_VEC
static void hardswish_df(float *restrict d, const float *restrict z, const float *restrict y,
                         size_t n, const float *p)
{
    (void)y, (void)p;
    for (size_t i = 0; i < n; i++) {
        float outer = vec_select(z[i] < -3.0f, 0.0f, 1.0f);
        d[i] = vec_select((z[i] >= -3.0f) & (z[i] <= 3.0f), z[i] / 3.0f + 0.5f, outer);
    }
}

/* ---- logsigmoid: f = -softplus(-z); f' = sigmoid(-z) ---- */
AB_VEC
static void logsigmoid_f_block(float *restrict y, const float *restrict z, size_t n,
                               const float *p)
{
    (void)p;
    /* min(z, 0) - log1p(e^-|z|): exact and overflow-free */
    for (size_t i = 0; i < n; i++)
        y[i] = -fabsf(z[i]);
    vm_exp(y, n);
    vm_log1p(y, n);
    for (size_t i = 0; i < n; i++) {
        float m = z[i] < 0.0f ? z[i] : 0.0f;
        y[i] = m - y[i];
    }
}
BLOCKED_F(logsigmoid_f)
AB_VEC
static void logsigmoid_df_block(float *restrict d, const float *restrict z, size_t n,
                                const float *p)
{
    (void)p;
    /* sigmoid(-z) = 1 / (1 + e^z) */
    for (size_t i = 0; i < n; i++)
        d[i] = z[i];
    vm_exp(d, n);
    for (size_t i = 0; i < n; i++)
        d[i] = 1.0f / (1.0f + d[i]);
}
BLOCKED_DF(logsigmoid_df)

/* ---- tanhshrink: f = z - tanh z; f' = tanh^2 z ---- */
AB_VEC
static void tanhshrink_block(float *restrict y, float *restrict d, const float *restrict z,
                             size_t n, const float *p)
{
    (void)p;
    float t[ACT_BLOCK];
    for (size_t i = 0; i < n; i++)
        t[i] = z[i];
    vm_tanh(t, n);
    if (y)
        for (size_t i = 0; i < n; i++)
            y[i] = z[i] - t[i];
    if (d)
        for (size_t i = 0; i < n; i++)
            d[i] = t[i] * t[i];
}
BLOCKED_BOTH(tanhshrink)

/* ---- softshrink(lambda): z -+ lambda outside [-lambda, lambda], else 0 ---- */
AB_VEC
static void softshrink_f(float *restrict y, const float *restrict z, size_t n, const float *p)
{
    const float l = p[0];
    for (size_t i = 0; i < n; i++) {
        float inner = vec_select(z[i] < -l, z[i] + l, 0.0f);
        y[i] = vec_select(z[i] > l, z[i] - l, inner);
    }
}
/* softshrink and hardshrink share f' = 0 on the closed [-lambda, lambda]. */
AB_VEC
static void shrink_df(float *restrict d, const float *restrict z, const float *restrict y,
                      size_t n, const float *p)
{
    (void)y;
    const float l = p[0];
    for (size_t i = 0; i < n; i++)
        d[i] = (z[i] >= -l && z[i] <= l) ? 0.0f : 1.0f;
}

/* ---- hardshrink(lambda): z outside [-lambda, lambda], else 0 ---- */
AB_VEC
static void hardshrink_f(float *restrict y, const float *restrict z, size_t n, const float *p)
{
    const float l = p[0];
    for (size_t i = 0; i < n; i++)
        y[i] = (z[i] >= -l && z[i] <= l) ? 0.0f : z[i];
}

/* ---- parameter checks ---- */
static const char *check_positive(const float *p)
{
    return p[0] > 0.0f ? NULL : "must be > 0";
}
static const char *check_nonneg(const float *p)
{
    return p[0] >= 0.0f ? NULL : "must be >= 0";
}
static const char *check_ordered(const float *p)
{
    return p[0] < p[1] ? NULL : "needs the first value < the second";
}
static const char *check_rrelu(const float *p)
{
    return (p[0] >= 0.0f && p[0] <= p[1]) ? NULL : "needs 0 <= lower <= upper";
}
static const char *check_softplus(const float *p)
{
    return p[0] > 0.0f ? NULL : "beta must be > 0";
}

/* The registry, in --list-acts order; a field left out is 0, false or NULL. */
const act_info act_registry[] = {
    {
        .name = "identity",
        .formula = "f(z) = z",
        .f = identity_f, .df = identity_df,
        .range = "(-inf, inf)", .zero_centred = true,
        .usual_init = INIT_XAVIER,
    },
    {
        .name = "step",
        .formula = "f(z) = 1 if z > 0 else 0 (Heaviside)",
        .f = step_f, .df = zero_df,
        .range = "{0, 1}",
        .usual_init = INIT_XAVIER,
        .kinks = "f'(z) = 0 everywhere, also at 0 (f(0) = 0)",
    },
    {
        .name = "sigmoid",
        .formula = "f(z) = 1 / (1 + e^-z)",
        .f = sigmoid_f, .df = sigmoid_df,
        .range = "(0, 1)",
        .usual_init = INIT_XAVIER,
    },
    {
        .name = "tanh",
        .formula = "f(z) = tanh z",
        .f = tanh_f, .df = tanh_df,
        .range = "(-1, 1)", .zero_centred = true,
        .usual_init = INIT_XAVIER,
    },
    {
        .name = "relu",
        .formula = "f(z) = max(0, z)",
        .f = relu_f, .df = relu_df,
        .range = "[0, inf)",
        .usual_init = INIT_HE,
        .kinks = "f'(0) = 0",
    },
    {
        .name = "leaky_relu",
        .formula = "f(z) = z if z > 0 else negative_slope z",
        .n_params = 1, .param_names = {"negative_slope"}, .defaults = {0.01f},
        .f = leaky_f, .df = leaky_df,
        .range = "(-inf, inf)",
        .usual_init = INIT_HE,
        .kinks = "f'(0) = negative_slope",
    },
    {
        .name = "prelu",
        .formula = "f(z) = z if z > 0 else alpha z, alpha learned per layer from its value",
        .n_params = 1, .param_names = {"alpha"}, .defaults = {0.25f},
        .f = leaky_f, .df = leaky_df,
        .range = "(-inf, inf)",
        .learned = 1u, .pgrad = prelu_pgrad,
        .usual_init = INIT_HE,
        .kinks = "f'(0) = alpha; df/dalpha(0) = 0",
    },
    {
        .name = "rrelu",
        .formula = "f(z) = z if z > 0 else a z, a ~ U(lower, upper) in training, "
                   "(lower+upper)/2 otherwise",
        .n_params = 2, .param_names = {"lower", "upper"}, .defaults = {0.125f, 1.0f / 3.0f},
        .f = rrelu_f, .df = rrelu_df,
        .range = "(-inf, inf)",
        .random_in_training = true,
        .usual_init = INIT_HE,
        .kinks = "f'(0) = the drawn slope in training, (lower+upper)/2 otherwise",
        .check = check_rrelu,
    },
    {
        .name = "elu",
        .formula = "f(z) = z if z > 0 else alpha (e^z - 1)",
        .n_params = 1, .param_names = {"alpha"}, .defaults = {1.0f},
        .f = elu_f, .df = elu_df,
        .range = "(-alpha, inf)",
        .usual_init = INIT_HE,
        .kinks = "f'(0) = alpha",
    },
    {
        .name = "celu",
        .formula = "f(z) = z if z > 0 else alpha (e^(z/alpha) - 1)",
        .n_params = 1, .param_names = {"alpha"}, .defaults = {1.0f},
        .f = celu_f, .df = celu_df,
        .range = "(-alpha, inf)",
        .usual_init = INIT_HE,
        .kinks = "f'(0) = 1",
        .check = check_positive,
    },
    {
        .name = "selu",
        .formula = "f(z) = scale (z if z > 0 else alpha (e^z - 1)), alpha 1.6733, scale 1.0507",
        .f = selu_f, .df = selu_df,
        .range = "(-1.7581, inf)", .zero_centred = true,
        .usual_init = INIT_LECUN,
        .kinks = "f'(0) = scale alpha = 1.7581",
    },
    {
        .name = "gelu",
        .formula = "f(z) = z Phi(z), Phi the standard normal CDF (erf)",
        .f = gelu_f, .df = gelu_df, .fdf = gelu_fdf,
        .range = "[-0.17, inf)",
        .usual_init = INIT_HE,
    },
    {
        .name = "gelu_tanh",
        .formula = "f(z) = z/2 (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3)))",
        .f = gelu_tanh_f, .df = gelu_tanh_df, .fdf = gelu_tanh_fdf,
        .range = "[-0.17, inf)",
        .usual_init = INIT_HE,
    },
    {
        .name = "silu",
        .formula = "f(z) = z / (1 + e^-z) (swish)",
        .f = silu_f, .df = silu_df, .fdf = silu_fdf,
        .range = "[-0.28, inf)",
        .usual_init = INIT_HE,
    },
    {
        .name = "softplus",
        .formula = "f(z) = log(1 + e^(beta z)) / beta, z where beta z > threshold",
        .n_params = 2, .param_names = {"beta", "threshold"}, .defaults = {1.0f, 20.0f},
        .f = softplus_f, .df = softplus_df,
        .range = "(0, inf)",
        .usual_init = INIT_HE,
        .kinks = "f' = 1 where beta z > threshold",
        .check = check_softplus,
    },
    {
        .name = "mish",
        .formula = "f(z) = z tanh(softplus(z))",
        .f = mish_f, .df = mish_df, .fdf = mish_fdf,
        .range = "[-0.31, inf)",
        .usual_init = INIT_HE,
    },
    {
        .name = "softsign",
        .formula = "f(z) = z / (1 + |z|)",
        .f = softsign_f, .df = softsign_df,
        .range = "(-1, 1)", .zero_centred = true,
        .usual_init = INIT_XAVIER,
    },
    {
        .name = "hardtanh",
        .formula = "f(z) = clamp(z, min_val, max_val)",
        .n_params = 2, .param_names = {"min_val", "max_val"}, .defaults = {-1.0f, 1.0f},
        .f = hardtanh_f, .df = hardtanh_df,
        .range = "[min_val, max_val]", .zero_centred = true,
        .usual_init = INIT_XAVIER,
        .kinks = "f' = 0 at min_val and at max_val",
        .check = check_ordered,
    },
    {
        .name = "relu6",
        .formula = "f(z) = min(max(0, z), 6)",
        .f = relu6_f, .df = relu6_df,
        .range = "[0, 6]",
        .usual_init = INIT_HE,
        .kinks = "f' = 0 at 0 and at 6",
    },
    {
        .name = "threshold",
        .formula = "f(z) = z if z > threshold else value",
        .n_params = 2, .param_names = {"threshold", "value"}, .defaults = {0.0f, 0.0f},
        .f = threshold_f, .df = threshold_df,
        .params_required = true,
        .params_why = "as in PyTorch; threshold:0:0 is relu",
        .range = "{value} and (threshold, inf)",
        .usual_init = INIT_HE,
        .kinks = "f'(threshold) = 0",
    },
    {
        .name = "hardsigmoid",
        .formula = "f(z) = relu6(z + 3) / 6",
        .f = hardsigmoid_f, .df = hardsigmoid_df,
        .range = "[0, 1]",
        .usual_init = INIT_XAVIER,
        .kinks = "f' = 0 at -3 and at 3",
    },
    {
        .name = "hardswish",
        .formula = "f(z) = z relu6(z + 3) / 6",
        .f = hardswish_f, .df = hardswish_df,
        .range = "[-0.375, inf)",
        .usual_init = INIT_HE,
        .kinks = "f'(-3) = -1/2, f'(3) = 3/2",
    },
    {
        .name = "logsigmoid",
        .formula = "f(z) = log(1 / (1 + e^-z))",
        .f = logsigmoid_f, .df = logsigmoid_df,
        .range = "(-inf, 0)",
        .usual_init = INIT_XAVIER,
    },
    {
        .name = "tanhshrink",
        .formula = "f(z) = z - tanh z",
        .f = tanhshrink_f, .df = tanhshrink_df, .fdf = tanhshrink_fdf,
        .range = "(-inf, inf)", .zero_centred = true,
        .usual_init = INIT_XAVIER,
    },
    {
        .name = "softshrink",
        .formula = "f(z) = z - lambd if z > lambd, z + lambd if z < -lambd, else 0",
        .n_params = 1, .param_names = {"lambd"}, .defaults = {0.5f},
        .f = softshrink_f, .df = shrink_df,
        .range = "(-inf, inf)", .zero_centred = true,
        .usual_init = INIT_XAVIER,
        .kinks = "f' = 0 at -lambd and at lambd",
        .check = check_nonneg,
    },
    {
        .name = "hardshrink",
        .formula = "f(z) = z if |z| > lambd else 0",
        .n_params = 1, .param_names = {"lambd"}, .defaults = {0.5f},
        .f = hardshrink_f, .df = shrink_df,
        .range = "(-inf, inf)", .zero_centred = true,
        .usual_init = INIT_XAVIER,
        .kinks = "f' = 0 at -lambd and at lambd",
        .check = check_nonneg,
    },
};
const int act_count = (int)(sizeof act_registry / sizeof act_registry[0]);

const act_info *act_find(const char *name)
{
    for (int i = 0; i < act_count; i++)
        if (strcmp(act_registry[i].name, name) == 0)
            return &act_registry[i];
    return NULL;
}

/* Other names of the built-ins, besides PyTorch's class names (which
 * act_lookup's folding already matches: LeakyReLU, Hardswish, ...). */
static const struct {
    const char *alias, *name;
} act_aliases[] = {
    {"swish", "silu"},        {"heaviside", "step"},    {"linear", "identity"},
    {"geluapprox", "gelu_tanh"}, {"gelu_approx_tanh", "gelu_tanh"},
};

/* s folded: lower case, without '_', '-' and spaces, into out (size n). */
static void fold(char *out, size_t n, const char *s)
{
    size_t k = 0;
    for (; *s && k + 1 < n; s++)
        if (*s != '_' && *s != '-' && *s != ' ')
            out[k++] = (char)tolower((unsigned char)*s);
    out[k] = '\0';
}

const act_info *act_lookup(const char *name)
{
    const act_info *info = act_find(name);
    if (info)
        return info;
    char want[64], have[64];
    fold(want, sizeof want, name);
    for (int i = 0; i < act_count; i++) {
        fold(have, sizeof have, act_registry[i].name);
        if (strcmp(want, have) == 0)
            return &act_registry[i];
    }
    for (size_t i = 0; i < sizeof act_aliases / sizeof act_aliases[0]; i++) {
        fold(have, sizeof have, act_aliases[i].alias);
        if (strcmp(want, have) == 0)
            return act_find(act_aliases[i].name);
    }
    return NULL;
}

int act_suggest(const char **out, int max, const char *name)
{
    char want[64], have[64];
    fold(want, sizeof want, name);
    int n = 0, wl = (int)strlen(want);
    /* a typo (a distance of at most a third of the name, 1 to 3), closest
     * first, then the name as the start of a built-in's ("leaky" ->
     * leaky_relu) */
    int limit = wl / 3 < 1 ? 1 : wl / 3 > 3 ? 3 : wl / 3;
    for (int d = 0; d <= limit + 1 && n < max; d++)
        for (int i = 0; i < act_count && n < max; i++) {
            fold(have, sizeof have, act_registry[i].name);
            int di = names_distance(want, have);
            bool prefix = wl >= 3 && strncmp(have, want, (size_t)wl) == 0;
            if (d <= limit ? di == d : (prefix && di > limit))
                out[n++] = act_registry[i].name;
        }
    return n;
}

int act_kinks(const act_spec *a, double *k, int max)
{
    if (a->info->dyn) {
        return a->info->dyn->kinks(a->info->dyn->impl, a->p, -ACT_KINK_SPAN, ACT_KINK_SPAN, k,
                                   max);
    }
    const char *n = a->info->name;
    double v[ACT_MAX_KINKS];
    int nk = 0;
    if (!strcmp(n, "step") || !strcmp(n, "relu") || !strcmp(n, "leaky_relu") ||
        !strcmp(n, "prelu") || !strcmp(n, "rrelu") || !strcmp(n, "elu") || !strcmp(n, "selu") ||
        !strcmp(n, "celu") || !strcmp(n, "softsign"))
        v[nk++] = 0.0;
    if (!strcmp(n, "relu6"))
        v[nk++] = 0.0, v[nk++] = 6.0;
    if (!strcmp(n, "hardtanh"))
        v[nk++] = a->p[0], v[nk++] = a->p[1];
    if (!strcmp(n, "threshold"))
        v[nk++] = a->p[0];
    if (!strcmp(n, "hardsigmoid") || !strcmp(n, "hardswish"))
        v[nk++] = -3.0, v[nk++] = 3.0;
    if (!strcmp(n, "softshrink") || !strcmp(n, "hardshrink"))
        v[nk++] = -a->p[0], v[nk++] = a->p[0];
    if (!strcmp(n, "softplus"))
        v[nk++] = (double)a->p[1] / a->p[0];
    int out = 0;
    for (int i = 0; i < nk && out < max; i++)
        if (out == 0 || v[i] != k[out - 1])
            k[out++] = v[i];
    return out;
}

const name_row act_inits[] = {
    {"xavier", INIT_XAVIER, NULL},
    {"glorot", INIT_XAVIER, NULL},
    {"he", INIT_HE, NULL},
    {"kaiming", INIT_HE, NULL},
    {"lecun", INIT_LECUN, NULL},
    {"normal", INIT_NORMAL, "STD"},
    {"auto", ACT_INIT_AUTO, NULL},
    {NULL, 0, NULL},
};

const char *act_init_name(int k)
{
    return names_name(act_inits, k);
}

/* sup |f'| estimated on a fine grid over [-20, 20] (every built-in is
 * monotone or flat beyond that range), including the kinks' neighbourhoods. */
double act_max_df(const act_spec *a, const float *p)
{
    enum { N = 8001 };
    float *z = malloc(3 * N * sizeof *z);
    if (!z)
        return NAN;
    float *y = z + N, *d = z + 2 * N;
    for (int i = 0; i < N; i++)
        z[i] = -20.0f + 40.0f * (float)i / (float)(N - 1);
    const float *pv = p ? p : a->p;
    act_f(a->info, y, z, N, 1, pv);
    act_df(a->info, d, z, y, N, 1, pv);
    double m = 0.0;
    for (int i = 0; i < N; i++)
        if (fabs(d[i]) > m)
            m = fabs(d[i]);
    free(z);
    return m;
}

static void make_label(act_spec *a)
{
    const act_info *in = a->info;
    int same = 1;
    for (int i = 0; i < in->n_params; i++)
        if (a->p[i] != in->defaults[i])
            same = 0;
    int len = snprintf(a->label, sizeof a->label, "%s", in->name);
    for (int i = 0; !same && i < in->n_params && len < (int)sizeof a->label; i++)
        len += snprintf(a->label + len, sizeof a->label - (size_t)len, ":%g", (double)a->p[i]);
}

void act_default(act_spec *out, const act_info *info)
{
    memset(out, 0, sizeof *out);
    out->info = info;
    for (int i = 0; i < info->n_params; i++)
        out->p[i] = info->defaults[i];
    make_label(out);
    out->max_df = act_max_df(out, NULL);
}

static void list_names(char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < act_count && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "", act_registry[i].name);
}

/* The largest parameter magnitude: far inside float range, so that a
 * parameter times a pre-activation stays finite. */
#define ACT_PARAM_MAX 1e30

/* Parameter np of info from s (in spec) into *v; the end of its text in
 * *end.  A number beyond ACT_PARAM_MAX, or nonzero below FLT_MIN (a float
 * would round it to 0 or lose its digits, and 1/beta overflow), is out of
 * float range and said so. */
static ab_status parse_param(float *v, const char **end, const act_info *info, int np,
                             const char *spec, const char *s, ab_err *err)
{
    char *e;
    errno = 0;
    double d = strtod(s, &e);
    bool erange = errno == ERANGE;
    *end = e;
    const char *pn = info->param_names[np];
    if (e == s || (*e != ':' && *e != '\0') || (!erange && !isfinite(d)))
        return ab_fail(err, AB_EUSAGE, "'%s': %s's %s must be a finite number", spec,
                       info->name, pn);
    if (fabs(d) > ACT_PARAM_MAX || (erange && fabs(d) >= 1.0))
        return ab_fail(err, AB_EUSAGE, "'%s': %s's %s is above float range (times a "
                       "pre-activation it must stay finite): its magnitude must be at most %g", spec, info->name, pn, ACT_PARAM_MAX);
    if (d != 0.0 ? fabs(d) < FLT_MIN : erange)
        return ab_fail(err, AB_EUSAGE, "'%s': %s's %s is below float range: its magnitude "
                       "must be 0 or at least %g", spec, info->name, pn, (double)FLT_MIN);
    *v = (float)d;
    return AB_OK;
}

ab_status act_parse(act_spec *out, const char *spec, ab_err *err)
{
    if (actx_is(spec))
        return actx_parse(out, spec, err);
    char name[64];
    const char *colon = strchr(spec, ':');
    size_t nl = colon ? (size_t)(colon - spec) : strlen(spec);
    if (nl == 0 || nl >= sizeof name) {
        char names[1024];
        list_names(names, sizeof names);
        return ab_fail(err, AB_EUSAGE, "'%s' is not an activation (accepted: %s)", spec,
                       names);
    }
    memcpy(name, spec, nl);
    name[nl] = '\0';
    const act_info *info = act_lookup(name);
    if (!info) {
        char names[1024], hint[256] = "";
        list_names(names, sizeof names);
        const char *near[3];
        int k = act_suggest(near, 3, name);
        for (int i = 0, len = 0; i < k && len < (int)sizeof hint; i++)
            len += snprintf(hint + len, sizeof hint - (size_t)len, "%s'%s'%s",
                            i == 0 ? " (did you mean " : i == k - 1 ? " or " : ", ", near[i],
                            i == k - 1 ? "?)" : "");
        return ab_fail(err, AB_EUSAGE, "unknown activation '%s'%s (accepted: %s)", name, hint,
                       names);
    }
    act_default(out, info);
    int np = 0;
    const char *s = colon;
    while (s) {
        s++; /* past ':' */
        if (np >= info->n_params) {
            if (info->n_params == 0)
                return ab_fail(err, AB_EUSAGE, "'%s': %s takes no parameters", spec,
                               info->name);
            return ab_fail(err, AB_EUSAGE, "'%s': %s takes at most %d parameter%s (%s%s%s)",
                           spec, info->name, info->n_params, info->n_params > 1 ? "s" : "",
                           info->param_names[0], info->n_params > 1 ? ", " : "",
                           info->n_params > 1 ? info->param_names[1] : "");
        }
        const char *end;
        ab_status st = parse_param(&out->p[np], &end, info, np, spec, s, err);
        if (st != AB_OK)
            return st;
        np++;
        s = *end == ':' ? end : NULL;
    }
    if (info->params_required && np < info->n_params) {
        char form[128];
        int len = snprintf(form, sizeof form, "%s", info->name);
        for (int i = 0; i < info->n_params && len + 1 < (int)sizeof form; i++) {
            form[len++] = ':';
            for (const char *c = info->param_names[i]; *c && len + 1 < (int)sizeof form; c++)
                form[len++] = (char)toupper((unsigned char)*c);
            form[len] = '\0';
        }
        return ab_fail(err, AB_EUSAGE, "'%s': %s has no default parameters (%s): write %s",
                       spec, info->name, info->params_why, form);
    }
    if (info->check) {
        const char *why = info->check(out->p);
        if (why)
            return ab_fail(err, AB_EUSAGE, "'%s': %s %s", spec, info->name, why);
    }
    make_label(out);
    out->max_df = act_max_df(out, NULL);
    return AB_OK;
}
