/* test_sweep.c - sweeps from the command line (--depth 2,3 --lr 0.01,0.1),
 * `run FILE --set KEY=VALUE` and studies (experiment files without a claim):
 * through the parsers in process, and through the binary: the leading CSV
 * columns and their values, the number of runs, the sweep figures' series
 * in their .gp scripts, the table, config.json, and the errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "expfile.h"

static int setup(void **state)
{
    return scratch_setup(state, sizeof(scratch), "sweep", "run");
}

/* ---- a CSV file as rows of cells ---------------------------------------- */

typedef struct {
    char *text;
    char *cells[4096][24];
    int n_rows, n_cols; /* rows after the header */
    char header[512];
} table;

static void table_read(table *t, const char *dir, const char *name)
{
    memset(t, 0, sizeof *t);
    t->text = slurp_in(dir, name);
    char *save = NULL;
    int row = -1;
    for (char *line = strtok_r(t->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (row < 0)
            snprintf(t->header, sizeof t->header, "%s", line);
        assert_true(row < 4095);
        int k = split_commas(line, t->cells[row + 1], 24);
        if (row < 0)
            t->n_cols = k;
        else
            assert_int_equal(k, t->n_cols);
        row++;
    }
    t->n_rows = row;
}

static int table_col(const table *t, const char *name)
{
    for (int j = 0; j < t->n_cols; j++)
        if (!strcmp(t->cells[0][j], name))
            return j;
    fail_msg("no column %s in \"%s\"", name, t->header);
    return -1;
}

/* Cell of data row i (0-based) in column name. */
static const char *cell(const table *t, int i, const char *name)
{
    return t->cells[i + 1][table_col(t, name)];
}

/* The rows of the data block of series label in panel panel of a .gp
 * script: "x y" per line, into xs and ys; their count. */
static int gp_series(const char *gp, int panel, const char *label, double *xs, double *ys, int max)
{
    char head[256];
    snprintf(head, sizeof head, "# panel %d, \"%s\"\n", panel, label);
    const char *p = strstr(gp, head);
    if (!p)
        fail_msg("no series '%s' in panel %d", label, panel);
    p = strstr(p, "<< EOD\n");
    assert_non_null(p);
    p += strlen("<< EOD\n");
    int n = 0;
    while (strncmp(p, "EOD", 3)) {
        assert_true(n < max);
        char *end;
        xs[n] = strtod(p, &end);
        ys[n] = strtod(end, &end);
        n++;
        p = strchr(p, '\n') + 1;
    }
    return n;
}

/* ---- the parsers --------------------------------------------------------- */

static void parse_cli(cli_opts *o, const char *const *args, ab_status want, const char *needle)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = "actbench";
    for (; *args; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    ab_err err = {{0}};
    ab_status st = cli_parse(o, argc, argv, &err);
    if (st != want)
        fail_msg("status %d, expected %d: %s", st, want, err.msg);
    if (needle && !strstr(err.msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
}

static void test_cli_lists(void **state)
{
    (void)state;
    cli_opts o;
    parse_cli(&o, (const char *const[]){"--depth", "2,4,6", "--lr", "0.01,0.1", "--batchnorm=no,yes",
                                        NULL},
              AB_OK, NULL);
    assert_true(cli_sweeps(&o));
    assert_int_equal(o.sweep_n[SET_DEPTH], 3);
    assert_int_equal(o.sweep_n[SET_LR], 2);
    assert_int_equal(o.sweep_n[SET_BATCHNORM], 2);
    assert_int_equal(o.sweep_n[SET_WIDTH], 0);
    assert_true(o.sweep_v[SET_DEPTH][2] == 6.0);
    assert_true(o.sweep_v[SET_LR][0] == 0.01);
    assert_string_equal(o.sweep_txt[SET_LR][1], "0.1");
    assert_true(o.sweep_v[SET_BATCHNORM][1] == 1.0);
    assert_int_equal(o.depth, 2); /* the first value where one is read */
    /* a single value and a flag are no sweep */
    parse_cli(&o, (const char *const[]){"--depth", "4", "--batchnorm", "--residual", NULL}, AB_OK,
              NULL);
    assert_false(cli_sweeps(&o));
    assert_int_equal(o.depth, 4);
    assert_true(o.batchnorm && o.residual);
    parse_cli(&o, (const char *const[]){"--width", "8,8", NULL}, AB_EUSAGE, "'8' is listed twice");
    parse_cli(&o, (const char *const[]){"--optimizer", "sgd,adamw", NULL}, AB_EUSAGE, "'adamw'");
    parse_cli(&o, (const char *const[]){"--depth", "2,", NULL}, AB_EUSAGE, "empty item");
}

static void test_expfile_set_and_study(void **state)
{
    scratch *fx = *state;
    char path[4096];
    write_file(path, sizeof path, fx->dir, "study.ini",
               "[study]\ntitle = Depth and ReLU\n\n[setup]\nacts = relu\ndepth = 2\n"
               "epochs = 1\n\n[plot]\nx = act\ny = test_acc\n");
    experiment *e = calloc(1, sizeof *e);
    assert_non_null(e);
    ab_err err = {{0}};
    const char *set[] = {"depth=2,3,5", "epochs=2"};
    assert_int_equal(xf_load_set(e, path, false, set, 2, &err), AB_OK);
    assert_true(e->study);
    assert_int_equal(e->claim, 0);
    assert_string_equal(e->title, "Depth and ReLU");
    assert_int_equal(e->setup.n[XF_KEY_DEPTH], 3);
    assert_true(e->setup.v[XF_KEY_DEPTH][2] == 5.0);
    assert_int_equal(e->setup.epochs, 2);
    assert_string_equal(e->overrides, "depth=2,3,5 epochs=2");
    /* without --set: the file's own values, nothing overridden */
    assert_int_equal(xf_load(e, path, false, &err), AB_OK);
    assert_int_equal(e->setup.n[XF_KEY_DEPTH], 1);
    assert_string_equal(e->overrides, "");
    const char *typo[] = {"deph=3"};
    assert_int_equal(xf_load_set(e, path, false, typo, 1, &err), AB_EUSAGE);
    assert_non_null(strstr(err.msg, "--set deph=3: unknown key 'deph' (did you mean 'depth'?"));
    /* a study has no checks */
    write_file(path, sizeof path, fx->dir, "bad.ini",
               "[study]\ntitle = x\n\n[setup]\nacts = relu\n\n[check c]\nwhat = w\n"
               "test = test_acc(relu) > 0\n");
    assert_int_equal(xf_load(e, path, false, &err), AB_EUSAGE);
    assert_non_null(strstr(err.msg, "a study has no checks"));
    free(e);
}

/* ---- the main command's sweep through the binary -------------------------- */

static void test_sweep_folder(void **state)
{
    scratch *fx = *state;
    const char *args[] = {"--act", "sigmoid,relu", "--depth", "2,3", "--lr", "0.01,0.1",
                          "--epochs", "2", "--samples", "120", "--quiet", "--no-plot", "--out",
                          fx->out, NULL};
    run_quiet(args);
    table t;
    table_read(&t, fx->out, "summary.csv");
    /* 2 depths x 2 rates x 2 activations, the swept settings first, the last
     * varying fastest, as an experiment's rows */
    assert_int_equal(t.n_rows, 8);
    assert_true(!strncmp(t.header, "depth,lr,act,seed,", 18));
    static const char *const depth[] = {"2", "2", "2", "2", "3", "3", "3", "3"};
    static const char *const lr[] = {"0.01", "0.01", "0.1", "0.1", "0.01", "0.01", "0.1", "0.1"};
    static const char *const act[] = {"sigmoid", "relu"};
    for (int i = 0; i < 8; i++) {
        assert_string_equal(cell(&t, i, "depth"), depth[i]);
        assert_string_equal(cell(&t, i, "lr"), lr[i]);
        assert_string_equal(cell(&t, i, "act"), act[i % 2]);
    }
    /* the sweep figure against depth: relu at lr 0.1 is summary.csv's rows 3 and 7 */
    char *gp = slurp_in(fx->out, "plots/sweep_depth.gp");
    double x[8], y[8];
    int n = gp_series(gp, 1, "relu, lr=0.1", x, y, 8);
    assert_int_equal(n, 2);
    assert_true(x[0] == 2.0 && x[1] == 3.0);
    assert_float_equal(y[0], strtod(cell(&t, 3, "final_test_acc"), NULL), 1e-8);
    assert_float_equal(y[1], strtod(cell(&t, 7, "final_test_acc"), NULL), 1e-8);
    n = gp_series(gp, 3, "sigmoid, lr=0.01", x, y, 8);
    assert_int_equal(n, 2);
    assert_float_equal(y[1], strtod(cell(&t, 4, "grad_ratio_first_last"), NULL), 1e-8);
    free(gp);
    gp = slurp_in(fx->out, "plots/sweep_lr.gp");
    n = gp_series(gp, 4, "relu, depth=3", x, y, 8);
    assert_int_equal(n, 2);
    assert_true(x[0] == 0.01 && x[1] == 0.1);
    assert_float_equal(y[1], strtod(cell(&t, 7, "mean_dead_pct"), NULL), 1e-8);
    assert_non_null(strstr(gp, "set logscale x"));
    free(gp);
    /* the usual figures once per point, each naming it; functions once */
    gp = slurp_in(fx->out, "plots/grad_by_layer-p3.gp");
    assert_non_null(strstr(gp, "at depth=3, lr=0.01"));
    free(gp);
    assert_true(file_size_in(fx->out, "plots/loss-p4.gp") > 0);
    assert_true(path_missing_in(fx->out, "plots/loss-p5.gp"));
    assert_true(path_missing_in(fx->out, "plots/grad_by_layer.gp"));
    assert_true(file_size_in(fx->out, "plots/functions.gp") > 0);
    /* the figures that need the runs' extra data come per point too: the
     * histograms, and the decision regions of every point's first seeds */
    assert_true(file_size_in(fx->out, "plots/hist-p4.gp") > 0);
    gp = slurp_in(fx->out, "plots/regions-p4.gp");
    assert_non_null(strstr(gp, "at depth=3, lr=0.1"));
    free(gp);
    free(t.text);
    /* regions.csv: as many cells at every point for each activation */
    char *csv = slurp_in(fx->out, "regions.csv");
    assert_true(!strncmp(csv, "depth,lr,act,seed,epoch,x1,x2,class\n", 36));
    static const char *const pre[] = {"2,0.01,sigmoid,", "2,0.01,relu,", "2,0.1,sigmoid,",
                                      "2,0.1,relu,",     "3,0.01,sigmoid,", "3,0.01,relu,",
                                      "3,0.1,sigmoid,",  "3,0.1,relu,"};
    int cells[8] = {0}, rows = 0;
    for (const char *l = strchr(csv, '\n') + 1; *l; l = strchr(l, '\n') + 1, rows++)
        for (int i = 0; i < 8; i++)
            cells[i] += !strncmp(l, pre[i], strlen(pre[i]));
    assert_true(rows >= 8 * 100);
    for (int i = 0; i < 8; i++)
        assert_int_equal(cells[i], rows / 8);
    free(csv);

    /* each run has its point's network: depth 3 has layers 1..4 */
    table_read(&t, fx->out, "layers.csv");
    assert_true(!strncmp(t.header, "depth,lr,act,seed,epoch,layer,", 30));
    int deepest[4] = {0};
    for (int i = 0; i < t.n_rows; i++) {
        int d = atoi(cell(&t, i, "depth")), l = atoi(cell(&t, i, "layer"));
        deepest[d] = l > deepest[d] ? l : deepest[d];
    }
    assert_int_equal(deepest[2], 3);
    assert_int_equal(deepest[3], 4);
    free(t.text);
    table_read(&t, fx->out, "loss.csv");
    assert_int_equal(t.n_rows, 8 * 3); /* epochs 0..2 of each run */
    assert_true(!strncmp(t.header, "depth,lr,act,seed,epoch,", 24));
    free(t.text);

    char *cfg = slurp_in(fx->out, "config.json");
    assert_non_null(strstr(cfg, "\"depth\": [2, 3]"));
    assert_non_null(strstr(cfg, "\"lr\": [0.01, 0.1]"));
    assert_non_null(strstr(cfg, "\"sweep\": [\"depth\", \"lr\"]"));
    assert_non_null(strstr(cfg, "\"point\": {\"depth\": \"3\", \"lr\": \"0.1\"}"));
    free(cfg);
}

/* With seeds, one table row per point and activation, led by the swept
 * settings; more lines than the palette's colours fix the other swept
 * settings of a sweep figure at their first values, as its panels say. */
static void test_sweep_table_and_lines(void **state)
{
    scratch *fx = *state;
    const char *args[] = {"--act", "sigmoid,relu", "--width", "4,8", "--batch", "16,32,64",
                          "--seeds", "2", "--epochs", "1", "--samples", "100", "--no-plot",
                          "--out", fx->out, NULL};
    run_ok(&fx->r, args);
    const char *o = fx->r.out;
    assert_non_null(strstr(o, "width batch act "));
    int rows = 0;
    for (const char *p = strstr(o, "\n") + 1; !strncmp(p, "4 ", 2) || !strncmp(p, "8 ", 2);
         p = strchr(p, '\n') + 1)
        rows++;
    assert_int_equal(rows, 2 * 3 * 2);
    assert_non_null(strstr(o, "\n8     64    relu                 2 "));
    table t;
    table_read(&t, fx->out, "summary.csv");
    assert_int_equal(t.n_rows, 24);
    free(t.text);
    /* against width: 2 acts x 3 batches = 6 lines, all drawn */
    char *gp = slurp_in(fx->out, "plots/sweep_width.gp");
    double x[8], y[8];
    assert_int_equal(gp_series(gp, 1, "relu, batch=64", x, y, 8), 2);
    free(gp);
    /* with a third activation, 3 x 3 x ... stays; 3 acts x 4 batches is over 10 */
    run_free(&fx->r);
    const char *more[] = {"--act", "sigmoid,relu,tanh", "--width", "4,8", "--batch",
                          "8,16,32,64", "--epochs", "0", "--samples", "100", "--no-plot",
                          "--quiet", "--out", fx->out, NULL};
    run_quiet(more);
    gp = slurp_in(fx->out, "plots/sweep_width.gp");
    assert_non_null(strstr(gp, "; at batch=8"));
    assert_int_equal(gp_series(gp, 2, "tanh", x, y, 8), 2);
    assert_null(strstr(gp, "\"tanh, batch=16\""));
    free(gp);
}

static const usage_case sweep_errors[] = {
    {"repeated value", {"--depth", "2,4,2"}, {"--depth", "'2' is listed twice"}},
    {"same value twice", {"--lr", "0.1,1e-1"}, {"--lr", "'1e-1' is listed twice (as '0.1')"}},
    {"empty item", {"--depth", "2,,4"}, {"--depth", "'2,,4' has an empty item"}},
    {"bad value", {"--depth", "2,0"}, {"--depth", "'0' is out of range", "1..1024"}},
    {"bad name", {"--init", "he,xavir"}, {"--init", "'xavir'", "xavier"}},
    {"bad yes or no", {"--residual=no,maybe"}, {"--residual", "'maybe'", "yes"}},
    {"normal with std in a list", {"--init", "he,normal:0.5"}, {"--init", "'normal:0.5'"}},
    {"too many values", {"--width", "1,2,3,4,5,6,7,8,9,10,11,12,13"},
     {"--width", "more than 12 values", "at most 12"}},
    {"too many runs", {"--depth", "1,2,3,4,5,6,7,8,9,10", "--width", "1,2,3,4,5,6,7,8,9,10",
                       "--seeds", "600"},
     {"2 activations x 600 seeds x 10 values of --depth x 10 values of --width make 120000 "
      "runs (accepted: at most 100000)"}},
    {"flag and list", {"--residual", "--residual=no,yes"}, {"--residual: given twice"}},
    {"list and flag", {"--batchnorm=no,yes", "--batchnorm"}, {"--batchnorm: given twice"}},
    {"weights of a sweep", {"--depth", "2,3", "--save-weights", "w"},
     {"--save-weights", "not with a sweep"}},
    {"value and flag", {"--batchnorm=no", "--batchnorm"},
     {"--batchnorm: given twice (as a flag and as a value)"}},
    {"weights into networks of two shapes", {"--width", "8,16", "--load-weights", "w"},
     {"--load-weights: not with a sweep of --width"}},
    {"weights into two output layers", {"--loss", "ce,bce", "--load-weights", "w"},
     {"--load-weights: not with a sweep of --loss"}},
};

/* More activations than the palette's colours and one swept key: nothing
 * else to fix, so every activation keeps its line and no title says "at". */
static void test_sweep_many_acts(void **state)
{
    scratch *fx = *state;
    const char *args[] = {"--act", "sigmoid,tanh,relu,elu,gelu,silu,selu,softsign,mish,celu,"
                          "softplus", "--depth", "2,3", "--epochs", "1", "--samples", "100",
                          "--no-plot", "--quiet", "--out", fx->out, NULL};
    run_quiet(args);
    char *gp = slurp_in(fx->out, "plots/sweep_depth.gp");
    assert_null(strstr(gp, "; at \""));
    double x[4], y[4];
    assert_int_equal(gp_series(gp, 1, "softplus", x, y, 4), 2);
    assert_int_equal(gp_series(gp, 1, "sigmoid", x, y, 4), 2);
    free(gp);
}

/* Settings whose values are names: against the activations, a line per
 * combination of their values, in one figure while they fit; an optimizer's
 * own learning rate with each. */
static void test_sweep_names(void **state)
{
    scratch *fx = *state;
    const char *args[] = {"--act", "relu,tanh", "--optimizer", "sgd,adam", "--batchnorm=no,yes",
                          "--epochs", "1", "--samples", "100", "--no-plot", "--quiet", "--out",
                          fx->out, NULL};
    run_quiet(args);
    char *gp = slurp_in(fx->out, "plots/sweep_optimizer.gp");
    double x[4], y[4];
    assert_int_equal(gp_series(gp, 1, "test accuracy, optimizer=adam, batchnorm=yes", x, y, 4),
                     2);
    assert_true(x[0] == 1.0 && x[1] == 2.0); /* relu, tanh */
    table t;
    table_read(&t, fx->out, "summary.csv");
    assert_int_equal(t.n_rows, 8);
    assert_string_equal(cell(&t, 7, "optimizer"), "adam");
    assert_string_equal(cell(&t, 7, "batchnorm"), "yes");
    assert_string_equal(cell(&t, 7, "act"), "tanh");
    assert_float_equal(y[1], strtod(cell(&t, 7, "final_test_acc"), NULL), 1e-8);
    free(t.text);
    free(gp);
    assert_true(path_missing_in(fx->out, "plots/sweep_batchnorm.gp"));
    char *cfg = slurp_in(fx->out, "config.json");
    assert_non_null(strstr(cfg, "\"optimizer\": [\"sgd\", \"adam\"], "
                                "\"lr\": \"each optimizer's default\""));
    assert_non_null(strstr(cfg, "\"batchnorm\": [false, true]"));
    free(cfg);
    /* adam's runs trained at adam's 0.001: as --optimizer adam --lr 0.001 alone */
    char one[4200];
    snprintf(one, sizeof one, "%s/one", fx->dir);
    const char *alone[] = {"--act", "relu,tanh", "--optimizer", "adam", "--lr", "0.001",
                           "--batchnorm", "--epochs", "1", "--samples", "100", "--no-plot",
                           "--quiet", "--out", one, NULL};
    run_quiet(alone);
    table a, b;
    table_read(&a, fx->out, "summary.csv");
    table_read(&b, one, "summary.csv");
    assert_string_equal(cell(&a, 7, "final_train_loss"), cell(&b, 1, "final_train_loss"));
    assert_string_equal(cell(&a, 6, "final_train_loss"), cell(&b, 0, "final_train_loss"));
    free(a.text);
    free(b.text);
}

/* ---- run --set and studies through the binary ---------------------------- */

/* A claim of one check that holds, for --set. */
static const char claim_path[] = "data/sweep-claim.ini";

static void test_run_set(void **state)
{
    scratch *fx = *state;
    const char *path = claim_path;
    const char *args[] = {"run", path, "--set", "depth=2,3", "--set", "lr=0.05", "--no-plot",
                          "--out", fx->out, NULL};
    run_ok(&fx->r, args);
    assert_contains(fx->r.out, "settings overridden: depth=2,3 lr=0.05\n");
    assert_contains(fx->r.out, "verdict under the overridden settings, not the file's: "
                               "reproduced");
    table t;
    table_read(&t, fx->out, "summary.csv");
    assert_int_equal(t.n_rows, 2);
    assert_string_equal(cell(&t, 1, "depth"), "3");
    free(t.text);
    char *cfg = slurp_in(fx->out, "config.json");
    assert_non_null(strstr(cfg, "\"overrides\": \"depth=2,3 lr=0.05\""));
    assert_non_null(strstr(cfg, "\"lr\": [\"0.05\"]"));
    free(cfg);
    run_free(&fx->r);
    /* the file as it is: no word of overrides */
    const char *plain[] = {"run", path, "--no-plot", "--out", fx->out, NULL};
    run_ok(&fx->r, plain);
    assert_null(strstr(fx->r.out, "overridden"));
    assert_contains(fx->r.out, "verdict: reproduced");
}

static const usage_case set_errors[] = {
    {"unknown key", {"--set", "deph=3"}, {"--set deph=3", "unknown key 'deph'", "did you mean 'depth'"}},
    {"bad value", {"--set", "depth=0"}, {"--set depth=0", "'0' is out of range"}},
    {"no value", {"--set", "depth"}, {"--set depth", "not KEY=VALUE"}},
    {"set twice", {"--set", "depth=2", "--set", "depth=3"}, {"depth is set twice"}},
    {"kind", {"--set", "kind=train"}, {"kind cannot be set"}},
    {"empty item", {"--set", "lr=0.1,"}, {"empty item"}},
    {"a check's value taken away", {"--set", "acts=tanh"},
     {"dead_pct(relu)", "(with --set acts=tanh)"}},
};

static void test_study(void **state)
{
    scratch *fx = *state;
    char path[4096];
    write_file(path, sizeof path, fx->dir, "depth-study.ini",
               "[study]\ntitle = How deep can sigmoid go\n\n[setup]\nacts = sigmoid, relu\n"
               "depth = 2, 3\nepochs = 1\nsamples = 100\n\n[plot]\nx = depth\ny = grad_ratio\n");
    const char *args[] = {"run", path, "--no-plot", "--out", fx->out, NULL};
    run_ok(&fx->r, args);
    assert_contains(fx->r.out, "study: How deep can sigmoid go\n");
    assert_contains(fx->r.out, "no verdict: a study");
    assert_null(strstr(fx->r.out, "claim"));
    char *cfg = slurp_in(fx->out, "config.json");
    assert_non_null(strstr(cfg, "\"study\": true"));
    assert_non_null(strstr(cfg, "\"verdict\": null"));
    free(cfg);
    char *gp = slurp_in(fx->out, "plots/depth-study.gp");
    assert_non_null(strstr(gp, "title \"How deep can sigmoid go\""));
    double x[4], y[4];
    assert_int_equal(gp_series(gp, 1, "relu", x, y, 4), 2);
    free(gp);
    table t;
    table_read(&t, fx->out, "summary.csv");
    assert_int_equal(t.n_rows, 4);
    assert_float_equal(y[1], strtod(cell(&t, 3, "grad_ratio_first_last"), NULL), 1e-8);
    free(t.text);
}

/* The example study runs (quick), its figure drawn from its quantities. */
static void test_example_study(void **state)
{
    scratch *fx = *state;
    const char *args[] = {"run", "../examples/studies/depth.ini", "--quick", "--no-plot",
                          "--out", fx->out, NULL};
    run_ok(&fx->r, args);
    assert_contains(fx->r.out, "no verdict: a study");
    char *gp = slurp_in(fx->out, "plots/depth.gp");
    double x[8], y[8];
    assert_int_equal(gp_series(gp, 1, "sigmoid", x, y, 8), 5);
    assert_true(x[0] == 2.0 && x[4] == 10.0);
    table t;
    table_read(&t, fx->out, "quantities.csv");
    assert_int_equal(t.n_rows, 15);
    /* depth 10's rows are the last three: sigmoid, tanh, relu */
    assert_string_equal(cell(&t, 12, "act"), "sigmoid");
    assert_float_equal(y[4], strtod(cell(&t, 12, "grad_ratio"), NULL), 1e-12);
    free(t.text);
    free(gp);
}

/* reproduce leaves a study out of the report and says so. */
static void test_reproduce_skips_study(void **state)
{
    scratch *fx = *state;
    char dir[4200], path[4400];
    snprintf(dir, sizeof dir, "%s/exps", fx->dir);
    assert_int_equal(mkdir(dir, 0755), 0);
    char *claim = slurp(claim_path);
    assert_non_null(claim);
    write_file(path, sizeof path, dir, "claim.ini", claim);
    free(claim);
    write_file(path, sizeof path, dir, "look.ini",
               "[study]\ntitle = a look\n\n[setup]\nacts = relu\nepochs = 1\nsamples = 100\n");
    const char *args[] = {"reproduce", "--quick", "--experiments", dir, "--no-plot", "--out",
                          fx->out, NULL};
    run_ok(&fx->r, args);
    assert_contains(fx->r.err, "look.ini is a study, not a claim: not reproduced");
    char *v = slurp_in(fx->out, "verdicts.csv");
    assert_non_null(strstr(v, "claim,8,quick,reproduced"));
    assert_null(strstr(v, "look"));
    free(v);
    assert_true(path_missing_in(fx->out, "look"));
}

static void test_main_case(void **state)
{
    scratch *fx = *state;
    const char *head[] = {"--epochs", "1", "--out", fx->out, NULL};
    check_usage_case(fx, head, fx->data);
}

static void test_set_case(void **state)
{
    scratch *fx = *state;
    const char *head[] = {"run", claim_path, "--out", fx->out, NULL};
    check_usage_case(fx, head, fx->data);
}

int main(void)
{
    test_list l = {0};
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli_lists),
        cmocka_unit_test_setup_teardown(test_expfile_set_and_study, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_sweep_folder, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_sweep_table_and_lines, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_sweep_names, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_sweep_many_acts, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_run_set, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_study, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_reproduce_skips_study, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_example_study, setup, scratch_teardown),
    };
    TESTS_ADD(&l, tests);
    TESTS_ADD_CASES(&l, test_main_case, sweep_errors, setup, scratch_teardown);
    TESTS_ADD_CASES(&l, test_set_case, set_errors, setup, scratch_teardown);
    return tests_run(&l, "test_sweep");
}
