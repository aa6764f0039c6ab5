/* vmath_avx512.c - SLEEF's AVX-512F variants over buffers (vmath_isa.h);
 * compiled with -mavx512f, called only when the CPU has AVX-512F. */
#include <immintrin.h>
#include <sleef.h>

#include "vmath_impl.h"

#define VM_W 16
#define VM_LOAD _mm512_loadu_ps
#define VM_STORE _mm512_storeu_ps
#define VM_FN(f) Sleef_finz_##f##16_u10avx512f
#define VM_NAME(f) vm_avx512_##f
#define VM_SQRT _mm512_sqrt_ps
#include "vmath_isa.h"
