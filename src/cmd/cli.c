/* cli.c - getopt_long parsing of actbench's options.  An option that is a
 * setting (setting.h: --depth, --lr, --init, ...) is read through the
 * settings table, as experiment files read it, and its --help line comes from
 * there too; the options that only the command line has are handled here.
 * Every number is checked through strtol/strtod and its end pointer. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cli.h"

#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data.h"
#include "plot.h"
#include "setting.h"
#include "text.h"
#include "train.h"

/* getopt_long's value for the option of setting i is OPT_SETTING + i. */
enum { OPT_SETTING = 1000 };

enum {
    OPT_DATA_DIR = 256, OPT_TEST_DATA, OPT_NO_STD, OPT_SAVE_W, OPT_LOAD_W, OPT_THREADS,
    OPT_NO_PLOT, OPT_LIST_ACTS, OPT_VERSION, OPT_NO_GRADCHECK, OPT_REGIONS_INIT, OPT_EXPORT,
    OPT_FORMAT
};

/* The command line's own options; build_options adds the settings'. */
static const struct option own_opts[] = {
    {"data-dir", required_argument, NULL, OPT_DATA_DIR},
    {"test-data", required_argument, NULL, OPT_TEST_DATA},
    {"no-standardize", no_argument, NULL, OPT_NO_STD},
    {"export-data", required_argument, NULL, OPT_EXPORT},
    {"save-weights", required_argument, NULL, OPT_SAVE_W},
    {"load-weights", required_argument, NULL, OPT_LOAD_W},
    {"out", required_argument, NULL, 'o'},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"jobs", required_argument, NULL, 'j'},
    {"no-plot", no_argument, NULL, OPT_NO_PLOT},
    {"regions-init", no_argument, NULL, OPT_REGIONS_INIT},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"quiet", no_argument, NULL, 'q'},
    {"list-acts", no_argument, NULL, OPT_LIST_ACTS},
    {"no-gradcheck", no_argument, NULL, OPT_NO_GRADCHECK},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
};

#define N_OWN_OPTS (sizeof own_opts / sizeof own_opts[0])
#define N_OPTS (SET_COUNT + N_OWN_OPTS + 1)

/* The options of the main command's settings, then own_opts, then the zero
 * row that ends getopt_long's table. */
static void build_options(struct option opts[N_OPTS])
{
    int n = 0;
    for (int i = 0; i < SET_COUNT; i++) {
        const setting_info *r = &setting_table[i];
        /* a yes-or-no setting is a flag, or with =LIST a sweep (--batchnorm=no,yes) */
        if (r->option && !r->bench_acts)
            opts[n++] = (struct option){r->option,
                                        r->type == SET_BOOL ? optional_argument
                                                            : required_argument,
                                        NULL, OPT_SETTING + i};
    }
    memcpy(opts + n, own_opts, sizeof own_opts);
    memset(opts + n + N_OWN_OPTS, 0, sizeof opts[0]);
}

/* ---- --help ------------------------------------------------------------- */

#define HELP_COL 22   /* where the text of an option starts */
#define HELP_WIDTH 79 /* the longest line */

/* Writes "  OPTION" and text, wrapped at spaces to HELP_WIDTH columns, every
 * line of it from HELP_COL (a long option on a line of its own). */
static void usage_item(FILE *f, const char *option, const char *text)
{
    int col = fprintf(f, "  %s", option);
    if (col >= HELP_COL - 1) {
        fputc('\n', f);
        col = 0;
    }
    const int room = HELP_WIDTH - HELP_COL;
    while (*text) {
        int len = (int)strlen(text);
        if (len > room) {
            len = room;
            while (len > 0 && text[len] != ' ')
                len--;
            if (len == 0)
                len = (int)strcspn(text, " ");
        }
        fprintf(f, "%*s%.*s\n", HELP_COL - col, "", len, text);
        col = 0;
        text += len;
        while (*text == ' ')
            text++;
    }
}

/* "0.1 for sgd, 0.01 for momentum, 0.001 for adam": --lr's default. */
static void lr_defaults(char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (const name_row *r = optim_names; r->name && len < n; r++)
        len += (size_t)snprintf(buf + len, n - len, "%s%g for %s", r == optim_names ? "" : ", ",
                                optim_default_lr((opt_kind)r->value), r->name);
}

/* A setting's line: its help, what it accepts and its default, from the
 * settings table. */
static void usage_setting(FILE *f, setting_id id)
{
    const setting_info *r = &setting_table[id];
    char option[64], accepted[200], def[200], text[800];
    snprintf(option, sizeof option, "--%s%s%s", r->option, r->arg ? " " : "",
             r->arg ? r->arg : "");
    setting_accepted(accepted, sizeof accepted, id, " | ");
    if (id == SET_LR)
        lr_defaults(def, sizeof def);
    else
        snprintf(def, sizeof def, "%s", r->def);
    if (r->type == SET_BOOL)
        snprintf(text, sizeof text, "%s", r->help);
    else if (r->names)
        snprintf(text, sizeof text, "%s: %s (default %s)", accepted, r->help, def);
    else if (r->type == SET_TEXT)
        snprintf(text, sizeof text, "%s (default %s)", r->help, def);
    else
        snprintf(text, sizeof text, "%s, %s%s (default %s)", r->help,
                 accepted[0] == '[' || accepted[0] == '(' ? "in " : "", accepted, def);
    usage_item(f, option, text);
}

/* The options of a part of --help: settings, then the command line's own
 * (option, text) pairs, which end with a NULL. */
static void usage_part(FILE *f, const char *title, const setting_id *ids, int n,
                       const char *const *own)
{
    fprintf(f, "\n%s:\n", title);
    for (int i = 0; i < n; i++)
        usage_setting(f, ids[i]);
    for (; own && own[0]; own += 2)
        usage_item(f, own[0], own[1]);
}

void cli_usage(FILE *f)
{
    static const setting_id net[] = {
        SET_ACTS, SET_DEPTH, SET_WIDTH, SET_EPOCHS, SET_BATCH, SET_LR, SET_OPTIMIZER,
        SET_INIT, SET_BIAS_INIT, SET_BATCHNORM, SET_RESIDUAL, SET_LOSS, SET_MATH, SET_SEED,
        SET_SEEDS};
    static const setting_id data[] = {SET_DATA, SET_SAMPLES, SET_TEST_FRAC};
    static const setting_id measure[] = {SET_TARGET_ACC, SET_LOG_EVERY};
    char data_dir[300], jobs[700];
    snprintf(data_dir, sizeof data_dir, "folder of the IDX files (default %s for %s, %s for %s)",
             DATA_FASHION_DIR, names_name(data_names, DATA_FASHION_MNIST), DATA_MNIST_DIR,
             names_name(data_names, DATA_MNIST));
    snprintf(jobs, sizeof jobs, "train N runs (activations x seeds) at once, 1..%d, each in its "
             "own process with max(1, threads/N) BLAS threads: the same files as -j 1 --threads "
             "max(1, threads/N). Default: 1 with --threads (or OPENBLAS_NUM_THREADS), else "
             "min(runs, cores) (fewer if they would not fit in memory), each run with "
             "max(1, cores/N) BLAS threads, and 1 for a network whose largest product of a "
             "step (batch x fan_in x fan_out) is at most %.0f",
             CLI_MAX_JOBS, TRAIN_ONE_THREAD_MNK);
    const char *const data_own[] = {
        "--data-dir DIR", data_dir,
        "--test-data PATH", "a CSV test set beside --data csv:PATH (no split)",
        "--no-standardize", "use the inputs as given (default: standardise every feature "
                            "with the training set's mean and deviation)",
        "--export-data PATH", "write the built-in data set as --samples, --seed and "
                              "--test-frac make it to PATH as CSV (columns split, x1, x2, "
                              "label; split is train or test; the inputs as generated, not "
                              "standardised) and exit; --data csv:PATH reads it back as the "
                              "same split. An existing PATH is not replaced",
        NULL};
    const char *const out_own[] = {
        "-o, --out DIR", "run folder (default runs/YYYYMMDD-HHMMSS); it appears whole once "
                         "complete, replacing an earlier DIR as a whole; a failed or "
                         "interrupted run leaves the earlier one as it was",
        "--no-plot", "write the .gp scripts but do not run gnuplot",
        "--regions-init", "also draw the decision regions at epoch 0, from the initial "
                          "weights (plots/regions: with two-feature data, each activation's "
                          "predicted class over the input plane after the last epoch, drawn "
                          "for its first seed; the grid in regions.csv)",
        "--format LIST", CLI_FORMAT_HELP,
        "--save-weights DIR", "write every run's weights as .npy at initialisation and at the "
                              "end: DIR/ACT-seedN/{init,final}/W1.npy, b1.npy, ...",
        "--load-weights DIR", "start every run from DIR/W1.npy, b1.npy, ... (such an init or "
                              "final folder); with --epochs 0 only measures the probes at "
                              "those weights",
        "--threads N", "BLAS threads in all, 1..4 x cores (default: every core, or "
                       "OPENBLAS_NUM_THREADS when set); given (or set), every run gets all "
                       "of them, one run at a time unless -j; the last bits of the numbers "
                       "can depend on it",
        "-j, --jobs N", jobs,
        "-q, --quiet", "print nothing but errors",
        "--list-acts", "list the activations with their parameters (and those of --act's "
                       "formulas and plugins) and exit",
        "--no-gradcheck", "train a formula or plugin activation even when its derivative "
                          "fails the check made before training (actbench gradcheck)",
        "-h, --help", "this text;  --version  the version",
        NULL};
    fputs("Usage: actbench [OPTIONS]\n"
          "       actbench run FILE [--quick] [-j N] [--set KEY=VALUE]\n"
          "                                           one experiment file, its verdict\n"
          "       actbench reproduce [--quick] [-j N] every experiment: results/REPORT.md\n"
          "       actbench bench-acts                 cost of every activation per element\n"
          "       (each subcommand takes --help)\n"
          "\n"
          "Trains one fully connected network per activation -- same architecture, same\n"
          "initial weight draws, same minibatch order -- and writes per-layer gradient\n"
          "norms, dead and saturated units, activation statistics and loss curves as CSV,\n"
          "with gnuplot scripts (and PNGs when gnuplot is installed) that plot them.\n", f);
    usage_part(f, "Network and training", net, (int)(sizeof net / sizeof net[0]), NULL);
    usage_part(f, "Data", data, (int)(sizeof data / sizeof data[0]), data_own);
    usage_part(f, "Measurement and output", measure, (int)(sizeof measure / sizeof measure[0]),
               out_own);
    fputs("\n"
          "Long options are spelled in full (no abbreviations).  An option that takes a\n"
          "value is given once: a repeat is an error (list activations in one --act).\n"
          "\n"
          "Sweeps: --depth, --width, --lr, --init, --bias-init, --optimizer, --batch,\n"
          "--loss and --math take a comma list of distinct values (--init: schemes\n"
          "without :STD), --batchnorm and --residual take =no,yes.  Every combination\n"
          "runs (at most 12 values each, 100000 runs in all), in one run folder whose\n"
          "CSV rows begin with the swept settings.  plots/sweep_KEY.png draws the final\n"
          "accuracy and loss, grad_1/L and dead units against each swept setting (a\n"
          "line per activation and value of the others, or past 10 lines the others\n"
          "at their first values, as its panels say); the usual figures are drawn per\n"
          "sweep point as NAME-pN.png, titled with the point (up to 24 points).\n"
          "Without --lr, a swept optimizer trains at its own default rate.\n"
          "\n"
          "Examples:\n"
          "  actbench --act sigmoid,relu --depth 6\n"
          "  actbench --act sigmoid,tanh,relu,leaky_relu:0.1 --depth 10 --seeds 5\n"
          "  actbench --act relu,elu --lr 0.5 --epochs 100 --out runs/dead-relu\n"
          "  actbench --data fashion-mnist --act relu,gelu --width 256 --optimizer adam\n"
          "  actbench --data csv:mydata.csv --act tanh --init auto\n"
          "  actbench --act sigmoid,relu --depth 10 --batchnorm --residual\n"
          "  actbench --act sigmoid,relu --depth 2,4,6,8,10 --lr 0.01,0.1\n"
          "  actbench --act sigmoid,tanh,relu,elu --seeds 4 -j 2 --threads 2\n"
          "  actbench --act identity,relu,tanh --data circles --regions-init\n"
          "  actbench --data moons --seed 3 --export-data moons.csv\n"
          "\n"
          "Exit status: 0 ok (also when a run diverged: it is marked in summary.csv),\n"
          "1 runtime failure, 2 usage error.\n", f);
}

static void list_row(FILE *f, const act_info *a)
{
    char params[128] = "-";
    int len = 0;
    for (int j = 0; j < a->n_params && len < (int)sizeof params; j++)
        len += a->params_required
                   ? snprintf(params + len, sizeof params - (size_t)len, "%s%s%s",
                              j ? ", " : "", a->param_names[j],
                              j == a->n_params - 1 ? " (no defaults)" : "")
                   : snprintf(params + len, sizeof params - (size_t)len, "%s%s%s=%g",
                              j ? ", " : "", a->dyn && a->learned >> j & 1u ? "~" : "",
                              a->param_names[j], (double)a->defaults[j]);
    fprintf(f, "%-12s %-28s %-20s %-8s %-6s %s", a->name, params, a->range,
            a->zero_centred ? "yes" : "no", act_init_name(a->usual_init),
            a->dyn && a->dyn->exact ? a->dyn->source : a->formula);
    if (a->dyn && !a->dyn->exact)
        fprintf(f, " (%s)", a->dyn->source); /* a plugin: its own words, and its file */
    if (a->kinks)
        fprintf(f, "; at kinks: %s", a->kinks);
    fputc('\n', f);
}

void cli_list_acts(FILE *f, const act_spec *given, int n_given)
{
    fprintf(f, "%-12s %-28s %-20s %-8s %-6s %s\n", "name", "parameters (defaults)",
            "output range", "centred", "init", "definition");
    for (int i = 0; i < act_count; i++)
        list_row(f, &act_registry[i]);
    /* then --act's formulas and plugins (~: learned per layer) */
    for (int i = 0; i < n_given; i++)
        if (given[i].info->dyn)
            list_row(f, given[i].info);
}

int cli_max_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n >= 1 && n <= 4096 ? 4 * (int)n : 4;
}

ab_status cli_parse_long(long *out, const char *opt, const char *s, long lo, long hi,
                         ab_err *err)
{
    ab_status st = setting_parse_long(out, s, lo, hi, err);
    if (st != AB_OK)
        ab_context(err, "%s", opt);
    return st;
}

ab_status cli_parse_setting_long(long *out, int id, const char *s, ab_err *err)
{
    const setting_info *r = &setting_table[id];
    ab_status st = setting_parse_long(out, s, r->min, r->max, err);
    if (st != AB_OK)
        ab_context(err, "--%s", r->option);
    return st;
}

/* The argv element of the option getopt_long just returned: the one before
 * its value when that came as the next element. */
static const char *option_text(char *const *argv)
{
    return optarg && optind >= 2 && optarg == argv[optind - 1] ? argv[optind - 2]
                                                               : argv[optind - 1];
}

ab_status cli_check_option(cli_given *g, const struct option *opts, int c, int idx,
                           char *const *argv, ab_err *err)
{
    if (idx >= 0) {
        const char *a = option_text(argv), *name = a + 2;
        size_t len = strcspn(name, "=");
        if (strncmp(a, "--", 2) || len != strlen(opts[idx].name) ||
            strncmp(name, opts[idx].name, len))
            return ab_fail(err, AB_EUSAGE, "%.*s: unknown option (did you mean --%s?)",
                           (int)(len + 2), a, opts[idx].name);
    }
    const struct option *o = opts;
    while (o->name && o->val != c)
        o++;
    /* a flag may repeat; so may a yes-or-no setting given as a flag */
    if (!o->name || o->has_arg == no_argument || (o->has_arg == optional_argument && !optarg))
        return AB_OK;
    for (int i = 0; i < g->n; i++)
        if (g->code[i] == c)
            return ab_fail(err, AB_EUSAGE, "--%s: given twice (%s)", o->name,
                           !strcmp(o->name, "act") ? "give every activation in one list, "
                                                     "e.g. --act relu,tanh"
                                                   : "an option with a value is accepted once");
    if (g->n == (int)(sizeof g->code / sizeof g->code[0]))
        return ab_fail(err, AB_EUSAGE, "more than %d options with values", g->n);
    g->code[g->n++] = c;
    return AB_OK;
}

static ab_status parse_int(int *out, const char *opt, const char *s, long lo, long hi,
                           ab_err *err)
{
    long v;
    ab_status st = cli_parse_long(&v, opt, s, lo, hi, err);
    if (st == AB_OK)
        *out = (int)v;
    return st;
}

/* A comma list of activations into acts (room for max); the message names
 * no option. */
static ab_status parse_acts(act_spec *acts, int *n_acts, int max, const char *list,
                            ab_err *err)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", list) >= (int)sizeof buf)
        return ab_fail(err, AB_EUSAGE, "the list is longer than %zu characters",
                       sizeof buf - 1);
    *n_acts = 0;
    /* items split at the commas outside parentheses (a formula's max(x, 0)) */
    char *item[sizeof buf + 1]; /* a list of only commas has one more items than bytes */
    int items = 0;
    for (char *s = buf;; items++) {
        item[items] = s;
        char *comma = (char *)text_list_comma(s);
        if (!comma)
            break;
        *comma = '\0';
        s = comma + 1;
    }
    items++;
    for (int i = 0; i < items; i++)
        if (!item[i][0])
            return ab_fail(err, AB_EUSAGE, "'%.60s%s' has an empty item (give names separated "
                           "by single commas; see actbench --list-acts)", list,
                           strlen(list) > 60 ? "..." : "");
    if (items > max)
        return ab_fail(err, AB_EUSAGE, "%d activations given (accepted: at most %d)", items,
                       max);
    for (int k = 0; k < items; k++) {
        const char *tok = item[k];
        act_spec *a = &acts[*n_acts];
        ab_status st = act_parse(a, tok, err);
        if (st != AB_OK)
            return st;
        for (int i = 0; i < *n_acts; i++)
            if (strcmp(acts[i].label, a->label) == 0)
                return ab_fail(err, AB_EUSAGE, "'%s' is listed twice", a->label);
        (*n_acts)++;
    }
    return AB_OK;
}

ab_status cli_parse_acts(act_spec *acts, int *n_acts, int max, const char *list, ab_err *err)
{
    ab_status st = parse_acts(acts, n_acts, max, list, err);
    if (st != AB_OK)
        ab_context(err, "--%s", setting_table[SET_ACTS].option);
    return st;
}

/* --init SCHEME: auto, a scheme, or normal:STD (normal alone keeps init_std
 * at its default). */
static ab_status set_init(cli_opts *o, const setting_value *v, const char *text, ab_err *err)
{
    o->init_auto = (int)v->num == ACT_INIT_AUTO;
    if (!o->init_auto)
        o->init = (init_kind)(int)v->num;
    if (!v->arg)
        return AB_OK;
    setting_value std;
    ab_status st = setting_parse(&std, SET_INIT_STD, v->arg, err);
    if (st != AB_OK)
        ab_context(err, "%s", text);
    else
        o->init_std = std.num;
    return st;
}

/* Reads text as the value of setting id into o; the message names no
 * option. */
static ab_status set_setting(cli_opts *o, setting_id id, const char *text, ab_err *err)
{
    if (id == SET_ACTS)
        return parse_acts(o->acts, &o->n_acts, CLI_MAX_ACTS, text, err);
    if (id == SET_DATA) {
        o->data = text;
        return data_check_name(text, err);
    }
    setting_value v;
    ab_status st = setting_parse(&v, id, text, err);
    if (st != AB_OK)
        return st;
    switch (id) {
    case SET_DEPTH: o->depth = (int)v.whole; break;
    case SET_WIDTH: o->width = (int)v.whole; break;
    case SET_LR: o->lr = v.num; break;
    case SET_INIT: return set_init(o, &v, text, err);
    case SET_INIT_STD: o->init_std = v.num; break;
    case SET_BIAS_INIT: o->bias_init = v.num; break;
    case SET_OPTIMIZER: o->opt = (opt_kind)(int)v.num; break;
    case SET_BATCH: o->batch = (int)v.whole; break;
    case SET_BATCHNORM: o->batchnorm = v.num != 0.0; break;
    case SET_RESIDUAL: o->residual = v.num != 0.0; break;
    case SET_LOSS: o->loss = (out_kind)(int)v.num; break;
    case SET_MATH: o->math = (vm_backend)(int)v.num; break;
    case SET_SAMPLES: o->samples = (int)v.whole; break;
    case SET_TEST_FRAC: o->test_frac = v.num; break;
    case SET_EPOCHS: o->epochs = (int)v.whole; break;
    case SET_SEEDS: o->seeds = (int)v.whole; break;
    case SET_SEED: o->seed = (uint64_t)v.whole; break;
    case SET_LOG_EVERY: o->log_every = (int)v.whole; break;
    case SET_TARGET_ACC: o->target_acc = v.num; break;
    case SET_ACTS: case SET_DATA: case SET_ELEMENTS: case SET_REPEATS: case SET_COUNT:
        return ab_fail(err, AB_EUSAGE, "internal: %s is not an option of the main command",
                       setting_table[id].name);
    }
    return AB_OK;
}

/* ---- sweeps: a setting given as a comma list ------------------------- */

bool cli_sweeps(const cli_opts *o)
{
    for (int k = 0; k < XF_N_KEYS; k++)
        if (o->sweep_n[k] > 1)
            return true;
    return false;
}

/* Reads the comma list text of sweep key id into o's sweep, its first value
 * into the field (so that what reads one value sees the first); the message
 * names no option. */
static ab_status set_list(cli_opts *o, setting_id id, const char *text, ab_err *err)
{
    int n = 0;
    for (const char *s = text;; n++) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        if (len == 0)
            return ab_fail(err, AB_EUSAGE, "'%.60s%s' has an empty item (give values separated "
                           "by single commas, e.g. 2,4,6)", text, strlen(text) > 60 ? "..." : "");
        if (n == XF_MAX_VALUES)
            return ab_fail(err, AB_EUSAGE, "more than %d values in '%.60s%s' (accepted: at most "
                           "%d per setting, as in an experiment file)", XF_MAX_VALUES, text,
                           strlen(text) > 60 ? "..." : "", XF_MAX_VALUES);
        char *item = o->sweep_txt[id][n];
        if (len >= sizeof o->sweep_txt[id][n])
            return ab_fail(err, AB_EUSAGE, "'%.*s...' is longer than %zu characters", 24, s,
                           sizeof o->sweep_txt[id][n] - 1);
        memcpy(item, s, len);
        item[len] = '\0';
        setting_value v;
        ab_status st = setting_parse(&v, id, item, err);
        if (st != AB_OK)
            return st;
        if (v.arg)
            return ab_fail(err, AB_EUSAGE, "'%s' in a list: a list of schemes takes no "
                           "standard deviation (give normal:STD alone, or sweep init_std in an "
                           "experiment file)", item);
        for (int j = 0; j < n; j++)
            if (o->sweep_v[id][j] == v.num)
                return strcmp(item, o->sweep_txt[id][j])
                           ? ab_fail(err, AB_EUSAGE, "'%s' is listed twice (as '%s')", item,
                                     o->sweep_txt[id][j])
                           : ab_fail(err, AB_EUSAGE, "'%s' is listed twice", item);
        o->sweep_v[id][n] = v.num;
        if (!comma)
            break;
        s = comma + 1;
    }
    o->sweep_n[id] = n + 1;
    return AB_OK;
}

/* Every setting at its default from the settings table; --lr's waits for
 * --optimizer. */
static ab_status set_defaults(cli_opts *o, int argc, char **argv, ab_err *err)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < SET_COUNT; i++) {
        const setting_info *r = &setting_table[i];
        ab_status st = r->def && !r->bench_acts ? set_setting(o, i, r->def, err) : AB_OK;
        if (st != AB_OK) {
            ab_context(err, "internal: the default of %s", r->name);
            return st;
        }
    }
    o->lr = NAN;
    o->jobs = 0; /* not given: cmd_main chooses */
    o->formats = PLOT_PNG;
    o->argc = argc;
    o->argv = argv;
    return AB_OK;
}

static ab_status parse_one(cli_opts *o, int c, const char *arg, ab_err *err)
{
    if (c >= OPT_SETTING && c < OPT_SETTING + SET_COUNT) {
        setting_id id = (setting_id)(c - OPT_SETTING);
        const setting_info *r = &setting_table[id];
        /* an option without a value sets a yes-or-no setting */
        const char *text = arg ? arg : "yes";
        ab_status st = AB_OK;
        bool sweep_key = (int)id < (int)XF_N_KEYS;
        /* a flag may repeat, but a flag and a value (--batchnorm=no), or two
         * values, of the same setting: the one would silently lose */
        if (r->type == SET_BOOL) {
            unsigned char form = arg ? 2 : 1, *given = &o->bool_given[id];
            if (*given && (*given == 2 || form == 2))
                return ab_fail(err, AB_EUSAGE, "--%s: given twice (%s)", r->option,
                               *given == 1 || form == 1 ? "as a flag and as a value"
                                                        : "a value is accepted once");
            *given = form;
        }
        if (sweep_key && strchr(text, ','))
            st = set_list(o, id, text, err);
        if (st == AB_OK)
            st = set_setting(o, id, sweep_key && o->sweep_n[id] ? o->sweep_txt[id][0] : text,
                             err);
        if (st != AB_OK)
            ab_context(err, "--%s", r->option);
        return st;
    }
    switch (c) {
    case OPT_DATA_DIR: o->data_dir = arg; return AB_OK;
    case 'o':
        if (arg[0] == '\0')
            return ab_fail(err, AB_EUSAGE, "--out: the folder name is empty");
        o->out_dir = arg;
        return AB_OK;
    case OPT_NO_PLOT: o->no_plot = true; return AB_OK;
    case OPT_FORMAT: return cli_parse_formats(&o->formats, arg, err);
    case OPT_NO_GRADCHECK: o->no_gradcheck = true; return AB_OK;
    case OPT_TEST_DATA: o->test_data = arg; return AB_OK;
    case OPT_NO_STD: o->no_standardize = true; return AB_OK;
    case OPT_REGIONS_INIT: o->regions_init = true; return AB_OK;
    case OPT_EXPORT:
        if (arg[0] == '\0')
            return ab_fail(err, AB_EUSAGE, "--export-data: the file name is empty");
        o->export_data = arg;
        return AB_OK;
    case OPT_SAVE_W:
    case OPT_LOAD_W:
        if (arg[0] == '\0')
            return ab_fail(err, AB_EUSAGE, "%s: the folder name is empty",
                           c == OPT_SAVE_W ? "--save-weights" : "--load-weights");
        *(c == OPT_SAVE_W ? &o->save_weights : &o->load_weights) = arg;
        return AB_OK;
    case OPT_THREADS: return parse_int(&o->threads, "--threads", arg, 1, cli_max_threads(), err);
    case 'j': return parse_int(&o->jobs, "--jobs", arg, 1, CLI_MAX_JOBS, err);
    case 'q': o->quiet = true; return AB_OK;
    case OPT_LIST_ACTS: o->list_acts = true; return AB_OK;
    case 'h': o->help = true; return AB_OK;
    case OPT_VERSION: o->version = true; return AB_OK;
    }
    return ab_fail(err, AB_EUSAGE, "internal: unhandled option %d", c);
}

/* What the options do together, once all are read. */
/* path made absolute with its links resolved as far as it exists, the rest
 * appended with "." and ".." taken as written, into out (PATH_MAX bytes);
 * false when too long. */
static bool resolve_path(char *out, const char *path)
{
    char head[PATH_MAX], tail[PATH_MAX] = "";
    if (snprintf(head, sizeof head, "%s", path) >= (int)sizeof head)
        return false;
    /* the longest leading part that exists, the rest in tail */
    while (!realpath(head[0] ? head : ".", out)) {
        char *slash = strrchr(head, '/');
        while (slash && slash > head && slash[1] == '\0') { /* "a/b/" */
            *slash = '\0';
            slash = strrchr(head, '/');
        }
        char rest[PATH_MAX];
        if (snprintf(rest, sizeof rest, "%s%s%s", slash ? slash + 1 : head, tail[0] ? "/" : "",
                     tail) >= (int)sizeof rest)
            return false;
        memcpy(tail, rest, sizeof tail);
        if (!slash)
            head[0] = '\0';
        else if (slash == head)
            snprintf(head, sizeof head, "/");
        else
            *slash = '\0';
    }
    size_t n = strlen(out);
    for (char *save = NULL, *c = strtok_r(tail, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (!strcmp(c, "."))
            continue;
        if (!strcmp(c, "..")) {
            while (n > 1 && out[n - 1] != '/')
                n--;
            n = n > 1 ? n - 1 : 1;
            out[n] = '\0';
            continue;
        }
        size_t k = strlen(c);
        if (n + 1 + k >= PATH_MAX)
            return false;
        if (out[n - 1] != '/')
            out[n++] = '/';
        memcpy(out + n, c, k + 1);
        n += k;
    }
    return true;
}

/* Whether folder a is b or lies inside it. */
static bool path_within(const char *a, const char *b)
{
    char x[PATH_MAX], y[PATH_MAX];
    if (!resolve_path(x, a) || !resolve_path(y, b))
        return false;
    size_t n = strlen(y);
    return !strncmp(x, y, n) && (x[n] == '\0' || x[n] == '/' || y[n - 1] == '/');
}

/* A sweep's limits: those of an experiment file. */
static ab_status check_sweep(const cli_opts *o, ab_err *err)
{
    if (!cli_sweeps(o))
        return AB_OK;
    long long runs = (long long)o->n_acts * o->seeds;
    char what[400] = "";
    size_t len = (size_t)snprintf(what, sizeof what, "%d activations x %d seeds", o->n_acts,
                                  o->seeds);
    for (int k = 0; k < XF_N_KEYS; k++)
        if (o->sweep_n[k] > 1) {
            runs *= o->sweep_n[k];
            if (len < sizeof what)
                len += (size_t)snprintf(what + len, sizeof what - len, " x %d values of --%s",
                                        o->sweep_n[k], setting_table[k].option);
        }
    if (runs > CLI_MAX_RUNS)
        return ab_fail(err, AB_EUSAGE, "%s make %lld runs (accepted: at most %d)", what, runs,
                       CLI_MAX_RUNS);
    if (o->n_acts > XF_MAX_ACTS)
        return ab_fail(err, AB_EUSAGE, "--act: %d activations with a sweep (accepted: at most "
                       "%d, as in an experiment file)", o->n_acts, XF_MAX_ACTS);
    if (o->save_weights)
        return ab_fail(err, AB_EUSAGE, "--save-weights: not with a sweep (the runs of every "
                       "sweep point would share the folders ACT-seedN)");
    /* one folder of weights fits one network: a sweep may change the rest */
    static const int shape[] = {SET_DEPTH, SET_WIDTH, SET_BATCHNORM, SET_LOSS};
    for (int i = 0; o->load_weights && i < (int)(sizeof shape / sizeof shape[0]); i++)
        if (o->sweep_n[shape[i]] > 1)
            return ab_fail(err, AB_EUSAGE, "--load-weights: not with a sweep of --%s (one "
                           "folder of weights fits one network's shape; sweep --lr, --batch, "
                           "--optimizer, ... instead)", setting_table[shape[i]].option);
    return AB_OK;
}

static ab_status check_together(cli_opts *o, ab_err *err)
{
    data_kind kind;
    /* each folder is replaced as a whole: neither may hold the other (the
     * default run folder is in runs/) */
    const char *out = o->out_dir ? o->out_dir : "runs";
    if (o->save_weights && (path_within(out, o->save_weights) ||
                            (o->out_dir && path_within(o->save_weights, o->out_dir))))
        return ab_fail(err, AB_EUSAGE, "--save-weights: %s and %s%s hold one another, and "
                       "each is replaced as a whole (give folders side by side)",
                       o->save_weights, o->out_dir ? "--out " : "the run folders in ", out);
    if (o->test_data && (data_parse_name(&kind, NULL, o->data, NULL) != AB_OK ||
                         kind != DATA_CSV))
        return ab_fail(err, AB_EUSAGE, "--test-data: needs --data csv:PATH (got --data %s)",
                       o->data);
    if (o->export_data && (data_parse_name(&kind, NULL, o->data, NULL) != AB_OK ||
                           kind >= DATA_N_GENERATORS))
        return ab_fail(err, AB_EUSAGE, "--export-data: writes a built-in data set (spiral, "
                       "circles, moons, xor, blobs), not --data %s", o->data);
    o->lr_default = isnan(o->lr);
    if (o->lr_default)
        o->lr = optim_default_lr(o->opt);
    return check_sweep(o, err);
}

ab_status cli_parse(cli_opts *o, int argc, char **argv, ab_err *err)
{
    ab_status st = set_defaults(o, argc, argv, err);
    if (st != AB_OK)
        return st;
    struct option opts[N_OPTS];
    build_options(opts);
    opterr = 0;
    optind = 1;
    int c, idx;
    cli_given given = {0};
    /* "+:" stops at the first non-option and reports missing arguments as ':' */
    while ((idx = -1, c = getopt_long(argc, argv, "+:hqo:j:", opts, &idx)) != -1) {
        if (c == '?') {
            const char *bad = argv[optind - 1];
            const char *eq = strchr(bad, '=');
            if (strncmp(bad, "--", 2) == 0 && eq && optopt)
                return ab_fail(err, AB_EUSAGE, "%.*s: takes no value, got '%s' (see --help)",
                               (int)(eq - bad), bad, eq + 1);
            if (strncmp(bad, "--", 2) != 0 && optopt > ' ' && optopt < 127)
                return ab_fail(err, AB_EUSAGE, "unknown option '-%c' (see --help)", optopt);
            return ab_fail(err, AB_EUSAGE, "unknown option '%s' (see --help)", bad);
        }
        if (c == ':')
            return ab_fail(err, AB_EUSAGE, "%s: needs a value (see --help)", argv[optind - 1]);
        if ((st = cli_check_option(&given, opts, c, idx, argv, err)) != AB_OK ||
            (st = parse_one(o, c, optarg, err)) != AB_OK)
            return st;
    }
    if (optind < argc)
        return ab_fail(err, AB_EUSAGE, "unexpected argument '%s' (see --help)", argv[optind]);
    return check_together(o, err);
}

ab_status cli_parse_formats(unsigned *formats, const char *list, ab_err *err)
{
    ab_status st = plot_formats_parse(formats, list, err);
    if (st != AB_OK)
        ab_context(err, "--format");
    return st;
}
