/* cmd_main.h - the main command (actbench [OPTIONS]): load the data once, train every
 * activation x seed, write the run folder (CSV, config.json, plots). */
#ifndef ACTBENCH_CMD_MAIN_H
#define ACTBENCH_CMD_MAIN_H

/* actbench [OPTIONS] (cli.h), argv[0] the program: parses the options, runs
 * the job they describe (or prints --help, --version, --list-acts) and
 * returns the exit status (0 ok, 1 runtime failure, 2 usage error).
 * Progress and notes go to stderr and the summary table and the run
 * folder's name to stdout, unless --quiet; errors go to stderr as one line
 * "actbench: <what>: <why>". */
int cmd_main(int argc, char **argv);

#endif
