/* stage.h - output folders that appear whole or not at all: a folder is built
 * beside its destination, hidden and locked, and swapped into place on
 * commit, replacing an earlier folder as a whole.  A failed or interrupted
 * command leaves the earlier folder as it was (or nothing); a second process
 * staging the same destination fails instead of mixing.
 *
 * Call from the thread that writes the files (afile's rule).  Fork children
 * (the -j runner's) may write into dir; only the process that opened the
 * stage commits or removes it.  Linux: renameat2, getdents64, flock.  Not for
 * NFS, whose flock needs a writable descriptor and which has no
 * RENAME_EXCHANGE (the open or the replacing commit fails with the reason). */
#ifndef ACTBENCH_STAGE_H
#define ACTBENCH_STAGE_H

#include <stdbool.h>
#include <sys/types.h>

#include "status.h"

typedef struct {
    char dest[4096]; /* the folder made on commit: as given less trailing '/'
                      * (a symbolic link's target when dest is one) */
    char dir[4096];  /* write here until commit: DEST's folder/.NAME.partial */
    /* the module's own */
    int parent_fd; /* dest's folder, open */
    int fd;        /* dir, open and flock'ed: the lock */
    int slot;      /* its entry in the list the signal handler removes */
    int fresh;     /* from stage_open_new: commit never replaces */
    int held;      /* 1 from a successful open until commit or abort */
    pid_t owner;   /* the process that opened it */
} stage_dir;

/* Starts building dest: makes its missing parent folders, then creates and
 * flocks the empty staging folder dir (callers make subfolders such as
 * plots/), emptying and reusing one left by a process that died (its lock is
 * free).  A symbolic link dest is followed: its target is the folder replaced,
 * the link stays.  AB_ERUNTIME "DEST: another actbench process is writing it"
 * when another process holds the stage; AB_ERUNTIME when dest exists and is
 * not a folder, when it holds the current folder, or when a folder cannot be
 * made or written (naming it, with strerror); AB_EUSAGE for an empty path,
 * ".", ".." or "/" as the last part, or a path or name too long. */
ab_status stage_open(stage_dir *s, const char *dest, ab_err *err);
/* Like stage_open on PARENT/STEM-YYYYMMDD-HHMMSS (YYYYMMDD-HHMMSS when stem is
 * NULL or ""), local time, with -2, -3, ... up to -999 while that name or its
 * staging folder is taken, also by another process in the same second;
 * AB_EUSAGE when stem holds a '/'. */
ab_status stage_open_new(stage_dir *s, const char *parent, const char *stem, ab_err *err);
/* Puts the staged folder in place as dest and releases the stage: an existing
 * dest is swapped out in one step (renameat2 RENAME_EXCHANGE; dest is never
 * missing or mixed) and its old tree removed (what cannot be is left hidden
 * in dir, for the next stage of dest to remove); for stage_open_new dest is
 * never replaced.  On failure dest is as it was and the staged folder is
 * removed, as by stage_abort. */
ab_status stage_commit(stage_dir *s, ab_err *err);
/* Puts into the staged folder what dest holds now, less the entries for
 * which drop (NULL: none) is true: folders are made anew, files hard-linked
 * (never changed in place: every file is replaced by a rename), so that a
 * command that replaces part of a folder still puts it in place whole.
 * Nothing when dest does not exist; AB_ERUNTIME when it cannot be read or
 * the links cannot be made. */
ab_status stage_keep(stage_dir *s, bool (*drop)(const char *name, void *ctx), void *ctx,
                     ab_err *err);
/* Removes the staged folder and all it holds and releases the stage; dest is
 * untouched.  In a fork child only forgets it.  Safe after a failed open,
 * after commit, and on a zeroed stage_dir. */
void stage_abort(stage_dir *s);

#endif
