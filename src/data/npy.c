/* npy.c - the .npy format, version 1.0 on write, 1.0 to 3.0 on read:
 * magic, version, header length, a Python dict literal, raw data. */
#include "npy.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "afile.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "npy.c writes '<f4' data from memory and needs a little-endian machine"
#endif

/* ---- writing ------------------------------------------------------------ */

ab_status npy_write(const char *path, const float *data, int rows, int cols, ab_err *err)
{
    char header[128];
    int len = cols > 0 ? snprintf(header, sizeof header,
                                  "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }",
                                  rows, cols)
                       : snprintf(header, sizeof header,
                                  "{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }",
                                  rows);
    /* pad with spaces so magic + version + length + header ends on 64 bytes */
    int total = 10 + len + 1;
    int pad = (64 - total % 64) % 64;
    afile a;
    ab_status st = afile_open(&a, path, err);
    if (st != AB_OK)
        return st;
    uint16_t hlen = (uint16_t)(len + pad + 1);
    fwrite("\x93NUMPY\x01\x00", 1, 8, a.f);
    fputc(hlen & 0xff, a.f);
    fputc(hlen >> 8, a.f);
    fwrite(header, 1, (size_t)len, a.f);
    for (int i = 0; i < pad; i++)
        fputc(' ', a.f);
    fputc('\n', a.f);
    size_t n = (size_t)rows * (size_t)(cols > 0 ? cols : 1);
    fwrite(data, sizeof(float), n, a.f);
    return afile_commit(&a, err);
}

/* ---- reading ------------------------------------------------------------ */

#define NPY_MAX_HEADER (1 << 20) /* numpy's own headers are a few hundred bytes */
#define NPY_MAX_DIMS 64          /* numpy's limit; more than 2 is refused anyway */

/* The header dictionary's three keys, as parsed. */
typedef struct {
    char descr[32];
    int fortran;     /* 0 or 1; -1 before it is seen */
    int nd;          /* dimensions; -1 before the shape is seen */
    long long dim[2];
    char shape[48];  /* the shape as written, for messages */
} npy_header;

static void skip_ws(const char **s)
{
    while (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r')
        (*s)++;
}

/* A Python string literal ('...' or "...", no escapes) at *s into out (n
 * bytes); false if there is none or it does not fit. */
static bool parse_str(const char **s, char *out, size_t n)
{
    char q = **s;
    if (q != '\'' && q != '"')
        return false;
    const char *e = strchr(*s + 1, q);
    if (!e || (size_t)(e - *s - 1) >= n || memchr(*s + 1, '\\', (size_t)(e - *s - 1)))
        return false;
    memcpy(out, *s + 1, (size_t)(e - *s - 1));
    out[e - *s - 1] = '\0';
    *s = e + 1;
    return true;
}

/* A tuple of non-negative integers at *s, "(3,)", "(2, 3)" or "()", into h;
 * a dimension above INT_MAX is kept as INT_MAX + 1 (refused later, without
 * overflow here). */
static bool parse_shape(const char **s, npy_header *h)
{
    const char *start = *s;
    if (**s != '(')
        return false;
    (*s)++;
    h->nd = 0;
    for (skip_ws(s); **s != ')'; skip_ws(s)) {
        if (!isdigit((unsigned char)**s) || h->nd == NPY_MAX_DIMS)
            return false;
        long long v = 0;
        for (; isdigit((unsigned char)**s); (*s)++)
            v = v > INT_MAX ? v : v * 10 + (**s - '0');
        if (**s == 'L') /* Python 2's long literals, in files numpy wrote then */
            (*s)++;
        if (h->nd < 2)
            h->dim[h->nd] = v > INT_MAX ? (long long)INT_MAX + 1 : v;
        h->nd++;
        skip_ws(s);
        if (**s == ',')
            (*s)++;
        else if (**s != ')')
            return false;
    }
    (*s)++;
    int len = (int)(*s - start);
    snprintf(h->shape, sizeof h->shape, "%.*s", len < 40 ? len : 40, start);
    return true;
}

/* The value of key at *s into h.  AB_ERUNTIME naming what is wrong. */
static ab_status parse_entry(const char **s, const char *key, npy_header *h, const char *path,
                             ab_err *err)
{
    if (strcmp(key, "descr") == 0 && h->descr[0] == '\0') {
        if (!parse_str(s, h->descr, sizeof h->descr) || !h->descr[0])
            return ab_fail(err, AB_ERUNTIME, "%s: 'descr' is not a plain dtype such as '<f4' "
                           "(a structured array?): %.30s", path, *s);
        return AB_OK;
    }
    if (strcmp(key, "fortran_order") == 0 && h->fortran < 0) {
        if (strncmp(*s, "True", 4) && strncmp(*s, "False", 5))
            return ab_fail(err, AB_ERUNTIME, "%s: 'fortran_order' is not True or False: %.30s",
                           path, *s);
        h->fortran = **s == 'T';
        *s += h->fortran ? 4 : 5;
        return AB_OK;
    }
    if (strcmp(key, "shape") == 0 && h->nd < 0) {
        if (!parse_shape(s, h))
            return ab_fail(err, AB_ERUNTIME, "%s: 'shape' is not a tuple of sizes: %.30s",
                           path, *s);
        return AB_OK;
    }
    if (!strcmp(key, "descr") || !strcmp(key, "fortran_order") || !strcmp(key, "shape"))
        return ab_fail(err, AB_ERUNTIME, "%s: '%s' is given twice in the header", path, key);
    return ab_fail(err, AB_ERUNTIME, "%s: unknown key '%s' in the header (accepted: 'descr', "
                   "'fortran_order', 'shape')", path, key);
}

/* Parses the header dictionary text into h: {'descr': ..., 'fortran_order':
 * ..., 'shape': (...), } in any order, then blanks (the padding). */
static ab_status parse_header(const char *text, npy_header *h, const char *path, ab_err *err)
{
    memset(h, 0, sizeof *h);
    h->fortran = h->nd = -1;
    const char *s = text;
    skip_ws(&s);
    if (*s++ != '{')
        return ab_fail(err, AB_ERUNTIME, "%s: header is not a dictionary", path);
    for (skip_ws(&s); *s != '}'; skip_ws(&s)) {
        char key[32];
        if (!parse_str(&s, key, sizeof key))
            return ab_fail(err, AB_ERUNTIME, "%s: header: a quoted key expected at '%.20s'",
                           path, s);
        skip_ws(&s);
        if (*s++ != ':')
            return ab_fail(err, AB_ERUNTIME, "%s: header: ':' expected after '%s'", path, key);
        skip_ws(&s);
        ab_status st = parse_entry(&s, key, h, path, err);
        if (st != AB_OK)
            return st;
        skip_ws(&s);
        if (*s == ',')
            s++;
        else if (*s != '}')
            return ab_fail(err, AB_ERUNTIME, "%s: header: ',' or '}' expected at '%.20s'",
                           path, s);
    }
    s++;
    skip_ws(&s);
    if (*s)
        return ab_fail(err, AB_ERUNTIME, "%s: header: text after the dictionary: '%.20s'",
                       path, s);
    if (!h->descr[0] || h->fortran < 0 || h->nd < 0)
        return ab_fail(err, AB_ERUNTIME, "%s: header lacks '%s'", path,
                       !h->descr[0] ? "descr" : h->fortran < 0 ? "fortran_order" : "shape");
    return AB_OK;
}

/* Checks what h describes against what npy_read returns: '<f4', C order, 1-D
 * or 2-D, sizes within int; sets nf's shape. */
static ab_status check_header(npy_file *nf, const npy_header *h, const char *path, ab_err *err)
{
    if (strcmp(h->descr, "<f4") != 0)
        return ab_fail(err, AB_ERUNTIME, "%s: dtype '%s', but only '<f4' (little-endian "
                       "float32) is read", path, h->descr);
    if (h->fortran)
        return ab_fail(err, AB_ERUNTIME, "%s: Fortran-ordered (fortran_order True); only C "
                       "order is read", path);
    if (h->nd < 1 || h->nd > 2)
        return ab_fail(err, AB_ERUNTIME, "%s: shape %s has %d dimensions; 1 or 2 accepted",
                       path, h->shape, h->nd);
    for (int i = 0; i < h->nd; i++)
        if (h->dim[i] > INT_MAX)
            return ab_fail(err, AB_ERUNTIME, "%s: shape %s: a size above %d", path, h->shape,
                           INT_MAX);
    nf->rows = (int)h->dim[0];
    nf->cols = h->nd == 2 ? (int)h->dim[1] : 0;
    /* both below 2^31: the product and its bytes fit in 64 bits */
    nf->n = (uint64_t)h->dim[0] * (uint64_t)(h->nd == 2 ? h->dim[1] : 1);
    return AB_OK;
}

/* Reads magic, version and header length; *hlen and *pre (the bytes before
 * the header) out.  Versions 1.0, 2.0 and 3.0. */
static ab_status read_preamble(FILE *f, const char *path, size_t *hlen, size_t *pre,
                               ab_err *err)
{
    unsigned char b[12];
    if (fread(b, 1, 8, f) != 8 || memcmp(b, "\x93NUMPY", 6) != 0)
        return ab_fail(err, AB_ERUNTIME, "%s: not a .npy file (bad magic)", path);
    if (b[6] < 1 || b[6] > 3 || b[7] != 0)
        return ab_fail(err, AB_ERUNTIME, "%s: .npy format version %d.%d (accepted: 1.0, 2.0, "
                       "3.0)", path, b[6], b[7]);
    *pre = b[6] == 1 ? 10 : 12;
    if (fread(b + 8, 1, *pre - 8, f) != *pre - 8)
        return ab_fail(err, AB_ERUNTIME, "%s: truncated header", path);
    *hlen = b[8] | (size_t)b[9] << 8;
    if (*pre == 12)
        *hlen |= (size_t)b[10] << 16 | (size_t)b[11] << 24;
    return AB_OK;
}

/* What kind of file path is: a folder, an empty file or anything but a
 * regular file is named as such.  *size gets its size. */
static ab_status check_file(FILE *f, const char *path, uint64_t *size, ab_err *err)
{
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0)
        return ab_fail(err, AB_ERUNTIME, "%s: cannot read: %s", path, strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return ab_fail(err, AB_ERUNTIME, "%s: is a folder, not a .npy file", path);
    if (!S_ISREG(sb.st_mode))
        return ab_fail(err, AB_ERUNTIME, "%s: not a regular file", path);
    if (sb.st_size == 0)
        return ab_fail(err, AB_ERUNTIME, "%s: is empty (0 bytes), not a .npy file", path);
    *size = (uint64_t)sb.st_size;
    return AB_OK;
}

/* Reads and checks the header (hlen bytes) and that the data it promises is
 * exactly what the file holds after it (size bytes in all, pre + hlen
 * before the data). */
static ab_status read_header(npy_file *nf, const char *path, size_t pre, size_t hlen,
                             uint64_t size, ab_err *err)
{
    if (hlen > NPY_MAX_HEADER)
        return ab_fail(err, AB_ERUNTIME, "%s: header of %zu bytes (accepted: up to %d)", path,
                       hlen, NPY_MAX_HEADER);
    if (pre + hlen > size)
        return ab_fail(err, AB_ERUNTIME, "%s: truncated header: %zu bytes said, %llu present",
                       path, hlen, (unsigned long long)(size - pre));
    char *text = malloc(hlen + 1);
    if (!text)
        return ab_fail(err, AB_ERUNTIME, "%s: out of memory for the header", path);
    ab_status st = AB_OK;
    npy_header h;
    size_t got = fread(text, 1, hlen, nf->f);
    text[got] = '\0';
    if (got != hlen)
        st = ab_fail(err, AB_ERUNTIME, "%s: truncated header", path);
    else if (strlen(text) != hlen)
        st = ab_fail(err, AB_ERUNTIME, "%s: NUL byte in the header", path);
    else if ((st = parse_header(text, &h, path, err)) == AB_OK)
        st = check_header(nf, &h, path, err);
    free(text);
    if (st != AB_OK)
        return st;
    uint64_t have = size - pre - hlen, need = (uint64_t)nf->n * sizeof(float);
    if (have < need)
        return ab_fail(err, AB_ERUNTIME, "%s: truncated: shape %s needs %llu bytes of data, "
                       "the file holds %llu", path, h.shape, (unsigned long long)need,
                       (unsigned long long)have);
    if (have > need)
        return ab_fail(err, AB_ERUNTIME, "%s: %llu bytes after the data of shape %s", path,
                       (unsigned long long)(have - need), h.shape);
    return AB_OK;
}

ab_status npy_open(npy_file *nf, const char *path, ab_err *err)
{
    memset(nf, 0, sizeof *nf);
    nf->f = fopen(path, "rb");
    if (!nf->f)
        return ab_fail(err, AB_ERUNTIME, "%s: cannot open: %s", path, strerror(errno));
    uint64_t size = 0;
    size_t pre = 0, hlen = 0;
    ab_status st = check_file(nf->f, path, &size, err);
    if (st == AB_OK)
        st = read_preamble(nf->f, path, &hlen, &pre, err);
    if (st == AB_OK)
        st = read_header(nf, path, pre, hlen, size, err);
    if (st != AB_OK)
        npy_close(nf);
    return st;
}

ab_status npy_read_into(npy_file *nf, const char *path, float *dst, ab_err *err)
{
    if (fread(dst, sizeof(float), nf->n, nf->f) != nf->n)
        return ab_fail(err, AB_ERUNTIME, "%s: truncated: fewer than the %zu floats its shape "
                       "says", path, nf->n);
    return AB_OK;
}

void npy_close(npy_file *nf)
{
    if (nf->f)
        fclose(nf->f);
    nf->f = NULL;
}

ab_status npy_read(const char *path, float **data, int *rows, int *cols, ab_err *err)
{
    npy_file nf;
    *data = NULL;
    ab_status st = npy_open(&nf, path, err);
    if (st != AB_OK)
        return st;
    if (nf.n > SIZE_MAX / sizeof(float) || !(*data = malloc(nf.n ? nf.n * sizeof(float) : 1)))
        st = ab_fail(err, AB_ERUNTIME, "%s: out of memory for %zu floats", path, nf.n);
    else
        st = npy_read_into(&nf, path, *data, err);
    npy_close(&nf);
    if (st != AB_OK) {
        free(*data);
        *data = NULL;
        return st;
    }
    *rows = nf.rows;
    *cols = nf.cols;
    return AB_OK;
}
