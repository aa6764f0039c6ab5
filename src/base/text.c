/* text.c - line-by-line text reading with a line limit and no NUL bytes. */
#include "text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

ab_status text_open(text_reader *t, const char *path, size_t max_line, ab_status bad,
                    ab_err *err)
{
    memset(t, 0, sizeof *t);
    t->path = path;
    t->max_line = max_line;
    t->bad = bad;
    t->f = fopen(path, "r");
    if (!t->f)
        return ab_fail(err, AB_ERUNTIME, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fileno(t->f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        text_close(t);
        return ab_fail(err, AB_ERUNTIME, "%s: is a folder, not a file", path);
    }
    return AB_OK;
}

void text_close(text_reader *t)
{
    if (t->f)
        fclose(t->f);
    free(t->buf);
    t->f = NULL;
    t->buf = NULL;
    t->cap = 0;
}

/* Room for n bytes and a NUL in t->buf; the buffer doubles (a line is at
 * most max_line bytes, so this is bounded). */
static ab_status text_room(text_reader *t, size_t n, ab_err *err)
{
    if (n + 1 <= t->cap)
        return AB_OK;
    size_t cap = t->cap ? t->cap : 256;
    while (cap < n + 1)
        cap *= 2;
    char *b = realloc(t->buf, cap);
    if (!b)
        return ab_fail(err, AB_ERUNTIME, "%s:%ld: out of memory for a line of %zu bytes",
                       t->path, t->line, n);
    t->buf = b;
    t->cap = cap;
    return AB_OK;
}

ab_status text_next(text_reader *t, char **line, size_t *len, ab_err *err)
{
    size_t n = 0;
    int ch = EOF;
    *line = NULL;
    *len = 0;
    errno = 0;
    while ((ch = getc_unlocked(t->f)) != EOF && (t->bytes++, ch != '\n')) {
        if (n == 0)
            t->line++;
        if (ch == '\0')
            return ab_fail(err, t->bad, "%s:%ld: NUL byte in line: not a text file", t->path,
                           t->line);
        if (n == t->max_line)
            return ab_fail(err, t->bad, "%s:%ld: line longer than %zu bytes", t->path, t->line,
                           t->max_line);
        ab_status st = text_room(t, n + 1, err);
        if (st != AB_OK)
            return st;
        t->buf[n++] = (char)ch;
    }
    if (ch == EOF && ferror(t->f))
        return ab_fail(err, AB_ERUNTIME, "%s: read error: %s", t->path,
                       strerror(errno ? errno : EIO));
    if (ch == EOF && n == 0)
        return AB_OK; /* the end; a last line without '\n' was returned before */
    if (n == 0)
        t->line++; /* an empty line */
    ab_status st = text_room(t, n, err);
    if (st != AB_OK)
        return st;
    t->buf[n] = '\0';
    *line = t->buf;
    *len = n;
    return AB_OK;
}

ab_status text_check(const char *path, size_t max_bytes, size_t max_line, ab_err *err)
{
    text_reader t;
    ab_status st = text_open(&t, path, max_line, AB_EUSAGE, err);
    char *line;
    size_t len;
    while (st == AB_OK && (st = text_next(&t, &line, &len, err)) == AB_OK && line)
        if (t.bytes > max_bytes)
            st = ab_fail(err, AB_EUSAGE, "%s: larger than %zu bytes", path, max_bytes);
    text_close(&t);
    return st;
}

const char *text_list_comma(const char *s)
{
    int depth = 0;
    for (; *s; s++) {
        if (*s == '(')
            depth++;
        else if (*s == ')' && depth > 0)
            depth--;
        else if (*s == ',' && depth == 0)
            return s;
    }
    return NULL;
}
