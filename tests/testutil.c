/* testutil.c - the network helpers of the in-process network tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loss.h"
#include "testutil.h"
#include "train.h"

void tnet_create(tnet *t, const net_config *c, int batch)
{
    ab_err err;
    memset(t, 0, sizeof *t);
    assert_int_equal(net_create(&t->n, c, &err), AB_OK);
    assert_int_equal(net_ws_create(&t->ws, &t->n, batch, &err), AB_OK);
    t->params = net_arena_alloc(&t->n);
    t->grads = net_arena_alloc(&t->n);
    t->x = calloc((size_t)batch * (size_t)c->n_in, sizeof *t->x);
    t->y = calloc((size_t)batch, sizeof *t->y);
    assert_true(t->params && t->grads && t->x && t->y);
    t->batch = batch;
}

void tnet_setup(tnet *t, net_config c, const char *act, int batch)
{
    ab_err err;
    assert_int_equal(act_parse(&c.act, act, &err), AB_OK);
    tnet_create(t, &c, batch);
    net_init(&t->n, t->params, 42);
    for (size_t i = 0; i < t->n.n_params; i++)
        t->params[i] *= 1.5f;
    for (int l = 0; l < c.depth; l++)
        for (int k = 0; k < t->n.n_learned; k++)
            net_lparams(&t->n, t->params, l)[k] = 0.1f + 0.1f * l + 0.05f * k;
    rng_state r;
    rng_seed(&r, 7);
    for (int i = 0; i < batch * c.n_in; i++)
        t->x[i] = (float)rng_normal(&r);
    int classes = c.out == OUT_SIGMOID ? 2 : c.n_out;
    for (int i = 0; i < batch; i++)
        t->y[i] = i % classes;
}

void tnet_free(tnet *t)
{
    net_ws_free(&t->ws);
    free(t->params);
    free(t->grads);
    free(t->x);
    free(t->y);
}

double tnet_loss(tnet *t, net_mode mode, rng_state *rng, unsigned flags)
{
    const net *n = &t->n;
    const int L = n->n_layers, B = t->batch;
    loss_tally tally = {0};
    net_forward(n, t->params, &t->ws, t->x, B, mode, rng);
    if (flags & TNET_STATS)
        net_update_stats(n, t->params, &t->ws, B);
    loss_eval(&tally, flags & TNET_BACKWARD ? t->ws.dz[L - 1] : NULL, t->ws.a[L - 1],
              t->ws.z[L - 1], t->y, B, n->fan_out[L - 1], n->cfg.out, 1.0f / B);
    if (flags & TNET_BACKWARD) {
        memset(t->grads, 0, net_arena_bytes(n));
        net_backward(n, t->params, t->grads, &t->ws, t->x, B);
    }
    return tally.sum / B;
}

void tnet_train_sgd(tnet *t, float lr, int steps, rng_state *rng, double *losses)
{
    const net_config *c = &t->n.cfg;
    train_config tc = {.net = *c, .opt = OPT_SGD, .lr = lr, .batch = t->batch, .epochs = 1,
                       .log_every = 1};
    train_model m;
    ab_err err;
    assert_int_equal(train_model_create(&m, &tc, &err), AB_OK);
    memcpy(m.params, t->params, net_arena_bytes(&t->n));
    data_set ds = {.n = t->batch, .d = c->n_in, .k = c->out == OUT_SIGMOID ? 2 : c->n_out,
                   .x = t->x, .y = t->y};
    int *rows = malloc((size_t)t->batch * sizeof *rows);
    assert_non_null(rows);
    for (int i = 0; i < t->batch; i++)
        rows[i] = i;
    for (int s = 0; s < steps; s++) {
        loss_tally tally = {0};
        assert_int_equal(train_step(&m, &ds, rows, t->batch, rng, &tally), 0);
        losses[s] = tally.sum / t->batch;
    }
    memcpy(t->params, m.params, net_arena_bytes(&t->n));
    free(rows);
    train_model_free(&m);
}

double tnet_probe(probe_layer *out, tnet *t)
{
    const net_config *c = &t->n.cfg;
    data_set ds = {.n = t->batch, .d = c->n_in, .k = c->out == OUT_SIGMOID ? 2 : c->n_out,
                   .x = t->x, .y = t->y};
    probe_ctx pc;
    ab_err err;
    assert_int_equal(probe_ctx_create(&pc, &t->n, &err), AB_OK);
    double loss = probe_measure(out, &t->n, t->params, &t->ws, &pc, &ds);
    probe_ctx_free(&pc);
    return loss;
}

const char *param_kind(const net *n, size_t i)
{
    if (n->n_learned && i >= n->lp_off)
        return "learned";
    for (int l = n->n_layers - 1; l >= 0; l--) {
        if (n->cfg.batchnorm && l < n->cfg.depth && i >= n->g_off[l])
            return "gamma";
        if (i >= n->b_off[l])
            return n->cfg.batchnorm && l < n->cfg.depth ? "beta" : "b";
        if (i >= n->w_off[l])
            return "W";
    }
    return "?";
}

/* Sign pattern of the activation inputs (BN(z), else z), to spot kink
 * crossings. */
static void signs(const tnet *t, unsigned char *s)
{
    size_t k = 0;
    for (int l = 0; l < t->n.cfg.depth; l++)
        for (int i = 0; i < t->batch * t->n.cfg.width; i++)
            s[k++] = t->ws.y[l][i] > 0.0f;
}

void check_gradients(tnet *t, net_mode mode, bool kinked, const char *label)
{
    const net *n = &t->n;
    tnet_loss(t, mode, NULL, TNET_BACKWARD);
    size_t n_signs = (size_t)n->cfg.depth * (size_t)t->batch * (size_t)n->cfg.width;
    unsigned char *base = malloc(n_signs), *moved = malloc(n_signs);
    assert_true(base && moved);
    signs(t, base);
    /* kinked units need small steps so that few differences straddle a kink */
    const float h = kinked ? 4e-3f : 1e-2f;
    int checked = 0, nonzero = 0, gammas = 0, alphas = 0;
    double worst = 0.0;
    for (size_t i = 0; i < n->n_params; i++) {
        float p0 = t->params[i];
        double v[4];
        const float steps[4] = {-2 * h, -h, h, 2 * h};
        bool crossed = false;
        for (int s = 0; s < 4; s++) {
            t->params[i] = p0 + steps[s];
            v[s] = tnet_loss(t, mode, NULL, 0);
            signs(t, moved);
            crossed |= kinked && memcmp(base, moved, n_signs) != 0;
        }
        t->params[i] = p0;
        if (crossed)
            continue; /* the difference straddles a kink of relu-like units */
        double num = (v[0] - 8 * v[1] + 8 * v[2] - v[3]) / (12.0 * h);
        double g = t->grads[i], diff = fabs(num - g);
        double tol = 1e-6 / h + 2e-3 * fmax(fabs(num), fabs(g));
        const char *kind = param_kind(n, i);
        if (diff > tol)
            fail_msg("%s: parameter %zu (%s): backprop %.7g, finite difference %.7g", label, i,
                     kind, g, num);
        worst = fmax(worst, diff);
        checked++;
        if (fabs(g) > 1e-6) {
            nonzero++;
            gammas += strcmp(kind, "gamma") == 0;
            alphas += strcmp(kind, "learned") == 0;
        }
    }
    free(base);
    free(moved);
    if (getenv("ACTBENCH_VERBOSE"))
        fprintf(stderr, "%s: %d of %zu checked, worst %.3g\n", label, checked, n->n_params,
                worst);
    assert_true(checked >= (int)(n->n_params * (kinked ? 1 : 3) / 4));
    assert_true(nonzero >= checked / 2);
    if (n->cfg.batchnorm)
        assert_true(gammas > 0);
    if (n->cfg.act.info->learned)
        assert_true(alphas > 0);
}
