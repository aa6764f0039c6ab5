/* figures.h - the standard figures of a run folder, built from the records
 * and handed to plot.c; one .gp (and .png with gnuplot) per figure. */
#ifndef ACTBENCH_FIGURES_H
#define ACTBENCH_FIGURES_H

#include <stdbool.h>

#include "figpool.h"
#include "record.h"

/* Lines grad_by_epoch draws in one panel at most: the palette's ten
 * colours, so each line has its own.  A deeper network shows a subset. */
#define FIGURES_LAYER_LINES 10

/* More lines than this in one panel of grad_by_layer, loss or functions
 * would be spaghetti: past it they are drawn as small multiples, a panel
 * (loss: a pair) per activation, all on the same axes. */
#define FIGURES_MAX_LINES 8

/* The figures, in the order figures_write writes them: grad_by_layer,
 * grad_by_epoch, loss, dead, saturation, functions, and, when an activation
 * learns parameters (prelu, a formula's ~parameters), FIGURES_LEARNED: each
 * learned parameter per hidden layer against epoch. */
#define FIGURES_LEARNED "learned"
extern const char *const figures_names[];
extern const int figures_n;

/* Builds the figure named name (one of figures_names) from recs, n records
 * ordered by activation then seed, of the n_acts activations acts (in that
 * order), into a new pool *out (free with figpool_free).  grad_by_epoch draws
 * every layer up to FIGURES_LAYER_LINES and otherwise that many of them: the
 * first, the last and evenly spaced between, as its title says.  On failure *out is NULL:
 * AB_EUSAGE for an unknown name, AB_ERUNTIME out of memory or for a panel of
 * more than PLOT_MAX_SERIES lines. */
ab_status figures_build(figpool **out, const char *name, const run_record *recs, int n,
                        const act_spec *acts, int n_acts, ab_err *err);

/* Writes dir/plots/NAME.gp for every figure and, when render is set, runs
 * gnuplot on each. */
ab_status figures_write(const char *dir, const run_record *recs, int n, const act_spec *acts,
                        int n_acts, bool render, ab_err *err);

#endif
