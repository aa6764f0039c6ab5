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
 * grad_by_epoch, loss, dead, saturation, functions, hist (each hidden
 * layer's histograms of activations and pre-activations at epoch 0 and the
 * last probe), FIGURES_DEAD_MAP when an activation's units can die
 * (run_units.can_die: unit x probe maps of dead units per hidden layer,
 * each such activation's first seed), and, when an activation learns
 * parameters (prelu, a formula's ~parameters), FIGURES_LEARNED: each
 * learned parameter per hidden layer against epoch.  hist and the dead map
 * show up to FIGURES_LAYER_LINES hidden layers, chosen as grad_by_epoch's. */
#define FIGURES_DEAD_MAP "dead_map"
#define FIGURES_LEARNED "learned"
/* With data of two features, FIGURES_REGIONS (before FIGURES_LEARNED): each
 * activation's decision regions (regions.h) over the input plane, for its
 * first seed, with the training and test points; the epoch-0 maps, when the
 * runs took them, in a row above the final ones. */
#define FIGURES_REGIONS "regions"

/* What the regions figure draws besides the records: the plane and the data
 * points as the networks saw them (standardised as the grid says). */
typedef struct {
    const regions_grid *grid;
    const data_set *train, *test;
} figures_plane;
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

/* figures_build with the plane the regions figure draws on (NULL: none, and
 * FIGURES_REGIONS is a figure without panels). */
ab_status figures_build_plane(figpool **out, const char *name, const run_record *recs, int n,
                              const act_spec *acts, int n_acts, const figures_plane *plane,
                              ab_err *err);

/* Whether the figure named name is drawn for recs[0..n): learned only where
 * an activation learns parameters, dead_map only where units can die,
 * regions only with decision regions on a plane of two features. */
bool figures_wanted(const char *name, const run_record *recs, int n, const act_spec *acts,
                    int n_acts, const figures_plane *plane);

/* Writes the figure built in p as dir/plots/NAME.gp, with its named x tics;
 * name and title, when not NULL, replace the pool's (a sweep point's
 * "loss-p3", its title naming the point). */
ab_status figures_write_pool(const char *dir, figpool *p, const char *name, const char *title,
                             ab_err *err);

/* Writes dir/plots/NAME.gp for every figure (FIGURES_REGIONS when the
 * records have regions and plane is given) and, when render is set, runs
 * gnuplot on each. */
ab_status figures_write(const char *dir, const run_record *recs, int n, const act_spec *acts,
                        int n_acts, const figures_plane *plane, bool render, ab_err *err);

#endif
