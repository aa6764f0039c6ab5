/* expr.h - activation formulas: `--act 'expr:FORMULA'`.  A formula in x is
 * parsed once, differentiated exactly (symbolically) with respect to x and to
 * each trainable parameter, and compiled into programs that run over float
 * buffers a block at a time, each instruction one loop over the block.
 *
 * TEXT is "FORMULA[;NAME=VALUE|;~NAME=VALUE]...": NAME=VALUE fixes a
 * parameter, ~NAME=VALUE makes it trainable (learned per layer by the caller;
 * VALUE is its initial value).  NAME is [A-Za-z_][A-Za-z0-9_]*, at most 31
 * characters, and not x, pi, e or a function; VALUE a finite float (strtod,
 * the whole text).  At most EXPR_MAX_PARAMS; every one must be used.
 *
 * FORMULA, loosest binding first (whitespace anywhere between tokens):
 *   c ? a : b              conditional (right-assoc), c true when nonzero
 *   < <= > >= == !=        comparisons, 1 or 0 (left-assoc, as in C)
 *   + -                    binary
 *   * /
 *   -a +a                  unary
 *   a ^ b                  power, right-assoc, tighter than unary minus:
 *                          -x^2 = -(x^2), x^-2 = 1/x^2
 *   numbers (1, 1.5, .5, 1e-3), x, parameters, pi, e, (...), and the
 *   functions exp log log1p sqrt abs sin cos tanh sigmoid softplus erf (one
 *   argument), min max (two).
 *
 * The derivatives, and their values where f is not differentiable, follow
 * PyTorch's autograd:
 *   comparison             0
 *   c ? a : b              c ? a' : b' (as through torch.where)
 *   max(a, b)              is a > b ? a : b, min(a, b) is a < b ? a : b (as
 *                          torch.where computes them): a tie takes the
 *                          second argument, so max(x, 0)' = 0 at 0 (relu's
 *                          choice) but max(0, x)' = 1 there; torch.maximum
 *                          would split a tie, 1/2 each
 *   abs                    sign(a) a', sign(0) = 0
 *   sqrt                   a' / (2 sqrt a): inf at 0
 *   log, log1p             a' / a, a' / (1 + a)
 *   exp, sin, cos          exp(a) a', cos(a) a', -sin(a) a'
 *   tanh, sigmoid          (1 - t^2) a', s (1 - s) a'; sigmoid(t) = 1/(1+e^-t)
 *   softplus               softplus(t) = t > 20 ? t : log1p(e^t) (PyTorch's
 *                          beta 1, threshold 20); its derivative 1 above 20,
 *                          sigmoid(t) up to 20
 *   erf                    2/sqrt(pi) e^(-a^2) a'
 *   a ^ n, n an integer    products (x^3 = x x x, x^-2 = 1/(x x)) for
 *   constant, |n| <= 64    |n| <= 64, derivative n a^(n-1) a'
 *   a ^ b, otherwise       powf; derivative b a^(b-1) a' + a^b log(a) b', the
 *                          first term 0 where b = 0, the second where a = 0
 *                          and b >= 0 (PyTorch's masks: x^x' = 0 at 0)
 *
 * Numbers and fixed parameters are constants, folded in double (a fixed
 * parameter as the float it is, so that ~b=V starts as the b=V it learns
 * from); the per-element programs compute in float.  Whatever depends on
 * the trainable parameters alone is computed once per call, in double, and
 * enters the per-element loops as a float; a conditional whose condition is
 * of that kind computes only the branch taken.  The transcendental functions
 * are vmath.h's (SLEEF or glibc: the back end in use); a ^ b is glibc's
 * powf, element by element. */
#ifndef ACTBENCH_EXPR_H
#define ACTBENCH_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#define EXPR_MAX_PARAMS 8

/* The size limits of a formula: operations after differentiation and
 * simplification, and the block buffers a program needs at once (each
 * EXPR_BLOCK floats on the caller's stack: at most 48 KiB). */
#define EXPR_MAX_NODES 512
#define EXPR_MAX_REGS 48
#define EXPR_BLOCK 256

typedef struct expr expr;

/* Parses and compiles TEXT ("FORMULA[;NAME=VALUE|;~NAME=VALUE]...", the
 * "expr:" already stripped) into *out, which the caller frees with
 * expr_free.  AB_EUSAGE with one line in err naming the bad thing (its
 * 1-based column in TEXT for the formula) and what is accepted; AB_ERUNTIME
 * when memory is short. */
ab_status expr_parse(expr **out, const char *text, ab_err *err);
void expr_free(expr *e);   /* e may be NULL */

int expr_n_params(const expr *e);
const char *expr_param_name(const expr *e, int j);
float expr_param_value(const expr *e, int j);   /* the value given (initial value when trainable) */
bool expr_param_learned(const expr *e, int j);
const char *expr_formula(const expr *e);   /* the formula part as written, trimmed */

/* The block instructions of the program computing f and f' together (and,
 * in *f_only when not NULL, of f alone): the work per element, each a loop
 * or a vmath.h call, for the tests and reports. */
int expr_size(const expr *e, int *f_only);

/* p[0..n_params) are the parameter values in the order written: a learned
 * one's current per-layer value; a fixed one's entry is ignored (its value
 * is folded into the program).  p may be NULL when no parameter is learned.
 * Thread-safe: e is read-only after parse; scratch lives on the stack (up
 * to 56 KiB).  f, f' and both at once give the same bits, whatever n and
 * however the buffers are aligned. */
void expr_f(const expr *e, float *restrict y, const float *restrict x, size_t n, const float *p);
void expr_df(const expr *e, float *restrict d, const float *restrict x, size_t n, const float *p);
void expr_fdf(const expr *e, float *restrict y, float *restrict d, const float *restrict x,
              size_t n, const float *p);

/* g[j] += sum_i da[i] * (d f / d p_j)(x[i]) for every learned parameter j
 * (g indexed like p; others untouched), summed in double over 8 interleaved
 * partial sums (element i into sum i mod 8) combined pairwise at the end: a
 * fixed order, the same for the same inputs. */
void expr_pgrad(const expr *e, double *g, const float *restrict da, const float *restrict x,
                size_t n, const float *p);

/* The points in [lo, hi] where f or f' may not be smooth, with parameters p:
 * where the operand of a comparison (a - b for a < b, ...), of a
 * conditional's non-comparison condition, of abs, sqrt, log, log1p (1 + a),
 * of softplus's threshold (a - 20), the base of a ^ with a non-integer or
 * non-constant exponent, or a denominator (a pole) crosses zero, in the
 * branches the parameters leave live.  Found in double: sign changes of the
 * operands on a grid of 20000 steps (a zero on the grid is taken as it is),
 * then bisection to 1e-12 (relative above 1).  Ascending, points closer than
 * 1e-9 (relative above 1) merged, into k[0..max); returns how many were
 * found (more than max: only max written; the search stops after 4096
 * sign changes, so that a formula of thousands of kinks costs a fraction of
 * a second, and then returns more than max), -1 when memory is short. */
int expr_kinks(const expr *e, const float *p, double lo, double hi, double *k, int max);

#endif
