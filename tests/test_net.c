/* test_net.c - backpropagation of the whole network against central finite
 * differences of the loss, identical initial draws across activations, the
 * optimiser updates, and the training step the same with bench-step's phase
 * clock as without. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net.h"
#include "optim.h"
#include "phase.h"
#include "testutil.h"
#include "train.h"

enum { N_IN = 4, WIDTH = 5, DEPTH = 3, B = 6 };

static void setup_net(tnet *f, const char *act, out_kind out)
{
    net_config c = {.n_in = N_IN, .n_out = out == OUT_SIGMOID ? 1 : 3, .depth = DEPTH,
                    .width = WIDTH, .out = out, .init = INIT_XAVIER, .bias_init = 0.1f};
    tnet_setup(f, c, act, B);
}

static void gradient_check(const char *act, out_kind out, int kinked)
{
    tnet f;
    setup_net(&f, act, out);
    check_gradients(&f, NET_PROBE, kinked, act);
    tnet_free(&f);
}

static void test_backprop_smooth(void **state)
{
    (void)state;
    const char *acts[] = {"identity", "sigmoid", "tanh", "elu",  "gelu",     "gelu_tanh",
                          "silu",     "softplus", "mish", "softsign", "logsigmoid", "celu:0.7"};
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++)
        gradient_check(acts[i], OUT_SOFTMAX, 0);
}

static void test_backprop_kinked(void **state)
{
    (void)state;
    const char *acts[] = {"relu", "leaky_relu:0.1", "prelu", "selu", "rrelu", "hardswish"};
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++)
        gradient_check(acts[i], OUT_SOFTMAX, 1);
}

static void test_backprop_bce(void **state)
{
    (void)state;
    gradient_check("tanh", OUT_SIGMOID, 0);
    gradient_check("prelu", OUT_SIGMOID, 1);
}

/* prelu's alpha gradients are among the parameters above; check they are
 * really exercised: nonzero where units are negative. */
static void test_prelu_alpha_gradient_nonzero(void **state)
{
    (void)state;
    tnet f;
    setup_net(&f, "prelu", OUT_SOFTMAX);
    tnet_loss(&f, NET_PROBE, NULL, TNET_BACKWARD);
    for (int l = 0; l < DEPTH; l++)
        assert_true(fabsf(*net_lparams(&f.n, f.grads, l)) > 1e-6f);
    tnet_free(&f);
}

static void test_identical_initial_weights(void **state)
{
    (void)state;
    const char *acts[] = {"sigmoid", "relu", "tanh", "prelu", "gelu"};
    float *first = NULL;
    net n0;
    for (size_t a = 0; a < sizeof acts / sizeof acts[0]; a++) {
        ab_err err;
        net n;
        net_config c = {.n_in = 7, .n_out = 3, .depth = 4, .width = 9, .init = INIT_XAVIER};
        assert_int_equal(act_parse(&c.act, acts[a], &err), AB_OK);
        assert_int_equal(net_create(&n, &c, &err), AB_OK);
        float *p = net_arena_alloc(&n);
        net_init(&n, p, 2024);
        if (!first) {
            first = p;
            n0 = n;
            continue;
        }
        /* weights and biases come first in the arena: compare them bitwise */
        size_t wb = n0.lp_off;
        assert_int_equal(n.lp_off, wb);
        assert_memory_equal(first, p, wb * sizeof(float));
        free(p);
    }
    /* another seed gives other draws */
    float *q = net_arena_alloc(&n0);
    net_init(&n0, q, 2025);
    assert_memory_not_equal(first, q, n0.w_off[1] * sizeof(float));
    free(q);
    free(first);
}

static void test_init_scales(void **state)
{
    (void)state;
    ab_err err;
    net n;
    net_config c = {.n_in = 200, .n_out = 10, .depth = 2, .width = 300, .init = INIT_HE};
    assert_int_equal(act_parse(&c.act, "relu", &err), AB_OK);
    assert_int_equal(net_create(&n, &c, &err), AB_OK);
    float *p = net_arena_alloc(&n);
    net_init(&n, p, 1);
    /* empirical std of layer 2 (300 x 300) against sqrt(2/300) */
    const float *w = net_w(&n, p, 1);
    double ss = 0.0;
    for (int i = 0; i < 300 * 300; i++)
        ss += (double)w[i] * w[i];
    assert_float_equal(sqrt(ss / (300 * 300)), sqrt(2.0 / 300), 0.01 * sqrt(2.0 / 300));
    free(p);
}

static void test_optimisers(void **state)
{
    (void)state;
    ab_err err;
    optim o;
    float p[2] = {1.0f, -1.0f};
    const float g[2] = {0.5f, -0.25f};
    assert_int_equal(optim_create(&o, OPT_SGD, 0.1f, 2, &err), AB_OK);
    optim_step(&o, p, g);
    assert_float_equal(p[0], 0.95, 1e-7);
    assert_float_equal(p[1], -0.975, 1e-7);
    optim_free(&o);

    p[0] = 1.0f;
    assert_int_equal(optim_create(&o, OPT_MOMENTUM, 0.1f, 1, &err), AB_OK);
    optim_step(&o, p, g); /* v = 0.5 */
    optim_step(&o, p, g); /* v = 0.9*0.5 + 0.5 = 0.95 */
    assert_float_equal(p[0], 1.0 - 0.1 * 0.5 - 0.1 * 0.95, 1e-6);
    optim_free(&o);

    p[0] = 1.0f;
    assert_int_equal(optim_create(&o, OPT_ADAM, 0.01f, 1, &err), AB_OK);
    optim_step(&o, p, g); /* first Adam step moves by lr * sign(g) */
    assert_float_equal(p[0], 0.99, 1e-6);
    optim_free(&o);
}

/* net_backward_sgd against net_backward then optim_step's SGD, from the same
 * forward: the same dz in every layer, the same biases, betas, gammas and
 * slopes bit for bit, and W within rounding (W - lr g rounded once rather
 * than twice): with batch norm, a learned slope and skips. */
static void check_sgd_folded(const char *act, bool bn, bool res)
{
    net_config c = {.n_in = N_IN, .n_out = 3, .depth = DEPTH, .width = WIDTH,
                    .out = OUT_SOFTMAX, .init = INIT_XAVIER, .batchnorm = bn, .residual = res};
    tnet f;
    tnet_setup(&f, c, act, B);
    const net *n = &f.n;
    const float lr = 0.3f;
    const size_t np = n->n_params, nws = net_ws_bytes(n, B) / sizeof(float);
    float *p0 = malloc(np * sizeof *p0), *want = malloc(np * sizeof *want),
          *ws0 = malloc(nws * sizeof *ws0);
    assert_true(p0 && want && ws0);
    memcpy(p0, f.params, np * sizeof *p0);
    /* apart: the gradient, then the update */
    tnet_loss(&f, NET_PROBE, NULL, TNET_BACKWARD);
    optim o;
    ab_err err;
    assert_int_equal(optim_create(&o, OPT_SGD, lr, np, &err), AB_OK);
    optim_step(&o, f.params, f.grads);
    optim_free(&o);
    memcpy(want, f.params, np * sizeof *want);
    memcpy(ws0, f.ws.block, nws * sizeof *ws0);
    /* folded, from the same weights and forward */
    memcpy(f.params, p0, np * sizeof *p0);
    tnet_loss(&f, NET_PROBE, NULL, 0);
    net_backward_sgd(n, f.params, &f.ws, f.x, B, lr);
    for (int l = 0; l < n->n_layers; l++)
        if (memcmp(f.ws.dz[l], ws0 + (f.ws.dz[l] - f.ws.block),
                   sizeof(float) * (size_t)(B * n->fan_out[l])) != 0)
            fail_msg("%s: layer %d's dz differs when SGD is folded in", act, l + 1);
    int moved = 0;
    for (size_t i = 0; i < np; i++) {
        const char *kind = param_kind(n, i);
        bool w = strcmp(kind, "W") == 0;
        /* W: one rounding of W - lr g against two (of lr g, then of the difference) */
        float tol = w ? 2e-7f * (fabsf(p0[i]) + fabsf(want[i] - p0[i])) : 0.0f;
        if (!(fabsf(f.params[i] - want[i]) <= tol))
            fail_msg("%s: parameter %zu (%s) is %.9g folded, %.9g apart (from %.9g)", act, i,
                     kind, (double)f.params[i], (double)want[i], (double)p0[i]);
        moved += f.params[i] != p0[i];
    }
    /* the step moved most parameters */
    if (moved < (int)(np / 2))
        fail_msg("%s: the step moved %d of %zu parameters", act, moved, np);
    free(p0);
    free(want);
    free(ws0);
    tnet_free(&f);
}

static void test_sgd_folded(void **state)
{
    (void)state;
    check_sgd_folded("relu", false, false);
    check_sgd_folded("tanh", false, true);
    check_sgd_folded("prelu", true, false);
    check_sgd_folded("elu", true, true);
}

/* Steps of train_step on two models of cfg from the same weights, one with
 * the phase clock on its workspace: the same parameters bit for bit after
 * every step, and the clock saw the products (and, with batch norm or a
 * learned slope, the other phase). */
static void check_clocked_step(const char *act, opt_kind opt, bool bn, bool res)
{
    train_config tc = {.net = {.n_in = N_IN, .n_out = 3, .depth = DEPTH, .width = WIDTH,
                               .out = OUT_SOFTMAX, .init = INIT_XAVIER, .batchnorm = bn,
                               .residual = res},
                       .opt = opt, .lr = (float)optim_default_lr(opt), .batch = B,
                       .epochs = 1, .log_every = 1};
    ab_err err;
    assert_int_equal(act_parse(&tc.net.act, act, &err), AB_OK);
    train_model m[2];
    rng_state rng[2];
    for (int k = 0; k < 2; k++) {
        assert_int_equal(train_model_create(&m[k], &tc, &err), AB_OK);
        net_init(&m[k].n, m[k].params, 3);
        rng_seed(&rng[k], 11);
    }
    phase_clock clk;
    phase_reset(&clk);
    m[1].ws.clock = &clk;
    enum { N = 2 * B };
    float x[N * N_IN];
    int y[N], rows[N];
    rng_state r;
    rng_seed(&r, 5);
    for (int i = 0; i < N * N_IN; i++)
        x[i] = (float)rng_normal(&r);
    for (int i = 0; i < N; i++)
        y[i] = i % 3, rows[i] = (i * 7) % N;
    data_set ds = {.n = N, .d = N_IN, .k = 3, .x = x, .y = y};
    for (int s = 0; s < 6; s++) {
        loss_tally t[2];
        memset(t, 0, sizeof t);
        for (int k = 0; k < 2; k++)
            assert_int_equal(train_step(&m[k], &ds, rows + (s % 2) * B, B, &rng[k], &t[k]), 0);
        assert_true(t[0].sum == t[1].sum);
        if (memcmp(m[0].params, m[1].params, net_arena_bytes(&m[0].n)) != 0)
            fail_msg("%s: the clocked step's parameters differ after step %d", act, s);
    }
    static const phase_id seen[] = {PHASE_FWD_GEMM, PHASE_WGRAD_GEMM, PHASE_IGRAD_GEMM,
                                    PHASE_ACT_F, PHASE_LOSS, PHASE_GATHER};
    for (size_t k = 0; k < sizeof seen / sizeof seen[0]; k++)
        if (!(clk.sec[seen[k]] > 0.0))
            fail_msg("%s: the clock saw no %s", act, phase_names[seen[k]]);
    if (bn || tc.net.act.info->learned)
        assert_true(clk.sec[PHASE_OTHER] > 0.0);
    for (int k = 0; k < 2; k++)
        train_model_free(&m[k]);
}

static void test_clocked_step(void **state)
{
    (void)state;
    check_clocked_step("relu", OPT_SGD, false, false);
    check_clocked_step("tanh", OPT_ADAM, false, true);
    check_clocked_step("prelu", OPT_MOMENTUM, false, false);
    check_clocked_step("rrelu", OPT_SGD, true, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backprop_smooth),
        cmocka_unit_test(test_backprop_kinked),
        cmocka_unit_test(test_backprop_bce),
        cmocka_unit_test(test_prelu_alpha_gradient_nonzero),
        cmocka_unit_test(test_identical_initial_weights),
        cmocka_unit_test(test_init_scales),
        cmocka_unit_test(test_optimisers),
        cmocka_unit_test(test_sgd_folded),
        cmocka_unit_test(test_clocked_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
