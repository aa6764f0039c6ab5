/* phase.h - a clock split by the phases of a training step, for
 * `actbench bench-step`.  The step's own code (net.c's forward and backward,
 * train.c's step) marks the end of each phase on the clock its workspace
 * carries (net_ws.clock); training leaves that pointer NULL, so the marks
 * cost one test of a pointer each and the step is the same code timed or
 * not.  Each mark adds the time since the previous mark to the phase it
 * names, so the code between two marks belongs to the second. */
#ifndef ACTBENCH_PHASE_H
#define ACTBENCH_PHASE_H

/* In the order a step runs them; bench-step prints them in this order. */
typedef enum {
    PHASE_GATHER,     /* the minibatch's rows copied out of the data set */
    PHASE_FWD_GEMM,   /* z = a_prev W^T, every layer */
    PHASE_BIAS_ADD,   /* z += b */
    PHASE_ACT_F,      /* h = f(y), hidden layers (and f'(y) with it where they are one pass) */
    PHASE_ACT_DF,     /* f'(y), computed in the forward pass for the backward */
    PHASE_LOSS,       /* softmax (or sigmoid) outputs, the loss and dL/dz of the outputs */
    PHASE_GRAD_MUL,   /* dL/dy = dL/dh f'(y), hidden layers */
    PHASE_WGRAD_GEMM, /* dW = dz^T a_prev (with plain SGD folded in: W -= lr dz^T a_prev) */
    PHASE_BIAS_GRAD,  /* db = column sums of dz (with plain SGD: b -= lr db) */
    PHASE_IGRAD_GEMM, /* da_prev = dz W */
    PHASE_OPTIM,      /* the optimiser's pass over the parameters, which also clears the
                         gradients (momentum, Adam; plain SGD has none to clear) */
    PHASE_OTHER,      /* batch normalisation, skips, rrelu draws, prelu's slope gradient */
    PHASE_COUNT
} phase_id;

typedef struct {
    double last;               /* the time of the last mark (or of phase_start) */
    double sec[PHASE_COUNT];   /* seconds per phase since phase_reset */
} phase_clock;

/* Names as bench-step prints them ("fwd_gemm", ...), one per phase_id. */
extern const char *const phase_names[PHASE_COUNT];

/* Zeroes every phase's seconds and starts the clock. */
void phase_reset(phase_clock *c);
/* Starts the clock: the time until the next mark goes to that mark's phase. */
void phase_start(phase_clock *c);
/* Adds the time since the last mark to phase p; no-op when c is NULL. */
void phase_mark_(phase_clock *c, phase_id p);
static inline void phase_mark(phase_clock *c, phase_id p)
{
    if (c)
        phase_mark_(c, p);
}

#endif
