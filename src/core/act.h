/* act.h - the activation registry: name, parameters, f, f', output range,
 * zero-centredness, the initialisation usually paired with it.
 *
 * Every function works element-wise on a contiguous float buffer so the
 * compiler can vectorise the loop.  f' is computed from the pre-activation z;
 * the output y = f(z) is passed as well and used where it is cheaper (sigmoid,
 * tanh).  No I/O here. */
#ifndef ACTBENCH_ACT_H
#define ACTBENCH_ACT_H

#include <stdbool.h>
#include <stddef.h>

#include "names.h"
#include "status.h"

#define ACT_MAX_PARAMS 8

typedef enum { INIT_XAVIER, INIT_HE, INIT_LECUN, INIT_NORMAL } init_kind;

/* y[i] = f(z[i]) for i < n, with the activation's parameters p. */
typedef void (*act_fn)(float *restrict y, const float *restrict z, size_t n, const float *p);
/* d[i] = f'(z[i]); y[i] = f(z[i]) is given too. */
typedef void (*act_dfn)(float *restrict d, const float *restrict z, const float *restrict y,
                        size_t n, const float *p);

/* y[i] = f(z[i]) and d[i] = f'(z[i]) at once: the same bits as f then df. */
typedef void (*act_fdfn)(float *restrict y, float *restrict d, const float *restrict z,
                         size_t n, const float *p);

/* g[j] += sum over i of da[i] df(z[i])/dp_j, in double, for every learned
 * parameter j (the others untouched); y = f(z) is given too. */
typedef void (*act_pgradfn)(double *restrict g, const float *restrict da,
                            const float *restrict z, const float *restrict y, size_t n,
                            const float *p);

/* An activation made at run time: a formula (expr:) or a C plugin
 * (plugin:).  Its functions take impl, and the layer's width: the buffers
 * hold whole rows of width units, so element i is unit i % width (BReLU's
 * sign depends on it).  fdf may be NULL; pgrad is NULL without learned
 * parameters. */
typedef struct {
    const void *impl;
    void (*f)(const void *impl, float *restrict y, const float *restrict z, size_t n,
              int width, const float *p);
    void (*df)(const void *impl, float *restrict d, const float *restrict z,
               const float *restrict y, size_t n, int width, const float *p);
    void (*fdf)(const void *impl, float *restrict y, float *restrict d,
                const float *restrict z, size_t n, int width, const float *p);
    void (*pgrad)(const void *impl, double *restrict g, const float *restrict da,
                  const float *restrict z, const float *restrict y, size_t n, int width,
                  const float *p);
    /* the points in [lo, hi] where f or f' is not smooth, ascending */
    int (*kinks)(const void *impl, const float *p, double lo, double hi, double *k, int max);
    const char *kind;   /* "expr" or "plugin" */
    bool exact;         /* f' exact by construction (a formula's): its values at kinks
                           are its rules', and it is element-wise */
    const char *source; /* what the user wrote after the label: for config.json */
} act_dyn;

typedef struct act_info {
    const char *name;
    const char *formula;      /* one line, for --list-acts */
    int n_params;
    const char *param_names[ACT_MAX_PARAMS];
    bool params_required;     /* no defaults: every parameter must be given */
    const char *params_why;   /* why, for the message */
    float defaults[ACT_MAX_PARAMS];
    act_fn f;
    act_dfn df;
    act_fdfn fdf;             /* f and f' sharing their costly part; NULL: f, then df */
    const char *range;        /* output range, in words */
    bool zero_centred;        /* outputs centred on 0 for centred inputs */
    unsigned learned;         /* bit j: parameter j is learned per layer (prelu: its slope) */
    act_pgradfn pgrad;        /* built-ins with learned parameters: their gradient */
    bool random_in_training;  /* a random slope while training (rrelu) */
    init_kind usual_init;     /* what --init auto picks */
    const char *kinks;        /* derivative used exactly at kinks, or NULL */
    /* Checks parameter values; NULL = any finite value.  Returns a message
     * naming what is accepted, or NULL when p is fine. */
    const char *(*check)(const float *p);
    const act_dyn *dyn;       /* formulas and plugins: how to call them; NULL for built-ins */
} act_info;

/* One activation as configured: registry entry plus its parameter values. */
typedef struct {
    const act_info *info;
    float p[ACT_MAX_PARAMS];
    double max_df;   /* max |f'(z)| over z, for saturated_pct */
    char label[64];  /* name, or name:p1[:p2] when not the defaults */
} act_spec;

/* The calls, for built-ins and run-time activations alike, over n elements
 * that are whole rows of width units (width 1: every element is unit 0). */
static inline void act_f(const act_info *info, float *restrict y, const float *restrict z,
                         size_t n, int width, const float *p)
{
    if (info->dyn)
        info->dyn->f(info->dyn->impl, y, z, n, width, p);
    else
        info->f(y, z, n, p);
}

static inline void act_df(const act_info *info, float *restrict d, const float *restrict z,
                          const float *restrict y, size_t n, int width, const float *p)
{
    if (info->dyn)
        info->dyn->df(info->dyn->impl, d, z, y, n, width, p);
    else
        info->df(d, z, y, n, p);
}

/* Whether f and f' are computed in one pass (act_f_and_df). */
static inline bool act_fused(const act_info *info)
{
    return info->dyn ? info->dyn->fdf != NULL : info->fdf != NULL;
}

/* y = f(z) and d = f'(z) as training computes them: in one pass when the
 * activation has one (the same bits as f then df), else f then df. */
static inline void act_f_and_df(const act_info *info, float *restrict y, float *restrict d,
                                const float *restrict z, size_t n, int width, const float *p)
{
    if (info->dyn && info->dyn->fdf) {
        info->dyn->fdf(info->dyn->impl, y, d, z, n, width, p);
    } else if (!info->dyn && info->fdf) {
        info->fdf(y, d, z, n, p);
    } else {
        act_f(info, y, z, n, width, p);
        act_df(info, d, z, y, n, width, p);
    }
}

/* g[j] += the gradient of every learned parameter j from dL/dh = da. */
static inline void act_pgrad(const act_info *info, double *restrict g,
                             const float *restrict da, const float *restrict z,
                             const float *restrict y, size_t n, int width, const float *p)
{
    if (info->dyn)
        info->dyn->pgrad(info->dyn->impl, g, da, z, y, n, width, p);
    else
        info->pgrad(g, da, z, y, n, p);
}

/* The index of the q-th learned parameter (q < act_n_learned). */
static inline int act_learned_param(const act_info *info, int q)
{
    for (int j = 0; j < ACT_MAX_PARAMS; j++)
        if (info->learned >> j & 1u && q-- == 0)
            return j;
    return -1;
}

/* How many parameters are learned per layer. */
static inline int act_n_learned(const act_info *info)
{
    return __builtin_popcount(info->learned);
}

/* The parameter values of one layer: a's, with the learned ones (in
 * parameter order) from lp, the layer's n_learned floats; lp NULL keeps
 * a's own values. */
static inline void act_layer_params(float *out, const act_spec *a, const float *lp)
{
    for (int j = 0, k = 0; j < ACT_MAX_PARAMS; j++)
        out[j] = lp && (a->info->learned >> j & 1u) ? lp[k++] : a->p[j];
}

/* max |f'(z)| over z for parameters p (a->p when NULL), on a fine grid over
 * [-20, 20] with the kinks' neighbourhoods: saturated_pct's scale. */
double act_max_df(const act_spec *a, const float *p);

/* The points where a's f or f' is not smooth (f' jumps, or f'' does:
 * softsign at 0), ascending, into k[0..max); returns how many there are (more than max: only
 * max written), or -1 when memory is short.
 * A central difference across one of them is not a derivative. */
#define ACT_MAX_KINKS 16
/* Formulas and plugins: the kinks looked for, in [-ACT_KINK_SPAN, ACT_KINK_SPAN]
 * (gradcheck's range, and softplus's threshold 20). */
#define ACT_KINK_SPAN 21.0
int act_kinks(const act_spec *a, double *k, int max);

/* The registry, in --list-acts order. */
extern const act_info act_registry[];
extern const int act_count;

/* Looks up a registry entry by exact name; NULL if unknown. */
const act_info *act_find(const char *name);

/* Looks up a registry entry as a user may write it: its name, PyTorch's
 * class name or another usual spelling, in any case, with or without '_'
 * and '-' (ELU, LeakyReLU, Hardswish, leaky-relu), or an alias (swish =
 * silu, heaviside = step, linear = identity); NULL if none. */
const act_info *act_lookup(const char *name);

/* Up to max registry names near name (a typo, or name as their start),
 * closest first, into out; returns how many. */
int act_suggest(const char **out, int max, const char *name);

/* Parses "name" or "name:p1[:p2]" into out (name as act_lookup takes it;
 * the label is the registry's name), or a formula or plugin (actx.h).  AB_EUSAGE with a message naming
 * the bad value and what is accepted (the list of names for an unknown one). */
ab_status act_parse(act_spec *out, const char *spec, ab_err *err);

/* Initialises out with the defaults of info. */
void act_default(act_spec *out, const act_info *info);

/* The init schemes' names, with aliases (glorot, kaiming), normal:STD, and
 * auto (ACT_INIT_AUTO): the usual scheme of each activation. */
#define ACT_INIT_AUTO (-1)
extern const name_row act_inits[];

/* Name of an init scheme ("xavier", ...), or "auto" for ACT_INIT_AUTO. */
const char *act_init_name(int k);

/* RReLU in training draws a slope per element; this fills y and the slopes
 * used (slope[i] = 1 where z > 0) from uniforms u[i] in [0,1). */
void act_rrelu_train(float *restrict y, float *restrict slope, const float *restrict z,
                     const float *restrict u, size_t n, const float *p);

#endif
