/* figpool.c - a figure under construction, in memory that grows as needed. */
#include "figpool.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int cap;             /* room in the panel's series array */
    int wanted;          /* series asked for, kept or not */
} panel_room;

struct figpool {
    plot_figure fig;
    char *name, *title;
    plot_panel *panels;  /* n_panels of cap_panels; each owns its series array */
    int n_panels, cap_panels;
    panel_room *room;    /* per panel, cap_room of them */
    int cap_room;
    void **blocks;       /* doubles and strings handed out */
    int n_blocks, cap_blocks;
    ab_status status;    /* out of memory: sticky, nothing more is done */
    ab_err err;          /* its message */
    int over;            /* the first panel asked for too many series; -1 none */
    int cols;            /* panels per row; 0 = automatic */
    plot_xnames *xnames; /* named x tics, n_xnames of cap_xnames */
    int n_xnames, cap_xnames;
};

/* Grows *arr (of *cap elements of size sz) to hold at least need; false
 * when out of memory, leaving it as it was. */
static bool grow(void **arr, int *cap, int need, size_t sz)
{
    if (need <= *cap)
        return true;
    int c = *cap ? *cap : 8;
    while (c < need)
        c *= 2;
    void *a = realloc(*arr, (size_t)c * sz);
    if (!a)
        return false;
    *arr = a;
    *cap = c;
    return true;
}

static void fail_oom(figpool *p)
{
    if (p->status == AB_OK)
        p->status = ab_fail(&p->err, AB_ERUNTIME, "out of memory: figure %s", p->name);
}

/* Takes ownership of block b (NULL: out of memory); returns it, or NULL. */
static void *keep(figpool *p, void *b)
{
    void *arr = p->blocks;
    if (b && grow(&arr, &p->cap_blocks, p->n_blocks + 1, sizeof *p->blocks)) {
        p->blocks = arr;
        p->blocks[p->n_blocks++] = b;
        return b;
    }
    free(b);
    fail_oom(p);
    return NULL;
}

figpool *figpool_create(const char *name)
{
    figpool *p = calloc(1, sizeof *p);
    if (p)
        p->over = -1;
    if (p && !(p->name = strdup(name))) {
        free(p);
        p = NULL;
    }
    return p;
}

void figpool_free(figpool *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n_blocks; i++)
        free(p->blocks[i]);
    for (int i = 0; i < p->n_panels; i++)
        free((void *)p->panels[i].series);
    free(p->blocks);
    free(p->xnames);
    free(p->panels);
    free(p->room);
    free(p->title);
    free(p->name);
    free(p);
}

void figpool_title(figpool *p, const char *title)
{
    free(p->title);
    p->title = NULL;
    if (title && !(p->title = strdup(title)))
        fail_oom(p);
}

double *figpool_doubles(figpool *p, int n)
{
    if (p->status != AB_OK)
        return NULL;
    return keep(p, calloc((size_t)(n > 0 ? n : 1), sizeof(double)));
}

void *figpool_bytes(figpool *p, size_t n)
{
    if (p->status != AB_OK)
        return NULL;
    return keep(p, calloc(n > 0 ? n : 1, 1));
}

const char *figpool_str(figpool *p, const char *fmt, ...)
{
    if (p->status != AB_OK)
        return "";
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (s) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t)len + 1, fmt, ap);
        va_end(ap);
    }
    s = keep(p, s);
    return s ? s : "";
}

int figpool_panel(figpool *p, const plot_panel *pn)
{
    if (p->status != AB_OK)
        return -1;
    int n = p->n_panels + 1;
    void *panels = p->panels, *room = p->room;
    bool ok = grow(&panels, &p->cap_panels, n, sizeof *p->panels);
    p->panels = panels;
    ok = ok && grow(&room, &p->cap_room, n, sizeof *p->room);
    p->room = room;
    if (!ok) {
        fail_oom(p);
        return -1;
    }
    plot_panel *dst = &p->panels[p->n_panels];
    *dst = *pn;
    dst->series = NULL;
    dst->n_series = 0;
    p->room[p->n_panels] = (panel_room){0, 0};
    return p->n_panels++;
}

void figpool_add(figpool *p, int panel, const plot_series *s)
{
    if (panel < 0 || panel >= p->n_panels)
        return; /* only a failed figpool_panel gives one, and p has failed */
    panel_room *r = &p->room[panel];
    /* past the limit: counted, not kept, and building goes on, so the
     * message can say how many were asked for */
    if (++r->wanted > PLOT_MAX_SERIES && p->over < 0)
        p->over = panel;
    if (p->status != AB_OK || r->wanted > PLOT_MAX_SERIES)
        return;
    plot_panel *pn = &p->panels[panel];
    void *arr = (void *)pn->series;
    if (!grow(&arr, &r->cap, pn->n_series + 1, sizeof *pn->series)) {
        fail_oom(p);
        return;
    }
    ((plot_series *)arr)[pn->n_series++] = *s;
    pn->series = arr;
}

void figpool_cols(figpool *p, int cols)
{
    p->cols = cols > 0 ? cols : 0;
}

void figpool_xnames(figpool *p, int panel, const char *const *names, int n)
{
    if (p->status != AB_OK || panel < 0)
        return;
    void *arr = p->xnames;
    if (!grow(&arr, &p->cap_xnames, p->n_xnames + 1, sizeof *p->xnames)) {
        fail_oom(p);
        return;
    }
    p->xnames = arr;
    p->xnames[p->n_xnames++] = (plot_xnames){.panel = panel, .names = names, .n = n};
}

const plot_xnames *figpool_xnames_of(const figpool *p, int *n)
{
    *n = p->n_xnames;
    return p->xnames;
}

/* Widens [*lo, *hi] by v, a log axis's only when v > 0. */
static void share_widen(double *lo, double *hi, double v, bool logy)
{
    if (!isfinite(v) || (logy && v <= 0))
        return;
    *lo = v < *lo ? v : *lo;
    *hi = v > *hi ? v : *hi;
}

void figpool_share_axes(figpool *p, int p0, int p1, int step)
{
    if (p->status != AB_OK || p0 < 0 || p1 > p->n_panels || p0 >= p1 || step < 1)
        return;
    bool logy = p->panels[p0].logy;
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    for (int q = p0; q < p1; q += step)
        for (int s = 0; s < p->panels[q].n_series; s++) {
            const plot_series *se = &p->panels[q].series[s];
            for (int i = 0; i < se->n; i++) {
                if (!isfinite(se->x[i]) || se->at_top)
                    continue;
                if (isfinite(se->y[i]) && (!logy || se->y[i] > 0))
                    share_widen(&xlo, &xhi, se->x[i], false);
                share_widen(&ylo, &yhi, se->y[i], logy);
                if (se->ylo) {
                    share_widen(&ylo, &yhi, se->ylo[i], logy);
                    share_widen(&ylo, &yhi, se->yhi[i], logy);
                }
            }
        }
    if (!(ylo <= yhi))
        return; /* nothing drawn: each panel says so itself */
    if (logy) {
        /* out to whole decades, as gnuplot's own autoscaling: a range inside
         * one decade would have no labelled tic at all */
        double lo = pow(10.0, floor(log10(ylo))), hi = pow(10.0, ceil(log10(yhi)));
        if (!(lo < hi))
            lo /= 10.0, hi *= 10.0;
        ylo = lo, yhi = hi;
    } else {
        /* at least PLOT_MIN_SPAN of the largest |y|, as plot.c's own rule */
        double mag = fmax(fabs(ylo), fabs(yhi)), least = PLOT_MIN_SPAN * mag;
        if (yhi - ylo < least) {
            double mid = (ylo + yhi) / 2, half = least > 0 ? least / 2 : 1.0;
            ylo = mid - half, yhi = mid + half;
        }
        double pad = 0.04 * (yhi - ylo);
        ylo -= pad, yhi += pad;
    }
    for (int q = p0; q < p1; q += step) {
        p->panels[q].ylo = ylo, p->panels[q].yhi = yhi;
        if (xlo < xhi)
            p->panels[q].xlo = xlo, p->panels[q].xhi = xhi;
    }
}

const plot_figure *figpool_figure(figpool *p)
{
    int n = p->n_panels;
    int cols = p->cols ? (p->cols < n ? p->cols : n) : n <= 2 ? n : (n <= 4 ? 2 : 3);
    p->fig = (plot_figure){.name = p->name, .title = p->title, .panels = p->panels,
                           .n_panels = n, .cols = cols};
    return &p->fig;
}

ab_status figpool_status(const figpool *p, ab_err *err)
{
    if (p->status != AB_OK || p->over < 0) {
        if (p->status != AB_OK && err)
            *err = p->err;
        return p->status;
    }
    const char *title = p->panels[p->over].title;
    bool named = title && *title;
    return ab_fail(err, AB_ERUNTIME, "figure %s: %d lines in panel %d%s%s%s (at most %d in one "
                   "panel)", p->name, p->room[p->over].wanted, p->over + 1, named ? " \"" : "",
                   named ? title : "", named ? "\"" : "", PLOT_MAX_SERIES);
}
