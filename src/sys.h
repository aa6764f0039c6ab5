/* sys.h - what the machine offers and where output goes by default: free
 * memory, a description of the CPU, and the timestamped output folder. */
#ifndef ACTBENCH_SYS_H
#define ACTBENCH_SYS_H

#include <stddef.h>

#include "status.h"

/* Bytes the kernel says can still be had without swapping (MemAvailable), or
 * infinity when it does not say. */
double sys_mem_available(void);

/* "AMD EPYC ..., 2 cores" into out (size n). */
void sys_machine(char *out, size_t n);

/* Makes the output folder and its plots/ subfolder: given when not NULL (the
 * caller adds how it was given to an error: ab_context), else
 * runs/STEM-YYYYMMDD-HHMMSS (or runs/YYYYMMDD-HHMMSS without a stem), with
 * -2, -3, ... when that exists.  The folder's name goes to dir (size n). */
ab_status sys_out_dir(char *dir, size_t n, const char *given, const char *stem, ab_err *err);

#endif
