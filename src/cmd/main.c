/* main.c - actbench's entry point: hands argv to the subcommand it names, or
 * to the main command. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "afile.h"
#include "cmd_bench.h"
#include "cmd_check.h"
#include "cmd_exp.h"
#include "cmd_main.h"
#include "gemm.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv); /* called with argv[0] = name */
} subcommands[] = {
    {"bench-acts", cmd_bench_acts},
    {"bench-gemm", cmd_bench_gemm},
    {"bench-step", cmd_bench_step},
    {"gradcheck", cmd_gradcheck},
    {"run", cmd_run},
    {"reproduce", cmd_reproduce},
};

int main(int argc, char **argv)
{
    /* an interrupted run leaves no temporary files behind */
    afile_clean_on_signals();
    /* a write past `ulimit -f` then fails with EFBIG and is reported like a
     * full disk, instead of killing the process with a .tmp file left */
    signal(SIGXFSZ, SIG_IGN);
    /* the worker threads OpenBLAS started at load would spin idle for about
     * 0.1 s of CPU; a command that wants several threads gets them back at
     * its first product that uses them */
    gemm_stop_threads();
    for (size_t i = 0; argc > 1 && i < sizeof subcommands / sizeof subcommands[0]; i++)
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return subcommands[i].run(argc - 1, argv + 1);
    /* anything else is the main command's options */
    return cmd_main(argc, argv);
}
