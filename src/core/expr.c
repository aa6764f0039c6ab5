/* expr.c - the front half of the formula engine of expr.h: a parser into a
 * hash-consed DAG that simplifies as it builds, exact derivatives built into
 * the same DAG (forward mode, one pass per variable), the kinks' search, and
 * the parameters.  expr_run.c compiles the DAG and runs it.
 *
 * Every node is built through one constructor per operation that folds
 * constants and applies the identities (0 + a, 1 a, 0 a, --a, ...), then
 * looks the node up in a hash table: an expression met twice, in f or in a
 * derivative, is one node, and a program computing f and f' computes it once. */
#include "expr.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr_impl.h"
#include "names.h"

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

bool expr_truth(double c)
{
    return (float)c != 0.0f;
}

double expr_eval_d(const node *nd, double a, double b, double c)
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
    case OP_SEL: return expr_truth(c) ? a : b;
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
        return k_(bd, expr_eval_d(&t, va, vb, vc));
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
        return expr_truth(N(bd, c)->v) ? a : b;
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

/* ==== kinks ==== */

#define KINK_GRID 20000
/* The search stops after this many sign changes: more kinks than gradcheck
 * can step around (its GC_MAX_KINKS), and each costs a bisection. */
#define KINK_SEARCH_MAX 4096

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
                              : expr_eval_d(nd, nd->a >= 0 ? v[nd->a] : 0.0,
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

/* The kink operands of the live nodes that vary, into op (at most one per
 * node).  softplus's threshold is the comparison in its derivative. */
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
                                      : expr_eval_d(nd, nd->a >= 0 ? val[nd->a] : 0.0,
                                               nd->b >= 0 ? val[nd->b] : 0.0,
                                               nd->c >= 0 ? val[nd->c] : 0.0);
    }
    live[e->f] = live[e->dx] = true;
    for (int i = nn - 1; i >= 0; i--) {
        const node *nd = &e->nodes[i];
        if (!live[i] || !VARYING(*nd))
            continue;
        bool taken_only = nd->op == OP_SEL && !VARYING(e->nodes[nd->c]);
        if (nd->a >= 0 && !(taken_only && !expr_truth(val[nd->c])))
            live[nd->a] = true;
        if (nd->b >= 0 && !(taken_only && expr_truth(val[nd->c])))
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
    for (int i = 0; n_op > 0 && hi >= lo && i <= KINK_GRID && found < KINK_SEARCH_MAX; i++) {
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
    /* a search cut short knows not how many there are: more than max */
    bool cut = found >= KINK_SEARCH_MAX;
    free(val), free(live), free(op), free(prev), free(at);
    return cut && out <= max ? max + 1 : out;
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
    if ((st = expr_compile(e, &e->pf, &e->f, 1, true, err)) != AB_OK ||
        (st = expr_compile(e, &e->pdf, &e->dx, 1, true, err)) != AB_OK ||
        (st = expr_compile(e, &e->pfdf, both, 2, true, err)) != AB_OK ||
        (st = expr_compile(e, &e->pgrad, e->dp, n_learned, false, err)) != AB_OK)
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
