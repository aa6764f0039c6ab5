/* test_gemm.c - the one GEMM entry point: its products against a naive
 * reference at one and two BLAS threads, and the BLAS worker threads:
 * gemm_set_threads(1) and gemm_stop_threads leave none running (OpenBLAS's
 * idle workers spin for about 0.1 s of CPU each), and a product that wants
 * two threads gets them back with the same numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gemm.h"
#include "rng.h"

/* This process's threads (/proc/self/task). */
static int threads_now(void)
{
    DIR *d = opendir("/proc/self/task");
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

enum { M = 256, N = 96, K = 80 }; /* M N K above OpenBLAS's 262144: threaded */

typedef struct {
    float a[M * K], b[N * K], c[M * N], two[M * N];
    double ref[M * N];
} mats;

/* c = a (M x K) b^T (b: N x K), the forward product's shape, and its
 * reference in double. */
static void fill(mats *t)
{
    rng_state r;
    rng_seed(&r, 5);
    for (int i = 0; i < M * K; i++)
        t->a[i] = (float)rng_normal(&r);
    for (int i = 0; i < N * K; i++)
        t->b[i] = (float)rng_normal(&r);
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double s = 0.0;
            for (int k = 0; k < K; k++)
                s += (double)t->a[i * K + k] * t->b[j * K + k];
            t->ref[i * N + j] = s;
        }
}

static void product(mats *t)
{
    memset(t->c, 0, sizeof t->c);
    gemm(false, true, M, N, K, 1.0f, t->a, K, t->b, K, 0.0f, t->c, N);
    for (int i = 0; i < M * N; i++)
        if (!(fabs(t->c[i] - t->ref[i]) <= 1e-4 * (1.0 + fabs(t->ref[i]))))
            fail_msg("c[%d] = %.9g, the reference %.9g", i, (double)t->c[i], t->ref[i]);
}

static void test_worker_threads(void **state)
{
    (void)state;
    mats *t = malloc(sizeof *t);
    assert_non_null(t);
    fill(t);
    gemm_set_threads(1);
    int alone = threads_now();
    product(t);
    assert_int_equal(threads_now(), alone);
    /* two threads: a worker, started for the product */
    gemm_set_threads(2);
    assert_int_equal(gemm_threads(), 2);
    product(t);
    memcpy(t->two, t->c, sizeof t->two);
    assert_int_equal(threads_now(), alone + 1);
    /* back to one: the worker is gone, not left spinning */
    gemm_set_threads(1);
    assert_int_equal(gemm_threads(), 1);
    assert_int_equal(threads_now(), alone);
    product(t);
    /* stopped with two threads set: the count stays, the worker comes back
     * at the next product, which gives the same bits as before */
    gemm_set_threads(2);
    product(t);
    gemm_stop_threads();
    assert_int_equal(threads_now(), alone);
    assert_int_equal(gemm_threads(), 2);
    product(t);
    assert_int_equal(threads_now(), alone + 1);
    assert_memory_equal(t->c, t->two, sizeof t->two);
    gemm_set_threads(1);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worker_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
