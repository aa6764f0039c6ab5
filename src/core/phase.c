/* phase.c - the phase clock of bench-step (phase.h). */
#include "phase.h"

#include <string.h>

#include "sys.h"

const char *const phase_names[PHASE_COUNT] = {
    [PHASE_GATHER] = "gather",       [PHASE_FWD_GEMM] = "fwd_gemm",
    [PHASE_BIAS_ADD] = "bias_add",   [PHASE_ACT_F] = "act_f",
    [PHASE_ACT_DF] = "act_df",       [PHASE_LOSS] = "loss",
    [PHASE_GRAD_MUL] = "grad_mul",   [PHASE_WGRAD_GEMM] = "wgrad_gemm",
    [PHASE_BIAS_GRAD] = "bias_grad", [PHASE_IGRAD_GEMM] = "igrad_gemm",
    [PHASE_OPTIM] = "optim",
    [PHASE_OTHER] = "other",
};

void phase_reset(phase_clock *c)
{
    memset(c, 0, sizeof *c);
    phase_start(c);
}

void phase_start(phase_clock *c) { c->last = sys_now(); }

void phase_mark_(phase_clock *c, phase_id p)
{
    double t = sys_now();
    c->sec[p] += t - c->last;
    c->last = t;
}
