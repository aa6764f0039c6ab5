/* test_regions_cli.c - decision regions and --export-data through the
 * binary: an identity network's regions are split by one straight line
 * where ReLU's are not, -j children give the same regions.csv as one
 * process, the figure's panels name their activation and final accuracy,
 * data without two features has no regions, and an exported data set
 * trains to the same numbers as the built-in one; the errors of
 * --export-data. */
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

static int setup(void **state)
{
    return scratch_setup(state, sizeof(scratch), "regions", "run");
}

/* DIR/name into out. */
static void in_dir(char *out, size_t n, const scratch *fx, const char *name)
{
    snprintf(out, n, "%s/%s", fx->dir, name);
}

/* ---- regions.csv ------------------------------------------------------- */

#define CELLS 100

/* The classes of one map of regions.csv (act, epoch) into cls (CELLS x
 * CELLS, row j * CELLS + i; -1 = empty); the rows it had. */
static int read_map(int *cls, const char *csv, const char *act, const char *epoch)
{
    char lead[64];
    int rows = 0;
    snprintf(lead, sizeof lead, "\n%s,1,%s,", act, epoch);
    for (const char *p = strstr(csv, lead); p; p = strstr(p + 1, lead)) {
        const char *last = strchr(p + 1, '\n');
        const char *c = last;
        while (c[-1] != ',')
            c--;
        assert_true(rows < CELLS * CELLS);
        cls[rows++] = c == last ? -1 : atoi(c);
    }
    return rows;
}

/* The most times the class changes along one grid row or column. */
static int most_changes(const int *cls)
{
    int most = 0;
    for (int line = 0; line < CELLS; line++)
        for (int by_col = 0; by_col < 2; by_col++) {
            int changes = 0;
            for (int t = 1; t < CELLS; t++) {
                int a = by_col ? cls[(t - 1) * CELLS + line] : cls[line * CELLS + t - 1];
                int b = by_col ? cls[t * CELLS + line] : cls[line * CELLS + t];
                changes += a != b;
            }
            most = changes > most ? changes : most;
        }
    return most;
}

/* The final test accuracy of act in loss.csv (its last row), as "%.3f". */
static void final_acc(char *out, size_t n, const char *loss, const char *act)
{
    char lead[64];
    snprintf(lead, sizeof lead, "\n%s,1,", act);
    const char *row = NULL;
    for (const char *p = strstr(loss, lead); p; p = strstr(p + 1, lead))
        row = p + 1;
    assert_non_null(row);
    /* act,seed,epoch,train_loss,train_acc,test_loss,test_acc,... */
    const char *c = row;
    for (int k = 0; k < 6; k++)
        c = strchr(c, ',') + 1;
    snprintf(out, n, "%.3f", atof(c));
}

static void test_identity_straight(void **state)
{
    scratch *fx = *state;
    char one[4300], two[4300];
    in_dir(one, sizeof one, fx, "j1");
    in_dir(two, sizeof two, fx, "j2");
    const char *common[] = {"--act", "identity,relu", "--data", "circles", "--samples", "600",
                            "--epochs", "30", "--regions-init", "--no-plot", "-q", NULL};
    run_with(&fx->r, (const char *const[]){"--out", one, "-j", "1", NULL}, common);
    assert_quiet(&fx->r);
    run_free(&fx->r);
    run_with(&fx->r, (const char *const[]){"--out", two, "-j", "2", NULL}, common);
    assert_quiet(&fx->r);
    char *a = slurp_in(one, "regions.csv"), *b = slurp_in(two, "regions.csv");
    assert_string_equal(a, b);
    assert_true(strncmp(a, "act,seed,epoch,x1,x2,class\n", 27) == 0);
    int *cls = malloc(sizeof(int) * CELLS * CELLS);
    assert_non_null(cls);
    /* 2 activations x 2 maps of CELLS x CELLS rows */
    int lines = 0;
    for (const char *p = a; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + 4 * CELLS * CELLS);
    assert_int_equal(read_map(cls, a, "identity", "30"), CELLS * CELLS);
    /* a linear model: one straight boundary, crossed at most once by every
     * row and column of the grid, and both classes present */
    assert_true(most_changes(cls) <= 1);
    int ones = 0;
    for (int c = 0; c < CELLS * CELLS; c++)
        ones += cls[c] == 1;
    assert_true(ones > 0 && ones < CELLS * CELLS);
    /* relu encloses the inner circle: rows through it cross twice */
    assert_int_equal(read_map(cls, a, "relu", "30"), CELLS * CELLS);
    assert_true(most_changes(cls) >= 2);
    assert_int_equal(read_map(cls, a, "relu", "0"), CELLS * CELLS);
    free(cls);
    free(a);
    free(b);

    /* the figure: the epoch-0 row, then the final one, each panel titled
     * with its activation and accuracy */
    char *gp = slurp_in(one, "plots/regions.gp"), *loss = slurp_in(one, "loss.csv");
    char acc[32], want[256];
    final_acc(acc, sizeof acc, loss, "relu");
    snprintf(want, sizeof want, "#   panel 4: \"relu, seed 1, epoch 30: test acc %s\"", acc);
    assert_contains(gp, want);
    assert_contains(gp, "#   panel 1: \"identity, seed 1, epoch 0: test acc");
    assert_contains(gp, "# panel 4, image: 100 x 100 cells");
    assert_contains(gp, "pt 4 ps 1.2 title \"class 1: test\""); /* open squares */
    free(gp);
    free(loss);
}

/* Data with three features: no regions, no error; with two, regions. */
static void test_not_two_features(void **state)
{
    scratch *fx = *state;
    char path[4300], spec[4400];
    for (int d = 2; d <= 3; d++) {
        char text[4096] = "";
        size_t len = 0;
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < d; j++)
                len += (size_t)snprintf(text + len, sizeof text - len, "%g,",
                                        (i * 7 + j * 3) % 11 / 3.0);
            len += (size_t)snprintf(text + len, sizeof text - len, "%d\n", i % 2);
        }
        assert_true(len < sizeof text);
        write_file(path, sizeof path, fx->dir, "d.csv", text);
        snprintf(spec, sizeof spec, "csv:%s", path);
        run_free(&fx->r);
        remove_tree(fx->out);
        run_ok(&fx->r, (const char *const[]){"--out", fx->out, "--data", spec, "--epochs", "2",
                                             "--no-plot", "-q", NULL});
        assert_int_equal(path_missing_in(fx->out, "regions.csv"), d != 2);
        assert_int_equal(path_missing_in(fx->out, "plots/regions.gp"), d != 2);
        assert_false(path_missing_in(fx->out, "plots/loss.gp"));
        char *cfg = slurp_in(fx->out, "config.json");
        assert_contains(cfg, d == 2 ? "\"regions\": {\"cells\": [100, 100], \"x1\": ["
                                    : "\"regions\": null,");
        free(cfg);
    }
}

/* ---- --export-data ----------------------------------------------------- */

/* Whether a and b are the same lines, each without its last cell (the
 * seconds of loss.csv and summary.csv). */
static bool same_but_last(const char *a, const char *b)
{
    while (*a && *b) {
        const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
        if (!ea || !eb)
            return false;
        const char *ca = ea, *cb = eb;
        while (ca > a && ca[-1] != ',')
            ca--;
        while (cb > b && cb[-1] != ',')
            cb--;
        if (ca - a != cb - b || strncmp(a, b, (size_t)(ca - a)) != 0)
            return false;
        a = ea + 1;
        b = eb + 1;
    }
    return !*a && !*b;
}

static void test_export_round_trip(void **state)
{
    scratch *fx = *state;
    char file[4300], spec[4400], built[4300], back[4300];
    in_dir(file, sizeof file, fx, "spiral.csv");
    in_dir(built, sizeof built, fx, "built");
    in_dir(back, sizeof back, fx, "back");
    snprintf(spec, sizeof spec, "csv:%s", file);
    run_ok(&fx->r, (const char *const[]){"--data", "spiral", "--samples", "400", "--seed", "5",
                                         "--test-frac", "0.25", "--export-data", file,
                                         "--out", fx->out, NULL});
    char want[4400];
    snprintf(want, sizeof want, "%s: spiral, 300 training and 100 test samples (seed 5)\n", file);
    assert_string_equal(fx->r.out, want);
    assert_string_equal(fx->r.err, "");
    /* it only exports: no run folder */
    assert_true(path_missing(fx->out));
    char *text = slurp(file);
    assert_non_null(text);
    assert_true(strncmp(text, "split,x1,x2,label\ntrain,", 24) == 0);
    int tests = 0;
    for (const char *p = strstr(text, "\ntest,"); p; p = strstr(p + 1, "\ntest,"))
        tests++;
    assert_int_equal(tests, 100);
    const char *tail[] = {"--act", "relu,tanh", "--epochs", "5", "--seed", "5", "--no-plot",
                          "-q", NULL};
    run_free(&fx->r);
    run_with(&fx->r, (const char *const[]){"--out", built, "--data", "spiral", "--samples",
                                           "400", "--test-frac", "0.25", NULL}, tail);
    assert_quiet(&fx->r);
    run_free(&fx->r);
    /* the file's split, whatever --test-frac says */
    run_with(&fx->r, (const char *const[]){"--out", back, "--data", spec, "--test-frac", "0.5",
                                           NULL}, tail);
    assert_quiet(&fx->r);
    static const char *const same[] = {"layers.csv", "regions.csv"};
    for (size_t i = 0; i < N_OF(same); i++) {
        char *a = slurp_in(built, same[i]), *b = slurp_in(back, same[i]);
        if (strcmp(a, b) != 0)
            fail_msg("%s differs between the built-in set and its export", same[i]);
        free(a);
        free(b);
    }
    char *a = slurp_in(built, "loss.csv"), *b = slurp_in(back, "loss.csv");
    assert_true(same_but_last(a, b));
    free(a);
    free(b);
    /* config.json says the file's column split it, not --test-frac */
    char *cfg = slurp_in(back, "config.json");
    assert_non_null(strstr(cfg, "\"test_frac\": null, \"split\": \"column\", \"train\": 300, "
                                "\"test\": 100"));
    free(cfg);
    cfg = slurp_in(built, "config.json");
    assert_non_null(strstr(cfg, "\"test_frac\": 0.25, \"train\": 300"));
    free(cfg);

    /* the plane lies over the data's own coordinates (the exported file's,
     * not standardised), 10% beyond its box each side: the first cell's
     * centre at the low corner, the last one's at the high corner */
    double lo[2] = {1e300, 1e300}, hi[2] = {-1e300, -1e300};
    for (const char *p = strchr(text, '\n') + 1; *p; p = strchr(p, '\n') + 1) {
        double v[2];
        assert_int_equal(sscanf(strchr(p, ',') + 1, "%lf,%lf", &v[0], &v[1]), 2);
        for (int f = 0; f < 2; f++)
            lo[f] = v[f] < lo[f] ? v[f] : lo[f], hi[f] = v[f] > hi[f] ? v[f] : hi[f];
    }
    a = slurp_in(built, "regions.csv");
    double first[2], last[2];
    const char *row = strchr(a, '\n') + 1, *end = a + strlen(a) - 1;
    while (end[-1] != '\n')
        end--;
    assert_int_equal(sscanf(row, "relu,5,5,%lf,%lf,", &first[0], &first[1]), 2);
    assert_int_equal(sscanf(end, "tanh,5,5,%lf,%lf,", &last[0], &last[1]), 2);
    for (int f = 0; f < 2; f++) {
        double m = 0.1 * (hi[f] - lo[f]);
        if (fabs(first[f] - (lo[f] - m)) > 1e-5 || fabs(last[f] - (hi[f] + m)) > 1e-5)
            fail_msg("feature %d: plane %.9g..%.9g, data %.9g..%.9g", f + 1, first[f], last[f],
                     lo[f], hi[f]);
    }
    free(a);

    /* not replaced: the file stays as it was */
    run_free(&fx->r);
    run_actbench(&fx->r, (const char *const[]){"--export-data", file, "--data", "moons", NULL});
    assert_error(NULL, &fx->r, 1, (const char *const[]){"--export-data", file, "exists", NULL});
    char *again = slurp(file);
    assert_string_equal(again, text);
    free(again);
    free(text);
}

static void test_export_errors(void **state)
{
    scratch *fx = *state;
    char bad[4300];
    in_dir(bad, sizeof bad, fx, "no/such/folder/x.csv");
    run_actbench(&fx->r, (const char *const[]){"--export-data", bad, NULL});
    assert_error(NULL, &fx->r, 1, (const char *const[]){"--export-data", "no/such/folder", NULL});
    run_free(&fx->r);
    char x[4300];
    in_dir(x, sizeof x, fx, "x.csv");
    run_actbench(&fx->r, (const char *const[]){"--export-data", x, "--data", "fashion-mnist",
                                               NULL});
    assert_error(NULL, &fx->r, 2, (const char *const[]){"--export-data", "built-in",
                                                        "fashion-mnist", NULL});
    run_free(&fx->r);
    run_actbench(&fx->r, (const char *const[]){"--export-data", "", NULL});
    assert_error(NULL, &fx->r, 2, (const char *const[]){"--export-data", "empty", NULL});
    assert_int_equal(count_entries(fx->dir), 0);
}

/* With several seeds, the first seed of each activation is drawn. */
static void test_first_seed(void **state)
{
    scratch *fx = *state;
    run_ok(&fx->r, (const char *const[]){"--out", fx->out, "--act", "relu", "--seeds", "2",
                                         "--seed", "3", "--epochs", "1", "--no-plot", "-q",
                                         NULL});
    char *csv = slurp_in(fx->out, "regions.csv");
    int lines = 0, seed3 = 0;
    for (const char *p = csv; *p; p++)
        lines += *p == '\n';
    for (const char *p = strstr(csv, "\nrelu,3,1,"); p; p = strstr(p + 1, "\nrelu,3,1,"))
        seed3++;
    assert_int_equal(lines, 1 + CELLS * CELLS);
    assert_int_equal(seed3, CELLS * CELLS);
    free(csv);
}

/* Without a test set, the figure keys and names only the training points. */
static void test_no_test_set(void **state)
{
    scratch *fx = *state;
    run_ok(&fx->r, (const char *const[]){"--out", fx->out, "--act", "relu", "--data", "circles",
                                         "--test-frac", "0", "--epochs", "1", "--no-plot", "-q",
                                         NULL});
    char *gp = slurp_in(fx->out, "plots/regions.gp");
    assert_non_null(strstr(gp, "class 0: train"));
    assert_null(strstr(gp, ": test"));
    assert_non_null(strstr(gp, "the training points (no test set)"));
    free(gp);
}

static void test_help(void **state)
{
    scratch *fx = *state;
    run_ok(&fx->r, (const char *const[]){"--help", NULL});
    assert_contains(fx->r.out, "--regions-init");
    assert_contains(fx->r.out, "--export-data PATH");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_identity_straight, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_not_two_features, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_export_round_trip, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_export_errors, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_first_seed, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_no_test_set, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_help, setup, scratch_teardown),
    };
    return cmocka_run_group_tests_name("regions_cli", tests, NULL, NULL);
}
