/* bench_step.h - `actbench bench-step`'s measurement: where one training
 * step's time goes.  Times train.c's own step (train_step: the function every
 * epoch calls, on a train_model made as train_run makes it) for networks that
 * differ in their activation and width, once as it runs in training and once
 * with the phase clock of phase.h on its workspace, which splits the same
 * step into its phases: the products, the activation and its derivative, the
 * loss, the bias sums, the gradient clearing, the optimiser's pass.  The
 * command line is cmd_bench.c's. */
#ifndef ACTBENCH_BENCH_STEP_H
#define ACTBENCH_BENCH_STEP_H

#include "act.h"
#include "optim.h"
#include "phase.h"
#include "status.h"
#include "vmath.h"

/* Most activations and widths in one call. */
#define BENCH_STEP_MAX_ACTS 64
#define BENCH_STEP_MAX_WIDTHS 16
/* A timed sample lasts at least this long (seconds). */
#define BENCH_STEP_SAMPLE 0.05

typedef struct {
    int n_in, n_out, depth, batch; /* the network: n_in -> width x depth -> n_out, softmax + CE */
    opt_kind opt;                  /* with its default learning rate */
    int repeats;                   /* timed samples per network, >= 1 */
    vm_backend math;               /* the activations' maths library (default sleef) */
    double sample;                 /* seconds per timed sample; 0: BENCH_STEP_SAMPLE */
    bool whole_only;               /* only the plain step: phase_us and total_us NaN */
} bench_step_config;

typedef struct {
    act_spec act;
    int width;
    long steps;                      /* steps per timed sample */
    double step_us;                  /* median us per step, as training runs it (no clock) */
    double step_min_us, step_max_us; /* the fastest and the slowest sample */
    double phase_us[PHASE_COUNT];    /* median us per step of each phase (the clocked step) */
    double total_us;                 /* the sum of phase_us: what percentages are of */
    double flops;                    /* 6 B sum(in out) per step (scripts/bench's count) */
} bench_step_row;

/* Times one training step of c's network for every activation x width
 * (rows[a * n_widths + w] for acts[a] and widths[w]), c->repeats times each,
 * interleaved (the first network rotating from repeat to repeat) so that the
 * drift of a shared machine hits all alike.  Every network gets the same
 * seeded weights (Xavier) and data (normal inputs, uniform labels, 16
 * minibatches' worth, visited in order); a sample starts from those weights
 * and a cleared optimiser after one untimed step, and again every 32 steps
 * (untimed), so that each sample does the same work and no weights run
 * away.  Uses the current BLAS thread count and c->math (the back end is
 * put back after).  AB_EUSAGE for
 * arguments out of range (naming which) and for networks that would not fit
 * in memory; AB_ERUNTIME when out of memory or when a loss is not finite. */
ab_status bench_step_measure(bench_step_row *rows, const bench_step_config *c,
                             const act_spec *acts, int n_acts, const int *widths, int n_widths,
                             ab_err *err);

#endif
