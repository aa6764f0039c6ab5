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

#define ACT_MAX_PARAMS 2

typedef enum { INIT_XAVIER, INIT_HE, INIT_LECUN, INIT_NORMAL } init_kind;

/* y[i] = f(z[i]) for i < n, with the activation's parameters p. */
typedef void (*act_fn)(float *restrict y, const float *restrict z, size_t n, const float *p);
/* d[i] = f'(z[i]); y[i] = f(z[i]) is given too. */
typedef void (*act_dfn)(float *restrict d, const float *restrict z, const float *restrict y,
                        size_t n, const float *p);

/* y[i] = f(z[i]) and d[i] = f'(z[i]) at once: the same bits as f then df. */
typedef void (*act_fdfn)(float *restrict y, float *restrict d, const float *restrict z,
                         size_t n, const float *p);

typedef struct {
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
    bool learned;             /* parameter 0 is learned per layer (prelu) */
    bool random_in_training;  /* a random slope while training (rrelu) */
    init_kind usual_init;     /* what --init auto picks */
    const char *kinks;        /* derivative used exactly at kinks, or NULL */
    /* Checks parameter values; NULL = any finite value.  Returns a message
     * naming what is accepted, or NULL when p is fine. */
    const char *(*check)(const float *p);
} act_info;

/* One activation as configured: registry entry plus its parameter values. */
typedef struct {
    const act_info *info;
    float p[ACT_MAX_PARAMS];
    double max_df;   /* max |f'(z)| over z, for saturated_pct */
    char label[64];  /* name, or name:p1[:p2] when not the defaults */
} act_spec;

/* y = f(z) and d = f'(z) as training computes them: with info->fdf when the
 * activation has it, else f then df. */
static inline void act_f_and_df(const act_info *info, float *restrict y, float *restrict d,
                                const float *restrict z, size_t n, const float *p)
{
    if (info->fdf) {
        info->fdf(y, d, z, n, p);
    } else {
        info->f(y, z, n, p);
        info->df(d, z, y, n, p);
    }
}

/* The points where a's f or f' is not smooth (f' jumps, or f'' does:
 * softsign at 0), ascending, into k[0..max); returns how many (at most 4).
 * A central difference across one of them is not a derivative. */
#define ACT_MAX_KINKS 4
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
 * the label is the registry's name).  AB_EUSAGE with a message naming
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
