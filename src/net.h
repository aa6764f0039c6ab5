/* net.h - fully connected network: one parameter arena, initialisation,
 * forward and backward over a batch on caller-owned workspaces.
 *
 * Layers are indexed 0..n_layers-1 here (hidden layers 0..depth-1, then the
 * output layer); the CSV files number them 1..depth+1.  Activations are
 * row-major batch x units.  W of layer l is fan_out x fan_in, row-major (the
 * PyTorch nn.Linear layout).  Nothing here allocates after net_create and
 * net_ws_create, and nothing touches files. */
#ifndef ACTBENCH_NET_H
#define ACTBENCH_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "act.h"
#include "rng.h"
#include "status.h"

#define NET_MAX_DEPTH 1024
#define NET_MAX_WIDTH 65536

typedef enum { OUT_SOFTMAX, OUT_SIGMOID } out_kind;

typedef struct {
    int n_in;          /* input features */
    int n_out;         /* classes for softmax; 1 for a sigmoid output */
    int depth;         /* hidden layers, >= 1 */
    int width;         /* units per hidden layer */
    act_spec act;      /* hidden activation */
    out_kind out;
    init_kind init;
    float init_std;    /* for INIT_NORMAL */
    float bias_init;   /* every hidden and output bias */
} net_config;

typedef struct {
    net_config cfg;
    int n_layers;       /* depth + 1 */
    int max_units;      /* widest layer including the input */
    int fan_in[NET_MAX_DEPTH + 1];
    int fan_out[NET_MAX_DEPTH + 1];
    size_t w_off[NET_MAX_DEPTH + 1];
    size_t b_off[NET_MAX_DEPTH + 1];
    size_t alpha_off;   /* prelu: one alpha per hidden layer here */
    size_t n_params;    /* floats in an arena */
} net;

/* Per-batch buffers for one network, for up to cap samples. */
typedef struct {
    int cap;
    float *z[NET_MAX_DEPTH + 1];   /* pre-activations, cap x fan_out */
    float *a[NET_MAX_DEPTH + 1];   /* activations (probabilities for the output) */
    float *dz[NET_MAX_DEPTH + 1];  /* dL/dz per sample */
    float *fp[NET_MAX_DEPTH];      /* f'(z) of hidden layers */
    float *da;                     /* scratch, cap x max_units */
    float *uni;                    /* rrelu: uniforms, cap x width */
    float *block;                  /* the one allocation behind all of these */
} net_ws;

/* Lays out the network for cfg.  AB_EUSAGE for sizes out of range. */
ab_status net_create(net *n, const net_config *cfg, ab_err *err);

/* Bytes one arena (params, grads or optimiser state) takes. */
size_t net_arena_bytes(const net *n);
/* Bytes a workspace with room for cap samples takes. */
size_t net_ws_bytes(const net *n, int cap);

/* Allocates a zeroed arena of n_params floats; NULL when out of memory. */
float *net_arena_alloc(const net *n);

/* Fills params: W with seeded normal draws scaled by the init scheme (the same
 * draws for every activation and scheme, for a given seed), biases with
 * bias_init, prelu alphas with their initial value. */
void net_init(const net *n, float *params, uint64_t seed);

/* Standard deviation the init scheme gives layer l. */
double net_init_std(const net *n, int l);

/* Pointers into an arena (params, grads or optimiser state) for layer l. */
static inline float *net_w(const net *n, float *arena, int l) { return arena + n->w_off[l]; }
static inline float *net_b(const net *n, float *arena, int l) { return arena + n->b_off[l]; }
/* prelu alpha of hidden layer l (only for learned activations). */
static inline float *net_alpha(const net *n, float *arena, int l)
{
    return arena + n->alpha_off + l;
}

ab_status net_ws_create(net_ws *ws, const net *n, int cap, ab_err *err);
void net_ws_free(net_ws *ws);

typedef enum {
    NET_EVAL,   /* outputs only: f'(z) is not computed */
    NET_PROBE,  /* outputs and f'(z), deterministic (rrelu: mean slope) */
    NET_TRAIN   /* outputs and f'(z); rrelu draws its slopes from rng */
} net_mode;

/* Forward pass for B <= cap samples x (B x n_in): fills z and a (and fp
 * unless NET_EVAL); the output layer's a holds class probabilities (softmax)
 * or sigmoid outputs.  rng is used only by NET_TRAIN with rrelu. */
void net_forward(const net *n, const float *params, net_ws *ws, const float *x, int B,
                 net_mode mode, rng_state *rng);

/* Backward pass: with ws->dz[output] holding dL/dz of the output layer for
 * the B samples of the last forward, adds dL/dparams into grads and leaves
 * dL/dz of every layer in ws->dz. */
void net_backward(const net *n, const float *params, float *grads, net_ws *ws, const float *x,
                  int B);

#endif
