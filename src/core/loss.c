/* loss.c - losses and their gradients with respect to the output layer's
 * pre-activations. */
#include "loss.h"

#include <math.h>

void loss_eval(loss_tally *t, float *dz, const float *p, const float *z, const int *y, int B,
               int k, out_kind out, float scale)
{
    if (out == OUT_SIGMOID) {
        for (int s = 0; s < B; s++) {
            float target = y[s] ? 1.0f : 0.0f;
            /* BCE with logits: max(z,0) - z t + log(1 + e^-|z|) */
            double zz = z[s];
            t->sum += fmax(zz, 0.0) - zz * target + log1p(exp(-fabs(zz)));
            t->correct += (p[s] > 0.5f) == (y[s] != 0);
            if (dz)
                dz[s] = scale * (p[s] - target);
        }
        return;
    }
    for (int s = 0; s < B; s++) {
        const float *pr = p + (size_t)s * k;
        const float *zr = z + (size_t)s * k;
        int best = 0;
        for (int j = 1; j < k; j++)
            if (pr[j] > pr[best])
                best = j;
        t->correct += best == y[s];
        /* -log softmax(z)_y = logsumexp(z) - z_y, in double for stability */
        double m = zr[0];
        for (int j = 1; j < k; j++)
            m = zr[j] > m ? zr[j] : m;
        double se = 0.0;
        for (int j = 0; j < k; j++)
            se += exp(zr[j] - m);
        t->sum += m + log(se) - zr[y[s]];
        if (dz) {
            float *dr = dz + (size_t)s * k;
            for (int j = 0; j < k; j++)
                dr[j] = scale * (pr[j] - (j == y[s] ? 1.0f : 0.0f));
        }
    }
}
