/* out.h - the run folder's CSV files, each written atomically: tidy long
 * format, header row, comma separated, '.' decimals, empty cell = no value. */
#ifndef ACTBENCH_OUT_H
#define ACTBENCH_OUT_H

#include <stdio.h>

#include "record.h"

ab_status out_write_loss(const char *dir, const run_record *recs, int n, ab_err *err);
ab_status out_write_layers(const char *dir, const run_record *recs, int n, ab_err *err);
ab_status out_write_summary(const char *dir, const run_record *recs, int n, ab_err *err);
/* hist.csv: each run's histograms (run_units), one row per bin: act, seed,
 * epoch, layer, kind (act, preact), bin_lo, bin_hi, count; the values
 * below the bins have an empty bin_lo, those above an empty bin_hi. */
ab_status out_write_hist(const char *dir, const run_record *recs, int n, ab_err *err);
/* dead_units.csv: one row per unit dead at a probe: act, seed, epoch,
 * layer, unit (0-based); a unit not listed at a probe of layers.csv was
 * alive there. */
ab_status out_write_dead_units(const char *dir, const run_record *recs, int n, ab_err *err);
/* regions.csv: act, seed, epoch, x1, x2 (a cell's centre, in the data's
 * coordinates) and the class predicted there (empty when the outputs were
 * not finite), for every record with decision regions on grid g. */
ab_status out_write_regions(const char *dir, const run_record *recs, int n,
                            const regions_grid *g, ab_err *err);
/* Writes train and test (the same features) to the file path as CSV that
 * data_load reads back as the same split, in the same order, to the bit: a
 * header "split,x1,..,xD,label", then a row per sample, "train" rows first,
 * then "test", every feature with 9 significant digits (a float's exact
 * value).  AB_ERUNTIME when path exists (it is not replaced) or cannot be
 * written; nothing is left half-written. */
ab_status out_write_data(const char *path, const data_set *train, const data_set *test,
                         ab_err *err);
/* f and f' of each activation on [-6, 6] in steps of 0.01. */
ab_status out_write_functions(const char *dir, const act_spec *acts, int n, ab_err *err);

/* Writes x with 9 significant digits, or nothing when it is not finite. */
void out_num(FILE *f, double x);
/* Writes s as a JSON string literal. */
void out_json_str(FILE *f, const char *s);
/* Writes s as a JSON string literal, or null when s is NULL. */
void out_json_str_or_null(FILE *f, const char *s);

#endif
