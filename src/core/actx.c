/* actx.c - see actx.h. */
#include "actx.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actbench/activation.h"
#include "expr.h"
#include "plugin.h"
#include "probe.h"
#include "setting.h"

#define EXPR_PREFIX "expr:"
#define PLUGIN_PREFIX "plugin:"

/* The grid on which a new activation's f and f' must be finite: gradcheck's. */
#define GRID_LO (-10.0)
#define GRID_STEP 0.01
#define GRID_N 2001
#define GRID_UNITS 4

/* One run-time activation: its registry entry and what it was made from. */
typedef struct {
    act_info info;
    act_dyn dyn;
    char *key;      /* label '\n' source: what makes two specs the same entry */
    char name[ACTX_LABEL_MAX + 1];
    char range[64];
    char *source;   /* the text after the label */
    expr *ex;       /* a formula's program, or NULL */
    const actbench_activation *plug;  /* a plugin's descriptor, or NULL */
    char pnames[ACT_MAX_PARAMS][64];  /* a plugin's parameter names, copied */
} entry;

/* Every entry made, for the life of the process (reachable, so not a leak). */
static entry **entries;
static int n_entries;

static const char *body_of(const char *spec)
{
    if (!strncmp(spec, EXPR_PREFIX, strlen(EXPR_PREFIX)) ||
        !strncmp(spec, PLUGIN_PREFIX, strlen(PLUGIN_PREFIX)))
        return spec;
    const char *eq = strchr(spec, '=');
    if (!eq)
        return NULL;
    const char *b = eq + 1;
    return !strncmp(b, EXPR_PREFIX, strlen(EXPR_PREFIX)) ||
                   !strncmp(b, PLUGIN_PREFIX, strlen(PLUGIN_PREFIX))
               ? b
               : NULL;
}

bool actx_is(const char *spec)
{
    return body_of(spec) != NULL;
}

/* ---- the calls ---- */

static void ex_f(const void *impl, float *restrict y, const float *restrict z, size_t n,
                 int width, const float *p)
{
    (void)width;
    expr_f(impl, y, z, n, p);
}

static void ex_df(const void *impl, float *restrict d, const float *restrict z,
                  const float *restrict y, size_t n, int width, const float *p)
{
    (void)width, (void)y;
    expr_df(impl, d, z, n, p);
}

static void ex_fdf(const void *impl, float *restrict y, float *restrict d,
                   const float *restrict z, size_t n, int width, const float *p)
{
    (void)width;
    expr_fdf(impl, y, d, z, n, p);
}

static void ex_pgrad(const void *impl, double *restrict g, const float *restrict da,
                     const float *restrict z, const float *restrict y, size_t n, int width,
                     const float *p)
{
    (void)width, (void)y;
    expr_pgrad(impl, g, da, z, n, p);
}

static int ex_kinks(const void *impl, const float *p, double lo, double hi, double *k, int max)
{
    return expr_kinks(impl, p, lo, hi, k, max);
}

static void pl_f(const void *impl, float *restrict y, const float *restrict z, size_t n,
                 int width, const float *p)
{
    ((const actbench_activation *)impl)->f(y, z, n, width, p);
}

static void pl_df(const void *impl, float *restrict d, const float *restrict z,
                  const float *restrict y, size_t n, int width, const float *p)
{
    ((const actbench_activation *)impl)->df(d, z, y, n, width, p);
}

static void pl_pgrad(const void *impl, double *restrict g, const float *restrict da,
                     const float *restrict z, const float *restrict y, size_t n, int width,
                     const float *p)
{
    ((const actbench_activation *)impl)->pgrad(g, da, z, y, n, width, p);
}

static int pl_kinks(const void *impl, const float *p, double lo, double hi, double *k, int max)
{
    (void)p;
    const actbench_activation *a = impl;
    int n = 0;
    for (int i = 0; i < a->n_kinks; i++)
        if (a->kinks[i] >= lo && a->kinks[i] <= hi) {
            if (n < max)
                k[n] = a->kinks[i];
            n++;
        }
    return n;
}

/* ---- labels ---- */

static bool label_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '+' || c == '-';
}

/* The label before '=' in spec (len chars) into out; shown: spec as the
 * messages quote it. */
static ab_status check_label(char *out, const char *spec, size_t len, const char *shown,
                             ab_err *err)
{
    if (len == 0 || len > ACTX_LABEL_MAX)
        return ab_fail(err, AB_EUSAGE,
                       "'%s': a label must have 1 to %d characters (letters, digits, _ . + -)",
                       shown, ACTX_LABEL_MAX);
    for (size_t i = 0; i < len; i++)
        if (!label_char(spec[i]) || (i == 0 && (spec[i] == '-' || spec[i] == '.')))
            return ab_fail(err, AB_EUSAGE,
                           "'%s': the label '%.*s' may hold only letters, digits and _ . + - "
                           "(and not start with - or .): it names files and folders",
                           shown, (int)len, spec);
    memcpy(out, spec, len);
    out[len] = '\0';
    const act_info *b = act_lookup(out);
    if (b)
        return ab_fail(err, AB_EUSAGE,
                       "'%s': the label '%s' already names the built-in %s: choose another",
                       shown, out, b->name);
    return AB_OK;
}

/* expr_ and 8 hex digits of the 32-bit FNV-1a hash of s: the same label for
 * the same formula in every run. */
static void hash_label(char *out, size_t n, const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    snprintf(out, n, "expr_%08x", (unsigned)h);
}

/* ---- checks of a new entry ---- */

/* A learned parameter's name becomes a layers.csv column and weight files
 * NAME<layer>.npy: it must not be one of theirs (the fixed columns, the
 * metrics, the settings an experiment sweeps, the weight files' stems, in
 * any case), nor end in a digit. */
static ab_status check_learned_name(const char *spec, const char *name, ab_err *err)
{
    static const char *const taken[] = {"act", "seed", "epoch", "layer", "W", "b", "beta",
                                        "gamma", "running_mean", "running_var", NULL};
    bool clash = false;
    for (int i = 0; taken[i]; i++)
        clash |= !strcasecmp(name, taken[i]);
    for (int m = 0; m < probe_n_metrics; m++)
        clash |= !strcasecmp(name, probe_metrics[m].name);
    for (int k = 0; k < SET_COUNT; k++)
        clash |= !strcasecmp(name, setting_table[k].name);
    if (clash)
        return ab_fail(err, AB_EUSAGE,
                       "'%s': a learned parameter may not be called '%s' (a column of "
                       "layers.csv, a setting or a weight file has that name)", spec, name);
    if (isdigit((unsigned char)name[strlen(name) - 1]))
        return ab_fail(err, AB_EUSAGE,
                       "'%s': a learned parameter's name may not end in a digit ('%s': its "
                       "weight files are NAME<layer>.npy)", spec, name);
    return AB_OK;
}

/* f and f' finite on the grid for units 0..GRID_UNITS-1, with the given
 * parameters; for a formula, the range of f there into e->range, whether
 * it is zero-centred and its usual init (a plugin says its own). */
static ab_status check_finite(entry *e, const char *spec, const float *p, ab_err *err)
{
    const size_t n = (size_t)GRID_N * GRID_UNITS;
    float *z = malloc(3 * n * sizeof *z);
    if (!z)
        return ab_fail(err, AB_ERUNTIME, "out of memory: checking '%s'", spec);
    float *y = z + n, *d = z + 2 * n;
    for (size_t i = 0; i < n; i++)
        z[i] = (float)(GRID_LO + GRID_STEP * (double)(i / GRID_UNITS));
    act_f(&e->info, y, z, n, GRID_UNITS, p);
    act_df(&e->info, d, z, y, n, GRID_UNITS, p);
    ab_status st = AB_OK;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n && st == AB_OK; i++) {
        const char *what = !isfinite(y[i]) ? "f" : !isfinite(d[i]) ? "f'" : NULL;
        if (what) {
            float v = what[1] ? d[i] : y[i];
            char unit[32] = "";
            if (e->plug)
                snprintf(unit, sizeof unit, " in unit %zu of a row", i % GRID_UNITS);
            st = ab_fail(err, AB_EUSAGE,
                         "'%s': %s is %s at x = %g%s (an activation must be finite for every "
                         "input; checked on [%g, %g])",
                         spec, what, isnan(v) ? "NaN" : v > 0 ? "inf" : "-inf", (double)z[i],
                         unit, GRID_LO, -GRID_LO);
        }
        lo = y[i] < lo ? y[i] : lo;
        hi = y[i] > hi ? y[i] : hi;
    }
    if (st == AB_OK && e->plug) {
        /* a plugin says its own */
        snprintf(e->range, sizeof e->range, "%s", e->plug->range);
        e->info.zero_centred = e->plug->zero_centred != 0;
        e->info.usual_init = plugin_usual_init(e->plug);
    } else if (st == AB_OK) {
        snprintf(e->range, sizeof e->range, "[%.3g, %.3g] on [%g, %g]", lo, hi, GRID_LO,
                 -GRID_LO);
        /* zero-centred: the mean of f over z ~ N(0, 1) (the grid, weighted)
         * small beside its spread, as tanh's is and silu's is not */
        double w_sum = 0.0, m1 = 0.0, m2 = 0.0;
        for (size_t i = 0; i < n; i += GRID_UNITS) {
            double w = exp(-0.5 * (double)z[i] * z[i]);
            w_sum += w, m1 += w * y[i], m2 += w * (double)y[i] * y[i];
        }
        m1 /= w_sum, m2 /= w_sum;
        double sd = sqrt(fmax(m2 - m1 * m1, 0.0));
        e->info.zero_centred = fabs(m1) <= 0.1 * sd;
        /* --init auto: xavier, the scheme that assumes nothing of f */
        e->info.usual_init = INIT_XAVIER;
    }
    free(z);
    return st;
}

/* ---- making entries ---- */

static void entry_free(entry *e)
{
    if (!e)
        return;
    expr_free(e->ex);
    free(e->key);
    free(e->source);
    free(e);
}

static ab_status make_expr(entry *e, const char *spec, const char *text, ab_err *err)
{
    ab_status st = expr_parse(&e->ex, text, err);
    if (st != AB_OK) {
        ab_context(err, "'%s'", spec);
        return st;
    }
    act_info *in = &e->info;
    in->formula = expr_formula(e->ex);
    in->n_params = expr_n_params(e->ex);
    for (int j = 0; j < in->n_params; j++) {
        in->param_names[j] = expr_param_name(e->ex, j);
        in->defaults[j] = expr_param_value(e->ex, j);
        if (expr_param_learned(e->ex, j)) {
            in->learned |= 1u << j;
            if ((st = check_learned_name(spec, in->param_names[j], err)) != AB_OK)
                return st;
            /* a and A: their weight files would be one on a case-blind disk */
            for (int i = 0; i < j; i++)
                if (in->learned >> i & 1u && !strcasecmp(in->param_names[i], in->param_names[j]))
                    return ab_fail(err, AB_EUSAGE, "'%s': learned parameters '%s' and '%s' "
                                   "differ only in case (their weight files would clash)",
                                   spec, in->param_names[i], in->param_names[j]);
        }
    }
    in->kinks = "f' from the formula; at a tie of max or min, the second argument's, "
                "abs'(0) = 0";
    e->dyn = (act_dyn){.impl = e->ex, .f = ex_f, .df = ex_df, .fdf = ex_fdf,
                       .pgrad = in->learned ? ex_pgrad : NULL, .kinks = ex_kinks,
                       .kind = "expr", .exact = true};
    return AB_OK;
}

/* PARAM=VALUE items after the plugin's path, ';' apart, into in's defaults. */
static ab_status plugin_params(act_info *in, const char *spec, const char *s, ab_err *err)
{
    unsigned given = 0;
    while (s) {
        const char *semi = strchr(s, ';'), *eq = strchr(s, '=');
        size_t len = semi ? (size_t)(semi - s) : strlen(s);
        if (len == 0)
            return ab_fail(err, AB_EUSAGE, "'%s': an empty item after ';' (give PARAM=VALUE)",
                           spec);
        if (!eq || eq >= s + len)
            return ab_fail(err, AB_EUSAGE, "'%s': '%.*s' is not PARAM=VALUE", spec, (int)len,
                           s);
        int j = 0;
        while (j < in->n_params && (strlen(in->param_names[j]) != (size_t)(eq - s) ||
                                    strncmp(in->param_names[j], s, (size_t)(eq - s))))
            j++;
        if (j == in->n_params)
            return ab_fail(err, AB_EUSAGE, "'%s': %s has no parameter '%.*s'%s", spec,
                           in->name, (int)(eq - s), s,
                           in->n_params ? "" : " (it takes none)");
        if (given >> j & 1u)
            return ab_fail(err, AB_EUSAGE, "'%s': %s's %s is given twice", spec, in->name,
                           in->param_names[j]);
        given |= 1u << j;
        char num[64], *end;
        if (s + len - eq - 1 >= (long)sizeof num)
            return ab_fail(err, AB_EUSAGE, "'%s': %s's %s: the value is longer than %zu "
                           "characters", spec, in->name, in->param_names[j], sizeof num - 1);
        snprintf(num, sizeof num, "%.*s", (int)(s + len - eq - 1), eq + 1);
        errno = 0;
        double v = strtod(num, &end);
        if (end == num || *end || errno == ERANGE || !isfinite(v) || fabs(v) > 1e30)
            return ab_fail(err, AB_EUSAGE,
                           "'%s': %s's %s must be a finite number of magnitude at most 1e30",
                           spec, in->name, in->param_names[j]);
        in->defaults[j] = (float)v;
        s = semi ? semi + 1 : NULL;
    }
    return AB_OK;
}

static ab_status make_plugin(entry *e, const char *spec, const char *text, bool labelled,
                             ab_err *err)
{
    /* PATH[:NAME][;PARAM=VALUE]... -- NAME after the path's last '/' */
    char path[4096];
    const char *semi = strchr(text, ';');
    size_t len = semi ? (size_t)(semi - text) : strlen(text);
    if (len == 0 || len >= sizeof path)
        return ab_fail(err, AB_EUSAGE, "'%s': give the plugin as plugin:PATH.so[:NAME]", spec);
    memcpy(path, text, len);
    path[len] = '\0';
    char *slash = strrchr(path, '/'), *colon = strchr(slash ? slash : path, ':');
    const char *name = NULL;
    if (colon) {
        *colon = '\0';
        name = colon + 1;
    }
    ab_status st = plugin_load(&e->plug, path, name, err);
    if (st != AB_OK)
        return st;
    const actbench_activation *a = e->plug;
    act_info *in = &e->info;
    if (!labelled) {
        const act_info *b = act_lookup(a->name);
        if (b)
            return ab_fail(err, AB_EUSAGE,
                           "'%s': the plugin's activation is called '%s', the built-in %s's "
                           "name: give it a label (LABEL=plugin:...)", spec, a->name, b->name);
        snprintf(e->name, sizeof e->name, "%s", a->name);
    }
    in->formula = a->formula ? a->formula : "(a plugin)";
    in->n_params = a->n_params;
    in->learned = a->learned;
    for (int j = 0; j < a->n_params; j++) {
        snprintf(e->pnames[j], sizeof e->pnames[j], "%s", a->param_names[j]);
        in->param_names[j] = e->pnames[j];
        in->defaults[j] = a->defaults[j];
        if (a->learned >> j & 1u && (st = check_learned_name(spec, e->pnames[j], err)) != AB_OK)
            return st;
    }
    in->kinks = a->at_kinks;
    in->check = a->check;
    e->dyn = (act_dyn){.impl = a, .f = pl_f, .df = pl_df,
                       .pgrad = a->learned ? pl_pgrad : NULL, .kinks = pl_kinks,
                       .kind = "plugin"};
    if ((st = plugin_params(in, spec, semi ? semi + 1 : NULL, err)) != AB_OK)
        return st;
    const char *why = a->check ? a->check(in->defaults) : NULL;
    if (why)
        return ab_fail(err, AB_EUSAGE, "'%s': %s %s", spec, in->name, why);
    return AB_OK;
}

static ab_status make_entry(entry **out, const char *spec, const char *key, const char *label,
                            const char *body, ab_err *err)
{
    entry *e = calloc(1, sizeof *e);
    if (!e || !(e->key = strdup(key)) || !(e->source = strdup(body))) {
        entry_free(e);
        return ab_fail(err, AB_ERUNTIME, "out of memory: '%s'", spec);
    }
    snprintf(e->name, sizeof e->name, "%s", label);
    e->info.name = e->name;
    e->info.range = e->range;
    e->info.dyn = &e->dyn;
    ab_status st = !strncmp(body, EXPR_PREFIX, strlen(EXPR_PREFIX))
                       ? make_expr(e, spec, body + strlen(EXPR_PREFIX), err)
                       : make_plugin(e, spec, body + strlen(PLUGIN_PREFIX), label[0] != '\0',
                                     err);
    if (st == AB_OK && !e->name[0])
        hash_label(e->name, sizeof e->name, body);
    e->dyn.source = e->source;
    if (st == AB_OK)
        st = check_finite(e, spec, e->info.defaults, err);
    if (st != AB_OK) {
        entry_free(e);
        return st;
    }
    entry **grown = realloc(entries, sizeof *entries * (size_t)(n_entries + 1));
    if (!grown) {
        entry_free(e);
        return ab_fail(err, AB_ERUNTIME, "out of memory: '%s'", spec);
    }
    entries = grown;
    entries[n_entries++] = e;
    *out = e;
    return AB_OK;
}

ab_status actx_parse(act_spec *out, const char *spec, ab_err *err)
{
    const char *body = body_of(spec);
    if (!body)
        return ab_fail(err, AB_EUSAGE, "not expr:FORMULA or plugin:PATH");
    /* messages quote at most 60 characters of it, so that the reason after
     * a long formula is not cut off */
    char shown[72];
    size_t sl = strlen(spec), keep = sl > 60 ? 60 : sl;
    memcpy(shown, spec, keep);
    memcpy(shown + keep, sl > 60 ? "..." : "", sl > 60 ? 4 : 1);
    char label[ACTX_LABEL_MAX + 1] = "";
    ab_status st;
    if (body != spec &&
        (st = check_label(label, spec, (size_t)(body - 1 - spec), shown, err)) != AB_OK)
        return st;
    size_t kl = strlen(label) + 1 + strlen(body) + 1;
    char *key = malloc(kl);
    if (!key)
        return ab_fail(err, AB_ERUNTIME, "out of memory: '%s'", spec);
    snprintf(key, kl, "%s\n%s", label, body);
    entry *e = NULL;
    for (int i = 0; i < n_entries && !e; i++)
        if (!strcmp(entries[i]->key, key))
            e = entries[i];
    st = e ? AB_OK : make_entry(&e, shown, key, label, body, err);
    free(key);
    if (st != AB_OK)
        return st;
    act_default(out, &e->info);
    snprintf(out->label, sizeof out->label, "%s", e->name);
    return AB_OK;
}
