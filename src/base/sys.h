/* sys.h - what the machine offers: free memory, a description of the CPU,
 * the cores, the clock and the temporary folder. */
#ifndef ACTBENCH_SYS_H
#define ACTBENCH_SYS_H

#include <stddef.h>

#include "status.h"

/* Bytes the kernel says can still be had without swapping (MemAvailable), or
 * infinity when it does not say. */
double sys_mem_available(void);

/* "AMD EPYC ..., 2 cores" into out (size n). */
void sys_machine(char *out, size_t n);

/* The online cores (sysconf(_SC_NPROCESSORS_ONLN)), at least 1. */
int sys_cores(void);

/* Seconds on the monotonic clock. */
double sys_now(void);

/* $TMPDIR, else /tmp. */
const char *sys_tmp_dir(void);

#endif
