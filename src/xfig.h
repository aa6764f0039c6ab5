/* xfig.h - an experiment's figure (its [plot] sections) from its results. */
#ifndef ACTBENCH_XFIG_H
#define ACTBENCH_XFIG_H

#include <stdbool.h>

#include "experiment.h"

/* Writes dir/plots/ID.gp for r's experiment (one panel per [plot]) and, with
 * render, runs gnuplot on it; sets r->figure.  Nothing when it has no plot. */
ab_status xfig_write(exp_result *r, const char *dir, bool render, ab_err *err);

#endif
