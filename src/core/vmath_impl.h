/* vmath_impl.h - the per-variant buffer functions vmath.c dispatches to. */
#ifndef ACTBENCH_VMATH_IMPL_H
#define ACTBENCH_VMATH_IMPL_H

#include <stddef.h>

#define VM_DECLARE(isa)                                                                     \
    void vm_##isa##_expf(float *y, const float *x, size_t n);                               \
    void vm_##isa##_expm1f(float *y, const float *x, size_t n);                             \
    void vm_##isa##_log1pf(float *y, const float *x, size_t n);                             \
    void vm_##isa##_tanhf(float *y, const float *x, size_t n);                              \
    void vm_##isa##_erff(float *y, const float *x, size_t n);                               \
    void vm_##isa##_logf(float *y, const float *x, size_t n);                               \
    void vm_##isa##_sinf(float *y, const float *x, size_t n);                               \
    void vm_##isa##_cosf(float *y, const float *x, size_t n);                               \
    void vm_##isa##_sqrtf(float *y, const float *x, size_t n);

#if defined(__x86_64__)
#define VM_HAVE_X86 1
VM_DECLARE(avx2)
VM_DECLARE(avx512)
#endif

#endif
