/* vec.h - AB_VEC marks a function made of loops the compiler vectorises
 * (activations, bias and gradient sums, optimiser steps, standardisation).
 * With GCC on x86-64 it is compiled twice, for the baseline (SSE2) and for
 * AVX2, and the loader picks the clone the CPU runs (target_clones), so one
 * portable binary gets 8-float vectors where they exist.
 *
 * The numbers do not change: the AVX2 clone does the same IEEE operations on
 * the same elements in the same order, only more of them per instruction.
 * "avx2" does not enable FMA, so no a*b+c is fused (and -std=c17 turns
 * contraction off anyway); loops that sum floats into one accumulator are not
 * vectorised without -ffast-math, which the build does not use. */
#ifndef ACTBENCH_VEC_H
#define ACTBENCH_VEC_H

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define AB_VEC __attribute__((target_clones("avx2", "default")))
#endif
#endif

#ifndef AB_VEC
#define AB_VEC
#endif

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* c ? a : b, as bits: a and b are both computed, and the choice is a mask,
 * so a loop of these vectorises.  Written as a ternary over values that
 * need arithmetic (a z, e^z - 1), GCC moves the arithmetic under the branch
 * (it may trap), and a branch, mispredicted on every other random sign, is
 * what the loop then costs.  The result is exactly a or exactly b. */
static inline float vec_select(bool c, float a, float b)
{
    uint32_t ua, ub, m = -(uint32_t)c;
    memcpy(&ua, &a, sizeof ua);
    memcpy(&ub, &b, sizeof ub);
    uint32_t r = (ua & m) | (ub & ~m);
    float f;
    memcpy(&f, &r, sizeof f);
    return f;
}

/* vec_select for doubles. */
static inline double vec_select_d(bool c, double a, double b)
{
    uint64_t ua, ub, m = -(uint64_t)c;
    memcpy(&ua, &a, sizeof ua);
    memcpy(&ub, &b, sizeof ub);
    uint64_t r = (ua & m) | (ub & ~m);
    double d;
    memcpy(&d, &r, sizeof d);
    return d;
}

#endif
