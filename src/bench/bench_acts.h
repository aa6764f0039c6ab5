/* bench_acts.h - `actbench bench-acts`: what each activation costs to
 * compute, and what that cost is inside a training step.
 *
 * Per element: f and f' of every activation over one large buffer of
 * pre-activations, in nanoseconds per element, with each maths back end
 * (vmath.h: SLEEF's vector functions, which training uses by default, and
 * glibc's scalar ones), so the lecture claim "exp() makes sigmoid/tanh/ELU/
 * GELU more expensive than ReLU" is measured on the machine at hand, both
 * ways.  Per step: one whole SGD training step (forward, loss, backward,
 * update) of a network 2 -> width x depth -> 3, in microseconds and as a
 * multiple of relu's step, where the matrix products are the rest of the
 * cost.
 *
 * The figures are wall-clock times of the registry's own code (act.h) and
 * of the network's (net.h), the very code the training runs use,
 * single-threaded, on float32.  The subcommand's command line is
 * cmd_bench.h's. */
#ifndef ACTBENCH_BENCH_ACTS_H
#define ACTBENCH_BENCH_ACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "act.h"
#include "status.h"
#include "vmath.h"

/* Seed of the pre-activations z ~ N(0, 2^2), the same for every call. */
#define BENCH_SEED 20240229u
#define BENCH_Z_STD 2.0
/* The figures' names: DIR/plots/bench_acts.gp and bench_steps.gp. */
#define BENCH_ACTS_FIG "bench_acts"
#define BENCH_STEPS_FIG "bench_steps"
/* The step network: inputs, outputs; depth and batch are the caller's. */
#define BENCH_STEP_IN 2
#define BENCH_STEP_OUT 3

typedef struct {
    act_spec act;
    vm_backend math;        /* where its exp, tanh, erf ... came from */
    double ns_forward;      /* median ns per element of f alone */
    double ns_derivative;   /* median ns per element of f' alone (given z and y) */
    double ns_total;        /* median ns per element of f and f' as a training step
                               computes them (act_f_and_df): the figure compared */
    double ns_total_min, ns_total_max;  /* spread over repeats */
    double vs_relu;         /* ns_total / relu's with the same math, measured in the
                               same call (NaN if relu is not among the rows) */
} bench_act_row;

typedef struct {
    act_spec act;
    vm_backend math;
    int width, depth, batch;
    double us;              /* median microseconds per training step */
    double us_min, us_max;  /* spread over repeats */
    double vs_relu;         /* us / relu's with the same math and width (NaN: none) */
    long steps;             /* steps per timed repeat */
} bench_act_step;

/* Times f and f' of each row's activation with its math over a buffer of n
 * floats (z drawn once, seeded, normal with std 2 so both sides of every
 * kink are hit), repeats times each, interleaving the rows within every
 * repeat (and rotating which goes first) so that drift hits all alike; one
 * untimed warm-up pass each.  rows[0..n_rows) hold act and math on entry;
 * the rest is filled.  Puts the maths back end back as it was.  AB_EUSAGE
 * for n_rows, n or repeats < 1; AB_ERUNTIME when the buffers cannot be
 * had. */
ab_status bench_acts_measure(bench_act_row *rows, int n_rows, size_t n, int repeats,
                             ab_err *err);

/* Times whole training steps (train_step with plain SGD, through
 * bench_step.h's measurement) of each row's network 2 -> width x depth -> 3
 * with its activation and math, repeats times, the activations of one
 * (math, network) interleaved, on one BLAS thread; enough steps per repeat
 * for about 2 ms.  rows[0..n_rows) hold act, math, width,
 * depth and batch on entry.  Puts the back end back.  AB_EUSAGE
 * for a bad count or shape; AB_ERUNTIME when memory is short. */
ab_status bench_acts_steps(bench_act_step *rows, int n_rows, int repeats, ab_err *err);

/* Writes DIR/bench_acts.csv (act,math,ns_forward,ns_derivative,ns_total,
 * ns_total_min,ns_total_max,vs_relu,elements,repeats; one row per row, in
 * order; vs_relu empty when NaN) atomically, and DIR/plots/bench_acts.gp:
 * the activations sorted by cost with the first math, median f + f' with
 * bars from the fastest to the slowest repeat, one series per math, a
 * dashed line at relu's cost.  With n_steps > 0 also DIR/bench_steps.csv
 * (act,math,width,depth,batch,us_per_step,us_min,us_max,vs_relu,steps,
 * repeats) and DIR/plots/bench_steps.gp: one panel per width, each
 * activation's step time over relu's, one series per math.  Runs gnuplot
 * on them when render is true.  Creates DIR and DIR/plots as needed. */
ab_status bench_acts_write(const char *dir, const bench_act_row *rows, int n_rows, size_t n,
                           int repeats, const bench_act_step *steps, int n_steps,
                           int step_repeats, bool render, ab_err *err);

/* The built-in NAME written as a formula (expr:), at its default
 * parameters, as a student would write it from its definition -- for
 * bench-acts' formula-beside-built-in comparison -- or NULL when none is
 * listed.  Its label in bench-acts is NAME BENCH_TWIN_SUFFIX. */
#define BENCH_TWIN_SUFFIX ".expr"
const char *bench_twin_formula(const char *name);

/* Whether a is a built-in's twin (a formula labelled NAME BENCH_TWIN_SUFFIX
 * for a NAME bench_twin_formula knows); its NAME into name (n bytes). */
bool bench_twin_of(char *name, size_t n, const act_spec *a);

/* The index of row i's built-in row (same math; for steps, same width too)
 * when row i is a twin, else -1. */
int bench_twin_row(const bench_act_row *rows, int n_rows, int i);
int bench_twin_step(const bench_act_step *steps, int n_steps, int i);

/* Writes DIR/bench_twins.csv: for every row whose label is a built-in's
 * name plus BENCH_TWIN_SUFFIX, beside the built-in's row with the same math:
 * act,formula,math,what,width,builtin,formula_cost,ratio -- what "ns" (per
 * element, f + f', width empty) or "step_us" (a training step at width).
 * Atomic.  Nothing is written when no row has a twin. */
ab_status bench_twins_write(const char *dir, const bench_act_row *rows, int n_rows,
                            const bench_act_step *steps, int n_steps, ab_err *err);

/* order[0..n) = indices of rows[0..n), cheapest ns_total first (NaN last,
 * ties in input order): the order of the figure and of the printed table. */
void bench_acts_order(int *order, const bench_act_row *rows, int n);

#endif
