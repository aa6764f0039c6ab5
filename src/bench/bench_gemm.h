/* bench_gemm.h - `actbench bench-gemm`'s measurement: the OpenBLAS ceiling
 * for a network.  Times the matrix products one training step of a fully
 * connected network makes -- net.c's own product functions (net_gemm_*),
 * so the same gemm() calls with the same shapes, transpositions and betas --
 * with nothing else in between, so that an epoch's achieved GFLOP/s
 * (scripts/bench) can be read as a share of what the BLAS alone does at
 * those shapes on this machine.  A hidden subcommand (cmd_bench.h): it is
 * the ceiling column of scripts/bench, not a user-facing measurement. */
#ifndef ACTBENCH_BENCH_GEMM_H
#define ACTBENCH_BENCH_GEMM_H

#include "status.h"

/* Rows measured: the three products of the largest layer, then the step. */
#define BENCH_GEMM_ROWS 4
/* Most layer sizes accepted (inputs, hidden layers, outputs). */
#define BENCH_GEMM_MAX_SIZES 66

typedef struct {
    const char *name; /* "forward", "weight_grad", "input_grad", "step" */
    int m, n, k;      /* C (m x n) += op(A) (m x k) op(B) (k x n); 0 for the step */
    int gemms;        /* gemm calls one timed call makes (1, or the step's count) */
    double flops;     /* counted per call: 2 m n k, or the step's 6 B sum(in out) */
    long calls;       /* calls per timed sample */
    double seconds;   /* median seconds per call */
    double gflops;    /* flops / seconds, from the median sample */
    double gflops_min, gflops_max; /* from the slowest and the fastest sample */
} bench_gemm_row;

/* Times, for a batch of B samples through layers of sizes[0..n_sizes)
 * (inputs, hidden widths, outputs; n_sizes >= 2), the products of the layer
 * with the largest in x out (the last such) among those past the first, which
 * training gives no input gradient (the first when it is the only one):
 *   forward      z (B x out)   = a (B x in) W^T        m B,   n out, k in
 *   weight_grad  dW (out x in) += dz^T (out x B) a      m out, n in,  k B
 *   input_grad   da (B x in)   = dz (B x out) W         m B,   n in,  k out
 * and a whole step: every layer's forward, then from the last layer down its
 * weight gradient and (except for the first layer, as in training) its input
 * gradient, each layer on its own buffers.  The step's flops are counted as
 * 6 B sum(in out), the convention of scripts/bench, so that its GFLOP/s
 * compares directly with an epoch's.  Every row is timed repeats times,
 * interleaved (the first row rotating) so drift hits all alike, each sample
 * long enough (calls chosen in an untimed warm-up) to dwarf the clock; the
 * median sample is reported.  Uses the current BLAS thread count.  AB_EUSAGE
 * for sizes or repeats out of range; AB_ERUNTIME when out of memory. */
ab_status bench_gemm_measure(bench_gemm_row rows[BENCH_GEMM_ROWS], int batch, const int *sizes,
                             int n_sizes, int repeats, ab_err *err);

#endif
