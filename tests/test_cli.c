/* test_cli.c - the actbench binary's command line: exit codes, error messages and side effects of bad input, --help, --version, --list-acts, and the network flags as config.json records them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARGS 24

/* ------------------------------------------------------------------------ */
/* Running the binary                                                        */

/* Reads the whole of fd (from the start) into a NUL-terminated buffer. */

/* Runs actbench with args[0..n), as run_actbench; r is zeroed or holds an
 * earlier run, which is freed. */
static void run_n(run_result *r, const char *const *args, int n)
{
    assert_true(n + 1 <= MAX_ARGS);
    const char *argv[MAX_ARGS];
    for (int i = 0; i < n; i++)
        argv[i] = args[i];
    argv[n] = NULL;
    run_free(r);
    run_actbench(r, argv);
}

/* Asserts that s is exactly one newline-terminated line. */
static void assert_one_line(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || s[len - 1] != '\n' || strchr(s, '\n') != s + len - 1)
        fail_msg("expected exactly one line on stderr, got \"%s\"", s);
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

/* An error report: the status, one "actbench: " line on stderr naming each
 * of needles, nothing on stdout. */
static void assert_error(const run_result *r, int status, const char *const *needles)
{
    if (r->status != status)
        fail_msg("exit status %d, expected %d; stderr: \"%s\"", r->status, status, r->err);
    assert_one_line(r->err);
    if (strncmp(r->err, "actbench: ", 10) != 0)
        fail_msg("stderr does not start with \"actbench: \": \"%s\"", r->err);
    for (int i = 0; needles && needles[i]; i++)
        assert_contains(r->err, needles[i]);
    if (r->out[0] != '\0')
        fail_msg("stdout is not empty: \"%s\"", r->out);
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

/* Removes path and, if it is a folder, everything in it. */

/* ------------------------------------------------------------------------ */
/* Fixture: a fresh temporary folder; "run" inside it is the --out path.    */

typedef struct {
    const void *data; /* the case, for table-driven tests */
    char dir[4096];
    char run[4200];
    run_result r;     /* the last run, freed by teardown */
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    fx->data = *state;
    snprintf(fx->dir, sizeof fx->dir, "%s/actbench_cli_XXXXXX", tmp_root());
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
    run_free(&fx->r);
    free(fx);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Usage errors: exit 2, detected before the run folder is created.          */

typedef struct {
    const char *name;
    const char *args[8];          /* after "--out DIR/run" */
    const char *needles[6];       /* must appear in the message */
} usage_case;

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
    {"value given to --residual", {"--residual=yes"}, {"--residual"}},
    {"too much memory", {"--width", "65536", "--depth", "1024"}, {"GiB"}},
    {"bce with three classes", {"--loss", "bce", "--data", "spiral"}, {"bce"}},
};

static void test_usage_error(void **state)
{
    fixture *fx = *state;
    const usage_case *c = fx->data;
    const char *args[MAX_ARGS];
    int n = 0;
    args[n++] = "--out";
    args[n++] = fx->run;
    for (int i = 0; c->args[i]; i++)
        args[n++] = c->args[i];
    run_result *r = &fx->r;
    run_n(r, args, n);
    assert_error(r, 2, c->needles);
    if (!path_missing(fx->run))
        fail_msg("%s: the run folder %s was created", c->name, fx->run);
    assert_int_equal(count_entries(fx->dir), 0);
    run_free(r);
}

/* ------------------------------------------------------------------------ */
/* Runtime failures: exit 1.                                                 */

static void test_csv_missing(void **state)
{
    fixture *fx = *state;
    const char *args[] = {"--out", fx->run, "--data", "csv:/nonexistent.csv", "--epochs", "1"};
    run_result *r = &fx->r;
    run_n(r, args, 6);
    assert_error(r, 1, (const char *const[]){"/nonexistent.csv", NULL});
    assert_true(path_missing(fx->run));
    assert_int_equal(count_entries(fx->dir), 0);
    run_free(r);
}

static void test_csv_ragged(void **state)
{
    fixture *fx = *state;
    char csv[4200], spec[4300];
    snprintf(csv, sizeof csv, "%s/ragged.csv", fx->dir);
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fputs("x1,x2,label\n0.5,1.5,0\n1.0,-2.0,1\n3.0,1\n-1.0,0.25,0\n", f);
    assert_int_equal(fclose(f), 0);
    snprintf(spec, sizeof spec, "csv:%s", csv);
    const char *args[] = {"--out", fx->run, "--data", spec, "--epochs", "1"};
    run_result *r = &fx->r;
    run_n(r, args, 6);
    assert_error(r, 1, (const char *const[]){csv, NULL});
    /* the message names the ragged line, line 4 */
    assert_contains(strstr(r->err, csv) + strlen(csv), "4");
    assert_true(path_missing(fx->run));
    assert_int_equal(count_entries(fx->dir), 1);
    run_free(r);
}

static void test_idx_missing(void **state)
{
    fixture *fx = *state;
    const char *args[] = {"--out", fx->run, "--data", "fashion-mnist", "--data-dir",
                          "/nonexistent", "--epochs", "1"};
    run_result *r = &fx->r;
    run_n(r, args, 8);
    assert_error(r, 1, (const char *const[]){"/nonexistent", NULL});
    assert_true(path_missing(fx->run));
    assert_int_equal(count_entries(fx->dir), 0);
    run_free(r);
}

static void test_out_in_proc(void **state)
{
    fixture *fx = *state;
    const char *args[] = {"--out", "/proc/actbench-test", "--epochs", "1", "--no-plot"};
    run_result *r = &fx->r;
    run_n(r, args, 5);
    assert_error(r, 1, (const char *const[]){"/proc/actbench-test", NULL});
    run_free(r);
}

static void test_out_under_file(void **state)
{
    fixture *fx = *state;
    char file[4200], out[4300];
    snprintf(file, sizeof file, "%s/plain", fx->dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("not a folder\n", f);
    assert_int_equal(fclose(f), 0);
    snprintf(out, sizeof out, "%s/run", file);
    const char *args[] = {"--out", out, "--epochs", "1", "--no-plot"};
    run_result *r = &fx->r;
    run_n(r, args, 5);
    assert_error(r, 1, (const char *const[]){out, NULL});
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_size, 13);
    run_free(r);
}

/* ------------------------------------------------------------------------ */
/* Informational options: exit 0, output on stdout, no run folder.           */

static void assert_quiet_success(const run_result *r, const fixture *fx)
{
    if (r->status != 0)
        fail_msg("exit status %d, expected 0; stderr: \"%s\"", r->status, r->err);
    if (r->err[0] != '\0')
        fail_msg("stderr is not empty: \"%s\"", r->err);
    assert_true(path_missing(fx->run));
}

static void test_help(void **state)
{
    fixture *fx = *state;
    const char *args[] = {"--out", fx->run, "--help"};
    run_result *r = &fx->r;
    run_n(r, args, 3);
    assert_quiet_success(r, fx);
    assert_contains(r->out, "Usage:");
    assert_contains(r->out, "Examples");
    assert_contains(r->out, "--act");
    run_free(r);

    const char *args2[] = {"--out", fx->run, "-h"};
    run_n(r, args2, 3);
    assert_quiet_success(r, fx);
    assert_contains(r->out, "Usage:");
    run_free(r);
}

static void test_version(void **state)
{
    fixture *fx = *state;
    const char *args[] = {"--out", fx->run, "--version"};
    run_result *r = &fx->r;
    run_n(r, args, 3);
    assert_quiet_success(r, fx);
    assert_int_equal(strncmp(r->out, "actbench ", 9), 0);
    /* a version such as 0.1.0: digits and dots */
    const char *v = r->out + 9;
    assert_true(v[0] >= '0' && v[0] <= '9');
    size_t n = strspn(v, "0123456789.");
    assert_true(n >= 1);
    assert_string_equal(v + n, "\n");
    run_free(r);
}

static void test_list_acts(void **state)
{
    fixture *fx = *state;
    static const char *const names[] = {
        "identity", "step", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "selu",
        "gelu", "gelu_tanh", "silu", "softplus", "mish", "softsign", "hardtanh", "relu6"};
    const char *args[] = {"--out", fx->run, "--list-acts"};
    run_result *r = &fx->r;
    run_n(r, args, 3);
    assert_quiet_success(r, fx);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        /* the name as the first word of a line */
        int found = 0;
        size_t len = strlen(names[i]);
        for (const char *line = r->out; line && *line;) {
            if (strncmp(line, names[i], len) == 0 && (line[len] == ' ' || line[len] == '\t'))
                found = 1;
            line = strchr(line, '\n');
            if (line)
                line++;
        }
        if (!found)
            fail_msg("--list-acts does not list %s:\n%s", names[i], r->out);
    }
    run_free(r);
}

/* ------------------------------------------------------------------------ */
/* The network flags: accepted, and recorded in config.json's "network".     */

/* Runs a tiny training with extra[0..n) and returns config.json (malloc'd). */
static char *run_config(fixture *fx, const char *const *extra, int n)
{
    const char *args[MAX_ARGS] = {"--out", fx->run, "--act", "relu,sigmoid", "--depth", "3",
                                  "--width", "8", "--epochs", "1", "--samples", "120",
                                  "--no-plot", "--quiet"};
    int k = 14;
    for (int i = 0; i < n; i++)
        args[k++] = extra[i];
    run_result *r = &fx->r;
    run_n(r, args, k);
    if (r->status != 0)
        fail_msg("exit status %d, expected 0; stderr: \"%s\"", r->status, r->err);
    if (r->err[0] != '\0' || r->out[0] != '\0')
        fail_msg("--quiet run printed: \"%s\" \"%s\"", r->out, r->err);
    char path[4300];
    snprintf(path, sizeof path, "%s/config.json", fx->run);
    char *cfg = slurp(path);
    if (!cfg)
        fail_msg("cannot read %s", path);
    remove_tree(fx->run);
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
    fixture *fx = *state;
    static const struct {
        const char *args[2];
        int n;
        const char *bn, *res;
    } cases[] = {
        {{NULL}, 0, "\"batchnorm\": false", "\"residual\": false"},
        {{"--batchnorm"}, 1, "\"batchnorm\": true", "\"residual\": false"},
        {{"--residual"}, 1, "\"batchnorm\": false", "\"residual\": true"},
        {{"--residual", "--batchnorm"}, 2, "\"batchnorm\": true", "\"residual\": true"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *cfg = run_config(fx, cases[i].args, cases[i].n);
        const char *net = network_object(cfg);
        assert_contains(net, cases[i].bn);
        assert_contains(net, cases[i].res);
        free(cfg);
    }
}

static void test_network_flags_in_help(void **state)
{
    fixture *fx = *state;
    const char *args[] = {"--out", fx->run, "--help"};
    run_result *r = &fx->r;
    run_n(r, args, 3);
    assert_quiet_success(r, fx);
    assert_contains(r->out, "--batchnorm");
    assert_contains(r->out, "--residual");
    run_free(r);
}

/* ------------------------------------------------------------------------ */

int main(void)
{
    enum { N_USAGE = sizeof usage_cases / sizeof usage_cases[0] };
    struct CMUnitTest tests[N_USAGE + 16];
    int n = 0;
    for (int i = 0; i < N_USAGE; i++)
        tests[n++] = (struct CMUnitTest){usage_cases[i].name, test_usage_error, setup, teardown,
                                         (void *)&usage_cases[i]};
    const struct CMUnitTest rest[] = {
        cmocka_unit_test_setup_teardown(test_csv_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_ragged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idx_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_in_proc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_under_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_help, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_acts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_network_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_network_flags_in_help, setup, teardown),
    };
    for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++)
        tests[n++] = rest[i];
    return _cmocka_run_group_tests("test_cli", tests, (size_t)n, NULL, NULL);
}
