/* figures.h - the standard figures of a run folder, built from the records
 * and handed to plot.c; one .gp (and .png with gnuplot) per figure. */
#ifndef ACTBENCH_FIGURES_H
#define ACTBENCH_FIGURES_H

#include <stdbool.h>

#include "results.h"

/* Writes dir/plots/NAME.gp for every figure and, when render is set, runs
 * gnuplot on each.  recs hold n records ordered by activation then seed;
 * acts are the n_acts activations in that order. */
ab_status figures_write(const char *dir, const run_record *recs, int n, const act_spec *acts,
                        int n_acts, bool render, ab_err *err);

#endif
