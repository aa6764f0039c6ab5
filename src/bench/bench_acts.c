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
#include "bench_step.h"
#include "gemm.h"
#include "net.h"
#include "out.h"
#include "plot.h"
#include "rng.h"
#include "stats.h"
#include "sys.h"

#define CSV_NAME "bench_acts.csv"
#define STEPS_CSV_NAME "bench_steps.csv"

/* ---- measuring ---------------------------------------------------------- */

/* Every pass's outputs are read into this, so that no optimiser (LTO
 * included) can find the work dead and drop it. */
static volatile float bench_sink;

/* Reads a strided sample of y and d (outside the timed region: the stride
 * keeps it cheap) plus their last elements. */
static void consume(const float *y, const float *d, size_t n)
{
    float sum = y[n - 1] + d[n - 1];
    for (size_t i = 0; i < n; i += 4093)
        sum += y[i] + d[i];
    bench_sink = bench_sink + sum;
}

/* AB_EUSAGE (AB_ERUNTIME for a size no memory holds) naming the first of
 * bench_acts_measure's arguments out of range, else AB_OK. */
static ab_status check_args(const bench_act_row *rows, int n_rows, size_t n, int repeats,
                            ab_err *err)
{
    if (!rows || n_rows < 1)
        return ab_fail(err, AB_EUSAGE, "bench-acts: no activations to measure");
    if (n < 1)
        return ab_fail(err, AB_EUSAGE, "bench-acts: 0 elements (accepted: at least 1)");
    if (repeats < 1)
        return ab_fail(err, AB_EUSAGE, "bench-acts: %d repeats (accepted: at least 1)", repeats);
    for (int a = 0; a < n_rows; a++) {
        if (!rows[a].act.info)
            return ab_fail(err, AB_EUSAGE, "bench-acts: activation %d is not set", a + 1);
        if ((unsigned)rows[a].math >= VM_BACKEND_COUNT)
            return ab_fail(err, AB_EUSAGE, "bench-acts: row %d has no maths back end", a + 1);
    }
    if (n > SIZE_MAX / (3 * sizeof(float)))
        return ab_fail(err, AB_ERUNTIME, "bench-acts: %zu elements do not fit in memory", n);
    return AB_OK;
}

/* Times f, f' and the two as training computes them for every row over z
 * (n) into y and d, repeats times: t_fwd, t_der, t_tot (ns per element) of
 * row a's repeat rep at a * repeats + rep. */
static void time_acts(double *t_fwd, double *t_der, double *t_tot, const bench_act_row *rows,
                      int n_rows, const float *z, float *y, float *d, size_t n, int repeats)
{
    vm_backend was = vm_backend_setting();
    /* warm-up: code and buffers in, pages of y and d faulted in */
    for (int a = 0; a < n_rows; a++) {
        const act_spec *s = &rows[a].act;
        vm_set_backend(rows[a].math);
        act_f_and_df(s->info, y, d, z, n, 1, s->p);
        consume(y, d, n);
    }

    for (int rep = 0; rep < repeats; rep++) {
        for (int k = 0; k < n_rows; k++) {
            int a = (k + rep) % n_rows;
            const act_spec *s = &rows[a].act;
            vm_set_backend(rows[a].math);
            double t0 = sys_now();
            act_f(s->info, y, z, n, 1, s->p);
            double t1 = sys_now();
            act_df(s->info, d, z, y, n, 1, s->p);
            double t2 = sys_now();
            consume(y, d, n);
            double t3 = sys_now();
            act_f_and_df(s->info, y, d, z, n, 1, s->p);
            double t4 = sys_now();
            consume(y, d, n);
            size_t at = (size_t)a * (size_t)repeats + (size_t)rep;
            t_fwd[at] = (t1 - t0) * 1e9 / (double)n;
            t_der[at] = (t2 - t1) * 1e9 / (double)n;
            t_tot[at] = (t4 - t3) * 1e9 / (double)n;
        }
    }
    vm_set_backend(was);
}

static bool is_relu_act(const act_spec *a)
{
    return strcmp(a->info->name, "relu") == 0;
}

/* rows[0..n_rows) from time_acts's samples (which it sorts). */
static void summarise(bench_act_row *rows, int n_rows, double *t_fwd, double *t_der,
                      double *t_tot, int repeats)
{
    for (int a = 0; a < n_rows; a++) {
        bench_act_row *row = &rows[a];
        double *fw = t_fwd + (size_t)a * repeats, *de = t_der + (size_t)a * repeats,
               *to = t_tot + (size_t)a * repeats;
        row->ns_forward = stats_median(fw, repeats);
        row->ns_derivative = stats_median(de, repeats);
        row->ns_total = stats_median(to, repeats); /* sorts: min and max at the ends */
        row->ns_total_min = to[0];
        row->ns_total_max = to[repeats - 1];
    }
    for (int a = 0; a < n_rows; a++) {
        rows[a].vs_relu = NAN;
        for (int b = 0; b < n_rows; b++)
            if (is_relu_act(&rows[b].act) && rows[b].math == rows[a].math) {
                rows[a].vs_relu = rows[a].ns_total / rows[b].ns_total;
                break;
            }
    }
}

ab_status bench_acts_measure(bench_act_row *rows, int n_rows, size_t n, int repeats,
                             ab_err *err)
{
    ab_status st = check_args(rows, n_rows, n, repeats, err);
    if (st != AB_OK)
        return st;
    float *z = malloc(n * sizeof *z);
    float *y = malloc(n * sizeof *y);
    float *d = malloc(n * sizeof *d);
    /* per row and repeat: forward, derivative, total (ns per element) */
    size_t n_t = (size_t)n_rows * (size_t)repeats;
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
    time_acts(t, t + n_t, t + 2 * n_t, rows, n_rows, z, y, d, n, repeats);
    summarise(rows, n_rows, t, t + n_t, t + 2 * n_t, repeats);
done:
    free(z);
    free(y);
    free(d);
    free(t);
    return st;
}

/* ---- whole training steps ---------------------------------------------- */

/* A timed sample of the step: short, as many networks are timed. */
#define STEP_SAMPLE 0.002

static ab_status check_step_args(const bench_act_step *rows, int n_rows, int repeats,
                                 ab_err *err)
{
    if (!rows || n_rows < 1)
        return ab_fail(err, AB_EUSAGE, "bench-acts: no training steps to measure");
    if (repeats < 1)
        return ab_fail(err, AB_EUSAGE, "bench-acts: %d step repeats (accepted: at least 1)",
                       repeats);
    for (int a = 0; a < n_rows; a++) {
        const bench_act_step *r = &rows[a];
        if (!r->act.info || (unsigned)r->math >= VM_BACKEND_COUNT)
            return ab_fail(err, AB_EUSAGE, "bench-acts: step row %d is not set", a + 1);
        if (r->width < 1 || r->width > NET_MAX_WIDTH || r->depth < 1 ||
            r->depth > NET_MAX_DEPTH || r->batch < 1 || r->batch > NET_MAX_WIDTH)
            return ab_fail(err, AB_EUSAGE, "bench-acts: step row %d: width %d, depth %d, batch "
                           "%d (accepted: 1..%d, 1..%d, 1..%d)", a + 1, r->width, r->depth,
                           r->batch, NET_MAX_WIDTH, NET_MAX_DEPTH, NET_MAX_WIDTH);
    }
    return AB_OK;
}

static bool same_net(const bench_act_step *a, const bench_act_step *b)
{
    return a->math == b->math && a->width == b->width && a->depth == b->depth &&
           a->batch == b->batch;
}

ab_status bench_acts_steps(bench_act_step *rows, int n_rows, int repeats, ab_err *err)
{
    ab_status st = check_step_args(rows, n_rows, repeats, err);
    if (st != AB_OK)
        return st;
    int *group = malloc((size_t)n_rows * sizeof *group);
    act_spec *acts = malloc((size_t)n_rows * sizeof *acts);
    bench_step_row *got = malloc((size_t)n_rows * sizeof *got);
    bool *done = calloc((size_t)n_rows, sizeof *done);
    if (!group || !acts || !got || !done)
        st = ab_fail(err, AB_ERUNTIME, "out of memory: bench-acts steps");
    /* one bench-step measurement per (math, network), on one BLAS thread */
    int threads = gemm_threads();
    gemm_set_threads(1);
    for (int a = 0; a < n_rows && st == AB_OK; a++) {
        if (done[a])
            continue;
        int n = 0;
        for (int b = a; b < n_rows; b++)
            if (!done[b] && same_net(&rows[a], &rows[b]))
                group[n] = b, acts[n++] = rows[b].act, done[b] = true;
        bench_step_config c = {.n_in = BENCH_STEP_IN, .n_out = BENCH_STEP_OUT,
                               .depth = rows[a].depth, .batch = rows[a].batch, .opt = OPT_SGD,
                               .repeats = repeats, .math = rows[a].math,
                               .sample = STEP_SAMPLE, .whole_only = true};
        st = bench_step_measure(got, &c, acts, n, &rows[a].width, 1, err);
        for (int k = 0; k < n && st == AB_OK; k++) {
            bench_act_step *r = &rows[group[k]];
            r->us = got[k].step_us;
            r->us_min = got[k].step_min_us;
            r->us_max = got[k].step_max_us;
            r->steps = got[k].steps;
        }
    }
    gemm_set_threads(threads);
    for (int a = 0; a < n_rows && st == AB_OK; a++) {
        rows[a].vs_relu = NAN;
        for (int b = 0; b < n_rows; b++)
            if (is_relu_act(&rows[b].act) && same_net(&rows[a], &rows[b])) {
                rows[a].vs_relu = rows[a].us / rows[b].us;
                break;
            }
    }
    free(group);
    free(acts);
    free(got);
    free(done);
    return st;
}

/* ---- writing ------------------------------------------------------------ */

static ab_status write_csv(const char *dir, const bench_act_row *rows, int n_rows, size_t n,
                           int repeats, ab_err *err)
{
    afile a;
    ab_status st = afile_open_in(&a, dir, CSV_NAME, err);
    if (st != AB_OK)
        return st;
    fputs("act,math,ns_forward,ns_derivative,ns_total,ns_total_min,ns_total_max,vs_relu,"
          "elements,repeats\n",
          a.f);
    for (int i = 0; i < n_rows; i++) {
        const bench_act_row *r = &rows[i];
        /* labels are name[:p1[:p2]] with %g numbers, or a formula's or
         * plugin's label (actx.h): never a comma or quote */
        fprintf(a.f, "%s,%s", r->act.label, vm_backend_name(r->math));
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

static ab_status write_steps_csv(const char *dir, const bench_act_step *rows, int n_rows,
                                 int repeats, ab_err *err)
{
    afile a;
    ab_status st = afile_open_in(&a, dir, STEPS_CSV_NAME, err);
    if (st != AB_OK)
        return st;
    fputs("act,math,width,depth,batch,us_per_step,us_min,us_max,vs_relu,steps,repeats\n", a.f);
    for (int i = 0; i < n_rows; i++) {
        const bench_act_step *r = &rows[i];
        fprintf(a.f, "%s,%s,%d,%d,%d", r->act.label, vm_backend_name(r->math), r->width,
                r->depth, r->batch);
        const double v[] = {r->us, r->us_min, r->us_max, r->vs_relu};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            fputc(',', a.f);
            out_num(a.f, v[k]);
        }
        fprintf(a.f, ",%ld,%d\n", r->steps, repeats);
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

/* The figures' x axis: the distinct activation labels of rows, in the
 * order of the first math's costs (cheapest first), then any label only the
 * other maths have.  names[0..*n) point into rows; returns the position of
 * label on it, or -1. */
static int axis_pos(const char *const *names, int n, const char *label)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], label) == 0)
            return i;
    return -1;
}

static void make_axis(const char **names, int *n, const bench_act_row *rows, int n_rows,
                      int *order)
{
    bench_acts_order(order, rows, n_rows);
    *n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < n_rows; i++) {
            const bench_act_row *r = &rows[order[i]];
            if ((pass == 0) != (r->math == rows[0].math))
                continue;
            if (axis_pos(names, *n, r->act.label) < 0)
                names[(*n)++] = r->act.label;
        }
}

/* The maths present in rows, in order of first appearance. */
static int row_maths(vm_backend *m, const vm_backend *of, int n, size_t stride)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        vm_backend b = *(const vm_backend *)((const char *)of + (size_t)i * stride);
        bool seen = false;
        for (int j = 0; j < k; j++)
            seen |= m[j] == b;
        if (!seen)
            m[k++] = b;
    }
    return k;
}

static const char *math_words(vm_backend m)
{
    return m == VM_LIBC ? "glibc's scalar exp, tanh, erf ..." : "SLEEF's vector exp, tanh, erf ...";
}

static ab_status write_plot(const char *dir, const bench_act_row *rows, int n_rows, size_t n,
                            int repeats, const char **names, int n_names, ab_err *err)
{
    ab_status st = AB_OK;
    vm_backend maths[VM_BACKEND_COUNT];
    int n_maths = row_maths(maths, &rows[0].math, n_rows, sizeof rows[0]);
    double *v = malloc(4 * (size_t)n_maths * (size_t)n_names * sizeof *v);
    if (!v)
        return ab_fail(err, AB_ERUNTIME, "out of memory: figure " BENCH_ACTS_FIG);
    char labels[VM_BACKEND_COUNT][160], relu_label[128], panel_title[256];
    plot_series s[VM_BACKEND_COUNT + 1] = {{0}};
    int n_series = 0;
    double relu_y = NAN, ref_x[2] = {0.5, n_names + 0.5}, ref_y[2];
    for (int m = 0; m < n_maths; m++) {
        double *x = v + (size_t)(4 * m) * n_names, *y = x + n_names, *lo = y + n_names,
               *hi = lo + n_names;
        for (int i = 0; i < n_names; i++)
            x[i] = i + 1, y[i] = lo[i] = hi[i] = NAN;
        for (int i = 0; i < n_rows; i++) {
            const bench_act_row *r = &rows[i];
            int at = axis_pos(names, n_names, r->act.label);
            if (r->math != maths[m] || at < 0)
                continue;
            y[at] = r->ns_total, lo[at] = r->ns_total_min, hi[at] = r->ns_total_max;
            if (m == 0 && isnan(relu_y) && is_relu_act(&r->act))
                relu_y = r->ns_total;
        }
        snprintf(labels[m], sizeof labels[m], "%s (median of %d; bars: fastest to slowest)",
                 math_words(maths[m]), repeats);
        s[n_series++] = (plot_series){.label = labels[m], .n = n_names, .x = x, .y = y,
                                      .ylo = lo, .yhi = hi, .style = PLOT_POINTS,
                                      .colour = m == 0 ? 1 : 2};
    }
    if (isfinite(relu_y)) {
        snprintf(relu_label, sizeof relu_label, "relu's cost, %.3g ns per element", relu_y);
        ref_y[0] = ref_y[1] = relu_y;
        s[n_series++] = (plot_series){.label = relu_label, .n = 2, .x = ref_x, .y = ref_y,
                                      .style = PLOT_REFERENCE};
    }
    snprintf(panel_title, sizeof panel_title,
             "%zu float32 elements, z ~ normal(0, 2^2), one thread", n);
    plot_panel panel = {.title = panel_title,
                        .xlabel = "activation (sorted by cost)",
                        .ylabel = "ns per element (f and f' as training computes them)",
                        /* costs span orders of magnitude; on a log axis the
                         * distance to relu's line reads as the ratio */
                        .logy = true,
                        .series = s,
                        .n_series = n_series};
    plot_figure fig = {.name = BENCH_ACTS_FIG,
                       .title = "Cost of f(z) and f'(z) for each activation, cheapest first",
                       .panels = &panel,
                       .n_panels = 1,
                       .cols = 1};
    plot_xnames xn = {.panel = 0, .names = names, .n = n_names};
    st = plot_write_xnames(dir, &fig, &xn, 1, err);
    free(v);
    return st;
}

/* One panel per width: each activation's step time over relu's. */
static ab_status write_steps_plot(const char *dir, const bench_act_step *rows, int n_rows,
                                  int repeats, const char **names, int n_names, ab_err *err)
{
    int widths[64], n_w = 0;
    for (int i = 0; i < n_rows; i++) {
        int k = 0;
        while (k < n_w && widths[k] != rows[i].width)
            k++;
        if (k == n_w) {
            if (n_w == (int)(sizeof widths / sizeof widths[0]))
                return ab_fail(err, AB_EUSAGE, "figure " BENCH_STEPS_FIG ": more than %d widths",
                               n_w);
            widths[n_w++] = rows[i].width;
        }
    }
    vm_backend maths[VM_BACKEND_COUNT];
    int n_maths = row_maths(maths, &rows[0].math, n_rows, sizeof rows[0]);
    size_t per = 2 * (size_t)n_names;
    double *v = malloc((size_t)n_w * (size_t)n_maths * per * sizeof *v);
    plot_series *s = calloc((size_t)n_w * (size_t)(n_maths + 1), sizeof *s);
    plot_panel *panels = calloc((size_t)n_w, sizeof *panels);
    plot_xnames *xn = calloc((size_t)n_w, sizeof *xn);
    char (*titles)[160] = calloc((size_t)n_w, sizeof *titles);
    char labels[VM_BACKEND_COUNT][128];
    static double one_x[2], one_y[2] = {1.0, 1.0};
    ab_status st = AB_OK;
    if (!v || !s || !panels || !xn || !titles) {
        st = ab_fail(err, AB_ERUNTIME, "out of memory: figure " BENCH_STEPS_FIG);
        goto done;
    }
    one_x[0] = 0.5, one_x[1] = n_names + 0.5;
    for (int m = 0; m < n_maths; m++)
        snprintf(labels[m], sizeof labels[m], "%s (median of %d)", math_words(maths[m]),
                 repeats);
    for (int w = 0; w < n_w; w++) {
        plot_series *ps = s + (size_t)w * (n_maths + 1);
        int depth = 0, batch = 0;
        for (int m = 0; m < n_maths; m++) {
            double *x = v + ((size_t)w * n_maths + m) * per, *y = x + n_names;
            for (int i = 0; i < n_names; i++)
                x[i] = i + 1, y[i] = NAN;
            for (int i = 0; i < n_rows; i++) {
                const bench_act_step *r = &rows[i];
                int at = axis_pos(names, n_names, r->act.label);
                if (r->width != widths[w] || r->math != maths[m] || at < 0)
                    continue;
                y[at] = r->vs_relu;
                depth = r->depth, batch = r->batch;
            }
            ps[m] = (plot_series){.label = labels[m], .n = n_names, .x = x,
                                  .y = y, .style = PLOT_POINTS, .colour = m == 0 ? 1 : 2};
        }
        ps[n_maths] = (plot_series){.label = "relu's step", .n = 2, .x = one_x,
                                    .y = one_y, .style = PLOT_REFERENCE};
        snprintf(titles[w], sizeof titles[w], "2 -> %d x %d -> 3, batch %d", widths[w], depth,
                 batch);
        panels[w] = (plot_panel){.title = titles[w],
                                 .xlabel = "activation (sorted by its cost per element)",
                                 .ylabel = "training step time / relu's",
                                 .logy = true,
                                 .series = ps,
                                 .n_series = n_maths + 1};
        xn[w] = (plot_xnames){.panel = w, .names = names, .n = n_names};
    }
    plot_figure fig = {.name = BENCH_STEPS_FIG,
                       .title = "A whole SGD training step (forward, loss, backward, update) "
                                "relative to relu's, one thread",
                       .panels = panels,
                       .n_panels = n_w,
                       .cols = n_w < 3 ? n_w : 3};
    st = plot_write_xnames(dir, &fig, xn, n_w, err);
done:
    free(v);
    free(s);
    free(panels);
    free(xn);
    free(titles);
    return st;
}

ab_status bench_acts_write(const char *dir, const bench_act_row *rows, int n_rows, size_t n,
                           int repeats, const bench_act_step *steps, int n_steps,
                           int step_repeats, bool render, ab_err *err)
{
    if (!dir || !*dir)
        return ab_fail(err, AB_EUSAGE, "bench-acts: no output folder given");
    if (!rows || n_rows < 1)
        return ab_fail(err, AB_EUSAGE, "bench-acts: no rows to write");
    if (n_steps > 0 && !steps)
        return ab_fail(err, AB_EUSAGE, "bench-acts: no step rows to write");
    char plots[4096];
    const char **names = malloc((size_t)(n_rows + n_steps) * sizeof *names);
    int *order = malloc((size_t)n_rows * sizeof *order);
    if (!names || !order) {
        free(names);
        free(order);
        return ab_fail(err, AB_ERUNTIME, "out of memory: bench-acts figures");
    }
    int n_names;
    make_axis(names, &n_names, rows, n_rows, order);
    for (int i = 0; i < n_steps; i++)
        if (axis_pos(names, n_names, steps[i].act.label) < 0)
            names[n_names++] = steps[i].act.label;
    ab_status st = afile_path_join(plots, sizeof plots, dir, "plots", err);
    if (st == AB_OK)
        st = afile_make_dirs(dir, err);
    if (st == AB_OK)
        st = afile_make_dirs(plots, err);
    if (st == AB_OK)
        st = write_csv(dir, rows, n_rows, n, repeats, err);
    if (st == AB_OK)
        st = write_plot(dir, rows, n_rows, n, repeats, names, n_names, err);
    if (st == AB_OK && n_steps > 0)
        st = write_steps_csv(dir, steps, n_steps, step_repeats, err);
    if (st == AB_OK && n_steps > 0)
        st = write_steps_plot(dir, steps, n_steps, step_repeats, names, n_names, err);
    const char *figs[] = {BENCH_ACTS_FIG, BENCH_STEPS_FIG};
    if (st == AB_OK && render)
        st = plot_render_all(dir, figs, n_steps > 0 ? 2 : 1, err);
    free(names);
    free(order);
    return st;
}

/* Each with PyTorch's defaults, spelled from the definition (sigmoid from
 * exp, softplus with PyTorch's threshold 20, selu with its constants). */
static const struct {
    const char *name, *formula;
} twins[] = {
    {"relu", "max(x,0)"},
    {"leaky_relu", "x > 0 ? x : 0.01*x"},
    {"sigmoid", "1/(1+exp(-x))"},
    {"tanh", "tanh(x)"},
    {"softplus", "x > 20 ? x : log1p(exp(x))"},
    {"elu", "x > 0 ? x : exp(x) - 1"},
    {"selu", "1.0507009873554805*(x > 0 ? x : 1.6732632423543772*(exp(x) - 1))"},
    {"silu", "x*sigmoid(x)"},
    {"gelu", "0.5*x*(1 + erf(x/sqrt(2)))"},
    {"gelu_tanh", "0.5*x*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x^3)))"},
    {"mish", "x*tanh(softplus(x))"},
    {"softsign", "x/(1 + abs(x))"},
    {"hardswish", "x <= -3 ? 0 : x >= 3 ? x : x*(x + 3)/6"},
};

const char *bench_twin_formula(const char *name)
{
    for (size_t i = 0; i < sizeof twins / sizeof twins[0]; i++)
        if (!strcmp(twins[i].name, name))
            return twins[i].formula;
    return NULL;
}

bool bench_twin_of(char *name, size_t n, const act_spec *a)
{
    const char *dot = strstr(a->label, BENCH_TWIN_SUFFIX);
    if (!a->info->dyn || !dot || dot[strlen(BENCH_TWIN_SUFFIX)] ||
        (size_t)(dot - a->label) >= n)
        return false;
    snprintf(name, n, "%.*s", (int)(dot - a->label), a->label);
    return bench_twin_formula(name) != NULL;
}

int bench_twin_row(const bench_act_row *rows, int n_rows, int i)
{
    char name[64];
    if (!bench_twin_of(name, sizeof name, &rows[i].act))
        return -1;
    for (int b = 0; b < n_rows; b++)
        if (!rows[b].act.info->dyn && !strcmp(rows[b].act.label, name) &&
            rows[b].math == rows[i].math)
            return b;
    return -1;
}

int bench_twin_step(const bench_act_step *steps, int n_steps, int i)
{
    char name[64];
    if (!bench_twin_of(name, sizeof name, &steps[i].act))
        return -1;
    for (int b = 0; b < n_steps; b++)
        if (!steps[b].act.info->dyn && !strcmp(steps[b].act.label, name) &&
            steps[b].math == steps[i].math && steps[b].width == steps[i].width)
            return b;
    return -1;
}

typedef struct {
    const bench_act_row *rows;
    int n_rows;
    const bench_act_step *steps;
    int n_steps;
} twin_data;

static void twin_rows(FILE *f, const twin_data *t)
{
    fputs("act,formula,math,what,width,builtin,formula_cost,ratio\n", f);
    for (int i = 0; i < t->n_rows; i++) {
        int b = bench_twin_row(t->rows, t->n_rows, i);
        const bench_act_row *r = &t->rows[i], *q = &t->rows[b];
        if (b >= 0)
            fprintf(f, "%s,%s,%s,ns,,%.4f,%.4f,%.4f\n", q->act.label, r->act.label,
                    vm_backend_name(r->math), q->ns_total, r->ns_total,
                    r->ns_total / q->ns_total);
    }
    for (int i = 0; i < t->n_steps; i++) {
        int b = bench_twin_step(t->steps, t->n_steps, i);
        const bench_act_step *r = &t->steps[i], *q = &t->steps[b];
        if (b >= 0)
            fprintf(f, "%s,%s,%s,step_us,%d,%.4f,%.4f,%.4f\n", q->act.label, r->act.label,
                    vm_backend_name(r->math), r->width, q->us, r->us, r->us / q->us);
    }
}

ab_status bench_twins_write(const char *dir, const bench_act_row *rows, int n_rows,
                            const bench_act_step *steps, int n_steps, ab_err *err)
{
    char name[64];
    bool any = false;
    for (int i = 0; i < n_rows && !any; i++)
        any = bench_twin_of(name, sizeof name, &rows[i].act);
    if (!any)
        return AB_OK;
    twin_data t = {rows, n_rows, steps, n_steps};
    afile a;
    ab_status st = afile_open_in(&a, dir, "bench_twins.csv", err);
    if (st != AB_OK)
        return st;
    twin_rows(a.f, &t);
    return afile_commit(&a, err);
}
