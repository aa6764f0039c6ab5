/* loss.h - softmax cross-entropy and binary cross-entropy on a batch. */
#ifndef ACTBENCH_LOSS_H
#define ACTBENCH_LOSS_H

#include "net.h"

typedef struct {
    double sum;    /* summed per-sample loss */
    int correct;   /* samples whose predicted class is the label */
} loss_tally;

/* For B samples with output probabilities p (B x k for softmax; B x 1 sigmoid
 * outputs, label 1 or 0) and labels y: adds the per-sample losses and correct
 * predictions to t.  If dz is non-NULL, sets dz = scale * dL_i/dz_i, i.e.
 * scale * (p - onehot(y)); use scale = 1/N for the mean over N samples.
 * z are the output pre-activations (used for a stable sigmoid BCE). */
void loss_eval(loss_tally *t, float *dz, const float *p, const float *z, const int *y, int B,
               int k, out_kind out, float scale);

#endif
