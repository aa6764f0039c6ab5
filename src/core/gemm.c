/* gemm.c - GEMM through OpenBLAS's cblas interface. */
#include "gemm.h"

#include <cblas.h>

void gemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float *a, int lda,
          const float *b, int ldb, float beta, float *c, int ldc)
{
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gemm_set_threads(int n) { openblas_set_num_threads(n); }

int gemm_threads(void) { return openblas_get_num_threads(); }

const char *gemm_library(void) { return openblas_get_config(); }
