/* cmd_check.h - `actbench gradcheck`: every activation's derivative, and
 * its learned parameters' gradient, against central differences
 * (gradcheck.h).  Prints one row per activation; exit status 0 when every
 * check holds, 1 on a mismatch (naming the point), 2 on a usage error. */
#ifndef ACTBENCH_CMD_CHECK_H
#define ACTBENCH_CMD_CHECK_H

/* actbench gradcheck [--act LIST] */
int cmd_gradcheck(int argc, char **argv);

#endif
