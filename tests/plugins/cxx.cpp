// cxx.cpp - a plugin written in C++, to keep actbench/activation.h usable
// from C++ (extern "C", the exported symbols' linkage): scale, f(z) = a z
// with a learned per layer.  test_plugin.c loads it where meson found a C++
// compiler.
#include <actbench/activation.h>

static void scale_f(float *y, const float *z, size_t n, int, const float *p)
{
    for (size_t i = 0; i < n; i++)
        y[i] = p[0] * z[i];
}

static void scale_df(float *d, const float *, const float *, size_t n, int, const float *p)
{
    for (size_t i = 0; i < n; i++)
        d[i] = p[0];
}

static void scale_pgrad(double *g, const float *da, const float *z, const float *, size_t n,
                        int, const float *)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += static_cast<double>(da[i]) * z[i];
    g[0] += s;
}

// C++20 designated initialisers: the fields in the struct's order
static const actbench_activation scale = {
    .name = "cxx_scale",
    .formula = "f(z) = a z, a learned per layer",
    .range = "(-inf, inf)",
    .zero_centred = 1,
    .usual_init = "xavier",
    .n_params = 1,
    .param_names = {"a"},
    .defaults = {1.0f},
    .learned = 1u,
    .f = scale_f,
    .df = scale_df,
    .pgrad = scale_pgrad,
};

ACTBENCH_PLUGIN(&scale);
