/* cfgjson.h - config.json, the effective configuration every output folder
 * carries (a run folder of the main command and an experiment folder alike):
 * the version and command, the folder kind's own members, the activations,
 * the data set as loaded, threads and jobs, the BLAS, memory, seconds and
 * every run.  Enough to regenerate any figure and repeat any run. */
#ifndef ACTBENCH_CFGJSON_H
#define ACTBENCH_CFGJSON_H

#include <stdio.h>

#include "runner.h"

typedef struct cfgjson_doc {
    int argc;                   /* the command as run */
    char *const *argv;
    const act_spec *acts;       /* the activations */
    int n_acts;
    const run_plan *plan;       /* the runs; NULL when nothing trained */
    const run_out *out;         /* what they measured (with plan) */
    int threads;                /* BLAS threads in all */
    double seconds;             /* the command's wall time so far */
    /* Writes the folder kind's own members, each as "  \"key\": value,\n",
     * right after "command"; NULL for none. */
    void (*members)(FILE *f, const struct cfgjson_doc *d);
    const void *ctx;            /* for members */
} cfgjson_doc;

/* Writes DIR/config.json atomically. */
ab_status cfgjson_write(const char *dir, const cfgjson_doc *d, ab_err *err);

#endif
