/* fuzz_util.c - helpers shared by the fuzz targets (see fuzz_util.h). */
#define _GNU_SOURCE
#include "fuzz_util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

void fz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: invariant broken: %s: ", file, line, cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

int fz_memfd(const void *data, size_t size, char *path, size_t n)
{
    int fd = memfd_create("actbench-fuzz", MFD_CLOEXEC);
    FZ_CHECK(fd >= 0, "memfd_create: %s", strerror(errno));
    const char *p = data;
    size_t done = 0;
    while (done < size) {
        ssize_t w = write(fd, p + done, size - done);
        FZ_CHECK(w > 0, "write to a memfd: %s", strerror(errno));
        done += (size_t)w;
    }
    snprintf(path, n, "/proc/self/fd/%d", fd);
    return fd;
}

static char tmpdir[4096];

static void remove_tmpdir(void)
{
    if (tmpdir[0])
        rmdir(tmpdir);
}

const char *fz_tmpdir(void)
{
    if (tmpdir[0])
        return tmpdir;
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/actbench-fuzz-XXXXXX", base && base[0] ? base : "/tmp");
    FZ_CHECK(mkdtemp(tmpdir), "mkdtemp %s: %s", tmpdir, strerror(errno));
    atexit(remove_tmpdir);
    return tmpdir;
}

void fz_write_file(const char *path, const void *data, size_t size, int gz)
{
    if (gz) {
        gzFile f = gzopen(path, "wb");
        FZ_CHECK(f, "gzopen %s", path);
        FZ_CHECK(size == 0 || gzwrite(f, data, (unsigned)size) == (int)size, "gzwrite %s", path);
        FZ_CHECK(gzclose(f) == Z_OK, "gzclose %s", path);
        return;
    }
    FILE *f = fopen(path, "wb");
    FZ_CHECK(f, "%s: %s", path, strerror(errno));
    FZ_CHECK(fwrite(data, 1, size, f) == size, "write %s", path);
    FZ_CHECK(fclose(f) == 0, "close %s", path);
}

int fz_read_content(const char *path, unsigned char **out, size_t *len, size_t max)
{
    *out = NULL;
    *len = 0;
    gzFile f = gzopen(path, "rb");
    if (!f)
        return 0;
    unsigned char *buf = malloc(max + 1);
    FZ_CHECK(buf, "out of memory");
    size_t have = 0;
    int r;
    while (have <= max && (r = gzread(f, buf + have, (unsigned)(max + 1 - have))) > 0)
        have += (size_t)r;
    gzclose(f);
    if (have > max) {
        free(buf);
        return 0;
    }
    *out = buf;
    *len = have;
    return 1;
}

void fz_check_failure(ab_status st, const ab_err *err)
{
    FZ_CHECK(st == AB_ERUNTIME || st == AB_EUSAGE, "status %d", (int)st);
    size_t len = strnlen(err->msg, sizeof err->msg);
    FZ_CHECK(len < sizeof err->msg, "message not terminated");
    FZ_CHECK(len > 0, "failure with an empty message");
    FZ_CHECK(!memchr(err->msg, '\n', len), "message of more than one line: %s", err->msg);
}
