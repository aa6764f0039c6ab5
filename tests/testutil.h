/* testutil.h - helpers of the in-process network tests (test_net.c,
 * test_bn.c, test_reference.c): a network with its workspace, arenas and one
 * batch; its mean loss over the batch; the probe on the batch; and backprop
 * checked against finite differences.  Include after <cmocka.h>; failures
 * are cmocka assertions.  Independent of harness.h, whose run_result is not
 * src/run/train.h's. */
#ifndef ACTBENCH_TEST_TESTUTIL_H
#define ACTBENCH_TEST_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "net.h"
#include "probe.h"

typedef struct {
    net n;
    net_ws ws;     /* for up to batch samples */
    float *params; /* arena: the parameters (running statistics after them) */
    float *grads;  /* arena: their gradient */
    float *x;      /* the batch: batch x n_in inputs */
    int *y;        /* and its labels */
    int batch;
} tnet;

/* Creates the network of c with its workspace, zeroed arenas and batch. */
void tnet_create(tnet *t, const net_config *c, int batch);
/* tnet_create with act parsed into c's activation, then the usual draws of
 * the gradient tests: net_init with seed 42, every parameter times 1.5 (so
 * that no gradient is trivially small), learned parameter k of hidden layer
 * l at 0.1 + 0.1 l + 0.05 k,
 * inputs from N(0, 1) with seed 7 and labels i % classes. */
void tnet_setup(tnet *t, net_config c, const char *act, int batch);
void tnet_free(tnet *t);

/* What tnet_loss does besides the forward pass and the loss. */
enum {
    TNET_BACKWARD = 1, /* the gradient of the mean loss into grads (zeroed first) */
    TNET_STATS = 2     /* net_update_stats after the forward pass */
};
/* The mean loss of the batch through a forward pass in mode (rng: the draws
 * of NET_TRAIN, or NULL), with what flags ask. */
double tnet_loss(tnet *t, net_mode mode, rng_state *rng, unsigned flags);
/* steps training steps of plain SGD at lr on the batch through train.c's
 * train_step (the step of every epoch), starting from t's parameters, which
 * end as the last step left them: losses[s] is the mean loss of step s,
 * before its update.  rng: NET_TRAIN's draws (rrelu). */
void tnet_train_sgd(tnet *t, float lr, int steps, rng_state *rng, double *losses);
/* probe_measure on the batch as one chunk, into out (n_layers entries);
 * returns its loss. */
double tnet_probe(probe_layer *out, tnet *t);

/* Which parameter index i of n is ("W", "b", "beta", "gamma", "learned"). */
const char *param_kind(const net *n, size_t i);

/* Backprop against the 5-point central difference of tnet_loss in mode (in
 * double, from float forward passes) for every learned parameter of t.  With
 * kinked, the steps are 4e-3 instead of 1e-2 and a parameter whose steps move
 * some activation input across 0 is skipped.  Fails when a difference exceeds
 * 1e-6 / h + 2e-3 max(|fd|, |backprop|) (the float loss carries ~1e-7 of
 * rounding, which the stencil divides by h), and unless 3/4 of the
 * parameters (kinked: 1/4) were compared, half of those with a gradient above
 * 1e-6, the gammas and learned parameters (when the network has them) among
 * these.  label names the case in messages. */
void check_gradients(tnet *t, net_mode mode, bool kinked, const char *label);

#endif
