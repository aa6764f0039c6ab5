/* test_jobs.c - determinism, --threads and -j: the same command writes the
 * same numbers, and -j N --threads T writes exactly what -j 1 --threads
 * max(1, T/N) writes (docs/usage.md, "Determinism"); the default, several runs at
 * once on one thread each, writes what --threads 1 writes; a failing run
 * under -j is one error line and no run folder; config.json's threads, jobs
 * and memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* Fixture: a temporary folder holding wide.csv and the run folders.         */

typedef struct {
    scratch s;
    char csv_spec[4400]; /* "csv:DIR/wide.csv" */
} fixture;

/* 40 samples of 784 features (Fashion-MNIST's input width), 3 classes, from
 * a fixed LCG.  At this width OpenBLAS 0.3.21 (its Cooperlake, SkylakeX,
 * Sandybridge, Haswell and Zen kernels) splits the first layer's products
 * between threads in a way that changes their last bits, so a run with 2 BLAS
 * threads differs from one with 1: the comparisons below can tell which
 * thread count a run used. */
static void write_wide_csv(fixture *fx)
{
    enum { ROWS = 40, COLS = 784 };
    size_t cap = (size_t)ROWS * (COLS * 8 + 8) + 1, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    uint64_t x = 12345;
    for (int i = 0; i < ROWS; i++) {
        for (int j = 0; j < COLS; j++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            int v = (int)((x >> 33) % 2001) - 1000; /* -1.000 .. 1.000 */
            len += (size_t)snprintf(text + len, cap - len, "%s%.3f", j ? "," : "", v / 1000.0);
        }
        len += (size_t)snprintf(text + len, cap - len, ",%d\n", i % 3);
    }
    char path[4300];
    write_file(path, sizeof path, fx->s.dir, "wide.csv", text);
    snprintf(fx->csv_spec, sizeof fx->csv_spec, "csv:%s", path);
    free(text);
}

static int setup(void **state)
{
    if (scratch_setup(state, sizeof(fixture), "jobs", "run") != 0)
        return -1;
    write_wide_csv(*state);
    return 0;
}

static void run_path(char *out, size_t n, const fixture *fx, const char *name)
{
    assert_true((size_t)snprintf(out, n, "%s/%s", fx->s.dir, name) < n);
}

/* Trains 4 runs (relu, tanh x seeds 1, 2) on wide.csv into DIR/name, with
 * extra options (NULL-terminated); fails unless the run is quiet and ok. */
static void train(const fixture *fx, const char *name, const char *const *extra)
{
    char out[4200];
    run_path(out, sizeof out, fx, name);
    run_result r;
    run_with(&r,
             (const char *const[]){"--data", fx->csv_spec, "--act", "relu,tanh", "--seeds", "2",
                                   "--depth", "2", "--width", "64", "--batch", "8", "--epochs",
                                   "2", "--quiet", "--no-plot", "--out", out, NULL},
             extra);
    assert_quiet(&r);
    run_free(&r);
}

/* ------------------------------------------------------------------------ */
/* Comparing run folders                                                     */

/* text with the column named col (if any) taken out of every line (malloc'd). */
static char *drop_column(const char *text, const char *col)
{
    int k = -1;
    size_t clen = strlen(col);
    const char *p = text;
    for (int i = 0;; i++) {
        size_t cell = strcspn(p, ",\n");
        if (cell == clen && strncmp(p, col, clen) == 0) {
            k = i;
            break;
        }
        if (p[cell] != ',')
            break;
        p += cell + 1;
    }
    char *out = malloc(strlen(text) + 1), *o = out;
    assert_non_null(out);
    for (p = text; *p;) {
        bool first = true;
        for (int i = 0;; i++) {
            size_t cell = strcspn(p, ",\n");
            if (i != k) {
                if (!first)
                    *o++ = ',';
                memcpy(o, p, cell);
                o += cell;
                first = false;
            }
            p += cell;
            if (*p != ',')
                break;
            p++;
        }
        if (*p == '\n')
            *o++ = *p++;
    }
    *o = '\0';
    return out;
}

/* Whether DIR/a/NAME and DIR/b/NAME hold the same text once their seconds
 * columns are dropped; on a difference, its first line goes to why. */
static bool same_numbers(const fixture *fx, const char *a, const char *b, const char *name,
                         char *why, size_t n)
{
    char da[4200], db[4200];
    run_path(da, sizeof da, fx, a);
    run_path(db, sizeof db, fx, b);
    char *ta = slurp_in(da, name), *tb = slurp_in(db, name);
    char *sa = drop_column(ta, "seconds"), *sb = drop_column(tb, "seconds");
    assert_true(strlen(sa) > 100); /* rows, not just a header */
    bool same = strcmp(sa, sb) == 0;
    if (!same) {
        const char *pa = sa, *pb = sb;
        int line = 1;
        while (*pa && *pa == *pb) {
            line += *pa == '\n';
            pa++;
            pb++;
        }
        snprintf(why, n, "%s line %d: \"%.80s\" vs \"%.80s\"", name, line, pa, pb);
    }
    free(ta);
    free(tb);
    free(sa);
    free(sb);
    return same;
}

static const char *const CSVS[] = {"loss.csv", "layers.csv", "summary.csv", "functions.csv",
                                   "hist.csv"};

static void assert_same_numbers(const fixture *fx, const char *a, const char *b)
{
    char why[512];
    for (size_t i = 0; i < N_OF(CSVS); i++)
        if (!same_numbers(fx, a, b, CSVS[i], why, sizeof why))
            fail_msg("%s and %s differ: %s", a, b, why);
    /* dead_units.csv may hold only its header: no unit died */
    char da[4200], db[4200];
    run_path(da, sizeof da, fx, a);
    run_path(db, sizeof db, fx, b);
    char *ta = slurp_in(da, "dead_units.csv"), *tb = slurp_in(db, "dead_units.csv");
    if (strcmp(ta, tb) != 0)
        fail_msg("%s and %s differ: dead_units.csv", a, b);
    free(ta);
    free(tb);
}

/* ------------------------------------------------------------------------ */
/* The same command twice: the same numbers, with and without -j            */

static void test_same_command_twice(void **state)
{
    fixture *fx = *state;
    train(fx, "t2-a", (const char *const[]){"--threads", "2", NULL});
    train(fx, "t2-b", (const char *const[]){"--threads", "2", NULL});
    assert_same_numbers(fx, "t2-a", "t2-b");
    train(fx, "j2-a", (const char *const[]){"-j", "2", "--threads", "2", NULL});
    train(fx, "j2-b", (const char *const[]){"-j", "2", "--threads", "2", NULL});
    assert_same_numbers(fx, "j2-a", "j2-b");
}

/* drop_column keeps every other cell, empty ones too. */
static void test_drop_column(void **state)
{
    (void)state;
    char *s = drop_column("a,seconds,b\n1,2,3\n,,\n4,5,\n", "seconds");
    assert_string_equal(s, "a,b\n1,3\n,\n4,\n");
    free(s);
    s = drop_column("a,b,seconds\n1,2,3\n", "seconds");
    assert_string_equal(s, "a,b\n1,2\n");
    free(s);
    s = drop_column("a,b\n1,2\n", "seconds");
    assert_string_equal(s, "a,b\n1,2\n");
    free(s);
}

/* ------------------------------------------------------------------------ */
/* -j N --threads T writes what --threads max(1, T/N) writes without -j     */

static void test_jobs_match_sequential(void **state)
{
    fixture *fx = *state;
    train(fx, "t1", (const char *const[]){"--threads", "1", NULL});
    train(fx, "t2", (const char *const[]){"--threads", "2", NULL});
    /* T/N = 1 */
    train(fx, "j2t2", (const char *const[]){"-j", "2", "--threads", "2", NULL});
    assert_same_numbers(fx, "t1", "j2t2");
    /* T/N = 2 */
    train(fx, "j2t4", (const char *const[]){"--jobs", "2", "--threads", "4", NULL});
    assert_same_numbers(fx, "t2", "j2t4");
    /* 4 runs 3 at once: 7/3 = 2 threads each */
    train(fx, "j3t7", (const char *const[]){"-j", "3", "--threads", "7", NULL});
    assert_same_numbers(fx, "t2", "j3t7");
    /* more jobs than runs: 4 at once, max(1, 2/4) = 1 thread each */
    train(fx, "j9t2", (const char *const[]){"-j9", "--threads", "2", NULL});
    assert_same_numbers(fx, "t1", "j9t2");
    /* one job is the sequential path itself */
    train(fx, "j1t2", (const char *const[]){"-j", "1", "--threads", "2", NULL});
    assert_same_numbers(fx, "t2", "j1t2");
    /* the default, told neither: min(4, cores) runs at once, each on one BLAS
     * thread (a network below the one-thread rule), as --threads 1 */
    const char *env = getenv("OPENBLAS_NUM_THREADS");
    char *saved = env ? strdup(env) : NULL;
    unsetenv("OPENBLAS_NUM_THREADS");
    train(fx, "default", NULL);
    if (saved)
        setenv("OPENBLAS_NUM_THREADS", saved, 1);
    free(saved);
    assert_same_numbers(fx, "t1", "default");
    char dir[4200], jobs[32];
    run_path(dir, sizeof dir, fx, "default");
    char *cfg = slurp_in(dir, "config.json");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    snprintf(jobs, sizeof jobs, "\"jobs\": %ld,", cores < 4 ? (cores > 1 ? cores : 1) : 4);
    assert_contains(cfg, jobs);
    assert_contains(cfg, "\"threads\": 1}");
    free(cfg);

    /* --math libc, with the runs in -j children: the same files as one at a
     * time, functions.csv (the parent's) included; and not SLEEF's */
    train(fx, "libc1", (const char *const[]){"--math", "libc", "--threads", "1", NULL});
    train(fx, "libc2", (const char *const[]){"--math", "libc", "-j", "2", "--threads", "2", NULL});
    assert_same_numbers(fx, "libc1", "libc2");
    char why0[512];
    assert_false(same_numbers(fx, "t1", "libc1", "functions.csv", why0, sizeof why0));

    /* and the test can see a thread count: 1 and 2 threads differ here (on
     * the x86-64 OpenBLAS kernels tried); where they do not, the checks
     * above still hold but cannot tell the counts apart */
    char why[512];
    bool differ = !same_numbers(fx, "t1", "t2", "loss.csv", why, sizeof why);
    if (differ) {
        assert_false(same_numbers(fx, "t1", "j2t4", "loss.csv", why, sizeof why));
        assert_false(same_numbers(fx, "t2", "default", "loss.csv", why, sizeof why));
    }
}

/* Fails unless cfg's runs each have a positive "seconds" and "probe_seconds"
 * (the child's own clocks under -j), n runs in all. */
static void assert_run_clocks(const char *cfg, int n, const char *what)
{
    const char *p = strstr(cfg, "\"runs\": [");
    assert_non_null(p);
    int found = 0;
    while ((p = strstr(p, "\"epochs_run\": "))) {
        double sec, probe;
        const char *q = strstr(p, "\"seconds\": "), *r = strstr(p, "\"probe_seconds\": ");
        if (!q || !r || sscanf(q, "\"seconds\": %lf", &sec) != 1 ||
            sscanf(r, "\"probe_seconds\": %lf", &probe) != 1)
            fail_msg("%s: run %d has no seconds and probe_seconds", what, found + 1);
        if (!(sec > 0.0 && sec < 600.0 && probe > 0.0 && probe < 600.0))
            fail_msg("%s: run %d: seconds %g, probe_seconds %g", what, found + 1, sec, probe);
        found++;
        p = r + 1;
    }
    assert_int_equal(found, n);
}

/* config.json records the threads, the jobs, what each run's BLAS used and
 * each run's training and probe seconds. */
static void test_config_threads_jobs(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *name;
        const char *args[5];
        const char *want[3];
    } cases[] = {
        {"c-t1", {"--threads", "1"}, {"\"threads\": 1,", "\"jobs\": 1,", "\"threads\": 1}"}},
        {"c-j2t2", {"-j", "2", "--threads", "2"},
         {"\"threads\": 2,", "\"jobs\": 2,", "\"threads\": 1}"}},
        {"c-j2t4", {"-j", "2", "--threads", "4"},
         {"\"threads\": 4,", "\"jobs\": 2,", "\"threads\": 2}"}},
        {"c-j9t2", {"-j", "9", "--threads", "2"},
         {"\"threads\": 2,", "\"jobs\": 4,", "\"threads\": 1}"}},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        train(fx, cases[i].name, cases[i].args);
        char out[4200];
        run_path(out, sizeof out, fx, cases[i].name);
        char *cfg = slurp_in(out, "config.json");
        for (int k = 0; k < 3; k++)
            assert_contains(cfg, cases[i].want[k]);
        assert_contains(cfg, "\"peak_rss_mib\": ");
        assert_contains(cfg, "\"estimated_mib\": ");
        /* a child's peak only when there were children */
        assert_int_equal(strstr(cfg, "\"child_peak_rss_mib\": null") != NULL,
                         strcmp(cases[i].name, "c-t1") == 0);
        assert_run_clocks(cfg, 4, cases[i].name);
        free(cfg);
    }
}

/* ------------------------------------------------------------------------ */
/* Weights under -j: the children write them, the same files                 */

static void test_jobs_save_weights(void **state)
{
    fixture *fx = *state;
    char w1[4200], wj[4200];
    run_path(w1, sizeof w1, fx, "w-t1");
    run_path(wj, sizeof wj, fx, "w-j2");
    train(fx, "ws-t1", (const char *const[]){"--threads", "1", "--save-weights", w1, NULL});
    train(fx, "ws-j2",
          (const char *const[]){"-j", "2", "--threads", "2", "--save-weights", wj, NULL});
    assert_same_numbers(fx, "ws-t1", "ws-j2");
    static const char *const runs[] = {"relu-seed1", "relu-seed2", "tanh-seed1", "tanh-seed2"};
    for (size_t i = 0; i < N_OF(runs); i++)
        for (int l = 1; l <= 3; l++) {
            char rel[256];
            snprintf(rel, sizeof rel, "%s/final/W%d.npy", runs[i], l);
            long n1 = file_size_in(w1, rel);
            assert_true(n1 > 128);
            assert_int_equal(file_size_in(wj, rel), n1);
            char *a = slurp_in(w1, rel), *b = slurp_in(wj, rel);
            if (memcmp(a, b, (size_t)n1) != 0)
                fail_msg("%s differs between --threads 1 and -j 2 --threads 2", rel);
            free(a);
            free(b);
        }
}

/* ------------------------------------------------------------------------ */
/* A run that fails: one error line naming it, exit 1, no run folder         */

/* A run whose weights cannot be written (files are limited to 4 KB here,
 * with SIGXFSZ ignored, so a write fails with EFBIG): the job fails with one
 * line naming the run, and leaves neither a run folder nor a weights folder,
 * whatever -j. */
static void test_failed_run(void **state)
{
    fixture *fx = *state;
    char w[4200], out[4200];
    run_path(w, sizeof w, fx, "weights");
    run_path(out, sizeof out, fx, "failed-run");
    static const char *const jobs[] = {"1", "2", "4"};
    for (size_t i = 0; i < N_OF(jobs); i++) {
        const char *args[] = {"--act", "relu,tanh", "--seeds", "2", "--depth",
                              "2", "--width", "64", "--epochs", "2", "--samples", "100",
                              "--no-plot", "--save-weights", w, "--out", out, "-j", jobs[i],
                              NULL};
        run_result r;
        run_limited(&r, args, 4096);
        assert_error(jobs[i], &r, 1, (const char *const[]){"seed", "W2.npy", NULL});
        if (i > 0)
            assert_contains(r.err, "(-j ");
        if (!path_missing(out) || !path_missing(w))
            fail_msg("-j %s: a failed job left %s or %s", jobs[i], out, w);
        run_free(&r);
    }
}

/* ------------------------------------------------------------------------ */
/* The memory estimate against the measured peak                             */

#if defined(__SANITIZE_ADDRESS__)
/* The estimate counts allocated bytes; AddressSanitizer's shadow memory and
 * quarantine make the peak larger. */
static void test_memory_estimate(void **state)
{
    (void)state;
    skip();
}
#else
/* The number after "key": in json; fails when there is none. */
static double json_num(const char *json, const char *key)
{
    char pat[128];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = strstr(json, pat);
    if (!p)
        fail_msg("config.json has no number %s", pat);
    char *end;
    double v = strtod(p + strlen(pat), &end);
    if (end == p + strlen(pat))
        fail_msg("config.json: %s is not a number", key);
    return v;
}

static void assert_within(double measured, double estimated, double tol, const char *what)
{
    if (!(measured > 0.0) || !(estimated > 0.0) ||
        estimated < (1.0 - tol) * measured || estimated > (1.0 + tol) * measured)
        fail_msg("%s: estimated %.1f MiB, measured %.1f MiB (more than %.0f%% apart)", what,
                 estimated, measured, 100.0 * tol);
}

/* A network whose buffers (about 90 MiB) dominate the process, trained on
 * enough samples to fill its workspace: the estimate is its peak, within
 * 20%, in one process and in each -j child. */
static void test_memory_estimate(void **state)
{
    fixture *fx = *state;
    char out[4200];
    static const char *const net[] = {"--width", "1024", "--depth", "6", "--epochs", "1",
                                      "--samples", "400", "--quiet", "--no-plot", "--out"};
    run_path(out, sizeof out, fx, "mem1");
    run_result r;
    const char *seq[16] = {0}, *par[20] = {0};
    size_t n = N_OF(net);
    memcpy(seq, net, sizeof net);
    seq[n] = out;
    seq[n + 1] = "--act";
    seq[n + 2] = "relu";
    run_actbench(&r, seq);
    assert_quiet(&r);
    run_free(&r);
    char *cfg = slurp_in(out, "config.json");
    assert_within(json_num(cfg, "peak_rss_mib"), json_num(cfg, "estimated_mib"), 0.2,
                  "one process");
    free(cfg);

    char out2[4200];
    run_path(out2, sizeof out2, fx, "mem2");
    memcpy(par, net, sizeof net);
    par[n] = out2;
    par[n + 1] = "--act";
    par[n + 2] = "relu,tanh";
    par[n + 3] = "-j";
    par[n + 4] = "2";
    run_actbench(&r, par);
    assert_quiet(&r);
    run_free(&r);
    cfg = slurp_in(out2, "config.json");
    double est = json_num(cfg, "estimated_mib"), run = json_num(cfg, "estimated_run_mib");
    /* two runs' buffers at once, besides the parent */
    assert_true(est >= 2.0 * run);
    assert_within(json_num(cfg, "child_peak_rss_mib"), est - run, 0.2, "each -j child");
    free(cfg);
}
#endif

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drop_column),
        cmocka_unit_test_setup_teardown(test_same_command_twice, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_jobs_match_sequential, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_config_threads_jobs, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_jobs_save_weights, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_failed_run, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_memory_estimate, setup, scratch_teardown),
    };
    return cmocka_run_group_tests_name("test_jobs", tests, NULL, NULL);
}
