/* data.c - data sets for actbench: built-in 2-D generators, IDX and CSV
 * readers, seeded train/test splits and standardisation. */
#include "data.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>

#include "rng.h"
#include "text.h"
#include "vec.h"

#define CSV_MAX_LABEL 65535 /* larger labels would mean absurd output layers */
#define IDX_IMAGES 0x00000803u
#define IDX_LABELS 0x00000801u
#define PI 3.14159265358979323846

/* The generator stream is salted so that a generator and data_split given the
 * same seed do not draw the same permutation (which would put whole classes
 * into the test set). */
#define GEN_SALT 0x6a09e667f3bcc908ULL

const name_row data_names[] = {
    {"spiral", DATA_SPIRAL, NULL},
    {"circles", DATA_CIRCLES, NULL},
    {"moons", DATA_MOONS, NULL},
    {"xor", DATA_XOR, NULL},
    {"blobs", DATA_BLOBS, NULL},
    {"fashion-mnist", DATA_FASHION_MNIST, NULL},
    {"mnist", DATA_MNIST, NULL},
    {"csv", DATA_CSV, "PATH"},
    {NULL, 0, NULL},
};

/* ---- sets ------------------------------------------------------------- */

void data_free(data_set *s)
{
    free(s->x);
    free(s->y);
    memset(s, 0, sizeof *s);
}

/* Sizes out as n x d with k classes; n == 0 leaves x and y NULL. */
static ab_status set_alloc(data_set *out, int n, int d, int k, ab_err *err)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    out->d = d;
    out->k = k;
    if (n == 0)
        return AB_OK;
    if (d <= 0 || (size_t)n > SIZE_MAX / sizeof(float) / (size_t)d)
        return ab_fail(err, AB_ERUNTIME, "data set of %d x %d is too large", n, d);
    out->x = malloc((size_t)n * (size_t)d * sizeof *out->x);
    out->y = malloc((size_t)n * sizeof *out->y);
    if (!out->x || !out->y) {
        data_free(out);
        return ab_fail(err, AB_ERUNTIME, "out of memory for a data set of %d x %d", n, d);
    }
    return AB_OK;
}

ab_status data_subset(data_set *dst, const data_set *src, const int *idx, int m, ab_err *err)
{
    memset(dst, 0, sizeof *dst);
    if (m < 0 || m > src->n)
        return ab_fail(err, AB_ERUNTIME, "subset: %d rows asked of %d", m, src->n);
    for (int i = 0; i < m; i++)
        if (idx[i] < 0 || idx[i] >= src->n)
            return ab_fail(err, AB_ERUNTIME, "subset: row %d is outside [0, %d)", idx[i], src->n);
    ab_status st = set_alloc(dst, m, src->d, src->k, err);
    if (st != AB_OK)
        return st;
    size_t d = (size_t)src->d;
    for (int i = 0; i < m; i++) {
        memcpy(dst->x + (size_t)i * d, src->x + (size_t)idx[i] * d, d * sizeof *dst->x);
        dst->y[i] = src->y[idx[i]];
    }
    return AB_OK;
}

ab_status data_split(data_set *train, data_set *test, data_set *all, double test_frac,
                     uint64_t seed, ab_err *err)
{
    ab_status st = AB_OK;
    int *idx = NULL;
    int n = all->n;
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    if (!(test_frac >= 0.0 && test_frac < 1.0)) {
        st = ab_fail(err, AB_EUSAGE, "test fraction %g is outside [0, 1)", test_frac);
        goto done;
    }
    int ntest = (int)lround(test_frac * n);
    if (n > 0 && ntest >= n) {
        st = ab_fail(err, AB_EUSAGE, "test fraction %g leaves no training samples of %d",
                     test_frac, n);
        goto done;
    }
    idx = malloc((size_t)(n > 0 ? n : 1) * sizeof *idx);
    if (!idx) {
        st = ab_fail(err, AB_ERUNTIME, "out of memory splitting %d samples", n);
        goto done;
    }
    for (int i = 0; i < n; i++)
        idx[i] = i;
    rng_state r;
    rng_seed(&r, seed);
    rng_shuffle(&r, idx, n);
    st = data_subset(test, all, idx, ntest, err);
    if (st == AB_OK)
        st = data_subset(train, all, idx + ntest, n - ntest, err);
done:
    free(idx);
    data_free(all);
    if (st != AB_OK) {
        data_free(train);
        data_free(test);
    }
    return st;
}

/* Features are handled in blocks of up to STD_BLOCK columns, each summed over
 * every row before the next: for up to STD_BLOCK features (Fashion-MNIST's
 * 784) a pass reads the rows from start to end, the one order the memory
 * system streams at full speed, with the block's accumulators in L1.  The
 * accumulators are on the stack, since this function cannot fail.  Every
 * feature's sums still add its rows in order 0, 1, ..., n-1, so the bits do
 * not depend on the block size.  (Blocks of 128 columns read each row in
 * pieces of 512 bytes, 3136 bytes apart, three times over: 0.13-0.20 s for
 * Fashion-MNIST, against 0.03-0.05 s streaming with the AVX2 clones.) */
#define STD_BLOCK 1024

/* acc[j] += x[i][j0 + j] over rows i = 0..n-1 in order (x is n x d). */
AB_VEC static void std_sum(double *acc, const float *x, int n, int d, int j0, int m)
{
    for (int i = 0; i < n; i++) {
        const float *row = x + (size_t)i * (size_t)d + j0;
        for (int j = 0; j < m; j++)
            acc[j] += row[j];
    }
}

/* acc[j] += (x[i][j0 + j] - mean[j])^2 over rows i = 0..n-1 in order. */
AB_VEC static void std_sum_sq(double *acc, const float *x, int n, int d, int j0, int m,
                              const double *mean)
{
    for (int i = 0; i < n; i++) {
        const float *row = x + (size_t)i * (size_t)d + j0;
        for (int j = 0; j < m; j++) {
            double t = row[j] - mean[j];
            acc[j] += t * t;
        }
    }
}

/* Centres and scales x (n x d) columns [j0, j0+m) with mean and inv. */
AB_VEC static void std_apply(data_set *s, int j0, int m, const double *mean, const double *inv)
{
    for (int i = 0; i < s->n; i++) {
        float *row = s->x + (size_t)i * (size_t)s->d + j0;
        for (int j = 0; j < m; j++)
            row[j] = (float)(((double)row[j] - mean[j]) * inv[j]);
    }
}

void data_standardize(data_set *train, data_set *test)
{
    data_standardize_get(train, test, NULL, NULL);
}

void data_standardize_get(data_set *train, data_set *test, double *mean_out, double *inv_out)
{
    for (int j = 0; train && mean_out && j < train->d; j++)
        mean_out[j] = 0.0, inv_out[j] = 1.0;
    if (!train || train->n == 0)
        return;
    int n = train->n, d = train->d;
    for (int j0 = 0; j0 < d; j0 += STD_BLOCK) {
        int m = d - j0 < STD_BLOCK ? d - j0 : STD_BLOCK;
        double mean[STD_BLOCK] = {0}, var[STD_BLOCK] = {0}, inv[STD_BLOCK];
        std_sum(mean, train->x, n, d, j0, m);
        for (int j = 0; j < m; j++)
            mean[j] /= n;
        /* Two passes: the one-pass sum of squares cancels badly. */
        std_sum_sq(var, train->x, n, d, j0, m, mean);
        for (int j = 0; j < m; j++) {
            double sd = sqrt(var[j] / n);
            inv[j] = sd < 1e-12 ? 1.0 : 1.0 / sd;
        }
        std_apply(train, j0, m, mean, inv);
        if (test && test->n > 0 && test->d == d)
            std_apply(test, j0, m, mean, inv);
        for (int j = 0; mean_out && j < m; j++)
            mean_out[j0 + j] = mean[j], inv_out[j0 + j] = inv[j];
    }
}

/* ---- generators --------------------------------------------------------- */

/* Writes the 2-D point number j of m in class c to x. */
typedef void gen_fn(rng_state *r, int c, int j, int m, float *x);

/* CS231n spiral: radius t runs 0..1 along each arm, the angle turns 4 rad
 * per arm with 0.2 rad of noise, enough to blur the arms' inner ends. */
static void gen_spiral(rng_state *r, int c, int j, int m, float *x)
{
    double t = m > 1 ? (double)j / (m - 1) : 0.5;
    double a = c * 4.0 + 4.0 * t + 0.2 * rng_normal(r);
    x[0] = (float)(t * sin(a));
    x[1] = (float)(t * cos(a));
}

/* Class 0 on the unit circle, class 1 on radius 0.5, noise 0.1. */
static void gen_circles(rng_state *r, int c, int j, int m, float *x)
{
    (void)j;
    (void)m;
    double a = 2.0 * PI * rng_uniform(r);
    double rad = c == 0 ? 1.0 : 0.5;
    x[0] = (float)(rad * cos(a) + 0.1 * rng_normal(r));
    x[1] = (float)(rad * sin(a) + 0.1 * rng_normal(r));
}

/* Two interleaved half circles (as scikit-learn's make_moons), noise 0.1. */
static void gen_moons(rng_state *r, int c, int j, int m, float *x)
{
    (void)j;
    (void)m;
    double t = PI * rng_uniform(r);
    double px = c == 0 ? cos(t) : 1.0 - cos(t);
    double py = c == 0 ? sin(t) : 0.5 - sin(t);
    x[0] = (float)(px + 0.1 * rng_normal(r));
    x[1] = (float)(py + 0.1 * rng_normal(r));
}

/* Uniform in [-1,1]^2 restricted to the class's quadrants, class 0 where
 * x*y > 0 and class 1 where x*y < 0; no margin at the axes, and a jitter of
 * 0.05 lets a few points stray across them. */
static void gen_xor(rng_state *r, int c, int j, int m, float *x)
{
    (void)j;
    (void)m;
    double sx = rng_uniform(r) < 0.5 ? -1.0 : 1.0;
    double sy = c == 0 ? sx : -sx;
    double ax = 1.0 - rng_uniform(r), ay = 1.0 - rng_uniform(r);
    x[0] = (float)(sx * ax + 0.05 * rng_normal(r));
    x[1] = (float)(sy * ay + 0.05 * rng_normal(r));
}

/* Four Gaussians (sd 0.7) on the corners of a square of side 3: neighbours
 * overlap at about two standard deviations. */
static void gen_blobs(rng_state *r, int c, int j, int m, float *x)
{
    static const double centre[4][2] = {{1.5, 1.5}, {-1.5, 1.5}, {-1.5, -1.5}, {1.5, -1.5}};
    (void)j;
    (void)m;
    x[0] = (float)(centre[c][0] + 0.7 * rng_normal(r));
    x[1] = (float)(centre[c][1] + 0.7 * rng_normal(r));
}

typedef struct {
    int k;
    gen_fn *fn;
} gen_info;

static const gen_info generators[DATA_N_GENERATORS] = {
    [DATA_SPIRAL] = {3, gen_spiral}, [DATA_CIRCLES] = {2, gen_circles},
    [DATA_MOONS] = {2, gen_moons},   [DATA_XOR] = {2, gen_xor},
    [DATA_BLOBS] = {4, gen_blobs},
};

/* The generator called name, or NULL. */
static const gen_info *gen_find(const char *name)
{
    const name_row *r = name ? names_find(data_names, name, NULL) : NULL;
    return r && r->value < DATA_N_GENERATORS ? &generators[r->value] : NULL;
}

/* AB_EUSAGE naming name and every accepted data set. */
static ab_status unknown_name(const char *name, ab_err *err)
{
    return names_unknown(err, data_names, "data set", name ? name : "");
}

ab_status data_generate(data_set *out, const char *name, int n, uint64_t seed, ab_err *err)
{
    memset(out, 0, sizeof *out);
    const gen_info *g = gen_find(name);
    if (!g)
        return unknown_name(name, err);
    if (n < g->k || n > DATA_MAX_N)
        return ab_fail(err, AB_EUSAGE, "%s: %d samples asked, need %d to %d", name, n, g->k,
                       DATA_MAX_N);
    int *pos = malloc((size_t)n * sizeof *pos);
    if (!pos)
        return ab_fail(err, AB_ERUNTIME, "out of memory generating %d samples", n);
    ab_status st = set_alloc(out, n, 2, g->k, err);
    if (st != AB_OK) {
        free(pos);
        return st;
    }
    rng_state r;
    rng_seed(&r, seed ^ GEN_SALT);
    for (int i = 0; i < n; i++)
        pos[i] = i;
    rng_shuffle(&r, pos, n);
    /* Points are made class by class and scattered to shuffled rows. */
    int p = 0;
    for (int c = 0; c < g->k; c++) {
        int m = n / g->k + (c < n % g->k);
        for (int j = 0; j < m; j++, p++) {
            g->fn(&r, c, j, m, out->x + 2 * (size_t)pos[p]);
            out->y[pos[p]] = c;
        }
    }
    free(pos);
    return AB_OK;
}

/* ---- IDX ---------------------------------------------------------------- */

/* Reads up to n bytes into buf, *got of them; a short count means end of
 * file (a cut-off gzip stream counts as that too, so the caller reports the
 * truncation).  AB_ERUNTIME on read or decompression errors. */
static ab_status gz_fill(gzFile f, const char *path, unsigned char *buf, size_t n, size_t *got,
                         ab_err *err)
{
    *got = 0;
    while (*got < n) {
        size_t want = n - *got < (1u << 30) ? n - *got : (1u << 30);
        int r = gzread(f, buf + *got, (unsigned)want);
        if (r <= 0)
            break;
        *got += (size_t)r;
    }
    int code;
    const char *msg = gzerror(f, &code);
    if (code == Z_OK || code == Z_BUF_ERROR)
        return AB_OK;
    if (code == Z_ERRNO)
        return ab_fail(err, AB_ERUNTIME, "%s: read error: %s", path, strerror(errno));
    return ab_fail(err, AB_ERUNTIME, "%s: corrupt gzip data: %s", path, msg);
}

/* Opens path (gzipped or plain) for reading into *f. */
static ab_status idx_open(gzFile *f, const char *path, ab_err *err)
{
    errno = 0;
    *f = gzopen(path, "rb");
    if (!*f)
        return ab_fail(err, AB_ERUNTIME, "%s: cannot open: %s", path,
                       strerror(errno ? errno : ENOMEM));
    gzbuffer(*f, 1u << 17);
    return AB_OK;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads the magic (which must be magic, with ndims <= 3 dimensions) and the
 * dimensions, each > 0, into dims. */
static ab_status idx_header(gzFile f, const char *path, uint32_t magic, const char *what,
                            uint32_t *dims, int ndims, ab_err *err)
{
    unsigned char h[16];
    size_t need = 4 + 4 * (size_t)ndims, got;
    ab_status st = gz_fill(f, path, h, 4, &got, err);
    if (st != AB_OK)
        return st;
    if (got < 4)
        return ab_fail(err, AB_ERUNTIME, "%s: truncated: expected %zu header bytes, got %zu",
                       path, need, got);
    if (be32(h) != magic)
        return ab_fail(err, AB_ERUNTIME, "%s: bad magic 0x%08x, expected 0x%08x (%s)", path,
                       (unsigned)be32(h), (unsigned)magic, what);
    st = gz_fill(f, path, h + 4, need - 4, &got, err);
    if (st != AB_OK)
        return st;
    if (got < need - 4)
        return ab_fail(err, AB_ERUNTIME, "%s: truncated: expected %zu header bytes, got %zu",
                       path, need, got + 4);
    for (int i = 0; i < ndims; i++) {
        dims[i] = be32(h + 4 + 4 * i);
        if (dims[i] == 0)
            return ab_fail(err, AB_ERUNTIME, "%s: dimension %d is 0", path, i + 1);
    }
    return AB_OK;
}

/* Reads exactly count bytes of what ("pixel", "label") into a new *out and
 * checks that nothing follows.  The buffer grows as data arrives, so a header
 * that claims more than the file holds gives a truncation error rather than a
 * huge allocation. */
static ab_status idx_body(gzFile f, const char *path, size_t count, const char *what,
                          unsigned char **out, ab_err *err)
{
    ab_status st = AB_OK;
    unsigned char *buf = NULL;
    size_t have = 0, cap = 0, got;
    *out = NULL;
    while (have < count) {
        if (have == cap) {
            size_t ncap = cap ? cap * 2 : (1u << 20);
            if (ncap > count || ncap < cap)
                ncap = count;
            unsigned char *nb = realloc(buf, ncap);
            if (!nb) {
                st = ab_fail(err, AB_ERUNTIME, "%s: out of memory for %zu %s bytes", path, count,
                             what);
                goto fail;
            }
            buf = nb;
            cap = ncap;
        }
        st = gz_fill(f, path, buf + have, cap - have, &got, err);
        if (st != AB_OK)
            goto fail;
        have += got;
        if (have < cap)
            break;
    }
    if (have < count) {
        st = ab_fail(err, AB_ERUNTIME, "%s: truncated: expected %zu %s bytes, got %zu", path,
                     count, what, have);
        goto fail;
    }
    unsigned char extra;
    st = gz_fill(f, path, &extra, 1, &got, err);
    if (st == AB_OK && got > 0)
        st = ab_fail(err, AB_ERUNTIME, "%s: unexpected data after %zu %s bytes", path, count,
                     what);
    if (st != AB_OK)
        goto fail;
    *out = buf;
    return AB_OK;
fail:
    free(buf);
    return st;
}

ab_status data_load_idx(data_set *out, const char *images_path, const char *labels_path,
                        ab_err *err)
{
    ab_status st;
    gzFile fl = NULL, fi = NULL;
    unsigned char *lab = NULL, *pix = NULL;
    uint32_t nl, dim[3];
    memset(out, 0, sizeof *out);

    st = idx_open(&fl, labels_path, err);
    if (st == AB_OK)
        st = idx_header(fl, labels_path, IDX_LABELS, "IDX label file", &nl, 1, err);
    if (st == AB_OK)
        st = idx_body(fl, labels_path, nl, "label", &lab, err);
    if (st == AB_OK)
        st = idx_open(&fi, images_path, err);
    if (st == AB_OK)
        st = idx_header(fi, images_path, IDX_IMAGES, "IDX image file", dim, 3, err);
    if (st != AB_OK)
        goto done;
    if (dim[0] != nl) {
        st = ab_fail(err, AB_ERUNTIME, "%s: %u images, but %s has %u labels", images_path,
                     (unsigned)dim[0], labels_path, (unsigned)nl);
        goto done;
    }
    uint64_t d = (uint64_t)dim[1] * dim[2];
    if (dim[0] > INT_MAX || d > INT_MAX || (uint64_t)dim[0] * d > SIZE_MAX / sizeof(float)) {
        st = ab_fail(err, AB_ERUNTIME, "%s: dimensions %u x %u x %u are too large", images_path,
                     (unsigned)dim[0], (unsigned)dim[1], (unsigned)dim[2]);
        goto done;
    }
    size_t count = (size_t)dim[0] * (size_t)d;
    st = idx_body(fi, images_path, count, "pixel", &pix, err);
    if (st != AB_OK)
        goto done;
    int kmax = 0, kmin = 256; /* labels are bytes, so below 256 by construction */
    for (uint32_t i = 0; i < nl; i++) {
        kmax = lab[i] + 1 > kmax ? lab[i] + 1 : kmax;
        kmin = lab[i] < kmin ? lab[i] : kmin;
    }
    if (kmin == kmax - 1) { /* as data_load_csv refuses one class */
        st = ab_fail(err, AB_ERUNTIME, "%s: every label is %d; need at least 2 classes",
                     labels_path, kmin);
        goto done;
    }
    st = set_alloc(out, (int)nl, (int)d, kmax, err);
    if (st != AB_OK)
        goto done;
    for (size_t i = 0; i < count; i++)
        out->x[i] = pix[i] / 255.0f;
    for (uint32_t i = 0; i < nl; i++)
        out->y[i] = lab[i];
done:
    if (fl)
        gzclose(fl);
    if (fi)
        gzclose(fi);
    free(lab);
    free(pix);
    if (st != AB_OK)
        data_free(out);
    return st;
}

/* ---- CSV ---------------------------------------------------------------- */

typedef struct {
    const char *path;
    long line;     /* current line, 1-based */
    int cols;      /* columns per row; 0 before the first row */
    size_t rows, cap;
    float *x;      /* rows x (cols - 1) features */
    int *y;
    int lo, hi;    /* smallest and largest label */
    long header;   /* the line of the header row skipped, or 0 */
    int split_col; /* the header's "split" column (1-based), not a feature; 0 = none */
    unsigned char *is_test; /* with split_col: per row, 1 = test, 0 = train */
} csv_reader;

/* Feature columns of c's rows: all but the label and a split column. */
static size_t csv_features(const csv_reader *c)
{
    return (size_t)c->cols - 1 - (c->split_col > 0);
}

/* End of the cell starting at s: the next comma or the end of the line. */
static const char *cell_end(const char *s)
{
    while (*s && *s != ',')
        s++;
    return s;
}

/* Narrows [*s, *e) to exclude surrounding blanks. */
static void cell_trim(const char **s, const char **e)
{
    while (*s < *e && isblank((unsigned char)**s))
        (*s)++;
    while (*e > *s && isblank((unsigned char)(*e)[-1]))
        (*e)--;
}

/* Parses the trimmed cell [s, e) as a number into *v; false if it is not
 * one.  strtod cannot run past e: e is at a blank, a comma or the end. */
static bool cell_number(const char *s, const char *e, double *v)
{
    char *end;
    if (s == e)
        return false;
    *v = strtod(s, &end);
    return end == e;
}

/* The cell [s, e) as messages quote it: at most 40 bytes, control bytes as
 * '?' (a binary file must not send escape sequences to the terminal). */
static const char *cell_show(char out[48], const char *s, const char *e)
{
    size_t n = 0;
    for (; s < e && n < 40; s++)
        out[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
    out[n] = '\0';
    return out;
}

/* Number of comma-separated cells in line, capped at INT_MAX. */
static int count_cols(const char *line)
{
    long long c = 1;
    for (; *line && c < INT_MAX; line++)
        c += *line == ',';
    return (int)c;
}

/* Row 1 is a header when none of its cells is a number (*header says so):
 * a typo in the first data row must not silently drop a sample.  A row of
 * both is an error naming its first cell that is not a number. */
static ab_status csv_first_row(const csv_reader *c, const char *line, bool *header, ab_err *err)
{
    int num_col = 0, bad_col = 0;
    const char *bad = NULL, *bad_end = NULL;
    const char *s = line;
    for (int col = 1;; col++, s++) {
        const char *e = cell_end(s), *a = s, *b = e;
        double v;
        cell_trim(&a, &b);
        if (cell_number(a, b, &v))
            num_col = num_col ? num_col : col;
        else if (!bad_col) {
            bad_col = col;
            bad = a;
            bad_end = b;
        }
        if (!*e)
            break;
        s = e;
    }
    *header = num_col == 0;
    if (num_col == 0 || bad_col == 0)
        return AB_OK;
    char show[48];
    return ab_fail(err, AB_ERUNTIME,
                   "%s:%ld: column %d: '%s' is not a number, but column %d is (a header "
                   "row holds no numbers)",
                   c->path, c->line, bad_col, cell_show(show, bad, bad_end), num_col);
}

/* Finds a header cell "split" (any case) in line, the header, into
 * c->split_col: a column of train or test per row.  It may not be the last
 * column (the label), nor the only other one, nor appear twice. */
static ab_status csv_split_col(csv_reader *c, const char *line, ab_err *err)
{
    const char *s = line;
    for (int col = 1;; col++, s++) {
        const char *e = cell_end(s), *a = s, *b = e;
        cell_trim(&a, &b);
        if (b - a == 5 && !strncasecmp(a, "split", 5)) {
            if (c->split_col)
                return ab_fail(err, AB_ERUNTIME, "%s:%ld: columns %d and %d are both named "
                               "split", c->path, c->line, c->split_col, col);
            c->split_col = col;
        }
        if (!*e)
            break;
        s = e;
    }
    if (c->split_col && (c->split_col == c->cols || c->cols < 3))
        return ab_fail(err, AB_ERUNTIME, "%s:%ld: column %d (split) %s", c->path, c->line,
                       c->split_col, c->split_col == c->cols
                                         ? "is where the label goes: the label is the last "
                                           "column"
                                         : "leaves no feature column");
    return AB_OK;
}

/* True if line holds nothing but blanks. */
static bool blank_line(const char *line)
{
    while (isblank((unsigned char)*line))
        line++;
    return *line == '\0';
}

/* Makes room for one more row. */
static ab_status csv_grow(csv_reader *c, ab_err *err)
{
    size_t d = csv_features(c);
    if ((c->rows + 1) * d > CSV_MAX_VALUES)
        return ab_fail(err, AB_ERUNTIME, "%s:%ld: more than %ld feature values in all "
                       "(%zu per row)", c->path, c->line, (long)CSV_MAX_VALUES, d);
    if (c->rows < c->cap)
        return AB_OK;
    size_t ncap = c->cap ? c->cap * 2 : 64;
    if (ncap > INT_MAX)
        ncap = INT_MAX;
    if (c->rows >= ncap || ncap > SIZE_MAX / sizeof(float) / d)
        return ab_fail(err, AB_ERUNTIME, "%s:%ld: too many rows", c->path, c->line);
    float *nx = realloc(c->x, ncap * d * sizeof *nx);
    if (nx)
        c->x = nx;
    int *ny = nx ? realloc(c->y, ncap * sizeof *ny) : NULL;
    if (!ny)
        return ab_fail(err, AB_ERUNTIME, "%s:%ld: out of memory", c->path, c->line);
    c->y = ny;
    if (c->split_col) {
        unsigned char *nt = realloc(c->is_test, ncap);
        if (!nt)
            return ab_fail(err, AB_ERUNTIME, "%s:%ld: out of memory", c->path, c->line);
        c->is_test = nt;
    }
    c->cap = ncap;
    return AB_OK;
}

/* Checks the label cell [s, e) (column col) and stores it as row's label. */
static ab_status csv_label(csv_reader *c, int col, const char *s, const char *e, double v,
                           ab_err *err)
{
    char show[48];
    if (!(v >= 0.0 && v == floor(v)))
        return ab_fail(err, AB_ERUNTIME,
                       "%s:%ld: column %d: label '%s' is not a non-negative integer", c->path,
                       c->line, col, cell_show(show, s, e));
    if (v > CSV_MAX_LABEL)
        return ab_fail(err, AB_ERUNTIME, "%s:%ld: column %d: label '%s' is above %d", c->path,
                       c->line, col, cell_show(show, s, e), CSV_MAX_LABEL);
    int lab = (int)v;
    c->y[c->rows] = lab;
    if (c->rows == 0 || lab < c->lo)
        c->lo = lab;
    if (c->rows == 0 || lab > c->hi)
        c->hi = lab;
    return AB_OK;
}

/* Parses one data row (cols cells, features then label) into the reader. */
static ab_status csv_row(csv_reader *c, const char *line, ab_err *err)
{
    int cols = count_cols(line);
    if (cols != c->cols)
        return ab_fail(err, AB_ERUNTIME, "%s:%ld: %d columns, expected %d", c->path, c->line,
                       cols, c->cols);
    ab_status st = csv_grow(c, err);
    if (st != AB_OK)
        return st;
    float *row = c->x + c->rows * csv_features(c);
    const char *s = line;
    for (int j = 0, f = 0; j < cols; j++, s++) {
        const char *e = cell_end(s), *a = s, *b = e;
        double v;
        cell_trim(&a, &b);
        char show[48];
        if (j + 1 == c->split_col) {
            size_t len = (size_t)(b - a);
            bool train = len == 5 && !strncmp(a, "train", 5);
            bool test = len == 4 && !strncmp(a, "test", 4);
            if (!train && !test)
                return ab_fail(err, AB_ERUNTIME, "%s:%ld: column %d (split): '%s' is neither "
                               "train nor test", c->path, c->line, j + 1, cell_show(show, a, b));
            c->is_test[c->rows] = test;
            s = e;
            continue;
        }
        if (!cell_number(a, b, &v))
            return ab_fail(err, AB_ERUNTIME, "%s:%ld: column %d: '%s' is not a number",
                           c->path, c->line, j + 1, cell_show(show, a, b));
        if (!isfinite(v) || fabs(v) > FLT_MAX)
            return ab_fail(err, AB_ERUNTIME, "%s:%ld: column %d: '%s' is not a finite float",
                           c->path, c->line, j + 1, cell_show(show, a, b));
        if (j < cols - 1)
            row[f++] = (float)v;
        else if ((st = csv_label(c, j + 1, a, b, v, err)) != AB_OK)
            return st;
        s = e;
    }
    c->rows++;
    return AB_OK;
}

/* Reads all lines of t into c: optional header, data rows, blank lines only
 * at the end. */
static ab_status csv_lines(csv_reader *c, text_reader *t, ab_err *err)
{
    long blank = 0;
    char *line;
    size_t len;
    ab_status st;
    while ((st = text_next(t, &line, &len, err)) == AB_OK && line) {
        c->line = t->line;
        /* a UTF-8 byte-order mark would make the first row look like a header */
        if (c->line == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0) {
            line += 3;
            len -= 3;
        }
        while (len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
        if (blank_line(line)) {
            blank = blank ? blank : c->line;
            continue;
        }
        if (blank)
            return ab_fail(err, AB_ERUNTIME, "%s:%ld: blank line inside the data", c->path,
                           blank);
        if (c->cols == 0) {
            bool header;
            c->cols = count_cols(line);
            if (c->cols < 2)
                return ab_fail(err, AB_ERUNTIME,
                               "%s:%ld: 1 column, need at least one feature and a label",
                               c->path, c->line);
            if ((st = csv_first_row(c, line, &header, err)) != AB_OK)
                return st;
            if (header) {
                c->header = c->line;
                if ((st = csv_split_col(c, line, err)) != AB_OK)
                    return st;
                continue;
            }
        }
        if ((st = csv_row(c, line, err)) != AB_OK)
            return st;
    }
    if (st == AB_OK && c->rows == 0) {
        if (c->header)
            return ab_fail(err, AB_ERUNTIME, "%s:%ld: header but no data rows", c->path,
                           c->header);
        return ab_fail(err, AB_ERUNTIME, "%s:%ld: no data rows", c->path, t->line + 1);
    }
    return st;
}

/* Reads the CSV file path into out (k = largest label + 1), with no check on
 * the number of classes; *lo gets the smallest label.  A split column's
 * flags go to *is_test (the caller frees them), or, when is_test is NULL,
 * make it an error. */
static ab_status csv_read_split(data_set *out, const char *path, int *lo,
                                unsigned char **is_test, ab_err *err)
{
    csv_reader c = {.path = path};
    text_reader t;
    memset(out, 0, sizeof *out);
    ab_status st = text_open(&t, path, CSV_MAX_LINE, AB_ERUNTIME, err);
    if (st == AB_OK)
        st = csv_lines(&c, &t, err);
    text_close(&t);
    if (st == AB_OK && c.split_col && !is_test)
        st = ab_fail(err, AB_ERUNTIME, "%s: column %d (split) fixes a train/test split: the file "
                     "cannot be read beside a test set of its own", path, c.split_col);
    if (st != AB_OK) {
        free(c.x);
        free(c.y);
        free(c.is_test);
        return st;
    }
    if (is_test)
        *is_test = c.is_test;
    out->n = (int)c.rows;
    out->d = (int)csv_features(&c);
    out->k = c.hi + 1;
    out->x = c.x;
    out->y = c.y;
    out->header = c.header != 0;
    *lo = c.lo;
    return AB_OK;
}

static ab_status csv_read(data_set *out, const char *path, int *lo, ab_err *err)
{
    return csv_read_split(out, path, lo, NULL, err);
}

/* The check data_load_csv makes of what csv_read_split read. */
static ab_status csv_two_classes(data_set *out, const char *path, int lo, ab_err *err)
{
    if (lo == out->k - 1) {
        data_free(out);
        return ab_fail(err, AB_ERUNTIME, "%s: every row has label %d; need at least 2 classes",
                       path, lo);
    }
    return AB_OK;
}

ab_status data_load_csv(data_set *out, const char *path, ab_err *err)
{
    int lo = 0;
    ab_status st = csv_read(out, path, &lo, err);
    return st == AB_OK ? csv_two_classes(out, path, lo, err) : st;
}

/* ---- data_load ---------------------------------------------------------- */

ab_status data_parse_name(data_kind *kind, const char **path, const char *name, ab_err *err)
{
    const char *arg;
    const name_row *r = name ? names_find(data_names, name, &arg) : NULL;
    if (!r)
        return unknown_name(name, err);
    if (r->arg && (!arg || !arg[0]))
        return ab_fail(err, AB_EUSAGE, "'%s' needs a file name (%s:%s)", name, r->name, r->arg);
    if (kind)
        *kind = (data_kind)r->value;
    if (path)
        *path = arg;
    return AB_OK;
}

ab_status data_check_name(const char *name, ab_err *err)
{
    return data_parse_name(NULL, NULL, name, err);
}

/* Puts dir/name.gz into out (size bytes), or dir/name when only that exists;
 * a missing file is AB_ERUNTIME with hint appended. */
static ab_status idx_path(char *out, size_t size, const char *dir, const char *name,
                          const char *hint, ab_err *err)
{
    const char *sep = dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/";
    char plain[4096];
    if ((size_t)snprintf(out, size, "%s%s%s.gz", dir, sep, name) >= size ||
        (size_t)snprintf(plain, sizeof plain, "%s%s%s", dir, sep, name) >= sizeof plain)
        return ab_fail(err, AB_EUSAGE, "%s: folder name too long", dir);
    if (access(out, F_OK) == 0)
        return AB_OK;
    int e = errno;
    if (e == ENOENT && access(plain, F_OK) == 0) {
        snprintf(out, size, "%s", plain);
        return AB_OK;
    }
    return ab_fail(err, AB_ERUNTIME, "%s: cannot open: %s (%s)", out, strerror(e), hint);
}

/* The four files of an IDX data set, each NAME.gz or NAME in its folder. */
static const char *const idx_names[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

/* Whether path is surely absent: ENOENT (or ENOTDIR: the folder is a file or
 * missing further up).  EACCES and the like are not "absent". */
static bool surely_absent(const char *path)
{
    return access(path, F_OK) != 0 && (errno == ENOENT || errno == ENOTDIR);
}

bool data_not_installed(const data_spec *spec, const char **dir, const char **install)
{
    data_kind kind;
    if (!spec->name || data_parse_name(&kind, NULL, spec->name, NULL) != AB_OK ||
        (kind != DATA_FASHION_MNIST && kind != DATA_MNIST))
        return false;
    bool fashion = kind == DATA_FASHION_MNIST;
    const char *d = spec->dir ? spec->dir : fashion ? DATA_FASHION_DIR : DATA_MNIST_DIR;
    const char *sep = d[0] && d[strlen(d) - 1] == '/' ? "" : "/";
    for (int i = 0; i < 4; i++) {
        char gz[4096], plain[4096];
        if ((size_t)snprintf(gz, sizeof gz, "%s%s%s.gz", d, sep, idx_names[i]) >= sizeof gz ||
            (size_t)snprintf(plain, sizeof plain, "%s%s%s", d, sep, idx_names[i]) >=
                sizeof plain)
            return false; /* data_load names the name that is too long */
        if (!surely_absent(gz) || !surely_absent(plain))
            return false;
    }
    *dir = d;
    *install = fashion ? "apt-get install dataset-fashion-mnist"
                       : "put the MNIST IDX files there";
    return true;
}

/* Loads the official train and test IDX files of (fashion-)MNIST. */
static ab_status load_mnist(data_set *train, data_set *test, const data_spec *spec,
                            bool fashion, ab_err *err)
{
    const char *dir = spec->dir ? spec->dir : fashion ? DATA_FASHION_DIR : DATA_MNIST_DIR;
    const char *hint = fashion ? "install Debian's dataset-fashion-mnist package, or give the "
                                 "folder of its IDX files"
                               : "put the MNIST IDX files there, or give their folder";
    char p[4][4096];
    for (int i = 0; i < 4; i++) {
        ab_status st = idx_path(p[i], sizeof p[i], dir, idx_names[i], hint, err);
        if (st != AB_OK)
            return st;
    }
    ab_status st = data_load_idx(train, p[0], p[1], err);
    if (st == AB_OK)
        st = data_load_idx(test, p[2], p[3], err);
    if (st == AB_OK && test->d != train->d)
        st = ab_fail(err, AB_ERUNTIME, "%s: %d pixels per image, but %s has %d", p[2], test->d,
                     p[0], train->d);
    if (st != AB_OK) {
        data_free(train);
        data_free(test);
        return st;
    }
    int k = train->k > test->k ? train->k : test->k;
    train->k = test->k = k > 10 ? k : 10;
    return AB_OK;
}

/* Moves the rows of all that is_test marks into test and the others into
 * train, each in the file's order; all is consumed. */
static ab_status split_by_column(data_set *train, data_set *test, data_set *all,
                                 const unsigned char *is_test, const char *path, ab_err *err)
{
    int *idx = malloc(sizeof(int) * (size_t)all->n), n_test = 0;
    ab_status st = AB_OK;
    if (!idx)
        st = ab_fail(err, AB_ERUNTIME, "out of memory splitting %d samples", all->n);
    for (int i = 0; st == AB_OK && i < all->n; i++)
        n_test += is_test[i] != 0;
    if (st == AB_OK && n_test == all->n)
        st = ab_fail(err, AB_ERUNTIME, "%s: every row's split is test: no training samples",
                     path);
    /* the training rows first, then the test rows, each in order */
    for (int i = 0, a = 0, b = all->n - n_test; st == AB_OK && i < all->n; i++)
        idx[is_test[i] ? b++ : a++] = i;
    if (st == AB_OK)
        st = data_subset(train, all, idx, all->n - n_test, err);
    if (st == AB_OK)
        st = data_subset(test, all, idx + all->n - n_test, n_test, err);
    free(idx);
    data_free(all);
    if (st != AB_OK) {
        data_free(train);
        data_free(test);
    }
    return st;
}

/* Loads csv:PATH, split by its split column, else by spec->test_frac, or
 * with spec->test_path as the test set. */
static ab_status load_csv(data_set *train, data_set *test, const data_spec *spec,
                         const char *path, ab_err *err)
{
    if (!spec->test_path) {
        data_set all;
        unsigned char *is_test = NULL;
        int lo = 0;
        ab_status st = csv_read_split(&all, path, &lo, &is_test, err);
        if (st == AB_OK)
            st = csv_two_classes(&all, path, lo, err);
        if (st != AB_OK) {
            free(is_test);
            return st;
        }
        bool header = all.header;
        st = is_test ? split_by_column(train, test, &all, is_test, path, err)
                     : data_split(train, test, &all, spec->test_frac, spec->seed, err);
        train->split_column = test->split_column = is_test != NULL;
        free(is_test);
        train->header = test->header = header;
        return st;
    }
    int lo;
    ab_status st = data_load_csv(train, path, err);
    if (st == AB_OK)
        st = csv_read(test, spec->test_path, &lo, err);
    if (st == AB_OK && test->d != train->d)
        st = ab_fail(err, AB_ERUNTIME, "%s: %d feature columns, but %s has %d", spec->test_path,
                     test->d, path, train->d);
    if (st != AB_OK) {
        data_free(train);
        data_free(test);
        return st;
    }
    train->k = test->k = train->k > test->k ? train->k : test->k;
    return AB_OK;
}

ab_status data_load(data_set *train, data_set *test, const data_spec *spec, ab_err *err)
{
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    data_kind kind;
    const char *path;
    ab_status st = data_parse_name(&kind, &path, spec->name, err);
    if (st != AB_OK)
        return st;
    if (kind < DATA_N_GENERATORS) {
        if (spec->n < 0)
            return ab_fail(err, AB_EUSAGE, "%s: %d samples asked", spec->name, spec->n);
        data_set all;
        st = data_generate(&all, spec->name, spec->n ? spec->n : DATA_DEFAULT_N, spec->seed, err);
        if (st == AB_OK)
            st = data_split(train, test, &all, spec->test_frac, spec->seed, err);
    } else if (kind == DATA_CSV) {
        st = load_csv(train, test, spec, path, err);
    } else {
        st = load_mnist(train, test, spec, kind == DATA_FASHION_MNIST, err);
    }
    if (st == AB_OK && spec->standardize)
        data_standardize(train, test);
    return st;
}
