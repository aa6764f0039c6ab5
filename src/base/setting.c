/* setting.c - the settings table, and reading a value of any setting. */
#include "setting.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "data.h"
#include "net.h"
#include "optim.h"
#include "vmath.h"

#define STR_(x) #x
#define STR(x) STR_(x)

const name_row setting_bools[] = {
    {"yes", 1, NULL}, {"true", 1, NULL}, {"on", 1, NULL},
    {"no", 0, NULL},  {"false", 0, NULL}, {"off", 0, NULL},
    {NULL, 0, NULL},
};

/* The defaults are chosen so that the plain run shows the vanishing gradient
 * in a few seconds.  lr has none here: it is the optimizer's
 * (optim_default_lr) -- on the command line that of --optimizer, in an
 * experiment file that of sgd whatever optimizer says.  acts has no default
 * in a file, which must name them. */
const setting_info setting_table[SET_COUNT] = {
    [SET_DEPTH] = {.name = "depth", .option = "depth", .arg = "N", .type = SET_WHOLE,
                   .min = 1, .max = NET_MAX_DEPTH, .def = "6",
                   .label = "depth (hidden layers)", .help = "hidden layers"},
    [SET_WIDTH] = {.name = "width", .option = "width", .arg = "N", .type = SET_WHOLE,
                   .min = 1, .max = NET_MAX_WIDTH, .def = "64",
                   .label = "width (units per layer)", .help = "units per hidden layer"},
    [SET_LR] = {.name = "lr", .option = "lr", .arg = "X", .type = SET_REAL, .lo = 0.0,
                .lo_open = true, .hi = INFINITY, .as_float = true, .label = "learning rate",
                .help = "learning rate"},
    [SET_INIT] = {.name = "init", .option = "init", .arg = "SCHEME", .type = SET_NAME,
                  .names = act_inits, .noun = "init scheme", .def = "xavier", .label = "init",
                  .help = "the same for every activation, so the networks stay identical; "
                          "auto picks the usual one per activation, as --list-acts shows"},
    [SET_INIT_STD] = {.name = "init_std", .arg = "STD", .type = SET_REAL, .lo = 0.0,
                      .lo_open = true, .hi = INFINITY, .as_float = true, .def = "1",
                      .label = "initial weight std",
                      .help = "standard deviation of the initial weights of init = normal"},
    [SET_BIAS_INIT] = {.name = "bias_init", .option = "bias-init", .arg = "X", .type = SET_REAL,
                       .lo = -INFINITY, .hi = INFINITY, .as_float = true, .def = "0",
                       .label = "initial bias",
                       .help = "initial value of every bias"},
    [SET_OPTIMIZER] = {.name = "optimizer", .option = "optimizer", .arg = "NAME",
                       .type = SET_NAME, .names = optim_names, .noun = "optimizer",
                       .def = "sgd", .label = "optimizer",
                       .help = "the update rule of torch.optim, with momentum 0.9 and adam's "
                               "betas 0.9, 0.999 and eps 1e-8"},
    [SET_BATCH] = {.name = "batch", .option = "batch", .arg = "N", .type = SET_WHOLE, .min = 1,
                   .max = 1L << 20, .def = "32", .label = "batch size",
                   .help = "minibatch size"},
    [SET_BATCHNORM] = {.name = "batchnorm", .option = "batchnorm", .type = SET_BOOL,
                       .def = "no", .label = "batch normalisation",
                       .help = "batch normalisation between each hidden layer's linear map and "
                               "its activation (Linear -> BatchNorm1d -> f)"},
    [SET_RESIDUAL] = {.name = "residual", .option = "residual", .type = SET_BOOL, .def = "no",
                      .label = "residual",
                      .help = "identity skips: hidden layers 2..depth add their input to f's "
                              "output"},
    [SET_LOSS] = {.name = "loss", .option = "loss", .arg = "NAME", .type = SET_NAME,
                  .names = net_losses, .noun = "loss", .def = "ce", .label = "loss",
                  .help = "softmax cross-entropy, or one sigmoid output and binary "
                          "cross-entropy for two classes"},
    [SET_MATH] = {.name = "math", .option = "math", .arg = "NAME", .type = SET_NAME,
                  .names = vm_backends, .noun = "maths library", .def = "sleef",
                  .label = "maths library",
                  .help = "where exp, expm1, log1p, tanh and erf come from: SLEEF's vector "
                          "code, or glibc's scalar functions one element at a time"},
    [SET_ACTS] = {.name = "acts", .option = "act", .arg = "LIST", .type = SET_TEXT,
                  .def = "sigmoid,relu", .label = "activation",
                  .help = "activations, comma separated; parameters after colons, e.g. "
                          "leaky_relu:0.1, elu:0.5, softplus:2:20; --list-acts lists them"},
    [SET_DATA] = {.name = "data", .option = "data", .arg = "NAME", .type = SET_TEXT,
                  .names = data_names, .def = "spiral",
                  .help = "a built-in generator, the IDX files of a (Fashion-)MNIST, or a "
                          "CSV file"},
    [SET_SAMPLES] = {.name = "samples", .option = "samples", .arg = "N", .type = SET_WHOLE,
                     .min = 10, .max = DATA_MAX_N, .def = STR(DATA_DEFAULT_N),
                     .help = "samples drawn by a built-in generator"},
    [SET_TEST_FRAC] = {.name = "test_frac", .option = "test-frac", .arg = "F", .type = SET_REAL,
                       .lo = 0.0, .hi = 1.0, .hi_open = true, .def = STR(DATA_DEFAULT_TEST_FRAC),
                       .help = "held-out fraction when a set is split (0 keeps every sample "
                               "for training)"},
    [SET_EPOCHS] = {.name = "epochs", .option = "epochs", .arg = "N", .type = SET_WHOLE,
                    .min = 0, .max = 1000000, .def = "40",
                    .help = "training epochs (0: only the probes at initialisation)"},
    [SET_SEEDS] = {.name = "seeds", .option = "seeds", .arg = "K", .type = SET_WHOLE, .min = 1,
                   .max = 10000, .def = "1",
                   .help = "repeat every activation with seeds N..N+K-1"},
    [SET_SEED] = {.name = "seed", .option = "seed", .arg = "N", .type = SET_WHOLE, .min = 0,
                  .max = LONG_MAX, .def = "1",
                  .help = "seed of the weight draws and minibatch order (and of the built-in "
                          "data)"},
    [SET_LOG_EVERY] = {.name = "log_every", .option = "log-every", .arg = "N", .type = SET_WHOLE,
                       .min = 1, .max = 1000000, .def = "5",
                       .help = "probe every N epochs, besides epoch 0 and the last"},
    [SET_TARGET_ACC] = {.name = "target_acc", .option = "target-acc", .arg = "X",
                        .type = SET_REAL, .lo = 0.0, .lo_open = true, .hi = 1.0, .def = "0.9",
                        .help = "accuracy for the epochs-to-target column"},
    [SET_ELEMENTS] = {.name = "elements", .option = "elements", .arg = "N", .type = SET_WHOLE,
                      .min = 1000, .max = 100000000, .def = "1048576", .bench_acts = true,
                      .help = "buffer length"},
    [SET_REPEATS] = {.name = "repeats", .option = "repeats", .arg = "R", .type = SET_WHOLE,
                     .min = 3, .max = 1000, .def = "15", .bench_acts = true,
                     .help = "timed passes per activation"},
};

int setting_find(const char *name)
{
    for (int i = 0; i < SET_COUNT; i++)
        if (!strcmp(name, setting_table[i].name))
            return i;
    return -1;
}

ab_status setting_parse_long(long *out, const char *s, long lo, long hi, ab_err *err)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE)
        return ab_fail(err, AB_EUSAGE, "'%s' is not a whole number (accepted: %ld..%ld)", s, lo,
                       hi);
    if (v < lo || v > hi)
        return ab_fail(err, AB_EUSAGE, "'%s' is out of range (accepted: %ld..%ld)", s, lo, hi);
    *out = v;
    return AB_OK;
}

ab_status setting_parse_bool(bool *out, const char *s, ab_err *err)
{
    const name_row *r = names_find(setting_bools, s, NULL);
    *out = r && r->value;
    if (r)
        return AB_OK;
    char list[100];
    names_list(list, sizeof list, setting_bools, ", ");
    return ab_fail(err, AB_EUSAGE, "'%s' is not yes or no (accepted: %s)", s, list);
}

/* "> 0", "[0, 1)", "any finite number": a SET_REAL's range. */
static void real_range(char *buf, size_t n, const setting_info *r)
{
    if (isinf(r->lo) && isinf(r->hi))
        snprintf(buf, n, "any finite number");
    else if (isinf(r->hi))
        snprintf(buf, n, "%s %g", r->lo_open ? ">" : ">=", r->lo);
    else if (isinf(r->lo))
        snprintf(buf, n, "%s %g", r->hi_open ? "<" : "<=", r->hi);
    else
        snprintf(buf, n, "%c%g, %g%c", r->lo_open ? '(' : '[', r->lo, r->hi,
                 r->hi_open ? ')' : ']');
}

void setting_accepted(char *buf, size_t n, setting_id id, const char *sep)
{
    const setting_info *r = &setting_table[id];
    buf[0] = '\0';
    if (r->type == SET_WHOLE)
        snprintf(buf, n, "%ld..%ld", r->min, r->max);
    else if (r->type == SET_REAL)
        real_range(buf, n, r);
    else if (r->type == SET_BOOL)
        names_list(buf, n, setting_bools, sep);
    else if (r->names)
        names_list(buf, n, r->names, sep);
}

/* AB_EUSAGE unless v, read from s (erange: strtod said ERANGE), is in the
 * range of the type it becomes: a float or a double.  Below the smallest
 * normal magnitude it would round to 0 or lose its digits. */
static ab_status type_range(const setting_info *r, const char *s, double v, bool erange,
                            const char *accepted, ab_err *err)
{
    const char *type = r->as_float ? "float" : "double";
    double big = r->as_float ? FLT_MAX : DBL_MAX, tiny = r->as_float ? FLT_MIN : DBL_MIN;
    if (fabs(v) > big || (erange && fabs(v) >= 1.0))
        return ab_fail(err, AB_EUSAGE, "'%s' is above %s range: its magnitude must be at "
                       "most %g (accepted: %s)", s, type, big, accepted);
    if (v != 0.0 ? fabs(v) < tiny : erange)
        return ab_fail(err, AB_EUSAGE, "'%s' is below %s range: its magnitude must be 0 or "
                       "at least %g (accepted: %s)", s, type, tiny, accepted);
    return AB_OK;
}

static ab_status parse_real(double *out, const setting_info *r, const char *s, ab_err *err)
{
    char accepted[64];
    real_range(accepted, sizeof accepted, r);
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    bool erange = errno == ERANGE;
    /* "inf" and "nan" are numbers to strtod, not to a setting */
    if (end == s || *end != '\0' || (!erange && !isfinite(v)))
        return ab_fail(err, AB_EUSAGE, "'%s' is not a finite number (accepted: %s)", s,
                       accepted);
    ab_status st = type_range(r, s, v, erange, accepted, err);
    if (st != AB_OK)
        return st;
    if (v < r->lo || (r->lo_open && v == r->lo) || v > r->hi || (r->hi_open && v == r->hi))
        return ab_fail(err, AB_EUSAGE, "'%s' is out of range (accepted: %s)", s, accepted);
    *out = v;
    return AB_OK;
}

ab_status setting_parse(setting_value *out, setting_id id, const char *text, ab_err *err)
{
    const setting_info *r = &setting_table[id];
    const name_row *row;
    memset(out, 0, sizeof *out);
    switch (r->type) {
    case SET_WHOLE: {
        ab_status st = setting_parse_long(&out->whole, text, r->min, r->max, err);
        out->num = (double)out->whole;
        return st;
    }
    case SET_REAL:
        return parse_real(&out->num, r, text, err);
    case SET_BOOL: {
        bool b;
        ab_status st = setting_parse_bool(&b, text, err);
        out->num = b;
        return st;
    }
    case SET_NAME:
        if (!(row = names_find(r->names, text, &out->arg)))
            return names_unknown(err, r->names, r->noun, text);
        out->num = row->value;
        return AB_OK;
    case SET_TEXT:
        break;
    }
    return ab_fail(err, AB_EUSAGE, "internal: %s is not read by setting_parse", r->name);
}

bool setting_is_numeric(setting_id id)
{
    return setting_table[id].type == SET_WHOLE || setting_table[id].type == SET_REAL;
}

const char *setting_label(setting_id id)
{
    return setting_table[id].label ? setting_table[id].label : setting_table[id].name;
}
