/* test_stage.c - output folders that appear whole or not at all: a new folder
 * appears with its files only on commit; a replaced one keeps none of its
 * old files; abort leaves the earlier folder as it was; a second process
 * staging the same folder is refused until the first commits or aborts;
 * what a killed process left is cleaned and reused; stage_open_new names
 * differ within one second; a file, a link to one, ".", ".." and the current
 * folder are refused; SIGINT, SIGTERM and SIGHUP remove the staging folder,
 * but not in a fork child; writers racing on one folder never mix; and
 * processes racing for new folders each get their own. */
#define _DEFAULT_SOURCE /* realpath */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "afile.h"
#include "stage.h"

static int start_cwd = -1; /* tests/, restored after each test */

static int setup(void **state) { return scratch_setup(state, sizeof(scratch), "stage", "run"); }

static int teardown(void **state)
{
    if (fchdir(start_cwd) != 0)
        return -1;
    return scratch_teardown(state);
}

/* ---- helpers ---- */

/* Writes text to DIR/NAME without cmocka (fork children use it); 0 or -1. */
static int put(const char *dir, const char *name, const char *text)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int bad = fputs(text, f) < 0;
    return fclose(f) != 0 || bad ? -1 : 0;
}

static void put_ok(const char *dir, const char *name, const char *text)
{
    if (put(dir, name, text) != 0)
        fail_msg("cannot write %s/%s: %s", dir, name, strerror(errno));
}

static void mkdir_ok(const char *dir, const char *name)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (mkdir(path, 0777) != 0)
        fail_msg("cannot make %s: %s", path, strerror(errno));
}

/* The entries of dir whose name ends in ".partial" (staging folders). */
static int count_partials(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        n += len >= 8 && !strcmp(e->d_name + len - 8, ".partial");
    }
    closedir(d);
    return n;
}

static void snap(FILE *out, const char *dir, const char *rel)
{
    struct dirent **list;
    int n = scandir(dir, &list, NULL, alphasort);
    assert_true(n >= 0);
    for (int i = 0; i < n; i++) {
        const char *name = list[i]->d_name;
        char path[8400], sub[8400];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        snprintf(sub, sizeof sub, "%s/%s", rel, name);
        struct stat st;
        if (strcmp(name, ".") && strcmp(name, "..") && lstat(path, &st) == 0) {
            fprintf(out, "%s %o %lld\n", sub, (unsigned)st.st_mode, (long long)st.st_size);
            if (S_ISDIR(st.st_mode))
                snap(out, path, sub);
            else if (S_ISREG(st.st_mode)) {
                char *text = slurp(path);
                assert_non_null(text);
                fprintf(out, "%s\n", text);
                free(text);
            }
        }
        free(list[i]);
    }
    free(list);
}

/* Every name under dir with its mode, size and bytes, in order (malloc'd). */
static char *snapshot(const char *dir)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    snap(f, dir, "");
    fclose(f);
    return buf;
}

static ino_t inode_of(const char *path)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    return st.st_ino;
}

/* An earlier run folder at dest: two files and a subfolder with one. */
static void make_old(const char *dest)
{
    assert_int_equal(mkdir(dest, 0777), 0);
    put_ok(dest, "old.csv", "old\n");
    put_ok(dest, "common.csv", "old common\n");
    mkdir_ok(dest, "plots");
    put_ok(dest, "plots/old.gp", "plot old\n");
}

/* ---- another process ---- */

typedef struct {
    pid_t pid;
    int ready; /* from the child: one word, 'r' DEST or 'e' MESSAGE, NUL-ended */
    int go;    /* to the child: one command byte */
} kid;

typedef void (*kid_body)(int ready, int go, const void *arg);

static void kid_start(kid *k, kid_body body, const void *arg)
{
    int r[2], g[2];
    assert_int_equal(pipe(r), 0);
    assert_int_equal(pipe(g), 0);
    fflush(NULL);
    k->pid = fork();
    assert_true(k->pid >= 0);
    if (k->pid == 0) {
        close(r[0]);
        close(g[1]);
        body(r[1], g[0], arg);
        _exit(0);
    }
    close(r[1]);
    close(g[0]);
    k->ready = r[0];
    k->go = g[1];
}

static void say(int fd, char tag, const char *text)
{
    if (write(fd, &tag, 1) != 1 || write(fd, text, strlen(text) + 1) < 0)
        _exit(9);
}

/* The child's word into text (size n); fails the test on an 'e' or none. */
static void kid_ready(kid *k, char *text, size_t n)
{
    char tag = 0;
    size_t len = 0;
    assert_int_equal(read(k->ready, &tag, 1), 1);
    while (len + 1 < n && read(k->ready, text + len, 1) == 1 && text[len])
        len++;
    text[len] = '\0';
    if (tag != 'r')
        fail_msg("the child failed: %s", text);
}

static int kid_wait(kid *k)
{
    int status;
    while (waitpid(k->pid, &status, 0) < 0)
        if (errno != EINTR)
            fail_msg("waitpid: %s", strerror(errno));
    close(k->ready);
    close(k->go);
    return status;
}

/* Sends cmd (0: none) and waits; fails unless the child exits 0. */
static void kid_end(kid *k, char cmd)
{
    if (cmd)
        assert_int_equal(write(k->go, &cmd, 1), 1);
    int status = kid_wait(k);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("the child did not exit 0 (status 0x%x)", status);
}

/* Child: stages dest (parent given: a new folder in it), writes child.txt,
 * says so, then on 'c' commits, on anything else aborts. */
typedef struct {
    const char *dest, *parent;
} hold_arg;

static void holder(int ready, int go, const void *arg)
{
    const hold_arg *a = arg;
    stage_dir st;
    ab_err err = {{0}};
    ab_status r = a->parent ? stage_open_new(&st, a->parent, "exp", &err)
                            : stage_open(&st, a->dest, &err);
    if (r != AB_OK || put(st.dir, "child.txt", "child\n") != 0) {
        say(ready, 'e', err.msg);
        _exit(3);
    }
    say(ready, 'r', st.dest);
    char c = 0;
    if (read(go, &c, 1) == 1 && c == 'c')
        _exit(stage_commit(&st, &err) == AB_OK ? 0 : 4);
    stage_abort(&st);
    _exit(0);
}

/* ---- the tests ---- */

static void test_commit_makes_dest(void **state)
{
    scratch *s = *state;
    stage_dir st;
    ab_err err = {{0}};
    assert_int_equal(stage_open(&st, s->out, &err), AB_OK);
    char want[4300];
    snprintf(want, sizeof want, "%s/.run.partial", s->dir);
    assert_string_equal(st.dest, s->out);
    assert_string_equal(st.dir, want);
    mkdir_ok(st.dir, "plots");
    put_ok(st.dir, "a.csv", "x\n1\n");
    put_ok(st.dir, "plots/p.gp", "plot\n");
    /* nothing visible before the commit but the hidden staging folder */
    assert_true(path_missing(s->out));
    assert_int_equal(count_entries(s->dir), 1);
    assert_int_equal(stage_commit(&st, &err), AB_OK);
    assert_int_equal(count_entries(s->dir), 1);
    assert_int_equal(count_entries(s->out), 2);
    assert_int_equal(file_size_in(s->out, "a.csv"), 4);
    assert_int_equal(file_size_in(s->out, "plots/p.gp"), 5);
    stage_abort(&st); /* after commit: nothing happens */
    assert_int_equal(count_entries(s->out), 2);
    assert_true(path_missing(want));
}

static void test_replace_leaves_no_old_file(void **state)
{
    scratch *s = *state;
    make_old(s->out);
    ino_t before = inode_of(s->out);
    stage_dir st;
    ab_err err = {{0}};
    assert_int_equal(stage_open(&st, s->out, &err), AB_OK);
    put_ok(st.dir, "common.csv", "new common\n");
    put_ok(st.dir, "new.csv", "new\n");
    /* until the commit the earlier folder is as it was */
    assert_int_equal(count_entries(s->out), 3);
    assert_int_equal(file_size_in(s->out, "common.csv"), 11);
    assert_int_equal(stage_commit(&st, &err), AB_OK);
    assert_int_not_equal(inode_of(s->out), before);
    assert_int_equal(count_entries(s->out), 2);
    assert_true(path_missing_in(s->out, "old.csv"));
    assert_true(path_missing_in(s->out, "plots"));
    char *text = slurp_in(s->out, "common.csv");
    assert_string_equal(text, "new common\n");
    free(text);
    assert_int_equal(file_size_in(s->out, "new.csv"), 4);
    /* and the old tree is gone, not left hidden */
    assert_int_equal(count_entries(s->dir), 1);
}

static void test_abort_keeps_old(void **state)
{
    scratch *s = *state;
    make_old(s->out);
    char *before = snapshot(s->out);
    ino_t ino = inode_of(s->out);
    stage_dir st;
    ab_err err = {{0}};
    assert_int_equal(stage_open(&st, s->out, &err), AB_OK);
    put_ok(st.dir, "common.csv", "half");
    mkdir_ok(st.dir, "plots");
    mkdir_ok(st.dir, "plots/deeper");
    put_ok(st.dir, "plots/deeper/x.gp", "x\n");
    stage_abort(&st);
    char *after = snapshot(s->out);
    assert_string_equal(after, before);
    assert_int_equal(inode_of(s->out), ino);
    assert_int_equal(count_entries(s->dir), 1);
    free(before);
    free(after);
    stage_abort(&st); /* twice, and on a zeroed stage: nothing, not even fd 0 closed */
    int had_stdin = fcntl(0, F_GETFD) != -1;
    stage_dir zero = {0};
    stage_abort(&zero);
    assert_int_equal(fcntl(0, F_GETFD) != -1, had_stdin);
    /* with no earlier folder: nothing at all */
    char fresh[4300];
    snprintf(fresh, sizeof fresh, "%s/fresh", s->dir);
    assert_int_equal(stage_open(&st, fresh, &err), AB_OK);
    put_ok(st.dir, "a.csv", "a\n");
    stage_abort(&st);
    assert_int_equal(count_entries(s->dir), 1);
}

static void test_second_process_refused(void **state)
{
    scratch *s = *state;
    char held[4300], want[4400];
    snprintf(held, sizeof held, "%s/.run.partial", s->dir);
    snprintf(want, sizeof want, "%s: another actbench process is writing it", s->out);
    static const char cmds[] = {'a', 'c'};
    for (size_t i = 0; i < N_OF(cmds); i++) {
        kid k;
        hold_arg a = {s->out, NULL};
        char dest[4200];
        kid_start(&k, holder, &a);
        kid_ready(&k, dest, sizeof dest);
        assert_string_equal(dest, s->out);
        stage_dir st;
        ab_err err = {{0}};
        assert_int_equal(stage_open(&st, s->out, &err), AB_ERUNTIME);
        assert_string_equal(err.msg, want);
        stage_abort(&st); /* after the refusal: the holder's folder stays */
        assert_int_equal(file_size_in(held, "child.txt"), 6);
        kid_end(&k, cmds[i]);
        if (cmds[i] == 'c')
            assert_int_equal(file_size_in(s->out, "child.txt"), 6);
        else
            assert_true(path_missing(s->out));
        /* free again */
        assert_int_equal(stage_open(&st, s->out, &err), AB_OK);
        assert_int_equal(count_entries(st.dir), 0);
        stage_abort(&st);
        assert_int_equal(count_partials(s->dir), 0);
    }
}

/* stage_keep links what dest holds, less what drop names, keeps modes, and
 * refuses at once a tree too deep to be removed again (no hang). */
static bool drop_b(const char *name, void *ctx)
{
    (void)ctx;
    return !strcmp(name, "b");
}

static void test_keep(void **state)
{
    scratch *s = *state;
    mkdir_ok(s->dir, "run");
    mkdir_ok(s->out, "a");
    mkdir_ok(s->out, "b");
    put_ok(s->out, "a/x.csv", "kept\n");
    put_ok(s->out, "b/y.csv", "dropped\n");
    put_ok(s->out, "top.txt", "kept\n");
    char sub[4400];
    snprintf(sub, sizeof sub, "%s/a", s->out);
    assert_int_equal(chmod(sub, 0750), 0);
    stage_dir st = {0};
    ab_err err = {{0}};
    assert_int_equal(stage_open(&st, s->out, &err), AB_OK);
    assert_int_equal(stage_keep(&st, drop_b, NULL, &err), AB_OK);
    assert_int_equal(stage_commit(&st, &err), AB_OK);
    char *x = slurp_in(s->out, "a/x.csv");
    assert_string_equal(x, "kept\n");
    free(x);
    assert_true(path_missing_in(s->out, "b"));
    assert_false(path_missing_in(s->out, "top.txt"));
    struct stat sb;
    assert_int_equal(stat(sub, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0750);
    /* 30 levels below dest: refused, and the stage removed, in good time */
    char deep[8192];
    size_t n = (size_t)snprintf(deep, sizeof deep, "%s", s->out);
    for (int i = 0; i < 30; i++) {
        n += (size_t)snprintf(deep + n, sizeof deep - n, "/d");
        assert_int_equal(mkdir(deep, 0777), 0);
    }
    assert_int_equal(stage_open(&st, s->out, &err), AB_OK);
    assert_int_equal(stage_keep(&st, NULL, NULL, &err), AB_ERUNTIME);
    if (!strstr(err.msg, "cannot keep its earlier contents (d"))
        fail_msg("%s", err.msg);
    stage_abort(&st);
    char staged[4400];
    snprintf(staged, sizeof staged, "%s/.run.partial", s->dir);
    assert_true(path_missing(staged));
}

static void test_stale_cleaned(void **state)
{
    scratch *s = *state;
    /* left as by a process killed while staging: files, a subfolder, links
     * out of it (whose targets must stay), and no lock */
    char stale[4300], link[4400];
    snprintf(stale, sizeof stale, "%s/.run.partial", s->dir);
    mkdir_ok(s->dir, ".run.partial");
    mkdir_ok(stale, "plots");
    put_ok(stale, "a.csv", "stale\n");
    put_ok(stale, "plots/p.gp", "stale\n");
    mkdir_ok(s->dir, "outside");
    put_ok(s->dir, "outside/keep.txt", "keep\n");
    snprintf(link, sizeof link, "%s/to-folder", stale);
    assert_int_equal(symlink("../outside", link), 0);
    snprintf(link, sizeof link, "%s/plots/to-file", stale);
    assert_int_equal(symlink("../../outside/keep.txt", link), 0);
    stage_dir st;
    ab_err err = {{0}};
    assert_int_equal(stage_open(&st, s->out, &err), AB_OK);
    assert_string_equal(st.dir, stale);
    assert_int_equal(count_entries(st.dir), 0);
    assert_int_equal(file_size_in(s->dir, "outside/keep.txt"), 5);
    put_ok(st.dir, "new.csv", "new\n");
    assert_int_equal(stage_commit(&st, &err), AB_OK);
    assert_int_equal(count_entries(s->out), 1);
    assert_int_equal(count_partials(s->dir), 0);

    /* and what a process really killed (SIGKILL: no handler) left */
    kid k;
    hold_arg a = {s->out, NULL};
    char dest[4200];
    kid_start(&k, holder, &a);
    kid_ready(&k, dest, sizeof dest);
    assert_int_equal(kill(k.pid, SIGKILL), 0);
    int status = kid_wait(&k);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    assert_int_equal(file_size_in(stale, "child.txt"), 6);
    assert_int_equal(stage_open(&st, s->out, &err), AB_OK);
    assert_int_equal(count_entries(st.dir), 0);
    stage_abort(&st);
    assert_int_equal(count_partials(s->dir), 0);
    assert_int_equal(count_entries(s->out), 1); /* the committed folder, untouched */
}

/* Fails unless path ends in [STEM-]YYYYMMDD-HHMMSS[-N]. */
static void assert_new_name(const char *path, const char *stem)
{
    const char *name = strrchr(path, '/') + 1;
    size_t sl = stem ? strlen(stem) + 1 : 0;
    if (stem && (strncmp(name, stem, sl - 1) || name[sl - 1] != '-'))
        fail_msg("%s: does not start with %s-", name, stem);
    const char *p = name + sl;
    for (int i = 0; i < 15; i++)
        if (i == 8 ? p[i] != '-' : (p[i] < '0' || p[i] > '9'))
            fail_msg("%s: not a timestamp", name);
    if (p[15] && p[15] != '-')
        fail_msg("%s: not a timestamp", name);
}

static void test_open_new_distinct(void **state)
{
    scratch *s = *state;
    char runs[4300];
    snprintf(runs, sizeof runs, "%s/runs", s->dir); /* made by the first open */
    stage_dir a, b, c;
    ab_err err = {{0}};
    assert_int_equal(stage_open_new(&a, runs, "exp", &err), AB_OK);
    assert_int_equal(stage_open_new(&b, runs, "exp", &err), AB_OK);
    assert_new_name(a.dest, "exp");
    assert_new_name(b.dest, "exp");
    assert_string_not_equal(a.dest, b.dest);
    size_t al = strlen(a.dest);
    if (!strncmp(a.dest, b.dest, al)) /* the same second */
        assert_string_equal(b.dest + al, "-2");
    put_ok(a.dir, "a.csv", "a\n");
    put_ok(b.dir, "b.csv", "b\n");
    assert_int_equal(stage_commit(&a, &err), AB_OK);
    assert_int_equal(stage_commit(&b, &err), AB_OK);
    /* a committed name is taken as well as one being staged */
    assert_int_equal(stage_open_new(&c, runs, "exp", &err), AB_OK);
    assert_string_not_equal(c.dest, a.dest);
    assert_string_not_equal(c.dest, b.dest);
    stage_abort(&c);
    assert_int_equal(file_size_in(a.dest, "a.csv"), 2);
    assert_int_equal(file_size_in(b.dest, "b.csv"), 2);

    /* another process staging a new folder at the same moment */
    kid k;
    hold_arg h = {NULL, runs};
    char theirs[4200];
    kid_start(&k, holder, &h);
    kid_ready(&k, theirs, sizeof theirs);
    assert_int_equal(stage_open_new(&c, runs, "exp", &err), AB_OK);
    assert_string_not_equal(c.dest, theirs);
    kid_end(&k, 'c');
    assert_int_equal(stage_commit(&c, &err), AB_OK);
    assert_int_equal(file_size_in(theirs, "child.txt"), 6);
    assert_int_equal(count_entries(runs), 4);

    /* without a stem */
    assert_int_equal(stage_open_new(&c, runs, NULL, &err), AB_OK);
    assert_new_name(c.dest, NULL);
    stage_abort(&c);
    assert_int_equal(count_partials(runs), 0);
    assert_int_equal(stage_open_new(&c, runs, "a/b", &err), AB_EUSAGE);
}

static void test_not_a_folder_refused(void **state)
{
    scratch *s = *state;
    char path[4300], want[4400];
    write_file(path, sizeof path, s->dir, "run", "data\n");
    stage_dir st;
    ab_err err = {{0}};
    assert_int_equal(stage_open(&st, s->out, &err), AB_ERUNTIME);
    snprintf(want, sizeof want, "%s: exists and is not a folder; not replaced", s->out);
    assert_string_equal(err.msg, want);
    assert_int_equal(file_size(s->out), 5);
    /* a symbolic link to that file, one to nothing */
    snprintf(path, sizeof path, "%s/link", s->dir);
    assert_int_equal(symlink("run", path), 0);
    assert_int_equal(stage_open(&st, path, &err), AB_ERUNTIME);
    assert_contains(err.msg, "not a folder");
    snprintf(path, sizeof path, "%s/dangling", s->dir);
    assert_int_equal(symlink("nowhere", path), 0);
    assert_int_equal(stage_open(&st, path, &err), AB_ERUNTIME);
    assert_contains(err.msg, "cannot be followed");
    /* a file where a parent folder should be */
    snprintf(path, sizeof path, "%s/sub", s->out);
    assert_int_equal(stage_open(&st, path, &err), AB_ERUNTIME);
    assert_contains(err.msg, s->out);
    /* a file where the staging folder should be */
    write_file(path, sizeof path, s->dir, ".other.partial", "x");
    snprintf(path, sizeof path, "%s/other", s->dir);
    assert_int_equal(stage_open(&st, path, &err), AB_ERUNTIME);
    assert_contains(err.msg, ".other.partial: exists and is not a folder; remove it");
    assert_int_equal(count_entries(s->dir), 4);
    stage_abort(&st);
}

static void test_symlink_followed(void **state)
{
    scratch *s = *state;
    char real[4300], resolved[PATH_MAX];
    snprintf(real, sizeof real, "%s/real", s->dir);
    make_old(real);
    assert_int_equal(symlink("real", s->out), 0);
    assert_non_null(realpath(real, resolved));
    stage_dir st;
    ab_err err = {{0}};
    assert_int_equal(stage_open(&st, s->out, &err), AB_OK);
    assert_string_equal(st.dest, resolved);
    put_ok(st.dir, "new.csv", "new\n");
    assert_int_equal(stage_commit(&st, &err), AB_OK);
    struct stat sb;
    assert_int_equal(lstat(s->out, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    assert_int_equal(count_entries(real), 1);
    assert_int_equal(file_size_in(s->out, "new.csv"), 4);
    assert_int_equal(count_entries(s->dir), 2);
}

static void test_paths(void **state)
{
    scratch *s = *state;
    stage_dir st;
    ab_err err = {{0}};
    char path[8200], up[4300];
    snprintf(up, sizeof up, "%s/..", s->dir);
    const char *itself[] = {".", "..", "/", "x/..", "x/.", "./", up};
    for (size_t i = 0; i < N_OF(itself); i++) {
        assert_int_equal(stage_open(&st, itself[i], &err), AB_EUSAGE);
        assert_contains(err.msg, "the folder itself cannot be replaced");
    }
    assert_int_equal(stage_open(&st, "", &err), AB_EUSAGE);
    /* too long: the path, the path with its staging name, the name */
    memset(path, 'a', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    for (size_t i = 1; i < sizeof path - 1; i += 2)
        path[i] = '/';
    assert_int_equal(stage_open(&st, path, &err), AB_EUSAGE);
    assert_contains(err.msg, "path too long");
    path[4090] = '\0';
    assert_int_equal(stage_open(&st, path, &err), AB_EUSAGE);
    assert_contains(err.msg, "path too long");
    int n = snprintf(path, sizeof path, "%s/", s->dir);
    memset(path + n, 'n', 250);
    path[n + 250] = '\0';
    assert_int_equal(stage_open(&st, path, &err), AB_EUSAGE);
    assert_contains(err.msg, "name too long");
    stage_abort(&st);
    assert_int_equal(count_entries(s->dir), 0);
    /* trailing '/' */
    snprintf(path, sizeof path, "%s///", s->out);
    assert_int_equal(stage_open(&st, path, &err), AB_OK);
    assert_string_equal(st.dest, s->out);
    assert_int_equal(stage_commit(&st, &err), AB_OK);
    assert_int_equal(count_entries(s->out), 0);
}

static void test_relative_and_cwd(void **state)
{
    scratch *s = *state;
    stage_dir st;
    ab_err err = {{0}};
    mkdir_ok(s->dir, "work");
    char work[4300];
    snprintf(work, sizeof work, "%s/work", s->dir);
    assert_int_equal(chdir(work), 0); /* teardown goes back */
    assert_int_equal(stage_open(&st, "run", &err), AB_OK);
    assert_string_equal(st.dir, ".run.partial");
    put_ok(st.dir, "a.csv", "a\n");
    assert_int_equal(stage_commit(&st, &err), AB_OK);
    assert_int_equal(file_size_in("run", "a.csv"), 2);
    assert_int_equal(stage_open(&st, "a/b/run/", &err), AB_OK);
    assert_string_equal(st.dest, "a/b/run");
    assert_string_equal(st.dir, "a/b/.run.partial");
    assert_int_equal(stage_commit(&st, &err), AB_OK);
    assert_int_equal(count_entries("a/b/run"), 0);
    /* the current folder and the folders holding it, named otherwise */
    const char *mine[] = {work, s->dir, "../work", "../../work/.."};
    for (size_t i = 0; i < N_OF(mine); i++)
        if (stage_open(&st, mine[i], &err) == AB_OK)
            fail_msg("%s: staged, though it holds the current folder", mine[i]);
    assert_int_equal(stage_open(&st, work, &err), AB_ERUNTIME);
    assert_contains(err.msg, "is or holds the current folder");
    assert_int_equal(count_entries("."), 2);
    assert_int_equal(count_entries(s->dir), 1);
}

static void test_parent_not_writable(void **state)
{
    scratch *s = *state;
    if (geteuid() == 0)
        skip(); /* root writes anywhere */
    char ro[4300], dest[4400];
    snprintf(ro, sizeof ro, "%s/ro", s->dir);
    assert_int_equal(mkdir(ro, 0555), 0);
    snprintf(dest, sizeof dest, "%s/run", ro);
    stage_dir st;
    ab_err err = {{0}};
    assert_int_equal(stage_open(&st, dest, &err), AB_ERUNTIME);
    assert_contains(err.msg, ro);
    assert_contains(err.msg, strerror(EACCES));
    chmod(ro, 0777);
    assert_int_equal(count_entries(ro), 0);
}

/* Child: stages dest the way a run does (a subfolder, a file, an atomic file
 * still being written), says so, and waits for its signal (arg). */
typedef struct {
    const char *dest;
    int sig;
} sig_arg;

static void signalled(int ready, int go, const void *arg)
{
    const sig_arg *a = arg;
    (void)go;
    signal(a->sig, SIG_DFL); /* whatever the test runner left it as */
    afile_clean_on_signals();
    stage_dir st;
    afile f;
    ab_err err = {{0}};
    char plots[4400];
    if (stage_open(&st, a->dest, &err) != AB_OK ||
        afile_path_join(plots, sizeof plots, st.dir, "plots", &err) != AB_OK ||
        afile_make_dirs(plots, &err) != AB_OK || put(st.dir, "a.csv", "a\n") != 0 ||
        afile_open_in(&f, plots, "p.gp", &err) != AB_OK) {
        say(ready, 'e', err.msg);
        _exit(3);
    }
    fputs("half", f.f);
    fflush(f.f);
    say(ready, 'r', st.dest);
    for (;;)
        pause();
}

static void test_signal_removes_staging(void **state)
{
    scratch *s = *state;
    make_old(s->out);
    char *before = snapshot(s->out);
    static const int sigs[] = {SIGTERM, SIGINT, SIGHUP};
    for (size_t i = 0; i < N_OF(sigs); i++) {
        kid k;
        sig_arg a = {s->out, sigs[i]};
        char dest[4200];
        kid_start(&k, signalled, &a);
        kid_ready(&k, dest, sizeof dest);
        assert_int_equal(count_partials(s->dir), 1);
        assert_int_equal(kill(k.pid, sigs[i]), 0);
        int status = kid_wait(&k);
        if (!WIFSIGNALED(status) || WTERMSIG(status) != sigs[i])
            fail_msg("signal %d: the child did not end by it (status 0x%x)", sigs[i], status);
        if (count_partials(s->dir) != 0)
            fail_msg("signal %d left the staging folder", sigs[i]);
        char *after = snapshot(s->out);
        assert_string_equal(after, before);
        free(after);
    }
    free(before);
}

/* A fork child of forking(): writes NAME into the staged folder, then with
 * how = 'a' tries to commit, aborts and exits, with 's' ends by SIGTERM. */
static int fork_child(const stage_dir *st, const char *name, char how)
{
    pid_t pid = fork();
    if (pid == 0) {
        stage_dir mine = *st;
        ab_err err = {{0}};
        if (put(mine.dir, name, "child\n") != 0)
            _exit(4);
        if (how == 's')
            raise(SIGTERM);
        if (stage_commit(&mine, &err) == AB_OK)
            _exit(5);
        stage_abort(&mine);
        _exit(0);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return how == 's' ? !WIFSIGNALED(status) || WTERMSIG(status) != SIGTERM
                      : !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

/* Child: stages dest, has one fork child abort it and another killed by
 * SIGTERM, checks that its folder still holds what both wrote, says so, and
 * commits on 'c'. */
static void forking(int ready, int go, const void *arg)
{
    signal(SIGTERM, SIG_DFL);
    afile_clean_on_signals();
    stage_dir st;
    ab_err err = {{0}};
    if (stage_open(&st, arg, &err) != AB_OK) {
        say(ready, 'e', err.msg);
        _exit(3);
    }
    if (fork_child(&st, "aborted.txt", 'a') != 0 || fork_child(&st, "killed.txt", 's') != 0) {
        say(ready, 'e', "a fork child did not end as it should");
        _exit(8);
    }
    if (file_size_in(st.dir, "aborted.txt") != 6 || file_size_in(st.dir, "killed.txt") != 6) {
        say(ready, 'e', "a fork child removed the staging folder");
        _exit(8);
    }
    say(ready, 'r', st.dest);
    char c = 0;
    if (read(go, &c, 1) == 1 && c == 'c')
        _exit(stage_commit(&st, &err) == AB_OK ? 0 : 9);
    _exit(10);
}

static void test_fork_child_leaves_staging(void **state)
{
    scratch *s = *state;
    kid k;
    char dest[4200];
    kid_start(&k, forking, s->out);
    kid_ready(&k, dest, sizeof dest);
    kid_end(&k, 'c');
    assert_int_equal(count_entries(s->out), 2);
    assert_int_equal(count_entries(s->dir), 1);
}

/* ---- racing writers ---- */

#define WRITERS 12
#define ROUNDS 300

/* Child: ROUNDS times stages dest (a busy stage skipped) and commits a.csv,
 * b.csv, c.csv and x-TAG, each holding TAG, unique to the round; says how
 * many it committed. */
static void writer(int ready, int go, const void *arg)
{
    const char *dest = arg;
    char c, tag[64], name[80], word[32];
    int done = 0;
    if (read(go, &c, 1) != 1)
        _exit(3);
    for (int i = 0; i < ROUNDS; i++) {
        stage_dir st;
        ab_err err = {{0}};
        if (stage_open(&st, dest, &err) != AB_OK) {
            if (!strstr(err.msg, "another actbench process is writing it")) {
                say(ready, 'e', err.msg);
                _exit(4);
            }
            continue;
        }
        snprintf(tag, sizeof tag, "%d-%d", (int)getpid(), i);
        snprintf(name, sizeof name, "x-%s", tag);
        if (put(st.dir, "a.csv", tag) || put(st.dir, "b.csv", tag) || put(st.dir, "c.csv", tag) ||
            put(st.dir, name, tag) || stage_commit(&st, &err) != AB_OK) {
            say(ready, 'e', err.msg);
            _exit(5);
        }
        done++;
    }
    snprintf(word, sizeof word, "%d", done);
    say(ready, 'r', word);
    _exit(0);
}

/* One look at dest: 1 when it is whole (four files of one tag), 0 when it
 * was being replaced while looked at, -1 when it is missing. */
static int look(const char *dest)
{
    int fd = open(dest, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    char tags[4][64] = {{0}}, xname[300] = "";
    int n = 0, got = 0;
    DIR *d = fdopendir(dup(fd));
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            n++;
            if (!strncmp(e->d_name, "x-", 2))
                snprintf(xname, sizeof xname, "%s", e->d_name);
        }
    closedir(d);
    const char *names[4] = {"a.csv", "b.csv", "c.csv", xname};
    for (int i = 0; i < 4; i++) {
        int f = openat(fd, names[i], O_RDONLY);
        if (f >= 0 && read(f, tags[i], sizeof tags[i] - 1) > 0)
            got++;
        if (f >= 0)
            close(f);
    }
    struct stat a, b;
    int still = fstat(fd, &a) == 0 && stat(dest, &b) == 0 && a.st_ino == b.st_ino;
    close(fd);
    if (!still)
        return 0; /* the old tree, emptied as we looked */
    if (n != 4 || got != 4)
        fail_msg("%s holds %d entries, %d of them readable", dest, n, got);
    for (int i = 1; i < 4; i++)
        if (strcmp(tags[i], tags[0]))
            fail_msg("%s mixes %s and %s", dest, tags[0], tags[i]);
    if (strcmp(xname + 2, tags[0]))
        fail_msg("%s mixes %s and %s", dest, xname, tags[0]);
    return 1;
}

static void test_racing_writers(void **state)
{
    scratch *s = *state;
    kid k[WRITERS];
    for (int i = 0; i < WRITERS; i++)
        kid_start(&k[i], writer, s->out);
    for (int i = 0; i < WRITERS; i++)
        assert_int_equal(write(k[i].go, "g", 1), 1);
    int seen = 0, running = WRITERS, commits = 0;
    while (running > 0) {
        int r = look(s->out);
        if (r < 0 && seen)
            fail_msg("%s went missing", s->out);
        seen |= r > 0;
        running = 0;
        for (int i = 0; i < WRITERS; i++)
            running += waitpid(k[i].pid, NULL, WNOHANG) == 0;
    }
    for (int i = 0; i < WRITERS; i++) {
        char word[600];
        kid_ready(&k[i], word, sizeof word);
        commits += (int)strtol(word, NULL, 10);
        close(k[i].ready);
        close(k[i].go);
    }
    assert_true(commits > 0);
    assert_int_equal(look(s->out), 1);
    assert_int_equal(count_entries(s->dir), 1);
}

#define NEWERS 4
#define NEW_ROUNDS 25

/* Child: NEW_ROUNDS times stages a new folder in parent (arg) and commits it
 * holding one file, tag, unique to the round. */
static void new_writer(int ready, int go, const void *arg)
{
    char c, tag[64];
    if (read(go, &c, 1) != 1)
        _exit(3);
    for (int i = 0; i < NEW_ROUNDS; i++) {
        stage_dir st;
        ab_err err = {{0}};
        snprintf(tag, sizeof tag, "%d-%d", (int)getpid(), i);
        if (stage_open_new(&st, arg, "exp", &err) != AB_OK || put(st.dir, "tag", tag) != 0 ||
            stage_commit(&st, &err) != AB_OK) {
            say(ready, 'e', err.msg);
            _exit(4);
        }
    }
    say(ready, 'r', "");
    _exit(0);
}

static void test_racing_new_folders(void **state)
{
    scratch *s = *state;
    char runs[4300], word[600];
    snprintf(runs, sizeof runs, "%s/runs", s->dir);
    kid k[NEWERS];
    for (int i = 0; i < NEWERS; i++)
        kid_start(&k[i], new_writer, runs);
    for (int i = 0; i < NEWERS; i++)
        assert_int_equal(write(k[i].go, "g", 1), 1);
    for (int i = 0; i < NEWERS; i++) {
        kid_ready(&k[i], word, sizeof word);
        kid_end(&k[i], 0);
    }
    /* each commit its own folder, holding its own file only */
    assert_int_equal(count_entries(runs), NEWERS * NEW_ROUNDS);
    DIR *d = opendir(runs);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            char path[8400];
            snprintf(path, sizeof path, "%s/%s", runs, e->d_name);
            assert_int_equal(count_entries(path), 1);
            assert_true(file_size_in(path, "tag") > 0);
        }
    closedir(d);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN); /* a child gone before its command: a failed write */
    start_cwd = open(".", O_RDONLY | O_DIRECTORY);
    test_list l = {0};
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit_makes_dest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keep, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace_leaves_no_old_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_keeps_old, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_process_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_cleaned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_new_distinct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_folder_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlink_followed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relative_and_cwd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parent_not_writable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signal_removes_staging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fork_child_leaves_staging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_racing_writers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_racing_new_folders, setup, teardown),
    };
    TESTS_ADD(&l, tests);
    return tests_run(&l, "stage");
}
