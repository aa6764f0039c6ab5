/* gradcheck.h - `actbench gradcheck`: an activation's f' against central
 * differences of its f, and its learned parameters' gradient against
 * central differences of a small network's loss.
 *
 * f' is checked on a dense grid over [-GC_RANGE, GC_RANGE] away from the
 * kinks (act_kinks), on both sides of every kink, and at each kink, where
 * f' must be one of the two one-sided values or between them (the value
 * chosen there, as PyTorch chooses: relu'(0) = 0, abs'(0) = 0).  The differences are fourth-order central ones with a
 * step of 1/64 (exact in float), taken in double over float evaluations of
 * f; a point passes when |f' - difference| <= GC_ATOL + GC_RTOL |difference|,
 * the tolerance the tests of every built-in use. */
#ifndef ACTBENCH_GRADCHECK_H
#define ACTBENCH_GRADCHECK_H

#include "act.h"
#include "status.h"

#define GC_RANGE 10.0
#define GC_ATOL 2e-4
#define GC_RTOL 1e-3
#define GC_UNITS 8    /* formulas and plugins: units 0..7 of a row are each checked */
#define GC_MAX_KINKS 4096    /* kinks listed (act_kinks' range) */
#define GC_MAX_IN_RANGE 1024 /* more kinks than this in the range: f' is not checked */

typedef struct {
    int points;          /* points of f' checked: grid, kink sides and kinks */
    int bad;             /* of them, out of tolerance */
    double worst;        /* the largest |f' - difference| - tolerance seen (<= 0: all pass) */
    double worst_z;      /* where */
    double worst_df, worst_fd;  /* f' there, and the difference */
    const char *worst_kind;     /* "grid", "left of a kink", "right of a kink", "at a kink" */
    int worst_unit;             /* the unit of a row (formulas and plugins: 0..GC_UNITS-1) */
    int n_params;        /* learned parameters checked (per hidden layer of the network) */
    int bad_params;
    double param_worst;  /* the largest relative gradient error of a learned parameter */
    int param_layer;     /* where (1-based hidden layer) */
    const char *param_name; /* and which parameter */
    int n_weights;       /* formulas and plugins: the network's weights and biases checked */
    int bad_weights;
    double weight_worst; /* the largest |got - difference| - GN_RTOL |difference| */
    int weight_layer;    /* where (1-based layer) */
    bool weight_is_bias;
    double weight_got, weight_fd;
    int too_many_kinks;  /* > 0: this many kinks or more, f' not checked (points = 0); the
                            network checks are made still */
    double param_got, param_fd;
} gradcheck_result;

/* Checks a; fills r.  AB_ERUNTIME when memory is short; a mismatch is not an
 * error but r->bad or r->bad_params > 0. */
ab_status gradcheck_act(gradcheck_result *r, const act_spec *a, ab_err *err);

/* The check made before training: gradcheck_act on every formula and plugin
 * of acts (built-ins are checked by the tests); AB_EUSAGE naming the first
 * whose f', learned gradient or network gradient is wrong, and where.  warn
 * (warn_size bytes) gets a line for the caller to print when one could not
 * be checked (too many kinks), else "". */
ab_status gradcheck_before_training(const act_spec *acts, int n, char *warn, size_t warn_size,
                                    ab_err *err);

#endif
