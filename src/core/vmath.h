/* vmath.h - the transcendental functions of the activations, over buffers.
 *
 * Two back ends compute the same functions:
 *
 *   sleef  SLEEF's vector functions (Debian's libsleef-dev), from its
 *          deterministic family for machines with FMA ("finz"), at 1.0
 *          ulp (u10): the AVX-512F, AVX2 and portable C variants give the
 *          same bits for every input (tests/test_vmath.c checks the ones
 *          the CPU has), so the fastest the CPU runs is taken and the
 *          results do not depend on which it was.  Every variant needs FMA
 *          instructions: on an x86-64 CPU without them (made before 2013)
 *          the libc back end is used instead.  The default.
 *   libc   glibc's scalar expf, expm1f, log1pf, tanhf, erff, logf, sinf,
 *          cosf and sqrtf, one element at a time: what the activations
 *          computed before, kept so that `bench-acts` can show what the
 *          vector library changes.
 *
 * log, sin and cos serve the formulas of expr.h; sqrt is IEEE's (correctly
 * rounded, so the same bits under both back ends), here because a loop of
 * sqrtf does not vectorise while sqrtf may set errno.
 *
 * Each works in place: t[i] = f(t[i]) for i < n.  SLEEF's log1p is inf for
 * t above 1e38 (glibc's: log(t), at most 88.7): callers keep below it. */
#ifndef ACTBENCH_VMATH_H
#define ACTBENCH_VMATH_H

#include <stdbool.h>
#include <stddef.h>

#include "names.h"

typedef enum { VM_SLEEF, VM_LIBC, VM_BACKEND_COUNT } vm_backend;

/* The back ends by name, for the math setting: sleef, libc. */
extern const name_row vm_backends[];

/* SLEEF's instruction-set variants, slowest first. */
typedef enum { VM_ISA_PUREC, VM_ISA_AVX2, VM_ISA_AVX512, VM_ISA_COUNT } vm_isa;

/* The process-wide back end (VM_SLEEF until set); not thread-safe to change
 * while activations run. */
void vm_set_backend(vm_backend b);
const char *vm_backend_name(vm_backend b);   /* "sleef", "libc" */

/* The back end in use: VM_SLEEF unless set to VM_LIBC, or no variant runs
 * on this CPU. */
vm_backend vm_backend_now(void);
/* The back end as last set (VM_SLEEF unless set), to put back after a
 * change. */
vm_backend vm_backend_setting(void);

/* Whether this build and CPU run the variant; the variant in use (the
 * fastest available, unless set; -1 when none runs); setting one that is
 * not available is ignored and returns false. */
bool vm_isa_available(vm_isa k);
int vm_isa_now(void);
bool vm_set_isa(vm_isa k);
const char *vm_isa_name(vm_isa k);           /* "purecfma", "avx2", "avx512" */

/* "SLEEF 3.5.1 finz u10 avx512" (the variant the CPU runs), or "none: no
 * FMA" on a CPU where no variant runs: for config.json. */
const char *vm_library(void);

void vm_exp(float *t, size_t n);
void vm_expm1(float *t, size_t n);
void vm_log1p(float *t, size_t n);
void vm_tanh(float *t, size_t n);
void vm_erf(float *t, size_t n);
void vm_log(float *t, size_t n);
void vm_sin(float *t, size_t n);
void vm_cos(float *t, size_t n);
void vm_sqrt(float *t, size_t n);

#endif
