/* weights.h - a network's parameters as .npy files in one folder:
 * W<l>.npy (fan_out x fan_in, row-major float32, the nn.Linear layout),
 * b<l>.npy (fan_out) for l = 1..depth+1, and alpha<l>.npy (1) for the learned
 * prelu slope of hidden layer l. */
#ifndef ACTBENCH_WEIGHTS_H
#define ACTBENCH_WEIGHTS_H

#include "net.h"

/* Writes every parameter of params (an arena of n) into dir, creating it. */
ab_status weights_save(const char *dir, const net *n, const float *params, ab_err *err);

/* Reads dir's files into params.  A shape that does not match n is AB_EUSAGE
 * naming the file, its shape and the one the network needs; a missing or
 * corrupt file is AB_ERUNTIME.  Missing alpha files leave the alphas as
 * they are. */
ab_status weights_load(const char *dir, const net *n, float *params, ab_err *err);

#endif
