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

/* ---- histograms and dead bits ---- */

/* The slot a value falls in, from the documented bins: below lo (and NaN)
 * 0, above hi BINS + 1, else 1 + the k with edge k <= v < edge k+1 (the
 * last bin closed). */
static int slot_of(double v, probe_range r)
{
    if (!(v >= r.lo))
        return 0;
    if (v > r.hi)
        return PROBE_HIST_BINS + 1;
    for (int k = 0; k < PROBE_HIST_BINS - 1; k++)
        if (v < probe_bin_edge(r, k + 1))
            return k + 1;
    return PROBE_HIST_BINS;
}

static void test_hist_ranges(void **state)
{
    (void)state;
    static const struct {
        const char *act;
        double lo, hi;
    } want[] = {
        {"tanh", -1, 1},          {"sigmoid", 0, 1},          {"softsign", -1, 1},
        {"relu", 0, 6.375},       {"relu6", 0, 6},            {"elu", -1, 6.375},
        {"gelu", -0.17, 6.375},   {"hardswish", -0.38, 6.375}, {"step", 0, 1},
        {"identity", -6.375, 6.375}, {"logsigmoid", -6.375, 0}, {"hardtanh:-2:3", -2, 3},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        act_spec a;
        ab_err err;
        assert_int_equal(act_parse(&a, want[i].act, &err), AB_OK);
        probe_range r = probe_act_range(&a);
        if (r.lo != want[i].lo || r.hi != want[i].hi)
            fail_msg("%s: bins over [%.9g, %.9g], want [%g, %g]", want[i].act, r.lo, r.hi,
                     want[i].lo, want[i].hi);
    }
    probe_range p = probe_preact_range();
    assert_true(p.lo == -6.375 && p.hi == 6.375);
    /* 0.25 wide, 0 at the centre of the middle bin */
    assert_true(probe_bin_edge(p, 1) - probe_bin_edge(p, 0) == 0.25);
    assert_true(probe_bin_edge(p, PROBE_HIST_BINS / 2) == -0.125);
    assert_true(probe_bin_edge(p, PROBE_HIST_BINS) == 6.375);
}

static void test_can_die(void **state)
{
    (void)state;
    /* gelu's 1 + erf(z / sqrt 2) is exactly 0 in float below about -5.5,
     * gelu_tanh's below about -5.1 */
    static const char *const yes[] = {"relu", "relu6", "hardsigmoid", "hardswish", "step",
                                      "softshrink", "hardshrink", "threshold:0:0", "gelu",
                                      "gelu_tanh"};
    static const char *const no[] = {"tanh", "sigmoid", "identity", "elu", "selu", "celu",
                                     "leaky_relu", "silu", "softplus", "mish", "softsign",
                                     "threshold:0:-1"};
    ab_err err;
    act_spec a;
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        assert_int_equal(act_parse(&a, yes[i], &err), AB_OK);
        if (!probe_can_die(&a))
            fail_msg("%s: its units can die", yes[i]);
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        assert_int_equal(act_parse(&a, no[i], &err), AB_OK);
        if (probe_can_die(&a))
            fail_msg("%s: its units cannot die", no[i]);
    }
}

/* A tanh layer whose pre-activations are set: unit 0 at 0.3, unit 1 at -8
 * (below the pre-activations' range), unit 2 equal to the input x0, which
 * takes values in the middle, at a bin edge and beyond both ends (tanh(20)
 * is 1 in float: the top of the last bin). */
static const float hist_x0[8] = {7.0f, -7.0f, 0.1f, 0.2f, -0.2f, 20.0f, 0.125f, 0.0f};

static void make_hist_net(fixture *f, int cap)
{
    make(f, "tanh", 2, 2, 3, 8, cap);
    float *w = net_w(&f->n, f->params, 0), *b = net_b(&f->n, f->params, 0);
    memset(w, 0, sizeof(float) * 6);
    w[4] = 1.0f; /* unit 2 <- x0 */
    b[0] = 0.3f, b[1] = -8.0f, b[2] = 0.0f;
    for (int i = 0; i < 8; i++)
        f->d.x[2 * i] = hist_x0[i];
}

static uint32_t *hist_buffer(const fixture *f)
{
    uint32_t *h = calloc((size_t)f->n.cfg.depth * PROBE_HIST_KINDS * PROBE_HIST_SLOTS,
                         sizeof *h);
    assert_non_null(h);
    return h;
}

static void test_hist_counts(void **state)
{
    (void)state;
    fixture f;
    make_hist_net(&f, 3); /* chunks of 3, 3 and 2 samples */
    uint32_t *h = hist_buffer(&f);
    f.pc.hist = h;
    probe_layer out[3];
    probe_measure(out, &f.n, f.params, &f.ws, &f.pc, &f.d);
    const uint32_t *act = h + PROBE_HIST_ACT * PROBE_HIST_SLOTS;
    const uint32_t *pre = h + PROBE_HIST_PREACT * PROBE_HIST_SLOTS;
    uint32_t want_act[PROBE_HIST_SLOTS] = {0}, want_pre[PROBE_HIST_SLOTS] = {0};
    for (int s = 0; s < 8; s++) {
        const double z[3] = {0.3f, -8.0, hist_x0[s]};
        for (int u = 0; u < 3; u++) {
            want_pre[slot_of(z[u], f.pc.range[PROBE_HIST_PREACT])]++;
            want_act[slot_of(tanh(z[u]), f.pc.range[PROBE_HIST_ACT])]++;
        }
    }
    assert_memory_equal(act, want_act, sizeof want_act);
    assert_memory_equal(pre, want_pre, sizeof want_pre);
    /* by hand: below -6.375 unit 1's eight and x0 = -7, above 6.375 x0 = 7
     * and 20;
     * 0.125 opens the bin after 0's (slot 26); tanh holds everything in
     * [-1, 1], unit 1 and x0 = -7 in the first bin, x0 = 7 and 20 in the last */
    assert_int_equal(pre[0], 9);
    assert_int_equal(pre[PROBE_HIST_SLOTS - 1], 2);
    assert_int_equal(pre[26], 2);     /* [-0.125, 0.125): x0 = 0.1 and 0 */
    assert_int_equal(pre[27], 8 + 2); /* [0.125, 0.375): 0.3 eight times, 0.2, 0.125 */
    assert_int_equal(act[0] + act[PROBE_HIST_SLOTS - 1], 0);
    assert_int_equal(act[1], 9);
    assert_int_equal(act[PROBE_HIST_BINS], 2); /* tanh(7) and tanh(20) = 1 */
    uint32_t sum[2][2] = {{0}};
    for (int l = 0; l < 2; l++)
        for (int k = 0; k < PROBE_HIST_KINDS; k++)
            for (int i = 0; i < PROBE_HIST_SLOTS; i++)
                sum[l][k] += h[((size_t)l * PROBE_HIST_KINDS + k) * PROBE_HIST_SLOTS + i];
    /* samples x units in every layer and kind */
    for (int l = 0; l < 2; l++)
        assert_true(sum[l][0] == 24 && sum[l][1] == 24);

    /* one chunk counts the same; a second probe adds to the counts; without
     * a buffer nothing is counted */
    fixture g;
    make_hist_net(&g, 8);
    uint32_t *h2 = hist_buffer(&g);
    g.pc.hist = h2;
    probe_measure(out, &g.n, g.params, &g.ws, &g.pc, &g.d);
    size_t bytes = sizeof *h * 2 * PROBE_HIST_KINDS * PROBE_HIST_SLOTS;
    assert_memory_equal(h, h2, bytes);
    probe_measure(out, &g.n, g.params, &g.ws, &g.pc, &g.d);
    assert_int_equal(h2[0 * PROBE_HIST_SLOTS + 1], 18);
    g.pc.hist = NULL;
    probe_measure(out, &g.n, g.params, &g.ws, &g.pc, &g.d);
    assert_int_equal(h2[0 * PROBE_HIST_SLOTS + 1], 18);
    free(h);
    free(h2);
    destroy(&f);
    destroy(&g);
}

/* Dead bits across a byte boundary: in a relu layer of 11 units with zero
 * weights, units 0, 3, 6 and 9 have bias -1 (dead), the others +1; their
 * share is dead_pct. */
static void test_dead_bits(void **state)
{
    (void)state;
    fixture f;
    make(&f, "relu", 2, 2, 11, 6, 4);
    memset(net_w(&f.n, f.params, 0), 0, sizeof(float) * 22);
    float *b = net_b(&f.n, f.params, 0);
    for (int u = 0; u < 11; u++)
        b[u] = u % 3 == 0 ? -1.0f : 1.0f;
    probe_layer out[3];
    probe_measure(out, &f.n, f.params, &f.ws, &f.pc, &f.d);
    size_t row = probe_dead_row_bytes(11);
    assert_int_equal(row, 2);
    uint8_t bits[4];
    memset(bits, 0xAA, sizeof bits);
    probe_dead_bits(bits, &f.pc, &f.n);
    int dead = 0;
    for (int u = 0; u < 11; u++) {
        assert_int_equal(probe_dead_bit(bits, u), u % 3 == 0);
        dead += probe_dead_bit(bits, u);
    }
    assert_int_equal(bits[0], 0x49); /* units 0, 3, 6 */
    assert_int_equal(bits[1], 0x02); /* unit 9; the unused bits clear */
    assert_float_equal(100.0 * dead / 11, out[0].dead_pct, 1e-12);
    /* layer 2, behind a layer that is constant: each unit the same on every
     * sample, so dead exactly where its value is 0 */
    int dead2 = 0;
    for (int u = 0; u < 11; u++)
        dead2 += probe_dead_bit(bits + row, u);
    assert_float_equal(100.0 * dead2 / 11, out[1].dead_pct, 1e-12);
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
        cmocka_unit_test(test_hist_ranges),
        cmocka_unit_test(test_can_die),
        cmocka_unit_test(test_hist_counts),
        cmocka_unit_test(test_dead_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
