/* cmd_exp.h - the `run` and `reproduce` subcommands: experiment files in,
 * result folders, results/REPORT.md and verdicts.csv out.  These are
 * command-line entry points: they print and return an exit status. */
#ifndef ACTBENCH_CMD_EXP_H
#define ACTBENCH_CMD_EXP_H

/* actbench run FILE [--quick] [--out DIR] [--no-plot] [--quiet] */
int cmd_run(int argc, char **argv);

/* actbench reproduce [--quick] [--out DIR] [--experiments DIR] [--only LIST]
 *                    [--expect FILE] [--no-plot] [--quiet] */
int cmd_reproduce(int argc, char **argv);

#endif
