/* weights.h - a network's parameters as .npy files in one folder:
 * W<l>.npy (fan_out x fan_in, row-major float32, the nn.Linear layout),
 * b<l>.npy (fan_out) for l = 1..depth+1, and NAME<l>.npy (1) for each
 * learned parameter NAME of the activation in hidden layer l (prelu's
 * alpha, a formula's ~parameters).  With batchnorm, hidden layer l's b<l>.npy
 * holds its beta (BatchNorm1d.bias; the linear layer has no bias), and
 * gamma<l>.npy, running_mean<l>.npy, running_var<l>.npy (width) hold
 * BatchNorm1d's weight, running_mean and running_var. */
#ifndef ACTBENCH_WEIGHTS_H
#define ACTBENCH_WEIGHTS_H

#include "net.h"

/* Writes every parameter of params (an arena of n) into dir, creating it. */
ab_status weights_save(const char *dir, const net *n, const float *params, ab_err *err);

/* Reads dir's files into params.  A shape that does not match n is AB_EUSAGE
 * naming the file, its shape and the one the network needs (checked before
 * its data is read); a missing or corrupt file, a NaN or infinite value or a
 * negative running_var is AB_ERUNTIME naming the file.  A learned parameter's missing files leave
 * it as it is (one folder can start every activation of a run).  A batchnorm network needs its gamma and running-stat files
 * (AB_EUSAGE when gamma1.npy is missing); a network without batchnorm
 * refuses a folder that has gamma1.npy (AB_EUSAGE). */
ab_status weights_load(const char *dir, const net *n, float *params, ab_err *err);

#endif
