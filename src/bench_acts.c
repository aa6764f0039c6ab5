/* bench_acts.c - `actbench bench-acts`: times f and f' of each activation in
 * nanoseconds per element (bench_acts.h), writes the CSV and the figure, and
 * is the subcommand's command line. */
#include "bench_acts.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "afile.h"
#include "cli.h"
#include "out.h"
#include "plot.h"
#include "rng.h"
#include "stage.h"
#include "setting.h"
#include "sys.h"

#define FIG_NAME "bench_acts"
#define CSV_NAME "bench_acts.csv"

/* ---- measuring ---------------------------------------------------------- */

/* Every pass's outputs are read into this, so that no optimiser (LTO
 * included) can find the work dead and drop it. */
static volatile float bench_sink;

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Reads a strided sample of y and d (outside the timed region: the stride
 * keeps it cheap) plus their last elements. */
static void consume(const float *y, const float *d, size_t n)
{
    float sum = y[n - 1] + d[n - 1];
    for (size_t i = 0; i < n; i += 4093)
        sum += y[i] + d[i];
    bench_sink = bench_sink + sum;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n), n >= 1; sorts v. */
static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

ab_status bench_acts_measure(bench_act_row *rows, const act_spec *acts, int n_acts, size_t n,
                             int repeats, ab_err *err)
{
    if (!rows || !acts || n_acts < 1)
        return ab_fail(err, AB_EUSAGE, "bench-acts: no activations to measure");
    if (n < 1)
        return ab_fail(err, AB_EUSAGE, "bench-acts: 0 elements (accepted: at least 1)");
    if (repeats < 1)
        return ab_fail(err, AB_EUSAGE, "bench-acts: %d repeats (accepted: at least 1)", repeats);
    for (int a = 0; a < n_acts; a++)
        if (!acts[a].info)
            return ab_fail(err, AB_EUSAGE, "bench-acts: activation %d is not set", a + 1);
    if (n > SIZE_MAX / (3 * sizeof(float)))
        return ab_fail(err, AB_ERUNTIME, "bench-acts: %zu elements do not fit in memory", n);

    ab_status st = AB_OK;
    float *z = malloc(n * sizeof *z);
    float *y = malloc(n * sizeof *y);
    float *d = malloc(n * sizeof *d);
    /* per activation and repeat: forward, derivative, total (ns per element) */
    size_t n_t = (size_t)n_acts * (size_t)repeats;
    double *t = malloc(3 * n_t * sizeof *t);
    if (!z || !y || !d || !t) {
        st = ab_fail(err, AB_ERUNTIME, "out of memory: bench-acts buffers of %zu elements (%.1f "
                     "MiB)", n, 3.0 * (double)n * sizeof(float) / 1048576.0);
        goto done;
    }
    double *t_fwd = t, *t_der = t + n_t, *t_tot = t + 2 * n_t;

    rng_state r;
    rng_seed(&r, BENCH_SEED);
    for (size_t i = 0; i < n; i++)
        z[i] = (float)(BENCH_Z_STD * rng_normal(&r));

    /* warm-up: code and buffers in, pages of y and d faulted in */
    for (int a = 0; a < n_acts; a++) {
        acts[a].info->f(y, z, n, acts[a].p);
        acts[a].info->df(d, z, y, n, acts[a].p);
        consume(y, d, n);
    }

    for (int rep = 0; rep < repeats; rep++) {
        for (int k = 0; k < n_acts; k++) {
            int a = (k + rep) % n_acts;
            const act_spec *s = &acts[a];
            int64_t t0 = now_ns();
            s->info->f(y, z, n, s->p);
            int64_t t1 = now_ns();
            s->info->df(d, z, y, n, s->p);
            int64_t t2 = now_ns();
            consume(y, d, n);
            size_t at = (size_t)a * (size_t)repeats + (size_t)rep;
            t_fwd[at] = (double)(t1 - t0) / (double)n;
            t_der[at] = (double)(t2 - t1) / (double)n;
            t_tot[at] = (double)(t2 - t0) / (double)n;
        }
    }

    int relu = -1;
    for (int a = 0; a < n_acts; a++) {
        bench_act_row *row = &rows[a];
        double *fw = t_fwd + (size_t)a * repeats, *de = t_der + (size_t)a * repeats,
               *to = t_tot + (size_t)a * repeats;
        row->act = acts[a];
        row->ns_forward = median(fw, repeats);
        row->ns_derivative = median(de, repeats);
        row->ns_total = median(to, repeats); /* sorts: min and max at the ends */
        row->ns_total_min = to[0];
        row->ns_total_max = to[repeats - 1];
        if (relu < 0 && strcmp(acts[a].info->name, "relu") == 0)
            relu = a;
    }
    for (int a = 0; a < n_acts; a++)
        rows[a].vs_relu = relu >= 0 ? rows[a].ns_total / rows[relu].ns_total : NAN;

done:
    free(z);
    free(y);
    free(d);
    free(t);
    return st;
}

/* ---- writing ------------------------------------------------------------ */

static ab_status write_csv(const char *dir, const bench_act_row *rows, int n_acts, size_t n,
                           int repeats, ab_err *err)
{
    afile a;
    ab_status st = afile_open_in(&a, dir, CSV_NAME, err);
    if (st != AB_OK)
        return st;
    fputs("act,ns_forward,ns_derivative,ns_total,ns_total_min,ns_total_max,vs_relu,elements,"
          "repeats\n",
          a.f);
    for (int i = 0; i < n_acts; i++) {
        const bench_act_row *r = &rows[i];
        /* labels are name[:p1[:p2]] with %g numbers: never a comma or quote */
        fprintf(a.f, "%s", r->act.label);
        const double v[] = {r->ns_forward,   r->ns_derivative, r->ns_total,
                            r->ns_total_min, r->ns_total_max,  r->vs_relu};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            fputc(',', a.f);
            out_num(a.f, v[k]);
        }
        fprintf(a.f, ",%zu,%d\n", n, repeats);
    }
    return afile_commit(&a, err);
}

/* order[0..n) = row indices, cheapest ns_total first (NaN last, ties in
 * input order). */
static void sort_by_cost(int *order, const bench_act_row *rows, int n)
{
    for (int i = 0; i < n; i++) {
        int k = i;
        double c = rows[i].ns_total;
        while (k > 0) {
            double p = rows[order[k - 1]].ns_total;
            if (!(isnan(p) ? !isnan(c) : c < p))
                break;
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
}

static bool is_relu(const bench_act_row *r)
{
    return strcmp(r->act.info->name, "relu") == 0;
}

static ab_status write_plot(const char *dir, const bench_act_row *rows, int n_acts, size_t n,
                            int repeats, ab_err *err)
{
    ab_status st = AB_OK;
    int *order = malloc((size_t)n_acts * sizeof *order);
    const char **names = malloc((size_t)n_acts * sizeof *names);
    double *v = malloc(4 * (size_t)n_acts * sizeof *v);
    if (!order || !names || !v) {
        st = ab_fail(err, AB_ERUNTIME, "out of memory: figure " FIG_NAME);
        goto done;
    }
    double *x = v, *y = v + n_acts, *lo = v + 2 * n_acts, *hi = v + 3 * n_acts;
    sort_by_cost(order, rows, n_acts);
    int relu = -1; /* position of relu on the x axis */
    for (int i = 0; i < n_acts; i++) {
        const bench_act_row *r = &rows[order[i]];
        names[i] = r->act.label;
        x[i] = i + 1;
        y[i] = r->ns_total;
        lo[i] = r->ns_total_min;
        hi[i] = r->ns_total_max;
        if (relu < 0 && is_relu(r))
            relu = i;
    }

    char all_label[128], relu_label[128], ref_label[128], panel_title[256];
    snprintf(all_label, sizeof all_label,
             "median of %d repeats; bars: fastest to slowest repeat", repeats);
    snprintf(panel_title, sizeof panel_title,
             "%zu float32 elements, z ~ normal(0, 2^2), one thread", n);
    plot_series s[3] = {{0}};
    int n_series = 0;
    /* the others (all but a lone relu) */
    if (n_acts > (relu >= 0 ? 1 : 0))
        s[n_series++] = (plot_series){.label = all_label, .n = n_acts, .x = x, .y = y,
                                      .ylo = lo, .yhi = hi, .style = PLOT_POINTS, .colour = 1};
    double relu_y = NAN, ref_x[2] = {0.5, n_acts + 0.5}, ref_y[2];
    if (relu >= 0) {
        /* relu is drawn once, in its own colour, with a line at its cost */
        relu_y = y[relu];
        y[relu] = NAN;
        snprintf(relu_label, sizeof relu_label, "%s (the baseline)", names[relu]);
        snprintf(ref_label, sizeof ref_label, "relu's cost, %.3g ns per element", relu_y);
        s[n_series++] = (plot_series){.label = relu_label, .n = 1, .x = &x[relu], .y = &relu_y,
                                      .ylo = &lo[relu], .yhi = &hi[relu], .style = PLOT_POINTS,
                                      .colour = 4};
        ref_y[0] = ref_y[1] = relu_y;
        s[n_series++] = (plot_series){.label = ref_label, .n = 2, .x = ref_x, .y = ref_y,
                                      .style = PLOT_REFERENCE};
    }
    plot_panel panel = {.title = panel_title,
                        .xlabel = "activation (sorted by cost)",
                        .ylabel = "ns per element (f + f')",
                        /* costs span orders of magnitude; on a log axis the
                         * distance to relu's line reads as the ratio */
                        .logy = true,
                        .series = s,
                        .n_series = n_series};
    plot_figure fig = {.name = FIG_NAME,
                       .title = "Cost of f(z) + f'(z) for each activation, cheapest first",
                       .panels = &panel,
                       .n_panels = 1,
                       .cols = 1};
    plot_xnames xn = {.panel = 0, .names = names, .n = n_acts};
    st = plot_write_xnames(dir, &fig, &xn, 1, err);

done:
    free(order);
    free(names);
    free(v);
    return st;
}

ab_status bench_acts_write(const char *dir, const bench_act_row *rows, int n_acts, size_t n,
                           int repeats, bool render, ab_err *err)
{
    if (!dir || !*dir)
        return ab_fail(err, AB_EUSAGE, "bench-acts: no output folder given");
    if (!rows || n_acts < 1)
        return ab_fail(err, AB_EUSAGE, "bench-acts: no rows to write");
    char plots[4096];
    ab_status st = afile_path_join(plots, sizeof plots, dir, "plots", err);
    if (st == AB_OK)
        st = afile_make_dirs(dir, err);
    if (st == AB_OK)
        st = afile_make_dirs(plots, err);
    if (st == AB_OK)
        st = write_csv(dir, rows, n_acts, n, repeats, err);
    if (st == AB_OK)
        st = write_plot(dir, rows, n_acts, n, repeats, err);
    if (st == AB_OK && render)
        st = plot_render(dir, FIG_NAME, err);
    return st;
}

/* ---- the command line --------------------------------------------------- */

#define MAX_ACTS 64
/* --elements and --repeats are settings (setting.h), shared with the
 * experiment files' kind = bench-acts. */
#define ELEMENTS (&setting_table[SET_ELEMENTS])
#define REPEATS (&setting_table[SET_REPEATS])

typedef struct {
    act_spec acts[MAX_ACTS];
    int n_acts;
    long elements;
    int repeats;
    const char *out_dir; /* NULL = runs/bench-acts-<timestamp> */
    bool no_plot, quiet, help;
} bench_opts;

enum { OPT_ELEMENTS = 256, OPT_REPEATS, OPT_NO_PLOT };

static const struct option long_opts[] = {
    {"act", required_argument, NULL, 'a'},
    {"elements", required_argument, NULL, OPT_ELEMENTS},
    {"repeats", required_argument, NULL, OPT_REPEATS},
    {"out", required_argument, NULL, 'o'},
    {"no-plot", no_argument, NULL, OPT_NO_PLOT},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *f)
{
    fprintf(f,
"Usage: actbench bench-acts [OPTIONS]\n"
"\n"
"Times each activation's forward pass f(z) and derivative f'(z) -- the loops the\n"
"training runs use -- over one buffer of float32 pre-activations (z drawn once,\n"
"seeded, normal with std 2, so both sides of every kink are hit), on one thread.\n"
"Every repeat times all activations in turn, so drift hits them alike; the\n"
"median over repeats is reported in nanoseconds per element and as a multiple\n"
"of relu's cost.  Writes bench_acts.csv and plots/bench_acts.gp (and .png when\n"
"gnuplot is installed) and prints a table, cheapest first.\n"
"\n"
"  --act LIST        activations, comma separated; parameters after colons as\n"
"                    in the main command, e.g. leaky_relu:0.1 (default: all %d\n"
"                    in the registry with default parameters; rrelu in its\n"
"                    evaluation form, prelu at its initial slope)\n"
"  --elements N      %s, %ld..%ld (default %s)\n"
"  --repeats R       %s, %ld..%ld (default %s)\n"
"  -o, --out DIR     output folder (default runs/bench-acts-YYYYMMDD-HHMMSS)\n"
"  --no-plot         write the .gp script but do not run gnuplot\n"
"  -q, --quiet       print nothing but errors\n"
"  -h, --help        this text\n"
"\n"
"Examples:\n"
"  actbench bench-acts\n"
"  actbench bench-acts --act relu,sigmoid,tanh,elu,gelu --repeats 51\n"
"  actbench bench-acts --elements 10000 --out runs/bench-in-cache\n"
"\n"
"Timings depend on the machine, its load and its clock: compare the ratios of\n"
"one run, not nanoseconds across machines.\n"
"\n"
"Exit status: 0 ok, 1 runtime failure, 2 usage error.\n",
            act_count, ELEMENTS->help, ELEMENTS->min, ELEMENTS->max, ELEMENTS->def,
            REPEATS->help, REPEATS->min, REPEATS->max, REPEATS->def);
}

static ab_status parse_opts(bench_opts *o, int argc, char **argv, ab_err *err)
{
    memset(o, 0, sizeof *o);
    long v;
    ab_status st = cli_parse_setting_long(&o->elements, SET_ELEMENTS, ELEMENTS->def, err);
    if (st == AB_OK && (st = cli_parse_setting_long(&v, SET_REPEATS, REPEATS->def, err)) == AB_OK)
        o->repeats = (int)v;
    for (int i = 0; i < act_count && i < MAX_ACTS; i++)
        act_default(&o->acts[o->n_acts++], &act_registry[i]);
    opterr = 0;
    optind = 1;
    int c, idx = 0;
    /* "+:" stops at the first non-option and reports missing arguments as ':' */
    while (st == AB_OK && (c = getopt_long(argc, argv, "+:hqo:", long_opts, &idx)) != -1) {
        switch (c) {
        case 'a': st = cli_parse_acts(o->acts, &o->n_acts, MAX_ACTS, optarg, err); break;
        case OPT_ELEMENTS:
            st = cli_parse_setting_long(&o->elements, SET_ELEMENTS, optarg, err);
            break;
        case OPT_REPEATS:
            st = cli_parse_setting_long(&v, SET_REPEATS, optarg, err);
            if (st == AB_OK)
                o->repeats = (int)v;
            break;
        case 'o':
            if (optarg[0] == '\0')
                st = ab_fail(err, AB_EUSAGE, "--out: the folder name is empty");
            o->out_dir = optarg;
            break;
        case OPT_NO_PLOT: o->no_plot = true; break;
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

static void print_table(const bench_act_row *rows, int n_acts, size_t n, int repeats,
                        const char *dir)
{
    int order[MAX_ACTS];
    sort_by_cost(order, rows, n_acts);
    printf("%-16s %9s %9s %9s %9s %9s %8s\n", "act", "f", "f'", "f+f'", "min", "max",
           "x relu");
    for (int i = 0; i < n_acts; i++) {
        const bench_act_row *r = &rows[order[i]];
        printf("%-16s %9.3f %9.3f %9.3f %9.3f %9.3f ", r->act.label, r->ns_forward,
               r->ns_derivative, r->ns_total, r->ns_total_min, r->ns_total_max);
        if (isfinite(r->vs_relu))
            printf("%8.2f\n", r->vs_relu);
        else
            printf("%8s\n", "-");
    }
    printf("ns per element over %zu float32 elements, median of %d repeats (min, max: of "
           "f+f'),\ncheapest first; x relu = f+f' / relu's f+f'\nrun folder: %s\n",
           n, repeats, dir);
}

int bench_acts_main(int argc, char **argv)
{
    bench_opts o;
    ab_err err = {{0}};
    bench_act_row *rows = NULL;
    stage_dir stage = {0};
    ab_status st = parse_opts(&o, argc, argv, &err);
    if (st == AB_OK && o.help) {
        usage(stdout);
        return 0;
    }
    if (st == AB_OK) {
        double need = 3.0 * (double)o.elements * sizeof(float), have = sys_mem_available();
        if (need > 0.9 * have)
            st = ab_fail(&err, AB_EUSAGE, "--elements %ld: needs about %.1f GiB of memory, more "
                         "than the %.1f GiB available", o.elements, need / 1073741824.0,
                         have / 1073741824.0);
    }
    if (st == AB_OK && !(rows = calloc((size_t)o.n_acts, sizeof *rows)))
        st = ab_fail(&err, AB_ERUNTIME, "out of memory: bench-acts rows");
    if (st == AB_OK)
        st = o.out_dir ? stage_open(&stage, o.out_dir, &err)
                       : stage_open_new(&stage, "runs", "bench-acts", &err);
    if (st != AB_OK && o.out_dir)
        ab_context(&err, "--out");
    /* a note while it runs, only for a person watching */
    bool tty = st == AB_OK && !o.quiet && isatty(STDERR_FILENO);
    if (tty) {
        fprintf(stderr, "actbench: timing %d activation%s x %d repeats over %ld elements...",
                o.n_acts, o.n_acts == 1 ? "" : "s", o.repeats, o.elements);
        fflush(stderr);
    }
    if (st == AB_OK)
        st = bench_acts_measure(rows, o.acts, o.n_acts, (size_t)o.elements, o.repeats, &err);
    if (tty)
        fprintf(stderr, "\r\033[K");
    bool render = !o.no_plot && plot_have_gnuplot();
    if (st == AB_OK)
        st = bench_acts_write(stage.dir, rows, o.n_acts, (size_t)o.elements, o.repeats, render,
                              &err);
    if (st == AB_OK)
        st = stage_commit(&stage, &err);
    stage_abort(&stage);
    const char *dir = stage.dest;
    if (st == AB_OK && !o.quiet) {
        print_table(rows, o.n_acts, (size_t)o.elements, o.repeats, dir);
        if (!o.no_plot && !render)
            fprintf(stderr, "actbench: gnuplot not found: the plot script is %s/plots/"
                            FIG_NAME ".gp; render it with: cd %s && gnuplot plots/" FIG_NAME
                            ".gp\n", dir, dir);
    }
    free(rows);
    if (st != AB_OK)
        fprintf(stderr, "actbench: %s\n", err.msg);
    return (int)st;
}
