/* test_setting.c - the settings table seen from both of its readers: the
 * command line's defaults (the per-optimizer learning rates among them), the
 * same message for the same bad value from cli_parse and from xf_load, the
 * context each adds (ab_context), and the name tables beside the enums. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "cli.h"
#include "data.h"
#include "expfile.h"
#include "net.h"
#include "optim.h"
#include "setting.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */

typedef struct {
    scratch s; /* first: scratch_setup and scratch_teardown see it */
    experiment e;
} fixture;

static int setup(void **state)
{
    return scratch_setup(state, sizeof(fixture), "setting", NULL);
}

/* cli_parse of "actbench" and the NULL-terminated args into o. */
static ab_status parse_args(cli_opts *o, const char *const *args, ab_err *err)
{
    static char buf[16][64];
    static char *argv[17];
    int argc = 0;
    snprintf(buf[argc], sizeof buf[0], "actbench");
    argv[argc] = buf[argc];
    for (argc++; args[argc - 1]; argc++) {
        assert_true(argc < 16);
        snprintf(buf[argc], sizeof buf[0], "%s", args[argc - 1]);
        argv[argc] = buf[argc];
    }
    argv[argc] = NULL;
    return cli_parse(o, argc, argv, err);
}

#define CLAIM "[claim]\nnumber = 3\ntitle = T\ntext = X\nsource = S\n\n"
#define CHECK "[check c]\nwhat = w\ntest = abs(1) == 1\n"

/* xf_load of a file whose [setup] is "acts = relu" and then line (line 9 of
 * the file); its path into path. */
static ab_status load_with(fixture *fx, char *path, size_t n, const char *line, ab_err *err)
{
    char text[1024];
    if (snprintf(text, sizeof text, CLAIM "[setup]\nacts = relu\n%s\n" CHECK, line) >=
        (int)sizeof text)
        fail_msg("%s: too long", line);
    write_file(path, n, fx->s.dir, "exp.ini", text);
    return xf_load(&fx->e, path, false, err);
}

/* ------------------------------------------------------------------------ */
/* The learning rate: the optimizer's unless --lr is given                   */

static void test_default_lr(void **state)
{
    (void)state;
    static const struct {
        const char *opt;
        opt_kind kind;
        double lr;
    } cases[] = {{NULL, OPT_SGD, 0.1}, {"sgd", OPT_SGD, 0.1}, {"momentum", OPT_MOMENTUM, 0.01},
                 {"adam", OPT_ADAM, 0.001}};
    for (size_t i = 0; i < N_OF(cases); i++) {
        cli_opts o;
        ab_err err = {{0}};
        const char *args[] = {cases[i].opt ? "--optimizer" : NULL, cases[i].opt, NULL};
        assert_int_equal(parse_args(&o, args, &err), AB_OK);
        assert_int_equal(o.opt, cases[i].kind);
        if (o.lr != cases[i].lr)
            fail_msg("--optimizer %s: lr %g, expected %g", cases[i].opt ? cases[i].opt : "(none)",
                     o.lr, cases[i].lr);
    }
}

/* An explicit --lr wins over the optimizer's, before or after --optimizer. */
static void test_explicit_lr_wins(void **state)
{
    (void)state;
    static const char *const orders[][5] = {
        {"--optimizer", "adam", "--lr", "0.5", NULL},
        {"--lr", "0.5", "--optimizer", "adam", NULL},
        {"--lr", "0.5", "--optimizer", "momentum", NULL},
        {"--lr", "0.5", NULL},
    };
    for (size_t i = 0; i < N_OF(orders); i++) {
        cli_opts o;
        ab_err err = {{0}};
        assert_int_equal(parse_args(&o, orders[i], &err), AB_OK);
        if (o.lr != 0.5)
            fail_msg("case %zu: lr %g, expected the explicit 0.5", i, o.lr);
    }
}

/* ------------------------------------------------------------------------ */
/* The same bad value, the same message                                      */

typedef struct {
    const char *name;
    setting_id id;
    const char *value;
    const char *why; /* the message after the context */
} bad_case;

static const bad_case bad_cases[] = {
    {"epochs -1", SET_EPOCHS, "-1", "'-1' is out of range (accepted: 0..1000000)"},
    {"epochs x", SET_EPOCHS, "x", "'x' is not a whole number (accepted: 0..1000000)"},
    {"depth 0", SET_DEPTH, "0", "'0' is out of range (accepted: 1..1024)"},
    {"width 65537", SET_WIDTH, "65537", "'65537' is out of range (accepted: 1..65536)"},
    {"batch 0", SET_BATCH, "0", "'0' is out of range (accepted: 1..1048576)"},
    {"seeds 10001", SET_SEEDS, "10001", "'10001' is out of range (accepted: 1..10000)"},
    {"seed -1", SET_SEED, "-1", "'-1' is out of range (accepted: 0..9223372036854775807)"},
    {"log_every 0", SET_LOG_EVERY, "0", "'0' is out of range (accepted: 1..1000000)"},
    {"samples 5", SET_SAMPLES, "5", "'5' is out of range (accepted: 10..10000000)"},
    {"test_frac 1", SET_TEST_FRAC, "1", "'1' is out of range (accepted: [0, 1))"},
    {"target_acc 0", SET_TARGET_ACC, "0", "'0' is out of range (accepted: (0, 1])"},
    {"lr 0", SET_LR, "0", "'0' is out of range (accepted: > 0)"},
    {"lr 0.1x", SET_LR, "0.1x", "'0.1x' is not a finite number (accepted: > 0)"},
    {"bias_init nan", SET_BIAS_INIT, "nan", "'nan' is not a finite number (accepted: any "
     "finite number)"},
    /* finite, but not as a float */
    {"lr 1e-320", SET_LR, "1e-320", "'1e-320' is below float range: its magnitude must be 0 or "
     "at least 1.17549e-38 (accepted: > 0)"},
    {"bias_init 1e39", SET_BIAS_INIT, "1e39", "'1e39' is above float range: its magnitude must "
     "be at most 3.40282e+38 (accepted: any finite number)"},
    {"target_acc 1e-320", SET_TARGET_ACC, "1e-320", "'1e-320' is below double range"},
    {"optimizer sgdx", SET_OPTIMIZER, "sgdx", "unknown optimizer 'sgdx' (accepted: sgd, "
     "momentum, adam)"},
    {"loss mse", SET_LOSS, "mse", "unknown loss 'mse' (accepted: ce, bce)"},
    {"init bogus", SET_INIT, "bogus", "unknown init scheme 'bogus' (accepted: xavier/glorot, "
     "he/kaiming, lecun, normal:STD, auto)"},
    {"data nope", SET_DATA, "nope", "unknown data set 'nope' (accepted: spiral, circles, moons, "
     "xor, blobs, fashion-mnist, mnist, csv:PATH)"},
    {"acts foo", SET_ACTS, "foo", "unknown activation 'foo' (accepted: identity, step, "},
};

/* cli_parse's message is "--OPTION: WHY" and xf_load's "PATH:LINE: KEY:
 * WHY", WHY the same. */
static void test_same_message(void **state)
{
    fixture *fx = *state;
    const bad_case *c = fx->s.data;
    const setting_info *r = &setting_table[c->id];
    char option[64], line[128], path[4400], want[5200];
    ab_err err = {{0}};

    cli_opts o;
    snprintf(option, sizeof option, "--%s", r->option);
    assert_int_equal(parse_args(&o, (const char *const[]){option, c->value, NULL}, &err),
                     AB_EUSAGE);
    snprintf(want, sizeof want, "%s: %s", option, c->why);
    if (strncmp(err.msg, want, strlen(want)))
        fail_msg("command line: \"%s\", expected \"%s\"", err.msg, want);

    /* acts is the line before: give the bad value in its place */
    snprintf(line, sizeof line, "%s = %s", r->name, c->value);
    char text[1024];
    snprintf(text, sizeof text, CLAIM "[setup]\n%s%s\n" CHECK,
             c->id == SET_ACTS ? "" : "acts = relu\n", line);
    write_file(path, sizeof path, fx->s.dir, "exp.ini", text);
    assert_int_equal(xf_load(&fx->e, path, false, &err), AB_EUSAGE);
    snprintf(want, sizeof want, "%s:%d: %s: %s", path, c->id == SET_ACTS ? 8 : 9, r->name,
             c->why);
    if (strncmp(err.msg, want, strlen(want)))
        fail_msg("experiment file: \"%s\", expected \"%s\"", err.msg, want);
}

/* Every whole-number setting: both readers accept min and max, and refuse
 * min - 1 and max + 1 with the same message. */
static void test_whole_edges(void **state)
{
    fixture *fx = *state;
    for (int id = 0; id < SET_COUNT; id++) {
        const setting_info *r = &setting_table[id];
        if (r->type != SET_WHOLE || r->bench_acts)
            continue;
        char vals[4][32], option[64], line[128], path[4400], cli_why[600];
        snprintf(vals[0], sizeof vals[0], "%ld", r->min);
        snprintf(vals[1], sizeof vals[1], "%ld", r->max);
        snprintf(vals[2], sizeof vals[2], "%lld", (long long)r->min - 1);
        if (r->max == LONG_MAX)
            snprintf(vals[3], sizeof vals[3], "%lu0", (unsigned long)LONG_MAX);
        else
            snprintf(vals[3], sizeof vals[3], "%ld", r->max + 1);
        snprintf(option, sizeof option, "--%s", r->option);
        for (int v = 0; v < 4; v++) {
            cli_opts o;
            ab_err err = {{0}};
            ab_status want = v < 2 ? AB_OK : AB_EUSAGE;
            if (parse_args(&o, (const char *const[]){option, vals[v], NULL}, &err) != want)
                fail_msg("%s %s: status differs from %d: %s", option, vals[v], want, err.msg);
            snprintf(cli_why, sizeof cli_why, "%s", err.msg + strlen(option) + 2);
            if (snprintf(line, sizeof line, "%s = %s", r->name, vals[v]) >= (int)sizeof line)
                fail_msg("line too long");
            if (load_with(fx, path, sizeof path, line, &err) != want)
                fail_msg("%s: status differs from %d: %s", line, want, err.msg);
            const char *why = strstr(err.msg, ": ");
            why = why ? strstr(why + 2, ": ") : NULL;
            if (want != AB_OK && (!why || strcmp(why + 2, cli_why)))
                fail_msg("%s: \"%s\" on the command line, \"%s\" in a file", r->name, cli_why,
                         err.msg);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Context                                                                   */

/* Every real setting that becomes a float is checked in float range (init_std
 * too, which has no option of its own), the others in double range; the
 * smallest normal float is accepted. */
static void test_float_range(void **state)
{
    (void)state;
    int n_float = 0;
    for (int id = 0; id < SET_COUNT; id++) {
        const setting_info *r = &setting_table[id];
        if (r->type != SET_REAL)
            continue;
        setting_value v;
        ab_err err = {{0}};
        n_float += r->as_float;
        assert_int_equal(setting_parse(&v, (setting_id)id, "1e-320", &err), AB_EUSAGE);
        assert_contains(err.msg, r->as_float ? "below float range" : "below double range");
        assert_int_equal(setting_parse(&v, (setting_id)id, "1e400", &err), AB_EUSAGE);
        assert_contains(err.msg, r->as_float ? "above float range" : "above double range");
        if (!r->as_float)
            continue;
        assert_int_equal(setting_parse(&v, (setting_id)id, "1e39", &err), AB_EUSAGE);
        assert_contains(err.msg, "above float range");
        if (setting_parse(&v, (setting_id)id, "1.2e-38", &err) != AB_OK)
            fail_msg("%s 1.2e-38: %s", r->name, err.msg);
    }
    assert_int_equal(n_float, 3); /* lr, init_std, bias_init */
    assert_true(setting_table[SET_LR].as_float && setting_table[SET_INIT_STD].as_float &&
                setting_table[SET_BIAS_INIT].as_float);
}

static void test_ab_context(void **state)
{
    (void)state;
    ab_err err;
    ab_fail(&err, AB_EUSAGE, "unknown optimizer 'x'");
    ab_context(&err, "--%s", "optimizer");
    assert_string_equal(err.msg, "--optimizer: unknown optimizer 'x'");
    ab_context(&err, "%s:%d", "exp.ini", 7);
    assert_string_equal(err.msg, "exp.ini:7: --optimizer: unknown optimizer 'x'");
    ab_context(NULL, "nothing happens");
    /* a message that no longer fits is cut at its end, the context kept */
    memset(err.msg, 'x', sizeof err.msg - 1);
    err.msg[sizeof err.msg - 1] = '\0';
    ab_context(&err, "ctx");
    assert_int_equal(strlen(err.msg), sizeof err.msg - 1);
    assert_int_equal(strncmp(err.msg, "ctx: xxx", 8), 0);
    /* whatever they quote, messages stay one line */
    ab_fail(&err, AB_EUSAGE, "bad '%s'", "a\nb\tc\033[31m");
    assert_string_equal(err.msg, "bad 'a?b?c?[31m'");
    ab_context(&err, "x\ry");
    assert_string_equal(err.msg, "x?y: bad 'a?b?c?[31m'");
}

/* An experiment file's error reads "PATH:LINE: acts: unknown activation
 * 'foo' (accepted: ...)", the command line's "actbench: --act: ..." (main
 * adds "actbench: "). */
static void test_context_prefixes(void **state)
{
    fixture *fx = *state;
    char path[4400], want[4600];
    ab_err err = {{0}};
    char text[512];
    snprintf(text, sizeof text, CLAIM "[setup]\nacts = relu, foo\n" CHECK);
    write_file(path, sizeof path, fx->s.dir, "exp.ini", text);
    assert_int_equal(xf_load(&fx->e, path, false, &err), AB_EUSAGE);
    snprintf(want, sizeof want, "%s:8: acts: unknown activation 'foo' (accepted: identity, step,",
             path);
    if (strncmp(err.msg, want, strlen(want)))
        fail_msg("\"%s\" does not start \"%s\"", err.msg, want);

    run_actbench(&fx->s.r, (const char *const[]){"--act", "foo", NULL});
    assert_error(NULL, &fx->s.r, 2, NULL);
    snprintf(want, sizeof want, "actbench: --act: unknown activation 'foo' (accepted: "
             "identity, step,");
    if (strncmp(fx->s.r.err, want, strlen(want)))
        fail_msg("\"%s\" does not start \"%s\"", fx->s.r.err, want);

    run_free(&fx->s.r);
    run_actbench(&fx->s.r, (const char *const[]){"run", path, NULL});
    assert_error(NULL, &fx->s.r, 2, NULL);
    snprintf(want, sizeof want, "actbench: %s:8: acts: unknown activation 'foo' (accepted: ",
             path);
    if (strncmp(fx->s.r.err, want, strlen(want)))
        fail_msg("\"%s\" does not start \"%s\"", fx->s.r.err, want);

    /* a value inside --init normal:STD names both */
    cli_opts o;
    assert_int_equal(parse_args(&o, (const char *const[]){"--init", "normal:-1", NULL}, &err),
                     AB_EUSAGE);
    assert_string_equal(err.msg, "--init: normal:-1: '-1' is out of range (accepted: > 0)");
}

/* ------------------------------------------------------------------------ */
/* Defaults and names                                                         */

/* The command line and an experiment file start from the same defaults. */
static void test_same_defaults(void **state)
{
    fixture *fx = *state;
    cli_opts o;
    ab_err err = {{0}};
    char path[4400];
    assert_int_equal(parse_args(&o, (const char *const[]){NULL}, &err), AB_OK);
    assert_int_equal(load_with(fx, path, sizeof path, "", &err), AB_OK);
    const xf_setup *s = &fx->e.setup;
    assert_int_equal(o.depth, 6);
    assert_int_equal(o.width, 64);
    assert_int_equal(o.epochs, 40);
    assert_int_equal(o.batch, 32);
    assert_int_equal(o.log_every, 5);
    assert_int_equal(o.seeds, 1);
    assert_int_equal(o.seed, 1);
    assert_true(o.target_acc == 0.9 && o.test_frac == 0.2 && o.bias_init == 0.0);
    assert_string_equal(o.data, "spiral");
    assert_int_equal(o.n_acts, 2);
    assert_int_equal(s->v[XF_KEY_DEPTH][0], o.depth);
    assert_int_equal(s->v[XF_KEY_WIDTH][0], o.width);
    assert_int_equal(s->v[XF_KEY_BATCH][0], o.batch);
    assert_true(s->v[XF_KEY_LR][0] == o.lr); /* sgd's */
    assert_true(s->v[XF_KEY_INIT][0] == o.init && !o.init_auto);
    assert_true(s->v[XF_KEY_INIT_STD][0] == o.init_std);
    assert_true(s->v[XF_KEY_BIAS_INIT][0] == o.bias_init);
    assert_true(s->v[XF_KEY_OPTIMIZER][0] == o.opt);
    assert_true(s->v[XF_KEY_LOSS][0] == o.loss);
    assert_true(s->v[XF_KEY_BATCHNORM][0] == o.batchnorm && s->v[XF_KEY_RESIDUAL][0] == o.residual);
    assert_int_equal(s->epochs, o.epochs);
    assert_int_equal(s->seeds, o.seeds);
    assert_int_equal(s->seed, o.seed);
    assert_int_equal(s->log_every, o.log_every);
    assert_true(s->target_acc == o.target_acc && s->test_frac == o.test_frac);
    assert_int_equal(s->samples, o.samples);
    assert_string_equal(s->data, o.data);
}

/* The sweep keys are the table's first rows; every row is found by name. */
static void test_table(void **state)
{
    (void)state;
    for (int k = 0; k < XF_N_KEYS; k++)
        assert_string_equal(xf_key_names[k], setting_table[k].name);
    for (int i = 0; i < SET_COUNT; i++) {
        assert_int_equal(setting_find(setting_table[i].name), i);
        assert_non_null(setting_table[i].help);
        assert_true(setting_table[i].label || i >= XF_N_KEYS);
    }
    assert_string_equal(setting_label(SET_DEPTH), "depth (hidden layers)");
    assert_true(setting_is_numeric(SET_LR) && !setting_is_numeric(SET_INIT));
}

/* Aliases parse to the value their first name names; a name with an
 * argument takes it after ':'; the list shows both. */
static void test_name_tables(void **state)
{
    (void)state;
    const char *arg;
    assert_int_equal(names_find(act_inits, "glorot", &arg)->value, INIT_XAVIER);
    assert_null(arg);
    assert_int_equal(names_find(act_inits, "kaiming", NULL)->value, INIT_HE);
    assert_int_equal(names_find(act_inits, "normal:0.5", &arg)->value, INIT_NORMAL);
    assert_string_equal(arg, "0.5");
    assert_null(names_find(act_inits, "he:1", NULL));
    assert_int_equal(names_find(act_inits, "auto", NULL)->value, ACT_INIT_AUTO);
    assert_string_equal(act_init_name(INIT_HE), "he");
    assert_string_equal(act_init_name(ACT_INIT_AUTO), "auto");
    assert_string_equal(optim_name(OPT_MOMENTUM), "momentum");
    assert_string_equal(names_name(net_losses, OUT_SIGMOID), "bce");
    char list[200];
    names_list(list, sizeof list, optim_names, " | ");
    assert_string_equal(list, "sgd | momentum | adam");
    data_kind k;
    const char *path;
    assert_int_equal(data_parse_name(&k, &path, "csv:a:b.csv", NULL), AB_OK);
    assert_int_equal(k, DATA_CSV);
    assert_string_equal(path, "a:b.csv");
    assert_int_equal(data_parse_name(&k, &path, "mnist", NULL), AB_OK);
    assert_int_equal(k, DATA_MNIST);
    assert_null(path);
    ab_err err;
    assert_int_equal(data_parse_name(&k, &path, "csv", &err), AB_EUSAGE);
    assert_string_equal(err.msg, "'csv' needs a file name (csv:PATH)");
}

/* --init normal alone is normal with init_std's default, as in a file; an
 * experiment file gives the deviation as init_std, not normal:STD. */
static void test_init_normal(void **state)
{
    fixture *fx = *state;
    cli_opts o;
    ab_err err = {{0}};
    char path[4400];
    assert_int_equal(parse_args(&o, (const char *const[]){"--init", "normal", NULL}, &err),
                     AB_OK);
    assert_true(o.init == INIT_NORMAL && !o.init_auto && o.init_std == 1.0);
    assert_int_equal(parse_args(&o, (const char *const[]){"--init", "normal:0.25", NULL}, &err),
                     AB_OK);
    assert_true(o.init == INIT_NORMAL && o.init_std == 0.25);
    assert_int_equal(parse_args(&o, (const char *const[]){"--init", "kaiming", NULL}, &err),
                     AB_OK);
    assert_true(o.init == INIT_HE);
    assert_int_equal(load_with(fx, path, sizeof path, "init = normal:0.25", &err), AB_EUSAGE);
    assert_contains(err.msg, "init_std = 0.25");
    assert_int_equal(load_with(fx, path, sizeof path, "init = glorot, normal", &err), AB_OK);
    assert_true(fx->e.setup.v[XF_KEY_INIT][0] == INIT_XAVIER);
    assert_true(fx->e.setup.v[XF_KEY_INIT][1] == INIT_NORMAL);
}

int main(void)
{
    static const struct CMUnitTest rest[] = {
        cmocka_unit_test(test_default_lr),
        cmocka_unit_test(test_explicit_lr_wins),
        cmocka_unit_test_setup_teardown(test_whole_edges, setup, scratch_teardown),
        cmocka_unit_test(test_ab_context),
        cmocka_unit_test(test_float_range),
        cmocka_unit_test_setup_teardown(test_context_prefixes, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_same_defaults, setup, scratch_teardown),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_name_tables),
        cmocka_unit_test_setup_teardown(test_init_normal, setup, scratch_teardown),
    };
    test_list l = {0};
    TESTS_ADD(&l, rest);
    TESTS_ADD_CASES(&l, test_same_message, bad_cases, setup, scratch_teardown);
    return tests_run(&l, "test_setting");
}
