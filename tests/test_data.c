/* test_data.c - cmocka tests for data.c: generators, splits, standardisation,
 * the IDX and CSV readers and data_load's dispatch and error messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "data.h"
#include "rng.h"
#include "text.h"

#define FASHION_PROBE "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz"

static char tmpdir[64];

/* ---- helpers ------------------------------------------------------------ */

/* Writes tmpdir/name into out (4096 bytes). */
static void tpath(char *out, const char *name)
{
    int r = snprintf(out, 4096, "%s/%s", tmpdir, name);
    assert_true(r > 0 && r < 4096);
}

/* Writes len bytes to tmpdir/name, gzipped if gz; the full path goes to out. */
static void write_file(char *out, const char *name, const void *data, size_t len, int gz)
{
    tpath(out, name);
    if (gz) {
        gzFile f = gzopen(out, "wb");
        assert_non_null(f);
        if (len > 0)
            assert_int_equal(gzwrite(f, data, (unsigned)len), (int)len);
        assert_int_equal(gzclose(f), Z_OK);
    } else {
        FILE *f = fopen(out, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
    }
}

static void write_text(char *out, const char *name, const char *text)
{
    write_file(out, name, text, strlen(text), 0);
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Writes an IDX file: magic, nd dims, then len body bytes. */
static void write_idx(char *out, const char *name, uint32_t magic, const uint32_t *dims, int nd,
                      const unsigned char *body, size_t len, int gz)
{
    size_t size = 4 + 4 * (size_t)nd + len;
    unsigned char *buf = malloc(size);
    assert_non_null(buf);
    put_be32(buf, magic);
    for (int i = 0; i < nd; i++)
        put_be32(buf + 4 + 4 * i, dims[i]);
    if (len > 0)
        memcpy(buf + 4 + 4 * nd, body, len);
    write_file(out, name, buf, size, gz);
    free(buf);
}

/* A small image set: 5 images of 3 x 2 pixels, labels 3 0 1 3 2. */
enum { IMG_N = 5, IMG_R = 3, IMG_C = 2 };
static const unsigned char img_labels[IMG_N] = {3, 0, 1, 3, 2};

static void img_pixels(unsigned char *p)
{
    for (int i = 0; i < IMG_N * IMG_R * IMG_C; i++)
        p[i] = (unsigned char)(i * 37 % 256);
    p[1] = 255;
}

/* Writes the small image set as images/labels files with the given names. */
static void write_img_set(char *ipath, char *lpath, const char *iname, const char *lname, int gz)
{
    unsigned char pix[IMG_N * IMG_R * IMG_C];
    img_pixels(pix);
    uint32_t idims[3] = {IMG_N, IMG_R, IMG_C}, ldims[1] = {IMG_N};
    write_idx(ipath, iname, 0x803, idims, 3, pix, sizeof pix, gz);
    write_idx(lpath, lname, 0x801, ldims, 1, img_labels, IMG_N, gz);
}

static void assert_empty(const data_set *s)
{
    assert_int_equal(s->n, 0);
    assert_null(s->x);
    assert_null(s->y);
}

/* Asserts that msg contains a and b (each may be NULL). */
static void assert_msg(const char *msg, const char *a, const char *b)
{
    if (a && !strstr(msg, a))
        fail_msg("message '%s' lacks '%s'", msg, a);
    if (b && !strstr(msg, b))
        fail_msg("message '%s' lacks '%s'", msg, b);
}

static int rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return -1;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d)
            return -1;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            rm_tree(sub);
        }
        closedir(d);
        return rmdir(path);
    }
    return unlink(path);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_data.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return rm_tree(tmpdir);
}

/* ---- generators --------------------------------------------------------- */

static const struct {
    const char *name;
    int k;
} gens[] = {{"spiral", 3}, {"circles", 2}, {"moons", 2}, {"xor", 2}, {"blobs", 4}};
#define NGENS (int)(sizeof gens / sizeof gens[0])

static void test_generator_list(void **state)
{
    (void)state;
    int i = 0;
    /* the generators are the first rows of data_names */
    for (; data_names[i].name && data_names[i].value < DATA_N_GENERATORS; i++) {
        assert_true(i < NGENS);
        assert_string_equal(data_names[i].name, gens[i].name);
    }
    assert_int_equal(i, NGENS);
}

static void test_generators_shape_balance(void **state)
{
    (void)state;
    for (int g = 0; g < NGENS; g++) {
        data_set s = {0};
        ab_err err = {{0}};
        int n = 301;
        assert_int_equal(data_generate(&s, gens[g].name, n, 7, &err), AB_OK);
        assert_int_equal(s.n, n);
        assert_int_equal(s.d, 2);
        assert_int_equal(s.k, gens[g].k);
        int count[4] = {0};
        for (int i = 0; i < n; i++) {
            assert_in_range(s.y[i], 0, s.k - 1);
            count[s.y[i]]++;
            assert_true(isfinite(s.x[2 * i]) && isfinite(s.x[2 * i + 1]));
        }
        for (int c = 0; c < s.k; c++)
            assert_in_range(count[c], n / s.k, n / s.k + 1);
        /* Shuffled, not grouped: labels change often along the rows. */
        int changes = 0;
        for (int i = 1; i < n; i++)
            changes += s.y[i] != s.y[i - 1];
        assert_true(changes > n / 4);
        data_free(&s);
        assert_empty(&s);
    }
}

static void test_generators_deterministic(void **state)
{
    (void)state;
    for (int g = 0; g < NGENS; g++) {
        data_set a = {0}, b = {0}, c = {0};
        ab_err err = {{0}};
        assert_int_equal(data_generate(&a, gens[g].name, 200, 42, &err), AB_OK);
        assert_int_equal(data_generate(&b, gens[g].name, 200, 42, &err), AB_OK);
        assert_int_equal(data_generate(&c, gens[g].name, 200, 43, &err), AB_OK);
        assert_memory_equal(a.x, b.x, 400 * sizeof(float));
        assert_memory_equal(a.y, b.y, 200 * sizeof(int));
        assert_memory_not_equal(a.x, c.x, 400 * sizeof(float));
        data_free(&a);
        data_free(&b);
        data_free(&c);
    }
}

/* Mean over the rows of class c of f(x, y). */
static double class_mean(const data_set *s, int c, double (*f)(double, double))
{
    double sum = 0;
    int m = 0;
    for (int i = 0; i < s->n; i++)
        if (s->y[i] == c) {
            sum += f(s->x[2 * i], s->x[2 * i + 1]);
            m++;
        }
    return sum / m;
}

static double first(double x, double y) { (void)y; return x; }
static double second(double x, double y) { (void)x; return y; }

static void test_generator_geometry(void **state)
{
    (void)state;
    ab_err err = {{0}};
    data_set s = {0};

    /* Spiral: noise is on the angle only, so every radius is within 1. */
    assert_int_equal(data_generate(&s, "spiral", 900, 1, &err), AB_OK);
    for (int i = 0; i < s.n; i++)
        assert_true(hypot(s.x[2 * i], s.x[2 * i + 1]) <= 1.0 + 1e-6);
    data_free(&s);

    /* Circles: outer ring radius 1, inner 0.5. */
    assert_int_equal(data_generate(&s, "circles", 2000, 1, &err), AB_OK);
    assert_true(fabs(class_mean(&s, 0, hypot) - 1.0) < 0.05);
    assert_true(fabs(class_mean(&s, 1, hypot) - 0.5) < 0.05);
    data_free(&s);

    /* Xor: class 0 where x*y > 0, apart from a little jitter. */
    assert_int_equal(data_generate(&s, "xor", 2000, 1, &err), AB_OK);
    int agree = 0;
    for (int i = 0; i < s.n; i++)
        agree += (s.x[2 * i] * s.x[2 * i + 1] > 0) == (s.y[i] == 0);
    assert_true(agree > 0.95 * s.n && agree < s.n);
    data_free(&s);

    /* Blobs: class means at (+-1.5, +-1.5). */
    static const double centre[4][2] = {{1.5, 1.5}, {-1.5, 1.5}, {-1.5, -1.5}, {1.5, -1.5}};
    assert_int_equal(data_generate(&s, "blobs", 4000, 1, &err), AB_OK);
    for (int c = 0; c < 4; c++) {
        assert_true(fabs(class_mean(&s, c, first) - centre[c][0]) < 0.1);
        assert_true(fabs(class_mean(&s, c, second) - centre[c][1]) < 0.1);
    }
    data_free(&s);

    /* Moons: the upper moon (class 0) lies above the lower one on average. */
    assert_int_equal(data_generate(&s, "moons", 2000, 1, &err), AB_OK);
    assert_true(class_mean(&s, 0, second) > class_mean(&s, 1, second) + 0.5);
    data_free(&s);
}

static void test_generate_errors(void **state)
{
    (void)state;
    data_set s = {0};
    ab_err err = {{0}};
    assert_int_equal(data_generate(&s, "swirl", 100, 1, &err), AB_EUSAGE);
    assert_msg(err.msg, "'swirl'", "accepted: spiral");
    assert_empty(&s);
    assert_int_equal(data_generate(&s, "spiral", 2, 1, &err), AB_EUSAGE);
    assert_empty(&s);
    assert_int_equal(data_generate(&s, "xor", -5, 1, &err), AB_EUSAGE);
    assert_empty(&s);
}

static void test_load_default_n(void **state)
{
    (void)state;
    data_set tr = {0}, te = {0};
    ab_err err = {{0}};
    data_spec spec = {.name = "moons", .test_frac = DATA_DEFAULT_TEST_FRAC, .seed = 5};
    assert_int_equal(data_load(&tr, &te, &spec, &err), AB_OK);
    assert_int_equal(tr.n + te.n, DATA_DEFAULT_N);
    assert_int_equal(te.n, (int)lround(DATA_DEFAULT_N * DATA_DEFAULT_TEST_FRAC));
    assert_int_equal(tr.d, 2);
    assert_int_equal(te.d, 2);
    assert_int_equal(te.k, 2);
    /* Both classes reach the test set (the split is not the generator's
     * own permutation). */
    int ones = 0;
    for (int i = 0; i < te.n; i++)
        ones += te.y[i];
    assert_in_range(ones, te.n / 4, 3 * te.n / 4);
    data_free(&tr);
    data_free(&te);
}

/* ---- split, subset, standardize ----------------------------------------- */

/* A set of n rows, d = 1, x = row number, y = row % 3. */
static void make_counting(data_set *s, int n)
{
    s->n = n;
    s->d = 1;
    s->k = 3;
    s->x = malloc((size_t)n * sizeof *s->x);
    s->y = malloc((size_t)n * sizeof *s->y);
    assert_non_null(s->x);
    assert_non_null(s->y);
    for (int i = 0; i < n; i++) {
        s->x[i] = (float)i;
        s->y[i] = i % 3;
    }
}

static void test_split_partition(void **state)
{
    (void)state;
    data_set all = {0}, tr = {0}, te = {0};
    ab_err err = {{0}};
    make_counting(&all, 50);
    assert_int_equal(data_split(&tr, &te, &all, 0.2, 3, &err), AB_OK);
    assert_empty(&all);
    assert_int_equal(te.n, 10);
    assert_int_equal(tr.n, 40);
    assert_int_equal(tr.k, 3);
    assert_int_equal(te.d, 1);
    int seen[50] = {0};
    const data_set *parts[2] = {&tr, &te};
    for (int p = 0; p < 2; p++)
        for (int i = 0; i < parts[p]->n; i++) {
            int row = (int)parts[p]->x[i];
            assert_in_range(row, 0, 49);
            assert_int_equal(parts[p]->y[i], row % 3);
            seen[row]++;
        }
    for (int i = 0; i < 50; i++)
        assert_int_equal(seen[i], 1);

    /* Same seed, same test rows; another seed, others. */
    data_set tr2 = {0}, te2 = {0}, tr3 = {0}, te3 = {0};
    make_counting(&all, 50);
    assert_int_equal(data_split(&tr2, &te2, &all, 0.2, 3, &err), AB_OK);
    make_counting(&all, 50);
    assert_int_equal(data_split(&tr3, &te3, &all, 0.2, 4, &err), AB_OK);
    assert_memory_equal(te.x, te2.x, 10 * sizeof(float));
    assert_memory_not_equal(te.x, te3.x, 10 * sizeof(float));
    data_free(&tr);
    data_free(&te);
    data_free(&tr2);
    data_free(&te2);
    data_free(&tr3);
    data_free(&te3);
}

static void test_split_sizes(void **state)
{
    (void)state;
    static const struct {
        int n;
        double frac;
        int ntest;
    } cases[] = {{101, 0.25, 25}, {10, 0.25, 3}, {10, 0.0, 0}, {3, 0.5, 2}, {1, 0.3, 0}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        data_set all = {0}, tr = {0}, te = {0};
        ab_err err = {{0}};
        make_counting(&all, cases[c].n);
        assert_int_equal(data_split(&tr, &te, &all, cases[c].frac, 1, &err), AB_OK);
        assert_int_equal(te.n, cases[c].ntest);
        assert_int_equal(tr.n, cases[c].n - cases[c].ntest);
        if (te.n == 0)
            assert_empty(&te);
        data_free(&tr);
        data_free(&te);
    }
}

static void test_split_bad_frac(void **state)
{
    (void)state;
    const double bad[] = {1.0, -0.1, NAN, 0.9};
    for (size_t c = 0; c < sizeof bad / sizeof bad[0]; c++) {
        data_set all = {0}, tr = {0}, te = {0};
        ab_err err = {{0}};
        make_counting(&all, 3); /* 0.9 of 3 rounds to 3: no training rows */
        assert_int_equal(data_split(&tr, &te, &all, bad[c], 1, &err), AB_EUSAGE);
        assert_msg(err.msg, "test fraction", NULL);
        assert_empty(&all);
        assert_empty(&tr);
        assert_empty(&te);
    }
}

static void test_subset(void **state)
{
    (void)state;
    data_set all = {0}, sub = {0};
    ab_err err = {{0}};
    make_counting(&all, 10);
    const int idx[3] = {7, 2, 7};
    assert_int_equal(data_subset(&sub, &all, idx, 3, &err), AB_OK);
    assert_int_equal(sub.n, 3);
    assert_int_equal(sub.k, 3);
    assert_true(sub.x[0] == 7.0f && sub.x[1] == 2.0f && sub.x[2] == 7.0f);
    assert_int_equal(sub.y[1], 2);
    data_free(&sub);
    const int bad[2] = {1, 10};
    assert_int_equal(data_subset(&sub, &all, bad, 2, &err), AB_ERUNTIME);
    assert_empty(&sub);
    data_free(&all);
}

static void test_split_standardize(void **state)
{
    (void)state;
    data_set tr = {0}, te = {0};
    ab_err err = {{0}};
    data_spec spec = {.name = "blobs", .n = 1000, .test_frac = 0.2, .seed = 9,
                      .standardize = true};
    assert_int_equal(data_load(&tr, &te, &spec, &err), AB_OK);
    assert_int_equal(tr.n, 800);
    assert_int_equal(te.n, 200);
    for (int j = 0; j < tr.d; j++) {
        double mean = 0, var = 0, tmean = 0;
        for (int i = 0; i < tr.n; i++)
            mean += tr.x[i * tr.d + j];
        mean /= tr.n;
        for (int i = 0; i < tr.n; i++)
            var += pow(tr.x[i * tr.d + j] - mean, 2);
        for (int i = 0; i < te.n; i++)
            tmean += te.x[i * te.d + j];
        assert_true(fabs(mean) < 1e-5);
        assert_true(fabs(sqrt(var / tr.n) - 1.0) < 1e-4);
        /* The test set got the same transform: its mean is near 0 too,
         * whereas untransformed it would be near the blob centres' mean. */
        assert_true(fabs(tmean / te.n) < 0.3);
    }
    data_free(&tr);
    data_free(&te);
}

static void test_standardize_constant(void **state)
{
    (void)state;
    float trx[8] = {1, 5, 2, 5, 3, 5, 4, 5}, tex[2] = {2.5f, 7};
    int try_[4] = {0, 1, 0, 1}, tey[1] = {0};
    data_set tr = {.n = 4, .d = 2, .k = 2, .x = trx, .y = try_};
    data_set te = {.n = 1, .d = 2, .k = 2, .x = tex, .y = tey};
    data_standardize(&tr, &te);
    for (int i = 0; i < 4; i++)
        assert_true(trx[2 * i + 1] == 0.0f);
    double sd = sqrt(1.25);
    assert_true(fabs(trx[0] - (1 - 2.5) / sd) < 1e-6);
    assert_true(fabs(trx[6] - (4 - 2.5) / sd) < 1e-6);
    assert_true(fabs(tex[0]) < 1e-6);
    assert_true(fabs(tex[1] - 2.0) < 1e-6); /* centred only */
    /* A NULL test set and an empty training set are fine. */
    data_standardize(&tr, NULL);
    data_set empty = {0};
    data_standardize(&empty, &te);
    assert_true(fabs(tex[1] - 2.0) < 1e-6);
}

/* The textbook order, one feature at a time: its rows summed 0, 1, ..., n-1
 * in double, then the squared deviations likewise; data_standardize must give
 * these bits exactly (docs/speed.md, "Fixed costs": standardisation keeps
 * every output bit), whatever blocks or vectors it uses. */
static void standardize_reference(float *x, int n, int d, float *tx, int tn)
{
    for (int j = 0; j < d; j++) {
        double mean = 0.0, var = 0.0;
        for (int i = 0; i < n; i++)
            mean += x[(size_t)i * d + j];
        mean /= n;
        for (int i = 0; i < n; i++) {
            double t = x[(size_t)i * d + j] - mean;
            var += t * t;
        }
        double sd = sqrt(var / n), inv = sd < 1e-12 ? 1.0 : 1.0 / sd;
        for (int i = 0; i < n; i++)
            x[(size_t)i * d + j] = (float)(((double)x[(size_t)i * d + j] - mean) * inv);
        for (int i = 0; i < tn; i++)
            tx[(size_t)i * d + j] = (float)(((double)tx[(size_t)i * d + j] - mean) * inv);
    }
}

/* Every bit as the reference: 1000 rows of 1030 features (more than one
 * block of columns, and a remainder), each an offset of up to 1000 plus noise
 * of a different scale; a constant feature; a test set beside.  Every fifth
 * feature alternates +-1e17 with values near 1, which the double sums absorb
 * or keep depending on their order: there the order of the mean's additions
 * shows in the output.  (A sum of squares has no cancellation, so its order
 * moves the float output only across a rounding boundary, too rarely to
 * see.) */
static void test_standardize_bits(void **state)
{
    (void)state;
    enum { N = 1000, D = 1030, TN = 7 };
    float *x = malloc(sizeof(float) * N * D), *ref = malloc(sizeof(float) * N * D);
    float *tx = malloc(sizeof(float) * TN * D), *tref = malloc(sizeof(float) * TN * D);
    int *y = calloc(N, sizeof *y), *ty = calloc(TN, sizeof *ty);
    assert_true(x && ref && tx && tref && y && ty);
    rng_state r;
    rng_seed(&r, 77);
    for (int i = 0; i < N + TN; i++)
        for (int j = 0; j < D; j++) {
            double v = (j % 13) * 77.0 + rng_normal(&r) * pow(10.0, j % 7 - 3);
            if (j % 5 == 0)
                v = i % 2 ? 1.0 + rng_uniform(&r) : (i % 4 ? -1e17 : 1e17);
            float *cell = i < N ? &x[(size_t)i * D + j] : &tx[(size_t)(i - N) * D + j];
            *cell = j == 500 ? 3.25f : (float)v;
        }
    memcpy(ref, x, sizeof(float) * N * D);
    memcpy(tref, tx, sizeof(float) * TN * D);
    standardize_reference(ref, N, D, tref, TN);
    data_set tr = {.n = N, .d = D, .k = 2, .x = x, .y = y};
    data_set te = {.n = TN, .d = D, .k = 2, .x = tx, .y = ty};
    data_standardize(&tr, &te);
    for (size_t i = 0; i < (size_t)N * D; i++)
        if (memcmp(&x[i], &ref[i], sizeof *x) != 0)
            fail_msg("training row %zu feature %zu: %.9g, the reference %.9g", i / D, i % D,
                     (double)x[i], (double)ref[i]);
    for (size_t i = 0; i < (size_t)TN * D; i++)
        if (memcmp(&tx[i], &tref[i], sizeof *tx) != 0)
            fail_msg("test row %zu feature %zu: %.9g, the reference %.9g", i / D, i % D,
                     (double)tx[i], (double)tref[i]);
    assert_true(x[500] == 0.0f); /* constant: centred only */
    free(x);
    free(ref);
    free(tx);
    free(tref);
    free(y);
    free(ty);
}

/* ---- IDX ---------------------------------------------------------------- */

static void check_img_set(const data_set *s)
{
    unsigned char pix[IMG_N * IMG_R * IMG_C];
    img_pixels(pix);
    assert_int_equal(s->n, IMG_N);
    assert_int_equal(s->d, IMG_R * IMG_C);
    assert_int_equal(s->k, 4);
    for (int i = 0; i < IMG_N * IMG_R * IMG_C; i++)
        assert_true(s->x[i] == pix[i] / 255.0f);
    assert_true(s->x[1] == 1.0f);
    assert_true(s->x[0] == 0.0f);
    for (int i = 0; i < IMG_N; i++)
        assert_int_equal(s->y[i], img_labels[i]);
}

static void test_idx_roundtrip(void **state)
{
    (void)state;
    for (int gz = 0; gz <= 1; gz++) {
        char ip[4096], lp[4096];
        data_set s = {0};
        ab_err err = {{0}};
        write_img_set(ip, lp, "rt-images", "rt-labels", gz);
        assert_int_equal(data_load_idx(&s, ip, lp, &err), AB_OK);
        check_img_set(&s);
        data_free(&s);
    }
}

/* Expects data_load_idx(ip, lp) to fail with path and what in the message. */
static void expect_idx_fail(const char *ip, const char *lp, const char *path, const char *what)
{
    data_set s = {0};
    ab_err err = {{0}};
    assert_int_equal(data_load_idx(&s, ip, lp, &err), AB_ERUNTIME);
    assert_msg(err.msg, path, what);
    assert_empty(&s);
}

static void test_idx_bad_magic(void **state)
{
    (void)state;
    char ip[4096], lp[4096];
    unsigned char pix[IMG_N * IMG_R * IMG_C] = {0};
    uint32_t dims[3] = {IMG_N, IMG_R, IMG_C};
    write_img_set(ip, lp, "bm-images", "bm-labels", 1);
    write_idx(ip, "bm-images", 0x802, dims, 3, pix, sizeof pix, 1);
    expect_idx_fail(ip, lp, ip, "bad magic 0x00000802, expected 0x00000803 (IDX image file)");
    /* Images and labels swapped. */
    write_img_set(ip, lp, "bm-images", "bm-labels", 0);
    expect_idx_fail(lp, ip, ip, "bad magic 0x00000803, expected 0x00000801");
}

static void test_idx_truncated(void **state)
{
    (void)state;
    char ip[4096], lp[4096];
    unsigned char pix[IMG_N * IMG_R * IMG_C] = {0};
    uint32_t dims[3] = {IMG_N, IMG_R, IMG_C};
    for (int gz = 0; gz <= 1; gz++) {
        write_img_set(ip, lp, "tr-images", "tr-labels", gz);
        write_idx(ip, "tr-images", 0x803, dims, 3, pix, sizeof pix - 7, gz);
        expect_idx_fail(ip, lp, ip, "truncated: expected 30 pixel bytes, got 23");
        /* Header cut short. */
        write_idx(ip, "tr-images", 0x803, dims, 2, NULL, 0, gz);
        expect_idx_fail(ip, lp, ip, "truncated: expected 16 header bytes, got 12");
    }
}

/* A gzip stream cut in the middle, or with a damaged byte, is an error. */
static void test_idx_bad_gzip(void **state)
{
    (void)state;
    enum { N = 50, SIDE = 28 };
    char ip[4096], lp[4096];
    unsigned char *pix = malloc(N * SIDE * SIDE), lab[N] = {0};
    assert_non_null(pix);
    rng_state r;
    rng_seed(&r, 1);
    for (int i = 0; i < N * SIDE * SIDE; i++)
        pix[i] = (unsigned char)rng_below(&r, 256);
    uint32_t dims[3] = {N, SIDE, SIDE}, ldims[1] = {N};
    write_idx(lp, "gz-labels", 0x801, ldims, 1, lab, N, 1);

    write_idx(ip, "gz-images", 0x803, dims, 3, pix, N * SIDE * SIDE, 1);
    struct stat st;
    assert_int_equal(stat(ip, &st), 0);
    assert_int_equal(truncate(ip, st.st_size / 2), 0);
    expect_idx_fail(ip, lp, ip, "truncated");

    write_idx(ip, "gz-images", 0x803, dims, 3, pix, N * SIDE * SIDE, 1);
    FILE *f = fopen(ip, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, st.st_size / 2, SEEK_SET), 0);
    int c = fgetc(f);
    assert_int_equal(fseek(f, st.st_size / 2, SEEK_SET), 0);
    assert_int_equal(fputc(c ^ 0x55, f), c ^ 0x55);
    assert_int_equal(fclose(f), 0);
    expect_idx_fail(ip, lp, ip, "corrupt gzip data");
    free(pix);
}

static void test_idx_count_mismatch(void **state)
{
    (void)state;
    char ip[4096], lp[4096];
    const unsigned char lab[IMG_N + 1] = {0};
    uint32_t ldims[1] = {IMG_N + 1};
    write_img_set(ip, lp, "cm-images", "cm-labels", 1);
    write_idx(lp, "cm-labels", 0x801, ldims, 1, lab, IMG_N + 1, 1);
    expect_idx_fail(ip, lp, ip, "5 images, but");
    expect_idx_fail(ip, lp, lp, "has 6 labels");
}

/* A label file of one class is refused, as a one-class CSV is. */
static void test_idx_one_class(void **state)
{
    (void)state;
    char ip[4096], lp[4096];
    const unsigned char lab[IMG_N] = {4, 4, 4, 4, 4};
    uint32_t ldims[1] = {IMG_N};
    write_img_set(ip, lp, "oc1-images", "oc1-labels", 0);
    write_idx(lp, "oc1-labels", 0x801, ldims, 1, lab, IMG_N, 0);
    expect_idx_fail(ip, lp, lp, "every label is 4; need at least 2 classes");
}

static void test_idx_other_corruption(void **state)
{
    (void)state;
    char ip[4096], lp[4096];
    unsigned char pix[IMG_N * IMG_R * IMG_C + 1] = {0};
    uint32_t dims[3] = {IMG_N, IMG_R, IMG_C};
    write_img_set(ip, lp, "oc-images", "oc-labels", 0);
    write_idx(ip, "oc-images", 0x803, dims, 3, pix, sizeof pix, 0);
    expect_idx_fail(ip, lp, ip, "unexpected data after 30 pixel bytes");
    uint32_t zero[3] = {IMG_N, 0, IMG_C};
    write_idx(ip, "oc-images", 0x803, zero, 3, pix, 0, 0);
    expect_idx_fail(ip, lp, ip, "dimension 2 is 0");
    /* n * rows * cols overflows: must fail cleanly, not allocate. */
    uint32_t huge[3] = {IMG_N, 0xffffffffu, 0xffffffffu};
    write_idx(ip, "oc-images", 0x803, huge, 3, pix, 0, 0);
    expect_idx_fail(ip, lp, ip, "too large");
    /* A header promising far more than the file holds. */
    uint32_t big[3] = {IMG_N, 30000, 30000};
    write_idx(ip, "oc-images", 0x803, big, 3, pix, sizeof pix, 0);
    expect_idx_fail(ip, lp, ip, "truncated: expected 4500000000 pixel bytes, got 31");
}

static void test_idx_missing(void **state)
{
    (void)state;
    char ip[4096], lp[4096], missing[4096];
    write_img_set(ip, lp, "ms-images", "ms-labels", 1);
    tpath(missing, "no-such-file.gz");
    expect_idx_fail(ip, missing, missing, "cannot open: No such file or directory");
    expect_idx_fail(missing, lp, missing, "cannot open: No such file or directory");
}

/* data_load finds .gz files, falls back to plain ones, and sets k = 10. */
static void test_load_mnist_dir(void **state)
{
    (void)state;
    char dir[4096], ip[4096], lp[4096];
    tpath(dir, "mn");
    assert_int_equal(mkdir(dir, 0777), 0);
    write_img_set(ip, lp, "mn/train-images-idx3-ubyte.gz", "mn/train-labels-idx1-ubyte.gz", 1);
    write_img_set(ip, lp, "mn/t10k-images-idx3-ubyte", "mn/t10k-labels-idx1-ubyte", 0);
    const char *names[2] = {"mnist", "fashion-mnist"};
    for (int i = 0; i < 2; i++) {
        data_set tr = {0}, te = {0};
        ab_err err = {{0}};
        data_spec spec = {.name = names[i], .dir = dir, .test_frac = 0.5, .seed = 1};
        assert_int_equal(data_load(&tr, &te, &spec, &err), AB_OK);
        assert_int_equal(tr.n, IMG_N);
        assert_int_equal(te.n, IMG_N);
        assert_int_equal(tr.k, 10);
        assert_int_equal(te.k, 10);
        tr.k = 4;
        check_img_set(&tr);
        te.k = 4;
        check_img_set(&te);
        data_free(&tr);
        data_free(&te);
    }
}

static void test_load_fashion_missing(void **state)
{
    (void)state;
    char dir[4096];
    data_set tr = {0}, te = {0};
    ab_err err = {{0}};
    tpath(dir, "nowhere");
    data_spec spec = {.name = "fashion-mnist", .dir = dir};
    assert_int_equal(data_load(&tr, &te, &spec, &err), AB_ERUNTIME);
    assert_msg(err.msg, dir, "/train-images-idx3-ubyte.gz: cannot open: No such file or directory");
    assert_msg(err.msg, "(install Debian's dataset-fashion-mnist package, or give the folder",
               " of its IDX files)");
    assert_empty(&tr);
    assert_empty(&te);
}

/* data_not_installed: true only where none of the four files is there,
 * gzipped or plain; a folder with one of them is installed (its load then
 * says what is wrong); generators and CSV files never. */
static void test_not_installed(void **state)
{
    (void)state;
    char missing[4096], empty[4096], one[4096], file[4096], under[4200], f[4096];
    tpath(missing, "ni-missing");
    tpath(empty, "ni-empty");
    tpath(one, "ni-one");
    assert_int_equal(mkdir(empty, 0777), 0);
    assert_int_equal(mkdir(one, 0777), 0);
    write_text(f, "ni-one/t10k-labels-idx1-ubyte", "not IDX");
    write_text(file, "ni-file", "a file, not a folder");
    snprintf(under, sizeof under, "%s/idx", file); /* ENOTDIR */
    const char *dir = NULL, *install = NULL;
    const char *absent[] = {missing, empty, under};
    for (size_t i = 0; i < 3; i++) {
        data_spec spec = {.name = "fashion-mnist", .dir = absent[i]};
        dir = install = NULL;
        assert_true(data_not_installed(&spec, &dir, &install));
        assert_string_equal(dir, absent[i]);
        assert_string_equal(install, "apt-get install dataset-fashion-mnist");
    }
    data_spec mn = {.name = "mnist", .dir = empty};
    assert_true(data_not_installed(&mn, &dir, &install));
    assert_string_equal(install, "put the MNIST IDX files there");
    data_spec def = {.name = "fashion-mnist"};
    if (access(FASHION_PROBE, F_OK) != 0) {
        assert_true(data_not_installed(&def, &dir, &install));
        assert_string_equal(dir, "/usr/share/datasets/fashion-mnist");
    } else {
        assert_false(data_not_installed(&def, &dir, &install));
    }
    const data_spec present[] = {{.name = "fashion-mnist", .dir = one},
                                 {.name = "mnist", .dir = one},
                                 {.name = "spiral", .dir = empty},
                                 {.name = "csv:/nonexistent.csv"},
                                 {.name = "no-such-set"}};
    for (size_t i = 0; i < 5; i++)
        assert_false(data_not_installed(&present[i], &dir, &install));
}

static void test_fashion_real(void **state)
{
    (void)state;
    if (access(FASHION_PROBE, R_OK) != 0)
        skip();
    data_set tr = {0}, te = {0};
    ab_err err = {{0}};
    data_spec spec = {.name = "fashion-mnist"};
    assert_int_equal(data_load(&tr, &te, &spec, &err), AB_OK);
    assert_int_equal(tr.n, 60000);
    assert_int_equal(te.n, 10000);
    assert_int_equal(tr.d, 784);
    assert_int_equal(te.d, 784);
    assert_int_equal(tr.k, 10);
    int count[10] = {0};
    for (int i = 0; i < tr.n; i++) {
        assert_in_range(tr.y[i], 0, 9);
        count[tr.y[i]]++;
    }
    for (int c = 0; c < 10; c++)
        assert_int_equal(count[c], 6000);
    float lo = 1, hi = 0;
    for (size_t i = 0; i < (size_t)tr.n * 784; i++) {
        lo = tr.x[i] < lo ? tr.x[i] : lo;
        hi = tr.x[i] > hi ? tr.x[i] : hi;
    }
    assert_true(lo == 0.0f && hi == 1.0f);
    data_free(&tr);
    data_free(&te);
}

/* ---- CSV ---------------------------------------------------------------- */

static void test_csv_header(void **state)
{
    (void)state;
    char p[4096];
    data_set s = {0};
    ab_err err = {{0}};
    write_text(p, "h.csv", "x1,x2,label\n0.5,-1,0\n2, 3e2 ,2\n");
    assert_int_equal(data_load_csv(&s, p, &err), AB_OK);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.d, 2);
    assert_int_equal(s.k, 3);
    assert_true(s.x[0] == 0.5f && s.x[1] == -1.0f && s.x[2] == 2.0f && s.x[3] == 300.0f);
    assert_int_equal(s.y[0], 0);
    assert_int_equal(s.y[1], 2);
    assert_true(s.header);
    data_free(&s);
}

static void test_csv_plain_variants(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "1,2,1\n3,4,0\n",         /* no header */
        "1,2,1\r\n3,4,0\r\n",     /* CRLF */
        "1,2,1\r\n3,4,0",         /* no final newline */
        "1,2,1\n3,4,0\n\n \r\n",  /* blank final lines */
        "1,2,1.0\n3.0,4,0\n",     /* integral label written as a float */
    };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        char p[4096];
        data_set s = {0};
        ab_err err = {{0}};
        write_text(p, "v.csv", texts[t]);
        assert_int_equal(data_load_csv(&s, p, &err), AB_OK);
        assert_int_equal(s.n, 2);
        assert_int_equal(s.d, 2);
        assert_int_equal(s.k, 2);
        assert_true(s.x[0] == 1.0f && s.x[3] == 4.0f);
        assert_int_equal(s.y[0], 1);
        assert_int_equal(s.y[1], 0);
        assert_false(s.header);
        data_free(&s);
    }
}

/* Rows far longer than any fixed line buffer. */
static void test_csv_long_line(void **state)
{
    (void)state;
    enum { D = 3000 };
    size_t cap = 2 * (size_t)D * 8 + 64, len = 0;
    char *text = malloc(cap), p[4096];
    assert_non_null(text);
    for (int r = 0; r < 2; r++) {
        for (int j = 0; j < D; j++)
            len += (size_t)snprintf(text + len, cap - len, "%d.25,", j);
        len += (size_t)snprintf(text + len, cap - len, "%d\n", r);
    }
    write_text(p, "long.csv", text);
    free(text);
    data_set s = {0};
    ab_err err = {{0}};
    assert_int_equal(data_load_csv(&s, p, &err), AB_OK);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.d, D);
    assert_true(s.x[D + D - 1] == D - 1 + 0.25f);
    data_free(&s);
}

/* A UTF-8 byte-order mark is skipped: the first row is still data (it was
 * taken for a header, and a sample lost); with a header after it, the header
 * is skipped. */
static void test_csv_bom(void **state)
{
    (void)state;
    char p[4096];
    data_set s = {0};
    ab_err err = {{0}};
    write_text(p, "bom.csv", "\xEF\xBB\xBF" "1,2,1\n3,4,0\n5,6,1\n7,8,0\n9,10,1\n11,12,0\n");
    assert_int_equal(data_load_csv(&s, p, &err), AB_OK);
    assert_int_equal(s.n, 6);
    assert_false(s.header);
    assert_true(s.x[0] == 1.0f && s.x[1] == 2.0f);
    assert_int_equal(s.y[0], 1);
    data_free(&s);
    write_text(p, "bomh.csv", "\xEF\xBB\xBF" "x1,x2,label\r\n1,2,1\r\n3,4,0\r\n");
    assert_int_equal(data_load_csv(&s, p, &err), AB_OK);
    assert_int_equal(s.n, 2);
    assert_true(s.header);
    data_free(&s);
}

/* NUL bytes, wherever they are, and lines over the limit end the read at
 * once with the line named. */
static void test_csv_binary_and_long(void **state)
{
    (void)state;
    char p[4096];
    data_set s = {0};
    ab_err err = {{0}};
    static const char nul[] = "1,2,0\n3,4\0,1\n";
    write_file(p, "nul.csv", nul, sizeof nul - 1, 0);
    assert_int_equal(data_load_csv(&s, p, &err), AB_ERUNTIME);
    assert_msg(err.msg, p, ":2: NUL byte in line");
    assert_empty(&s);
    static const char nul1[] = "\0\0\0";
    write_file(p, "nul1.csv", nul1, 3, 0);
    assert_int_equal(data_load_csv(&s, p, &err), AB_ERUNTIME);
    assert_msg(err.msg, p, ":1: NUL byte in line");

    size_t n = (size_t)CSV_MAX_LINE + 1;
    char *text = malloc(n + 8);
    assert_non_null(text);
    memcpy(text, "1,2,0\n", 6);
    memset(text + 6, '7', n);
    write_file(p, "huge.csv", text, n + 6, 0);
    free(text);
    char want[64];
    snprintf(want, sizeof want, ":2: line longer than %d bytes", CSV_MAX_LINE);
    assert_int_equal(data_load_csv(&s, p, &err), AB_ERUNTIME);
    assert_msg(err.msg, p, want);
    assert_empty(&s);
    /* exactly at the limit: read (and refused only for what it holds) */
    text = malloc((size_t)CSV_MAX_LINE + 8);
    assert_non_null(text);
    memcpy(text, "1,2,0\n", 6);
    memset(text + 6, '7', (size_t)CSV_MAX_LINE);
    write_file(p, "limit.csv", text, (size_t)CSV_MAX_LINE + 6, 0);
    free(text);
    assert_int_equal(data_load_csv(&s, p, &err), AB_ERUNTIME);
    assert_msg(err.msg, p, ":2: 1 columns, expected 3");
}

/* Endless input: /dev/zero, /dev/urandom and a FIFO whose writer never stops
 * each end with an error (a hang here fails the test by its timeout). */
static void test_csv_endless(void **state)
{
    (void)state;
    data_set s = {0};
    ab_err err = {{0}};
    assert_int_equal(data_load_csv(&s, "/dev/zero", &err), AB_ERUNTIME);
    assert_msg(err.msg, "/dev/zero:1: NUL byte in line", NULL);
    assert_int_equal(data_load_csv(&s, "/dev/urandom", &err), AB_ERUNTIME);
    assert_msg(err.msg, "/dev/urandom:", NULL);

    char fifo[4096];
    tpath(fifo, "endless.fifo");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* writes one endless line until the reader goes (SIGPIPE) */
        signal(SIGPIPE, SIG_DFL);
        FILE *f = fopen(fifo, "w");
        static char chunk[4096];
        memset(chunk, '5', sizeof chunk);
        while (f && fwrite(chunk, 1, sizeof chunk, f) == sizeof chunk)
            ;
        _exit(0);
    }
    ab_status st = data_load_csv(&s, fifo, &err);
    int ws;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    assert_int_equal(st, AB_ERUNTIME);
    assert_msg(err.msg, fifo, ":1: line longer than");
    assert_empty(&s);
}

static void test_csv_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"1,2,0\n3,4,1\n5,6,7,1\n", ":3: 4 columns, expected 3"},
        {"x,y,label\n1,2,0\n1,2\n", ":3: 2 columns, expected 3"},
        {"1,2,0\n3,abc,1\n", ":2: column 2: 'abc' is not a number"},
        {"1,2,0\n1,,1\n", ":2: column 2: '' is not a number"},
        {"1,2,0\n3,4,-1\n", ":2: column 3: label '-1' is not a non-negative integer"},
        {"1,2,0.5\n3,4,1\n", ":1: column 3: label '0.5' is not a non-negative integer"},
        {"1,2,0\n3,4,1e9\n", ":2: column 3: label '1e9' is above"},
        {"1,inf,0\n3,4,1\n", ":1: column 2: 'inf' is not a finite float"},
        {"1,2,0\nnan,4,1\n", ":2: column 1: 'nan' is not a finite float"},
        {"1,1e300,0\n3,4,1\n", ":1: column 2: '1e300' is not a finite float"},
        {"", ":1: no data rows"},
        {"\n\n", ":3: no data rows"},
        {"a,b,label\n", ":1: header but no data rows"},
        {"a,b,label\r\n\r\n", ":1: header but no data rows"},
        {"1\n2\n", ":1: 1 column, need at least one feature and a label"},
        {"1,2,0\n\n3,4,1\n", ":2: blank line inside the data"},
        {"1,2,0\n3,4,0\n", "every row has label 0; need at least 2 classes"},
        /* row 1 partly numeric: a typo, not a header */
        {"1,abc,0\n3,4,1\n", ":1: column 2: 'abc' is not a number, but column 1 is"},
        {"x,2,label\n3,4,1\n", ":1: column 1: 'x' is not a number, but column 2 is"},
        {"\xEF\xBB\xBFx,2,label\n3,4,1\n", ":1: column 1: 'x' is not a number"},
        {"1,,0\n3,4,1\n", ":1: column 2: '' is not a number, but column 1 is"},
        /* a header only on row 1 */
        {"1,2,0\nx,y,label\n", ":2: column 1: 'x' is not a number"},
        {"\xEF\xBB\xBF", ":2: no data rows"},
        /* control bytes are not quoted as they are (terminal escapes) */
        {"1,2,0\n3,\x1b[2J\x07,1\n", ":2: column 2: '?[2J?' is not a number"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char p[4096];
        data_set s = {0};
        ab_err err = {{0}};
        write_text(p, "bad.csv", cases[c].text);
        assert_int_equal(data_load_csv(&s, p, &err), AB_ERUNTIME);
        assert_msg(err.msg, p, cases[c].want);
        assert_empty(&s);
    }
    char p[4096];
    data_set s = {0};
    ab_err err = {{0}};
    tpath(p, "absent.csv");
    assert_int_equal(data_load_csv(&s, p, &err), AB_ERUNTIME);
    assert_msg(err.msg, p, "cannot open: No such file or directory");
}

static void test_csv_load(void **state)
{
    (void)state;
    char p[4096], q[4096], name[4200];
    write_text(p, "ten.csv", "a,b\n0,0\n1,1\n2,0\n3,1\n4,0\n5,1\n6,0\n7,1\n8,0\n9,1\n");
    snprintf(name, sizeof name, "csv:%s", p);
    data_set tr = {0}, te = {0};
    ab_err err = {{0}};
    data_spec spec = {.name = name, .test_frac = 0.3, .seed = 2};
    assert_int_equal(data_load(&tr, &te, &spec, &err), AB_OK);
    assert_int_equal(tr.n, 7);
    assert_int_equal(te.n, 3);
    assert_int_equal(tr.d, 1);
    assert_int_equal(te.k, 2);
    for (int i = 0; i < te.n; i++)
        assert_int_equal(te.y[i], (int)te.x[i] % 2);
    data_free(&tr);
    data_free(&te);

    /* A separate test file: no split, and its labels extend k. */
    write_text(q, "ten-test.csv", "5,2\n6,0\n");
    spec.test_path = q;
    assert_int_equal(data_load(&tr, &te, &spec, &err), AB_OK);
    assert_int_equal(tr.n, 10);
    assert_int_equal(te.n, 2);
    assert_int_equal(tr.k, 3);
    assert_int_equal(te.k, 3);
    assert_true(tr.x[9] == 9.0f);
    data_free(&tr);
    data_free(&te);

    write_text(q, "ten-test.csv", "5,1,2\n");
    assert_int_equal(data_load(&tr, &te, &spec, &err), AB_ERUNTIME);
    assert_msg(err.msg, q, "2 feature columns, but");
    assert_empty(&tr);
    assert_empty(&te);
}

/* ---- text files (the check before an experiment file is parsed) ---------- */

static void test_text_check(void **state)
{
    (void)state;
    char p[4096];
    ab_err err = {{0}};
    write_text(p, "ok.ini", "[a]\nx = 1\n\n  y\n");
    assert_int_equal(text_check(p, 100, 10, &err), AB_OK);
    write_text(p, "exact.ini", "0123456789");
    assert_int_equal(text_check(p, 10, 10, &err), AB_OK);
    write_text(p, "long.ini", "[a]\n0123456789a\n");
    assert_int_equal(text_check(p, 100, 10, &err), AB_EUSAGE);
    assert_msg(err.msg, p, ":2: line longer than 10 bytes");
    write_text(p, "big.ini", "a\nb\nc\nd\ne\nf\n");
    assert_int_equal(text_check(p, 11, 10, &err), AB_EUSAGE);
    assert_msg(err.msg, p, ": larger than 11 bytes");
    static const char nul[] = "[a]\nx = 1\0\n";
    write_file(p, "nul.ini", nul, sizeof nul - 1, 0);
    assert_int_equal(text_check(p, 100, 10, &err), AB_EUSAGE);
    assert_msg(err.msg, p, ":2: NUL byte in line: not a text file");
    assert_int_equal(text_check("/dev/zero", 1 << 20, 1000, &err), AB_EUSAGE);
    assert_msg(err.msg, "/dev/zero:1: NUL byte", NULL);
    assert_int_equal(text_check(tmpdir, 100, 10, &err), AB_ERUNTIME);
    assert_msg(err.msg, tmpdir, "is a folder");
    tpath(p, "absent.ini");
    assert_int_equal(text_check(p, 100, 10, &err), AB_ERUNTIME);
    assert_msg(err.msg, p, "cannot open");
}

/* ---- names -------------------------------------------------------------- */

static void test_names(void **state)
{
    (void)state;
    ab_err err = {{0}};
    const char *good[] = {"spiral", "circles", "moons", "xor", "blobs", "fashion-mnist", "mnist",
                          "csv:x.csv"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_int_equal(data_check_name(good[i], &err), AB_OK);
    assert_int_equal(data_check_name("foo", &err), AB_EUSAGE);
    assert_string_equal(err.msg, "unknown data set 'foo' (accepted: spiral, circles, "
                                 "moons, xor, blobs, fashion-mnist, mnist, csv:PATH)");
    assert_int_equal(data_check_name("csv:", &err), AB_EUSAGE);
    assert_int_equal(data_check_name("Spiral", &err), AB_EUSAGE);

    data_set tr = {0}, te = {0};
    data_spec spec = {.name = "foo"};
    assert_int_equal(data_load(&tr, &te, &spec, &err), AB_EUSAGE);
    assert_msg(err.msg, "'foo'", NULL);
    assert_empty(&tr);
    assert_empty(&te);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generator_list),
        cmocka_unit_test(test_generators_shape_balance),
        cmocka_unit_test(test_generators_deterministic),
        cmocka_unit_test(test_generator_geometry),
        cmocka_unit_test(test_generate_errors),
        cmocka_unit_test(test_load_default_n),
        cmocka_unit_test(test_split_partition),
        cmocka_unit_test(test_split_sizes),
        cmocka_unit_test(test_split_bad_frac),
        cmocka_unit_test(test_subset),
        cmocka_unit_test(test_split_standardize),
        cmocka_unit_test(test_standardize_constant),
        cmocka_unit_test(test_standardize_bits),
        cmocka_unit_test(test_idx_roundtrip),
        cmocka_unit_test(test_idx_bad_magic),
        cmocka_unit_test(test_idx_truncated),
        cmocka_unit_test(test_idx_bad_gzip),
        cmocka_unit_test(test_idx_count_mismatch),
        cmocka_unit_test(test_idx_one_class),
        cmocka_unit_test(test_idx_other_corruption),
        cmocka_unit_test(test_idx_missing),
        cmocka_unit_test(test_load_mnist_dir),
        cmocka_unit_test(test_load_fashion_missing),
        cmocka_unit_test(test_not_installed),
        cmocka_unit_test(test_fashion_real),
        cmocka_unit_test(test_csv_header),
        cmocka_unit_test(test_csv_plain_variants),
        cmocka_unit_test(test_csv_long_line),
        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_csv_bom),
        cmocka_unit_test(test_csv_binary_and_long),
        cmocka_unit_test(test_csv_endless),
        cmocka_unit_test(test_csv_load),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_text_check),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
