/* fuzz_xf.h - invariants of a loaded experiment file, shared by the
 * experiment-file and check-expression fuzz targets. */
#ifndef ACTBENCH_FUZZ_XF_H
#define ACTBENCH_FUZZ_XF_H

#include "expfile.h"

/* Aborts unless chk's expression is a tree over the pool: lhs and rhs
 * distinct roots, every node reached exactly once, children before their
 * parent, the arity its kind says, quantities naming an act of s and
 * filters naming a swept key and one of its values, rate() a swept key. */
void fz_check_expr(const xf_check *chk, const xf_setup *s);

/* Aborts unless e, as xf_load returned it successfully, holds what its
 * header promises: terminated strings, a claim 1..15, counts within their
 * limits, sweep texts that re-read as their values, at most 100000 runs, a
 * point numbering that round-trips, valid checks and plots. */
void fz_check_experiment(const experiment *e);

#endif
