/* setting.h - the settings that both the command line and experiment files
 * accept, one row each: the key in a file, the long option, the type, the
 * accepted range or names, the default, the axis label of a figure and one
 * line of help.  Both parsers read every value through setting_parse, so that
 * a setting's range and messages cannot differ between them.
 *
 * The first SET_N_SWEEP rows are the sweep keys of experiment files (a comma
 * list sweeps them; the last varies fastest): xf_key and xf_key_names are
 * these rows. */
#ifndef ACTBENCH_SETTING_H
#define ACTBENCH_SETTING_H

#include <stdbool.h>
#include <stddef.h>

#include "names.h"
#include "status.h"

typedef enum {
    /* the sweep keys */
    SET_DEPTH, SET_WIDTH, SET_LR, SET_INIT, SET_INIT_STD, SET_BIAS_INIT, SET_OPTIMIZER,
    SET_BATCH, SET_BATCHNORM, SET_RESIDUAL, SET_LOSS, SET_MATH,
    /* one value each */
    SET_ACTS, SET_DATA, SET_SAMPLES, SET_TEST_FRAC, SET_EPOCHS, SET_SEEDS, SET_SEED,
    SET_LOG_EVERY, SET_TARGET_ACC,
    /* bench-acts (the subcommand and kind = bench-acts) */
    SET_ELEMENTS, SET_REPEATS,
    SET_COUNT
} setting_id;

#define SET_N_SWEEP (SET_MATH + 1)

typedef enum {
    SET_WHOLE, /* a whole number in min..max */
    SET_REAL,  /* a finite number between lo and hi */
    SET_BOOL,  /* yes or no in a file; an option without a value on the command line */
    SET_NAME,  /* one of names */
    SET_TEXT   /* parsed by its own function: act_parse (acts), data_check_name (data) */
} setting_type;

typedef struct {
    /* An array, not a pointer, so that xf_key_names can be initialised
     * with the rows' names. */
    char name[12];              /* key in experiment files: "log_every" */
    const char *option;         /* long option: "log-every"; NULL: none (init_std is in
                                 * --init normal:STD) */
    const char *arg;            /* the option's value in --help: "N" */
    setting_type type;
    long min, max;              /* SET_WHOLE */
    double lo, hi;              /* SET_REAL; +-INFINITY: no bound */
    bool lo_open, hi_open;      /* SET_REAL: lo < x rather than lo <= x; x < hi */
    bool as_float;              /* SET_REAL: becomes a float, so must be in float range */
    const name_row *names;      /* SET_NAME, and for --help SET_TEXT's data */
    const char *noun;           /* SET_NAME: "optimizer", for "unknown optimizer 'x'" */
    const char *def;            /* the default as written in a file; NULL: see help */
    const char *label;          /* axis label of a figure over this setting */
    const char *help;           /* one line for --help */
    bool bench_acts;            /* an option of bench-acts, not of the main command */
} setting_info;

extern const setting_info setting_table[SET_COUNT];

/* A parsed value. */
typedef struct {
    double num;       /* the number; SET_WHOLE's too; SET_NAME's row value; 1 or 0 */
    long whole;       /* SET_WHOLE: the number exactly */
    const char *arg;  /* SET_NAME: the text after ':' of NAME:ARG (normal:STD), else NULL */
} setting_value;

/* The setting whose file key is name, or -1. */
int setting_find(const char *name);

/* Parses text as a value of setting id (not SET_TEXT).  AB_EUSAGE with a
 * message naming the value and what is accepted, without the setting's name:
 * the caller adds it (ab_context). */
ab_status setting_parse(setting_value *out, setting_id id, const char *text, ab_err *err);

/* Parses s as a whole number in lo..hi: "'abc' is not a whole number
 * (accepted: 1..1024)", "'0' is out of range (accepted: 1..1024)". */
ab_status setting_parse_long(long *out, const char *s, long lo, long hi, ab_err *err);

/* Parses s as yes or no (setting_bools): "'maybe' is not yes or no
 * (accepted: yes/true/on, no/false/off)". */
ab_status setting_parse_bool(bool *out, const char *s, ab_err *err);

/* What setting id accepts, in words: "1..1024", "> 0", "[0, 1)", "any
 * number", "sgd, momentum, adam", the names joined by sep. */
void setting_accepted(char *buf, size_t n, setting_id id, const char *sep);

/* Whether a sweep key's values are numbers (a figure can use it as x). */
bool setting_is_numeric(setting_id id);

/* The axis label of a figure whose x is setting id. */
const char *setting_label(setting_id id);

/* yes, true, on and no, false, off: how a file writes SET_BOOL. */
extern const name_row setting_bools[];

#endif
