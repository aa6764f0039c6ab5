/* optim.h - SGD, SGD with momentum and Adam over flat parameter arrays. */
#ifndef ACTBENCH_OPTIM_H
#define ACTBENCH_OPTIM_H

#include <stddef.h>

#include "names.h"
#include "status.h"

typedef enum { OPT_SGD, OPT_MOMENTUM, OPT_ADAM } opt_kind;

typedef struct {
    opt_kind kind;
    float lr;
    float momentum;       /* OPT_MOMENTUM: 0.9 */
    float beta1, beta2;   /* OPT_ADAM: 0.9, 0.999 */
    float eps;            /* OPT_ADAM: 1e-8 */
    long step;
    size_t n;
    float *m;             /* velocity / first moment, n floats */
    float *v;             /* second moment, n floats */
} optim;

/* Sets the usual constants for kind and allocates zeroed state for n params. */
ab_status optim_create(optim *o, opt_kind kind, float lr, size_t n, ab_err *err);
/* Clears the state (as before the first step). */
void optim_reset(optim *o);
/* One update of params from grads (both n floats), PyTorch's formulas. */
void optim_step(optim *o, float *params, const float *grads);
/* The same update, and leaves grads all zero (a training loop's backward
 * adds into them): one pass instead of a step and a clearing memset. */
void optim_step_clear(optim *o, float *params, float *grads);
void optim_free(optim *o);
/* The optimisers' names: sgd, momentum, adam. */
extern const name_row optim_names[];
/* Name of an optimiser ("sgd", "momentum", "adam"). */
const char *optim_name(opt_kind k);
/* The learning rate used with k when none is given: 0.1 for sgd, 0.01 for
 * momentum, 0.001 for adam. */
double optim_default_lr(opt_kind k);

#endif
