/* main.c - actbench's entry point: parse, dispatch, report errors. */
#include <stdio.h>

#include "actbench_version.h"
#include "cli.h"
#include "job.h"

int main(int argc, char **argv)
{
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
        st = job_run(&o, &err);
    if (st != AB_OK)
        fprintf(stderr, "actbench: %s\n", err.msg);
    return (int)st;
}
