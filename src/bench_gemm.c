/* bench_gemm.c - `actbench bench-gemm`: times one training step's matrix
 * products, and the three products of the largest layer, through gemm()
 * exactly as net.c calls it (bench_gemm.h); the subcommand's command line. */
#include "bench_gemm.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "gemm.h"
#include "net.h"
#include "rng.h"
#include "sys.h"

/* Seed of the operands; their values do not matter for the timing. */
#define BG_SEED 20240607u
/* A timed sample lasts at least this long, so that the clock's grain does not matter. */
#define BG_MIN_SAMPLE 0.05

/* ---- the products, as net.c makes them -------------------------------- */

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
} bg_net;

/* net.c's linear_forward without the bias: z = a_prev W^T */
static void bg_forward(const bg_net *b, int l)
{
    const bg_layer *y = &b->layer[l];
    const float *a = l == 0 ? b->x : b->layer[l - 1].z;
    gemm(false, true, b->batch, y->out, y->in, 1.0f, a, y->in, y->w, y->in, 0.0f, y->z, y->out);
}

/* net.c's net_backward: dW += dz^T a_prev */
static void bg_weight_grad(const bg_net *b, int l)
{
    const bg_layer *y = &b->layer[l];
    const float *a = l == 0 ? b->x : b->layer[l - 1].z;
    gemm(true, false, y->out, y->in, b->batch, 1.0f, y->dz, y->out, a, y->in, 1.0f, y->dw,
         y->in);
}

/* net.c's net_backward: da = dz W (no skip) */
static void bg_input_grad(const bg_net *b, int l)
{
    const bg_layer *y = &b->layer[l];
    gemm(false, false, b->batch, y->in, y->out, 1.0f, y->dz, y->out, y->w, y->in, 0.0f, b->da,
         y->in);
}

static void bg_step(const bg_net *b)
{
    for (int l = 0; l < b->n_layers; l++)
        bg_forward(b, l);
    for (int l = b->n_layers - 1; l >= 0; l--) {
        bg_weight_grad(b, l);
        if (l > 0)
            bg_input_grad(b, l);
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

/* ---- measuring ---------------------------------------------------------- */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

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

ab_status bench_gemm_measure(bench_gemm_row rows[BENCH_GEMM_ROWS], int batch, const int *sizes,
                             int n_sizes, int repeats, ab_err *err)
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

    ab_status st = AB_OK;
    bg_net b = {.batch = batch, .n_layers = n_sizes - 1};
    float *block = malloc((size_t)floats * sizeof(float));
    b.layer = calloc((size_t)b.n_layers, sizeof *b.layer);
    double *t = malloc((size_t)BENCH_GEMM_ROWS * (size_t)repeats * sizeof *t);
    if (!block || !b.layer || !t) {
        st = ab_fail(err, AB_ERUNTIME, "out of memory: bench-gemm buffers (%.1f MiB)",
                     floats * sizeof(float) / 1048576.0);
        goto done;
    }
    rng_state r;
    rng_seed(&r, BG_SEED);
    float *p = block;
    size_t nx = (size_t)batch * (size_t)sizes[0];
    fill(p, nx, 1.0, &r);
    b.x = p, p += nx;
    double step_flops = 0.0, big_mnk = -1.0;
    int max_in = 0;
    for (int l = 0; l < b.n_layers; l++) {
        bg_layer *y = &b.layer[l];
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
        step_flops += 6.0 * batch * io;
        /* the first layer has no input gradient: the largest of the others */
        if ((l > 0 || b.n_layers == 1) && io >= big_mnk) {
            big_mnk = io;
            b.big = l;
        }
        max_in = y->in > max_in ? y->in : max_in;
    }
    b.da = p;
    memset(b.da, 0, (size_t)batch * (size_t)max_in * sizeof(float));

    const bg_layer *g = &b.layer[b.big];
    const double prod = 2.0 * batch * g->in * g->out;
    rows[0] = (bench_gemm_row){.name = "forward", .m = batch, .n = g->out, .k = g->in,
                               .gemms = 1, .flops = prod};
    rows[1] = (bench_gemm_row){.name = "weight_grad", .m = g->out, .n = g->in, .k = batch,
                               .gemms = 1, .flops = prod};
    rows[2] = (bench_gemm_row){.name = "input_grad", .m = batch, .n = g->in, .k = g->out,
                               .gemms = 1, .flops = prod};
    rows[3] = (bench_gemm_row){.name = "step", .gemms = 2 * b.n_layers + b.n_layers - 1,
                               .flops = step_flops};

    /* warm-up: pages in, BLAS threads started; then one timed call sets how
     * many calls make a sample */
    for (int k = 0; k < BENCH_GEMM_ROWS; k++) {
        bg_run(&b, k);
        double t0 = now();
        bg_run(&b, k);
        double one = now() - t0;
        long calls = one > 0.0 ? (long)ceil(BG_MIN_SAMPLE / one) : 1000000L;
        rows[k].calls = calls < 1 ? 1 : calls > 1000000L ? 1000000L : calls;
    }
    for (int rep = 0; rep < repeats; rep++)
        for (int i = 0; i < BENCH_GEMM_ROWS; i++) {
            int k = (i + rep) % BENCH_GEMM_ROWS;
            double t0 = now();
            for (long c = 0; c < rows[k].calls; c++)
                bg_run(&b, k);
            t[(size_t)k * repeats + rep] = (now() - t0) / (double)rows[k].calls;
        }
    for (int k = 0; k < BENCH_GEMM_ROWS; k++) {
        double *s = t + (size_t)k * repeats;
        qsort(s, (size_t)repeats, sizeof *s, cmp_double);
        int h = repeats / 2;
        rows[k].seconds = repeats % 2 ? s[h] : 0.5 * (s[h - 1] + s[h]);
        rows[k].gflops = rows[k].flops / rows[k].seconds / 1e9;
        rows[k].gflops_min = rows[k].flops / s[repeats - 1] / 1e9;
        rows[k].gflops_max = rows[k].flops / s[0] / 1e9;
    }

done:
    free(block);
    free(b.layer);
    free(t);
    return st;
}

/* ---- the command line --------------------------------------------------- */

#define DEF_REPEATS 7
#define MAX_REPEATS 1000
#define MAX_THREADS 1024

typedef struct {
    int batch;
    int sizes[BENCH_GEMM_MAX_SIZES];
    int n_sizes;
    int repeats;
    int threads; /* 0 = leave the BLAS default */
    bool help;
} bg_opts;

enum { OPT_BATCH = 256, OPT_LAYERS, OPT_REPEATS, OPT_THREADS };

static const struct option long_opts[] = {
    {"batch", required_argument, NULL, OPT_BATCH},
    {"layers", required_argument, NULL, OPT_LAYERS},
    {"repeats", required_argument, NULL, OPT_REPEATS},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *f)
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
"\n"
"Example:\n"
"  actbench bench-gemm --batch 256 --layers 784,1024,1024,1024,1024,1024,1024,10\n"
"\n"
"Exit status: 0 ok, 1 runtime failure, 2 usage error.\n",
            NET_MAX_WIDTH, BENCH_GEMM_MAX_SIZES, NET_MAX_WIDTH, MAX_REPEATS, DEF_REPEATS,
            MAX_THREADS);
}

/* "784,256,10" into o->sizes. */
static ab_status parse_layers(bg_opts *o, const char *s, ab_err *err)
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

static ab_status parse_opts(bg_opts *o, int argc, char **argv, ab_err *err)
{
    memset(o, 0, sizeof *o);
    o->repeats = DEF_REPEATS;
    opterr = 0;
    optind = 1;
    int c, idx = 0;
    ab_status st = AB_OK;
    long v;
    while (st == AB_OK && (c = getopt_long(argc, argv, "+:h", long_opts, &idx)) != -1) {
        switch (c) {
        case OPT_BATCH:
            st = cli_parse_long(&v, "--batch", optarg, 1, NET_MAX_WIDTH, err);
            o->batch = (int)v;
            break;
        case OPT_LAYERS: st = parse_layers(o, optarg, err); break;
        case OPT_REPEATS:
            st = cli_parse_long(&v, "--repeats", optarg, 1, MAX_REPEATS, err);
            o->repeats = (int)v;
            break;
        case OPT_THREADS:
            st = cli_parse_long(&v, "--threads", optarg, 1, MAX_THREADS, err);
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

static void print_table(const bench_gemm_row *rows, const bg_opts *o)
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

int bench_gemm_main(int argc, char **argv)
{
    bg_opts o;
    ab_err err = {{0}};
    bench_gemm_row rows[BENCH_GEMM_ROWS];
    ab_status st = parse_opts(&o, argc, argv, &err);
    if (st == AB_OK && o.help) {
        usage(stdout);
        return 0;
    }
    if (st == AB_OK && o.threads)
        gemm_set_threads(o.threads);
    if (st == AB_OK)
        st = bench_gemm_measure(rows, o.batch, o.sizes, o.n_sizes, o.repeats, &err);
    if (st == AB_OK)
        print_table(rows, &o);
    else
        fprintf(stderr, "actbench: %s\n", err.msg);
    return (int)st;
}
