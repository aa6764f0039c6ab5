/* test_experiment.c - experiment files and the commands that run them.
 *
 * xf_load in-process: the fields of a good file, sweep lists, [quick], the
 * check language (trees, precedence, the `bound` mask) and every kind of
 * error with its "PATH:LINE:" prefix.  Then the binary end to end on tiny
 * experiments (spiral, 200 samples, epochs 0..2): `actbench run` and the
 * folder it writes, with checks.csv recomputed from layers.csv and loss.csv;
 * `actbench reproduce --quick` with REPORT.md, verdicts.csv, --expect and
 * --only; and the subcommands' usage errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "expfile.h"
#include "net.h"
#include "optim.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */

/* The scratch folder (DIR/out is the --out folder of the binary's runs) and
 * an experiment for xf_load. */
typedef struct {
    scratch s; /* first: scratch_setup and scratch_teardown see it */
    experiment e;
} fixture;

static int setup(void **state)
{
    return scratch_setup(state, sizeof(fixture), "exp", "out");
}

/* 1-based line of text on which needle starts. */
static int line_of(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    assert_non_null(p);
    int line = 1;
    for (const char *q = text; q < p; q++)
        line += *q == '\n';
    return line;
}

static const xf_check *find_check(const experiment *e, const char *name)
{
    for (int i = 0; i < e->n_checks; i++)
        if (!strcmp(e->checks[i].name, name))
            return &e->checks[i];
    fail_msg("no check '%s'", name);
    return NULL;
}

/* Value of a check tree without quantities (fails on one). */
static double eval_num(const xf_check *c, int i)
{
    assert_true(i >= 0 && i < c->n_nodes);
    const xf_node *n = &c->nodes[i];
    switch (n->kind) {
    case XF_E_NUM: return n->num;
    case XF_E_NEG: return -eval_num(c, n->a);
    case XF_E_ABS: return fabs(eval_num(c, n->a));
    case XF_E_ADD: return eval_num(c, n->a) + eval_num(c, n->b);
    case XF_E_SUB: return eval_num(c, n->a) - eval_num(c, n->b);
    case XF_E_MUL: return eval_num(c, n->a) * eval_num(c, n->b);
    case XF_E_DIV: return eval_num(c, n->a) / eval_num(c, n->b);
    case XF_E_QTY:
    case XF_E_RATE: break;
    }
    fail_msg("node %d of check '%s' is not numeric", i, c->name);
    return NAN;
}

/* ---- CSV ------------------------------------------------------------- */

#define MAX_ROWS 8192 /* hist.csv: a row per bin */
#define MAX_FIELDS 32

/* A CSV file split into fields ("..." quoted fields may hold commas). */
typedef struct {
    char *text;
    int n_rows;                       /* rows after the header */
    int n_cols;                       /* of the header */
    char *head[MAX_FIELDS];
    char *cell[MAX_ROWS][MAX_FIELDS];
    int n_cells[MAX_ROWS];
} csv;

static int split_line(char *s, char **f, int max)
{
    int n = 0;
    for (;;) {
        assert_true(n < max);
        if (*s == '"') {
            f[n++] = ++s;
            char *q = strchr(s, '"');
            assert_non_null(q);
            *q = '\0';
            s = q + 1;
        } else {
            f[n++] = s;
            s += strcspn(s, ",");
        }
        if (*s != ',') {
            *s = '\0';
            return n;
        }
        *s++ = '\0';
    }
}

static csv *csv_read(const char *dir, const char *name)
{
    csv *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->text = slurp_in(dir, name);
    char *save = NULL;
    char *line = strtok_r(c->text, "\n", &save);
    assert_non_null(line);
    c->n_cols = split_line(line, c->head, MAX_FIELDS);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        assert_true(c->n_rows < MAX_ROWS);
        c->n_cells[c->n_rows] = split_line(line, c->cell[c->n_rows], MAX_FIELDS);
        if (c->n_cells[c->n_rows] != c->n_cols)
            fail_msg("%s: row %d has %d fields, the header %d", name, c->n_rows + 2,
                     c->n_cells[c->n_rows], c->n_cols);
        c->n_rows++;
    }
    return c;
}

static void csv_free(csv *c)
{
    free(c->text);
    free(c);
}

static int csv_col(const csv *c, const char *name)
{
    for (int i = 0; i < c->n_cols; i++)
        if (!strcmp(c->head[i], name))
            return i;
    fail_msg("no column '%s'", name);
    return -1;
}

static double num(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end)
        fail_msg("'%s' is not a number", s);
    return v;
}

static void assert_close(double got, double want, double rel)
{
    if (!(fabs(got - want) <= rel * fabs(want) + 1e-12))
        fail_msg("got %.9g, expected %.9g", got, want);
}

/* ------------------------------------------------------------------------ */
/* xf_load: a good file                                                     */

static const char good_ini[] =
    "; a minimal experiment\n"
    "[claim]\n"
    "number = 7\n"
    "title = Tiny claim\n"
    "text = first line\n"
    "  second line\n"
    "source = nowhere\n"
    "\n"
    "[setup]\n"
    "acts = sigmoid, relu, leaky_relu:0.2\n"
    "samples = 200\n"
    "depth = 2, 4\n"
    "lr = 0.05, 0.01\n"
    "width = 8\n"
    "epochs = 3\n"
    "seeds = 2\n"
    "\n"
    "[quick]\n"
    "epochs = 1\n"
    "seeds = 1\n"
    "width = 4\n"
    "\n"
    "[check both-fixed]\n"
    "what = relu at depth 2 beats sigmoid at depth 4\n"
    "test = test_acc(relu, depth=2) > test_acc(sigmoid, depth=4) - 0.5\n"
    "\n"
    "[check rated]\n"
    "what = exponential fall\n"
    "test = rate(grad_ratio(sigmoid), depth) <= 0.25\n"
    "\n"
    "[check half-fixed]\n"
    "what = only one side\n"
    "  fixes depth\n"
    "test = test_acc(relu, depth=2) - test_acc(sigmoid) < 1\n"
    "\n"
    "[check numbers]\n"
    "what = arithmetic only\n"
    "test = abs(-1) == (2 + 3) * 2 / 10\n"
    "\n"
    "[check precedence]\n"
    "what = * before +, left to right\n"
    "test = 1 + 2 * 3 - 8 / 4 / 2 >= 8 - 4 - 2\n"
    "\n"
    "[check two-keys]\n"
    "what = both keys fixed\n"
    "test = decay(leaky_relu:0.2, depth=4, lr=0.01) >= decay(relu, lr=0.01, depth=2)\n"
    "\n"
    "[plot]\n"
    "x = depth\n"
    "y = grad_ratio\n"
    "series = act, lr\n";

/* Writes good_ini to DIR/name, its path into path, and loads it into fx's
 * experiment. */
static experiment *load_good(fixture *fx, char *path, size_t n, const char *name, bool quick)
{
    write_file(path, n, fx->s.dir, name, good_ini);
    ab_err err = {{0}};
    assert_int_equal(xf_load(&fx->e, path, quick, &err), AB_OK);
    return &fx->e;
}

/* A node test_acc(ACT, depth=D): act the index in acts, depth the index of D
 * among the depths. */
static void assert_test_acc_at_depth(const xf_node *q, int act, int depth)
{
    assert_int_equal(q->kind, XF_E_QTY);
    assert_int_equal(q->qty, XF_Q_TEST_ACC);
    assert_int_equal(q->act, act);
    assert_int_equal(q->n_fix, 1);
    assert_int_equal(q->fix_key[0], XF_KEY_DEPTH);
    assert_int_equal(q->fix_val[0], depth);
}

static void test_load_good(void **state)
{
    char path[4400];
    experiment *e = load_good(*state, path, sizeof path, "tiny-claim.ini", false);
    assert_string_equal(e->path, path);
    assert_string_equal(e->id, "tiny-claim");
    assert_int_equal(e->claim, 7);
    assert_string_equal(e->title, "Tiny claim");
    assert_string_equal(e->text, "first line second line");
    assert_string_equal(e->source, "nowhere");

    const xf_setup *s = &e->setup;
    assert_int_equal(s->kind, XF_TRAIN);
    assert_int_equal(s->n_acts, 3);
    assert_string_equal(s->acts[0].label, "sigmoid");
    assert_string_equal(s->acts[1].label, "relu");
    assert_string_equal(s->acts[2].label, "leaky_relu:0.2");
    assert_string_equal(s->data, "spiral");
    assert_int_equal(s->samples, 200);
    assert_int_equal(s->epochs, 3); /* [quick] not applied */
    assert_int_equal(s->seeds, 2);
    /* the sweep lists */
    assert_int_equal(s->n[XF_KEY_DEPTH], 2);
    assert_true(s->v[XF_KEY_DEPTH][0] == 2.0 && s->v[XF_KEY_DEPTH][1] == 4.0);
    assert_string_equal(s->txt[XF_KEY_DEPTH][0], "2");
    assert_string_equal(s->txt[XF_KEY_DEPTH][1], "4");
    assert_int_equal(s->n[XF_KEY_LR], 2);
    assert_true(s->v[XF_KEY_LR][0] == 0.05 && s->v[XF_KEY_LR][1] == 0.01);
    assert_string_equal(s->txt[XF_KEY_LR][1], "0.01");
    assert_int_equal(s->n[XF_KEY_WIDTH], 1);
    assert_true(s->v[XF_KEY_WIDTH][0] == 8.0);
    /* defaults of what the file does not give */
    assert_true(s->test_frac == 0.2);
    assert_int_equal(s->seed, 1);
    assert_int_equal(s->log_every, 5);
    assert_true(s->target_acc == 0.9);
    assert_int_equal(s->n[XF_KEY_INIT], 1);
    assert_true(s->v[XF_KEY_INIT][0] == INIT_XAVIER);
    assert_string_equal(s->txt[XF_KEY_INIT][0], "xavier");
    assert_true(s->v[XF_KEY_OPTIMIZER][0] == OPT_SGD);
    assert_true(s->v[XF_KEY_BATCH][0] == 32.0);
    assert_true(s->v[XF_KEY_BATCHNORM][0] == 0.0 && s->v[XF_KEY_RESIDUAL][0] == 0.0);
    assert_true(s->v[XF_KEY_LOSS][0] == OUT_SOFTMAX);
    assert_true(s->v[XF_KEY_INIT_STD][0] == 1.0 && s->v[XF_KEY_BIAS_INIT][0] == 0.0);
    for (int k = 0; k < XF_N_KEYS; k++)
        if (k != XF_KEY_DEPTH && k != XF_KEY_LR)
            assert_int_equal(s->n[k], 1);

    /* points: keys vary fastest last (lr after depth) */
    assert_int_equal(xf_n_points(s), 4);
    int idx[XF_N_KEYS];
    for (int p = 0; p < 4; p++) {
        xf_point(s, p, idx);
        assert_int_equal(idx[XF_KEY_DEPTH], p / 2);
        assert_int_equal(idx[XF_KEY_LR], p % 2);
        assert_int_equal(idx[XF_KEY_WIDTH], 0);
        assert_int_equal(xf_point_index(s, idx), p);
    }
    char text[160];
    xf_point(s, 2, idx);
    xf_point_text(text, sizeof text, s, idx);
    assert_string_equal(text, "depth=4, lr=0.05");

    /* the checks */
    assert_int_equal(e->n_checks, 6);
    const xf_check *c = find_check(e, "both-fixed");
    assert_string_equal(c->what, "relu at depth 2 beats sigmoid at depth 4");
    assert_string_equal(c->test, "test_acc(relu, depth=2) > test_acc(sigmoid, depth=4) - 0.5");
    assert_int_equal(c->line, line_of(good_ini, "test = test_acc(relu, depth=2) >"));
    assert_int_equal(c->op, XF_OP_GT);
    const xf_node *r = &c->nodes[c->rhs];
    assert_test_acc_at_depth(&c->nodes[c->lhs], 1, 0); /* relu, depth 2 */
    assert_int_equal(r->kind, XF_E_SUB);
    const xf_node *rb = &c->nodes[r->b];
    assert_test_acc_at_depth(&c->nodes[r->a], 0, 1); /* sigmoid, depth 4 */
    assert_int_equal(rb->kind, XF_E_NUM);
    assert_true(rb->num == 0.5);
    /* depth is fixed by every quantity: bound; lr is free */
    assert_int_equal(c->bound, 1u << XF_KEY_DEPTH);

    c = find_check(e, "rated");
    assert_int_equal(c->op, XF_OP_LE);
    assert_int_equal(c->nodes[c->lhs].kind, XF_E_RATE);
    assert_int_equal(c->nodes[c->lhs].rate_key, XF_KEY_DEPTH);
    const xf_node *in = &c->nodes[c->nodes[c->lhs].a];
    assert_int_equal(in->kind, XF_E_QTY);
    assert_int_equal(in->qty, XF_Q_GRAD_RATIO);
    assert_int_equal(in->n_fix, 0);
    assert_true(c->nodes[c->rhs].kind == XF_E_NUM && c->nodes[c->rhs].num == 0.25);
    assert_int_equal(c->bound, 1u << XF_KEY_DEPTH); /* rate() consumes depth */

    c = find_check(e, "half-fixed");
    assert_string_equal(c->what, "only one side fixes depth");
    assert_int_equal(c->op, XF_OP_LT);
    assert_int_equal(c->nodes[c->lhs].kind, XF_E_SUB);
    assert_int_equal(c->bound, 0u); /* test_acc(sigmoid) ranges over depth */

    c = find_check(e, "numbers");
    assert_int_equal(c->op, XF_OP_EQ);
    assert_int_equal(c->nodes[c->lhs].kind, XF_E_ABS);
    assert_int_equal(c->nodes[c->nodes[c->lhs].a].kind, XF_E_NEG);
    assert_true(eval_num(c, c->lhs) == 1.0);
    assert_true(eval_num(c, c->rhs) == 1.0);
    assert_int_equal(c->bound, 0u);

    c = find_check(e, "precedence");
    assert_int_equal(c->op, XF_OP_GE);
    assert_true(eval_num(c, c->lhs) == 6.0); /* 1 + 6 - (8/4)/2 */
    assert_true(eval_num(c, c->rhs) == 2.0); /* (8-4)-2 */

    c = find_check(e, "two-keys");
    assert_int_equal(c->nodes[c->lhs].act, 2);
    assert_int_equal(c->nodes[c->lhs].n_fix, 2);
    assert_int_equal(c->nodes[c->rhs].act, 1);
    assert_int_equal(c->bound, (1u << XF_KEY_DEPTH) | (1u << XF_KEY_LR));

    /* the plot */
    assert_int_equal(e->n_plots, 1);
    assert_int_equal(e->plots[0].x, XF_KEY_DEPTH);
    assert_string_equal(e->plots[0].y, "grad_ratio");
    assert_int_equal(e->plots[0].y_qty, XF_Q_GRAD_RATIO);
    assert_int_equal(e->plots[0].series, 1u << XF_KEY_LR);
}

static void test_load_quick(void **state)
{
    char path[4400];
    experiment *e = load_good(*state, path, sizeof path, "tiny.ini", true);
    assert_int_equal(e->setup.epochs, 1);
    assert_int_equal(e->setup.seeds, 1);
    assert_int_equal(e->setup.n[XF_KEY_WIDTH], 1);
    assert_true(e->setup.v[XF_KEY_WIDTH][0] == 4.0);
    /* what [quick] does not name stays as [setup] gives it */
    assert_int_equal(e->setup.n[XF_KEY_DEPTH], 2);
    assert_int_equal(e->setup.n[XF_KEY_LR], 2);
    assert_int_equal(e->setup.samples, 200);
    assert_int_equal(e->n_checks, 6);
    /* and loading again without quick restores the [setup] values */
    ab_err err = {{0}};
    assert_int_equal(xf_load(e, path, false, &err), AB_OK);
    assert_int_equal(e->setup.epochs, 3);
    assert_true(e->setup.v[XF_KEY_WIDTH][0] == 8.0);
}

/* ------------------------------------------------------------------------ */
/* xf_load: errors                                                          */

#define CLAIM "[claim]\nnumber = 3\ntitle = T\ntext = X\nsource = S\n"       /* lines 1-5 */
#define SETUP "[setup]\nacts = sigmoid, relu\ndepth = 2, 4\nepochs = 0\n"    /* lines 6-9 */
#define CHECK "[check c]\nwhat = w\ntest = decay(sigmoid) <= 0.25\n"         /* 10-12 */
#define CHECK_TEST(t) "[check c]\nwhat = w\ntest = " t "\n"                  /* test: 12 */

/* A list continued on indented lines joins the first line's items; a folder
 * given as the file is a read error, not an empty file. */
static void test_load_continuation_and_folder(void **state)
{
    fixture *fx = *state;
    char path[4400];
    ab_err err = {{0}};
    write_file(path, sizeof path, fx->s.dir, "cont.ini",
        CLAIM "[setup]\nacts = sigmoid, tanh\n  relu\ndepth = 2,\n  4\n" CHECK);
    assert_int_equal(xf_load(&fx->e, path, false, &err), AB_OK);
    assert_int_equal(fx->e.setup.n_acts, 3);
    assert_string_equal(fx->e.setup.acts[2].label, "relu");
    assert_int_equal(fx->e.setup.n[XF_KEY_DEPTH], 2);
    assert_true(fx->e.setup.v[XF_KEY_DEPTH][1] == 4.0);
    assert_int_equal(xf_load(&fx->e, fx->s.dir, false, &err), AB_ERUNTIME);
    assert_non_null(strstr(err.msg, "is a folder, not a file"));
}

typedef struct {
    const char *name;
    const char *text;
    int line;           /* the line the message names; 0 = none */
    const char *needle; /* must appear in the message */
} load_case;

static const load_case load_cases[] = {
    {"unknown section", CLAIM SETUP "[bogus]\nkey = 1\n" CHECK, 11, "unknown section [bogus]"},
    {"unknown key in [setup]", CLAIM SETUP "colour = red\n" CHECK, 10,
     "unknown key 'colour' in [setup]"},
    {"unknown key in [claim]", "[claim]\nnumber = 3\nauthor = me\n" SETUP CHECK, 3,
     "unknown key 'author' in [claim]"},
    {"unknown key in [check]", CLAIM SETUP "[check c]\nwhat = w\nwhen = now\n", 12,
     "unknown key 'when' in [check c]"},
    {"unknown key in [plot]", CLAIM SETUP CHECK "[plot]\nx = depth\ncolour = red\n", 15,
     "unknown key 'colour' in [plot]"},
    {"unknown key in [quick]", CLAIM SETUP "[quick]\nspeed = 2\n" CHECK, 11,
     "unknown key 'speed' in [quick]"},
    {"kind in [quick]", CLAIM SETUP "[quick]\nkind = train\n" CHECK, 11, "kind"},
    {"claim number 16", "[claim]\nnumber = 16\n", 2, "number: '16'"},
    {"depth 0", CLAIM "[setup]\nacts = relu\ndepth = 2, 0\n" CHECK, 8, "depth: '0'"},
    {"lr -1", CLAIM "[setup]\nacts = relu\nlr = -1\n" CHECK, 8, "lr: '-1'"},
    {"init bogus", CLAIM "[setup]\nacts = relu\ninit = he, bogus\n" CHECK, 8,
     "init: unknown init scheme 'bogus'"},
    {"acts nope", CLAIM "[setup]\nacts = relu, nope\n" CHECK, 7, "'nope'"},
    {"depth given twice", CLAIM "[setup]\nacts = relu\ndepth = 2, 2\n" CHECK, 8,
     "'2' given twice"},
    {"empty sweep value", CLAIM "[setup]\nacts = relu\ndepth = 2,,4\n" CHECK, 8, "empty value"},
    /* checked even when not applied (quick mode: test_load_quick) */
    {"bad [quick] value", CLAIM SETUP "[quick]\nepochs = -1\n" CHECK, 11, "epochs: '-1'"},
    {"key before any section", "seeds = 1\n" CLAIM SETUP CHECK, 1, "before any [section]"},
    {"empty section", CLAIM SETUP "[plot]\n" CHECK, 10, "[plot] has no keys"},
    {"same check twice in a row", CLAIM SETUP CHECK CHECK, 13, "[check c] given twice"},
    {"key twice", CLAIM SETUP "epochs = 3\n" CHECK, 10, "'epochs' given twice in [setup]"},
    {"comma in a check name", CLAIM SETUP "[check a,b]\nwhat = w\ntest = 1 < 2\n", 11,
     "only letters, digits"},
    {"sweep too large", CLAIM "[setup]\nacts = relu\nseeds = 1000\n"
     "depth = 1,2,3,4,5,6,7,8,9,10,11,12\nwidth = 1,2,3,4,5,6,7,8,9,10,11,12\n" CHECK, 0,
     "more than 100000 runs"},
    {"[quick] before [setup]", CLAIM "[quick]\nseeds = 1\n" SETUP CHECK, 7,
     "[quick] must come after [setup]"},
    {"[setup] twice", CLAIM SETUP CHECK "[setup]\nseeds = 2\n", 13, "[setup] given twice"},
    {"check given twice", CLAIM SETUP CHECK "[plot]\ny = test_acc\n" CHECK, 15,
     "[check c] given twice"},
    {"check without name", CLAIM SETUP "[check]\nwhat = w\n", 11, "needs a name"},
    {"not INI syntax", CLAIM "no equals sign here\n" SETUP CHECK, 6, "not INI syntax"},
    {"unknown quantity", CLAIM SETUP CHECK_TEST("speed(relu) > 1"), 12,
     "unknown quantity 'speed'"},
    {"act not in acts", CLAIM SETUP CHECK_TEST("decay(tanh) <= 1"), 12,
     "'tanh' is not in acts"},
    {"value not in the sweep", CLAIM SETUP CHECK_TEST("test_acc(relu, depth=3) > 0"), 12,
     "depth=3: not one of the values of depth"},
    {"key not swept", CLAIM SETUP CHECK_TEST("test_acc(relu, width=64) > 0"), 12,
     "'width' is not a key with several values"},
    {"key not a key", CLAIM SETUP CHECK_TEST("test_acc(relu, colour=2) > 0"), 12, "'colour'"},
    {"missing ')'", CLAIM SETUP CHECK_TEST("test_acc(relu > 0.5"), 12, "expected ')'"},
    {"missing '(' of abs", CLAIM SETUP CHECK_TEST("abs 1 > 0"), 12, "expected '('"},
    {"no comparison", CLAIM SETUP CHECK_TEST("test_acc(relu)"), 12,
     "expected one of < <= > >= =="},
    {"nothing after the operator", CLAIM SETUP CHECK_TEST("test_acc(relu) >"), 12,
     "expected a number or a quantity"},
    {"trailing text", CLAIM SETUP CHECK_TEST("test_acc(relu) > 0 1"), 12, "unexpected '1'"},
    {"rate over an unswept key", CLAIM SETUP CHECK_TEST("rate(test_acc(relu), width) > 0"), 12,
     "rate(..., width)"},
    {"rate over a key of names", CLAIM "[setup]\nacts = relu\noptimizer = sgd, adam\n"
     "epochs = 0\n" CHECK_TEST("rate(test_acc(relu), optimizer) > 0"), 12,
     "rate(..., optimizer): optimizer is not numeric (accepted: depth, width, lr"},
    {"rate over a yes-or-no key", CLAIM "[setup]\nacts = relu\nresidual = no, yes\n"
     "epochs = 0\n" CHECK_TEST("rate(test_acc(relu), residual) > 0"), 12,
     "residual is not numeric"},
    {"too many filters", CLAIM "[setup]\nacts = relu\ndepth = 2, 4\nwidth = 4, 8\n"
     "lr = 0.1, 0.2\nbatch = 8, 16\ninit = he, xavier\n"
     "[check c]\nwhat = w\ntest = test_acc(relu, depth=2, width=4, lr=0.1, batch=8, init=he)"
     " > 0\n", 15, "more than 4 filters"},
    {"multi-line test names its last line", CLAIM SETUP "[check c]\nwhat = w\n"
     "test = test_acc(relu) >\n  nope(relu)\n", 13, "unknown quantity 'nope'"},
    {"plot x = init", CLAIM SETUP CHECK "[plot]\ny = test_acc\nx = init\n", 15,
     "x: init is not numeric"},
    {"plot at a value not in the sweep", CLAIM SETUP CHECK
     "[plot]\nx = act\ny = test_acc\nat = depth=3\n", 16, "at: depth=3"},
    {"histogram layer not a number", CLAIM SETUP CHECK
     "[plot]\nx = value\ny = act_hist\nlayer = deep\n", 16, "layer: 'deep' is not 'last'"},
    /* found once the whole file is read: no line */
    {"no source", "[claim]\nnumber = 3\ntitle = T\ntext = X\n" SETUP CHECK, 0,
     "[claim] needs number, title, text and source"},
    {"no number", "[claim]\ntitle = T\ntext = X\nsource = S\n" SETUP CHECK, 0,
     "[claim] needs number, title, text and source"},
    {"no claim", SETUP CHECK, 0, "[claim] needs number, title, text and source"},
    {"no acts", CLAIM "[setup]\nepochs = 0\n" CHECK, 0, "[setup] needs acts"},
    {"no checks", CLAIM SETUP, 0, "needs at least one [check NAME]"},
    {"check without test", CLAIM SETUP "[check c]\nwhat = w\n", 0, "[check c] needs test"},
    {"check without what", CLAIM SETUP "[check c]\ntest = abs(1) == 1\n", 0,
     "[check c] needs what"},
    {"plot without y", CLAIM SETUP CHECK "[plot]\nx = depth\n", 0, "needs y"},
    {"plot y not a quantity", CLAIM SETUP CHECK "[plot]\nx = depth\ny = grad_norm\n", 0,
     "y must be a quantity"},
    {"histogram of a column", CLAIM SETUP CHECK "[plot]\nx = value\ny = grad_norm\n", 0,
     "y = grad_norm: with x = value, y must be act_hist or preact_hist"},
    {"histogram at a middle epoch", CLAIM SETUP CHECK
     "[plot]\nx = value\ny = act_hist\nepoch = 5\n", 0,
     "epoch = 5: with x = value, epoch must be 0 or last"},
    {"histogram of a layer too deep", CLAIM SETUP CHECK
     "[plot]\nx = value\ny = preact_hist\nlayer = 3\n", 0, "layer = 3: deeper than depth 2"},
    {"histogram with a reference", CLAIM SETUP CHECK
     "[plot]\nx = value\ny = act_hist\nreference = yes\n", 0, "reference: not with x = value"},
    {"layer without x = value", CLAIM SETUP CHECK "[plot]\nx = layer\ny = grad_norm\nlayer = 1\n",
     0, "layer: only with x = value"},
    {"bench-acts with a sweep", CLAIM "[setup]\nkind = bench-acts\nacts = relu\n"
     "depth = 2, 4\n" CHECK_TEST("ns(relu) > 0"), 0, "sweeps only math and width (not depth)"},
};

/* An AB_EUSAGE with a message "PATH:LINE: ..." (or "PATH: ..." when the
 * case names no line) holding the case's needle. */
static void assert_load_error(fixture *fx, const char *text, bool quick, int line,
                              const char *needle)
{
    char path[4400], prefix[4500];
    write_file(path, sizeof path, fx->s.dir, "bad.ini", text);
    ab_err err = {{0}};
    assert_int_equal(xf_load(&fx->e, path, quick, &err), AB_EUSAGE);
    if (line)
        snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
    else
        snprintf(prefix, sizeof prefix, "%s: ", path);
    if (strncmp(err.msg, prefix, strlen(prefix)))
        fail_msg("message \"%s\" does not start with \"%s\"", err.msg, prefix);
    assert_contains(err.msg, needle);
    assert_null(strchr(err.msg, '\n'));
}

static void test_load_error(void **state)
{
    fixture *fx = *state;
    const load_case *c = fx->s.data;
    assert_load_error(fx, c->text, false, c->line, c->needle);
}

/* With quick, a bad [quick] value is refused the same way. */
static void test_load_quick_error(void **state)
{
    fixture *fx = *state;
    assert_load_error(fx, CLAIM SETUP "[quick]\nepochs = -1\n" CHECK, true, 11, "epochs: '-1'");
    assert_load_error(fx, CLAIM SETUP "[quick]\nwidth = 0\n" CHECK, true, 11, "width: '0'");
}

/* A line inih would split is refused, naming its line; one that just fits
 * is read. */
static void test_load_long_line(void **state)
{
    fixture *fx = *state;
    const int max = INI_MAX_LINE - 2; /* characters before the newline */
    static char text[4 * INI_MAX_LINE + 1024], xs[4 * INI_MAX_LINE];
    /* "what = " + x's: exactly max characters */
    memset(xs, 'x', (size_t)max - 7);
    xs[max - 7] = '\0';
    sprintf(text, CLAIM SETUP "[check c]\nwhat = %s\ntest = abs(1) == 1\n", xs);
    char path[4400];
    write_file(path, sizeof path, fx->s.dir, "fits.ini", text);
    ab_err err = {{0}};
    if (xf_load(&fx->e, path, false, &err) != AB_OK)
        fail_msg("a line of %d characters was refused: %s", max, err.msg);
    assert_int_equal(strlen(fx->e.checks[0].what), (size_t)max - 7);

    char msg[64];
    snprintf(msg, sizeof msg, "line longer than %d characters", max);
    strcat(xs, "x"); /* one more */
    sprintf(text, CLAIM SETUP "[check c]\nwhat = %s\ntest = abs(1) == 1\n", xs);
    assert_load_error(fx, text, false, 11, msg);
    memset(xs, 'y', 3 * INI_MAX_LINE);
    xs[3 * INI_MAX_LINE] = '\0';
    sprintf(text, CLAIM SETUP "[check c]\nwhat = w\ntest = abs(1) == 1 %s\n", xs);
    assert_load_error(fx, text, false, 12, msg);
}

/* "KEY = w..w\n" then indented lines "  w..w\n": lines lines of width word
 * characters each, appended to buf. */
static void add_continued(char *buf, size_t n, const char *key, int lines, int width)
{
    char word[INI_MAX_LINE];
    assert_true(width > 0 && width < (int)sizeof word);
    memset(word, 'w', (size_t)width);
    word[width] = '\0';
    size_t len = strlen(buf);
    for (int i = 0; i < lines; i++)
        len += (size_t)snprintf(buf + len, n - len, i ? "  %s\n" : "%s = %s\n", i ? word : key,
                                word);
    assert_true(len < n);
}

/* A value continued past its buffer is an error naming its line and limit,
 * not a value cut short: each key of [claim], [check] and [plot] text, at
 * (limit) characters just fitting and one line more failing. */
static void test_load_value_limits(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *key, *before, *after; /* the key's section around it */
        int limit, line;                  /* characters; the key's first line */
    } keys[] = {
        {"title", "[claim]\nnumber = 3\ntext = X\nsource = S\n", SETUP CHECK, 199, 5},
        {"text", "[claim]\nnumber = 3\ntitle = T\nsource = S\n", SETUP CHECK, 2047, 5},
        {"source", "[claim]\nnumber = 3\ntitle = T\ntext = X\n", SETUP CHECK, 1023, 5},
        {"what", CLAIM SETUP "[check c]\ntest = abs(1) == 1\n", "", 255, 12},
        {"test", CLAIM SETUP "[check c]\nwhat = w\n", "", 199, 12},
        {"title", CLAIM SETUP CHECK "[plot]\ny = test_acc\n", "", 199, 15},
        {"series", CLAIM SETUP CHECK "[plot]\ny = test_acc\n", "", 199, 15},
        {"at", CLAIM SETUP CHECK "[plot]\ny = test_acc\n", "", 199, 15},
    };
    static char text[8192];
    for (size_t i = 0; i < N_OF(keys); i++) {
        /* lines of 40 characters: l fit when 40 l + (l - 1) spaces <= limit */
        int fit = (keys[i].limit + 1) / 41;
        char msg[96];
        snprintf(msg, sizeof msg, "%s: longer than %d characters", keys[i].key,
                 keys[i].limit);
        snprintf(text, sizeof text, "%s", keys[i].before);
        add_continued(text, sizeof text, keys[i].key, fit + 1, 40);
        strcat(text, keys[i].after);
        assert_load_error(fx, text, false, keys[i].line + fit, msg);
    }
    /* a test that is false as written must not load as a shorter true one */
    snprintf(text, sizeof text, CLAIM SETUP "[check c]\nwhat = w\ntest = 1 > 0\n");
    for (int i = 0; i < 4; i++)
        strcat(text, "  + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 0\n");
    strcat(text, "  + 2\n");
    assert_load_error(fx, text, false, 16, "test: longer than 199 characters");
}

/* Lists and names longer than their buffers: an error, never fewer items
 * or a name cut short. */
static const load_case limit_cases[] = {
    {"series with more items than keys", CLAIM SETUP CHECK "[plot]\ny = test_acc\n"
     "series = act, depth, width, lr, init, init_std, bias_init, optimizer, batch,\n"
     "  batchnorm, residual, loss, math, act\n", 16, "series: more than 13 items"},
    {"at with more items than keys", CLAIM SETUP CHECK "[plot]\nx = act\ny = test_acc\n"
     "at = depth=2, depth=2, depth=2, depth=2, depth=2, depth=2, depth=2, depth=2, depth=2,\n"
     "  depth=2, depth=2, depth=2, depth=2\n", 17, "at: more than 12 items"},
    {"a sweep value longer than its text", CLAIM "[setup]\nacts = relu\nlr = 0.1, 0.1"
     "000000000000000000000000000000000000000000000000000000000000001\n" CHECK, 8,
     "is longer than 23 characters"},
    {"a data name longer than its buffer", CLAIM "[setup]\nacts = relu\ndata = csv:"
     "/a/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
     "  /bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.csv\n"
     CHECK, 9, "data: longer than 255 characters"},
    {"a section name inih would cut", CLAIM SETUP CHECK
     "[plot a-name-of-more-than-forty-nine-characters-in-all]\ny = test_acc\n", 13,
     "a section name is at most 49 characters"},
    {"a word of a test longer than a name", CLAIM SETUP CHECK_TEST(
     "decay(sigmoid) <= decay(sigmoid_and_then_some_more_letters_than_sixty_three_in_all_"
     "of_it)"), 12, "is longer than 63 characters"},
};

static void test_load_limit(void **state)
{
    fixture *fx = *state;
    const load_case *c = fx->s.data;
    assert_load_error(fx, c->text, false, c->line, c->needle);
}

/* The file name names the result folder: one longer than the id is refused,
 * not cut. */
static void test_load_long_name(void **state)
{
    fixture *fx = *state;
    char name[200], path[4400];
    memset(name, 'n', 130);
    strcpy(name + 130, ".ini");
    write_file(path, sizeof path, fx->s.dir, name, CLAIM SETUP CHECK);
    ab_err err = {{0}};
    assert_int_equal(xf_load(&fx->e, path, false, &err), AB_EUSAGE);
    assert_contains(err.msg, "the file name is longer than 127 characters");
}

static void test_load_missing_file(void **state)
{
    fixture *fx = *state;
    char path[4400];
    snprintf(path, sizeof path, "%s/missing.ini", fx->s.dir);
    ab_err err = {{0}};
    assert_int_equal(xf_load(&fx->e, path, false, &err), AB_ERUNTIME);
    assert_contains(err.msg, path);
    assert_contains(err.msg, "cannot open");
    /* a folder is not a file either */
    assert_int_not_equal(xf_load(&fx->e, fx->s.dir, false, &err), AB_OK);
}

/* A NUL byte, and endless or oversized input, are refused at once: the
 * file is not text (inih would read past a NUL, and /dev/zero for ever). */
static void test_load_not_text(void **state)
{
    fixture *fx = *state;
    char path[4400];
    snprintf(path, sizeof path, "%s/nul.ini", fx->s.dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("[claim]\nnumber = 3\ntitle = t", f);
    fputc('\0', f);
    fputs("x\n", f);
    fclose(f);
    ab_err err = {{0}};
    assert_int_equal(xf_load(&fx->e, path, false, &err), AB_EUSAGE);
    assert_contains(err.msg, "nul.ini:3: NUL byte");
    assert_int_equal(xf_load(&fx->e, "/dev/zero", false, &err), AB_EUSAGE);
    assert_contains(err.msg, "/dev/zero:1: NUL byte");
    /* through the binary: exit 2 at once, one line, nothing written */
    run_result *r = &fx->s.r;
    run_with(r, (const char *const[]){"run", "/dev/zero", "--out", fx->s.out, NULL}, NULL);
    assert_error(NULL, r, 2, (const char *const[]){"/dev/zero", "NUL byte", NULL});
    assert_true(path_missing(fx->s.out));
}

/* ------------------------------------------------------------------------ */
/* actbench run                                                              */

/* Sigmoid's gradient shrinks layer by layer, so its first-to-last ratio at
 * depth 2 exceeds the one at depth 3 by far; the thresholds are loose (the
 * measured values are recomputed from layers.csv below). */
static const char run_ini[] =
    "[claim]\n"
    "number = 3\n"
    "title = Run through the binary\n"
    "text = tiny\n"
    "source = test_experiment.c\n"
    "[setup]\n"
    "acts = sigmoid, relu\n"
    "samples = 200\n"
    "depth = 2, 3\n"
    "width = 8\n"
    "epochs = 2\n"
    "seeds = 2\n"
    "[check decay]\n"
    "what = sigmoid's per-layer factor is small\n"
    "test = decay(sigmoid) < 0.6\n"
    "[check impossible]\n"
    "what = an accuracy above 2\n"
    "test = test_acc(relu) > 2\n"
    "[check zero]\n"
    "what = x - x\n"
    "test = test_acc(relu) - test_acc(relu) == 0\n"
    "[check abs]\n"
    "what = numbers only\n"
    "test = abs(-1) == 1\n"
    "[check arith]\n"
    "what = numbers only\n"
    "test = (2 + 3) * 4 / 8 - -1 == 3.5\n"
    "[check rate]\n"
    "what = rate over depth\n"
    "test = rate(grad_ratio(sigmoid), depth) > 0\n"
    "[check fixed]\n"
    "what = deeper is smaller\n"
    "test = grad_ratio(sigmoid, depth=2) > grad_ratio(sigmoid, depth=3)\n"
    "[plot]\n"
    "x = depth\n"
    "y = grad_ratio\n";

/* Rows of checks.csv for check name, in order; returns their count. */
static int check_rows(const csv *c, const char *name, int *rows, int max)
{
    int n = 0;
    for (int i = 0; i < c->n_rows; i++)
        if (!strcmp(c->cell[i][0], name)) {
            assert_true(n < max);
            rows[n++] = i;
        }
    return n;
}

/* bias_grad_norm of sigmoid at epoch 0, [depth 2..3][seed 1..2][layer 1..3]. */
static void read_bias_grads(const char *dir, double g[4][3][4])
{
    csv *c = csv_read(dir, "layers.csv");
    int cd = csv_col(c, "depth"), ca = csv_col(c, "act"), cs = csv_col(c, "seed"),
        ce = csv_col(c, "epoch"), cl = csv_col(c, "layer"), cb = csv_col(c, "bias_grad_norm");
    memset(g, 0, sizeof(double) * 4 * 3 * 4);
    int got = 0;
    for (int i = 0; i < c->n_rows; i++) {
        if (strcmp(c->cell[i][ca], "sigmoid") || num(c->cell[i][ce]) != 0.0)
            continue;
        int d = (int)num(c->cell[i][cd]), s = (int)num(c->cell[i][cs]),
            l = (int)num(c->cell[i][cl]);
        assert_true(d >= 2 && d <= 3 && s >= 1 && s <= 2 && l >= 1 && l <= d + 1);
        if (l > d)
            continue; /* the output layer */
        g[d][s][l] = num(c->cell[i][cb]);
        assert_true(g[d][s][l] > 0.0);
        got++;
    }
    assert_int_equal(got, 2 * 2 + 2 * 3); /* seeds x hidden layers, both depths */
    csv_free(c);
}

/* Final test accuracy of relu, [depth 2..3][seed 1..2], from loss.csv. */
static void read_final_acc(const char *dir, int epochs, double acc[4][3])
{
    csv *c = csv_read(dir, "loss.csv");
    int cd = csv_col(c, "depth"), ca = csv_col(c, "act"), cs = csv_col(c, "seed"),
        ce = csv_col(c, "epoch"), ct = csv_col(c, "test_acc");
    assert_int_equal(c->n_rows, 2 * 2 * 2 * (epochs + 1));
    int got = 0;
    for (int i = 0; i < c->n_rows; i++)
        if (!strcmp(c->cell[i][ca], "relu") && (int)num(c->cell[i][ce]) == epochs) {
            acc[(int)num(c->cell[i][cd])][(int)num(c->cell[i][cs])] = num(c->cell[i][ct]);
            got++;
        }
    assert_int_equal(got, 4);
    csv_free(c);
}

static void test_run(void **state)
{
    fixture *fx = *state;
    char path[4400];
    write_file(path, sizeof path, fx->s.dir, "tiny-run.ini", run_ini);
    run_result *r = &fx->s.r;
    run_ok(r, (const char *const[]){"run", path, "--out", fx->s.out, "--no-plot", NULL});
    assert_contains(r->out, "claim 3: Run through the binary");
    assert_contains(r->out, "verdict: partly");
    assert_contains(r->out, fx->s.out);

    static const char *const files[] = {"loss.csv", "layers.csv", "summary.csv",
                                        "quantities.csv", "checks.csv", "config.json",
                                        "plots/tiny-run.gp"};
    for (size_t i = 0; i < N_OF(files); i++)
        if (file_size_in(fx->s.out, files[i]) < 0)
            fail_msg("%s/%s was not written", fx->s.out, files[i]);
    /* the swept key leads every CSV row */
    static const struct { const char *file, *head; } heads[] = {
        {"layers.csv", "depth,act,seed,epoch,layer,grad_norm,bias_grad_norm,"},
        {"loss.csv", "depth,act,seed,epoch,train_loss,"},
        {"summary.csv", "depth,act,seed,init,"},
        {"quantities.csv", "depth,act,seed,test_acc,"},
    };
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        char *t = slurp_in(fx->s.out, heads[i].file);
        if (strncmp(t, heads[i].head, strlen(heads[i].head)))
            fail_msg("%s starts \"%.60s\", expected \"%s\"", heads[i].file, t, heads[i].head);
        free(t);
    }
    char *cfg = slurp_in(fx->s.out, "config.json");
    assert_contains(cfg, "\"mode\": \"full\"");
    assert_contains(cfg, "\"claim\": 3");
    assert_contains(cfg, "\"verdict\": \"partly\"");
    assert_contains(cfg, "\"depth\": [\"2\", \"3\"]");
    free(cfg);

    csv *c = csv_read(fx->s.out, "checks.csv");
    assert_int_equal(c->n_cols, 8);
    static const char *const head[] = {"check", "test", "point", "value", "value_min",
                                       "value_max", "threshold", "holds"};
    for (int i = 0; i < 8; i++)
        assert_string_equal(c->head[i], head[i]);
    assert_int_equal(c->n_rows, 2 + 2 + 2 + 2 + 2 + 1 + 1);
    const int V = 3, LO = 4, HI = 5, T = 6, H = 7;

    double g[4][3][4], acc[4][3];
    read_bias_grads(fx->s.out, g);
    read_final_acc(fx->s.out, 2, acc);

    /* decay: one row per depth, the mean over seeds of (g1/gd)^(1/(d-1)) */
    int rows[8];
    assert_int_equal(check_rows(c, "decay", rows, 8), 2);
    for (int i = 0; i < 2; i++) {
        int d = 2 + i;
        char pt[16];
        snprintf(pt, sizeof pt, "depth=%d", d);
        char **row = c->cell[rows[i]];
        assert_string_equal(row[1], "decay(sigmoid) < 0.6");
        assert_string_equal(row[2], pt);
        double s1 = pow(g[d][1][1] / g[d][1][d], 1.0 / (d - 1));
        double s2 = pow(g[d][2][1] / g[d][2][d], 1.0 / (d - 1));
        assert_close(num(row[V]), (s1 + s2) / 2, 1e-6);
        assert_close(num(row[LO]), fmin(s1, s2), 1e-6);
        assert_close(num(row[HI]), fmax(s1, s2), 1e-6);
        assert_true(num(row[T]) == 0.6);
        assert_string_equal(row[H], num(row[V]) < 0.6 ? "yes" : "no");
        assert_string_equal(row[H], "yes");
    }
    /* impossible: the final test accuracy of relu, never above 2 */
    assert_int_equal(check_rows(c, "impossible", rows, 8), 2);
    for (int i = 0; i < 2; i++) {
        char **row = c->cell[rows[i]];
        double want = (acc[2 + i][1] + acc[2 + i][2]) / 2;
        assert_close(num(row[V]), want, 1e-6);
        assert_true(want > 0.0 && want <= 1.0);
        assert_true(num(row[T]) == 2.0);
        assert_string_equal(row[H], "no");
    }
    /* x - x, and checks of numbers only: one row per depth all the same */
    static const struct { const char *name; double v, t; } exact[] = {
        {"zero", 0.0, 0.0}, {"abs", 1.0, 1.0}, {"arith", 3.5, 3.5}};
    for (size_t k = 0; k < sizeof exact / sizeof exact[0]; k++) {
        assert_int_equal(check_rows(c, exact[k].name, rows, 8), 2);
        for (int i = 0; i < 2; i++) {
            char **row = c->cell[rows[i]];
            assert_true(num(row[V]) == exact[k].v);
            assert_true(num(row[LO]) == exact[k].v && num(row[HI]) == exact[k].v);
            assert_true(num(row[T]) == exact[k].t);
            assert_string_equal(row[H], "yes");
        }
    }
    /* rate() consumes depth: one row, no point; per seed exp of the slope of
     * ln(grad_ratio) over depth 2, 3, i.e. ratio(3) / ratio(2) */
    assert_int_equal(check_rows(c, "rate", rows, 8), 1);
    char **row = c->cell[rows[0]];
    assert_string_equal(row[2], "");
    double r1 = (g[3][1][1] / g[3][1][3]) / (g[2][1][1] / g[2][1][2]);
    double r2 = (g[3][2][1] / g[3][2][3]) / (g[2][2][1] / g[2][2][2]);
    assert_true(isfinite(num(row[V])) && num(row[V]) > 0.0);
    assert_close(num(row[V]), (r1 + r2) / 2, 1e-6);
    assert_string_equal(row[H], "yes");
    /* both sides fix depth: one row, threshold the right side's mean */
    assert_int_equal(check_rows(c, "fixed", rows, 8), 1);
    row = c->cell[rows[0]];
    assert_string_equal(row[2], "");
    double lhs = (g[2][1][1] / g[2][1][2] + g[2][2][1] / g[2][2][2]) / 2;
    double rhs = (g[3][1][1] / g[3][1][3] + g[3][2][1] / g[3][2][3]) / 2;
    assert_close(num(row[V]), lhs, 1e-6);
    assert_close(num(row[T]), rhs, 1e-6);
    assert_string_equal(row[H], lhs > rhs ? "yes" : "no");
    csv_free(c);

    /* the terminal table says the same */
    assert_contains(r->out, "holds    decay");
    assert_contains(r->out, "fails    impossible");
}

/* run --quick applies [quick]; epochs = 0 trains nothing and still checks. */
/* A side that is not finite (a division by zero, a quantity that is NaN)
 * is not measurable: the check does not hold there, checks.csv says "no"
 * with an empty value, and the table shows n/a. */
/* kind = bench-acts swept over math and width: a quantity row per (width,
 * math, act), the cost per element the same at every width, a step time at
 * each, and a check evaluated at every point. */
static void test_run_bench_sweep(void **state)
{
    fixture *fx = *state;
    char path[4400];
    write_file(path, sizeof path, fx->s.dir, "bench-sweep.ini",
               CLAIM "[setup]\nkind = bench-acts\nacts = relu, tanh\nmath = sleef, libc\n"
               "width = 8, 16\ndepth = 2\nbatch = 4\nelements = 1000\nrepeats = 3\n"
               CHECK_TEST("ns(tanh) / ns(relu) > 0"));
    run_quiet((const char *const[]){"run", path, "--out", fx->s.out, "--no-plot", "-q", NULL});
    csv *q = csv_read(fx->s.out, "quantities.csv");
    assert_int_equal(q->n_rows, 2 * 2 * 2);
    int cw = -1, cm = -1, ca = -1, cns = -1, cst = -1, cvs = -1;
    for (int c = 0; c < q->n_cols; c++) {
        const char *h = q->head[c];
        cw = !strcmp(h, "width") ? c : cw;
        cm = !strcmp(h, "math") ? c : cm;
        ca = !strcmp(h, "act") ? c : ca;
        cns = !strcmp(h, "ns") ? c : cns;
        cst = !strcmp(h, "step_us") ? c : cst;
        cvs = !strcmp(h, "step_vs_relu") ? c : cvs;
    }
    assert_true(cw >= 0 && cm >= 0 && ca >= 0 && cns >= 0 && cst >= 0 && cvs >= 0);
    assert_true(cw < cm && cm < ca); /* the swept keys lead, the last varies fastest */
    static const char *const expect[8][3] = {
        {"8", "sleef", "relu"}, {"8", "sleef", "tanh"}, {"8", "libc", "relu"},
        {"8", "libc", "tanh"},  {"16", "sleef", "relu"}, {"16", "sleef", "tanh"},
        {"16", "libc", "relu"}, {"16", "libc", "tanh"}};
    for (int rw = 0; rw < 8; rw++) {
        assert_string_equal(q->cell[rw][cw], expect[rw][0]);
        assert_string_equal(q->cell[rw][cm], expect[rw][1]);
        assert_string_equal(q->cell[rw][ca], expect[rw][2]);
        assert_true(atof(q->cell[rw][cns]) > 0.0 && atof(q->cell[rw][cst]) > 0.0);
        /* one cost per element per (math, act), whatever the width */
        assert_string_equal(q->cell[rw][cns], q->cell[rw % 4][cns]);
        /* the step over relu's at the same point: relu's row is the row before */
        double vs = atof(q->cell[rw][cvs]);
        if (rw % 2 == 0)
            assert_true(vs == 1.0);
        else
            assert_float_equal(vs, atof(q->cell[rw][cst]) / atof(q->cell[rw - 1][cst]), 1e-6 * vs);
    }
    csv_free(q);
    csv *c = csv_read(fx->s.out, "checks.csv");
    assert_int_equal(c->n_rows, 4); /* one row per point */
    csv_free(c);
}

static void test_run_not_finite(void **state)
{
    fixture *fx = *state;
    char path[4400];
    write_file(path, sizeof path, fx->s.dir, "not-finite.ini",
               "[claim]\nnumber = 4\ntitle = Not finite\ntext = t\nsource = s\n"
               "[setup]\nacts = relu\nsamples = 200\nwidth = 4\ndepth = 1\nepochs = 0\n"
               "[check pos]\nwhat = w\ntest = test_acc(relu) / 0 > 1\n"
               "[check neg]\nwhat = w\ntest = -test_acc(relu) / 0 < 0\n"
               "[check right]\nwhat = w\ntest = 1 < test_acc(relu) / 0\n"
               "[check nan]\nwhat = w\ntest = (test_acc(relu) - test_acc(relu)) / 0 < 1\n");
    run_result *r = &fx->s.r;
    run_ok(r, (const char *const[]){"run", path, "--out", fx->s.out, "--no-plot", NULL});
    assert_contains(r->out, "verdict: not reproduced");
    assert_null(strstr(r->out, "inf"));
    assert_contains(r->out, "no  n/a");
    csv *c = csv_read(fx->s.out, "checks.csv");
    int ch = csv_col(c, "holds"), cv = csv_col(c, "value");
    assert_int_equal(c->n_rows, 4);
    for (int i = 0; i < c->n_rows; i++) {
        if (strcmp(c->cell[i][ch], "no"))
            fail_msg("check %s: holds = %s, expected no", c->cell[i][0], c->cell[i][ch]);
        if (strcmp(c->cell[i][0], "right"))
            assert_string_equal(c->cell[i][cv], "");
    }
    csv_free(c);
}

/* A run whose data cannot be read exits 1 and leaves nothing: no DIR, no
 * DIR/plots, no staging folder beside it. */
static void test_run_missing_csv(void **state)
{
    fixture *fx = *state;
    char path[4400];
    write_file(path, sizeof path, fx->s.dir, "missing-csv.ini",
               "[claim]\nnumber = 4\ntitle = Missing\ntext = t\nsource = s\n"
               "[setup]\nacts = relu\ndata = csv:/nonexistent/missing.csv\nepochs = 1\n"
               "[check c]\nwhat = w\ntest = test_acc(relu) > 0\n");
    run_result *r = &fx->s.r;
    run_actbench(r, (const char *const[]){"run", path, "--out", fx->s.out, "--no-plot", NULL});
    assert_error(NULL, r, 1, (const char *const[]){path, "/nonexistent/missing.csv", NULL});
    assert_out_missing(&fx->s, "run with a missing CSV", 1); /* the .ini alone */
}

static void test_run_quick(void **state)
{
    fixture *fx = *state;
    char path[4400];
    write_file(path, sizeof path, fx->s.dir, "q.ini",
        "[claim]\nnumber = 5\ntitle = Quick\ntext = t\nsource = s\n"
        "[setup]\nacts = relu\nsamples = 200\ndepth = 2\nwidth = 8\nepochs = 3\nseeds = 2\n"
        "[quick]\nepochs = 0\nseeds = 1\n"
        "[check gain]\nwhat = nothing trained, nothing gained\ntest = acc_gain(relu) == 0\n");
    run_quiet((const char *const[]){"run", path, "--quick", "--out", fx->s.out, "--no-plot",
                                    "--quiet", NULL});
    char *cfg = slurp_in(fx->s.out, "config.json");
    assert_contains(cfg, "\"mode\": \"quick\"");
    assert_contains(cfg, "\"epochs\": 0, \"seeds\": 1");
    assert_contains(cfg, "\"verdict\": \"reproduced\"");
    free(cfg);
    /* no [plot]: no figure script */
    assert_true(path_missing_in(fx->s.out, "plots/q.gp"));
    csv *c = csv_read(fx->s.out, "checks.csv");
    assert_int_equal(c->n_rows, 1);
    /* no swept key: the CSV rows have no leading key columns */
    assert_string_equal(c->cell[0][2], "");
    assert_string_equal(c->cell[0][7], "yes");
    csv_free(c);
    char *t = slurp_in(fx->s.out, "layers.csv");
    assert_int_equal(strncmp(t, "act,seed,epoch,layer,", 21), 0);
    free(t);
}

/* ------------------------------------------------------------------------ */
/* actbench reproduce                                                        */

static const char rep_a[] =
    "[claim]\nnumber = 3\ntitle = Alpha claim holds\ntext = a\nsource = src-a\n"
    "[setup]\nacts = sigmoid, relu\nsamples = 200\ndepth = 2\nwidth = 8\nepochs = 1\nseeds = 2\n"
    "[quick]\nepochs = 0\nseeds = 1\n"
    "[check ok]\nwhat = numbers\ntest = abs(-2) == 2\n"
    "[check acc]\nwhat = accuracies are fractions\ntest = test_acc(relu) <= 1\n";

static const char rep_b[] =
    "[claim]\nnumber = 7\ntitle = Beta claim fails\ntext = b\nsource = src-b\n"
    "[setup]\nacts = tanh\nsamples = 200\ndepth = 2\nwidth = 8\nepochs = 1\nseeds = 2\n"
    "[quick]\nepochs = 0\nseeds = 1\n"
    "[check never]\nwhat = impossible\ntest = test_acc(tanh) > 2\n";

typedef struct {
    char exps[4200];
    char expect[4200];
} rep_paths;

static void rep_setup(fixture *fx, rep_paths *p)
{
    char f[4400];
    snprintf(p->exps, sizeof p->exps, "%s/exps", fx->s.dir);
    assert_int_equal(mkdir(p->exps, 0777), 0);
    write_file(f, sizeof f, p->exps, "a-holds.ini", rep_a);
    write_file(f, sizeof f, p->exps, "b-fails.ini", rep_b);
    write_file(f, sizeof f, p->exps, "notes.txt", "not an experiment\n");
}

/* Runs reproduce --quick on the experiments of p with --out out and the
 * arguments of extra (NULL-terminated) into fx's run, freed before. */
static run_result *reproduce(fixture *fx, const rep_paths *p, const char *out,
                             const char *const *extra)
{
    run_result *r = &fx->s.r;
    run_free(r);
    run_with(r, (const char *const[]){"reproduce", "--quick", "--experiments", p->exps, "--out",
                                      out, NULL},
             extra);
    return r;
}

static const char verdicts_both[] = "experiment,claim,mode,verdict\n"
                                    "a-holds,3,quick,reproduced\n"
                                    "b-fails,7,quick,not reproduced\n";

static void test_reproduce(void **state)
{
    fixture *fx = *state;
    rep_paths p;
    rep_setup(fx, &p);
    run_result *r = reproduce(fx, &p, fx->s.out, (const char *const[]){"--no-plot", NULL});
    assert_exit_ok(r);
    assert_contains(r->out, "a-holds");
    assert_contains(r->out, "b-fails");
    assert_contains(r->out, "REPORT.md");

    char *rep = slurp_in(fx->s.out, "REPORT.md");
    assert_contains(rep, "\n| # | claim | source | criterion | measured | verdict |\n");
    assert_contains(rep,
                    "| 3 | Alpha claim holds | src-a | `abs(-2) == 2`<br>`test_acc(relu) <= 1`");
    assert_contains(rep, "| 7 | Beta claim fails | src-b | `test_acc(tanh) > 2` |");
    assert_contains(rep, "**reproduced**");
    assert_contains(rep, "**not reproduced**");
    assert_contains(rep, "### Claim 3: Alpha claim holds (`a-holds`)");
    assert_contains(rep, "### Claim 7: Beta claim fails (`b-fails`)");
    /* quick mode: no quick column */
    assert_null(strstr(rep, "| quick |"));
    free(rep);

    char *v = slurp_in(fx->s.out, "verdicts.csv");
    assert_string_equal(v, verdicts_both);
    free(v);
    /* one folder per experiment, run with [quick] */
    char *cfg = slurp_in(fx->s.out, "a-holds/config.json");
    assert_contains(cfg, "\"mode\": \"quick\"");
    assert_contains(cfg, "\"epochs\": 0, \"seeds\": 1");
    free(cfg);
    char *chk = slurp_in(fx->s.out, "b-fails/checks.csv");
    assert_contains(chk, "never,\"test_acc(tanh) > 2\",\"\",");
    assert_contains(chk, ",no\n");
    free(chk);
}

/* Writes an --expect file to DIR/name, its path into path: a-holds' quick
 * verdict recorded as verdict, its full one and b-fails' as they come out. */
static void write_expect(char *path, size_t n, const fixture *fx, const char *name,
                         const char *verdict)
{
    char text[256];
    snprintf(text, sizeof text,
             "experiment,claim,mode,verdict\n"
             "a-holds,3,full,not reproduced\n"
             "a-holds,3,quick,%s\n"
             "b-fails,7,quick,not reproduced\n",
             verdict);
    write_file(path, n, fx->s.dir, name, text);
}

static void test_reproduce_expect(void **state)
{
    fixture *fx = *state;
    rep_paths p;
    rep_setup(fx, &p);
    run_result *r;
    char expect[4400];
    const char *const with_expect[] = {"--quiet", "--no-plot", "--expect", expect, NULL};

    /* a recorded verdict that differs: exit 1, one line naming the experiment */
    write_expect(expect, sizeof expect, fx, "expect-differs.csv", "partly");
    r = reproduce(fx, &p, fx->s.out, with_expect);
    assert_error(NULL, r, 1, (const char *const[]){"'reproduced'", "'partly'", expect, NULL});
    assert_int_equal(strncmp(r->err, "actbench: a-holds: ", 19), 0);
    /* the results are written all the same */
    char *v = slurp_in(fx->s.out, "verdicts.csv");
    assert_string_equal(v, verdicts_both);
    free(v);

    /* matching rows (full rows are not compared): exit 0, nothing on stderr */
    write_expect(expect, sizeof expect, fx, "expect-same.csv", "reproduced");
    r = reproduce(fx, &p, fx->s.out, with_expect);
    assert_exit_ok(r);
    assert_string_equal(r->err, "");

    /* a file that is not a verdicts.csv, and an unknown verdict word: usage
     * errors naming what is wrong */
    static const struct { const char *file, *text, *needle; } bad[] = {
        {"expect-bad.csv", "id,verdict\na-holds,reproduced\n", "not a verdicts.csv"},
        {"expect-word.csv", "experiment,claim,mode,verdict\na-holds,3,quick,partlyy\n",
         "partlyy"},
    };
    for (size_t i = 0; i < N_OF(bad); i++) {
        write_file(expect, sizeof expect, fx->s.dir, bad[i].file, bad[i].text);
        r = reproduce(fx, &p, fx->s.out, (const char *const[]){"--expect", expect, NULL});
        assert_error(bad[i].file, r, 2, (const char *const[]){bad[i].needle, NULL});
    }
}

static void test_reproduce_only(void **state)
{
    fixture *fx = *state;
    rep_paths p;
    rep_setup(fx, &p);
    char out[4400];

    /* by claim number */
    snprintf(out, sizeof out, "%s/only3", fx->s.dir);
    assert_exit_ok(reproduce(fx, &p, out,
                             (const char *const[]){"--quiet", "--no-plot", "--only", "3", NULL}));
    char *v = slurp_in(out, "verdicts.csv");
    assert_string_equal(v, "experiment,claim,mode,verdict\na-holds,3,quick,reproduced\n");
    free(v);
    assert_true(path_missing_in(out, "b-fails"));
    char *rep = slurp_in(out, "REPORT.md");
    assert_contains(rep, "Alpha claim holds");
    assert_null(strstr(rep, "Beta claim fails"));
    free(rep);

    /* by id */
    snprintf(out, sizeof out, "%s/onlyb", fx->s.dir);
    assert_exit_ok(reproduce(
        fx, &p, out, (const char *const[]){"--quiet", "--no-plot", "--only", "b-fails", NULL}));
    v = slurp_in(out, "verdicts.csv");
    assert_string_equal(v, "experiment,claim,mode,verdict\nb-fails,7,quick,not reproduced\n");
    free(v);

    /* a claim no file has: usage error */
    run_result *r =
        reproduce(fx, &p, fx->s.out, (const char *const[]){"--no-plot", "--only", "99", NULL});
    assert_error(NULL, r, 2, (const char *const[]){"--only: 99", NULL});
}

/* An experiment on Fashion-MNIST, sorted between a-holds and b-fails. */
static const char rep_fashion[] =
    "[claim]\nnumber = 12\ntitle = Fashion claim\ntext = f\nsource = src-f\n"
    "[setup]\nacts = relu\ndata = fashion-mnist\nsamples = 200\ndepth = 1\nwidth = 8\n"
    "epochs = 1\n[quick]\nepochs = 0\nseeds = 1\n"
    "[check fine]\nwhat = accuracy\ntest = test_acc(relu) >= 0\n";

/* An experiment whose data set is not installed (--data-dir: an empty
 * folder) is skipped before anything runs, with the install hint on stderr;
 * the others run; REPORT.md lists it as skipped; exit status 3, also with
 * --expect (its recorded verdict is not a difference).  A folder that holds
 * a file of the set but is corrupt is an error, not a skip. */
static void test_reproduce_skips_missing_data(void **state)
{
    fixture *fx = *state;
    rep_paths p;
    rep_setup(fx, &p);
    char f[4400], empty[4200], expect[4400];
    write_file(f, sizeof f, p.exps, "ab-fashion.ini", rep_fashion);
    snprintf(empty, sizeof empty, "%s/no-idx", fx->s.dir);
    assert_int_equal(mkdir(empty, 0777), 0);
    write_file(expect, sizeof expect, fx->s.dir, "expect.csv",
               "experiment,claim,mode,verdict\na-holds,3,quick,reproduced\n"
               "ab-fashion,12,quick,reproduced\nb-fails,7,quick,not reproduced\n");

    run_result *r = reproduce(fx, &p, fx->s.out,
                              (const char *const[]){"--no-plot", "--data-dir", empty, "--expect",
                                                    expect, NULL});
    assert_int_equal(r->status, 3);
    char line[4400];
    snprintf(line, sizeof line, "actbench: ab-fashion: skipped: fashion-mnist not installed: no "
             "IDX files in %s (apt-get install dataset-fashion-mnist; or --data-dir DIR)\n",
             empty);
    /* said first, before the others run */
    assert_int_equal(strncmp(r->err, line, strlen(line)), 0);
    assert_contains(r->err, "] a-holds: reproduced");
    assert_contains(r->err, "] b-fails: not reproduced");
    assert_null(strstr(r->err, "not run"));
    assert_contains(r->err, "actbench: 1 experiment skipped: its data set is not installed "
                            "(exit status 3)\n");
    assert_contains(r->out, "ab-fashion                                      12  skipped: "
                            "fashion-mnist not installed");
    assert_true(path_missing_in(fx->s.out, "ab-fashion"));
    char *v = slurp_in(fx->s.out, "verdicts.csv");
    assert_string_equal(v, verdicts_both);
    free(v);
    char *rep = slurp_in(fx->s.out, "REPORT.md");
    assert_contains(rep, "**1 experiment was skipped**");
    /* its row in the table, in id order, with "skipped" for a verdict */
    char *a = strstr(rep, "| 3 | Alpha claim holds"), *k = strstr(rep, "| 12 | Fashion claim"),
         *b = strstr(rep, "| 7 | Beta claim fails");
    assert_non_null(a);
    assert_non_null(k);
    assert_non_null(b);
    assert_true(a < k && k < b);
    snprintf(line, sizeof line, "| 12 | Fashion claim | src-f | `test_acc(relu) >= 0` | not run: "
             "fashion-mnist not installed: no IDX files in %s | **skipped** |\n", empty);
    assert_contains(rep, line);
    assert_contains(rep, "\n## Skipped: data set not installed\n");
    assert_contains(rep, "| `ab-fashion` | 12 | fashion-mnist not installed: no IDX files in ");
    assert_contains(rep, "| `apt-get install dataset-fashion-mnist` |\n");
    free(rep);

    /* a full run: skipped in its quick pass too, and in the quick column */
    char full[4400];
    snprintf(full, sizeof full, "%s/full", fx->s.dir);
    run_free(r);
    run_with(r, (const char *const[]){"reproduce", "--experiments", p.exps, "--out", full, NULL},
             (const char *const[]){"--quiet", "--no-plot", "--data-dir", empty, NULL});
    assert_int_equal(r->status, 3);
    assert_contains(r->err, "actbench: ab-fashion: skipped: fashion-mnist not installed");
    assert_null(strstr(r->err, "ab-fashion (quick)"));
    rep = slurp_in(full, "REPORT.md");
    assert_contains(rep, " | **skipped** | skipped |\n");
    free(rep);
    v = slurp_in(full, "verdicts.csv");
    assert_null(strstr(v, "ab-fashion"));
    assert_contains(v, "a-holds,3,full,");
    free(v);

    /* only the skipped one: nothing runs, the report says why */
    char only[4400];
    snprintf(only, sizeof only, "%s/only", fx->s.dir);
    r = reproduce(fx, &p, only,
                  (const char *const[]){"--quiet", "--no-plot", "--data-dir", empty, "--only",
                                        "12", NULL});
    assert_int_equal(r->status, 3);
    rep = slurp_in(only, "REPORT.md");
    assert_contains(rep, "| **skipped** |\n");
    assert_null(strstr(rep, "Alpha claim"));
    free(rep);
    v = slurp_in(only, "verdicts.csv");
    assert_string_equal(v, "experiment,claim,mode,verdict\n");
    free(v);

    /* installed but corrupt: an error naming the file, exit 1, not a skip,
     * and OUT as it was */
    char bad[4200];
    snprintf(bad, sizeof bad, "%s/bad-idx", fx->s.dir);
    assert_int_equal(mkdir(bad, 0777), 0);
    write_file(f, sizeof f, bad, "train-images-idx3-ubyte", "not an IDX file\n");
    char *before = slurp_in(only, "REPORT.md");
    r = reproduce(fx, &p, only,
                  (const char *const[]){"--quiet", "--no-plot", "--data-dir", bad, "--only", "12",
                                        NULL});
    assert_error(NULL, r, 1, (const char *const[]){bad, "dataset-fashion-mnist", NULL});
    assert_null(strstr(r->err, "skipped"));
    char *after = slurp_in(only, "REPORT.md");
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* --only replaces the folders of the experiments it runs and no other;
 * REPORT.md and verdicts.csv are made anew from every folder present; a run
 * of them all replaces OUT as a whole. */
static void test_reproduce_only_replaces_own(void **state)
{
    fixture *fx = *state;
    rep_paths p;
    rep_setup(fx, &p);
    const char *quiet[] = {"--quiet", "--no-plot", NULL};
    assert_exit_ok(reproduce(fx, &p, fx->s.out, quiet));
    char f[4400];
    write_file(f, sizeof f, fx->s.out, "a-holds/stray.txt", "old\n");
    write_file(f, sizeof f, fx->s.out, "b-fails/stray.txt", "old\n");
    write_file(f, sizeof f, fx->s.out, "top.txt", "old\n");
    assert_exit_ok(reproduce(fx, &p, fx->s.out,
                             (const char *const[]){"--quiet", "--no-plot", "--only", "3", NULL}));
    assert_true(path_missing_in(fx->s.out, "a-holds/stray.txt"));
    assert_false(path_missing_in(fx->s.out, "b-fails/stray.txt"));
    assert_false(path_missing_in(fx->s.out, "top.txt"));
    char *v = slurp_in(fx->s.out, "verdicts.csv");
    assert_string_equal(v, verdicts_both);
    free(v);
    char *rep = slurp_in(fx->s.out, "REPORT.md");
    assert_contains(rep, "### Claim 3: Alpha claim holds (`a-holds`)");
    assert_contains(rep, "### Claim 7: Beta claim fails (`b-fails`)");
    assert_contains(rep, "`actbench reproduce --quick --only 3`");
    free(rep);
    /* each folder holds its share of the report */
    v = slurp_in(fx->s.out, "b-fails/verdict.csv");
    assert_string_equal(v, "experiment,claim,mode,verdict\nb-fails,7,quick,not reproduced\n");
    free(v);
    assert_exit_ok(reproduce(fx, &p, fx->s.out, quiet));
    assert_true(path_missing_in(fx->s.out, "b-fails/stray.txt"));
    assert_true(path_missing_in(fx->s.out, "top.txt"));
    assert_int_equal(count_entries(fx->s.out), 4); /* 2 folders, REPORT.md, verdicts.csv */
}

/* A reproduce --only that fails part-way leaves OUT as it was, and one
 * whose mode differs from the folders there is refused before it runs. */
static void test_reproduce_only_failed_keeps_out(void **state)
{
    fixture *fx = *state;
    rep_paths p;
    rep_setup(fx, &p);
    const char *quiet[] = {"--quiet", "--no-plot", NULL};
    assert_exit_ok(reproduce(fx, &p, fx->s.out, quiet));
    char *cfg = slurp_in(fx->s.out, "a-holds/config.json");
    char *rep = slurp_in(fx->s.out, "REPORT.md");
    /* b-fails now reads a data file that is not there: it fails after
     * a-holds has run */
    char f[4400];
    write_file(f, sizeof f, p.exps, "b-fails.ini",
               "[claim]\nnumber = 7\ntitle = Beta claim fails\ntext = b\nsource = src-b\n"
               "[setup]\nacts = tanh\ndata = csv:/nonexistent/b.csv\nepochs = 1\n"
               "[check never]\nwhat = impossible\ntest = test_acc(tanh) > 2\n");
    run_result *r = reproduce(fx, &p, fx->s.out,
                              (const char *const[]){"--quiet", "--no-plot", "--only",
                                                    "a-holds,b-fails", NULL});
    assert_error(NULL, r, 1, (const char *const[]){"b-fails", "/nonexistent/b.csv", NULL});
    char *cfg2 = slurp_in(fx->s.out, "a-holds/config.json");
    char *rep2 = slurp_in(fx->s.out, "REPORT.md");
    assert_string_equal(cfg, cfg2);
    assert_string_equal(rep, rep2);
    assert_int_equal(count_entries(fx->s.dir), 2); /* exps and the output: no stage left */
    free(cfg), free(cfg2), free(rep), free(rep2);
    /* the folders are quick mode; a full --only would mix: refused */
    write_file(f, sizeof f, p.exps, "b-fails.ini", rep_b);
    run_free(&fx->s.r);
    run_with(&fx->s.r, (const char *const[]){"reproduce", "--experiments", p.exps, "--out",
                                            fx->s.out, "--quiet", "--no-plot", "--only", "3",
                                            NULL},
             NULL);
    assert_error(NULL, &fx->s.r, 2, (const char *const[]){"b-fails", "quick-mode", NULL});
}

/* A plot of histograms (x = value): its folder holds hist.csv, every run's
 * histograms at epoch 0 and the last (2) of each hidden layer, and the
 * figure a line per activation and depth, each slot the mean over the two
 * seeds of what hist.csv holds. */
static void test_run_hist_plot(void **state)
{
    fixture *fx = *state;
    char path[4400], text[2048], out[4400];
    snprintf(text, sizeof text, "%s[plot h]\nx = value\ny = act_hist\nlayer = 2\n", run_ini);
    write_file(path, sizeof path, fx->s.dir, "tiny-hist.ini", text);
    snprintf(out, sizeof out, "%s/h", fx->s.dir);
    run_quiet((const char *const[]){"run", path, "--out", out, "--no-plot", "-q", NULL});
    csv *h = csv_read(out, "hist.csv");
    /* 2 acts x 2 seeds at depth 2 and at depth 3, 2 histograms, 2 kinds */
    assert_int_equal(h->n_rows, 2 * 2 * 2 * 2 * 53 * (2 + 3));
    assert_string_equal(h->head[0], "depth");
    char *gp = slurp_in(out, "plots/tiny-hist.gp");
    const char *blk = strstr(gp, "# panel 2, \"relu, layer 2, epoch 0, depth=3\"\n");
    assert_non_null(blk);
    blk = strstr(blk, "EOD\n") + 4;
    /* relu at depth 3, layer 2, act, epoch 0: seed 1's and seed 2's rows */
    int first[2] = {-1, -1};
    for (int rw = 0; rw < h->n_rows; rw++) {
        int sd = atoi(h->cell[rw][2]) - 1;
        if (!strcmp(h->cell[rw][0], "3") && !strcmp(h->cell[rw][1], "relu") &&
            !strcmp(h->cell[rw][3], "0") && !strcmp(h->cell[rw][4], "2") &&
            !strcmp(h->cell[rw][5], "act") && first[sd] < 0)
            first[sd] = rw;
    }
    assert_true(first[0] >= 0 && first[1] >= 0);
    for (int b = 0; b < 53; b++) {
        double x, y, lo, hi;
        int used = 0;
        assert_int_equal(sscanf(blk, "%lf %lf %lf %lf\n%n", &x, &y, &lo, &hi, &used), 4);
        blk += used;
        double n = 200 * 0.8 * 8; /* the probe set (the training samples) x width */
        double want = (atof(h->cell[first[0] + b][8]) + atof(h->cell[first[1] + b][8])) / 2 / n;
        if (fabs(y - want) > 1e-8)
            fail_msg("slot %d: %.9g in the figure, %.9g from hist.csv", b, y, want);
    }
    free(gp);
    csv_free(h);

    /* with no epochs, the last histogram is epoch 0's */
    snprintf(text, sizeof text, "%s[plot h]\nx = value\ny = act_hist\nlayer = 2\n"
             "epoch = last\n", run_ini);
    write_file(path, sizeof path, fx->s.dir, "tiny-hist.ini", text);
    run_quiet((const char *const[]){"run", path, "--set", "epochs=0", "--out", out, "--no-plot",
                                    "-q", NULL});
    gp = slurp_in(out, "plots/tiny-hist.gp");
    assert_non_null(strstr(gp, "# panel 2, \"relu, layer 2, epoch 0, depth=3\"\n"));
    free(gp);
}

/* The files of `run -j 2` are byte for byte those of `run -j 1` (the
 * seconds columns aside: they are clocks). */
static void test_run_jobs_same_files(void **state)
{
    fixture *fx = *state;
    char path[4400], a[4400], b[4400];
    write_file(path, sizeof path, fx->s.dir, "tiny-run.ini", run_ini);
    snprintf(a, sizeof a, "%s/j1", fx->s.dir);
    snprintf(b, sizeof b, "%s/j2", fx->s.dir);
    run_quiet((const char *const[]){"run", path, "-j", "1", "--out", a, "--no-plot", "-q", NULL});
    run_quiet((const char *const[]){"run", path, "--jobs", "2", "--out", b, "--no-plot", "-q",
                                    NULL});
    static const char *const files[] = {"loss.csv", "layers.csv", "summary.csv",
                                        "quantities.csv", "checks.csv"};
    /* no plot of histograms: no hist.csv */
    assert_true(path_missing_in(a, "hist.csv"));
    char *ga = slurp_in(a, "plots/tiny-run.gp"), *gb = slurp_in(b, "plots/tiny-run.gp");
    assert_string_equal(ga, gb);
    free(ga), free(gb);
    for (size_t i = 0; i < N_OF(files); i++) {
        csv *x = csv_read(a, files[i]), *y = csv_read(b, files[i]);
        assert_int_equal(x->n_rows, y->n_rows);
        assert_int_equal(x->n_cols, y->n_cols);
        assert_true(x->n_rows > 0);
        for (int c = 0; c < x->n_cols; c++) {
            if (strstr(x->head[c], "seconds"))
                continue;
            for (int rw = 0; rw < x->n_rows; rw++)
                if (strcmp(x->cell[rw][c], y->cell[rw][c]))
                    fail_msg("%s row %d %s: '%s' at -j 1, '%s' at -j 2", files[i], rw + 1,
                             x->head[c], x->cell[rw][c], y->cell[rw][c]);
        }
        csv_free(x);
        csv_free(y);
    }
    char *cfg = slurp_in(b, "config.json");
    assert_contains(cfg, "\"jobs\": 2");
    free(cfg);
}

/* ------------------------------------------------------------------------ */
/* Usage errors of the subcommands                                           */

typedef struct {
    const char *name;
    const char *args[8];   /* FILE = a good experiment file, BAD = a bad one,
                              EXPS = a folder of good files; --out is added */
    int status;
    const char *needle;
} sub_case;

static const sub_case sub_cases[] = {
    {"run without a file", {"run"}, 2, "needs exactly one experiment file"},
    {"run with two files", {"run", "FILE", "FILE"}, 2, "needs exactly one experiment file"},
    /* xf_load: AB_ERUNTIME when the file cannot be read */
    {"run a missing file", {"run", "/nonexistent.ini"}, 1, "/nonexistent.ini"},
    {"run an unknown option", {"run", "FILE", "--bogus"}, 2, "--bogus: unknown option"},
    {"run --out without a value", {"run", "FILE", "--no-plot", "--out"}, 2, "needs a value"},
    {"run a reproduce option", {"run", "FILE", "--only", "3"}, 2, "--only"},
    {"run a bad file", {"run", "BAD"}, 2, "bad.ini:11: unknown section [bogus]"},
    {"reproduce a missing folder", {"reproduce", "--experiments", "/nonexistent"}, 2,
     "/nonexistent"},
    {"reproduce an argument", {"reproduce", "--experiments", "EXPS", "extra"}, 2,
     "extra: unexpected argument"},
    {"reproduce an unknown option", {"reproduce", "--experiments", "EXPS", "--bogus"}, 2,
     "--bogus: unknown option"},
    {"reproduce a missing --expect", {"reproduce", "--experiments", "EXPS", "--expect",
     "/nonexistent.csv"}, 2, "/nonexistent.csv"},
    {"reproduce a folder without .ini", {"reproduce", "--experiments", "EMPTY"}, 2,
     "0 .ini files"},
    /* every item of --only selects something */
    {"reproduce --only an item that matches nothing", {"reproduce", "--experiments", "EXPS",
     "--only", "3,99"}, 2, "--only: 99: matches no experiment"},
    {"reproduce --only an empty item", {"reproduce", "--experiments", "EXPS", "--only", "3,"},
     2, "--only: '3,' has an empty item"},
    /* long options in full; an option with a value once */
    {"run an abbreviated option", {"run", "FILE", "--no-pl"}, 2,
     "--no-pl: unknown option (did you mean --no-plot?)"},
    {"reproduce an abbreviated option", {"reproduce", "--experiments", "EXPS", "--onl", "3"}, 2,
     "--onl: unknown option (did you mean --only?)"},
    {"run --out twice", {"run", "FILE", "--out", "/nonexistent/elsewhere"}, 2,
     "--out: given twice"},
    {"reproduce --only twice", {"reproduce", "--experiments", "EXPS", "--only", "3", "--only",
     "3"}, 2, "--only: given twice"},
};

static void test_sub_usage(void **state)
{
    fixture *fx = *state;
    const sub_case *c = fx->s.data;
    char in[4400], good[4500], bad[4500], exps[4500], empty[4500], f[4600];
    snprintf(in, sizeof in, "%s/in", fx->s.dir);
    assert_int_equal(mkdir(in, 0777), 0);
    write_file(good, sizeof good, in, "good.ini", rep_a);
    write_file(bad, sizeof bad, in, "bad.ini", CLAIM SETUP "[bogus]\nkey = 1\n" CHECK);
    snprintf(exps, sizeof exps, "%s/exps", in);
    assert_int_equal(mkdir(exps, 0777), 0);
    write_file(f, sizeof f, exps, "a.ini", rep_a);
    snprintf(empty, sizeof empty, "%s/empty", in);
    assert_int_equal(mkdir(empty, 0777), 0);

    const char *args[16] = {NULL};
    for (int i = 0; c->args[i]; i++) {
        const char *a = c->args[i];
        args[i] = !strcmp(a, "FILE")    ? good
                  : !strcmp(a, "BAD")   ? bad
                  : !strcmp(a, "EXPS")  ? exps
                  : !strcmp(a, "EMPTY") ? empty
                                        : a;
    }
    /* --out before the arguments, so that a trailing "--out" stays valueless */
    run_result *r = &fx->s.r;
    run_with(r, (const char *const[]){args[0], "--out", fx->s.out, NULL}, args + 1);
    assert_error(c->name, r, c->status, (const char *const[]){c->needle, NULL});
    assert_out_missing(&fx->s, c->name, -1);
}

static void test_sub_help(void **state)
{
    fixture *fx = *state;
    run_result *r = &fx->s.r;
    run_actbench(r, (const char *const[]){"run", "--help", NULL});
    assert_info_run(&fx->s);
    assert_contains(r->out, "Usage: actbench run FILE");
    run_free(r);
    run_actbench(r, (const char *const[]){"reproduce", "--help", NULL});
    assert_info_run(&fx->s);
    assert_contains(r->out, "Usage: actbench reproduce");
    assert_contains(r->out, "--expect FILE");
}

/* ------------------------------------------------------------------------ */

/* run and reproduce take --data-dir as the main command does: an IDX data
 * set is read from it (a folder without the files is named in the error,
 * exit 1, nothing written); an empty one is a usage error. */
static void test_data_dir(void **state)
{
    fixture *fx = *state;
    char path[4300];
    write_file(path, sizeof path, fx->s.dir, "fm.ini",
               "[claim]\nnumber = 3\ntitle = T\ntext = X\nsource = S\n"
               "[setup]\nacts = relu\ndata = fashion-mnist\nsamples = 200\ndepth = 1\n"
               "epochs = 1\n[check c]\nwhat = w\ntest = test_acc(relu) >= 0\n");
    run_result *r = &fx->s.r;
    run_actbench(r, (const char *const[]){"run", path, "--data-dir", "/nonexistent-idx", "--out",
                                          fx->s.out, "--no-plot", NULL});
    assert_error("missing IDX folder", r, 1,
                 (const char *const[]){"/nonexistent-idx/train-images-idx3-ubyte", NULL});
    assert_out_missing(&fx->s, "missing IDX folder", 1);
    run_free(r);
    run_actbench(r, (const char *const[]){"reproduce", "--data-dir", "", "--out", fx->s.out,
                                          NULL});
    assert_error("empty --data-dir", r, 2, (const char *const[]){"--data-dir", NULL});
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_load_continuation_and_folder, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_load_good, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_data_dir, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_load_quick, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_load_quick_error, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_load_long_line, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_load_missing_file, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_load_not_text, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_load_value_limits, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_load_long_name, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_run, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_run_quick, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_run_bench_sweep, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_run_not_finite, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_run_missing_csv, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_reproduce, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_reproduce_expect, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_reproduce_only, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_reproduce_skips_missing_data, setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_reproduce_only_replaces_own, setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_run_jobs_same_files, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_run_hist_plot, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_reproduce_only_failed_keeps_out, setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_sub_help, setup, scratch_teardown),
    };
    test_list l = {0};
    TESTS_ADD(&l, tests);
    TESTS_ADD_CASES(&l, test_load_error, load_cases, setup, scratch_teardown);
    TESTS_ADD_CASES(&l, test_load_limit, limit_cases, setup, scratch_teardown);
    TESTS_ADD_CASES(&l, test_sub_usage, sub_cases, setup, scratch_teardown);
    return tests_run(&l, "test_experiment");
}
