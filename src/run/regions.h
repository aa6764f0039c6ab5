/* regions.h - decision regions of a classifier with two inputs: a grid of
 * cells over the data's bounding box in the data's own coordinates, the
 * network input of each cell's centre (through the very standardisation the
 * training data went through), and the class a network predicts there.
 * Knows networks and data sets; prints nothing, touches no files. */
#ifndef ACTBENCH_REGIONS_H
#define ACTBENCH_REGIONS_H

#include "data.h"
#include "net.h"
#include "status.h"

#define REGIONS_CELLS 100   /* cells a side */
#define REGIONS_MARGIN 0.1  /* the box grows by this fraction of its extent each side */
#define REGIONS_NONE 255    /* the class of a cell whose outputs are not finite */
#define REGIONS_MAX_CLASSES 254 /* a class is a byte, REGIONS_NONE apart */

/* The plane: nx x ny cells, cell (i, j) centred at x0 + i (x1 - x0) / (nx - 1),
 * y0 + j (y1 - y0) / (ny - 1) (i along the first feature), its network input
 * at in[2 (j nx + i)].  A feature x reaches the network as
 * (float)(((double)(float)x - mean) * inv), data_standardize's arithmetic
 * (mean 0 and inv 1 without standardisation). */
typedef struct {
    int nx, ny;
    double x0, x1, y0, y1;
    double mean[2], inv[2];
    float *in;              /* nx * ny x 2 */
} regions_grid;

/* What a run measured over a plane: the predicted class of every cell
 * (regions_grid order), at epoch 0 (with at_init) and after the last
 * epoch.  All zero = not measured. */
typedef struct {
    int cells;              /* per map */
    int n_maps;             /* 1: the end; 2: epoch 0, then the end */
    int epoch[2];           /* each map's epoch */
    unsigned char *cls;     /* n_maps x cells; free with regions_free */
} regions_map;

/* Lays a grid of nx x ny (2..1000 each) over the bounding box of train and
 * test (both 2-feature, standardised as mean and inv say, test may be
 * empty), grown by REGIONS_MARGIN each side, in data coordinates.
 * AB_EUSAGE for data without two features or no samples; AB_ERUNTIME out of
 * memory.  Free with regions_grid_free. */
ab_status regions_grid_make(regions_grid *g, const data_set *train, const data_set *test,
                            const double mean[2], const double inv[2], int nx, int ny,
                            ab_err *err);
void regions_grid_free(regions_grid *g);

/* The data coordinates of a standardised point s (2 floats) into x. */
void regions_to_data(double x[2], const regions_grid *g, const float *s);

/* The class the network predicts at each of the cells (rows of in, n_in 2),
 * into cls: argmax of the softmax outputs (the first of equals), or with a
 * sigmoid output 1 when it is above 0.5; REGIONS_NONE when an output is not
 * finite.  In NET_EVAL mode, in chunks of ws->cap rows. */
void regions_classify(unsigned char *cls, const net *n, const float *params, net_ws *ws,
                      const float *in, int cells);

/* Frees m's classes and zeroes it. */
void regions_free(regions_map *m);

#endif
