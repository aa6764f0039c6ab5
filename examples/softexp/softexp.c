/* softexp.c - an actbench activation plugin with a learned parameter: the
 * soft exponential of Godfrey and Gashler ("A continuum among logarithmic,
 * linear, and exponential functions, and its potential to improve
 * generalization in neural networks", 2015), whose alpha is learned per
 * layer and slides f from logarithmic (alpha < 0) through the identity
 * (alpha = 0) to exponential (alpha > 0):
 *
 *     f(z) = -ln(1 - alpha (z + alpha)) / alpha   alpha < 0  (z > 1/alpha - alpha only)
 *     f(z) = z                                    alpha = 0
 *     f(z) = (e^(alpha z) - 1) / alpha + alpha    alpha > 0
 *
 * f is smooth in z for each alpha and continuous in alpha; the default
 * alpha is 0.1, mildly exponential (the paper's alpha = 0 is the identity,
 * where nothing would distinguish it at the start).  For alpha < 0, f is
 * undefined (NaN) for z <= 1/alpha - alpha and goes to -inf at that end.
 *
 * Build it outside actbench's tree with
 *     cc -std=c17 -O2 -fPIC -shared -I<actbench's include folder> -o softexp.so softexp.c -lm
 * and use it as --act plugin:./softexp.so. */
#include <math.h>

#include <actbench/activation.h>

/* expm1f and log1pf: e^(a z) - 1 and ln(1 + s) without the cancellation
 * that expf(t) - 1 and logf(1 + s) have for small t and s, i.e. for alpha
 * near 0, where f is close to z. */
static void softexp_f(float *y, const float *z, size_t n, int width, const float *p)
{
    (void)width;
    const float a = p[0];
    if (a > 0.0f)
        for (size_t i = 0; i < n; i++)
            y[i] = expm1f(a * z[i]) / a + a;
    else if (a < 0.0f)
        for (size_t i = 0; i < n; i++)
            y[i] = -log1pf(-a * (a + z[i])) / a;
    else
        for (size_t i = 0; i < n; i++)
            y[i] = z[i];
}

/* df/dz = e^(alpha z) for alpha >= 0, 1 / (1 - alpha (z + alpha)) for alpha < 0. */
static void softexp_df(float *d, const float *z, const float *y, size_t n, int width,
                       const float *p)
{
    (void)y, (void)width;
    const float a = p[0];
    if (a < 0.0f)
        for (size_t i = 0; i < n; i++)
            d[i] = 1.0f / (1.0f - a * (a + z[i]));
    else
        for (size_t i = 0; i < n; i++)
            d[i] = expf(a * z[i]);
}

/* df/dalpha at z, in double (g is a double sum, and the two formulas cancel
 * for alpha near 0, where a series takes over).  With t = alpha z:
 *   alpha > 0:  1 + ((t - 1) e^t + 1) / alpha^2 = 1 + z^2 G(t),
 *               G(t) = ((t - 1) e^t + 1) / t^2 = 1/2 + t/3 + t^2/8 + ...
 *   alpha < 0:  with s = -alpha (z + alpha), so that f = -ln(1 + s) / alpha,
 *               1 / (1 + s) + (z + alpha)^2 H(s),
 *               H(s) = (ln(1 + s) - s / (1 + s)) / s^2 = 1/2 - 2s/3 + 3s^2/4 - ...
 *   alpha = 0:  1 + z^2 / 2, the limit of both. */
static double softexp_dalpha(double a, double z)
{
    if (a > 0.0) {
        const double t = a * z;
        double g;
        if (fabs(t) < 1e-4)
            g = 0.5 + t * (1.0 / 3 + t / 8);
        else if (fabs(t) < 1.0) /* t e^t - (e^t - 1): loses at most log10(2/|t|) digits */
            g = (t * exp(t) - expm1(t)) / (t * t);
        else /* no cancellation here, and e^t = inf gives inf, not inf - inf */
            g = ((t - 1.0) * exp(t) + 1.0) / (t * t);
        return 1.0 + z * z * g;
    }
    if (a < 0.0) {
        const double s = -a * (z + a);
        double h;
        if (fabs(s) < 1e-4)
            h = 0.5 + s * (-2.0 / 3 + s * 0.75);
        else
            h = (log1p(s) - s / (1.0 + s)) / (s * s);
        return 1.0 / (1.0 + s) + (z + a) * (z + a) * h;
    }
    return 1.0 + 0.5 * z * z;
}

static void softexp_pgrad(double *g, const float *da, const float *z, const float *y, size_t n,
                          int width, const float *p)
{
    (void)y, (void)width;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += (double)da[i] * softexp_dalpha(p[0], z[i]);
    g[0] += sum;
}

static const actbench_activation softexp = {
    .name = "softexp",
    .formula = "f(z) = (e^(alpha z) - 1) / alpha + alpha if alpha > 0, z if alpha = 0, "
               "-ln(1 - alpha (z + alpha)) / alpha if alpha < 0; alpha learned per layer",
    .range = "(alpha - 1/alpha, inf) for alpha > 0, else (-inf, inf)",
    .zero_centred = 0, /* f(0) = alpha for alpha > 0 */
    .usual_init = "xavier", /* near the identity, as identity's */
    .n_params = 1,
    .param_names = {"alpha"},
    .defaults = {0.1f},
    .learned = 1u << 0,
    .f = softexp_f,
    .df = softexp_df,
    .pgrad = softexp_pgrad,
};

ACTBENCH_PLUGIN(&softexp);
