/* test_own.c - your own activation, through the binary: formulas (expr:),
 * learned parameters, C plugins (plugin:), the derivative check made before
 * training, and what a user gets wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define SOFTEXP "se=expr:a < 0 ? -log(1-a*(x+a))/a : a == 0 ? x : (exp(a*x)-1)/a + a;~a=0.1"

static char brelu[4096], softexp[4096], wrong_df[4096], wrong_pgrad[4096], bad_dir[4096];

static int setup(void **state)
{
    return scratch_setup(state, sizeof(scratch), "own", "run");
}

/* The column named name of a CSV header line, or -1. */
static int column(const char *csv, const char *name)
{
    char head[1024];
    snprintf(head, sizeof head, "%.*s", (int)strcspn(csv, "\n"), csv);
    char *f[64];
    int n = split_commas(head, f, 64);
    for (int i = 0; i < n; i++)
        if (!strcmp(f[i], name))
            return i;
    return -1;
}

/* Field col of the first line of csv that starts with prefix, as a number
 * (NaN when empty or absent). */
static double field(const char *csv, const char *prefix, int col)
{
    for (const char *l = csv; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, prefix, strlen(prefix)))
            continue;
        char line[2048];
        snprintf(line, sizeof line, "%.*s", (int)strcspn(l, "\n"), l);
        char *f[64];
        int n = split_commas(line, f, 64);
        return col < n && f[col][0] ? atof(f[col]) : NAN;
    }
    return NAN;
}

/* A formula of silu trains as silu does; the label names it in the files;
 * a comma inside max(x, 0) does not split the list. */
static void test_formula_like_builtin(void **state)
{
    scratch *fx = *state;
    run_ok(&fx->r, (const char *const[]){"--act", "silu,mysilu=expr:x*sigmoid(x),m=expr:max(x, 0)",
                                         "--depth", "3", "--epochs", "3", "--no-plot", "-q",
                                         "--out", fx->out, NULL});
    char *sum = slurp_in(fx->out, "summary.csv");
    int c = column(sum, "final_train_loss");
    assert_true(c > 0);
    double a = field(sum, "silu,", c), b = field(sum, "mysilu,", c);
    assert_true(isfinite(a) && isfinite(b));
    assert_true(fabs(a - b) <= 1e-6 * fabs(a));
    assert_true(isfinite(field(sum, "m,", c)));
    free(sum);
    /* nothing learned: no figure of learned parameters */
    assert_true(path_missing_in(fx->out, "plots/learned.gp"));
    char *cfg = slurp_in(fx->out, "config.json");
    assert_contains(cfg, "\"source\": \"expr:x*sigmoid(x)\"");
    assert_contains(cfg, "\"source\": \"expr:max(x, 0)\"");
    free(cfg);
}

/* A learned formula parameter: its layers.csv column, its values moving,
 * saved with the weights and read back. */
static void test_learned_parameter(void **state)
{
    scratch *fx = *state;
    char w[4300], fin[4400], again[4300];
    snprintf(w, sizeof w, "%s/w", fx->dir);
    snprintf(fin, sizeof fin, "%s/se-seed1/final", w);
    snprintf(again, sizeof again, "%s/again", fx->dir);
    run_ok(&fx->r, (const char *const[]){"--act", "prelu," SOFTEXP, "--depth", "3", "--epochs",
                                         "4", "--no-plot", "-q", "--out", fx->out,
                                         "--save-weights", w, NULL});
    char *lay = slurp_in(fx->out, "layers.csv");
    int ca = column(lay, "a"), calpha = column(lay, "alpha");
    assert_true(ca > 0 && calpha > 0); /* se's a, and prelu's alpha */
    assert_float_equal(field(lay, "se,1,0,2,", ca), 0.1, 1e-7);
    assert_true(isnan(field(lay, "se,1,0,2,", calpha)));
    assert_true(isnan(field(lay, "prelu,1,0,2,", ca)));
    double moved = field(lay, "se,1,4,2,", ca);
    assert_true(isfinite(moved) && fabs(moved - 0.1) > 1e-4);
    free(lay);
    /* their figure: a panel for prelu's alpha and one for se's a */
    char *gp = slurp_in(fx->out, "plots/learned.gp");
    assert_contains(gp, "prelu: alpha");
    assert_contains(gp, "se: a");
    free(gp);
    char npy[4500];
    snprintf(npy, sizeof npy, "%s/a2.npy", fin);
    assert_true(file_size(npy) > 0);
    /* read back: epoch 0 of a new run is where the first ended */
    run_result r2;
    run_ok(&r2, (const char *const[]){"--act", SOFTEXP, "--depth", "3", "--epochs", "0",
                                      "--no-plot", "-q", "--out", again, "--load-weights", fin,
                                      NULL});
    run_free(&r2);
    lay = slurp_in(again, "layers.csv");
    assert_float_equal(field(lay, "se,1,0,2,", column(lay, "a")), moved, 1e-9);
    free(lay);
}

/* BReLU from its plugin trains, and -j gives it to the children. */
static void test_plugin_trains(void **state)
{
    scratch *fx = *state;
    char spec[4200];
    snprintf(spec, sizeof spec, "relu,plugin:%s", brelu);
    run_ok(&fx->r, (const char *const[]){"--act", spec, "--depth", "3", "--epochs", "2",
                                         "-j", "2", "--no-plot", "-q", "--out", fx->out, NULL});
    char *sum = slurp_in(fx->out, "summary.csv");
    assert_contains(sum, "\nbrelu,1,");
    free(sum);
    run_free(&fx->r);
    snprintf(spec, sizeof spec, "plugin:%s", brelu);
    run_ok(&fx->r, (const char *const[]){"gradcheck", "--act", spec, NULL});
    assert_contains(fx->r.out, "brelu");
    assert_contains(fx->r.out, "1 activation checked, 0 wrong");
}

/* A plugin whose f' is wrong on its odd units is refused before training,
 * naming the point and the unit, unless --no-gradcheck; gradcheck says so
 * with exit 1.  The learned gradient's sign bug likewise. */
static void test_wrong_derivative_refused(void **state)
{
    scratch *fx = *state;
    char spec[4200];
    snprintf(spec, sizeof spec, "relu,plugin:%s", wrong_df);
    run_actbench(&fx->r, (const char *const[]){"--act", spec, "--epochs", "1", "--no-plot",
                                               "--out", fx->out, NULL});
    assert_error("wrong f'", &fx->r, 2,
                 (const char *const[]){"wrong_df: its derivative is wrong", "in unit 1 of a row",
                                       "--no-gradcheck", NULL});
    assert_out_missing(fx, "wrong f'", 0);
    run_free(&fx->r);
    run_ok(&fx->r, (const char *const[]){"--act", spec, "--epochs", "1", "--no-plot", "-q",
                                         "--no-gradcheck", "--out", fx->out, NULL});
    run_free(&fx->r);
    snprintf(spec, sizeof spec, "plugin:%s", wrong_pgrad);
    run_actbench(&fx->r, (const char *const[]){"--act", spec, "--epochs", "1", "--no-plot",
                                               "--out", fx->out, "--depth", "2", NULL});
    assert_error("wrong pgrad", &fx->r, 2,
                 (const char *const[]){"learned parameter a is wrong", NULL});
    run_free(&fx->r);
    /* a gradient right only at the parameter's start; f' reading another
     * element; f' wrong from unit 5 on */
    const char *const more[][2] = {{"wrong_at.so", "learned parameter a is wrong"},
                                   {"wrong_index.so", "its derivative is wrong"},
                                   {"wrong_unit.so", "in unit 5 of a row"}};
    for (int i = 0; i < 3; i++) {
        snprintf(spec, sizeof spec, "plugin:%s/%s", bad_dir, more[i][0]);
        run_actbench(&fx->r, (const char *const[]){"--act", spec, "--epochs", "1",
                                                   "--no-plot", "--out", fx->out, NULL});
        assert_error(more[i][0], &fx->r, 2, (const char *const[]){more[i][1], NULL});
        run_free(&fx->r);
    }
    snprintf(spec, sizeof spec, "relu,plugin:%s", wrong_df);
    run_actbench(&fx->r, (const char *const[]){"gradcheck", "--act", spec, NULL});
    assert_int_equal(fx->r.status, 1);
    assert_contains(fx->r.err, "wrong_df: f'(");
    assert_contains(fx->r.err, "unit 1");
    assert_contains(fx->r.out, "2 activations checked, 1 wrong");
}

/* Exact derivatives are not refused for being hard to difference: 13
 * kinks (abs(sin(2x))), a fast-changing f' (0.05 sin(30x)); a formula of
 * thousands of kinks is trained with a warning that it was not checked. */
static void test_hard_formulas_accepted(void **state)
{
    scratch *fx = *state;
    run_ok(&fx->r, (const char *const[]){"--act", "k=expr:abs(sin(2*x)),w=expr:0.05*sin(30*x)+x",
                                         "--depth", "2", "--epochs", "1", "--no-plot", "-q",
                                         "--out", fx->out, NULL});
    run_free(&fx->r);
    run_actbench(&fx->r, (const char *const[]){"--act", "m=expr:abs(sin(1000*x))", "--depth",
                                               "2", "--epochs", "1", "--no-plot", "-q",
                                               "--out", fx->out, NULL});
    assert_int_equal(fx->r.status, 0);
    assert_contains(fx->r.err, "warning: m has ");
    assert_contains(fx->r.err, "or more kinks, too many to step around");
}

/* --list-acts shows a formula given with --act, ~ marking its learned
 * parameter. */
static void test_list_acts(void **state)
{
    scratch *fx = *state;
    run_ok(&fx->r, (const char *const[]){"--list-acts", "--act", SOFTEXP, NULL});
    assert_contains(fx->r.out, "\nse ");
    assert_contains(fx->r.out, "~a=0.1");
    assert_contains(fx->r.out, "\nprelu ");
}

/* An experiment file takes formulas too. */
static void test_experiment_file(void **state)
{
    scratch *fx = *state;
    char path[4300];
    write_file(path, sizeof path, fx->dir, "own.ini",
               "[claim]\nnumber = 3\ntitle = T\ntext = X\nsource = S\n"
               "[setup]\nacts = relu, mysilu=expr:x*sigmoid(x), m=expr:max(x, 0)\n"
               "depth = 3\nepochs = 1\n"
               "[check c]\nwhat = w\ntest = decay(mysilu) <= decay(m) + 10\n");
    run_ok(&fx->r, (const char *const[]){"run", path, "--out", fx->out, "--no-plot", NULL});
    char *q = slurp_in(fx->out, "summary.csv");
    assert_contains(q, "mysilu");
    free(q);
    /* " ;b=1.5" would be an inih comment, and the parameter lost */
    run_free(&fx->r);
    write_file(path, sizeof path, fx->dir, "space.ini",
               "[claim]\nnumber = 3\ntitle = T\ntext = X\nsource = S\n"
               "[setup]\nacts = relu, m=expr:x*sigmoid(b*x) ;b=1.5\ndepth = 3\nepochs = 1\n"
               "[check c]\nwhat = w\ntest = decay(m) <= 10 ; a comment\n");
    char out2[4300];
    snprintf(out2, sizeof out2, "%s/space", fx->dir);
    run_actbench(&fx->r, (const char *const[]){"run", path, "--out", out2, "--no-plot", NULL});
    assert_error("space before ;", &fx->r, 2,
                 (const char *const[]){"space.ini:7", "a space before ';'", NULL});
}

typedef struct {
    const char *name;
    const char *act;
    const char *needles[4];
} bad_case;

static const bad_case bad_cases[] = {
    {"unknown function", "expr:x*sigmod(x)",
     {"unknown function 'sigmod' at column 3", "did you mean 'sigmoid'?", NULL}},
    {"unknown name", "expr:x*y", {"unknown name 'y' at column 3", NULL}},
    {"parameter twice", "expr:b*x;b=1;b=2", {"'b'", "twice", NULL}},
    {"parameter unused", "expr:x;~a=1", {"'a' is not used", NULL}},
    {"NaN on the input range", "expr:log(x)", {"NaN at x = -10", NULL}},
    /* 0.5/sqrt(0) times abs'(0) = 0: NaN, as PyTorch's autograd gives */
    {"derivative not finite", "expr:sqrt(abs(x))", {"f' is NaN at x = 0", NULL}},
    {"infinite on the input range", "expr:exp(100*x)", {"is inf at x = ", NULL}},
    {"label of a built-in", "swish=expr:x", {"already names the built-in silu", NULL}},
    {"label with a slash", "a/b=expr:x", {"label", "'a/b'", NULL}},
    {"learned W", "expr:W*x;~W=1", {"may not be called 'W'", NULL}},
    {"learned name with a digit", "expr:a1*x;~a1=1", {"end in a digit", NULL}},
    {"learned name of a metric", "expr:x*dead_pct;~dead_pct=1", {"'dead_pct'", NULL}},
    {"learned name of a setting", "expr:x*lr;~lr=1", {"may not be called 'lr'", NULL}},
    {"a long formula's reason", "expr:x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^"
     "x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^"
     "x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^"
     "x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x^x",
     {"...': formula too large", NULL}},
    {"plugin value too long",
     "plugin:@SOFTEXP@;alpha=0.0000000000000000000000000000000000000000000000000000000000000001",
     {"longer than 63 characters", NULL}},
    {"listed twice", "m=expr:max(x,0),m=expr:max(x,0)", {"listed twice", NULL}},
    {"no plugin file", "plugin:/nonexistent/x.so", {"/nonexistent/x.so", NULL}},
    {"plugin not a shared object", "plugin:data/moons.csv", {"data/moons.csv", NULL}},
};

static void test_bad(void **state)
{
    scratch *fx = *state;
    const bad_case *c = fx->data;
    char act[8192];
    const char *at = strstr(c->act, "@SOFTEXP@");
    if (at)
        snprintf(act, sizeof act, "%.*s%s%s", (int)(at - c->act), c->act, softexp,
                 at + strlen("@SOFTEXP@"));
    else
        snprintf(act, sizeof act, "%s", c->act);
    run_actbench(&fx->r, (const char *const[]){"--act", act, "--epochs", "1", "--out",
                                               fx->out, NULL});
    assert_error(c->name, &fx->r, 2, c->needles);
    assert_out_missing(fx, c->name, 0);
}

static void from_env(char *out, size_t n, const char *var, const char *file)
{
    const char *v = getenv(var);
    if (!v || !*v)
        fail_msg("%s is not set (meson test sets it)", var);
    snprintf(out, n, "%s%s%s", v, file ? "/" : "", file ? file : "");
}

int main(void)
{
    from_env(brelu, sizeof brelu, "ACTBENCH_BRELU", NULL);
    from_env(softexp, sizeof softexp, "ACTBENCH_SOFTEXP", NULL);
    from_env(wrong_df, sizeof wrong_df, "ACTBENCH_BAD_PLUGINS", "wrong_df.so");
    from_env(wrong_pgrad, sizeof wrong_pgrad, "ACTBENCH_BAD_PLUGINS", "wrong_pgrad.so");
    from_env(bad_dir, sizeof bad_dir, "ACTBENCH_BAD_PLUGINS", NULL);
    test_list l = {0};
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_formula_like_builtin, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_learned_parameter, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_plugin_trains, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_wrong_derivative_refused, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_hard_formulas_accepted, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_list_acts, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_experiment_file, setup, scratch_teardown),
    };
    tests_add(&l, tests, sizeof tests / sizeof tests[0]);
    tests_add_cases(&l, test_bad, bad_cases, sizeof bad_cases[0],
                    sizeof bad_cases / sizeof bad_cases[0], setup, scratch_teardown);
    return tests_run(&l, "own activations");
}
