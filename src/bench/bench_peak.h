/* bench_peak.h - the core's physical FP32 peak, for `actbench bench-gemm
 * --peak` and the "% peak" column of scripts/bench: a loop of independent
 * fused multiply-adds, 8 floats wide (AVX2 + FMA) and 16 wide (AVX-512F),
 * each where the CPU runs it, with enough accumulators in flight to keep
 * every FMA unit busy; and the clock, from a chain of dependent integer
 * additions (one cycle each on every x86-64 core), so that the rate can be
 * given in FLOP per cycle.  One thread: the peak of one core. */
#ifndef ACTBENCH_BENCH_PEAK_H
#define ACTBENCH_BENCH_PEAK_H

#include <stdbool.h>

#include "status.h"

/* The instruction sets timed. */
#define BENCH_PEAK_ISAS 2

typedef struct {
    const char *isa;       /* "avx2+fma", "avx512f" */
    int lanes;             /* floats per FMA: 8, 16 */
    int accumulators;      /* independent FMA chains */
    bool supported;        /* the CPU runs it (else the figures are 0) */
    double gflops;         /* the fastest sample: 2 lanes FMAs / second / 1e9 */
    double gflops_median;  /* the median sample */
    double flop_per_cycle; /* gflops / the clock's GHz (0 when no clock) */
} bench_peak_row;

typedef struct {
    double ghz;            /* the core clock while the loops ran (0 if not measured) */
    bench_peak_row rows[BENCH_PEAK_ISAS];
    int best;              /* the row of the highest gflops: the physical peak; -1 if none */
} bench_peak;

/* Times each instruction set's FMA loop in repeats samples of about seconds
 * each (after a short calibration), and the clock around them, on the
 * calling thread.  The fastest sample is the peak (on a shared machine,
 * interference only ever slows a sample down).  AB_EUSAGE for seconds
 * outside (0, 10] or repeats < 1. */
ab_status bench_peak_measure(bench_peak *p, double seconds, int repeats, ab_err *err);

#endif
