/* data.h - data sets: built-in generators, IDX (optionally gzipped), CSV,
 * train/test splits and standardisation.  Knows nothing about networks. */
#ifndef ACTBENCH_DATA_H
#define ACTBENCH_DATA_H

#include <stdbool.h>
#include <stdint.h>

#include "names.h"
#include "status.h"

/* A labelled set: n samples of d float features (row-major n x d) and an
 * integer class label 0..k-1 per sample.  Owns x and y. */
typedef struct {
    int n;
    int d;
    int k;
    float *x;
    int *y;
    bool header; /* read from a CSV file whose first row was a header (skipped) */
    bool split_column; /* a CSV file's split column made the train/test split */
} data_set;

/* The data sets: the built-in generators first, then the IDX sets and CSV
 * files. */
typedef enum {
    DATA_SPIRAL, DATA_CIRCLES, DATA_MOONS, DATA_XOR, DATA_BLOBS,
    DATA_FASHION_MNIST, DATA_MNIST, DATA_CSV
} data_kind;
#define DATA_N_GENERATORS (DATA_BLOBS + 1)

/* Their names: spiral, circles, moons, xor, blobs, fashion-mnist, mnist,
 * csv:PATH. */
extern const name_row data_names[];

/* What to load.  name is one of data_names ("csv:PATH" with a path). */
typedef struct {
    const char *name;
    const char *dir;       /* IDX folder; NULL = the default for the name */
    const char *test_path; /* CSV test set for csv:PATH; NULL = split */
    int n;                 /* samples for generators; 0 = default */
    double test_frac;      /* held-out fraction when splitting, [0, 1) */
    uint64_t seed;         /* generator and split seed */
    bool standardize;      /* standardise with training-set statistics */
} data_spec;

#define DATA_DEFAULT_N 1500
#define DATA_MAX_N 10000000 /* generated samples at most: 80 MB of features */
#define DATA_DEFAULT_TEST_FRAC 0.2
#define DATA_FASHION_DIR "/usr/share/datasets/fashion-mnist"
#define DATA_MNIST_DIR "/usr/share/datasets/mnist"
#define CSV_MAX_LINE (1 << 20)     /* bytes per CSV line: 50000 features of 20 digits */
#define CSV_MAX_VALUES (1L << 28)  /* feature values per CSV file: 1 GiB of floats */

/* The kind of data set that name names (into *kind), and for csv:PATH the
 * PATH (into *path, else NULL); either may be NULL.  AB_EUSAGE "unknown data
 * set 'NAME' (accepted: ...)", or for csv: without a path. */
ab_status data_parse_name(data_kind *kind, const char **path, const char *name, ab_err *err);

/* data_parse_name without the results: whether name names a data set. */
ab_status data_check_name(const char *name, ab_err *err);

/* Loads or generates the data named by spec into train and test (both
 * zeroed by the caller), splits and standardises as asked.  On failure both
 * are left empty (freed).  Unknown names are AB_EUSAGE; unreadable or corrupt
 * files are AB_ERUNTIME with the path and the problem in err. */
ab_status data_load(data_set *train, data_set *test, const data_spec *spec, ab_err *err);

/* Whether the IDX data set spec names (fashion-mnist, mnist) is not
 * installed: none of its four files is in its folder (spec->dir, or the
 * default), neither gzipped nor plain.  Then *dir is that folder and
 * *install says how to install it ("apt-get install dataset-fashion-mnist",
 * "put the MNIST IDX files there").
 * A folder holding some of the files, or one that cannot be searched, is not
 * "not installed": data_load reports what is wrong with it.  Built-in
 * generators, csv:PATH and unknown names are never "not installed" here. */
bool data_not_installed(const data_spec *spec, const char **dir, const char **install);

/* Generates n samples of a built-in set into out (zeroed by the caller). */
ab_status data_generate(data_set *out, const char *name, int n, uint64_t seed, ab_err *err);

/* Reads an IDX image file (magic 0x00000803, u8 pixels, scaled to [0,1]) and
 * its IDX label file (magic 0x00000801) into out; gzipped or plain. */
ab_status data_load_idx(data_set *out, const char *images_path, const char *labels_path,
                        ab_err *err);

/* Reads a CSV file: numeric feature columns then an integer class label
 * (>= 0) per row, comma separated.  A UTF-8 byte-order mark is skipped; row 1
 * is a header (skipped, out->header set) when none of its cells is a number.
 * Ragged rows, non-numeric cells (in row 1 too, beside numeric ones), empty
 * files, NUL bytes and lines over CSV_MAX_LINE bytes are errors naming the
 * line. */
ab_status data_load_csv(data_set *out, const char *path, ab_err *err);

/* Moves a seeded random test_frac of all into test and the rest into train;
 * all is consumed (freed). */
ab_status data_split(data_set *train, data_set *test, data_set *all, double test_frac,
                     uint64_t seed, ab_err *err);

/* Standardises every feature of train (and test, if non-NULL) with the mean
 * and standard deviation of train; constant features are only centred. */
void data_standardize(data_set *train, data_set *test);

/* data_standardize, saying what it did: feature j became
 * (x - mean[j]) * inv[j] (inv[j] = 1 for a constant feature; 0 and 1 when
 * train is empty).  mean and inv hold train->d values each, or are both NULL. */
void data_standardize_get(data_set *train, data_set *test, double *mean, double *inv);

/* Copies the rows idx[0..m) of src into dst (zeroed by the caller). */
ab_status data_subset(data_set *dst, const data_set *src, const int *idx, int m, ab_err *err);

/* Frees x and y and zeroes the set. */
void data_free(data_set *s);

#endif
