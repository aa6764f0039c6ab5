/* figpool.h - what the two figure builders (figures.c: the main command's
 * figures; xfig.c: an experiment's) share: a pool holding one figure under
 * construction -- its panels, their series and every number and label they
 * point at -- that grows as needed and is freed in one call; and the mean,
 * min and max over seeds of one point.
 *
 * Failures are reported once the figure is built, by figpool_status, so a
 * builder checks only the pointers it writes through.  Out of memory is
 * sticky: later calls do nothing.  A panel given more than PLOT_MAX_SERIES
 * series keeps the first ones and counts the rest, so the message can say
 * how many lines the figure asked for. */
#ifndef ACTBENCH_FIGPOOL_H
#define ACTBENCH_FIGPOOL_H

#include <math.h>
#include <stddef.h>

#include "plot.h"

typedef struct figpool figpool;

/* An empty figure named name (copied; messages say "figure NAME"), or NULL
 * when out of memory. */
figpool *figpool_create(const char *name);
/* Frees p and everything it holds; p may be NULL. */
void figpool_free(figpool *p);

/* Sets the figure's title (copied; NULL = none). */
void figpool_title(figpool *p, const char *title);
/* n zeroed doubles owned by p, or NULL (p failed). */
double *figpool_doubles(figpool *p, int n);
/* n zeroed bytes owned by p (an image's cells, a plot_image), or NULL. */
void *figpool_bytes(figpool *p, size_t n);
/* printf into a string owned by p; "" when p has failed. */
const char *figpool_str(figpool *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends a panel with pn's settings (its series and n_series are ignored);
 * returns its index, or -1 when p has failed. */
int figpool_panel(figpool *p, const plot_panel *pn);
/* Appends a copy of s to panel `panel`.  Its arrays and label must live as
 * long as p (figpool_doubles, figpool_str or static).  A panel holds at most
 * PLOT_MAX_SERIES series: past that, p fails (see above). */
void figpool_add(figpool *p, int panel, const plot_series *s);

/* Sets the panels per row (0: as figpool_figure says). */
void figpool_cols(figpool *p, int cols);
/* Names the x tics of panel `panel` (plot_xnames); names[0..n) must live as
 * long as p (figpool_bytes, figpool_str). */
void figpool_xnames(figpool *p, int panel, const char *const *names, int n);
/* The x names given so far, *n of them; valid until the next figpool_xnames. */
const plot_xnames *figpool_xnames_of(const figpool *p, int *n);
/* Small multiples: gives panels p0, p0 + step, ... (below p1) one x range
 * and one y range, the data's over all of them with a small margin (log
 * axes: the positive values', out to whole decades), so that their lines
 * compare at a glance. */
void figpool_share_axes(figpool *p, int p0, int p1, int step);

/* The figure so far: name, title, the panels with their series, cols (as
 * figpool_cols set, else 1 or 2 for up to 4 panels, else 3).  Valid until
 * the next figpool_panel or figpool_add. */
const plot_figure *figpool_figure(figpool *p);
/* AB_OK, or the first failure with its message in err. */
ab_status figpool_status(const figpool *p, ab_err *err);

/* ---- one point's value over seeds ---- */

/* The finite values added so far: their count, sum, min and max. */
typedef struct {
    int n;
    double sum, lo, hi;
} figpool_stat;

static inline figpool_stat figpool_stat_empty(void)
{
    return (figpool_stat){0, 0.0, INFINITY, -INFINITY};
}

/* Counts v when it is finite. */
static inline void figpool_stat_add(figpool_stat *s, double v)
{
    if (!isfinite(v))
        return;
    s->n++;
    s->sum += v;
    s->lo = v < s->lo ? v : s->lo;
    s->hi = v > s->hi ? v : s->hi;
}

/* The mean of the values, NaN when there are none. */
static inline double figpool_stat_mean(const figpool_stat *s)
{
    return s->n ? s->sum / s->n : NAN;
}

#endif
