/* par.h - several training runs at once: each in a forked child process with
 * its own BLAS threads, its result sent back to the parent in a compact binary
 * form through an unlinked temporary file.  Also the BLAS thread defaults and
 * peak-memory readings the command line and config.json use. */
#ifndef ACTBENCH_PAR_H
#define ACTBENCH_PAR_H

#include "train.h"

/* BLAS threads when --threads is not given into *out: OPENBLAS_NUM_THREADS
 * when it is set and not empty (then *from_env is true, when from_env is not
 * NULL), else the online cores (sysconf(_SC_NPROCESSORS_ONLN)) up to max.
 * AB_EUSAGE
 * "OPENBLAS_NUM_THREADS: 'abc' is not a whole number (accepted: 1..MAX)"
 * when it is not a whole number in 1..max: OpenBLAS would ignore or clamp it
 * without a word. */
ab_status par_default_threads(int *out, bool *from_env, int max, ab_err *err);
/* BLAS threads of each of jobs runs at once sharing threads: max(1, threads / jobs). */
int par_split_threads(int threads, int jobs);

/* Peak resident memory, in bytes, of this process (getrusage RUSAGE_SELF),
 * and of the largest child it has waited for (RUSAGE_CHILDREN; 0 for none). */
double par_peak_rss_self(void);
double par_peak_rss_children(void);
/* Resident memory of this process now (/proc/self/statm), in bytes; 0 when
 * unknown. */
double par_rss_now(void);

/* What par_train runs. */
typedef struct {
    const train_config *cfgs;   /* n runs */
    int n;
    int jobs;                   /* children at once, >= 1 */
    int threads;                /* BLAS threads of each child */
    const data_set *train, *test, *probe;
    /* Called in the child after run i trained, before its result goes back
     * (to write its weights, say); NULL for none.  A failure fails the run. */
    ab_status (*after)(void *ctx, int i, const run_result *r, ab_err *err);
    /* Called in the parent as each run's result arrives, in the order the
     * runs finish, with the count arrived so far; NULL for none. */
    void (*arrived)(void *ctx, int i, int n_arrived);
    void *ctx;
} par_plan;

/* Trains run i of p into res[i] for every i, at most p->jobs at once, each in
 * a child process that sets p->threads BLAS threads; res (n zeroed entries)
 * then owns every run's rows, to be freed with train_result_free.  The rows are exactly
 * what train_run returns in-process (without init_params/final_params: let
 * p->after use them in the child).  On the first run that fails (its
 * train_run or p->after fails, the child dies, or it cannot be started) the
 * others are stopped, every res[i] is freed, *failed is its index and err
 * holds its message (a dead child's signal, when it sent none). */
ab_status par_train(run_result *res, const par_plan *p, int *failed, ab_err *err);

#endif
