/* test_e2e.c - end-to-end runs of the actbench binary on small configurations, checking the CSV files, config.json and plots it writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* Files                                                                     */

/* Counts the entries under path (recursively) whose name contains needle. */
static int count_named(const char *path, const char *needle)
{
    DIR *d = opendir(path);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (strstr(e->d_name, needle))
            n++;
        char sub[4096];
        struct stat st;
        if (snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) < (int)sizeof sub &&
            lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            n += count_named(sub, needle);
    }
    closedir(d);
    return n;
}

/* ------------------------------------------------------------------------ */
/* A small CSV reader: no quoting (actbench writes none), header row first.  */

typedef struct {
    char *text;     /* the file, cut into cells in place */
    char *header;   /* copy of the header line */
    int n_cols;
    int n_rows;     /* data rows */
    char **head;    /* n_cols names */
    char **cells;   /* n_rows x n_cols */
} csv;

static void csv_free(csv *c)
{
    free(c->text);
    free(c->header);
    free(c->head);
    free(c->cells);
    memset(c, 0, sizeof *c);
}

static void csv_read(csv *c, const char *dir, const char *name)
{
    memset(c, 0, sizeof *c);
    c->text = slurp_in(dir, name);
    size_t len = strlen(c->text);
    if (len == 0 || c->text[len - 1] != '\n')
        fail_msg("%s: empty or not newline-terminated", name);
    int lines = 0;
    for (char *p = c->text; *p; p++)
        lines += *p == '\n';
    char *nl = strchr(c->text, '\n');
    *nl = '\0';
    c->header = strdup(c->text);
    assert_non_null(c->header);
    c->n_cols = 1;
    for (char *p = c->text; *p; p++)
        c->n_cols += *p == ',';
    c->head = calloc((size_t)c->n_cols, sizeof *c->head);
    c->cells = calloc((size_t)(lines > 1 ? lines - 1 : 1) * (size_t)c->n_cols, sizeof *c->cells);
    assert_non_null(c->head);
    assert_non_null(c->cells);
    split_commas(c->text, c->head, c->n_cols);
    char *line = nl + 1;
    while (*line) {
        nl = strchr(line, '\n');
        *nl = '\0';
        int k = split_commas(line, c->cells + (size_t)c->n_rows * (size_t)c->n_cols, c->n_cols);
        if (k != c->n_cols)
            fail_msg("%s: data row %d has %d cells, the header %d", name, c->n_rows + 1, k,
                     c->n_cols);
        c->n_rows++;
        line = nl + 1;
    }
}

static int csv_col(const csv *c, const char *name)
{
    for (int j = 0; j < c->n_cols; j++)
        if (strcmp(c->head[j], name) == 0)
            return j;
    fail_msg("no column '%s' in header \"%s\"", name, c->header);
    return -1;
}

static const char *csv_at(const csv *c, int row, int col)
{
    return c->cells[(size_t)row * (size_t)c->n_cols + (size_t)col];
}

static const char *csv_get(const csv *c, int row, const char *name)
{
    return csv_at(c, row, csv_col(c, name));
}

static double csv_num(const csv *c, int row, const char *name)
{
    const char *s = csv_get(c, row, name);
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end != '\0')
        fail_msg("row %d, column %s: '%s' is not a number", row + 1, name, s);
    return v;
}

static long csv_int(const csv *c, int row, const char *name)
{
    const char *s = csv_get(c, row, name);
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0')
        fail_msg("row %d, column %s: '%s' is not a whole number", row + 1, name, s);
    return v;
}

/* The only row whose act column is act (and seed, if seed >= 0). */
static int csv_find(const csv *c, const char *act, long seed)
{
    int found = -1;
    for (int i = 0; i < c->n_rows; i++)
        if (strcmp(csv_get(c, i, "act"), act) == 0 && (seed < 0 || csv_int(c, i, "seed") == seed)) {
            if (found >= 0)
                fail_msg("two rows for %s seed %ld", act, seed);
            found = i;
        }
    if (found < 0)
        fail_msg("no row for %s seed %ld", act, seed);
    return found;
}

/* No cell spells a non-finite number (those must be written as empty). */
static void assert_no_nonfinite_text(const csv *c, const char *name)
{
    for (size_t i = 0; i < (size_t)c->n_rows * (size_t)c->n_cols; i++) {
        const char *s = c->cells[i];
        if (*s == '-' || *s == '+')
            s++;
        if (strncasecmp(s, "nan", 3) == 0 || strncasecmp(s, "inf", 3) == 0)
            fail_msg("%s: cell '%s' in row %zu", name, c->cells[i], i / (size_t)c->n_cols + 1);
    }
}

/* ------------------------------------------------------------------------ */
/* Fixture: a temporary folder holding the run folders, "run" the usual one. */

static int setup(void **state)
{
    return scratch_setup(state, sizeof(scratch), "e2e", "run");
}

static void run_path(char *out, size_t n, const scratch *fx, const char *name)
{
    assert_true((size_t)snprintf(out, n, "%s/%s", fx->dir, name) < n);
}

/* ------------------------------------------------------------------------ */
/* a. the default comparison, sigmoid against relu                           */

static const char *const LAYERS_HEADER =
    "act,seed,epoch,layer,grad_norm,bias_grad_norm,grad_mean_abs,weight_norm,act_mean,act_std,"
    "act_pos_frac,dead_pct,saturated_pct,sat_low_pct,sat_high_pct,same_sign_pct";

static void test_sigmoid_relu(void **state)
{
    scratch *fx = *state;
    const char *out = fx->out;
    const char *args[] = {"--act", "sigmoid,relu", "--depth", "6", "--init", "auto", "--epochs",
                          "2", "--quiet", "--no-plot", "--out", out, NULL};
    run_quiet(args);

    csv s;
    csv_read(&s, out, "summary.csv");
    assert_int_equal(s.n_rows, 2);
    int sg = csv_find(&s, "sigmoid", -1), rl = csv_find(&s, "relu", -1);
    double d_sig = csv_num(&s, sg, "decay_factor"), d_relu = csv_num(&s, rl, "decay_factor");
    if (!(d_sig >= 0.0 && d_sig <= 0.25))
        fail_msg("sigmoid decay_factor %g, expected <= 0.25", d_sig);
    if (!(d_relu >= 0.5))
        fail_msg("relu decay_factor %g, expected >= 0.5", d_relu);
    for (int i = 0; i < 2; i++) {
        assert_string_equal(csv_get(&s, i, "status"), "ok");
        assert_int_equal(csv_int(&s, i, "diverged"), 0);
        assert_int_equal(csv_int(&s, i, "epochs_run"), 2);
        assert_int_equal(csv_int(&s, i, "seed"), 1);
    }
    /* --init auto: the usual scheme per activation */
    assert_string_equal(csv_get(&s, sg, "init"), "xavier");
    assert_string_equal(csv_get(&s, rl, "init"), "he");
    assert_no_nonfinite_text(&s, "summary.csv");
    csv_free(&s);

    csv l;
    csv_read(&l, out, "layers.csv");
    assert_string_equal(l.header, LAYERS_HEADER);
    assert_true(l.n_rows > 0);
    static const char *const acts[] = {"sigmoid", "relu"};
    for (int a = 0; a < 2; a++) {
        int seen[8] = {0}, rows = 0;
        for (int i = 0; i < l.n_rows; i++) {
            if (strcmp(csv_get(&l, i, "act"), acts[a]) != 0 || csv_int(&l, i, "epoch") != 0)
                continue;
            rows++;
            long layer = csv_int(&l, i, "layer");
            assert_in_range(layer, 1, 7);
            seen[layer]++;
            assert_true(csv_num(&l, i, "grad_norm") >= 0.0);
        }
        if (rows != 7)
            fail_msg("%s: %d layer rows at epoch 0, expected 7", acts[a], rows);
        for (int k = 1; k <= 7; k++)
            assert_int_equal(seen[k], 1);
    }
    assert_no_nonfinite_text(&l, "layers.csv");
    csv_free(&l);

    csv lo;
    csv_read(&lo, out, "loss.csv");
    for (int a = 0; a < 2; a++) {
        long epochs[16];
        int n = 0;
        for (int i = 0; i < lo.n_rows; i++)
            if (strcmp(csv_get(&lo, i, "act"), acts[a]) == 0) {
                assert_true(n < 16);
                epochs[n++] = csv_int(&lo, i, "epoch");
                assert_true(csv_num(&lo, i, "train_loss") > 0.0);
            }
        if (n != 3)
            fail_msg("%s: %d rows in loss.csv, expected 3 (epochs 0, 1, 2)", acts[a], n);
        for (int e = 0; e < 3; e++)
            assert_int_equal(epochs[e], e);
    }
    assert_int_equal(lo.n_rows, 6);
    csv_free(&lo);

    char *cfg = slurp_in(out, "config.json");
    assert_non_null(strstr(cfg, "\"sigmoid\""));
    assert_non_null(strstr(cfg, "\"relu\""));
    free(cfg);

    assert_true(file_size_in(out, "plots/grad_by_layer.gp") > 0);
    /* --no-plot: scripts only */
    assert_int_equal(count_named(out, ".png"), 0);
    assert_int_equal(count_named(out, ".tmp."), 0);
}

/* ------------------------------------------------------------------------ */
/* b. every activation starts from the same weights                          */

static void test_identical_initial_draws(void **state)
{
    scratch *fx = *state;
    const char *out = fx->out;
    const char *args[] = {"--act", "relu,leaky_relu", "--epochs", "0", "--init", "xavier",
                          "--quiet", "--no-plot", "--out", out, NULL};
    run_quiet(args);

    csv l;
    csv_read(&l, out, "layers.csv");
    const char *w_relu[8] = {0}, *w_leaky[8] = {0};
    int n_relu = 0, n_leaky = 0;
    for (int i = 0; i < l.n_rows; i++) {
        assert_int_equal(csv_int(&l, i, "epoch"), 0);
        long layer = csv_int(&l, i, "layer");
        assert_in_range(layer, 1, 7);
        const char *act = csv_get(&l, i, "act");
        const char *w = csv_get(&l, i, "weight_norm");
        if (strcmp(act, "relu") == 0) {
            assert_null(w_relu[layer]);
            w_relu[layer] = w;
            n_relu++;
        } else if (strcmp(act, "leaky_relu") == 0) {
            assert_null(w_leaky[layer]);
            w_leaky[layer] = w;
            n_leaky++;
        } else
            fail_msg("unexpected act '%s' in layers.csv", act);
    }
    assert_int_equal(n_relu, 7);
    assert_int_equal(n_leaky, 7);
    for (int k = 1; k <= 7; k++) {
        assert_true(w_relu[k][0] != '\0');
        if (strcmp(w_relu[k], w_leaky[k]) != 0)
            fail_msg("layer %d: weight_norm %s for relu, %s for leaky_relu", k, w_relu[k],
                     w_leaky[k]);
    }
    csv_free(&l);
}

/* ------------------------------------------------------------------------ */
/* c. the same command twice gives the same numbers                          */

/* a without the part from its last comma in every line equals b likewise */
static void assert_equal_but_last_column(const char *a, const char *b, const char *name)
{
    int line = 1;
    for (;;) {
        const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
        if (!ea || !eb) {
            if (ea || eb || strcmp(a, b) != 0)
                fail_msg("%s: the runs differ in their number of lines", name);
            return;
        }
        const char *ca = ea, *cb = eb;
        while (ca > a && *ca != ',')
            ca--;
        while (cb > b && *cb != ',')
            cb--;
        if (ca - a != cb - b || memcmp(a, b, (size_t)(ca - a)) != 0)
            fail_msg("%s: line %d differs: \"%.*s\" vs \"%.*s\"", name, line, (int)(ea - a), a,
                     (int)(eb - b), b);
        a = ea + 1;
        b = eb + 1;
        line++;
    }
}

static void test_determinism(void **state)
{
    scratch *fx = *state;
    char out1[4200], out2[4200];
    run_path(out1, sizeof out1, fx, "run1");
    run_path(out2, sizeof out2, fx, "run2");
    const char *args1[] = {"--act", "tanh", "--depth", "3", "--width", "16", "--epochs", "3",
                           "--seed", "7", "--quiet", "--no-plot", "--out", out1, NULL};
    const char *args2[] = {"--act", "tanh", "--depth", "3", "--width", "16", "--epochs", "3",
                           "--seed", "7", "--quiet", "--no-plot", "--out", out2, NULL};
    run_quiet(args1);
    run_quiet(args2);

    char *l1 = slurp_in(out1, "layers.csv"), *l2 = slurp_in(out2, "layers.csv");
    assert_true(strlen(l1) > strlen(LAYERS_HEADER));
    assert_string_equal(l1, l2);
    free(l1);
    free(l2);

    char *s1 = slurp_in(out1, "loss.csv"), *s2 = slurp_in(out2, "loss.csv");
    assert_int_equal(strncmp(s1, "act,seed,epoch,", 15), 0);
    assert_non_null(strstr(s1, "\ntanh,7,3,"));
    assert_equal_but_last_column(s1, s2, "loss.csv");
    free(s1);
    free(s2);

    s1 = slurp_in(out1, "summary.csv");
    s2 = slurp_in(out2, "summary.csv");
    assert_equal_but_last_column(s1, s2, "summary.csv");
    free(s1);
    free(s2);
}

/* ------------------------------------------------------------------------ */
/* d. a diverging run is marked, not fatal                                   */

static void check_diverged_folder(const char *out)
{
    csv s;
    csv_read(&s, out, "summary.csv");
    assert_int_equal(s.n_rows, 2);
    int rl = csv_find(&s, "relu", 1);
    assert_string_equal(csv_get(&s, rl, "status"), "diverged");
    assert_int_equal(csv_int(&s, rl, "diverged"), 1);
    int th = csv_find(&s, "tanh", 1);
    const char *st = csv_get(&s, th, "status");
    long dv = csv_int(&s, th, "diverged");
    /* tanh may or may not diverge too, but its two columns must agree */
    assert_true((strcmp(st, "ok") == 0 && dv == 0) || (strcmp(st, "diverged") == 0 && dv == 1));
    assert_no_nonfinite_text(&s, "summary.csv");
    csv_free(&s);

    csv lo;
    csv_read(&lo, out, "loss.csv");
    assert_no_nonfinite_text(&lo, "loss.csv");
    csv_free(&lo);
    csv l;
    csv_read(&l, out, "layers.csv");
    assert_no_nonfinite_text(&l, "layers.csv");
    csv_free(&l);

    char *cfg = slurp_in(out, "config.json");
    assert_non_null(strstr(cfg, "\"diverged\""));
    free(cfg);
    assert_int_equal(count_named(out, ".tmp."), 0);
}

static void test_divergence(void **state)
{
    scratch *fx = *state;
    char out1[4200], out2[4200];
    run_path(out1, sizeof out1, fx, "quiet");
    run_path(out2, sizeof out2, fx, "loud");
    const char *args1[] = {"--act", "relu,tanh", "--lr", "1e30", "--epochs", "3", "--quiet",
                           "--no-plot", "--out", out1, NULL};
    run_quiet(args1);
    check_diverged_folder(out1);

    const char *args2[] = {"--act", "relu,tanh", "--lr", "1e30", "--epochs", "3", "--no-plot",
                           "--out", out2, NULL};
    run_result *r = &fx->r;
    run_ok(r, args2);
    check_diverged_folder(out2);
    /* a warning line naming the run */
    int found = 0;
    for (const char *line = r->err; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char buf[1024];
        snprintf(buf, sizeof buf, "%.*s", (int)len, line);
        if (strstr(buf, "diverged") && strstr(buf, "relu")) {
            assert_int_equal(strncmp(buf, "actbench: ", 10), 0);
            found = 1;
        }
        line = end ? end + 1 : NULL;
    }
    if (!found)
        fail_msg("no warning about relu diverging on stderr: \"%s\"", r->err);
}

/* ------------------------------------------------------------------------ */
/* e. --seeds repeats every activation                                       */

static void test_seeds(void **state)
{
    scratch *fx = *state;
    const char *out = fx->out;
    const char *args[] = {"--act", "sigmoid,relu", "--seeds", "3", "--depth", "3", "--width",
                          "16", "--epochs", "1", "--quiet", "--no-plot", "--out", out, NULL};
    run_quiet(args);
    csv s;
    csv_read(&s, out, "summary.csv");
    assert_int_equal(s.n_rows, 6);
    static const char *const acts[] = {"sigmoid", "relu"};
    for (int a = 0; a < 2; a++) {
        int rows = 0;
        for (int i = 0; i < s.n_rows; i++)
            rows += strcmp(csv_get(&s, i, "act"), acts[a]) == 0;
        assert_int_equal(rows, 3);
        for (long seed = 1; seed <= 3; seed++)
            csv_find(&s, acts[a], seed); /* exactly one row each */
    }
    csv_free(&s);
}

/* The table a student reads: per run, epochs to target and the gradient
 * ratio; with seeds, one row per activation with the mean and range over
 * its seeds, matching summary.csv; a warning names layers over 20% dead. */
static void test_table(void **state)
{
    scratch *fx = *state;
    run_ok(&fx->r, (const char *const[]){"--act", "sigmoid,relu", "--depth", "3", "--epochs",
                                         "3", "--target-acc", "0.6", "--no-plot", "--out",
                                         fx->out, NULL});
    assert_contains(fx->r.out, " to_target  grad_1/L ");
    csv s;
    csv_read(&s, fx->out, "summary.csv");
    for (int i = 0; i < s.n_rows; i++) {
        /* the row of the run shows summary.csv's epochs_to_target */
        const char *e = csv_get(&s, i, "epochs_to_target");
        char want[64];
        snprintf(want, sizeof want, "\n%-16s %6s ", csv_get(&s, i, "act"), csv_get(&s, i, "seed"));
        const char *row = strstr(fx->r.out, want);
        assert_non_null(row);
        char tt[16];
        snprintf(tt, sizeof tt, " %9s ", e[0] ? e : "never");
        const char *eol = strchr(row + 1, '\n');
        const char *hit = strstr(row, tt);
        assert_true(hit && (!eol || hit < eol));
    }
    csv_free(&s);
    run_free(&fx->r);
    run_ok(&fx->r, (const char *const[]){"--act", "relu", "--seeds", "3", "--depth", "3",
                                         "--epochs", "2", "--no-plot", "--out", fx->out, NULL});
    assert_contains(fx->r.out, "act              seeds test_acc");
    assert_contains(fx->r.out, "\nrelu                 3 ");
    assert_contains(fx->r.out, "..");
    /* the range is the seeds' */
    csv_read(&s, fx->out, "summary.csv");
    double lo = 1, hi = 0;
    for (int i = 0; i < s.n_rows; i++) {
        double v = atof(csv_get(&s, i, "final_test_acc"));
        lo = v < lo ? v : lo, hi = v > hi ? v : hi;
    }
    csv_free(&s);
    char range[64];
    snprintf(range, sizeof range, "(%.4f..%.4f)", lo, hi);
    assert_contains(fx->r.out, range);
    run_free(&fx->r);
    /* two samples: relu's layers die, and the warning says which */
    char path[4300], spec[4400];
    write_file(path, sizeof path, fx->dir, "two.csv", "x,label\n0.5,0\n1.5,1\n");
    snprintf(spec, sizeof spec, "csv:%s", path);
    run_ok(&fx->r, (const char *const[]){"--act", "relu", "--data", spec, "--epochs", "1",
                                         "--no-plot", "--out", fx->out, NULL});
    assert_contains(fx->r.err, "warning: relu seed 1: hidden layer");
    assert_contains(fx->r.err, "dead at the end, more than 20%");
}

/* ------------------------------------------------------------------------ */
/* f. the plots are rendered when gnuplot is installed                       */

static int have_gnuplot(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    for (const char *p = path;;) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char buf[4096];
        struct stat st;
        snprintf(buf, sizeof buf, "%.*s/gnuplot", (int)len, len ? p : ".");
        if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
            return 1;
        if (!end)
            return 0;
        p = end + 1;
    }
}

static void test_plots_rendered(void **state)
{
    scratch *fx = *state;
    if (!have_gnuplot())
        skip();
    const char *out = fx->out;
    const char *args[] = {"--act", "sigmoid,relu", "--epochs", "2", "--quiet", "--out", out, NULL};
    run_quiet(args);
    static const char *const names[] = {"grad_by_layer", "grad_by_epoch", "loss", "dead",
                                        "saturation", "functions", "hist", "dead_map"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "plots/%s.png", names[i]);
        assert_png(out, rel);
    }
    assert_int_equal(count_named(out, ".tmp."), 0);
}

/* ------------------------------------------------------------------------ */
/* hist.csv and dead_units.csv                                              */

/* The row of layers.csv for act, seed, epoch and layer, or -1. */
static int layer_row(const csv *l, const char *act, long seed, long epoch, long layer)
{
    for (int i = 0; i < l->n_rows; i++)
        if (!strcmp(csv_get(l, i, "act"), act) && csv_int(l, i, "seed") == seed &&
            csv_int(l, i, "epoch") == epoch && csv_int(l, i, "layer") == layer)
            return i;
    return -1;
}

static void test_hist_and_dead_units(void **state)
{
    scratch *fx = *state;
    const char *out = fx->out;
    /* 400 training samples: the probe set; relu at a high rate loses units */
    const char *args[] = {"--act", "relu,tanh", "--lr", "1", "--seeds", "2", "--samples",
                          "500", "--epochs", "10", "--log-every", "5", "--width", "16",
                          "--depth", "3", "--quiet", "--no-plot", "--out", out, NULL};
    run_quiet(args);
    enum { N = 400 * 16, SLOTS = 53 };
    csv h, l, d;
    csv_read(&h, out, "hist.csv");
    csv_read(&l, out, "layers.csv");
    csv_read(&d, out, "dead_units.csv");
    assert_string_equal(h.header, "act,seed,epoch,layer,kind,bin_lo,bin_hi,count");
    assert_string_equal(d.header, "act,seed,epoch,layer,unit");
    /* 2 acts x 2 seeds x 2 epochs x 3 layers x 2 kinds, one row per slot */
    assert_int_equal(h.n_rows, 2 * 2 * 2 * 3 * 2 * SLOTS);
    for (int g = 0; g < h.n_rows / SLOTS; g++) {
        int r0 = g * SLOTS;
        const char *act = csv_get(&h, r0, "act"), *kind = csv_get(&h, r0, "kind");
        long epoch = csv_int(&h, r0, "epoch");
        assert_true(epoch == 0 || epoch == 10);
        long sum = 0;
        for (int b = 0; b < SLOTS; b++) {
            int r = r0 + b;
            assert_string_equal(csv_get(&h, r, "act"), act);
            assert_string_equal(csv_get(&h, r, "kind"), kind);
            sum += csv_int(&h, r, "count");
            /* the same edges for every seed, epoch and layer of an
             * activation, and for the pre-activations of every activation */
            int same = !strcmp(kind, "preact") ? SLOTS + b
                                               : (!strcmp(act, "relu") ? 0 : h.n_rows / 2) + b;
            assert_string_equal(csv_get(&h, r, "bin_lo"), csv_get(&h, same, "bin_lo"));
            assert_string_equal(csv_get(&h, r, "bin_hi"), csv_get(&h, same, "bin_hi"));
            if (b > 0 && b < SLOTS - 1)
                assert_string_equal(csv_get(&h, r, "bin_lo"), csv_get(&h, r - 1, "bin_hi"));
        }
        /* under- and overflow included, every value counted once */
        if (sum != N)
            fail_msg("hist.csv rows %d..%d: counts add up to %ld, not %d", r0 + 2,
                     r0 + SLOTS + 1, sum, N);
        assert_string_equal(csv_get(&h, r0, "bin_lo"), "");
        assert_string_equal(csv_get(&h, r0 + SLOTS - 1, "bin_hi"), "");
        if (!strcmp(kind, "act")) {
            bool relu = !strcmp(act, "relu");
            assert_string_equal(csv_get(&h, r0, "bin_hi"), relu ? "0" : "-1");
            assert_string_equal(csv_get(&h, r0 + SLOTS - 1, "bin_lo"), relu ? "6.375" : "1");
            /* relu's zeros are the share of its values not > 0 */
            int lr = layer_row(&l, act, csv_int(&h, r0, "seed"), epoch,
                               csv_int(&h, r0, "layer"));
            assert_true(lr >= 0);
            double zeros = N * (1.0 - csv_num(&l, lr, "act_pos_frac"));
            if (relu)
                assert_true(csv_int(&h, r0 + 1, "count") >= zeros - 0.5);
        } else {
            assert_string_equal(csv_get(&h, r0, "bin_hi"), "-6.375");
            assert_string_equal(csv_get(&h, r0 + 1, "bin_hi"), "-6.125");
        }
    }
    /* the dead units of each probe and layer are what dead_pct counts */
    int relu_dead = 0, checked = 0;
    for (int i = 0; i < l.n_rows; i++) {
        long layer = csv_int(&l, i, "layer");
        if (layer > 3)
            continue;
        int count = 0;
        for (int j = 0; j < d.n_rows; j++)
            if (!strcmp(csv_get(&d, j, "act"), csv_get(&l, i, "act")) &&
                csv_int(&d, j, "seed") == csv_int(&l, i, "seed") &&
                csv_int(&d, j, "epoch") == csv_int(&l, i, "epoch") &&
                csv_int(&d, j, "layer") == layer)
                count++;
        double pct = csv_num(&l, i, "dead_pct");
        if (fabs(100.0 * count / 16 - pct) > 1e-6)
            fail_msg("layers.csv row %d: dead_pct %g, dead_units.csv lists %d of 16", i + 2, pct,
                     count);
        relu_dead += !strcmp(csv_get(&l, i, "act"), "relu") ? count : 0;
        checked++;
    }
    assert_int_equal(checked, 2 * 2 * 3 * 3); /* probes at epochs 0, 5 and 10 */
    assert_true(relu_dead > 0);
    for (int j = 0; j < d.n_rows; j++)
        assert_in_range(csv_int(&d, j, "unit"), 0, 15);

    /* the hist figure's first line: relu's layer-1 activations at epoch 0,
     * the mean share of the two seeds' values per slot, as hist.csv says */
    char *gp = slurp_in(out, "plots/hist.gp");
    const char *blk = strstr(gp, "# panel 1, \"relu, epoch 0\"\n");
    assert_non_null(blk);
    blk = strstr(blk, "EOD\n") + 4;
    for (int b = 0; b < SLOTS; b++) {
        double x, y, lo, hi;
        int used = 0;
        assert_int_equal(sscanf(blk, "%lf %lf %lf %lf\n%n", &x, &y, &lo, &hi, &used), 4);
        blk += used;
        /* rows b of the first group of each relu seed: seed 2's is 12 groups on */
        double want = (csv_num(&h, b, "count") + csv_num(&h, 12 * SLOTS + b, "count")) / 2 / N;
        assert_int_equal(csv_int(&h, 12 * SLOTS + b, "seed"), 2);
        if (fabs(y - want) > 1e-8)
            fail_msg("hist.gp: slot %d: %.9g, hist.csv says %.9g", b, y, want);
    }
    free(gp);

    /* the dead map of relu seed 1 (tanh's units cannot die): per layer 3
     * probes x 16 units, dead (dark, or red when just died) where
     * dead_units.csv says */
    gp = slurp_in(out, "plots/dead_map.gp");
    assert_null(strstr(gp, "$img4 "));
    int dead_cells = 0;
    for (int layer = 1; layer <= 3; layer++) {
        char head[32];
        snprintf(head, sizeof head, "$img%d << EOD\n", layer);
        blk = strstr(gp, head);
        assert_non_null(blk);
        blk += strlen(head);
        int cells = 0, dead_in[3] = {0};
        for (;;) {
            double x, y;
            int r, g, b, used = 0;
            if (sscanf(blk, "%lf %lf %d %d %d\n%n", &x, &y, &r, &g, &b, &used) != 5)
                break;
            blk += used;
            while (*blk == '\n')
                blk++;
            cells++;
            bool dark = r == 0x30 && g == 0x30 && b == 0x30, red = r == 0xd6 && g == 0x27;
            assert_in_range((long)x, 1, 3);
            dead_in[(int)x - 1] += dark || red;
        }
        assert_int_equal(cells, 3 * 16);
        for (int pr = 0; pr < 3; pr++) {
            int listed = 0;
            for (int j = 0; j < d.n_rows; j++)
                listed += !strcmp(csv_get(&d, j, "act"), "relu") &&
                          csv_int(&d, j, "seed") == 1 && csv_int(&d, j, "epoch") == 5 * pr &&
                          csv_int(&d, j, "layer") == layer;
            assert_int_equal(dead_in[pr], listed);
            dead_cells += listed;
        }
    }
    assert_true(dead_cells > 0);
    assert_non_null(strstr(gp, "(\"0\" 1, \"5\" 2, \"10\" 3)"));
    free(gp);
    csv_free(&h);
    csv_free(&l);
    csv_free(&d);

    /* no activation whose units can die: no dead map */
    const char *tanh_only[] = {"--act", "tanh,sigmoid", "--epochs", "1", "--quiet",
                               "--no-plot", "--out", out, NULL};
    run_quiet(tanh_only);
    assert_true(path_missing_in(out, "plots/dead_map.gp"));
    assert_true(file_size_in(out, "plots/hist.gp") > 0);
}

/* --format pdf,svg: each figure as a PDF and an SVG, no PNG. */
static void test_vector_figures(void **state)
{
    scratch *fx = *state;
    if (!have_gnuplot())
        skip();
    const char *out = fx->out;
    const char *args[] = {"--act", "relu", "--epochs", "1", "--quiet", "--format", "pdf,svg",
                          "--out", out, NULL};
    run_quiet(args);
    static const char *const names[] = {"grad_by_layer", "grad_by_epoch", "loss", "dead",
                                        "saturation", "functions"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "plots/%s.svg", names[i]);
        char *svg = slurp_in(out, rel);
        assert_non_null(strstr(svg, "<svg"));
        free(svg);
        snprintf(rel, sizeof rel, "plots/%s.pdf", names[i]);
        char *pdf = slurp_in(out, rel);
        assert_memory_equal(pdf, "%PDF", 4);
        free(pdf);
    }
    assert_int_equal(count_named(out, ".png"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sigmoid_relu, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_identical_initial_draws, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_determinism, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_divergence, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_seeds, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_table, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_plots_rendered, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_hist_and_dead_units, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_vector_figures, setup, scratch_teardown),
    };
    return cmocka_run_group_tests_name("test_e2e", tests, NULL, NULL);
}
