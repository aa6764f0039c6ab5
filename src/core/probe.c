/* probe.c - gradient-flow, dead-unit, saturation and sign diagnostics. */
#include "probe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "loss.h"
#include "vec.h"

/* Designated rows: name, label, field, and whether only hidden layers have it. */
#define METRIC(field, lab, hidden) \
    {.name = #field, .label = lab, .off = offsetof(probe_layer, field), .hidden_only = hidden}

const probe_metric probe_metrics[] = {
    METRIC(grad_norm, "||dL/dW|| (Frobenius)", false),
    METRIC(bias_grad_norm, "||dL/db||", false),
    METRIC(grad_mean_abs, "mean |dL/dW|", false),
    METRIC(weight_norm, "||W|| (Frobenius)", false),
    METRIC(act_mean, "mean activation", true),
    METRIC(act_std, "std of activations", true),
    METRIC(act_pos_frac, "fraction of activations > 0", true),
    METRIC(dead_pct, "dead units (%)", true),
    METRIC(saturated_pct, "saturated units (%)", true),
    METRIC(sat_low_pct, "saturated, z < 0 (%)", true),
    METRIC(sat_high_pct, "saturated, z >= 0 (%)", true),
    METRIC(same_sign_pct, "single-sign gradient rows (%)", true),
};
const int probe_n_metrics = (int)(sizeof probe_metrics / sizeof probe_metrics[0]);

const probe_metric *probe_metric_find(const char *name)
{
    for (int m = 0; m < probe_n_metrics; m++)
        if (strcmp(probe_metrics[m].name, name) == 0)
            return &probe_metrics[m];
    return NULL;
}

const probe_metric *probe_metric_at(size_t off)
{
    for (int m = 0; m < probe_n_metrics; m++)
        if (probe_metrics[m].off == off)
            return &probe_metrics[m];
    return NULL;
}

ab_status probe_ctx_create(probe_ctx *c, const net *n, ab_err *err)
{
    c->hist = NULL;
    c->range[PROBE_HIST_ACT] = probe_act_range(&n->cfg.act);
    c->range[PROBE_HIST_PREACT] = probe_preact_range();
    c->grads = net_arena_alloc(n);
    c->alive = malloc((size_t)n->cfg.depth * (size_t)n->cfg.width);
    if (!c->grads || !c->alive) {
        probe_ctx_free(c);
        return ab_fail(err, AB_ERUNTIME, "out of memory: probe buffers");
    }
    return AB_OK;
}

void probe_ctx_free(probe_ctx *c)
{
    free(c->grads);
    free(c->alive);
    c->grads = NULL;
    c->alive = NULL;
}

size_t probe_ctx_bytes(const net *n)
{
    return net_arena_bytes(n) + (size_t)n->cfg.depth * (size_t)n->cfg.width;
}

int probe_pick(int *idx, int n_train, int max)
{
    int m = n_train <= max ? n_train : max;
    for (int i = 0; i < m; i++)
        idx[i] = (int)((long long)i * n_train / m);
    return m;
}

/* ---- histogram bins and dead units ---------------------------------- */

const char *const probe_hist_kind_names[PROBE_HIST_KINDS] = {"act", "preact"};

/* Units of a row an activation's range and zeros are looked for in: a
 * plugin may treat units apart (BReLU's odd units are -relu(-z)). */
#define SCAN_UNITS 8

/* f of a at every z[0..n), each in units 0..SCAN_UNITS-1 of a row, into y
 * (n x SCAN_UNITS); false when out of memory. */
static bool scan_f(float *y, const act_spec *a, const float *z, int n)
{
    float *zz = malloc(sizeof *zz * (size_t)n * SCAN_UNITS);
    if (!zz)
        return false;
    for (int i = 0; i < n; i++)
        for (int u = 0; u < SCAN_UNITS; u++)
            zz[(size_t)i * SCAN_UNITS + u] = z[i];
    act_f(a->info, y, zz, (size_t)n * SCAN_UNITS, SCAN_UNITS, a->p);
    free(zz);
    return true;
}

/* x rounded away from 0 (up = towards +inf, else -inf) to two significant
 * digits; the measured bound of an asymptote (softsign's -0.9999 at -1e4)
 * becomes the asymptote. */
static double round_out(double x, bool up)
{
    if (x == 0.0 || !isfinite(x))
        return x;
    int e = (int)floor(log10(fabs(x))) - 1;
    double m = e < 0 ? x * pow(10.0, -e) : x / pow(10.0, e);
    double k = up ? ceil(m - 1e-9) : floor(m + 1e-9);
    return e < 0 ? k / pow(10.0, -e) : k * pow(10.0, e);
}

probe_range probe_act_range(const act_spec *a)
{
    /* a grid in steps of 1/64 over [-20, 20] (where the built-ins' minima
     * and kinks lie), then out to +-1e4 in factors of 1.25 */
    enum { FINE = 2561, FAR = 2 * 42 };
    float z[FINE + FAR];
    int n = 0;
    for (int i = 0; i < FINE; i++)
        z[n++] = -20.0f + (float)i / 64.0f;
    for (double v = 25.0; v <= 1e4 && n + 2 <= FINE + FAR; v *= 1.25)
        z[n++] = (float)v, z[n++] = (float)-v;
    const probe_range span = probe_preact_range();
    float *y = malloc(sizeof *y * (size_t)n * SCAN_UNITS);
    if (!y || !scan_f(y, a, z, n)) {
        free(y);
        return span;
    }
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < (size_t)n * SCAN_UNITS; i++)
        if (isfinite(y[i])) {
            lo = y[i] < lo ? y[i] : lo;
            hi = y[i] > hi ? y[i] : hi;
        }
    free(y);
    if (!(lo <= hi))
        return span;
    probe_range r = {fmax(round_out(lo, false), span.lo), fmin(round_out(hi, true), span.hi)};
    if (!(r.hi - r.lo >= 1e-6)) /* a constant: a range of 2 around it */
        r = (probe_range){fmax(r.lo - 1.0, span.lo), fmin(r.hi + 1.0, span.hi)};
    return r;
}

probe_range probe_preact_range(void)
{
    return (probe_range){-PROBE_HIST_SPAN, PROBE_HIST_SPAN};
}

bool probe_can_die(const act_spec *a)
{
    enum { N = 1281 };
    float z[N], *y = malloc(sizeof *y * N * SCAN_UNITS);
    for (int i = 0; i < N; i++)
        z[i] = -10.0f + (float)i / 64.0f;
    bool can = false;
    if (y && scan_f(y, a, z, N))
        for (int i = 1; i < N && !can; i++)
            for (int u = 0; u < SCAN_UNITS; u++)
                can |= y[(size_t)i * SCAN_UNITS + u] == 0.0f &&
                       y[(size_t)(i - 1) * SCAN_UNITS + u] == 0.0f;
    free(y);
    return can;
}

void probe_dead_bits(uint8_t *bits, const probe_ctx *c, const net *n)
{
    const int depth = n->cfg.depth, w = n->cfg.width;
    const size_t row = probe_dead_row_bytes(w);
    memset(bits, 0, row * (size_t)depth);
    for (int l = 0; l < depth; l++)
        for (int u = 0; u < w; u++)
            if (!c->alive[(size_t)l * w + u])
                bits[(size_t)l * row + (size_t)(u >> 3)] |= (uint8_t)(1u << (u & 7));
}

/* Counts v[0..cnt) into the PROBE_HIST_SLOTS slots of the bins r. */
static void add_hist(uint32_t *restrict slots, const float *restrict v, size_t cnt,
                     probe_range r)
{
    const double scale = PROBE_HIST_BINS / (r.hi - r.lo);
    for (size_t i = 0; i < cnt; i++) {
        double x = v[i];
        int k;
        if (!(x >= r.lo))
            k = 0;
        else if (x > r.hi)
            k = PROBE_HIST_BINS + 1;
        else {
            k = 1 + (int)((x - r.lo) * scale);
            k = k > PROBE_HIST_BINS ? PROBE_HIST_BINS : k; /* the last bin holds hi */
        }
        slots[k]++;
    }
}

/* Running sums for one hidden layer. */
typedef struct {
    double sum, sumsq;
    long long pos, sat_low, sat_high, pairs;
    long long same_sign, signed_rows;
} layer_acc;

#define SUM_LANES 8

/* Four doubles and four floats, as GCC's and Clang's vector extensions. */
typedef double v4d __attribute__((vector_size(4 * sizeof(double))));
typedef float v4f __attribute__((vector_size(4 * sizeof(float))));

static double lanes_total(const double *v)
{
    return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
}

/* Adds the sum and the sum of squares of a[0..cnt) to acc, in double.
 *
 * Eight interleaved partial sums (element i into lane i % 8), combined
 * pairwise: a fixed order, so the same bits every run, and one that keeps
 * two vector registers busy instead of one long chain of dependent
 * additions.  Inlined into accumulate_hidden, so into each of its clones. */
static inline __attribute__((always_inline)) void add_moments(layer_acc *acc,
                                                              const float *restrict a,
                                                              size_t cnt)
{
    v4d s0 = {0}, s1 = {0}, q0 = {0}, q1 = {0};
    size_t e = 0;
    for (; e + SUM_LANES <= cnt; e += SUM_LANES) {
        v4f f0, f1;
        memcpy(&f0, a + e, sizeof f0);
        memcpy(&f1, a + e + 4, sizeof f1);
        v4d d0 = __builtin_convertvector(f0, v4d), d1 = __builtin_convertvector(f1, v4d);
        s0 += d0;
        s1 += d1;
        q0 += d0 * d0;
        q1 += d1 * d1;
    }
    double s8[SUM_LANES], q8[SUM_LANES];
    memcpy(s8, &s0, sizeof s0);
    memcpy(s8 + 4, &s1, sizeof s1);
    memcpy(q8, &q0, sizeof q0);
    memcpy(q8 + 4, &q1, sizeof q1);
    for (int k = 0; e < cnt; e++, k++) {
        double v = a[e];
        s8[k] += v;
        q8[k] += v * v;
    }
    acc->sum += lanes_total(s8);
    acc->sumsq += lanes_total(q8);
}

/* Counts into acc the positive activations of a (B x w) and the saturated
 * slopes of fp (|f'| < thr; everywhere when f' is 0 everywhere, as step's),
 * apart by the side of the activation's input z (B x w) they are on (z < 0,
 * z >= 0), and marks in alive (w) the units that were not 0 once.  Counted
 * row by row in int, which vectorises in 32-bit lanes; a row has at most
 * width < 2^31 entries. */
static inline __attribute__((always_inline)) void add_counts(layer_acc *acc,
                                                             unsigned char *restrict alive,
                                                             const float *restrict a,
                                                             const float *restrict fp,
                                                             const float *restrict z, int B,
                                                             int w, float thr, bool flat)
{
    const size_t cnt = (size_t)B * (size_t)w;
    long long pos = 0, low = 0, high = 0;
    for (int s = 0; s < B; s++) {
        const float *restrict ar = a + (size_t)s * w, *restrict fr = fp + (size_t)s * w,
                              *restrict zr = z + (size_t)s * w;
        int p = 0, lo = 0, hi = 0;
        for (int i = 0; i < w; i++) {
            int sat = flat || fabsf(fr[i]) < thr, neg = zr[i] < 0.0f;
            p += ar[i] > 0.0f;
            lo += sat & neg;
            hi += sat & !neg;
            alive[i] |= ar[i] != 0.0f;
        }
        pos += p;
        low += lo;
        high += hi;
    }
    acc->pos += pos;
    acc->sat_low += low;
    acc->sat_high += high;
    acc->pairs += (long long)cnt;
}

/* Counts into acc the rows of each sample's weight gradient that have a
 * nonzero entry, and those whose nonzero entries share one sign, from
 * a_prev (B x wp), the layer's input, and dz (B x w).  Row i of sample s's
 * weight gradient is dz_i a_prev: its nonzero entries share one sign iff
 * dz_i != 0 and the nonzero a_prev do. */
static inline __attribute__((always_inline)) void add_signs(layer_acc *acc,
                                                            const float *restrict a_prev,
                                                            const float *restrict dz, int B,
                                                            int wp, int w)
{
    long long signed_rows = 0, same_sign = 0;
    for (int s = 0; s < B; s++) {
        const float *restrict pr = a_prev + (size_t)s * wp;
        int npos = 0, nneg = 0;
        for (int j = 0; j < wp; j++) {
            npos += pr[j] > 0.0f;
            nneg += pr[j] < 0.0f;
        }
        if (npos + nneg == 0)
            continue;
        const float *restrict dr = dz + (size_t)s * w;
        int nonzero = 0;
        for (int i = 0; i < w; i++)
            nonzero += dr[i] != 0.0f;
        signed_rows += nonzero;
        if (npos == 0 || nneg == 0)
            same_sign += nonzero;
    }
    acc->signed_rows += signed_rows;
    acc->same_sign += same_sign;
}

/* Adds one chunk of B samples of hidden layer l to acc.  The activation
 * statistics are of the activation's own output h = f(y), also when a skip
 * adds the layer's input to it; saturation is of f'(y).
 *
 * The double sums have a fixed order (add_moments), which fixes their last
 * bits; everything else is counting, done in separate loops on local
 * counters that the compiler can vectorise. */
AB_VEC
static void accumulate_hidden(layer_acc *acc, unsigned char *restrict alive, const net *n,
                              const net_ws *ws, int l, int B, double max_df)
{
    const int w = n->fan_out[l];
    const float thr = (float)(0.01 * max_df);
    add_moments(acc, ws->h[l], (size_t)B * (size_t)w);
    add_counts(acc, alive, ws->h[l], ws->fp[l], ws->y[l], B, w, thr, max_df == 0.0);
    /* layer 1's input is the data, not an activation: same_sign_pct does not
     * apply (probe.h).  With a skip, a_prev is the previous layer's a, not
     * its h; dz is dL/dz before any batchnorm. */
    if (l > 0)
        add_signs(acc, ws->a[l - 1], ws->dz[l], B, n->fan_out[l - 1], w);
}

static double frob(const float *v, size_t n, double *sum_abs)
{
    double ss = 0.0, sa = 0.0;
    for (size_t i = 0; i < n; i++) {
        ss += (double)v[i] * v[i];
        sa += fabs(v[i]);
    }
    if (sum_abs)
        *sum_abs = sa;
    return sqrt(ss);
}

double probe_measure(probe_layer *out, const net *n, const float *params, net_ws *ws,
                     probe_ctx *c, const data_set *probe)
{
    const int L = n->n_layers, depth = n->cfg.depth, width = n->cfg.width;
    layer_acc acc[NET_MAX_DEPTH];
    memset(acc, 0, sizeof(layer_acc) * (size_t)depth);
    memset(c->grads, 0, net_arena_bytes(n));
    memset(c->alive, 0, (size_t)depth * (size_t)width);
    loss_tally tally = {0};
    const float scale = 1.0f / (float)probe->n;
    /* saturation's scale, max |f'|: with learned parameters, at the layer's */
    double max_df[NET_MAX_DEPTH];
    for (int l = 0; l < depth; l++) {
        max_df[l] = n->cfg.act.max_df;
        if (n->n_learned) {
            float p[ACT_MAX_PARAMS];
            act_layer_params(p, &n->cfg.act, net_lparams(n, params, l));
            max_df[l] = act_max_df(&n->cfg.act, p);
        }
    }
    /* With batchnorm, each chunk is normalised by its own batch statistics,
     * as a training batch is (NET_PROBE), and the gradient is that of the
     * mean loss of those chunk-normalised networks; the running statistics
     * are neither used nor changed. */
    for (int start = 0; start < probe->n; start += ws->cap) {
        int B = probe->n - start < ws->cap ? probe->n - start : ws->cap;
        const float *x = probe->x + (size_t)start * probe->d;
        net_forward(n, params, ws, x, B, NET_PROBE, NULL);
        loss_eval(&tally, ws->dz[L - 1], ws->a[L - 1], ws->z[L - 1], probe->y + start, B,
                  n->fan_out[L - 1], n->cfg.out, scale);
        net_backward(n, params, c->grads, ws, x, B);
        for (int l = 0; l < depth; l++)
            accumulate_hidden(&acc[l], c->alive + (size_t)l * width, n, ws, l, B, max_df[l]);
        for (int l = 0; c->hist && l < depth; l++) {
            uint32_t *h = c->hist + (size_t)l * PROBE_HIST_KINDS * PROBE_HIST_SLOTS;
            size_t cnt = (size_t)B * (size_t)width;
            add_hist(h + PROBE_HIST_ACT * PROBE_HIST_SLOTS, ws->h[l], cnt,
                     c->range[PROBE_HIST_ACT]);
            add_hist(h + PROBE_HIST_PREACT * PROBE_HIST_SLOTS, ws->y[l], cnt,
                     c->range[PROBE_HIST_PREACT]);
        }
    }
    for (int l = 0; l < L; l++) {
        probe_layer *o = &out[l];
        size_t nw = (size_t)n->fan_in[l] * n->fan_out[l];
        double sum_abs;
        o->layer = l + 1;
        o->grad_norm = frob(c->grads + n->w_off[l], nw, &sum_abs);
        o->grad_mean_abs = sum_abs / (double)nw;
        o->bias_grad_norm = frob(c->grads + n->b_off[l], (size_t)n->fan_out[l], NULL);
        o->weight_norm = frob(params + n->w_off[l], nw, NULL);
        o->act_mean = o->act_std = o->act_pos_frac = NAN;
        o->dead_pct = o->saturated_pct = o->sat_low_pct = o->sat_high_pct = NAN;
        o->same_sign_pct = NAN;
        for (int k = 0; k < ACT_MAX_PARAMS; k++)
            o->learned[k] = NAN;
        if (l >= depth)
            continue;
        const layer_acc *a = &acc[l];
        double cnt = (double)a->pairs;
        o->act_mean = a->sum / cnt;
        double var = a->sumsq / cnt - o->act_mean * o->act_mean;
        o->act_std = sqrt(var > 0.0 ? var : 0.0);
        o->act_pos_frac = (double)a->pos / cnt;
        int dead = 0;
        for (int i = 0; i < width; i++)
            dead += !c->alive[(size_t)l * width + i];
        o->dead_pct = 100.0 * dead / width;
        o->sat_low_pct = 100.0 * (double)a->sat_low / cnt;
        o->sat_high_pct = 100.0 * (double)a->sat_high / cnt;
        o->saturated_pct = 100.0 * (double)(a->sat_low + a->sat_high) / cnt;
        if (l > 0 && a->signed_rows > 0)
            o->same_sign_pct = 100.0 * (double)a->same_sign / (double)a->signed_rows;
        for (int k = 0; k < n->n_learned; k++)
            o->learned[k] = net_lparams(n, params, l)[k];
    }
    return tally.sum / probe->n;
}
