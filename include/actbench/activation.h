/* actbench/activation.h - write your own activation function for actbench, in C.
 *
 * A plugin is a shared object that describes one or more activations with
 * the struct below and ends with ACTBENCH_PLUGIN(&a, ...).  actbench loads
 * it for `--act plugin:PATH.so` (the file's only activation) or
 * `--act plugin:PATH.so:NAME` (the one named NAME), then trains, probes and
 * gradchecks it like a built-in one.  A whole plugin:
 *
 *     #include <actbench/activation.h>
 *
 *     // f(z) = z^3 / 3 + z
 *     static void cube_f(float *y, const float *z, size_t n, int width, const float *p)
 *     {
 *         (void)width, (void)p;
 *         for (size_t i = 0; i < n; i++)
 *             y[i] = z[i] * z[i] * z[i] / 3.0f + z[i];
 *     }
 *     static void cube_df(float *d, const float *z, const float *y, size_t n, int width,
 *                         const float *p)
 *     {
 *         (void)y, (void)width, (void)p;
 *         for (size_t i = 0; i < n; i++)
 *             d[i] = z[i] * z[i] + 1.0f;
 *     }
 *     static const actbench_activation cube = {
 *         .name = "cube", .formula = "f(z) = z^3 / 3 + z", .range = "(-inf, inf)",
 *         .zero_centred = 1, .usual_init = "xavier",
 *         .f = cube_f, .df = cube_df,
 *     };
 *     ACTBENCH_PLUGIN(&cube);
 *
 * built with (the -I folder is where this header is installed, without its
 * actbench/ part):
 *
 *     cc -std=c17 -O2 -fPIC -shared -I/usr/local/include -o cube.so cube.c -lm
 *
 * and tried with `actbench gradcheck --act plugin:./cube.so`, which compares
 * df with finite differences of f (and pgrad with those of f in the
 * parameters) before you spend time training.  examples/brelu and
 * examples/softexp in actbench's sources are complete plugins, the second
 * with a learned parameter.
 *
 * Rules the functions must follow:
 *  - They compute, nothing else: no I/O, no global state, no allocation.
 *    actbench may call them from several threads and forked processes at
 *    once, each on its own buffers.
 *  - The buffers never overlap (y is never z), so `restrict` is allowed.
 *  - Every buffer holds n = rows * width floats, row-major, and starts at a
 *    row: element i belongs to unit i % width of its layer (width >= 1; n
 *    may be 0).  Most activations ignore width; one that treats units
 *    differently (BReLU: even and odd units) uses it.
 *  - p holds the n_params parameter values: the ones the user gave or the
 *    defaults, and for a learned parameter this layer's current value.  Do
 *    not read p when n_params is 0.
 *  - At a kink choose one of the two one-sided derivatives (PyTorch's
 *    choice where there is one: relu'(0) = 0) and say which in at_kinks.
 *
 * A plugin is code that runs inside actbench with your rights: load only
 * plugins you built or trust.  The header also compiles as C++: designated
 * initialisers then need C++20 and the fields' order, and g++ -Wextra warns
 * about the fields left out (zero, as in C) unless given
 * -Wno-missing-field-initializers. */
#ifndef ACTBENCH_ACTIVATION_H
#define ACTBENCH_ACTIVATION_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this interface.  It changes whenever the struct or the
 * functions' meaning change; actbench refuses a plugin built for another
 * version (rebuild it against the header of the actbench you run). */
#define ACTBENCH_ACTIVATION_ABI 1

#define ACTBENCH_MAX_PARAMS 8  /* parameters per activation */
#define ACTBENCH_MAX_KINKS 4   /* kinks per activation */
#define ACTBENCH_MAX_NAME 40   /* characters in a name or a parameter's name */

/* y[i] = f(z[i]) for i < n. */
typedef void (*actbench_f_fn)(float *y, const float *z, size_t n, int width, const float *p);

/* d[i] = f'(z[i]) = df/dz at z[i] for i < n; y[i] = f(z[i]) is given too, for
 * activations whose derivative is cheaper from the output (sigmoid:
 * f' = y (1 - y)). */
typedef void (*actbench_df_fn)(float *d, const float *z, const float *y, size_t n, int width,
                               const float *p);

/* For each learned parameter j: g[j] += sum over i < n of
 * da[i] * (df/dp_j at z[i]), where da[i] is the loss's gradient with respect
 * to the output y[i].  g has n_params entries; leave those of parameters
 * that are not learned alone.  Add, do not assign: actbench zeroes g and
 * may call pgrad several times (one batch in pieces) before reading it.
 * Accumulate in double: n can be large. */
typedef void (*actbench_pgrad_fn)(double *g, const float *da, const float *z, const float *y,
                                  size_t n, int width, const float *p);

/* Returns NULL when the parameter values p are acceptable, else a message
 * saying what is ("beta must be > 0").  Called with the values the user
 * gives (and the defaults, when the plugin is loaded), not during
 * training. */
typedef const char *(*actbench_check_fn)(const float *p);

typedef struct actbench_activation {
    /* The activation's label in every file actbench writes and what
     * plugin:PATH:NAME selects: 1 to 40 characters of [a-z0-9_], not a
     * built-in activation's name. */
    const char *name;
    const char *formula;     /* one line for --list-acts: "f(z) = max(0, z)" */
    const char *range;       /* the output range in words: "(-inf, inf)", "[0, inf)" */
    int zero_centred;        /* nonzero: outputs centred on 0 for inputs centred on 0 */
    const char *usual_init;  /* "xavier", "he" or "lecun": what --init auto picks */

    int n_params;            /* 0 to ACTBENCH_MAX_PARAMS */
    const char *param_names[ACTBENCH_MAX_PARAMS];  /* [a-z0-9_], as the user reads them */
    float defaults[ACTBENCH_MAX_PARAMS];           /* finite; used when the user gives none */
    /* Bit j set: parameter j is learned, one value per layer, starting from
     * its default (or the user's value); pgrad gives its gradient. */
    unsigned learned;

    /* The points where f or f' is not smooth, ascending and finite:
     * gradcheck's finite differences step around them.  0 for a smooth f.
     * They are fixed: a kink that moves with a parameter is not known at
     * its new place, and gradcheck may report the differences across it. */
    int n_kinks;
    double kinks[ACTBENCH_MAX_KINKS];
    const char *at_kinks;    /* the derivative used at them, for --list-acts
                                ("f'(0) = 0"); NULL: nothing to say */

    actbench_f_fn f;          /* required */
    actbench_df_fn df;        /* required */
    actbench_pgrad_fn pgrad;  /* required when a parameter is learned, else NULL */
    actbench_check_fn check;  /* NULL: any finite values are accepted */
} actbench_activation;

#if defined(__GNUC__) || defined(__clang__)
#define ACTBENCH_EXPORT __attribute__((visibility("default")))
#else
#define ACTBENCH_EXPORT
#endif

#ifdef __cplusplus
#define ACTBENCH_EXTERN extern "C"
#else
#define ACTBENCH_EXTERN extern
#endif

/* Every plugin ends with ACTBENCH_PLUGIN(&a, &b, ...);  It exports the two
 * symbols actbench looks for, visible even under -fvisibility=hidden:
 * actbench_abi, the version this file was built for, and
 * actbench_activations, the descriptors in a NULL-ended table.  (The
 * extern declarations first: in C++ a const object at file scope would
 * otherwise be local to the file.) */
#define ACTBENCH_PLUGIN(...)                                                             \
    ACTBENCH_EXTERN ACTBENCH_EXPORT const int actbench_abi;                              \
    ACTBENCH_EXTERN ACTBENCH_EXPORT const actbench_activation *const actbench_activations[]; \
    const int actbench_abi = ACTBENCH_ACTIVATION_ABI;                                    \
    const actbench_activation *const actbench_activations[] = {__VA_ARGS__, NULL}

#ifdef __cplusplus
}
#endif

#endif
