/* report.c - each experiment folder's share of the report, REPORT.md and
 * verdicts.csv assembled from the folders present, expected verdicts. */
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "actbench_version.h"
#include "afile.h"
#include "gemm.h"
#include "sys.h"

/* Measured summary of one check for the table: the value, or the range of
 * values over the points, with how many points hold. */
static void summary_cell(char *out, size_t n, const exp_result *r, int c)
{
    const exp_check_result *cr = &r->checks[c];
    char a[32], b[32];
    if (cr->n_total == 1) {
        const exp_check_point *p = &cr->pts[0];
        exp_fmt(a, sizeof a, p->lhs);
        if (r->e->setup.seeds > 1 && r->e->setup.kind == XF_TRAIN) {
            char lo[32], hi[32];
            exp_fmt(lo, sizeof lo, p->lhs_min);
            exp_fmt(hi, sizeof hi, p->lhs_max);
            snprintf(out, n, "%s (%s to %s)", a, lo, hi);
        } else {
            snprintf(out, n, "%s", a);
        }
        return;
    }
    double lo = INFINITY, hi = -INFINITY;
    int nan = 0;
    for (int i = 0; i < cr->n_pts; i++) {
        double v = cr->pts[i].lhs;
        if (!isfinite(v)) {
            nan++;
            continue;
        }
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    exp_fmt(a, sizeof a, lo);
    exp_fmt(b, sizeof b, hi);
    if (nan == cr->n_pts)
        snprintf(out, n, "n/a; holds at 0 of %d points", cr->n_total);
    else if (nan)
        snprintf(out, n, "%s to %s, n/a at %d; holds at %d of %d points", a, b, nan, cr->n_hold,
                 cr->n_total);
    else
        snprintf(out, n, "%s to %s; holds at %d of %d points", a, b, cr->n_hold, cr->n_total);
}

/* Markdown-safe copy: '|' would end a table cell. */
static void md(FILE *f, const char *s)
{
    for (; *s; s++)
        if (*s == '|')
            fputs("\\|", f);
        else
            fputc(*s, f);
}

static void report_details(FILE *f, const exp_result *r, const char *sub)
{
    const experiment *e = r->e;
    const xf_setup *s = &e->setup;
    fprintf(f, "\n### Claim %d: %s (`%s`)\n\n", e->claim, e->title, e->id);
    fprintf(f, "> %s\n\nSource: %s\n\n", e->text, e->source);
    if (s->kind == XF_TRAIN) {
        fprintf(f, "Set-up: activations");
        for (int a = 0; a < s->n_acts; a++)
            fprintf(f, "%s %s", a ? "," : "", s->acts[a].label);
        fprintf(f, "; data %s; %d epochs; %d seed%s", s->data, s->epochs, s->seeds,
                s->seeds > 1 ? "s (values are means, ranges are min to max over seeds)" : "");
        for (int k = 0; k < XF_N_KEYS; k++) {
            fprintf(f, "; %s ", xf_key_names[k]);
            for (int j = 0; j < s->n[k]; j++)
                fprintf(f, "%s%s", j ? ", " : "", s->txt[k][j]);
        }
        fprintf(f, ".\n\n");
    } else {
        fprintf(f, "Set-up: bench-acts over %ld elements, median of %d repeats.\n\n",
                s->elements, s->repeats);
    }
    fprintf(f, "| check | criterion | at | measured | holds |\n|---|---|---|---|---|\n");
    for (int c = 0; c < e->n_checks; c++) {
        const exp_check_result *cr = &r->checks[c];
        for (int i = 0; i < cr->n_pts; i++) {
            const exp_check_point *p = &cr->pts[i];
            exp_point_str ps;
            exp_point_format(&ps, p);
            fprintf(f, "| %s | ", i ? "" : e->checks[c].name);
            if (!i) {
                md(f, e->checks[c].what);
                fputs(": `", f);
                md(f, e->checks[c].test);
                fputs("`", f);
            }
            fprintf(f, " | %s | %s", p->point[0] ? p->point : "-", ps.v);
            if (s->seeds > 1 && s->kind == XF_TRAIN)
                fprintf(f, " (%s to %s)", ps.lo, ps.hi);
            fprintf(f, " vs %s", ps.rhs);
            if (p->diverged)
                fprintf(f, " (%d diverged run%s)", p->diverged, p->diverged > 1 ? "s" : "");
            fprintf(f, " | %s |\n", p->holds ? "yes" : "no");
        }
        if (cr->n_total > cr->n_pts)
            fprintf(f, "| | (%d more points in checks.csv) | | | |\n", cr->n_total - cr->n_pts);
    }
    fprintf(f, "\nVerdict: **%s**.\n", exp_verdict_name(r->verdict));
    /* a PDF is not an image a Markdown viewer shows: linked instead */
    size_t fl = strlen(r->figure);
    bool pdf = fl > 4 && strcmp(r->figure + fl - 4, ".pdf") == 0;
    if (r->figure[0])
        fprintf(f, "\n%s[Claim %d: %s](%s/%s)\n", pdf ? "Figure: " : "!", e->claim, e->title,
                sub, r->figure);
}


/* ---- an experiment folder's share ---- */

/* The summary table's first columns of x: claim, title, source, checks. */
static void row_head_md(FILE *f, const experiment *x)
{
    fprintf(f, "| %d | ", x->claim);
    md(f, x->title);
    fputs(" | ", f);
    md(f, x->source);
    fputs(" | ", f);
    for (int c = 0; c < x->n_checks; c++) {
        fputs(c ? "<br>" : "", f);
        fputs("`", f);
        md(f, x->checks[c].test);
        fputs("`", f);
    }
}

/* The summary table's row of r, without the quick column. */
static void report_row_md(FILE *f, const exp_result *r)
{
    const experiment *x = r->e;
    row_head_md(f, x);
    fputs(" | ", f);
    for (int c = 0; c < x->n_checks; c++) {
        char cell[200];
        summary_cell(cell, sizeof cell, r, c);
        fprintf(f, "%s%s (%s)", c ? "<br>" : "", cell, exp_outcome_name(r->checks[c].outcome));
    }
    fprintf(f, " | **%s** |\n", exp_verdict_name(r->verdict));
}

static const char verdicts_head[] = "experiment,claim,mode,verdict";

ab_status report_write_part(const char *dir, const exp_result *r, bool quick,
                            const exp_verdict *quick_v, ab_err *err)
{
    const experiment *e = r->e;
    afile a;
    ab_status st = afile_open_in(&a, dir, "verdict.csv", err);
    if (st != AB_OK)
        return st;
    fprintf(a.f, "%s\n%s,%d,%s,%s\n", verdicts_head, e->id, e->claim, quick ? "quick" : "full",
            exp_verdict_name(r->verdict));
    if (quick_v && !quick)
        fprintf(a.f, "%s,%d,quick,%s\n", e->id, e->claim, exp_verdict_name(*quick_v));
    if ((st = afile_commit(&a, err)) != AB_OK ||
        (st = afile_open_in(&a, dir, "report-row.md", err)) != AB_OK)
        return st;
    report_row_md(a.f, r);
    if ((st = afile_commit(&a, err)) != AB_OK ||
        (st = afile_open_in(&a, dir, "report.md", err)) != AB_OK)
        return st;
    report_details(a.f, r, e->id);
    return afile_commit(&a, err);
}

/* ---- reading verdicts ---- */

static report_row *row_of(report_row *rows, int *n, int max, const char *id)
{
    for (int i = 0; i < *n; i++)
        if (!strcmp(rows[i].id, id))
            return &rows[i];
    if (*n == max)
        return NULL;
    report_row *r = &rows[(*n)++];
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%s", id);
    return r;
}

/* One data line "id,claim,mode,verdict" into rows; false when malformed. */
static bool read_verdict_line(char *line, report_row *rows, int max, int *n)
{
    char *save = NULL, *id = strtok_r(line, ",", &save), *claim = strtok_r(NULL, ",", &save),
         *mode = strtok_r(NULL, ",", &save), *v = strtok_r(NULL, ",", &save);
    if (!id || !claim || !mode || !v || strtok_r(NULL, ",", &save) || strlen(id) >= 128)
        return false;
    char *end;
    long c = strtol(claim, &end, 10);
    int known = -1;
    for (int k = EXP_REPRODUCED; k <= EXP_NOT_REPRODUCED; k++)
        if (!strcmp(v, exp_verdict_name((exp_verdict)k)))
            known = k;
    bool quick = !strcmp(mode, "quick");
    if (*end || c < 0 || c > 1000 || known < 0 || (!quick && strcmp(mode, "full")))
        return false;
    report_row *r = row_of(rows, n, max, id);
    if (!r)
        return false;
    r->claim = (int)c;
    if (quick)
        r->quick = (exp_verdict)known, r->has_quick = true;
    else
        r->full = (exp_verdict)known, r->has_full = true;
    return true;
}

ab_status report_read_verdicts(const char *path, report_row *rows, int max, int *n,
                               ab_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return ab_fail(err, AB_EUSAGE, "%s: cannot open: %s", path, strerror(errno));
    char line[512];
    int ln = 0;
    ab_status st = AB_OK;
    *n = 0;
    while (st == AB_OK && fgets(line, sizeof line, f)) {
        ln++;
        line[strcspn(line, "\r\n")] = '\0';
        if (ln == 1 && strcmp(line, verdicts_head))
            st = ab_fail(err, AB_EUSAGE, "%s: not a verdicts.csv (header %s)", path,
                         verdicts_head);
        else if (ln > 1) {
            char copy[sizeof line];
            memcpy(copy, line, sizeof copy);
            if (!read_verdict_line(line, rows, max, n))
                st = ab_fail(err, AB_EUSAGE, "%s:%d: '%.100s': expected ID,CLAIM,MODE,VERDICT "
                             "with MODE full or quick and VERDICT one of reproduced, partly, "
                             "not reproduced (at most %d experiments)", path, ln, copy, max);
        }
    }
    fclose(f);
    return st;
}

int report_compare(const report_row *expect, int n_expect, const report_row *got, int n_got,
                   bool only, const char *expect_name, FILE *log)
{
    int differ = 0;
    for (int i = 0; i < n_expect; i++) {
        if (!expect[i].has_quick)
            continue;
        int j = 0;
        while (j < n_got && strcmp(expect[i].id, got[j].id))
            j++;
        if (j == n_got) {
            /* with --only, the others were not meant to run */
            if (!only && ++differ)
                fprintf(log, "actbench: %s: in %s but not run\n", expect[i].id, expect_name);
        } else if (got[j].has_quick && expect[i].quick != got[j].quick && ++differ) {
            fprintf(log, "actbench: %s: quick verdict is '%s', %s records '%s'\n", got[j].id,
                    exp_verdict_name(got[j].quick), expect_name,
                    exp_verdict_name(expect[i].quick));
        }
    }
    for (int j = 0; j < n_got; j++) {
        int i = 0;
        while (i < n_expect && (strcmp(expect[i].id, got[j].id) || !expect[i].has_quick))
            i++;
        if (i == n_expect && ++differ)
            fprintf(log, "actbench: %s: no quick verdict recorded in %s\n", got[j].id,
                    expect_name);
    }
    return differ;
}

/* ---- REPORT.md and verdicts.csv ---- */

static bool has_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Every folder of out with a verdict.csv, in name order, into names (room
 * for REPORT_MAX_ROWS of 256 bytes); returns the count or -1 with err. */
static int part_folders(char names[][256], const char *out, ab_err *err)
{
    struct dirent **ents;
    int n_ents = scandir(out, &ents, NULL, alphasort), n = 0;
    if (n_ents < 0) {
        ab_fail(err, AB_ERUNTIME, "%s: cannot read: %s", out, strerror(errno));
        return -1;
    }
    for (int i = 0; i < n_ents; i++) {
        char path[4096];
        const char *d = ents[i]->d_name;
        if (d[0] != '.' && strlen(d) < 256 &&
            (size_t)snprintf(path, sizeof path, "%s/%s/verdict.csv", out, d) < sizeof path &&
            has_file(path)) {
            if (n == REPORT_MAX_ROWS) {
                ab_fail(err, AB_ERUNTIME, "%s: more than %d experiment folders", out,
                        REPORT_MAX_ROWS);
                n = -1;
                break;
            }
            snprintf(names[n++], 256, "%s", d);
        }
    }
    for (int i = 0; i < n_ents; i++)
        free(ents[i]);
    free(ents);
    return n;
}

/* Copies the file at out/sub/name into f; with row, its one line with the
 * quick column appended (quick NULL: "-"). */
static ab_status copy_part(FILE *f, const char *out, const char *sub, const char *name,
                           bool row, const char *quick, ab_err *err)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s/%s", out, sub, name) >= sizeof path)
        return ab_fail(err, AB_ERUNTIME, "%s/%s: path too long", out, sub);
    FILE *in = fopen(path, "r");
    if (!in)
        return ab_fail(err, AB_ERUNTIME, "%s: cannot open: %s", path, strerror(errno));
    char buf[8192];
    size_t got;
    if (!row) {
        while ((got = fread(buf, 1, sizeof buf, in)) > 0)
            fwrite(buf, 1, got, f);
    } else if (fgets(buf, sizeof buf, in)) {
        buf[strcspn(buf, "\n")] = '\0';
        fprintf(f, "%s%s%s%s\n", buf, quick ? " " : "", quick ? quick : "", quick ? " |" : "");
    }
    bool bad = ferror(in);
    fclose(in);
    return bad ? ab_fail(err, AB_ERUNTIME, "%s: cannot read", path) : AB_OK;
}

/* The summary table's row of a skipped experiment, in the columns of
 * report_row_md (and the quick column when not quick). */
static void skip_row_md(FILE *f, const report_skip *k, bool quick)
{
    row_head_md(f, k->e);
    fputs(" | not run: ", f);
    md(f, k->why);
    fprintf(f, " | **skipped** |%s\n", quick ? "" : " skipped |");
}

/* The section that lists the skipped experiments and what installs their
 * data. */
static void skip_section(FILE *f, const report_info *info)
{
    fprintf(f, "\n## Skipped: data set not installed\n\n"
               "These experiments did not run, so their claims were not checked. Install "
               "the data set, or give the folder of its files with `--data-dir DIR`, and run "
               "`actbench reproduce --only ID`.\n\n| experiment | claim | why | install |\n"
               "|---|---|---|---|\n");
    for (int i = 0; i < info->n_skipped; i++) {
        const report_skip *k = &info->skipped[i];
        fprintf(f, "| `%s` | %d | ", k->e->id, k->e->claim);
        md(f, k->why);
        fputs(" | `", f);
        md(f, k->install);
        fputs("` |\n", f);
    }
}

static void report_head(FILE *f, const report_info *info, bool quick)
{
    char mach[400];
    sys_machine(mach, sizeof mach);
    fprintf(f, "# The lecture claims about activation functions, measured\n\n");
    fprintf(f, "Produced by actbench %s with `%s` (%s mode: %s) on %s, BLAS %s with %d thread "
               "per run and %d run%s at once, in %.0f s. Each claim's experiment file is in "
               "`experiments/`; each folder here holds its CSV files, `checks.csv`, "
               "`config.json` and the figure's gnuplot script.\n\n",
            ACTBENCH_VERSION, info->command, quick ? "quick" : "full",
            quick ? "each file's [quick] epochs and seeds" : "each file's [setup] epochs and seeds",
            mach, gemm_library(), EXP_BLAS_THREADS, info->jobs, info->jobs == 1 ? "" : "s",
            info->seconds);
    fprintf(f, "A check holds when the mean over seeds satisfies its criterion at every "
               "point of the sweep it ranges over. A claim is *reproduced* when all its "
               "checks hold, *not reproduced* when none does, and *partly* otherwise. "
               "Set-ups were fixed before the runs and are not tuned to pass.%s\n\n",
            quick ? "" : " The quick column gives the verdicts of `actbench reproduce "
                         "--quick` (fewer epochs and seeds, same criteria), which CI runs "
                         "and compares with this column.");
    if (info->n_skipped)
        fprintf(f, "**%d experiment%s skipped**, %s data set not being installed: %s claim%s "
                   "not checked (see \"Skipped\" below).\n\n", info->n_skipped,
                info->n_skipped > 1 ? "s were" : " was", info->n_skipped > 1 ? "their" : "its",
                info->n_skipped > 1 ? "their" : "its", info->n_skipped > 1 ? "s were" : " was");
    fprintf(f, "| # | claim | source | criterion | measured | verdict |%s\n",
            quick ? "" : " quick |");
    fprintf(f, "|---|---|---|---|---|---|%s\n", quick ? "" : "---|");
}

static ab_status write_report(const char *out, const report_info *info, char names[][256],
                              const report_row *rows, int n, ab_err *err)
{
    bool quick = info->quick;
    afile a;
    ab_status st = afile_open_in(&a, out, "REPORT.md", err);
    if (st != AB_OK)
        return st;
    report_head(a.f, info, quick);
    /* the folders' rows and the skipped ones, merged in id order */
    int k = 0;
    for (int i = 0; i <= n && st == AB_OK; i++) {
        for (; k < info->n_skipped && (i == n || strcmp(info->skipped[k].e->id, rows[i].id) < 0);
             k++)
            skip_row_md(a.f, &info->skipped[k], quick);
        if (i == n)
            break;
        const char *q = rows[i].has_quick ? exp_verdict_name(rows[i].quick) : "-";
        st = copy_part(a.f, out, names[i], "report-row.md", true, quick ? NULL : q, err);
    }
    if (info->n_skipped)
        skip_section(a.f, info);
    fprintf(a.f, "\n## The claims one by one\n");
    for (int i = 0; i < n && st == AB_OK; i++)
        st = copy_part(a.f, out, names[i], "report.md", false, NULL, err);
    if (st != AB_OK) {
        afile_abort(&a);
        return st;
    }
    return afile_commit(&a, err);
}

static ab_status write_verdicts(const char *out, const report_row *rows, int n, ab_err *err)
{
    afile a;
    ab_status st = afile_open_in(&a, out, "verdicts.csv", err);
    if (st != AB_OK)
        return st;
    fprintf(a.f, "%s\n", verdicts_head);
    for (int i = 0; i < n; i++) {
        if (rows[i].has_full)
            fprintf(a.f, "%s,%d,full,%s\n", rows[i].id, rows[i].claim,
                    exp_verdict_name(rows[i].full));
        if (rows[i].has_quick)
            fprintf(a.f, "%s,%d,quick,%s\n", rows[i].id, rows[i].claim,
                    exp_verdict_name(rows[i].quick));
    }
    return afile_commit(&a, err);
}

/* Reads the experiment folders of out into names and rows (*n of each). */
static ab_status read_parts(const char *out, char names[][256], report_row *rows, int *n,
                            ab_err *err)
{
    int m = part_folders(names, out, err);
    ab_status st = m < 0 ? AB_ERUNTIME : AB_OK;
    *n = 0;
    for (int i = 0; i < m && st == AB_OK; i++) {
        char path[4096];
        report_row one[2];
        int k;
        snprintf(path, sizeof path, "%s/%s/verdict.csv", out, names[i]);
        if ((st = report_read_verdicts(path, one, 2, &k, err)) != AB_OK)
            st = AB_ERUNTIME;
        else if (k != 1 || strcmp(one[0].id, names[i]))
            st = ab_fail(err, AB_ERUNTIME, "%s: expected the verdicts of %s only", path,
                         names[i]);
        else
            rows[(*n)++] = one[0];
    }
    return st;
}

ab_status report_read_parts(const char *out, report_row *rows, int *n, ab_err *err)
{
    char (*names)[256] = malloc(REPORT_MAX_ROWS * sizeof *names);
    if (!names)
        return ab_fail(err, AB_ERUNTIME, "out of memory");
    ab_status st = read_parts(out, names, rows, n, err);
    free(names);
    return st;
}

ab_status report_assemble(const char *out, const report_info *info, report_row *rows, int *n,
                          ab_err *err)
{
    char (*names)[256] = malloc(REPORT_MAX_ROWS * sizeof *names);
    if (!names)
        return ab_fail(err, AB_ERUNTIME, "out of memory");
    ab_status st = read_parts(out, names, rows, n, err);
    if (st == AB_OK && *n == 0 && !info->n_skipped)
        st = ab_fail(err, AB_ERUNTIME, "%s: no experiment folder (none holds a verdict.csv)",
                     out);
    if (st == AB_OK)
        st = write_report(out, info, names, rows, *n, err);
    if (st == AB_OK)
        st = write_verdicts(out, rows, *n, err);
    free(names);
    return st;
}
