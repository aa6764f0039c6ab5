/* npy.h - NumPy .npy files of float32 ('<f4', C order), 1-D or 2-D, so that
 * weights can be exchanged with NumPy and PyTorch. */
#ifndef ACTBENCH_NPY_H
#define ACTBENCH_NPY_H

#include <stddef.h>
#include <stdio.h>

#include "status.h"

/* An open .npy file whose header has been read and checked. */
typedef struct {
    FILE *f;
    int rows, cols; /* cols = 0 for a 1-D array */
    size_t n;       /* floats in the array */
} npy_file;

/* Writes rows x cols floats (cols = 0 for a 1-D array of rows) to path,
 * atomically.  AB_ERUNTIME on I/O failure. */
ab_status npy_write(const char *path, const float *data, int rows, int cols, ab_err *err);

/* Opens path and reads its header: format version 1.0, 2.0 or 3.0, a
 * dictionary of exactly 'descr' ('<f4'), 'fortran_order' (False) and 'shape'
 * (1-D or 2-D), and data of exactly shape x 4 bytes after it, all checked
 * before anything is allocated for the data.  AB_ERUNTIME naming the path and
 * what is wrong (a folder, an empty file, another dtype, a version, ...). */
ab_status npy_open(npy_file *nf, const char *path, ab_err *err);

/* Reads the nf->n floats of an open file into dst. */
ab_status npy_read_into(npy_file *nf, const char *path, float *dst, ab_err *err);

/* Closes the file (also after a failed npy_open: then a no-op). */
void npy_close(npy_file *nf);

/* npy_open, then the array into a new buffer (*data, free with free()); a
 * 1-D array reports cols = 0. */
ab_status npy_read(const char *path, float **data, int *rows, int *cols, ab_err *err);

#endif
