/* fuzz_npy.c - libFuzzer target for the .npy reader and writer.
 *   Read: the input is a .npy file given to npy_read.  On success the
 *   version is 1, 2 or 3 (the only ones that exist), the data ends within
 *   the file (never more floats than the file holds: 4 * rows * max(cols, 1)
 *   bytes after the header) and the floats are those bytes; and when the
 *   header is a dict literal this target can parse (strings, True/False,
 *   tuples of whole numbers), its 'descr' is '<f4', its 'fortran_order'
 *   False and its 'shape' the rows and cols read.  On failure the buffer is
 *   NULL and the message one line.
 *   Round trip: an array made from the input (shape from its first 8 bytes,
 *   floats from the rest, any bit pattern) is written with npy_write into a
 *   temporary folder and read back: the same shape and the same bits, and
 *   the file is a 64-byte aligned version 1.0 header plus the data. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "npy.h"

#define RT_MAX_FLOATS 4096

/* The three keys of a header dict, as the format defines them. */
typedef struct {
    char descr[16];
    int fortran;        /* -1 = not given */
    int ndim;           /* -1 = not given */
    long long shape[4];
} npy_header;

static const char *skip_blank(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    return p;
}

/* A Python string literal '...' or "..." without escapes into out (n
 * bytes, cut); NULL if there is none at p. */
static const char *read_string(const char *p, char *out, size_t n)
{
    char q = *p;
    if (q != '\'' && q != '"')
        return NULL;
    const char *e = strchr(p + 1, q);
    if (!e || memchr(p + 1, '\\', (size_t)(e - p - 1)))
        return NULL;
    snprintf(out, n, "%.*s", (int)(e - p - 1), p + 1);
    return e + 1;
}

/* Parses the header dict h into *o; false if it is not one this oracle
 * reads (then nothing is claimed about it). */
static bool parse_header(const char *h, npy_header *o)
{
    memset(o, 0, sizeof *o);
    o->fortran = o->ndim = -1;
    const char *p = skip_blank(h);
    if (*p++ != '{')
        return false;
    for (;;) {
        char key[32];
        p = skip_blank(p);
        if (*p == '}')
            break;
        if (!(p = read_string(p, key, sizeof key)))
            return false;
        p = skip_blank(p);
        if (*p++ != ':')
            return false;
        p = skip_blank(p);
        bool known = !strcmp(key, "descr") || !strcmp(key, "fortran_order") ||
                     !strcmp(key, "shape");
        if (!known)
            return false;
        if (!strcmp(key, "descr")) {
            if (o->descr[0] || !(p = read_string(p, o->descr, sizeof o->descr)) || !o->descr[0])
                return false;
        } else if (!strcmp(key, "fortran_order")) {
            if (o->fortran >= 0)
                return false;
            if (!strncmp(p, "True", 4))
                o->fortran = 1, p += 4;
            else if (!strncmp(p, "False", 5))
                o->fortran = 0, p += 5;
            else
                return false;
        } else {
            if (o->ndim >= 0 || *p++ != '(')
                return false;
            o->ndim = 0;
            for (;;) {
                p = skip_blank(p);
                if (*p == ')')
                    break;
                if (*p < '0' || *p > '9' || o->ndim == 4)
                    return false;
                long long v = 0;
                while (*p >= '0' && *p <= '9' && v < (1LL << 40))
                    v = v * 10 + (*p++ - '0');
                if (*p >= '0' && *p <= '9')
                    return false;
                o->shape[o->ndim++] = v;
                p = skip_blank(p);
                if (*p == ',')
                    p++;
                else if (*p != ')')
                    return false;
            }
            p++;
        }
        p = skip_blank(p);
        if (*p == ',')
            p++;
        else if (*p != '}')
            return false;
    }
    return o->descr[0] && o->fortran >= 0 && o->ndim >= 0;
}

static void check_read(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fz_memfd(data, size, path, sizeof path);
    static float sentinel;
    float *x = &sentinel; /* not NULL, so that a failure must clear it */
    int rows = -1, cols = -1;
    ab_err err = {{0}};
    ab_status st = npy_read(path, &x, &rows, &cols, &err);
    close(fd);
    if (st != AB_OK) {
        fz_check_failure(st, &err);
        FZ_CHECK(x == NULL, "a failed read left a buffer");
        return;
    }
    FZ_CHECK(x != NULL && rows >= 0 && cols >= 0, "rows %d, cols %d", rows, cols);
    FZ_CHECK(size >= 10, "read %zu bytes as .npy", size);
    unsigned version = data[6];
    FZ_CHECK(version >= 1 && version <= 3, "format version %u.%u read", version, data[7]);
    size_t start = version < 2 ? 10 + (data[8] | (size_t)data[9] << 8)
                                : 12 + (data[8] | (size_t)data[9] << 8 |
                                        (size_t)data[10] << 16 | (size_t)data[11] << 24);
    uint64_t n = (uint64_t)rows * (uint64_t)(cols > 0 ? cols : 1);
    FZ_CHECK(start <= size && n * 4 <= size - start,
             "%llu floats after a %zu-byte header in a %zu-byte file", (unsigned long long)n,
             start, size);
    FZ_CHECK(memcmp(x, data + start, (size_t)n * 4) == 0, "floats differ from the file's bytes");
    size_t hoff = version < 2 ? 10 : 12;
    char *h = strndup((const char *)data + hoff, start - hoff);
    FZ_CHECK(h, "out of memory");
    npy_header o;
    if (parse_header(h, &o)) {
        FZ_CHECK(!strcmp(o.descr, "<f4"), "dtype '%s' read as '<f4'", o.descr);
        FZ_CHECK(!o.fortran, "a Fortran-ordered array read as C-ordered");
        FZ_CHECK(o.ndim >= 1 && o.ndim <= 2, "a %d-D array read", o.ndim);
        FZ_CHECK(o.shape[0] == rows && (o.ndim == 1 ? cols == 0 : o.shape[1] == cols),
                 "shape %d-D (%lld, %lld) read as %d x %d", o.ndim, o.shape[0], o.shape[1], rows,
                 cols);
        long long elems = o.shape[0] * (o.ndim == 2 ? o.shape[1] : 1);
        FZ_CHECK(elems == (long long)n, "a shape of %lld elements read as %llu floats", elems,
                 (unsigned long long)n);
    }
    free(h);
    free(x);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void check_round_trip(const uint8_t *data, size_t size)
{
    if (size < 8)
        return;
    int rows = (int)(le32(data) & 0x7fffffff), cols = (int)(le32(data + 4) & 0x7fffffff);
    uint64_t n = (uint64_t)rows * (uint64_t)(cols > 0 ? cols : 1);
    if (n > RT_MAX_FLOATS) { /* small data, but keep a long shape when it has no data */
        rows %= 65;
        cols %= 65;
        n = (uint64_t)rows * (uint64_t)(cols > 0 ? cols : 1);
    }
    float *x = malloc(n ? n * 4 : 1);
    FZ_CHECK(x, "out of memory");
    for (size_t i = 0; i < n * 4; i++) /* the rest of the input, cycled */
        ((unsigned char *)x)[i] = size > 8 ? data[8 + i % (size - 8)] : (unsigned char)i;
    char path[4200];
    snprintf(path, sizeof path, "%s/a.npy", fz_tmpdir());
    ab_err err = {{0}};
    ab_status st = npy_write(path, x, rows, cols, &err);
    FZ_CHECK(st == AB_OK, "npy_write %d x %d: %s", rows, cols, err.msg);
    struct stat sb;
    FZ_CHECK(stat(path, &sb) == 0, "no file written");
    FILE *f = fopen(path, "rb");
    unsigned char pre[10];
    FZ_CHECK(f && fread(pre, 1, 10, f) == 10, "cannot read back the header");
    fclose(f);
    size_t hlen = pre[8] | (size_t)pre[9] << 8;
    FZ_CHECK(memcmp(pre, "\x93NUMPY\x01\x00", 8) == 0, "not a version 1.0 .npy file");
    FZ_CHECK((10 + hlen) % 64 == 0, "header of %zu bytes, not 64-byte aligned", 10 + hlen);
    FZ_CHECK((uint64_t)sb.st_size == 10 + hlen + n * 4, "file of %lld bytes for %llu floats",
             (long long)sb.st_size, (unsigned long long)n);
    float *y = NULL;
    int r2 = -1, c2 = -1;
    st = npy_read(path, &y, &r2, &c2, &err);
    FZ_CHECK(st == AB_OK, "reading back %d x %d: %s", rows, cols, err.msg);
    FZ_CHECK(r2 == rows && c2 == cols, "wrote %d x %d, read %d x %d", rows, cols, r2, c2);
    FZ_CHECK(memcmp(x, y, (size_t)n * 4) == 0, "round trip changed the floats");
    free(x);
    free(y);
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_read(data, size);
    check_round_trip(data, size);
    return 0;
}
