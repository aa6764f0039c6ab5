/* bench_gemm.c - `actbench bench-gemm`'s measurement: times one training
 * step's matrix products, and the three products of the largest layer,
 * through net.c's own product functions (bench_gemm.h). */
#include "bench_gemm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "rng.h"
#include "stats.h"
#include "sys.h"

/* Seed of the operands; their values do not matter for the timing. */
#define BG_SEED 20240607u
/* A timed sample lasts at least this long, so that the clock's grain does not matter. */
#define BG_MIN_SAMPLE 0.05

/* ---- the products: net.c's own, on these buffers ------------------------ */

/* One layer's buffers: in -> out units for B samples. */
typedef struct {
    int in, out;
    float *w, *dw;    /* out x in */
    float *z, *dz;    /* B x out; z is the next layer's input */
} bg_layer;

typedef struct {
    int batch, n_layers, big; /* big: the layer whose products are timed alone */
    const float *x;           /* B x sizes[0], the first layer's input */
    float *da;                /* B x max(in): input gradients */
    bg_layer *layer;
    float *block;             /* the one allocation behind x, da and the layers' buffers */
} bg_net;

/* The input of layer l: the batch, or the previous layer's output. */
static const float *bg_input(const bg_net *b, int l)
{
    return l == 0 ? b->x : b->layer[l - 1].z;
}

static void bg_forward(const bg_net *b, int l)
{
    const bg_layer *y = &b->layer[l];
    net_gemm_forward(y->z, bg_input(b, l), y->w, b->batch, y->in, y->out);
}

static void bg_weight_grad(const bg_net *b, int l)
{
    const bg_layer *y = &b->layer[l];
    /* dW; plain SGD's update (C = W, alpha = -lr) is the same product */
    net_gemm_weight_grad(y->dw, y->dz, bg_input(b, l), b->batch, y->in, y->out, 1.0f);
}

/* without a skip, as a plain network's layers have */
static void bg_input_grad(const bg_net *b, int l)
{
    const bg_layer *y = &b->layer[l];
    net_gemm_input_grad(b->da, y->dz, y->w, b->batch, y->in, y->out, false);
}

static void bg_step(const bg_net *b)
{
    for (int l = 0; l < b->n_layers; l++)
        bg_forward(b, l);
    /* training's order: the input gradient from W before the weight's */
    for (int l = b->n_layers - 1; l >= 0; l--) {
        if (l > 0)
            bg_input_grad(b, l);
        bg_weight_grad(b, l);
    }
}

/* Runs row r of the table once. */
static void bg_run(const bg_net *b, int r)
{
    switch (r) {
    case 0: bg_forward(b, b->big); break;
    case 1: bg_weight_grad(b, b->big); break;
    case 2: bg_input_grad(b, b->big); break;
    default: bg_step(b); break;
    }
}

/* ---- the buffers -------------------------------------------------------- */

static void fill(float *v, size_t n, double std, rng_state *r)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (float)(std * rng_normal(r));
}

/* Floats the buffers of b take. */
static double bg_floats(int batch, const int *sizes, int n_sizes)
{
    double f = (double)batch * sizes[0], max_in = 0.0;
    for (int l = 0; l + 1 < n_sizes; l++) {
        double in = sizes[l], out = sizes[l + 1];
        f += 2.0 * in * out + 2.0 * batch * out;
        max_in = in > max_in ? in : max_in;
    }
    return f + (double)batch * max_in;
}

/* AB_EUSAGE naming the first of bench_gemm_measure's arguments out of range
 * (the buffers' memory included), else AB_OK. */
static ab_status check_args(int batch, const int *sizes, int n_sizes, int repeats, ab_err *err)
{
    if (batch < 1 || batch > NET_MAX_WIDTH)
        return ab_fail(err, AB_EUSAGE, "bench-gemm: batch %d is out of range (accepted: 1..%d)",
                       batch, NET_MAX_WIDTH);
    if (!sizes || n_sizes < 2 || n_sizes > BENCH_GEMM_MAX_SIZES)
        return ab_fail(err, AB_EUSAGE, "bench-gemm: %d layer sizes (accepted: 2..%d: inputs, "
                       "hidden widths, outputs)", n_sizes, BENCH_GEMM_MAX_SIZES);
    for (int i = 0; i < n_sizes; i++)
        if (sizes[i] < 1 || sizes[i] > NET_MAX_WIDTH)
            return ab_fail(err, AB_EUSAGE, "bench-gemm: layer size %d is out of range "
                           "(accepted: 1..%d)", sizes[i], NET_MAX_WIDTH);
    if (repeats < 1)
        return ab_fail(err, AB_EUSAGE, "bench-gemm: %d repeats (accepted: at least 1)", repeats);
    double floats = bg_floats(batch, sizes, n_sizes);
    if (floats * sizeof(float) > 0.9 * sys_mem_available())
        return ab_fail(err, AB_EUSAGE, "bench-gemm: the buffers need about %.1f GiB of memory, "
                       "more than is available", floats * sizeof(float) / 1073741824.0);
    return AB_OK;
}

static void bg_free(bg_net *b)
{
    free(b->block);
    free(b->layer);
    memset(b, 0, sizeof *b);
}

/* Allocates and fills b's buffers for the network of sizes (checked), and
 * picks the layer timed alone.  AB_ERUNTIME when out of memory. */
static ab_status bg_create(bg_net *b, int batch, const int *sizes, int n_sizes, ab_err *err)
{
    double floats = bg_floats(batch, sizes, n_sizes);
    *b = (bg_net){.batch = batch, .n_layers = n_sizes - 1};
    b->block = malloc((size_t)floats * sizeof(float));
    b->layer = calloc((size_t)b->n_layers, sizeof *b->layer);
    if (!b->block || !b->layer) {
        bg_free(b);
        return ab_fail(err, AB_ERUNTIME, "out of memory: bench-gemm buffers (%.1f MiB)",
                       floats * sizeof(float) / 1048576.0);
    }
    rng_state r;
    rng_seed(&r, BG_SEED);
    float *p = b->block;
    size_t nx = (size_t)batch * (size_t)sizes[0];
    fill(p, nx, 1.0, &r);
    b->x = p, p += nx;
    double big_mnk = -1.0;
    int max_in = 0;
    for (int l = 0; l < b->n_layers; l++) {
        bg_layer *y = &b->layer[l];
        y->in = sizes[l];
        y->out = sizes[l + 1];
        size_t nw = (size_t)y->in * (size_t)y->out, nz = (size_t)batch * (size_t)y->out;
        /* W scaled by 1/sqrt(in) keeps the forward's values of order one */
        y->w = p, p += nw;
        fill(y->w, nw, 1.0 / sqrt((double)y->in), &r);
        y->dw = p, p += nw;
        memset(y->dw, 0, nw * sizeof(float));
        y->z = p, p += nz;
        memset(y->z, 0, nz * sizeof(float));
        y->dz = p, p += nz;
        fill(y->dz, nz, 1e-3, &r);
        double io = (double)y->in * y->out;
        /* the first layer has no input gradient: the largest of the others */
        if ((l > 0 || b->n_layers == 1) && io >= big_mnk) {
            big_mnk = io;
            b->big = l;
        }
        max_in = y->in > max_in ? y->in : max_in;
    }
    b->da = p;
    memset(b->da, 0, (size_t)batch * (size_t)max_in * sizeof(float));
    return AB_OK;
}

/* The rows' names, shapes, gemm counts and flops, before any timing. */
static void fill_rows(bench_gemm_row rows[BENCH_GEMM_ROWS], const bg_net *b)
{
    const bg_layer *g = &b->layer[b->big];
    const int B = b->batch;
    const double prod = 2.0 * B * g->in * g->out;
    double step_flops = 0.0;
    for (int l = 0; l < b->n_layers; l++)
        step_flops += 6.0 * B * ((double)b->layer[l].in * b->layer[l].out);
    rows[0] = (bench_gemm_row){.name = "forward", .m = B, .n = g->out, .k = g->in,
                               .gemms = 1, .flops = prod};
    rows[1] = (bench_gemm_row){.name = "weight_grad", .m = g->out, .n = g->in, .k = B,
                               .gemms = 1, .flops = prod};
    rows[2] = (bench_gemm_row){.name = "input_grad", .m = B, .n = g->in, .k = g->out,
                               .gemms = 1, .flops = prod};
    rows[3] = (bench_gemm_row){.name = "step", .gemms = 2 * b->n_layers + b->n_layers - 1,
                               .flops = step_flops};
}

/* ---- measuring ---------------------------------------------------------- */

/* Sets rows[].calls, then times every row repeats times into t (row k's
 * samples at t + k repeats) and sets the rows' figures from them. */
static void time_rows(bench_gemm_row rows[BENCH_GEMM_ROWS], const bg_net *b, double *t,
                      int repeats)
{
    /* warm-up: pages in, BLAS threads started; then one timed call sets how
     * many calls make a sample */
    for (int k = 0; k < BENCH_GEMM_ROWS; k++) {
        bg_run(b, k);
        double t0 = sys_now();
        bg_run(b, k);
        double one = sys_now() - t0;
        long calls = one > 0.0 ? (long)ceil(BG_MIN_SAMPLE / one) : 1000000L;
        rows[k].calls = calls < 1 ? 1 : calls > 1000000L ? 1000000L : calls;
    }
    for (int rep = 0; rep < repeats; rep++)
        for (int i = 0; i < BENCH_GEMM_ROWS; i++) {
            int k = (i + rep) % BENCH_GEMM_ROWS;
            double t0 = sys_now();
            for (long c = 0; c < rows[k].calls; c++)
                bg_run(b, k);
            t[(size_t)k * repeats + rep] = (sys_now() - t0) / (double)rows[k].calls;
        }
    for (int k = 0; k < BENCH_GEMM_ROWS; k++) {
        double *s = t + (size_t)k * repeats;
        rows[k].seconds = stats_median(s, repeats);
        rows[k].gflops = rows[k].flops / rows[k].seconds / 1e9;
        rows[k].gflops_min = rows[k].flops / s[repeats - 1] / 1e9;
        rows[k].gflops_max = rows[k].flops / s[0] / 1e9;
    }
}

ab_status bench_gemm_measure(bench_gemm_row rows[BENCH_GEMM_ROWS], int batch, const int *sizes,
                             int n_sizes, int repeats, ab_err *err)
{
    bg_net b;
    ab_status st = check_args(batch, sizes, n_sizes, repeats, err);
    if (st != AB_OK || (st = bg_create(&b, batch, sizes, n_sizes, err)) != AB_OK)
        return st;
    double *t = malloc((size_t)BENCH_GEMM_ROWS * (size_t)repeats * sizeof *t);
    if (!t) {
        st = ab_fail(err, AB_ERUNTIME, "out of memory: bench-gemm timings");
        goto done;
    }
    fill_rows(rows, &b);
    time_rows(rows, &b, t, repeats);
done:
    free(t);
    bg_free(&b);
    return st;
}
