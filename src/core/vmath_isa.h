/* vmath_isa.h - the buffer loops of one SLEEF variant, included by
 * vmath_avx2.c and vmath_avx512.c with
 *   VM_W       the vector width in floats
 *   VM_LOAD, VM_STORE   unaligned load and store
 *   VM_FN(f)   the SLEEF function's name for f (expf, ...)
 *   VM_NAME(f) the name of the buffer function defined for f
 *   VM_SQRT(v) the instruction set's square root (IEEE, correctly rounded)
 * A tail shorter than VM_W goes through a zero-padded vector, so every
 * element is computed by the same function. */
#include <string.h>

#define VM_LOOP_OF(f, fn)                                                                   \
    void VM_NAME(f)(float *y, const float *x, size_t n)                                     \
    {                                                                                       \
        size_t i = 0;                                                                       \
        for (; i + VM_W <= n; i += VM_W)                                                    \
            VM_STORE(y + i, fn(VM_LOAD(x + i)));                                            \
        if (i < n) {                                                                        \
            float t[VM_W] = {0};                                                            \
            memcpy(t, x + i, (n - i) * sizeof *t);                                          \
            VM_STORE(t, fn(VM_LOAD(t)));                                                    \
            memcpy(y + i, t, (n - i) * sizeof *t);                                          \
        }                                                                                   \
    }
#define VM_LOOP(f) VM_LOOP_OF(f, VM_FN(f))

VM_LOOP(expf)
VM_LOOP(expm1f)
VM_LOOP(log1pf)
VM_LOOP(tanhf)
VM_LOOP(erff)
VM_LOOP(logf)
VM_LOOP(sinf)
VM_LOOP(cosf)
/* the square root is IEEE's (correctly rounded), the same bits in every
 * variant; a loop of sqrtf does not vectorise while sqrtf may set errno */
VM_LOOP_OF(sqrtf, VM_SQRT)
