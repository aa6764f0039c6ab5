/* test_bench_acts.c - `actbench bench-acts`: the measurement's invariants (no
 * timing thresholds: machines are noisy), the CSV and the figure script, and
 * the subcommand's command line run through the binary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench_acts.h"
#include "plot.h"
#include "vmath.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */

/* The fixture: a fresh temporary folder; "run" inside it is the output
 * folder under test. */
static int setup(void **state)
{
    return scratch_setup(state, sizeof(scratch), "bench", "run");
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* acts[0..n) from names with default parameters. */
static void specs(act_spec *acts, const char *const *names, int n)
{
    for (int i = 0; i < n; i++) {
        ab_err err = {{0}};
        assert_int_equal(act_parse(&acts[i], names[i], &err), AB_OK);
    }
}

static const char CSV_HEADER[] = "act,math,ns_forward,ns_derivative,ns_total,ns_total_min,"
                                 "ns_total_max,vs_relu,elements,repeats\n";
static const char STEPS_HEADER[] =
    "act,math,width,depth,batch,us_per_step,us_min,us_max,vs_relu,steps,repeats\n";

/* ------------------------------------------------------------------------ */
/* bench_acts_measure                                                        */

static void assert_row_sane(const bench_act_row *r)
{
    const double v[] = {r->ns_forward, r->ns_derivative, r->ns_total, r->ns_total_min,
                        r->ns_total_max};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
        if (!isfinite(v[k]) || !(v[k] > 0.0))
            fail_msg("%s: figure %zu is %g, expected finite and > 0", r->act.label, k, v[k]);
    assert_true(r->ns_total_min <= r->ns_total);
    assert_true(r->ns_total <= r->ns_total_max);
}

/* Parses names (default parameters) into acts and measures them into rows,
 * with SLEEF. */
static void measure(bench_act_row *rows, act_spec *acts, const char *const *names, int n,
                    int elements, int repeats)
{
    specs(acts, names, n);
    memset(rows, 0, sizeof *rows * (size_t)n);
    for (int i = 0; i < n; i++)
        rows[i] = (bench_act_row){.act = acts[i], .math = VM_SLEEF};
    ab_err err = {{0}};
    assert_int_equal(bench_acts_measure(rows, n, elements, repeats, &err), AB_OK);
}

static void test_measure_relu_sigmoid(void **state)
{
    (void)state;
    static const char *const names[] = {"relu", "sigmoid"};
    act_spec acts[2];
    bench_act_row rows[2];
    measure(rows, acts, names, 2, 4096, 3);
    for (int i = 0; i < 2; i++) {
        assert_row_sane(&rows[i]);
        assert_string_equal(rows[i].act.label, names[i]);
        assert_ptr_equal(rows[i].act.info, acts[i].info);
    }
    assert_true(rows[0].vs_relu == 1.0);
    assert_true(isfinite(rows[1].vs_relu) && rows[1].vs_relu > 0.0);
    assert_true(rows[1].vs_relu == rows[1].ns_total / rows[0].ns_total);
}

/* Both maths back ends in one call: each row compared with relu's of its
 * own back end, and the back end left at sleef. */
static void test_measure_both_maths(void **state)
{
    (void)state;
    act_spec acts[2];
    specs(acts, (const char *const[]){"relu", "tanh"}, 2);
    bench_act_row rows[4];
    for (int i = 0; i < 4; i++)
        rows[i] = (bench_act_row){.act = acts[i % 2], .math = i < 2 ? VM_LIBC : VM_SLEEF};
    ab_err err = {{0}};
    vm_set_backend(VM_LIBC);
    assert_int_equal(bench_acts_measure(rows, 4, 4096, 3, &err), AB_OK);
    /* the back end as the caller had it */
    assert_int_equal(vm_backend_setting(), VM_LIBC);
    vm_set_backend(VM_SLEEF);
    for (int i = 0; i < 4; i++)
        assert_row_sane(&rows[i]);
    assert_true(rows[0].vs_relu == 1.0 && rows[2].vs_relu == 1.0);
    assert_true(rows[1].vs_relu == rows[1].ns_total / rows[0].ns_total);
    assert_true(rows[3].vs_relu == rows[3].ns_total / rows[2].ns_total);
    assert_int_equal(rows[1].math, VM_LIBC);
    rows[0].math = (vm_backend)7;
    assert_int_equal(bench_acts_measure(rows, 4, 4096, 3, &err), AB_EUSAGE);
    assert_contains(err.msg, "row 1");
}

/* Whole training steps: positive times, relu's ratio exactly 1 per
 * (width, math), the shape's checks. */
static void test_steps(void **state)
{
    (void)state;
    act_spec acts[3];
    specs(acts, (const char *const[]){"relu", "gelu", "prelu"}, 3);
    bench_act_step rows[6];
    for (int i = 0; i < 6; i++)
        rows[i] = (bench_act_step){.act = acts[i % 3], .math = i < 3 ? VM_SLEEF : VM_LIBC,
                                   .width = 8, .depth = 2, .batch = 4};
    ab_err err = {{0}};
    vm_set_backend(VM_LIBC);
    assert_int_equal(bench_acts_steps(rows, 6, 2, &err), AB_OK);
    assert_int_equal(vm_backend_setting(), VM_LIBC);
    vm_set_backend(VM_SLEEF);
    for (int i = 0; i < 6; i++) {
        const bench_act_step *r = &rows[i];
        if (!(r->us > 0.0 && r->us_min <= r->us && r->us <= r->us_max && r->steps >= 1))
            fail_msg("%s: %g us (%g..%g), %ld steps", r->act.label, r->us, r->us_min, r->us_max,
                     r->steps);
    }
    assert_true(rows[0].vs_relu == 1.0 && rows[3].vs_relu == 1.0);
    assert_true(rows[4].vs_relu == rows[4].us / rows[3].us);
    rows[1].width = 0;
    assert_int_equal(bench_acts_steps(rows, 6, 2, &err), AB_EUSAGE);
    assert_contains(err.msg, "step row 2");
    rows[1].width = 8;
    assert_int_equal(bench_acts_steps(rows, 6, 0, &err), AB_EUSAGE);
    assert_int_equal(bench_acts_steps(rows, 0, 2, &err), AB_EUSAGE);
}

/* Every registry entry, parameters and all, runs through the benchmark. */
static void test_measure_whole_registry(void **state)
{
    (void)state;
    act_spec *acts = calloc((size_t)act_count, sizeof *acts);
    bench_act_row *rows = calloc((size_t)act_count, sizeof *rows);
    assert_non_null(acts);
    assert_non_null(rows);
    for (int i = 0; i < act_count; i++) {
        act_default(&acts[i], &act_registry[i]);
        rows[i] = (bench_act_row){.act = acts[i], .math = VM_SLEEF};
    }
    ab_err err = {{0}};
    assert_int_equal(bench_acts_measure(rows, act_count, 2048, 3, &err), AB_OK);
    int relu = -1;
    for (int i = 0; i < act_count; i++) {
        assert_row_sane(&rows[i]);
        if (strcmp(rows[i].act.info->name, "relu") == 0)
            relu = i;
    }
    assert_true(relu >= 0);
    assert_true(rows[relu].vs_relu == 1.0);
    free(acts);
    free(rows);
}

static void test_measure_without_relu(void **state)
{
    (void)state;
    act_spec acts[2];
    bench_act_row rows[2];
    measure(rows, acts, (const char *const[]){"tanh", "leaky_relu:0.2"}, 2, 1000, 1);
    for (int i = 0; i < 2; i++) {
        assert_row_sane(&rows[i]);
        assert_true(isnan(rows[i].vs_relu));
    }
    assert_string_equal(rows[1].act.label, "leaky_relu:0.2");
}

static void test_measure_bad_arguments(void **state)
{
    (void)state;
    act_spec acts[1];
    specs(acts, (const char *const[]){"relu"}, 1);
    bench_act_row rows[1] = {{.act = acts[0], .math = VM_SLEEF}};
    ab_err err = {{0}};
    assert_int_equal(bench_acts_measure(rows, 1, 0, 3, &err), AB_EUSAGE);
    assert_contains(err.msg, "elements");
    assert_int_equal(bench_acts_measure(rows, 1, 100, 0, &err), AB_EUSAGE);
    assert_contains(err.msg, "repeats");
    assert_int_equal(bench_acts_measure(rows, 0, 100, 3, &err), AB_EUSAGE);
    assert_int_equal(bench_acts_measure(NULL, 1, 100, 3, &err), AB_EUSAGE);
    rows[0].act.info = NULL;
    assert_int_equal(bench_acts_measure(rows, 1, 100, 3, &err), AB_EUSAGE);
}

/* ------------------------------------------------------------------------ */
/* bench_acts_write                                                          */

/* Made-up rows, so the file contents are known exactly. */
static void fake_rows(bench_act_row *rows)
{
    static const char *const names[] = {"sigmoid", "relu", "leaky_relu:0.1"};
    act_spec acts[3];
    specs(acts, names, 3);
    const double tot[] = {4.0, 0.5, 0.75};
    for (int i = 0; i < 3; i++) {
        rows[i] = (bench_act_row){.act = acts[i], .math = VM_SLEEF, .ns_forward = tot[i] * 0.6,
                                  .ns_derivative = tot[i] * 0.4, .ns_total = tot[i],
                                  .ns_total_min = tot[i] * 0.9, .ns_total_max = tot[i] * 1.2,
                                  .vs_relu = tot[i] / 0.5};
    }
}

/* bench_acts_write of rows[0..n) into the run folder. */
static void write_rows(const scratch *fx, const bench_act_row *rows, int n, int elements,
                       int repeats, bool render)
{
    ab_err err = {{0}};
    if (bench_acts_write(fx->out, rows, n, elements, repeats, NULL, 0, 0, render, &err) != AB_OK)
        fail_msg("%s", err.msg);
}

static void test_write_files(void **state)
{
    scratch *fx = *state;
    bench_act_row rows[3];
    fake_rows(rows);
    write_rows(fx, rows, 3, 4096, 7, false);

    char *csv = slurp_in(fx->out, "bench_acts.csv");
    assert_int_equal(strncmp(csv, CSV_HEADER, strlen(CSV_HEADER)), 0);
    assert_int_equal(count_lines(csv), 1 + 3);
    /* rows in the given order, every column filled */
    assert_contains(csv, "\nsigmoid,sleef,2.4,1.6,4,3.6,4.8,8,4096,7\n");
    assert_contains(csv, "\nrelu,sleef,0.3,0.2,0.5,0.45,0.6,1,4096,7\n");
    assert_contains(csv, "\nleaky_relu:0.1,sleef,0.45,0.3,0.75,");
    free(csv);

    char *gp = slurp_in(fx->out, "plots/bench_acts.gp");
    /* names on the x axis, cheapest first, with underscores kept literal */
    const char *tics = strstr(gp, "set xtics");
    assert_non_null(tics);
    assert_contains(tics, "(\"relu\" 1, \"leaky_relu:0.1\" 2, \"sigmoid\" 3)");
    assert_contains(tics, "noenhanced");
    assert_contains(gp, "ns per element (f and f' as training computes them)");
    /* one series, its values at the tics' positions: relu 1, leaky 2, sigmoid 3 */
    assert_contains(gp, "SLEEF's vector exp");
    assert_contains(gp, "\n1 0.5 0.45 0.6\n2 0.75 0.675 0.9\n3 4 3.6 4.8\n");
    assert_contains(gp, "yerrorbars");
    assert_contains(gp, "relu's cost");
    assert_contains(gp, "set output 'plots/bench_acts.'.ext");
    free(gp);
    /* nothing else in the folder: the CSV and plots/ with the script */
    assert_int_equal(count_entries(fx->out), 2);
    char plots[4300];
    snprintf(plots, sizeof plots, "%s/plots", fx->out);
    assert_int_equal(count_entries(plots), 1);
}

static void test_write_without_relu(void **state)
{
    scratch *fx = *state;
    bench_act_row rows[3];
    fake_rows(rows);
    rows[1] = rows[2];
    for (int i = 0; i < 2; i++)
        rows[i].vs_relu = NAN;
    write_rows(fx, rows, 2, 1000, 3, false);
    char *csv = slurp_in(fx->out, "bench_acts.csv");
    assert_int_equal(count_lines(csv), 1 + 2);
    /* no relu to compare with: an empty vs_relu cell */
    assert_contains(csv, "\nsigmoid,sleef,2.4,1.6,4,3.6,4.8,,1000,3\n");
    free(csv);
    char *gp = slurp_in(fx->out, "plots/bench_acts.gp");
    assert_true(strstr(gp, "relu's cost") == NULL);
    free(gp);
}

static void test_write_renders(void **state)
{
    scratch *fx = *state;
    if (!plot_have_gnuplot())
        skip();
    bench_act_row rows[3];
    fake_rows(rows);
    write_rows(fx, rows, 3, 4096, 7, true);
    assert_true(file_size_in(fx->out, "plots/bench_acts.png") > 0);
}

static void test_write_bad_folder(void **state)
{
    scratch *fx = *state;
    bench_act_row rows[3];
    fake_rows(rows);
    char file[4300], out[4400];
    write_file(file, sizeof file, fx->dir, "plain", "");
    snprintf(out, sizeof out, "%s/run", file);
    ab_err err = {{0}};
    assert_int_equal(bench_acts_write(out, rows, 3, 4096, 7, NULL, 0, 0, false, &err),
                     AB_ERUNTIME);
    assert_contains(err.msg, file);
}

/* A lone relu: its marker and its line, no "no data" entry. */
static void test_write_relu_alone(void **state)
{
    scratch *fx = *state;
    bench_act_row rows[3];
    fake_rows(rows);
    write_rows(fx, &rows[1], 1, 1000, 3, plot_have_gnuplot());
    char *gp = slurp_in(fx->out, "plots/bench_acts.gp");
    assert_contains(gp, "relu's cost");
    assert_true(strstr(gp, "no data") == NULL);
    free(gp);
}

/* Both maths and training steps at two widths: the two CSVs exactly, the
 * figures' series per maths and a panel per width. */
static void test_write_maths_and_steps(void **state)
{
    scratch *fx = *state;
    act_spec acts[2];
    specs(acts, (const char *const[]){"relu", "tanh"}, 2);
    bench_act_row rows[4];
    bench_act_step steps[8];
    for (int i = 0; i < 4; i++) {
        double t = (i % 2 ? 2.0 : 0.5) * (i < 2 ? 1.0 : 10.0);
        rows[i] = (bench_act_row){.act = acts[i % 2], .math = i < 2 ? VM_SLEEF : VM_LIBC,
                                  .ns_forward = t / 2, .ns_derivative = t / 2, .ns_total = t,
                                  .ns_total_min = t, .ns_total_max = t,
                                  .vs_relu = i % 2 ? 4.0 : 1.0};
    }
    for (int i = 0; i < 8; i++) {
        double us = (i % 2 ? 30.0 : 20.0) * (i < 4 ? 1.0 : 8.0);
        steps[i] = (bench_act_step){.act = acts[i % 2], .math = i % 4 < 2 ? VM_SLEEF : VM_LIBC,
                                    .width = i < 4 ? 64 : 256, .depth = 6, .batch = 32,
                                    .us = us, .us_min = us * 0.9, .us_max = us * 1.1,
                                    .vs_relu = i % 2 ? 1.5 : 1.0, .steps = 100};
    }
    ab_err err = {{0}};
    if (bench_acts_write(fx->out, rows, 4, 1000, 3, steps, 8, 5, false, &err) != AB_OK)
        fail_msg("%s", err.msg);
    char *csv = slurp_in(fx->out, "bench_acts.csv");
    assert_contains(csv, "\ntanh,libc,10,10,20,20,20,4,1000,3\n");
    free(csv);
    csv = slurp_in(fx->out, "bench_steps.csv");
    assert_int_equal(strncmp(csv, STEPS_HEADER, strlen(STEPS_HEADER)), 0);
    assert_int_equal(count_lines(csv), 1 + 8);
    assert_contains(csv, "\nrelu,sleef,64,6,32,20,18,22,1,100,5\n");
    assert_contains(csv, "\ntanh,libc,256,6,32,240,216,264,1.5,100,5\n");
    free(csv);
    char *gp = slurp_in(fx->out, "plots/bench_acts.gp");
    assert_contains(gp, "glibc's scalar exp");
    assert_contains(gp, "\n1 5 5 5\n2 20 20 20\n"); /* libc: relu 1, tanh 2 */
    free(gp);
    gp = slurp_in(fx->out, "plots/bench_steps.gp");
    assert_contains(gp, "2 -> 64 x 6 -> 3, batch 32");
    assert_contains(gp, "2 -> 256 x 6 -> 3, batch 32");
    assert_contains(gp, "training step time / relu's");
    assert_contains(gp, "\n1 1\n2 1.5\n");
    free(gp);
}

/* plot_write_xnames (added to plot.h for this figure): a named panel
 * followed by a plain one, whose tics must not inherit the names' settings. */
static void test_plot_xnames(void **state)
{
    scratch *fx = *state;
    char plots[4300];
    snprintf(plots, sizeof plots, "%s/plots", fx->dir);
    assert_int_equal(mkdir(plots, 0777), 0);
    static const double x[] = {1, 2, 3}, y[] = {0.5, 2, 8}, lo[] = {0.4, 1.5, 7},
                        hi[] = {0.7, 2.5, 9};
    static const char *const many[] = {"relu", "leaky_relu", "hardsigmoid", "softplus",
                                       "gelu_tanh", "tanhshrink", "logsigmoid", "mish"};
    plot_series pts = {.label = "points", .n = 3, .x = x, .y = y, .ylo = lo, .yhi = hi,
                       .style = PLOT_POINTS};
    plot_series line = {.label = "line", .n = 3, .x = x, .y = y, .style = PLOT_LINE};
    plot_panel panels[] = {
        {.title = "named", .xlabel = "act", .ylabel = "ns", .logy = true, .series = &pts,
         .n_series = 1},
        {.title = "upright", .xlabel = "act", .ylabel = "ns", .series = &pts, .n_series = 1},
        {.title = "plain", .xlabel = "epoch", .ylabel = "v", .integer_x = true, .series = &line,
         .n_series = 1},
    };
    plot_figure fig = {.name = "xnames", .title = "named x", .panels = panels, .n_panels = 3,
                       .cols = 3};
    plot_xnames xn[] = {{.panel = 0, .names = many, .n = 3}, {.panel = 1, .names = many, .n = 8}};
    ab_err err = {{0}};
    assert_int_equal(plot_write_xnames(fx->dir, &fig, xn, 2, &err), AB_OK);
    char *gp = slurp_in(plots, "xnames.gp");
    const char *p1 = strstr(gp, "# ---- panel 1"), *p2 = strstr(gp, "# ---- panel 2"),
               *p3 = strstr(gp, "# ---- panel 3");
    assert_true(p1 && p2 && p3 && p1 < p2 && p2 < p3);
    /* three short names fit side by side; eight long ones stand upright */
    assert_contains(p1, "set xtics norotate autojustify noenhanced (\"relu\" 1, "
                        "\"leaky_relu\" 2, \"hardsigmoid\" 3)\nset xrange [0.5:3.5]");
    assert_true(strstr(p1, "rotate by 90") > p2);
    assert_contains(p2, "set xtics rotate by 90 right noenhanced (\"relu\" 1,");
    assert_contains(p2, "\"mish\" 8)\nset xrange [0.5:8.5]");
    assert_contains(p2, "yerrorbars");
    /* the plain panel resets what the named ones set, then sets its own */
    assert_contains(p3, "set xtics norotate autojustify enhanced\nset autoscale x\nset xtics 1\n");
    free(gp);
    if (plot_have_gnuplot()) {
        if (plot_render(fx->dir, "xnames", &err) != AB_OK)
            fail_msg("%s", err.msg);
        assert_true(file_size_in(plots, "xnames.png") > 0);
    }
    /* bad tables */
    plot_xnames bad_panel = {.panel = 3, .names = many, .n = 3};
    assert_int_equal(plot_write_xnames(fx->dir, &fig, &bad_panel, 1, &err), AB_EUSAGE);
    plot_xnames no_names = {.panel = 0, .names = NULL, .n = 3};
    assert_int_equal(plot_write_xnames(fx->dir, &fig, &no_names, 1, &err), AB_EUSAGE);
    plot_xnames twice[] = {xn[0], xn[0]};
    assert_int_equal(plot_write_xnames(fx->dir, &fig, twice, 2, &err), AB_EUSAGE);
    assert_int_equal(plot_write_xnames(fx->dir, &fig, NULL, 1, &err), AB_EUSAGE);
}

/* ------------------------------------------------------------------------ */
/* The subcommand                                                            */

/* After "bench-acts --out DIR/run". */
static const usage_case usage_cases[] = {
    {"elements 0", {"--elements", "0"}, {"--elements", "0", "1000"}},
    {"elements too many", {"--elements", "1000000000"}, {"--elements", "100000000"}},
    {"elements not a number", {"--elements", "1e6"}, {"--elements", "'1e6'"}},
    {"repeats x", {"--repeats", "x"}, {"--repeats", "'x'", "3..1000"}},
    {"repeats 2", {"--repeats", "2"}, {"--repeats", "2"}},
    {"unknown activation", {"--act", "nope"}, {"'nope'", "relu", "sigmoid"}},
    {"empty activation item", {"--act", "relu,,tanh"}, {"relu,,tanh"}},
    {"duplicate activation", {"--act", "relu,relu"}, {"relu"}},
    {"unknown option", {"--bogus"}, {"--bogus"}},
    {"missing value", {"--repeats"}, {"--repeats"}},
    {"value given to a flag", {"--no-plot=x"}, {"--no-plot"}},
    {"stray argument", {"extra"}, {"extra"}},
    {"unknown math", {"--math", "libm"}, {"--math", "'libm'", "sleef, libc"}},
    {"math twice", {"--math", "libc,libc"}, {"--math", "'libc' is given twice"}},
    {"empty math item", {"--math", "sleef,"}, {"--math", "empty item"}},
    {"step width 0", {"--step-widths", "64,0"}, {"--step-widths", "'0'"}},
    {"step width too wide", {"--step-widths", "70000"}, {"--step-widths", "70000"}},
    {"step repeats 0", {"--step-repeats", "0"}, {"--step-repeats", "'0'"}},
    /* long options in full; an option with a value once */
    {"abbreviated option", {"--rep", "5"}, {"--rep: unknown option (did you mean --repeats?)"}},
    {"repeated --act", {"--act", "relu", "--act", "tanh"}, {"--act: given twice"}},
    {"repeated --out", {"--out", "/nonexistent/elsewhere"}, {"--out: given twice"}},
};

/* The cases run one by one through one test, each reported by name when it
 * fails. */
static void test_usage_errors(void **state)
{
    scratch *fx = *state;
    for (size_t i = 0; i < N_OF(usage_cases); i++)
        check_usage_case(fx, (const char *const[]){"bench-acts", "--out", fx->out, NULL},
                         &usage_cases[i]);
}

static void test_help(void **state)
{
    scratch *fx = *state;
    run_actbench(&fx->r, (const char *const[]){"bench-acts", "--out", fx->out, "--help", NULL});
    assert_info_run(fx);
    assert_contains(fx->r.out, "Usage: actbench bench-acts");
    assert_contains(fx->r.out, "--elements");
    assert_contains(fx->r.out, "Examples");
}

static void test_run(void **state)
{
    scratch *fx = *state;
    run_result *r = &fx->r;
    run_ok(r, (const char *const[]){"bench-acts", "--act", "relu,sigmoid", "--elements", "10000",
                                    "--repeats", "3", "--step-widths", "16,8", "--step-repeats",
                                    "2", "--out", fx->out, NULL});
    /* the table names both, and the folder */
    assert_contains(r->out, "relu");
    assert_contains(r->out, "sigmoid");
    assert_contains(r->out, fx->out);

    char *csv = slurp_in(fx->out, "bench_acts.csv");
    assert_int_equal(strncmp(csv, CSV_HEADER, strlen(CSV_HEADER)), 0);
    /* both maths by default */
    assert_int_equal(count_lines(csv), 5);
    assert_contains(csv, "\nrelu,sleef,");
    assert_contains(csv, "\nrelu,libc,");
    assert_contains(csv, ",1,10000,3\n"); /* relu's vs_relu, elements, repeats */
    assert_contains(csv, "\nsigmoid,libc,");
    free(csv);
    csv = slurp_in(fx->out, "bench_steps.csv");
    assert_int_equal(count_lines(csv), 1 + 2 * 2 * 2);
    assert_contains(csv, "\nsigmoid,libc,8,6,32,");
    free(csv);
    assert_contains(r->out, "us/step");
    assert_true(file_size_in(fx->out, "plots/bench_acts.gp") > 0);
    if (plot_have_gnuplot())
        assert_true(file_size_in(fx->out, "plots/bench_acts.png") > 0);
    else
        assert_true(path_missing_in(fx->out, "plots/bench_acts.png"));
}

static void test_run_quiet_no_plot(void **state)
{
    scratch *fx = *state;
    run_quiet((const char *const[]){"bench-acts", "--act", "tanh", "--elements", "1000",
                                    "--repeats", "3", "--math", "libc", "--step-widths", "none",
                                    "--no-plot", "-q", "-o", fx->out, NULL});
    char *csv = slurp_in(fx->out, "bench_acts.csv");
    assert_int_equal(count_lines(csv), 2);
    assert_contains(csv, "\ntanh,libc,");
    free(csv);
    assert_true(path_missing_in(fx->out, "bench_steps.csv"));
    assert_true(path_missing_in(fx->out, "plots/bench_steps.gp"));
    assert_true(path_missing_in(fx->out, "plots/bench_acts.png"));
    assert_true(file_size_in(fx->out, "plots/bench_acts.gp") > 0);
}

static void test_run_out_under_file(void **state)
{
    scratch *fx = *state;
    char file[4300], out[4400];
    write_file(file, sizeof file, fx->dir, "plain", "");
    snprintf(out, sizeof out, "%s/run", file);
    run_actbench(&fx->r, (const char *const[]){"bench-acts", "--act", "relu", "--elements",
                                               "1000", "--repeats", "3", "--out", out, NULL});
    assert_error(NULL, &fx->r, 1, (const char *const[]){"--out: ", NULL});
    assert_int_equal(strncmp(fx->r.err, "actbench: --out: ", 17), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_measure_relu_sigmoid),
        cmocka_unit_test(test_measure_whole_registry),
        cmocka_unit_test(test_measure_without_relu),
        cmocka_unit_test(test_measure_bad_arguments),
        cmocka_unit_test(test_measure_both_maths),
        cmocka_unit_test(test_steps),
        cmocka_unit_test_setup_teardown(test_write_files, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_write_without_relu, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_write_renders, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_write_bad_folder, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_write_relu_alone, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_write_maths_and_steps, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_plot_xnames, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_usage_errors, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_help, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_run, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_run_quiet_no_plot, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_run_out_under_file, setup, scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
