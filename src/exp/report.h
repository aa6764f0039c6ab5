/* report.h - the lecture-claims report.  Each experiment folder holds its
 * own share of it: verdict.csv (its verdicts, in the format of verdicts.csv),
 * report-row.md (its row of the summary table) and report.md (its section).
 * REPORT.md and verdicts.csv are assembled from every experiment folder
 * present, so `reproduce --only` that replaces some folders regenerates a
 * report of all of them.  Also the comparison with expected verdicts. */
#ifndef ACTBENCH_REPORT_H
#define ACTBENCH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "experiment.h"

#define REPORT_MAX_ROWS 64

/* One experiment's verdicts. */
typedef struct {
    char id[128];
    int claim;
    exp_verdict full, quick;
    bool has_full, has_quick;
} report_row;

/* Writes dir's share of the report for r: verdict.csv with r's verdict in
 * its mode (quick or full) and, when quick_v is not NULL, the quick verdict
 * too; report-row.md and report.md, whose figure link is ID/plots/... as
 * seen from the folder above dir. */
ab_status report_write_part(const char *dir, const exp_result *r, bool quick,
                            const exp_verdict *quick_v, ab_err *err);

/* An experiment that reproduce skipped because its data set is not
 * installed: it has no folder, and no verdict. */
typedef struct {
    const experiment *e;
    const char *why;      /* "fashion-mnist not installed: no IDX files in DIR" */
    const char *install;  /* "apt-get install dataset-fashion-mnist" */
} report_skip;

/* What REPORT.md's first lines say of the invocation that made it. */
typedef struct {
    const char *command;  /* "actbench reproduce --quick", as run */
    double seconds;       /* its wall time */
    int jobs;             /* its -j */
    bool quick;           /* its mode (the folders' when there are any) */
    const report_skip *skipped; /* n_skipped of them, in id order */
    int n_skipped;
} report_info;

/* Reads every folder of out that holds a verdict.csv (in name order) into
 * rows (room for REPORT_MAX_ROWS; *n of them), and writes out/REPORT.md and
 * out/verdicts.csv from them.  info's skipped experiments are rows of
 * REPORT.md's table with "skipped" for a verdict, said in its first lines and
 * listed in a section of their own with what installs their data; they are
 * not in verdicts.csv.  AB_ERUNTIME naming the file that cannot be read or is
 * malformed, or when there is neither a folder nor a skipped experiment. */
ab_status report_assemble(const char *out, const report_info *info, report_row *rows, int *n,
                          ab_err *err);

/* Reads every folder of out that holds a verdict.csv into rows (room for
 * REPORT_MAX_ROWS; *n of them) without writing anything; AB_ERUNTIME as
 * report_assemble. */
ab_status report_read_parts(const char *out, report_row *rows, int *n, ab_err *err);

/* Reads a verdicts.csv (or a folder's verdict.csv) into rows (room for
 * max), one row per experiment with its full and quick verdicts.
 * AB_EUSAGE naming the file and line when it is not one. */
ab_status report_read_verdicts(const char *path, report_row *rows, int max, int *n,
                               ab_err *err);

/* Compares the quick verdicts of got with those of expect, writing one line
 * "actbench: ID: ..." to log per difference: a verdict that differs, an
 * experiment expected but not run (unless only, when the others were not
 * meant to run), one run but not expected.  Returns the differences. */
int report_compare(const report_row *expect, int n_expect, const report_row *got, int n_got,
                   bool only, const char *expect_name, FILE *log);

#endif
