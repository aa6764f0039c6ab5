/* expr.c - the formula engine of expr.h: a parser into a hash-consed DAG
 * that simplifies as it builds, exact derivatives built into the same DAG
 * (forward mode, one pass per variable), and a compiler of the DAG into
 * block programs.
 *
 * Every node is built through one constructor per operation that folds
 * constants and applies the identities (0 + a, 1 a, 0 a, --a, ...), then
 * looks the node up in a hash table: an expression met twice, in f or in a
 * derivative, is one node, and a program computing f and f' computes it once.
 *
 * A program is the nodes that depend on x, in an order that keeps few alive
 * at once, each an instruction over a block of EXPR_BLOCK floats in a
 * register (a block buffer on the stack, allocated at compile time by
 * linear scan); nodes that depend on the parameters alone are scalars
 * computed once per call and read by the instructions as operands. */
#include "expr.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "vec.h"
#include "vmath.h"

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
    OP_COUNT
};

#define IS_BINARY(op) ((op) >= OP_ADD && (op) <= OP_NE)
#define IS_CMP(op) ((op) >= OP_LT && (op) <= OP_NE)
#define IS_UNARY(op) ((op) >= OP_NEG && (op) <= OP_POWI)

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

/* ==== the operations in double: constant folding, per-call scalars, kinks ==== */

static double sigmoid_d(double t)
{
    return 1.0 / (1.0 + exp(-t));
}

/* a ^ n by squaring from the top bit: the order of the products the float
 * instruction uses (powi_block). */
static double powi_d(double a, int n)
{
    int m = n < 0 ? -n : n, top = 1;
    while (top * 2 <= m)
        top *= 2;
    double r = a;
    for (top /= 2; top; top /= 2) {
        r = r * r;
        if (m & top)
            r = r * a;
    }
    return n < 0 ? 1.0 / r : r;
}

/* A condition's truth, as the float programs see it. */
static bool truth(double c)
{
    return (float)c != 0.0f;
}

static double eval_d(const node *nd, double a, double b, double c)
{
    switch (nd->op) {
    case OP_ADD: return a + b;
    case OP_SUB: return a - b;
    case OP_MUL: return a * b;
    case OP_DIV: return a / b;
    case OP_POW: return pow(a, b);
    case OP_LT: return a < b;
    case OP_LE: return a <= b;
    case OP_EQ: return a == b;
    case OP_NE: return a != b;
    case OP_NEG: return -a;
    case OP_ABS: return fabs(a);
    case OP_SIGN: return a > 0.0 ? 1.0 : a < 0.0 ? -1.0 : a * 0.0;
    case OP_EXP: return exp(a);
    case OP_LOG: return log(a);
    case OP_LOG1P: return log1p(a);
    case OP_SQRT: return sqrt(a);
    case OP_SIN: return sin(a);
    case OP_COS: return cos(a);
    case OP_TANH: return tanh(a);
    case OP_SIGMOID: return sigmoid_d(a);
    case OP_SOFTPLUS: return a > SOFTPLUS_THRESHOLD ? a : log1p(exp(a));
    case OP_ERF: return erf(a);
    case OP_POWI: return powi_d(a, (int)nd->v);
    case OP_SEL: return truth(c) ? a : b;
    default: return nd->v;
    }
}

/* ==== building: the hash-consed DAG and its simplifying constructors ==== */

#define HASH_SIZE 2048   /* a power of two, at least twice EXPR_MAX_NODES */

typedef struct {
    expr *e;
    int16_t hash[HASH_SIZE];   /* node + 1, 0 when empty */
    ab_err *err;
    bool failed;               /* an error is in err */
} builder;

/* The first error wins: later ones are consequences. */
#define FAIL(bd, ...)                                                                       \
    ((bd)->failed ? -1 : ((bd)->failed = true, ab_fail((bd)->err, AB_EUSAGE, __VA_ARGS__), -1))

static uint32_t node_hash(const node *n)
{
    uint64_t v;
    memcpy(&v, &n->v, sizeof v);
    uint64_t h = n->op * 0x9E3779B97F4A7C15u;
    h ^= (uint64_t)(uint16_t)n->a * 0xC2B2AE3D27D4EB4Fu;
    h ^= (uint64_t)(uint16_t)n->b * 0x165667B19E3779F9u + (uint64_t)(uint16_t)n->c;
    h ^= v + (h << 6) + (h >> 2);
    h ^= h >> 29;
    return (uint32_t)(h * 0xBF58476D1CE4E5B9u >> 32);
}

/* The node (op, a, b, c, v): the existing one, or a new one; -1 when the
 * formula has grown past EXPR_MAX_NODES (the error is in bd).  Operands of
 * -1 are absent: the constructors below return -1 for an operand of -1
 * (an error) before they get here. */
static int mk(builder *bd, int op, int a, int b, int c, double v)
{
    if (bd->failed)
        return -1;
    expr *e = bd->e;
    node n = {.op = (uint8_t)op, .a = (int16_t)a, .b = (int16_t)b, .c = (int16_t)c, .v = v};
    for (uint32_t h = node_hash(&n) & (HASH_SIZE - 1);; h = (h + 1) & (HASH_SIZE - 1)) {
        int k = bd->hash[h] - 1;
        if (k < 0)
            break;
        const node *m = &e->nodes[k];
        if (m->op == n.op && m->a == n.a && m->b == n.b && m->c == n.c &&
            memcmp(&m->v, &n.v, sizeof n.v) == 0)
            return k;
    }
    if (e->n_nodes >= EXPR_MAX_NODES)
        return FAIL(bd, "formula too large: more than %d operations after differentiation "
                    "and simplification", EXPR_MAX_NODES);
    uint16_t deps = op == OP_X ? DEP_X : op == OP_PARAM ? (uint16_t)(2u << (int)v) : 0;
    int ops[3] = {a, b, c};
    for (int i = 0; i < 3; i++)
        if (ops[i] >= 0)
            deps |= e->nodes[ops[i]].deps;
    n.deps = deps;
    uint32_t h = node_hash(&n) & (HASH_SIZE - 1);
    while (bd->hash[h])
        h = (h + 1) & (HASH_SIZE - 1);
    bd->hash[h] = (int16_t)(e->n_nodes + 1);
    e->nodes[e->n_nodes] = n;
    return e->n_nodes++;
}

static int k_(builder *bd, double v)
{
    return mk(bd, OP_CONST, -1, -1, -1, v);
}

static const node *N(const builder *bd, int i)
{
    return &bd->e->nodes[i];
}

static bool is_k(const builder *bd, int i, double v)
{
    return i >= 0 && N(bd, i)->op == OP_CONST && N(bd, i)->v == v;
}

static bool is_const(const builder *bd, int i)
{
    return i >= 0 && N(bd, i)->op == OP_CONST;
}

/* op over operands a, b, c: folded when they are all constants. */
static int fold(builder *bd, int op, int a, int b, int c, double v)
{
    if (is_const(bd, a) && (b < 0 || is_const(bd, b)) && (c < 0 || is_const(bd, c))) {
        node t = {.op = (uint8_t)op, .v = v};
        double va = N(bd, a)->v, vb = b >= 0 ? N(bd, b)->v : 0.0, vc = c >= 0 ? N(bd, c)->v : 0.0;
        return k_(bd, eval_d(&t, va, vb, vc));
    }
    return mk(bd, op, a, b, c, v);
}

/* Commutative operands in a fixed order (a constant first), so that a b and
 * b a are one node.  The float results do not depend on the order. */
static void order(const builder *bd, int *a, int *b)
{
    bool ka = is_const(bd, *a), kb = is_const(bd, *b);
    if ((kb && !ka) || (ka == kb && *b < *a)) {
        int t = *a;
        *a = *b;
        *b = t;
    }
}

static int neg(builder *bd, int a)
{
    if (a < 0)
        return -1;
    if (N(bd, a)->op == OP_NEG)
        return N(bd, a)->a;
    return fold(bd, OP_NEG, a, -1, -1, 0.0);
}

static int sub(builder *bd, int a, int b);

/* The rewritings below are exact in IEEE arithmetic (a + -b = a - b,
 * (-a) b = -(a b), a + a = 2 a, a / 2^k = a 2^-k), but for the ones the
 * simplification asks for: 0 a = 0 and 0 / a = 0 (not so for a infinite or
 * NaN, or a = 0). */
static int add(builder *bd, int a, int b)
{
    if (a < 0 || b < 0)
        return -1;
    order(bd, &a, &b);
    if (is_k(bd, a, 0.0))
        return b;
    if (N(bd, b)->op == OP_NEG)
        return sub(bd, a, N(bd, b)->a);
    if (N(bd, a)->op == OP_NEG)
        return sub(bd, b, N(bd, a)->a);
    if (a == b)
        return fold(bd, OP_MUL, k_(bd, 2.0), a, -1, 0.0);
    return fold(bd, OP_ADD, a, b, -1, 0.0);
}

static int sub(builder *bd, int a, int b)
{
    if (a < 0 || b < 0)
        return -1;
    if (is_k(bd, b, 0.0))
        return a;
    if (is_k(bd, a, 0.0))
        return neg(bd, b);
    if (N(bd, b)->op == OP_NEG)
        return add(bd, a, N(bd, b)->a);
    if (is_const(bd, b) && !is_const(bd, a))
        return add(bd, a, k_(bd, -N(bd, b)->v));
    return fold(bd, OP_SUB, a, b, -1, 0.0);
}

static int mul(builder *bd, int a, int b)
{
    if (a < 0 || b < 0)
        return -1;
    order(bd, &a, &b);
    if (is_k(bd, a, 0.0))
        return a;
    if (is_k(bd, a, 1.0))
        return b;
    if (is_k(bd, a, -1.0))
        return neg(bd, b);
    if (N(bd, a)->op == OP_NEG)
        return neg(bd, mul(bd, N(bd, a)->a, b));
    if (N(bd, b)->op == OP_NEG)
        return neg(bd, mul(bd, a, N(bd, b)->a));
    return fold(bd, OP_MUL, a, b, -1, 0.0);
}

static int div_(builder *bd, int a, int b)
{
    if (a < 0 || b < 0)
        return -1;
    if (is_k(bd, b, 1.0))
        return a;
    if (is_k(bd, b, -1.0))
        return neg(bd, a);
    if (is_k(bd, a, 0.0) && !is_const(bd, b))
        return a;
    if (N(bd, a)->op == OP_NEG)
        return neg(bd, div_(bd, N(bd, a)->a, b));
    if (is_const(bd, b) && !is_const(bd, a)) {
        int ex;
        double m = frexp(N(bd, b)->v, &ex);
        if (fabs(m) == 0.5 && ex - 1 > -126 && ex - 1 < 126)
            return mul(bd, k_(bd, 1.0 / N(bd, b)->v), a);
    }
    return fold(bd, OP_DIV, a, b, -1, 0.0);
}

/* a ^ n for an integer constant n. */
static int powi(builder *bd, int a, int n)
{
    if (n == 0)
        return k_(bd, 1.0);
    if (n == 1)
        return a;
    if (n == -1)
        return div_(bd, k_(bd, 1.0), a);
    return fold(bd, OP_POWI, a, -1, -1, n);
}

static int pow_(builder *bd, int a, int b)
{
    if (a < 0 || b < 0)
        return -1;
    if (is_const(bd, b)) {
        double v = N(bd, b)->v;
        if (v == floor(v) && fabs(v) <= POWI_MAX)
            return powi(bd, a, (int)v);
    }
    return fold(bd, OP_POW, a, b, -1, 0.0);
}

/* a OP b for a comparison: a > b is b < a and a >= b is b <= a (the same
 * for NaN), so that the two spellings share a node. */
static int cmp(builder *bd, int op, int a, int b)
{
    if (a < 0 || b < 0)
        return -1;
    if (op == OP_EQ || op == OP_NE)
        order(bd, &a, &b);
    return fold(bd, op, a, b, -1, 0.0);
}
#define OP_GT (OP_COUNT + 1)
#define OP_GE (OP_COUNT + 2)
static int compare(builder *bd, int op, int a, int b)
{
    return op == OP_GT ? cmp(bd, OP_LT, b, a) : op == OP_GE ? cmp(bd, OP_LE, b, a)
                                                              : cmp(bd, op, a, b);
}

static int sel(builder *bd, int c, int a, int b)
{
    if (c < 0 || a < 0 || b < 0)
        return -1;
    if (is_const(bd, c))
        return truth(N(bd, c)->v) ? a : b;
    if (a == b)
        return a;
    /* a comparison is already 1 or 0 */
    if (IS_CMP(N(bd, c)->op) && is_k(bd, a, 1.0) && is_k(bd, b, 0.0))
        return c;
    return mk(bd, OP_SEL, a, b, c, 0.0);
}

static int fn1(builder *bd, int op, int a)
{
    if (a < 0)
        return -1;
    if (op == OP_NEG)
        return neg(bd, a);
    return fold(bd, op, a, -1, -1, 0.0);
}

/* ==== differentiation ==== */

/* d[i] = the derivative of node i with respect to the variable of bit
 * `wrt`, for the nodes below `below` that `need` marks, in id order (an
 * operand has a smaller id than its node). */
static int derive(builder *bd, int16_t *d, int below, const bool *need, unsigned wrt)
{
    const int zero = k_(bd, 0.0), one = k_(bd, 1.0);
    if (one < 0)
        return -1;
    for (int i = 0; i < below; i++) {
        const node nd = bd->e->nodes[i];
        int r;
        if (!need[i] || !(nd.deps & wrt)) {
            d[i] = (int16_t)zero;
            continue;
        }
        int a = nd.a, b = nd.b, da = a >= 0 ? d[a] : -1, db = b >= 0 ? d[b] : -1;
        switch (nd.op) {
        case OP_X:
        case OP_PARAM: r = one; break;
        case OP_ADD: r = add(bd, da, db); break;
        case OP_SUB: r = sub(bd, da, db); break;
        case OP_NEG: r = neg(bd, da); break;
        case OP_MUL: r = add(bd, mul(bd, da, b), mul(bd, a, db)); break;
        case OP_DIV:
            /* (a' - (a/b) b') / b, sharing a/b with f */
            r = div_(bd, sub(bd, da, mul(bd, i, db)), b);
            break;
        case OP_POWI: {
            int n = (int)nd.v;
            r = mul(bd, mul(bd, k_(bd, n), powi(bd, a, n - 1)), da);
            break;
        }
        case OP_POW: {
            /* (b = 0 ? 0 : b a^(b-1)) a' + (a = 0 and b >= 0 ? 0 : a^b log a) b',
             * PyTorch's masks */
            int ta = zero;
            if (!is_k(bd, da, 0.0)) {
                int t = mul(bd, b, pow_(bd, a, sub(bd, b, one)));
                ta = mul(bd, sel(bd, cmp(bd, OP_EQ, b, zero), zero, t), da);
            }
            int tb = zero;
            if (!is_k(bd, db, 0.0)) {
                int l = mul(bd, i, fn1(bd, OP_LOG, a));
                int mask = sel(bd, cmp(bd, OP_EQ, a, zero), sel(bd, cmp(bd, OP_LE, zero, b),
                                                                zero, l), l);
                tb = mul(bd, mask, db);
            }
            r = add(bd, ta, tb);
            break;
        }
        case OP_LT: case OP_LE: case OP_EQ: case OP_NE: case OP_SIGN:
            r = zero;
            break;
        case OP_SEL: r = sel(bd, nd.c, da, db); break;
        case OP_EXP: r = mul(bd, i, da); break;
        case OP_LOG: r = div_(bd, da, a); break;
        case OP_LOG1P: r = div_(bd, da, add(bd, one, a)); break;
        case OP_SQRT: r = div_(bd, da, mul(bd, k_(bd, 2.0), i)); break;
        case OP_ABS: r = mul(bd, fn1(bd, OP_SIGN, a), da); break;
        case OP_SIN: r = mul(bd, fn1(bd, OP_COS, a), da); break;
        case OP_COS: r = neg(bd, mul(bd, fn1(bd, OP_SIN, a), da)); break;
        case OP_TANH: r = mul(bd, sub(bd, one, mul(bd, i, i)), da); break;
        case OP_SIGMOID: r = mul(bd, mul(bd, i, sub(bd, one, i)), da); break;
        case OP_SOFTPLUS:
            r = mul(bd, sel(bd, cmp(bd, OP_LT, k_(bd, SOFTPLUS_THRESHOLD), a), one,
                            fn1(bd, OP_SIGMOID, a)), da);
            break;
        case OP_ERF: {
            /* 2/sqrt(pi) e^(-a^2) */
            int g = fn1(bd, OP_EXP, neg(bd, mul(bd, a, a)));
            r = mul(bd, mul(bd, k_(bd, 1.12837916709551257390), g), da);
            break;
        }
        default: r = zero; break;
        }
        if (r < 0)
            return -1;
        d[i] = (int16_t)r;
    }
    return 0;
}

/* ==== parsing ==== */

#define OP_MIN (OP_COUNT + 3)
#define OP_MAX (OP_COUNT + 4)
#define MAX_DEPTH 100

static const struct {
    const char *name;
    int op, args;
} functions[] = {
    {"exp", OP_EXP, 1},     {"log", OP_LOG, 1},         {"log1p", OP_LOG1P, 1},
    {"sqrt", OP_SQRT, 1},   {"abs", OP_ABS, 1},         {"sin", OP_SIN, 1},
    {"cos", OP_COS, 1},     {"tanh", OP_TANH, 1},       {"sigmoid", OP_SIGMOID, 1},
    {"softplus", OP_SOFTPLUS, 1}, {"erf", OP_ERF, 1},   {"min", OP_MIN, 2},
    {"max", OP_MAX, 2},
};
enum { N_FUNCTIONS = sizeof functions / sizeof functions[0] };

static int find_function(const char *name)
{
    for (int i = 0; i < N_FUNCTIONS; i++)
        if (!strcmp(functions[i].name, name))
            return i;
    return -1;
}

enum { T_END, T_NUM, T_NAME, T_OP };

typedef struct {
    int kind;
    size_t at, len;    /* where in the text */
    double num;        /* T_NUM */
} token;

typedef struct {
    builder *bd;
    const char *s;     /* the formula: s[0..len) */
    size_t len, pos;
    token t;           /* the token being looked at */
    int depth;
} parser;

static bool is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}
static bool is_name_char(char c)
{
    return is_name_start(c) || is_digit(c);
}
static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int col(const token *t)
{
    return (int)t->at + 1;
}

/* The token's text, quoted, or "the end of the formula", into buf. */
static const char *tok_text(const parser *ps, const token *t, char *buf, size_t n)
{
    if (t->kind == T_END)
        return "the end of the formula";
    int len = t->len > 40 ? 40 : (int)t->len;
    snprintf(buf, n, "'%.*s%s'", len, ps->s + t->at, t->len > 40 ? "..." : "");
    return buf;
}

static bool is_op(const parser *ps, const char *op)
{
    return ps->t.kind == T_OP && ps->t.len == strlen(op) && !strncmp(ps->s + ps->t.at, op, ps->t.len);
}

/* Scans the next token into ps->t; -1 (with the error) for a character or
 * a number that is not in the language. */
static int next(parser *ps)
{
    builder *bd = ps->bd;
    const char *s = ps->s;
    size_t i = ps->pos;
    while (i < ps->len && is_space(s[i]))
        i++;
    token t = {.kind = T_END, .at = i, .len = 0};
    if (i >= ps->len) {
        ps->t = t, ps->pos = i;
        return 0;
    }
    char c = s[i];
    size_t j = i;
    if (is_digit(c) || (c == '.' && i + 1 < ps->len && is_digit(s[i + 1]))) {
        while (j < ps->len && is_digit(s[j]))
            j++;
        if (j < ps->len && s[j] == '.')
            for (j++; j < ps->len && is_digit(s[j]); j++)
                ;
        if (j < ps->len && (s[j] == 'e' || s[j] == 'E')) {
            size_t k = j + 1;
            if (k < ps->len && (s[k] == '+' || s[k] == '-'))
                k++;
            if (k < ps->len && is_digit(s[k]))
                for (j = k; j < ps->len && is_digit(s[j]); j++)
                    ;
        }
        size_t bad = j;
        while (bad < ps->len && (is_name_char(s[bad]) || s[bad] == '.'))
            bad++;
        if (bad > j)
            return FAIL(bd, "bad number '%.*s' at column %d (a number is like 2, 1.5, .5 or "
                        "1e-3; a product is written 2*x)", (int)(bad - i), s + i, (int)i + 1);
        char *end;
        errno = 0;
        t.num = strtod(s + i, &end);
        if (end != s + j || !isfinite(t.num) || errno == ERANGE)
            return FAIL(bd, "number '%.*s' at column %d is out of range", (int)(j - i), s + i,
                        (int)i + 1);
        t.kind = T_NUM;
    } else if (is_name_start(c)) {
        while (j < ps->len && is_name_char(s[j]))
            j++;
        t.kind = T_NAME;
    } else {
        static const char *const two[] = {"<=", ">=", "==", "!="};
        t.kind = T_OP;
        j = i + 1;
        for (int k = 0; k < 4; k++)
            if (i + 1 < ps->len && s[i] == two[k][0] && s[i + 1] == two[k][1])
                j = i + 2;
        if (j == i + 1 && !strchr("+-*/^(),?:<>", c)) {
            if (c == '=')
                return FAIL(bd, "unexpected '=' at column %d (equality is ==)", (int)i + 1);
            if (c == '!')
                return FAIL(bd, "unexpected '!' at column %d (inequality is !=)", (int)i + 1);
            if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
                return FAIL(bd, "unexpected byte 0x%02x at column %d", (unsigned char)c,
                            (int)i + 1);
            return FAIL(bd, "unexpected character '%c' at column %d", c, (int)i + 1);
        }
    }
    t.len = j - i;
    ps->t = t;
    ps->pos = j;
    return 0;
}

static int cond(parser *ps);

/* The functions, for "accepted: ...". */
static void list_functions(char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < N_FUNCTIONS && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "", functions[i].name);
}

static int unknown_function(parser *ps, const char *name, const token *t)
{
    const char *near[3];
    int k = 0;
    int wl = (int)strlen(name);
    int limit = wl / 3 < 1 ? 1 : wl / 3 > 3 ? 3 : wl / 3;
    for (int d = 1; d <= limit && k < 3; d++)
        for (int i = 0; i < N_FUNCTIONS && k < 3; i++)
            if (names_distance(name, functions[i].name) == d)
                near[k++] = functions[i].name;
    if (k == 0) {
        char list[256];
        list_functions(list, sizeof list);
        return FAIL(ps->bd, "unknown function '%s' at column %d (accepted: %s)", name, col(t),
                    list);
    }
    char hint[128];
    int len = 0;
    for (int i = 0; i < k; i++)
        len += snprintf(hint + len, sizeof hint - (size_t)len, "%s'%s'",
                        i == 0 ? "" : i == k - 1 ? " or " : ", ", near[i]);
    return FAIL(ps->bd, "unknown function '%s' at column %d, did you mean %s?", name, col(t),
                hint);
}

static int unknown_name(parser *ps, const char *name, const token *t)
{
    const expr *e = ps->bd->e;
    if (e->n_params == 0)
        return FAIL(ps->bd, "unknown name '%s' at column %d: the variable is x; no parameters "
                    "given; add one as ;%s=VALUE", name, col(t), name);
    char list[EXPR_MAX_PARAMS * 34];
    size_t len = 0;
    for (int j = 0; j < e->n_params; j++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", j ? ", " : "",
                                e->par[j].name);
    return FAIL(ps->bd, "unknown name '%s' at column %d: the variable is x; parameters here: %s",
                name, col(t), list);
}

/* A function call, the name in t and ps->t at its '('. */
static int call(parser *ps, int f, const token *t)
{
    int arg[2] = {-1, -1}, n = 0;
    token open = ps->t;
    if (next(ps) < 0)
        return -1;
    for (;;) {
        int a = cond(ps);
        if (a < 0)
            return -1;
        if (n < 2)
            arg[n] = a;
        n++;
        if (is_op(ps, ",")) {
            if (next(ps) < 0)
                return -1;
            continue;
        }
        if (is_op(ps, ")"))
            break;
        if (ps->t.kind == T_END)
            return FAIL(ps->bd, "unbalanced parenthesis: '(' at column %d is not closed",
                        col(&open));
        char buf[64];
        return FAIL(ps->bd, "unexpected %s at column %d: expected ',' or ')' in the arguments "
                    "of '%s' at column %d", tok_text(ps, &ps->t, buf, sizeof buf), col(&ps->t),
                    functions[f].name, col(t));
    }
    if (next(ps) < 0)
        return -1;
    if (n != functions[f].args)
        return FAIL(ps->bd, "'%s' takes %d argument%s, got %d at column %d", functions[f].name,
                    functions[f].args, functions[f].args > 1 ? "s" : "", n, col(t));
    builder *bd = ps->bd;
    switch (functions[f].op) {
    case OP_MAX: return sel(bd, compare(bd, OP_GT, arg[0], arg[1]), arg[0], arg[1]);
    case OP_MIN: return sel(bd, compare(bd, OP_LT, arg[0], arg[1]), arg[0], arg[1]);
    default: return fn1(bd, functions[f].op, arg[0]);
    }
}

/* A name: x, pi, e, a parameter or a function call. */
static int name(parser *ps)
{
    token t = ps->t;
    char nm[64];
    if (t.len >= sizeof nm)
        return FAIL(ps->bd, "unknown name '%.40s...' at column %d: the variable is x", ps->s + t.at,
                    col(&t));
    memcpy(nm, ps->s + t.at, t.len);
    nm[t.len] = '\0';
    if (next(ps) < 0)
        return -1;
    builder *bd = ps->bd;
    expr *e = bd->e;
    int f = find_function(nm);
    if (is_op(ps, "(")) {
        if (f >= 0)
            return call(ps, f, &t);
        const char *what = !strcmp(nm, "x") ? "the variable" : !strcmp(nm, "pi") || !strcmp(nm, "e") ? "a constant" : NULL;
        for (int j = 0; j < e->n_params && !what; j++)
            if (!strcmp(e->par[j].name, nm))
                what = "a parameter";
        if (what)
            return FAIL(bd, "'%s' at column %d is %s, not a function (a product is written "
                        "%s*(...))", nm, col(&t), what, nm);
        return unknown_function(ps, nm, &t);
    }
    if (f >= 0)
        return FAIL(bd, "'%s' at column %d is a function: write %s(...)", nm, col(&t), nm);
    if (!strcmp(nm, "x"))
        return mk(bd, OP_X, -1, -1, -1, 0.0);
    if (!strcmp(nm, "pi"))
        return k_(bd, 3.14159265358979323846);
    if (!strcmp(nm, "e"))
        return k_(bd, 2.71828182845904523536);
    for (int j = 0; j < e->n_params; j++)
        if (!strcmp(e->par[j].name, nm)) {
            e->par[j].used = true;
            if (e->par[j].learned)
                return mk(bd, OP_PARAM, -1, -1, -1, j);
            return k_(bd, (double)e->par[j].value);
        }
    return unknown_name(ps, nm, &t);
}

static int primary(parser *ps)
{
    char buf[64];
    token t = ps->t;
    if (t.kind == T_NUM) {
        if (next(ps) < 0)
            return -1;
        return k_(ps->bd, t.num);
    }
    if (t.kind == T_NAME)
        return name(ps);
    if (is_op(ps, "(")) {
        if (next(ps) < 0)
            return -1;
        int a = cond(ps);
        if (a < 0)
            return -1;
        if (ps->t.kind == T_END)
            return FAIL(ps->bd, "unbalanced parenthesis: '(' at column %d is not closed", col(&t));
        if (!is_op(ps, ")"))
            return FAIL(ps->bd, "unexpected %s at column %d: expected ')' for the '(' at "
                        "column %d", tok_text(ps, &ps->t, buf, sizeof buf), col(&ps->t), col(&t));
        if (next(ps) < 0)
            return -1;
        return a;
    }
    if (t.kind == T_END)
        return FAIL(ps->bd, "missing operand at column %d, at the end of the formula", col(&t));
    bool pow_hint = is_op(ps, "*") && t.at > 0 && ps->s[t.at - 1] == '*';
    return FAIL(ps->bd, "missing operand at column %d, before %s%s", col(&t),
                tok_text(ps, &t, buf, sizeof buf), pow_hint ? " (a power is written x^2)" : "");
}

static int unary(parser *ps);

static int power(parser *ps)
{
    int a = primary(ps);
    if (a < 0 || !is_op(ps, "^"))
        return a;
    if (next(ps) < 0)
        return -1;
    int b = unary(ps);   /* right-assoc, and x^-2 */
    return pow_(ps->bd, a, b);
}

static bool deeper(parser *ps)
{
    if (++ps->depth > MAX_DEPTH) {
        FAIL(ps->bd, "formula nested too deeply at column %d (at most %d levels)", col(&ps->t),
             MAX_DEPTH);
        return false;
    }
    return true;
}

static int unary(parser *ps)
{
    if (is_op(ps, "-") || is_op(ps, "+")) {
        bool minus = is_op(ps, "-");
        if (!deeper(ps) || next(ps) < 0)
            return -1;
        int a = unary(ps);
        ps->depth--;
        return minus ? neg(ps->bd, a) : a;
    }
    return power(ps);
}

static int term(parser *ps)
{
    int a = unary(ps);
    while (a >= 0 && (is_op(ps, "*") || is_op(ps, "/"))) {
        bool times = is_op(ps, "*");
        if (next(ps) < 0)
            return -1;
        int b = unary(ps);
        a = times ? mul(ps->bd, a, b) : div_(ps->bd, a, b);
    }
    return a;
}

static int sum(parser *ps)
{
    int a = term(ps);
    while (a >= 0 && (is_op(ps, "+") || is_op(ps, "-"))) {
        bool plus = is_op(ps, "+");
        if (next(ps) < 0)
            return -1;
        int b = term(ps);
        a = plus ? add(ps->bd, a, b) : sub(ps->bd, a, b);
    }
    return a;
}

static int comparison(parser *ps)
{
    static const struct {
        const char *text;
        int op;
    } ops[] = {{"<", OP_LT}, {"<=", OP_LE}, {">", OP_GT}, {">=", OP_GE}, {"==", OP_EQ}, {"!=", OP_NE}};
    int a = sum(ps);
    for (;;) {
        int op = -1;
        for (int k = 0; k < 6; k++)
            if (is_op(ps, ops[k].text))
                op = ops[k].op;
        if (a < 0 || op < 0)
            return a;
        if (next(ps) < 0)
            return -1;
        a = compare(ps->bd, op, a, sum(ps));
    }
}

static int cond(parser *ps)
{
    if (!deeper(ps))
        return -1;
    int c = comparison(ps);
    if (c >= 0 && is_op(ps, "?")) {
        token q = ps->t;
        if (next(ps) < 0)
            return -1;
        int a = cond(ps);
        if (a < 0)
            return -1;
        if (!is_op(ps, ":")) {
            char buf[64];
            if (ps->t.kind == T_END)
                return FAIL(ps->bd, "'?' at column %d has no ':'", col(&q));
            return FAIL(ps->bd, "unexpected %s at column %d: expected ':' for the '?' at "
                        "column %d", tok_text(ps, &ps->t, buf, sizeof buf), col(&ps->t), col(&q));
        }
        if (next(ps) < 0)
            return -1;
        int b = cond(ps);
        c = sel(ps->bd, c, a, b);
    }
    ps->depth--;
    return c;
}

/* The whole formula s[0..len): its node, or -1 with the error. */
static int parse_formula(builder *bd, const char *s, size_t len)
{
    parser ps = {.bd = bd, .s = s, .len = len};
    if (next(&ps) < 0)
        return -1;
    int f = cond(&ps);
    if (f < 0)
        return -1;
    if (ps.t.kind != T_END) {
        char buf[64];
        if (is_op(&ps, ")"))
            return FAIL(bd, "unbalanced parenthesis: ')' at column %d has no matching '('",
                        col(&ps.t));
        return FAIL(bd, "unexpected %s at column %d: trailing input after a complete formula",
                    tok_text(&ps, &ps.t, buf, sizeof buf), col(&ps.t));
    }
    return f;
}

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

/* The program computing roots[0..n): into the outputs (root r into output
 * r) when `outputs`, else left in registers (expr_pgrad). */
static ab_status compile(const expr *e, program *pr, const int16_t *roots, int n, bool outputs,
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
        bool c = truth(fr->sc[in->arg[2].i]);
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
            sc[i] = eval_d(nd, nd->a >= 0 ? sc[nd->a] : 0.0, nd->b >= 0 ? sc[nd->b] : 0.0,
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
        int skip = in->form == F_SELU ? (truth(sc[in->opnd[2]]) ? 1 : 0) : -1;
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

/* ==== kinks ==== */

#define KINK_GRID 20000

/* The operand whose zero is a kink: nodes[a] - nodes[b] - off (b = -1: 0). */
typedef struct {
    int16_t a, b;
    double off;
} kink_op;

typedef struct {
    const expr *e;
    double *val;          /* by node */
    const bool *live;
    const kink_op *op;
    int n_op;
} kink_eval;

/* Every live node that varies, at x, in double. */
static void eval_at(const kink_eval *ke, double x)
{
    const node *nodes = ke->e->nodes;
    for (int i = 0; i < ke->e->n_nodes; i++) {
        const node *nd = &nodes[i];
        if (!ke->live[i] || !VARYING(*nd))
            continue;
        double *v = ke->val;
        v[i] = nd->op == OP_X ? x
                              : eval_d(nd, nd->a >= 0 ? v[nd->a] : 0.0,
                                       nd->b >= 0 ? v[nd->b] : 0.0, nd->c >= 0 ? v[nd->c] : 0.0);
    }
}

static double operand(const kink_eval *ke, int j)
{
    const kink_op *o = &ke->op[j];
    return ke->val[o->a] - (o->b >= 0 ? ke->val[o->b] : 0.0) - o->off;
}

static double bisect(const kink_eval *ke, int j, double lo, double hi, double glo)
{
    for (int it = 0; it < 200 && hi - lo > 1e-12 * fmax(1.0, fabs(lo)); it++) {
        double mid = 0.5 * (lo + hi);
        eval_at(ke, mid);
        double g = operand(ke, j);
        if (g == 0.0)
            return mid;
        if ((g < 0.0) == (glo < 0.0))
            lo = mid, glo = g;
        else if (g == g)
            hi = mid;
        else
            break;
    }
    return 0.5 * (lo + hi);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The kink operands of the live nodes that vary, into op (at most one per node). */
static int kink_ops(const expr *e, const bool *live, kink_op *op)
{
    int n = 0;
    for (int i = 0; i < e->n_nodes; i++) {
        const node *nd = &e->nodes[i];
        if (!live[i] || !VARYING(*nd))
            continue;
        int a = nd->a;
        kink_op o = {.a = -1, .b = -1};
        if (IS_CMP(nd->op))
            o.a = (int16_t)a, o.b = nd->b;
        else if (nd->op == OP_ABS || nd->op == OP_SQRT || nd->op == OP_LOG)
            o.a = (int16_t)a;
        else if (nd->op == OP_LOG1P)
            o.a = (int16_t)a, o.off = -1.0;
        else if (nd->op == OP_SOFTPLUS)
            o.a = (int16_t)a, o.off = SOFTPLUS_THRESHOLD;
        else if ((nd->op == OP_POW && VARYING(e->nodes[a])) || (nd->op == OP_POWI && nd->v < 0))
            o.a = (int16_t)a;
        else if (nd->op == OP_DIV && VARYING(e->nodes[nd->b]))
            o.a = nd->b;
        else if (nd->op == OP_SEL && VARYING(e->nodes[nd->c]) && !IS_CMP(e->nodes[nd->c].op))
            o.a = nd->c;
        if (o.a >= 0)
            op[n++] = o;
    }
    return n;
}

int expr_kinks(const expr *e, const float *p, double lo, double hi, double *k, int max)
{
    int nn = e->n_nodes, found = 0, cap = 64, n_op;
    double *val = malloc((size_t)nn * sizeof *val), *prev = NULL, *at = NULL;
    bool *live = calloc((size_t)nn, sizeof *live);
    kink_op *op = malloc((size_t)nn * sizeof *op);
    if (!val || !live || !op)
        goto fail;
    /* the per-call values, and the nodes live with them */
    for (int i = 0; i < nn; i++) {
        const node *nd = &e->nodes[i];
        if (VARYING(*nd))
            continue;
        val[i] = nd->op == OP_CONST ? nd->v
                 : nd->op == OP_PARAM ? (double)p[(int)nd->v]
                                      : eval_d(nd, nd->a >= 0 ? val[nd->a] : 0.0,
                                               nd->b >= 0 ? val[nd->b] : 0.0,
                                               nd->c >= 0 ? val[nd->c] : 0.0);
    }
    live[e->f] = live[e->dx] = true;
    for (int i = nn - 1; i >= 0; i--) {
        const node *nd = &e->nodes[i];
        if (!live[i] || !VARYING(*nd))
            continue;
        bool taken_only = nd->op == OP_SEL && !VARYING(e->nodes[nd->c]);
        if (nd->a >= 0 && !(taken_only && !truth(val[nd->c])))
            live[nd->a] = true;
        if (nd->b >= 0 && !(taken_only && truth(val[nd->c])))
            live[nd->b] = true;
        if (nd->c >= 0)
            live[nd->c] = true;
    }
    n_op = kink_ops(e, live, op);
    prev = malloc(((size_t)n_op + 1) * sizeof *prev);
    at = malloc((size_t)cap * sizeof *at);
    if (!prev || !at)
        goto fail;
    kink_eval ke = {.e = e, .val = val, .live = live, .op = op, .n_op = n_op};
    for (int i = 0; n_op > 0 && hi >= lo && i <= KINK_GRID; i++) {
        double x = i == KINK_GRID ? hi : lo + (hi - lo) * i / KINK_GRID;
        double xl = i ? lo + (hi - lo) * (i - 1) / KINK_GRID : lo;
        eval_at(&ke, x);
        double g[EXPR_MAX_NODES];
        for (int j = 0; j < n_op; j++)
            g[j] = operand(&ke, j);
        for (int j = 0; j < n_op; j++) {
            double z = NAN;
            if (g[j] == 0.0)
                z = x;
            else if (i > 0 && prev[j] != 0.0 && g[j] == g[j] && prev[j] == prev[j] &&
                     (g[j] < 0.0) != (prev[j] < 0.0))
                z = bisect(&ke, j, xl, x, prev[j]);
            if (z == z) {
                if (found == cap) {
                    double *t = realloc(at, (size_t)cap * 2 * sizeof *at);
                    if (!t)
                        goto fail;
                    at = t, cap *= 2;
                }
                at[found++] = z;
            }
            prev[j] = g[j];
        }
    }
    qsort(at, (size_t)found, sizeof *at, by_value);
    int out = 0;
    for (int i = 0; i < found; i++) {
        if (out > 0 && at[i] - at[out - 1] <= 1e-9 * fmax(1.0, fabs(at[i])))
            continue;
        at[out++] = at[i];
    }
    for (int i = 0; i < out && i < max; i++)
        k[i] = at[i];
    free(val), free(live), free(op), free(prev), free(at);
    return out;
fail:
    free(val), free(live), free(op), free(prev), free(at);
    return -1;
}

/* ==== parameters, and putting it together ==== */

static const char *trim(const char *s, const char *end, const char **tend)
{
    while (s < end && is_space(*s))
        s++;
    while (end > s && is_space(end[-1]))
        end--;
    *tend = end;
    return s;
}

/* Why NAME cannot be a parameter's name, or NULL. */
static const char *bad_name(const char *nm)
{
    if (!is_name_start(nm[0]))
        return "a name is a letter or '_' followed by letters, digits or '_'";
    for (const char *c = nm; *c; c++)
        if (!is_name_char(*c))
            return "a name is a letter or '_' followed by letters, digits or '_'";
    if (!strcmp(nm, "x"))
        return "x is the variable";
    if (!strcmp(nm, "pi") || !strcmp(nm, "e"))
        return "it is a constant";
    if (find_function(nm) >= 0)
        return "it is a function";
    return NULL;
}

/* One "[~]NAME=VALUE", s[0..end), into e's next parameter. */
static ab_status parse_param(expr *e, const char *s, const char *end, ab_err *err)
{
    const char *te;
    s = trim(s, end, &te);
    end = te;
    if (s == end)
        return ab_fail(err, AB_EUSAGE, "empty parameter after ';' (write ;NAME=VALUE, or "
                       ";~NAME=VALUE for a trainable one)");
    if (e->n_params == EXPR_MAX_PARAMS)
        return ab_fail(err, AB_EUSAGE, "more than %d parameters (at most %d)", EXPR_MAX_PARAMS,
                       EXPR_MAX_PARAMS);
    param *pa = &e->par[e->n_params];
    memset(pa, 0, sizeof *pa);
    if (*s == '~')
        pa->learned = true, s++;
    const char *eq = memchr(s, '=', (size_t)(end - s));
    const char *ne;
    const char *nm = trim(s, eq ? eq : end, &ne);
    int nl = (int)(ne - nm);
    if (!eq)
        return ab_fail(err, AB_EUSAGE, "parameter '%.*s' has no value (write %s%.*s=VALUE)",
                       nl > 40 ? 40 : nl, nm, pa->learned ? "~" : "", nl > 40 ? 40 : nl, nm);
    if (nl == 0)
        return ab_fail(err, AB_EUSAGE, "parameter without a name before '=' (write "
                       ";NAME=VALUE)");
    if (nl >= (int)sizeof pa->name)
        return ab_fail(err, AB_EUSAGE, "parameter name '%.40s...' is too long (at most %d "
                       "characters)", nm, (int)sizeof pa->name - 1);
    memcpy(pa->name, nm, (size_t)nl);
    pa->name[nl] = '\0';
    const char *why = bad_name(pa->name);
    if (why)
        return ab_fail(err, AB_EUSAGE, "bad parameter name '%s': %s", pa->name, why);
    for (int j = 0; j < e->n_params; j++)
        if (!strcmp(e->par[j].name, pa->name))
            return ab_fail(err, AB_EUSAGE, "parameter '%s' given twice", pa->name);
    const char *ve;
    const char *v = trim(eq + 1, end, &ve);
    char buf[64];
    int vl = (int)(ve - v);
    if (vl == 0 || vl >= (int)sizeof buf)
        return ab_fail(err, AB_EUSAGE, "parameter '%s': bad value '%.*s' (a finite number)",
                       pa->name, vl > 40 ? 40 : vl, v);
    memcpy(buf, v, (size_t)vl);
    buf[vl] = '\0';
    char *vend;
    errno = 0;
    double d = strtod(buf, &vend);
    if (*vend != '\0')
        return ab_fail(err, AB_EUSAGE, "parameter '%s': bad value '%s' (a finite number)",
                       pa->name, buf);
    if (!isfinite(d) || fabs(d) > FLT_MAX)
        return ab_fail(err, AB_EUSAGE, "parameter '%s': value '%s' is not a finite float "
                       "(magnitude at most %g)", pa->name, buf, (double)FLT_MAX);
    pa->value = (float)d;
    e->n_params++;
    return AB_OK;
}

void expr_free(expr *e)
{
    free(e);
}

ab_status expr_parse(expr **out, const char *text, ab_err *err)
{
    *out = NULL;
    const char *semi = strchr(text, ';');
    size_t flen = semi ? (size_t)(semi - text) : strlen(text);
    const char *fe;
    const char *fs = trim(text, text + flen, &fe);
    expr *e = calloc(1, sizeof *e + (size_t)(fe - fs) + 1);
    if (!e)
        return ab_fail(err, AB_ERUNTIME, "out of memory for a formula");
    memcpy(e->formula, fs, (size_t)(fe - fs));
    ab_status st = AB_OK;
    for (const char *s = semi; s && st == AB_OK;) {
        const char *n = strchr(s + 1, ';');
        st = parse_param(e, s + 1, n ? n : s + 1 + strlen(s + 1), err);
        s = n;
    }
    if (st != AB_OK)
        goto fail;
    if (fs == fe) {
        st = ab_fail(err, AB_EUSAGE, "empty formula (write a formula in x, such as "
                     "x*sigmoid(x))");
        goto fail;
    }

    builder *bd = calloc(1, sizeof *bd);
    if (!bd) {
        st = ab_fail(err, AB_ERUNTIME, "out of memory for a formula");
        goto fail;
    }
    bd->e = e, bd->err = err;
    int f = parse_formula(bd, text, flen);
    for (int j = 0; f >= 0 && j < e->n_params; j++)
        if (!e->par[j].used)
            f = FAIL(bd, "parameter '%s' is not used in the formula", e->par[j].name);
    /* the derivatives, over the nodes f needs */
    bool need[EXPR_MAX_NODES] = {0};
    int16_t d[EXPR_MAX_NODES];
    int nf = e->n_nodes, ok = f;
    if (ok >= 0) {
        need[f] = true;
        for (int i = nf - 1; i >= 0; i--)
            if (need[i]) {
                const node *nd = &e->nodes[i];
                if (nd->a >= 0) need[nd->a] = true;
                if (nd->b >= 0) need[nd->b] = true;
                if (nd->c >= 0) need[nd->c] = true;
            }
        e->f = (int16_t)f;
        ok = derive(bd, d, nf, need, DEP_X);
        e->dx = d[f];
    }
    for (int j = 0, r = 0; ok >= 0 && j < e->n_params; j++)
        if (e->par[j].learned) {
            ok = derive(bd, d, nf, need, 2u << j);
            e->dp[r++] = d[f];
        }
    free(bd);
    if (ok < 0) {
        st = AB_EUSAGE;
        goto fail;
    }
    int16_t both[2] = {e->f, e->dx};
    int n_learned = 0;
    for (int j = 0; j < e->n_params; j++)
        n_learned += e->par[j].learned;
    if ((st = compile(e, &e->pf, &e->f, 1, true, err)) != AB_OK ||
        (st = compile(e, &e->pdf, &e->dx, 1, true, err)) != AB_OK ||
        (st = compile(e, &e->pfdf, both, 2, true, err)) != AB_OK ||
        (st = compile(e, &e->pgrad, e->dp, n_learned, false, err)) != AB_OK)
        goto fail;
    *out = e;
    return AB_OK;
fail:
    free(e);
    return st;
}

int expr_n_params(const expr *e)
{
    return e->n_params;
}

const char *expr_param_name(const expr *e, int j)
{
    return e->par[j].name;
}

float expr_param_value(const expr *e, int j)
{
    return e->par[j].value;
}

bool expr_param_learned(const expr *e, int j)
{
    return e->par[j].learned;
}

const char *expr_formula(const expr *e)
{
    return e->formula;
}

int expr_size(const expr *e, int *f_only)
{
    if (f_only)
        *f_only = e->pf.n_ins;
    return e->pfdf.n_ins;
}
