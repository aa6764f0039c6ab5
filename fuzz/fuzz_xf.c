/* fuzz_xf.c - invariants of a loaded experiment (see fuzz_xf.h). */
#include "fuzz_xf.h"

#include <string.h>

#include "data.h"
#include "fuzz_util.h"
#include "setting.h"

#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

/* Marks node i and its operands as seen in seen, each once. */
static void walk(const xf_check *chk, int i, int *seen)
{
    FZ_CHECK(i >= 0 && i < chk->n_nodes, "check '%s': node %d of %d", chk->name, i,
             chk->n_nodes);
    FZ_CHECK(!seen[i], "check '%s': node %d reached twice", chk->name, i);
    seen[i] = 1;
    const xf_node *n = &chk->nodes[i];
    if (n->a >= 0) {
        FZ_CHECK(n->a < i, "check '%s': node %d has operand %d after it", chk->name, i, n->a);
        walk(chk, n->a, seen);
    }
    if (n->b >= 0) {
        FZ_CHECK(n->b < i, "check '%s': node %d has operand %d after it", chk->name, i, n->b);
        walk(chk, n->b, seen);
    }
}

void fz_check_expr(const xf_check *chk, const xf_setup *s)
{
    FZ_CHECK(TERMINATED(chk->name) && TERMINATED(chk->what) && TERMINATED(chk->test),
             "check strings not terminated");
    FZ_CHECK(chk->n_nodes >= 2 && chk->n_nodes <= XF_MAX_NODES, "check '%s': %d nodes",
             chk->name, chk->n_nodes);
    FZ_CHECK(chk->op >= XF_OP_LT && chk->op <= XF_OP_EQ, "check '%s': op %d", chk->name,
             (int)chk->op);
    int seen[XF_MAX_NODES] = {0};
    walk(chk, chk->lhs, seen);
    walk(chk, chk->rhs, seen);
    for (int i = 0; i < chk->n_nodes; i++) {
        const xf_node *n = &chk->nodes[i];
        FZ_CHECK(seen[i], "check '%s': node %d is in neither side", chk->name, i);
        int arity = (n->a >= 0) + (n->b >= 0);
        switch (n->kind) {
        case XF_E_NUM:
            FZ_CHECK(arity == 0, "number node with operands");
            break;
        case XF_E_QTY:
            FZ_CHECK(arity == 0, "quantity node with operands");
            FZ_CHECK(n->qty >= 0 && n->qty < XF_N_QTY, "quantity %d", n->qty);
            FZ_CHECK(n->act >= 0 && n->act < s->n_acts, "act %d of %d", n->act, s->n_acts);
            FZ_CHECK(n->n_fix >= 0 && n->n_fix <= XF_MAX_FIX, "%d filters", n->n_fix);
            for (int f = 0; f < n->n_fix; f++) {
                int k = n->fix_key[f];
                FZ_CHECK(k >= 0 && k < XF_N_KEYS && s->n[k] >= 2, "filter on key %d", k);
                FZ_CHECK(n->fix_val[f] >= 0 && n->fix_val[f] < s->n[k], "filter value %d of %d",
                         n->fix_val[f], s->n[k]);
            }
            break;
        case XF_E_NEG:
        case XF_E_ABS:
            FZ_CHECK(n->a >= 0 && n->b < 0, "unary node %d with operands %d, %d", i, n->a, n->b);
            break;
        case XF_E_RATE:
            FZ_CHECK(n->a >= 0 && n->b < 0, "rate node %d with operands %d, %d", i, n->a, n->b);
            FZ_CHECK(n->rate_key >= 0 && n->rate_key < XF_N_KEYS && s->n[n->rate_key] >= 2,
                     "rate over key %d", n->rate_key);
            FZ_CHECK(chk->bound >> n->rate_key & 1, "rate key %d not bound", n->rate_key);
            break;
        case XF_E_ADD:
        case XF_E_SUB:
        case XF_E_MUL:
        case XF_E_DIV:
            FZ_CHECK(n->a >= 0 && n->b >= 0, "binary node %d with operands %d, %d", i, n->a,
                     n->b);
            break;
        default:
            FZ_CHECK(0, "node %d of kind %d", i, (int)n->kind);
        }
    }
    FZ_CHECK(chk->bound < 1u << XF_N_KEYS, "bound keys 0x%x", chk->bound);
}

static void check_setup(const xf_setup *s)
{
    FZ_CHECK(s->kind == XF_TRAIN || s->kind == XF_BENCH_ACTS, "kind %d", (int)s->kind);
    FZ_CHECK(s->n_acts >= 1 && s->n_acts <= XF_MAX_ACTS, "%d acts", s->n_acts);
    for (int a = 0; a < s->n_acts; a++) {
        FZ_CHECK(s->acts[a].info && TERMINATED(s->acts[a].label), "act %d", a);
        for (int b = 0; b < a; b++)
            FZ_CHECK(strcmp(s->acts[a].label, s->acts[b].label), "act '%s' twice",
                     s->acts[a].label);
    }
    FZ_CHECK(TERMINATED(s->data), "data not terminated");
    FZ_CHECK(data_check_name(s->data, NULL) == AB_OK, "data '%s' not a data set", s->data);
    long long runs = 1;
    for (int k = 0; k < XF_N_KEYS; k++) {
        FZ_CHECK(s->n[k] >= 1 && s->n[k] <= XF_MAX_VALUES, "%s: %d values", xf_key_names[k],
                 s->n[k]);
        runs *= s->n[k];
        for (int j = 0; j < s->n[k]; j++) {
            FZ_CHECK(TERMINATED(s->txt[k][j]), "%s: value %d not terminated", xf_key_names[k], j);
            setting_value v;
            ab_err err;
            FZ_CHECK(setting_parse(&v, (setting_id)k, s->txt[k][j], &err) == AB_OK,
                     "%s = %s does not re-read: %s", xf_key_names[k], s->txt[k][j], err.msg);
            FZ_CHECK(v.num == s->v[k][j] || (s->v[k][j] != s->v[k][j] && v.num != v.num),
                     "%s = %s re-reads as %g, held as %g", xf_key_names[k], s->txt[k][j], v.num,
                     s->v[k][j]);
            for (int i = 0; i < j; i++)
                FZ_CHECK(strcmp(s->txt[k][i], s->txt[k][j]), "%s: '%s' twice", xf_key_names[k],
                         s->txt[k][j]);
        }
    }
    FZ_CHECK(s->seeds >= 1 && runs * s->n_acts * s->seeds <= 100000,
             "%lld points x %d acts x %d seeds", runs, s->n_acts, s->seeds);
    int np = xf_n_points(s);
    FZ_CHECK(np == runs, "xf_n_points %d, product %lld", np, runs);
    int idx[XF_N_KEYS];
    for (int p = 0; p < np && p < 4096; p++) {
        xf_point(s, p, idx);
        for (int k = 0; k < XF_N_KEYS; k++)
            FZ_CHECK(idx[k] >= 0 && idx[k] < s->n[k], "point %d: index %d of key %d", p, idx[k],
                     k);
        FZ_CHECK(xf_point_index(s, idx) == p, "point %d does not round-trip", p);
    }
}

static void check_plot(const xf_plot *pl, const xf_setup *s)
{
    FZ_CHECK(TERMINATED(pl->name) && TERMINATED(pl->y) && TERMINATED(pl->title) &&
             TERMINATED(pl->ylabel), "plot strings not terminated");
    FZ_CHECK((pl->x >= 0 && pl->x < XF_N_KEYS) || pl->x == XF_X_LAYER || pl->x == XF_X_EPOCH ||
             pl->x == XF_X_ACT, "plot x %d", pl->x);
    FZ_CHECK(pl->y[0], "plot without y");
    FZ_CHECK(pl->y_qty >= -1 && pl->y_qty < XF_N_QTY, "plot y_qty %d", pl->y_qty);
    FZ_CHECK(pl->series < 1u << XF_N_KEYS, "series 0x%x", pl->series);
    FZ_CHECK(pl->n_fix >= 0 && pl->n_fix <= XF_N_KEYS, "plot at: %d items", pl->n_fix);
    for (int f = 0; f < pl->n_fix; f++) {
        int k = pl->fix_key[f];
        FZ_CHECK(k >= 0 && k < XF_N_KEYS, "plot at: key %d", k);
        FZ_CHECK(pl->fix_val[f] >= 0 && pl->fix_val[f] < s->n[k], "plot at: value %d of %d",
                 pl->fix_val[f], s->n[k]);
    }
}

void fz_check_experiment(const experiment *e)
{
    FZ_CHECK(TERMINATED(e->path) && TERMINATED(e->id) && TERMINATED(e->title) &&
             TERMINATED(e->text) && TERMINATED(e->source), "strings not terminated");
    FZ_CHECK(e->claim >= 1 && e->claim <= 15, "claim %d", e->claim);
    FZ_CHECK(e->title[0] && e->text[0] && e->source[0], "claim incomplete");
    check_setup(&e->setup);
    FZ_CHECK(e->n_checks >= 1 && e->n_checks <= XF_MAX_CHECKS, "%d checks", e->n_checks);
    for (int i = 0; i < e->n_checks; i++) {
        FZ_CHECK(e->checks[i].test[0] && e->checks[i].what[0], "check %d incomplete", i);
        fz_check_expr(&e->checks[i], &e->setup);
        for (int j = 0; j < i; j++)
            FZ_CHECK(strcmp(e->checks[i].name, e->checks[j].name), "check '%s' twice",
                     e->checks[i].name);
    }
    FZ_CHECK(e->n_plots >= 0 && e->n_plots <= XF_MAX_PLOTS, "%d plots", e->n_plots);
    for (int i = 0; i < e->n_plots; i++)
        check_plot(&e->plots[i], &e->setup);
}
