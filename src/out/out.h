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
/* f and f' of each activation on [-6, 6] in steps of 0.01. */
ab_status out_write_functions(const char *dir, const act_spec *acts, int n, ab_err *err);

/* Writes x with 9 significant digits, or nothing when it is not finite. */
void out_num(FILE *f, double x);
/* Writes s as a JSON string literal. */
void out_json_str(FILE *f, const char *s);
/* Writes s as a JSON string literal, or null when s is NULL. */
void out_json_str_or_null(FILE *f, const char *s);

#endif
