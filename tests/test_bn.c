/* test_bn.c - batch normalisation and residual connections: every parameter
 * gradient (W, b or beta, gamma, prelu alpha) against central finite
 * differences of the mean batch loss in the batch-statistics mode, the
 * forward arithmetic of both, the running statistics and inference with them,
 * that residual at depth 1 is the plain network, what the probe measures on
 * skip layers, the weight files, and a short training run. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "net.h"
#include "optim.h"
#include "probe.h"
#include "train.h"
#include "testutil.h"
#include "weights.h"

enum { N_IN = 4, WIDTH = 5, DEPTH = 3, B = 8, N_OUT = 3 };

/* A network of depth hidden layers with the options given, drawn as
 * tnet_setup does, and its gammas and betas away from 1 and 0 so that no
 * gradient is trivially small. */
static void setup_depth(tnet *f, const char *act, bool bn, bool res, int depth, out_kind out)
{
    net_config c = {.n_in = N_IN, .n_out = out == OUT_SIGMOID ? 1 : N_OUT, .depth = depth,
                    .width = WIDTH, .out = out, .init = INIT_XAVIER, .bias_init = 0.1f,
                    .batchnorm = bn, .residual = res};
    tnet_setup(f, c, act, B);
    rng_state r;
    rng_seed(&r, 9);
    for (int l = 0; bn && l < depth; l++)
        for (int i = 0; i < WIDTH; i++) {
            net_gamma(&f->n, f->params, l)[i] = (float)(0.6 + 0.8 * rng_uniform(&r));
            net_b(&f->n, f->params, l)[i] = (float)(0.5 * rng_normal(&r));
        }
}

static void setup_net(tnet *f, const char *act, bool bn, bool res)
{
    setup_depth(f, act, bn, res, DEPTH, OUT_SOFTMAX);
}

/* Every parameter gradient (check_gradients) of the network with the options
 * given, in the batch-statistics mode. */
static void gradient_check(const char *act, bool bn, bool res, out_kind out, int kinked,
                           net_mode mode)
{
    tnet f;
    setup_depth(&f, act, bn, res, DEPTH, out);
    char label[96];
    snprintf(label, sizeof label, "%s%s%s", act, bn ? " batchnorm" : "", res ? " residual" : "");
    check_gradients(&f, mode, kinked, label);
    tnet_free(&f);
}

static const char *const smooth_acts[] = {"tanh", "sigmoid", "elu", "gelu"};
static const char *const kinked_acts[] = {"relu", "prelu", "leaky_relu:0.1"};

static void check_all(bool bn, bool res)
{
    for (size_t i = 0; i < sizeof smooth_acts / sizeof smooth_acts[0]; i++)
        gradient_check(smooth_acts[i], bn, res, OUT_SOFTMAX, 0, NET_PROBE);
    for (size_t i = 0; i < sizeof kinked_acts / sizeof kinked_acts[0]; i++)
        gradient_check(kinked_acts[i], bn, res, OUT_SOFTMAX, 1, NET_PROBE);
}

static void test_backprop_batchnorm(void **state)
{
    (void)state;
    check_all(true, false);
}

static void test_backprop_residual(void **state)
{
    (void)state;
    check_all(false, true);
}

static void test_backprop_both(void **state)
{
    (void)state;
    check_all(true, true);
    /* NET_TRAIN normalises the same way (without rrelu it draws nothing) */
    gradient_check("tanh", true, true, OUT_SOFTMAX, 0, NET_TRAIN);
    gradient_check("sigmoid", true, true, OUT_SIGMOID, 0, NET_PROBE);
}

/* The arena: learned parameters first, running statistics after n_params;
 * without batchnorm the layout is the plain one. */
static void test_layout(void **state)
{
    (void)state;
    tnet f, g;
    setup_net(&f, "prelu", true, true);
    setup_net(&g, "prelu", false, true);
    const net *n = &f.n;
    assert_int_equal(n->n_state, 2 * DEPTH * WIDTH);
    assert_int_equal(net_arena_bytes(n), (n->n_params + n->n_state) * sizeof(float));
    for (int l = 0; l < DEPTH; l++) {
        assert_true(n->g_off[l] == n->b_off[l] + WIDTH);
        assert_true(n->rm_off[l] >= n->n_params && n->rv_off[l] >= n->n_params);
        assert_true(n->rv_off[l] + WIDTH <= n->n_params + n->n_state);
    }
    /* one gamma per hidden unit more than the plain network */
    assert_int_equal(n->n_params, g.n.n_params + DEPTH * WIDTH);
    assert_int_equal(g.n.n_state, 0);
    assert_int_equal(net_arena_bytes(&g.n), g.n.n_params * sizeof(float));
    /* the same weight draws with and without batchnorm, for a given seed */
    net_init(&f.n, f.params, 5);
    net_init(&g.n, g.params, 5);
    for (int l = 0; l <= DEPTH; l++)
        assert_memory_equal(net_w(&f.n, f.params, l), net_w(&g.n, g.params, l),
                            sizeof(float) * (size_t)f.n.fan_in[l] * (size_t)f.n.fan_out[l]);
    for (int l = 0; l < DEPTH; l++)
        for (int i = 0; i < WIDTH; i++) {
            assert_true(net_gamma(n, f.params, l)[i] == 1.0f);
            assert_true(net_run_mean(n, f.params, l)[i] == 0.0f);
            assert_true(net_run_var(n, f.params, l)[i] == 1.0f);
        }
    /* the optimiser moves the learned floats and leaves the state alone */
    optim o;
    ab_err err;
    for (size_t i = 0; i < n->n_params + n->n_state; i++)
        f.grads[i] = 1.0f;
    float *before = malloc(net_arena_bytes(n));
    assert_non_null(before);
    memcpy(before, f.params, net_arena_bytes(n));
    assert_int_equal(optim_create(&o, OPT_ADAM, 0.01f, n->n_params, &err), AB_OK);
    optim_step(&o, f.params, f.grads);
    optim_free(&o);
    assert_memory_not_equal(before, f.params, n->n_params * sizeof(float));
    assert_memory_equal(before + n->n_params, f.params + n->n_params,
                        n->n_state * sizeof(float));
    free(before);
    tnet_free(&f);
    tnet_free(&g);
}

/* Forward arithmetic, recomputed in double: z = W a_prev (no bias),
 * y = gamma (z - mean) / sqrt(var + eps) + beta with the batch's mean and
 * biased variance, h = f(y), a = a_prev + h on skip layers. */
static void test_forward_values(void **state)
{
    (void)state;
    tnet f;
    setup_net(&f, "tanh", true, true);
    const net *n = &f.n;
    net_forward(n, f.params, &f.ws, f.x, B, NET_PROBE, NULL);
    const float *in = f.x;
    for (int l = 0; l < DEPTH; l++) {
        int fi = n->fan_in[l];
        const float *w = net_w(n, f.params, l), *gamma = net_gamma(n, f.params, l),
                    *beta = net_b(n, f.params, l);
        for (int j = 0; j < WIDTH; j++) {
            double z[B], mean = 0.0, var = 0.0;
            for (int s = 0; s < B; s++) {
                z[s] = 0.0;
                for (int i = 0; i < fi; i++)
                    z[s] += (double)w[j * fi + i] * in[s * fi + i];
                assert_float_equal(f.ws.z[l][s * WIDTH + j], z[s], 1e-5);
                mean += z[s] / B;
            }
            for (int s = 0; s < B; s++)
                var += (z[s] - mean) * (z[s] - mean) / B;
            assert_float_equal(f.ws.mean[l][j], mean, 1e-5);
            assert_float_equal(f.ws.var[l][j], var, 1e-5 * (1.0 + var));
            for (int s = 0; s < B; s++) {
                double y = gamma[j] * (z[s] - mean) / sqrt(var + 1e-5) + beta[j];
                size_t k = (size_t)s * WIDTH + (size_t)j;
                assert_float_equal(f.ws.y[l][k], y, 1e-4);
                assert_float_equal(f.ws.h[l][k], tanh(f.ws.y[l][k]), 1e-6);
                double a = f.ws.h[l][k] + (l >= 1 ? in[k] : 0.0f);
                assert_true(f.ws.a[l][k] == (float)a);
            }
        }
        /* layer 0 has no skip: its h is its a */
        if (l == 0)
            assert_ptr_equal(f.ws.h[0], f.ws.a[0]);
        else
            assert_ptr_not_equal(f.ws.h[l], f.ws.a[l]);
        in = f.ws.a[l];
    }
    tnet_free(&f);
}

/* net_update_stats after one NET_TRAIN forward: running = 0.9 running + 0.1
 * batch statistic, the variance unbiased; twice in a row compounds.  With
 * one sample the mean moves, the variance stays, outputs are beta. */
static void test_running_stats(void **state)
{
    (void)state;
    tnet f;
    setup_net(&f, "relu", true, false);
    const net *n = &f.n;
    rng_state r;
    rng_seed(&r, 1);
    net_forward(n, f.params, &f.ws, f.x, B, NET_TRAIN, &r);
    net_update_stats(n, f.params, &f.ws, B);
    double bm[DEPTH][WIDTH], bv[DEPTH][WIDTH];
    for (int l = 0; l < DEPTH; l++)
        for (int j = 0; j < WIDTH; j++) {
            double mean = 0.0, ss = 0.0;
            for (int s = 0; s < B; s++)
                mean += f.ws.z[l][s * WIDTH + j] / (double)B;
            for (int s = 0; s < B; s++) {
                double d = f.ws.z[l][s * WIDTH + j] - mean;
                ss += d * d;
            }
            bm[l][j] = mean, bv[l][j] = ss / (B - 1);
            assert_float_equal(net_run_mean(n, f.params, l)[j], 0.1 * mean, 1e-6);
            assert_float_equal(net_run_var(n, f.params, l)[j], 0.9 + 0.1 * bv[l][j],
                               1e-6 * (1.0 + bv[l][j]));
            /* a nonzero statistic, or the check above proves little */
            assert_true(fabs(mean) > 1e-3);
        }
    /* the same batch again: the parameters are unchanged, so are its stats */
    net_forward(n, f.params, &f.ws, f.x, B, NET_TRAIN, &r);
    net_update_stats(n, f.params, &f.ws, B);
    for (int l = 0; l < DEPTH; l++)
        for (int j = 0; j < WIDTH; j++) {
            assert_float_equal(net_run_mean(n, f.params, l)[j], 0.19 * bm[l][j], 1e-6);
            assert_float_equal(net_run_var(n, f.params, l)[j], 0.81 + 0.19 * bv[l][j],
                               2e-6 * (1.0 + bv[l][j]));
        }
    /* probe and eval forwards leave the running statistics alone */
    float *keep = malloc(net_arena_bytes(n));
    assert_non_null(keep);
    memcpy(keep, f.params, net_arena_bytes(n));
    net_forward(n, f.params, &f.ws, f.x, B, NET_PROBE, NULL);
    net_forward(n, f.params, &f.ws, f.x, B, NET_EVAL, NULL);
    assert_memory_equal(keep, f.params, net_arena_bytes(n));

    /* a batch of one: zhat = 0, so y = beta; var 0 is fine with eps */
    net_forward(n, f.params, &f.ws, f.x + N_IN, 1, NET_TRAIN, &r);
    net_update_stats(n, f.params, &f.ws, 1);
    for (int l = 0; l < DEPTH; l++)
        for (int j = 0; j < WIDTH; j++) {
            assert_true(f.ws.y[l][j] == net_b(n, f.params, l)[j]);
            float rm0 = net_run_mean(n, keep, l)[j];
            assert_float_equal(net_run_mean(n, f.params, l)[j],
                               0.9f * rm0 + 0.1f * f.ws.z[l][j], 1e-6);
            assert_true(net_run_var(n, f.params, l)[j] == net_run_var(n, keep, l)[j]);
        }
    for (int i = 0; i < N_OUT; i++)
        assert_true(isfinite(f.ws.a[DEPTH][i]));
    free(keep);
    tnet_free(&f);
}

/* NET_EVAL normalises with the running statistics: y recomputed from them
 * in double; each sample's output then does not depend on the rest of the
 * batch, unlike in NET_PROBE. */
static void test_eval_uses_running_stats(void **state)
{
    (void)state;
    tnet f;
    setup_net(&f, "sigmoid", true, true);
    const net *n = &f.n;
    rng_state r;
    rng_seed(&r, 3);
    for (int l = 0; l < DEPTH; l++)
        for (int j = 0; j < WIDTH; j++) {
            net_run_mean(n, f.params, l)[j] = (float)rng_normal(&r);
            net_run_var(n, f.params, l)[j] = (float)(0.2 + 2.0 * rng_uniform(&r));
        }
    net_forward(n, f.params, &f.ws, f.x, B, NET_EVAL, NULL);
    float out_batch[B * N_OUT];
    memcpy(out_batch, f.ws.a[DEPTH], sizeof out_batch);
    for (int l = 0; l < DEPTH; l++) {
        const float *rm = net_run_mean(n, f.params, l), *rv = net_run_var(n, f.params, l),
                    *gamma = net_gamma(n, f.params, l), *beta = net_b(n, f.params, l);
        for (int s = 0; s < B; s++)
            for (int j = 0; j < WIDTH; j++) {
                size_t k = (size_t)s * WIDTH + (size_t)j;
                double y = gamma[j] * (f.ws.z[l][k] - rm[j]) / sqrt(rv[j] + 1e-5) + beta[j];
                assert_float_equal(f.ws.y[l][k], y, 1e-5 * (1.0 + fabs(y)));
            }
    }
    for (int s = 0; s < B; s++) {
        net_forward(n, f.params, &f.ws, f.x + s * N_IN, 1, NET_EVAL, NULL);
        for (int i = 0; i < N_OUT; i++)
            assert_float_equal(f.ws.a[DEPTH][i], out_batch[s * N_OUT + i], 1e-6);
    }
    /* batch statistics give other outputs */
    net_forward(n, f.params, &f.ws, f.x, B, NET_PROBE, NULL);
    double diff = 0.0;
    for (int i = 0; i < B * N_OUT; i++)
        diff += fabs(f.ws.a[DEPTH][i] - out_batch[i]);
    assert_true(diff > 1e-3);
    tnet_free(&f);
}

/* With one hidden layer there is no layer to skip: residual changes
 * nothing, bit for bit, with and without batchnorm. */
static void test_residual_depth1_is_plain(void **state)
{
    (void)state;
    for (int bn = 0; bn < 2; bn++) {
        tnet p, q;
        setup_depth(&p, "relu", bn, false, 1, OUT_SOFTMAX);
        setup_depth(&q, "relu", bn, true, 1, OUT_SOFTMAX);
        assert_int_equal(p.n.n_params, q.n.n_params);
        assert_int_equal(net_ws_bytes(&p.n, B), net_ws_bytes(&q.n, B));
        assert_memory_equal(p.params, q.params, net_arena_bytes(&p.n));
        double lp = tnet_loss(&p, NET_PROBE, NULL, TNET_BACKWARD),
               lq = tnet_loss(&q, NET_PROBE, NULL, TNET_BACKWARD);
        assert_true(lp == lq);
        assert_memory_equal(p.ws.a[1], q.ws.a[1], sizeof(float) * B * N_OUT);
        assert_memory_equal(p.grads, q.grads, p.n.n_params * sizeof(float));
        tnet_free(&p);
        tnet_free(&q);
    }
}

/* On skip layers the probe measures the activation's output h, not the
 * layer output a = a_prev + h; same_sign uses the layer's input a_prev and
 * dz; bias_grad_norm is ||dL/dbeta||. */
static void test_probe_on_skip_layers(void **state)
{
    (void)state;
    tnet f;
    setup_net(&f, "relu", true, true);
    const net *n = &f.n;
    probe_layer out[DEPTH + 1];
    tnet_probe(out, &f);
    /* the same chunk (all of it) by hand */
    tnet_loss(&f, NET_PROBE, NULL, TNET_BACKWARD);
    for (int l = 1; l < DEPTH; l++) {
        double sh = 0.0, sa = 0.0, pos = 0.0;
        int alive[WIDTH] = {0};
        for (int i = 0; i < B * WIDTH; i++) {
            sh += f.ws.h[l][i];
            sa += f.ws.a[l][i];
            pos += f.ws.h[l][i] > 0.0f;
            alive[i % WIDTH] |= f.ws.h[l][i] != 0.0f;
        }
        int dead = 0;
        for (int j = 0; j < WIDTH; j++)
            dead += !alive[j];
        assert_float_equal(out[l].act_mean, sh / (B * WIDTH), 1e-6);
        assert_true(fabs(sh - sa) > 1e-3); /* h and a differ, so this tells them apart */
        assert_float_equal(out[l].act_pos_frac, pos / (B * WIDTH), 1e-12);
        assert_float_equal(out[l].dead_pct, 100.0 * dead / WIDTH, 1e-12);
        /* same_sign from a[l-1] (B x WIDTH) and dz[l] */
        long rows = 0, same = 0;
        for (int s = 0; s < B; s++) {
            int np = 0, nn = 0;
            for (int j = 0; j < WIDTH; j++) {
                np += f.ws.a[l - 1][s * WIDTH + j] > 0.0f;
                nn += f.ws.a[l - 1][s * WIDTH + j] < 0.0f;
            }
            for (int i = 0; np + nn > 0 && i < WIDTH; i++)
                if (f.ws.dz[l][s * WIDTH + i] != 0.0f) {
                    rows++;
                    same += np == 0 || nn == 0;
                }
        }
        assert_true(rows > 0);
        assert_float_equal(out[l].same_sign_pct, 100.0 * same / rows, 1e-9);
    }
    for (int l = 0; l < DEPTH; l++) {
        double ss = 0.0;
        for (int j = 0; j < WIDTH; j++)
            ss += (double)net_b(n, f.grads, l)[j] * net_b(n, f.grads, l)[j];
        assert_float_equal(out[l].bias_grad_norm, sqrt(ss), 1e-6 * sqrt(ss));
        assert_true(ss > 0.0);
    }
    tnet_free(&f);
}

/* Weight files of a batchnorm network: a round trip keeps every float,
 * state included; a missing gamma file and a folder saved with batchnorm
 * loaded into a network without it are usage errors. */
static void test_weights_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/actbench_bn_XXXXXX", path[256];
    assert_non_null(mkdtemp(dir));
    tnet f, g;
    setup_net(&f, "prelu", true, true);
    for (int l = 0; l < DEPTH; l++)
        for (int j = 0; j < WIDTH; j++) {
            net_run_mean(&f.n, f.params, l)[j] = 0.1f * (float)(l + j);
            net_run_var(&f.n, f.params, l)[j] = 1.0f + 0.2f * (float)(l * j);
        }
    ab_err err;
    assert_int_equal(weights_save(dir, &f.n, f.params, &err), AB_OK);
    const char *names[] = {"gamma1.npy", "running_mean3.npy", "running_var2.npy", "b1.npy"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        assert_int_equal(access(path, F_OK), 0);
    }
    snprintf(path, sizeof path, "%s/gamma4.npy", dir);
    assert_int_equal(access(path, F_OK), -1); /* never the output layer */
    float *q = net_arena_alloc(&f.n);
    assert_non_null(q);
    assert_int_equal(weights_load(dir, &f.n, q, &err), AB_OK);
    assert_memory_equal(f.params, q, net_arena_bytes(&f.n));
    free(q);

    setup_net(&g, "prelu", false, true);
    assert_int_equal(weights_load(dir, &g.n, g.params, &err), AB_EUSAGE);
    assert_non_null(strstr(err.msg, "gamma1.npy"));
    snprintf(path, sizeof path, "%s/gamma1.npy", dir);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(weights_load(dir, &f.n, f.params, &err), AB_EUSAGE);
    assert_non_null(strstr(err.msg, "the network has batch normalisation"));
    tnet_free(&f);
    tnet_free(&g);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* A short run with both options: it learns, the running statistics moved
 * away from their initial 0 and 1, and train_bytes grew by the new buffers. */
static void test_train_run(void **state)
{
    (void)state;
    enum { N = 96 };
    float x[N * 2];
    int y[N];
    rng_state r;
    rng_seed(&r, 17);
    for (int i = 0; i < N; i++) {
        y[i] = i % 2;
        x[2 * i] = (float)(rng_normal(&r) + (y[i] ? 1.5 : -1.5));
        x[2 * i + 1] = (float)rng_normal(&r);
    }
    data_set ds = {.n = N, .d = 2, .k = 2, .x = x, .y = y}, none = {.d = 2, .k = 2};
    train_config tc = {.net = {.n_in = 2, .n_out = 2, .depth = 4, .width = 8, .out = OUT_SOFTMAX,
                               .init = INIT_XAVIER, .batchnorm = true, .residual = true},
                       .opt = OPT_SGD, .lr = 0.1f, .epochs = 5, .batch = 16, .log_every = 5,
                       .target_acc = NAN, .seed = 1, .keep_params = true};
    ab_err err;
    assert_int_equal(act_parse(&tc.net.act, "tanh", &err), AB_OK);
    run_result res;
    assert_int_equal(train_run(&res, &tc, &ds, &none, &ds, NULL, NULL, &err), AB_OK);
    assert_int_equal(res.diverged, 0);
    assert_int_equal(res.n_loss, 6);
    assert_true(res.loss[5].train_loss < res.loss[1].train_loss);
    assert_true(res.loss[5].train_acc > 0.8);
    net n;
    assert_int_equal(net_create(&n, &tc.net, &err), AB_OK);
    int moved = 0;
    for (int l = 0; l < 4; l++)
        for (int j = 0; j < 8; j++) {
            assert_true(net_run_mean(&n, res.init_params, l)[j] == 0.0f);
            assert_true(net_run_var(&n, res.init_params, l)[j] == 1.0f);
            moved += net_run_mean(&n, res.final_params, l)[j] != 0.0f &&
                     net_run_var(&n, res.final_params, l)[j] != 1.0f;
        }
    assert_int_equal(moved, 32);
    /* not train_result_free: the tests' runner library has one of that name */
    free(res.loss);
    free(res.layers);
    free(res.probe_epoch);
    free(res.init_params);
    free(res.final_params);
    free(res.units.hist);
    free(res.units.dead);

    train_config plain = tc;
    plain.net.batchnorm = plain.net.residual = false;
    net p;
    assert_int_equal(net_create(&p, &plain.net, &err), AB_OK);
    size_t extra = train_bytes(&tc) - train_bytes(&plain);
    /* the params arena (with the state), probe grads, workspace, 2 copies:
     * plain SGD has no grads arena (its update is folded into the backward) */
    size_t want = 4 * (net_arena_bytes(&n) - net_arena_bytes(&p)) +
                  net_ws_bytes(&n, 256) - net_ws_bytes(&p, 256);
    assert_int_equal(extra, want);
    /* momentum has one, and its velocity for the learned floats */
    tc.opt = plain.opt = OPT_MOMENTUM;
    extra = train_bytes(&tc) - train_bytes(&plain);
    want += net_arena_bytes(&n) - net_arena_bytes(&p) + (n.n_params - p.n_params) * sizeof(float);
    assert_int_equal(extra, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backprop_batchnorm),
        cmocka_unit_test(test_backprop_residual),
        cmocka_unit_test(test_backprop_both),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_forward_values),
        cmocka_unit_test(test_running_stats),
        cmocka_unit_test(test_eval_uses_running_stats),
        cmocka_unit_test(test_residual_depth1_is_plain),
        cmocka_unit_test(test_probe_on_skip_layers),
        cmocka_unit_test(test_weights_files),
        cmocka_unit_test(test_train_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
