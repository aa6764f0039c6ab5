/* plan.h - a run plan: every training run one command asks for, and how to
 * run them.  The main command builds one from its options (job.c), an
 * experiment from its file and all its sweep points (experiment.c); the
 * runner (runner.h) executes any plan.  A plan holds no data and trains
 * nothing: it is a description. */
#ifndef ACTBENCH_PLAN_H
#define ACTBENCH_PLAN_H

#include <stdbool.h>

#include "data.h"
#include "record.h"
#include "train.h"

/* One training run. */
typedef struct {
    /* Complete but for cfg.net.n_in and cfg.net.n_out, which the runner sets
     * from the data set (n_out = 1 for a sigmoid output, else the classes),
     * and cfg.init_params, which it sets from load_weights. */
    train_config cfg;
    /* What the run's rows are labelled with: act (pointing into the plan's
     * acts), init, seed, depth and the sweep cells; the runner fills r and
     * the derived fields. */
    run_record rec;
    int act;          /* index of the activation in the plan's acts */
} plan_run;

typedef struct {
    data_spec data;          /* loaded once for every run */
    const act_spec *acts;    /* the activations, in the order of the files */
    int n_acts;
    plan_run *runs;          /* in the order of the files' rows */
    int n_runs;
    int jobs;                /* runs at once, each in a child process; 1 = in this one */
    int threads;             /* BLAS threads of each run, or with share_threads in all */
    /* What the main command leaves to the runner when it is not told (runner.h): */
    bool fit_jobs;           /* no -j: fewer than jobs at once when jobs would not fit in memory */
    bool share_threads;      /* no --threads (nor OPENBLAS_NUM_THREADS): threads shared among
                                the runs at once, and one for a small network */
    const char *load_weights; /* start every run from this folder's .npy files; NULL = draw */
    const char *save_weights; /* write every run's init/ and final/ .npy files here */
    /* Messages: "--" names sizes as the command line's flags ("--width 64"),
     * "" as an experiment file's keys ("width 64"). */
    const char *flag_prefix;
    /* Progress on stderr when it is a terminal, and warnings for diverged
     * runs, led by this ("actbench", or an experiment's id); NULL = silent. */
    const char *log_label;
    bool warn_diverged;
    /* Decision regions (regions.h) of the first run of every activation (at
     * every sweep point), for data with two features and at most
     * REGIONS_MAX_CLASSES classes (else none, without a word); with
     * regions_init at epoch 0 too. */
    bool regions;
    bool regions_init;
} run_plan;

/* Allocates n zeroed runs for p (p->runs, p->n_runs = n); false when out of
 * memory.  Free with plan_free. */
bool plan_alloc(run_plan *p, int n);
void plan_free(run_plan *p);

#endif
