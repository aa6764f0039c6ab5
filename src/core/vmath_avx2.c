/* vmath_avx2.c - SLEEF's AVX2 + FMA variants over buffers (vmath_isa.h);
 * compiled with -mavx2 -mfma, called only when the CPU has both. */
#include <immintrin.h>
#include <sleef.h>

#include "vmath_impl.h"

#define VM_W 8
#define VM_LOAD _mm256_loadu_ps
#define VM_STORE _mm256_storeu_ps
#define VM_FN(f) Sleef_finz_##f##8_u10avx2
#define VM_NAME(f) vm_avx2_##f
#define VM_SQRT _mm256_sqrt_ps
#include "vmath_isa.h"
