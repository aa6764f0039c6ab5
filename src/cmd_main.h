/* cmd_main.h - the main command (actbench [OPTIONS]): load the data once, train every
 * activation x seed, write the run folder (CSV, config.json, plots). */
#ifndef ACTBENCH_CMD_MAIN_H
#define ACTBENCH_CMD_MAIN_H

#include "cli.h"

/* Runs the job o describes.  Progress and notes go to stderr unless quiet;
 * the summary table and the run folder's name to stdout unless quiet. */
ab_status cmd_main_run(const cli_opts *o, ab_err *err);

#endif
