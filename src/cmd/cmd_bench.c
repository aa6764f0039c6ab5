/* cmd_bench.c - the `bench-acts` and `bench-gemm` subcommands: their options,
 * usage texts and printed tables around bench_acts.c's and bench_gemm.c's
 * measurements. */
#include "cmd_bench.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_acts.h"
#include "bench_gemm.h"
#include "cli.h"
#include "gemm.h"
#include "net.h"
#include "par.h"
#include "plot.h"
#include "setting.h"
#include "stage.h"
#include "sys.h"

/* ---- bench-acts ---------------------------------------------------------- */

#define ACTS_MAX 64
/* --elements and --repeats are settings (setting.h), shared with the
 * experiment files' kind = bench-acts. */
#define ACTS_ELEMENTS (&setting_table[SET_ELEMENTS])
#define ACTS_REPEATS (&setting_table[SET_REPEATS])

/* The training step's network: 2 -> width x STEP_DEPTH -> 3, batch
 * STEP_BATCH (the main command's defaults). */
#define STEP_DEPTH 6
#define STEP_BATCH 32
#define STEP_MAX_WIDTHS 16
#define STEP_DEF_WIDTHS "64,256,1024"
#define STEP_DEF_REPEATS 7

typedef struct {
    act_spec acts[ACTS_MAX];
    int n_acts;
    long elements;
    int repeats;
    vm_backend maths[VM_BACKEND_COUNT];
    int n_maths;
    int widths[STEP_MAX_WIDTHS]; /* training steps at these widths; none: n_widths 0 */
    int n_widths;
    int step_repeats;
    const char *out_dir; /* NULL = runs/bench-acts-<timestamp> */
    bool no_plot, quiet, help;
} acts_opts;

enum { A_ELEMENTS = 256, A_REPEATS, A_NO_PLOT, A_MATH, A_STEP_WIDTHS, A_STEP_REPEATS };

static const struct option acts_long_opts[] = {
    {"act", required_argument, NULL, 'a'},
    {"elements", required_argument, NULL, A_ELEMENTS},
    {"repeats", required_argument, NULL, A_REPEATS},
    {"math", required_argument, NULL, A_MATH},
    {"step-widths", required_argument, NULL, A_STEP_WIDTHS},
    {"step-repeats", required_argument, NULL, A_STEP_REPEATS},
    {"out", required_argument, NULL, 'o'},
    {"no-plot", no_argument, NULL, A_NO_PLOT},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void acts_usage(FILE *f)
{
    fprintf(f,
"Usage: actbench bench-acts [OPTIONS]\n"
"\n"
"Times each activation's forward pass f(z) and derivative f'(z) -- the code the\n"
"training runs use -- over one buffer of float32 pre-activations (z drawn once,\n"
"seeded, normal with std 2, so both sides of every kink are hit), on one thread,\n"
"with each maths library: SLEEF's vector exp, tanh, erf ... (what training uses)\n"
"and glibc's scalar ones, one element at a time.  Then times a whole SGD training\n"
"step of a network 2 -> W x %d -> 3, batch %d, at each width W, where the matrix\n"
"products are the rest of the cost.  Every repeat times all activations in turn,\n"
"so drift hits them alike; the median over repeats is reported in nanoseconds\n"
"per element (microseconds per step) and as a multiple of relu's with the same\n"
"maths.  Writes bench_acts.csv, bench_steps.csv and plots/bench_acts.gp,\n"
"plots/bench_steps.gp (and .png when gnuplot is installed) and prints tables,\n"
"cheapest first.\n"
"\n"
"  --act LIST        activations, comma separated; parameters after colons as\n"
"                    in the main command, e.g. leaky_relu:0.1 (default: all %d\n"
"                    in the registry with default parameters; rrelu in its\n"
"                    evaluation form, prelu at its initial slope)\n"
"  --elements N      %s, %ld..%ld (default %s)\n"
"  --repeats R       %s, %ld..%ld (default %s)\n"
"  --math LIST       sleef, libc or both, comma separated (default sleef,libc)\n"
"  --step-widths LIST  widths of the training-step network, 1..%d each, at most\n"
"                    %d, comma separated, or none (default %s)\n"
"  --step-repeats R  timed repeats of the steps, 1..1000 (default %d)\n"
"  -o, --out DIR     output folder (default runs/bench-acts-YYYYMMDD-HHMMSS)\n"
"  --no-plot         write the .gp script but do not run gnuplot\n"
"  -q, --quiet       print nothing but errors\n"
"  -h, --help        this text\n"
"Long options are spelled in full; an option with a value is given once.\n"
"\n"
"Examples:\n"
"  actbench bench-acts\n"
"  actbench bench-acts --act relu,sigmoid,tanh,elu,gelu --repeats 51\n"
"  actbench bench-acts --elements 10000 --out runs/bench-in-cache\n"
"  actbench bench-acts --act relu,tanh,gelu --math sleef --step-widths none\n"
"\n"
"Timings depend on the machine, its load and its clock: compare the ratios of\n"
"one run, not nanoseconds across machines.\n"
"\n"
"Exit status: 0 ok, 1 runtime failure, 2 usage error.\n",
            STEP_DEPTH, STEP_BATCH, act_count, ACTS_ELEMENTS->help, ACTS_ELEMENTS->min,
            ACTS_ELEMENTS->max, ACTS_ELEMENTS->def, ACTS_REPEATS->help, ACTS_REPEATS->min,
            ACTS_REPEATS->max, ACTS_REPEATS->def, NET_MAX_WIDTH, STEP_MAX_WIDTHS,
            STEP_DEF_WIDTHS, STEP_DEF_REPEATS);
}

/* The items of a comma list (no empty item, at most max) into item[], each
 * at most 31 characters. */
static ab_status split_list(char item[][32], int *n, int max, const char *list,
                            const char *opt, ab_err *err)
{
    *n = 0;
    const char *p = list;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == 0)
            return ab_fail(err, AB_EUSAGE, "%s: empty item in '%s'", opt, list);
        if (*n == max)
            return ab_fail(err, AB_EUSAGE, "%s: more than %d items in '%s'", opt, max, list);
        if (len >= sizeof item[0])
            return ab_fail(err, AB_EUSAGE, "%s: '%.*s' is not an accepted value", opt,
                           (int)len, p);
        memcpy(item[*n], p, len);
        item[(*n)++][len] = '\0';
        if (!c)
            return AB_OK;
        p = c + 1;
    }
}

static ab_status parse_maths(acts_opts *o, const char *list, ab_err *err)
{
    char item[VM_BACKEND_COUNT + 1][32];
    int n;
    ab_status st = split_list(item, &n, VM_BACKEND_COUNT, list, "--math", err);
    for (int i = 0; st == AB_OK && i < n; i++) {
        setting_value v;
        st = setting_parse(&v, SET_MATH, item[i], err);
        if (st != AB_OK)
            ab_context(err, "--math");
        for (int j = 0; st == AB_OK && j < i; j++)
            if (o->maths[j] == (vm_backend)(int)v.num)
                st = ab_fail(err, AB_EUSAGE, "--math: '%s' is given twice", item[i]);
        o->maths[i] = (vm_backend)(int)v.num;
    }
    o->n_maths = st == AB_OK ? n : 0;
    return st;
}

static ab_status parse_widths(acts_opts *o, const char *list, ab_err *err)
{
    o->n_widths = 0;
    if (strcmp(list, "none") == 0)
        return AB_OK;
    char item[STEP_MAX_WIDTHS][32];
    int n;
    ab_status st = split_list(item, &n, STEP_MAX_WIDTHS, list, "--step-widths", err);
    for (int i = 0; st == AB_OK && i < n; i++) {
        long v;
        st = setting_parse_long(&v, item[i], 1, NET_MAX_WIDTH, err);
        if (st != AB_OK)
            ab_context(err, "--step-widths");
        o->widths[i] = (int)v;
    }
    o->n_widths = st == AB_OK ? n : 0;
    return st;
}

static ab_status acts_parse(acts_opts *o, int argc, char **argv, ab_err *err)
{
    memset(o, 0, sizeof *o);
    long v;
    ab_status st = cli_parse_setting_long(&o->elements, SET_ELEMENTS, ACTS_ELEMENTS->def, err);
    if (st == AB_OK)
        st = cli_parse_setting_long(&v, SET_REPEATS, ACTS_REPEATS->def, err);
    if (st == AB_OK)
        o->repeats = (int)v;
    if (st == AB_OK)
        st = parse_maths(o, "sleef,libc", err);
    if (st == AB_OK)
        st = parse_widths(o, STEP_DEF_WIDTHS, err);
    o->step_repeats = STEP_DEF_REPEATS;
    for (int i = 0; i < act_count && i < ACTS_MAX; i++)
        act_default(&o->acts[o->n_acts++], &act_registry[i]);
    opterr = 0;
    optind = 1;
    int c, idx;
    cli_given given = {0};
    /* "+:" stops at the first non-option and reports missing arguments as ':' */
    while (st == AB_OK &&
           (idx = -1, c = getopt_long(argc, argv, "+:hqo:", acts_long_opts, &idx)) != -1) {
        if (c != ':' && c != '?' &&
            (st = cli_check_option(&given, acts_long_opts, c, idx, argv, err)) != AB_OK)
            break;
        switch (c) {
        case 'a': st = cli_parse_acts(o->acts, &o->n_acts, ACTS_MAX, optarg, err); break;
        case A_ELEMENTS:
            st = cli_parse_setting_long(&o->elements, SET_ELEMENTS, optarg, err);
            break;
        case A_REPEATS:
            st = cli_parse_setting_long(&v, SET_REPEATS, optarg, err);
            if (st == AB_OK)
                o->repeats = (int)v;
            break;
        case A_MATH: st = parse_maths(o, optarg, err); break;
        case A_STEP_WIDTHS: st = parse_widths(o, optarg, err); break;
        case A_STEP_REPEATS:
            st = setting_parse_long(&v, optarg, 1, 1000, err);
            if (st == AB_OK)
                o->step_repeats = (int)v;
            else
                ab_context(err, "--step-repeats");
            break;
        case 'o':
            if (optarg[0] == '\0')
                st = ab_fail(err, AB_EUSAGE, "--out: the folder name is empty");
            o->out_dir = optarg;
            break;
        case A_NO_PLOT: o->no_plot = true; break;
        case 'q': o->quiet = true; break;
        case 'h': o->help = true; break;
        case ':':
            st = ab_fail(err, AB_EUSAGE, "%s: needs a value (see actbench bench-acts --help)",
                         argv[optind - 1]);
            break;
        default: {
            const char *bad = argv[optind - 1];
            const char *eq = strchr(bad, '=');
            if (strncmp(bad, "--", 2) == 0 && eq && optopt)
                st = ab_fail(err, AB_EUSAGE, "%.*s: takes no value, got '%s' (see actbench "
                             "bench-acts --help)", (int)(eq - bad), bad, eq + 1);
            else if (strncmp(bad, "--", 2) != 0 && optopt > ' ' && optopt < 127)
                st = ab_fail(err, AB_EUSAGE, "bench-acts: unknown option '-%c' (see actbench "
                             "bench-acts --help)", optopt);
            else
                st = ab_fail(err, AB_EUSAGE, "bench-acts: unknown option '%s' (see actbench "
                             "bench-acts --help)", bad);
        }
        }
    }
    if (st == AB_OK && optind < argc)
        st = ab_fail(err, AB_EUSAGE, "bench-acts: unexpected argument '%s' (see actbench "
                     "bench-acts --help)", argv[optind]);
    return st;
}

static void acts_print(const bench_act_row *rows, int n_rows, const bench_step_row *steps,
                       int n_steps, const acts_opts *o, const char *dir)
{
    int *order = malloc((size_t)n_rows * sizeof *order);
    if (!order)
        return;
    bench_acts_order(order, rows, n_rows);
    printf("%-16s %-6s %9s %9s %9s %9s %9s %8s\n", "act", "math", "f", "f'", "f+f'", "min",
           "max", "x relu");
    for (int i = 0; i < n_rows; i++) {
        const bench_act_row *r = &rows[order[i]];
        printf("%-16s %-6s %9.3f %9.3f %9.3f %9.3f %9.3f ", r->act.label,
               vm_backend_name(r->math), r->ns_forward, r->ns_derivative, r->ns_total,
               r->ns_total_min, r->ns_total_max);
        if (isfinite(r->vs_relu))
            printf("%8.2f\n", r->vs_relu);
        else
            printf("%8s\n", "-");
    }
    printf("ns per element over %ld float32 elements, median of %d repeats (min, max: of "
           "f+f'),\ncheapest first; f+f' = both as a training step computes them; x relu = "
           "f+f' / relu's\nf+f' with the same maths\n",
           o->elements, o->repeats);
    if (n_steps > 0) {
        printf("\n%-16s %-6s %6s %10s %10s %10s %8s\n", "act", "math", "width", "us/step",
               "min", "max", "x relu");
        for (int i = 0; i < n_steps; i++) {
            const bench_step_row *r = &steps[i];
            printf("%-16s %-6s %6d %10.2f %10.2f %10.2f ", r->act.label,
                   vm_backend_name(r->math), r->width, r->us, r->us_min, r->us_max);
            if (isfinite(r->vs_relu))
                printf("%8.2f\n", r->vs_relu);
            else
                printf("%8s\n", "-");
        }
        printf("a whole SGD training step of 2 -> width x %d -> 3, batch %d, one thread, "
               "median of %d repeats;\nx relu = the step time / relu's with the same maths "
               "and width\n",
               STEP_DEPTH, STEP_BATCH, o->step_repeats);
    }
    printf("run folder: %s\n", dir);
    free(order);
}

int cmd_bench_acts(int argc, char **argv)
{
    acts_opts o;
    ab_err err = {{0}};
    bench_act_row *rows = NULL;
    bench_step_row *steps = NULL;
    stage_dir stage = {0};
    ab_status st = acts_parse(&o, argc, argv, &err);
    if (st == AB_OK && o.help) {
        acts_usage(stdout);
        return 0;
    }
    int n_rows = o.n_acts * o.n_maths, n_steps = n_rows * o.n_widths;
    if (st == AB_OK) {
        double need = 3.0 * (double)o.elements * sizeof(float), have = sys_mem_available();
        if (need > 0.9 * have)
            st = ab_fail(&err, AB_EUSAGE, "--elements %ld: needs about %.1f GiB of memory, more "
                         "than the %.1f GiB available", o.elements, need / 1073741824.0,
                         have / 1073741824.0);
    }
    if (st == AB_OK && (!(rows = calloc((size_t)n_rows, sizeof *rows)) ||
                        (n_steps && !(steps = calloc((size_t)n_steps, sizeof *steps)))))
        st = ab_fail(&err, AB_ERUNTIME, "out of memory: bench-acts rows");
    /* every activation with every maths back end; the steps by width, then
     * likewise */
    for (int m = 0, i = 0; st == AB_OK && m < o.n_maths; m++)
        for (int a = 0; a < o.n_acts; a++, i++)
            rows[i] = (bench_act_row){.act = o.acts[a], .math = o.maths[m]};
    for (int w = 0, i = 0; st == AB_OK && w < o.n_widths; w++)
        for (int m = 0; m < o.n_maths; m++)
            for (int a = 0; a < o.n_acts; a++, i++)
                steps[i] = (bench_step_row){.act = o.acts[a], .math = o.maths[m],
                                            .width = o.widths[w], .depth = STEP_DEPTH,
                                            .batch = STEP_BATCH};
    if (st == AB_OK)
        st = o.out_dir ? stage_open(&stage, o.out_dir, &err)
                       : stage_open_new(&stage, "runs", "bench-acts", &err);
    if (st != AB_OK && o.out_dir)
        ab_context(&err, "--out");
    /* a note while it runs, only for a person watching */
    bool tty = st == AB_OK && !o.quiet && isatty(STDERR_FILENO);
    if (tty) {
        fprintf(stderr, "actbench: timing %d activation%s x %d maths x %d repeats over %ld "
                "elements...", o.n_acts, o.n_acts == 1 ? "" : "s", o.n_maths, o.repeats,
                o.elements);
        fflush(stderr);
    }
    if (st == AB_OK)
        st = bench_acts_measure(rows, n_rows, (size_t)o.elements, o.repeats, &err);
    if (tty && n_steps) {
        fprintf(stderr, "\r\033[Kactbench: timing training steps at %d width%s...", o.n_widths,
                o.n_widths == 1 ? "" : "s");
        fflush(stderr);
    }
    /* one width at a time: its networks are built and dropped together */
    for (int w = 0; st == AB_OK && w < o.n_widths; w++)
        st = bench_acts_steps(steps + (size_t)w * n_rows, n_rows, o.step_repeats, &err);
    if (tty)
        fprintf(stderr, "\r\033[K");
    bool render = !o.no_plot && plot_have_gnuplot();
    if (st == AB_OK)
        st = bench_acts_write(stage.dir, rows, n_rows, (size_t)o.elements, o.repeats, steps,
                              n_steps, o.step_repeats, render, &err);
    if (st == AB_OK)
        st = stage_commit(&stage, &err);
    stage_abort(&stage);
    const char *dir = stage.dest;
    if (st == AB_OK && !o.quiet) {
        acts_print(rows, n_rows, steps, n_steps, &o, dir);
        if (!o.no_plot && !render)
            fprintf(stderr, "actbench: gnuplot not found: the plot scripts are in %s/plots; "
                            "render them with: cd %s && gnuplot plots/" BENCH_ACTS_FIG ".gp%s\n",
                    dir, dir, n_steps ? " plots/" BENCH_STEPS_FIG ".gp" : "");
    }
    free(rows);
    free(steps);
    if (st != AB_OK)
        fprintf(stderr, "actbench: %s\n", err.msg);
    return (int)st;
}

/* ---- bench-gemm ---------------------------------------------------------- */

#define GEMM_DEF_REPEATS 7
#define GEMM_MAX_REPEATS 1000
#define GEMM_MAX_THREADS 1024

typedef struct {
    int batch;
    int sizes[BENCH_GEMM_MAX_SIZES];
    int n_sizes;
    int repeats;
    int threads; /* 0 = leave the BLAS default */
    bool help;
} gemm_opts;

enum { G_BATCH = 256, G_LAYERS, G_REPEATS, G_THREADS };

static const struct option gemm_long_opts[] = {
    {"batch", required_argument, NULL, G_BATCH},
    {"layers", required_argument, NULL, G_LAYERS},
    {"repeats", required_argument, NULL, G_REPEATS},
    {"threads", required_argument, NULL, G_THREADS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void gemm_usage(FILE *f)
{
    fprintf(f,
"Usage: actbench bench-gemm --batch B --layers N0,N1,...,NL [OPTIONS]\n"
"\n"
"The OpenBLAS ceiling for a network: times the matrix products one training\n"
"step makes -- the same cblas_sgemm calls as training, same shapes,\n"
"transpositions and betas, each layer on its own buffers -- with nothing in\n"
"between, and the three products of its largest layer alone:\n"
"  forward      z = a W^T      (B x out, inner dimension in)\n"
"  weight_grad  dW += dz^T a   (out x in, inner dimension B)\n"
"  input_grad   da = dz W      (B x in, inner dimension out)\n"
"GFLOP/s are 2 M N K per product and 6 B sum(in x out) per step (the\n"
"convention of scripts/bench: comparable with an epoch's figure, although\n"
"training, like this step, skips the first layer's input gradient).  Each row\n"
"is the median of R interleaved samples; min and max are the slowest and the\n"
"fastest.\n"
"\n"
"  --batch B         samples per step, 1..%d\n"
"  --layers LIST     layer sizes: inputs, hidden widths, outputs (2..%d of\n"
"                    them, each 1..%d), e.g. 784,256,256,256,256,256,256,10\n"
"  --repeats R       timed samples per row, 1..%d (default %d)\n"
"  --threads T       BLAS threads, 1..%d (default: OPENBLAS_NUM_THREADS, or\n"
"                    every core)\n"
"  -h, --help        this text\n"
"Long options are spelled in full; an option with a value is given once.\n"
"\n"
"Example:\n"
"  actbench bench-gemm --batch 256 --layers 784,1024,1024,1024,1024,1024,1024,10\n"
"\n"
"Exit status: 0 ok, 1 runtime failure, 2 usage error.\n",
            NET_MAX_WIDTH, BENCH_GEMM_MAX_SIZES, NET_MAX_WIDTH, GEMM_MAX_REPEATS,
            GEMM_DEF_REPEATS, GEMM_MAX_THREADS);
}

/* "784,256,10" into o->sizes. */
static ab_status gemm_parse_layers(gemm_opts *o, const char *s, ab_err *err)
{
    o->n_sizes = 0;
    char buf[64];
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0 || len >= sizeof buf)
            return ab_fail(err, AB_EUSAGE, "--layers: '%s' is not a comma list of sizes, "
                           "e.g. 784,256,10", s);
        if (o->n_sizes == BENCH_GEMM_MAX_SIZES)
            return ab_fail(err, AB_EUSAGE, "--layers: more than %d sizes",
                           BENCH_GEMM_MAX_SIZES);
        memcpy(buf, p, len);
        buf[len] = '\0';
        long v;
        ab_status st = cli_parse_long(&v, "--layers", buf, 1, NET_MAX_WIDTH, err);
        if (st != AB_OK)
            return st;
        o->sizes[o->n_sizes++] = (int)v;
        if (!comma)
            break;
        p = comma + 1;
    }
    if (o->n_sizes < 2)
        return ab_fail(err, AB_EUSAGE, "--layers: '%s' has one size; give at least the "
                       "inputs and the outputs", s);
    return AB_OK;
}

static ab_status gemm_parse(gemm_opts *o, int argc, char **argv, ab_err *err)
{
    memset(o, 0, sizeof *o);
    o->repeats = GEMM_DEF_REPEATS;
    opterr = 0;
    optind = 1;
    int c, idx;
    ab_status st = AB_OK;
    long v;
    cli_given given = {0};
    while (st == AB_OK &&
           (idx = -1, c = getopt_long(argc, argv, "+:h", gemm_long_opts, &idx)) != -1) {
        if (c != ':' && c != '?' &&
            (st = cli_check_option(&given, gemm_long_opts, c, idx, argv, err)) != AB_OK)
            break;
        switch (c) {
        case G_BATCH:
            st = cli_parse_long(&v, "--batch", optarg, 1, NET_MAX_WIDTH, err);
            o->batch = (int)v;
            break;
        case G_LAYERS: st = gemm_parse_layers(o, optarg, err); break;
        case G_REPEATS:
            st = cli_parse_long(&v, "--repeats", optarg, 1, GEMM_MAX_REPEATS, err);
            o->repeats = (int)v;
            break;
        case G_THREADS:
            st = cli_parse_long(&v, "--threads", optarg, 1, GEMM_MAX_THREADS, err);
            o->threads = (int)v;
            break;
        case 'h': o->help = true; break;
        case ':':
            st = ab_fail(err, AB_EUSAGE, "%s: needs a value (see actbench bench-gemm --help)",
                         argv[optind - 1]);
            break;
        default:
            st = ab_fail(err, AB_EUSAGE, "bench-gemm: unknown option '%s' (see actbench "
                         "bench-gemm --help)", argv[optind - 1]);
        }
    }
    if (st == AB_OK && optind < argc)
        st = ab_fail(err, AB_EUSAGE, "bench-gemm: unexpected argument '%s' (see actbench "
                     "bench-gemm --help)", argv[optind]);
    if (st == AB_OK && !o->help && (o->batch == 0 || o->n_sizes == 0))
        st = ab_fail(err, AB_EUSAGE, "bench-gemm: --batch and --layers are both needed (see "
                     "actbench bench-gemm --help)");
    return st;
}

static void gemm_print(const bench_gemm_row *rows, const gemm_opts *o)
{
    char machine[256];
    sys_machine(machine, sizeof machine);
    printf("machine: %s\nblas: %s, %d thread%s\nnetwork: batch %d, layers ", machine,
           gemm_library(), gemm_threads(), gemm_threads() == 1 ? "" : "s", o->batch);
    for (int i = 0; i < o->n_sizes; i++)
        printf("%s%d", i ? "," : "", o->sizes[i]);
    printf("\n%-12s %6s %6s %6s %6s %7s %10s %9s %9s %9s\n", "product", "M", "N", "K", "gemms",
           "calls", "us/call", "GFLOP/s", "min", "max");
    for (int k = 0; k < BENCH_GEMM_ROWS; k++) {
        const bench_gemm_row *r = &rows[k];
        if (r->m)
            printf("%-12s %6d %6d %6d", r->name, r->m, r->n, r->k);
        else
            printf("%-12s %6s %6s %6s", r->name, "-", "-", "-");
        printf(" %6d %7ld %10.2f %9.2f %9.2f %9.2f\n", r->gemms, r->calls, 1e6 * r->seconds,
               r->gflops, r->gflops_min, r->gflops_max);
    }
}

int cmd_bench_gemm(int argc, char **argv)
{
    gemm_opts o;
    ab_err err = {{0}};
    bench_gemm_row rows[BENCH_GEMM_ROWS];
    ab_status st = gemm_parse(&o, argc, argv, &err);
    if (st == AB_OK && o.help) {
        gemm_usage(stdout);
        return 0;
    }
    int env_threads;
    /* without --threads OpenBLAS reads OPENBLAS_NUM_THREADS itself: refuse
     * what it would ignore or clamp */
    if (st == AB_OK && !o.threads)
        st = par_default_threads(&env_threads, NULL, GEMM_MAX_THREADS, &err);
    if (st == AB_OK && o.threads)
        gemm_set_threads(o.threads);
    if (st == AB_OK)
        st = bench_gemm_measure(rows, o.batch, o.sizes, o.n_sizes, o.repeats, &err);
    if (st == AB_OK)
        gemm_print(rows, &o);
    else
        fprintf(stderr, "actbench: %s\n", err.msg);
    return (int)st;
}
