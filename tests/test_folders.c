/* test_folders.c - a folder appears whole or not at all, through the binary:
 * a re-run replaces the earlier run folder as a whole (no file of it is
 * left beside the new ones); a re-run that fails, or is interrupted, leaves
 * the earlier folder as it was and no staging folder; a second process
 * writing the same folder at the same time fails with one line and exit 1
 * and the first one's folder is whole; `run` behaves the same. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static int setup(void **state) { return scratch_setup(state, sizeof(scratch), "fold", "run"); }

/* A short training run into out: 2 activations, epochs epochs (an option
 * with a value is given once). */
static void run_epochs(scratch *s, const char *out, const char *epochs,
                       const char *const *extra)
{
    run_free(&s->r);
    run_with(&s->r, (const char *const[]){"--act", "relu,tanh", "--epochs", epochs,
                                          "--samples", "200", "-q", "--out", out, NULL},
             extra);
}

/* The same with 2 epochs. */
static void run_small(scratch *s, const char *out, const char *extra)
{
    run_epochs(s, out, "2", (const char *const[]){extra, NULL});
}

/* The staging folder of DIR/run: DIR/.run.partial. */
static void staging_of(char *out, size_t n, const scratch *s)
{
    snprintf(out, n, "%s/.run.partial", s->dir);
}

/* Waits up to 10 s for path to exist. */
static void wait_for(const char *path)
{
    struct timespec tick = {0, 10 * 1000 * 1000};
    for (int k = 0; k < 1000 && path_missing(path); k++)
        nanosleep(&tick, NULL);
    if (path_missing(path))
        fail_msg("%s did not appear within 10 s", path);
}

static int wait_pid(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    return status;
}

/* Re-running replaces the folder whole: a file of the earlier run (or one
 * put there) does not survive beside the new ones, and --no-plot leaves no
 * earlier PNG. */
static void test_rerun_replaces_whole(void **state)
{
    scratch *s = *state;
    run_epochs(s, s->out, "1", NULL);
    assert_exit_ok(&s->r);
    char stray[4400];
    write_file(stray, sizeof stray, s->out, "stray.txt", "from before\n");
    write_file(stray, sizeof stray, s->out, "plots/old.png", "an old figure\n");
    run_small(s, s->out, "--no-plot");
    assert_exit_ok(&s->r);
    assert_true(path_missing_in(s->out, "stray.txt"));
    assert_true(path_missing_in(s->out, "plots/old.png"));
    assert_true(file_size_in(s->out, "loss.csv") > 0);
    char *cfg = slurp_in(s->out, "config.json");
    assert_contains(cfg, "\"--no-plot\"");
    free(cfg);
    char st[4400];
    staging_of(st, sizeof st, s);
    assert_true(path_missing(st));
}

/* A re-run that fails after its new files were written (gnuplot, here a
 * stand-in that fails, is run last) leaves the earlier folder byte for
 * byte, and nothing else. */
static void test_failed_rerun_keeps_old(void **state)
{
    scratch *s = *state;
    char w[4400];
    snprintf(w, sizeof w, "%s/w", s->dir);
    run_epochs(s, s->out, "2", (const char *const[]){"--no-plot", "--save-weights", w, NULL});
    assert_exit_ok(&s->r);
    char *w_before = slurp_in(w, "relu-seed1/final/W1.npy");
    char *before = slurp_in(s->out, "config.json"), *loss = slurp_in(s->out, "loss.csv");
    int n_before = count_entries(s->out);
    char bin[4400], gp[4500], path[8192];
    snprintf(bin, sizeof bin, "%s/bin", s->dir);
    assert_int_equal(mkdir(bin, 0777), 0);
    write_file(gp, sizeof gp, bin, "gnuplot", "#!/bin/sh\nexit 3\n");
    assert_int_equal(chmod(gp, 0755), 0);
    const char *old_path = getenv("PATH");
    char *saved = strdup(old_path ? old_path : "/usr/bin:/bin");
    snprintf(path, sizeof path, "%s:%s", bin, saved);
    setenv("PATH", path, 1);
    run_epochs(s, s->out, "3", (const char *const[]){"--save-weights", w, NULL});
    setenv("PATH", saved, 1);
    free(saved);
    assert_error(NULL, &s->r, 1, (const char *const[]){"gnuplot", NULL});
    /* the weights of the failed command are not put in place either */
    char *w_after = slurp_in(w, "relu-seed1/final/W1.npy");
    long size = file_size_in(w, "relu-seed1/final/W1.npy");
    assert_true(size > 128);
    assert_memory_equal(w_before, w_after, (size_t)size);
    free(w_before), free(w_after);
    char *after = slurp_in(s->out, "config.json"), *loss2 = slurp_in(s->out, "loss.csv");
    assert_string_equal(before, after);
    assert_string_equal(loss, loss2);
    assert_int_equal(count_entries(s->out), n_before);
    assert_int_equal(count_entries(s->dir), 3); /* run, w and bin */
    free(before), free(after), free(loss), free(loss2);
}

/* Two processes given the same --out: the second fails at once with one
 * line and exit 1; the first finishes and its folder is whole. */
static void test_second_writer_fails(void **state)
{
    scratch *s = *state;
    char st[4400];
    staging_of(st, sizeof st, s);
    const char *args[] = {actbench_path(), "--act", "sigmoid,relu", "--epochs", "400",
                          "--no-plot", "-q", "--out", s->out, NULL};
    pid_t first = start_background(args, false);
    wait_for(st);
    run_small(s, s->out, "--no-plot");
    assert_error(NULL, &s->r, 1, (const char *const[]){s->out, "another actbench", NULL});
    int status = wait_pid(first);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char *cfg = slurp_in(s->out, "config.json");
    assert_contains(cfg, "\"400\"");
    free(cfg);
    assert_true(file_size_in(s->out, "layers.csv") > 0);
    assert_true(path_missing(st));
}

/* Interrupted while it trains into an existing folder: the earlier folder
 * stays as it was and the staging folder is gone. */
static void interrupted_keeps_old(scratch *s, const char *const *args)
{
    char *before = slurp_in(s->out, "config.json");
    int n_before = count_entries(s->out);
    char st[4400];
    staging_of(st, sizeof st, s);
    pid_t pid = start_background(args, false);
    wait_for(st);
    assert_int_equal(kill(pid, SIGTERM), 0);
    int status = wait_pid(pid);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGTERM)
        fail_msg("actbench did not end by SIGTERM (status 0x%x)", status);
    char *after = slurp_in(s->out, "config.json");
    assert_string_equal(before, after);
    assert_int_equal(count_entries(s->out), n_before);
    assert_true(path_missing(st));
    free(before), free(after);
}

static void test_interrupted_keeps_old(void **state)
{
    scratch *s = *state;
    run_small(s, s->out, "--no-plot");
    assert_exit_ok(&s->r);
    interrupted_keeps_old(s, (const char *const[]){actbench_path(), "--act", "sigmoid,relu",
                                                  "--epochs", "400", "--no-plot", "-q",
                                                  "--out", s->out, NULL});
}

/* `run`: the same rules for an experiment folder. */
static const char exp_ini[] =
    "[claim]\nnumber = 3\ntitle = t\ntext = t\nsource = test_folders.c\n"
    "[setup]\nacts = relu, tanh\nsamples = 300\ndepth = 2, 4\nwidth = 16\nepochs = 1\n"
    "[quick]\nepochs = 300\n"
    "[check ok]\nwhat = numbers\ntest = abs(-2) == 2\n";

static void test_run_folder(void **state)
{
    scratch *s = *state;
    char ini[4400];
    write_file(ini, sizeof ini, s->dir, "exp.ini", exp_ini);
    run_ok(&s->r, (const char *const[]){"run", ini, "--no-plot", "-q", "--out", s->out, NULL});
    char stray[4400];
    write_file(stray, sizeof stray, s->out, "stray.txt", "from before\n");
    run_free(&s->r);
    run_ok(&s->r, (const char *const[]){"run", ini, "--no-plot", "-q", "--out", s->out, NULL});
    assert_true(path_missing_in(s->out, "stray.txt"));
    /* the [quick] mode trains for long: interrupt it */
    interrupted_keeps_old(s, (const char *const[]){actbench_path(), "run", ini, "--quick",
                                                  "--no-plot", "-q", "-j", "2", "--out",
                                                  s->out, NULL});
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rerun_replaces_whole, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_failed_rerun_keeps_old, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_second_writer_fails, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_interrupted_keeps_old, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_run_folder, setup, scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
