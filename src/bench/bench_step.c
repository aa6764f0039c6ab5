/* bench_step.c - `actbench bench-step`'s measurement: one training step,
 * train.c's own, timed whole and phase by phase (bench_step.h). */
#include "bench_step.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "rng.h"
#include "stats.h"
#include "sys.h"
#include "train.h"

/* Seeds of the weights and of the data; their values do not matter for the
 * timing, but every network gets the same. */
#define BS_SEED 20261201u
/* Minibatches in the data set, visited in turn. */
#define BS_BATCHES 16
/* Steps at most from the initial weights: a sample of more steps starts
 * from them again every so many (untimed), so that thousands of steps of a
 * small network on random labels cannot run the weights away. */
#define BS_RUN 32

/* One network under test, with its training buffers. */
typedef struct {
    train_model m;
    float *init;      /* the parameters every sample starts from */
    rng_state rng;    /* rrelu's draws */
    long next;        /* the next minibatch */
    long steps;       /* per sample */
    double *t_step;   /* repeats samples: us per step without the clock */
    double *t_phase;  /* PHASE_COUNT x repeats: us per step of each phase */
} bs_net;

/* ---- arguments ------------------------------------------------------------ */

static ab_status check_args(const bench_step_config *c, const act_spec *acts, int n_acts,
                            const int *widths, int n_widths, ab_err *err)
{
    if (!acts || n_acts < 1 || n_acts > BENCH_STEP_MAX_ACTS)
        return ab_fail(err, AB_EUSAGE, "bench-step: %d activations (accepted: 1..%d)", n_acts,
                       BENCH_STEP_MAX_ACTS);
    for (int a = 0; a < n_acts; a++)
        if (!acts[a].info)
            return ab_fail(err, AB_EUSAGE, "bench-step: activation %d is not set", a + 1);
    if (!widths || n_widths < 1 || n_widths > BENCH_STEP_MAX_WIDTHS)
        return ab_fail(err, AB_EUSAGE, "bench-step: %d widths (accepted: 1..%d)", n_widths,
                       BENCH_STEP_MAX_WIDTHS);
    for (int w = 0; w < n_widths; w++)
        if (widths[w] < 1 || widths[w] > NET_MAX_WIDTH)
            return ab_fail(err, AB_EUSAGE, "bench-step: width %d is out of range (accepted: "
                           "1..%d)", widths[w], NET_MAX_WIDTH);
    if (c->depth < 1 || c->depth > NET_MAX_DEPTH)
        return ab_fail(err, AB_EUSAGE, "bench-step: depth %d is out of range (accepted: 1..%d)",
                       c->depth, NET_MAX_DEPTH);
    if (c->n_in < 1 || c->n_in > NET_MAX_WIDTH)
        return ab_fail(err, AB_EUSAGE, "bench-step: %d inputs (accepted: 1..%d)", c->n_in,
                       NET_MAX_WIDTH);
    if (c->n_out < 1 || c->n_out > NET_MAX_WIDTH)
        return ab_fail(err, AB_EUSAGE, "bench-step: %d outputs (accepted: 1..%d)", c->n_out,
                       NET_MAX_WIDTH);
    if (c->batch < 1 || c->batch > NET_MAX_WIDTH)
        return ab_fail(err, AB_EUSAGE, "bench-step: batch %d is out of range (accepted: "
                       "1..%d)", c->batch, NET_MAX_WIDTH);
    if (c->repeats < 1)
        return ab_fail(err, AB_EUSAGE, "bench-step: %d repeats (accepted: at least 1)",
                       c->repeats);
    if ((unsigned)c->math >= VM_BACKEND_COUNT)
        return ab_fail(err, AB_EUSAGE, "bench-step: maths back end %d is not one", (int)c->math);
    if ((unsigned)c->opt > OPT_ADAM)
        return ab_fail(err, AB_EUSAGE, "bench-step: optimiser %d is not one", (int)c->opt);
    return AB_OK;
}

static train_config net_config_of(const bench_step_config *c, const act_spec *act, int width)
{
    return (train_config){
        .net = {.n_in = c->n_in, .n_out = c->n_out, .depth = c->depth, .width = width,
                .act = *act, .out = OUT_SOFTMAX, .init = INIT_XAVIER},
        .opt = c->opt, .lr = (float)optim_default_lr(c->opt), .epochs = 1,
        .batch = c->batch, .log_every = 1, .target_acc = NAN, .seed = BS_SEED};
}

/* AB_EUSAGE when the networks, their copies of the weights and the data would
 * take more than 90% of the memory available. */
static ab_status check_memory(const bench_step_config *c, const act_spec *acts, int n_acts,
                              const int *widths, int n_widths, ab_err *err)
{
    double bytes = (double)BS_BATCHES * c->batch * ((double)c->n_in * sizeof(float) + sizeof(int));
    for (int a = 0; a < n_acts; a++)
        for (int w = 0; w < n_widths; w++) {
            train_config tc = net_config_of(c, &acts[a], widths[w]);
            net n;
            if (net_create(&n, &tc.net, err) != AB_OK)
                return AB_EUSAGE;
            bytes += (double)train_bytes(&tc) + (double)net_arena_bytes(&n);
        }
    double have = sys_mem_available();
    if (bytes > 0.9 * have)
        return ab_fail(err, AB_EUSAGE, "bench-step: the networks need about %.1f GiB of memory, "
                       "more than the %.1f GiB available (fewer or smaller widths)",
                       bytes / 1073741824.0, have / 1073741824.0);
    return AB_OK;
}

/* ---- the networks ----------------------------------------------------------- */

static void bs_free(bs_net *b)
{
    train_model_free(&b->m);
    free(b->init);
    free(b->t_step);
    free(b->t_phase);
}

static ab_status bs_create(bs_net *b, const bench_step_config *c, const act_spec *act, int width,
                           ab_err *err)
{
    memset(b, 0, sizeof *b);
    train_config tc = net_config_of(c, act, width);
    ab_status st = train_model_create(&b->m, &tc, err);
    if (st != AB_OK)
        return st;
    b->init = net_arena_alloc(&b->m.n);
    b->t_step = malloc((size_t)c->repeats * sizeof *b->t_step);
    b->t_phase = malloc((size_t)PHASE_COUNT * (size_t)c->repeats * sizeof *b->t_phase);
    if (!b->init || !b->t_step || !b->t_phase)
        return ab_fail(err, AB_ERUNTIME, "out of memory: bench-step buffers");
    net_init(&b->m.n, b->init, BS_SEED);
    rng_seed(&b->rng, BS_SEED);
    return AB_OK;
}

/* The weights every sample starts from, a cleared optimiser and gradient. */
static void bs_reset(bs_net *b)
{
    memcpy(b->m.params, b->init, net_arena_bytes(&b->m.n));
    if (b->m.grads)
        memset(b->m.grads, 0, net_arena_bytes(&b->m.n));
    optim_reset(&b->m.opt);
    b->next = 0;
}

/* steps training steps on the minibatches in turn; AB_ERUNTIME when a loss
 * is not finite. */
static ab_status bs_steps(bs_net *b, const data_set *set, const int *order, long steps,
                          ab_err *err)
{
    const int B = b->m.batch;
    for (long s = 0; s < steps; s++) {
        loss_tally t = {0};
        const int *rows = order + (size_t)(b->next++ % BS_BATCHES) * (size_t)B;
        if (train_step(&b->m, set, rows, B, &b->rng, &t))
            return ab_fail(err, AB_ERUNTIME, "bench-step: %s at width %d: the loss is not "
                           "finite", b->m.n.cfg.act.label, b->m.n.cfg.width);
    }
    return AB_OK;
}

/* One sample of b: b->steps steps in runs of at most BS_RUN from the initial
 * weights, each run after an untimed reset and warm-up step; us per step
 * into *us, or with clk the per-phase us into phase_us[p * stride]. */
static ab_status bs_sample(bs_net *b, const data_set *set, const int *order, phase_clock *clk,
                           double *us, double *phase_us, int stride, ab_err *err)
{
    ab_status st = AB_OK;
    double t = 0.0;
    if (clk)
        phase_reset(clk);
    for (long done = 0; done < b->steps && st == AB_OK; done += BS_RUN) {
        long run = b->steps - done < BS_RUN ? b->steps - done : BS_RUN;
        bs_reset(b);
        if ((st = bs_steps(b, set, order, 1, err)) != AB_OK)
            break;
        b->m.ws.clock = clk;
        double t0 = sys_now();
        st = bs_steps(b, set, order, run, err);
        t += sys_now() - t0;
        b->m.ws.clock = NULL;
    }
    if (us)
        *us = 1e6 * t / (double)b->steps;
    for (int p = 0; clk && p < PHASE_COUNT; p++)
        phase_us[(size_t)p * stride] = 1e6 * clk->sec[p] / (double)b->steps;
    return st;
}

/* b->steps: enough for a sample of `sample` seconds. */
static ab_status bs_calibrate(bs_net *b, const data_set *set, const int *order, double sample,
                              ab_err *err)
{
    double us;
    b->steps = 1;
    ab_status st = bs_sample(b, set, order, NULL, &us, NULL, 0, err);
    if (st != AB_OK)
        return st;
    double n = ceil(sample * 1e6 / (us > 0.0 ? us : 1.0));
    b->steps = n < 1.0 ? 1 : n > 1e6 ? 1000000L : (long)n;
    return AB_OK;
}

/* ---- figures ------------------------------------------------------------------ */

static void summarise(bench_step_row *r, bs_net *b, int repeats, bool whole_only)
{
    const net *n = &b->m.n;
    r->act = n->cfg.act;
    r->width = n->cfg.width;
    r->steps = b->steps;
    r->step_us = stats_median(b->t_step, repeats);
    r->step_min_us = b->t_step[0];
    r->step_max_us = b->t_step[repeats - 1];
    r->total_us = 0.0;
    for (int p = 0; p < PHASE_COUNT && whole_only; p++)
        r->phase_us[p] = r->total_us = NAN;
    for (int p = 0; p < PHASE_COUNT && !whole_only; p++) {
        r->phase_us[p] = stats_median(b->t_phase + (size_t)p * repeats, repeats);
        r->total_us += r->phase_us[p];
    }
    double macs = 0.0;
    for (int l = 0; l < n->n_layers; l++)
        macs += (double)n->fan_in[l] * n->fan_out[l];
    r->flops = 6.0 * b->m.batch * macs;
}

ab_status bench_step_measure(bench_step_row *rows, const bench_step_config *c,
                             const act_spec *acts, int n_acts, const int *widths, int n_widths,
                             ab_err *err)
{
    ab_status st = check_args(c, acts, n_acts, widths, n_widths, err);
    if (st != AB_OK || (st = check_memory(c, acts, n_acts, widths, n_widths, err)) != AB_OK)
        return st;
    const int n_nets = n_acts * n_widths, n_rows = BS_BATCHES * c->batch;
    vm_backend was = vm_backend_setting();
    bs_net *nets = calloc((size_t)n_nets, sizeof *nets);
    data_set set = {.n = n_rows, .d = c->n_in, .k = c->n_out};
    set.x = malloc((size_t)n_rows * (size_t)c->n_in * sizeof *set.x);
    set.y = malloc((size_t)n_rows * sizeof *set.y);
    int *order = malloc((size_t)n_rows * sizeof *order);
    phase_clock clk;
    if (!nets || !set.x || !set.y || !order) {
        st = ab_fail(err, AB_ERUNTIME, "out of memory: bench-step data");
        goto done;
    }
    rng_state r;
    rng_seed(&r, BS_SEED ^ 0x64617461u);
    for (size_t i = 0; i < (size_t)n_rows * (size_t)c->n_in; i++)
        set.x[i] = (float)rng_normal(&r);
    for (int i = 0; i < n_rows; i++) {
        set.y[i] = (int)rng_below(&r, (uint64_t)c->n_out);
        order[i] = i;
    }
    rng_shuffle(&r, order, n_rows);
    vm_set_backend(c->math);
    for (int k = 0; k < n_nets && st == AB_OK; k++)
        if ((st = bs_create(&nets[k], c, &acts[k / n_widths], widths[k % n_widths], err)) ==
            AB_OK)
            st = bs_calibrate(&nets[k], &set, order,
                              c->sample > 0.0 ? c->sample : BENCH_STEP_SAMPLE, err);
    /* interleaved: every repeat visits every network, the first one rotating;
     * within a network, the clocked and the plain sample alternate first */
    for (int rep = 0; rep < c->repeats && st == AB_OK; rep++)
        for (int i = 0; i < n_nets && st == AB_OK; i++) {
            bs_net *b = &nets[(i + rep) % n_nets];
            for (int half = 0; half < (c->whole_only ? 1 : 2) && st == AB_OK; half++) {
                bool clocked = !c->whole_only && (half + rep) % 2 == 1;
                st = clocked ? bs_sample(b, &set, order, &clk, NULL, b->t_phase + rep,
                                         c->repeats, err)
                             : bs_sample(b, &set, order, NULL, &b->t_step[rep], NULL, 0, err);
            }
        }
    for (int k = 0; k < n_nets && st == AB_OK; k++)
        summarise(&rows[k], &nets[k], c->repeats, c->whole_only);
done:
    vm_set_backend(was);
    for (int k = 0; nets && k < n_nets; k++)
        bs_free(&nets[k]);
    free(nets);
    free(set.x);
    free(set.y);
    free(order);
    return st;
}
