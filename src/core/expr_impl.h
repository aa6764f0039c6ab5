/* expr_impl.h - what the two halves of the formula engine share: the nodes
 * of a formula's DAG, which expr.c builds and differentiates, and the
 * programs compiled from them, which expr_run.c makes and runs.  Private to
 * those two files. */
#ifndef ACTBENCH_EXPR_IMPL_H
#define ACTBENCH_EXPR_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "expr.h"

/* ==== nodes ==== */

enum op {
    OP_CONST, OP_X, OP_PARAM,
    /* binary: a, b */
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW, OP_LT, OP_LE, OP_EQ, OP_NE,
    /* unary: a */
    OP_NEG, OP_ABS, OP_SIGN, OP_EXP, OP_LOG, OP_LOG1P, OP_SQRT, OP_SIN, OP_COS, OP_TANH,
    OP_SIGMOID, OP_SOFTPLUS, OP_ERF,
    OP_POWI,   /* a ^ v, v an integer, 1 < |v| <= POWI_MAX, as products */
    OP_SEL,    /* c ? a : b */
    OP_COUNT,
    /* the parser's, written as the above: a > b is b < a, a >= b is b <= a,
     * max(a, b) is a > b ? a : b, min(a, b) is a < b ? a : b */
    OP_GT, OP_GE, OP_MAX, OP_MIN
};

#define IS_BINARY(op) ((op) >= OP_ADD && (op) <= OP_NE)
#define IS_CMP(op) ((op) >= OP_LT && (op) <= OP_NE)

#define POWI_MAX 64
#define SOFTPLUS_THRESHOLD 20.0   /* PyTorch's default */
#define DEP_X 1u                  /* node.deps: x; bit 1 + j: parameter j */

typedef struct {
    uint8_t op;
    uint16_t deps;     /* what the value depends on: 0 only for OP_CONST */
    int16_t a, b, c;   /* operands, -1 when absent */
    double v;          /* OP_CONST: the value; OP_PARAM: its index; OP_POWI: n */
} node;

#define VARYING(nd) (((nd).deps & DEP_X) != 0)

/* ==== programs ==== */

/* Where a value is during a block: a register, the block of x, an output
 * block (y or d), or a scalar (the node's per-call value). */
enum { L_REG, L_X, L_OUT, L_SCALAR };
typedef struct {
    uint8_t kind;
    int16_t i;   /* register, output or node */
} loc;

/* An instruction's form: a node's operation on its operands; a conditional
 * whose condition is per call (it copies the branch taken, and the other
 * is not computed); a conditional on a comparison that varies, fused with
 * it (one loop; the comparison is computed apart only if something else
 * uses its 1 or 0). */
enum { F_PLAIN, F_SELU, F_CSEL };
/* The comparisons of F_CSEL, a block on the left. */
enum { C_LT, C_LE, C_GT, C_GE, C_EQ, C_NE };

typedef struct {
    uint8_t op, form, cmp;
    int16_t n;         /* OP_POWI's exponent */
    int16_t opnd[4];   /* operand nodes: a, b, c; F_CSEL: then, else, left, right */
    loc dst, arg[4];   /* where they are */
    int16_t src[4];    /* the instructions computing them, -1 for x and scalars */
} instr;

typedef struct {
    int n_ins, n_uni, n_roots, n_regs;
    instr ins[EXPR_MAX_NODES];
    int16_t uni[EXPR_MAX_NODES];   /* per-call scalars, operands first */
    loc root[1 + EXPR_MAX_PARAMS];
    int16_t root_ins[1 + EXPR_MAX_PARAMS];
} program;

typedef struct {
    char name[32];
    float value;
    bool learned, used;
} param;

struct expr {
    int n_params, n_nodes;
    param par[EXPR_MAX_PARAMS];
    node nodes[EXPR_MAX_NODES];
    int16_t f, dx, dp[EXPR_MAX_PARAMS];   /* roots: f, f', d f / d p_j (learned j) */
    program pf, pdf, pfdf, pgrad;
    char formula[];
};

/* The node's operation on operand values a, b, c, in double: constant
 * folding, the per-call scalars, the kinks' search. */
double expr_eval_d(const node *nd, double a, double b, double c);

/* A condition's truth, as the float programs see it. */
bool expr_truth(double c);

/* The program computing roots[0..n) of e's DAG into *pr: into the outputs
 * (root r into output r) when `outputs`, else left in registers.
 * AB_EUSAGE when it needs more than EXPR_MAX_REGS registers at once. */
ab_status expr_compile(const expr *e, program *pr, const int16_t *roots, int n, bool outputs,
                       ab_err *err);

#endif
