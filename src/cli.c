/* cli.c - getopt_long parsing of actbench's options, with every number
 * checked through strtol/strtod and its end pointer. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data.h"

/* Defaults, chosen so that the plain run shows the vanishing gradient in a
 * few seconds; --help prints them from here. */
#define DEF_ACTS "sigmoid,relu"
#define DEF_DEPTH 6
#define DEF_WIDTH 64
#define DEF_EPOCHS 40
#define DEF_BATCH 32
#define DEF_SEED 1
#define DEF_LOG_EVERY 5
#define DEF_TARGET 0.9
#define DEF_DATA "spiral"

enum {
    OPT_DATA_DIR = 256, OPT_OPTIMIZER, OPT_INIT, OPT_BIAS_INIT, OPT_SEEDS, OPT_TARGET,
    OPT_LOG_EVERY, OPT_NO_PLOT, OPT_LIST_ACTS, OPT_VERSION, OPT_LOSS, OPT_SAMPLES,
    OPT_TEST_FRAC, OPT_TEST_DATA, OPT_NO_STD, OPT_SAVE_W, OPT_LOAD_W, OPT_BATCHNORM,
    OPT_RESIDUAL, OPT_THREADS
};

static const struct option long_opts[] = {
    {"act", required_argument, NULL, 'a'},
    {"depth", required_argument, NULL, 'd'},
    {"width", required_argument, NULL, 'w'},
    {"data", required_argument, NULL, 'D'},
    {"data-dir", required_argument, NULL, OPT_DATA_DIR},
    {"samples", required_argument, NULL, OPT_SAMPLES},
    {"test-frac", required_argument, NULL, OPT_TEST_FRAC},
    {"test-data", required_argument, NULL, OPT_TEST_DATA},
    {"no-standardize", no_argument, NULL, OPT_NO_STD},
    {"save-weights", required_argument, NULL, OPT_SAVE_W},
    {"load-weights", required_argument, NULL, OPT_LOAD_W},
    {"epochs", required_argument, NULL, 'e'},
    {"batch", required_argument, NULL, 'b'},
    {"lr", required_argument, NULL, 'l'},
    {"optimizer", required_argument, NULL, OPT_OPTIMIZER},
    {"init", required_argument, NULL, OPT_INIT},
    {"bias-init", required_argument, NULL, OPT_BIAS_INIT},
    {"batchnorm", no_argument, NULL, OPT_BATCHNORM},
    {"residual", no_argument, NULL, OPT_RESIDUAL},
    {"loss", required_argument, NULL, OPT_LOSS},
    {"seed", required_argument, NULL, 's'},
    {"seeds", required_argument, NULL, OPT_SEEDS},
    {"target-acc", required_argument, NULL, OPT_TARGET},
    {"log-every", required_argument, NULL, OPT_LOG_EVERY},
    {"out", required_argument, NULL, 'o'},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"jobs", required_argument, NULL, 'j'},
    {"no-plot", no_argument, NULL, OPT_NO_PLOT},
    {"quiet", no_argument, NULL, 'q'},
    {"list-acts", no_argument, NULL, OPT_LIST_ACTS},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

void cli_usage(FILE *f)
{
    fprintf(f,
"Usage: actbench [OPTIONS]\n"
"       actbench run FILE [--quick]     one experiment file, its verdict\n"
"       actbench reproduce [--quick]    every experiment: results/REPORT.md\n"
"       actbench bench-acts             cost of every activation per element\n"
"       (each subcommand takes --help)\n"
"\n"
"Trains one fully connected network per activation -- same architecture, same\n"
"initial weight draws, same minibatch order -- and writes per-layer gradient\n"
"norms, dead and saturated units, activation statistics and loss curves as CSV,\n"
"with gnuplot scripts (and PNGs when gnuplot is installed) that plot them.\n"
"\n"
"Network and training:\n"
"  --act LIST          activations, comma separated; parameters after colons,\n"
"                      e.g. leaky_relu:0.1, elu:0.5, softplus:2:20 (default %s)\n"
"  --depth N           hidden layers (default %d)\n"
"  --width N           units per hidden layer (default %d)\n"
"  --epochs N          training epochs; 0 measures the probes only (default %d)\n"
"  --batch N           minibatch size (default %d)\n"
"  --lr X              learning rate (default 0.1 for sgd, 0.01 for momentum,\n"
"                      0.001 for adam)\n"
"  --optimizer NAME    sgd | momentum | adam (default sgd)\n"
"  --init SCHEME       xavier | he | lecun | normal:STD, the same for every\n"
"                      activation so the networks stay identical; auto picks the\n"
"                      usual one per activation (default xavier)\n"
"  --bias-init X       initial value of every bias (default 0)\n"
"  --batchnorm         batch normalisation between each hidden layer's linear\n"
"                      map and its activation (Linear -> BatchNorm1d -> f)\n"
"  --residual          identity skips: hidden layers 2..depth add their input\n"
"                      to f's output\n"
"  --loss NAME         ce: softmax cross-entropy; bce: one sigmoid output and\n"
"                      binary cross-entropy, for two classes (default ce)\n"
"  --seed N            seed of the weight draws and minibatch order (default %d)\n"
"  --seeds K           repeat every activation with seeds N..N+K-1 (default 1)\n"
"\n"
"Data:\n"
"  --data NAME         spiral | circles | moons | xor | blobs (built in),\n"
"                      fashion-mnist | mnist (IDX files), csv:PATH (default %s)\n"
"  --data-dir DIR      folder of the IDX files (default %s\n"
"                      for fashion-mnist, %s for mnist)\n"
"  --samples N         samples drawn by a built-in generator (default %d)\n"
"  --test-frac F       held-out fraction when a set is split, in [0, 1); 0 keeps\n"
"                      every sample for training (default %g)\n"
"  --test-data PATH    a CSV test set beside --data csv:PATH (no split)\n"
"  --no-standardize    use the inputs as given (default: standardise every\n"
"                      feature with the training set's mean and deviation)\n"
"\n"
"Measurement and output:\n"
"  --target-acc X      accuracy for the epochs-to-target column (default %g)\n"
"  --log-every N       probe every N epochs, besides epoch 0 and the last\n"
"                      (default %d)\n"
"  -o, --out DIR       run folder (default runs/YYYYMMDD-HHMMSS)\n"
"  --no-plot           write the .gp scripts but do not run gnuplot\n"
"  --save-weights DIR  write every run's weights as .npy at initialisation and\n"
"                      at the end: DIR/ACT-seedN/{init,final}/W1.npy, b1.npy, ...\n"
"  --load-weights DIR  start every run from DIR/W1.npy, b1.npy, ... (such an\n"
"                      init or final folder); with --epochs 0 only measures\n"
"                      the probes at those weights\n"
"  --threads N         BLAS threads in all, 1..4 x cores (default: every core,\n"
"                      or OPENBLAS_NUM_THREADS when set); the last bits of the\n"
"                      numbers can depend on it\n"
"  -j, --jobs N        train N runs (activations x seeds) at once, each in its\n"
"                      own process with max(1, threads/N) BLAS threads: the\n"
"                      same files as --threads max(1, threads/N) without -j\n"
"                      (default 1)\n"
"  -q, --quiet         print nothing but errors\n"
"  --list-acts         list the activations with their parameters and exit\n"
"  -h, --help          this text;  --version  the version\n"
"\n"
"Examples:\n"
"  actbench --act sigmoid,relu --depth 6\n"
"  actbench --act sigmoid,tanh,relu,leaky_relu:0.1 --depth 10 --seeds 5\n"
"  actbench --act relu,elu --lr 0.5 --epochs 100 --out runs/dead-relu\n"
"  actbench --data fashion-mnist --act relu,gelu --width 256 --optimizer adam\n"
"  actbench --data csv:mydata.csv --act tanh --init auto\n"
"  actbench --act sigmoid,relu --depth 10 --batchnorm --residual\n"
"  actbench --act sigmoid,tanh,relu,elu --seeds 4 -j 2 --threads 2\n"
"\n"
"Exit status: 0 ok (also when a run diverged: it is marked in summary.csv),\n"
"1 runtime failure, 2 usage error.\n",
            DEF_ACTS, DEF_DEPTH, DEF_WIDTH, DEF_EPOCHS, DEF_BATCH, DEF_SEED, DEF_DATA,
            DATA_FASHION_DIR, DATA_MNIST_DIR, DATA_DEFAULT_N, DATA_DEFAULT_TEST_FRAC, DEF_TARGET,
            DEF_LOG_EVERY);
}

void cli_list_acts(FILE *f)
{
    fprintf(f, "%-12s %-28s %-20s %-8s %-6s %s\n", "name", "parameters (defaults)",
            "output range", "centred", "init", "definition");
    for (int i = 0; i < act_count; i++) {
        const act_info *a = &act_registry[i];
        char params[64] = "-";
        int len = 0;
        for (int j = 0; j < a->n_params; j++)
            len += snprintf(params + len, sizeof params - (size_t)len, "%s%s=%g", j ? ", " : "",
                            a->param_names[j], (double)a->defaults[j]);
        fprintf(f, "%-12s %-28s %-20s %-8s %-6s %s", a->name, params, a->range,
                a->zero_centred ? "yes" : "no", act_init_name(a->usual_init), a->formula);
        if (a->kinks)
            fprintf(f, "; at kinks: %s", a->kinks);
        fputc('\n', f);
    }
}

int cli_max_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n >= 1 && n <= 4096 ? 4 * (int)n : 4;
}

ab_status cli_parse_long(long *out, const char *opt, const char *s, long lo, long hi,
                         ab_err *err)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE)
        return ab_fail(err, AB_EUSAGE, "%s: '%s' is not a whole number (accepted: %ld..%ld)",
                       opt, s, lo, hi);
    if (v < lo || v > hi)
        return ab_fail(err, AB_EUSAGE, "%s: %ld is out of range (accepted: %ld..%ld)", opt, v,
                       lo, hi);
    *out = v;
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

static ab_status parse_double(double *out, const char *opt, const char *s, ab_err *err)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return ab_fail(err, AB_EUSAGE, "%s: '%s' is not a finite number", opt, s);
    *out = v;
    return AB_OK;
}

ab_status cli_parse_acts(act_spec *acts, int *n_acts, int max, const char *list, ab_err *err)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", list) >= (int)sizeof buf)
        return ab_fail(err, AB_EUSAGE, "--act: list too long");
    *n_acts = 0;
    char *save = NULL;
    int items = 0;
    for (const char *p = list; *p; p++)
        items += *p == ',';
    if (list[0] == '\0' || list[0] == ',' || list[strlen(list) - 1] == ',' || strstr(list, ",,"))
        return ab_fail(err, AB_EUSAGE, "--act: '%s' has an empty item (give names separated by "
                       "single commas; see actbench --list-acts)", list);
    if (items + 1 > max)
        return ab_fail(err, AB_EUSAGE, "--act: %d activations given (accepted: at most %d)",
                       items + 1, max);
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        act_spec *a = &acts[*n_acts];
        ab_status st = act_parse(a, tok, err);
        if (st != AB_OK)
            return st;
        for (int i = 0; i < *n_acts; i++)
            if (strcmp(acts[i].label, a->label) == 0)
                return ab_fail(err, AB_EUSAGE, "--act: '%s' is listed twice", a->label);
        (*n_acts)++;
    }
    return AB_OK;
}

static ab_status parse_init(cli_opts *o, const char *s, ab_err *err)
{
    o->init_auto = false;
    if (strcmp(s, "auto") == 0) {
        o->init_auto = true;
        return AB_OK;
    }
    if (strcmp(s, "xavier") == 0 || strcmp(s, "glorot") == 0)
        o->init = INIT_XAVIER;
    else if (strcmp(s, "he") == 0 || strcmp(s, "kaiming") == 0)
        o->init = INIT_HE;
    else if (strcmp(s, "lecun") == 0)
        o->init = INIT_LECUN;
    else if (strncmp(s, "normal:", 7) == 0) {
        o->init = INIT_NORMAL;
        ab_status st = parse_double(&o->init_std, "--init normal:STD", s + 7, err);
        if (st != AB_OK)
            return st;
        if (o->init_std <= 0.0)
            return ab_fail(err, AB_EUSAGE, "--init: STD in '%s' must be > 0", s);
    } else
        return ab_fail(err, AB_EUSAGE,
                       "--init: unknown scheme '%s' (accepted: xavier, he, lecun, normal:STD, auto)",
                       s);
    return AB_OK;
}

static void set_defaults(cli_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->depth = DEF_DEPTH;
    o->width = DEF_WIDTH;
    o->epochs = DEF_EPOCHS;
    o->batch = DEF_BATCH;
    o->seeds = 1;
    o->jobs = 1;
    o->seed = DEF_SEED;
    o->log_every = DEF_LOG_EVERY;
    o->lr = NAN;
    o->opt = OPT_SGD;
    o->init = INIT_XAVIER;
    o->target_acc = DEF_TARGET;
    o->loss = OUT_SOFTMAX;
    o->data = DEF_DATA;
    o->test_frac = DATA_DEFAULT_TEST_FRAC;
    o->argc = argc;
    o->argv = argv;
}

static ab_status parse_one(cli_opts *o, int c, const char *arg, ab_err *err)
{
    long v;
    ab_status st;
    switch (c) {
    case 'a': return cli_parse_acts(o->acts, &o->n_acts, CLI_MAX_ACTS, arg, err);
    case 'd': return parse_int(&o->depth, "--depth", arg, 1, NET_MAX_DEPTH, err);
    case 'w': return parse_int(&o->width, "--width", arg, 1, NET_MAX_WIDTH, err);
    case 'e': return parse_int(&o->epochs, "--epochs", arg, 0, 1000000, err);
    case 'b': return parse_int(&o->batch, "--batch", arg, 1, 1 << 20, err);
    case OPT_SEEDS: return parse_int(&o->seeds, "--seeds", arg, 1, 10000, err);
    case OPT_LOG_EVERY: return parse_int(&o->log_every, "--log-every", arg, 1, 1000000, err);
    case OPT_SAMPLES: return parse_int(&o->samples, "--samples", arg, 10, 10000000, err);
    case 's':
        if ((st = cli_parse_long(&v, "--seed", arg, 0, LONG_MAX, err)) == AB_OK)
            o->seed = (uint64_t)v;
        return st;
    case 'l':
        if ((st = parse_double(&o->lr, "--lr", arg, err)) != AB_OK)
            return st;
        if (o->lr <= 0.0)
            return ab_fail(err, AB_EUSAGE, "--lr: %s must be > 0", arg);
        return AB_OK;
    case OPT_BIAS_INIT: return parse_double(&o->bias_init, "--bias-init", arg, err);
    case OPT_BATCHNORM: o->batchnorm = true; return AB_OK;
    case OPT_RESIDUAL: o->residual = true; return AB_OK;
    case OPT_TARGET:
        if ((st = parse_double(&o->target_acc, "--target-acc", arg, err)) != AB_OK)
            return st;
        if (o->target_acc <= 0.0 || o->target_acc > 1.0)
            return ab_fail(err, AB_EUSAGE, "--target-acc: %s is out of range (accepted: (0, 1])",
                           arg);
        return AB_OK;
    case OPT_OPTIMIZER:
        if (strcmp(arg, "sgd") == 0)
            o->opt = OPT_SGD;
        else if (strcmp(arg, "momentum") == 0)
            o->opt = OPT_MOMENTUM;
        else if (strcmp(arg, "adam") == 0)
            o->opt = OPT_ADAM;
        else
            return ab_fail(err, AB_EUSAGE,
                           "--optimizer: unknown optimizer '%s' (accepted: sgd, momentum, adam)",
                           arg);
        return AB_OK;
    case OPT_INIT: return parse_init(o, arg, err);
    case OPT_LOSS:
        if (strcmp(arg, "ce") == 0)
            o->loss = OUT_SOFTMAX;
        else if (strcmp(arg, "bce") == 0)
            o->loss = OUT_SIGMOID;
        else
            return ab_fail(err, AB_EUSAGE, "--loss: unknown loss '%s' (accepted: ce, bce)", arg);
        return AB_OK;
    case 'D':
        o->data = arg;
        return data_check_name(arg, err);
    case OPT_DATA_DIR: o->data_dir = arg; return AB_OK;
    case 'o':
        if (arg[0] == '\0')
            return ab_fail(err, AB_EUSAGE, "--out: the folder name is empty");
        o->out_dir = arg;
        return AB_OK;
    case OPT_NO_PLOT: o->no_plot = true; return AB_OK;
    case OPT_TEST_FRAC:
        if ((st = parse_double(&o->test_frac, "--test-frac", arg, err)) != AB_OK)
            return st;
        if (o->test_frac < 0.0 || o->test_frac >= 1.0)
            return ab_fail(err, AB_EUSAGE, "--test-frac: %s is out of range (accepted: [0, 1))",
                           arg);
        return AB_OK;
    case OPT_TEST_DATA: o->test_data = arg; return AB_OK;
    case OPT_NO_STD: o->no_standardize = true; return AB_OK;
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

ab_status cli_parse(cli_opts *o, int argc, char **argv, ab_err *err)
{
    set_defaults(o, argc, argv);
    ab_status st = cli_parse_acts(o->acts, &o->n_acts, CLI_MAX_ACTS, DEF_ACTS, err);
    if (st != AB_OK)
        return st;
    opterr = 0;
    optind = 1;
    int c, idx = 0;
    /* "+:" stops at the first non-option and reports missing arguments as ':' */
    while ((c = getopt_long(argc, argv, "+:hqo:j:", long_opts, &idx)) != -1) {
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
        if ((st = parse_one(o, c, optarg, err)) != AB_OK)
            return st;
    }
    if (optind < argc)
        return ab_fail(err, AB_EUSAGE, "unexpected argument '%s' (see --help)", argv[optind]);
    if (o->test_data && strncmp(o->data, "csv:", 4) != 0)
        return ab_fail(err, AB_EUSAGE, "--test-data: needs --data csv:PATH (got --data %s)",
                       o->data);
    if (isnan(o->lr))
        o->lr = o->opt == OPT_SGD ? 0.1 : o->opt == OPT_MOMENTUM ? 0.01 : 0.001;
    return AB_OK;
}
