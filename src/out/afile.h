/* afile.h - atomic output files: write to a temporary name beside the target,
 * rename over it on commit, so a reader never sees a half-written file. */
#ifndef ACTBENCH_AFILE_H
#define ACTBENCH_AFILE_H

#include <signal.h>
#include <stdio.h>

#include "status.h"

typedef struct {
    FILE *f;          /* write here between open and commit/abort */
    char path[4096];  /* final name */
    char tmp[4096];   /* temporary name in the same folder */
    int slot;         /* its entry in the list of open temporaries, or -1 */
} afile;

/* Makes SIGINT, SIGTERM and SIGHUP first remove the temporary file of every
 * afile still open, then end the process as the signal would have (a signal
 * the process ignores stays ignored).  Call once, early, from the thread that
 * writes the files; afile is for that one thread (and, after fork(), for the
 * thread that forked).  A child inherits the list: fork with no afile open. */
void afile_clean_on_signals(void);
/* Has that handler also call fn (async-signal-safe calls only) after removing
 * the temporary files, before the process ends; one hook, set from the thread
 * that writes the files.  stage.c removes its staging folders so. */
void afile_on_signal(void (*fn)(void));
/* Blocks SIGINT, SIGTERM and SIGHUP in this thread, the mask before into old,
 * until afile_restore_signals(old): what is made and listed for the handler
 * in between is never seen made but unlisted, nor listed half-written. */
void afile_block_signals(sigset_t *old);
void afile_restore_signals(const sigset_t *old);

/* Creates a temporary file next to path and opens it for writing.
 * AB_ERUNTIME naming the folder when it cannot be created. */
ab_status afile_open(afile *a, const char *path, ab_err *err);
/* afile_open on dir/name. */
ab_status afile_open_in(afile *a, const char *dir, const char *name, ab_err *err);
/* Flushes, closes and renames the temporary file to its final name; on any
 * write error removes it instead and returns AB_ERUNTIME. */
ab_status afile_commit(afile *a, ab_err *err);
/* Closes and removes the temporary file; safe after a failed open. */
void afile_abort(afile *a);

/* Joins dir and name with one '/' into out (size n); AB_EUSAGE if too long. */
ab_status afile_path_join(char *out, size_t n, const char *dir, const char *name, ab_err *err);
/* Creates dir and its missing parents (mode 0777 & ~umask). */
ab_status afile_make_dirs(const char *dir, ab_err *err);

#endif
