/* test_plot.c - gnuplot script writing and rendering (renders only when
 * gnuplot is on PATH; those tests are skipped otherwise). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot.h"

/* The fixture: a fresh temporary run folder and out = its plots/ folder. */
static int setup(void **state)
{
    if (scratch_setup(state, sizeof(scratch), "plot", "plots") != 0)
        return -1;
    scratch *fx = *state;
    if (mkdir(fx->out, 0777) != 0) {
        scratch_teardown(state);
        return -1;
    }
    return 0;
}

/* Runs plot_render with stderr captured into a file; returns its status and
 * copies up to cap-1 bytes of what gnuplot printed there into out. */
static ab_status render_quiet(const char *run, const char *name, ab_err *err, char *out,
                              size_t cap)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/stderr.txt", run);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0);
    assert_true(fd >= 0);
    dup2(fd, STDERR_FILENO);
    close(fd);
    ab_status st = plot_render(run, name, err);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    char *text = slurp(path);
    assert_non_null(text);
    snprintf(out, cap, "%s", text);
    free(text);
    unlink(path);
    return st;
}

/* ---- the two-panel demo figure ---------------------------------------- */

#define N_LAYERS 12

static double depth[N_LAYERS], grad_mean[N_LAYERS], grad_lo[N_LAYERS], grad_hi[N_LAYERS],
    grad_relu[N_LAYERS], ref[N_LAYERS];
static const double ep[] = {1, 2, 3, 4, 5, 6};
static const double acc_a[] = {0.52, 0.71, NAN, 0.86, 0.9, 0.91};
static const double acc_b[] = {0.5, 0.6, 0.66, 0.7, 0.73, 0.75};

static plot_series logy_series[3];
static plot_series lin_series[2];
static plot_panel demo_panels[2];

static plot_figure demo_figure(const char *name)
{
    for (int i = 0; i < N_LAYERS; i++) {
        depth[i] = i + 1;
        grad_mean[i] = pow(0.25, i + 1) * 3;
        grad_lo[i] = grad_mean[i] * 0.4;
        grad_hi[i] = grad_mean[i] * 2.5;
        grad_relu[i] = 1.0 - 0.02 * i;
        ref[i] = pow(0.25, i + 1);
    }
    grad_relu[N_LAYERS - 1] = 0.0; /* not drawable on a log axis */
    logy_series[0] = (plot_series){.label = "sigmoid", .n = N_LAYERS, .x = depth, .y = grad_mean,
                                   .ylo = grad_lo, .yhi = grad_hi,
                                   .style = PLOT_LINE, .colour = 0, .dashed = false};
    logy_series[1] = (plot_series){.label = "relu", .n = N_LAYERS, .x = depth, .y = grad_relu,
                                   .ylo = NULL, .yhi = NULL,
                                   .style = PLOT_LINE, .colour = 0, .dashed = false};
    logy_series[2] = (plot_series){.label = "0.25^n", .n = N_LAYERS, .x = depth, .y = ref,
                                   .ylo = NULL, .yhi = NULL,
                                   .style = PLOT_REFERENCE, .colour = 0, .dashed = false};
    lin_series[0] = (plot_series){.label = "leaky_relu:0.1 \"fast\"", .n = 6, .x = ep, .y = acc_a,
                                  .ylo = NULL, .yhi = NULL,
                                  .style = PLOT_LINE, .colour = 0, .dashed = false};
    lin_series[1] = (plot_series){.label = "tanh", .n = 6, .x = ep, .y = acc_b, .ylo = NULL,
                                  .yhi = NULL, .style = PLOT_LINE, .colour = 0, .dashed = false};
    demo_panels[0] = (plot_panel){.title = "Gradient norm by layer", .xlabel = "layer",
                                  .ylabel = "mean |dL/dW|", .logy = true, .integer_x = true,
                                  .series = logy_series, .n_series = 3, .logx = false,
                                  .percent = false};
    demo_panels[1] = (plot_panel){.title = "Test accuracy", .xlabel = "epoch",
                                  .ylabel = "accuracy", .logy = false, .integer_x = true,
                                  .series = lin_series,
                                  .n_series = 2, .logx = false, .percent = false};
    return (plot_figure){name, "Sigmoid vs ReLU_family", demo_panels, 2, 2};
}

static void test_write_script(void **state)
{
    scratch *fx = *state;
    plot_figure fig = demo_figure("demo_fig");
    ab_err err = {{0}};
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);

    char *gp = slurp_in(fx->out, "demo_fig.gp");
    assert_non_null(strstr(gp, "# re-render from the run folder: gnuplot plots/demo_fig.gp"));
    /* PNG only by default, the other terminals there for `-e "fmt='pdf'"` */
    assert_non_null(strstr(gp, "if (!exists(\"fmt\")) fmt = \"png\"\nif (words(fmt) == 0) {"));
    assert_non_null(strstr(gp, "exit status 1\n}\ndo for [ext in fmt] {"));
    assert_non_null(strstr(gp, "set output 'plots/demo_fig.'.ext"));
    assert_non_null(strstr(gp, "set terminal pngcairo size 1280,520 enhanced font \"sans,10\""));
    assert_non_null(strstr(gp, "set terminal pdfcairo size 13.33in,5.42in enhanced font "
                               "\"sans,10\" fontscale 0.75 linewidth 2"));
    assert_non_null(strstr(gp, "set multiplot layout 1,2 title \"Sigmoid vs ReLU_family\""));
    for (int b = 1; b <= 5; b++) {
        char head[32];
        snprintf(head, sizeof head, "\n$d%d << EOD\n", b);
        assert_non_null(strstr(gp, head));
    }
    assert_null(strstr(gp, "$d6"));
    /* the band block carries x y ylo yhi */
    assert_non_null(strstr(gp, "$d1 << EOD\n1 0.75 0.3 1.875\n2 0.1875 0.075 0.46875\n"));
    /* the zero on the log panel and the NaN become gaps, never numbers */
    assert_non_null(strstr(gp, "\n11 0.8\nEOD\n"));
    assert_non_null(strstr(gp, "$d4 << EOD\n1 0.52\n2 0.71\n\n4 0.86\n"));
    assert_null(strstr(gp, "nan"));
    assert_null(strstr(gp, "inf"));
    assert_non_null(strstr(gp, "title \"leaky_relu:0.1 \\\"fast\\\"\" noenhanced"));
    assert_non_null(strstr(gp, "set logscale y\nset format y \"10^{%L}\""));
    assert_non_null(strstr(gp, "unset logscale y"));
    assert_non_null(strstr(gp, "filledcurves fs transparent solid 0.2"));
    assert_non_null(strstr(gp, "set xtics 1"));
    assert_non_null(strstr(gp, "unset multiplot"));
    free(gp);
    /* only the script itself: no temporary file left beside it */
    assert_int_equal(count_entries(fx->out), 1);
}

static void test_render_png(void **state)
{
    scratch *fx = *state;
    if (!plot_have_gnuplot())
        skip();
    plot_figure fig = demo_figure("demo_fig");
    ab_err err = {{0}};
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);
    char said[2048];
    assert_int_equal(render_quiet(fx->dir, "demo_fig", &err, said, sizeof said), AB_OK);
    assert_string_equal(said, ""); /* not even a warning */
    assert_png(fx->out, "demo_fig.png");
}

/* Figures rendered by one gnuplot (plot_render_all) are the PNGs each one
 * draws alone: nothing a script sets leaks into the next. */
static void test_render_all_same(void **state)
{
    scratch *fx = *state;
    if (!plot_have_gnuplot())
        skip();
    static const double x[] = {1, 2, 3}, y[] = {1e-3, 1e-2, 10};
    plot_series s = {.label = "decay", .n = 3, .x = x, .y = y, .ylo = NULL, .yhi = NULL,
                     .style = PLOT_LINE, .colour = 0, .dashed = false};
    plot_panel logp = {.title = "log axes", .xlabel = "layer", .ylabel = "norm", .logy = true,
                       .integer_x = true, .series = &s, .n_series = 1, .logx = true,
                       .percent = false};
    plot_figure a = {"first_fig", "A title", &logp, 1, 1};
    plot_figure b = demo_figure("demo_fig");
    ab_err err = {{0}};
    assert_int_equal(plot_write(fx->dir, &a, &err), AB_OK);
    assert_int_equal(plot_write(fx->dir, &b, &err), AB_OK);
    assert_int_equal(plot_render(fx->dir, "demo_fig", &err), AB_OK);
    char *alone = slurp_in(fx->out, "demo_fig.png");
    long n = file_size_in(fx->out, "demo_fig.png");
    const char *const both[] = {"first_fig", "demo_fig"};
    assert_int_equal(plot_render_all(fx->dir, both, 2, &err), AB_OK);
    assert_png(fx->out, "first_fig.png");
    char *together = slurp_in(fx->out, "demo_fig.png");
    assert_int_equal(file_size_in(fx->out, "demo_fig.png"), n);
    assert_memory_equal(alone, together, (size_t)n);
    free(alone), free(together);
    assert_int_equal(plot_render_all(fx->dir, both, 0, &err), AB_EUSAGE);
}

static void test_empty_panels_render(void **state)
{
    scratch *fx = *state;
    static const double x[] = {1, 2, 3};
    static const double bad[] = {NAN, INFINITY, -1};
    static const double ok[] = {5, 5, 5};
    plot_series all_bad = {.label = "diverged_net", .n = 3, .x = x, .y = bad, .ylo = NULL,
                           .yhi = NULL, .style = PLOT_LINE, .colour = 0, .dashed = false};
    plot_series mixed[] = {{.label = "flat", .n = 3, .x = x, .y = ok, .ylo = bad, .yhi = bad,
                            .style = PLOT_LINE, .colour = 0, .dashed = false}, all_bad};
    plot_panel panels[] = {
        {.title = "Nothing to show", .xlabel = "x", .ylabel = "y", .logy = true,
         .integer_x = true, .series = NULL, .n_series = 0, .logx = false, .percent = false},
        {.title = "All points bad", .xlabel = "x", .ylabel = "y", .logy = true,
         .integer_x = false, .series = &all_bad, .n_series = 1, .logx = false, .percent = false},
        {.title = "One flat line", .xlabel = "x", .ylabel = "y", .logy = true, .integer_x = false,
         .series = mixed, .n_series = 2, .logx = false, .percent = false},
    };
    plot_figure fig = {"empty_one", NULL, panels, 3, 2};
    ab_err err = {{0}};
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);

    char *gp = slurp_in(fx->out, "empty_one.gp");
    assert_non_null(strstr(gp, "set multiplot layout 2,2\n"));
    assert_non_null(strstr(gp, "\"no data\""));
    assert_non_null(strstr(gp, "title \"diverged_net (no data)\" noenhanced"));
    free(gp);

    if (!plot_have_gnuplot())
        skip();
    char said[2048];
    assert_int_equal(render_quiet(fx->dir, "empty_one", &err, said, sizeof said), AB_OK);
    assert_string_equal(said, "");
    assert_png(fx->out, "empty_one.png");
}

static void test_single_panel_no_multiplot(void **state)
{
    scratch *fx = *state;
    static const double x[] = {0, 100, 200};
    static const double y[] = {3, 2, 1};
    plot_series s = {.label = "loss", .n = 3, .x = x, .y = y, .ylo = NULL, .yhi = NULL,
                     .style = PLOT_LINE, .colour = 0, .dashed = false};
    plot_panel pa = {.title = "Loss", .xlabel = "step", .ylabel = "loss", .logy = false,
                     .integer_x = true, .series = &s, .n_series = 1, .logx = false,
                     .percent = false};
    plot_figure fig = {"single", NULL, &pa, 1, 0};
    ab_err err = {{0}};
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);
    char *gp = slurp_in(fx->out, "single.gp");
    assert_null(strstr(gp, "multiplot"));
    assert_non_null(strstr(gp, "size 640,480 "));
    assert_null(strstr(gp, "set xtics 1\n")); /* range 200: gnuplot picks */
    assert_non_null(strstr(gp, "set format x \"%.0f\""));
    free(gp);
}

/* On a log axis, exact zeros cannot be drawn: a series that is all zero
 * says "(all zero)", not "(no data)"; one with some says how many were left
 * out; a panel of nothing but zeros says so in its middle. */
static void test_log_zeros(void **state)
{
    scratch *fx = *state;
    static const double x[] = {1, 2, 3};
    static const double zero[] = {0, 0, 0}, some[] = {0, 0.5, 0.25}, nan3[] = {NAN, NAN, NAN};
    plot_series ss[3] = {{.label = "flat", .n = 3, .x = x, .y = zero, .ylo = NULL, .yhi = NULL,
                          .style = PLOT_LINE, .colour = 0, .dashed = false},
                         {.label = "partly", .n = 3, .x = x, .y = some, .ylo = NULL, .yhi = NULL,
                          .style = PLOT_LINE, .colour = 0, .dashed = false},
                         {.label = "gone", .n = 3, .x = x, .y = nan3, .ylo = NULL, .yhi = NULL,
                          .style = PLOT_LINE, .colour = 0, .dashed = false}};
    plot_panel pa = {.title = "Grad", .xlabel = "layer", .ylabel = "norm", .logy = true,
                     .integer_x = true, .series = ss, .n_series = 3, .logx = false,
                     .percent = false};
    plot_figure fig = {"zeros", NULL, &pa, 1, 0};
    ab_err err = {{0}};
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);
    char *gp = slurp_in(fx->out, "zeros.gp");
    assert_non_null(strstr(gp, "\"flat (all zero)\""));
    assert_non_null(strstr(gp, "\"partly (0 at 1 point: not drawn)\""));
    assert_non_null(strstr(gp, "\"gone (no data)\""));
    free(gp);
    pa.n_series = 1; /* nothing but zeros */
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);
    gp = slurp_in(fx->out, "zeros.gp");
    assert_non_null(strstr(gp, "all zero: nothing to draw on a log axis"));
    free(gp);
    pa.logy = false; /* on a linear axis zeros are drawn */
    pa.n_series = 2;
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);
    gp = slurp_in(fx->out, "zeros.gp");
    assert_null(strstr(gp, "all zero"));
    assert_null(strstr(gp, "not drawn"));
    free(gp);
}

/* A percent panel keeps its y axis over [-3, 103] whatever the data: two
 * lines at 100% are not zoomed into the whole panel. */
static void test_percent_axis(void **state)
{
    scratch *fx = *state;
    static const double x[] = {0, 5, 10};
    static const double y[] = {100, 99.5, 100};
    plot_series s = {.label = "dead", .n = 3, .x = x, .y = y, .ylo = NULL, .yhi = NULL,
                     .style = PLOT_LINE, .colour = 0, .dashed = false};
    plot_panel pa = {.title = "Dead", .xlabel = "epoch", .ylabel = "dead (%)", .logy = false,
                     .integer_x = true, .series = &s, .n_series = 1, .logx = false,
                     .percent = true};
    plot_figure fig = {"pct", NULL, &pa, 1, 0};
    ab_err err = {{0}};
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);
    char *gp = slurp_in(fx->out, "pct.gp");
    assert_non_null(strstr(gp, "set yrange [-3:103]\n"));
    assert_null(strstr(gp, "set autoscale y\n"));
    free(gp);
    pa.percent = false;
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);
    gp = slurp_in(fx->out, "pct.gp");
    assert_null(strstr(gp, "set yrange [-3:103]"));
    free(gp);
}

/* An image under points: its cells in a block (x y r g b, a blank line a
 * scan), drawn first, the frame fixed to the grid's edges, its legend in the
 * key; and it renders. */
static void test_image(void **state)
{
    scratch *fx = *state;
    static const unsigned rgb[] = {0xff0000, 0x00ff00, 0x0000ff, 0x102030, 0xffffff, 0x000000};
    static const unsigned leg_rgb[] = {0x000000, 0xffffff};
    static const char *const leg[] = {"dead", "alive"};
    plot_image im = {3, 2, 0, 1, 10, 20, rgb, 2, leg_rgb, leg};
    static const double px[] = {0.25}, py[] = {15};
    plot_series s = {.label = "sample", .n = 1, .x = px, .y = py, .style = PLOT_POINTS};
    plot_panel pa = {.title = "Map", .xlabel = "x", .ylabel = "y", .series = &s, .n_series = 1,
                     .image = &im};
    plot_figure fig = {"img", NULL, &pa, 1, 0};
    ab_err err = {{0}};
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);
    char *gp = slurp_in(fx->out, "img.gp");
    assert_non_null(strstr(gp, "$img1 << EOD\n0 10 255 0 0\n0.5 10 0 255 0\n1 10 0 0 255\n\n"
                               "0 20 16 32 48\n0.5 20 255 255 255\n1 20 0 0 0\n\nEOD\n"));
    /* the cells' edges, half a cell beyond the outer centres */
    assert_non_null(strstr(gp, "set xrange [-0.25:1.25]\nset yrange [5:25]\n"));
    assert_non_null(strstr(gp, "plot $img1 using 1:2:3:4:5 with rgbimage notitle"));
    assert_non_null(strstr(gp, "fc rgb \"#000000\" title \"dead\""));
    assert_non_null(strstr(gp, "fc rgb \"#ffffff\" title \"alive\""));
    assert_true(strstr(gp, "with rgbimage") < strstr(gp, "$d1 using 1:2"));
    free(gp);
    if (plot_have_gnuplot()) {
        char msg[4096];
        assert_int_equal(render_quiet(fx->dir, "img", &err, msg, sizeof msg), AB_OK);
        assert_string_equal(msg, "");
    }
    /* malformed images are refused */
    im.nx = 1;
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_EUSAGE);
    im.nx = 3;
    im.x1 = 0;
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_EUSAGE);
    im.x1 = 1;
    pa.logy = true;
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_EUSAGE);
    assert_non_null(strstr(err.msg, "linear axes"));
}

/* Series grouped by a fixed colour: train solid, test dashed with open markers,
 * both bands in the group's colour; automatic colours skip fixed series. */
static void test_colour_dashed(void **state)
{
    scratch *fx = *state;
    static const double x[] = {1, 2, 3, 4};
    static const double tr[] = {0.5, 0.7, 0.8, 0.85}, te[] = {0.45, 0.6, 0.7, 0.72};
    static const double lo[] = {0.4, 0.5, 0.6, 0.65}, hi[] = {0.6, 0.8, 0.9, 0.9};
    plot_series s[] = {
        {.label = "relu train", .n = 4, .x = x, .y = tr, .ylo = lo, .yhi = hi, .style = PLOT_LINE,
         .colour = 3, .dashed = false},
        {.label = "relu test", .n = 4, .x = x, .y = te, .ylo = lo, .yhi = hi, .style = PLOT_LINE,
         .colour = 3, .dashed = true},
        {.label = "tanh train", .n = 4, .x = x, .y = lo, .ylo = NULL, .yhi = NULL,
         .style = PLOT_LINE, .colour = 0, .dashed = false},
        {.label = "tanh test", .n = 4, .x = x, .y = hi, .ylo = NULL, .yhi = NULL,
         .style = PLOT_LINE, .colour = 0, .dashed = true},
        {.label = "wrapped", .n = 4, .x = x, .y = hi, .ylo = NULL, .yhi = NULL,
         .style = PLOT_LINE, .colour = 12, .dashed = false},
    };
    plot_panel pa = {.title = "Accuracy", .xlabel = "epoch", .ylabel = "accuracy", .logy = false,
                     .integer_x = true, .series = s, .n_series = 5, .logx = false,
                     .percent = false};
    plot_figure fig = {"grouped", NULL, &pa, 1, 1};
    ab_err err = {{0}};
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);

    char *gp = slurp_in(fx->out, "grouped.gp");
    /* colour 3 is the third palette entry, for the line and the band alike */
    assert_non_null(strstr(gp, "$d1 using 1:3:4 with filledcurves fs transparent solid 0.2 "
                               "noborder lc rgb \"#2ca02c\" notitle"));
    assert_non_null(strstr(gp, "$d2 using 1:3:4 with filledcurves fs transparent solid 0.2 "
                               "noborder lc rgb \"#2ca02c\" notitle"));
    assert_non_null(strstr(gp, "$d1 using 1:2 with linespoints lc rgb \"#2ca02c\" lw 1.5 dt 1 "
                               "pt 9 ps 0.8 title \"relu train\""));
    assert_non_null(strstr(gp, "$d2 using 1:2 with linespoints lc rgb \"#2ca02c\" lw 1.5 dt 2 "
                               "pt 8 ps 0.8 title \"relu test\""));
    /* automatic colours count only automatic series: first and second entry */
    assert_non_null(strstr(gp, "$d3 using 1:2 with linespoints lc rgb \"#1f77b4\" lw 1.5 dt 1 "
                               "pt 7 ps 0.8 title \"tanh train\""));
    assert_non_null(strstr(gp, "$d4 using 1:2 with linespoints lc rgb \"#ff7f0e\" lw 1.5 dt 2 "
                               "pt 4 ps 0.8 title \"tanh test\""));
    /* colour 12 is palette entry 11: past the 10 colours, so the second
     * colour and sixth marker, with the first wrap's dash type */
    assert_non_null(strstr(gp, "$d5 using 1:2 with linespoints lc rgb \"#ff7f0e\" lw 1.5 dt 4 "
                               "pt 15 ps 0.8 title \"wrapped"));
    /* the same values as "tanh test", drawn over it: the key says so */
    assert_non_null(strstr(gp, "title \"wrapped (on tanh test's line)\""));
    assert_null(strstr(gp, "title \"relu test (on"));
    free(gp);

    if (plot_have_gnuplot()) {
        char said[2048];
        assert_int_equal(render_quiet(fx->dir, "grouped", &err, said, sizeof said), AB_OK);
        assert_string_equal(said, "");
        assert_png(fx->out, "grouped.png");
    }

    s[1].colour = -1;
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_EUSAGE);
    assert_non_null(strstr(err.msg, "colour"));
}

/* The key is stacked in rows the script fixes, and the bottom margin makes
 * room for them under the x label; panels side by side share the margin. */
static void test_key_layout(void **state)
{
    scratch *fx = *state;
    static const double x[] = {1, 2, 3};
    static const double y[] = {1, 2, 3}, ys[7][3] = {{1, 2, 3}, {2, 3, 4}, {3, 4, 5}, {4, 5, 6},
                                                     {5, 6, 7}, {6, 7, 8}, {7, 8, 9}};
    static const char *const layers[] = {"layer 1", "layer 2", "layer 3", "layer 4",
                                         "layer 5", "layer 6", "layer 7 (output)"};
    plot_series many[7], one = {.label = "only", .n = 3, .x = x, .y = y, .ylo = NULL, .yhi = NULL,
                                .style = PLOT_LINE, .colour = 0, .dashed = false};
    for (int i = 0; i < 7; i++)
        many[i] = (plot_series){.label = layers[i], .n = 3, .x = x, .y = ys[i], .ylo = NULL,
                                .yhi = NULL, .style = PLOT_LINE, .colour = 0, .dashed = false};
    plot_panel panels[] = {
        {.title = "seven", .xlabel = "epoch", .ylabel = "y", .logy = false, .integer_x = true,
         .series = many, .n_series = 7, .logx = false, .percent = false},
        {.title = "one", .xlabel = "epoch", .ylabel = "y", .logy = false, .integer_x = true,
         .series = &one, .n_series = 1, .logx = false, .percent = false},
    };
    plot_figure fig = {"keys", "Keys", panels, 2, 2};
    ab_err err = {{0}};
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);
    char *gp = slurp_in(fx->out, "keys.gp");
    /* three columns of "layer 7 (output)" fit: 3 rows; the lone entry: 1 row */
    assert_non_null(strstr(gp, "set key outside below center vertical maxrows 3 "));
    assert_non_null(strstr(gp, "set key outside below center vertical maxrows 1 "));
    /* both panels make room for 3 rows, so their x axes line up */
    const char *m1 = strstr(gp, "set bmargin 7.10\n");
    assert_non_null(m1);
    assert_non_null(strstr(m1 + 1, "set bmargin 7.10\n"));
    assert_non_null(strstr(gp, "size 1280,520 "));
    free(gp);

    /* Long entries go one to a row; past three rows the panel grows. */
    static const char *const long_label = "0.25^(7 - layer), through sigmoid's output layer";
    for (int i = 0; i < 7; i++)
        many[i].label = long_label;
    fig.n_panels = 1;
    fig.title = NULL;
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);
    gp = slurp_in(fx->out, "keys.gp");
    assert_null(strstr(gp, "multiplot"));
    assert_non_null(strstr(gp, "maxrows 7 "));
    assert_non_null(strstr(gp, "set bmargin 11.50\n"));
    assert_non_null(strstr(gp, "size 640,548 "));
    free(gp);
    if (plot_have_gnuplot()) {
        char said[2048];
        assert_int_equal(render_quiet(fx->dir, "keys", &err, said, sizeof said), AB_OK);
        assert_string_equal(said, "");
        assert_png(fx->out, "keys.png");
    }
}

static void test_bad_name(void **state)
{
    scratch *fx = *state;
    plot_figure fig = demo_figure("x");
    const char *bad[] = {NULL, "", "a/b", "../up", "a b", "fig.gp", "caf\xc3\xa9"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ab_err err = {{0}};
        fig.name = bad[i];
        assert_int_equal(plot_write(fx->dir, &fig, &err), AB_EUSAGE);
        assert_true(err.msg[0] != '\0');
        err.msg[0] = '\0';
        assert_int_equal(plot_render(fx->dir, bad[i], &err), AB_EUSAGE);
        assert_true(err.msg[0] != '\0');
    }
    assert_int_equal(count_entries(fx->out), 0);
}

static void test_bad_figure(void **state)
{
    scratch *fx = *state;
    ab_err err = {{0}};
    assert_int_equal(plot_write(fx->dir, NULL, &err), AB_EUSAGE);
    plot_figure fig = demo_figure("bad_fig");
    fig.n_panels = 0;
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_EUSAGE);
    fig = demo_figure("bad_fig");
    logy_series[1].yhi = grad_hi; /* ylo stays NULL: half a band */
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_EUSAGE);
    assert_non_null(strstr(err.msg, "band"));
    assert_int_equal(count_entries(fx->out), 0);
}

/* PLOT_MAX_SERIES lines in a panel are written (and render); one more is
 * refused, as is a picture past PLOT_MAX_PX, each naming its limit and
 * writing nothing. */
static void test_limits(void **state)
{
    scratch *fx = *state;
    enum { N = PLOT_MAX_SERIES + 1 };
    static plot_series many[N];
    static char labels[N][80];
    for (int i = 0; i < N; i++) {
        /* long labels: one key column, a key row per line */
        snprintf(labels[i], sizeof labels[i], "a line with a long label to fill the key, %d", i);
        many[i] = (plot_series){.label = labels[i], .n = 6, .x = ep, .y = acc_b};
    }
    plot_panel pn[2] = {{.title = "a", .series = many, .n_series = N},
                        {.title = "b", .series = many, .n_series = PLOT_MAX_SERIES}};
    plot_figure fig = {.name = "limits", .panels = pn, .n_panels = 1, .cols = 1};
    ab_err err = {{0}};
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_EUSAGE);
    assert_string_equal(err.msg, "plot limits: 1001 lines in panel 1 (at most 1000 in one panel)");
    assert_int_equal(count_entries(fx->out), 0);

    fig.panels = &pn[1];
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);
    if (plot_have_gnuplot()) {
        assert_int_equal(plot_render(fx->dir, "limits", &err), AB_OK);
        assert_png(fx->out, "limits.png");
    }
    remove_tree(fx->out);
    assert_int_equal(mkdir(fx->out, 0777), 0);

    pn[0].n_series = PLOT_MAX_SERIES;
    fig.panels = pn;
    fig.n_panels = 2; /* one above the other, each as tall as its key */
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_ERUNTIME);
    assert_non_null(strstr(err.msg, "plot limits: a picture of 640 x "));
    assert_non_null(strstr(err.msg, "px (at most 32767 a side, cairo's limit)"));
    assert_int_equal(count_entries(fx->out), 0);
}

static void test_missing_plots_folder(void **state)
{
    scratch *fx = *state;
    assert_int_equal(rmdir(fx->out), 0);
    plot_figure fig = demo_figure("demo_fig");
    ab_err err = {{0}};
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_ERUNTIME);
    assert_non_null(strstr(err.msg, "plots/demo_fig.gp"));
    assert_int_equal(count_entries(fx->dir), 0);
}

static void test_render_failures(void **state)
{
    scratch *fx = *state;
    ab_err err = {{0}};
    /* no script at all: caught before gnuplot runs */
    assert_int_equal(plot_render(fx->dir, "absent", &err), AB_ERUNTIME);
    assert_non_null(strstr(err.msg, "absent.gp"));
    if (!plot_have_gnuplot())
        skip();
    char path[4400];
    write_file(path, sizeof path, fx->out, "broken.gp",
               "set terminal pngcairo\nset output 'plots/broken.png'\nplot $nowhere\n");
    char said[2048];
    assert_int_equal(render_quiet(fx->dir, "broken", &err, said, sizeof said), AB_ERUNTIME);
    assert_non_null(strstr(err.msg, "gnuplot failed on plots/broken.gp (exit "));
    assert_true(said[0] != '\0'); /* gnuplot's own complaint went to stderr */
}

static void test_have_gnuplot_searches_path(void **state)
{
    scratch *fx = *state;
    const char *old = getenv("PATH");
    char *saved = old ? strdup(old) : NULL;
    assert_true(!old || saved);

    char fake[4400];
    snprintf(fake, sizeof fake, "%s/gnuplot", fx->out);
    assert_int_equal(setenv("PATH", fx->out, 1), 0);
    assert_false(plot_have_gnuplot()); /* empty folder */

    FILE *f = fopen(fake, "w");
    assert_non_null(f);
    fputs("#!/bin/sh\nexit 0\n", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(fake, 0644), 0);
    assert_false(plot_have_gnuplot()); /* present but not executable */
    assert_int_equal(chmod(fake, 0755), 0);
    char list[8400];
    snprintf(list, sizeof list, "/nonexistent_dir::%s", fx->out);
    assert_int_equal(setenv("PATH", list, 1), 0);
    assert_true(plot_have_gnuplot());

    if (saved) {
        setenv("PATH", saved, 1);
        free(saved);
    } else {
        unsetenv("PATH");
    }
}

/* ---- formats, styles, marks, ranges ------------------------------------ */

/* --format's list: each of png, pdf, svg once; anything else names itself. */
static void test_formats_parse(void **state)
{
    (void)state;
    unsigned f = 0;
    ab_err err = {{0}};
    assert_int_equal(plot_formats_parse(&f, "svg,png", &err), AB_OK);
    assert_int_equal(f, PLOT_SVG | PLOT_PNG);
    assert_int_equal(plot_formats_parse(&f, "pdf", &err), AB_OK);
    assert_int_equal(f, PLOT_PDF);
    assert_int_equal(plot_formats_parse(&f, "png,jpg", &err), AB_EUSAGE);
    assert_string_equal(err.msg, "'jpg' is not a format (accepted: png, pdf, svg, comma "
                                 "separated)");
    assert_int_equal(plot_formats_parse(&f, "pdf,pdf", &err), AB_EUSAGE);
    assert_string_equal(err.msg, "pdf given twice");
    assert_int_equal(plot_formats_parse(&f, "png,", &err), AB_EUSAGE);
    assert_string_equal(err.msg, "'' is not a format (accepted: png, pdf, svg, comma separated)");
    assert_int_equal(plot_formats_parse(&f, "", &err), AB_EUSAGE);
    assert_int_equal(f, PLOT_PDF); /* unchanged by a failure */
}

/* The script writes the chosen formats, the PDF a page in inches at 96
 * pixels an inch; rendered, it writes those files and no PNG; the user's
 * fmt overrides them; REPORT links the PNG, else the SVG, else the PDF. */
static void test_vector_formats(void **state)
{
    scratch *fx = *state;
    plot_figure fig = demo_figure("vec_fig");
    ab_err err = {{0}};
    plot_set_formats(PLOT_PDF | PLOT_SVG);
    assert_string_equal(plot_link_ext(), "svg");
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);
    char *gp = slurp_in(fx->out, "vec_fig.gp");
    assert_non_null(strstr(gp, "if (!exists(\"fmt\")) fmt = \"pdf svg\"\n"));
    assert_non_null(strstr(gp, "# (writes plots/vec_fig.EXT for each EXT in fmt: pdf svg;"));
    /* 1280 x 520 px: 13.33 x 5.42 inches, not 1280 x 520 inches */
    assert_non_null(strstr(gp, "set terminal pdfcairo size 13.33in,5.42in"));
    assert_non_null(strstr(gp, "set terminal svg size 1280,520 dynamic"));
    free(gp);
    if (plot_have_gnuplot()) {
        assert_int_equal(plot_render(fx->dir, "vec_fig", &err), AB_OK);
        char *svg = slurp_in(fx->out, "vec_fig.svg");
        /* the page in points: 13.33 in x 72; the PDF is binary, so read by size */
        char path[sizeof fx->out + 16];
        snprintf(path, sizeof path, "%s/vec_fig.pdf", fx->out);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        static char pdf[1 << 20];
        size_t n = fread(pdf, 1, sizeof pdf, f);
        fclose(f);
        assert_memory_equal(pdf, "%PDF", 4);
        const char *box = "/MediaBox [ 0 0 959 390 ]";
        bool found = false;
        for (size_t i = 0; i + strlen(box) <= n && !found; i++)
            found = memcmp(pdf + i, box, strlen(box)) == 0;
        assert_true(found);
        assert_non_null(strstr(svg, "viewBox=\"0 0 1280 520\""));
        assert_non_null(strstr(svg, "Sigmoid vs ReLU_family"));
        free(svg);
        char png[sizeof fx->out + 16];
        snprintf(png, sizeof png, "%s/vec_fig.png", fx->out);
        assert_int_not_equal(access(png, F_OK), 0);
        /* standalone, with the user's choice */
        char cmd[4400];
        snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot -e \"fmt='png'\" plots/vec_fig.gp", fx->dir);
        assert_int_equal(system(cmd), 0);
        assert_png(fx->out, "vec_fig.png");
        /* an empty choice is an error, not a success that wrote nothing */
        snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot -e \"fmt=''\" plots/vec_fig.gp 2>/dev/null",
                 fx->dir);
        int rc = system(cmd);
        assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 1);
    }
    plot_set_formats(PLOT_PDF);
    assert_string_equal(plot_link_ext(), "pdf");
    plot_set_formats(0); /* back to the default */
    assert_int_equal(plot_formats(), PLOT_PNG);
    assert_string_equal(plot_link_ext(), "png");
}

/* Pulls "lc rgb "#..." lw 1.5 dt N pt M" of the k-th linespoints in gp. */
static void style_of(const char *gp, int k, char *out, size_t n)
{
    const char *at = gp;
    for (int i = 0; i <= k; i++) {
        at = strstr(at, "with linespoints ");
        assert_non_null(at);
        at += strlen("with linespoints ");
    }
    const char *end = strstr(at, " ps ");
    assert_non_null(end);
    snprintf(out, n, "%.*s", (int)(end - at), at);
}

/* 30 lines in a panel get 30 different (colour, dash, marker) styles. */
static void test_thirty_styles(void **state)
{
    scratch *fx = *state;
    enum { N = 30 };
    static const double x[] = {1, 2}, y[] = {1, 2};
    plot_series s[N];
    char labels[N][16];
    for (int i = 0; i < N; i++) {
        snprintf(labels[i], sizeof labels[i], "act%d", i);
        s[i] = (plot_series){.label = labels[i], .n = 2, .x = x, .y = y, .style = PLOT_LINE};
    }
    plot_panel pa = {.title = "many", .xlabel = "x", .ylabel = "y", .series = s, .n_series = N};
    plot_figure fig = {.name = "styles", .panels = &pa, .n_panels = 1, .cols = 1};
    ab_err err = {{0}};
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);
    char *gp = slurp_in(fx->out, "styles.gp");
    char st[N][80];
    for (int i = 0; i < N; i++) {
        style_of(gp, i, st[i], sizeof st[i]);
        for (int j = 0; j < i; j++)
            if (strcmp(st[i], st[j]) == 0)
                fail_msg("lines %d and %d share the style %s", j, i, st[i]);
    }
    /* the eleventh line: the first colour again, dash-dot now */
    assert_string_equal(st[0], "lc rgb \"#1f77b4\" lw 1.5 dt 1 pt 7");
    assert_string_equal(st[10], "lc rgb \"#1f77b4\" lw 1.5 dt 4 pt 13");
    free(gp);
}

/* A diverged run's cross sits on its line's last point at or before the
 * mark, the key says once what crosses mean; markers at the top are labels
 * along the top edge with a key entry of their own, their block x alone. */
static void test_marks_and_top(void **state)
{
    scratch *fx = *state;
    static const double x[] = {0, 1, 2, 3, 4}, y[] = {2, 1.5, 1.2, NAN, NAN};
    static const double y2[] = {3, 2, 1, 0.5, 0.4};
    static const double at[] = {3}, at2[] = {4, 0.5};
    static const double top[] = {0.01, 0.3};
    plot_series s[] = {
        {.label = "relu (diverged in epoch 3)", .n = 5, .x = x, .y = y, .style = PLOT_LINE,
         .mark_x = at, .n_marks = 1},
        {.label = "elu (2 of 3 seeds diverged)", .n = 5, .x = x, .y = y2, .style = PLOT_LINE,
         .mark_x = at2, .n_marks = 2},
        {.label = "sigmoid: never", .n = 2, .x = top, .y = top, .style = PLOT_POINTS,
         .at_top = true},
    };
    plot_panel pa = {.title = "loss", .xlabel = "epoch", .ylabel = "loss", .logy = true,
                     .series = s, .n_series = 3};
    plot_figure fig = {.name = "marks", .panels = &pa, .n_panels = 1, .cols = 1};
    ab_err err = {{0}};
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);
    char *gp = slurp_in(fx->out, "marks.gp");
    /* relu's cross at (2, 1.2), its last drawn point; elu's at 4 and 0 */
    assert_non_null(strstr(gp, "$m1 << EOD\n2 1.2\nEOD\n"));
    assert_non_null(strstr(gp, "$m2 << EOD\n4 0.4\n0 3\nEOD\n"));
    assert_null(strstr(gp, "$m3"));
    assert_non_null(strstr(gp, "$m1 using 1:2 with points lc rgb \"#1f77b4\" pt 2 ps 2.2 lw 2 "
                               "title \"where a run diverged (its values end there)\""));
    assert_non_null(strstr(gp, "$m2 using 1:2 with points lc rgb \"#ff7f0e\" pt 2 ps 2.2 lw 2 "
                               "notitle"));
    /* the markers at the top: x alone, as labels, keyed once */
    assert_non_null(strstr(gp, "$d3 << EOD\n0.01\n0.3\nEOD\n"));
    assert_non_null(strstr(gp, "set label 10 \"\" at first 0.01, graph 0.95 point lc rgb "
                               "\"#2ca02c\" pt 8 ps 1.5 front\n"));
    assert_non_null(strstr(gp, "set label 11 \"\" at first 0.3, graph 0.95"));
    assert_non_null(strstr(gp, "NaN with points lc rgb \"#2ca02c\" pt 8 ps 1.5 title "
                               "\"sigmoid: never\""));
    /* room above the data for them */
    assert_non_null(
        strstr(gp, "set autoscale y\nset offsets graph 0.03, graph 0.03, graph 0.12, 0\n"));
    /* the key holds the three lines and the crosses' entry */
    assert_non_null(strstr(gp, "maxrows 4 "));
    free(gp);
    if (plot_have_gnuplot()) {
        char said[2048];
        assert_int_equal(render_quiet(fx->dir, "marks", &err, said, sizeof said), AB_OK);
        assert_string_equal(said, "");
    }

    /* a marker beyond every line's x (a rate at which no run got there)
     * widens the x range to hold it: gnuplot's autoscaling would not */
    static const double far[] = {6};
    s[2] = (plot_series){.label = "sigmoid: never", .n = 1, .x = far, .y = far,
                         .style = PLOT_POINTS, .at_top = true};
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);
    gp = slurp_in(fx->out, "marks.gp");
    assert_non_null(strstr(gp, "set xrange [-0.18:6.18]\n"));
    free(gp);
    pa.logx = true;
    static const double lx[] = {0.01, 0.1, 1, 10, 100};
    s[0].x = s[1].x = lx;
    s[0].n_marks = s[1].n_marks = 0;
    static const double tiny[] = {0.0001};
    s[2].x = s[2].y = tiny;
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);
    gp = slurp_in(fx->out, "marks.gp");
    /* 3% of the decades beyond each end */
    char want[64];
    snprintf(want, sizeof want, "set xrange [%.9g:%.9g]\n", 0.0001 / pow(1e6, 0.03),
             100 * pow(1e6, 0.03));
    assert_non_null(strstr(gp, want));
    free(gp);
    if (plot_have_gnuplot()) {
        char said[2048];
        assert_int_equal(render_quiet(fx->dir, "marks", &err, said, sizeof said), AB_OK);
        assert_string_equal(said, "");
    }
}

/* A linear axis spans at least a tenth of the values' magnitude: two lines
 * at 1 and 1.001 are not blown up to fill the panel; a panel given a range
 * (small multiples) keeps it. */
static void test_zoom_and_fixed_range(void **state)
{
    scratch *fx = *state;
    static const double x[] = {1, 2, 3}, a[] = {1, 1, 1}, b[] = {1.001, 1.001, 1.0};
    static const double c[] = {10, 50, 90};
    plot_series near[] = {{.label = "a", .n = 3, .x = x, .y = a, .style = PLOT_LINE},
                          {.label = "b", .n = 3, .x = x, .y = b, .style = PLOT_LINE}};
    plot_series far = {.label = "c", .n = 3, .x = x, .y = c, .style = PLOT_LINE};
    plot_panel pa[] = {
        {.title = "near", .xlabel = "x", .ylabel = "y", .series = near, .n_series = 2},
        {.title = "far", .xlabel = "x", .ylabel = "y", .series = &far, .n_series = 1},
        {.title = "given", .xlabel = "x", .ylabel = "y", .series = &far, .n_series = 1,
         .ylo = -5, .yhi = 200, .xlo = 0, .xhi = 10},
    };
    plot_figure fig = {.name = "zoom", .panels = pa, .n_panels = 3, .cols = 3};
    ab_err err = {{0}};
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);
    char *gp = slurp_in(fx->out, "zoom.gp");
    const char *p2 = strstr(gp, "# ---- panel 2"), *p3 = strstr(gp, "# ---- panel 3");
    assert_non_null(p2);
    assert_non_null(p3);
    /* 0.1 x 1.001 about the middle, 1.0005 */
    const char *r = strstr(gp, "set yrange [0.95045:1.05055]\n");
    assert_non_null(r);
    assert_true(r < p2);
    /* 1% of that axis apart: two lines, not one over the other */
    assert_null(strstr(gp, "(on a's line)"));
    /* a wide spread: gnuplot's own range */
    assert_non_null(strstr(p2, "set autoscale y\nset offsets graph 0.03, graph 0.03, graph "
                               "0.04, graph 0.04\n"));
    assert_non_null(strstr(p3, "set xrange [0:10]\n"));
    assert_non_null(strstr(p3, "set yrange [-5:200]\n"));
    free(gp);
}

/* A long key below a panel gets a plot at least as tall as itself, since
 * gnuplot otherwise wraps it into columns wider than the panel (seen at 28
 * one-column entries in a 945 px picture). */
static void test_long_key_height(void **state)
{
    scratch *fx = *state;
    enum { N = 28 };
    static const double x[] = {1, 2}, y[] = {1, 2};
    plot_series s[N];
    char labels[N][64];
    for (int i = 0; i < N; i++) {
        snprintf(labels[i], sizeof labels[i], "activation %02d with a long label, forty-four", i);
        s[i] = (plot_series){.label = labels[i], .n = 2, .x = x, .y = y, .style = PLOT_LINE};
    }
    plot_panel pa[] = {{.title = "a", .xlabel = "x", .ylabel = "y", .series = s, .n_series = N},
                       {.title = "b", .xlabel = "x", .ylabel = "y", .series = s, .n_series = 2}};
    plot_figure fig = {.name = "longkey", .title = "T", .panels = pa, .n_panels = 2, .cols = 2};
    ab_err err = {{0}};
    assert_int_equal(plot_write(fx->dir, &fig, &err), AB_OK);
    char *gp = slurp_in(fx->out, "longkey.gp");
    int w = 0, h = 0, rows = 0;
    double bm = 0;
    const char *t = strstr(gp, "set terminal pngcairo size ");
    assert_non_null(t);
    assert_int_equal(sscanf(t, "set terminal pngcairo size %d,%d", &w, &h), 2);
    const char *k = strstr(gp, "maxrows ");
    assert_non_null(k);
    assert_int_equal(sscanf(k, "maxrows %d", &rows), 1);
    assert_int_equal(rows, N); /* one column: two would not fit the width */
    const char *b = strstr(gp, "set bmargin ");
    assert_non_null(b);
    assert_int_equal(sscanf(b, "set bmargin %lf", &bm), 1);
    /* the key's rows of 17 px, the plot 1.25 times that above them */
    assert_true(h - 40 >= bm * 15.5 + 1.25 * N * 17);
    free(gp);
    if (plot_have_gnuplot()) {
        char said[2048];
        assert_int_equal(render_quiet(fx->dir, "longkey", &err, said, sizeof said), AB_OK);
        assert_string_equal(said, "");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_script, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_render_all_same, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_render_png, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_empty_panels_render, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_single_panel_no_multiplot, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_percent_axis, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_log_zeros, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_colour_dashed, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_image, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_key_layout, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_bad_name, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_bad_figure, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_limits, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_missing_plots_folder, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_render_failures, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_have_gnuplot_searches_path, setup, scratch_teardown),
        cmocka_unit_test(test_formats_parse),
        cmocka_unit_test_setup_teardown(test_vector_formats, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_thirty_styles, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_marks_and_top, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_zoom_and_fixed_range, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_long_key_height, setup, scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
