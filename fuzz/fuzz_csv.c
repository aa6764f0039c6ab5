/* fuzz_csv.c - libFuzzer target for the CSV reader: the input is the file
 * behind csv:PATH, read by data_load_csv and then through data_load (split
 * and standardised).  Invariants beyond "no crash, no leak":
 *   - at least one sample, one feature and two classes; at most 65536
 *     classes (labels are at most CSV_MAX_LABEL, 65535);
 *   - every label in [0, k), the smallest below the largest;
 *   - every feature finite;
 *   - never more values than the input could hold: a row of d features and
 *     a label takes at least 2d + 1 bytes and a line end, so
 *     n * (2d + 2) <= size + 1;
 *   - data_load splits into train + test = n with the same k and the same
 *     labels, and standardised features stay finite;
 *   - a failure leaves the set empty, with a one-line message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <math.h>

#include "data.h"
#include "fuzz_util.h"

#define MAX_CLASSES 65536

static void check_set(const data_set *s, int k, const char *what)
{
    FZ_CHECK(s->k == k, "%s: k = %d, expected %d", what, s->k, k);
    FZ_CHECK(s->n == 0 || (s->x && s->y), "%s: %d samples without buffers", what, s->n);
    for (size_t i = 0; i < (size_t)s->n * (size_t)s->d; i++)
        FZ_CHECK(isfinite(s->x[i]), "%s: feature %zu is %g", what, i, (double)s->x[i]);
    for (int i = 0; i < s->n; i++)
        FZ_CHECK(s->y[i] >= 0 && s->y[i] < k, "%s: label %d of sample %d outside [0, %d)",
                 what, s->y[i], i, k);
}

/* Label counts of s added into count (k entries). */
static void count_labels(const data_set *s, long *count)
{
    for (int i = 0; i < s->n; i++)
        count[s->y[i]]++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64], name[80];
    int fd = fz_memfd(data, size, path, sizeof path);
    ab_err err = {{0}};
    data_set all = {0};
    ab_status st = data_load_csv(&all, path, &err);
    if (st != AB_OK) {
        fz_check_failure(st, &err);
        FZ_CHECK(!all.x && !all.y && all.n == 0, "a failed read left a set behind");
        close(fd);
        return 0;
    }
    FZ_CHECK(all.n >= 1 && all.d >= 1, "%d samples of %d features", all.n, all.d);
    FZ_CHECK(all.k >= 2 && all.k <= MAX_CLASSES, "k = %d", all.k);
    FZ_CHECK((uint64_t)all.n * (2 * (uint64_t)all.d + 2) <= (uint64_t)size + 1,
             "%d rows of %d features from %zu bytes", all.n, all.d, size);
    check_set(&all, all.k, "data_load_csv");
    int lo = all.k;
    for (int i = 0; i < all.n; i++)
        lo = all.y[i] < lo ? all.y[i] : lo;
    FZ_CHECK(lo < all.k - 1, "every label is %d", lo);

    /* The same file through data_load: split, standardised. */
    snprintf(name, sizeof name, "csv:%s", path);
    data_spec spec = {.name = name, .test_frac = 0.25, .seed = 7, .standardize = true};
    data_set train = {0}, test = {0};
    st = data_load(&train, &test, &spec, &err);
    FZ_CHECK(st == AB_OK, "data_load failed on a file data_load_csv read: %s", err.msg);
    FZ_CHECK(train.n + test.n == all.n, "split %d + %d of %d", train.n, test.n, all.n);
    FZ_CHECK(train.d == all.d && test.d == all.d, "d %d, %d of %d", train.d, test.d, all.d);
    check_set(&train, all.k, "train");
    check_set(&test, all.k, "test");
    long *count = calloc((size_t)all.k, sizeof *count);
    FZ_CHECK(count, "out of memory");
    count_labels(&all, count);
    for (int i = 0; i < train.n; i++)
        count[train.y[i]]--;
    for (int i = 0; i < test.n; i++)
        count[test.y[i]]--;
    for (int c = 0; c < all.k; c++)
        FZ_CHECK(count[c] == 0, "class %d: %ld more in the file than in the split", c, count[c]);
    free(count);
    data_free(&train);
    data_free(&test);
    data_free(&all);
    close(fd);
    return 0;
}
