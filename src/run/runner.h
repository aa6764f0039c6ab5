/* runner.h - executes a run plan: the memory check (before any folder is
 * made or a large data set is read), the data set loaded once, the probe
 * set, every run in order or -j at once in child processes (the same
 * numbers either way), progress and diverged runs.  Returns the records;
 * the command writes its own files from them. */
#ifndef ACTBENCH_RUNNER_H
#define ACTBENCH_RUNNER_H

#include "plan.h"
#include "regions.h"
#include "stage.h"

/* What a plan's execution measured, and the facts config.json records. */
typedef struct {
    run_record *recs;        /* n: the plan's runs, in its order, with r and summaries */
    int n;
    data_set train, test;    /* as loaded (standardised, split) */
    data_set probe;          /* the fixed probe set drawn from train */
    int jobs;                /* runs at once, as run (at most the runs) */
    int threads;             /* BLAS threads of each run, as run */
    double estimate;         /* bytes: estimated peak of all processes together */
    double run_bytes;        /* bytes: estimated buffers of the largest run */
    double available;        /* bytes available when the runs started */
    double seconds;          /* wall time of runner_run */
    stage_dir weights;       /* save_weights, staged until runner_commit */
    regions_grid regions;    /* with p->regions and 2-D data: the plane (else in NULL) */
} run_out;

/* Called once the checks have passed and the data is loaded, before any
 * run trains: where a command makes its (staging) folder, so that nothing
 * is made for a plan that is refused.  A failure stops the plan. */
typedef ab_status (*runner_ready_fn)(void *ctx, const run_out *out, ab_err *err);

/* Runs every run of p into out (free with runner_out_free, also after a
 * failure).  The runs go p->jobs at once (at most the runs), or with
 * p->fit_jobs as many of those as fit in the memory available; each with
 * p->threads BLAS threads, or with p->share_threads max(1, p->threads / runs
 * at once), and one when its network is at or below the one-thread rule of
 * train.h (out->jobs and out->threads say what ran).  AB_EUSAGE for runs
 * too large for the memory available (with fit_jobs, even one at a time)
 * ("--width 65536 x --depth 1000 x --batch 32: needs about ...") or a
 * sigmoid output on data with other than two classes; AB_ERUNTIME for data
 * that cannot be read, out of memory, or a run that failed (its message led
 * by "ACT seed N: ", and "(-j N)" under -j). */
ab_status runner_run(run_out *out, const run_plan *p, runner_ready_fn ready, void *ctx,
                     ab_err *err);

/* Puts the staged save_weights folder of a successful runner_run in place
 * (nothing without one): the command calls it once its own folder is in
 * place, so that a command that fails leaves the earlier weights too. */
ab_status runner_commit(run_out *out, const run_plan *p, ab_err *err);

/* Frees out; a weights folder not committed is removed. */
void runner_out_free(run_out *out);


#endif
