/* bench_peak.c - the core's FP32 FMA peak and its clock (bench_peak.h). */
#include "bench_peak.h"

#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "sys.h"

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define BP_X86 1
#endif

#ifdef BP_X86

/* The loops' results land here, so that no optimiser finds them dead. */
static volatile float bp_sink;
static volatile unsigned long bp_isink;

/* acc = acc m + c converges to c / (1 - m) = 1 from anywhere near it: the
 * values stay normal, so no denormal or overflow slows a lane. */
#define BP_M 0.9999f
#define BP_C 0.0001f

/* 12 independent chains of 8-wide FMAs (16 ymm registers: 12 accumulators
 * and the two constants): at 4 cycles' latency, 2 FMA units need 8 in
 * flight.  Returns the FMAs made. */
__attribute__((target("avx2,fma"))) static double fma_avx2(long iters)
{
    const __m256 m = _mm256_set1_ps(BP_M), c = _mm256_set1_ps(BP_C);
    __m256 a[12];
    for (int k = 0; k < 12; k++)
        a[k] = _mm256_set1_ps(1.0f + 0.01f * (float)k);
    for (long i = 0; i < iters; i++) {
        a[0] = _mm256_fmadd_ps(a[0], m, c);
        a[1] = _mm256_fmadd_ps(a[1], m, c);
        a[2] = _mm256_fmadd_ps(a[2], m, c);
        a[3] = _mm256_fmadd_ps(a[3], m, c);
        a[4] = _mm256_fmadd_ps(a[4], m, c);
        a[5] = _mm256_fmadd_ps(a[5], m, c);
        a[6] = _mm256_fmadd_ps(a[6], m, c);
        a[7] = _mm256_fmadd_ps(a[7], m, c);
        a[8] = _mm256_fmadd_ps(a[8], m, c);
        a[9] = _mm256_fmadd_ps(a[9], m, c);
        a[10] = _mm256_fmadd_ps(a[10], m, c);
        a[11] = _mm256_fmadd_ps(a[11], m, c);
    }
    __m256 s = a[0];
    for (int k = 1; k < 12; k++)
        s = _mm256_add_ps(s, a[k]);
    float out[8];
    _mm256_storeu_ps(out, s);
    bp_sink = out[0] + out[7];
    return 12.0 * (double)iters;
}

/* 16 chains of 16-wide FMAs (32 zmm registers). */
__attribute__((target("avx512f"))) static double fma_avx512(long iters)
{
    const __m512 m = _mm512_set1_ps(BP_M), c = _mm512_set1_ps(BP_C);
    __m512 a[16];
    for (int k = 0; k < 16; k++)
        a[k] = _mm512_set1_ps(1.0f + 0.01f * (float)k);
    for (long i = 0; i < iters; i++) {
        a[0] = _mm512_fmadd_ps(a[0], m, c);
        a[1] = _mm512_fmadd_ps(a[1], m, c);
        a[2] = _mm512_fmadd_ps(a[2], m, c);
        a[3] = _mm512_fmadd_ps(a[3], m, c);
        a[4] = _mm512_fmadd_ps(a[4], m, c);
        a[5] = _mm512_fmadd_ps(a[5], m, c);
        a[6] = _mm512_fmadd_ps(a[6], m, c);
        a[7] = _mm512_fmadd_ps(a[7], m, c);
        a[8] = _mm512_fmadd_ps(a[8], m, c);
        a[9] = _mm512_fmadd_ps(a[9], m, c);
        a[10] = _mm512_fmadd_ps(a[10], m, c);
        a[11] = _mm512_fmadd_ps(a[11], m, c);
        a[12] = _mm512_fmadd_ps(a[12], m, c);
        a[13] = _mm512_fmadd_ps(a[13], m, c);
        a[14] = _mm512_fmadd_ps(a[14], m, c);
        a[15] = _mm512_fmadd_ps(a[15], m, c);
    }
    __m512 s = a[0];
    for (int k = 1; k < 16; k++)
        s = _mm512_add_ps(s, a[k]);
    bp_sink = _mm512_reduce_add_ps(s);
    return 16.0 * (double)iters;
}

/* 16 dependent register additions per iteration: 16 cycles, the loop's own
 * counter running beside them.  Returns the additions made. */
static double add_chain(long iters)
{
    unsigned long x = 0, one = 1;
    for (long i = 0; i < iters; i++)
        __asm__ volatile("add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
                         "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
                         "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
                         "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0"
                         : "+r"(x)
                         : "r"(one));
    bp_isink = x;
    return 16.0 * (double)iters;
}

typedef double (*bp_loop)(long iters);

/* Operations per second of loop: iterations for about seconds from a
 * calibration run, then repeats samples; the fastest into *best, the
 * median into *median.  t: repeats doubles of scratch. */
static void rate(double *best, double *median, bp_loop loop, double seconds, int repeats,
                 double *t)
{
    long iters = 1 << 16;
    double el = 0.0, ops = 0.0;
    /* grow until a run takes a hundredth of the sample */
    for (;;) {
        double t0 = sys_now();
        ops = loop(iters);
        el = sys_now() - t0;
        if (el > 0.01 * seconds || iters > (1L << 40))
            break;
        iters *= 4;
    }
    double per_iter = el / (double)iters;
    long n = (long)(seconds / (per_iter > 0.0 ? per_iter : 1e-9));
    n = n < 1 ? 1 : n;
    for (int r = 0; r < repeats; r++) {
        double t0 = sys_now();
        ops = loop(n);
        t[r] = ops / (sys_now() - t0);
    }
    double med = stats_median(t, repeats);
    *best = t[repeats - 1];
    *median = med;
}

#endif

ab_status bench_peak_measure(bench_peak *p, double seconds, int repeats, ab_err *err)
{
    memset(p, 0, sizeof *p);
    p->best = -1;
    if (!(seconds > 0.0 && seconds <= 10.0))
        return ab_fail(err, AB_EUSAGE, "peak: %g seconds per sample (accepted: above 0, at most "
                       "10)", seconds);
    if (repeats < 1)
        return ab_fail(err, AB_EUSAGE, "peak: %d repeats (accepted: at least 1)", repeats);
    p->rows[0] = (bench_peak_row){.isa = "avx2+fma", .lanes = 8, .accumulators = 12};
    p->rows[1] = (bench_peak_row){.isa = "avx512f", .lanes = 16, .accumulators = 16};
#ifdef BP_X86
    double *t = malloc((size_t)repeats * sizeof *t);
    if (!t)
        return ab_fail(err, AB_ERUNTIME, "out of memory: peak timings");
    __builtin_cpu_init();
    p->rows[0].supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    p->rows[1].supported = __builtin_cpu_supports("avx512f");
    const bp_loop loops[BENCH_PEAK_ISAS] = {fma_avx2, fma_avx512};
    double med, adds_before, adds_after;
    /* the clock before and after the FMA loops, in case it moves with them */
    rate(&adds_before, &med, add_chain, 0.25 * seconds, repeats, t);
    for (int k = 0; k < BENCH_PEAK_ISAS; k++) {
        bench_peak_row *r = &p->rows[k];
        if (!r->supported)
            continue;
        double fma_best, fma_med;
        rate(&fma_best, &fma_med, loops[k], seconds, repeats, t);
        r->gflops = 2.0 * r->lanes * fma_best / 1e9;
        r->gflops_median = 2.0 * r->lanes * fma_med / 1e9;
        if (p->best < 0 || r->gflops > p->rows[p->best].gflops)
            p->best = k;
    }
    rate(&adds_after, &med, add_chain, 0.25 * seconds, repeats, t);
    p->ghz = (adds_before > adds_after ? adds_before : adds_after) / 1e9;
    for (int k = 0; k < BENCH_PEAK_ISAS; k++)
        if (p->rows[k].supported && p->ghz > 0.0)
            p->rows[k].flop_per_cycle = p->rows[k].gflops / p->ghz;
    free(t);
#endif
    return AB_OK;
}
