/* vmath.c - the back ends of vmath.h and the choice of SLEEF variant. */
#include "vmath.h"

#include <math.h>
#include <stdio.h>
#include <sleef.h>

#include "vmath_impl.h"

typedef void (*vm_fn)(float *y, const float *x, size_t n);

enum { F_EXP, F_EXPM1, F_LOG1P, F_TANH, F_ERF, F_LOG, F_SIN, F_COS, F_SQRT, F_COUNT };

/* ---- libc: glibc's scalar functions, one element at a time ---- */
#define LIBC_LOOP(f)                                                                        \
    static void libc_##f(float *y, const float *x, size_t n)                                \
    {                                                                                       \
        for (size_t i = 0; i < n; i++)                                                      \
            y[i] = f(x[i]);                                                                 \
    }
LIBC_LOOP(expf)
LIBC_LOOP(expm1f)
LIBC_LOOP(log1pf)
LIBC_LOOP(tanhf)
LIBC_LOOP(erff)
LIBC_LOOP(logf)
LIBC_LOOP(sinf)
LIBC_LOOP(cosf)
LIBC_LOOP(sqrtf)

/* ---- SLEEF's portable C variant, compiled for FMA: the reference the
 * others equal.  sleef.h declares it only under FP_FAST_FMA (-mfma). ---- */
#define PUREC_LOOP(f)                                                                       \
    float Sleef_finz_##f##1_u10purecfma(float);                                             \
    static void purec_##f(float *y, const float *x, size_t n)                               \
    {                                                                                       \
        for (size_t i = 0; i < n; i++)                                                      \
            y[i] = Sleef_finz_##f##1_u10purecfma(x[i]);                                        \
    }
PUREC_LOOP(expf)
PUREC_LOOP(expm1f)
PUREC_LOOP(log1pf)
PUREC_LOOP(tanhf)
PUREC_LOOP(erff)
PUREC_LOOP(logf)
PUREC_LOOP(sinf)
PUREC_LOOP(cosf)
/* IEEE's square root, correctly rounded: the bits of every variant */
static void purec_sqrtf(float *y, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = sqrtf(x[i]);
}

#define ROW(p)                                                                              \
    {p##expf, p##expm1f, p##log1pf, p##tanhf, p##erff, p##logf, p##sinf, p##cosf, p##sqrtf}

static const vm_fn libc_fns[F_COUNT] = ROW(libc_);
static const vm_fn isa_fns[VM_ISA_COUNT][F_COUNT] = {
    [VM_ISA_PUREC] = ROW(purec_),
#ifdef VM_HAVE_X86
    [VM_ISA_AVX2] = ROW(vm_avx2_),
    [VM_ISA_AVX512] = ROW(vm_avx512_),
#endif
};

const name_row vm_backends[] = {
    {"sleef", VM_SLEEF, NULL},
    {"libc", VM_LIBC, NULL},
    {NULL, 0, NULL},
};
static const char *const backend_names[VM_BACKEND_COUNT] = {"sleef", "libc"};
static const char *const isa_names[VM_ISA_COUNT] = {"purecfma", "avx2", "avx512"};

static vm_backend backend = VM_SLEEF;
static int isa = -1; /* chosen on first use */
static const vm_fn *table;

bool vm_isa_available(vm_isa k)
{
#ifdef VM_HAVE_X86
    /* every variant of the family uses FMA instructions */
    if (!__builtin_cpu_supports("fma"))
        return false;
    switch (k) {
    case VM_ISA_PUREC: return true;
    case VM_ISA_AVX2: return __builtin_cpu_supports("avx2");
    case VM_ISA_AVX512: return __builtin_cpu_supports("avx512f");
    default: return false;
    }
#else
    return k == VM_ISA_PUREC;
#endif
}

/* The fastest variant the CPU runs; none (isa stays -1, and glibc's scalar
 * functions are used) on an x86-64 CPU without FMA. */
static void choose(void)
{
    static bool chosen;
    if (!chosen) {
        for (int k = VM_ISA_COUNT - 1; k >= 0 && isa < 0; k--)
            if (vm_isa_available((vm_isa)k))
                isa = k;
        chosen = true;
    }
    table = backend == VM_LIBC || isa < 0 ? libc_fns : isa_fns[isa];
}

void vm_set_backend(vm_backend b)
{
    if (b == VM_SLEEF || b == VM_LIBC) {
        backend = b;
        choose();
    }
}

vm_backend vm_backend_now(void)
{
    if (!table)
        choose();
    return table == libc_fns ? VM_LIBC : VM_SLEEF;
}

vm_backend vm_backend_setting(void)
{
    return backend;
}

const char *vm_backend_name(vm_backend b)
{
    return (unsigned)b < VM_BACKEND_COUNT ? backend_names[b] : "?";
}

int vm_isa_now(void)
{
    if (!table)
        choose();
    return isa;
}

bool vm_set_isa(vm_isa k)
{
    if ((unsigned)k >= VM_ISA_COUNT || !vm_isa_available(k))
        return false;
    choose();
    isa = (int)k;
    choose();
    return true;
}

const char *vm_isa_name(vm_isa k)
{
    return (unsigned)k < VM_ISA_COUNT ? isa_names[k] : "?";
}

const char *vm_library(void)
{
    static char text[64];
    int k = vm_isa_now();
    if (k < 0)
        return "none: no FMA on this CPU, glibc's scalar functions instead";
    snprintf(text, sizeof text, "SLEEF %d.%d.%d finz u10 %s", SLEEF_VERSION_MAJOR,
             SLEEF_VERSION_MINOR, SLEEF_VERSION_PATCHLEVEL, vm_isa_name((vm_isa)k));
    return text;
}

static void call(int f, float *t, size_t n)
{
    if (!table)
        choose();
    table[f](t, t, n);
}

void vm_exp(float *t, size_t n) { call(F_EXP, t, n); }
void vm_expm1(float *t, size_t n) { call(F_EXPM1, t, n); }
void vm_log1p(float *t, size_t n) { call(F_LOG1P, t, n); }
void vm_tanh(float *t, size_t n) { call(F_TANH, t, n); }
void vm_erf(float *t, size_t n) { call(F_ERF, t, n); }
void vm_log(float *t, size_t n) { call(F_LOG, t, n); }
void vm_sin(float *t, size_t n) { call(F_SIN, t, n); }
void vm_cos(float *t, size_t n) { call(F_COS, t, n); }
void vm_sqrt(float *t, size_t n) { call(F_SQRT, t, n); }
