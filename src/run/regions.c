/* regions.c - decision regions over a 2-D input plane. */
#include "regions.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void regions_to_data(double x[2], const regions_grid *g, const float *s)
{
    for (int f = 0; f < 2; f++)
        x[f] = (double)s[f] / g->inv[f] + g->mean[f];
}

/* Widens [*lo, *hi] to take in the data coordinates of feature f of set s. */
static void extent(double *lo, double *hi, const regions_grid *g, const data_set *s, int f)
{
    for (int i = 0; i < s->n; i++) {
        double x[2];
        regions_to_data(x, g, s->x + 2 * (size_t)i);
        *lo = x[f] < *lo ? x[f] : *lo;
        *hi = x[f] > *hi ? x[f] : *hi;
    }
}

ab_status regions_grid_make(regions_grid *g, const data_set *train, const data_set *test,
                            const double mean[2], const double inv[2], int nx, int ny,
                            ab_err *err)
{
    memset(g, 0, sizeof *g);
    if (train->d != 2 || (test->n > 0 && test->d != 2) || train->n + test->n == 0)
        return ab_fail(err, AB_EUSAGE, "decision regions need data with two features and "
                       "samples, not %d features", train->d);
    if (nx < 2 || ny < 2 || nx > 1000 || ny > 1000)
        return ab_fail(err, AB_EUSAGE, "decision regions: %d x %d cells (accepted: 2..1000 a "
                       "side)", nx, ny);
    *g = (regions_grid){.nx = nx, .ny = ny, .mean = {mean[0], mean[1]},
                        .inv = {inv[0], inv[1]}};
    double lo[2], hi[2];
    for (int f = 0; f < 2; f++) {
        lo[f] = INFINITY, hi[f] = -INFINITY;
        extent(&lo[f], &hi[f], g, train, f);
        extent(&lo[f], &hi[f], g, test, f);
        /* a feature with one value still gets a plane around it */
        double m = hi[f] > lo[f] ? REGIONS_MARGIN * (hi[f] - lo[f]) : 1.0;
        lo[f] -= m;
        hi[f] += m;
    }
    g->x0 = lo[0], g->x1 = hi[0], g->y0 = lo[1], g->y1 = hi[1];
    g->in = malloc(sizeof(float) * 2 * (size_t)nx * (size_t)ny);
    if (!g->in)
        return ab_fail(err, AB_ERUNTIME, "out of memory: decision-region grid");
    for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++) {
            /* each centre rounded to a float, as a feature read from a file is,
             * then standardised as data_standardize does */
            float c[2] = {(float)(g->x0 + i * (g->x1 - g->x0) / (nx - 1)),
                          (float)(g->y0 + j * (g->y1 - g->y0) / (ny - 1))};
            float *in = g->in + 2 * ((size_t)j * nx + i);
            for (int f = 0; f < 2; f++)
                in[f] = (float)(((double)c[f] - g->mean[f]) * g->inv[f]);
        }
    return AB_OK;
}

void regions_grid_free(regions_grid *g)
{
    free(g->in);
    memset(g, 0, sizeof *g);
}

/* The predicted class of one sample's outputs out[0..k) (k = 1: a sigmoid). */
static unsigned char predict(const float *out, int k)
{
    if (k == 1)
        return isfinite(out[0]) ? out[0] > 0.5f : REGIONS_NONE;
    int best = 0;
    for (int c = 0; c < k; c++) {
        if (!isfinite(out[c]))
            return REGIONS_NONE;
        best = out[c] > out[best] ? c : best;
    }
    return (unsigned char)best;
}

void regions_classify(unsigned char *cls, const net *n, const float *params, net_ws *ws,
                      const float *in, int cells)
{
    const int L = n->n_layers, k = n->fan_out[L - 1];
    for (int start = 0; start < cells; start += ws->cap) {
        int B = cells - start < ws->cap ? cells - start : ws->cap;
        net_forward(n, params, ws, in + 2 * (size_t)start, B, NET_EVAL, NULL);
        for (int i = 0; i < B; i++)
            cls[start + i] = predict(ws->a[L - 1] + (size_t)i * k, k);
    }
}

void regions_free(regions_map *m)
{
    free(m->cls);
    memset(m, 0, sizeof *m);
}
