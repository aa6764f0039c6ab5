/* net.h - fully connected network: one parameter arena, initialisation,
 * forward and backward over a batch on caller-owned workspaces.
 *
 * Layers are indexed 0..n_layers-1 here (hidden layers 0..depth-1, then the
 * output layer); the CSV files number them 1..depth+1.  Activations are
 * row-major batch x units.  W of layer l is fan_out x fan_in, row-major (the
 * PyTorch nn.Linear layout).  Nothing here allocates after net_create and
 * net_ws_create, and nothing touches files.
 *
 * A hidden layer l computes z = W a_prev + b, y = z (or, with batchnorm,
 * z = W a_prev and y = gamma (z - mean) / sqrt(var + eps) + beta, beta in
 * b's slot), h = f(y), and passes on a = h, or with residual and l >= 1
 * a = a_prev + h.  The output layer is always plain linear.
 *
 * Arena layout: per layer W, b (beta for batchnorm layers), gamma (batchnorm
 * hidden layers); then the activation's learned parameters (prelu's slope,
 * a formula's ~parameters), n_learned per hidden layer: n_params learned floats.  After them,
 * n_state floats of model state that is not learned: the batchnorm running
 * means and variances.  Gradient and optimiser arenas use the same offsets;
 * optimisers and gradients cover only the first n_params floats. */
#ifndef ACTBENCH_NET_H
#define ACTBENCH_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "act.h"
#include "phase.h"
#include "rng.h"
#include "status.h"

#define NET_MAX_DEPTH 1024
#define NET_MAX_WIDTH 65536

typedef enum { OUT_SOFTMAX, OUT_SIGMOID } out_kind;

/* The output layer and loss by name: ce (softmax + cross-entropy), bce (one
 * sigmoid output + binary cross-entropy). */
extern const name_row net_losses[];

typedef struct {
    int n_in;          /* input features */
    int n_out;         /* classes for softmax; 1 for a sigmoid output */
    int depth;         /* hidden layers, >= 1 */
    int width;         /* units per hidden layer */
    act_spec act;      /* hidden activation */
    out_kind out;
    init_kind init;
    float init_std;    /* for INIT_NORMAL */
    float bias_init;   /* every hidden and output bias (batchnorm: every beta) */
    bool batchnorm;    /* Linear -> BatchNorm1d -> f on hidden layers */
    bool residual;     /* a_l = a_{l-1} + f(y_l) for hidden layers l >= 1 */
} net_config;

#define NET_BN_EPS 1e-5f      /* batchnorm: added to the variance, as PyTorch */
#define NET_BN_MOMENTUM 0.1f  /* batchnorm: weight of a batch in the running stats */

typedef struct {
    net_config cfg;
    int n_layers;       /* depth + 1 */
    int max_units;      /* widest layer including the input */
    int fan_in[NET_MAX_DEPTH + 1];
    int fan_out[NET_MAX_DEPTH + 1];
    size_t w_off[NET_MAX_DEPTH + 1];
    size_t b_off[NET_MAX_DEPTH + 1];
    size_t g_off[NET_MAX_DEPTH];  /* batchnorm: gamma of hidden layer l */
    size_t rm_off[NET_MAX_DEPTH]; /* batchnorm: running mean (state, after n_params) */
    size_t rv_off[NET_MAX_DEPTH]; /* batchnorm: running variance (state) */
    size_t lp_off;      /* the activation's learned parameters, n_learned per hidden layer */
    int n_learned;      /* act_n_learned of the activation */
    size_t n_params;    /* learned floats: what gradients and optimisers cover */
    size_t n_state;     /* floats of running statistics after them (0 without BN) */
} net;

/* Per-batch buffers for one network, for up to cap samples. */
typedef struct {
    int cap;
    float *z[NET_MAX_DEPTH + 1];   /* W a_prev (+ b), cap x fan_out; before batchnorm */
    float *y[NET_MAX_DEPTH];       /* activation inputs: BN(z), else aliases z */
    float *h[NET_MAX_DEPTH];       /* f(y); aliases a unless the layer has a skip */
    float *a[NET_MAX_DEPTH + 1];   /* layer outputs passed on (probabilities for the output) */
    float *dz[NET_MAX_DEPTH + 1];  /* dL/dz per sample, z before batchnorm */
    float *fp[NET_MAX_DEPTH];      /* f'(y) of hidden layers */
    float *zhat[NET_MAX_DEPTH];    /* batchnorm: (z - mean) / sqrt(var + eps), cap x width */
    float *mean[NET_MAX_DEPTH];    /* batchnorm: batch statistics of the last forward */
    float *var[NET_MAX_DEPTH];     /* in a batch-statistics mode, width each; biased var */
    float *colsum;                 /* batchnorm scratch, 3 x width */
    float *lgrad;                  /* net_backward_sgd: one layer's gradients but W's,
                                      max_units + width + 1 */
    float *da;                     /* scratch, cap x max_units */
    float *uni;                    /* rrelu: uniforms, cap x width */
    float *block;                  /* the one allocation behind all of these */
    phase_clock *clock;            /* NULL (net_ws_create's), or bench-step's clock, which
                                      forward and backward then mark phase by phase */
} net_ws;

/* Lays out the network for cfg.  AB_EUSAGE for sizes out of range. */
ab_status net_create(net *n, const net_config *cfg, ab_err *err);

/* Bytes one arena (params with state, or grads) takes: n_params + n_state. */
size_t net_arena_bytes(const net *n);
/* Bytes a workspace with room for cap samples takes. */
size_t net_ws_bytes(const net *n, int cap);

/* Allocates a zeroed arena of n_params + n_state floats; NULL when out of memory. */
float *net_arena_alloc(const net *n);

/* Fills params: W with seeded normal draws scaled by the init scheme (the same
 * draws for every activation and scheme, for a given seed, with or without
 * batchnorm), biases and betas with bias_init, gammas with 1, prelu alphas
 * and the activation's other learned parameters with their given values, running means with 0 and variances with 1. */
void net_init(const net *n, float *params, uint64_t seed);

/* Standard deviation the init scheme gives layer l. */
double net_init_std(const net *n, int l);

/* Pointers into an arena (params, grads or optimiser state) for layer l. */
static inline float *net_w(const net *n, float *arena, int l) { return arena + n->w_off[l]; }
static inline float *net_b(const net *n, float *arena, int l) { return arena + n->b_off[l]; }
/* batchnorm gamma of hidden layer l (only with batchnorm). */
static inline float *net_gamma(const net *n, float *arena, int l) { return arena + n->g_off[l]; }
/* Running mean and variance of hidden layer l in a params arena (batchnorm). */
static inline float *net_run_mean(const net *n, float *params, int l)
{
    return params + n->rm_off[l];
}
static inline float *net_run_var(const net *n, float *params, int l)
{
    return params + n->rv_off[l];
}
/* Whether hidden layer l adds its input to its output. */
static inline bool net_has_skip(const net *n, int l)
{
    return n->cfg.residual && l >= 1 && l < n->cfg.depth;
}
/* The n_learned learned parameters of hidden layer l, in parameter order
 * (prelu: its slope).  Writable only if the arena is (as strchr). */
static inline float *net_lparams(const net *n, const float *arena, int l)
{
    return (float *)arena + n->lp_off + (size_t)l * (size_t)n->n_learned;
}

ab_status net_ws_create(net_ws *ws, const net *n, int cap, ab_err *err);
void net_ws_free(net_ws *ws);

typedef enum {
    NET_EVAL,   /* outputs only: f' is not computed; batchnorm uses running stats */
    NET_PROBE,  /* outputs and f', deterministic (rrelu: mean slope); batch stats */
    NET_TRAIN   /* outputs and f'; rrelu draws its slopes from rng; batch stats */
} net_mode;

/* Forward pass for B <= cap samples x (B x n_in): fills z, y, h, a (and fp
 * unless NET_EVAL; with batchnorm zhat, and mean and var in the
 * batch-statistics modes); the output layer's a holds class probabilities
 * (softmax) or sigmoid outputs.  rng is used only by NET_TRAIN with rrelu.
 * In the batch-statistics modes the B samples are normalised together, so
 * each sample's outputs depend on the others. */
void net_forward(const net *n, const float *params, net_ws *ws, const float *x, int B,
                 net_mode mode, rng_state *rng);

/* Folds the batch statistics of the last NET_TRAIN or NET_PROBE forward (B
 * samples) into params' running stats, as PyTorch: r = (1 - m) r + m s with
 * m = NET_BN_MOMENTUM and s the batch mean, or the unbiased batch variance
 * (with B = 1, which has none, the running variance is kept).  No-op
 * without batchnorm. */
void net_update_stats(const net *n, float *params, const net_ws *ws, int B);

/* Backward pass: with ws->dz[output] holding dL/dz of the output layer for
 * the B samples of the last forward (in a batch-statistics mode), adds
 * dL/dparams into grads (n_params floats; the state is not touched) and
 * leaves dL/dz of every layer in ws->dz. */
void net_backward(const net *n, const float *params, float *grads, net_ws *ws, const float *x,
                  int B);

/* The backward pass with a plain SGD step folded in: params -= lr dL/dparams
 * for every learned float, layer by layer as soon as its gradient is known
 * and used: W inside its weight-gradient product (C = W, alpha = -lr, beta =
 * 1), so that dW is never formed, and the biases, betas, gammas and slopes
 * from their gradients, which go to ws->lgrad just before.  No gradient
 * arena, nothing to clear.  Those are optim_step's SGD updates to the bit;
 * W's is W - lr (dz^T a) rounded once, where the gradient and then the
 * update were rounded apart.  Leaves dL/dz of every layer in ws->dz, as
 * net_backward. */
void net_backward_sgd(const net *n, float *params, net_ws *ws, const float *x, int B, float lr);

/* The three matrix products of one layer with in inputs, out outputs and W
 * (out x in) over B samples: the very gemm() calls net_forward and
 * net_backward make, exposed so that bench-gemm times them and not copies.
 * In gemm's terms C (m x n) = op(A) (m x k) op(B) (k x n), with m, n, k as
 * given after each. */
/* z (B x out) = a_prev (B x in) W^T: the forward product, before the bias.  m B, n out, k in */
void net_gemm_forward(float *z, const float *a_prev, const float *w, int B, int in, int out);
/* C (out x in) += alpha dz^T (out x B) a_prev (B x in): the weight gradient (C = dW, alpha
 * 1), or with plain SGD folded in the update (C = W, alpha -lr).  m out, n in, k B */
void net_gemm_weight_grad(float *c, const float *dz, const float *a_prev, int B, int in,
                          int out, float alpha);
/* da (B x in) = dz (B x out) W, or += with add (a skip's gradient already in da): the input
 * gradient.  m B, n in, k out */
void net_gemm_input_grad(float *da, const float *dz, const float *w, int B, int in, int out,
                         bool add);

#endif
