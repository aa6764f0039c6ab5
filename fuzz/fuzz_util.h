/* fuzz_util.h - what the libFuzzer targets share: a fuzz input as a file
 * that never touches the disk (a memfd, named /proc/self/fd/N), a private
 * temporary folder for what must be a real folder, and FZ_CHECK, which aborts
 * on a broken invariant so that libFuzzer saves the input that broke it. */
#ifndef ACTBENCH_FUZZ_UTIL_H
#define ACTBENCH_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* Aborts with FILE:LINE, the condition and a printf message unless cond. */
#define FZ_CHECK(cond, ...) \
    do { \
        if (!(cond)) \
            fz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
    } while (0)

_Noreturn void fz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A memfd holding data[0..size), its name /proc/self/fd/N into path (n
 * bytes); the caller closes the fd, which frees it.  Aborts on failure (the
 * machine, not the input, is at fault). */
int fz_memfd(const void *data, size_t size, char *path, size_t n);

/* This process's temporary folder ($TMPDIR or /tmp, actbench-fuzz-XXXXXX),
 * made on first use and removed at exit; the targets remove what they put in
 * it after each input.  (A crashing input leaves it behind.) */
const char *fz_tmpdir(void);

/* Writes data[0..size) to path, gzip-compressed with gz; aborts on failure. */
void fz_write_file(const char *path, const void *data, size_t size, int gz);

/* Reads what path holds, gunzipped if it is gzip (as zlib's gzread sees it),
 * into a new *out (free with free()) of *len bytes, at most max; false if the
 * file is missing or holds more than max. */
int fz_read_content(const char *path, unsigned char **out, size_t *len, size_t max);

/* The checks every failing library call must pass: a known status and a
 * message of one non-empty line. */
void fz_check_failure(ab_status st, const ab_err *err);

#endif
