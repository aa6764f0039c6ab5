/* main.c - actbench's entry point: parse, dispatch, report errors. */
#include <stdio.h>
#include <string.h>

#include "actbench_version.h"
#include "afile.h"
#include "bench_acts.h"
#include "bench_gemm.h"
#include "cli.h"
#include "cmd_main.h"
#include "cmd_exp.h"

int main(int argc, char **argv)
{
    /* an interrupted run leaves no temporary files behind */
    afile_clean_on_signals();
    /* subcommands first; anything else is the main command's options */
    if (argc > 1 && strcmp(argv[1], "bench-acts") == 0)
        return bench_acts_main(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "bench-gemm") == 0)
        return bench_gemm_main(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "reproduce") == 0)
        return cmd_reproduce(argc - 1, argv + 1);
    cli_opts o;
    ab_err err = {{0}};
    ab_status st = cli_parse(&o, argc, argv, &err);
    if (st == AB_OK && o.help)
        return cli_usage(stdout), 0;
    if (st == AB_OK && o.version)
        return printf("actbench %s\n", ACTBENCH_VERSION), 0;
    if (st == AB_OK && o.list_acts)
        return cli_list_acts(stdout), 0;
    if (st == AB_OK)
        st = cmd_main_run(&o, &err);
    if (st != AB_OK)
        fprintf(stderr, "actbench: %s\n", err.msg);
    return (int)st;
}
