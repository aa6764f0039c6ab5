/* train.h - one training run: one activation, one seed.  Owns the epochs, the
 * seeded minibatch order, the probe calls and divergence; returns its
 * measurements as rows in memory.  Prints nothing. */
#ifndef ACTBENCH_TRAIN_H
#define ACTBENCH_TRAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "data.h"
#include "loss.h"
#include "net.h"
#include "optim.h"
#include "probe.h"
#include "regions.h"
#include "vmath.h"

typedef struct {
    net_config net;       /* the network, activation included */
    opt_kind opt;
    float lr;
    int epochs;           /* 0 = probes at initialisation only */
    int batch;
    int log_every;        /* probe every this many epochs (and at the last) */
    double target_acc;    /* for epochs_to_target; NaN = none */
    uint64_t seed;        /* weight draws, minibatch order, rrelu slopes */
    const float *init_params; /* start from these (an arena of the net); NULL = draw */
    bool keep_params;     /* return copies of the initial and final parameters */
    bool measure_final;   /* measure hidden_change and dead_on_test_pct at the end */
    vm_backend math;      /* where the activations' exp, tanh, erf ... come from */
    /* The plane whose cells the run classifies after its last epoch (and,
     * with regions_init, before the first) into run_result.regions; NULL =
     * none.  The network must have two inputs. */
    const regions_grid *regions;
    bool regions_init;
} train_config;

/* One row of loss.csv.  train_* at epoch e >= 1 are means over that epoch's
 * minibatches as they were trained; at epoch 0, over the whole training set.
 * test_* are over the whole test set after the epoch (NaN without one). */
typedef struct {
    int epoch;
    double train_loss, train_acc, test_loss, test_acc;
    double seconds;       /* training time so far, probes and evaluation excluded */
} loss_row;

/* What the hidden units did beyond the per-layer rows: histograms of their
 * values at epoch 0 and at the last probe, and which units were dead at
 * every probe (README.md, "hist.csv" and "dead_units.csv"). */
typedef struct {
    probe_range range[PROBE_HIST_KINDS]; /* the bins of act and preact */
    bool can_die;        /* probe_can_die: the activation gets a dead map */
    int depth, width;    /* hidden layers and units per layer */
    /* Histograms taken: at epoch 0, and at the last epoch when the run got
     * there and it is not 0 (a diverged run has only epoch 0's). */
    int n_hist;
    int hist_epoch[2];
    uint32_t *hist;      /* n_hist x depth x PROBE_HIST_KINDS x PROBE_HIST_SLOTS counts */
    uint8_t *dead;       /* n_probes x depth rows of probe_dead_row_bytes(width): each
                            probe's dead bits (probe_dead_bits) */
} run_units;

typedef struct {
    loss_row *loss;       /* n_loss rows, epochs 0.. */
    int n_loss;
    probe_layer *layers;  /* n_probes x n_layers rows */
    int *probe_epoch;     /* epoch of each probe */
    int n_probes;
    int n_layers;
    int diverged;         /* a loss became NaN or Inf */
    int diverged_epoch;   /* the epoch in which it did (0 = none) */
    int epochs_to_target; /* first epoch reaching target_acc; -1 = never */
    bool target_set;      /* there was a target_acc (not NaN) */
    double revived_pct;   /* % of units dead at some probe after epoch 0 that are
                             alive at the last; NaN when none died */
    double seconds;       /* total training time */
    double probe_seconds; /* total time in the probes (at epoch 0 too) */
    /* With measure_final (NaN otherwise): ||W_final - W_init|| / ||W_init||
     * over all hidden layers, and, of the units dead on the probe set with
     * the final weights, the % that are exactly 0 on every test sample too
     * (NaN when none is dead, there is no test set, or the run diverged). */
    double hidden_change;
    double dead_on_test_pct;
    float *init_params;   /* with keep_params: the parameters before training */
    float *final_params;  /* with keep_params: and after it */
    run_units units;
    regions_map regions;  /* with cfg.regions: the predicted class of every cell */
} run_result;

/* The histogram slots of histogram h (0..n_hist-1), hidden layer l
 * (0-based) and kind in r. */
static inline const uint32_t *run_hist(const run_result *r, int h, int l, probe_hist_kind kind)
{
    const run_units *u = &r->units;
    return u->hist + (((size_t)h * u->depth + l) * PROBE_HIST_KINDS + kind) * PROBE_HIST_SLOTS;
}

/* The dead bits of probe p (0..n_probes-1), hidden layer l (0-based). */
static inline const uint8_t *run_dead_row(const run_result *r, int p, int l)
{
    const run_units *u = &r->units;
    return u->dead + ((size_t)p * u->depth + l) * probe_dead_row_bytes(u->width);
}

/* Counts in r's histograms, and bytes of its dead bits. */
static inline size_t run_hist_counts(const run_result *r)
{
    return (size_t)r->units.n_hist * r->units.depth * PROBE_HIST_KINDS * PROBE_HIST_SLOTS;
}
static inline size_t run_dead_bytes(const run_result *r)
{
    return (size_t)r->n_probes * r->units.depth * probe_dead_row_bytes(r->units.width);
}

/* What one training step works on: the network, its parameters, their
 * gradient, the workspace, the optimiser and the gathered minibatch. */
typedef struct {
    net n;
    float *params;  /* arena: the parameters, running statistics after them */
    float *grads;   /* arena: the step's gradient; NULL for plain SGD, whose update is
                       folded into the backward (net_backward_sgd) */
    net_ws ws;      /* max(batch, 256) rows: minibatches, evaluation and probe chunks */
    optim opt;
    float *xb;      /* batch x n_in: the minibatch's inputs */
    int *yb;        /* and its labels */
    int batch;
} train_model;

/* Allocates m for cfg's network, optimiser, lr and batch, every arena
 * zeroed (net_init the parameters, or copy them in).  Free with
 * train_model_free, also after a failure. */
ab_status train_model_create(train_model *m, const train_config *cfg, ab_err *err);
void train_model_free(train_model *m);

/* One training step on the rows rows[0..B) of set (B <= m->batch, set->d
 * the network's inputs): gathers them into xb and yb, runs the forward pass
 * in NET_TRAIN mode (act_rng: rrelu's draws), folds the batch statistics
 * into the running ones, adds the batch's losses and correct predictions to
 * t, then backward and the optimiser's update of the mean loss (plain SGD:
 * net_backward_sgd, the update inside the backward).  Returns 1,
 * with no update made, when the batch's loss is not finite; else 0.  This is
 * the step train_run takes, and the one bench-step times: with m->ws.clock
 * set it marks its phases on it. */
int train_step(train_model *m, const data_set *set, const int *rows, int B, rng_state *act_rng,
               loss_tally *t);

/* Called after every epoch; for progress display. */
typedef void (*train_progress_fn)(void *ctx, int epoch, int epochs, double loss);

/* Trains one network from scratch as cfg says, on train, evaluating on test
 * (may be empty) and probing on probe.  Fills res (free with train_result_free). */
ab_status train_run(run_result *res, const train_config *cfg, const data_set *train,
                    const data_set *test, const data_set *probe, train_progress_fn progress,
                    void *ctx, ab_err *err);

/* Bytes train_run allocates for cfg with a d-feature input (the data set
 * itself excluded), for the memory check before any run starts. */
size_t train_bytes(const train_config *cfg);

/* The one-thread rule.  A network whose largest product of a training step
 * (batch x fan_in x fan_out multiply-adds, over the layers) is at most
 * TRAIN_ONE_THREAD_MNK gains nothing from a second BLAS thread.  It is
 * OpenBLAS 0.3.21's own bound (4 x 65536): it runs such a product on one
 * thread whatever it is told, so a second thread would serve only the
 * evaluation and probe chunks of 256 rows, and costs a worker that spins
 * between them.  Measured on the 2-core machine of docs/speed.md ("Threads for
 * small networks"): bench-gemm's step is 0.98-1.01x as fast with two threads as
 * with one at 131072 to 262144 (the fastest of 45 samples each), up to
 * 1.15-1.8x from 524288 up; a run of the default network (width 64, batch
 * 32: 131072) takes the same wall time with one thread as with two, on half
 * the CPU. */
#define TRAIN_ONE_THREAD_MNK 262144.0

/* The BLAS threads worth giving a run of cfg that could have threads: 1
 * when its network is at or below the one-thread rule, else threads. */
int train_blas_threads(const train_config *cfg, int threads);

/* The probes a run of cfg takes at most (epoch 0, every log_every-th epoch,
 * the last); fewer when it diverges. */
int train_n_probes(const train_config *cfg);

void train_result_free(run_result *res);

#endif
