/* bench_acts.h - `actbench bench-acts`: what each activation costs to
 * compute.  Times f and f' of every activation over one large buffer of
 * pre-activations and reports nanoseconds per element, so the lecture claim
 * "exp() makes sigmoid/tanh/ELU/GELU more expensive than ReLU" is measured on
 * the machine at hand rather than asserted.
 *
 * The figures are wall-clock times of the registry's own loops (act.h), the
 * very code the training runs use, single-threaded, on float32.  The
 * subcommand's command line is cmd_bench.h's. */
#ifndef ACTBENCH_BENCH_ACTS_H
#define ACTBENCH_BENCH_ACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "act.h"
#include "status.h"

/* Seed of the pre-activations z ~ N(0, 2^2), the same for every call. */
#define BENCH_SEED 20240229u
#define BENCH_Z_STD 2.0
/* The figure's name: DIR/plots/bench_acts.gp (and .png). */
#define BENCH_ACTS_FIG "bench_acts"

typedef struct {
    act_spec act;
    double ns_forward;      /* median ns per element of f */
    double ns_derivative;   /* median ns per element of f' (given z and y) */
    double ns_total;        /* median of (f + f') per element, the figure compared */
    double ns_total_min, ns_total_max;  /* spread over repeats */
    double vs_relu;         /* ns_total / ns_total of relu measured in the same call
                               (NaN if relu is not in the list) */
} bench_act_row;

/* Times f and f' of each of acts[0..n_acts) over a buffer of n floats (z
 * drawn once, seeded, normal with std 2 so both sides of every kink are hit),
 * repeats times each, interleaving the activations within every repeat (and
 * rotating which goes first) so that drift hits all alike; one untimed
 * warm-up pass each.  Fills rows[0..n_acts) in the order of acts.  AB_EUSAGE
 * for n_acts, n or repeats < 1; AB_ERUNTIME when the buffers cannot be had. */
ab_status bench_acts_measure(bench_act_row *rows, const act_spec *acts, int n_acts, size_t n,
                             int repeats, ab_err *err);

/* Writes DIR/bench_acts.csv (act,ns_forward,ns_derivative,ns_total,
 * ns_total_min,ns_total_max,vs_relu,elements,repeats; one row per activation
 * in the order of rows; vs_relu empty when NaN) atomically, and
 * DIR/plots/bench_acts.gp: the activations sorted by cost, median f + f' with
 * bars from the fastest to the slowest repeat, relu in its own colour and a
 * dashed line at its cost.  Runs gnuplot on it when render is true.  Creates
 * DIR and DIR/plots as needed. */
ab_status bench_acts_write(const char *dir, const bench_act_row *rows, int n_acts, size_t n,
                           int repeats, bool render, ab_err *err);

/* order[0..n) = indices of rows[0..n), cheapest ns_total first (NaN last,
 * ties in input order): the order of the figure and of the printed table. */
void bench_acts_order(int *order, const bench_act_row *rows, int n);

#endif
