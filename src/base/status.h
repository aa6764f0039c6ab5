/* status.h - status codes and error messages shared by every library module.
 *
 * Library functions never print and never exit: they return an ab_status and,
 * on failure, leave a message "<what>: <why>" in a caller-owned ab_err that
 * names the thing, not how the user gave it (a flag, a file line).  The
 * caller adds that with ab_context: "--act: ...", "exp.ini:7: acts: ...".
 * Only the command-line layer prints it (as "actbench: <message>") and exits
 * with the status as the exit code. */
#ifndef ACTBENCH_STATUS_H
#define ACTBENCH_STATUS_H

typedef enum {
    AB_OK = 0,
    AB_ERUNTIME = 1, /* I/O, a bad data file, out of memory: exit 1 */
    AB_EUSAGE = 2    /* a bad value given by the user: exit 2 */
} ab_status;

typedef struct {
    char msg[512];
} ab_err;

/* Formats msg into err (err may be NULL) and returns status, so that callers
 * can write `return ab_fail(err, AB_EUSAGE, "...")`.  Control bytes in the
 * result (from a quoted file or path) become '?': a message is one line. */
ab_status ab_fail(ab_err *err, ab_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes "CONTEXT: " (CONTEXT formatted from fmt) to the message already in
 * err; err may be NULL.  A message that no longer fits is cut at its end. */
void ab_context(ab_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
