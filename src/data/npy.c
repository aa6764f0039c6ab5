/* npy.c - the .npy format, version 1.0 on write, 1.0 to 3.0 on read:
 * magic, version, header length, a Python dict literal, raw data. */
#include "npy.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afile.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "npy.c writes '<f4' data from memory and needs a little-endian machine"
#endif

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

/* Parses "'shape': (R, C)" or "(R,)" out of the header dict. */
static int parse_shape(const char *h, int *rows, int *cols)
{
    const char *s = strstr(h, "'shape'");
    if (!s || !(s = strchr(s, '(')))
        return -1;
    char *end;
    long r = strtol(s + 1, &end, 10);
    if (end == s + 1 || r < 0 || r > INT32_MAX)
        return -1;
    while (*end == ' ')
        end++;
    if (*end != ',')
        return -1;
    end++;
    while (*end == ' ')
        end++;
    if (*end == ')') {
        *rows = (int)r;
        *cols = 0;
        return 0;
    }
    const char *c0 = end;
    long c = strtol(c0, &end, 10);
    if (end == c0 || c < 0 || c > INT32_MAX)
        return -1;
    while (*end == ' ' || *end == ',')
        end++;
    if (*end != ')')
        return -1; /* three or more dimensions */
    *rows = (int)r;
    *cols = (int)c;
    return 0;
}

ab_status npy_read(const char *path, float **data, int *rows, int *cols, ab_err *err)
{
    *data = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ab_fail(err, AB_ERUNTIME, "%s: cannot open: %s", path, strerror(errno));
    ab_status st = AB_OK;
    char *h = NULL;
    unsigned char pre[12];
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) {
        st = ab_fail(err, AB_ERUNTIME, "%s: not a .npy file (bad magic)", path);
        goto done;
    }
    size_t hlen = pre[8] | (size_t)pre[9] << 8;
    if (pre[6] >= 2) {
        if (fread(pre + 10, 1, 2, f) != 2) {
            st = ab_fail(err, AB_ERUNTIME, "%s: truncated header", path);
            goto done;
        }
        hlen |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    }
    if (hlen > 1 << 20 || !(h = malloc(hlen + 1)) || fread(h, 1, hlen, f) != hlen) {
        st = ab_fail(err, AB_ERUNTIME, "%s: truncated or oversized header", path);
        goto done;
    }
    h[hlen] = '\0';
    if (!strstr(h, "'descr': '<f4'") || !strstr(h, "'fortran_order': False")) {
        st = ab_fail(err, AB_ERUNTIME,
                     "%s: not a C-ordered little-endian float32 array (dtype '<f4' expected)",
                     path);
        goto done;
    }
    if (parse_shape(h, rows, cols) != 0) {
        st = ab_fail(err, AB_ERUNTIME, "%s: shape is not 1-D or 2-D", path);
        goto done;
    }
    size_t n = (size_t)*rows * (size_t)(*cols > 0 ? *cols : 1);
    *data = malloc(n ? n * sizeof(float) : 1);
    if (!*data) {
        st = ab_fail(err, AB_ERUNTIME, "%s: out of memory for %zu floats", path, n);
        goto done;
    }
    if (fread(*data, sizeof(float), n, f) != n) {
        st = ab_fail(err, AB_ERUNTIME, "%s: truncated: fewer than the %zu floats its shape says",
                     path, n);
        goto done;
    }
done:
    if (st != AB_OK) {
        free(*data);
        *data = NULL;
    }
    free(h);
    fclose(f);
    return st;
}
