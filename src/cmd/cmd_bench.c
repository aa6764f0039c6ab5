/* cmd_bench.c - the `bench-acts`, `bench-gemm` and `bench-step` subcommands:
 * their options, usage texts and printed tables around bench_acts.c's,
 * bench_gemm.c's and bench_step.c's measurements. */
#include "cmd_bench.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_acts.h"
#include "bench_gemm.h"
#include "bench_peak.h"
#include "bench_step.h"
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

/* The training step's network: 2 -> width x ACTS_STEP_DEPTH -> 3, batch
 * ACTS_STEP_BATCH (the main command's defaults). */
#define ACTS_STEP_DEPTH 6
#define ACTS_STEP_BATCH 32
#define ACTS_STEP_MAX_WIDTHS 16
#define ACTS_STEP_WIDTHS "64,256,1024"
#define ACTS_STEP_REPEATS 7

typedef struct {
    act_spec acts[ACTS_MAX];
    int n_acts;
    long elements;
    int repeats;
    vm_backend maths[VM_BACKEND_COUNT];
    int n_maths;
    int widths[ACTS_STEP_MAX_WIDTHS]; /* training steps at these widths; none: n_widths 0 */
    int n_widths;
    int step_repeats;
    const char *out_dir; /* NULL = runs/bench-acts-<timestamp> */
    bool no_plot, quiet, help;
    unsigned formats;    /* --format (plot.h) */
    int twins;           /* each built-in's formula beside it (bench_twin_formula): 1
                            yes, 0 no, -1 when --act is not given */
} acts_opts;

enum { A_ELEMENTS = 256, A_REPEATS, A_NO_PLOT, A_MATH, A_STEP_WIDTHS, A_STEP_REPEATS, A_TWINS,
       A_FORMAT };

static const struct option acts_long_opts[] = {
    {"act", required_argument, NULL, 'a'},
    {"elements", required_argument, NULL, A_ELEMENTS},
    {"repeats", required_argument, NULL, A_REPEATS},
    {"math", required_argument, NULL, A_MATH},
    {"step-widths", required_argument, NULL, A_STEP_WIDTHS},
    {"step-repeats", required_argument, NULL, A_STEP_REPEATS},
    {"formulas", required_argument, NULL, A_TWINS},
    {"out", required_argument, NULL, 'o'},
    {"no-plot", no_argument, NULL, A_NO_PLOT},
    {"format", required_argument, NULL, A_FORMAT},
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
"  --formulas yes|no  time, beside each built-in that has one, the same function\n"
"                    written as a formula (relu beside relu.expr = expr:max(x,0),\n"
"                    silu beside silu.expr = expr:x*sigmoid(x), ...): the cost of\n"
"                    writing your own; adds bench_twins.csv (default: yes\n"
"                    without --act, no with it)\n"
"  -o, --out DIR     output folder (default runs/bench-acts-YYYYMMDD-HHMMSS)\n"
"  --no-plot         write the .gp script but do not run gnuplot\n"
"  --format LIST     png, pdf, svg or several, comma separated: what gnuplot\n"
"                    writes of each figure (default png)\n"
"  -q, --quiet       print nothing but errors\n"
"  -h, --help        this text\n"
"Long options are spelled in full; an option with a value is given once.\n"
"\n"
"Examples:\n"
"  actbench bench-acts\n"
"  actbench bench-acts --act relu,sigmoid,tanh,elu,gelu --repeats 51\n"
"  actbench bench-acts --elements 10000 --out runs/bench-in-cache\n"
"  actbench bench-acts --act relu,tanh,gelu --math sleef --step-widths none\n"
"  actbench bench-acts --act relu,silu,'mysilu=expr:x/(1+exp(-x))' --formulas no\n"
"\n"
"Timings depend on the machine, its load and its clock: compare the ratios of\n"
"one run, not nanoseconds across machines.\n"
"\n"
"Exit status: 0 ok, 1 runtime failure, 2 usage error.\n",
            ACTS_STEP_DEPTH, ACTS_STEP_BATCH, act_count, ACTS_ELEMENTS->help, ACTS_ELEMENTS->min,
            ACTS_ELEMENTS->max, ACTS_ELEMENTS->def, ACTS_REPEATS->help, ACTS_REPEATS->min,
            ACTS_REPEATS->max, ACTS_REPEATS->def, NET_MAX_WIDTH, ACTS_STEP_MAX_WIDTHS,
            ACTS_STEP_WIDTHS, ACTS_STEP_REPEATS);
}

/* A comma list of whole numbers in lo..hi ("784,256,10") into out (room for
 * max); *n their count.  AB_EUSAGE "OPT: ..." for an empty item, a bad
 * number or too many. */
static ab_status parse_int_list(int *out, int *n, int max, const char *opt, const char *s,
                                long lo, long hi, ab_err *err)
{
    *n = 0;
    char buf[64];
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0 || len >= sizeof buf)
            return ab_fail(err, AB_EUSAGE, "%s: '%s' is not a comma list of numbers, e.g. "
                           "64,256,10", opt, s);
        if (*n == max)
            return ab_fail(err, AB_EUSAGE, "%s: more than %d items", opt, max);
        memcpy(buf, p, len);
        buf[len] = '\0';
        long v;
        ab_status st = cli_parse_long(&v, opt, buf, lo, hi, err);
        if (st != AB_OK)
            return st;
        out[(*n)++] = (int)v;
        if (!comma)
            break;
        p = comma + 1;
    }
    return AB_OK;
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
    return parse_int_list(o->widths, &o->n_widths, ACTS_STEP_MAX_WIDTHS, "--step-widths", list,
                          1, NET_MAX_WIDTH, err);
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
        st = parse_widths(o, ACTS_STEP_WIDTHS, err);
    o->step_repeats = ACTS_STEP_REPEATS;
    o->twins = -1;
    o->formats = PLOT_PNG;
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
        case A_TWINS:
            if (!strcmp(optarg, "yes") || !strcmp(optarg, "no"))
                o->twins = optarg[0] == 'y' ? 1 : 0;
            else
                st = ab_fail(err, AB_EUSAGE, "--formulas: '%s' is not yes or no", optarg);
            break;
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
        case A_FORMAT: st = cli_parse_formats(&o->formats, optarg, err); break;
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
    /* the formula twins, after the activations given */
    if (o->twins < 0) {
        bool acts_given = false;
        for (int i = 0; i < given.n; i++)
            acts_given |= given.code[i] == 'a';
        o->twins = !acts_given;
    }
    for (int a = 0, n = o->n_acts; st == AB_OK && o->twins && a < n; a++) {
        const act_spec *b = &o->acts[a];
        const char *f = b->info->dyn ? NULL : bench_twin_formula(b->info->name);
        if (!f || strcmp(b->label, b->info->name) != 0)
            continue; /* none, or not at the defaults the formula is written for */
        if (o->n_acts == ACTS_MAX) {
            st = ab_fail(err, AB_EUSAGE, "--formulas yes: more than %d activations with the "
                         "formulas; give fewer or --formulas no", ACTS_MAX);
            break;
        }
        char spec[256];
        snprintf(spec, sizeof spec, "%s" BENCH_TWIN_SUFFIX "=expr:%s", b->info->name, f);
        st = act_parse(&o->acts[o->n_acts++], spec, err);
    }
    return st;
}

/* The formulas beside their built-ins: the cost ratios per element and
 * per step. */
static void twins_print(const bench_act_row *rows, int n_rows, const bench_act_step *steps,
                        int n_steps, const acts_opts *o)
{
    bool head = false;
    for (int i = 0; i < n_rows; i++) {
        int b = bench_twin_row(rows, n_rows, i);
        if (b < 0)
            continue;
        const bench_act_row *r = &rows[i];
        if (!head) {
            printf("\n%-16s %-6s %9s", "formula", "math", "x built-in");
            for (int w = 0; w < o->n_widths; w++)
                printf("   step@%-5d", o->widths[w]);
            printf("\n");
            head = true;
        }
        printf("%-16s %-6s %9.2f", r->act.label, vm_backend_name(r->math),
               r->ns_total / rows[b].ns_total);
        for (int s = 0; s < n_steps; s++) {
            int t = bench_twin_step(steps, n_steps, s);
            if (t >= 0 && steps[s].math == r->math && !strcmp(steps[s].act.label, r->act.label))
                printf("   %10.2f", steps[s].us / steps[t].us);
        }
        printf("\n");
    }
    if (head)
        printf("each formula (NAME.expr, bench_twins.csv) over its built-in: f+f' per element, "
               "and a whole\ntraining step at each width, with the same maths\n");
}

static void acts_print(const bench_act_row *rows, int n_rows, const bench_act_step *steps,
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
            const bench_act_step *r = &steps[i];
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
               ACTS_STEP_DEPTH, ACTS_STEP_BATCH, o->step_repeats);
    }
    twins_print(rows, n_rows, steps, n_steps, o);
    printf("run folder: %s\n", dir);
    free(order);
}

int cmd_bench_acts(int argc, char **argv)
{
    acts_opts o;
    ab_err err = {{0}};
    bench_act_row *rows = NULL;
    bench_act_step *steps = NULL;
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
                steps[i] = (bench_act_step){.act = o.acts[a], .math = o.maths[m],
                                            .width = o.widths[w], .depth = ACTS_STEP_DEPTH,
                                            .batch = ACTS_STEP_BATCH};
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
    plot_set_formats(o.formats);
    if (st == AB_OK)
        st = bench_acts_write(stage.dir, rows, n_rows, (size_t)o.elements, o.repeats, steps,
                              n_steps, o.step_repeats, render, &err);
    if (st == AB_OK)
        st = bench_twins_write(stage.dir, rows, n_rows, steps, n_steps, &err);
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
    bool peak, help;
} gemm_opts;

enum { G_BATCH = 256, G_LAYERS, G_REPEATS, G_THREADS, G_PEAK };

/* --peak: samples of this many seconds per instruction set */
#define GEMM_PEAK_SECONDS 0.2
#define GEMM_PEAK_REPEATS 5

static const struct option gemm_long_opts[] = {
    {"batch", required_argument, NULL, G_BATCH},
    {"layers", required_argument, NULL, G_LAYERS},
    {"repeats", required_argument, NULL, G_REPEATS},
    {"threads", required_argument, NULL, G_THREADS},
    {"peak", no_argument, NULL, G_PEAK},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void gemm_usage(FILE *f)
{
    fprintf(f,
"Usage: actbench bench-gemm --batch B --layers N0,N1,...,NL [OPTIONS]\n"
"       actbench bench-gemm --peak [--batch B --layers LIST] [OPTIONS]\n"
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
"  --peak            first the core's physical FP32 peak: loops of independent\n"
"                    fused multiply-adds, 8 wide (AVX2 + FMA) and 16 wide\n"
"                    (AVX-512F) where the CPU has them, on one thread, the\n"
"                    fastest of %d samples of %.1f s each; and the clock, from\n"
"                    dependent integer additions (1 cycle each), for FLOP per\n"
"                    cycle.  --batch and --layers are then optional\n"
"  -h, --help        this text\n"
"Long options are spelled in full; an option with a value is given once.\n"
"\n"
"Example:\n"
"  actbench bench-gemm --batch 256 --layers 784,1024,1024,1024,1024,1024,1024,10\n"
"\n"
"Exit status: 0 ok, 1 runtime failure, 2 usage error.\n",
            NET_MAX_WIDTH, BENCH_GEMM_MAX_SIZES, NET_MAX_WIDTH, GEMM_MAX_REPEATS,
            GEMM_DEF_REPEATS, GEMM_MAX_THREADS, GEMM_PEAK_REPEATS, GEMM_PEAK_SECONDS);
}

/* "784,256,10" into o->sizes. */
static ab_status gemm_parse_layers(gemm_opts *o, const char *s, ab_err *err)
{
    ab_status st = parse_int_list(o->sizes, &o->n_sizes, BENCH_GEMM_MAX_SIZES, "--layers", s, 1,
                                  NET_MAX_WIDTH, err);
    if (st == AB_OK && o->n_sizes < 2)
        return ab_fail(err, AB_EUSAGE, "--layers: '%s' has one size; give at least the "
                       "inputs and the outputs", s);
    return st;
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
        case G_PEAK: o->peak = true; break;
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
    if (st == AB_OK && !o->help && (o->batch == 0) != (o->n_sizes == 0))
        st = ab_fail(err, AB_EUSAGE, "bench-gemm: --batch and --layers go together (see "
                     "actbench bench-gemm --help)");
    if (st == AB_OK && !o->help && !o->peak && o->batch == 0)
        st = ab_fail(err, AB_EUSAGE, "bench-gemm: --batch and --layers are both needed, or "
                     "--peak (see actbench bench-gemm --help)");
    return st;
}

static void peak_print(const bench_peak *p)
{
    printf("peak: one core, independent FMA chains, the fastest of %d samples of %.1f s\n",
           GEMM_PEAK_REPEATS, GEMM_PEAK_SECONDS);
    printf("%-12s %6s %6s %10s %10s %10s\n", "isa", "lanes", "chains", "GFLOP/s", "median",
           "FLOP/cycle");
    for (int k = 0; k < BENCH_PEAK_ISAS; k++) {
        const bench_peak_row *r = &p->rows[k];
        if (r->supported)
            printf("%-12s %6d %6d %10.2f %10.2f %10.2f\n", r->isa, r->lanes, r->accumulators,
                   r->gflops, r->gflops_median, r->flop_per_cycle);
        else
            printf("%-12s %6d %6d %10s %10s %10s\n", r->isa, r->lanes, r->accumulators, "-",
                   "-", "-");
    }
    printf("clock: %.3f GHz (dependent integer additions, 1 cycle each)\n", p->ghz);
    if (p->best >= 0)
        printf("physical peak: %.2f GFLOP/s per core (%s)\n", p->rows[p->best].gflops,
               p->rows[p->best].isa);
    else
        printf("physical peak: not measured (no AVX2 + FMA on this CPU)\n");
}

static void gemm_print(const bench_gemm_row *rows, const gemm_opts *o)
{
    printf("network: batch %d, layers ", o->batch);
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
    bench_peak peak;
    if (st == AB_OK && o.peak)
        st = bench_peak_measure(&peak, GEMM_PEAK_SECONDS, GEMM_PEAK_REPEATS, &err);
    if (st == AB_OK && o.batch)
        st = bench_gemm_measure(rows, o.batch, o.sizes, o.n_sizes, o.repeats, &err);
    if (st == AB_OK) {
        char machine[256];
        sys_machine(machine, sizeof machine);
        printf("machine: %s\nblas: %s, %d thread%s\n", machine, gemm_library(), gemm_threads(),
               gemm_threads() == 1 ? "" : "s");
        if (o.peak)
            peak_print(&peak);
        if (o.batch)
            gemm_print(rows, &o);
    } else {
        fprintf(stderr, "actbench: %s\n", err.msg);
    }
    return (int)st;
}

/* ---- bench-step ---------------------------------------------------------- */

#define STEP_DEF_ACTS "relu,leaky_relu,sigmoid,tanh,gelu,mish"
#define STEP_DEF_WIDTHS "64,256,1024"
#define STEP_DEF_DEPTH 6
#define STEP_DEF_BATCH 32
#define STEP_DEF_INPUTS 2
#define STEP_DEF_OUTPUTS 3
#define STEP_DEF_REPEATS 5
#define STEP_MAX_REPEATS 1000
/* the activations' columns of the table, per block */
#define STEP_COLS 6

typedef struct {
    act_spec acts[BENCH_STEP_MAX_ACTS];
    int n_acts;
    int widths[BENCH_STEP_MAX_WIDTHS];
    int n_widths;
    bench_step_config c;
    int threads;
    bool csv, help;
} step_opts;

enum { S_ACT = 256, S_WIDTH, S_DEPTH, S_BATCH, S_INPUTS, S_OUTPUTS, S_OPTIMIZER, S_REPEATS,
       S_THREADS, S_CSV };

static const struct option step_long_opts[] = {
    {"act", required_argument, NULL, S_ACT},
    {"width", required_argument, NULL, S_WIDTH},
    {"depth", required_argument, NULL, S_DEPTH},
    {"batch", required_argument, NULL, S_BATCH},
    {"inputs", required_argument, NULL, S_INPUTS},
    {"outputs", required_argument, NULL, S_OUTPUTS},
    {"optimizer", required_argument, NULL, S_OPTIMIZER},
    {"repeats", required_argument, NULL, S_REPEATS},
    {"threads", required_argument, NULL, S_THREADS},
    {"csv", no_argument, NULL, S_CSV},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void step_usage(FILE *f)
{
    fprintf(f,
"Usage: actbench bench-step [OPTIONS]\n"
"\n"
"Where a training step's time goes.  Times the step training takes (forward,\n"
"loss, backward, update: the very function every epoch calls) of networks\n"
"INPUTS -> WIDTH x DEPTH -> OUTPUTS (softmax + cross-entropy, Xavier weights,\n"
"seeded normal inputs and uniform labels), once as training runs it and once\n"
"with a clock between its phases:\n"
"  gather      the minibatch's rows copied out of the data set\n"
"  fwd_gemm    z = a W^T             bias_add   z += b\n"
"  act_f       h = f(y) (and f'(y) where one pass computes both)\n"
"  act_df      f'(y), for the backward\n"
"  loss        softmax, the loss and its gradient at the outputs\n"
"  grad_mul    dL/dy = dL/dh f'(y)\n"
"  wgrad_gemm  dW = dz^T a           bias_grad  db = column sums of dz\n"
"  igrad_gemm  da = dz W\n"
"  optim       the optimiser's pass (clearing the gradients with it)\n"
"  other       batch norm, skips, rrelu's draws, prelu's slope\n"
"Each figure is the median of R samples (each from the same weights, long\n"
"enough to dwarf the clock), every network's samples interleaved with the\n"
"others' so that drift hits all alike.  'step' is the step without the clock;\n"
"the phases' sum, 'clocked', is what the percentages are of (the clock's own\n"
"cost is their difference).  GFLOP/s count 6 B sum(in x out) per step, as\n"
"scripts/bench does.\n"
"\n"
"  --act LIST        activations, comma separated, parameters after colons\n"
"                    (default %s)\n"
"  --width LIST      hidden widths, comma separated, each 1..%d\n"
"                    (default %s)\n"
"  --depth N         hidden layers, 1..%d (default %d)\n"
"  --batch N         samples per step, 1..%d (default %d)\n"
"  --inputs N        input features, 1..%d (default %d)\n"
"  --outputs N       classes, 1..%d (default %d)\n"
"  --optimizer NAME  sgd, momentum or adam, with its default learning rate\n"
"                    (default sgd)\n"
"  --repeats R       timed samples per network, 1..%d (default %d)\n"
"  --threads T       BLAS threads, 1..%d (default 1: the breakdown of one\n"
"                    core's work; OPENBLAS_NUM_THREADS is not read)\n"
"  --csv             print CSV instead of the table: act,width,depth,batch,\n"
"                    inputs,outputs,optimizer,threads,phase,us_per_step,\n"
"                    pct_of_step, a row per phase, then 'clocked' (their sum,\n"
"                    100) and 'step' (the step without the clock)\n"
"  -h, --help        this text\n"
"Long options are spelled in full; an option with a value is given once.\n"
"\n"
"Example:\n"
"  actbench bench-step --act relu,tanh --width 64,1024 --repeats 7\n"
"\n"
"Exit status: 0 ok, 1 runtime failure, 2 usage error.\n",
            STEP_DEF_ACTS, NET_MAX_WIDTH, STEP_DEF_WIDTHS, NET_MAX_DEPTH, STEP_DEF_DEPTH,
            NET_MAX_WIDTH, STEP_DEF_BATCH, NET_MAX_WIDTH, STEP_DEF_INPUTS, NET_MAX_WIDTH,
            STEP_DEF_OUTPUTS, STEP_MAX_REPEATS, STEP_DEF_REPEATS, GEMM_MAX_THREADS);
}

static ab_status step_parse(step_opts *o, int argc, char **argv, ab_err *err)
{
    memset(o, 0, sizeof *o);
    o->c = (bench_step_config){.n_in = STEP_DEF_INPUTS, .n_out = STEP_DEF_OUTPUTS,
                               .depth = STEP_DEF_DEPTH, .batch = STEP_DEF_BATCH,
                               .opt = OPT_SGD, .repeats = STEP_DEF_REPEATS};
    o->threads = 1;
    ab_status st = cli_parse_acts(o->acts, &o->n_acts, BENCH_STEP_MAX_ACTS, STEP_DEF_ACTS, err);
    if (st == AB_OK)
        st = parse_int_list(o->widths, &o->n_widths, BENCH_STEP_MAX_WIDTHS, "--width",
                            STEP_DEF_WIDTHS, 1, NET_MAX_WIDTH, err);
    opterr = 0;
    optind = 1;
    int c, idx;
    long v = 0;
    cli_given given = {0};
    while (st == AB_OK &&
           (idx = -1, c = getopt_long(argc, argv, "+:h", step_long_opts, &idx)) != -1) {
        if (c != ':' && c != '?' &&
            (st = cli_check_option(&given, step_long_opts, c, idx, argv, err)) != AB_OK)
            break;
        switch (c) {
        case S_ACT: st = cli_parse_acts(o->acts, &o->n_acts, BENCH_STEP_MAX_ACTS, optarg, err);
            break;
        case S_WIDTH:
            st = parse_int_list(o->widths, &o->n_widths, BENCH_STEP_MAX_WIDTHS, "--width",
                                optarg, 1, NET_MAX_WIDTH, err);
            break;
        case S_DEPTH:
            st = cli_parse_long(&v, "--depth", optarg, 1, NET_MAX_DEPTH, err);
            o->c.depth = (int)v;
            break;
        case S_BATCH:
            st = cli_parse_long(&v, "--batch", optarg, 1, NET_MAX_WIDTH, err);
            o->c.batch = (int)v;
            break;
        case S_INPUTS:
            st = cli_parse_long(&v, "--inputs", optarg, 1, NET_MAX_WIDTH, err);
            o->c.n_in = (int)v;
            break;
        case S_OUTPUTS:
            st = cli_parse_long(&v, "--outputs", optarg, 1, NET_MAX_WIDTH, err);
            o->c.n_out = (int)v;
            break;
        case S_OPTIMIZER: {
            const name_row *r = names_find(optim_names, optarg, NULL);
            if (!r)
                st = names_unknown(err, optim_names, "optimizer", optarg);
            else
                o->c.opt = (opt_kind)r->value;
            if (st != AB_OK)
                ab_context(err, "--optimizer");
            break;
        }
        case S_REPEATS:
            st = cli_parse_long(&v, "--repeats", optarg, 1, STEP_MAX_REPEATS, err);
            o->c.repeats = (int)v;
            break;
        case S_THREADS:
            st = cli_parse_long(&v, "--threads", optarg, 1, GEMM_MAX_THREADS, err);
            o->threads = (int)v;
            break;
        case S_CSV: o->csv = true; break;
        case 'h': o->help = true; break;
        case ':':
            st = ab_fail(err, AB_EUSAGE, "%s: needs a value (see actbench bench-step --help)",
                         argv[optind - 1]);
            break;
        default:
            st = ab_fail(err, AB_EUSAGE, "bench-step: unknown option '%s' (see actbench "
                         "bench-step --help)", argv[optind - 1]);
        }
    }
    if (st == AB_OK && optind < argc)
        st = ab_fail(err, AB_EUSAGE, "bench-step: unexpected argument '%s' (see actbench "
                     "bench-step --help)", argv[optind]);
    return st;
}

static void step_print_csv(const bench_step_row *rows, int n_rows, const step_opts *o)
{
    printf("act,width,depth,batch,inputs,outputs,optimizer,threads,phase,us_per_step,"
           "pct_of_step\n");
    for (int k = 0; k < n_rows; k++) {
        const bench_step_row *r = &rows[k];
        char head[256];
        snprintf(head, sizeof head, "%s,%d,%d,%d,%d,%d,%s,%d", r->act.label, r->width,
                 o->c.depth, o->c.batch, o->c.n_in, o->c.n_out, optim_name(o->c.opt),
                 gemm_threads());
        for (int p = 0; p < PHASE_COUNT; p++)
            printf("%s,%s,%.4f,%.2f\n", head, phase_names[p], r->phase_us[p],
                   100.0 * r->phase_us[p] / r->total_us);
        printf("%s,clocked,%.4f,100.00\n", head, r->total_us);
        printf("%s,step,%.4f,%.2f\n", head, r->step_us, 100.0 * r->step_us / r->total_us);
    }
}

/* One block of the table: the networks of width rows[*].width, activations
 * first..first+n as columns. */
static void step_print_block(const bench_step_row *rows, int stride, int first, int n)
{
    printf("%-12s", "phase");
    for (int a = first; a < first + n; a++)
        printf(" %18s", rows[(size_t)a * stride].act.label);
    printf("\n");
    for (int p = 0; p < PHASE_COUNT; p++) {
        printf("%-12s", phase_names[p]);
        for (int a = first; a < first + n; a++) {
            const bench_step_row *r = &rows[(size_t)a * stride];
            printf(" %10.2f (%4.1f%%)", r->phase_us[p], 100.0 * r->phase_us[p] / r->total_us);
        }
        printf("\n");
    }
    static const char *const tail[] = {"clocked", "step", "  min", "  max", "GFLOP/s", "gemm %"};
    for (int t = 0; t < 6; t++) {
        printf("%-12s", tail[t]);
        for (int a = first; a < first + n; a++) {
            const bench_step_row *r = &rows[(size_t)a * stride];
            const double *ph = r->phase_us;
            double v[] = {r->total_us, r->step_us, r->step_min_us, r->step_max_us,
                          r->flops / r->step_us / 1e3,
                          100.0 * (ph[PHASE_FWD_GEMM] + ph[PHASE_WGRAD_GEMM] +
                                   ph[PHASE_IGRAD_GEMM]) / r->total_us};
            printf(" %18.2f", v[t]);
        }
        printf("\n");
    }
}

static void step_print(const bench_step_row *rows, const step_opts *o)
{
    char machine[256];
    sys_machine(machine, sizeof machine);
    printf("machine: %s\nblas: %s, %d thread%s\n", machine, gemm_library(), gemm_threads(),
           gemm_threads() == 1 ? "" : "s");
    for (int w = 0; w < o->n_widths; w++) {
        printf("\nnetwork %d -> %d x %d -> %d, batch %d, %s: us per step (%% of the clocked "
               "step), median of %d\n", o->c.n_in, o->widths[w], o->c.depth, o->c.n_out,
               o->c.batch, optim_name(o->c.opt), o->c.repeats);
        for (int first = 0; first < o->n_acts; first += STEP_COLS) {
            int n = o->n_acts - first < STEP_COLS ? o->n_acts - first : STEP_COLS;
            step_print_block(rows + w, o->n_widths, first, n);
        }
    }
    printf("\nclocked = the sum of the phases; step = the step without the clock (min, max: "
           "its fastest\nand slowest sample); GFLOP/s = 6 B sum(in x out) / step; gemm %% = "
           "the three products'\nshare of the clocked step\n");
}

int cmd_bench_step(int argc, char **argv)
{
    step_opts o;
    ab_err err = {{0}};
    bench_step_row *rows = NULL;
    ab_status st = step_parse(&o, argc, argv, &err);
    if (st == AB_OK && o.help) {
        step_usage(stdout);
        return 0;
    }
    if (st == AB_OK) {
        gemm_set_threads(o.threads);
        if (!(rows = calloc((size_t)o.n_acts * (size_t)o.n_widths, sizeof *rows)))
            st = ab_fail(&err, AB_ERUNTIME, "out of memory: bench-step rows");
    }
    if (st == AB_OK)
        st = bench_step_measure(rows, &o.c, o.acts, o.n_acts, o.widths, o.n_widths, &err);
    if (st == AB_OK && o.csv)
        step_print_csv(rows, o.n_acts * o.n_widths, &o);
    else if (st == AB_OK)
        step_print(rows, &o);
    else
        fprintf(stderr, "actbench: %s\n", err.msg);
    free(rows);
    return (int)st;
}
