/* bench_acts.c - `actbench bench-acts`'s measurement: times f and f' of each
 * activation in nanoseconds per element (bench_acts.h), and writes the CSV
 * and the figure.  The command line is cmd_bench.c. */
#include "bench_acts.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "afile.h"
#include "out.h"
#include "plot.h"
#include "rng.h"

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

/* AB_EUSAGE (AB_ERUNTIME for a size no memory holds) naming the first of
 * bench_acts_measure's arguments out of range, else AB_OK. */
static ab_status check_args(const bench_act_row *rows, const act_spec *acts, int n_acts,
                            size_t n, int repeats, ab_err *err)
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
    return AB_OK;
}

/* Times f and f' of every activation over z (n) into y and d, repeats times:
 * t_fwd, t_der, t_tot (ns per element) of activation a's repeat rep at
 * a * repeats + rep. */
static void time_acts(double *t_fwd, double *t_der, double *t_tot, const act_spec *acts,
                      int n_acts, const float *z, float *y, float *d, size_t n, int repeats)
{
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
}

/* rows[0..n_acts) from time_acts's samples (which it sorts). */
static void summarise(bench_act_row *rows, const act_spec *acts, int n_acts, double *t_fwd,
                      double *t_der, double *t_tot, int repeats)
{
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
}

ab_status bench_acts_measure(bench_act_row *rows, const act_spec *acts, int n_acts, size_t n,
                             int repeats, ab_err *err)
{
    ab_status st = check_args(rows, acts, n_acts, n, repeats, err);
    if (st != AB_OK)
        return st;
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
    rng_state r;
    rng_seed(&r, BENCH_SEED);
    for (size_t i = 0; i < n; i++)
        z[i] = (float)(BENCH_Z_STD * rng_normal(&r));
    time_acts(t, t + n_t, t + 2 * n_t, acts, n_acts, z, y, d, n, repeats);
    summarise(rows, acts, n_acts, t, t + n_t, t + 2 * n_t, repeats);
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

void bench_acts_order(int *order, const bench_act_row *rows, int n)
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
        st = ab_fail(err, AB_ERUNTIME, "out of memory: figure " BENCH_ACTS_FIG);
        goto done;
    }
    double *x = v, *y = v + n_acts, *lo = v + 2 * n_acts, *hi = v + 3 * n_acts;
    bench_acts_order(order, rows, n_acts);
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
    plot_figure fig = {.name = BENCH_ACTS_FIG,
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
        st = plot_render(dir, BENCH_ACTS_FIG, err);
    return st;
}
