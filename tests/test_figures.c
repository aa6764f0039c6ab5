/* test_figures.c - the numbers in the figures, without gnuplot: the main
 * command's figures (figures_build) and an experiment's (xfig_build) from
 * hand-made run records whose every value is known, checked series by
 * series against the records: the lines, the mean and min..max band over
 * seeds, the layer subset of a deep network, and the errors that name a
 * limit.  Also the pool itself (figpool). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "figpool.h"
#include "figures.h"
#include "xfig.h"

/* ---- hand-made records ------------------------------------------------- */

/* Probe epochs of the records: 0, EVERY, 2 EVERY, ... */
#define EVERY 5

/* A value for metric m of layer l at probe p of a run with seed: distinct
 * per metric (1000 apart), layer, probe and seed, and not linear in the
 * seed, so a mean, a min and a max over seeds all differ. */
static double value(int m, int l, int p, uint64_t seed)
{
    return (m + 1) * 1000.0 + (l + 1) * 3.0 + p * 0.5 + (double)((seed * 7919) % 101) / 7.0;
}

/* A record of act with depth hidden layers, n_probes probes and n_loss loss
 * rows (epochs 0..), the probe rows from value(); like probe_measure's, the
 * activation statistics are NaN at the output layer and same_sign_pct at
 * layer 1.  test_loss is NaN when with_test is false. */
static void make_record(run_record *r, const act_spec *act, uint64_t seed, int depth,
                        int n_probes, int n_loss, bool with_test)
{
    memset(r, 0, sizeof *r);
    r->act = act;
    r->seed = seed;
    r->depth = depth;
    int L = depth + 1;
    r->r.n_layers = L;
    r->r.n_probes = n_probes;
    r->r.n_loss = n_loss;
    r->r.layers = calloc((size_t)(n_probes * L + 1), sizeof *r->r.layers);
    r->r.probe_epoch = calloc((size_t)(n_probes + 1), sizeof *r->r.probe_epoch);
    r->r.loss = calloc((size_t)(n_loss + 1), sizeof *r->r.loss);
    assert_true(r->r.layers && r->r.probe_epoch && r->r.loss);
    for (int p = 0; p < n_probes; p++) {
        r->r.probe_epoch[p] = p * EVERY;
        for (int l = 0; l < L; l++) {
            probe_layer *pl = &r->r.layers[p * L + l];
            pl->layer = l + 1;
            for (int m = 0; m < probe_n_metrics; m++) {
                const probe_metric *pm = &probe_metrics[m];
                bool none = (pm->hidden_only && l == depth) ||
                            (l == 0 && pm->off == offsetof(probe_layer, same_sign_pct));
                *(double *)((char *)pl + pm->off) = none ? NAN : value(m, l, p, seed);
            }
        }
    }
    for (int e = 0; e < n_loss; e++) {
        loss_row *row = &r->r.loss[e];
        double s = (double)((seed * 31) % 17);
        row->epoch = e;
        row->train_loss = 2.0 / (e + 1) + s * 0.01;
        row->test_loss = with_test ? 2.5 / (e + 1) + s * 0.02 : NAN;
        row->train_acc = 0.5 + 0.01 * e + s * 0.001;
        row->test_acc = with_test ? 0.45 + 0.01 * e + s * 0.002 : NAN;
        row->seconds = 0.1 * e;
    }
}

static void free_records(run_record *recs, int n)
{
    for (int i = 0; i < n; i++) {
        free(recs[i].r.layers);
        free(recs[i].r.probe_epoch);
        free(recs[i].r.loss);
        free(recs[i].r.units.hist);
        free(recs[i].r.units.dead);
    }
    free(recs);
}

/* A count for slot b of histogram h, layer l and kind of a run with seed:
 * distinct, and not proportional across seeds, so each seed's fractions
 * differ. */
static uint32_t hist_count(int h, int l, int kind, int b, uint64_t seed)
{
    return (uint32_t)((b + 1) * (l + 1 + h + 3 * kind) + (b % 5) * seed);
}

/* Whether unit u of layer l is dead at probe p of a run with seed. */
static bool dead_at(int p, int l, int u, uint64_t seed)
{
    return (u + p * (l + 1) + (int)seed) % 3 == 0;
}

/* Gives r (from make_record) its run_units: n_hist histograms (epoch 0 and
 * the last probe's) from hist_count over act's bins, width units dead as
 * dead_at says, and whether they can die as probe_can_die says. */
static void add_units(run_record *r, int width, int n_hist)
{
    run_units *u = &r->r.units;
    u->depth = r->depth;
    u->width = width;
    u->can_die = probe_can_die(r->act);
    u->range[PROBE_HIST_ACT] = probe_act_range(r->act);
    u->range[PROBE_HIST_PREACT] = probe_preact_range();
    u->n_hist = n_hist;
    u->hist_epoch[0] = 0;
    u->hist_epoch[1] = r->r.probe_epoch[r->r.n_probes - 1];
    u->hist = calloc(2 * (size_t)u->depth * PROBE_HIST_KINDS * PROBE_HIST_SLOTS,
                     sizeof *u->hist);
    u->dead = calloc((size_t)r->r.n_probes * u->depth * probe_dead_row_bytes(width), 1);
    assert_true(u->hist && u->dead);
    for (int h = 0; h < 2; h++)
        for (int l = 0; l < u->depth; l++)
            for (int k = 0; k < PROBE_HIST_KINDS; k++)
                for (int b = 0; b < PROBE_HIST_SLOTS; b++)
                    u->hist[((h * u->depth + l) * PROBE_HIST_KINDS + k) * PROBE_HIST_SLOTS + b] =
                        hist_count(h, l, k, b, r->seed);
    for (int p = 0; p < r->r.n_probes; p++)
        for (int l = 0; l < u->depth; l++)
            for (int k = 0; k < width; k++)
                if (dead_at(p, l, k, r->seed))
                    u->dead[((size_t)p * u->depth + l) * probe_dead_row_bytes(width) + k / 8] |=
                        (uint8_t)(1u << (k % 8));
}

/* The activations by name; acts holds n of them. */
static void parse_acts(act_spec *acts, const char *const *names, int n)
{
    ab_err err;
    for (int a = 0; a < n; a++)
        assert_int_equal(act_parse(&acts[a], names[a], &err), AB_OK);
}

/* n_acts x seeds records (activation-major, seeds 1..seeds), each of depth
 * hidden layers, 3 probes and 11 loss rows. */
static run_record *make_records(const act_spec *acts, int n_acts, int seeds, int depth)
{
    run_record *recs = calloc((size_t)(n_acts * seeds), sizeof *recs);
    assert_non_null(recs);
    for (int a = 0; a < n_acts; a++)
        for (int s = 0; s < seeds; s++)
            make_record(&recs[a * seeds + s], &acts[a], (uint64_t)s + 1, depth, 3, 11, true);
    return recs;
}

/* Mean, min and max of metric m (a probe_layer offset) of layer l at probe
 * p over recs[first .. first+count); p < 0: the last probe. */
typedef struct {
    double mean, lo, hi;
} spread;

static double metric_of(const run_record *r, size_t off, int p, int l)
{
    const probe_layer *pl = record_probe(r, p < 0 ? r->r.n_probes - 1 : p);
    return *(const double *)((const char *)&pl[l] + off);
}

static spread over_seeds(const run_record *recs, int first, int count, size_t off, int p, int l)
{
    spread s = {0.0, INFINITY, -INFINITY};
    for (int i = first; i < first + count; i++) {
        double v = metric_of(&recs[i], off, p, l);
        s.mean += v;
        s.lo = fmin(s.lo, v);
        s.hi = fmax(s.hi, v);
    }
    s.mean /= count;
    return s;
}

/* The figure called name built from the records; fails the test unless it
 * builds. */
static figpool *build(const char *name, const run_record *recs, int n, const act_spec *acts,
                      int n_acts)
{
    figpool *p = NULL;
    ab_err err = {{0}};
    ab_status st = figures_build(&p, name, recs, n, acts, n_acts, &err);
    if (st != AB_OK)
        fail_msg("figures_build %s: %s", name, err.msg);
    assert_non_null(p);
    return p;
}

#define EPS 1e-12

/* |a - b| <= eps, which NaN never is (cmocka's assert_float_equal lets a NaN
 * through). */
#define assert_near(a, b, eps) assert_near_at((a), (b), (eps), __FILE__, __LINE__)

static void assert_near_at(double a, double b, double eps, const char *file, int line)
{
    if (fabs(a - b) <= eps)
        return;
    print_error("%.17g != %.17g (within %g)\n", a, b, eps);
    _fail(file, line);
}

/* Fails unless point i of s is (x, sp.mean) with the band sp.lo..sp.hi. */
static void assert_point(const plot_series *s, int i, double x, spread sp, bool band)
{
    assert_near(s->x[i], x, EPS);
    assert_near(s->y[i], sp.mean, EPS * fabs(sp.mean));
    if (!band) {
        assert_null(s->ylo);
        return;
    }
    assert_non_null(s->ylo);
    assert_near(s->ylo[i], sp.lo, EPS * fabs(sp.lo));
    assert_near(s->yhi[i], sp.hi, EPS * fabs(sp.hi));
}

/* ---- the main command's figures --------------------------------------- */

static const char *const two_acts[] = {"sigmoid", "relu"};

/* grad_by_layer at epoch 0, one seed: each activation's weight and bias
 * gradient norm of every layer, and the 0.25^n line through sigmoid's
 * output layer. */
static void test_grad_by_layer(void **state)
{
    (void)state;
    act_spec acts[2];
    parse_acts(acts, two_acts, 2);
    const int depth = 4, L = depth + 1;
    run_record *recs = make_records(acts, 2, 1, depth);
    figpool *p = build("grad_by_layer", recs, 2, acts, 2);
    const plot_figure *f = figpool_figure(p);
    assert_string_equal(f->name, "grad_by_layer");
    assert_int_equal(f->n_panels, 2);
    const size_t offs[2] = {offsetof(probe_layer, grad_norm),
                            offsetof(probe_layer, bias_grad_norm)};
    for (int k = 0; k < 2; k++) {
        const plot_panel *pn = &f->panels[k];
        assert_true(pn->logy);
        assert_int_equal(pn->n_series, 3); /* sigmoid, relu, reference */
        for (int a = 0; a < 2; a++) {
            const plot_series *s = &pn->series[a];
            assert_string_equal(s->label, acts[a].label);
            assert_int_equal(s->n, L);
            for (int l = 0; l < L; l++)
                assert_point(s, l, l + 1, over_seeds(recs, a, 1, offs[k], 0, l), false);
        }
        const plot_series *ref = &pn->series[2];
        assert_int_equal(ref->style, PLOT_REFERENCE);
        assert_string_equal(ref->label, "0.25^(5 - layer), through sigmoid's output layer");
        double top = metric_of(&recs[0], offs[k], 0, L - 1);
        for (int l = 0; l < L; l++)
            assert_near(ref->y[l], top * pow(0.25, L - 1 - l), EPS * top);
    }
    figpool_free(p);
    free_records(recs, 2);
}

/* With several seeds a line is the mean and its band spans min..max, over
 * every seed however many (5000 here: no fixed buffer). */
static void test_seed_statistics(void **state)
{
    (void)state;
    act_spec acts[2];
    parse_acts(acts, two_acts, 2);
    const int seed_counts[] = {3, 5000};
    for (size_t c = 0; c < sizeof seed_counts / sizeof seed_counts[0]; c++) {
        int seeds = seed_counts[c], depth = 3;
        run_record *recs = make_records(acts, 2, seeds, depth);
        figpool *p = build("grad_by_layer", recs, 2 * seeds, acts, 2);
        const plot_panel *pn = &figpool_figure(p)->panels[1];
        for (int a = 0; a < 2; a++)
            for (int l = 0; l <= depth; l++)
                assert_point(&pn->series[a], l, l + 1,
                             over_seeds(recs, a * seeds, seeds,
                                        offsetof(probe_layer, bias_grad_norm), 0, l),
                             true);
        figpool_free(p);
        free_records(recs, 2 * seeds);
    }

    /* a seed without a value (a diverged run's NaN) is left out: here the
     * line is the other seed's value, its band that one value */
    run_record *recs = make_records(acts, 1, 2, 2);
    recs[1].r.layers[1].bias_grad_norm = NAN;
    figpool *p = build("grad_by_layer", recs, 2, acts, 1);
    double v = recs[0].r.layers[1].bias_grad_norm;
    assert_point(&figpool_figure(p)->panels[1].series[0], 1, 2, (spread){v, v, v}, true);
    figpool_free(p);
    free_records(recs, 2);
}

/* grad_by_epoch: a panel per activation, a line per layer of grad_norm at
 * each probe epoch, mean over seeds, no band. */
static void test_grad_by_epoch(void **state)
{
    (void)state;
    act_spec acts[2];
    parse_acts(acts, two_acts, 2);
    const int depth = 4, seeds = 2;
    run_record *recs = make_records(acts, 2, seeds, depth);
    figpool *p = build("grad_by_epoch", recs, 2 * seeds, acts, 2);
    const plot_figure *f = figpool_figure(p);
    assert_string_equal(f->title, "Weight-gradient norm of every layer during training");
    assert_int_equal(f->n_panels, 2);
    for (int a = 0; a < 2; a++) {
        const plot_panel *pn = &f->panels[a];
        assert_string_equal(pn->title, acts[a].label);
        assert_int_equal(pn->n_series, depth + 1);
        assert_string_equal(pn->series[0].label, "layer 1");
        assert_string_equal(pn->series[depth].label, "layer 5 (output)");
        for (int l = 0; l <= depth; l++) {
            assert_int_equal(pn->series[l].n, 3);
            for (int k = 0; k < 3; k++)
                assert_point(&pn->series[l], k, k * EVERY,
                             over_seeds(recs, a * seeds, seeds, offsetof(probe_layer, grad_norm),
                                        k, l),
                             false);
        }
    }
    figpool_free(p);
    free_records(recs, 2 * seeds);
}

/* Mean over hidden layers of metric off at probe k of r (the output layer
 * left out). */
static double hidden_mean(const run_record *r, size_t off, int k)
{
    double s = 0.0;
    for (int l = 0; l < r->depth; l++)
        s += metric_of(r, off, k, l);
    return s / r->depth;
}

/* dead and saturation: the mean over hidden layers against epoch, and each
 * hidden layer after training, with min..max bands over seeds. */
static void test_dead_and_saturation(void **state)
{
    (void)state;
    act_spec acts[2];
    parse_acts(acts, two_acts, 2);
    const int depth = 3, seeds = 3;
    run_record *recs = make_records(acts, 2, seeds, depth);
    /* saturation: each side apart, z < 0 in panels 0 and 1, z >= 0 in 2 and 3 */
    const char *names[3] = {"dead", "saturation", "saturation"};
    const size_t offs[3] = {offsetof(probe_layer, dead_pct), offsetof(probe_layer, sat_low_pct),
                            offsetof(probe_layer, sat_high_pct)};
    const int first[3] = {0, 0, 2}, panels[3] = {2, 4, 4};
    for (int fig = 0; fig < 3; fig++) {
        figpool *p = build(names[fig], recs, 2 * seeds, acts, 2);
        const plot_figure *f = figpool_figure(p);
        assert_int_equal(f->n_panels, panels[fig]);
        /* percent axes; the dead figure's 20% line in both its panels */
        for (int k = 0; k < f->n_panels; k++) {
            assert_true(f->panels[k].percent);
            if (fig == 0) {
                const plot_panel *pk = &f->panels[k];
                assert_int_equal(pk->n_series, 3);
                const plot_series *lv = &pk->series[2];
                assert_int_equal(lv->n, 2);
                assert_true(lv->y[0] == 20.0 && lv->y[1] == 20.0);
                assert_true(lv->x[0] == pk->series[0].x[0] &&
                            lv->x[1] == pk->series[0].x[pk->series[0].n - 1]);
                assert_non_null(strstr(lv->label, "20%"));
            }
        }
        for (int a = 0; a < 2; a++) {
            const plot_series *s = &f->panels[first[fig]].series[a];
            assert_int_equal(s->n, 3);
            for (int k = 0; k < 3; k++) {
                spread sp = {0.0, INFINITY, -INFINITY};
                for (int i = 0; i < seeds; i++) {
                    double v = hidden_mean(&recs[a * seeds + i], offs[fig], k);
                    sp.mean += v / seeds;
                    sp.lo = fmin(sp.lo, v);
                    sp.hi = fmax(sp.hi, v);
                }
                assert_point(s, k, k * EVERY, sp, true);
            }
            /* by hidden layer after training: the output layer has none */
            s = &f->panels[first[fig] + 1].series[a];
            assert_int_equal(s->n, depth);
            for (int l = 0; l < depth; l++)
                assert_point(s, l, l + 1, over_seeds(recs, a * seeds, seeds, offs[fig], -1, l),
                             true);
        }
        figpool_free(p);
    }
    free_records(recs, 2 * seeds);
}

/* A run that diverged is said in the key: which epoch with one seed, how
 * many seeds with several (their lines the others' mean). */
static void test_diverged_in_key(void **state)
{
    (void)state;
    act_spec acts[2];
    parse_acts(acts, two_acts, 2);
    run_record *recs = make_records(acts, 2, 3, 3);
    recs[4].r.diverged = true, recs[4].r.diverged_epoch = 7; /* relu, seed 2 */
    figpool *p = build("dead", recs, 6, acts, 2);
    const plot_figure *f = figpool_figure(p);
    assert_string_equal(f->panels[0].series[0].label, "sigmoid");
    assert_string_equal(f->panels[0].series[1].label, "relu (1 of 3 seeds diverged)");
    assert_string_equal(f->panels[1].series[1].label, "relu (1 of 3 seeds diverged)");
    figpool_free(p);
    p = build("loss", recs, 6, acts, 2);
    f = figpool_figure(p);
    bool seen = false;
    for (int k = 0; k < f->panels[0].n_series; k++)
        seen |= strcmp(f->panels[0].series[k].label, "relu (1 of 3 seeds diverged) train") == 0;
    assert_true(seen);
    figpool_free(p);
    free_records(recs, 6);
    recs = make_records(acts, 2, 1, 3);
    recs[1].r.diverged = true, recs[1].r.diverged_epoch = 7;
    p = build("grad_by_epoch", recs, 2, acts, 2);
    f = figpool_figure(p);
    assert_string_equal(f->panels[1].title, "relu (diverged in epoch 7)");
    figpool_free(p);
    free_records(recs, 2);
}

/* loss: train (solid) and test (dashed) lines per activation, one colour
 * each, in a loss and an accuracy panel; no test lines without a test set. */
static void test_loss(void **state)
{
    (void)state;
    act_spec acts[2];
    parse_acts(acts, two_acts, 2);
    const int seeds = 2;
    run_record *recs = make_records(acts, 2, seeds, 2);
    figpool *p = build("loss", recs, 2 * seeds, acts, 2);
    const plot_figure *f = figpool_figure(p);
    assert_int_equal(f->n_panels, 2);
    for (int a = 0; a < 2; a++)
        for (int which = 0; which < 4; which++) {
            const plot_series *s = &f->panels[which / 2].series[a * 2 + which % 2];
            char label[80];
            snprintf(label, sizeof label, "%s %s", acts[a].label, which % 2 ? "test" : "train");
            assert_string_equal(s->label, label);
            assert_int_equal(s->colour, a + 1);
            assert_int_equal(s->dashed, which % 2);
            assert_int_equal(s->n, 11);
            for (int e = 0; e < 11; e++) {
                spread sp = {0.0, INFINITY, -INFINITY};
                for (int i = 0; i < seeds; i++) {
                    const loss_row *r = &recs[a * seeds + i].r.loss[e];
                    double v = which == 0   ? r->train_loss
                               : which == 1 ? r->test_loss
                               : which == 2 ? r->train_acc
                                            : r->test_acc;
                    sp.mean += v / seeds;
                    sp.lo = fmin(sp.lo, v);
                    sp.hi = fmax(sp.hi, v);
                }
                assert_point(s, e, e, sp, true);
            }
        }
    figpool_free(p);

    for (int i = 0; i < 2 * seeds; i++)
        for (int e = 0; e < 11; e++)
            recs[i].r.loss[e].test_loss = recs[i].r.loss[e].test_acc = NAN;
    p = build("loss", recs, 2 * seeds, acts, 2);
    f = figpool_figure(p);
    assert_int_equal(f->panels[0].n_series, 2);
    assert_string_equal(f->panels[0].series[1].label, "relu train");
    figpool_free(p);
    free_records(recs, 2 * seeds);
}

/* A network too deep to read line by line: grad_by_epoch draws
 * FIGURES_LAYER_LINES layers, the first, the last and evenly spaced
 * between, and its title lists them; one layer fewer than that is drawn
 * whole. */
static void test_deep_layer_subset(void **state)
{
    (void)state;
    act_spec act;
    parse_acts(&act, (const char *const[]){"relu"}, 1);
    run_record *recs = make_records(&act, 1, 1, 300);
    figpool *p = build("grad_by_epoch", recs, 1, &act, 1);
    const plot_figure *f = figpool_figure(p);
    const plot_panel *pn = &f->panels[0];
    static const int layers[FIGURES_LAYER_LINES] = {1, 34, 68, 101, 134, 168, 201, 234, 268, 301};
    assert_int_equal(pn->n_series, FIGURES_LAYER_LINES);
    for (int i = 0; i < FIGURES_LAYER_LINES; i++) {
        char label[40];
        snprintf(label, sizeof label, i == FIGURES_LAYER_LINES - 1 ? "layer %d (output)"
                                                                    : "layer %d",
                 layers[i]);
        assert_string_equal(pn->series[i].label, label);
        for (int k = 0; k < 3; k++)
            assert_near(pn->series[i].y[k],
                               metric_of(&recs[0], offsetof(probe_layer, grad_norm), k,
                                         layers[i] - 1),
                               0.0);
    }
    assert_non_null(strstr(f->title, "10 of the 301 layers (the first, the last and evenly "
                                     "spaced between): 1, 34, 68, 101, 134, 168, 201, 234, 268 "
                                     "and 301 (output)"));
    figpool_free(p);
    free_records(recs, 1);

    recs = make_records(&act, 1, 1, FIGURES_LAYER_LINES - 1);
    p = build("grad_by_epoch", recs, 1, &act, 1);
    assert_int_equal(figpool_figure(p)->panels[0].n_series, FIGURES_LAYER_LINES);
    assert_string_equal(figpool_figure(p)->title,
                        "Weight-gradient norm of every layer during training");
    figpool_free(p);
    free_records(recs, 1);

    /* one layer too many: the middle one (6 of 11) gives way */
    recs = make_records(&act, 1, 1, FIGURES_LAYER_LINES);
    p = build("grad_by_epoch", recs, 1, &act, 1);
    pn = &figpool_figure(p)->panels[0];
    assert_int_equal(pn->n_series, FIGURES_LAYER_LINES);
    assert_string_equal(pn->series[4].label, "layer 5");
    assert_string_equal(pn->series[5].label, "layer 7");
    assert_non_null(strstr(figpool_figure(p)->title, "10 of the 11 layers"));
    figpool_free(p);
    free_records(recs, 1);
}

/* More lines in one panel than PLOT_MAX_SERIES is an error that says how
 * many and names the limit; an unknown figure is a usage error. */
static void test_limit_is_an_error(void **state)
{
    (void)state;
    enum { N = PLOT_MAX_SERIES + 1 };
    static const double x[] = {1}, y[] = {1};
    figpool *p = figpool_create("lines");
    assert_non_null(p);
    int pn = figpool_panel(p, &(plot_panel){.title = "f(z)"});
    for (int i = 0; i < N; i++)
        figpool_add(p, pn, &(plot_series){.label = "tanh", .n = 1, .x = x, .y = y});
    ab_err err = {{0}};
    assert_int_equal(figpool_status(p, &err), AB_ERUNTIME);
    char want[120];
    snprintf(want, sizeof want, "figure lines: %d lines in panel 1 \"f(z)\" (at most %d in "
             "one panel)", N, PLOT_MAX_SERIES);
    assert_string_equal(err.msg, want);
    figpool_free(p);

    figpool *q = figpool_create("sentinel"), *sentinel = q;
    assert_int_equal(figures_build(&q, "nonesuch", NULL, 0, NULL, 0, &err), AB_EUSAGE);
    assert_null(q); /* set to NULL on failure */
    figpool_free(sentinel);
    assert_string_equal(err.msg, "figure nonesuch: no such figure");
}

/* ---- the pool ---------------------------------------------------------- */

/* Panels and series grow past any fixed count with their data intact; the
 * count in the limit's message is the number asked for. */
static void test_pool_grows(void **state)
{
    (void)state;
    figpool *p = figpool_create("big");
    assert_non_null(p);
    enum { PANELS = 70, SERIES = 300 };
    for (int i = 0; i < PANELS; i++) {
        int pn = figpool_panel(p, &(plot_panel){.title = figpool_str(p, "panel %d", i)});
        assert_int_equal(pn, i);
        for (int k = 0; k < SERIES; k++) {
            double *y = figpool_doubles(p, 2);
            assert_non_null(y);
            y[0] = i, y[1] = k;
            figpool_add(p, pn, &(plot_series){.label = figpool_str(p, "s%d.%d", i, k), .n = 2,
                                              .x = y, .y = y});
        }
    }
    assert_int_equal(figpool_status(p, NULL), AB_OK);
    const plot_figure *f = figpool_figure(p);
    assert_int_equal(f->n_panels, PANELS);
    assert_int_equal(f->cols, 3);
    assert_string_equal(f->panels[69].title, "panel 69");
    for (int i = 0; i < PANELS; i++) {
        assert_int_equal(f->panels[i].n_series, SERIES);
        for (int k = 0; k < SERIES; k += 37) {
            char label[32];
            snprintf(label, sizeof label, "s%d.%d", i, k);
            assert_string_equal(f->panels[i].series[k].label, label);
            assert_true(f->panels[i].series[k].y[0] == i && f->panels[i].series[k].y[1] == k);
        }
    }
    figpool_free(p);

    p = figpool_create("full");
    int pn = figpool_panel(p, &(plot_panel){.title = "t"});
    static const double xy[1] = {0};
    for (int k = 0; k < 1500; k++)
        figpool_add(p, pn, &(plot_series){.label = "s", .n = 1, .x = xy, .y = xy});
    ab_err err = {{0}};
    assert_int_equal(figpool_status(p, &err), AB_ERUNTIME);
    assert_non_null(strstr(err.msg, "figure full: 1500 lines in panel 1 \"t\" (at most 1000"));
    assert_int_equal(figpool_figure(p)->panels[0].n_series, PLOT_MAX_SERIES);
    figpool_free(p);
}

/* ---- an experiment's figure -------------------------------------------- */

/* Loads text as an experiment file named NAME.ini into e (fails the test
 * unless it loads). */
static void load_experiment(experiment *e, const char *name, const char *text)
{
    const char *tmp = getenv("TMPDIR");
    char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s/actbench_xfig_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/%s.ini", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    ab_err err = {{0}};
    ab_status st = xf_load(e, path, false, &err);
    unlink(path);
    rmdir(dir);
    if (st != AB_OK)
        fail_msg("xf_load: %s", err.msg);
}

#define XCLAIM "[claim]\nnumber = 3\ntitle = T\ntext = X\nsource = S\n"
#define XCHECK(act) "[check c]\nwhat = w\ntest = decay(" act ") <= 0.25\n"

/* The results of e: every record from make_record (3 probes at 0, 5, 10;
 * epochs + 1 loss rows) with its depth from the sweep, and quantity q of
 * record i = 10 i + q. */
static void make_result(exp_result *r, const experiment *e)
{
    const xf_setup *s = &e->setup;
    memset(r, 0, sizeof *r);
    r->e = e;
    r->n_points = xf_n_points(s);
    r->n_recs = r->n_points * s->n_acts * s->seeds;
    r->recs = calloc((size_t)r->n_recs, sizeof *r->recs);
    r->q = calloc((size_t)r->n_recs * XF_N_QTY, sizeof *r->q);
    assert_true(r->recs && r->q);
    int idx[XF_N_KEYS];
    for (int pt = 0; pt < r->n_points; pt++) {
        xf_point(s, pt, idx);
        for (int a = 0; a < s->n_acts; a++)
            for (int sd = 0; sd < s->seeds; sd++) {
                int i = (pt * s->n_acts + a) * s->seeds + sd;
                make_record(&r->recs[i], &s->acts[a], s->seed + (uint64_t)sd,
                            (int)s->v[XF_KEY_DEPTH][idx[XF_KEY_DEPTH]], 3, s->epochs + 1, true);
                for (int q = 0; q < XF_N_QTY; q++)
                    r->q[(size_t)i * XF_N_QTY + q] = 10.0 * i + q;
            }
    }
}

static void free_result(exp_result *r)
{
    for (int i = 0; i < r->n_recs; i++) {
        free(r->recs[i].r.layers);
        free(r->recs[i].r.probe_epoch);
        free(r->recs[i].r.loss);
        free(r->recs[i].r.units.hist);
        free(r->recs[i].r.units.dead);
    }
    free(r->recs);
    free(r->q);
}

static const char xfig_text[] =
    XCLAIM "[setup]\nacts = sigmoid, relu\ndepth = 3\nepochs = 10\nseeds = 2\n" XCHECK("sigmoid")
    "[plot grads]\nx = layer\ny = bias_grad_norm\nepoch = 0\nreference = yes\n"
    "[plot dead]\nx = epoch\ny = dead_pct\n"
    "[plot loss]\nx = epoch\ny = train_loss\n"
    "[plot acc]\nx = act\ny = test_acc\n";

/* The fixture of the xfig tests: xfig_text's experiment, its hand-made
 * results and the figure built from them. */
typedef struct {
    experiment e;
    exp_result r;
    figpool *p;
} xfig_fixture;

static int xfig_setup(void **state)
{
    xfig_fixture *x = calloc(1, sizeof *x);
    assert_non_null(x);
    load_experiment(&x->e, "xfig", xfig_text);
    make_result(&x->r, &x->e);
    ab_err err = {{0}};
    assert_int_equal(xfig_build(&x->p, &x->r, &err), AB_OK);
    const plot_figure *f = figpool_figure(x->p);
    assert_string_equal(f->name, "xfig");
    assert_string_equal(f->title, "Claim 3: T");
    assert_int_equal(f->n_panels, 4);
    *state = x;
    return 0;
}

static int xfig_teardown(void **state)
{
    xfig_fixture *x = *state;
    figpool_free(x->p);
    free_result(&x->r);
    free(x);
    return 0;
}

/* x = layer: each hidden layer's column at epoch 0, mean over seeds with a
 * band; the 0.25^n line after the first line, anchored at its deepest
 * hidden layer. */
static void test_xfig_layer(void **state)
{
    xfig_fixture *x = *state;
    const plot_panel *pn = &figpool_figure(x->p)->panels[0];
    assert_string_equal(pn->ylabel, "||dL/db||");
    assert_int_equal(pn->n_series, 3);
    assert_string_equal(pn->series[0].label, "sigmoid");
    assert_string_equal(pn->series[2].label, "relu");
    for (int a = 0; a < 2; a++)
        for (int l = 0; l < 3; l++)
            assert_point(&pn->series[a ? 2 : 0], l, l + 1,
                         over_seeds(x->r.recs, 2 * a, 2, offsetof(probe_layer, bias_grad_norm),
                                    0, l),
                         true);
    const plot_series *ref = &pn->series[1];
    assert_int_equal(ref->style, PLOT_REFERENCE);
    for (int l = 0; l < 3; l++)
        assert_near(ref->y[l], pn->series[0].y[2] * pow(0.25, 2 - l), EPS);
}

/* x = epoch, a per-layer metric: its mean over hidden layers, at the probe
 * epochs only (so the points join into a line). */
static void test_xfig_epoch_metric(void **state)
{
    xfig_fixture *x = *state;
    const plot_panel *pn = &figpool_figure(x->p)->panels[1];
    /* dead_pct is a percentage: its axis stays over 0..100%; the loss is not */
    assert_true(pn->percent);
    assert_false(figpool_figure(x->p)->panels[2].percent);
    for (int a = 0; a < 2; a++) {
        const plot_series *s = &pn->series[a];
        assert_int_equal(s->n, 3);
        for (int k = 0; k < 3; k++) {
            spread sp = {0.0, INFINITY, -INFINITY};
            for (int sd = 0; sd < 2; sd++) {
                double v = hidden_mean(&x->r.recs[2 * a + sd], offsetof(probe_layer, dead_pct),
                                       k);
                sp.mean += v / 2;
                sp.lo = fmin(sp.lo, v);
                sp.hi = fmax(sp.hi, v);
            }
            assert_point(s, k, k * EVERY, sp, true);
        }
    }
}

/* x = epoch, a loss.csv column: every epoch; a seed without a value is
 * left out, and the one value left has no band. */
static void test_xfig_loss(void **state)
{
    xfig_fixture *x = *state;
    const plot_panel *pn = &figpool_figure(x->p)->panels[2];
    assert_string_equal(pn->ylabel, "training loss (nats)");
    const plot_series *s = &pn->series[1];
    assert_int_equal(s->n, 11);
    for (int ep = 0; ep < 11; ep++) {
        double v0 = x->r.recs[2].r.loss[ep].train_loss, v1 = x->r.recs[3].r.loss[ep].train_loss;
        assert_point(s, ep, ep, (spread){(v0 + v1) / 2, fmin(v0, v1), fmax(v0, v1)}, true);
    }
    figpool_free(x->p);
    x->r.recs[3].r.loss[4].train_loss = NAN;
    ab_err err = {{0}};
    assert_int_equal(xfig_build(&x->p, &x->r, &err), AB_OK);
    s = &figpool_figure(x->p)->panels[2].series[1];
    assert_near(s->y[4], x->r.recs[2].r.loss[4].train_loss, EPS);
    assert_true(isnan(s->ylo[4]) && isnan(s->yhi[4]));
}

/* x = act: one line of points, each activation's quantity over seeds. */
static void test_xfig_act(void **state)
{
    xfig_fixture *x = *state;
    const plot_panel *pn = &figpool_figure(x->p)->panels[3];
    assert_int_equal(pn->n_series, 1);
    const plot_series *s = &pn->series[0];
    assert_int_equal(s->style, PLOT_POINTS);
    assert_int_equal(s->n, 2);
    for (int a = 0; a < 2; a++) {
        double v0 = x->r.q[(size_t)(2 * a) * XF_N_QTY + XF_Q_TEST_ACC];
        double v1 = x->r.q[(size_t)(2 * a + 1) * XF_N_QTY + XF_Q_TEST_ACC];
        assert_point(s, a, a + 1, (spread){(v0 + v1) / 2, v0, v1}, true);
    }
}

/* A sweep whose lines do not fit one panel is an error naming the limit
 * (not, as once, the first 48 lines). */
static void test_xfig_limit(void **state)
{
    (void)state;
    experiment *e = malloc(sizeof *e);
    assert_non_null(e);
    load_experiment(e, "many",
                    XCLAIM "[setup]\nacts = relu\ndepth = 1\nepochs = 0\n"
                           "lr = 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, "
                           "0.2, 0.3\n"
                           "width = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12\n"
                           "batch = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12\n" XCHECK("relu")
                           "[plot]\nx = epoch\ny = train_loss\n");
    exp_result r;
    make_result(&r, e);
    figpool *p = NULL;
    ab_err err = {{0}};
    assert_int_equal(xfig_build(&p, &r, &err), AB_ERUNTIME);
    assert_null(p);
    char want[160];
    snprintf(want, sizeof want, "figure many: 1728 lines in panel 1 (at most %d in one panel)",
             PLOT_MAX_SERIES);
    assert_string_equal(err.msg, want);
    /* and the same count refuses the experiment before any run, as does one
     * line fewer not */
    assert_int_equal(xfig_check(e, &err), AB_EUSAGE);
    snprintf(want, sizeof want, "[plot]: 1728 lines in one panel (at most %d): fix more keys "
             "with 'at', or name fewer with 'series'", PLOT_MAX_SERIES);
    assert_string_equal(err.msg, want);
    e->setup.n[XF_KEY_BATCH] = 1;
    assert_int_equal(xfig_check(e, &err), AB_OK);
    free_result(&r);
    free(e);
}

/* ---- hist and dead_map ------------------------------------------------ */

/* The fraction of slot b of histogram h (layer l, kind) of a run with seed. */
static double hist_fraction(int h, int l, int kind, int b, uint64_t seed)
{
    double total = 0.0;
    for (int k = 0; k < PROBE_HIST_SLOTS; k++)
        total += hist_count(h, l, kind, k, seed);
    return hist_count(h, l, kind, b, seed) / total;
}

/* hist: per hidden layer an activations' panel and a pre-activations' one;
 * in each a line per activation at epoch 0 and at the last probe, the mean
 * fraction of values per slot over the seeds that have it (seed 2 of tanh
 * diverged: no last histogram), at the bins' centres and half a bin beyond
 * each end. */
static void test_hist(void **state)
{
    (void)state;
    static const char *const names[] = {"relu", "tanh"};
    act_spec acts[2];
    parse_acts(acts, names, 2);
    const int depth = 3;
    run_record *recs = make_records(acts, 2, 2, depth);
    for (int i = 0; i < 4; i++)
        add_units(&recs[i], 5, i == 3 ? 1 : 2);
    figpool *p = build("hist", recs, 4, acts, 2);
    const plot_figure *f = figpool_figure(p);
    assert_int_equal(f->n_panels, 2 * depth);
    assert_int_equal(f->cols, 2);
    assert_string_equal(f->panels[0].title, "layer 1: activations f(y)");
    assert_string_equal(f->panels[5].title, "layer 3: pre-activations y");
    for (int l = 0; l < depth; l++)
        for (int k = 0; k < PROBE_HIST_KINDS; k++) {
            const plot_panel *pn = &f->panels[2 * l + k];
            assert_int_equal(pn->n_series, 4);
            for (int a = 0; a < 2; a++)
                for (int h = 0; h < 2; h++) {
                    const plot_series *se = &pn->series[2 * a + h];
                    char want[64];
                    snprintf(want, sizeof want, "%s, epoch %d", names[a], h ? 2 * EVERY : 0);
                    assert_string_equal(se->label, want);
                    assert_int_equal(se->colour, a + 1);
                    assert_int_equal(se->dashed, h == 1);
                    assert_int_equal(se->n, PROBE_HIST_SLOTS);
                    probe_range r = k ? probe_preact_range() : probe_act_range(&acts[a]);
                    double w = (r.hi - r.lo) / PROBE_HIST_BINS;
                    /* tanh's last histogram is seed 1's alone */
                    int seeds = a == 1 && h == 1 ? 1 : 2;
                    for (int b = 0; b < PROBE_HIST_SLOTS; b++) {
                        spread sp = {0.0, INFINITY, -INFINITY};
                        for (int sd = 1; sd <= seeds; sd++) {
                            double v = hist_fraction(h, l, k, b, (uint64_t)sd);
                            sp.mean += v / seeds;
                            sp.lo = fmin(sp.lo, v);
                            sp.hi = fmax(sp.hi, v);
                        }
                        double x = b == 0                    ? r.lo - w / 2
                                   : b == PROBE_HIST_BINS + 1 ? r.hi + w / 2
                                                              : r.lo + (b - 0.5) * w;
                        assert_near(se->x[b], x, 1e-12);
                        assert_near(se->y[b], sp.mean, 1e-12);
                        assert_near(se->ylo[b], sp.lo, 1e-12);
                        assert_near(se->yhi[b], sp.hi, 1e-12);
                    }
                }
        }
    figpool_free(p);
    free_records(recs, 4);
}

/* dead_map: only the activations whose units can die (relu, not tanh), the
 * first seed's; a panel per hidden layer of unit x probe cells coloured by
 * state against the probe before, the probes' epochs as x tics. */
static void test_dead_map(void **state)
{
    (void)state;
    static const char *const names[] = {"tanh", "relu"};
    act_spec acts[2];
    parse_acts(acts, names, 2);
    const int depth = 2, width = 11;
    run_record *recs = make_records(acts, 2, 2, depth);
    for (int i = 0; i < 4; i++)
        add_units(&recs[i], width, 2);
    figpool *p = build(FIGURES_DEAD_MAP, recs, 4, acts, 2);
    const plot_figure *f = figpool_figure(p);
    assert_int_equal(f->n_panels, depth);
    int n_xn;
    const plot_xnames *xn = figpool_xnames_of(p, &n_xn);
    assert_int_equal(n_xn, depth);
    const unsigned alive = 0xeeeeee, dead = 0x303030, died = 0xd62728, back = 0x2ca02c;
    for (int l = 0; l < depth; l++) {
        const plot_panel *pn = &f->panels[l];
        const plot_image *im = pn->image;
        assert_non_null(im);
        assert_int_equal(pn->n_series, 0);
        assert_int_equal(im->nx, 3);
        assert_int_equal(im->ny, width);
        assert_true(im->x0 == 1 && im->x1 == 3 && im->y0 == 0 && im->y1 == width - 1);
        assert_int_equal(im->n_legend, 4);
        int last = 0;
        for (int u = 0; u < width; u++) {
            last += dead_at(2, l, u, 1);
            for (int j = 0; j < 3; j++) {
                bool d = dead_at(j, l, u, 1), before = j > 0 && dead_at(j - 1, l, u, 1);
                unsigned want = j == 0 || d == before ? (d ? dead : alive) : d ? died : back;
                if (im->rgb[u * 3 + j] != want)
                    fail_msg("layer %d unit %d probe %d: colour %06x, want %06x", l + 1, u, j,
                             im->rgb[u * 3 + j], want);
            }
        }
        char want[128];
        snprintf(want, sizeof want, "relu seed 1, layer %d: %d of %d dead at the last probe",
                 l + 1, last, width);
        assert_string_equal(pn->title, want);
        assert_int_equal(xn[l].panel, l);
        assert_int_equal(xn[l].n, 3);
        for (int j = 0; j < 3; j++) {
            snprintf(want, sizeof want, "%d", j * EVERY);
            assert_string_equal(xn[l].names[j], want);
        }
    }
    figpool_free(p);
    free_records(recs, 4);

    /* wide and deep: 256 units and 10 layers shown, the titles say which;
     * a single probe is one column two cells wide */
    run_record *deep = make_records(acts + 1, 1, 1, 12);
    deep[0].r.n_probes = 1;
    add_units(&deep[0], 300, 1);
    p = build(FIGURES_DEAD_MAP, deep, 1, acts + 1, 1);
    f = figpool_figure(p);
    assert_int_equal(f->n_panels, FIGURES_LAYER_LINES);
    assert_int_equal(f->cols, 5);
    assert_non_null(strstr(f->title, "(10 of the 12 hidden layers: 1, 2, 3, 5, 6, 7, 8, 10, "
                                     "11 and 12)"));
    const plot_image *im = f->panels[9].image;
    assert_int_equal(im->nx, 2);
    assert_int_equal(im->ny, 256);
    assert_true(im->x0 == 0.75 && im->x1 == 1.25);
    assert_non_null(strstr(f->panels[9].title, "layer 12: "));
    assert_non_null(strstr(f->panels[9].title, " of 300 dead at the last probe (units 0-255 "
                                               "shown)"));
    for (int u = 0; u < 256; u++)
        assert_int_equal(im->rgb[u * 2], im->rgb[u * 2 + 1]);
    assert_int_equal(im->rgb[2 * 2], dead_at(0, 11, 2, 1) ? dead : alive);
    figpool_free(p);
    free_records(deep, 1);

    /* past six activations whose units can die, the first six, said */
    static const char *const many[] = {"relu", "relu6", "step", "hardswish",
                                       "hardsigmoid", "softshrink", "tanh", "hardshrink"};
    act_spec eight[8];
    parse_acts(eight, many, 8);
    run_record *mr = make_records(eight, 8, 1, 1);
    for (int i = 0; i < 8; i++)
        add_units(&mr[i], 3, 2);
    p = build(FIGURES_DEAD_MAP, mr, 8, eight, 8);
    f = figpool_figure(p);
    assert_int_equal(f->n_panels, 6);
    assert_non_null(strstr(f->panels[5].title, "softshrink seed 1, layer 1"));
    assert_non_null(strstr(f->title, "(the first 6 of the 7 activations whose units can die)"));
    figpool_free(p);
    free_records(mr, 8);
}

/* [plot] x = value: a line per activation and depth (swept, so it splits
 * lines), the share of the given layer's (or each run's deepest layer's)
 * values per slot of the histogram at the last probe (or epoch 0), the
 * mean over seeds with its band; a deeper layer only where the depth has
 * it (at = depth=3). */
static void test_xfig_value(void **state)
{
    (void)state;
    static const char text[] =
        XCLAIM "[setup]\nacts = relu, tanh\ndepth = 2, 3\nepochs = 10\nseeds = 2\n"
        XCHECK("tanh")
        "[plot acts]\nx = value\ny = act_hist\nlayer = 2\nepoch = last\n"
        "[plot pre]\nx = value\ny = preact_hist\n"
        "[plot third]\nx = value\ny = act_hist\nlayer = 3\nat = depth=3\n";
    experiment *e = calloc(1, sizeof *e);
    assert_non_null(e);
    load_experiment(e, "xvalue", text);
    exp_result r;
    make_result(&r, e);
    for (int i = 0; i < r.n_recs; i++)
        add_units(&r.recs[i], 4, 2);
    figpool *p = NULL;
    ab_err err = {{0}};
    assert_int_equal(xfig_build(&p, &r, &err), AB_OK);
    const plot_figure *f = figpool_figure(p);
    assert_int_equal(f->n_panels, 3);
    assert_string_equal(f->panels[1].ylabel, "fraction of values in the bin");
    for (int pn = 0; pn < 3; pn++) {
        const plot_panel *pa = &f->panels[pn];
        int kind = pn == 1 ? PROBE_HIST_PREACT : PROBE_HIST_ACT, h = pn == 0 ? 1 : 0;
        assert_int_equal(pa->n_series, pn == 2 ? 2 : 4);
        for (int i = 0; i < pa->n_series; i++) {
            /* points depth 2, 3 (acts within): line i is act i % 2 at depth i / 2 */
            int a = i % 2, depth = pn == 2 ? 3 : 2 + i / 2;
            int layer = pn == 0 ? 2 : pn == 2 ? 3 : depth;
            const plot_series *se = &pa->series[i];
            char want[96];
            snprintf(want, sizeof want, "%s, layer %d, epoch %d%s", a ? "tanh" : "relu", layer,
                     h ? 2 * EVERY : 0, pn == 2 ? "" : depth == 2 ? ", depth=2" : ", depth=3");
            assert_string_equal(se->label, want);
            assert_int_equal(se->n, PROBE_HIST_SLOTS);
            probe_range rg = kind ? probe_preact_range() : probe_act_range(&e->setup.acts[a]);
            double w = (rg.hi - rg.lo) / PROBE_HIST_BINS;
            for (int b = 0; b < PROBE_HIST_SLOTS; b++) {
                double v1 = hist_fraction(h, layer - 1, kind, b, 1);
                double v2 = hist_fraction(h, layer - 1, kind, b, 2);
                assert_near(se->y[b], (v1 + v2) / 2, 1e-12);
                assert_near(se->ylo[b], fmin(v1, v2), 1e-12);
                assert_near(se->yhi[b], fmax(v1, v2), 1e-12);
                double x = b == 0 ? rg.lo - w / 2
                           : b > PROBE_HIST_BINS ? rg.hi + w / 2
                                                 : rg.lo + (b - 0.5) * w;
                assert_near(se->x[b], x, 1e-12);
            }
        }
    }
    figpool_free(p);
    free_result(&r);
    free(e);
}

/* Past FIGURES_MAX_LINES lines a panel, grad_by_layer, loss and functions
 * are small multiples: a panel (loss: a pair) per activation with its own
 * lines' values, all panels on one shared range; at the limit they are
 * not. */
static void test_small_multiples(void **state)
{
    (void)state;
    enum { N = FIGURES_MAX_LINES + 1 };
    static const char *const names[N] = {"sigmoid", "tanh", "relu", "elu", "gelu",
                                         "silu", "selu", "softsign", "mish"};
    act_spec acts[N];
    parse_acts(acts, names, N);
    run_record *recs = make_records(acts, N, 1, 3);

    figpool *p = build("grad_by_layer", recs, N, acts, N);
    const plot_figure *f = figpool_figure(p);
    assert_int_equal(f->n_panels, N);
    for (int a = 0; a < N; a++) {
        const plot_panel *pn = &f->panels[a];
        assert_string_equal(pn->title, acts[a].label);
        assert_int_equal(pn->n_series, 3);
        assert_string_equal(pn->series[0].label, "||dL/dW|| (Frobenius)");
        assert_string_equal(pn->series[1].label, "||dL/db||");
        assert_int_equal(pn->series[2].style, PLOT_REFERENCE);
        for (int l = 0; l < 4; l++) {
            double w = metric_of(&recs[a], offsetof(probe_layer, grad_norm), 0, l);
            double b = metric_of(&recs[a], offsetof(probe_layer, bias_grad_norm), 0, l);
            assert_near(pn->series[0].y[l], w, EPS * w);
            assert_near(pn->series[1].y[l], b, EPS * b);
            /* every panel's range holds every panel's values */
            assert_true(pn->ylo < pn->series[2].y[0] && pn->series[0].y[l] < pn->yhi);
        }
        /* 0.25^(4 - l) through this panel's own output-layer bias gradient */
        assert_near(pn->series[2].y[0], pn->series[1].y[3] * pow(0.25, 3), 1e-9);
        assert_near(pn->ylo, f->panels[0].ylo, 0.0);
        assert_near(pn->yhi, f->panels[0].yhi, 0.0);
        /* a shared log range runs over whole decades, so it has labelled tics */
        assert_near(log10(pn->ylo), round(log10(pn->ylo)), 1e-12);
        assert_near(log10(pn->yhi), round(log10(pn->yhi)), 1e-12);
    }
    figpool_free(p);

    p = build("loss", recs, N, acts, N);
    f = figpool_figure(p);
    assert_int_equal(f->n_panels, 2 * N);
    assert_int_equal(f->cols, 4);
    for (int a = 0; a < N; a++) {
        const plot_panel *lp = &f->panels[2 * a], *ap = &f->panels[2 * a + 1];
        char want[64];
        snprintf(want, sizeof want, "%s: loss", acts[a].label);
        assert_string_equal(lp->title, want);
        assert_int_equal(lp->n_series, 2);
        assert_string_equal(lp->series[0].label, "train");
        assert_string_equal(lp->series[1].label, "test");
        assert_int_equal(lp->series[0].colour, a % 10 + 1);
        for (int e = 0; e < 11; e++) {
            assert_near(lp->series[1].y[e], recs[a].r.loss[e].test_loss, EPS);
            assert_near(ap->series[0].y[e], recs[a].r.loss[e].train_acc, EPS);
        }
        /* losses share one range, accuracies another */
        assert_near(lp->yhi, f->panels[0].yhi, 0.0);
        assert_near(ap->yhi, f->panels[1].yhi, 0.0);
        assert_true(lp->logy && !ap->logy);
    }
    assert_true(f->panels[0].yhi != f->panels[1].yhi);
    figpool_free(p);

    p = build("functions", NULL, 0, acts, N);
    f = figpool_figure(p);
    assert_int_equal(f->n_panels, N);
    for (int a = 0; a < N; a++) {
        const plot_panel *pn = &f->panels[a];
        assert_int_equal(pn->n_series, 2);
        float z = (float)pn->series[0].x[200], y, d;
        act_f(acts[a].info, &y, &z, 1, 1, acts[a].p);
        act_df(acts[a].info, &d, &z, &y, 1, 1, acts[a].p);
        assert_near(pn->series[0].y[200], y, 0.0);
        assert_near(pn->series[1].y[200], d, 0.0);
        assert_true(pn->series[1].dashed);
        assert_near(pn->ylo, f->panels[0].ylo, 0.0);
        assert_near(pn->yhi, f->panels[0].yhi, 0.0);
        /* the shared range holds every panel's f and f' */
        assert_true(pn->ylo < pn->yhi);
        for (int q = 0; q < 2; q++)
            for (int i = 0; i < pn->series[q].n; i++)
                if (isfinite(pn->series[q].y[i]))
                    assert_true(pn->ylo <= pn->series[q].y[i] && pn->series[q].y[i] <= pn->yhi);
    }
    figpool_free(p);

    /* at the limit: one panel for everyone, as before */
    p = build("grad_by_layer", recs, N - 1, acts, N - 1);
    assert_int_equal(figpool_figure(p)->n_panels, 2);
    assert_int_equal(figpool_figure(p)->panels[0].n_series, N - 1 + 1); /* and sigmoid's 0.25^n */
    figpool_free(p);
    p = build("functions", NULL, 0, acts, N - 1);
    assert_int_equal(figpool_figure(p)->n_panels, 2);
    figpool_free(p);
    free_records(recs, N);
}

/* A diverged run's line ends with a mark at its last value: one seed's at
 * its last loss row and probe; of several seeds, the diverged one's. */
static void test_diverged_marks(void **state)
{
    (void)state;
    act_spec acts[2];
    parse_acts(acts, two_acts, 2);
    run_record *recs = make_records(acts, 2, 1, 3);
    recs[1].r.diverged = true, recs[1].r.diverged_epoch = 7;
    recs[1].r.n_loss = 7;   /* rows 0..6 */
    recs[1].r.n_probes = 2; /* epochs 0 and EVERY */
    figpool *p = build("loss", recs, 2, acts, 2);
    const plot_panel *pn = &figpool_figure(p)->panels[0];
    assert_int_equal(pn->series[0].n_marks, 0);
    assert_string_equal(pn->series[2].label, "relu (diverged in epoch 7) train");
    assert_int_equal(pn->series[2].n_marks, 1);
    assert_near(pn->series[2].mark_x[0], 6, 0.0);
    figpool_free(p);
    p = build("dead", recs, 2, acts, 2);
    pn = &figpool_figure(p)->panels[0];
    assert_int_equal(pn->series[1].n_marks, 1);
    assert_near(pn->series[1].mark_x[0], EVERY, 0.0);
    /* after training: not its last probe before it blew up, drawn as if */
    pn = &figpool_figure(p)->panels[1];
    for (int l = 0; l < 3; l++) {
        assert_true(isfinite(pn->series[0].y[l]));
        assert_true(isnan(pn->series[1].y[l]));
    }
    figpool_free(p);
    free_records(recs, 2);
}

/* A target never reached is not drawn as the checks' epochs + 1: where no
 * seed reached it, a marker at the top keyed "not reached in N epochs";
 * where some did, their mean, the key saying so; a line that never reached
 * it is its markers alone. */
static void test_xfig_never_reached(void **state)
{
    (void)state;
    experiment *e = malloc(sizeof *e);
    assert_non_null(e);
    load_experiment(e, "never",
                    XCLAIM "[setup]\nacts = sigmoid, relu, tanh\ndepth = 2\nepochs = 10\n"
                           "seeds = 2\nlr = 0.1, 0.3\n" XCHECK("sigmoid")
                           "[plot]\nx = lr\ny = epochs_to_target\n");
    exp_result r;
    make_result(&r, e);
    /* i = (lr point x 3 + act) x 2 + seed; q = 10 i + q, so reached runs differ */
    for (int i = 0; i < r.n_recs; i++)
        r.recs[i].r.epochs_to_target = 3;
    /* sigmoid at lr 0.1, seed 2; relu always; tanh at lr 0.3, both seeds */
    static const int never[] = {1, 2, 3, 8, 9, 10, 11};
    for (int k = 0; k < 7; k++)
        r.recs[never[k]].r.epochs_to_target = -1;
    for (int i = 0; i < r.n_recs; i++) /* what exp_run_quantities stores */
        if (r.recs[i].r.epochs_to_target < 0)
            r.q[(size_t)i * XF_N_QTY + XF_Q_EPOCHS_TO_TARGET] = 11;
    figpool *p;
    ab_err err = {{0}};
    assert_int_equal(xfig_build(&p, &r, &err), AB_OK);
    const plot_panel *pn = &figpool_figure(p)->panels[0];
    /* sigmoid's line, tanh's line and markers, relu's markers only */
    assert_int_equal(pn->n_series, 4);
    const plot_series *sg = &pn->series[0], *rl = &pn->series[1], *th = &pn->series[2];
    assert_string_equal(sg->label, "sigmoid (mean of the runs that reached it, at 1 point)");
    double q0 = r.q[0 * XF_N_QTY + XF_Q_EPOCHS_TO_TARGET];
    assert_near(sg->y[0], q0, EPS); /* seed 1 alone, not (q0 + 11) / 2 */
    assert_true(rl->at_top);
    assert_string_equal(rl->label, "relu: target not reached in 10 epochs (marked at the top)");
    assert_int_equal(rl->n, 2);
    assert_near(rl->x[0], 0.1, EPS);
    assert_near(rl->x[1], 0.3, EPS);
    assert_int_equal(rl->colour, 2);
    assert_string_equal(th->label, "tanh");
    assert_true(isnan(th->y[1]));
    assert_near(th->y[0], (r.q[4 * XF_N_QTY + 5] + r.q[5 * XF_N_QTY + 5]) / 2, 1e-9);
    assert_true(pn->series[3].at_top);
    assert_int_equal(pn->series[3].n, 1);
    assert_near(pn->series[3].x[0], 0.3, EPS);
    assert_int_equal(pn->series[3].colour, th->colour);
    for (int k = 0; k < pn->n_series; k++)
        for (int i = 0; i < pn->series[k].n && !pn->series[k].at_top; i++)
            assert_true(pn->series[k].y[i] != 11); /* never the stand-in */
    figpool_free(p);
    free_result(&r);
    free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xfig_value),
        cmocka_unit_test(test_hist),
        cmocka_unit_test(test_dead_map),
        cmocka_unit_test(test_grad_by_layer),
        cmocka_unit_test(test_seed_statistics),
        cmocka_unit_test(test_grad_by_epoch),
        cmocka_unit_test(test_dead_and_saturation),
        cmocka_unit_test(test_diverged_in_key),
        cmocka_unit_test(test_small_multiples),
        cmocka_unit_test(test_diverged_marks),
        cmocka_unit_test(test_xfig_never_reached),
        cmocka_unit_test(test_loss),
        cmocka_unit_test(test_deep_layer_subset),
        cmocka_unit_test(test_limit_is_an_error),
        cmocka_unit_test(test_pool_grows),
        cmocka_unit_test_setup_teardown(test_xfig_layer, xfig_setup, xfig_teardown),
        cmocka_unit_test_setup_teardown(test_xfig_epoch_metric, xfig_setup, xfig_teardown),
        cmocka_unit_test_setup_teardown(test_xfig_loss, xfig_setup, xfig_teardown),
        cmocka_unit_test_setup_teardown(test_xfig_act, xfig_setup, xfig_teardown),
        cmocka_unit_test(test_xfig_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
