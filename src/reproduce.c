/* reproduce.c - `actbench run FILE` and `actbench reproduce`. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "reproduce.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "actbench_version.h"
#include "afile.h"
#include "experiment.h"
#include "gemm.h"
#include "plot.h"
#include "sys.h"

#define MAX_EXPERIMENTS 64

typedef struct {
    bool quick, no_plot, quiet, help;
    const char *out, *experiments, *only, *expect;
    const char *file;   /* run: the experiment file */
} rep_opts;

static ab_status parse_opts(rep_opts *o, int argc, char **argv, bool run, ab_err *err)
{
    enum { O_QUICK = 256, O_NO_PLOT, O_EXPERIMENTS, O_ONLY, O_EXPECT };
    static const struct option run_opts[] = {
        {"quick", no_argument, NULL, O_QUICK}, {"out", required_argument, NULL, 'o'},
        {"no-plot", no_argument, NULL, O_NO_PLOT}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    static const struct option rep_long[] = {
        {"quick", no_argument, NULL, O_QUICK}, {"out", required_argument, NULL, 'o'},
        {"no-plot", no_argument, NULL, O_NO_PLOT}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"experiments", required_argument, NULL, O_EXPERIMENTS},
        {"only", required_argument, NULL, O_ONLY}, {"expect", required_argument, NULL, O_EXPECT},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->experiments = "experiments";
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":o:qh", run ? run_opts : rep_long, NULL)) != -1) {
        switch (c) {
        case O_QUICK: o->quick = true; break;
        case 'o': o->out = optarg; break;
        case O_NO_PLOT: o->no_plot = true; break;
        case 'q': o->quiet = true; break;
        case 'h': o->help = true; break;
        case O_EXPERIMENTS: o->experiments = optarg; break;
        case O_ONLY: o->only = optarg; break;
        case O_EXPECT: o->expect = optarg; break;
        case ':':
            return ab_fail(err, AB_EUSAGE, "%s: needs a value", argv[optind - 1]);
        default:
            return ab_fail(err, AB_EUSAGE, "%s: unknown option (see actbench %s --help)",
                           argv[optind - 1], run ? "run" : "reproduce");
        }
    }
    if (o->help)
        return AB_OK;
    if (run) {
        if (optind != argc - 1)
            return ab_fail(err, AB_EUSAGE, "run: needs exactly one experiment file (actbench "
                           "run FILE)");
        o->file = argv[optind];
    } else if (optind != argc) {
        return ab_fail(err, AB_EUSAGE, "%s: unexpected argument (reproduce takes options only)",
                       argv[optind]);
    }
    if (o->out && !o->out[0])
        return ab_fail(err, AB_EUSAGE, "--out: empty folder name");
    return AB_OK;
}

static void progress(void *ctx, const experiment *e, int i, int n)
{
    (void)ctx;
    if (isatty(2)) {
        fprintf(stderr, "\r\033[Kactbench: %s: run %d/%d", e->id, i + 1, n);
        fflush(stderr);
    }
}

static void clear_progress(void)
{
    if (isatty(2))
        fputs("\r\033[K", stderr);
}

/* ---- run ------------------------------------------------------------- */

/* Experiments run BLAS on one thread: OpenBLAS's last bits depend on the
 * thread count, and the committed verdicts must not depend on how many cores
 * a machine has.  (Their networks are small enough that one thread costs
 * little.) */
#define EXP_BLAS_THREADS 1

int reproduce_run_main(int argc, char **argv)
{
    rep_opts o;
    ab_err err = {{0}};
    gemm_set_threads(EXP_BLAS_THREADS);
    ab_status st = parse_opts(&o, argc, argv, true, &err);
    if (st == AB_OK && o.help) {
        printf("Usage: actbench run FILE [--quick] [--out DIR] [--no-plot] [--quiet]\n\n"
               "Runs one experiment file (see experiments/ and README.md, \"Experiment "
               "files\"),\nprints each check's measured values and the verdict, and writes "
               "the folder\n(default runs/ID-YYYYMMDD-HHMMSS): CSV, checks.csv, config.json, "
               "the figure.\n  --quick    use the file's [quick] settings (fewer epochs and "
               "seeds)\n");
        return 0;
    }
    experiment *e = calloc(1, sizeof *e);
    exp_result r = {0};
    if (!e && st == AB_OK)
        st = ab_fail(&err, AB_ERUNTIME, "out of memory");
    if (st == AB_OK)
        st = exp_load(e, o.file, o.quick, &err);
    char dir[4096];
    if (st == AB_OK && (st = sys_out_dir(dir, sizeof dir, o.out, e->id, &err)) != AB_OK && o.out)
        ab_context(&err, "--out");
    if (st == AB_OK) {
        bool render = !o.no_plot && plot_have_gnuplot();
        st = exp_run(&r, e, dir, o.quick, render, o.quiet ? NULL : progress, NULL, &err);
        if (!o.quiet)
            clear_progress();
    }
    if (st == AB_OK && !o.quiet) {
        exp_print(stdout, &r);
        printf("folder: %s\n", dir);
    }
    if (st != AB_OK)
        fprintf(stderr, "actbench: %s\n", err.msg);
    exp_result_free(&r);
    free(e);
    return (int)st;
}

/* ---- reproduce ------------------------------------------------------- */

typedef struct {
    char id[128];
    int claim;
    exp_verdict full, quick;
    bool has_full, has_quick;
} verdict_row;

static int ini_filter(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return d->d_name[0] != '.' && n > 4 && !strcmp(d->d_name + n - 4, ".ini");
}

/* Is the experiment selected by --only (ids or claim numbers, comma list)? */
static bool selected(const char *only, const experiment *e)
{
    if (!only)
        return true;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", only);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *end;
        long v = strtol(t, &end, 10);
        if ((*end == '\0' && v == e->claim) || !strcmp(t, e->id))
            return true;
    }
    return false;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

/* Measured summary of one check for the table: the value, or the range of
 * values over the points, with how many points hold. */
static void summary_cell(char *out, size_t n, const exp_result *r, int c)
{
    const exp_check_result *cr = &r->checks[c];
    char a[32], b[32];
    if (cr->n_total == 1) {
        const exp_check_point *p = &cr->pts[0];
        exp_fmt(a, sizeof a, p->lhs);
        if (r->e->setup.seeds > 1 && r->e->setup.kind == EXP_TRAIN) {
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
        if (v != v) {
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
    const exp_setup *s = &e->setup;
    fprintf(f, "\n### Claim %d: %s (`%s`)\n\n", e->claim, e->title, e->id);
    fprintf(f, "> %s\n\nSource: %s\n\n", e->text, e->source);
    if (s->kind == EXP_TRAIN) {
        fprintf(f, "Set-up: activations");
        for (int a = 0; a < s->n_acts; a++)
            fprintf(f, "%s %s", a ? "," : "", s->acts[a].label);
        fprintf(f, "; data %s; %d epochs; %d seed%s", s->data, s->epochs, s->seeds,
                s->seeds > 1 ? "s (values are means, ranges are min to max over seeds)" : "");
        for (int k = 0; k < N_KEYS; k++) {
            fprintf(f, "; %s ", exp_key_names[k]);
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
            if (s->seeds > 1 && s->kind == EXP_TRAIN)
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
    if (r->figure[0])
        fprintf(f, "\n![Claim %d: %s](%s/%s)\n", e->claim, e->title, sub, r->figure);
}

/* Reads mode=quick rows of an earlier verdicts.csv into rows (by id). */
static ab_status read_expect(const char *path, verdict_row *rows, int *n, ab_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return ab_fail(err, AB_EUSAGE, "--expect: %s: cannot open: %s", path, strerror(errno));
    char line[512];
    int ln = 0;
    *n = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        line[strcspn(line, "\r\n")] = '\0';
        if (ln == 1) {
            if (strcmp(line, "experiment,claim,mode,verdict")) {
                fclose(f);
                return ab_fail(err, AB_EUSAGE, "--expect: %s: not a verdicts.csv (header "
                               "experiment,claim,mode,verdict)", path);
            }
            continue;
        }
        char *id = strtok(line, ","), *claim = strtok(NULL, ","), *mode = strtok(NULL, ","),
             *v = strtok(NULL, ",");
        if (!id || !claim || !mode || !v) {
            fclose(f);
            return ab_fail(err, AB_EUSAGE, "--expect: %s:%d: expected 4 fields", path, ln);
        }
        if (strcmp(mode, "quick") || *n == MAX_EXPERIMENTS)
            continue;
        verdict_row *r = &rows[(*n)++];
        memset(r, 0, sizeof *r);
        snprintf(r->id, sizeof r->id, "%s", id);
        char *end;
        r->claim = (int)strtol(claim, &end, 10);
        r->has_quick = true;
        int known = -1;
        for (int k = REPRODUCED; k <= NOT_REPRODUCED; k++)
            if (!strcmp(v, exp_verdict_name((exp_verdict)k)))
                known = k;
        if (*end || known < 0) {
            fclose(f);
            return ab_fail(err, AB_EUSAGE, "--expect: %s:%d: '%s,%s': expected a claim number "
                           "and one of reproduced, partly, not reproduced", path, ln, claim, v);
        }
        r->quick = (exp_verdict)known;
    }
    fclose(f);
    return AB_OK;
}

static ab_status write_verdicts(const char *dir, const verdict_row *rows, int n, ab_err *err)
{
    afile a;
    ab_status st = afile_open_in(&a, dir, "verdicts.csv", err);
    if (st != AB_OK)
        return st;
    fputs("experiment,claim,mode,verdict\n", a.f);
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

typedef struct {
    rep_opts *o;
    char **files;
    int n_files;
    verdict_row rows[MAX_EXPERIMENTS];
    int n_rows;
    double seconds;
} rep_state;

static verdict_row *row_for(rep_state *s, const experiment *e)
{
    for (int i = 0; i < s->n_rows; i++)
        if (!strcmp(s->rows[i].id, e->id))
            return &s->rows[i];
    verdict_row *r = &s->rows[s->n_rows++];
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%s", e->id);
    r->claim = e->claim;
    return r;
}

/* Loads every file in the modes that will run, so that a bad file or an
 * --only that selects nothing is reported before anything is written. */
static ab_status validate(rep_state *s, ab_err *err)
{
    experiment *e = malloc(sizeof *e);
    if (!e)
        return ab_fail(err, AB_ERUNTIME, "out of memory");
    ab_status st = AB_OK;
    int n_sel = 0;
    for (int i = 0; i < s->n_files && st == AB_OK; i++) {
        if (!s->o->quick)
            st = exp_load(e, s->files[i], false, err);
        if (st == AB_OK)
            st = exp_load(e, s->files[i], true, err);
        if (st == AB_OK)
            n_sel += selected(s->o->only, e);
    }
    if (st == AB_OK && n_sel == 0)
        st = ab_fail(err, AB_EUSAGE, "--only: %s: matches no experiment in %s", s->o->only,
                     s->o->experiments);
    free(e);
    return st;
}

/* Runs every selected experiment in one mode into out; with report, keeps
 * the results and writes REPORT.md. */
static ab_status pass(rep_state *s, const char *out, bool quick, bool render, bool report,
                      ab_err *err)
{
    exp_result *res = calloc(MAX_EXPERIMENTS, sizeof *res);
    experiment *es = calloc(MAX_EXPERIMENTS, sizeof *es);
    int n_res = 0;
    ab_status st = AB_OK;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (!res || !es) {
        st = ab_fail(err, AB_ERUNTIME, "out of memory");
        goto done;
    }
    int n_sel = 0;
    for (int i = 0; i < s->n_files; i++) {
        if ((st = exp_load(&es[n_sel], s->files[i], quick, err)) != AB_OK)
            goto done;
        if (selected(s->o->only, &es[n_sel]))
            n_sel++;
    }
    if (n_sel == 0) {
        st = ab_fail(err, AB_EUSAGE, "--only: %s: matches no experiment in %s", s->o->only,
                     s->o->experiments);
        goto done;
    }
    for (int i = 0; i < n_sel; i++) {
        char dir[4096];
        if ((st = path_join(dir, sizeof dir, out, es[i].id, err)) != AB_OK)
            goto done;
        if (!s->o->quiet)
            fprintf(stderr, "actbench: [%d/%d] %s%s: claim %d\n", i + 1, n_sel, es[i].id,
                    quick ? " (quick)" : "", es[i].claim);
        st = exp_run(&res[n_res], &es[i], dir, quick, render, s->o->quiet ? NULL : progress,
                     NULL, err);
        if (!s->o->quiet)
            clear_progress();
        if (st != AB_OK)
            goto done;
        exp_result *r = &res[n_res++];
        verdict_row *v = row_for(s, &es[i]);
        if (quick)
            v->quick = r->verdict, v->has_quick = true;
        else
            v->full = r->verdict, v->has_full = true;
        if (!s->o->quiet)
            fprintf(stderr, "actbench: [%d/%d] %s: %s in %.1f s\n", i + 1, n_sel, es[i].id,
                    exp_verdict_name(r->verdict), r->seconds);
        if (!report)
            exp_result_free(r), n_res--;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    s->seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (report) {
        char path[4096];
        afile a;
        if ((st = path_join(path, sizeof path, out, "REPORT.md", err)) != AB_OK ||
            (st = afile_open(&a, path, err)) != AB_OK)
            goto done;
        FILE *f = a.f;
        char mach[400];
        sys_machine(mach, sizeof mach);
        fprintf(f, "# The lecture claims about activation functions, measured\n\n");
        fprintf(f, "Produced by actbench %s with `actbench reproduce%s` (%s mode: %s) on %s, "
                   "BLAS %s with %d thread%s, in %.0f s. Each claim's experiment file is in "
                   "`experiments/`; each folder here holds its CSV files, `checks.csv`, "
                   "`config.json` and the figure's gnuplot script.\n\n",
                ACTBENCH_VERSION, quick ? " --quick" : "", quick ? "quick" : "full",
                quick ? "each file's [quick] epochs and seeds"
                      : "each file's [setup] epochs and seeds",
                mach, gemm_library(), gemm_threads(), gemm_threads() == 1 ? "" : "s",
                s->seconds);
        fprintf(f, "A check holds when the mean over seeds satisfies its criterion at every "
                   "point of the sweep it ranges over. A claim is *reproduced* when all its "
                   "checks hold, *not reproduced* when none does, and *partly* otherwise. "
                   "Set-ups were fixed before the runs and are not tuned to pass.%s\n\n",
                quick ? "" : " The quick column gives the verdicts of `actbench reproduce "
                             "--quick` (fewer epochs and seeds, same criteria), which CI runs "
                             "and compares with this column.");
        fprintf(f, "| # | claim | source | criterion | measured | verdict |%s\n",
                quick ? "" : " quick |");
        fprintf(f, "|---|---|---|---|---|---|%s\n", quick ? "" : "---|");
        for (int i = 0; i < n_res; i++) {
            const exp_result *r = &res[i];
            const experiment *x = r->e;
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
            fputs(" | ", f);
            for (int c = 0; c < x->n_checks; c++) {
                char cell[200];
                summary_cell(cell, sizeof cell, r, c);
                fprintf(f, "%s%s (%s)", c ? "<br>" : "", cell,
                        exp_outcome_name(r->checks[c].outcome));
            }
            fprintf(f, " | **%s** |", exp_verdict_name(r->verdict));
            if (!quick) {
                const verdict_row *v = row_for(s, x);
                fprintf(f, " %s |", v->has_quick ? exp_verdict_name(v->quick) : "-");
            }
            fputc('\n', f);
        }
        fprintf(f, "\n## The claims one by one\n");
        for (int i = 0; i < n_res; i++)
            report_details(f, &res[i], res[i].e->id);
        if ((st = afile_commit(&a, err)) != AB_OK)
            goto done;
    }
done:
    for (int i = 0; i < n_res; i++)
        exp_result_free(&res[i]);
    free(res);
    free(es);
    return st;
}

int reproduce_main(int argc, char **argv)
{
    rep_opts o;
    ab_err err = {{0}};
    rep_state s = {.o = &o};
    struct dirent **ents = NULL;
    int n_ents = 0;
    char tmp[] = "/tmp/actbench-quick-XXXXXX";
    bool made_tmp = false;
    gemm_set_threads(EXP_BLAS_THREADS);
    ab_status st = parse_opts(&o, argc, argv, false, &err);
    if (st == AB_OK && o.help) {
        printf("Usage: actbench reproduce [--quick] [--out DIR] [--experiments DIR]\n"
               "                          [--only LIST] [--expect FILE] [--no-plot] [--quiet]\n"
               "\nRuns every experiment file in DIR (default experiments/) and writes OUT\n"
               "(default results/): one folder per experiment (CSV, checks.csv, config.json,\n"
               "plots/), REPORT.md with each claim's verdict and figure, and verdicts.csv.\n"
               "A full run also runs the quick mode afterwards, so both verdicts are recorded.\n"
               "\n  --quick        each file's [quick] settings: fewer epochs and seeds\n"
               "  --only LIST    claim numbers or experiment ids, comma separated\n"
               "  --expect FILE  a committed verdicts.csv: exit 1 when a quick verdict\n"
               "                 differs from its quick rows (what CI runs)\n");
        return 0;
    }
    verdict_row expect[MAX_EXPERIMENTS];
    int n_expect = 0;
    if (st == AB_OK && o.expect)
        st = read_expect(o.expect, expect, &n_expect, &err);
    if (st == AB_OK) {
        n_ents = scandir(o.experiments, &ents, ini_filter, alphasort);
        if (n_ents < 0)
            st = ab_fail(&err, AB_EUSAGE, "--experiments: %s: cannot read: %s (run from the "
                         "project folder or give --experiments DIR)", o.experiments,
                         strerror(errno));
        else if (n_ents == 0 || n_ents > MAX_EXPERIMENTS)
            st = ab_fail(&err, AB_EUSAGE, "--experiments: %s: %d .ini files (accepted: 1..%d)",
                         o.experiments, n_ents, MAX_EXPERIMENTS);
    }
    char **files = NULL;
    if (st == AB_OK && !(files = calloc((size_t)n_ents, sizeof *files)))
        st = ab_fail(&err, AB_ERUNTIME, "out of memory");
    for (int i = 0; st == AB_OK && i < n_ents; i++) {
        files[i] = malloc(4096);
        if (!files[i])
            st = ab_fail(&err, AB_ERUNTIME, "out of memory");
        else
            st = path_join(files[i], 4096, o.experiments, ents[i]->d_name, &err);
    }
    s.files = files;
    s.n_files = n_ents;
    const char *out = o.out ? o.out : "results";
    bool render = !o.no_plot && plot_have_gnuplot();
    if (st == AB_OK)
        st = validate(&s, &err);
    if (st == AB_OK)
        st = make_dirs(out, &err);
    if (st == AB_OK && !o.quick) {
        /* the quick verdicts CI compares with, for the report's quick
         * column: run them first, outputs discarded */
        if (!mkdtemp(tmp))
            st = ab_fail(&err, AB_ERUNTIME, "%s: cannot create: %s", tmp, strerror(errno));
        else
            made_tmp = true;
        if (st == AB_OK)
            st = pass(&s, tmp, true, false, false, &err);
    }
    if (st == AB_OK)
        st = pass(&s, out, o.quick, render, true, &err);
    if (st == AB_OK)
        st = write_verdicts(out, s.rows, s.n_rows, &err);
    if (st == AB_OK && !o.quiet) {
        printf("%-44s %5s  %-15s %s\n", "experiment", "claim", "verdict", o.quick ? "" : "quick");
        for (int i = 0; i < s.n_rows; i++)
            printf("%-44s %5d  %-15s %s\n", s.rows[i].id, s.rows[i].claim,
                   exp_verdict_name(o.quick ? s.rows[i].quick : s.rows[i].full),
                   o.quick ? "" : exp_verdict_name(s.rows[i].quick));
        printf("report: %s/REPORT.md\n", out);
    }
    int differ = 0;
    for (int i = 0; st == AB_OK && o.expect && i < n_expect; i++) {
        int j = 0;
        while (j < s.n_rows && strcmp(expect[i].id, s.rows[j].id))
            j++;
        if (j == s.n_rows) {
            /* with --only, the others were not meant to run */
            if (!o.only) {
                fprintf(stderr, "actbench: %s: in %s but not in %s\n", expect[i].id, o.expect,
                        o.experiments);
                differ++;
            }
        } else if (s.rows[j].has_quick && expect[i].quick != s.rows[j].quick) {
            fprintf(stderr, "actbench: %s: quick verdict is '%s', %s records '%s'\n",
                    s.rows[j].id, exp_verdict_name(s.rows[j].quick), o.expect,
                    exp_verdict_name(expect[i].quick));
            differ++;
        }
    }
    for (int j = 0; st == AB_OK && o.expect && j < s.n_rows; j++) {
        int i = 0;
        while (i < n_expect && strcmp(expect[i].id, s.rows[j].id))
            i++;
        if (i == n_expect) {
            fprintf(stderr, "actbench: %s: no quick verdict recorded in %s\n", s.rows[j].id,
                    o.expect);
            differ++;
        }
    }
    if (st != AB_OK)
        fprintf(stderr, "actbench: %s\n", err.msg);
    if (made_tmp)
        nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    for (int i = 0; i < n_ents; i++) {
        free(ents[i]);
        if (files)
            free(files[i]);
    }
    free(ents);
    free(files);
    if (st == AB_OK && differ)
        return 1;
    return (int)st;
}
