/* gradcheck.c - see gradcheck.h. */
#include "gradcheck.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loss.h"
#include "net.h"
#include "rng.h"

#define GC_H (1.0 / 64)   /* exact in float, so z +- k h are too */
#define GC_GRID 0.01      /* grid spacing */

/* f and f' at z for unit u of a row of GC_UNITS units.  The row's other
 * elements hold decoys, distinct fixed values, so that a plugin reading
 * another element than its own, or telling units apart wrongly, is seen;
 * a built-in tells no units apart, and unit 0 is enough. */
static void row_at(float *zf, double z, int u)
{
    for (int i = 0; i < GC_UNITS; i++)
        zf[i] = i == u ? (float)z : (float)(-8.5 + 2.3 * i);
}

static double f1(const act_spec *a, double z, int u)
{
    float zf[GC_UNITS], y[GC_UNITS];
    row_at(zf, z, u);
    act_f(a->info, y, zf, GC_UNITS, GC_UNITS, a->p);
    return y[u];
}

static double df1(const act_spec *a, double z, int u)
{
    float zf[GC_UNITS], y[GC_UNITS], d[GC_UNITS];
    row_at(zf, z, u);
    act_f(a->info, y, zf, GC_UNITS, GC_UNITS, a->p);
    act_df(a->info, d, zf, y, GC_UNITS, GC_UNITS, a->p);
    return d[u];
}

/* f'(z) by the fourth-order central difference of step h; *noise gets
 * what float rounding of the four values of f can make of it: 2 ulps of the
 * largest each (an f of a few operations rounds a few times), times the
 * stencil's 18, over 12 h.  An f of 100 has ulps of 8e-6: its differences
 * cannot resolve f' better than to about 1.5e-3 at h = 1/64. */
static double fd(const act_spec *a, double z, int u, double h, double *noise)
{
    double fm2 = f1(a, z - 2 * h, u), fm1 = f1(a, z - h, u), fp1 = f1(a, z + h, u),
           fp2 = f1(a, z + 2 * h, u);
    double big = fmax(fmax(fabs(fm2), fabs(fm1)), fmax(fabs(fp1), fabs(fp2)));
    *noise = 18 * 2.0 * (double)(nextafterf((float)big, INFINITY) - (float)big) / (12 * h);
    return (fm2 - 8 * fm1 + 8 * fp1 - fp2) / (12 * h);
}

static double excess_of(double d, double num, double noise)
{
    return fabs(d - num) - (GC_ATOL + GC_RTOL * fabs(num) + noise);
}

/* Records one comparison of f' = d with the difference num at z. */
static void note(gradcheck_result *r, double z, int u, double d, double num, double noise,
                 const char *kind)
{
    double excess = excess_of(d, num, noise);
    if (!(excess <= 0.0))
        r->bad++;
    if (r->points == 0 || !(excess <= r->worst)) {
        r->worst = isnan(excess) ? INFINITY : excess;
        r->worst_z = z, r->worst_df = d, r->worst_fd = num, r->worst_kind = kind;
        r->worst_unit = u;
    }
    r->points++;
}

/* f' at z against the difference of step h; where they disagree, against
 * those of a quarter, a sixteenth and a 64th of it too, each with an error
 * term 256 times smaller (a fast-changing f', 0.05 sin(30 x)'s or
 * tanh(100 x)'s), the closest kept. */
static void compare(gradcheck_result *r, const act_spec *a, double z, int u, double h,
                    const char *kind)
{
    double noise, d = df1(a, z, u), num = fd(a, z, u, h, &noise);
    for (double hh = h / 4; !(excess_of(d, num, noise) <= 0.0) && hh >= h / 64; hh /= 4) {
        double fine_noise, fine = fd(a, z, u, hh, &fine_noise);
        if (excess_of(d, fine, fine_noise) <= excess_of(d, num, noise) || isnan(num))
            num = fine, noise = fine_noise;
    }
    note(r, z, u, d, num, noise, kind);
}

static void check_df(gradcheck_result *r, const act_spec *a, int u, const double *k, int nk)
{
    /* the grid, 3 steps clear of every kink (k ascending) */
    int next = 0;
    const int steps = (int)(2 * GC_RANGE / GC_GRID + 0.5);
    for (int g = 0; g <= steps; g++) {
        double zf = (float)(-GC_RANGE + g * GC_GRID);
        while (next < nk && k[next] < zf - 3 * GC_H)
            next++;
        bool near = next < nk && fabs(zf - k[next]) < 3 * GC_H;
        if (!near)
            compare(r, a, zf, u, GC_H, "grid");
    }
    const double edge = GC_RANGE + 3 * GC_H;
    for (int i = 0; i < nk; i++) {
        if (k[i] < -edge || k[i] > edge)
            continue;
        /* both sides: the difference 3 steps away, clear of the kink */
        double lo = (float)(k[i] - 3 * GC_H), hi = (float)(k[i] + 3 * GC_H);
        bool clear_lo = i == 0 || k[i - 1] < lo - 2 * GC_H,
             clear_hi = i == nk - 1 || k[i + 1] > hi + 2 * GC_H;
        if (clear_lo)
            compare(r, a, lo, u, GC_H, "left of a kink");
        if (clear_hi)
            compare(r, a, hi, u, GC_H, "right of a kink");
        /* kinks closer than the steps: the middle of the gap, with a step
         * an eighth of it, so that no stretch goes unchecked */
        if (i + 1 < nk && k[i + 1] - k[i] < 6 * GC_H && k[i + 1] - k[i] > 1e-4)
            compare(r, a, 0.5 * (k[i] + k[i + 1]), u, (k[i + 1] - k[i]) / 8,
                    "between close kinks");
        /* at it (a plugin's: a formula's f' there is its rules' choice, not
         * a limit): f' is one of the two one-sided limits, f' at the floats
         * beside the kink, or between them, as abs'(0) = 0 is: compared with
         * the nearest value of that interval */
        if (!a->info->dyn || !a->info->dyn->exact) {
            float kf = (float)k[i];
            double at = df1(a, kf, u), vl = df1(a, nextafterf(kf, -INFINITY), u),
                   vr = df1(a, nextafterf(kf, INFINITY), u);
            double dlo = vl < vr ? vl : vr, dhi = vl < vr ? vr : vl;
            note(r, kf, u, at, at < dlo ? dlo : at > dhi ? dhi : at, 0.0, "at a kink");
        }
    }
}

/* ---- learned parameters and weights, through a small network ---- */

enum { GN_IN = 3, GN_OUT = 3, GN_DEPTH = 3, GN_WIDTH = 6, GN_B = 16 };
#define GN_H 1e-3 /* small enough that no pre-activation crosses 0 (1e-2 did) */
#define GN_ATOL 1e-4
#define GN_RTOL 1e-2

/* The mean cross-entropy of the batch. */
static double net_loss(const net *n, const float *params, net_ws *ws, const float *x,
                       const int *y)
{
    loss_tally t = {0};
    int L = n->n_layers;
    net_forward(n, params, ws, x, GN_B, NET_EVAL, NULL);
    loss_eval(&t, NULL, ws->a[L - 1], ws->z[L - 1], y, GN_B, n->fan_out[L - 1], n->cfg.out,
              1.0f);
    return t.sum / GN_B;
}

typedef struct {
    net n;
    net_ws ws;
    float *params, *grads;
    float x[GN_B * GN_IN];
    int y[GN_B];
} gnet;

/* The central difference of the loss in *v, over the floats v +- h
 * actually are.  With scaled (a learned parameter), the step is h times
 * max(|v|, 1), and at most |v| / 2 (a = 1000 moves by 1, a = 0.001 stays
 * clear of 0); a weight's is h. */
static double loss_diff(gnet *g, float *v, double h, bool scaled)
{
    float keep = *v;
    double step = h;
    if (scaled) {
        step = h * fmax(fabs(keep), 1.0);
        if (keep != 0.0f && step > 0.5 * fabs(keep))
            step = 0.5 * fabs(keep);
    }
    float up_v = (float)(keep + step), dn_v = (float)(keep - step);
    *v = up_v;
    double up = net_loss(&g->n, g->params, &g->ws, g->x, g->y);
    *v = dn_v;
    double dn = net_loss(&g->n, g->params, &g->ws, g->x, g->y);
    *v = keep;
    return (up - dn) / ((double)up_v - (double)dn_v);
}

static bool agrees(double got, double num)
{
    return fabs(got - num) <= GN_ATOL + GN_RTOL * fabs(num);
}

/* The gradient got of the float at v against central differences of the
 * loss: of step GN_H, and where a pre-activation crosses a kink within it
 * (so they disagree), of halves of it down to an eighth, the best kept. */
static double num_grad(gnet *g, float *v, double got, bool scaled)
{
    double num = loss_diff(g, v, GN_H, scaled);
    for (double h = GN_H / 2; !agrees(got, num) && h >= GN_H / 8; h /= 2) {
        double other = loss_diff(g, v, h, scaled);
        if (fabs(got - other) < fabs(got - num) || isnan(num))
            num = other;
    }
    return num;
}

static void note_param(gradcheck_result *r, double got, double num, int layer,
                       const char *name)
{
    double rel = fabs(got - num) / (GN_ATOL / GN_RTOL + fabs(num));
    if (!agrees(got, num))
        r->bad_params++;
    if (r->n_params == 0 || !(rel <= r->param_worst)) {
        r->param_worst = isnan(rel) ? INFINITY : rel;
        r->param_layer = layer, r->param_got = got, r->param_fd = num;
        r->param_name = name;
    }
    r->n_params++;
}

/* The network's gradient at its initial weights, with the learned
 * parameters at their initial values (shift false) or moved away from
 * them (shift: v + (|v| + 1/2) / 4 each, a pgrad right only at its start
 * is seen); a shift that makes the loss not finite is not checked. */
static ab_status check_net(gradcheck_result *r, const act_spec *a, bool shift, ab_err *err)
{
    gnet *g = calloc(1, sizeof *g);
    if (!g)
        return ab_fail(err, AB_ERUNTIME, "out of memory: gradcheck network");
    net_config cfg = {.n_in = GN_IN, .n_out = GN_OUT, .depth = GN_DEPTH, .width = GN_WIDTH,
                      .act = *a, .out = OUT_SOFTMAX, .init = a->info->usual_init};
    ab_status st = net_create(&g->n, &cfg, err);
    if (st != AB_OK || (st = net_ws_create(&g->ws, &g->n, GN_B, err)) != AB_OK) {
        free(g);
        return st;
    }
    net *n = &g->n;
    g->params = net_arena_alloc(n);
    g->grads = calloc(n->n_params, sizeof *g->grads);
    if (!g->params || !g->grads) {
        st = ab_fail(err, AB_ERUNTIME, "out of memory: gradcheck network");
        goto done;
    }
    net_init(n, g->params, 20261202u);
    for (int l = 0; shift && l < GN_DEPTH; l++)
        for (int q = 0; q < n->n_learned; q++) {
            float *v = net_lparams(n, g->params, l) + q;
            *v = (float)(*v + (fabs(*v) + 0.5) / 4);
        }
    rng_state rng;
    rng_seed(&rng, 7);
    for (int i = 0; i < GN_B * GN_IN; i++)
        g->x[i] = (float)rng_normal(&rng);
    for (int i = 0; i < GN_B; i++)
        g->y[i] = i % GN_OUT;
    /* the gradient as training computes it */
    int L = n->n_layers;
    loss_tally t = {0};
    net_forward(n, g->params, &g->ws, g->x, GN_B, NET_TRAIN, &rng);
    loss_eval(&t, g->ws.dz[L - 1], g->ws.a[L - 1], g->ws.z[L - 1], g->y, GN_B,
              n->fan_out[L - 1], n->cfg.out, 1.0f / GN_B);
    if (shift && !isfinite(t.sum))
        goto done;
    net_backward(n, g->params, g->grads, &g->ws, g->x, GN_B);
    for (int l = 0; l < GN_DEPTH; l++)
        for (int q = 0; q < n->n_learned; q++) {
            float *v = net_lparams(n, g->params, l) + q;
            double got = net_lparams(n, g->grads, l)[q];
            note_param(r, got, num_grad(g, v, got, true), l + 1,
                       a->info->param_names[act_learned_param(a->info, q)]);
        }
    /* a plugin's: every weight and bias too, each unit of the layers seeing
     * its own pre-activations, so that hand-written code reading the wrong
     * element or unit is seen (a formula is element-wise by construction) */
    for (int l = 0; a->info->dyn && !a->info->dyn->exact && !shift && l < L; l++) {
        size_t nw = (size_t)n->fan_in[l] * (size_t)n->fan_out[l];
        for (size_t i = 0; i < nw + (size_t)n->fan_out[l]; i++) {
            size_t at = i < nw ? n->w_off[l] + i : n->b_off[l] + (i - nw);
            double got = g->grads[at];
            double num = num_grad(g, g->params + at, got, false);
            if (!agrees(got, num))
                r->bad_weights++;
            if (r->n_weights == 0 ||
                !(fabs(got - num) - GN_RTOL * fabs(num) <= r->weight_worst)) {
                r->weight_worst = fabs(got - num) - GN_RTOL * fabs(num);
                if (isnan(r->weight_worst))
                    r->weight_worst = INFINITY;
                r->weight_layer = l + 1, r->weight_got = got, r->weight_fd = num;
                r->weight_is_bias = i >= nw;
            }
            r->n_weights++;
        }
    }
done:
    free(g->params);
    free(g->grads);
    net_ws_free(&g->ws);
    free(g);
    return st;
}

ab_status gradcheck_act(gradcheck_result *r, const act_spec *a, ab_err *err)
{
    memset(r, 0, sizeof *r);
    /* the kinks once: a formula's are searched for */
    double *k = malloc(GC_MAX_KINKS * sizeof *k);
    if (!k)
        return ab_fail(err, AB_ERUNTIME, "out of memory: gradcheck kinks");
    int nk = act_kinks(a, k, GC_MAX_KINKS);
    if (nk < 0) {
        free(k);
        return ab_fail(err, AB_ERUNTIME, "out of memory: %s's kinks", a->label);
    }
    /* the kinks of the range only; more than the search could list, or
     * than GC_MAX_IN_RANGE there, are too many to step around */
    int in = 0;
    for (int i = 0; i < nk && i < GC_MAX_KINKS; i++)
        if (fabs(k[i]) <= GC_RANGE + 3 * GC_H)
            k[in++] = k[i];
    if (nk > GC_MAX_KINKS || in > GC_MAX_IN_RANGE)
        r->too_many_kinks = nk > GC_MAX_KINKS ? nk : in;
    for (int u = 0; !r->too_many_kinks && u < (a->info->dyn ? GC_UNITS : 1); u++)
        check_df(r, a, u, k, in);
    free(k);
    ab_status st = AB_OK;
    if (a->info->learned || a->info->dyn)
        st = check_net(r, a, false, err);
    if (st == AB_OK && a->info->learned)
        st = check_net(r, a, true, err);
    return st;
}

ab_status gradcheck_before_training(const act_spec *acts, int n, char *warn, size_t warn_size,
                                    ab_err *err)
{
    warn[0] = '\0';
    for (int a = 0; a < n; a++) {
        if (!acts[a].info->dyn)
            continue;
        gradcheck_result r;
        ab_status st = gradcheck_act(&r, &acts[a], err);
        if (st != AB_OK)
            return st;
        const char *label = acts[a].label, *src = acts[a].info->dyn->source;
        size_t used = strlen(warn);
        if (r.too_many_kinks && used < warn_size)
            snprintf(warn + used, warn_size - used, "%s%s has %d or more kinks, too many to "
                     "step around: its f' is not checked against differences", used ? "; " : "",
                     label, r.too_many_kinks);
        if (r.bad)
            return ab_fail(err, AB_EUSAGE,
                           "%s: its derivative is wrong: f'(%g) = %.7g in unit %d of a row, "
                           "but the central difference of f is %.7g (%s; %d of %d points "
                           "wrong): see actbench gradcheck --act '%.60s%s'; --no-gradcheck "
                           "trains it anyway",
                           label, r.worst_z, r.worst_df, r.worst_unit, r.worst_fd,
                           r.worst_kind, r.bad, r.points, src, strlen(src) > 60 ? "..." : "");
        if (r.bad_params)
            return ab_fail(err, AB_EUSAGE,
                           "%s: the gradient of its learned parameter %s is wrong: %.7g in "
                           "hidden layer %d of a small network, but the central difference "
                           "of the loss is %.7g: see actbench gradcheck; --no-gradcheck "
                           "trains it anyway",
                           label, r.param_name, r.param_got, r.param_layer, r.param_fd);
        if (r.bad_weights)
            return ab_fail(err, AB_EUSAGE,
                           "%s: the network's gradient through it is wrong: a %s of layer %d "
                           "has %.7g, but the central difference of the loss is %.7g (%d of "
                           "%d wrong): see actbench gradcheck; --no-gradcheck trains it "
                           "anyway",
                           label, r.weight_is_bias ? "bias" : "weight", r.weight_layer,
                           r.weight_got, r.weight_fd, r.bad_weights, r.n_weights);
    }
    return AB_OK;
}
