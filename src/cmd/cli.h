/* cli.h - command-line parsing and validation into a plain options struct.
 * Parsing never prints or exits; the caller reports the error. */
#ifndef ACTBENCH_CLI_H
#define ACTBENCH_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "act.h"
#include "expfile.h"
#include "net.h"
#include "optim.h"
#include "status.h"
#include "vmath.h"

#define CLI_MAX_ACTS 64

typedef struct {
    act_spec acts[CLI_MAX_ACTS];
    int n_acts;
    int depth, width, epochs, batch, seeds, log_every, samples;
    uint64_t seed;
    double lr;
    opt_kind opt;
    bool init_auto;
    init_kind init;
    double init_std;
    double bias_init;
    bool batchnorm;          /* batch normalisation before each hidden activation */
    bool residual;           /* identity skips around hidden layers 2..depth */
    double target_acc;       /* NaN = none */
    out_kind loss;
    vm_backend math;
    const char *data;
    const char *data_dir;    /* NULL = the data set's default */
    const char *out_dir;     /* NULL = runs/<timestamp> */
    const char *test_data;   /* CSV test set beside a csv: training set */
    double test_frac;
    bool no_standardize;
    const char *save_weights; /* folder for .npy weights, NULL = none */
    const char *load_weights; /* folder of .npy weights to start from */
    int threads;             /* BLAS threads in all; 0 = the default: every core */
    int jobs; /* runs trained at once, each in its own process (-j); 1 = in this one;
                 0 = not given (cmd_main's default) */
    bool no_plot, quiet, list_acts, help, version;
    unsigned formats;        /* --format: PLOT_PNG, PLOT_PDF, PLOT_SVG (plot.h) */
    /* per yes-or-no setting: 0 not given, 1 as a flag, 2 with =VALUE */
    unsigned char bool_given[SET_COUNT];
    bool no_gradcheck;       /* train formulas and plugins whose f' fails gradcheck */
    bool regions_init;       /* decision regions at epoch 0 too, not only at the end */
    const char *export_data; /* write the built-in data set here as CSV and exit; NULL = no */
    bool lr_default;         /* --lr not given: each optimizer's own (optim_default_lr) */
    /* The sweep: the settings given as a comma list (--depth 2,4,6), whose
     * every combination runs, labelled as an experiment file's sweep points.
     * sweep_n[k] values of sweep key k (setting.h's first rows), 0 when it
     * was not given as a list (then the field above holds its one value);
     * each as setting_parse read it (.num) and as written. */
    int sweep_n[XF_N_KEYS];
    double sweep_v[XF_N_KEYS][XF_MAX_VALUES];
    char sweep_txt[XF_N_KEYS][XF_MAX_VALUES][24];
    int argc;
    char **argv;
} cli_opts;

/* Parses argv into o; what is not given is the settings table's default
 * (setting.h), and --lr the optimizer's (optim_default_lr).  A sweep key's
 * option takes a comma list of distinct values (a yes-or-no one as
 * --batchnorm=no,yes), at most XF_MAX_VALUES, with at most CLI_MAX_RUNS runs
 * in all.  AB_EUSAGE with a message "--OPTION: " and why, naming the bad value
 * and what is accepted. */
ab_status cli_parse(cli_opts *o, int argc, char **argv, ab_err *err);

/* Parses s as a whole number in lo..hi into out; AB_EUSAGE "OPT: " and the
 * value and the accepted range.  Shared with the subcommands. */
ab_status cli_parse_long(long *out, const char *opt, const char *s, long lo, long hi,
                         ab_err *err);

/* The same for the whole-number setting id (a setting_id) with the range of
 * the settings table, the message starting "--OPTION: ". */
ab_status cli_parse_setting_long(long *out, int id, const char *s, ab_err *err);

/* Parses a comma list of activations ("relu,elu:0.5") into acts (room for
 * max); AB_EUSAGE "--act: " for an empty item, an unknown name, a repeat or
 * too many. */
ab_status cli_parse_acts(act_spec *acts, int *n_acts, int max, const char *list, ab_err *err);

struct option;

/* The value-taking options given so far, to refuse a repeat (cli_check_option). */
typedef struct {
    int code[64];
    int n;
} cli_given;

/* What every command checks after getopt_long returned option c (idx: the
 * long option's index when it was given as one, else -1; opts: the table):
 * AB_EUSAGE "--dept: unknown option (did you mean --depth?)" for a long
 * option not spelled in full (getopt_long takes any unique prefix), and
 * "--depth: given twice" for a second option that takes a value (the later
 * would silently replace the earlier; a repeated flag says the same). */
ab_status cli_check_option(cli_given *g, const struct option *opts, int c, int idx,
                           char *const *argv, ab_err *err);

/* Most runs (activations x seeds x sweep points) of one command: an
 * experiment file's limit. */
#define CLI_MAX_RUNS XF_MAX_RUNS

/* Whether o sweeps anything (a setting given as a list of several values). */
bool cli_sweeps(const cli_opts *o);
/* Parses --format's comma list (png, pdf, svg) into *formats, the bits of
 * plot.h; AB_EUSAGE "--format: " naming an unknown or repeated item.  Shared
 * with the subcommands, as is the --help text. */
ab_status cli_parse_formats(unsigned *formats, const char *list, ab_err *err);
#define CLI_FORMAT_HELP                                                                  \
    "what gnuplot writes of each figure: png, pdf, svg or several, comma separated "     \
    "(default png); the .gp script writes them all again, or others with gnuplot -e "   \
    "\"fmt='pdf svg'\" plots/NAME.gp"

/* Most runs at once (-j). */
#define CLI_MAX_JOBS 256

/* The largest --threads accepted: 4 x the online cores. */
int cli_max_threads(void);

/* Writes --help to f. */
void cli_usage(FILE *f);

/* Writes the activation table of --list-acts to f. */
void cli_list_acts(FILE *f, const act_spec *given, int n_given);

#endif
