/* optim.c - parameter updates, following torch.optim's SGD (momentum,
 * dampening 0) and Adam (bias-corrected) so runs can be compared. */
#include "optim.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "vec.h"

ab_status optim_create(optim *o, opt_kind kind, float lr, size_t n, ab_err *err)
{
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->lr = lr;
    o->momentum = 0.9f;
    o->beta1 = 0.9f;
    o->beta2 = 0.999f;
    o->eps = 1e-8f;
    o->n = n;
    size_t nbuf = kind == OPT_ADAM ? 2 : kind == OPT_MOMENTUM ? 1 : 0;
    if (nbuf) {
        o->m = calloc(n * nbuf, sizeof(float));
        if (!o->m)
            return ab_fail(err, AB_ERUNTIME, "out of memory: optimiser state");
        o->v = nbuf == 2 ? o->m + n : NULL;
    }
    return AB_OK;
}

void optim_reset(optim *o)
{
    o->step = 0;
    if (o->m)
        memset(o->m, 0, o->n * (o->v ? 2 : 1) * sizeof(float));
}

/* One update of params from grads; with clear, each gradient is zeroed in
 * the same pass once it is used, which saves the training loop a separate
 * pass to clear them before the next backward.  Inlined into the two entry
 * points below, so that their vectorised clones get the loops. */
static inline __attribute__((always_inline)) void update(optim *o, float *params, float *grads,
                                                         bool clear)
{
    const size_t n = o->n;
    const float lr = o->lr;
    o->step++;
    switch (o->kind) {
    case OPT_SGD:
        for (size_t i = 0; i < n; i++) {
            params[i] -= lr * grads[i];
            if (clear)
                grads[i] = 0.0f;
        }
        break;
    case OPT_MOMENTUM: {
        /* torch: v = mu v + g (v = g on the first step), p -= lr v */
        const float mu = o->step == 1 ? 0.0f : o->momentum;
        float *v = o->m;
        for (size_t i = 0; i < n; i++) {
            v[i] = mu * v[i] + grads[i];
            params[i] -= lr * v[i];
            if (clear)
                grads[i] = 0.0f;
        }
        break;
    }
    case OPT_ADAM: {
        const float b1 = o->beta1, b2 = o->beta2;
        const double bc1 = 1.0 - pow(b1, (double)o->step);
        const double bc2 = 1.0 - pow(b2, (double)o->step);
        const float step = (float)(lr / bc1);
        const float inv_sqrt_bc2 = (float)(1.0 / sqrt(bc2));
        float *m = o->m, *v = o->v;
        for (size_t i = 0; i < n; i++) {
            m[i] = b1 * m[i] + (1.0f - b1) * grads[i];
            v[i] = b2 * v[i] + (1.0f - b2) * grads[i] * grads[i];
            params[i] -= step * m[i] / (sqrtf(v[i]) * inv_sqrt_bc2 + o->eps);
            if (clear)
                grads[i] = 0.0f;
        }
        break;
    }
    }
}

AB_VEC
void optim_step(optim *o, float *params, const float *grads)
{
    /* clear is false: grads is only read */
    update(o, params, (float *)grads, false);
}

AB_VEC
void optim_step_clear(optim *o, float *params, float *grads)
{
    update(o, params, grads, true);
}

void optim_free(optim *o)
{
    free(o->m);
    o->m = o->v = NULL;
}

const name_row optim_names[] = {
    {"sgd", OPT_SGD, NULL},
    {"momentum", OPT_MOMENTUM, NULL},
    {"adam", OPT_ADAM, NULL},
    {NULL, 0, NULL},
};

const char *optim_name(opt_kind k)
{
    return names_name(optim_names, (int)k);
}

double optim_default_lr(opt_kind k)
{
    static const double lr[] = {[OPT_SGD] = 0.1, [OPT_MOMENTUM] = 0.01, [OPT_ADAM] = 0.001};
    return lr[k];
}
