/* plot.h - gnuplot script emission and rendering.  Knows nothing about
 * networks: callers hand it figures made of panels made of series.
 *
 * Each figure becomes RUN_DIR/plots/NAME.gp, a standalone script that carries
 * its data inline and, run from RUN_DIR as `gnuplot plots/NAME.gp`, writes
 * plots/NAME.png (pngcairo) and, when asked for, NAME.pdf (pdfcairo) and
 * NAME.svg: the formats of plot_set_formats at the time it was written, which
 * `gnuplot -e "fmt='pdf svg'" plots/NAME.gp` overrides. */
#ifndef ACTBENCH_PLOT_H
#define ACTBENCH_PLOT_H

#include <stdbool.h>

#include "status.h"

/* What plot_write accepts, measured with gnuplot 5.4's pngcairo: 1000 lines
 * of 20 points in one panel render in 0.6 s, the key below them making the
 * picture 4719 px tall; cairo refuses a picture over 32767 px a side
 * ("Cairo is unhappy"), which a panel of 8000 such lines, or a figure of many
 * panels with long keys, reaches.  Past either, plot_write fails naming it. */
#define PLOT_MAX_SERIES 1000 /* in one panel */
#define PLOT_MAX_PX 32767    /* picture width and height */

/* The formats a figure is written in, a bit set.  The vector ones have the
 * PNG's layout at 96 pixels an inch: a row of two panels is a 13.3 x 5 inch
 * page, a 16:9 slide's width. */
#define PLOT_PNG 1u
#define PLOT_PDF 2u
#define PLOT_SVG 4u
#define PLOT_ALL_FORMATS (PLOT_PNG | PLOT_PDF | PLOT_SVG)

typedef enum {
    PLOT_LINE,      /* solid line with point markers */
    PLOT_REFERENCE, /* dashed line without markers (e.g. 0.25^n), grey unless coloured */
    PLOT_POINTS     /* markers only; ylo/yhi are drawn as vertical error bars, not a band */
} plot_style;

typedef struct {
    const char *label;   /* legend entry */
    int n;               /* points */
    const double *x;
    const double *y;     /* non-finite values are left out of the plot */
    const double *ylo;   /* optional band (e.g. min over seeds); NULL = none */
    const double *yhi;   /* optional band (e.g. max over seeds); NULL = none */
    plot_style style;
    int colour;          /* 0 = next automatic palette colour; k >= 1 = palette colour k-1 */
    bool dashed;         /* PLOT_LINE: dashed line (dash type 2) with open markers;
                            PLOT_POINTS: open markers */
    const double *mark_x; /* n_marks x values where a run of this line diverged: a cross on
                             the line at its last drawn point at or before each, and one
                             key entry per panel saying what the cross means */
    int n_marks;
    bool at_top;         /* PLOT_POINTS only: open markers along the top edge of the panel
                            at x, y ignored, for values beyond the axis (a target never
                            reached); the label says so */
} plot_series;

/* A picture under a panel's lines: a regular grid of coloured cells (the
 * class regions of a classifier over its input plane, a unit x probe map of
 * dead units).  Cell (i, j) is centred at x0 + i (x1 - x0) / (nx - 1),
 * y0 + j (y1 - y0) / (ny - 1) and coloured rgb[j * nx + i] (0xRRGGBB); the
 * panel's ranges are the grid's edges, half a cell beyond the outer
 * centres.  The legend entries name what the colours mean. */
typedef struct {
    int nx, ny;              /* >= 2 each */
    double x0, x1, y0, y1;   /* centres of the outer cells; x0 < x1, y0 < y1 */
    const unsigned *rgb;
    int n_legend;
    const unsigned *legend_rgb;
    const char *const *legend_label;
} plot_image;

typedef struct {
    const char *title;
    const char *xlabel;
    const char *ylabel;
    bool logy;           /* log y axis; non-positive values are left out */
    bool integer_x;      /* x tics at whole numbers only (layers, epochs) */
    const plot_series *series;
    int n_series;
    bool logx;           /* log x axis (learning rates, scales); x must be > 0 */
    bool percent;        /* a percentage: y over [-3, 103], whatever the data, so that
                            0% and 100% stay in view and lines at 100% do not fill it */
    const plot_image *image; /* drawn first, under the series; NULL = none.  Not with
                                logx or logy. */
    double ylo, yhi;     /* ylo < yhi: the y range whatever the data (small multiples
                            share one); else chosen from the data, a linear axis spanning
                            at least PLOT_MIN_SPAN of its largest |y| so that nearly equal
                            lines are not blown apart */
    double xlo, xhi;     /* xlo < xhi: the x range; else from the data */
} plot_panel;

#define PLOT_MIN_SPAN 0.1

typedef struct {
    const char *name;    /* file stem, [A-Za-z0-9_-] */
    const char *title;   /* figure title above all panels (may be NULL) */
    const plot_panel *panels;
    int n_panels;
    int cols;            /* panels per row; rows follow */
} plot_figure;

/* Names on a categorical x axis: panel `panel` (0-based) of a figure shows
 * names[i] as the x tic label at x = i + 1, over the x range [0.5, n + 0.5];
 * the labels are turned upright when they would not fit side by side. */
typedef struct {
    int panel;
    const char *const *names;
    int n;
} plot_xnames;

/* Writes RUN_DIR/plots/NAME.gp atomically (the plots folder must exist).
 * AB_EUSAGE for a malformed figure (a panel of more than PLOT_MAX_SERIES
 * series among them); AB_ERUNTIME, writing nothing, when the picture would
 * be larger than PLOT_MAX_PX a side. */
ab_status plot_write(const char *run_dir, const plot_figure *fig, ab_err *err);

/* plot_write, with named x tics on the panels xn[0..n_xn) describe (xn may be
 * NULL when n_xn is 0; at most one entry per panel). */
ab_status plot_write_xnames(const char *run_dir, const plot_figure *fig, const plot_xnames *xn,
                            int n_xn, ab_err *err);

/* Palette colour k (0-based, wrapping around the palette) as 0xRRGGBB: the
 * colour of a series whose colour is k + 1. */
unsigned plot_palette_rgb(int k);
/* Parses a comma list of formats ("png,pdf,svg") into *out; AB_EUSAGE
 * naming an unknown or repeated item, or an empty list. */
ab_status plot_formats_parse(unsigned *out, const char *list, ab_err *err);

/* The formats every later plot_write writes and plot_render_all checks, for
 * the whole process (PLOT_PNG until set); 0 or unknown bits are ignored. */
void plot_set_formats(unsigned formats);
unsigned plot_formats(void);

/* The extension ("png", "svg" or "pdf", in that preference) a document
 * links a figure by: the first of the formats that a browser shows. */
const char *plot_link_ext(void);

/* True when a gnuplot executable is on PATH. */
bool plot_have_gnuplot(void);

/* Runs `gnuplot plots/NAME.gp` with RUN_DIR as the working directory;
 * AB_ERUNTIME with gnuplot's exit status on failure.  gnuplot's stderr is
 * passed through. */
ab_status plot_render(const char *run_dir, const char *name, ab_err *err);

/* plot_render for names[0..n) (1..16) in one gnuplot process, each script
 * after a "reset session", so that a folder's figures cost one start of
 * gnuplot, not n; the pictures are as n separate runs draw them, one file
 * per format of plot_formats, each checked to exist. */
ab_status plot_render_all(const char *run_dir, const char *const *names, int n, ab_err *err);

#endif
