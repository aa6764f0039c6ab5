/* test_cli.c - the actbench binary's command line: exit codes, error messages and side effects of bad input, --help, --version, --list-acts, and the network flags as config.json records them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* Fixture: a fresh temporary folder; "run" inside it is the --out path.    */

static int setup(void **state)
{
    return scratch_setup(state, sizeof(scratch), "cli", "run");
}

/* Runs --out RUN flag: exit 0, nothing on stderr, no run folder. */
static void run_info(scratch *fx, const char *flag)
{
    run_free(&fx->r);
    run_actbench(&fx->r, (const char *const[]){"--out", fx->out, flag, NULL});
    assert_info_run(fx);
}

/* ------------------------------------------------------------------------ */
/* Usage errors: exit 2, detected before the run folder is created.          */

static const usage_case usage_cases[] = {
    {"unknown activation", {"--act", "foo"},
     {"'foo'", "sigmoid", "relu", "tanh", "leaky_relu"}},
    {"unknown data set", {"--data", "nosuchdata"}, {"nosuchdata", "spiral"}},
    {"unknown optimizer", {"--optimizer", "sgdx"}, {"sgdx", "adam"}},
    {"unknown init", {"--init", "xavierx"}, {"xavierx", "he"}},
    {"unknown loss", {"--loss", "mse"}, {"mse", "ce"}},
    {"depth 0", {"--depth", "0"}, {"--depth"}},
    {"width 0", {"--width", "0"}, {"--width"}},
    {"batch 0", {"--batch", "0"}, {"--batch"}},
    {"epochs -1", {"--epochs", "-1"}, {"--epochs", "-1"}},
    {"seeds 0", {"--seeds", "0"}, {"--seeds"}},
    {"lr 0", {"--lr", "0"}, {"--lr"}},
    {"lr -1", {"--lr", "-1"}, {"--lr", "-1"}},
    {"depth not a number", {"--depth", "abc"}, {"--depth", "abc"}},
    {"depth trailing garbage", {"--depth", "6x"}, {"--depth", "6x"}},
    {"lr trailing garbage", {"--lr", "0.1x"}, {"--lr", "0.1x"}},
    {"activation parameter not a number", {"--act", "leaky_relu:abc"}, {"leaky_relu:abc"}},
    {"parameter to relu", {"--act", "relu:1"}, {"relu:1"}},
    {"duplicate activation", {"--act", "relu,relu"}, {"relu"}},
    {"empty activation item", {"--act", "relu,,tanh"}, {"relu,,tanh"}},
    {"unknown option", {"--bogus"}, {"--bogus"}},
    {"missing value", {"--depth"}, {"--depth"}},
    {"value given to a flag", {"--no-plot=x"}, {"--no-plot"}},
    {"value given to --batchnorm", {"--batchnorm=1"}, {"--batchnorm"}},
    {"bad value given to --residual", {"--residual=maybe"}, {"--residual", "'maybe'", "yes"}},
    {"too much memory", {"--width", "65536", "--depth", "1000"},
     {"--width 65536", "--depth 1000", "GiB of memory", "GiB available"}},
    {"too much memory at once", {"--width", "65536", "--depth", "8", "--seeds", "4", "-j4"},
     {"4 runs at once (-j)", "GiB available", "smaller -j"}},
    {"threads 0", {"--threads", "0"}, {"--threads", "0", "accepted: 1.."}},
    {"threads not a number", {"--threads", "two"}, {"--threads", "'two'", "accepted: 1.."}},
    {"threads far too many", {"--threads", "1000000"}, {"--threads", "1000000", "accepted: 1.."}},
    {"jobs 0", {"-j", "0"}, {"--jobs", "0", "accepted: 1..256"}},
    {"jobs too many", {"--jobs", "257"}, {"--jobs", "257", "accepted: 1..256"}},
    {"jobs not a number", {"--jobs", "2x"}, {"--jobs", "'2x'"}},
    {"jobs without a value", {"-j"}, {"-j"}},
    {"bce with three classes", {"--loss", "bce", "--data", "spiral"}, {"bce"}},
    /* long options in full; an option with a value once */
    {"abbreviated option", {"--dept", "6"}, {"--dept: unknown option (did you mean --depth?)"}},
    {"abbreviated option with =", {"--dept=6"}, {"--dept: unknown option", "--depth?"}},
    {"abbreviated flag", {"--no-pl"}, {"--no-pl: unknown option (did you mean --no-plot?)"}},
    {"repeated --act", {"--act", "relu", "--act", "tanh"},
     {"--act: given twice", "--act relu,tanh"}},
    {"repeated --depth", {"--depth", "4", "--depth=6"}, {"--depth: given twice"}},
    {"repeated --out", {"--out", "/nonexistent/elsewhere"}, {"--out: given twice"}},
    {"-j then --jobs", {"-j", "2", "--jobs", "2"}, {"--jobs: given twice"}},
    {"unknown format", {"--format", "png,eps"},
     {"--format: 'eps' is not a format (accepted: png, pdf, svg, comma separated)"}},
    {"format twice in the list", {"--format", "pdf,svg,pdf"}, {"--format: pdf given twice"}},
    {"empty format", {"--format", ""}, {"--format: no format given"}},
    {"repeated --format", {"--format", "pdf", "--format", "svg"}, {"--format: given twice"}},
};

/* The case after "--out DIR/run". */
static void test_usage_error(void **state)
{
    scratch *fx = *state;
    check_usage_case(fx, (const char *const[]){"--out", fx->out, NULL}, fx->data);
}

/* ------------------------------------------------------------------------ */
/* Runtime failures: exit 1.                                                 */

/* A weights folder that holds the default run folders (runs/) is refused
 * before anything is made: replacing it would take them along. */
static void test_weights_hold_runs(void **state)
{
    scratch *fx = *state;
    run_actbench(&fx->r, (const char *const[]){"--save-weights", "./runs/", "--epochs", "0",
                                               "--no-plot", NULL});
    assert_error(NULL, &fx->r, 2, (const char *const[]){"--save-weights: ./runs/",
                                                       "run folders in runs", NULL});
}

static void test_csv_missing(void **state)
{
    scratch *fx = *state;
    run_actbench(&fx->r, (const char *const[]){"--out", fx->out, "--data", "csv:/nonexistent.csv",
                                               "--epochs", "1", NULL});
    assert_error(NULL, &fx->r, 1, (const char *const[]){"/nonexistent.csv", NULL});
    assert_out_missing(fx, "csv missing", 0);
}

static void test_csv_ragged(void **state)
{
    scratch *fx = *state;
    char csv[4300], spec[4400];
    write_file(csv, sizeof csv, fx->dir, "ragged.csv",
               "x1,x2,label\n0.5,1.5,0\n1.0,-2.0,1\n3.0,1\n-1.0,0.25,0\n");
    snprintf(spec, sizeof spec, "csv:%s", csv);
    run_result *r = &fx->r;
    run_actbench(r, (const char *const[]){"--out", fx->out, "--data", spec, "--epochs", "1",
                                          NULL});
    assert_error(NULL, r, 1, (const char *const[]){csv, NULL});
    /* the message names the ragged line, line 4 */
    assert_contains(strstr(r->err, csv) + strlen(csv), "4");
    assert_out_missing(fx, "csv ragged", 1);
}

/* Endless or binary input ends at once with one line and leaves nothing. */
static void test_csv_endless(void **state)
{
    scratch *fx = *state;
    static const char *const devs[][2] = {{"csv:/dev/zero", "/dev/zero:1: NUL byte in line"},
                                          {"csv:/dev/urandom", "/dev/urandom:"}};
    for (size_t i = 0; i < N_OF(devs); i++) {
        run_free(&fx->r);
        run_actbench(&fx->r, (const char *const[]){"--out", fx->out, "--data", devs[i][0],
                                                   "--epochs", "1", NULL});
        assert_error(devs[i][0], &fx->r, 1, (const char *const[]){devs[i][1], NULL});
        assert_out_missing(fx, devs[i][0], 0);
    }
}

/* Under `ulimit -f` a write past the limit must not kill actbench (SIGXFSZ)
 * and leave a .tmp file: it fails like a full disk, one line, exit 1, and
 * nothing is left, whichever file hits the limit and whatever -j. */
static void test_file_size_limit(void **state)
{
    scratch *fx = *state;
    char w[4300];
    snprintf(w, sizeof w, "%s/weights", fx->dir);
    /* a CSV file, a CSV file of a -j child, a weights file (W2.npy: 16 KiB) */
    static const char *const extra[][5] = {
        {"--no-plot"},
        {"--seeds", "2", "-j", "2"},
        {"--save-weights", "WEIGHTS", "--width", "64"},
    };
    for (size_t i = 0; i < N_OF(extra); i++) {
        const char *args[16] = {"--out", fx->out, "--epochs", "2", "--samples", "200"};
        int n = 6;
        for (int k = 0; k < 5 && extra[i][k]; k++)
            args[n++] = strcmp(extra[i][k], "WEIGHTS") ? extra[i][k] : w;
        args[n] = NULL;
        run_free(&fx->r);
        run_ulimit_f(&fx->r, args, 8192);
        char what[32];
        snprintf(what, sizeof what, "ulimit case %zu", i);
        assert_error(what, &fx->r, 1, (const char *const[]){"File too large", NULL});
        assert_out_missing(fx, what, 0);
    }
}

static void test_idx_missing(void **state)
{
    scratch *fx = *state;
    run_actbench(&fx->r, (const char *const[]){"--out", fx->out, "--data", "fashion-mnist",
                                               "--data-dir", "/nonexistent", "--epochs", "1",
                                               NULL});
    assert_error(NULL, &fx->r, 1, (const char *const[]){"/nonexistent", NULL});
    assert_out_missing(fx, "idx missing", 0);
}

static void test_out_in_proc(void **state)
{
    scratch *fx = *state;
    run_actbench(&fx->r, (const char *const[]){"--out", "/proc/actbench-test", "--epochs", "1",
                                               "--no-plot", NULL});
    assert_error(NULL, &fx->r, 1, (const char *const[]){"/proc/actbench-test", NULL});
}

static void test_out_under_file(void **state)
{
    scratch *fx = *state;
    char file[4300], out[4400];
    write_file(file, sizeof file, fx->dir, "plain", "not a folder\n");
    snprintf(out, sizeof out, "%s/run", file);
    run_actbench(&fx->r, (const char *const[]){"--out", out, "--epochs", "1", "--no-plot", NULL});
    assert_error(NULL, &fx->r, 1, (const char *const[]){out, NULL});
    assert_int_equal(file_size(file), 13); /* still the plain file */
}

/* ------------------------------------------------------------------------ */
/* Informational options: exit 0, output on stdout, no run folder.           */

static void test_help(void **state)
{
    scratch *fx = *state;
    run_info(fx, "--help");
    assert_contains(fx->r.out, "Usage:");
    assert_contains(fx->r.out, "Examples");
    assert_contains(fx->r.out, "--act");
    run_info(fx, "-h");
    assert_contains(fx->r.out, "Usage:");
}

static void test_version(void **state)
{
    scratch *fx = *state;
    run_info(fx, "--version");
    assert_int_equal(strncmp(fx->r.out, "actbench ", 9), 0);
    /* a version such as 0.1.0: digits and dots */
    const char *v = fx->r.out + 9;
    assert_true(v[0] >= '0' && v[0] <= '9');
    size_t n = strspn(v, "0123456789.");
    assert_true(n >= 1);
    /* and, built from a git checkout, its commit: " (git 0123456789ab[-dirty])" */
    if (v[n] == ' ') {
        assert_int_equal(strncmp(v + n, " (git ", 6), 0);
        const char *h = v + n + 6, *end = strstr(h, ")\n");
        assert_non_null(end);
        assert_true(end - h >= 7);
        assert_string_equal(end, ")\n");
    } else {
        assert_string_equal(v + n, "\n");
    }
}

static void test_list_acts(void **state)
{
    scratch *fx = *state;
    static const char *const names[] = {
        "identity", "step", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "selu",
        "gelu", "gelu_tanh", "silu", "softplus", "mish", "softsign", "hardtanh", "relu6"};
    run_info(fx, "--list-acts");
    for (size_t i = 0; i < N_OF(names); i++) {
        /* the name as the first word of a line */
        int found = 0;
        size_t len = strlen(names[i]);
        for (const char *line = fx->r.out; line && *line;) {
            if (strncmp(line, names[i], len) == 0 && (line[len] == ' ' || line[len] == '\t'))
                found = 1;
            line = strchr(line, '\n');
            if (line)
                line++;
        }
        if (!found)
            fail_msg("--list-acts does not list %s:\n%s", names[i], fx->r.out);
    }
}

/* ------------------------------------------------------------------------ */
/* The network flags: accepted, and recorded in config.json's "network".     */

/* Runs a tiny training with extra (NULL-terminated) and returns config.json
 * (malloc'd). */
static char *run_config(scratch *fx, const char *const *extra)
{
    run_result *r = &fx->r;
    run_free(r);
    run_with(r,
             (const char *const[]){"--out", fx->out, "--act", "relu,sigmoid", "--depth", "3",
                                   "--width", "8", "--epochs", "1", "--samples", "120",
                                   "--no-plot", "--quiet", NULL},
             extra);
    assert_quiet(r);
    char *cfg = slurp_in(fx->out, "config.json");
    remove_tree(fx->out);
    return cfg;
}

/* The "network" object of config.json, cut at its closing brace. */
static char *network_object(char *cfg)
{
    char *net = strstr(cfg, "\"network\": {");
    if (!net)
        fail_msg("config.json has no \"network\" object: %s", cfg);
    char *end = strchr(net, '}');
    assert_non_null(end);
    end[1] = '\0';
    return net;
}

static void test_network_flags(void **state)
{
    scratch *fx = *state;
    static const struct {
        const char *args[3];
        const char *bn, *res;
    } cases[] = {
        {{NULL}, "\"batchnorm\": false", "\"residual\": false"},
        {{"--batchnorm"}, "\"batchnorm\": true", "\"residual\": false"},
        {{"--residual"}, "\"batchnorm\": false", "\"residual\": true"},
        {{"--residual", "--batchnorm"}, "\"batchnorm\": true", "\"residual\": true"},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        char *cfg = run_config(fx, cases[i].args);
        const char *net = network_object(cfg);
        assert_contains(net, cases[i].bn);
        assert_contains(net, cases[i].res);
        free(cfg);
    }
}

static void test_network_flags_in_help(void **state)
{
    scratch *fx = *state;
    run_info(fx, "--help");
    assert_contains(fx->r.out, "--batchnorm");
    assert_contains(fx->r.out, "--residual");
    assert_contains(fx->r.out, "--threads N");
    assert_contains(fx->r.out, "-j, --jobs N");
    /* the defaults of -j and the threads, and the one-thread rule */
    assert_contains(fx->r.out, "Default: 1 with --threads (or OPENBLAS_NUM_THREADS), else\n"
                               "                      min(runs, cores)");
    assert_contains(fx->r.out, "fan_out) is at most 262144");
}

/* --threads and -j are recorded; the default is every core (or
 * OPENBLAS_NUM_THREADS), and -j beyond the number of runs is that number. */
static void test_threads_jobs_recorded(void **state)
{
    scratch *fx = *state;
    static const struct {
        const char *args[5];
        const char *want[2];
    } cases[] = {
        {{"--threads", "1"}, {"\"threads\": 1,\n  \"jobs\": 1,\n", "\"threads\": 1}"}},
        {{"--threads", "3", "-j", "3"}, {"\"threads\": 3,\n  \"jobs\": 2,\n", "\"threads\": 1}"}},
        {{"--threads", "4", "--jobs", "2"},
         {"\"threads\": 4,\n  \"jobs\": 2,\n", "\"threads\": 2}"}},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        char *cfg = run_config(fx, cases[i].args);
        assert_contains(cfg, cases[i].want[0]);
        assert_contains(cfg, cases[i].want[1]);
        assert_contains(cfg, "\"memory\": {\"peak_rss_mib\": ");
        free(cfg);
    }
}

/* Unless told -j or the threads (--threads or OPENBLAS_NUM_THREADS), the
 * main command trains min(runs, cores) runs at once and gives a network at or
 * below the one-thread rule (train.h) one BLAS thread: "threads" records the
 * threads in all, "jobs" the runs at once, "blas.threads" each run's count.
 * Told the threads, one run at a time with all of them, however small the
 * network. */
static void test_default_jobs_threads(void **state)
{
    scratch *fx = *state;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    int cores = online >= 1 ? (int)online : 1;
    char def[64], jobs2[64], big[64];
    snprintf(def, sizeof def, "\"threads\": %d,\n  \"jobs\": %d,\n", cores, cores < 2 ? cores : 2);
    snprintf(jobs2, sizeof jobs2, "\"threads\": %d,\n  \"jobs\": 1,\n", cores);
    snprintf(big, sizeof big, "\"threads\": %d}", cores);
    static const char *const narrow[] = {"--act", "relu,sigmoid", "--width", "8", NULL};
    static const char *const wide[] = {"--act", "relu,sigmoid", "--width", "512", "--batch",
                                       "128", "-j", "1", NULL};
    const struct {
        const char *env; /* OPENBLAS_NUM_THREADS; NULL: unset */
        const char *const *args;
        const char *want[2];
    } cases[] = {
        /* the default: two runs (relu, sigmoid) at once on two cores, a
         * network of width 8 on one thread each */
        {NULL, narrow, {def, "\"threads\": 1}"}},
        /* -j 1: one run at a time, still one thread for width 8 ... */
        {NULL, (const char *const[]){"--act", "relu,sigmoid", "--width", "8", "-j", "1", NULL},
         {jobs2, "\"threads\": 1}"}},
        /* ... and every core for width 512 at batch 128 (8.4M > the rule) */
        {NULL, wide, {jobs2, big}},
        /* told the threads: all of them for each run, one run at a time */
        {NULL, (const char *const[]){"--act", "relu,sigmoid", "--width", "8", "--threads", "2", NULL},
         {"\"threads\": 2,\n  \"jobs\": 1,\n", "\"threads\": 2}"}},
        {"2", narrow, {"\"threads\": 2,\n  \"jobs\": 1,\n", "\"threads\": 2}"}},
        {"1", narrow, {"\"threads\": 1,\n  \"jobs\": 1,\n", "\"threads\": 1}"}},
    };
    const char *old = getenv("OPENBLAS_NUM_THREADS");
    char *saved = old ? strdup(old) : NULL;
    for (size_t i = 0; i < N_OF(cases); i++) {
        if (cases[i].env)
            setenv("OPENBLAS_NUM_THREADS", cases[i].env, 1);
        else
            unsetenv("OPENBLAS_NUM_THREADS");
        run_free(&fx->r);
        run_with(&fx->r,
                 (const char *const[]){"--out", fx->out, "--depth", "3", "--epochs", "0",
                                       "--samples", "120", "--no-plot", "--quiet", NULL},
                 cases[i].args);
        assert_quiet(&fx->r);
        char *cfg = slurp_in(fx->out, "config.json");
        remove_tree(fx->out);
        for (int k = 0; k < 2; k++)
            if (!strstr(cfg, cases[i].want[k]))
                fail_msg("case %zu: config.json lacks '%s':\n%s", i, cases[i].want[k], cfg);
        free(cfg);
    }
    if (saved)
        setenv("OPENBLAS_NUM_THREADS", saved, 1);
    else
        unsetenv("OPENBLAS_NUM_THREADS");
    free(saved);
}

/* config.json says whether row 1 of the CSV files was skipped as a header. */
static void test_csv_header_recorded(void **state)
{
    scratch *fx = *state;
    char train[4300], test[4300], spec[4400];
    write_file(train, sizeof train, fx->dir, "train.csv",
               "\xEF\xBB\xBFx1,x2,label\n0.5,1.5,0\n1.0,-2.0,1\n3.0,1,0\n-1.0,0.25,1\n");
    write_file(test, sizeof test, fx->dir, "test.csv", "\xEF\xBB\xBF" "0.5,1,0\n2,3,1\n");
    snprintf(spec, sizeof spec, "csv:%s", train);
    char *cfg = run_config(fx, (const char *const[]){"--data", spec, "--test-data", test, NULL});
    assert_contains(cfg, "\"train\": 4, \"test\": 2,");
    assert_contains(cfg, "\"header\": true, \"test_header\": false}");
    free(cfg);
    cfg = run_config(fx, (const char *const[]){"--data", "xor", NULL});
    assert_contains(cfg, "\"header\": false}");
    free(cfg);
}

/* OPENBLAS_NUM_THREADS is the default of --threads: a value --threads would
 * refuse is refused (exit 2, one line naming it), not ignored; --threads
 * makes it irrelevant. */
static void test_openblas_env(void **state)
{
    scratch *fx = *state;
    static const char *const bad[] = {"abc", "0", "-1", "100000", "2x"};
    const char *old = getenv("OPENBLAS_NUM_THREADS");
    char *saved = old ? strdup(old) : NULL;
    for (size_t i = 0; i < N_OF(bad); i++) {
        char want[64];
        snprintf(want, sizeof want, "OPENBLAS_NUM_THREADS: '%s'", bad[i]);
        setenv("OPENBLAS_NUM_THREADS", bad[i], 1);
        run_free(&fx->r);
        run_actbench(&fx->r, (const char *const[]){"--out", fx->out, "--epochs", "0", "--no-plot",
                                                   "-q", NULL});
        assert_error(bad[i], &fx->r, 2, (const char *const[]){want, "accepted: 1..", NULL});
        assert_out_missing(fx, bad[i], 0);
        run_free(&fx->r);
        run_actbench(&fx->r, (const char *const[]){"bench-gemm", "--batch", "2", "--layers",
                                                   "2,2", "--repeats", "1", NULL});
        assert_error(bad[i], &fx->r, 2, (const char *const[]){want, NULL});
    }
    run_free(&fx->r);
    run_actbench(&fx->r, (const char *const[]){"--out", fx->out, "--epochs", "0", "--no-plot",
                                               "-q", "--threads", "1", NULL});
    assert_quiet(&fx->r);
    if (saved)
        setenv("OPENBLAS_NUM_THREADS", saved, 1);
    else
        unsetenv("OPENBLAS_NUM_THREADS");
    free(saved);
}

/* A split too small to hold a test sample says so once on stderr; the table
 * names the training columns it shows, and summary.csv's test cells are
 * empty. */
static void test_empty_test_set(void **state)
{
    scratch *fx = *state;
    char csv[4300], spec[4400];
    write_file(csv, sizeof csv, fx->dir, "two.csv", "x,label\n0.5,0\n1.5,1\n");
    snprintf(spec, sizeof spec, "csv:%s", csv);
    run_result *r = &fx->r;
    run_actbench(r, (const char *const[]){"--out", fx->out, "--data", spec, "--act", "relu",
                                          "--epochs", "1", "--no-plot", NULL});
    assert_exit_ok(r);
    const char *w = strstr(r->err, "warning: --test-frac 0.2 of 2 samples leaves no test set");
    assert_non_null(w);
    assert_null(strstr(strstr(w, "leaves") + 1, "leaves no test set")); /* once */
    assert_contains(r->out, " train_acc train_loss ");
    assert_null(strstr(r->out, "test_acc"));
    char *sum = slurp_in(fx->out, "summary.csv");
    char *row = strchr(sum, '\n') + 1, *cells[20];
    assert_int_equal(split_commas(row, cells, 20), 15);
    assert_string_equal(cells[7], ""); /* final_test_loss */
    assert_string_equal(cells[8], ""); /* final_test_acc */
    assert_true(cells[6][0] != '\0'); /* final_train_acc */
    free(sum);
}

/* ------------------------------------------------------------------------ */

int main(void)
{
    static const struct CMUnitTest rest[] = {
        cmocka_unit_test_setup_teardown(test_weights_hold_runs, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_csv_missing, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_csv_ragged, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_csv_endless, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_file_size_limit, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_csv_header_recorded, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_idx_missing, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_out_in_proc, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_out_under_file, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_help, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_version, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_list_acts, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_network_flags, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_network_flags_in_help, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_threads_jobs_recorded, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_default_jobs_threads, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_openblas_env, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_empty_test_set, setup, scratch_teardown),
    };
    test_list l = {0};
    TESTS_ADD_CASES(&l, test_usage_error, usage_cases, setup, scratch_teardown);
    TESTS_ADD(&l, rest);
    return tests_run(&l, "test_cli");
}
