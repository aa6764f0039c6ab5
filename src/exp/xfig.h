/* xfig.h - an experiment's figure (its [plot] sections) from its results. */
#ifndef ACTBENCH_XFIG_H
#define ACTBENCH_XFIG_H

#include <stdbool.h>

#include "experiment.h"
#include "figpool.h"

/* Builds r's experiment figure, one panel per [plot], into a new pool *out
 * (free with figpool_free): against a key or act, a quantity's mean over
 * seeds with the min..max band; against layer or epoch, a column of
 * layers.csv or loss.csv likewise.  On failure *out is NULL: AB_EUSAGE for a
 * y that is no column, AB_ERUNTIME out of memory or for a panel of more than
 * PLOT_MAX_SERIES lines.  An experiment without plots gives a figure of no
 * panels. */
ab_status xfig_build(figpool **out, const exp_result *r, ab_err *err);

/* Refuses, before anything runs, an experiment whose figure would have a
 * panel of more than PLOT_MAX_SERIES lines (AB_EUSAGE naming the [plot]). */
ab_status xfig_check(const experiment *e, ab_err *err);

/* Writes dir/plots/ID.gp for r's experiment (one panel per [plot]) and, with
 * render, runs gnuplot on it; sets r->figure.  Nothing when it has no plot. */
ab_status xfig_write(exp_result *r, const char *dir, bool render, ab_err *err);

#endif
