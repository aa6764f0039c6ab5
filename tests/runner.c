/* runner.c - running the actbench binary from tests, and file helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

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
void run_actbench(run_result *r, const char *const *args)
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

void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

char *slurp(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    char *s = read_fd(fd);
    close(fd);
    return s;
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
