/* test_bench_acts.c - `actbench bench-acts`: the measurement's invariants (no
 * timing thresholds: machines are noisy), the CSV and the figure script, and
 * the subcommand's command line run through the binary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_acts.h"
#include "plot.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */

typedef struct {
    char dir[4096];  /* fresh temporary folder */
    char run[4200];  /* dir/run: the output folder under test */
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "%s/actbench_bench_XXXXXX", tmp_root());
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    snprintf(fx->run, sizeof fx->run, "%s/run", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    remove_tree(fx->dir);
    free(fx);
    return 0;
}

static int path_missing(const char *path)
{
    struct stat st;
    return lstat(path, &st) != 0 && errno == ENOENT;
}

static int count_entries(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

static int file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int)st.st_size : -1;
}

/* acts[0..n) from names with default parameters. */
static void specs(act_spec *acts, const char *const *names, int n)
{
    for (int i = 0; i < n; i++) {
        ab_err err = {{0}};
        assert_int_equal(act_parse(&acts[i], names[i], &err), AB_OK);
    }
}

static const char CSV_HEADER[] =
    "act,ns_forward,ns_derivative,ns_total,ns_total_min,ns_total_max,vs_relu,elements,repeats\n";

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

static void test_measure_relu_sigmoid(void **state)
{
    (void)state;
    static const char *const names[] = {"relu", "sigmoid"};
    act_spec acts[2];
    specs(acts, names, 2);
    bench_act_row rows[2];
    memset(rows, 0, sizeof rows);
    ab_err err = {{0}};
    assert_int_equal(bench_acts_measure(rows, acts, 2, 4096, 3, &err), AB_OK);
    for (int i = 0; i < 2; i++) {
        assert_row_sane(&rows[i]);
        assert_string_equal(rows[i].act.label, names[i]);
        assert_ptr_equal(rows[i].act.info, acts[i].info);
    }
    assert_true(rows[0].vs_relu == 1.0);
    assert_true(isfinite(rows[1].vs_relu) && rows[1].vs_relu > 0.0);
    assert_true(rows[1].vs_relu == rows[1].ns_total / rows[0].ns_total);
}

/* Every registry entry, parameters and all, runs through the benchmark. */
static void test_measure_whole_registry(void **state)
{
    (void)state;
    act_spec *acts = calloc((size_t)act_count, sizeof *acts);
    bench_act_row *rows = calloc((size_t)act_count, sizeof *rows);
    assert_non_null(acts);
    assert_non_null(rows);
    for (int i = 0; i < act_count; i++)
        act_default(&acts[i], &act_registry[i]);
    ab_err err = {{0}};
    assert_int_equal(bench_acts_measure(rows, acts, act_count, 2048, 3, &err), AB_OK);
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
    static const char *const names[] = {"tanh", "leaky_relu:0.2"};
    act_spec acts[2];
    specs(acts, names, 2);
    bench_act_row rows[2];
    ab_err err = {{0}};
    assert_int_equal(bench_acts_measure(rows, acts, 2, 1000, 1, &err), AB_OK);
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
    bench_act_row rows[1];
    ab_err err = {{0}};
    assert_int_equal(bench_acts_measure(rows, acts, 1, 0, 3, &err), AB_EUSAGE);
    assert_contains(err.msg, "elements");
    assert_int_equal(bench_acts_measure(rows, acts, 1, 100, 0, &err), AB_EUSAGE);
    assert_contains(err.msg, "repeats");
    assert_int_equal(bench_acts_measure(rows, acts, 0, 100, 3, &err), AB_EUSAGE);
    assert_int_equal(bench_acts_measure(NULL, acts, 1, 100, 3, &err), AB_EUSAGE);
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
        rows[i] = (bench_act_row){.act = acts[i], .ns_forward = tot[i] * 0.6,
                                  .ns_derivative = tot[i] * 0.4, .ns_total = tot[i],
                                  .ns_total_min = tot[i] * 0.9, .ns_total_max = tot[i] * 1.2,
                                  .vs_relu = tot[i] / 0.5};
    }
}

static void test_write_files(void **state)
{
    fixture *fx = *state;
    bench_act_row rows[3];
    fake_rows(rows);
    ab_err err = {{0}};
    assert_int_equal(bench_acts_write(fx->run, rows, 3, 4096, 7, false, &err), AB_OK);

    char path[4400];
    snprintf(path, sizeof path, "%s/bench_acts.csv", fx->run);
    char *csv = slurp(path);
    assert_non_null(csv);
    assert_int_equal(strncmp(csv, CSV_HEADER, strlen(CSV_HEADER)), 0);
    assert_int_equal(count_lines(csv), 1 + 3);
    /* rows in the given order, every column filled */
    assert_contains(csv, "\nsigmoid,2.4,1.6,4,3.6,4.8,8,4096,7\n");
    assert_contains(csv, "\nrelu,0.3,0.2,0.5,0.45,0.6,1,4096,7\n");
    assert_contains(csv, "\nleaky_relu:0.1,0.45,0.3,0.75,");
    free(csv);

    snprintf(path, sizeof path, "%s/plots/bench_acts.gp", fx->run);
    char *gp = slurp(path);
    assert_non_null(gp);
    /* names on the x axis, cheapest first, with underscores kept literal */
    const char *tics = strstr(gp, "set xtics");
    assert_non_null(tics);
    assert_contains(tics, "(\"relu\" 1, \"leaky_relu:0.1\" 2, \"sigmoid\" 3)");
    assert_contains(tics, "noenhanced");
    assert_contains(gp, "ns per element (f + f')");
    assert_contains(gp, "yerrorbars");
    assert_contains(gp, "relu's cost");
    assert_contains(gp, "set output 'plots/bench_acts.png'");
    free(gp);
    /* nothing else in the folder: the CSV and plots/ with the script */
    assert_int_equal(count_entries(fx->run), 2);
    snprintf(path, sizeof path, "%s/plots", fx->run);
    assert_int_equal(count_entries(path), 1);
}

static void test_write_without_relu(void **state)
{
    fixture *fx = *state;
    bench_act_row rows[3];
    fake_rows(rows);
    rows[1] = rows[2];
    for (int i = 0; i < 2; i++)
        rows[i].vs_relu = NAN;
    ab_err err = {{0}};
    assert_int_equal(bench_acts_write(fx->run, rows, 2, 1000, 3, false, &err), AB_OK);
    char path[4400];
    snprintf(path, sizeof path, "%s/bench_acts.csv", fx->run);
    char *csv = slurp(path);
    assert_non_null(csv);
    assert_int_equal(count_lines(csv), 1 + 2);
    /* no relu to compare with: an empty vs_relu cell */
    assert_contains(csv, "\nsigmoid,2.4,1.6,4,3.6,4.8,,1000,3\n");
    free(csv);
    snprintf(path, sizeof path, "%s/plots/bench_acts.gp", fx->run);
    char *gp = slurp(path);
    assert_non_null(gp);
    assert_true(strstr(gp, "relu's cost") == NULL);
    free(gp);
}

static void test_write_renders(void **state)
{
    fixture *fx = *state;
    if (!plot_have_gnuplot())
        skip();
    bench_act_row rows[3];
    fake_rows(rows);
    ab_err err = {{0}};
    if (bench_acts_write(fx->run, rows, 3, 4096, 7, true, &err) != AB_OK)
        fail_msg("%s", err.msg);
    char path[4400];
    snprintf(path, sizeof path, "%s/plots/bench_acts.png", fx->run);
    assert_true(file_size(path) > 0);
}

static void test_write_bad_folder(void **state)
{
    fixture *fx = *state;
    bench_act_row rows[3];
    fake_rows(rows);
    char file[4200], out[4300];
    snprintf(file, sizeof file, "%s/plain", fx->dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    assert_int_equal(fclose(f), 0);
    snprintf(out, sizeof out, "%s/run", file);
    ab_err err = {{0}};
    assert_int_equal(bench_acts_write(out, rows, 3, 4096, 7, false, &err), AB_ERUNTIME);
    assert_contains(err.msg, file);
}

/* A lone relu: one marker and its line, no empty "others" entry. */
static void test_write_relu_alone(void **state)
{
    fixture *fx = *state;
    bench_act_row rows[3];
    fake_rows(rows);
    ab_err err = {{0}};
    assert_int_equal(bench_acts_write(fx->run, &rows[1], 1, 1000, 3, plot_have_gnuplot(), &err),
                     AB_OK);
    char path[4400];
    snprintf(path, sizeof path, "%s/plots/bench_acts.gp", fx->run);
    char *gp = slurp(path);
    assert_non_null(gp);
    assert_contains(gp, "relu's cost");
    assert_true(strstr(gp, "no data") == NULL);
    assert_true(strstr(gp, "median of") == NULL);
    free(gp);
}

/* plot_write_xnames (added to plot.h for this figure): a named panel
 * followed by a plain one, whose tics must not inherit the names' settings. */
static void test_plot_xnames(void **state)
{
    fixture *fx = *state;
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
    char path[4400];
    snprintf(path, sizeof path, "%s/xnames.gp", plots);
    char *gp = slurp(path);
    assert_non_null(gp);
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
        snprintf(path, sizeof path, "%s/xnames.png", plots);
        assert_true(file_size(path) > 0);
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

typedef struct {
    const char *name;
    const char *args[6];     /* after "bench-acts --out DIR/run" */
    const char *needles[4];  /* must appear in the message */
} usage_case;

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
};

/* The cases run one by one through one test, each reported by name when it
 * fails. */
static void test_usage_errors(void **state)
{
    fixture *fx = *state;
    for (size_t i = 0; i < sizeof usage_cases / sizeof usage_cases[0]; i++) {
        const usage_case *c = &usage_cases[i];
        const char *args[16] = {"bench-acts", "--out", fx->run};
        int n = 3;
        for (int k = 0; c->args[k]; k++)
            args[n++] = c->args[k];
        args[n] = NULL;
        run_result r;
        run_actbench(&r, args);
        if (r.status != 2)
            fail_msg("%s: exit status %d, expected 2; stderr: \"%s\"", c->name, r.status, r.err);
        size_t len = strlen(r.err);
        if (len == 0 || r.err[len - 1] != '\n' || strchr(r.err, '\n') != r.err + len - 1)
            fail_msg("%s: expected exactly one line on stderr, got \"%s\"", c->name, r.err);
        if (strncmp(r.err, "actbench: ", 10) != 0)
            fail_msg("%s: stderr does not start with \"actbench: \": \"%s\"", c->name, r.err);
        for (int k = 0; c->needles[k]; k++)
            if (!strstr(r.err, c->needles[k]))
                fail_msg("%s: \"%s\" does not name \"%s\"", c->name, r.err, c->needles[k]);
        if (r.out[0] != '\0')
            fail_msg("%s: stdout is not empty: \"%s\"", c->name, r.out);
        if (!path_missing(fx->run) || count_entries(fx->dir) != 0)
            fail_msg("%s: something was written in %s", c->name, fx->dir);
        run_free(&r);
    }
}

static void test_help(void **state)
{
    fixture *fx = *state;
    run_result r;
    run_actbench(&r, (const char *const[]){"bench-acts", "--out", fx->run, "--help", NULL});
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    assert_contains(r.out, "Usage: actbench bench-acts");
    assert_contains(r.out, "--elements");
    assert_contains(r.out, "Examples");
    assert_true(path_missing(fx->run));
    run_free(&r);
}

static void test_run(void **state)
{
    fixture *fx = *state;
    run_result r;
    run_actbench(&r, (const char *const[]){"bench-acts", "--act", "relu,sigmoid", "--elements",
                                           "10000", "--repeats", "3", "--out", fx->run, NULL});
    if (r.status != 0)
        fail_msg("exit status %d; stderr: \"%s\"", r.status, r.err);
    /* the table names both, and the folder */
    assert_contains(r.out, "relu");
    assert_contains(r.out, "sigmoid");
    assert_contains(r.out, fx->run);

    char path[4400];
    snprintf(path, sizeof path, "%s/bench_acts.csv", fx->run);
    char *csv = slurp(path);
    assert_non_null(csv);
    assert_int_equal(strncmp(csv, CSV_HEADER, strlen(CSV_HEADER)), 0);
    assert_int_equal(count_lines(csv), 3);
    assert_contains(csv, "\nrelu,");
    assert_contains(csv, ",1,10000,3\n"); /* relu's vs_relu, elements, repeats */
    assert_contains(csv, "\nsigmoid,");
    free(csv);
    snprintf(path, sizeof path, "%s/plots/bench_acts.gp", fx->run);
    assert_true(file_size(path) > 0);
    snprintf(path, sizeof path, "%s/plots/bench_acts.png", fx->run);
    if (plot_have_gnuplot())
        assert_true(file_size(path) > 0);
    else
        assert_true(path_missing(path));
    run_free(&r);
}

static void test_run_quiet_no_plot(void **state)
{
    fixture *fx = *state;
    run_result r;
    run_actbench(&r, (const char *const[]){"bench-acts", "--act", "tanh", "--elements", "1000",
                                           "--repeats", "3", "--no-plot", "-q", "-o", fx->run,
                                           NULL});
    if (r.status != 0)
        fail_msg("exit status %d; stderr: \"%s\"", r.status, r.err);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "");
    char path[4400];
    snprintf(path, sizeof path, "%s/plots/bench_acts.png", fx->run);
    assert_true(path_missing(path));
    snprintf(path, sizeof path, "%s/plots/bench_acts.gp", fx->run);
    assert_true(file_size(path) > 0);
    run_free(&r);
}

static void test_run_out_under_file(void **state)
{
    fixture *fx = *state;
    char file[4200], out[4300];
    snprintf(file, sizeof file, "%s/plain", fx->dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    assert_int_equal(fclose(f), 0);
    snprintf(out, sizeof out, "%s/run", file);
    run_result r;
    run_actbench(&r, (const char *const[]){"bench-acts", "--act", "relu", "--elements", "1000",
                                           "--repeats", "3", "--out", out, NULL});
    assert_int_equal(r.status, 1);
    assert_int_equal(strncmp(r.err, "actbench: --out: ", 17), 0);
    assert_int_equal(count_lines(r.err), 1);
    assert_string_equal(r.out, "");
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_measure_relu_sigmoid),
        cmocka_unit_test(test_measure_whole_registry),
        cmocka_unit_test(test_measure_without_relu),
        cmocka_unit_test(test_measure_bad_arguments),
        cmocka_unit_test_setup_teardown(test_write_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_without_relu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_renders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_bad_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_relu_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plot_xnames, setup, teardown),
        cmocka_unit_test_setup_teardown(test_usage_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_help, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_quiet_no_plot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_out_under_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
