/* job.h - one invocation of the main command: load the data once, train every
 * activation x seed, write the run folder (CSV, config.json, plots). */
#ifndef ACTBENCH_JOB_H
#define ACTBENCH_JOB_H

#include "cli.h"

/* Runs the job o describes.  Progress and notes go to stderr unless quiet;
 * the summary table and the run folder's name to stdout unless quiet. */
ab_status job_run(const cli_opts *o, ab_err *err);

#endif
