/* plugin.h - activations from shared objects: `--act plugin:PATH.so[:NAME]`.
 *
 * A plugin is written against the installed header actbench/activation.h
 * (include/ in the sources).  This loader opens it, checks its ABI version
 * and every descriptor it exports, and returns the one asked for; wrapping
 * it as a registry entry is act.c's business.  No I/O beyond opening the
 * file. */
#ifndef ACTBENCH_PLUGIN_H
#define ACTBENCH_PLUGIN_H

#include <actbench/activation.h>

#include "act.h"
#include "status.h"

/* Most activations one plugin may export; a longer table, or one that does
 * not end with NULL, is refused. */
#define PLUGIN_MAX_ACTS 64

/* Loads the plugin at path and sets *out to its activation named name (NULL:
 * the file's only one; an error naming them when it has several).
 *
 * path is a file name as the user gave it: a path without '/' is taken
 * relative to the current directory, as every other file actbench reads,
 * and is never searched for on the library path (LD_LIBRARY_PATH, ld.so's
 * cache, /usr/lib), where `plugin:brelu.so` could silently run another file
 * of that name than the ./brelu.so in front of the user.  It is opened with
 * RTLD_NOW, so an undefined symbol is an error here and not a crash in the
 * middle of training, and RTLD_LOCAL, so two plugins' symbols never clash.
 *
 * The file stays loaded until the process exits (its functions are called
 * until then; nothing is ever dlclosed), and a second load of the same file
 * (by any path to it) reuses it.  Every descriptor in the file is checked
 * at the first load, so a broken one is reported whichever NAME is asked
 * for.  Not thread-safe: call it from one thread, while the arguments are
 * parsed (forked children inherit what it loaded).
 *
 * On failure: AB_EUSAGE (the user gave a bad plugin: exit 2), *out
 * untouched, and err holds one line "plugin PATH: ..." saying what is
 * wrong and, where it can, what to do. */
ab_status plugin_load(const actbench_activation **out, const char *path, const char *name,
                      ab_err *err);

/* The init scheme a's usual_init names (a came from plugin_load, which
 * accepts only "xavier", "he" and "lecun"). */
init_kind plugin_usual_init(const actbench_activation *a);

#endif
