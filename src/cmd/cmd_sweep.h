/* cmd_sweep.h - the main command's sweep: the settings given as comma lists
 * (--depth 2,4,6 --lr 0.01,0.1), whose every combination runs in one run
 * folder.  Its points are an experiment file's (xf_point, exp_key_cells), so
 * that the rows carry the same leading columns; its figures are an
 * experiment's figures (xfig.c) of a set-up without a claim, made here. */
#ifndef ACTBENCH_CMD_SWEEP_H
#define ACTBENCH_CMD_SWEEP_H

#include <stdbool.h>

#include "cli.h"
#include "expfile.h"
#include "runner.h"

/* Sweep figures draw a quantity against one swept setting with a line per
 * activation and per value of the other swept settings, as long as that
 * makes at most this many lines (the palette's colours); past it the other
 * settings stay at their first values, which the panel titles name. */
#define SWEEP_MAX_LINES 10

/* With at most this many sweep points the usual figures are drawn once per
 * point (NAME-pN, its title naming the point); with more, none are. */
#define SWEEP_MAX_POINT_FIGURES 24

/* Fills s with o's sweep as an experiment file's set-up holds one: n, v and
 * txt of every sweep key (one value for those not swept), the activations,
 * epochs, seeds and seed.  o must sweep (cli_sweeps) and so have at most
 * XF_MAX_ACTS activations. */
void sweep_setup(xf_setup *s, const cli_opts *o);

/* Sets the swept settings of c (a run of the main command, its activation
 * in c->net.act) to their values at sweep point idx of s: a swept init of
 * auto becomes the activation's usual scheme, and a swept optimizer brings
 * its own learning rate when --lr was not given. */
void sweep_apply(train_config *c, const xf_setup *s, const int *idx, const cli_opts *o);

/* Writes the sweep's figures into dir/plots: sweep_KEY for every swept key
 * (final accuracy and loss, grad_1/L and dead units against the key, or
 * against the activations for a key whose values are names: one figure for
 * all such keys when their lines fit SWEEP_MAX_LINES), and the usual
 * figures per point (see SWEEP_MAX_POINT_FIGURES; functions once); with
 * render, runs gnuplot on them.  out: the runs of the plan, point-major as
 * build_plan orders them; test: whether there is a test set (else the
 * training accuracy and loss are drawn). */
ab_status sweep_figures(const char *dir, const xf_setup *s, const run_out *out,
                        const cli_opts *o, bool test, bool render, ab_err *err);

#endif
