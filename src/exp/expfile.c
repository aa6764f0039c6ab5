/* expfile.c - reading experiment files with inih, and the check language. */
#include "expfile.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "optim.h"
#include "setting.h"
#include "text.h"
#include "probe.h"
#include "record.h"

/* The longest section name inih passes on whole: its MAX_SECTION (50, of
 * inih r55 as Debian builds it) less the NUL. */
#define XF_MAX_SECTION_NAME 49

/* The sweep keys are the settings table's first XF_N_KEYS rows; their names
 * are the rows' (arrays, so that these are constant addresses). */
#define KEY_NAME(k) setting_table[k].name
const char *const xf_key_names[XF_N_KEYS] = {
    KEY_NAME(0), KEY_NAME(1), KEY_NAME(2), KEY_NAME(3), KEY_NAME(4),  KEY_NAME(5),
    KEY_NAME(6), KEY_NAME(7), KEY_NAME(8), KEY_NAME(9), KEY_NAME(10), KEY_NAME(11),
};
_Static_assert(XF_N_KEYS == 12, "xf_key_names lists every sweep key");
_Static_assert(sizeof setting_table[0].name == 12 && sizeof ((xf_setup *)0)->txt[0][0] == 24,
               "XF_POINT_TEXT_SIZE has room for the longest key name and value");

const xf_qty_info xf_qtys[XF_N_QTY] = {
    {"test_acc", "test accuracy", "test-set accuracy after the last epoch"},
    {"train_acc", "training accuracy", "training accuracy over the last epoch"},
    {"test_loss", "test loss (cross-entropy, nats)", "mean test loss after the last epoch"},
    {"train_loss", "training loss (cross-entropy, nats)", "mean training loss over the last epoch"},
    {"acc_gain", "test accuracy gained", "test accuracy after the last epoch minus at epoch 0"},
    {"epochs_to_target", "epochs to target accuracy",
     "first epoch whose test accuracy reaches target_acc; epochs + 1 when none does"},
    {"decay", "per-layer gradient factor",
     "geometric mean of bias_grad_norm(l) / bias_grad_norm(l+1) "
     "over hidden layers at epoch 0"},
    {"grad_ratio", "gradient ratio, layer 1 / layer depth",
     "bias_grad_norm(1) / bias_grad_norm(depth) at epoch 0"},
    {"grad_first", "||dL/db|| of layer 1", "bias_grad_norm of hidden layer 1 at epoch 0"},
    {"hidden_grad_max", "max ||dL/dW|| of hidden layers",
     "largest grad_norm of any hidden layer at any probe"},
    {"hidden_change", "relative change of hidden weights",
     "||W_final - W_init|| / ||W_init|| over all hidden layers"},
    {"dead_pct", "dead units (%)", "mean dead_pct over hidden layers at the last probe"},
    {"dead_pct_max", "dead units (%)", "largest mean dead_pct over hidden layers at any probe"},
    {"revived_pct", "dead units that revived (%)",
     "% of units dead at some probe after epoch 0 that are alive at the last probe"},
    {"dead_on_test_pct", "dead units also dead on test (%)",
     "% of units dead on the probe set at the end that are also exactly 0 on every test sample"},
    {"saturated_pct", "saturated units (%)", "mean saturated_pct over hidden layers at epoch 0"},
    {"sat_low_pct", "saturated, z < 0 (%)",
     "mean sat_low_pct over hidden layers at epoch 0 (the saturated pairs with z < 0)"},
    {"sat_high_pct", "saturated, z >= 0 (%)",
     "mean sat_high_pct over hidden layers at epoch 0 (the saturated pairs with z >= 0)"},
    {"same_sign_pct", "single-sign gradient rows (%)",
     "mean same_sign_pct over hidden layers 2..depth at epoch 0"},
    {"act_mean", "mean activation", "mean act_mean over hidden layers at epoch 0"},
    {"act_mean_deep", "mean activation, deepest layer",
     "act_mean of hidden layer depth at epoch 0"},
    {"act_std_deep", "std of activations, deepest layer",
     "act_std of hidden layer depth at epoch 0"},
    {"diverged", "diverged (1 = yes)", "1 when a loss became NaN or infinite, else 0"},
    {"seconds_per_epoch", "seconds per epoch", "training time per epoch, probes excluded"},
    {"ns", "ns per element (f + f')", "bench-acts: median ns per element of f and f' as a "
     "training step computes them, with the point's math"},
    {"step_us", "us per training step", "bench-acts: median microseconds of a whole SGD "
     "training step of 2 -> width x depth -> 3 at the point's batch and math"},
    {"step_vs_relu", "training step time / relu's", "bench-acts: step_us over relu's at the "
     "same point (empty when relu is not among the acts)"},
};

/* ---- small parsing helpers ------------------------------------------- */

typedef struct {
    experiment *e;
    bool quick;
    int line;
    bool failed;
    ab_err *err;
    xf_setup scratch;   /* [quick] values are checked here when not applied */
    bool seen_setup, seen_quick, seen_claim, seen_study;
    const char *set_arg; /* the --set KEY=VALUE being applied: messages name it, not a line */
    char cur[128];       /* the section being read */
    int cur_check, cur_plot;
    bool continued;      /* the line is an indented continuation */
    char prev_name[64];  /* the last key, and its value so far (for continuations) */
    char prev_value[1024];
    char keys[64][64];   /* keys given in the current section */
    int n_keys;
    char sections[64][128]; /* section headers seen, their lines, whether keyed */
    int sec_line[64];
    bool sec_used[64];
    int n_sections;
} parse_ctx;

static int fail(parse_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(parse_ctx *c, const char *fmt, ...)
{
    if (c->failed)
        return 0;
    if (c->err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err->msg, sizeof c->err->msg, fmt, ap);
        va_end(ap);
    }
    if (c->set_arg)
        ab_context(c->err, "%s: --set %s", c->e->path, c->set_arg);
    else
        ab_context(c->err, "%s:%d", c->e->path, c->line);
    c->failed = true;
    return 0;
}

/* Fails with a library's message e about key: "PATH:LINE: KEY: ...". */
static int fail_with(parse_ctx *c, const char *key, const ab_err *e)
{
    if (c->failed)
        return 0;
    if (c->err)
        *c->err = *e;
    ab_context(c->err, "%s", key);
    if (c->set_arg)
        ab_context(c->err, "%s: --set %s", c->e->path, c->set_arg);
    else
        ab_context(c->err, "%s:%d", c->e->path, c->line);
    c->failed = true;
    return 0;
}

static void trim_copy(char *out, size_t n, const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s))
        s++, len--;
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if (len >= n)
        len = n - 1;
    memcpy(out, s, len);
    out[len] = '\0';
}

static bool to_long(long *out, const char *s, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* Copies src into dst (size n), cut to fit. */
static void set_str(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);
    if (len >= n)
        len = n - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* Appends v, after a space, to the text so far in dst (size n): a value
 * continued on indented lines.  false, dst unchanged, when the whole does not
 * fit: a value cut short could read differently (a check's test above all). */
static bool append(char *dst, size_t n, const char *v)
{
    size_t len = strlen(dst), add = strlen(v) + (len ? 1 : 0);
    if (len + add >= n)
        return false;
    snprintf(dst + len, n - len, "%s%s", len ? " " : "", v);
    return true;
}

/* append, or fail() naming key and its limit. */
static bool append_key(parse_ctx *c, const char *key, char *dst, size_t n, const char *v)
{
    if (append(dst, n, v))
        return true;
    return fail(c, "%s: longer than %zu characters (continued lines joined by spaces)", key,
                n - 1);
}

/* ---- sweep values ---------------------------------------------------- */

/* One value of sweep key k from text t into *v (init, optimizer and loss as
 * their enum, yes and no as 1 and 0); false after fail(). */
static bool key_value(parse_ctx *c, int k, const char *t, double *v)
{
    setting_value sv;
    ab_err e;
    if (setting_parse(&sv, (setting_id)k, t, &e) != AB_OK)
        return fail_with(c, xf_key_names[k], &e);
    if (sv.arg) /* normal:STD */
        return fail(c, "%s: '%s': in an experiment file the standard deviation is %s (%s = "
                    "%.*s, %s = %s)", xf_key_names[k], t, xf_key_names[XF_KEY_INIT_STD],
                    xf_key_names[k], (int)(sv.arg - 1 - t), t, xf_key_names[XF_KEY_INIT_STD],
                    sv.arg);
    *v = sv.num;
    return true;
}

/* The longest item of a comma list, its NUL included: an item is on one
 * line (continuation lines start new items), so a formula fits. */
#define XF_ITEM INI_MAX_LINE

/* Splits the comma list of key into at most max trimmed items; -1 after
 * fail() for more items (noun: what they are) or an item too long. */
static int split(parse_ctx *c, const char *key, const char *noun, char items[][XF_ITEM + 1],
                 int max, const char *list)
{
    int n = 0;
    const char *s = list;
    for (;;) {
        const char *comma = text_list_comma(s);
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        if (n == max)
            return fail(c, "%s: more than %d %s", key, max, noun), -1;
        trim_copy(items[n], XF_ITEM + 1, s, len);
        if (strlen(items[n]) >= XF_ITEM)
            return fail(c, "%s: '%.*s...' is longer than %d characters", key, 32, items[n],
                        XF_ITEM - 1), -1;
        n++;
        /* "a, b," at the end of a line: the list continues on the next */
        if (!comma)
            return n > 1 && !items[n - 1][0] ? n - 1 : n;
        s = comma + 1;
    }
}

static bool set_key(parse_ctx *c, xf_setup *s, int k, const char *value)
{
    char items[XF_MAX_VALUES + 1][XF_ITEM + 1];
    int n = split(c, xf_key_names[k], "values", items, XF_MAX_VALUES, value);
    if (n < 0)
        return false;
    for (int i = 0; i < n; i++) {
        if (!items[i][0])
            return fail(c, "%s: empty value in '%s'", xf_key_names[k], value);
        if (!key_value(c, k, items[i], &s->v[k][i]))
            return false;
        size_t len = strlen(items[i]);
        if (len >= sizeof s->txt[k][i])
            return fail(c, "%s: '%s' is longer than %zu characters", xf_key_names[k], items[i],
                        sizeof s->txt[k][i] - 1);
        memcpy(s->txt[k][i], items[i], len + 1);
        for (int j = 0; j < i; j++)
            if (!strcmp(items[j], items[i]))
                return fail(c, "%s: '%s' given twice", xf_key_names[k], items[i]);
    }
    s->n[k] = n;
    return true;
}

static bool set_acts(parse_ctx *c, xf_setup *s, const char *value)
{
    char items[XF_MAX_ACTS + 1][XF_ITEM + 1];
    int n = split(c, "acts", "activations", items, XF_MAX_ACTS, value);
    if (n < 0)
        return false;
    for (int i = 0; i < n; i++) {
        ab_err e;
        if (act_parse(&s->acts[i], items[i], &e) != AB_OK)
            return fail_with(c, setting_table[SET_ACTS].name, &e);
        for (int j = 0; j < i; j++)
            if (!strcmp(s->acts[j].label, s->acts[i].label))
                return fail(c, "acts: '%s' given twice", items[i]);
    }
    s->n_acts = n;
    return true;
}

/* A value of one of the settings that take a single value into s. */
static void assign(xf_setup *s, setting_id id, const setting_value *v)
{
    switch (id) {
    case SET_SAMPLES: s->samples = (int)v->whole; break;
    case SET_TEST_FRAC: s->test_frac = v->num; break;
    case SET_EPOCHS: s->epochs = (int)v->whole; break;
    case SET_SEEDS: s->seeds = (int)v->whole; break;
    case SET_SEED: s->seed = (uint64_t)v->whole; break;
    case SET_LOG_EVERY: s->log_every = (int)v->whole; break;
    case SET_TARGET_ACC: s->target_acc = v->num; break;
    case SET_ELEMENTS: s->elements = v->whole; break;
    case SET_REPEATS: s->repeats = (int)v->whole; break;
    default: break; /* the sweep keys, acts and data are set where they are read */
    }
}

/* "kind, depth, width, ...": every [setup] key. */
static void setup_keys(char *buf, size_t n)
{
    size_t len = (size_t)snprintf(buf, n, "kind");
    for (int i = 0; i < SET_COUNT && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, ", %s", setting_table[i].name);
}

/* A [setup] or [quick] key; false after fail(). */
static bool setup_key(parse_ctx *c, xf_setup *s, const char *name, const char *value,
                      bool quick)
{
    int id = setting_find(name);
    ab_err e;
    if (id >= 0 && id < XF_N_KEYS)
        return set_key(c, s, id, value);
    if (id == SET_ACTS)
        return set_acts(c, s, value);
    if (id == SET_DATA) {
        if (data_check_name(value, &e) != AB_OK)
            return fail_with(c, name, &e);
        if (strlen(value) >= sizeof s->data)
            return fail(c, "%s: longer than %zu characters", name, sizeof s->data - 1);
        snprintf(s->data, sizeof s->data, "%s", value);
        return true;
    }
    if (id >= 0) {
        setting_value v;
        if (setting_parse(&v, (setting_id)id, value, &e) != AB_OK)
            return fail_with(c, name, &e);
        assign(s, (setting_id)id, &v);
        return true;
    }
    if (!strcmp(name, "kind")) {
        if (quick)
            return fail(c, "kind: cannot change in [quick]");
        if (!strcmp(value, "train"))
            return s->kind = XF_TRAIN, true;
        if (!strcmp(value, "bench-acts"))
            return s->kind = XF_BENCH_ACTS, true;
        return fail(c, "kind: '%s' is not one of train, bench-acts", value);
    }
    char keys[400];
    setup_keys(keys, sizeof keys);
    return fail(c, "unknown key '%s' in [%s] (accepted: %s)", name, quick ? "quick" : "setup",
                keys);
}

/* ---- checks ------------------------------------------------------------ */

typedef struct {
    parse_ctx *c;
    xf_check *chk;
    const xf_setup *s;
    const char *p;
} expr_parser;

static void skip_ws(expr_parser *ep)
{
    while (isspace((unsigned char)*ep->p))
        ep->p++;
}

static int new_node(expr_parser *ep, xf_node_kind kind, int a, int b)
{
    if (ep->chk->n_nodes == XF_MAX_NODES)
        return fail(ep->c, "check '%s': expression too long", ep->chk->name), -1;
    int i = ep->chk->n_nodes++;
    xf_node *n = &ep->chk->nodes[i];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->a = a;
    n->b = b;
    return i;
}

/* Reads a name of [A-Za-z0-9_.:+-] (activation labels may hold ':' '.' '-').
 * One too long for out (n bytes) fails, and out is "": cut, it could name
 * another label.  Every caller then fails on the empty name. */
static void read_word(expr_parser *ep, char *out, size_t n, bool act)
{
    size_t len = 0;
    const char *start;
    skip_ws(ep);
    start = ep->p;
    while (isalnum((unsigned char)*ep->p) || *ep->p == '_' ||
           (act && (*ep->p == ':' || *ep->p == '.' || *ep->p == '-' || *ep->p == '+'))) {
        if (len + 1 < n)
            out[len] = *ep->p;
        len++;
        ep->p++;
    }
    if (len >= n) {
        fail(ep->c, "check '%s': '%.32s...' is longer than %zu characters in: %s",
             ep->chk->name, start, n - 1, ep->chk->test);
        len = 0;
    }
    out[len] = '\0';
}

static bool expect(expr_parser *ep, char ch)
{
    skip_ws(ep);
    if (*ep->p != ch)
        return fail(ep->c, "check '%s': expected '%c' at '%s' in: %s", ep->chk->name, ch,
                    *ep->p ? ep->p : "end", ep->chk->test);
    ep->p++;
    return true;
}

static int find_key(const char *name)
{
    for (int k = 0; k < XF_N_KEYS; k++)
        if (!strcmp(name, xf_key_names[k]))
            return k;
    return -1;
}

static int parse_expr(expr_parser *ep);

/* "depth, width, lr, ...": the sweep keys whose values are numbers. */
static void numeric_keys(char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 0; k < XF_N_KEYS && len < n; k++)
        if (setting_is_numeric((setting_id)k))
            len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? ", " : "",
                                    xf_key_names[k]);
}

static int parse_quantity(expr_parser *ep, const char *name)
{
    int q = -1;
    for (int i = 0; i < XF_N_QTY; i++)
        if (!strcmp(name, xf_qtys[i].name))
            q = i;
    if (q < 0) {
        char list[600] = "";
        for (int i = 0; i < XF_N_QTY; i++)
            (void)append(list, sizeof list, xf_qtys[i].name);
        return fail(ep->c, "check '%s': unknown quantity '%s' (accepted: %s)", ep->chk->name,
                    name, list), -1;
    }
    int i = new_node(ep, XF_E_QTY, -1, -1);
    if (i < 0 || !expect(ep, '('))
        return -1;
    xf_node *n = &ep->chk->nodes[i];
    n->qty = q;
    char act[64];
    read_word(ep, act, sizeof act, true);
    n->act = -1;
    for (int a = 0; a < ep->s->n_acts; a++)
        if (!strcmp(act, ep->s->acts[a].label))
            n->act = a;
    if (n->act < 0) {
        char list[XF_MAX_ACTS * XF_ITEM] = "";
        for (int a = 0; a < ep->s->n_acts; a++)
            (void)append(list, sizeof list, ep->s->acts[a].label);
        return fail(ep->c, "check '%s': %s(%s): '%s' is not in acts (%s)", ep->chk->name, name,
                    act, act, list), -1;
    }
    skip_ws(ep);
    while (*ep->p == ',') {
        ep->p++;
        char key[64], val[64];
        read_word(ep, key, sizeof key, false);
        int k = find_key(key);
        if (k < 0 || ep->s->n[k] < 2)
            return fail(ep->c, "check '%s': '%s' is not a key with several values in [setup]",
                        ep->chk->name, key), -1;
        if (!expect(ep, '='))
            return -1;
        read_word(ep, val, sizeof val, true);
        int vi = -1;
        for (int j = 0; j < ep->s->n[k]; j++)
            if (!strcmp(val, ep->s->txt[k][j]))
                vi = j;
        if (vi < 0)
            return fail(ep->c, "check '%s': %s=%s: not one of the values of %s in [setup]",
                        ep->chk->name, key, val, key), -1;
        if (n->n_fix == XF_MAX_FIX)
            return fail(ep->c, "check '%s': more than %d filters", ep->chk->name,
                        XF_MAX_FIX), -1;
        n->fix_key[n->n_fix] = k;
        n->fix_val[n->n_fix++] = vi;
        skip_ws(ep);
    }
    return expect(ep, ')') ? i : -1;
}

static int parse_factor(expr_parser *ep)
{
    skip_ws(ep);
    if (*ep->p == '(') {
        ep->p++;
        int i = parse_expr(ep);
        return i >= 0 && expect(ep, ')') ? i : -1;
    }
    if (*ep->p == '-') {
        ep->p++;
        int a = parse_factor(ep);
        return a < 0 ? -1 : new_node(ep, XF_E_NEG, a, -1);
    }
    if (isdigit((unsigned char)*ep->p) || *ep->p == '.') {
        char *end;
        double v = strtod(ep->p, &end);
        ep->p = end;
        int i = new_node(ep, XF_E_NUM, -1, -1);
        if (i >= 0)
            ep->chk->nodes[i].num = v;
        return i;
    }
    char name[64];
    read_word(ep, name, sizeof name, false);
    if (!name[0])
        return fail(ep->c, "check '%s': expected a number or a quantity at '%s' in: %s",
                    ep->chk->name, *ep->p ? ep->p : "end", ep->chk->test), -1;
    if (!strcmp(name, "abs")) {
        if (!expect(ep, '('))
            return -1;
        int a = parse_expr(ep);
        return a >= 0 && expect(ep, ')') ? new_node(ep, XF_E_ABS, a, -1) : -1;
    }
    if (!strcmp(name, "rate")) {
        if (!expect(ep, '('))
            return -1;
        int a = parse_expr(ep);
        if (a < 0 || !expect(ep, ','))
            return -1;
        char key[64];
        read_word(ep, key, sizeof key, false);
        int k = find_key(key);
        if (k < 0 || ep->s->n[k] < 2)
            return fail(ep->c, "check '%s': rate(..., %s): needs a key with several values",
                        ep->chk->name, key), -1;
        /* the fit needs the key's values as numbers, as [plot] x does */
        if (!setting_is_numeric((setting_id)k)) {
            char keys[200];
            numeric_keys(keys, sizeof keys);
            return fail(ep->c, "check '%s': rate(..., %s): %s is not numeric (accepted: %s)",
                        ep->chk->name, key, key, keys), -1;
        }
        if (!expect(ep, ')'))
            return -1;
        int i = new_node(ep, XF_E_RATE, a, -1);
        if (i >= 0)
            ep->chk->nodes[i].rate_key = k;
        ep->chk->bound |= 1u << k;
        return i;
    }
    return parse_quantity(ep, name);
}

static int parse_term(expr_parser *ep)
{
    int a = parse_factor(ep);
    for (;;) {
        skip_ws(ep);
        char ch = *ep->p;
        if (a < 0 || (ch != '*' && ch != '/'))
            return a;
        ep->p++;
        int b = parse_factor(ep);
        if (b < 0)
            return -1;
        a = new_node(ep, ch == '*' ? XF_E_MUL : XF_E_DIV, a, b);
    }
}

static int parse_expr(expr_parser *ep)
{
    int a = parse_term(ep);
    for (;;) {
        skip_ws(ep);
        char ch = *ep->p;
        if (a < 0 || (ch != '+' && ch != '-'))
            return a;
        ep->p++;
        int b = parse_term(ep);
        if (b < 0)
            return -1;
        a = new_node(ep, ch == '+' ? XF_E_ADD : XF_E_SUB, a, b);
    }
}

static bool parse_check(parse_ctx *c, xf_check *chk, const xf_setup *s)
{
    expr_parser ep = {.c = c, .chk = chk, .s = s, .p = chk->test};
    chk->n_nodes = 0;
    chk->bound = 0;
    if ((chk->lhs = parse_expr(&ep)) < 0)
        return false;
    skip_ws(&ep);
    static const struct { const char *s; xf_op op; } ops[] = {
        {"<=", XF_OP_LE}, {">=", XF_OP_GE}, {"==", XF_OP_EQ}, {"<", XF_OP_LT}, {">", XF_OP_GT}};
    bool found = false;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0] && !found; i++)
        if (!strncmp(ep.p, ops[i].s, strlen(ops[i].s))) {
            chk->op = ops[i].op;
            ep.p += strlen(ops[i].s);
            found = true;
        }
    if (!found)
        return fail(c, "check '%s': expected one of < <= > >= == after the left side in: %s",
                    chk->name, chk->test);
    if ((chk->rhs = parse_expr(&ep)) < 0)
        return false;
    skip_ws(&ep);
    if (*ep.p)
        return fail(c, "check '%s': unexpected '%s' in: %s", chk->name, ep.p, chk->test);
    /* A key is not iterated over when every quantity fixes it (or rate()
     * consumes it): the check then compares fixed points only. */
    unsigned all = ~0u;
    for (int i = 0; i < chk->n_nodes; i++) {
        const xf_node *n = &chk->nodes[i];
        unsigned m = 0;
        if (n->kind != XF_E_QTY)
            continue;
        for (int f = 0; f < n->n_fix; f++)
            m |= 1u << n->fix_key[f];
        all &= m;
    }
    chk->bound |= all == ~0u ? 0u : all;
    return true;
}

/* ---- plots ----------------------------------------------------------- */

static bool plot_key(parse_ctx *c, xf_plot *pl, const char *name, const char *value)
{
    if (!strcmp(name, "x")) {
        if (!strcmp(value, "layer"))
            return pl->x = XF_X_LAYER, true;
        if (!strcmp(value, "epoch"))
            return pl->x = XF_X_EPOCH, true;
        if (!strcmp(value, "act"))
            return pl->x = XF_X_ACT, true;
        if (!strcmp(value, "value"))
            return pl->x = XF_X_VALUE, true;
        int k = find_key(value);
        if (k < 0)
            return fail(c, "x: '%s' is not layer, epoch, act, value or a [setup] sweep key",
                        value);
        if (!setting_is_numeric((setting_id)k))
            return fail(c, "x: %s is not numeric (name it in series instead)", value);
        return pl->x = k, true;
    }
    if (!strcmp(name, "y")) {
        if (strlen(value) >= sizeof pl->y)
            return fail(c, "y: '%s' is too long", value);
        snprintf(pl->y, sizeof pl->y, "%s", value);
        return true;
    }
    if (!strcmp(name, "logy") || !strcmp(name, "reference")) {
        bool v;
        ab_err e;
        if (setting_parse_bool(&v, value, &e) != AB_OK)
            return fail_with(c, name, &e);
        *(name[0] == 'l' ? &pl->logy : &pl->reference) = v;
        return true;
    }
    if (!strcmp(name, "epoch")) {
        long l;
        if (!strcmp(value, "last"))
            return pl->epoch = -1, true;
        if (!to_long(&l, value, 0, setting_table[SET_EPOCHS].max))
            return fail(c, "epoch: '%s' is not 'last' or an epoch number", value);
        return pl->epoch = (int)l, true;
    }
    if (!strcmp(name, "layer")) {
        long l;
        if (!strcmp(value, "last"))
            return pl->layer = 0, true;
        if (!to_long(&l, value, 1, setting_table[SET_DEPTH].max))
            return fail(c, "layer: '%s' is not 'last' or a hidden layer 1..%ld", value,
                        setting_table[SET_DEPTH].max);
        return pl->layer = (int)l, true;
    }
    if (!strcmp(name, "title")) {
        return append_key(c, name, pl->title, sizeof pl->title, value);
    }
    if (!strcmp(name, "ylabel")) {
        int w = snprintf(pl->ylabel, sizeof pl->ylabel, "%s", value);
        if (w < 0 || (size_t)w >= sizeof pl->ylabel)
            return fail(c, "ylabel: longer than %zu characters", sizeof pl->ylabel - 1);
        return true;
    }
    if (!strcmp(name, "series") || !strcmp(name, "at")) {
        /* checked against the setup once the whole file is read */
        return true;
    }
    return fail(c, "unknown key '%s' in [plot] (accepted: x, y, logy, reference, series, at, "
                   "epoch, layer, title, ylabel)", name);
}

/* ---- the inih handler ------------------------------------------------ */

/* A continuation line ("acts = a, b" then "  c") joined onto the value so
 * far of the key it continues; any other key recorded as given in its
 * section (refused when given twice there) and copied.  The result in
 * joined (n chars); false when refused. */
static bool join_value(parse_ctx *c, char *joined, size_t n, const char *section,
                       const char *name, const char *value)
{
    if (c->continued && !strcmp(name, c->prev_name)) {
        size_t len = strlen(c->prev_value);
        int w = snprintf(joined, n, "%s%s%s", c->prev_value,
                         len && c->prev_value[len - 1] != ',' ? ", " : " ", value);
        /* only a set-up list is read joined; other keys append to their own
         * buffers and name their own limits */
        bool listed = !strcmp(section, "setup") || !strcmp(section, "quick");
        if (listed && (w < 0 || (size_t)w >= n))
            return fail(c, "%s: value longer than %zu characters", name, n - 1);
    } else {
        for (int i = 0; i < c->n_keys && strcmp(section, c->cur) == 0; i++)
            if (!strcmp(c->keys[i], name))
                return fail(c, "'%s' given twice in [%s]", name, section);
        if (strcmp(section, c->cur))
            c->n_keys = 0;
        size_t most = sizeof c->keys / sizeof c->keys[0];
        if (strlen(name) >= sizeof c->keys[0])
            return fail(c, "key '%.32s...' is longer than %zu characters", name,
                        sizeof c->keys[0] - 1);
        if ((size_t)c->n_keys == most)
            return fail(c, "more than %zu keys in [%s]", most, section);
        snprintf(c->keys[c->n_keys++], sizeof c->keys[0], "%s", name);
        snprintf(joined, n, "%s", value);
    }
    snprintf(c->prev_name, sizeof c->prev_name, "%s", name);
    snprintf(c->prev_value, sizeof c->prev_value, "%s", joined);
    return true;
}

/* [check NAME]: a new check, its name checked and unique. */
static bool enter_check(parse_ctx *c, const char *section)
{
    experiment *e = c->e;
    const char *nm = section[5] ? section + 6 : "";
    if (!nm[0])
        return fail(c, "[check] needs a name: [check NAME]");
    for (const char *p = nm; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return fail(c, "[check %s]: a name holds only letters, digits, '-' and '_'", nm);
    if (e->n_checks == XF_MAX_CHECKS)
        return fail(c, "more than %d checks", XF_MAX_CHECKS);
    for (int i = 0; i < e->n_checks; i++)
        if (!strcmp(e->checks[i].name, nm))
            return fail(c, "[check %s] given twice", nm);
    c->cur_check = e->n_checks++;
    snprintf(e->checks[c->cur_check].name, sizeof e->checks[0].name, "%s", nm);
    return true;
}

/* The first key of a section: makes it the current one, and a new check
 * or plot where it is one; refuses an unknown or misplaced section. */
static bool enter_section(parse_ctx *c, const char *section)
{
    experiment *e = c->e;
    set_str(c->cur, sizeof c->cur, section);
    c->cur_check = c->cur_plot = -1;
    if (!strncmp(section, "check ", 6) || !strcmp(section, "check")) {
        return enter_check(c, section);
    } else if (!strncmp(section, "plot", 4) && (!section[4] || section[4] == ' ')) {
        if (e->n_plots == XF_MAX_PLOTS)
            return fail(c, "more than %d plots", XF_MAX_PLOTS);
        c->cur_plot = e->n_plots++;
        xf_plot *pl = &e->plots[c->cur_plot];
        snprintf(pl->name, sizeof pl->name, "%s", section[4] ? section + 5 : "");
        pl->x = XF_X_ACT;
        pl->epoch = 0;
    } else if (!strcmp(section, "quick")) {
        if (!c->seen_setup)
            return fail(c, "[quick] must come after [setup]");
        c->seen_quick = true;
        c->scratch = e->setup;
    } else if (!strcmp(section, "setup")) {
        if (c->seen_setup)
            return fail(c, "[setup] given twice");
        c->seen_setup = true;
    } else if (!strcmp(section, "claim")) {
        c->seen_claim = true;
    } else if (!strcmp(section, "study")) {
        c->seen_study = true;
    } else {
        return fail(c, "unknown section [%s] (accepted: claim or study, setup, quick, check "
                       "NAME, plot, plot NAME)", section);
    }
    return true;
}

/* A key of [claim], or of [study] (a claim's keys but its number). */
static bool claim_key(parse_ctx *c, const char *name, const char *value, bool study)
{
    experiment *e = c->e;
    if (study && !strcmp(name, "number")) {
        return fail(c, "number: a study has no claim number (a file with a claim has [claim] "
                       "with number, title, text and source, and checks)");
    } else if (!strcmp(name, "number")) {
        long l;
        if (!to_long(&l, value, 1, 15))
            return fail(c, "number: '%s' is not a claim number 1..15", value);
        e->claim = (int)l;
    } else if (!strcmp(name, "title")) {
        return append_key(c, name, e->title, sizeof e->title, value);
    } else if (!strcmp(name, "text")) {
        return append_key(c, name, e->text, sizeof e->text, value);
    } else if (!strcmp(name, "source")) {
        return append_key(c, name, e->source, sizeof e->source, value);
    } else {
        return fail(c, "unknown key '%s' in [%s] (accepted: %stitle, text, source)", name,
                    study ? "study" : "claim", study ? "" : "number, ");
    }
    return true;
}

/* A key of [check NAME]; the test is parsed once the set-up is complete. */
static bool check_key(parse_ctx *c, xf_check *chk, const char *name, const char *value)
{
    if (!strcmp(name, "what")) {
        return append_key(c, name, chk->what, sizeof chk->what, value);
    } else if (!strcmp(name, "test")) {
        chk->line = c->line;
        return append_key(c, name, chk->test, sizeof chk->test, value);
    } else {
        return fail(c, "unknown key '%s' in [check %s] (accepted: what, test)", name,
                    chk->name);
    }
    return true;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *c = user;
    experiment *e = c->e;
    if (c->failed)
        return 0;
    if (!section[0])
        return fail(c, "key '%s' before any [section]", name);
    if (c->n_sections)
        c->sec_used[c->n_sections - 1] = true;
    char joined[1024];
    if (!join_value(c, joined, sizeof joined, section, name, value))
        return 0;
    /* a set-up key re-reads its whole list at each continuation line; the
     * other keys append each line to their text themselves */
    if (c->continued && (!strcmp(section, "setup") || !strcmp(section, "quick")))
        value = joined;
    if (strcmp(section, c->cur) && !enter_section(c, section))
        return 0;
    bool ok;
    if (!strcmp(section, "claim") || !strcmp(section, "study"))
        ok = claim_key(c, name, value, !strcmp(section, "study"));
    else if (!strcmp(section, "setup"))
        ok = setup_key(c, &e->setup, name, value, false);
    else if (!strcmp(section, "quick"))
        ok = setup_key(c, c->quick ? &e->setup : &c->scratch, name, value, true);
    else if (c->cur_check >= 0)
        ok = check_key(c, &e->checks[c->cur_check], name, value);
    else
        ok = plot_key(c, &e->plots[c->cur_plot], name, value);
    return ok ? 1 : 0;
}

/* inih reader that counts lines, so that errors found in the handler name
 * their line; and refuses lines inih would split. */
typedef struct {
    FILE *f;
    parse_ctx *c;
    bool too_long;
    int read_errno;
} line_reader;

static char *read_line(char *str, int num, void *stream)
{
    line_reader *r = stream;
    parse_ctx *c = r->c;
    char *s = fgets(str, num, r->f);
    if (!s) {
        if (ferror(r->f))
            r->read_errno = errno ? errno : EIO;
        return NULL;
    }
    c->line++;
    size_t len = strlen(s);
    if (len == (size_t)num - 1 && s[len - 1] != '\n' && !feof(r->f)) {
        r->too_long = true;
        return NULL;
    }
    const char *t = s;
    while (*t == ' ' || *t == '\t')
        t++;
    bool blank = *t == '\0' || *t == '\n' || *t == '\r' || *t == ';' || *t == '#';
    c->continued = t != s && !blank;
    /* inih takes " ;" as the start of a comment: a formula's parameter
     * written after a space ("x*sigmoid(b*x) ;b=1.5") would vanish */
    const char *formula = strstr(t, "expr:");
    for (const char *q = formula ? strchr(formula, ';') : NULL; !blank && q;
         q = strchr(q + 1, ';')) {
        if (q[-1] != ' ' && q[-1] != '\t')
            continue;
        const char *w = q + 1;
        w += *w == '~';
        const char *id = w;
        while (*w == '_' || isalnum((unsigned char)*w))
            w++;
        while (*w == ' ' || *w == '\t')
            w++;
        if (w > id && !isdigit((unsigned char)*id) && *w == '=' && w[1] != '=') {
            fail(c, "'%.*s': a space before ';' starts a comment, which would drop the "
                    "formula's parameter: write it without the space", (int)strcspn(q, "\r\n"),
                 q);
            return NULL;
        }
    }
    if (*t == '[') {
        /* inih does not report a section without keys, nor a repeated header
         * right after itself: check headers here */
        const char *end = strchr(t, ']');
        char name[128];
        trim_copy(name, sizeof name, t + 1, end ? (size_t)(end - t - 1) : 0);
        /* inih cuts longer names silently (its MAX_SECTION, 50 with the NUL) */
        if (strlen(name) > XF_MAX_SECTION_NAME) {
            fail(c, "[%.32s...]: a section name is at most %d characters", name,
                 XF_MAX_SECTION_NAME);
            return NULL;
        }
        for (int i = 0; i < c->n_sections; i++)
            if (!strcmp(c->sections[i], name)) {
                fail(c, "[%s] given twice (first at line %d)", name, c->sec_line[i]);
                return NULL;
            }
        if (c->n_sections == 64) {
            fail(c, "more than 64 sections");
            return NULL;
        }
        snprintf(c->sections[c->n_sections], sizeof c->sections[0], "%s", name);
        c->sec_line[c->n_sections] = c->line;
        c->sec_used[c->n_sections++] = false;
    }
    return s;
}

/* ---- second pass: what needs the whole file -------------------------- */

/* Parses "key=value, ..." or "key, key" lists of a plot against the setup. */
static bool plot_lists(parse_ctx *c, xf_plot *pl, const char *series, const char *at)
{
    const xf_setup *s = &c->e->setup;
    char items[XF_N_KEYS + 1][XF_ITEM + 1];
    /* act and every sweep key once */
    int n = series[0] ? split(c, "series", "items", items, XF_N_KEYS + 1, series) : 0;
    if (n < 0)
        return false;
    pl->series = 0;
    for (int i = 0; i < n; i++) {
        if (!strcmp(items[i], "act"))
            continue;
        int k = find_key(items[i]);
        if (k < 0)
            return fail(c, "series: '%s' is not act or a sweep key", items[i]);
        pl->series |= 1u << k;
    }
    n = at[0] ? split(c, "at", "items (one per sweep key)", items, XF_N_KEYS, at) : 0;
    if (n < 0)
        return false;
    for (int i = 0; i < n; i++) {
        char *eq = strchr(items[i], '=');
        if (!eq)
            return fail(c, "at: '%s' is not key=value", items[i]);
        *eq = '\0';
        char key[64], val[64];
        trim_copy(key, sizeof key, items[i], strlen(items[i]));
        trim_copy(val, sizeof val, eq + 1, strlen(eq + 1));
        int k = find_key(key), vi = -1;
        if (k < 0)
            return fail(c, "at: '%s' is not a sweep key", key);
        for (int j = 0; j < s->n[k]; j++)
            if (!strcmp(val, s->txt[k][j]))
                vi = j;
        if (vi < 0)
            return fail(c, "at: %s=%s is not one of the values of %s in [setup]", key, val, key);
        pl->fix_key[pl->n_fix] = k;
        pl->fix_val[pl->n_fix++] = vi;
    }
    return true;
}

/* Second handler: checks, and the plot lists, once the setup is known. */
typedef struct {
    parse_ctx *c;
    int plot;
    char series[XF_MAX_PLOTS][200], at[XF_MAX_PLOTS][200];
    int line[XF_MAX_PLOTS];
    char cur[128];
} pass2_ctx;

static int handler2(void *user, const char *section, const char *name, const char *value)
{
    pass2_ctx *p = user;
    if (p->c->failed)
        return 0;
    if (strcmp(section, p->cur)) {
        set_str(p->cur, sizeof p->cur, section);
        if (!strncmp(section, "plot", 4))
            p->plot++;
    }
    if (!strncmp(section, "plot", 4) && p->plot >= 0) {
        bool ok = true;
        if (!strcmp(name, "series"))
            ok = append_key(p->c, name, p->series[p->plot], sizeof p->series[0], value);
        if (!strcmp(name, "at"))
            ok = append_key(p->c, name, p->at[p->plot], sizeof p->at[0], value);
        if (!strcmp(name, "series") || !strcmp(name, "at"))
            p->line[p->plot] = p->c->line;
        return ok;
    }
    return 1;
}

/* What a plot against layer or epoch can show: columns of layers.csv (over
 * epochs, their mean over hidden layers) and of loss.csv.  Lists the first
 * (layers) or the second into buf as "a, b, c", for messages. */
static const char *column_list(char *buf, size_t n, bool loss)
{
    int count = loss ? record_n_loss_cols : probe_n_metrics;
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < count && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "",
                                loss ? record_loss_cols[i].name : probe_metrics[i].name);
    return buf;
}

/* AB_EUSAGE unless pl's y is what its x, when layer or epoch, can show. */
static ab_status check_y_column(const xf_plot *pl, const char *path, ab_err *err)
{
    char lc[400], sc[200];
    if (pl->x == XF_X_LAYER && !probe_metric_find(pl->y))
        return ab_fail(err, AB_EUSAGE, "%s: [plot %s]: y = %s: with x = layer, y must be one "
                       "of %s", path, pl->name, pl->y, column_list(lc, sizeof lc, false));
    if (pl->x == XF_X_EPOCH && !probe_metric_find(pl->y) && !record_loss_col_find(pl->y))
        return ab_fail(err, AB_EUSAGE, "%s: [plot %s]: y = %s: with x = epoch, y must be one "
                       "of %s, %s", path, pl->name, pl->y, column_list(sc, sizeof sc, true),
                       column_list(lc, sizeof lc, false));
    return AB_OK;
}

/* AB_EUSAGE unless a plot against value shows a histogram (y = act_hist or
 * preact_hist) of epoch 0 or the last, where histograms are taken, and a
 * plot against anything else names no layer. */
static ab_status check_hist_plot(const xf_plot *pl, const char *path, ab_err *err)
{
    if (pl->x != XF_X_VALUE)
        return pl->layer ? ab_fail(err, AB_EUSAGE, "%s: [plot %s]: layer: only with x = value",
                                   path, pl->name)
                         : AB_OK;
    if (strcmp(pl->y, "act_hist") && strcmp(pl->y, "preact_hist"))
        return ab_fail(err, AB_EUSAGE, "%s: [plot %s]: y = %s: with x = value, y must be "
                       "act_hist or preact_hist", path, pl->name, pl->y);
    if (pl->epoch > 0)
        return ab_fail(err, AB_EUSAGE, "%s: [plot %s]: epoch = %d: with x = value, epoch must "
                       "be 0 or last (histograms are taken there)", path, pl->name, pl->epoch);
    if (pl->reference)
        return ab_fail(err, AB_EUSAGE, "%s: [plot %s]: reference: not with x = value", path,
                       pl->name);
    return AB_OK;
}

/* AB_EUSAGE when a plot against value names a layer deeper than a depth
 * of the points it shows. */
static ab_status check_hist_layer(const xf_plot *pl, const xf_setup *s, const char *path,
                                  ab_err *err)
{
    if (pl->x != XF_X_VALUE || !pl->layer)
        return AB_OK;
    for (int j = 0; j < s->n[XF_KEY_DEPTH]; j++) {
        bool shown = true;
        for (int f = 0; f < pl->n_fix; f++)
            shown &= pl->fix_key[f] != XF_KEY_DEPTH || pl->fix_val[f] == j;
        if (shown && s->v[XF_KEY_DEPTH][j] < pl->layer)
            return ab_fail(err, AB_EUSAGE, "%s: [plot %s]: layer = %d: deeper than depth %s",
                           path, pl->name, pl->layer, s->txt[XF_KEY_DEPTH][j]);
    }
    return AB_OK;
}

static ab_status parse_file(parse_ctx *c, ini_handler h, void *user, ab_err *err)
{
    line_reader r = {.f = fopen(c->e->path, "r"), .c = c};
    if (!r.f)
        return ab_fail(err, AB_ERUNTIME, "%s: cannot open: %s", c->e->path, strerror(errno));
    c->line = 0;
    c->n_sections = c->n_keys = 0;
    c->cur[0] = c->prev_name[0] = '\0';
    int rc = ini_parse_stream(read_line, &r, h, user);
    fclose(r.f);
    if (r.read_errno)
        return ab_fail(err, AB_ERUNTIME, "%s: cannot read: %s", c->e->path,
                       strerror(r.read_errno));
    if (c->failed)
        return AB_EUSAGE;
    if (r.too_long)
        return ab_fail(err, AB_EUSAGE, "%s:%d: line longer than %d characters (continue a long "
                       "value on indented lines)", c->e->path, c->line, INI_MAX_LINE - 2);
    if (rc > 0)
        return ab_fail(err, AB_EUSAGE, "%s:%d: not INI syntax (expected [section] or key = "
                       "value)", c->e->path, rc);
    if (rc < 0)
        return ab_fail(err, AB_ERUNTIME, "%s: cannot read", c->e->path);
    return AB_OK;
}

/* The settings table's defaults, but no acts: a file must name them.  lr is
 * sgd's usual rate, whatever optimizer says. */
static void setup_defaults(xf_setup *s)
{
    memset(s, 0, sizeof *s);
    s->kind = XF_TRAIN;
    for (int i = 0; i < SET_COUNT; i++) {
        const setting_info *r = &setting_table[i];
        char def[24];
        setting_value v = {0};
        snprintf(def, sizeof def, "%s", r->def ? r->def : "");
        if (i == SET_LR)
            snprintf(def, sizeof def, "%g", optim_default_lr(OPT_SGD));
        if (i == SET_ACTS || !def[0])
            continue;
        if (i == SET_DATA)
            snprintf(s->data, sizeof s->data, "%s", def);
        else if (setting_parse(&v, (setting_id)i, def, NULL) == AB_OK)
            assign(s, (setting_id)i, &v);
        if (i < XF_N_KEYS) {
            s->v[i][0] = v.num;
            snprintf(s->txt[i][0], sizeof s->txt[i][0], "%s", def);
            s->n[i] = 1;
        }
    }
}

/* What a whole file needs, checked once it is read: every section keyed, a
 * usable file name, the claim complete, acts, a check, and a sweep of
 * reasonable size (none for kind = bench-acts). */
static ab_status check_whole(const parse_ctx *c, ab_err *err)
{
    const experiment *e = c->e;
    const char *path = e->path;
    for (int i = 0; i < c->n_sections; i++)
        if (!c->sec_used[i])
            return ab_fail(err, AB_EUSAGE, "%s:%d: [%s] has no keys", path, c->sec_line[i],
                           c->sections[i]);
    for (const char *p = e->id; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return ab_fail(err, AB_EUSAGE, "%s: the file name may hold only letters, digits, "
                           "'-' and '_' before .ini (it names the result folder)", path);
    if (c->seen_claim && c->seen_study)
        return ab_fail(err, AB_EUSAGE, "%s: [claim] and [study]: a file is one or the other",
                       path);
    if (c->seen_study && !e->title[0])
        return ab_fail(err, AB_EUSAGE, "%s: [study] needs title", path);
    if (c->seen_study && e->n_checks)
        return ab_fail(err, AB_EUSAGE, "%s: [check %s]: a study has no checks (checks decide a "
                       "claim's verdict: give [claim] with number, title, text and source)",
                       path, e->checks[0].name);
    if (!c->seen_study && (!e->claim || !e->title[0] || !e->text[0] || !e->source[0]))
        return ab_fail(err, AB_EUSAGE, "%s: [claim] needs number, title, text and source (a "
                       "file without a claim is a [study]: title, and no checks)", path);
    if (!e->setup.n_acts)
        return ab_fail(err, AB_EUSAGE, "%s: [setup] needs acts", path);
    if (!c->seen_study && !e->n_checks)
        return ab_fail(err, AB_EUSAGE, "%s: needs at least one [check NAME]", path);
    for (int k = 0; k < XF_N_KEYS; k++)
        if (e->setup.kind == XF_BENCH_ACTS && e->setup.n[k] > 1 && k != XF_KEY_MATH &&
            k != XF_KEY_WIDTH)
            return ab_fail(err, AB_EUSAGE, "%s: kind = bench-acts sweeps only math and width "
                           "(not %s)", path, xf_key_names[k]);
    long long runs = 1;
    for (int k = 0; k < XF_N_KEYS; k++)
        runs *= e->setup.n[k];
    if (runs * e->setup.n_acts * e->setup.seeds > XF_MAX_RUNS)
        return ab_fail(err, AB_EUSAGE, "%s: more than %d runs in the sweep", path, XF_MAX_RUNS);
    return AB_OK;
}

/* The checks' tests, parsed against the complete set-up; a bad one names
 * the line of its test. */
static ab_status parse_checks(parse_ctx *c, ab_err *err)
{
    experiment *e = c->e;
    for (int i = 0; i < e->n_checks; i++) {
        xf_check *chk = &e->checks[i];
        c->line = chk->line;
        if (!chk->test[0])
            return ab_fail(err, AB_EUSAGE, "%s: [check %s] needs test", e->path, chk->name);
        if (!chk->what[0])
            return ab_fail(err, AB_EUSAGE, "%s: [check %s] needs what", e->path, chk->name);
        if (!parse_check(c, chk, &e->setup))
            return AB_EUSAGE;
    }
    return AB_OK;
}

/* The plots' y, series and at, from a second pass over the file (the lists
 * refer to the complete set-up); a bad one names the line of its list. */
static ab_status read_plots(parse_ctx *c, ab_err *err)
{
    experiment *e = c->e;
    pass2_ctx p2 = {.c = c, .plot = -1};
    ab_status st = parse_file(c, handler2, &p2, err);
    if (st != AB_OK)
        return st;
    for (int i = 0; i < e->n_plots; i++) {
        xf_plot *pl = &e->plots[i];
        c->line = p2.line[i];
        if (!pl->y[0])
            return ab_fail(err, AB_EUSAGE, "%s: [plot %s] needs y", e->path, pl->name);
        pl->y_qty = -1;
        for (int q = 0; q < XF_N_QTY; q++)
            if (!strcmp(pl->y, xf_qtys[q].name))
                pl->y_qty = q;
        if ((pl->x >= 0 || pl->x == XF_X_ACT) && pl->y_qty < 0)
            return ab_fail(err, AB_EUSAGE, "%s: [plot %s]: y = %s: with x = a sweep key or act, "
                           "y must be a quantity", e->path, pl->name, pl->y);
        if ((st = check_y_column(pl, e->path, err)) != AB_OK ||
            (st = check_hist_plot(pl, e->path, err)) != AB_OK)
            return st;
        if (!plot_lists(c, pl, p2.series[i], p2.at[i]))
            return AB_EUSAGE;
        if ((st = check_hist_layer(pl, &e->setup, e->path, err)) != AB_OK)
            return st;
    }
    return AB_OK;
}

/* --set KEY=VALUE: the set-up keys a file's [setup] takes but kind, and
 * the nearest of them for a typo. */
static bool apply_set(parse_ctx *c, const char *arg, bool *given)
{
    const char *eq = strchr(arg, '=');
    char key[64];
    c->set_arg = arg;
    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof key)
        return fail(c, "not KEY=VALUE (e.g. --set depth=3)");
    snprintf(key, sizeof key, "%.*s", (int)(eq - arg), arg);
    const char *value = eq + 1;
    int id = setting_find(key);
    if (id < 0) {
        char keys[400];
        int best = -1, dist = 3;
        for (int i = 0; i < SET_COUNT; i++) {
            int d = names_distance(key, setting_table[i].name);
            if (d < dist)
                dist = d, best = i;
        }
        setup_keys(keys, sizeof keys);
        if (!strcmp(key, "kind"))
            return fail(c, "kind cannot be set (it is what the file measures)");
        return best >= 0 ? fail(c, "unknown key '%s' (did you mean '%s'? accepted: %s)", key,
                                setting_table[best].name, keys + strlen("kind, "))
                         : fail(c, "unknown key '%s' (accepted: %s)", key,
                                keys + strlen("kind, "));
    }
    if (given[id])
        return fail(c, "%s is set twice", key);
    given[id] = true;
    size_t n = strlen(value);
    if (!n || value[0] == ',' || value[n - 1] == ',' || strstr(value, ",,"))
        return fail(c, "%s: '%s' has an empty item (give values separated by single commas)",
                    key, value);
    if (!setup_key(c, &c->e->setup, key, value, false))
        return false;
    size_t len = strlen(c->e->overrides);
    snprintf(c->e->overrides + len, sizeof c->e->overrides - len, "%s%s", len ? " " : "", arg);
    if (strlen(c->e->overrides) >= sizeof c->e->overrides - 1)
        return fail(c, "the --set values are longer than %zu characters in all",
                    sizeof c->e->overrides - 2);
    return true;
}

ab_status xf_load(experiment *e, const char *path, bool quick, ab_err *err)
{
    return xf_load_set(e, path, quick, NULL, 0, err);
}

ab_status xf_load_set(experiment *e, const char *path, bool quick, const char *const *set,
                      int n_set, ab_err *err)
{
    memset(e, 0, sizeof *e);
    if ((size_t)snprintf(e->path, sizeof e->path, "%s", path) >= sizeof e->path)
        return ab_fail(err, AB_EUSAGE, "%s: path too long", path);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strlen(base) >= sizeof e->id)
        return ab_fail(err, AB_EUSAGE, "%s: the file name is longer than %zu characters (it "
                       "names the result folder)", path, sizeof e->id - 1);
    snprintf(e->id, sizeof e->id, "%s", base);
    char *dot = strrchr(e->id, '.');
    if (dot && !strcmp(dot, ".ini"))
        *dot = '\0';
    setup_defaults(&e->setup);
    parse_ctx c = {.e = e, .quick = quick, .err = err, .cur_check = -1, .cur_plot = -1};
    /* inih cannot tell a NUL byte, nor stop on endless input: a file of
     * text, at most XF_MAX_FILE bytes, is checked first (long lines are the
     * reader's own message) */
    ab_status st = text_check(path, XF_MAX_FILE, XF_MAX_FILE, err);
    if (st == AB_OK)
        st = parse_file(&c, handler, &c, err);
    if (st != AB_OK)
        return st;
    bool given[SET_COUNT] = {false};
    for (int i = 0; i < n_set; i++)
        if (!apply_set(&c, set[i], given))
            return AB_EUSAGE;
    c.set_arg = NULL;
    e->study = c.seen_study;
    if (e->setup.kind == XF_BENCH_ACTS)
        e->setup.seeds = 1; /* repeats play that part */
    c.line = 0;
    if ((st = check_whole(&c, err)) == AB_OK && (st = parse_checks(&c, err)) == AB_OK)
        st = read_plots(&c, err);
    /* a check or plot may name a value that --set took away */
    if (st != AB_OK && e->overrides[0] && err) {
        size_t len = strlen(err->msg);
        snprintf(err->msg + len, sizeof err->msg - len, " (with --set %s)", e->overrides);
    }
    return st;
}

/* ---- points ---------------------------------------------------------- */

int xf_n_points(const xf_setup *s)
{
    int n = 1;
    for (int k = 0; k < XF_N_KEYS; k++)
        n *= s->n[k];
    return n;
}

void xf_point(const xf_setup *s, int p, int *idx)
{
    for (int k = XF_N_KEYS - 1; k >= 0; k--) {
        idx[k] = p % s->n[k];
        p /= s->n[k];
    }
}

int xf_point_index(const xf_setup *s, const int *idx)
{
    int p = 0;
    for (int k = 0; k < XF_N_KEYS; k++)
        p = p * s->n[k] + idx[k];
    return p;
}

void xf_point_text(char *out, size_t n, const xf_setup *s, const int *idx)
{
    size_t len = 0;
    out[0] = '\0';
    for (int k = 0; k < XF_N_KEYS && len < n; k++)
        if (s->n[k] > 1)
            len += (size_t)snprintf(out + len, n - len, "%s%s=%s", len ? ", " : "",
                                    xf_key_names[k], s->txt[k][idx[k]]);
}
