/* gemm.c - GEMM through OpenBLAS's cblas interface. */
#include "gemm.h"

#include <cblas.h>

/* OpenBLAS's own, exported but not in cblas.h: ends and joins its worker
 * threads (its fork handler calls it before every fork), and the next
 * product that wants more than one thread starts them again.  Weak, so that
 * a BLAS without it (a serial OpenBLAS, another library) links and leaves
 * it NULL. */
extern int blas_thread_shutdown_(void) __attribute__((weak));

void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float *a, int lda,
          const float *b, int ldb, float beta, float *c, int ldc)
{
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gemm_set_threads(int n)
{
    openblas_set_num_threads(n);
    /* openblas_set_num_threads(1) leaves the workers running: one that has
     * had no work spins (sched_yield) for 2^28 clock ticks, about 0.1 s of
     * CPU, before it sleeps */
    if (n == 1)
        gemm_stop_threads();
}

void gemm_stop_threads(void)
{
    if (blas_thread_shutdown_)
        blas_thread_shutdown_();
}

int gemm_threads(void) { return openblas_get_num_threads(); }

const char *gemm_library(void) { return openblas_get_config(); }
