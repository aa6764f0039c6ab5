/* gemm.h - the one matrix-product entry point: C = alpha op(A) op(B) + beta C
 * on row-major float buffers, through cblas_sgemm. */
#ifndef ACTBENCH_GEMM_H
#define ACTBENCH_GEMM_H

#include <stdbool.h>

/* op(A) is m x k, op(B) is k x n, C is m x n; lda/ldb/ldc are row strides of
 * the stored (untransposed) matrices. */
void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float *a, int lda,
          const float *b, int ldb, float beta, float *c, int ldc);

/* Sets the BLAS thread count (n >= 1); with n = 1 also gemm_stop_threads. */
void gemm_set_threads(int n);
/* Ends the BLAS's idle worker threads (OpenBLAS starts them when it loads,
 * and each spins for about 0.1 s of CPU after its last product); the next
 * product that wants several threads starts them again.  Changes no thread
 * count and no number. */
void gemm_stop_threads(void);
/* Current BLAS thread count. */
int gemm_threads(void);
/* BLAS library description ("OpenBLAS 0.3.21 ..."), static storage. */
const char *gemm_library(void);

#endif
