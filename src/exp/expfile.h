/* expfile.h - experiment files: one lecture claim, the set-up that tests it
 * and the checks that decide its verdict, in INI syntax read with inih.
 *
 *   [claim]    number, title, text, source   (or [study]: title, text,
 *              source, and no checks: a set-up and its figures, no verdict)
 *   [setup]    kind, acts, data, samples, test_frac, epochs, seeds, seed,
 *              log_every, target_acc, elements, repeats, and the sweep keys
 *              depth, width, lr, init, init_std, bias_init, optimizer, batch,
 *              batchnorm, residual, loss (each one value or a comma list)
 *   [quick]    any [setup] key but kind, used by `reproduce --quick`
 *   [check NAME]  what, test     (test: see xf_check)
 *   [plot] or [plot NAME]  x, y, logy, reference, series, at, epoch, layer, title,
 *              ylabel
 *
 * The format is documented for users in docs/experiment-files.md.
 * Nothing here runs anything. */
#ifndef ACTBENCH_EXPFILE_H
#define ACTBENCH_EXPFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "act.h"
#include "setting.h"
#include "status.h"

#define XF_MAX_ACTS 16
#define XF_MAX_VALUES 12
#define XF_MAX_CHECKS 12
#define XF_MAX_PLOTS 4
#define XF_MAX_NODES 48
#define XF_MAX_FIX 4
#define XF_MAX_FILE (1 << 20) /* bytes of an experiment file */
#define XF_MAX_RUNS 100000    /* activations x sweep points x seeds */

/* Set-up keys that may hold a list of values: the sweep runs every
 * combination of them.  They are the first rows of the settings table, whose
 * ranges, defaults and messages they share with the command line. */
typedef enum {
    XF_KEY_DEPTH = SET_DEPTH,
    XF_KEY_WIDTH = SET_WIDTH,
    XF_KEY_LR = SET_LR,
    XF_KEY_INIT = SET_INIT,
    XF_KEY_INIT_STD = SET_INIT_STD,
    XF_KEY_BIAS_INIT = SET_BIAS_INIT,
    XF_KEY_OPTIMIZER = SET_OPTIMIZER,
    XF_KEY_BATCH = SET_BATCH,
    XF_KEY_BATCHNORM = SET_BATCHNORM,
    XF_KEY_RESIDUAL = SET_RESIDUAL,
    XF_KEY_LOSS = SET_LOSS,
    XF_KEY_MATH = SET_MATH,
    XF_N_KEYS = SET_N_SWEEP
} xf_key;

/* Their names in files: the settings table's. */
extern const char *const xf_key_names[XF_N_KEYS];

/* Quantities a check or plot can name, one value per run (act x point x seed).
 * Their definitions are in xf_qty_info and docs/experiment-files.md. */
typedef enum {
    XF_Q_TEST_ACC, XF_Q_TRAIN_ACC, XF_Q_TEST_LOSS, XF_Q_TRAIN_LOSS, XF_Q_ACC_GAIN,
    XF_Q_EPOCHS_TO_TARGET, XF_Q_DECAY, XF_Q_GRAD_RATIO, XF_Q_GRAD_FIRST, XF_Q_HIDDEN_GRAD_MAX,
    XF_Q_HIDDEN_CHANGE, XF_Q_DEAD_PCT, XF_Q_DEAD_PCT_MAX, XF_Q_REVIVED_PCT, XF_Q_DEAD_ON_TEST_PCT,
    XF_Q_SATURATED_PCT, XF_Q_SAT_LOW_PCT, XF_Q_SAT_HIGH_PCT, XF_Q_SAME_SIGN_PCT, XF_Q_ACT_MEAN, XF_Q_ACT_MEAN_DEEP, XF_Q_ACT_STD_DEEP,
    XF_Q_DIVERGED, XF_Q_SECONDS_PER_EPOCH, XF_Q_NS, XF_Q_STEP_US, XF_Q_STEP_VS_RELU, XF_N_QTY
} xf_qty;

typedef struct {
    const char *name;
    const char *label;    /* axis label, with units */
    const char *meaning;  /* one line, for the report */
} xf_qty_info;

extern const xf_qty_info xf_qtys[XF_N_QTY];

typedef enum { XF_TRAIN, XF_BENCH_ACTS } xf_kind;

typedef struct {
    xf_kind kind;
    act_spec acts[XF_MAX_ACTS];
    int n_acts;
    char data[256];
    int samples;          /* 0 = the data set's default */
    double test_frac;
    int epochs, seeds, log_every;
    double target_acc;
    uint64_t seed;
    /* sweep: n[k] values of key k; numeric value (init, optimizer, loss as
     * their enum; booleans 0/1) and the text as written */
    int n[XF_N_KEYS];
    double v[XF_N_KEYS][XF_MAX_VALUES];
    char txt[XF_N_KEYS][XF_MAX_VALUES][24];
    /* bench-acts */
    long elements;
    int repeats;
} xf_setup;

/* A check's expression tree, in a fixed pool (no allocation).
 *   check  := expr OP expr                        OP: < <= > >= ==
 *   expr   := term (('+' | '-') term)*
 *   term   := factor (('*' | '/') factor)*
 *   factor := NUMBER | '(' expr ')' | '-' factor | abs '(' expr ')'
 *           | rate '(' expr ',' KEY ')'
 *           | QUANTITY '(' ACT (',' KEY '=' VALUE)* ')'
 * rate(e, k) is exp of the least-squares slope of ln e against key k over
 * k's values: the factor per unit of k of an exponential fit. */
typedef enum {
    XF_E_NUM, XF_E_QTY, XF_E_NEG, XF_E_ADD, XF_E_SUB,
    XF_E_MUL, XF_E_DIV, XF_E_ABS, XF_E_RATE
} xf_node_kind;

typedef struct {
    xf_node_kind kind;
    double num;           /* XF_E_NUM */
    int qty, act;         /* XF_N_QTY */
    int n_fix;            /* XF_N_QTY: key=value filters */
    int fix_key[XF_MAX_FIX], fix_val[XF_MAX_FIX];
    int rate_key;         /* XF_E_RATE */
    int a, b;             /* operands (node indices), -1 = none */
} xf_node;

typedef enum { XF_OP_LT, XF_OP_LE, XF_OP_GT, XF_OP_GE, XF_OP_EQ } xf_op;

typedef struct {
    char name[64];
    char what[256];       /* the criterion in words */
    char test[200];       /* as written */
    int line;             /* of the test key, for messages */
    xf_node nodes[XF_MAX_NODES];
    int n_nodes;
    int lhs, rhs;
    xf_op op;
    unsigned bound;       /* keys not iterated: fixed by every quantity, or in rate() */
} xf_check;

#define XF_X_LAYER (-1)
#define XF_X_EPOCH (-2)
#define XF_X_ACT (-3)
#define XF_X_VALUE (-4)   /* histograms: the values of one layer's units */

typedef struct {
    char name[64];
    int x;                /* a key, XF_X_LAYER, XF_X_EPOCH, XF_X_ACT or XF_X_VALUE */
    char y[32];           /* a quantity (x a key or act), a layers/loss column, or with
                             x = value act_hist or preact_hist */
    int y_qty;            /* its xf_qty, or -1 for a column */
    bool logy;
    bool reference;       /* the 0.25^n line */
    unsigned series;      /* keys whose values make separate lines (act always does) */
    int n_fix;            /* at = key=value, ...: the points shown */
    int fix_key[XF_N_KEYS], fix_val[XF_N_KEYS];
    int epoch;            /* x = layer: the probe at this epoch; -1 = the last
                             (x = value: 0 or -1, where histograms are taken) */
    int layer;            /* x = value: the hidden layer, 1..; 0 = each run's deepest */
    char title[200];
    char ylabel[96];
} xf_plot;

typedef struct {
    char path[4096];
    char id[128];         /* the file name without folder and .ini */
    int claim;            /* 1..15; 0 for a study */
    bool study;           /* [study]: a set-up and its figures, no claim, checks or verdict */
    char overrides[512];  /* the --set KEY=VALUE applied, space separated; "" = none */
    char title[200];
    char text[2048];
    char source[1024];
    xf_setup setup;      /* with the [quick] keys applied when loaded for quick */
    xf_check checks[XF_MAX_CHECKS];
    int n_checks;
    xf_plot plots[XF_MAX_PLOTS];
    int n_plots;
} experiment;

/* Reads path into e; with quick, the [quick] section's values replace the
 * [setup] ones.  AB_EUSAGE "PATH:LINE: ..." for an unknown section or key, a
 * bad value or a bad check; AB_ERUNTIME when the file cannot be read. */
ab_status xf_load(experiment *e, const char *path, bool quick, ab_err *err);

/* xf_load, then set[0..n_set) ("KEY=VALUE", as `run --set` takes them)
 * replace [setup]'s (and [quick]'s) values before the checks and plots are
 * read against the set-up: any [setup] key but kind, a sweep key's value a
 * comma list.  AB_EUSAGE "PATH: --set KEY=VALUE: ..." for an unknown key (with
 * the nearest), a key set twice or a bad value; e->overrides records them. */
ab_status xf_load_set(experiment *e, const char *path, bool quick, const char *const *set,
                      int n_set, ab_err *err);

/* Points of the sweep: the product of e's value counts. */
int xf_n_points(const xf_setup *s);
/* Value index of every key at point p (keys vary fastest last). */
void xf_point(const xf_setup *s, int p, int *idx);
/* The point whose indices are idx. */
int xf_point_index(const xf_setup *s, const int *idx);
/* Room for xf_point_text of any set-up: every key "name=value, " with the
 * longest name (setting_info.name) and value (xf_setup.txt), and the NUL. */
#define XF_POINT_TEXT_SIZE (XF_N_KEYS * (11 + 1 + 23 + 2) + 1)

/* "depth=4, lr=0.1" for the swept keys (those with several values). */
void xf_point_text(char *out, size_t n, const xf_setup *s, const int *idx);

#endif
