/* reproduce.h - the `run` and `reproduce` subcommands: experiment files in,
 * result folders, results/REPORT.md and verdicts.csv out.  These are
 * command-line entry points: they print and return an exit status. */
#ifndef ACTBENCH_REPRODUCE_H
#define ACTBENCH_REPRODUCE_H

/* actbench run FILE [--quick] [--out DIR] [--no-plot] [--quiet] */
int reproduce_run_main(int argc, char **argv);

/* actbench reproduce [--quick] [--out DIR] [--experiments DIR] [--only LIST]
 *                    [--expect FILE] [--no-plot] [--quiet] */
int reproduce_main(int argc, char **argv);

#endif
