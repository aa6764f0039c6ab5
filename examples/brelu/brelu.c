/* brelu.c - an actbench activation plugin: BReLU, the bipolar ReLU, from the
 * guide "Extending PyTorch with Custom Activation Functions".  Even units
 * are ReLUs, odd units are ReLUs mirrored through the origin:
 *
 *     f(z) = max(0, z)     for unit 0, 2, 4, ...
 *     f(z) = -max(0, -z)   for unit 1, 3, 5, ...  (= min(0, z))
 *
 * so a layer's outputs are positive and negative in equal measure, where a
 * ReLU layer's are all >= 0.  It is the one kind of activation that needs
 * the width argument: which unit an element is decides its formula.
 *
 * Build it outside actbench's tree with
 *     cc -std=c17 -O2 -fPIC -shared -I<actbench's include folder> -o brelu.so brelu.c
 * and use it as --act plugin:./brelu.so. */
#include <actbench/activation.h>

/* Element i is unit i % width; looping over rows, then units, avoids a
 * division per element. */
static void brelu_f(float *y, const float *z, size_t n, int width, const float *p)
{
    (void)p;
    const size_t w = (size_t)width;
    for (size_t row = 0; row < n; row += w)
        for (size_t u = 0; u < w; u++) {
            const float x = z[row + u];
            /* written as ReLU's "z > 0 ? z : 0", so NaN gives 0 as actbench's relu does */
            y[row + u] = u % 2 == 0 ? (x > 0.0f ? x : 0.0f) : (x < 0.0f ? x : 0.0f);
        }
}

/* f'(0) = 0 on both kinds of unit: PyTorch's relu has relu'(0) = 0, and
 * -relu(-z) inherits it, so a PyTorch BReLU gives 0 there too. */
static void brelu_df(float *d, const float *z, const float *y, size_t n, int width,
                     const float *p)
{
    (void)y, (void)p;
    const size_t w = (size_t)width;
    for (size_t row = 0; row < n; row += w)
        for (size_t u = 0; u < w; u++) {
            const float x = z[row + u];
            d[row + u] = (u % 2 == 0 ? x > 0.0f : x < 0.0f) ? 1.0f : 0.0f;
        }
}

static const actbench_activation brelu = {
    .name = "brelu",
    .formula = "f(z) = max(0, z) on even units, -max(0, -z) on odd units",
    .range = "(-inf, inf)",
    .zero_centred = 1, /* half the units give the positive part, half the negative */
    .usual_init = "he", /* each unit passes half its inputs, as a ReLU does */
    .n_kinks = 1,
    .kinks = {0.0},
    .at_kinks = "f'(0) = 0 on every unit",
    .f = brelu_f,
    .df = brelu_df,
};

ACTBENCH_PLUGIN(&brelu);
