/* net.c - fully connected network: layout, init, forward, backward. */
#include "net.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gemm.h"

ab_status net_create(net *n, const net_config *cfg, ab_err *err)
{
    memset(n, 0, sizeof *n);
    if (cfg->depth < 1 || cfg->depth > NET_MAX_DEPTH)
        return ab_fail(err, AB_EUSAGE, "--depth: %d is out of range (accepted: 1..%d)",
                       cfg->depth, NET_MAX_DEPTH);
    if (cfg->width < 1 || cfg->width > NET_MAX_WIDTH)
        return ab_fail(err, AB_EUSAGE, "--width: %d is out of range (accepted: 1..%d)",
                       cfg->width, NET_MAX_WIDTH);
    if (cfg->n_in < 1 || cfg->n_out < 1)
        return ab_fail(err, AB_EUSAGE, "network needs at least one input and one output");
    n->cfg = *cfg;
    n->n_layers = cfg->depth + 1;
    n->max_units = cfg->n_in;
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
    }
    n->alpha_off = off;
    if (cfg->act.info->learned)
        off += (size_t)cfg->depth;
    n->n_params = off;
    return AB_OK;
}

size_t net_arena_bytes(const net *n) { return n->n_params * sizeof(float); }

/* Floats of one workspace: z, a, dz per layer; fp per hidden layer; da and
 * the rrelu uniforms. */
static size_t ws_floats(const net *n, int cap)
{
    size_t units = 0;
    for (int l = 0; l < n->n_layers; l++)
        units += (size_t)n->fan_out[l];
    size_t hidden = (size_t)n->cfg.depth * (size_t)n->cfg.width;
    return (size_t)cap * (3 * units + hidden + (size_t)n->max_units + (size_t)n->cfg.width);
}

size_t net_ws_bytes(const net *n, int cap) { return ws_floats(n, cap) * sizeof(float); }

float *net_arena_alloc(const net *n) { return calloc(n->n_params ? n->n_params : 1, sizeof(float)); }

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
    if (n->cfg.act.info->learned)
        for (int l = 0; l < n->cfg.depth; l++)
            *net_alpha(n, params, l) = n->cfg.act.p[0];
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
    for (int l = 0; l < n->n_layers; l++) {
        size_t sz = (size_t)cap * (size_t)n->fan_out[l];
        ws->z[l] = p, p += sz;
        ws->a[l] = p, p += sz;
        ws->dz[l] = p, p += sz;
        if (l < n->cfg.depth)
            ws->fp[l] = p, p += sz;
    }
    ws->da = p, p += (size_t)cap * (size_t)n->max_units;
    ws->uni = p;
    return AB_OK;
}

void net_ws_free(net_ws *ws)
{
    free(ws->block);
    memset(ws, 0, sizeof *ws);
}

/* z (B x out) = a_prev (B x in) W^T + b */
static void linear_forward(float *z, const float *a_prev, const float *w, const float *b, int B,
                           int in, int out)
{
    gemm(false, true, B, out, in, 1.0f, a_prev, in, w, in, 0.0f, z, out);
    for (int s = 0; s < B; s++) {
        float *row = z + (size_t)s * out;
        for (int j = 0; j < out; j++)
            row[j] += b[j];
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

void net_forward(const net *n, const float *params, net_ws *ws, const float *x, int B,
                 net_mode mode, rng_state *rng)
{
    const act_spec *act = &n->cfg.act;
    const float *in = x;
    for (int l = 0; l < n->n_layers; l++) {
        int fi = n->fan_in[l], fo = n->fan_out[l];
        linear_forward(ws->z[l], in, params + n->w_off[l], params + n->b_off[l], B, fi, fo);
        size_t cnt = (size_t)B * (size_t)fo;
        if (l < n->cfg.depth) {
            const float *p = act->info->learned ? params + n->alpha_off + l : act->p;
            if (mode == NET_TRAIN && act->info->random_in_training) {
                for (size_t i = 0; i < cnt; i++)
                    ws->uni[i] = (float)rng_uniform(rng);
                act_rrelu_train(ws->a[l], ws->fp[l], ws->z[l], ws->uni, cnt, p);
            } else {
                act->info->f(ws->a[l], ws->z[l], cnt, p);
                if (mode != NET_EVAL)
                    act->info->df(ws->fp[l], ws->z[l], ws->a[l], cnt, p);
            }
        } else if (n->cfg.out == OUT_SOFTMAX) {
            softmax_rows(ws->a[l], ws->z[l], B, fo);
        } else {
            for (size_t i = 0; i < cnt; i++)
                ws->a[l][i] = 1.0f / (1.0f + expf(-ws->z[l][i]));
        }
        in = ws->a[l];
    }
}

void net_backward(const net *n, const float *params, float *grads, net_ws *ws, const float *x,
                  int B)
{
    for (int l = n->n_layers - 1; l >= 0; l--) {
        int fi = n->fan_in[l], fo = n->fan_out[l];
        const float *a_prev = l == 0 ? x : ws->a[l - 1];
        const float *dz = ws->dz[l];
        /* dW (out x in) += dz^T (out x B) a_prev (B x in) */
        gemm(true, false, fo, fi, B, 1.0f, dz, fo, a_prev, fi, 1.0f, grads + n->w_off[l], fi);
        float *db = grads + n->b_off[l];
        for (int s = 0; s < B; s++) {
            const float *row = dz + (size_t)s * fo;
            for (int j = 0; j < fo; j++)
                db[j] += row[j];
        }
        if (l == 0)
            break;
        /* da (B x in) = dz (B x out) W (out x in) */
        gemm(false, false, B, fi, fo, 1.0f, dz, fo, params + n->w_off[l], fi, 0.0f, ws->da, fi);
        size_t cnt = (size_t)B * (size_t)fi;
        const float *zp = ws->z[l - 1], *fp = ws->fp[l - 1];
        float *dzp = ws->dz[l - 1];
        if (n->cfg.act.info->learned) {
            /* df/dalpha = z where z <= 0, as PyTorch's prelu backward */
            double g = 0.0;
            for (size_t i = 0; i < cnt; i++)
                if (zp[i] <= 0.0f)
                    g += (double)ws->da[i] * zp[i];
            grads[n->alpha_off + (size_t)(l - 1)] += (float)g;
        }
        for (size_t i = 0; i < cnt; i++)
            dzp[i] = ws->da[i] * fp[i];
    }
}
