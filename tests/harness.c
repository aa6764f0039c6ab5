/* harness.c - running the actbench binary from tests, assertions on its runs,
 * file helpers, the temporary-folder fixture and test lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define MAX_ARGS 64

const char *actbench_path(void)
{
    const char *p = getenv("ACTBENCH");
    return p && *p ? p : "../build/src/actbench";
}

const char *tmp_root(void)
{
    const char *t = getenv("TMPDIR");
    return t && *t ? t : "/tmp";
}

char *read_fd(int fd)
{
    if (lseek(fd, 0, SEEK_SET) < 0)
        return NULL;
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    for (;;) {
        if (len + 1 >= cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                return NULL;
            }
            buf = nb;
        }
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(buf);
            return NULL;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    return buf;
}

static int capture_file(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/actbench_test_io_XXXXXX", tmp_root());
    int fd = mkstemp(path);
    if (fd >= 0)
        unlink(path);
    return fd;
}

/* Runs actbench with the NULL-terminated args, stdin from /dev/null, stdout
 * and stderr captured. */
/* run_actbench, with files limited to max_file bytes when > 0; SIGXFSZ
 * ignored (so that a longer write fails with EFBIG) unless sigxfsz_default,
 * when it is left to the program, as a shell's `ulimit -f` leaves it. */
static void run_argv(run_result *r, const char *const *args, long max_file,
                     bool sigxfsz_default)
{
    memset(r, 0, sizeof *r);
    char *argv[MAX_ARGS];
    int n = 0;
    argv[n++] = (char *)actbench_path();
    for (int i = 0; args[i]; i++) {
        assert_true(n + 1 < MAX_ARGS);
        argv[n++] = (char *)args[i];
    }
    argv[n] = NULL;

    int out = capture_file(), err = capture_file();
    assert_true(out >= 0);
    assert_true(err >= 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
            _exit(126);
        alarm(120); /* a hung program fails the test instead of hanging it */
        if (max_file > 0) {
            struct rlimit lim = {.rlim_cur = (rlim_t)max_file, .rlim_max = (rlim_t)max_file};
            signal(SIGXFSZ, sigxfsz_default ? SIG_DFL : SIG_IGN);
            if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
                _exit(126);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    int ws;
    while (waitpid(pid, &ws, 0) < 0)
        assert_int_equal(errno, EINTR);
    r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    r->out = read_fd(out);
    r->err = read_fd(err);
    close(out);
    close(err);
    assert_non_null(r->out);
    assert_non_null(r->err);
    if (r->status == 127 && r->err[0] == '\0')
        fail_msg("cannot execute %s (set ACTBENCH)", argv[0]);
}

void run_actbench(run_result *r, const char *const *args)
{
    run_argv(r, args, 0, false);
}

void run_limited(run_result *r, const char *const *args, long max_file)
{
    run_argv(r, args, max_file, false);
}

void run_ulimit_f(run_result *r, const char *const *args, long max_file)
{
    run_argv(r, args, max_file, true);
}

void run_with(run_result *r, const char *const *head, const char *const *tail)
{
    const char *args[MAX_ARGS];
    int n = 0;
    for (int i = 0; head[i]; i++) {
        assert_true(n + 1 < MAX_ARGS);
        args[n++] = head[i];
    }
    for (int i = 0; tail && tail[i]; i++) {
        assert_true(n + 1 < MAX_ARGS);
        args[n++] = tail[i];
    }
    args[n] = NULL;
    run_actbench(r, args);
}

void run_ok(run_result *r, const char *const *args)
{
    run_actbench(r, args);
    assert_exit_ok(r);
}

void run_quiet(const char *const *args)
{
    run_result r;
    run_actbench(&r, args);
    assert_quiet(&r);
    run_free(&r);
}

pid_t start_background(const char *const *args, bool own_group)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (own_group)
            setpgid(0, 0);
        signal(SIGTERM, SIG_DFL);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        execv(args[0], (char *const *)args);
        _exit(127);
    }
    if (own_group)
        setpgid(pid, pid); /* either side may win the race; both set the same */
    return pid;
}

void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* ------------------------------------------------------------------------ */
/* Assertions                                                                */

void assert_exit_ok(const run_result *r)
{
    if (r->status != 0)
        fail_msg("exit status %d, expected 0; stderr: \"%s\"", r->status, r->err);
}

void assert_quiet(const run_result *r)
{
    assert_exit_ok(r);
    if (r->err[0] != '\0')
        fail_msg("--quiet run wrote to stderr: \"%s\"", r->err);
    if (r->out[0] != '\0')
        fail_msg("--quiet run wrote to stdout: \"%s\"", r->out);
}

void assert_contains(const char *hay, const char *needle)
{
    if (!hay)
        fail_msg("no text to find \"%s\" in", needle);
    else if (!strstr(hay, needle))
        fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

/* Whether s is exactly one newline-terminated line. */
static bool one_line(const char *s)
{
    size_t len = strlen(s);
    return len > 0 && s[len - 1] == '\n' && strchr(s, '\n') == s + len - 1;
}

void assert_error(const char *what, const run_result *r, int status,
                  const char *const *needles)
{
    const char *w = what ? what : "", *sep = what ? ": " : "";
    if (r->status != status)
        fail_msg("%s%sexit status %d, expected %d; stderr: \"%s\"", w, sep, r->status, status,
                 r->err);
    if (!one_line(r->err))
        fail_msg("%s%sexpected exactly one line on stderr, got \"%s\"", w, sep, r->err);
    if (strncmp(r->err, "actbench: ", 10) != 0)
        fail_msg("%s%sstderr does not start with \"actbench: \": \"%s\"", w, sep, r->err);
    for (int i = 0; needles && needles[i]; i++)
        if (!strstr(r->err, needles[i]))
            fail_msg("%s%s\"%s\" does not name \"%s\"", w, sep, r->err, needles[i]);
    if (r->out[0] != '\0')
        fail_msg("%s%sstdout is not empty: \"%s\"", w, sep, r->out);
}

/* ------------------------------------------------------------------------ */
/* Files and folders                                                         */

char *slurp(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    char *s = read_fd(fd);
    close(fd);
    return s;
}

char *slurp_in(const char *dir, const char *name)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *s = slurp(path);
    if (!s)
        fail_msg("cannot read %s", path);
    return s;
}

void write_file(char *path, size_t n, const char *dir, const char *name, const char *text)
{
    assert_true((size_t)snprintf(path, n, "%s/%s", dir, name) < n);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

long file_size(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
    return (long)st.st_size;
}

long file_size_in(const char *dir, const char *name)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return file_size(path);
}

void assert_png(const char *dir, const char *name)
{
    static const unsigned char magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    long size = file_size_in(dir, name);
    if (size <= 1000)
        fail_msg("%s/%s is missing or too small for a figure: %ld bytes", dir, name, size);
    char *png = slurp_in(dir, name);
    if (memcmp(png, magic, sizeof magic) != 0)
        fail_msg("%s/%s is not a PNG file", dir, name);
    free(png);
}

bool path_missing(const char *path)
{
    struct stat st;
    return lstat(path, &st) != 0 && errno == ENOENT;
}

bool path_missing_in(const char *dir, const char *name)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path_missing(path);
}

int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

int split_commas(char *line, char **out, int max)
{
    int n = 0;
    for (char *p = line;;) {
        if (n < max)
            out[n] = p;
        n++;
        char *comma = strchr(p, ',');
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

/* Makes a fresh folder $TMPDIR/actbench_TAG_XXXXXX, its path into dir (n
 * bytes); 0, or -1 when it cannot. */
static int make_temp_dir(char *dir, size_t n, const char *tag)
{
    int len = snprintf(dir, n, "%s/actbench_%s_XXXXXX", tmp_root(), tag);
    return len >= 0 && (size_t)len < n && mkdtemp(dir) ? 0 : -1;
}

void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                    continue;
                char sub[4096];
                if (snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) < (int)sizeof sub)
                    remove_tree(sub);
            }
            closedir(d);
        }
        rmdir(path);
    } else
        unlink(path);
}

/* ------------------------------------------------------------------------ */
/* The fixture                                                               */

int scratch_setup(void **state, size_t size, const char *tag, const char *out_name)
{
    scratch *s = calloc(1, size < sizeof *s ? sizeof *s : size);
    if (!s)
        return -1;
    s->data = *state;
    if (make_temp_dir(s->dir, sizeof s->dir, tag) != 0) {
        free(s);
        return -1;
    }
    if (out_name)
        snprintf(s->out, sizeof s->out, "%s/%s", s->dir, out_name);
    else
        snprintf(s->out, sizeof s->out, "%s", s->dir);
    *state = s;
    return 0;
}

int scratch_teardown(void **state)
{
    scratch *s = *state;
    remove_tree(s->dir);
    run_free(&s->r);
    free(s);
    return 0;
}

void assert_out_missing(const scratch *s, const char *what, int n_entries)
{
    if (!path_missing(s->out))
        fail_msg("%s: %s was created", what, s->out);
    int n = count_entries(s->dir);
    if (n_entries >= 0 && n != n_entries)
        fail_msg("%s: %d entries in %s, expected %d", what, n, s->dir, n_entries);
}

void assert_info_run(const scratch *s)
{
    assert_exit_ok(&s->r);
    if (s->r.err[0] != '\0')
        fail_msg("stderr is not empty: \"%s\"", s->r.err);
    if (!path_missing(s->out))
        fail_msg("%s was created", s->out);
}

void check_usage_case(scratch *s, const char *const *head, const usage_case *c)
{
    run_free(&s->r);
    run_with(&s->r, head, c->args);
    assert_error(c->name, &s->r, 2, c->needles);
    assert_out_missing(s, c->name, 0);
}

/* ------------------------------------------------------------------------ */
/* Test lists                                                                */

static struct CMUnitTest *tests_grow(test_list *l, size_t count)
{
    if (l->n + count > l->cap) {
        size_t cap = l->n + count + 16;
        struct CMUnitTest *t = realloc(l->tests, cap * sizeof *t);
        assert_non_null(t);
        l->tests = t;
        l->cap = cap;
    }
    struct CMUnitTest *at = l->tests + l->n;
    l->n += count;
    return at;
}

void tests_add(test_list *l, const struct CMUnitTest *tests, size_t count)
{
    memcpy(tests_grow(l, count), tests, count * sizeof *tests);
}

void tests_add_cases(test_list *l, CMUnitTestFunction fn, const void *cases, size_t size,
                     size_t count, CMFixtureFunction setup, CMFixtureFunction teardown)
{
    struct CMUnitTest *t = tests_grow(l, count);
    for (size_t i = 0; i < count; i++) {
        const void *c = (const char *)cases + i * size;
        t[i] = (struct CMUnitTest){*(const char *const *)c, fn, setup, teardown, (void *)c};
    }
}

int tests_run(test_list *l, const char *name)
{
    int rc = _cmocka_run_group_tests(name, l->tests, l->n, NULL, NULL);
    free(l->tests);
    *l = (test_list){0};
    return rc;
}
