/* fuzz_idx.c - libFuzzer target for the IDX reader, plain and gzipped,
 * reached as data_load does for mnist with a folder.  The input is a flags
 * byte, then up to four parts separated by "IDX-PART": the train images,
 * train labels, test images and test labels files, laid out in a temporary
 * folder (a missing part is a missing file).  Bit i of the flags gzips part
 * i; bit 4 + i names it NAME.gz rather than NAME.  Invariants, against what
 * the files hold once gunzipped (zlib's reading of them):
 *   - image file = 16 header bytes + n * d pixels exactly, label file = 8 +
 *     n bytes exactly, with n and d from the headers;
 *   - every feature is its pixel / 255, every label its byte;
 *   - k = max(10, largest label + 1) <= 256 for both sets; labels below k;
 *     train and test have the same d;
 *   - a failure leaves both sets empty, with a one-line message. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data.h"
#include "fuzz_util.h"

#define SEP "IDX-PART"
#define MAX_CONTENT (64u << 20)

static const char *const names[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                     "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Checks set s against its image and label files' contents; returns the
 * largest label + 1. */
static int check_set(const data_set *s, const char *img_path, const char *lab_path,
                     const char *what)
{
    unsigned char *img, *lab;
    size_t ni, nl;
    FZ_CHECK(fz_read_content(img_path, &img, &ni, MAX_CONTENT), "%s: images unreadable", what);
    FZ_CHECK(fz_read_content(lab_path, &lab, &nl, MAX_CONTENT), "%s: labels unreadable", what);
    FZ_CHECK(ni >= 16 && nl >= 8, "%s: headers of %zu and %zu bytes", what, ni, nl);
    FZ_CHECK(be32(img) == 0x803 && be32(lab) == 0x801, "%s: magic %08x, %08x", what,
             (unsigned)be32(img), (unsigned)be32(lab));
    uint64_t n = be32(img + 4), d = (uint64_t)be32(img + 8) * be32(img + 12);
    FZ_CHECK(be32(lab + 4) == n && (uint64_t)s->n == n && (uint64_t)s->d == d,
             "%s: %d x %d read, headers say %llu labels, %llu x %llu", what, s->n, s->d,
             (unsigned long long)be32(lab + 4), (unsigned long long)n, (unsigned long long)d);
    FZ_CHECK(ni == 16 + n * d, "%s: %zu image bytes for %llu x %llu", what, ni,
             (unsigned long long)n, (unsigned long long)d);
    FZ_CHECK(nl == 8 + n, "%s: %zu label bytes for %llu labels", what, nl, (unsigned long long)n);
    int kmax = 0;
    for (size_t i = 0; i < n * d; i++)
        FZ_CHECK(s->x[i] == img[16 + i] / 255.0f, "%s: pixel %zu is %g, file has %u", what, i,
                 (double)s->x[i], img[16 + i]);
    for (size_t i = 0; i < n; i++) {
        FZ_CHECK(s->y[i] == lab[8 + i], "%s: label %zu is %d, file has %u", what, i, s->y[i],
                 lab[8 + i]);
        FZ_CHECK(s->y[i] < s->k, "%s: label %d not below k = %d", what, s->y[i], s->k);
        kmax = s->y[i] + 1 > kmax ? s->y[i] + 1 : kmax;
    }
    free(img);
    free(lab);
    return kmax;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned flags = data[0];
    const char *dir = fz_tmpdir();
    char path[4][4200];
    const uint8_t *p = data + 1, *end = data + size;
    int parts = 0;
    for (; parts < 4 && p <= end; parts++) {
        const uint8_t *sep = memmem(p, (size_t)(end - p), SEP, strlen(SEP));
        const uint8_t *stop = sep ? sep : end;
        snprintf(path[parts], sizeof path[parts], "%s/%s%s", dir, names[parts],
                 flags >> (4 + parts) & 1 ? ".gz" : "");
        fz_write_file(path[parts], p, (size_t)(stop - p), flags >> parts & 1);
        if (!sep) {
            parts++;
            break;
        }
        p = sep + strlen(SEP);
    }

    ab_err err = {{0}};
    data_set train = {0}, test = {0};
    data_spec spec = {.name = "mnist", .dir = dir, .seed = 1};
    ab_status st = data_load(&train, &test, &spec, &err);
    if (st != AB_OK) {
        fz_check_failure(st, &err);
        FZ_CHECK(!train.x && !train.y && !test.x && !test.y && train.n == 0 && test.n == 0,
                 "a failed load left a set behind");
    } else {
        FZ_CHECK(parts == 4, "loaded with %d of 4 files", parts);
        FZ_CHECK(train.k == test.k && train.k >= 10 && train.k <= 256, "k = %d, %d", train.k,
                 test.k);
        FZ_CHECK(train.d == test.d, "d = %d, %d", train.d, test.d);
        int k1 = check_set(&train, path[0], path[1], "train");
        int k2 = check_set(&test, path[2], path[3], "test");
        int k = k1 > k2 ? k1 : k2;
        FZ_CHECK(train.k == (k > 10 ? k : 10), "k = %d, largest label + 1 = %d", train.k, k);
    }
    data_free(&train);
    data_free(&test);
    for (int i = 0; i < parts; i++)
        unlink(path[i]);
    return 0;
}
