/* gradcheck.c - see gradcheck.h. */
#include "gradcheck.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "loss.h"
#include "net.h"
#include "rng.h"

#define GC_H (1.0 / 64)   /* exact in float, so z +- k h are too */
#define GC_GRID 0.01      /* grid spacing */

/* f and f' at z for unit u of a row of GC_UNITS units all at z: a formula
 * or plugin may tell units apart (BReLU's odd units are mirrored), so each
 * of the first units is checked; built-ins do not, and unit 0 is enough. */
static double f1(const act_spec *a, double z, int u)
{
    float zf[GC_UNITS], y[GC_UNITS];
    for (int i = 0; i < GC_UNITS; i++)
        zf[i] = (float)z;
    act_f(a->info, y, zf, GC_UNITS, GC_UNITS, a->p);
    return y[u];
}

static double df1(const act_spec *a, double z, int u)
{
    float zf[GC_UNITS], y[GC_UNITS], d[GC_UNITS];
    for (int i = 0; i < GC_UNITS; i++)
        zf[i] = (float)z;
    act_f(a->info, y, zf, GC_UNITS, GC_UNITS, a->p);
    act_df(a->info, d, zf, y, GC_UNITS, GC_UNITS, a->p);
    return d[u];
}

/* f'(z) by the fourth-order central difference. */
static double fd(const act_spec *a, double z, int u)
{
    const double h = GC_H;
    return (f1(a, z - 2 * h, u) - 8 * f1(a, z - h, u) + 8 * f1(a, z + h, u) -
            f1(a, z + 2 * h, u)) /
           (12 * h);
}

/* Records one comparison of f' = d with the difference num at z. */
static void note(gradcheck_result *r, double z, int u, double d, double num, const char *kind)
{
    double excess = fabs(d - num) - (GC_ATOL + GC_RTOL * fabs(num));
    if (!(excess <= 0.0))
        r->bad++;
    if (r->points == 0 || !(excess <= r->worst)) {
        r->worst = isnan(excess) ? INFINITY : excess;
        r->worst_z = z, r->worst_df = d, r->worst_fd = num, r->worst_kind = kind;
        r->worst_unit = u;
    }
    r->points++;
}

static void check_df(gradcheck_result *r, const act_spec *a, int u)
{
    double k[ACT_MAX_KINKS];
    int nk = act_kinks(a, k, ACT_MAX_KINKS);
    /* the grid, 3 steps clear of every kink */
    for (double z = -GC_RANGE; z <= GC_RANGE + 1e-9; z += GC_GRID) {
        double zf = (float)z;
        bool near = false;
        for (int i = 0; i < nk; i++)
            near |= fabs(zf - k[i]) < 3 * GC_H;
        if (!near)
            note(r, zf, u, df1(a, zf, u), fd(a, zf, u), "grid");
    }
    for (int i = 0; i < nk; i++) {
        /* both sides: the difference 3 steps away, clear of the kink */
        double lo = (float)(k[i] - 3 * GC_H), hi = (float)(k[i] + 3 * GC_H);
        note(r, lo, u, df1(a, lo, u), fd(a, lo, u), "left of a kink");
        note(r, hi, u, df1(a, hi, u), fd(a, hi, u), "right of a kink");
        /* at it: f' is one of the two one-sided limits (f' just beside the
         * kink, which the sides above check) or between them, as abs'(0) =
         * 0 is: compared with the nearest value of that interval */
        double eps = 1e-4 * (fabs(k[i]) > 1.0 ? fabs(k[i]) : 1.0);
        double at = df1(a, (float)k[i], u), vl = df1(a, k[i] - eps, u),
               vr = df1(a, k[i] + eps, u);
        double dlo = vl < vr ? vl : vr, dhi = vl < vr ? vr : vl;
        note(r, (float)k[i], u, at, at < dlo ? dlo : at > dhi ? dhi : at, "at a kink");
    }
}

/* ---- learned parameters, through a small network ---- */

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

static ab_status check_params(gradcheck_result *r, const act_spec *a, ab_err *err)
{
    net n;
    net_ws ws;
    net_config cfg = {.n_in = GN_IN, .n_out = GN_OUT, .depth = GN_DEPTH, .width = GN_WIDTH,
                      .act = *a, .out = OUT_SOFTMAX, .init = a->info->usual_init};
    ab_status st = net_create(&n, &cfg, err);
    if (st != AB_OK || (st = net_ws_create(&ws, &n, GN_B, err)) != AB_OK)
        return st;
    float *params = net_arena_alloc(&n), *grads = calloc(n.n_params, sizeof *grads);
    float x[GN_B * GN_IN];
    int y[GN_B];
    if (!params || !grads) {
        st = ab_fail(err, AB_ERUNTIME, "out of memory: gradcheck network");
        goto done;
    }
    net_init(&n, params, 20261202u);
    rng_state rng;
    rng_seed(&rng, 7);
    for (int i = 0; i < GN_B * GN_IN; i++)
        x[i] = (float)rng_normal(&rng);
    for (int i = 0; i < GN_B; i++)
        y[i] = i % GN_OUT;
    /* the gradient as training computes it */
    int L = n.n_layers;
    loss_tally t = {0};
    net_forward(&n, params, &ws, x, GN_B, NET_TRAIN, &rng);
    loss_eval(&t, ws.dz[L - 1], ws.a[L - 1], ws.z[L - 1], y, GN_B, n.fan_out[L - 1], n.cfg.out,
              1.0f / GN_B);
    net_backward(&n, params, grads, &ws, x, GN_B);
    for (int l = 0; l < GN_DEPTH; l++)
        for (int j = 0, q = 0; j < a->info->n_params; j++) {
            if (!(a->info->learned >> j & 1u))
                continue;
            float *p = net_lparams(&n, params, l) + q, keep = *p;
            *p = (float)(keep + GN_H);
            double up = net_loss(&n, params, &ws, x, y);
            *p = (float)(keep - GN_H);
            double dn = net_loss(&n, params, &ws, x, y);
            *p = keep;
            double num = (up - dn) / (2 * GN_H), got = net_lparams(&n, grads, l)[q++];
            double rel = fabs(got - num) / (GN_ATOL / GN_RTOL + fabs(num));
            if (!(fabs(got - num) <= GN_ATOL + GN_RTOL * fabs(num)))
                r->bad_params++;
            if (r->n_params == 0 || !(rel <= r->param_worst)) {
                r->param_worst = isnan(rel) ? INFINITY : rel;
                r->param_layer = l + 1, r->param_got = got, r->param_fd = num;
                r->param_name = a->info->param_names[j];
            }
            r->n_params++;
        }
done:
    free(params);
    free(grads);
    net_ws_free(&ws);
    return st;
}

ab_status gradcheck_act(gradcheck_result *r, const act_spec *a, ab_err *err)
{
    memset(r, 0, sizeof *r);
    for (int u = 0; u < (a->info->dyn ? GC_UNITS : 1); u++)
        check_df(r, a, u);
    return a->info->learned ? check_params(r, a, err) : AB_OK;
}

ab_status gradcheck_before_training(const act_spec *acts, int n, ab_err *err)
{
    for (int a = 0; a < n; a++) {
        if (!acts[a].info->dyn)
            continue;
        gradcheck_result r;
        ab_status st = gradcheck_act(&r, &acts[a], err);
        if (st != AB_OK)
            return st;
        if (r.bad)
            return ab_fail(err, AB_EUSAGE,
                           "%s: its derivative is wrong: f'(%g) = %.7g in unit %d of a row, "
                           "but the central difference of f is %.7g (%s; %d of %d points "
                           "wrong): see actbench gradcheck --act '%s'; --no-gradcheck trains "
                           "it anyway",
                           acts[a].label, r.worst_z, r.worst_df, r.worst_unit, r.worst_fd,
                           r.worst_kind, r.bad, r.points, acts[a].info->dyn->source);
        if (r.bad_params)
            return ab_fail(err, AB_EUSAGE,
                           "%s: the gradient of its learned parameter %s is wrong: %.7g in "
                           "hidden layer %d of a small network, but the central difference "
                           "of the loss is %.7g: see actbench gradcheck; --no-gradcheck "
                           "trains it anyway",
                           acts[a].label, r.param_name, r.param_got, r.param_layer,
                           r.param_fd);
    }
    return AB_OK;
}
