/* names.c - looking up and listing the rows of a name table. */
#include "names.h"

#include <stdio.h>
#include <string.h>

const name_row *names_find(const name_row *t, const char *s, const char **arg)
{
    const char *colon = strchr(s, ':');
    size_t len = colon ? (size_t)(colon - s) : strlen(s);
    if (arg)
        *arg = NULL;
    for (; t->name; t++) {
        if (!strcmp(t->name, s))
            return t;
        if (t->arg && colon && strlen(t->name) == len && !strncmp(t->name, s, len)) {
            if (arg)
                *arg = colon + 1;
            return t;
        }
    }
    return NULL;
}

const char *names_name(const name_row *t, int v)
{
    for (; t->name; t++)
        if (t->value == v)
            return t->name;
    return "?";
}

void names_list(char *buf, size_t n, const name_row *t, const char *sep)
{
    size_t len = 0;
    buf[0] = '\0';
    for (const name_row *r = t; r->name && len < n; r++) {
        const char *before = r == t ? "" : r->value == r[-1].value ? "/" : sep;
        len += (size_t)snprintf(buf + len, n - len, "%s%s%s%s", before, r->name,
                                r->arg ? ":" : "", r->arg ? r->arg : "");
    }
}

ab_status names_unknown(ab_err *err, const name_row *t, const char *what, const char *s)
{
    char list[400];
    names_list(list, sizeof list, t, ", ");
    return ab_fail(err, AB_EUSAGE, "unknown %s '%s' (accepted: %s)", what, s, list);
}

int names_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b), row[64];
    if (la > 63 || lb > 63)
        return 64;
    for (int j = 0; j <= lb; j++)
        row[j] = j;
    for (int i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = i;
        for (int j = 1; j <= lb; j++) {
            int up = row[j];
            int best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}
