/* npy.h - NumPy .npy files of float32 ('<f4', C order), 1-D or 2-D, so that
 * weights can be exchanged with NumPy and PyTorch. */
#ifndef ACTBENCH_NPY_H
#define ACTBENCH_NPY_H

#include "status.h"

/* Writes rows x cols floats (cols = 0 for a 1-D array of rows) to path,
 * atomically.  AB_ERUNTIME on I/O failure. */
ab_status npy_write(const char *path, const float *data, int rows, int cols, ab_err *err);

/* Reads a float32 array of 1 or 2 dimensions from path into a new buffer
 * (*data, free with free()); a 1-D array reports cols = 0.  AB_ERUNTIME
 * naming the path for a missing, truncated or non-float32 file. */
ab_status npy_read(const char *path, float **data, int *rows, int *cols, ab_err *err);

#endif
