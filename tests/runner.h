/* runner.h - test helpers shared by the tests that run the actbench binary:
 * running it with captured output, reading files, removing folders.  Include
 * after <cmocka.h>; failures are cmocka assertions. */
#ifndef ACTBENCH_TEST_RUNNER_H
#define ACTBENCH_TEST_RUNNER_H

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
void run_free(run_result *r);
/* The whole of fd from its start (NUL-terminated, malloc'd), or NULL. */
char *read_fd(int fd);
/* The whole of a file (NUL-terminated, malloc'd), or NULL. */
char *slurp(const char *path);
/* Removes path and, if it is a folder, everything in it. */
void remove_tree(const char *path);

#endif
