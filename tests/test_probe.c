/* test_probe.c - each probe on hand-built networks whose answer is known:
 * dead units, same-sign rows behind sigmoid, saturation, activation
 * statistics, and that chunking the probe set changes nothing; and the
 * metric table against probe_layer and probe_measure. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "probe.h"

typedef struct {
    net n;
    net_ws ws;
    probe_ctx pc;
    float *params;
    data_set d;
} fixture;

static void make(fixture *f, const char *act, int n_in, int depth, int width, int samples,
                 int cap)
{
    ab_err err;
    net_config c = {.n_in = n_in, .n_out = 2, .depth = depth, .width = width,
                    .out = OUT_SOFTMAX, .init = INIT_XAVIER};
    assert_int_equal(act_parse(&c.act, act, &err), AB_OK);
    assert_int_equal(net_create(&f->n, &c, &err), AB_OK);
    assert_int_equal(net_ws_create(&f->ws, &f->n, cap, &err), AB_OK);
    assert_int_equal(probe_ctx_create(&f->pc, &f->n, &err), AB_OK);
    f->params = net_arena_alloc(&f->n);
    assert_non_null(f->params);
    net_init(&f->n, f->params, 3);
    f->d.n = samples;
    f->d.d = n_in;
    f->d.k = 2;
    f->d.x = malloc(sizeof(float) * (size_t)samples * n_in);
    f->d.y = malloc(sizeof(int) * (size_t)samples);
    rng_state r;
    rng_seed(&r, 11);
    for (int i = 0; i < samples * n_in; i++)
        f->d.x[i] = (float)rng_normal(&r);
    for (int i = 0; i < samples; i++)
        f->d.y[i] = i % 2;
}

static void destroy(fixture *f)
{
    net_ws_free(&f->ws);
    probe_ctx_free(&f->pc);
    free(f->params);
    data_free(&f->d);
}

static void test_dead_unit(void **state)
{
    (void)state;
    fixture f;
    make(&f, "relu", 2, 1, 3, 8, 8);
    float *w = net_w(&f.n, f.params, 0), *b = net_b(&f.n, f.params, 0);
    /* unit 0: z = -1 always (dead); unit 1: z = x0 (alive on half the
     * samples); unit 2: z = +1 always (alive) */
    memset(w, 0, sizeof(float) * 6);
    w[2] = 1.0f;
    b[0] = -1.0f, b[1] = 0.0f, b[2] = 1.0f;
    for (int i = 0; i < 8; i++)
        f.d.x[2 * i] = i < 4 ? 1.0f + i : -1.0f - i;
    probe_layer out[2];
    probe_measure(out, &f.n, f.params, &f.ws, &f.pc, &f.d);
    assert_float_equal(out[0].dead_pct, 100.0 / 3.0, 1e-9);
    assert_int_equal(out[0].layer, 1);
    assert_int_equal(out[1].layer, 2);
    /* positive fraction: unit 1 on 4 of 8 samples, unit 2 on all 8 */
    assert_float_equal(out[0].act_pos_frac, 12.0 / 24.0, 1e-9);
    /* relu' = 0 for unit 0 always and unit 1 on half: saturated 12 of 24 */
    assert_float_equal(out[0].saturated_pct, 50.0, 1e-9);
    /* the output layer has no activation statistics */
    assert_true(isnan(out[1].dead_pct) && isnan(out[1].act_mean));
    /* a dead unit gets no gradient: its bias gradient is exactly 0 */
    assert_true(f.pc.grads[f.n.b_off[0]] == 0.0f);
    destroy(&f);
}

static void test_same_sign_behind_sigmoid(void **state)
{
    (void)state;
    fixture f;
    make(&f, "sigmoid", 3, 2, 8, 20, 20);
    probe_layer out[3];
    probe_measure(out, &f.n, f.params, &f.ws, &f.pc, &f.d);
    assert_true(isnan(out[0].same_sign_pct)); /* layer 1: inputs, not defined */
    assert_float_equal(out[1].same_sign_pct, 100.0, 1e-9);
    destroy(&f);

    make(&f, "tanh", 3, 2, 8, 20, 20);
    probe_measure(out, &f.n, f.params, &f.ws, &f.pc, &f.d);
    /* tanh outputs of both signs: a single-sign row of 8 entries is rare */
    assert_true(out[1].same_sign_pct < 20.0);
    destroy(&f);
}

static void test_saturation(void **state)
{
    (void)state;
    fixture f;
    make(&f, "sigmoid", 3, 2, 8, 20, 20);
    for (size_t i = 0; i < f.n.n_params; i++)
        f.params[i] *= 100.0f;
    probe_layer out[3];
    probe_measure(out, &f.n, f.params, &f.ws, &f.pc, &f.d);
    assert_true(out[0].saturated_pct > 90.0);
    /* both tails: the sides add up to the whole, each holding a good share */
    for (int l = 0; l < 2; l++) {
        assert_float_equal(out[l].sat_low_pct + out[l].sat_high_pct, out[l].saturated_pct, 1e-9);
        assert_true(out[l].sat_low_pct > 20.0 && out[l].sat_high_pct > 20.0);
    }
    destroy(&f);

    /* relu: all of its "saturation" is its negative half, where f' = 0 --
     * every pair whose input is below 0 -- and none above */
    make(&f, "relu", 3, 2, 8, 20, 20);
    probe_measure(out, &f.n, f.params, &f.ws, &f.pc, &f.d);
    for (int l = 0; l < 2; l++) {
        assert_true(out[l].sat_high_pct == 0.0);
        assert_true(out[l].sat_low_pct > 0.0);
        assert_float_equal(out[l].sat_low_pct, 100.0 * (1.0 - out[l].act_pos_frac), 1e-9);
        assert_float_equal(out[l].saturated_pct, out[l].sat_low_pct, 1e-12);
    }
    destroy(&f);

    make(&f, "identity", 3, 2, 8, 20, 20);
    probe_measure(out, &f.n, f.params, &f.ws, &f.pc, &f.d);
    assert_true(out[0].saturated_pct == 0.0 && out[1].saturated_pct == 0.0);
    destroy(&f);

    make(&f, "step", 3, 2, 8, 20, 20);
    probe_measure(out, &f.n, f.params, &f.ws, &f.pc, &f.d);
    assert_true(out[0].saturated_pct == 100.0);
    /* step passes no gradient: every hidden weight gradient is 0 */
    assert_true(out[0].grad_norm == 0.0 && out[1].grad_norm == 0.0);
    assert_true(out[2].grad_norm > 0.0);
    destroy(&f);
}

static void test_activation_statistics(void **state)
{
    (void)state;
    fixture f;
    make(&f, "identity", 3, 1, 4, 10, 10);
    memset(net_w(&f.n, f.params, 0), 0, sizeof(float) * 12);
    float *b = net_b(&f.n, f.params, 0);
    b[0] = 1.0f, b[1] = 2.0f, b[2] = -1.0f, b[3] = 0.0f;
    probe_layer out[2];
    probe_measure(out, &f.n, f.params, &f.ws, &f.pc, &f.d);
    assert_float_equal(out[0].act_mean, 0.5, 1e-9);
    assert_float_equal(out[0].act_std, sqrt((0.25 + 2.25 + 2.25 + 0.25) / 4.0), 1e-6);
    assert_float_equal(out[0].act_pos_frac, 0.5, 1e-9);
    assert_float_equal(out[0].dead_pct, 25.0, 1e-9); /* unit 3 is exactly 0 */
    /* weight_norm is ||W||_F of what we set */
    assert_float_equal(out[0].weight_norm, 0.0, 0.0);
    destroy(&f);
}

/* The probe's norms equal those of one full-batch backward pass, whatever
 * the chunk size, and the weights are left untouched. */
static void test_chunking_and_no_update(void **state)
{
    (void)state;
    fixture a, b;
    make(&a, "prelu", 3, 3, 6, 23, 64);
    make(&b, "prelu", 3, 3, 6, 23, 5);
    float *before = malloc(net_arena_bytes(&a.n));
    memcpy(before, a.params, net_arena_bytes(&a.n));
    probe_layer oa[4], ob[4];
    double la = probe_measure(oa, &a.n, a.params, &a.ws, &a.pc, &a.d);
    double lb = probe_measure(ob, &b.n, b.params, &b.ws, &b.pc, &b.d);
    assert_memory_equal(before, a.params, net_arena_bytes(&a.n));
    assert_float_equal(la, lb, 1e-6 * la);
    for (int l = 0; l < 4; l++) {
        assert_float_equal(oa[l].grad_norm, ob[l].grad_norm, 1e-5 * oa[l].grad_norm);
        assert_float_equal(oa[l].bias_grad_norm, ob[l].bias_grad_norm,
                           1e-5 * oa[l].bias_grad_norm);
        assert_true(oa[l].grad_norm > 0.0);
    }
    for (int l = 0; l < 3; l++) {
        assert_float_equal(oa[l].act_mean, ob[l].act_mean, 1e-6);
        assert_float_equal(oa[l].dead_pct, ob[l].dead_pct, 1e-12);
        assert_float_equal(oa[l].learned[0], 0.25, 1e-7);
    }
    /* grad_mean_abs <= grad_norm / sqrt(count) <= grad_norm (Cauchy-Schwarz) */
    assert_true(oa[1].grad_mean_abs <= oa[1].grad_norm / 6.0 + 1e-12);
    free(before);
    destroy(&a);
    destroy(&b);
}

static void test_probe_pick(void **state)
{
    (void)state;
    int idx[5000];
    assert_int_equal(probe_pick(idx, 1500, 2000), 1500);
    assert_int_equal(idx[1499], 1499);
    assert_int_equal(probe_pick(idx, 60000, 2000), 2000);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 30);
    assert_int_equal(idx[1999], 59970);
}

/* probe_metrics has one row per double of probe_layer, each found by its
 * name and its offset, and hidden_only exactly where probe_measure leaves
 * the output layer without a value. */
static void test_metric_table(void **state)
{
    (void)state;
    size_t first = offsetof(probe_layer, grad_norm), last = offsetof(probe_layer, learned);
    assert_int_equal(probe_n_metrics, (last - first) / sizeof(double));
    for (size_t off = first; off < last; off += sizeof(double)) {
        const probe_metric *m = probe_metric_at(off);
        assert_non_null(m);
        assert_ptr_equal(probe_metric_find(m->name), m);
        assert_true(m->label && *m->label);
    }
    assert_null(probe_metric_find("layer"));
    assert_null(probe_metric_find("grad"));
    assert_string_equal(probe_metric_at(offsetof(probe_layer, dead_pct))->name, "dead_pct");

    fixture f;
    make(&f, "prelu", 3, 3, 6, 23, 64); /* prelu: its learned alpha has values too */
    probe_layer out[4];
    probe_measure(out, &f.n, f.params, &f.ws, &f.pc, &f.d);
    for (int i = 0; i < probe_n_metrics; i++) {
        const probe_metric *m = &probe_metrics[i];
        if (isnan(probe_metric_value(&out[3], m)) != m->hidden_only)
            fail_msg("%s: hidden_only %d, output layer %g", m->name, m->hidden_only,
                     probe_metric_value(&out[3], m));
        assert_true(isfinite(probe_metric_value(&out[1], m)));
    }
    assert_true(probe_metric_value(&out[2], probe_metric_find("dead_pct")) == out[2].dead_pct);
    destroy(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dead_unit),
        cmocka_unit_test(test_same_sign_behind_sigmoid),
        cmocka_unit_test(test_saturation),
        cmocka_unit_test(test_activation_statistics),
        cmocka_unit_test(test_chunking_and_no_update),
        cmocka_unit_test(test_probe_pick),
        cmocka_unit_test(test_metric_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
