/* net.c - fully connected network: layout, init, forward, backward. */
#include "net.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gemm.h"
#include "vec.h"

const name_row net_losses[] = {
    {"ce", OUT_SOFTMAX, NULL},
    {"bce", OUT_SIGMOID, NULL},
    {NULL, 0, NULL},
};

ab_status net_create(net *n, const net_config *cfg, ab_err *err)
{
    memset(n, 0, sizeof *n);
    if (cfg->depth < 1 || cfg->depth > NET_MAX_DEPTH)
        return ab_fail(err, AB_EUSAGE, "depth %d is out of range (accepted: 1..%d)", cfg->depth,
                       NET_MAX_DEPTH);
    if (cfg->width < 1 || cfg->width > NET_MAX_WIDTH)
        return ab_fail(err, AB_EUSAGE, "width %d is out of range (accepted: 1..%d)", cfg->width,
                       NET_MAX_WIDTH);
    if (cfg->n_in < 1 || cfg->n_out < 1)
        return ab_fail(err, AB_EUSAGE, "network needs at least one input and one output");
    n->cfg = *cfg;
    n->n_layers = cfg->depth + 1;
    n->max_units = cfg->n_in;
    const bool bn = cfg->batchnorm;
    size_t off = 0;
    for (int l = 0; l < n->n_layers; l++) {
        n->fan_in[l] = l == 0 ? cfg->n_in : cfg->width;
        n->fan_out[l] = l == cfg->depth ? cfg->n_out : cfg->width;
        if (n->fan_out[l] > n->max_units)
            n->max_units = n->fan_out[l];
        n->w_off[l] = off;
        off += (size_t)n->fan_in[l] * (size_t)n->fan_out[l];
        n->b_off[l] = off;
        off += (size_t)n->fan_out[l];
        if (bn && l < cfg->depth) {
            n->g_off[l] = off;
            off += (size_t)n->fan_out[l];
        }
    }
    n->lp_off = off;
    n->n_learned = act_n_learned(cfg->act.info);
    off += (size_t)cfg->depth * (size_t)n->n_learned;
    n->n_params = off;
    /* running statistics last, so that optimisers, gradient norms and
     * zeroing the gradients, all over n_params floats, never touch them */
    if (bn)
        for (int l = 0; l < cfg->depth; l++) {
            n->rm_off[l] = off;
            off += (size_t)cfg->width;
            n->rv_off[l] = off;
            off += (size_t)cfg->width;
        }
    n->n_state = off - n->n_params;
    return AB_OK;
}

size_t net_arena_bytes(const net *n) { return (n->n_params + n->n_state) * sizeof(float); }

/* Floats of one workspace: z, a, dz per layer; fp per hidden layer; da and
 * the rrelu uniforms; lgrad; with batchnorm y and zhat per hidden layer,
 * mean and var per hidden unit and the backward scratch; with residual h of
 * the layers that have a skip (elsewhere y and h alias z and a). */
static size_t ws_floats(const net *n, int cap)
{
    size_t units = 0;
    for (int l = 0; l < n->n_layers; l++)
        units += (size_t)n->fan_out[l];
    const size_t depth = (size_t)n->cfg.depth, width = (size_t)n->cfg.width;
    size_t hidden = depth * width;
    size_t per_sample = 3 * units + hidden + (size_t)n->max_units + width;
    size_t fixed = (size_t)n->max_units + width + ACT_MAX_PARAMS; /* lgrad */
    if (n->cfg.batchnorm) {
        per_sample += 2 * hidden;
        fixed += 2 * hidden + 3 * width;
    }
    if (n->cfg.residual)
        per_sample += (depth - 1) * width;
    return (size_t)cap * per_sample + fixed;
}

size_t net_ws_bytes(const net *n, int cap) { return ws_floats(n, cap) * sizeof(float); }

float *net_arena_alloc(const net *n)
{
    size_t cnt = n->n_params + n->n_state;
    return calloc(cnt ? cnt : 1, sizeof(float));
}

double net_init_std(const net *n, int l)
{
    double fi = n->fan_in[l], fo = n->fan_out[l];
    switch (n->cfg.init) {
    case INIT_XAVIER: return sqrt(2.0 / (fi + fo));
    case INIT_HE: return sqrt(2.0 / fi);
    case INIT_LECUN: return sqrt(1.0 / fi);
    case INIT_NORMAL: return n->cfg.init_std;
    }
    return 0.0;
}

void net_init(const net *n, float *params, uint64_t seed)
{
    rng_state r;
    rng_seed(&r, seed);
    for (int l = 0; l < n->n_layers; l++) {
        double std = net_init_std(n, l);
        float *w = net_w(n, params, l);
        size_t cnt = (size_t)n->fan_in[l] * (size_t)n->fan_out[l];
        for (size_t i = 0; i < cnt; i++)
            w[i] = (float)(std * rng_normal(&r));
        float *b = net_b(n, params, l);
        for (int i = 0; i < n->fan_out[l]; i++)
            b[i] = n->cfg.bias_init;
    }
    for (int l = 0; l < n->cfg.depth; l++) {
        float *lp = net_lparams(n, params, l);
        for (int q = 0; q < n->n_learned; q++)
            lp[q] = n->cfg.act.p[act_learned_param(n->cfg.act.info, q)];
    }
    if (n->cfg.batchnorm)
        for (int l = 0; l < n->cfg.depth; l++) {
            float *g = net_gamma(n, params, l), *rm = net_run_mean(n, params, l),
                  *rv = net_run_var(n, params, l);
            for (int i = 0; i < n->cfg.width; i++) {
                g[i] = 1.0f;
                rm[i] = 0.0f;
                rv[i] = 1.0f;
            }
        }
}

ab_status net_ws_create(net_ws *ws, const net *n, int cap, ab_err *err)
{
    memset(ws, 0, sizeof *ws);
    size_t total = ws_floats(n, cap);
    ws->block = malloc(total * sizeof(float));
    if (!ws->block)
        return ab_fail(err, AB_ERUNTIME, "out of memory: a workspace of %.1f MiB",
                       (double)total * sizeof(float) / 1048576.0);
    ws->cap = cap;
    float *p = ws->block;
    const bool bn = n->cfg.batchnorm;
    for (int l = 0; l < n->n_layers; l++) {
        size_t sz = (size_t)cap * (size_t)n->fan_out[l];
        ws->z[l] = p, p += sz;
        ws->a[l] = p, p += sz;
        ws->dz[l] = p, p += sz;
        if (l >= n->cfg.depth)
            continue;
        ws->fp[l] = p, p += sz;
        ws->y[l] = ws->z[l];
        ws->h[l] = ws->a[l];
        if (bn) {
            ws->y[l] = p, p += sz;
            ws->zhat[l] = p, p += sz;
            ws->mean[l] = p, p += (size_t)n->fan_out[l];
            ws->var[l] = p, p += (size_t)n->fan_out[l];
        }
        if (net_has_skip(n, l))
            ws->h[l] = p, p += sz;
    }
    if (bn)
        ws->colsum = p, p += 3 * (size_t)n->cfg.width;
    ws->lgrad = p, p += (size_t)n->max_units + (size_t)n->cfg.width + ACT_MAX_PARAMS;
    ws->da = p, p += (size_t)cap * (size_t)n->max_units;
    ws->uni = p;
    return AB_OK;
}

void net_ws_free(net_ws *ws)
{
    free(ws->block);
    memset(ws, 0, sizeof *ws);
}

void net_gemm_forward(float *z, const float *a_prev, const float *w, int B, int in, int out)
{
    gemm(false, true, B, out, in, 1.0f, a_prev, in, w, in, 0.0f, z, out);
}

void net_gemm_weight_grad(float *c, const float *dz, const float *a_prev, int B, int in,
                          int out, float alpha)
{
    gemm(true, false, out, in, B, alpha, dz, out, a_prev, in, 1.0f, c, in);
}

void net_gemm_input_grad(float *da, const float *dz, const float *w, int B, int in, int out,
                         bool add)
{
    gemm(false, false, B, in, out, 1.0f, dz, out, w, in, add ? 1.0f : 0.0f, da, in);
}

/* z (B x out) = a_prev (B x in) W^T + b; b NULL: no bias */
AB_VEC
static void linear_forward(float *z, const float *a_prev, const float *w, const float *b, int B,
                           int in, int out, phase_clock *clk)
{
    net_gemm_forward(z, a_prev, w, B, in, out);
    phase_mark(clk, PHASE_FWD_GEMM);
    if (!b)
        return;
    for (int s = 0; s < B; s++) {
        float *row = z + (size_t)s * out;
        for (int j = 0; j < out; j++)
            row[j] += b[j];
    }
    phase_mark(clk, PHASE_BIAS_ADD);
}

/* mean, var (w): per-unit mean and biased variance of z (B x w), two-pass. */
AB_VEC
static void bn_stats(float *mean, float *var, const float *z, int B, int w)
{
    const float inv_b = 1.0f / (float)B;
    for (int j = 0; j < w; j++)
        mean[j] = var[j] = 0.0f;
    for (int s = 0; s < B; s++) {
        const float *row = z + (size_t)s * w;
        for (int j = 0; j < w; j++)
            mean[j] += row[j];
    }
    for (int j = 0; j < w; j++)
        mean[j] *= inv_b;
    for (int s = 0; s < B; s++) {
        const float *row = z + (size_t)s * w;
        for (int j = 0; j < w; j++) {
            float d = row[j] - mean[j];
            var[j] += d * d;
        }
    }
    for (int j = 0; j < w; j++)
        var[j] *= inv_b;
}

/* zhat = (z - mean) / sqrt(var + eps), y = gamma zhat + beta (all B x w);
 * istd (w) is scratch. */
AB_VEC
static void bn_apply(float *y, float *zhat, float *istd, const float *z, const float *mean,
                     const float *var, const float *gamma, const float *beta, int B, int w)
{
    for (int j = 0; j < w; j++)
        istd[j] = 1.0f / sqrtf(var[j] + NET_BN_EPS);
    for (int s = 0; s < B; s++) {
        const float *zr = z + (size_t)s * w;
        float *hr = zhat + (size_t)s * w, *yr = y + (size_t)s * w;
        for (int j = 0; j < w; j++) {
            float v = (zr[j] - mean[j]) * istd[j];
            hr[j] = v;
            yr[j] = gamma[j] * v + beta[j];
        }
    }
}

/* Row-wise softmax of z (B x k) into p, shifted by the row maximum. */
static void softmax_rows(float *p, const float *z, int B, int k)
{
    for (int s = 0; s < B; s++) {
        const float *zr = z + (size_t)s * k;
        float *pr = p + (size_t)s * k;
        float m = zr[0];
        for (int j = 1; j < k; j++)
            m = zr[j] > m ? zr[j] : m;
        float sum = 0.0f;
        for (int j = 0; j < k; j++) {
            pr[j] = expf(zr[j] - m);
            sum += pr[j];
        }
        float inv = 1.0f / sum;
        for (int j = 0; j < k; j++)
            pr[j] *= inv;
    }
}

/* Hidden layer l from its input in (B x fan_in): z, y (batchnorm), h = f(y),
 * fp, and a = in + h where the layer has a skip. */
AB_VEC
static void hidden_forward(const net *n, const float *params, net_ws *ws, const float *in, int l,
                           int B, net_mode mode, rng_state *rng)
{
    const act_spec *act = &n->cfg.act;
    const int fi = n->fan_in[l], fo = n->fan_out[l];
    const size_t cnt = (size_t)B * (size_t)fo;
    const float *w = params + n->w_off[l], *b = params + n->b_off[l];
    if (n->cfg.batchnorm) {
        /* the linear bias would be cancelled by the mean: beta takes its place */
        linear_forward(ws->z[l], in, w, NULL, B, fi, fo, ws->clock);
        const float *mean = ws->mean[l], *var = ws->var[l];
        if (mode == NET_EVAL) {
            mean = params + n->rm_off[l];
            var = params + n->rv_off[l];
        } else {
            bn_stats(ws->mean[l], ws->var[l], ws->z[l], B, fo);
        }
        bn_apply(ws->y[l], ws->zhat[l], ws->colsum, ws->z[l], mean, var, params + n->g_off[l],
                 b, B, fo);
        phase_mark(ws->clock, PHASE_OTHER);
    } else {
        linear_forward(ws->z[l], in, w, b, B, fi, fo, ws->clock);
    }
    float p[ACT_MAX_PARAMS];
    act_layer_params(p, act, n->n_learned ? net_lparams(n, params, l) : NULL);
    const float *y = ws->y[l];
    float *h = ws->h[l];
    if (mode == NET_TRAIN && act->info->random_in_training) {
        rng_uniform_floats(rng, ws->uni, cnt);
        phase_mark(ws->clock, PHASE_OTHER);
        /* f and f' in one pass: counted as f */
        act_rrelu_train(h, ws->fp[l], y, ws->uni, cnt, p);
        phase_mark(ws->clock, PHASE_ACT_F);
    } else {
        if (mode != NET_EVAL && act_fused(act->info)) {
            /* f and f' sharing their costly part: counted as f */
            act_f_and_df(act->info, h, ws->fp[l], y, cnt, fo, p);
            phase_mark(ws->clock, PHASE_ACT_F);
        } else {
            act_f(act->info, h, y, cnt, fo, p);
            phase_mark(ws->clock, PHASE_ACT_F);
            if (mode != NET_EVAL) {
                act_df(act->info, ws->fp[l], y, h, cnt, fo, p);
                phase_mark(ws->clock, PHASE_ACT_DF);
            }
        }
    }
    if (net_has_skip(n, l)) {
        float *a = ws->a[l];
        for (size_t i = 0; i < cnt; i++)
            a[i] = in[i] + h[i];
        phase_mark(ws->clock, PHASE_OTHER);
    }
}

void net_forward(const net *n, const float *params, net_ws *ws, const float *x, int B,
                 net_mode mode, rng_state *rng)
{
    const float *in = x;
    for (int l = 0; l < n->n_layers; l++) {
        int fi = n->fan_in[l], fo = n->fan_out[l];
        if (l < n->cfg.depth) {
            hidden_forward(n, params, ws, in, l, B, mode, rng);
        } else {
            linear_forward(ws->z[l], in, params + n->w_off[l], params + n->b_off[l], B, fi, fo,
                           ws->clock);
            size_t cnt = (size_t)B * (size_t)fo;
            if (n->cfg.out == OUT_SOFTMAX) {
                softmax_rows(ws->a[l], ws->z[l], B, fo);
            } else {
                for (size_t i = 0; i < cnt; i++)
                    ws->a[l][i] = 1.0f / (1.0f + expf(-ws->z[l][i]));
            }
            /* the output non-linearity belongs with the loss it feeds */
            phase_mark(ws->clock, PHASE_LOSS);
        }
        in = ws->a[l];
    }
}

void net_update_stats(const net *n, float *params, const net_ws *ws, int B)
{
    if (!n->cfg.batchnorm)
        return;
    const float m = NET_BN_MOMENTUM;
    /* PyTorch's running variance is the unbiased one, var * B / (B - 1) */
    const float unbias = B > 1 ? (float)B / (float)(B - 1) : 0.0f;
    for (int l = 0; l < n->cfg.depth; l++) {
        float *rm = params + n->rm_off[l], *rv = params + n->rv_off[l];
        const float *mean = ws->mean[l], *var = ws->var[l];
        for (int j = 0; j < n->cfg.width; j++) {
            rm[j] = m * mean[j] + (1.0f - m) * rm[j];
            if (B > 1)
                rv[j] = m * (var[j] * unbias) + (1.0f - m) * rv[j];
        }
    }
}

/* Where the gradients of layer l's parameters but W go: their slots in a
 * grads arena (added to), or, with plain SGD folded in, the workspace's
 * lgrad (written). */
typedef struct {
    float *b;      /* fan_out: the bias, or batchnorm's beta */
    float *gamma;  /* batchnorm hidden layers: width */
    float *lp;     /* the activation's learned parameters: n_learned */
    bool set;      /* write rather than add */
} layer_grads;

/* Hidden layer l, from ws->da = dL/da_l (B x width): the learned
 * parameters', beta's and gamma's gradients into g and dL/dz_l into ws->dz[l].  dL/dh = dL/da
 * also with a skip, since a = a_prev + h. */
AB_VEC
static void hidden_backward(const net *n, const float *params, net_ws *ws, int l, int B,
                            const layer_grads *lg)
{
    const bool set = lg->set;
    const int w = n->fan_out[l];
    const size_t cnt = (size_t)B * (size_t)w;
    const float *da = ws->da, *y = ws->y[l], *fp = ws->fp[l];
    float *dz = ws->dz[l];
    if (n->n_learned) {
        const act_spec *act = &n->cfg.act;
        float p[ACT_MAX_PARAMS];
        act_layer_params(p, act, net_lparams(n, params, l));
        double g[ACT_MAX_PARAMS] = {0};
        act_pgrad(act->info, g, da, y, ws->h[l], cnt, w, p);
        for (int q = 0; q < n->n_learned; q++) {
            double gq = g[act_learned_param(act->info, q)];
            lg->lp[q] = set ? (float)gq : lg->lp[q] + (float)gq;
        }
        phase_mark(ws->clock, PHASE_OTHER);
    }
    /* dL/dy; without batchnorm y = z and this is dL/dz */
    for (size_t i = 0; i < cnt; i++)
        dz[i] = da[i] * fp[i];
    phase_mark(ws->clock, PHASE_GRAD_MUL);
    if (!n->cfg.batchnorm)
        return;
    /* dbeta = sum dy, dgamma = sum dy zhat over the batch; then, through
     * the batch statistics, dz = gamma istd / B (B dy - sum dy - zhat sum dy zhat) */
    const float *zhat = ws->zhat[l], *var = ws->var[l], *gamma = params + n->g_off[l];
    float *sdy = ws->colsum, *sdyx = ws->colsum + w, *k = ws->colsum + 2 * (size_t)w;
    for (int j = 0; j < w; j++)
        sdy[j] = sdyx[j] = 0.0f;
    for (int s = 0; s < B; s++) {
        const float *dr = dz + (size_t)s * w, *xr = zhat + (size_t)s * w;
        for (int j = 0; j < w; j++) {
            sdy[j] += dr[j];
            sdyx[j] += dr[j] * xr[j];
        }
    }
    float *dbeta = lg->b, *dgamma = lg->gamma;
    for (int j = 0; j < w; j++) {
        dbeta[j] = set ? sdy[j] : dbeta[j] + sdy[j];
        dgamma[j] = set ? sdyx[j] : dgamma[j] + sdyx[j];
    }
    const float fb = (float)B;
    for (int j = 0; j < w; j++)
        k[j] = gamma[j] / (sqrtf(var[j] + NET_BN_EPS) * fb);
    for (int s = 0; s < B; s++) {
        float *dr = dz + (size_t)s * w;
        const float *xr = zhat + (size_t)s * w;
        for (int j = 0; j < w; j++)
            dr[j] = k[j] * (fb * dr[j] - sdy[j] - xr[j] * sdyx[j]);
    }
    phase_mark(ws->clock, PHASE_OTHER);
}

/* db (out) += (set: =) the column sums of dz (B x out), rows in order: the
 * same additions either way, the first onto db's old value or onto 0. */
AB_VEC
static void bias_grad(float *db, const float *dz, int B, int out, bool set)
{
    if (set)
        memset(db, 0, sizeof(float) * (size_t)out);
    for (int s = 0; s < B; s++) {
        const float *row = dz + (size_t)s * out;
        for (int j = 0; j < out; j++)
            db[j] += row[j];
    }
}

/* p (cnt) -= lr g: optim_step's SGD update, the same expression. */
AB_VEC
static void sgd_update(float *p, const float *g, size_t cnt, float lr)
{
    for (size_t i = 0; i < cnt; i++)
        p[i] -= lr * g[i];
}

/* Layer l's parameters but W (bias or beta, gamma, learned) -= lr times their
 * gradients in lg. */
static void sgd_layer(const net *n, float *params, const layer_grads *lg, int l, float lr)
{
    sgd_update(params + n->b_off[l], lg->b, (size_t)n->fan_out[l], lr);
    if (l >= n->cfg.depth)
        return;
    if (n->cfg.batchnorm)
        sgd_update(params + n->g_off[l], lg->gamma, (size_t)n->fan_out[l], lr);
    if (n->n_learned)
        sgd_update(net_lparams(n, params, l), lg->lp, (size_t)n->n_learned, lr);
}

/* net_backward (grads) and net_backward_sgd (grads NULL): params is written
 * only by the latter. */
static void backward(const net *n, float *params, float *grads, net_ws *ws, const float *x,
                     int B, float lr)
{
    const int depth = n->cfg.depth;
    const bool sgd = grads == NULL;
    for (int l = n->n_layers - 1; l >= 0; l--) {
        int fi = n->fan_in[l], fo = n->fan_out[l];
        /* gamma and the learned parameters only where the layer has them */
        const bool has_g = n->cfg.batchnorm && l < depth;
        const bool has_a = n->n_learned && l < depth;
        layer_grads lg;
        if (sgd)
            lg = (layer_grads){.b = ws->lgrad,
                               .gamma = has_g ? ws->lgrad + n->max_units : NULL,
                               .lp = has_a ? ws->lgrad + n->max_units + n->cfg.width : NULL,
                               .set = true};
        else
            lg = (layer_grads){.b = grads + n->b_off[l],
                               .gamma = has_g ? grads + n->g_off[l] : NULL,
                               .lp = has_a ? net_lparams(n, grads, l) : NULL, .set = false};
        if (l < depth)
            hidden_backward(n, params, ws, l, B, &lg);
        const float *a_prev = l == 0 ? x : ws->a[l - 1];
        const float *dz = ws->dz[l];
        float *w = params + n->w_off[l];
        if (l > 0) {
            /* dL/da_{l-1} from W before its update, plus, through a skip (in
             * == out), dL/da_l, which da holds: the product adds onto it */
            net_gemm_input_grad(ws->da, dz, w, B, fi, fo, net_has_skip(n, l));
            phase_mark(ws->clock, PHASE_IGRAD_GEMM);
        }
        if (sgd)
            net_gemm_weight_grad(w, dz, a_prev, B, fi, fo, -lr);
        else
            net_gemm_weight_grad(grads + n->w_off[l], dz, a_prev, B, fi, fo, 1.0f);
        phase_mark(ws->clock, PHASE_WGRAD_GEMM);
        if (!(n->cfg.batchnorm && l < depth)) {
            bias_grad(lg.b, dz, B, fo, lg.set);
            phase_mark(ws->clock, PHASE_BIAS_GRAD);
        }
        if (sgd) {
            sgd_layer(n, params, &lg, l, lr);
            phase_mark(ws->clock, PHASE_OPTIM);
        }
    }
}

void net_backward(const net *n, const float *params, float *grads, net_ws *ws, const float *x,
                  int B)
{
    /* params is only read when grads is given */
    backward(n, (float *)params, grads, ws, x, B, 0.0f);
}

void net_backward_sgd(const net *n, float *params, net_ws *ws, const float *x, int B, float lr)
{
    backward(n, params, NULL, ws, x, B, lr);
}
