/* expr_run.c - the back half of the formula engine of expr.h: the DAG that
 * expr.c built compiled into block programs, and their runner.
 *
 * A program is the nodes that depend on x, in an order that keeps few alive
 * at once, each an instruction over a block of EXPR_BLOCK floats in a
 * register (a block buffer on the stack, allocated at compile time by
 * linear scan); nodes that depend on the parameters alone are scalars
 * computed once per call and read by the instructions as operands. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "expr.h"
#include "expr_impl.h"
#include "vec.h"
#include "vmath.h"

/* ==== compiling: instructions, registers ==== */

typedef struct {
    const expr *e;
    program *pr;
    int16_t ins_of[EXPR_MAX_NODES];   /* the instruction computing a node, or -1 */
    bool uni[EXPR_MAX_NODES];         /* a per-call scalar of the program */
} sched;

static void need_scalar(sched *sc, int i)
{
    if (i < 0 || sc->uni[i])
        return;
    const node *nd = &sc->e->nodes[i];
    sc->uni[i] = true;
    need_scalar(sc, nd->a);
    need_scalar(sc, nd->b);
    need_scalar(sc, nd->c);
}

/* The comparison op (a varying node) as F_CSEL's, its left side a block:
 * a scalar on the left swaps the sides. */
static int csel_cmp(const expr *e, int c, int16_t *left, int16_t *right)
{
    const node *nd = &e->nodes[c];
    static const int same[] = {[OP_LT] = C_LT, [OP_LE] = C_LE, [OP_EQ] = C_EQ, [OP_NE] = C_NE};
    static const int swapped[] = {[OP_LT] = C_GT, [OP_LE] = C_GE, [OP_EQ] = C_EQ,
                                  [OP_NE] = C_NE};
    bool swap = !VARYING(e->nodes[nd->a]);
    *left = swap ? nd->b : nd->a;
    *right = swap ? nd->a : nd->b;
    return swap ? swapped[nd->op] : same[nd->op];
}

/* Depth first, operands before their node: a value is used soon after it is
 * made, which keeps the registers alive at once few. */
static void visit(sched *sc, int i)
{
    if (i < 0)
        return;
    const expr *e = sc->e;
    const node *nd = &e->nodes[i];
    if (!VARYING(*nd)) {
        need_scalar(sc, i);
        return;
    }
    if (nd->op == OP_X || sc->ins_of[i] >= 0)
        return;
    instr in = {.op = nd->op, .form = F_PLAIN, .n = (int16_t)nd->v,
                .opnd = {nd->a, nd->b, nd->c, -1}};
    if (nd->op == OP_SEL && !VARYING(e->nodes[nd->c]))
        in.form = F_SELU;
    else if (nd->op == OP_SEL && IS_CMP(e->nodes[nd->c].op)) {
        in.form = F_CSEL;
        in.cmp = (uint8_t)csel_cmp(e, nd->c, &in.opnd[2], &in.opnd[3]);
    }
    for (int k = 0; k < 4; k++)
        visit(sc, in.opnd[k]);
    for (int k = 0; k < 4; k++)
        in.src[k] = (int16_t)(in.opnd[k] >= 0 ? sc->ins_of[in.opnd[k]] : -1);
    program *pr = sc->pr;
    pr->ins[pr->n_ins] = in;
    sc->ins_of[i] = (int16_t)pr->n_ins++;
}

ab_status expr_compile(const expr *e, program *pr, const int16_t *roots, int n, bool outputs,
                       ab_err *err)
{
    sched sc = {.e = e, .pr = pr};
    memset(pr, 0, sizeof *pr);
    memset(sc.ins_of, 0xff, sizeof sc.ins_of);
    for (int r = 0; r < n; r++)
        visit(&sc, roots[r]);
    for (int i = 0; i < e->n_nodes; i++)
        if (sc.uni[i])
            pr->uni[pr->n_uni++] = (int16_t)i;

    /* each instruction's last user; a root's register lives to the end */
    int last[EXPR_MAX_NODES], to_out[EXPR_MAX_NODES];
    for (int k = 0; k < pr->n_ins; k++)
        last[k] = -1, to_out[k] = -1;
    for (int k = 0; k < pr->n_ins; k++)
        for (int j = 0; j < 4; j++)
            if (pr->ins[k].src[j] >= 0)
                last[pr->ins[k].src[j]] = k;
    for (int r = 0; r < n; r++) {
        int k = sc.ins_of[roots[r]];
        if (k >= 0) {
            last[k] = INT16_MAX;
            if (outputs && to_out[k] < 0)
                to_out[k] = r;
        }
    }

    /* linear scan: the result gets a register before the operands that die
     * here give theirs back, so no instruction writes over its operands */
    int16_t free_reg[EXPR_MAX_REGS];
    int n_free = 0;
    const node *nodes = e->nodes;
    for (int k = 0; k < pr->n_ins; k++) {
        instr *in = &pr->ins[k];
        if (to_out[k] >= 0)
            in->dst = (loc){L_OUT, (int16_t)to_out[k]};
        else {
            if (n_free == 0 && pr->n_regs == EXPR_MAX_REGS)
                return ab_fail(err, AB_EUSAGE, "formula too large: its program needs more than "
                               "%d block buffers at once", EXPR_MAX_REGS);
            in->dst = (loc){L_REG, n_free ? free_reg[--n_free] : (int16_t)pr->n_regs++};
        }
        for (int j = 0; j < 4; j++) {
            int16_t s = in->src[j], m = in->opnd[j];
            if (m < 0)
                continue;
            if (s < 0) {
                in->arg[j] = VARYING(nodes[m]) ? (loc){L_X, 0} : (loc){L_SCALAR, m};
                continue;
            }
            in->arg[j] = pr->ins[s].dst;
            bool again = false;   /* an operand used twice is given back once */
            for (int i = 0; i < j; i++)
                again |= in->src[i] == s;
            if (last[s] == k && !again && pr->ins[s].dst.kind == L_REG)
                free_reg[n_free++] = pr->ins[s].dst.i;
        }
    }
    pr->n_roots = n;
    for (int r = 0; r < n; r++) {
        int k = sc.ins_of[roots[r]];
        pr->root_ins[r] = (int16_t)k;
        pr->root[r] = k >= 0 ? pr->ins[k].dst
                      : VARYING(nodes[roots[r]]) ? (loc){L_X, 0}
                                                 : (loc){L_SCALAR, roots[r]};
    }
    return AB_OK;
}

/* ==== the block kernels: one loop each over a block of n <= EXPR_BLOCK ==== */

/* y = a OP b, a and b each a block (v) or a scalar (s). */
#define BINARY(X)                                                                           \
    X(OP_ADD, add, u + v)                                                                   \
    X(OP_SUB, sub, u - v)                                                                   \
    X(OP_MUL, mul, u * v)                                                                   \
    X(OP_DIV, div, u / v)                                                                   \
    X(OP_POW, pow, powf(u, v))                                                              \
    X(OP_LT, lt, u < v ? 1.0f : 0.0f)                                                       \
    X(OP_LE, le, u <= v ? 1.0f : 0.0f)                                                      \
    X(OP_EQ, eq, u == v ? 1.0f : 0.0f)                                                      \
    X(OP_NE, ne, u != v ? 1.0f : 0.0f)

typedef void (*bin_vv_fn)(float *restrict y, const float *restrict a, const float *restrict b,
                          size_t n);
typedef void (*bin_vs_fn)(float *restrict y, const float *restrict a, float v, size_t n);
typedef void (*bin_sv_fn)(float *restrict y, float u, const float *restrict b, size_t n);
typedef void (*un_fn)(float *restrict y, const float *restrict a, size_t n);

#define BIN_FNS(OP, name, E)                                                                \
    AB_VEC static void k_##name##_vv(float *restrict y, const float *restrict a,            \
                                     const float *restrict b, size_t n)                     \
    {                                                                                       \
        for (size_t i = 0; i < n; i++) {                                                    \
            float u = a[i], v = b[i];                                                       \
            y[i] = E;                                                                       \
        }                                                                                   \
    }                                                                                       \
    AB_VEC static void k_##name##_vs(float *restrict y, const float *restrict a, float v,   \
                                     size_t n)                                              \
    {                                                                                       \
        for (size_t i = 0; i < n; i++) {                                                    \
            float u = a[i];                                                                 \
            y[i] = E;                                                                       \
        }                                                                                   \
    }                                                                                       \
    AB_VEC static void k_##name##_sv(float *restrict y, float u, const float *restrict b,   \
                                     size_t n)                                              \
    {                                                                                       \
        for (size_t i = 0; i < n; i++) {                                                    \
            float v = b[i];                                                                 \
            y[i] = E;                                                                       \
        }                                                                                   \
    }
BINARY(BIN_FNS)

#define ROW_VV(OP, name, E) [OP] = k_##name##_vv,
#define ROW_VS(OP, name, E) [OP] = k_##name##_vs,
#define ROW_SV(OP, name, E) [OP] = k_##name##_sv,
static const bin_vv_fn bin_vv[OP_COUNT] = {BINARY(ROW_VV)};
static const bin_vs_fn bin_vs[OP_COUNT] = {BINARY(ROW_VS)};
static const bin_sv_fn bin_sv[OP_COUNT] = {BINARY(ROW_SV)};

AB_VEC static void k_neg(float *restrict y, const float *restrict a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = -a[i];
}
AB_VEC static void k_abs(float *restrict y, const float *restrict a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = fabsf(a[i]);
}
/* sign(0) = 0 (PyTorch); NaN stays NaN */
AB_VEC static void k_sign(float *restrict y, const float *restrict a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float u = a[i];
        y[i] = vec_select(u > 0.0f, 1.0f, vec_select(u < 0.0f, -1.0f, u * 0.0f));
    }
}

/* The functions vmath.h computes in place. */
#define VM_KERNEL(name, vm)                                                                 \
    static void k_##name(float *restrict y, const float *restrict a, size_t n)              \
    {                                                                                       \
        memcpy(y, a, n * sizeof *y);                                                        \
        vm(y, n);                                                                           \
    }
VM_KERNEL(exp, vm_exp)
VM_KERNEL(log, vm_log)
VM_KERNEL(sqrt, vm_sqrt)
VM_KERNEL(sin, vm_sin)
VM_KERNEL(cos, vm_cos)
VM_KERNEL(tanh, vm_tanh)
VM_KERNEL(erf, vm_erf)

/* SLEEF's log1p is inf above 1e38 (vmath.h), where log1p(a) is log(a) in
 * float: those elements, rare, get glibc's logf. */
static void k_log1p(float *restrict y, const float *restrict a, size_t n)
{
    memcpy(y, a, n * sizeof *y);
    vm_log1p(y, n);
    int big = 0;
    for (size_t i = 0; i < n; i++)
        big |= a[i] > 1e38f;
    for (size_t i = 0; big && i < n; i++)
        if (a[i] > 1e38f)
            y[i] = logf(a[i]);
}

/* 1 / (1 + e^-a): the bits of act.c's sigmoid */
AB_VEC static void sigmoid_pre(float *restrict y, const float *restrict a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = -a[i];
}
AB_VEC static void sigmoid_post(float *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = 1.0f / (1.0f + y[i]);
}
static void k_sigmoid(float *restrict y, const float *restrict a, size_t n)
{
    sigmoid_pre(y, a, n);
    vm_exp(y, n);
    sigmoid_post(y, n);
}

/* a > 20 ? a : log1p(e^a), e^ of 0 past 20 so that it cannot overflow */
AB_VEC static void softplus_pre(float *restrict y, const float *restrict a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = a[i] > (float)SOFTPLUS_THRESHOLD ? 0.0f : a[i];
}
AB_VEC static void softplus_post(float *restrict y, const float *restrict a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = vec_select(a[i] > (float)SOFTPLUS_THRESHOLD, a[i], y[i]);
}
static void k_softplus(float *restrict y, const float *restrict a, size_t n)
{
    softplus_pre(y, a, n);
    vm_exp(y, n);
    vm_log1p(y, n);
    softplus_post(y, a, n);
}

static const un_fn unary_fns[OP_COUNT] = {
    [OP_NEG] = k_neg,         [OP_ABS] = k_abs,   [OP_SIGN] = k_sign, [OP_EXP] = k_exp,
    [OP_LOG] = k_log,         [OP_LOG1P] = k_log1p, [OP_SQRT] = k_sqrt, [OP_SIN] = k_sin,
    [OP_COS] = k_cos,         [OP_TANH] = k_tanh, [OP_SIGMOID] = k_sigmoid,
    [OP_SOFTPLUS] = k_softplus, [OP_ERF] = k_erf,
};

AB_VEC static void powi_square(float *y, const float *restrict a, bool times_a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = times_a ? y[i] * y[i] * a[i] : y[i] * y[i];
}
AB_VEC static void k_recip(float *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = 1.0f / y[i];
}
/* a ^ m by squaring from the top bit of |m| (powi_d's order), one pass per
 * bit; 1 / that for m < 0. */
static void k_powi(float *restrict y, const float *restrict a, int m, size_t n)
{
    int am = m < 0 ? -m : m, top = 1;
    while (top * 2 <= am)
        top *= 2;
    memcpy(y, a, n * sizeof *y);
    for (top /= 2; top; top /= 2)
        powi_square(y, a, (am & top) != 0, n);
    if (m < 0)
        k_recip(y, n);
}

/* y = c ? a : b with c a block, a and b each a block or a scalar. */
AB_VEC static void k_sel(float *restrict y, const float *restrict c, const float *a, float as,
                         const float *b, float bs, size_t n)
{
    if (a && b)
        for (size_t i = 0; i < n; i++)
            y[i] = vec_select(c[i] != 0.0f, a[i], b[i]);
    else if (a)
        for (size_t i = 0; i < n; i++)
            y[i] = vec_select(c[i] != 0.0f, a[i], bs);
    else if (b)
        for (size_t i = 0; i < n; i++)
            y[i] = vec_select(c[i] != 0.0f, as, b[i]);
    else
        for (size_t i = 0; i < n; i++)
            y[i] = vec_select(c[i] != 0.0f, as, bs);
}

/* y = (a CMP b) ? t : e, a a block, b, t and e each a block or a scalar
 * (bs, ts, es when the pointer is NULL): one loop per case. */
#define CSEL_LOOPS(C, B)                                                                    \
    if (t && e)                                                                             \
        for (size_t i = 0; i < n; i++)                                                      \
            y[i] = vec_select(C(a[i], B), t[i], e[i]);                                      \
    else if (t)                                                                             \
        for (size_t i = 0; i < n; i++)                                                      \
            y[i] = vec_select(C(a[i], B), t[i], es);                                        \
    else if (e)                                                                             \
        for (size_t i = 0; i < n; i++)                                                      \
            y[i] = vec_select(C(a[i], B), ts, e[i]);                                        \
    else                                                                                    \
        for (size_t i = 0; i < n; i++)                                                      \
            y[i] = vec_select(C(a[i], B), ts, es);
#define CSEL_FN(name, C)                                                                    \
    AB_VEC static void k_csel_##name(float *restrict y, const float *restrict a,            \
                                     const float *b, float bs, const float *t, float ts,    \
                                     const float *e, float es, size_t n)                    \
    {                                                                                       \
        if (b) {                                                                            \
            CSEL_LOOPS(C, b[i])                                                             \
        } else {                                                                            \
            CSEL_LOOPS(C, bs)                                                               \
        }                                                                                   \
    }
#define C_LT_(u, v) ((u) < (v))
#define C_LE_(u, v) ((u) <= (v))
#define C_GT_(u, v) ((u) > (v))
#define C_GE_(u, v) ((u) >= (v))
#define C_EQ_(u, v) ((u) == (v))
#define C_NE_(u, v) ((u) != (v))
CSEL_FN(lt, C_LT_)
CSEL_FN(le, C_LE_)
CSEL_FN(gt, C_GT_)
CSEL_FN(ge, C_GE_)
CSEL_FN(eq, C_EQ_)
CSEL_FN(ne, C_NE_)

typedef void (*csel_fn)(float *restrict y, const float *restrict a, const float *b, float bs,
                        const float *t, float ts, const float *e, float es, size_t n);
static const csel_fn csel_fns[] = {
    [C_LT] = k_csel_lt, [C_LE] = k_csel_le, [C_GT] = k_csel_gt,
    [C_GE] = k_csel_ge, [C_EQ] = k_csel_eq, [C_NE] = k_csel_ne,
};

AB_VEC static void k_fill(float *restrict y, float v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = v;
}

/* ==== running ==== */

/* What a block's instructions read and write. */
typedef struct {
    float *reg;          /* EXPR_MAX_REGS blocks */
    const float *x;      /* this block of x */
    float *out[2];       /* this block of the outputs */
    const double *sc;    /* the per-call scalars, by node */
} frame;

static const float *rd(const frame *fr, loc l)
{
    switch (l.kind) {
    case L_REG: return fr->reg + (size_t)l.i * EXPR_BLOCK;
    case L_X: return fr->x;
    case L_OUT: return fr->out[l.i];
    default: return NULL;
    }
}

static float *wr(const frame *fr, loc l)
{
    return l.kind == L_REG ? fr->reg + (size_t)l.i * EXPR_BLOCK : fr->out[l.i];
}

static float scalar(const frame *fr, loc l)
{
    return (float)fr->sc[l.i];
}

static void exec(const instr *in, const frame *fr, size_t n)
{
    float *y = wr(fr, in->dst);
    const float *a = rd(fr, in->arg[0]), *b = rd(fr, in->arg[1]);
    float as = a ? 0.0f : scalar(fr, in->arg[0]), bs = b ? 0.0f : scalar(fr, in->arg[1]);
    if (in->form == F_CSEL) {
        const float *r = rd(fr, in->arg[3]);
        csel_fns[in->cmp](y, rd(fr, in->arg[2]), r, r ? 0.0f : scalar(fr, in->arg[3]), a, as,
                          b, bs, n);
    } else if (in->form == F_SELU) {
        /* the branch taken (the other was not computed) */
        bool c = expr_truth(fr->sc[in->arg[2].i]);
        if (c ? a != NULL : b != NULL)
            memcpy(y, c ? a : b, n * sizeof *y);
        else
            k_fill(y, c ? as : bs, n);
    } else if (in->op == OP_SEL) {
        k_sel(y, rd(fr, in->arg[2]), a, as, b, bs, n);
    } else if (IS_BINARY(in->op)) {
        if (a && b)
            bin_vv[in->op](y, a, b, n);
        else if (a)
            bin_vs[in->op](y, a, bs, n);
        else
            bin_sv[in->op](y, as, b, n);
    } else if (in->op == OP_POWI) {
        k_powi(y, a, in->n, n);
    } else {
        unary_fns[in->op](y, a, n);
    }
}

/* The per-call scalars, and which instructions this call runs: those the
 * roots need through the branches that the per-call conditions take. */
static void prepare(const expr *e, const program *pr, const float *p, double *sc, bool *live)
{
    for (int u = 0; u < pr->n_uni; u++) {
        int i = pr->uni[u];
        const node *nd = &e->nodes[i];
        if (nd->op == OP_CONST)
            sc[i] = nd->v;
        else if (nd->op == OP_PARAM)
            sc[i] = p[(int)nd->v];
        else
            sc[i] = expr_eval_d(nd, nd->a >= 0 ? sc[nd->a] : 0.0, nd->b >= 0 ? sc[nd->b] : 0.0,
                           nd->c >= 0 ? sc[nd->c] : 0.0);
    }
    memset(live, 0, (size_t)pr->n_ins * sizeof *live);
    for (int r = 0; r < pr->n_roots; r++)
        if (pr->root_ins[r] >= 0)
            live[pr->root_ins[r]] = true;
    for (int k = pr->n_ins - 1; k >= 0; k--) {
        const instr *in = &pr->ins[k];
        if (!live[k])
            continue;
        int skip = in->form == F_SELU ? (expr_truth(sc[in->opnd[2]]) ? 1 : 0) : -1;
        for (int j = 0; j < 4; j++)
            if (in->src[j] >= 0 && j != skip)
                live[in->src[j]] = true;
    }
}

static void run_block(const program *pr, const bool *live, const frame *fr, size_t n)
{
    for (int k = 0; k < pr->n_ins; k++)
        if (live[k])
            exec(&pr->ins[k], fr, n);
}

/* The scratch of one call, on the stack: 48 KiB of registers, 4.5 KiB more. */
typedef struct {
    double sc[EXPR_MAX_NODES];
    bool live[EXPR_MAX_NODES];
    _Alignas(64) float reg[EXPR_MAX_REGS * EXPR_BLOCK];
} scratch;

/* Runs pr over x[0..n), root r into out[r]. */
static void run(const expr *e, const program *pr, float *const *out, const float *x, size_t n,
                const float *p)
{
    scratch s;
    prepare(e, pr, p, s.sc, s.live);
    for (size_t i = 0; i < n; i += EXPR_BLOCK) {
        size_t len = n - i < EXPR_BLOCK ? n - i : EXPR_BLOCK;
        frame fr = {.reg = s.reg, .x = x + i, .sc = s.sc};
        for (int r = 0; r < pr->n_roots; r++)
            fr.out[r] = out[r] + i;
        run_block(pr, s.live, &fr, len);
        /* roots that are x, a scalar, or an output already written */
        for (int r = 0; r < pr->n_roots; r++) {
            loc l = pr->root[r];
            if (l.kind == L_SCALAR)
                k_fill(fr.out[r], scalar(&fr, l), len);
            else if (!(l.kind == L_OUT && l.i == r))
                memcpy(fr.out[r], rd(&fr, l), len * sizeof(float));
        }
    }
}

void expr_f(const expr *e, float *restrict y, const float *restrict x, size_t n, const float *p)
{
    float *out[1] = {y};
    run(e, &e->pf, out, x, n, p);
}

void expr_df(const expr *e, float *restrict d, const float *restrict x, size_t n, const float *p)
{
    float *out[1] = {d};
    run(e, &e->pdf, out, x, n, p);
}

void expr_fdf(const expr *e, float *restrict y, float *restrict d, const float *restrict x,
              size_t n, const float *p)
{
    float *out[2] = {y, d};
    run(e, &e->pfdf, out, x, n, p);
}

/* acc[k] += da[i] v[i] for i = k mod 8, v a block or the scalar vs. */
static void accumulate(double *acc, const float *restrict da, const float *v, float vs, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            acc[k] += (double)da[i + k] * (double)(v ? v[i + k] : vs);
    for (int k = 0; i + (size_t)k < n; k++)
        acc[k] += (double)da[i + (size_t)k] * (double)(v ? v[i + (size_t)k] : vs);
}

void expr_pgrad(const expr *e, double *g, const float *restrict da, const float *restrict x,
                size_t n, const float *p)
{
    const program *pr = &e->pgrad;
    if (pr->n_roots == 0)
        return;
    scratch s;
    double acc[EXPR_MAX_PARAMS][8] = {{0}};
    prepare(e, pr, p, s.sc, s.live);
    for (size_t i = 0; i < n; i += EXPR_BLOCK) {
        size_t len = n - i < EXPR_BLOCK ? n - i : EXPR_BLOCK;
        frame fr = {.reg = s.reg, .x = x + i, .sc = s.sc};
        run_block(pr, s.live, &fr, len);
        for (int r = 0; r < pr->n_roots; r++) {
            loc l = pr->root[r];
            accumulate(acc[r], da + i, rd(&fr, l), l.kind == L_SCALAR ? scalar(&fr, l) : 0.0f,
                       len);
        }
    }
    for (int r = 0, j = 0; j < e->n_params; j++)
        if (e->par[j].learned) {
            const double *a = acc[r++];
            g[j] += ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
        }
}
