/* text.h - text files read line by line within limits.  A NUL byte or a line
 * longer than the limit is an error as soon as it is read, so that a binary
 * file, /dev/zero or an endless stream ends with one message instead of
 * filling memory or spinning. */
#ifndef ACTBENCH_TEXT_H
#define ACTBENCH_TEXT_H

#include <stddef.h>
#include <stdio.h>

#include "status.h"

/* A file being read; the fields are the reader's own. */
typedef struct {
    FILE *f;
    const char *path;  /* for messages; not copied */
    size_t max_line;   /* bytes a line may hold, its newline aside */
    ab_status bad;     /* returned for a NUL byte or a line too long */
    long line;         /* number of the line last read, 1-based */
    size_t bytes;      /* bytes read so far, newlines included */
    char *buf;         /* the line last read, NUL-terminated */
    size_t cap;
} text_reader;

/* Opens path for t.  AB_ERUNTIME "PATH: cannot open: ..." (or "PATH: is a
 * folder").  Content errors of text_next will return bad. */
ab_status text_open(text_reader *t, const char *path, size_t max_line, ab_status bad,
                    ab_err *err);

/* The next line into *line (without its '\n'; owned by t, valid until the
 * next call) and its length into *len; *line = NULL at the end of the file.
 * t->bad "PATH:LINE: NUL byte in line: not a text file" or "PATH:LINE: line
 * longer than MAX bytes" at the first byte that breaks the rule; AB_ERUNTIME
 * on read errors. */
ab_status text_next(text_reader *t, char **line, size_t *len, ab_err *err);

/* Closes the file and frees the line. */
void text_close(text_reader *t);

/* Reads all of path once, as a check before another reader (inih) that could
 * not tell: AB_EUSAGE for a NUL byte, a line longer than max_line bytes or
 * more than max_bytes in all ("PATH: larger than MAX bytes"), each named at
 * once; AB_ERUNTIME when it cannot be read. */
ab_status text_check(const char *path, size_t max_bytes, size_t max_line, ab_err *err);

/* The first ',' of s outside parentheses, or NULL: where a list of
 * activations splits, so that a formula's max(x, 0) stays one item. */
const char *text_list_comma(const char *s);

#endif
