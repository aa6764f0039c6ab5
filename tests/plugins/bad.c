/* bad.c - plugins that actbench must refuse, one per BAD_* macro: each
 * case is built into its own module (tests/plugins/meson.build), and
 * test_plugin.c checks the message plugin_load gives for it.  Each case
 * starts from a valid descriptor (GOOD) and breaks one thing, so a
 * refusal can only be for that thing (hence -Wno-override-init). */
#include <math.h>

#include <actbench/activation.h>

__attribute__((unused))
static void id_f(float *y, const float *z, size_t n, int width, const float *p)
{
    (void)width, (void)p;
    for (size_t i = 0; i < n; i++)
        y[i] = z[i];
}

__attribute__((unused))
static void id_df(float *d, const float *z, const float *y, size_t n, int width,
                  const float *p)
{
    (void)z, (void)y, (void)width, (void)p;
    for (size_t i = 0; i < n; i++)
        d[i] = 1.0f;
}

__attribute__((unused))
static void zero_pgrad(double *g, const float *da, const float *z, const float *y, size_t n,
                       int width, const float *p)
{
    (void)g, (void)da, (void)z, (void)y, (void)n, (void)width, (void)p;
}

__attribute__((unused))
static const char *refuse(const float *p)
{
    (void)p;
    return "beta must be > 0";
}

#define GOOD                                                                            \
    .name = "good", .formula = "f(z) = z", .range = "(-inf, inf)", .usual_init = "xavier", \
    .n_params = 2, .param_names = {"alpha", "beta"}, .defaults = {1.0f, 2.0f},            \
    .f = id_f, .df = id_df

#if defined(BAD_NO_ABI)
/* the table without actbench_abi: what a plugin written by hand may forget */
__attribute__((visibility("default"))) extern const actbench_activation *const
    actbench_activations[];
static const actbench_activation a = {GOOD};
const actbench_activation *const actbench_activations[] = {&a, NULL};
#elif defined(BAD_NO_TABLE)
__attribute__((visibility("default"))) extern const int actbench_abi;
const int actbench_abi = ACTBENCH_ACTIVATION_ABI;
#elif defined(BAD_ABI999)
__attribute__((visibility("default"))) extern const int actbench_abi;
__attribute__((visibility("default"))) extern const actbench_activation *const
    actbench_activations[];
static const actbench_activation a = {GOOD};
const int actbench_abi = 999;
const actbench_activation *const actbench_activations[] = {&a, NULL};
#elif defined(BAD_EMPTY)
__attribute__((visibility("default"))) extern const int actbench_abi;
__attribute__((visibility("default"))) extern const actbench_activation *const
    actbench_activations[];
const int actbench_abi = ACTBENCH_ACTIVATION_ABI;
const actbench_activation *const actbench_activations[] = {NULL};
#elif defined(BAD_UNDEFINED)
/* links (a module may leave symbols to its host), fails under RTLD_NOW */
extern float actbench_no_such_function(float);
static void undef_f(float *y, const float *z, size_t n, int width, const float *p)
{
    (void)width, (void)p;
    for (size_t i = 0; i < n; i++)
        y[i] = actbench_no_such_function(z[i]);
}
static const actbench_activation a = {GOOD, .f = undef_f};
ACTBENCH_PLUGIN(&a);
#else
#if defined(BAD_TWO) /* valid, but plugin:PATH alone does not say which */
static const actbench_activation a = {GOOD, .name = "first"};
static const actbench_activation b = {GOOD, .name = "second"};
ACTBENCH_PLUGIN(&a, &b);
#elif defined(BAD_SAME_NAME)
static const actbench_activation a = {GOOD};
static const actbench_activation b = {GOOD};
ACTBENCH_PLUGIN(&a, &b);
#elif defined(BAD_SECOND_BROKEN) /* the first is valid; the second is found anyway */
static const actbench_activation a = {GOOD};
static const actbench_activation b = {GOOD, .name = "broken", .df = NULL};
ACTBENCH_PLUGIN(&a, &b);
#else
static const actbench_activation a = {
    GOOD,
#if defined(BAD_NULL_F)
    .f = NULL,
#elif defined(BAD_NULL_DF)
    .df = NULL,
#elif defined(BAD_NULL_NAME)
    .name = NULL,
#elif defined(BAD_NAME_CHARS)
    .name = "BReLU",
#elif defined(BAD_NAME_LONG)
    .name = "a_name_of_forty_one_characters_xxxxxxxxxx",
#elif defined(BAD_BUILTIN)
    .name = "leakyrelu",
#elif defined(BAD_NULL_FORMULA)
    .formula = NULL,
#elif defined(BAD_FORMULA_LINES)
    .formula = "f(z) = z\nand more",
#elif defined(BAD_NULL_RANGE)
    .range = NULL,
#elif defined(BAD_INIT)
    .usual_init = "kaiming",
#elif defined(BAD_NULL_INIT)
    .usual_init = NULL,
#elif defined(BAD_N_PARAMS)
    .n_params = 9,
#elif defined(BAD_N_PARAMS_NEG)
    .n_params = -1,
#elif defined(BAD_NULL_PARAM)
    .param_names = {"alpha", NULL},
#elif defined(BAD_PARAM_CHARS)
    .param_names = {"alpha", "Beta"},
#elif defined(BAD_PARAM_TWICE)
    .param_names = {"alpha", "alpha"},
#elif defined(BAD_NAN_DEFAULT)
    .defaults = {1.0f, NAN},
#elif defined(BAD_INF_DEFAULT)
    .defaults = {INFINITY, 2.0f},
#elif defined(BAD_LEARNED_BEYOND)
    .learned = 1u << 2, .pgrad = zero_pgrad,
#elif defined(BAD_LEARNED_NO_PGRAD)
    .learned = 1u << 1,
#elif defined(BAD_PGRAD_NOT_LEARNED)
    .pgrad = zero_pgrad,
#elif defined(BAD_N_KINKS)
    .n_kinks = 5,
#elif defined(BAD_N_KINKS_NEG)
    .n_kinks = -1,
#elif defined(BAD_KINKS_ORDER)
    .n_kinks = 2, .kinks = {1.0, -1.0},
#elif defined(BAD_KINK_NAN)
    .n_kinks = 1, .kinks = {NAN},
#elif defined(BAD_AT_KINKS_LINES)
    .n_kinks = 1, .kinks = {0.0}, .at_kinks = "f'(0) = 0\r",
#elif defined(BAD_CHECK)
    .check = refuse,
#else
#error "no BAD_* case given"
#endif
};
ACTBENCH_PLUGIN(&a);
#endif
#endif
