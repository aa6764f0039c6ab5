/* cmd_exp.c - `actbench run FILE` and `actbench reproduce`. */
#include "cmd_exp.h"

#include <dirent.h>
#include <errno.h>
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
#include "cli.h"
#include "experiment.h"
#include "gemm.h"
#include "plot.h"
#include "report.h"
#include "stage.h"
#include "xfig.h"
#include "sys.h"

#define MAX_EXPERIMENTS REPORT_MAX_ROWS

/* reproduce's exit status when it ran without error but skipped experiments
 * whose data set is not installed: not 0, so that a CI job does not take an
 * unchecked claim for a checked one; not 1 or 2, so that a script can tell
 * it from a failure or a usage error. */
#define EXIT_SKIPPED 3

typedef struct {
    bool quick, no_plot, quiet, help, no_gradcheck;
    unsigned formats;   /* --format (plot.h) */
    const char *data_dir; /* --data-dir: the IDX folder, as the main command's */
    int jobs;           /* runs at once; 0 = the online cores */
    const char *out, *experiments, *only, *expect;
    const char *file;   /* run: the experiment file */
    const char *set[64]; /* run: --set KEY=VALUE, in order */
    int n_set;
} rep_opts;

static ab_status parse_opts(rep_opts *o, int argc, char **argv, bool run, ab_err *err)
{
    enum { O_QUICK = 256, O_NO_PLOT, O_EXPERIMENTS, O_ONLY, O_EXPECT, O_NO_GC, O_DATA_DIR,
           O_SET, O_FORMAT };
    static const struct option run_opts[] = {
        {"quick", no_argument, NULL, O_QUICK}, {"out", required_argument, NULL, 'o'},
        {"no-plot", no_argument, NULL, O_NO_PLOT}, {"quiet", no_argument, NULL, 'q'},
        {"format", required_argument, NULL, O_FORMAT},
        {"jobs", required_argument, NULL, 'j'}, {"no-gradcheck", no_argument, NULL, O_NO_GC},
        {"data-dir", required_argument, NULL, O_DATA_DIR},
        {"set", required_argument, NULL, O_SET},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    static const struct option rep_long[] = {
        {"quick", no_argument, NULL, O_QUICK}, {"out", required_argument, NULL, 'o'},
        {"no-plot", no_argument, NULL, O_NO_PLOT}, {"quiet", no_argument, NULL, 'q'},
        {"format", required_argument, NULL, O_FORMAT},
        {"help", no_argument, NULL, 'h'}, {"jobs", required_argument, NULL, 'j'},
        {"experiments", required_argument, NULL, O_EXPERIMENTS},
        {"only", required_argument, NULL, O_ONLY}, {"expect", required_argument, NULL, O_EXPECT},
        {"no-gradcheck", no_argument, NULL, O_NO_GC},
        {"data-dir", required_argument, NULL, O_DATA_DIR}, {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->formats = PLOT_PNG;
    /* the checkout's experiments/, or outside one the installed files */
    struct stat sb;
    o->experiments = stat("experiments", &sb) == 0 || stat(ACTBENCH_EXPERIMENTS_DIR, &sb) != 0
                         ? "experiments"
                         : ACTBENCH_EXPERIMENTS_DIR;
    opterr = 0;
    optind = 1;
    int c, idx;
    long v;
    ab_status st;
    cli_given given = {0};
    const struct option *opts = run ? run_opts : rep_long;
    while ((idx = -1, c = getopt_long(argc, argv, ":o:qhj:", opts, &idx)) != -1) {
        /* --set repeats: one KEY=VALUE each */
        cli_given once = given;
        if (c != ':' && c != '?' &&
            (st = cli_check_option(&given, opts, c, idx, argv, err)) != AB_OK)
            return st;
        if (c == O_SET)
            given = once;
        switch (c) {
        case 'j':
            if ((st = cli_parse_long(&v, "--jobs", optarg, 1, CLI_MAX_JOBS, err)) != AB_OK)
                return st;
            o->jobs = (int)v;
            break;
        case O_QUICK: o->quick = true; break;
        case 'o': o->out = optarg; break;
        case O_NO_PLOT: o->no_plot = true; break;
        case O_FORMAT:
            if ((st = cli_parse_formats(&o->formats, optarg, err)) != AB_OK)
                return st;
            break;
        case O_NO_GC: o->no_gradcheck = true; break;
        case O_DATA_DIR:
            if (!optarg[0])
                return ab_fail(err, AB_EUSAGE, "--data-dir: empty folder name");
            o->data_dir = optarg;
            break;
        case 'q': o->quiet = true; break;
        case 'h': o->help = true; break;
        case O_EXPERIMENTS: o->experiments = optarg; break;
        case O_ONLY: o->only = optarg; break;
        case O_EXPECT: o->expect = optarg; break;
        case O_SET:
            if (o->n_set == (int)(sizeof o->set / sizeof o->set[0]))
                return ab_fail(err, AB_EUSAGE, "--set: more than %d given",
                               (int)(sizeof o->set / sizeof o->set[0]));
            o->set[o->n_set++] = optarg;
            break;
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
    if (!o->jobs)
        o->jobs = sys_cores() < CLI_MAX_JOBS ? sys_cores() : CLI_MAX_JOBS;
    return AB_OK;
}

/* ---- run ------------------------------------------------------------- */

static const char run_help[] =
    "Usage: actbench run FILE [--quick] [--out DIR] [-j N] [--no-plot] [--quiet]\n"
    "                         [--no-gradcheck] [--set KEY=VALUE ...] [--format LIST]\n\n"
    "Runs one experiment file (see experiments/ and docs/experiment-files.md),\n"
    "prints each check's measured values and the verdict, and writes the folder\n"
    "(default runs/ID-YYYYMMDD-HHMMSS): CSV, checks.csv, config.json, the figure.\n"
    "The folder appears whole once complete, replacing an earlier DIR as a whole;\n"
    "a failed run leaves the earlier one as it was.\n"
    "  --quick    use the file's [quick] settings (fewer epochs and seeds)\n"
    "  -j N       train N runs at once, each in its own process on one BLAS\n"
    "             thread: the same files as -j 1 (default: the online cores)\n"
    "  --no-gradcheck  train a formula or plugin activation even when its\n"
    "             derivative fails the check made before training\n"
    "  --data-dir DIR  the folder of the file's IDX data set (mnist,\n"
    "             fashion-mnist), as for the main command\n"
    "  --set KEY=VALUE  replace the [setup] value of KEY (any key but kind; a\n"
    "             sweep key takes a comma list: --set lr=0.01,0.1); repeatable.\n"
    "             A verdict under --set is not the file's: the output and\n"
    "             config.json (\"overrides\") say so\n"
    "  --format LIST  png, pdf, svg or several, comma separated: what gnuplot\n"
    "             writes of the figure (default png)\n"
    "A file with [study] instead of [claim] (a title, no checks) runs the same\n"
    "way and has no verdict.\n"
    "Long options are spelled in full; an option with a value is given once\n"
    "(but --set).\n";

int cmd_run(int argc, char **argv)
{
    rep_opts o;
    ab_err err = {{0}};
    gemm_set_threads(EXP_BLAS_THREADS);
    ab_status st = parse_opts(&o, argc, argv, true, &err);
    plot_set_formats(o.formats);
    if (st == AB_OK && o.help) {
        fputs(run_help, stdout);
        return 0;
    }
    experiment *e = calloc(1, sizeof *e);
    exp_result r = {0};
    if (!e && st == AB_OK)
        st = ab_fail(&err, AB_ERUNTIME, "out of memory");
    if (st == AB_OK)
        st = xf_load_set(e, o.file, o.quick, o.set, o.n_set, &err);
    exp_run_opts ro = {.quick = o.quick, .render = !o.no_plot && plot_have_gnuplot(),
                       .quiet = o.quiet, .jobs = o.jobs, .no_gradcheck = o.no_gradcheck,
                       .data_dir = o.data_dir, .out = o.out, .argc = argc,
                       .argv = argv};
    if (st == AB_OK)
        st = exp_run(&r, e, &ro, &err);
    if (st == AB_OK && !o.quiet) {
        exp_print(stdout, &r);
        printf("folder: %s\n", r.dir);
    }
    if (st != AB_OK)
        fprintf(stderr, "actbench: %s\n", err.msg);
    exp_result_free(&r);
    free(e);
    return (int)st;
}

/* ---- reproduce ------------------------------------------------------- */

static int ini_filter(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return d->d_name[0] != '.' && n > 4 && !strcmp(d->d_name + n - 4, ".ini");
}

#define ONLY_MAX_ITEMS MAX_EXPERIMENTS

/* Is the experiment selected by --only (ids or claim numbers, comma list)?
 * hit (NULL: not kept), one per item, marks the items that select it. */
static bool selected(const char *only, const experiment *e, bool *hit)
{
    if (e->study) /* no claim to reproduce: `actbench run` runs it */
        return false;
    if (!only)
        return true;
    bool any = false;
    int i = 0;
    for (const char *t = only; *t; i++) {
        size_t len = strcspn(t, ",");
        char *end;
        long v = strtol(t, &end, 10);
        bool claim = end == t + len && end != t && v == e->claim;
        if (claim || (len == strlen(e->id) && !strncmp(t, e->id, len))) {
            any = true;
            if (hit && i < ONLY_MAX_ITEMS)
                hit[i] = true;
        }
        t += len + (t[len] == ',');
    }
    return any;
}

/* --only's list: no empty item, at most ONLY_MAX_ITEMS of them. */
static ab_status check_only(const char *only, int *n_items, ab_err *err)
{
    size_t n = strlen(only);
    if (!n || only[0] == ',' || only[n - 1] == ',' || strstr(only, ",,"))
        return ab_fail(err, AB_EUSAGE, "--only: '%s' has an empty item (give claim numbers or "
                       "experiment ids separated by single commas)", only);
    int items = 1;
    for (const char *p = only; *p; p++)
        items += *p == ',';
    if (items > ONLY_MAX_ITEMS)
        return ab_fail(err, AB_EUSAGE, "--only: %d items (accepted: at most %d)", items,
                       ONLY_MAX_ITEMS);
    *n_items = items;
    return AB_OK;
}

/* The first item of only that hit does not mark: "--only: 99: matches no
 * experiment in DIR". */
static ab_status check_hits(const char *only, const bool *hit, int n_items, const char *dir,
                            ab_err *err)
{
    const char *t = only;
    for (int i = 0; i < n_items; i++) {
        size_t len = strcspn(t, ",");
        if (!hit[i])
            return ab_fail(err, AB_EUSAGE, "--only: %.*s: matches no experiment in %s "
                           "(accepted: claim numbers and ids of its .ini files)", (int)len, t,
                           dir);
        t += len + 1;
    }
    return AB_OK;
}

typedef struct {
    rep_opts *o;
    int argc;             /* the command, for config.json */
    char **argv;
    char **files;
    int n_files;
    experiment *es;       /* the selected experiments, as loaded for the pass */
    int n_sel;
    exp_verdict quick[MAX_EXPERIMENTS]; /* of the selected, from the quick pass */
    bool have_quick;
    char sel[MAX_EXPERIMENTS][128]; /* the ids --only selects */
    int n_ids;
    /* per file: why it is skipped ("" = it runs) and what installs its data */
    char why[MAX_EXPERIMENTS][300];
    const char *install[MAX_EXPERIMENTS];
    int n_skipped;
    int file_of[MAX_EXPERIMENTS]; /* the file of each of es */
    report_skip skipped[MAX_EXPERIMENTS]; /* for the report, from es */
} rep_state;

/* Whether e, as loaded in one mode, trains on a data set that is not
 * installed; then file i is skipped, and why. */
static bool not_installed(rep_state *s, int i, const experiment *e)
{
    return exp_not_installed(e, s->o->data_dir, s->why[i], sizeof s->why[i], &s->install[i]);
}

/* Loads every file in the modes that will run, so that a bad file or an
 * --only that selects nothing is reported before anything is written. */
static ab_status validate(rep_state *s, ab_err *err)
{
    experiment *e = malloc(sizeof *e);
    if (!e)
        return ab_fail(err, AB_ERUNTIME, "out of memory");
    bool hit[ONLY_MAX_ITEMS] = {false};
    int n_sel = 0, n_items = 0;
    ab_status st = s->o->only ? check_only(s->o->only, &n_items, err) : AB_OK;
    for (int i = 0; i < s->n_files && st == AB_OK; i++) {
        /* both modes: [quick] may change the sweep, and so the figure */
        bool absent = false;
        if (!s->o->quick && (st = xf_load(e, s->files[i], false, err)) == AB_OK) {
            if ((st = xfig_check(e, err)) != AB_OK)
                ab_context(err, "%s", s->files[i]);
            absent = not_installed(s, i, e);
        }
        if (st == AB_OK && (st = xf_load(e, s->files[i], true, err)) == AB_OK &&
            (st = xfig_check(e, err)) != AB_OK)
            ab_context(err, "%s (quick)", s->files[i]);
        absent = st == AB_OK && (absent || not_installed(s, i, e));
        bool sel = st == AB_OK && selected(s->o->only, e, hit);
        if (sel)
            snprintf(s->sel[n_sel++], sizeof s->sel[0], "%s", e->id);
        if (st == AB_OK && e->study && !s->o->quiet)
            fprintf(stderr, "actbench: %s is a study, not a claim: not reproduced (actbench run "
                            "runs it)\n", s->files[i]);
        /* said before anything runs, and also with --quiet: it is why the
         * exit status is EXIT_SKIPPED */
        if (sel && absent && ++s->n_skipped)
            fprintf(stderr, "actbench: %s: skipped: %s (%s; or --data-dir DIR)\n", e->id,
                    s->why[i], s->install[i]);
        else
            s->why[i][0] = '\0';
    }
    s->n_ids = n_sel;
    /* every item must select something: a typo would silently run less */
    if (st == AB_OK && s->o->only)
        st = check_hits(s->o->only, hit, n_items, s->o->experiments, err);
    free(e);
    return st;
}

/* Loads the selected experiments in one mode into s->es. */
static ab_status load_selected(rep_state *s, bool quick, ab_err *err)
{
    s->n_sel = 0;
    for (int i = 0; i < s->n_files; i++) {
        ab_status st = xf_load(&s->es[s->n_sel], s->files[i], quick, err);
        if (st != AB_OK)
            return st;
        if (selected(s->o->only, &s->es[s->n_sel], NULL))
            s->file_of[s->n_sel++] = i;
    }
    return AB_OK;
}

typedef struct {
    bool quick;
    const exp_verdict *quick_v;
} part_ctx;

/* exp_run_opts.before_commit: the folder's share of the report. */
static ab_status write_part(void *ctx, const char *dir, const exp_result *r, ab_err *err)
{
    const part_ctx *p = ctx;
    return report_write_part(dir, r, p->quick, p->quick_v, err);
}

/* Runs every selected experiment in one mode, each into out/ID; with
 * report, each folder gets its share of the report (and the quick pass's
 * verdict). */
static ab_status pass(rep_state *s, const char *out, bool quick, bool render, bool report,
                      ab_err *err)
{
    ab_status st = load_selected(s, quick, err);
    int n_run = s->n_sel - s->n_skipped, k = 0;
    for (int i = 0; i < s->n_sel && st == AB_OK; i++) {
        const experiment *e = &s->es[i];
        char dir[4096];
        exp_result r;
        part_ctx pc = {.quick = quick, .quick_v = s->have_quick ? &s->quick[i] : NULL};
        if (s->why[s->file_of[i]][0])
            continue;
        k++;
        if ((st = afile_path_join(dir, sizeof dir, out, e->id, err)) != AB_OK)
            break;
        if (!s->o->quiet)
            fprintf(stderr, "actbench: [%d/%d] %s%s: claim %d\n", k, n_run, e->id,
                    quick ? " (quick)" : "", e->claim);
        exp_run_opts ro = {.quick = quick, .render = render, .quiet = s->o->quiet,
                           .no_gradcheck = s->o->no_gradcheck, .data_dir = s->o->data_dir,
                           .jobs = s->o->jobs, .out = dir, .argc = s->argc, .argv = s->argv,
                           .before_commit = report ? write_part : NULL, .ctx = &pc};
        if ((st = exp_run(&r, e, &ro, err)) != AB_OK)
            break;
        if (!s->o->quiet)
            fprintf(stderr, "actbench: [%d/%d] %s: %s in %.1f s\n", k, n_run, e->id,
                    exp_verdict_name(r.verdict), r.seconds);
        if (quick && !report)
            s->quick[i] = r.verdict;
        exp_result_free(&r);
    }
    if (st == AB_OK && quick && !report)
        s->have_quick = true;
    return st;
}

static const char reproduce_help[] =
    "Usage: actbench reproduce [--quick] [--out DIR] [--experiments DIR] [-j N]\n"
    "                          [--only LIST] [--expect FILE] [--no-plot] [--quiet]\n"
    "                          [--no-gradcheck] [--format LIST]\n"
    "\nRuns every experiment file in DIR (default experiments/, or where none is,\n"
    "the installed " ACTBENCH_EXPERIMENTS_DIR ") and writes OUT\n"
    "(default results/): one folder per experiment (CSV, checks.csv, config.json,\n"
    "plots/), REPORT.md with each claim's verdict and figure, and verdicts.csv.\n"
    "A full run also runs the quick mode first, so both verdicts are recorded.\n"
    "OUT appears whole once complete, replacing an earlier OUT as a whole; with\n"
    "--only, each experiment run replaces its own folder, and REPORT.md and\n"
    "verdicts.csv are made anew from every experiment folder in OUT.\n"
    "\n  --quick        each file's [quick] settings: fewer epochs and seeds\n"
    "  --only LIST    claim numbers or experiment ids, comma separated; each\n"
    "                 must match an experiment\n"
    "  -j N           train N runs at once, each in its own process on one BLAS\n"
    "                 thread: the same files as -j 1 (default: the online cores)\n"
    "  --expect FILE  a committed verdicts.csv: exit 1 when a quick verdict\n"
    "                 differs from its quick rows (what CI runs)\n"
    "  --no-gradcheck train formula and plugin activations even when their\n"
    "                 derivative fails the check made before training\n"
    "  --data-dir DIR the folder of the IDX data sets (mnist, fashion-mnist),\n"
    "                 as for the main command\n"
    "  --format LIST  png, pdf, svg or several, comma separated: what gnuplot\n"
    "                 writes of each figure (default png; REPORT.md shows the\n"
    "                 PNG, else the SVG, else links the PDF)\n"
    "An experiment whose data set is not installed is skipped (said on stderr,\n"
    "listed in REPORT.md) and the others run.\n"
    "Exit status: 0 every selected experiment ran; 1 a failure, or with --expect\n"
    "a quick verdict that differs; 2 a usage error; 3 some were skipped, their\n"
    "data set not being installed (the rest ran, and matched --expect).\n"
    "Long options are spelled in full; an option with a value is given once.\n";

/* The experiment files of o->experiments into s (sorted by name). */
static ab_status list_files(rep_state *s, ab_err *err)
{
    struct dirent **ents = NULL;
    int n = scandir(s->o->experiments, &ents, ini_filter, alphasort);
    if (n < 0)
        return ab_fail(err, AB_EUSAGE, "--experiments: %s: cannot read: %s (run from the "
                       "project folder or give --experiments DIR)", s->o->experiments,
                       strerror(errno));
    ab_status st = AB_OK;
    if (n == 0 || n > MAX_EXPERIMENTS)
        st = ab_fail(err, AB_EUSAGE, "--experiments: %s: %d .ini files (accepted: 1..%d)",
                     s->o->experiments, n, MAX_EXPERIMENTS);
    if (st == AB_OK && !(s->files = calloc((size_t)n, sizeof *s->files)))
        st = ab_fail(err, AB_ERUNTIME, "out of memory");
    for (int i = 0; st == AB_OK && i < n; i++) {
        if (!(s->files[i] = malloc(4096)))
            st = ab_fail(err, AB_ERUNTIME, "out of memory");
        else
            st = afile_path_join(s->files[i], 4096, s->o->experiments, ents[i]->d_name, err);
        s->n_files = i + 1;
    }
    for (int i = 0; i < n; i++)
        free(ents[i]);
    free(ents);
    return st;
}

/* The quick pass a full run records beside its own verdicts: into a
 * staged folder in the temporary folder, never put in place (stage_abort
 * removes it, also when a signal ends the command). */
static ab_status quick_pass(rep_state *s, ab_err *err)
{
    stage_dir tmp = {0};
    ab_status st = stage_open_new(&tmp, sys_tmp_dir(), "actbench-quick", err);
    if (st == AB_OK)
        st = pass(s, tmp.dir, true, false, false, err);
    stage_abort(&tmp);
    return st;
}

static void print_table(const rep_state *s, const report_row *rows, int n, const char *out)
{
    bool quick = s->o->quick;
    printf("%-44s %5s  %-15s %s\n", "experiment", "claim", "verdict", quick ? "" : "quick");
    for (int i = 0; i < n; i++)
        printf("%-44s %5d  %-15s %s\n", rows[i].id, rows[i].claim,
               !rows[i].has_full ? exp_verdict_name(rows[i].quick)
                                 : exp_verdict_name(rows[i].full),
               rows[i].has_full && rows[i].has_quick ? exp_verdict_name(rows[i].quick) : "");
    for (int i = 0; i < s->n_sel; i++) {
        const char *why = s->why[s->file_of[i]];
        if (why[0])
            printf("%-44s %5d  skipped: %s\n", s->es[i].id, s->es[i].claim, why);
    }
    if (s->n_skipped)
        printf("%d experiment%s skipped (data set not installed): not checked\n", s->n_skipped,
               s->n_skipped > 1 ? "s" : "");
    printf("report: %s/REPORT.md\n", out);
}

/* Leaves out of expect (*n rows) the experiments that were skipped: their
 * verdicts were not measured, which the exit status says, so they are not
 * differences. */
static void drop_skipped(const rep_state *s, report_row *expect, int *n)
{
    int m = 0;
    for (int i = 0; i < *n; i++) {
        bool skip = false;
        for (int j = 0; j < s->n_sel; j++)
            skip = skip || (s->why[s->file_of[j]][0] && !strcmp(s->es[j].id, expect[i].id));
        if (!skip)
            expect[m++] = expect[i];
    }
    *n = m;
}

/* The passes into dir (OUT staged), then the report of every experiment
 * folder in dir. */
static ab_status run_all(rep_state *s, const char *dir, report_row *rows, int *n, ab_err *err)
{
    double t0 = sys_now();
    bool render = !s->o->no_plot && plot_have_gnuplot();
    ab_status st = AB_OK;
    if (!s->o->quick)
        st = quick_pass(s, err);
    if (st == AB_OK)
        st = pass(s, dir, s->o->quick, render, true, err);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "actbench reproduce%s%s%s", s->o->quick ? " --quick" : "",
             s->o->only ? " --only " : "", s->o->only ? s->o->only : "");
    /* the skipped experiments, as the last pass loaded them */
    int n_skip = 0;
    for (int i = 0; i < s->n_sel; i++) {
        int f = s->file_of[i];
        if (s->why[f][0])
            s->skipped[n_skip++] = (report_skip){.e = &s->es[i], .why = s->why[f],
                                                 .install = s->install[f]};
    }
    report_info info = {.command = cmd, .seconds = sys_now() - t0, .jobs = s->o->jobs,
                        .quick = s->o->quick, .skipped = s->skipped, .n_skipped = n_skip};
    if (st == AB_OK)
        st = report_assemble(dir, &info, rows, n, err);
    return st;
}

/* stage_keep's drop: what --only makes anew (its experiments' folders, the
 * report) is not kept from the earlier OUT. */
static bool made_anew(const char *name, void *ctx)
{
    const rep_state *s = ctx;
    for (int i = 0; i < s->n_ids; i++)
        if (!strcmp(name, s->sel[i]))
            return true;
    return !strcmp(name, "REPORT.md") || !strcmp(name, "verdicts.csv");
}

/* With --only, the experiment folders kept from out (in dir, staged) must be
 * readable and of this run's mode: the report is made from them all. */
static ab_status check_kept(const rep_state *s, const char *dir, const char *out,
                            ab_err *err)
{
    report_row rows[MAX_EXPERIMENTS];
    int n;
    ab_status st = report_read_parts(dir, rows, &n, err);
    for (int i = 0; i < n && st == AB_OK; i++)
        if (rows[i].has_full == s->o->quick && !made_anew(rows[i].id, (void *)s))
            st = ab_fail(err, AB_EUSAGE, "--only: %s/%s holds %s-mode results and this run is "
                         "%s mode; one report cannot mix them (run in its mode, or give "
                         "another --out)", out, rows[i].id, rows[i].has_full ? "full" : "quick",
                         s->o->quick ? "quick" : "full");
    return st;
}

/* OUT built staged and put in place whole; with --only, the staged folder
 * starts from the earlier OUT less what this run makes anew. */
static ab_status reproduce_into(rep_state *s, const char *out, report_row *rows, int *n,
                                ab_err *err)
{
    stage_dir stage = {0};
    ab_status st = stage_open(&stage, out, err);
    /* under the stage's lock: what is kept is what the report reads */
    if (st == AB_OK && s->o->only && (st = stage_keep(&stage, made_anew, s, err)) == AB_OK)
        st = check_kept(s, stage.dir, out, err);
    if (st == AB_OK)
        st = run_all(s, stage.dir, rows, n, err);
    if (st == AB_OK)
        st = stage_commit(&stage, err);
    stage_abort(&stage);
    return st;
}

int cmd_reproduce(int argc, char **argv)
{
    rep_opts o;
    ab_err err = {{0}};
    rep_state s = {.o = &o, .argc = argc, .argv = argv};
    report_row expect[MAX_EXPERIMENTS], rows[MAX_EXPERIMENTS];
    int n_expect = 0, n_rows = 0, differ = 0;
    gemm_set_threads(EXP_BLAS_THREADS);
    ab_status st = parse_opts(&o, argc, argv, false, &err);
    plot_set_formats(o.formats);
    if (st == AB_OK && o.help) {
        fputs(reproduce_help, stdout);
        return 0;
    }
    if (st == AB_OK && o.expect &&
        (st = report_read_verdicts(o.expect, expect, MAX_EXPERIMENTS, &n_expect, &err)) != AB_OK)
        ab_context(&err, "--expect");
    if (st == AB_OK)
        st = list_files(&s, &err);
    if (st == AB_OK)
        st = validate(&s, &err);
    if (st == AB_OK && !(s.es = calloc(MAX_EXPERIMENTS, sizeof *s.es)))
        st = ab_fail(&err, AB_ERUNTIME, "out of memory");
    const char *out = o.out ? o.out : "results";
    if (st == AB_OK)
        st = reproduce_into(&s, out, rows, &n_rows, &err);
    if (st == AB_OK && !o.quiet)
        print_table(&s, rows, n_rows, out);
    if (st == AB_OK && o.expect) {
        drop_skipped(&s, expect, &n_expect);
        differ = report_compare(expect, n_expect, rows, n_rows, o.only != NULL, o.expect, stderr);
    }
    if (st != AB_OK)
        fprintf(stderr, "actbench: %s\n", err.msg);
    for (int i = 0; i < s.n_files; i++)
        free(s.files[i]);
    free(s.files);
    free(s.es);
    if (st == AB_OK && s.n_skipped && !differ)
        fprintf(stderr, "actbench: %d experiment%s skipped: %s data set is not installed "
                "(exit status %d)\n", s.n_skipped, s.n_skipped > 1 ? "s" : "",
                s.n_skipped > 1 ? "their" : "its", EXIT_SKIPPED);
    return st != AB_OK ? (int)st : differ ? 1 : s.n_skipped ? EXIT_SKIPPED : 0;
}
