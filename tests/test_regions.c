/* test_regions.c - decision regions, in process: the class of every cell
 * for networks whose boundary is known, the plane's geometry and its
 * standardisation (the very arithmetic the training data went through), the
 * maps a run takes (in this process and from a -j child, the same bytes),
 * the figure's image cells and points (in the figure and in its .gp
 * script), regions.csv's rows, and the CSV data files with a split column
 * (written by out_write_data, read back by data_load to the bit). */
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

#include "afile.h"
#include "data.h"
#include "figpool.h"
#include "figures.h"
#include "out.h"
#include "par.h"
#include "plot.h"
#include "regions.h"
#include "train.h"

/* ---- helpers ----------------------------------------------------------- */

/* Fails unless |a - b| <= tol. */
#define assert_near(a, b, tol) assert_near_at((a), (b), (tol), #a, __LINE__)
static void assert_near_at(double a, double b, double tol, const char *what, int line)
{
    if (!(fabs(a - b) <= tol))
        fail_msg("line %d: %s = %.17g, expected %.17g (within %g)", line, what, a, b, tol);
}

/* A fresh temporary folder (with a plots/ folder in it) into dir. */
static void temp_dir(char *dir, size_t n)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, n, "%s/actbench_regions_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    char plots[4200];
    snprintf(plots, sizeof plots, "%s/plots", dir);
    ab_err err = {{0}};
    assert_int_equal(afile_make_dirs(plots, &err), AB_OK);
}

static char *slurp_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_tree(const char *dir)
{
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* A network of one hidden identity layer of 2 units with W = I, b = 0, and
 * n_out outputs (1: a sigmoid), its other parameters zero. */
typedef struct {
    net n;
    net_ws ws;
    float *params;
} lin_net;

static void lin_create(lin_net *t, int n_out, const char *act)
{
    ab_err err = {{0}};
    net_config c = {.n_in = 2, .n_out = n_out, .depth = 1, .width = 2,
                    .out = n_out == 1 ? OUT_SIGMOID : OUT_SOFTMAX, .init = INIT_XAVIER};
    assert_int_equal(act_parse(&c.act, act, &err), AB_OK);
    assert_int_equal(net_create(&t->n, &c, &err), AB_OK);
    assert_int_equal(net_ws_create(&t->ws, &t->n, 7, &err), AB_OK); /* chunks of 7 rows */
    t->params = net_arena_alloc(&t->n);
    assert_non_null(t->params);
    float *w = net_w(&t->n, t->params, 0);
    w[0] = w[3] = 1.0f;
}

static void lin_free(lin_net *t)
{
    net_ws_free(&t->ws);
    free(t->params);
}

/* Cells over [-1, 1] x [-1.5, 1.5] at steps that hit no boundary exactly:
 * row j * nx + i holds (x, y). */
static float *plane_inputs(int nx, int ny)
{
    float *in = malloc(sizeof(float) * 2 * (size_t)nx * (size_t)ny);
    assert_non_null(in);
    for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++) {
            in[2 * (j * nx + i)] = (float)(-1.0 + 2.0 * i / (nx - 1) + 0.0123);
            in[2 * (j * nx + i) + 1] = (float)(-1.5 + 3.0 * j / (ny - 1) + 0.0071);
        }
    return in;
}

/* ---- the classes ------------------------------------------------------- */

/* Softmax over z0 = 0, z1 = x - 0.3: class 1 exactly where x > 0.3. */
static void test_classify_softmax_line(void **state)
{
    (void)state;
    lin_net t;
    lin_create(&t, 2, "identity");
    float *w = net_w(&t.n, t.params, 1), *b = net_b(&t.n, t.params, 1);
    w[2] = 1.0f; /* row 1, input 0 */
    b[1] = -0.3f;
    const int nx = 23, ny = 17, cells = nx * ny;
    float *in = plane_inputs(nx, ny);
    unsigned char cls[23 * 17];
    memset(cls, 99, sizeof cls);
    regions_classify(cls, &t.n, t.params, &t.ws, in, cells);
    int ones = 0;
    for (int c = 0; c < cells; c++) {
        if (cls[c] != (in[2 * c] > 0.3f))
            fail_msg("cell %d at (%g, %g): class %d", c, in[2 * c], in[2 * c + 1], cls[c]);
        ones += cls[c];
    }
    assert_true(ones > 0 && ones < cells);
    free(in);
    lin_free(&t);
}

/* A sigmoid output s(y + 0.2): class 1 where y > -0.2. */
static void test_classify_sigmoid(void **state)
{
    (void)state;
    lin_net t;
    lin_create(&t, 1, "identity");
    float *w = net_w(&t.n, t.params, 1), *b = net_b(&t.n, t.params, 1);
    w[1] = 1.0f;
    b[0] = 0.2f;
    const int nx = 9, ny = 31, cells = nx * ny;
    float *in = plane_inputs(nx, ny);
    unsigned char cls[9 * 31];
    regions_classify(cls, &t.n, t.params, &t.ws, in, cells);
    for (int c = 0; c < cells; c++)
        if (cls[c] != (in[2 * c + 1] > -0.2f))
            fail_msg("cell %d at (%g, %g): class %d", c, in[2 * c], in[2 * c + 1], cls[c]);
    free(in);
    lin_free(&t);
}

/* Three classes, z = (x, y, -x - y): the argmax picks the largest; and a
 * network whose parameters are not finite predicts nothing. */
static void test_classify_argmax_and_nan(void **state)
{
    (void)state;
    lin_net t;
    lin_create(&t, 3, "identity");
    float *w = net_w(&t.n, t.params, 1);
    w[0] = 1.0f, w[3] = 1.0f, w[4] = -1.0f, w[5] = -1.0f;
    const int nx = 13, ny = 11, cells = nx * ny;
    float *in = plane_inputs(nx, ny);
    unsigned char cls[13 * 11];
    regions_classify(cls, &t.n, t.params, &t.ws, in, cells);
    int seen[3] = {0};
    for (int c = 0; c < cells; c++) {
        float x = in[2 * c], y = in[2 * c + 1], z[3] = {x, y, -x - y};
        int best = z[1] > z[0] ? 1 : 0;
        best = z[2] > z[best] ? 2 : best;
        assert_int_equal(cls[c], best);
        seen[best]++;
    }
    assert_true(seen[0] && seen[1] && seen[2]);
    net_b(&t.n, t.params, 1)[0] = NAN;
    regions_classify(cls, &t.n, t.params, &t.ws, in, cells);
    for (int c = 0; c < cells; c++)
        assert_int_equal(cls[c], REGIONS_NONE);
    free(in);
    lin_free(&t);
}

/* ---- the plane --------------------------------------------------------- */

static const float raw_train[][2] = {{1.0f, 10.0f}, {3.0f, 14.0f}, {2.5f, 11.0f},
                                     {-0.5f, 12.5f}, {2.0f, 13.0f}};
static const float raw_test[][2] = {{4.0f, 12.0f}, {1.5f, 9.0f}};

/* The raw sets above (classes alternating) into train and test. */
static void raw_sets(data_set *train, data_set *test)
{
    int n = (int)(sizeof raw_train / sizeof raw_train[0]);
    int m = (int)(sizeof raw_test / sizeof raw_test[0]);
    *train = (data_set){.n = n, .d = 2, .k = 2, .x = malloc(sizeof raw_train),
                        .y = malloc(sizeof(int) * (size_t)n)};
    *test = (data_set){.n = m, .d = 2, .k = 2, .x = malloc(sizeof raw_test),
                       .y = malloc(sizeof(int) * (size_t)m)};
    assert_true(train->x && train->y && test->x && test->y);
    memcpy(train->x, raw_train, sizeof raw_train);
    memcpy(test->x, raw_test, sizeof raw_test);
    for (int i = 0; i < n; i++)
        train->y[i] = i % 2;
    for (int i = 0; i < m; i++)
        test->y[i] = (i + 1) % 2;
}

/* The grid lies over the raw data's box plus 10% each side, its centres are
 * standardised with the training set's own mean and deviation, exactly as
 * the training points were, and the points map back to where they were. */
static void test_grid_standardised(void **state)
{
    (void)state;
    data_set train, test;
    raw_sets(&train, &test);
    double mean[2], inv[2], lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    data_standardize_get(&train, &test, mean, inv);
    for (int f = 0; f < 2; f++) {
        double s = 0.0, q = 0.0;
        for (int i = 0; i < train.n; i++)
            s += raw_train[i][f];
        s /= train.n;
        for (int i = 0; i < train.n; i++)
            q += (raw_train[i][f] - s) * (raw_train[i][f] - s);
        assert_near(mean[f], s, 1e-12);
        assert_near(inv[f], 1.0 / sqrt(q / train.n), 1e-12);
        for (int i = 0; i < train.n; i++) {
            lo[f] = fmin(lo[f], raw_train[i][f]), hi[f] = fmax(hi[f], raw_train[i][f]);
            /* what data_standardize made of each point, to the bit */
            assert_true(train.x[2 * i + f] ==
                        (float)(((double)raw_train[i][f] - mean[f]) * inv[f]));
        }
        for (int i = 0; i < test.n; i++)
            lo[f] = fmin(lo[f], raw_test[i][f]), hi[f] = fmax(hi[f], raw_test[i][f]);
    }
    regions_grid g;
    ab_err err = {{0}};
    assert_int_equal(regions_grid_make(&g, &train, &test, mean, inv, 7, 5, &err), AB_OK);
    assert_int_equal(g.nx, 7);
    assert_int_equal(g.ny, 5);
    /* x: -0.5..4 of both sets, 0.45 more each side; y: 9..14, 0.5 more */
    assert_near(g.x0, lo[0] - 0.1 * (hi[0] - lo[0]), 1e-5);
    assert_near(g.x1, hi[0] + 0.1 * (hi[0] - lo[0]), 1e-5);
    assert_near(g.y0, 8.5, 1e-5);
    assert_near(g.y1, 14.5, 1e-5);
    for (int j = 0; j < g.ny; j++)
        for (int i = 0; i < g.nx; i++) {
            double c[2] = {g.x0 + i * (g.x1 - g.x0) / (g.nx - 1),
                           g.y0 + j * (g.y1 - g.y0) / (g.ny - 1)};
            for (int f = 0; f < 2; f++)
                assert_true(g.in[2 * (j * g.nx + i) + f] ==
                            (float)(((double)(float)c[f] - mean[f]) * inv[f]));
        }
    for (int i = 0; i < train.n; i++) {
        double x[2];
        regions_to_data(x, &g, train.x + 2 * i);
        assert_near(x[0], raw_train[i][0], 1e-5);
        assert_near(x[1], raw_train[i][1], 1e-5);
    }
    regions_grid_free(&g);
    /* not two features: refused, nothing made */
    train.d = 3;
    assert_int_equal(regions_grid_make(&g, &train, &test, mean, inv, 7, 5, &err), AB_EUSAGE);
    assert_null(g.in);
    train.d = 2;
    data_free(&train);
    data_free(&test);
}

/* ---- a run's maps ------------------------------------------------------ */

typedef struct {
    data_set train, test;
    regions_grid g;
} run_data;

static void run_data_make(run_data *d)
{
    ab_err err = {{0}};
    data_spec spec = {.name = "circles", .n = 300, .test_frac = 0.2, .seed = 3};
    assert_int_equal(data_load(&d->train, &d->test, &spec, &err), AB_OK);
    double mean[2], inv[2];
    data_standardize_get(&d->train, &d->test, mean, inv);
    assert_int_equal(regions_grid_make(&d->g, &d->train, &d->test, mean, inv, 30, 20, &err),
                     AB_OK);
}

static train_config run_cfg(const regions_grid *g, bool at_init)
{
    train_config c = {.net = {.n_in = 2, .n_out = 2, .depth = 2, .width = 8,
                              .out = OUT_SOFTMAX, .init = INIT_HE},
                      .opt = OPT_SGD, .lr = 0.1f, .epochs = 3, .batch = 16, .log_every = 1,
                      .target_acc = NAN, .seed = 5, .regions = g, .regions_init = at_init};
    ab_err err = {{0}};
    assert_int_equal(act_parse(&c.net.act, "relu", &err), AB_OK);
    return c;
}

/* The maps are the classes of the initial and the final parameters. */
static void test_run_maps(void **state)
{
    (void)state;
    run_data d;
    run_data_make(&d);
    train_config c = run_cfg(&d.g, true);
    c.keep_params = true;
    run_result r;
    ab_err err = {{0}};
    assert_int_equal(train_run(&r, &c, &d.train, &d.test, &d.train, NULL, NULL, &err), AB_OK);
    const int cells = d.g.nx * d.g.ny;
    assert_int_equal(r.regions.cells, cells);
    assert_int_equal(r.regions.n_maps, 2);
    assert_int_equal(r.regions.epoch[0], 0);
    assert_int_equal(r.regions.epoch[1], 3);
    net n;
    net_ws ws;
    assert_int_equal(net_create(&n, &c.net, &err), AB_OK);
    assert_int_equal(net_ws_create(&ws, &n, 256, &err), AB_OK);
    unsigned char *want = malloc((size_t)cells);
    assert_non_null(want);
    regions_classify(want, &n, r.init_params, &ws, d.g.in, cells);
    assert_memory_equal(r.regions.cls, want, (size_t)cells);
    regions_classify(want, &n, r.final_params, &ws, d.g.in, cells);
    assert_memory_equal(r.regions.cls + cells, want, (size_t)cells);
    /* training moved the boundary */
    assert_memory_not_equal(r.regions.cls, r.regions.cls + cells, (size_t)cells);
    free(want);
    net_ws_free(&ws);
    train_result_free(&r);
    /* without the plane: nothing */
    c.regions = NULL;
    assert_int_equal(train_run(&r, &c, &d.train, &d.test, &d.train, NULL, NULL, &err), AB_OK);
    assert_int_equal(r.regions.n_maps, 0);
    assert_null(r.regions.cls);
    train_result_free(&r);
    regions_grid_free(&d.g);
    data_free(&d.train);
    data_free(&d.test);
}

/* -j children send the maps back: the same bytes as in this process, and
 * none for a run without the plane. */
static void test_par_maps(void **state)
{
    (void)state;
    run_data d;
    run_data_make(&d);
    train_config cfgs[3] = {run_cfg(&d.g, true), run_cfg(NULL, false), run_cfg(&d.g, false)};
    cfgs[2].seed = 9;
    run_result seq[3], par[3];
    memset(par, 0, sizeof par);
    ab_err err = {{0}};
    for (int i = 0; i < 3; i++)
        assert_int_equal(train_run(&seq[i], &cfgs[i], &d.train, &d.test, &d.train, NULL, NULL,
                                   &err),
                         AB_OK);
    par_plan p = {.cfgs = cfgs, .n = 3, .jobs = 2, .threads = 1, .train = &d.train,
                  .test = &d.test, .probe = &d.train};
    int failed;
    if (par_train(par, &p, &failed, &err) != AB_OK)
        fail_msg("par_train: %s", err.msg);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(par[i].regions.n_maps, seq[i].regions.n_maps);
        assert_int_equal(par[i].regions.cells, seq[i].regions.cells);
        assert_memory_equal(par[i].regions.epoch, seq[i].regions.epoch,
                            sizeof seq[i].regions.epoch);
        if (seq[i].regions.n_maps)
            assert_memory_equal(par[i].regions.cls, seq[i].regions.cls,
                                (size_t)seq[i].regions.n_maps * seq[i].regions.cells);
        train_result_free(&seq[i]);
        train_result_free(&par[i]);
    }
    assert_int_equal(cfgs[0].regions_init, true);
    regions_grid_free(&d.g);
    data_free(&d.train);
    data_free(&d.test);
}

/* ---- the figure and regions.csv ---------------------------------------- */

#define FNX 4
#define FNY 3

/* Two records (identity, relu) with one map each over a FNX x FNY grid:
 * class (i + j) % 2, and the relu map's last cell without a prediction. */
typedef struct {
    act_spec acts[2];
    run_record recs[2];
    loss_row loss[2][6];
    unsigned char cls[2][FNX * FNY];
    data_set train, test;
    regions_grid g;
} fig_case;

static void fig_case_make(fig_case *f)
{
    memset(f, 0, sizeof *f);
    ab_err err = {{0}};
    assert_int_equal(act_parse(&f->acts[0], "identity", &err), AB_OK);
    assert_int_equal(act_parse(&f->acts[1], "relu", &err), AB_OK);
    raw_sets(&f->train, &f->test);
    double mean[2], inv[2];
    data_standardize_get(&f->train, &f->test, mean, inv);
    assert_int_equal(regions_grid_make(&f->g, &f->train, &f->test, mean, inv, FNX, FNY, &err),
                     AB_OK);
    for (int a = 0; a < 2; a++) {
        run_record *r = &f->recs[a];
        r->act = &f->acts[a];
        r->seed = 1;
        r->depth = 1;
        for (int e = 0; e < 6; e++)
            f->loss[a][e] = (loss_row){.epoch = e, .train_acc = 0.5, .test_acc = 0.25 + 0.1 * a +
                                                                               0.01 * e};
        r->r.loss = f->loss[a];
        r->r.n_loss = 6;
        for (int c = 0; c < FNX * FNY; c++)
            f->cls[a][c] = (unsigned char)((c % FNX + c / FNX) % 2);
        r->r.regions = (regions_map){.cells = FNX * FNY, .n_maps = 1, .epoch = {5},
                                     .cls = f->cls[a]};
    }
    f->cls[1][FNX * FNY - 1] = REGIONS_NONE;
}

static void fig_case_free(fig_case *f)
{
    regions_grid_free(&f->g);
    data_free(&f->train);
    data_free(&f->test);
}

/* Palette colours 0 (#1f77b4) and 1 (#ff7f0e) at 30% on white, worked out
 * by hand: 255 - (255 - c) * 0.3 per channel, rounded. */
#define TINT0 0xbcd6e9u
#define TINT1 0xffd9b7u

static void test_figure_content(void **state)
{
    (void)state;
    fig_case f;
    fig_case_make(&f);
    figures_plane plane = {&f.g, &f.train, &f.test};
    figpool *p;
    ab_err err = {{0}};
    assert_int_equal(figures_build_plane(&p, FIGURES_REGIONS, f.recs, 2, f.acts, 2, &plane, &err),
                     AB_OK);
    const plot_figure *fig = figpool_figure(p);
    assert_int_equal(fig->n_panels, 2);
    assert_int_equal(fig->cols, 2);
    for (int a = 0; a < 2; a++) {
        const plot_panel *pa = &fig->panels[a];
        char title[128];
        snprintf(title, sizeof title, "%s, seed 1, epoch 5: test acc %.3f",
                 a ? "relu" : "identity", 0.25 + 0.1 * a + 0.05);
        assert_string_equal(pa->title, title);
        const plot_image *im = pa->image;
        assert_non_null(im);
        assert_int_equal(im->nx, FNX);
        assert_int_equal(im->ny, FNY);
        assert_true(im->x0 == f.g.x0 && im->x1 == f.g.x1 && im->y0 == f.g.y0 &&
                    im->y1 == f.g.y1);
        for (int c = 0; c < FNX * FNY; c++) {
            unsigned want = f.cls[a][c] == REGIONS_NONE ? 0xbfbfbfu
                            : f.cls[a][c] ? TINT1 : TINT0;
            assert_int_equal(im->rgb[c], want);
        }
        /* the legend names the grey only where there is some */
        assert_int_equal(im->n_legend, a);
        /* class 0 train, class 0 test, class 1 train, class 1 test */
        assert_int_equal(pa->n_series, 4);
        for (int s = 0; s < 4; s++) {
            const plot_series *se = &pa->series[s];
            const data_set *set = s % 2 ? &f.test : &f.train;
            const float (*raw)[2] = s % 2 ? raw_test : raw_train;
            int cls = s / 2, k = 0;
            assert_int_equal(se->style, PLOT_POINTS);
            assert_int_equal(se->colour, cls + 1);
            assert_int_equal(se->dashed, s % 2 == 1);
            for (int i = 0; i < set->n; i++)
                if (set->y[i] == cls) {
                    assert_true(k < se->n);
                    assert_near(se->x[k], raw[i][0], 1e-5);
                    assert_near(se->y[k], raw[i][1], 1e-5);
                    k++;
                }
            assert_int_equal(se->n, k);
        }
    }
    /* the script: the cells' colours at their centres, the points' rows,
     * filled (7) and open (6) circles for class 0 */
    char dir[4096], path[4300], row[128];
    temp_dir(dir, sizeof dir);
    assert_int_equal(plot_write(dir, fig, &err), AB_OK);
    snprintf(path, sizeof path, "%s/plots/regions.gp", dir);
    char *gp = slurp_file(path);
    assert_non_null(strstr(gp, "$img1 using 1:2:3:4:5 with rgbimage"));
    snprintf(row, sizeof row, "\n%.9g %.9g 188 214 233\n", f.g.x0, f.g.y0);
    assert_non_null(strstr(gp, row));
    snprintf(row, sizeof row, "\n%.9g %.9g 255 217 183\n",
             f.g.x0 + (f.g.x1 - f.g.x0) / (FNX - 1), f.g.y0);
    assert_non_null(strstr(gp, row));
    snprintf(row, sizeof row, "\n%.9g %.9g 191 191 191\n", f.g.x1, f.g.y1);
    assert_non_null(strstr(gp, row));
    double x[2];
    regions_to_data(x, &f.g, f.train.x);
    snprintf(row, sizeof row, "$d1 << EOD\n%.9g %.9g\n", x[0], x[1]);
    assert_non_null(strstr(gp, row));
    assert_non_null(strstr(gp, "pt 7 ps 1.2 title \"class 0: train\""));
    assert_non_null(strstr(gp, "pt 6 ps 1.2 title \"class 0: test\""));
    free(gp);

    /* regions.csv: a row per cell, its centre and class, empty for none */
    assert_int_equal(out_write_regions(dir, f.recs, 2, &f.g, &err), AB_OK);
    snprintf(path, sizeof path, "%s/regions.csv", dir);
    char *csv = slurp_file(path);
    int lines = 0;
    for (char *c = csv; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 1 + 2 * FNX * FNY);
    assert_true(strncmp(csv, "act,seed,epoch,x1,x2,class\n", 27) == 0);
    char want[256];
    snprintf(want, sizeof want, "\nidentity,1,5,%.9g,%.9g,1\n",
             f.g.x0 + 1 * (f.g.x1 - f.g.x0) / (FNX - 1),
             f.g.y0 + 2 * (f.g.y1 - f.g.y0) / (FNY - 1));
    assert_non_null(strstr(csv, want));
    snprintf(want, sizeof want, "\nrelu,1,5,%.9g,%.9g,\n", f.g.x1, f.g.y1);
    assert_non_null(strstr(csv, want));
    free(csv);
    remove_tree(dir);
    figpool_free(p);

    /* two maps a run: the epoch-0 row above, a column per activation */
    unsigned char two[2][2 * FNX * FNY];
    for (int a = 0; a < 2; a++) {
        memset(two[a], 1, sizeof two[a]);
        memset(two[a], 0, FNX * FNY);
        f.recs[a].r.regions = (regions_map){.cells = FNX * FNY, .n_maps = 2, .epoch = {0, 5},
                                            .cls = two[a]};
    }
    assert_int_equal(figures_build_plane(&p, FIGURES_REGIONS, f.recs, 2, f.acts, 2, &plane, &err),
                     AB_OK);
    fig = figpool_figure(p);
    assert_int_equal(fig->n_panels, 4);
    assert_int_equal(fig->cols, 2);
    assert_string_equal(fig->panels[1].title, "relu, seed 1, epoch 0: test acc 0.350");
    assert_string_equal(fig->panels[2].title, "identity, seed 1, epoch 5: test acc 0.300");
    assert_int_equal(fig->panels[1].image->rgb[0], TINT0);
    assert_int_equal(fig->panels[2].image->rgb[0], TINT1);
    figpool_free(p);

    /* many activations: rows of four; with two maps each, past four a row
     * per activation (epoch 0, the end) */
    static const char *const names[6] = {"identity", "relu", "tanh", "elu", "gelu", "silu"};
    act_spec acts[6];
    run_record recs[6];
    for (int a = 0; a < 6; a++) {
        assert_int_equal(act_parse(&acts[a], names[a], &err), AB_OK);
        recs[a] = f.recs[a % 2];
        recs[a].act = &acts[a];
    }
    static const struct {
        int n_acts, maps, cols;
    } shapes[] = {{3, 1, 3}, {4, 1, 4}, {6, 1, 4}, {3, 2, 3}, {4, 2, 4}, {5, 2, 2}};
    for (size_t c = 0; c < sizeof shapes / sizeof shapes[0]; c++) {
        for (int a = 0; a < shapes[c].n_acts; a++)
            recs[a].r.regions.n_maps = shapes[c].maps;
        assert_int_equal(figures_build_plane(&p, FIGURES_REGIONS, recs, shapes[c].n_acts, acts,
                                             shapes[c].n_acts, &plane, &err),
                         AB_OK);
        fig = figpool_figure(p);
        assert_int_equal(fig->n_panels, shapes[c].n_acts * shapes[c].maps);
        assert_int_equal(fig->cols, shapes[c].cols);
        if (shapes[c].maps == 2 && shapes[c].cols == 2)
            assert_string_equal(fig->panels[1].title, "identity, seed 1, epoch 5: test acc 0.300");
        figpool_free(p);
    }

    /* a run that diverged: no accuracy at its end */
    f.recs[0].r.diverged = 1;
    f.recs[0].r.diverged_epoch = 4;
    assert_int_equal(figures_build_plane(&p, FIGURES_REGIONS, f.recs, 2, f.acts, 2, &plane, &err),
                     AB_OK);
    fig = figpool_figure(p);
    assert_string_equal(fig->panels[0].title, "identity, seed 1, epoch 0: test acc 0.250");
    assert_string_equal(fig->panels[2].title, "identity, seed 1: diverged in epoch 4");
    figpool_free(p);
    fig_case_free(&f);
}

/* A large set: REGIONS_MAX_POINTS (2000) evenly spaced points of it are
 * drawn, as the title says. */
static void test_figure_many_points(void **state)
{
    (void)state;
    fig_case f;
    fig_case_make(&f);
    data_set big = {.n = 2500, .d = 2, .k = 2, .x = malloc(sizeof(float) * 5000),
                    .y = malloc(sizeof(int) * 2500)};
    assert_true(big.x && big.y);
    for (int i = 0; i < big.n; i++) {
        big.x[2 * i] = (float)(i % 97) / 97.0f;
        big.x[2 * i + 1] = (float)(i % 89) / 89.0f;
        big.y[i] = i % 2;
    }
    figures_plane plane = {&f.g, &big, &f.test};
    figpool *p;
    ab_err err = {{0}};
    assert_int_equal(figures_build_plane(&p, FIGURES_REGIONS, f.recs, 1, f.acts, 1, &plane, &err),
                     AB_OK);
    const plot_figure *fig = figpool_figure(p);
    assert_non_null(strstr(fig->title, "(2000 evenly spaced of 2500 and of 2)"));
    const plot_panel *pa = &fig->panels[0];
    /* rows 0, 1, 2, 3, 5, 6, 7, 8, 10, ...: floor(1.25 q) for q < 2000 */
    for (int c = 0; c < 2; c++) {
        const plot_series *se = &pa->series[2 * c];
        int k = 0;
        for (int q = 0; q < 2000; q++) {
            int i = q * 5 / 4;
            if (big.y[i] != c)
                continue;
            double x[2];
            regions_to_data(x, &f.g, big.x + 2 * i);
            assert_true(k < se->n);
            assert_near(se->x[k], x[0], 1e-9);
            assert_near(se->y[k], x[1], 1e-9);
            k++;
        }
        assert_int_equal(se->n, k);
        assert_true(k > 900 && k < 1100);
    }
    figpool_free(p);
    data_free(&big);
    fig_case_free(&f);
}

/* ---- data files with a split column ------------------------------------ */

/* out_write_data then data_load: the same split, order and bits, also
 * standardised; an existing file is not replaced. */
static void test_data_round_trip(void **state)
{
    (void)state;
    char dir[4096], path[4300], name[4400];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/moons.csv", dir);
    snprintf(name, sizeof name, "csv:%s", path);
    ab_err err = {{0}};
    for (int std = 0; std < 2; std++) {
        data_spec gen = {.name = "moons", .n = 333, .test_frac = 0.3, .seed = 11};
        data_set a, b, c, e;
        assert_int_equal(data_load(&a, &b, &gen, &err), AB_OK);
        if (!std)
            assert_int_equal(out_write_data(path, &a, &b, &err), AB_OK);
        gen.standardize = std;
        data_free(&a);
        data_free(&b);
        assert_int_equal(data_load(&a, &b, &gen, &err), AB_OK);
        /* the file's split is used, not a new one of test_frac */
        data_spec back = {.name = name, .test_frac = 0.5, .seed = 99, .standardize = std};
        if (data_load(&c, &e, &back, &err) != AB_OK)
            fail_msg("data_load: %s", err.msg);
        assert_int_equal(c.n, a.n);
        assert_int_equal(e.n, b.n);
        assert_int_equal(c.d, 2);
        assert_int_equal(c.k, 2);
        assert_true(c.header);
        assert_memory_equal(c.x, a.x, sizeof(float) * 2 * (size_t)a.n);
        assert_memory_equal(c.y, a.y, sizeof(int) * (size_t)a.n);
        assert_memory_equal(e.x, b.x, sizeof(float) * 2 * (size_t)b.n);
        assert_memory_equal(e.y, b.y, sizeof(int) * (size_t)b.n);
        data_free(&a);
        data_free(&b);
        data_free(&c);
        data_free(&e);
    }
    char *text = slurp_file(path);
    assert_true(strncmp(text, "split,x1,x2,label\ntrain,", 24) == 0);
    data_set a = {0}, b = {0};
    assert_int_equal(out_write_data(path, &a, &b, &err), AB_ERUNTIME);
    assert_non_null(strstr(err.msg, "exists"));
    char *again = slurp_file(path);
    assert_string_equal(again, text);
    free(again);
    free(text);
    snprintf(path, sizeof path, "%s/no/such/folder/x.csv", dir);
    assert_int_equal(out_write_data(path, &a, &b, &err), AB_ERUNTIME);
    remove_tree(dir);
}

typedef struct {
    const char *text;
    const char *needle;
} bad_file;

/* Split columns that cannot be: each an error naming the problem. */
static void test_split_column_errors(void **state)
{
    (void)state;
    static const bad_file cases[] = {
        {"split,x1,x2,label\ntrain,1,2,0\nvalid,1,3,1\n", ":3: column 1 (split): 'valid' is "
                                                          "neither train nor test"},
        {"x1,x2,split\n1,2,0\n", "column 3 (split) is where the label goes"},
        {"split,label\ntrain,0\n", "column 1 (split) leaves no feature column"},
        {"split,x1,Split,label\ntrain,1,test,0\n", "columns 1 and 3 are both named split"},
        {"split,x1,label\ntest,1,0\ntest,2,1\n", "every row's split is test"},
        {"split,x1,label\ntrain,1,0\ntrain,2,0\n", "every row has label 0"},
    };
    char dir[4096], path[4300], name[4400];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/bad.csv", dir);
    snprintf(name, sizeof name, "csv:%s", path);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_text(path, cases[i].text);
        data_set a, b;
        ab_err err = {{0}};
        data_spec spec = {.name = name, .test_frac = 0.2, .seed = 1};
        assert_int_equal(data_load(&a, &b, &spec, &err), AB_ERUNTIME);
        if (!strstr(err.msg, cases[i].needle))
            fail_msg("case %zu: \"%s\" does not name \"%s\"", i, err.msg, cases[i].needle);
        assert_null(a.x);
        assert_null(b.x);
    }
    /* a file with a split beside a test set of its own, as either */
    write_text(path, "split,x1,label\ntrain,1,0\ntest,2,1\n");
    char other[4300];
    snprintf(other, sizeof other, "%s/plain.csv", dir);
    write_text(other, "1,0\n2,1\n");
    snprintf(name, sizeof name, "csv:%s", other);
    data_spec spec = {.name = name, .test_path = path};
    data_set a, b;
    ab_err err = {{0}};
    assert_int_equal(data_load(&a, &b, &spec, &err), AB_ERUNTIME);
    assert_non_null(strstr(err.msg, "fixes a train/test split"));
    assert_int_equal(data_load_csv(&a, path, &err), AB_ERUNTIME);
    assert_non_null(strstr(err.msg, "fixes a train/test split"));
    /* and one without a header is just data, its text cell an error */
    write_text(path, "train,1,0\n");
    assert_int_equal(data_load_csv(&a, path, &err), AB_ERUNTIME);
    remove_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify_softmax_line),
        cmocka_unit_test(test_classify_sigmoid),
        cmocka_unit_test(test_classify_argmax_and_nan),
        cmocka_unit_test(test_grid_standardised),
        cmocka_unit_test(test_run_maps),
        cmocka_unit_test(test_par_maps),
        cmocka_unit_test(test_figure_content),
        cmocka_unit_test(test_figure_many_points),
        cmocka_unit_test(test_data_round_trip),
        cmocka_unit_test(test_split_column_errors),
    };
    return cmocka_run_group_tests_name("regions", tests, NULL, NULL);
}
