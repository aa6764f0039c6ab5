/* fuzz_formula.c - libFuzzer target for the activation formulas (expr.h),
 * reached as `--act 'expr:TEXT'` reaches them: the input is TEXT (a NUL
 * byte ends it).  Invariants: on failure a one-line message and no formula;
 * on success at most EXPR_MAX_PARAMS parameters, the formula as written
 * before the first ';' (trimmed), f and f' at once the bits of f then f' on
 * inputs across both block sizes, learned parameters' gradients that leave
 * the fixed ones untouched, and kinks ascending and distinct. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "fuzz_util.h"

enum { N = 300 };   /* more than one block */

static int same_bits(float a, float b)
{
    return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    FZ_CHECK(text, "out of memory");
    memcpy(text, data, size);
    text[size] = '\0';
    expr *e = (expr *)text;
    ab_err err = {{0}};
    ab_status st = expr_parse(&e, text, &err);
    if (st != AB_OK) {
        FZ_CHECK(e == NULL, "a failed parse left a formula");
        FZ_CHECK(err.msg[0] && !strchr(err.msg, '\n'), "message \"%s\"", err.msg);
        free(text);
        return 0;
    }
    int np = expr_n_params(e);
    FZ_CHECK(np >= 0 && np <= EXPR_MAX_PARAMS, "%d parameters", np);
    /* the formula as written: what precedes ';', trimmed */
    const char *f = expr_formula(e), *semi = strchr(text, ';');
    size_t len = semi ? (size_t)(semi - text) : strlen(text), a = 0;
    while (a < len && strchr(" \t\n\r\f\v", text[a]))
        a++;
    while (len > a && strchr(" \t\n\r\f\v", text[len - 1]))
        len--;
    FZ_CHECK(strlen(f) == len - a && !memcmp(f, text + a, len - a), "formula '%s'", f);

    static float x[N], y[N], d[N], y2[N], d2[N], da[N];
    float p[EXPR_MAX_PARAMS];
    for (int j = 0; j < np; j++)
        p[j] = expr_param_value(e, j);
    for (int i = 0; i < N; i++) {
        x[i] = -12.0f + 24.0f * (float)i / (float)(N - 1);
        da[i] = 1.0f;
    }
    x[7] = 0.0f, x[8] = NAN, x[9] = INFINITY, x[10] = -INFINITY, x[11] = 1e30f;
    expr_fdf(e, y, d, x, N, p);
    expr_f(e, y2, x, N, p);
    expr_df(e, d2, x, N, p);
    for (int i = 0; i < N; i++)
        FZ_CHECK(same_bits(y[i], y2[i]) && same_bits(d[i], d2[i]),
                 "at %g: fused %g, %g; apart %g, %g", (double)x[i], (double)y[i], (double)d[i],
                 (double)y2[i], (double)d2[i]);
    double g[EXPR_MAX_PARAMS];
    for (int j = 0; j < EXPR_MAX_PARAMS; j++)
        g[j] = 7.0;
    expr_pgrad(e, g, da, x, N, p);
    for (int j = 0; j < np; j++)
        FZ_CHECK(expr_param_learned(e, j) || g[j] == 7.0, "fixed parameter %d's gradient", j);
    double k[16];
    int nk = expr_kinks(e, p, -4.0, 4.0, k, 16);
    FZ_CHECK(nk >= 0, "expr_kinks: %d", nk);
    for (int i = 0; i < nk && i < 16; i++)
        FZ_CHECK(k[i] >= -4.0 && k[i] <= 4.0 && (i == 0 || k[i] > k[i - 1]),
                 "kink %d at %.17g", i, k[i]);
    expr_free(e);
    free(text);
    return 0;
}
