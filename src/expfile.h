/* expfile.h - experiment files: one lecture claim, the set-up that tests it
 * and the checks that decide its verdict, in INI syntax read with inih.
 *
 *   [claim]    number, title, text, source
 *   [setup]    kind, acts, data, samples, test_frac, epochs, seeds, seed,
 *              log_every, target_acc, elements, repeats, and the sweep keys
 *              depth, width, lr, init, init_std, bias_init, optimizer, batch,
 *              batchnorm, residual, loss (each one value or a comma list)
 *   [quick]    any [setup] key but kind, used by `reproduce --quick`
 *   [check NAME]  what, test     (test: see exp_check)
 *   [plot] or [plot NAME]  x, y, logy, reference, series, at, epoch, title, ylabel
 *
 * The format is documented for users in README.md ("Experiment files").
 * Nothing here runs anything. */
#ifndef ACTBENCH_EXPFILE_H
#define ACTBENCH_EXPFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "act.h"
#include "setting.h"
#include "status.h"

#define EXP_MAX_ACTS 16
#define EXP_MAX_VALUES 12
#define EXP_MAX_CHECKS 12
#define EXP_MAX_PLOTS 4
#define EXP_MAX_NODES 48
#define EXP_MAX_FIX 4

/* Set-up keys that may hold a list of values: the sweep runs every
 * combination of them.  They are the first rows of the settings table, whose
 * ranges, defaults and messages they share with the command line. */
typedef enum {
    KEY_DEPTH = SET_DEPTH, KEY_WIDTH = SET_WIDTH, KEY_LR = SET_LR, KEY_INIT = SET_INIT,
    KEY_INIT_STD = SET_INIT_STD, KEY_BIAS_INIT = SET_BIAS_INIT, KEY_OPTIMIZER = SET_OPTIMIZER,
    KEY_BATCH = SET_BATCH, KEY_BATCHNORM = SET_BATCHNORM, KEY_RESIDUAL = SET_RESIDUAL,
    KEY_LOSS = SET_LOSS, N_KEYS = SET_N_SWEEP
} exp_key;

/* Their names in files: the settings table's. */
extern const char *const exp_key_names[N_KEYS];

/* Quantities a check or plot can name, one value per run (act x point x seed).
 * Their definitions are in exp_qty_info and README.md. */
typedef enum {
    Q_TEST_ACC, Q_TRAIN_ACC, Q_TEST_LOSS, Q_TRAIN_LOSS, Q_ACC_GAIN, Q_EPOCHS_TO_TARGET,
    Q_DECAY, Q_GRAD_RATIO, Q_GRAD_FIRST, Q_HIDDEN_GRAD_MAX, Q_HIDDEN_CHANGE, Q_DEAD_PCT,
    Q_DEAD_PCT_MAX, Q_REVIVED_PCT, Q_DEAD_ON_TEST_PCT, Q_SATURATED_PCT, Q_SAME_SIGN_PCT,
    Q_ACT_MEAN, Q_ACT_MEAN_DEEP, Q_ACT_STD_DEEP, Q_DIVERGED, Q_SECONDS_PER_EPOCH, Q_NS,
    N_QTY
} exp_qty;

typedef struct {
    const char *name;
    const char *label;    /* axis label, with units */
    const char *meaning;  /* one line, for the report */
} exp_qty_info;

extern const exp_qty_info exp_qtys[N_QTY];

typedef enum { EXP_TRAIN, EXP_BENCH_ACTS } exp_kind;

typedef struct {
    exp_kind kind;
    act_spec acts[EXP_MAX_ACTS];
    int n_acts;
    char data[256];
    int samples;          /* 0 = the data set's default */
    double test_frac;
    int epochs, seeds, log_every;
    double target_acc;
    uint64_t seed;
    /* sweep: n[k] values of key k; numeric value (init, optimizer, loss as
     * their enum; booleans 0/1) and the text as written */
    int n[N_KEYS];
    double v[N_KEYS][EXP_MAX_VALUES];
    char txt[N_KEYS][EXP_MAX_VALUES][24];
    /* bench-acts */
    long elements;
    int repeats;
} exp_setup;

/* A check's expression tree, in a fixed pool (no allocation).
 *   check  := expr OP expr                        OP: < <= > >= ==
 *   expr   := term (('+' | '-') term)*
 *   term   := factor (('*' | '/') factor)*
 *   factor := NUMBER | '(' expr ')' | '-' factor | abs '(' expr ')'
 *           | rate '(' expr ',' KEY ')'
 *           | QUANTITY '(' ACT (',' KEY '=' VALUE)* ')'
 * rate(e, k) is exp of the least-squares slope of ln e against key k over
 * k's values: the factor per unit of k of an exponential fit. */
typedef enum { E_NUM, E_QTY, E_NEG, E_ADD, E_SUB, E_MUL, E_DIV, E_ABS, E_RATE } exp_node_kind;

typedef struct {
    exp_node_kind kind;
    double num;           /* E_NUM */
    int qty, act;         /* N_QTY */
    int n_fix;            /* N_QTY: key=value filters */
    int fix_key[EXP_MAX_FIX], fix_val[EXP_MAX_FIX];
    int rate_key;         /* E_RATE */
    int a, b;             /* operands (node indices), -1 = none */
} exp_node;

typedef enum { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ } exp_op;

typedef struct {
    char name[64];
    char what[256];       /* the criterion in words */
    char test[200];       /* as written */
    int line;             /* of the test key, for messages */
    exp_node nodes[EXP_MAX_NODES];
    int n_nodes;
    int lhs, rhs;
    exp_op op;
    unsigned bound;       /* keys not iterated: fixed by every quantity, or in rate() */
} exp_check;

#define X_LAYER (-1)
#define X_EPOCH (-2)
#define X_ACT (-3)

typedef struct {
    char name[64];
    int x;                /* a key, X_LAYER, X_EPOCH or X_ACT */
    char y[32];           /* a quantity (x a key or act) or a layers/loss column */
    int y_qty;            /* its exp_qty, or -1 for a column */
    bool logy;
    bool reference;       /* the 0.25^n line */
    unsigned series;      /* keys whose values make separate lines (act always does) */
    int n_fix;            /* at = key=value, ...: the points shown */
    int fix_key[N_KEYS], fix_val[N_KEYS];
    int epoch;            /* x = layer: the probe at this epoch; -1 = the last */
    char title[200];
    char ylabel[96];
} exp_plot;

typedef struct {
    char path[4096];
    char id[128];         /* the file name without folder and .ini */
    int claim;            /* 1..15 */
    char title[200];
    char text[2048];
    char source[1024];
    exp_setup setup;      /* with the [quick] keys applied when loaded for quick */
    exp_check checks[EXP_MAX_CHECKS];
    int n_checks;
    exp_plot plots[EXP_MAX_PLOTS];
    int n_plots;
} experiment;

/* Reads path into e; with quick, the [quick] section's values replace the
 * [setup] ones.  AB_EUSAGE "PATH:LINE: ..." for an unknown section or key, a
 * bad value or a bad check; AB_ERUNTIME when the file cannot be read. */
ab_status exp_load(experiment *e, const char *path, bool quick, ab_err *err);

/* Points of the sweep: the product of e's value counts. */
int exp_n_points(const exp_setup *s);
/* Value index of every key at point p (keys vary fastest last). */
void exp_point(const exp_setup *s, int p, int *idx);
/* The point whose indices are idx. */
int exp_point_index(const exp_setup *s, const int *idx);
/* "depth=4, lr=0.1" for the swept keys (those with several values). */
void exp_point_text(char *out, size_t n, const exp_setup *s, const int *idx);

#endif
