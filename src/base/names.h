/* names.h - a name table beside an enum: one row per name, so that parsing a
 * name, naming a value and listing what is accepted read the same rows.
 *
 *   const name_row optim_names[] = {{"sgd", OPT_SGD}, ..., {NULL}};
 *
 * Rows of one value next to each other are aliases ("xavier", "glorot"); the
 * first names the value.  A row with an arg takes "NAME:ARG" ("normal:STD"). */
#ifndef ACTBENCH_NAMES_H
#define ACTBENCH_NAMES_H

#include <stddef.h>

#include "status.h"

typedef struct {
    const char *name;  /* NULL ends the table */
    int value;
    const char *arg;   /* "STD" when the name takes ":STD", else NULL */
} name_row;

/* The row named s, or for a row with an arg the one named by s up to its
 * first ':' (*arg then points past the ':'; otherwise *arg is NULL); NULL
 * when none.  arg may be NULL. */
const name_row *names_find(const name_row *t, const char *s, const char **arg);

/* The first name of value v, or "?". */
const char *names_name(const name_row *t, int v);

/* Every name into buf (size n): values separated by sep, aliases joined by
 * '/', arguments as ":ARG"  ("xavier/glorot, he/kaiming, normal:STD"). */
void names_list(char *buf, size_t n, const name_row *t, const char *sep);

/* AB_EUSAGE "unknown WHAT 'S' (accepted: NAME, ...)". */
ab_status names_unknown(ab_err *err, const name_row *t, const char *what, const char *s);

/* The Levenshtein distance of a and b (64 when either is longer than 63
 * characters): for "did you mean" suggestions. */
int names_distance(const char *a, const char *b);

#endif
