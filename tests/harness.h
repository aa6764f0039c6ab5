/* harness.h - test helpers shared by the tests that run the actbench binary or
 * write files: running it with captured output, assertions on a run, reading
 * and writing files, a fresh temporary folder per test, and building a test
 * list from case tables.  Include after <cmocka.h>; failures are cmocka
 * assertions.  (test_bn.c cannot include it: src/run/train.h has its own
 * run_result and run_free.) */
#ifndef ACTBENCH_TEST_HARNESS_H
#define ACTBENCH_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- running the binary ---- */

typedef struct {
    int status; /* exit code; 128 + signal number when killed */
    char *out;  /* everything written to stdout, NUL-terminated */
    char *err;  /* everything written to stderr, NUL-terminated */
} run_result;

/* The binary under test: $ACTBENCH (set by meson), else ../build/src/actbench. */
const char *actbench_path(void);
/* $TMPDIR, else /tmp. */
const char *tmp_root(void);
/* Runs actbench with the NULL-terminated args, stdin from /dev/null, stdout
 * and stderr captured into r (free with run_free).  Fails the test if the
 * binary cannot be run. */
void run_actbench(run_result *r, const char *const *args);
/* As run_actbench, with every file it writes limited to max_file bytes
 * (RLIMIT_FSIZE, SIGXFSZ ignored): a longer write fails with EFBIG. */
void run_limited(run_result *r, const char *const *args, long max_file);
/* As run_limited, with SIGXFSZ at its default, as under a shell's `ulimit -f`
 * (a longer write kills the program unless it ignores SIGXFSZ itself). */
void run_ulimit_f(run_result *r, const char *const *args, long max_file);
/* As run_actbench, with the arguments of head then those of tail (both
 * NULL-terminated; tail may be NULL). */
void run_with(run_result *r, const char *const *head, const char *const *tail);
/* As run_actbench, and fails unless the exit status is 0. */
void run_ok(run_result *r, const char *const *args);
/* Runs args (with --quiet among them) and frees the run: fails unless
 * assert_quiet holds. */
void run_quiet(const char *const *args);
void run_free(run_result *r);
/* Starts args (args[0] the program's path) in the background with stdin,
 * stdout and stderr on /dev/null and SIGTERM at its default; with own_group,
 * in a process group of its own (so that its children can be signalled with
 * it).  Returns its pid; fails the test if it cannot fork. */
pid_t start_background(const char *const *args, bool own_group);

/* ---- assertions ---- */

/* Fails unless the exit status is 0, showing stderr. */
void assert_exit_ok(const run_result *r);
/* Fails unless the exit status is 0 and nothing was written on stdout or
 * stderr (a --quiet run). */
void assert_quiet(const run_result *r);
/* Fails unless hay (not NULL) contains needle. */
void assert_contains(const char *hay, const char *needle);
/* An error report: exit status status, one "actbench: " line on stderr
 * holding each of needles (NULL-terminated; NULL for none), nothing on
 * stdout.  what, when not NULL, names the case in the messages. */
void assert_error(const char *what, const run_result *r, int status,
                  const char *const *needles);

/* ---- files and folders ---- */

/* The whole of fd from its start (NUL-terminated, malloc'd), or NULL. */
char *read_fd(int fd);
/* The whole of a file (NUL-terminated, malloc'd), or NULL. */
char *slurp(const char *path);
/* The whole of DIR/NAME (malloc'd); fails the test when it cannot be read. */
char *slurp_in(const char *dir, const char *name);
/* Writes text to DIR/NAME, whose path goes into path (n bytes). */
void write_file(char *path, size_t n, const char *dir, const char *name, const char *text);
/* The size of the regular file at path (at DIR/NAME); -1 when there is none. */
long file_size(const char *path);
long file_size_in(const char *dir, const char *name);
/* Fails unless DIR/NAME is a PNG file of more than 1000 bytes (a figure). */
void assert_png(const char *dir, const char *name);
/* Whether nothing at all is at path (at DIR/NAME). */
bool path_missing(const char *path);
bool path_missing_in(const char *dir, const char *name);
/* The entries of folder dir, . and .. aside; -1 when it cannot be read. */
int count_entries(const char *dir);
/* Splits line (NUL-terminated) at commas, in place, into out (at most max
 * cells kept); returns the count of cells. */
int split_commas(char *line, char **out, int max);
/* Removes path and, if it is a folder, everything in it. */
void remove_tree(const char *path);

/* ---- the fixture: a fresh temporary folder per test ---- */

typedef struct {
    const void *data; /* the case of a table-driven test (cmocka's initial state) */
    char dir[4096];   /* a fresh temporary folder, removed with all it holds */
    char out[4200];   /* DIR/NAME, the output path under test (not made), or DIR */
    run_result r;     /* the last run, freed by scratch_teardown */
} scratch;

/* A cmocka setup's work: *state becomes size zeroed bytes (at least a
 * scratch, which comes first) with a fresh folder actbench_TAG_XXXXXX and
 * out = DIR/OUT_NAME (out_name NULL: DIR itself); 0, or -1 when the folder
 * cannot be made. */
int scratch_setup(void **state, size_t size, const char *tag, const char *out_name);
/* The matching teardown: removes the folder, frees the run and *state. */
int scratch_teardown(void **state);
/* Fails unless nothing is at s->out and s->dir holds n_entries entries
 * (n_entries < 0: not counted).  what names the case in the messages. */
void assert_out_missing(const scratch *s, const char *what, int n_entries);
/* Fails unless the run in s exited 0 with nothing on stderr and left
 * s->out unmade (--help, --version and the like). */
void assert_info_run(const scratch *s);

/* ---- usage errors ---- */

/* A usage error the command line must refuse. */
typedef struct {
    const char *name;
    const char *args[8];    /* the arguments after the fixed ones */
    const char *needles[6]; /* must appear in the message */
} usage_case;

/* Runs head (NULL-terminated, naming s->out as --out) then c's arguments
 * into s->r: fails unless it is an error report (assert_error) with exit
 * status 2 naming c's needles, and s->dir is left empty. */
void check_usage_case(scratch *s, const char *const *head, const usage_case *c);

/* ---- test lists ---- */

typedef struct {
    struct CMUnitTest *tests;
    size_t n, cap;
} test_list;

/* Appends count tests. */
void tests_add(test_list *l, const struct CMUnitTest *tests, size_t count);
/* Appends one test of fn per entry of a case table (count entries of size
 * bytes, each starting with its name, a const char *), with setup and
 * teardown around it and the entry as its initial state. */
void tests_add_cases(test_list *l, CMUnitTestFunction fn, const void *cases, size_t size,
                     size_t count, CMFixtureFunction setup, CMFixtureFunction teardown);
/* Runs the list as group name and frees it; returns cmocka's result. */
int tests_run(test_list *l, const char *name);

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define TESTS_ADD(l, tests) tests_add(l, tests, N_OF(tests))
#define TESTS_ADD_CASES(l, fn, cases, setup, teardown)                                        \
    tests_add_cases(l, fn, cases, sizeof(cases)[0], N_OF(cases), setup, teardown)

#endif
