/* test_afile.c - atomic output files: commit puts the file in place and
 * abort leaves nothing; SIGINT, SIGTERM and SIGHUP remove the temporary file
 * of every afile still open and end the process by that signal, an ignored
 * signal stays ignored, a signal taken by another thread waits for the one
 * that writes the files; and an actbench -j run stopped by SIGTERM takes its
 * children along and leaves no temporary file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "afile.h"

static int setup(void **state) { return scratch_setup(state, sizeof(scratch), "afile", NULL); }

/* Entries under dir (recursively) whose name holds ".tmp."; -1 when dir
 * cannot be read. */
static int count_temps(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (strstr(e->d_name, ".tmp."))
            n++;
        char sub[8192];
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
            int k = count_temps(sub);
            n += k > 0 ? k : 0;
        }
    }
    closedir(d);
    return n;
}

static void test_commit_and_abort(void **state)
{
    scratch *s = *state;
    afile a, b;
    ab_err err = {{0}};
    assert_int_equal(afile_open_in(&a, s->dir, "kept.csv", &err), AB_OK);
    assert_int_equal(afile_open_in(&b, s->dir, "dropped.csv", &err), AB_OK);
    fputs("x,y\n1,2\n", a.f);
    fputs("half a fi", b.f);
    assert_int_equal(count_temps(s->dir), 2);
    assert_true(path_missing_in(s->dir, "kept.csv"));
    assert_int_equal(afile_commit(&a, &err), AB_OK);
    afile_abort(&b);
    assert_int_equal(count_entries(s->dir), 1);
    assert_int_equal(file_size_in(s->dir, "kept.csv"), 8);
    /* abort after a failed open is safe */
    char longname[5000];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(afile_open_in(&b, s->dir, longname, &err), AB_EUSAGE);
    afile_abort(&b);
    assert_int_equal(count_entries(s->dir), 1);
}

/* Child: with the handlers installed, commits done.csv, leaves open.csv and
 * (a second afile) other.csv open and half written, then raises sig. */
static _Noreturn void child_raise(const char *dir, int sig, int ignore)
{
    /* whatever the test runner left the signal as (nohup ignores SIGHUP) */
    signal(sig, ignore ? SIG_IGN : SIG_DFL);
    afile_clean_on_signals();
    afile a, b, c;
    ab_err err = {{0}};
    if (afile_open_in(&a, dir, "done.csv", &err) != AB_OK)
        _exit(3);
    fputs("done\n", a.f);
    if (afile_commit(&a, &err) != AB_OK || afile_open_in(&b, dir, "open.csv", &err) != AB_OK ||
        afile_open_in(&c, dir, "other.csv", &err) != AB_OK)
        _exit(3);
    fputs("half", b.f);
    fflush(b.f);
    raise(sig);
    /* only when sig is ignored */
    fputs(" and the rest\n", b.f);
    afile_abort(&c);
    _exit(afile_commit(&b, &err) == AB_OK ? 0 : 4);
}

static int wait_status(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            fail_msg("waitpid: %s", strerror(errno));
    return status;
}

static void test_signal_removes_temps(void **state)
{
    scratch *s = *state;
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < N_OF(sigs); i++) {
        char sub[4200];
        snprintf(sub, sizeof sub, "%s/sig%d", s->dir, sigs[i]);
        assert_int_equal(mkdir(sub, 0777), 0);
        fflush(NULL);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            child_raise(sub, sigs[i], 0);
        int status = wait_status(pid);
        if (!WIFSIGNALED(status) || WTERMSIG(status) != sigs[i])
            fail_msg("signal %d: the child did not end by it (status 0x%x)", sigs[i], status);
        if (count_temps(sub) != 0)
            fail_msg("signal %d left %d temporary files", sigs[i], count_temps(sub));
        assert_int_equal(count_entries(sub), 1);
        assert_int_equal(file_size_in(sub, "done.csv"), 5);
    }
}

static void test_ignored_signal_stays_ignored(void **state)
{
    scratch *s = *state;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        child_raise(s->dir, SIGHUP, 1);
    int status = wait_status(pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("the child ignoring SIGHUP did not exit 0 (status 0x%x)", status);
    assert_int_equal(count_temps(s->dir), 0);
    assert_int_equal(count_entries(s->dir), 2);
    assert_int_equal(file_size_in(s->dir, "open.csv"), 18);
}

static void *wait_forever(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

/* Child: a second thread that takes signals (as OpenBLAS's do) while this
 * one has them blocked; SIGTERM sent to the process must wait for this
 * thread, which opens a file, marks that it got there, and then unblocks. */
static _Noreturn void child_two_threads(const char *dir)
{
    signal(SIGTERM, SIG_DFL);
    afile_clean_on_signals();
    pthread_t t;
    if (pthread_create(&t, NULL, wait_forever, NULL) != 0)
        _exit(3);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    kill(getpid(), SIGTERM); /* to the process: the other thread takes it */
    nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
    afile a, m;
    ab_err err = {{0}};
    if (afile_open_in(&a, dir, "open.csv", &err) != AB_OK ||
        afile_open_in(&m, dir, "reached", &err) != AB_OK || afile_commit(&m, &err) != AB_OK)
        _exit(3);
    fputs("half", a.f);
    fflush(a.f);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    nanosleep(&(struct timespec){2, 0}, NULL);
    _exit(5); /* SIGTERM was lost */
}

static void test_signal_on_another_thread(void **state)
{
    scratch *s = *state;
#ifndef __linux__
    (void)s;
    skip(); /* the hand-over rests on Linux's tgkill */
#else
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        child_two_threads(s->dir);
    int status = wait_status(pid);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGTERM)
        fail_msg("the child did not end by SIGTERM (status 0x%x)", status);
    /* it ended only once the file thread let it, and then cleaned up */
    assert_false(path_missing_in(s->dir, "reached"));
    assert_int_equal(count_temps(s->dir), 0);
    assert_int_equal(count_entries(s->dir), 1);
#endif
}

/* One actbench -j 2 run writing weights into DIR/weights, sent SIGTERM
 * offset_ms after its first weights folder appears in the staged weights
 * folder: it ends by that signal, its children (its own process group)
 * follow, no temporary file is left anywhere in DIR, and neither the run
 * folder nor the weights folder was put in place. */
static void stop_jobs_at(const char *dir, int offset_ms)
{
    char out[4400], w[4400], staged[4400];
    assert_true(strlen(dir) < 4200);
    snprintf(out, sizeof out, "%s/run", dir);
    snprintf(w, sizeof w, "%s/weights", dir);
    snprintf(staged, sizeof staged, "%s/.weights.partial", dir);
    /* 16 runs of about 0.6 s, each writing 2 x 32 MB of weights at its end */
    const char *args[] = {actbench_path(), "--act", "relu,tanh,sigmoid,elu", "--seeds", "4",
                          "--depth", "8", "--width", "1024", "--epochs", "1", "--samples",
                          "50", "-j", "2", "--threads", "2", "--no-plot", "-q",
                          "--save-weights", w, "--out", out, NULL};
    pid_t pid = start_background(args, true);
    struct timespec tick = {0, 20 * 1000 * 1000};
    for (int k = 0; k < 500 && count_entries(staged) < 1; k++)
        nanosleep(&tick, NULL);
    assert_true(count_entries(staged) >= 1);
    nanosleep(&(struct timespec){0, offset_ms * 1000L * 1000L}, NULL);
    assert_int_equal(kill(pid, SIGTERM), 0);
    int status = wait_status(pid);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGTERM)
        fail_msg("actbench did not end by SIGTERM (status 0x%x): it finished too soon?",
                 status);
    /* its children, in its process group and now ours: reap them all */
    int k = 0;
    for (; k < 500; k++) {
        pid_t r = waitpid(-pid, NULL, WNOHANG);
        if (r < 0 && errno == ECHILD)
            break;
        if (r == 0)
            nanosleep(&tick, NULL);
    }
    if (k == 500) {
        kill(-pid, SIGKILL);
        fail_msg("actbench's children outlived it by 10 s");
    }
    if (count_temps(dir) != 0)
        fail_msg("stopped %d ms after the first weights: %d temporary files in %s",
                 offset_ms, count_temps(dir), dir);
    assert_true(path_missing(out));
    assert_true(path_missing(w));
}

static void test_jobs_stopped(void **state)
{
    scratch *s = *state;
#ifndef __linux__
    (void)s;
    skip(); /* the children's end rests on Linux's PR_SET_PDEATHSIG */
#else
    /* actbench's orphaned children become ours, to be reaped here (not by a
     * PID 1 that might leave them zombies) */
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    /* several moments, as a child is likelier to be caught writing in one */
    static const int offsets_ms[] = {0, 100, 200, 300};
    for (size_t i = 0; i < N_OF(offsets_ms); i++) {
        char sub[4200];
        snprintf(sub, sizeof sub, "%s/at%d", s->dir, offsets_ms[i]);
        assert_int_equal(mkdir(sub, 0777), 0);
        stop_jobs_at(sub, offsets_ms[i]);
        remove_tree(sub);
    }
#endif
}

int main(void)
{
    test_list l = {0};
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit_and_abort, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_signal_removes_temps, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_ignored_signal_stays_ignored, setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_signal_on_another_thread, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_jobs_stopped, setup, scratch_teardown),
    };
    TESTS_ADD(&l, tests);
    return tests_run(&l, "afile");
}
