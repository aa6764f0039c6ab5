/* cmd_bench.h - the `bench-acts`, `bench-gemm` and `bench-step`
 * subcommands (measurements in bench_acts.h, bench_gemm.h and
 * bench_step.h).  Command-line entry points, called with
 * argv[0] the subcommand's name: they parse its options, measure, print a
 * table on stdout and return the exit status (0 ok, 1 runtime failure, 2
 * usage error); errors go to stderr as one line "actbench: <what>: <why>". */
#ifndef ACTBENCH_CMD_BENCH_H
#define ACTBENCH_CMD_BENCH_H

/* actbench bench-acts [--act LIST] [--elements N] [--repeats R] [--out DIR]
 *                     [--no-plot] [--quiet]: also writes the run folder */
int cmd_bench_acts(int argc, char **argv);

/* actbench bench-gemm --batch B --layers N0,...,NL [--repeats R] [--threads T] */
int cmd_bench_gemm(int argc, char **argv);

/* actbench bench-step [--act LIST] [--width LIST] [--depth N] [--batch N]
 *                     [--inputs N] [--outputs N] [--optimizer NAME] [--repeats R]
 *                     [--threads T] [--csv] */
int cmd_bench_step(int argc, char **argv);

#endif
