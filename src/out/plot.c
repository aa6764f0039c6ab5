/* plot.c - writes figures as standalone gnuplot scripts and runs gnuplot on
 * them.  Every figure is one file with its data inline, so a run folder can be
 * zipped, moved and re-rendered without actbench. */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "afile.h"

/* ---- styles ------------------------------------------------------------ */

/* Tableau 10 with its grey swapped for black, since grey marks references. */
static const char *const palette[] = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#000000",
};
#define N_PALETTE ((int)(sizeof palette / sizeof palette[0]))

/* filled circle, square, triangle up, triangle down, diamond, pentagon; in
 * gnuplot's numbering the open variant of each is one less */
static const int point_types[] = {7, 5, 9, 11, 13, 15};
#define N_POINT_TYPES ((int)(sizeof point_types / sizeof point_types[0]))

/* solid first; once the palette wraps: dash-dot, dash-dot-dot, dotted.  The
 * plain dash (2) is kept for references and `dashed` series. */
static const int dash_types[] = {1, 4, 5, 3};
#define N_DASH_TYPES ((int)(sizeof dash_types / sizeof dash_types[0]))
#define DASHED_DT 2

#define REFERENCE_COLOUR "#7f7f7f"
/* pdfcairo's page is the PNG's at this many pixels an inch, so the vector
 * figures have the PNG's layout; its text and lines scaled to look as the
 * PNG's do (measured: pngcairo's "sans,10" is pdfcairo's at fontscale 0.75,
 * its lw 1.5 pdfcairo's with linewidth 2). */
#define VECTOR_DPI 96.0
#define VECTOR_FONTSCALE 0.75
#define PANEL_W 640
#define PANEL_H 480
#define TITLE_H 40      /* extra height for a multiplot title */
#define MAX_MARKERS 20  /* more markers than this per line turn into a smear */
#define INT_TICS_MAX 30 /* widest x range that gets whole-number tics from us */
#define INT_TICS_N 12   /* at most this many tic steps: labels must not touch */

/* The key sits below each panel, a box at the bottom of the panel's cell.
 * gnuplot's automatic bottom margin makes room for it but lets the box
 * overlap the x label, so the margin is set explicitly, in character heights
 * (v_char; pngcairo "sans,10": 8 px wide, 15.5 px high).  Measured: the x
 * tic labels and the x label, descenders included, reach 2.9 below the plot;
 * the key box rises v_tic = v_char / 2.5 = 0.4 off the cell bottom plus
 * KEY_SPACING a row.  So: 3.5 with no key, else 2.9 + a gap of 0.5 + 0.4 +
 * 1.1 a row. */
#define KEY_SPACING 1.1
#define MARGIN_BASE 3.5    /* tic labels and x label, no key */
#define MARGIN_KEY 0.3     /* MARGIN_BASE + this = 2.9 + 0.5 gap + 0.4 lift */
/* gnuplot's width of a key column in characters is the longest entry plus
 * this (reverse, samplen 2.5, width 1: 1 + 2.5 + v_tic/h_char + 1 + 1). */
#define KEY_SAMPLEN 2.5
#define KEY_COL_EXTRA 6.3
/* Columns must fit in this many characters: about the plot width of a
 * PANEL_W panel once the y tic labels and the y label have taken theirs. */
#define KEY_MAX_CHARS (PANEL_W / 8.0 - 12)
/* A key of more rows than this makes its panels taller by KEY_ROW_PX a row,
 * so the plot itself keeps its height. */
#define KEY_FREE_ROWS 3
#define KEY_ROW_PX 17
/* The plot above a key is at least this many times the key's height, and
 * the panel's title and top margin take KEY_TOP_PX more. */
#define KEY_PLOT_RATIO 1.25
#define KEY_TOP_PX 90

/* ---- validation -------------------------------------------------------- */

static bool name_ok(const char *name)
{
    if (!name || !*name)
        return false;
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* Names become parts of paths in the script, hence the short limit. */
#define NAME_MAX_LEN 200

static ab_status check_name(const char *name, ab_err *err)
{
    if (!name_ok(name))
        return ab_fail(err, AB_EUSAGE, "plot name '%s': use only letters, digits, '_' and '-'",
                       name ? name : "(null)");
    if (strlen(name) > NAME_MAX_LEN)
        return ab_fail(err, AB_EUSAGE, "plot name '%.40s...': too long", name);
    return AB_OK;
}

/* Most cells in one image: a 200 x 200 grid, or a unit x probe map of 1000
 * units at 200 probes, is 4-5 MB of script; past this, say so. */
#define PLOT_MAX_CELLS 400000

static ab_status check_image(const char *name, int p, const plot_panel *pa, ab_err *err)
{
    const plot_image *im = pa->image;
    if (!im)
        return AB_OK;
    if (im->nx < 2 || im->ny < 2 || !im->rgb || (long)im->nx * im->ny > PLOT_MAX_CELLS)
        return ab_fail(err, AB_EUSAGE, "plot %s: panel %d: an image needs 2..%d cells a side "
                       "and at most %d cells, has %d x %d", name, p + 1, PLOT_MAX_CELLS / 2,
                       PLOT_MAX_CELLS, im->nx, im->ny);
    if (!(im->x0 < im->x1) || !(im->y0 < im->y1) || !isfinite(im->x1 - im->x0) ||
        !isfinite(im->y1 - im->y0))
        return ab_fail(err, AB_EUSAGE, "plot %s: panel %d: an image needs finite x0 < x1 and "
                       "y0 < y1", name, p + 1);
    if (pa->logx || pa->logy)
        return ab_fail(err, AB_EUSAGE, "plot %s: panel %d: an image needs linear axes", name,
                       p + 1);
    if (im->n_legend < 0 || (im->n_legend > 0 && (!im->legend_rgb || !im->legend_label)))
        return ab_fail(err, AB_EUSAGE, "plot %s: panel %d: an image legend needs colours and "
                       "labels", name, p + 1);
    return AB_OK;
}

/* Half a cell: the grid's edges lie this far beyond its outer centres. */
static double half_cell(double c0, double c1, int n)
{
    return (c1 - c0) / (n - 1) / 2;
}

static ab_status check_figure(const plot_figure *fig, ab_err *err)
{
    if (!fig)
        return ab_fail(err, AB_EUSAGE, "plot: no figure given");
    ab_status st = check_name(fig->name, err);
    if (st != AB_OK)
        return st;
    if (fig->n_panels < 1 || !fig->panels)
        return ab_fail(err, AB_EUSAGE, "plot %s: a figure needs at least one panel", fig->name);
    for (int p = 0; p < fig->n_panels; p++) {
        const plot_panel *pa = &fig->panels[p];
        if (pa->n_series < 0 || (pa->n_series > 0 && !pa->series))
            return ab_fail(err, AB_EUSAGE, "plot %s: panel %d has no series array", fig->name,
                           p + 1);
        if (pa->n_series > PLOT_MAX_SERIES)
            return ab_fail(err, AB_EUSAGE, "plot %s: %d lines in panel %d (at most %d in one "
                           "panel)", fig->name, pa->n_series, p + 1, PLOT_MAX_SERIES);
        ab_status ist = check_image(fig->name, p, pa, err);
        if (ist != AB_OK)
            return ist;
        for (int s = 0; s < pa->n_series; s++) {
            const plot_series *se = &pa->series[s];
            if (se->n < 0 || (se->n > 0 && (!se->x || !se->y)))
                return ab_fail(err, AB_EUSAGE, "plot %s: panel %d series %d lacks x or y",
                               fig->name, p + 1, s + 1);
            if ((se->ylo == NULL) != (se->yhi == NULL))
                return ab_fail(err, AB_EUSAGE,
                               "plot %s: panel %d series %d: a band needs both ylo and yhi",
                               fig->name, p + 1, s + 1);
            if (se->style != PLOT_LINE && se->style != PLOT_REFERENCE &&
                se->style != PLOT_POINTS)
                return ab_fail(err, AB_EUSAGE, "plot %s: panel %d series %d: unknown style",
                               fig->name, p + 1, s + 1);
            if (se->at_top && (se->style != PLOT_POINTS || se->ylo))
                return ab_fail(err, AB_EUSAGE, "plot %s: panel %d series %d: markers at the "
                               "top are points without a band", fig->name, p + 1, s + 1);
            if (se->n_marks < 0 || (se->n_marks > 0 && !se->mark_x))
                return ab_fail(err, AB_EUSAGE, "plot %s: panel %d series %d: marks lack x",
                               fig->name, p + 1, s + 1);
            if (se->colour < 0)
                return ab_fail(err, AB_EUSAGE,
                               "plot %s: panel %d series %d: colour %d (use 0 for automatic, "
                               "1.. for a fixed palette colour)",
                               fig->name, p + 1, s + 1, se->colour);
        }
    }
    return AB_OK;
}

/* ---- what can be drawn ------------------------------------------------- */

/* A log axis cannot show zero or negative values, so they count as missing. */
static bool value_ok(double v, bool logy)
{
    return isfinite(v) && (!logy || v > 0);
}

/* A marker at the top needs only its x. */
static bool row_ok(const plot_series *s, int i, bool logy)
{
    return isfinite(s->x[i]) && (s->at_top || value_ok(s->y[i], logy));
}

static int count_rows(const plot_series *s, bool logy)
{
    int n = 0;
    for (int i = 0; i < s->n; i++)
        n += row_ok(s, i, logy);
    return n;
}

static int count_band_rows(const plot_series *s, bool logy)
{
    int n = 0;
    if (!s->ylo)
        return 0;
    for (int i = 0; i < s->n; i++)
        n += row_ok(s, i, logy) && value_ok(s->ylo[i], logy) && value_ok(s->yhi[i], logy);
    return n;
}

typedef struct {
    int points;             /* plottable rows over all series */
    double xmin, xmax;      /* over plottable rows */
    double ymin, ymax;      /* y and drawable band edges of those rows (not at_top's) */
    bool top;               /* some markers sit at the top edge */
} panel_extent;

static void widen(double *lo, double *hi, double v)
{
    if (v < *lo)
        *lo = v;
    if (v > *hi)
        *hi = v;
}

static panel_extent measure(const plot_panel *pa)
{
    panel_extent e = {0, INFINITY, -INFINITY, INFINITY, -INFINITY, false};
    const plot_image *im = pa->image;
    if (im) {
        double hx = half_cell(im->x0, im->x1, im->nx), hy = half_cell(im->y0, im->y1, im->ny);
        e.points += im->nx * im->ny;
        widen(&e.xmin, &e.xmax, im->x0 - hx);
        widen(&e.xmin, &e.xmax, im->x1 + hx);
        widen(&e.ymin, &e.ymax, im->y0 - hy);
        widen(&e.ymin, &e.ymax, im->y1 + hy);
    }
    for (int s = 0; s < pa->n_series; s++) {
        const plot_series *se = &pa->series[s];
        for (int i = 0; i < se->n; i++) {
            if (!row_ok(se, i, pa->logy))
                continue;
            e.points++;
            widen(&e.xmin, &e.xmax, se->x[i]);
            if (se->at_top) {
                e.top = true;
                continue;
            }
            widen(&e.ymin, &e.ymax, se->y[i]);
            if (se->ylo && value_ok(se->ylo[i], pa->logy) && value_ok(se->yhi[i], pa->logy)) {
                widen(&e.ymin, &e.ymax, se->ylo[i]);
                widen(&e.ymin, &e.ymax, se->yhi[i]);
            }
        }
    }
    return e;
}

/* A log x axis over a few values (learning rates 0.01, 0.03, ...) gets a
 * tic at each of them: gnuplot's decades would label only one or two. */
static void put_log_xtics(FILE *f, const plot_panel *pa)
{
    enum { MAX_TICS = 10 };
    double v[MAX_TICS];
    int n = 0;
    for (int s = 0; s < pa->n_series; s++)
        for (int i = 0; i < pa->series[s].n; i++) {
            double x = pa->series[s].x[i];
            bool seen = !(isfinite(x) && x > 0);
            for (int j = 0; j < n && !seen; j++)
                seen = v[j] == x;
            if (seen)
                continue;
            if (n == MAX_TICS) {
                fputs("set xtics autofreq\nset format x \"%g\"\n", f);
                return;
            }
            v[n++] = x;
        }
    fputs("set format x \"%g\"\nset xtics (", f);
    for (int j = 0; j < n; j++)
        fprintf(f, "%s%.9g", j ? ", " : "", v[j]);
    fputs(")\n", f);
}

/* ---- marks ------------------------------------------------------------- */

/* What the key says once per panel of the crosses that end diverged runs. */
#define MARK_KEY "where a run diverged (its values end there)"
#define MARK_PT 2   /* a cross */
#define TOP_PT 8    /* an open triangle */

/* The drawn point a mark at x sits on: the last at or before x, or -1. */
static int mark_index(const plot_series *s, double x, bool logy)
{
    int best = -1;
    for (int i = 0; i < s->n; i++)
        if (!s->at_top && row_ok(s, i, logy) && s->x[i] <= x &&
            (best < 0 || s->x[i] >= s->x[best]))
            best = i;
    return best;
}

static int count_marks(const plot_series *s, bool logy)
{
    int n = 0;
    for (int m = 0; m < s->n_marks; m++)
        n += isfinite(s->mark_x[m]) && mark_index(s, s->mark_x[m], logy) >= 0;
    return n;
}

static bool panel_has_marks(const plot_panel *pa)
{
    for (int s = 0; s < pa->n_series; s++)
        if (count_marks(&pa->series[s], pa->logy) > 0)
            return true;
    return false;
}

/* ---- the key ----------------------------------------------------------- */

#define NO_DATA_SUFFIX " (no data)"
#define ALL_ZERO_SUFFIX " (all zero)"

/* Whether a series with nothing to draw on a log axis had values, every one
 * of them exactly 0 (hardshrink's gradients): said as such, not "no data". */
static bool all_zero(const plot_series *s, bool logy)
{
    bool any = false;
    for (int i = 0; logy && i < s->n; i++) {
        if (!isfinite(s->x[i]) || !isfinite(s->y[i]))
            continue;
        if (s->y[i] != 0.0)
            return false;
        any = true;
    }
    return any;
}

/* How many of a drawn series' points are exactly 0 on a log axis, where
 * they cannot be drawn: the key says so. */
static int zeros_left_out(const plot_series *s, bool logy)
{
    int n = 0;
    for (int i = 0; logy && i < s->n; i++)
        n += isfinite(s->x[i]) && s->y[i] == 0.0;
    return n;
}

/* What the key says after a series with nothing to draw. */
static const char *missing_suffix(const plot_series *s, bool logy)
{
    return all_zero(s, logy) ? ALL_ZERO_SUFFIX : NO_DATA_SUFFIX;
}

/* Length of a key entry as gnuplot estimates it for noenhanced text: one per
 * UTF-8 character. */
static int text_chars(const char *s)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

/* ---- lines on top of each other --------------------------------------- */

/* Closer than this part of the axis at every point, two lines look one: the
 * later, drawn over the earlier, says so in the key.  Panels of more lines
 * than SAME_LINE_MAX are not compared (the cost is their square). */
#define SAME_LINE_FRAC 0.003
#define SAME_LINE_MAX 64

/* y as the axis places it. */
static double axis_pos(double y, bool logy)
{
    return logy ? log10(y) : y;
}

/* The earlier line of pa that series si is drawn over point for point (the
 * same x, y within SAME_LINE_FRAC of the axis), or NULL. */
static const plot_series *drawn_over(const plot_panel *pa, const panel_extent *e, int si)
{
    const plot_series *a = &pa->series[si];
    if (pa->n_series > SAME_LINE_MAX || a->style != PLOT_LINE || e->points == 0 ||
        e->ymin > e->ymax)
        return NULL;
    double lo = pa->percent ? -3 : axis_pos(e->ymin, pa->logy);
    double hi = pa->percent ? 103 : axis_pos(e->ymax, pa->logy);
    /* the axis as drawn: a linear one spans at least PLOT_MIN_SPAN of |y| */
    double least = pa->logy ? 0.0 : PLOT_MIN_SPAN * fmax(fabs(lo), fabs(hi));
    double span = fmax(hi - lo, least);
    if (span <= 0)
        span = 1.0;
    for (int j = 0; j < si; j++) {
        const plot_series *b = &pa->series[j];
        if (b->style != PLOT_LINE || b->n != a->n || count_rows(a, pa->logy) == 0)
            continue;
        bool same = true;
        for (int i = 0; i < a->n && same; i++) {
            bool da = row_ok(a, i, pa->logy), db = row_ok(b, i, pa->logy);
            same = da == db && (!da || (a->x[i] == b->x[i] &&
                                        fabs(axis_pos(a->y[i], pa->logy) -
                                             axis_pos(b->y[i], pa->logy)) <=
                                            SAME_LINE_FRAC * span));
        }
        if (same)
            return b;
    }
    return NULL;
}

/* The key entry of drawn series si: its label, and what of it is not seen
 * (zeros on a log axis, a line hidden under it). */
static void key_text(char *buf, size_t n, const plot_panel *pa, const panel_extent *e, int si)
{
    const plot_series *se = &pa->series[si];
    int zeros = zeros_left_out(se, pa->logy);
    size_t len = (size_t)snprintf(buf, n, "%s", se->label ? se->label : "");
    if (zeros && len < n)
        len += (size_t)snprintf(buf + len, n - len, " (0 at %d point%s: not drawn)", zeros,
                                zeros == 1 ? "" : "s");
    const plot_series *under = drawn_over(pa, e, si);
    if (under && len < n) {
        /* its name without what its own key says in brackets */
        const char *u = under->label ? under->label : "", *cut = strstr(u, " (");
        snprintf(buf + len, n - len, " (on %.*s's line)", (int)(cut ? cut - u : (long)strlen(u)),
                 u);
    }
}

typedef struct {
    int maxrows;  /* what the script asks gnuplot for; 0 = no key */
    int rows;     /* what gnuplot then draws */
} key_shape;

/* The key is stacked vertically with at most maxrows rows, so its height is
 * ours to know rather than gnuplot's guess from the plot width: as many
 * columns as fit in KEY_MAX_CHARS, rows to hold every entry. */
static key_shape key_layout(const plot_panel *pa, const panel_extent *e)
{
    key_shape k = {0, 0};
    if (e->points == 0)
        return k; /* "no data": the key is unset */
    int entries = 0, longest = 0;
    for (int s = 0; s < pa->n_series; s++) {
        const plot_series *se = &pa->series[s];
        int len = text_chars(se->label);
        char buf[1200];
        if (count_rows(se, pa->logy) == 0) {
            len += (int)strlen(missing_suffix(se, pa->logy));
        } else if (!se->at_top) {
            key_text(buf, sizeof buf, pa, e, s);
            len = text_chars(buf);
        }
        if (len == 0)
            continue; /* an empty title makes no key entry */
        entries++;
        if (len > longest)
            longest = len;
    }
    for (int i = 0; pa->image && i < pa->image->n_legend; i++) {
        int len = text_chars(pa->image->legend_label[i]);
        if (len == 0)
            continue;
        entries++;
        if (len > longest)
            longest = len;
    }
    if (panel_has_marks(pa)) {
        entries++;
        if (text_chars(MARK_KEY) > longest)
            longest = text_chars(MARK_KEY);
    }
    if (entries == 0)
        return k;
    int cols = (int)(KEY_MAX_CHARS / (longest + KEY_COL_EXTRA));
    if (cols < 1)
        cols = 1;
    if (cols > entries)
        cols = entries;
    k.maxrows = (entries + cols - 1) / cols;
    /* gnuplot's own arithmetic: columns for maxrows, then rows for those */
    cols = (entries + k.maxrows - 1) / k.maxrows;
    k.rows = (entries + cols - 1) / cols;
    return k;
}

/* Bottom margin in character heights for a key of `rows` rows. */
static double bottom_margin(int rows)
{
    return rows > 0 ? MARGIN_BASE + MARGIN_KEY + KEY_SPACING * rows : MARGIN_BASE;
}

/* ---- formats ----------------------------------------------------------- */

/* In the order a script writes them; ext is also the gnuplot name of fmt. */
static const struct {
    unsigned bit;
    const char *ext;
} formats[] = {{PLOT_PNG, "png"}, {PLOT_PDF, "pdf"}, {PLOT_SVG, "svg"}};
#define N_FORMATS ((int)(sizeof formats / sizeof formats[0]))

/* What later scripts write: one process, one set (as vm_set_backend). */
static unsigned chosen_formats = PLOT_PNG;

ab_status plot_formats_parse(unsigned *out, const char *list, ab_err *err)
{
    unsigned set = 0;
    const char *p = list ? list : "";
    if (!*p)
        return ab_fail(err, AB_EUSAGE, "no format given (accepted: png, pdf, svg, comma "
                       "separated)");
    for (;;) {
        size_t len = strcspn(p, ",");
        int f = 0;
        while (f < N_FORMATS &&
               !(strlen(formats[f].ext) == len && !strncmp(p, formats[f].ext, len)))
            f++;
        if (f == N_FORMATS)
            return ab_fail(err, AB_EUSAGE, "'%.*s' is not a format (accepted: png, pdf, svg, "
                           "comma separated)", (int)len, p);
        if (set & formats[f].bit)
            return ab_fail(err, AB_EUSAGE, "%s given twice", formats[f].ext);
        set |= formats[f].bit;
        if (!p[len])
            break;
        p += len + 1;
    }
    *out = set;
    return AB_OK;
}

void plot_set_formats(unsigned f)
{
    f &= PLOT_ALL_FORMATS;
    chosen_formats = f ? f : PLOT_PNG;
}

unsigned plot_formats(void)
{
    return chosen_formats;
}

const char *plot_link_ext(void)
{
    return chosen_formats & PLOT_PNG ? "png" : chosen_formats & PLOT_SVG ? "svg" : "pdf";
}

/* "png pdf": the script's default fmt. */
static void put_formats(FILE *f)
{
    const char *sep = "";
    for (int i = 0; i < N_FORMATS; i++)
        if (chosen_formats & formats[i].bit) {
            fprintf(f, "%s%s", sep, formats[i].ext);
            sep = " ";
        }
}

/* ---- writing ----------------------------------------------------------- */

/* Writes s as a gnuplot double-quoted string.  Callers add `noenhanced`, so
 * only the string syntax needs escaping; control characters become spaces so
 * a label can never break the script's line structure. */
static void put_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '\\' || *p == '"') {
            fputc('\\', f);
            fputc(*p, f);
        } else if (*p < 0x20 || *p == 0x7f) {
            fputc(' ', f);
        } else {
            fputc(*p, f);
        }
    }
    fputc('"', f);
}

/* Breaks title at spaces into lines of at most maxc characters, written to
 * out with '\n' between them; returns the number of lines. */
static int wrap_title(char *out, size_t n, const char *title, int maxc)
{
    int lines = 1;
    size_t len = 0, line_start = 0;
    out[0] = '\0';
    for (const char *w = title; *w && len + 1 < n;) {
        size_t wl = strcspn(w, " ");
        if (len > line_start && (int)(len - line_start + 1 + wl) > maxc) {
            out[len++] = '\n';
            line_start = len;
            lines++;
        } else if (len > line_start) {
            out[len++] = ' ';
        }
        for (size_t i = 0; i < wl && len + 1 < n; i++)
            out[len++] = w[i];
        out[len] = '\0';
        w += wl;
        while (*w == ' ')
            w++;
    }
    return lines;
}

/* put_str, keeping line breaks (as gnuplot's \n). */
static void put_lines(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\\' || *p == '"')
            fprintf(f, "\\%c", *p);
        else
            fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, f);
    }
    fputc('"', f);
}

static void put_num(FILE *f, double v)
{
    fprintf(f, "%.9g", v);
}

/* One block per series: x y [ylo yhi].  A row that cannot be drawn is left
 * out and replaced by one blank line, which breaks the line and the band
 * there instead of bridging the gap; a band edge that cannot be drawn alone
 * becomes NaN, which `set datafile missing` makes gnuplot skip. */
static void write_block(FILE *f, int id, const plot_series *s, bool logy)
{
    fprintf(f, "$d%d << EOD\n", id);
    bool wrote = false, gap = false;
    for (int i = 0; i < s->n; i++) {
        if (!row_ok(s, i, logy)) {
            gap = wrote;
            continue;
        }
        if (gap)
            fputc('\n', f);
        gap = false;
        wrote = true;
        put_num(f, s->x[i]);
        if (s->at_top) {
            fputc('\n', f); /* drawn at the top edge: x alone */
            continue;
        }
        fputc(' ', f);
        put_num(f, s->y[i]);
        if (s->ylo) {
            bool band = value_ok(s->ylo[i], logy) && value_ok(s->yhi[i], logy);
            fputc(' ', f);
            if (band)
                put_num(f, s->ylo[i]);
            else
                fputs("NaN", f);
            fputc(' ', f);
            if (band)
                put_num(f, s->yhi[i]);
            else
                fputs("NaN", f);
        }
        fputc('\n', f);
    }
    fputs("EOD\n", f);
}

/* The crosses of a series' diverged runs, $mID: x y on its line. */
static void write_marks(FILE *f, int id, const plot_series *s, bool logy)
{
    if (count_marks(s, logy) == 0)
        return;
    fprintf(f, "# where its runs diverged\n$m%d << EOD\n", id);
    for (int m = 0; m < s->n_marks; m++) {
        int i = isfinite(s->mark_x[m]) ? mark_index(s, s->mark_x[m], logy) : -1;
        if (i < 0)
            continue;
        put_num(f, s->x[i]);
        fputc(' ', f);
        put_num(f, s->y[i]);
        fputc('\n', f);
    }
    fputs("EOD\n", f);
}

/* Style slot of a series: its fixed colour, else k, the number of automatic
 * PLOT_LINE and PLOT_POINTS series before it.  Slots past the palette wrap
 * around it. */
static int series_slot(const plot_series *s, int k)
{
    return s->colour > 0 ? s->colour - 1 : k;
}

/* True when series s takes the next automatic slot. */
static bool takes_auto_slot(const plot_series *s)
{
    return s->style != PLOT_REFERENCE && s->colour == 0;
}

static const char *series_colour(const plot_series *s, int k)
{
    if (s->style == PLOT_REFERENCE && s->colour == 0)
        return REFERENCE_COLOUR;
    return palette[series_slot(s, k) % N_PALETTE];
}

/* Line style for series s of a panel; k as for series_slot. */
static void put_line_style(FILE *f, const plot_series *s, int k, int rows)
{
    if (s->style == PLOT_REFERENCE) {
        fprintf(f, "with lines lc rgb \"%s\" lw 1.5 dt %d", series_colour(s, k), DASHED_DT);
        return;
    }
    int slot = series_slot(s, k);
    if (s->style == PLOT_POINTS && s->at_top) {
        fprintf(f, "with points lc rgb \"%s\" pt %d ps 1.5", series_colour(s, k), TOP_PT);
        return;
    }
    if (s->style == PLOT_POINTS) {
        fprintf(f, "with points lc rgb \"%s\" pt %d ps 1.2", series_colour(s, k),
                point_types[slot % N_POINT_TYPES] - (s->dashed ? 1 : 0));
        return;
    }
    int every = (rows + MAX_MARKERS - 1) / MAX_MARKERS;
    int dt = s->dashed ? DASHED_DT : dash_types[(slot / N_PALETTE) % N_DASH_TYPES];
    int pt = point_types[slot % N_POINT_TYPES] - (s->dashed ? 1 : 0);
    fprintf(f, "with linespoints lc rgb \"%s\" lw 1.5 dt %d pt %d ps 0.8", series_colour(s, k), dt,
            pt);
    if (every > 1)
        fprintf(f, " pi %d", every);
}

/* ---- named x tics ------------------------------------------------------ */

/* pngcairo "sans,10" character cell, as gnuplot estimates text extents */
#define H_CHAR_PX 8.0
#define V_CHAR_PX 15.5

static ab_status check_xnames(const plot_figure *fig, const plot_xnames *xn, int n_xn,
                              ab_err *err)
{
    if (n_xn < 0 || (n_xn > 0 && !xn))
        return ab_fail(err, AB_EUSAGE, "plot %s: no x names array", fig->name);
    for (int i = 0; i < n_xn; i++) {
        if (xn[i].panel < 0 || xn[i].panel >= fig->n_panels)
            return ab_fail(err, AB_EUSAGE, "plot %s: x names for panel %d of %d", fig->name,
                           xn[i].panel + 1, fig->n_panels);
        if (xn[i].n < 1 || !xn[i].names)
            return ab_fail(err, AB_EUSAGE, "plot %s: panel %d: x names need at least one name",
                           fig->name, xn[i].panel + 1);
        for (int j = 0; j < i; j++)
            if (xn[j].panel == xn[i].panel)
                return ab_fail(err, AB_EUSAGE, "plot %s: panel %d has x names twice", fig->name,
                               xn[i].panel + 1);
    }
    return AB_OK;
}

/* The names of panel p, or NULL. */
static const plot_xnames *xnames_of(const plot_xnames *xn, int n_xn, int p)
{
    for (int i = 0; i < n_xn; i++)
        if (xn[i].panel == p)
            return &xn[i];
    return NULL;
}

static int longest_xname(const plot_xnames *xn)
{
    int longest = 0;
    for (int i = 0; i < xn->n; i++) {
        int len = text_chars(xn->names[i]);
        if (len > longest)
            longest = len;
    }
    return longest;
}

/* True when the names do not fit side by side (a character apart) within
 * about a plot's width, and so are set upright. */
static bool xnames_upright(const plot_xnames *xn)
{
    return (double)xn->n * (longest_xname(xn) + 1) > KEY_MAX_CHARS;
}

/* Character heights that upright names need below the plot beyond the one
 * line of ordinary tic labels that MARGIN_BASE holds; 0 for none. */
static double xnames_extra(const plot_xnames *xn)
{
    if (!xn || !xnames_upright(xn))
        return 0.0;
    return longest_xname(xn) * H_CHAR_PX / V_CHAR_PX - 1.0 + 0.3;
}

/* Most extra height over the panels p0 .. p1-1. */
static double most_xnames_extra(const plot_figure *fig, const plot_xnames *xn, int n_xn,
                                int p0, int p1)
{
    double most = 0.0;
    for (int p = p0; p < p1 && p < fig->n_panels; p++) {
        double e = xnames_extra(xnames_of(xn, n_xn, p));
        if (e > most)
            most = e;
    }
    return most;
}

/* The tic list, literal text (noenhanced: "leaky_relu" keeps its '_'). */
static void put_xnames(FILE *f, const plot_xnames *xn)
{
    fputs(xnames_upright(xn) ? "set xtics rotate by 90 right noenhanced ("
                             : "set xtics norotate autojustify noenhanced (",
          f);
    for (int i = 0; i < xn->n; i++) {
        fputs(i ? ", " : "", f);
        put_str(f, xn->names[i]);
        fprintf(f, " %d", i + 1);
    }
    fprintf(f, ")\nset xrange [0.5:%d.5]\nset offsets 0, 0, 0, 0\n", xn->n);
}

/* The x axis of a panel with data: tics (xn's names, whole numbers, log
 * decades or gnuplot's own), scale and range. */
static void put_x_axis(FILE *f, const plot_panel *pa, const panel_extent *e,
                       const plot_xnames *xn)
{
    if (xn) {
        put_xnames(f, xn);
    } else if (pa->integer_x) {
        /* A tic per integer only while the labels fit beside a legend; past
         * INT_TICS_MAX gnuplot's own steps are whole numbers anyway. */
        double range = e->xmax - e->xmin;
        if (range <= INT_TICS_MAX)
            fprintf(f, "set xtics %d\n",
                    range <= INT_TICS_N ? 1 : range <= 2 * INT_TICS_N ? 2 : 5);
        else
            fputs("set xtics autofreq\n", f);
        fputs("set format x \"%.0f\"\n", f);
    } else if (pa->logx) {
        put_log_xtics(f, pa);
    } else {
        fputs("set xtics autofreq\nset format x \"% h\"\n", f);
    }
    fputs(pa->logx && !xn ? "set logscale x\n" : "unset logscale x\n", f);
    /* A single x or y value is an empty range to gnuplot: it warns and
     * guesses.  Give it a sensible one instead. */
    if (xn) {
        /* put_xnames set the range */
    } else if (pa->xlo < pa->xhi) {
        /* shared with other panels: as given, with the margin below */
        fprintf(f, "set xrange [%.9g:%.9g]\nset offsets graph 0.03, graph 0.03, 0, 0\n",
                pa->xlo, pa->xhi);
    } else if (e->xmin == e->xmax) {
        fprintf(f, "set xrange [%.9g:%.9g]\nset offsets 0, 0, 0, 0\n",
                pa->logx ? e->xmin / 2 : e->xmin - 1, pa->logx ? e->xmax * 2 : e->xmax + 1);
    } else if (e->top) {
        /* The markers at the top are labels, which gnuplot's autoscaling does
         * not see: the range is the extent's, theirs included, with the
         * margin the offsets would give. */
        double lo = e->xmin, hi = e->xmax;
        if (pa->logx) {
            double m = pow(hi / lo, 0.03);
            lo /= m, hi *= m;
        } else {
            double m = 0.03 * (hi - lo);
            lo -= m, hi += m;
        }
        fprintf(f, "set xrange [%.9g:%.9g]\nset offsets 0, 0, 0, 0\n", lo, hi);
    } else {
        /* Hug the data with a small margin, so the first and last markers do
         * not sit on the frame and a 1..12 axis is not stretched to 0..14.
         * (xfix alone would keep an earlier panel's fixed range.) */
        fputs("set autoscale x\nset autoscale xfix\nset offsets graph 0.03, graph 0.03, 0, 0\n",
              f);
    }
}

/* The y axis of a panel with data: scale, format and range (and the
 * offsets, which gnuplot sets for both axes at once). */
static void put_y_axis(FILE *f, const plot_panel *pa, const panel_extent *e,
                       const plot_xnames *xn)
{
    const char *xoff = !xn && (e->xmin != e->xmax || pa->xlo < pa->xhi)
                           ? "graph 0.03, graph 0.03"
                           : "0, 0";
    /* markers at the top edge need the room above the data */
    double top = e->top ? 0.12 : 0.04;
    if (pa->ylo < pa->yhi && !pa->percent) {
        /* a range shared with other panels: as given */
        fprintf(f, "%s\nset format y \"%s\"\nset yrange [%.9g:%.9g]\nset offsets %s, 0, 0\n",
                pa->logy ? "set logscale y" : "unset logscale y",
                pa->logy ? "10^{%L}" : "% h", pa->ylo, pa->yhi, xoff);
        return;
    }
    if (e->ymin > e->ymax) {
        /* only markers at the top: an empty axis under them */
        fprintf(f, "%s\nset format y \"%s\"\nset yrange [%s]\nset offsets %s, 0, 0\n",
                pa->logy ? "set logscale y" : "unset logscale y",
                pa->logy ? "10^{%L}" : "% h", pa->logy ? "1:10" : "0:1", xoff);
        return;
    }
    if (pa->logy && e->top) {
        fprintf(f, "set logscale y\nset format y \"10^{%%L}\"\n");
        if (e->ymin == e->ymax)
            fprintf(f, "set yrange [%.9g:%.9g]\n", e->ymin / 10, e->ymax * 10);
        else
            fprintf(f, "set autoscale y\nset offsets %s, graph %g, 0\n", xoff, top);
        return;
    }
    if (!pa->logy && !pa->percent && e->ymin != e->ymax) {
        /* Two nearly equal lines must not be blown apart to fill the panel:
         * the axis spans at least PLOT_MIN_SPAN of the largest |y|. */
        double mag = fmax(fabs(e->ymin), fabs(e->ymax));
        double span = e->ymax - e->ymin, least = PLOT_MIN_SPAN * mag;
        if (span < least) {
            double mid = (e->ymin + e->ymax) / 2;
            fprintf(f, "unset logscale y\nset format y \"%% h\"\n"
                       "set yrange [%.9g:%.9g]\nset offsets %s, 0, 0\n",
                    mid - least / 2, mid + least / 2 + (top - 0.04) * least, xoff);
            return;
        }
    }
    if (pa->logy) {
        fputs("set logscale y\nset format y \"10^{%L}\"\n", f);
        if (e->ymin == e->ymax)
            fprintf(f, "set yrange [%.9g:%.9g]\n", e->ymin / 10, e->ymax * 10);
        else
            fputs("set autoscale y\n", f);
    } else if (pa->percent) {
        fprintf(f, "unset logscale y\nset format y \"%% h\"\nset yrange [-3:103]\n"
                   "set offsets %s, 0, 0\n",
                !xn && e->xmin != e->xmax ? "graph 0.03, graph 0.03" : "0, 0");
    } else {
        fputs("unset logscale y\nset format y \"% h\"\n", f);
        if (e->ymin == e->ymax) {
            double pad = e->ymin != 0 ? fabs(e->ymin) * 0.1 : 1;
            fprintf(f, "set yrange [%.9g:%.9g]\n", e->ymin - pad, e->ymax + pad);
        } else {
            /* a margin, so a line at 0 or 100% does not vanish into the frame */
            fprintf(f, "set autoscale y\nset offsets %s, graph %g, graph 0.04\n", xoff, top);
        }
    }
}

/* Settings every panel makes afresh, so nothing leaks from the previous one.
 * bmargin: the panel's bottom margin in character heights; xn: the panel's
 * x names or NULL; reset_x: the panel before had x names, whose rotation,
 * text mode and fixed x range would otherwise carry over ("set autoscale
 * xfix" alone does not undo a "set xrange"). */
static void write_axes(FILE *f, const plot_panel *pa, const panel_extent *e, double bmargin,
                       const plot_xnames *xn, bool reset_x)
{
    fputs("set title ", f);
    put_str(f, pa->title);
    fputs(" noenhanced\nset xlabel ", f);
    put_str(f, pa->xlabel);
    fputs(" noenhanced\nset ylabel ", f);
    put_str(f, pa->ylabel);
    fputs(" noenhanced\nset grid\nunset label\n", f);
    /* explicit, so the x label clears the key below it (see MARGIN_BASE) */
    fprintf(f, "set bmargin %.2f\n", bmargin);
    if (reset_x && !xn)
        fputs("set xtics norotate autojustify enhanced\nset autoscale x\n", f);

    if (e->points == 0) {
        /* Fixed ranges: autoscaling over nothing is a gnuplot error.  A log
         * panel whose every series is exactly 0 says so. */
        bool zero = pa->n_series > 0;
        for (int s = 0; s < pa->n_series; s++)
            zero &= all_zero(&pa->series[s], pa->logy);
        fprintf(f, "unset logscale xy\nset format x \"%% h\"\nset format y \"%% h\"\n"
                   "set xtics autofreq\nset offsets 0, 0, 0, 0\nset xrange [0:1]\n"
                   "set yrange [0:1]\nunset key\n"
                   "set label 1 \"%s\" at graph 0.5, graph 0.5 center\n",
                zero ? "all zero: nothing to draw on a log axis" : "no data");
        return;
    }

    put_x_axis(f, pa, e, xn);
    put_y_axis(f, pa, e, xn);
    if (pa->image)
        /* the grid fills the frame; lines over it may not widen it */
        fprintf(f, "set xrange [%.9g:%.9g]\nset yrange [%.9g:%.9g]\nset offsets 0, 0, 0, 0\n",
                e->xmin, e->xmax, e->ymin, e->ymax);
    /* below the panel, so the plot keeps its full width */
    key_shape k = key_layout(pa, e);
    if (k.maxrows == 0) {
        fputs("unset key\n", f);
        return;
    }
    fprintf(f,
            "set key outside below center vertical maxrows %d maxcols auto Left reverse box "
            "opaque noenhanced samplen %g spacing %g width 1\n",
            k.maxrows, KEY_SAMPLEN, KEY_SPACING);
}

/* The markers of at_top series: labels with a point, at their x along the
 * top edge of the panel (labels, so that they need no y of the axis). */
static void write_top_marks(FILE *f, const plot_panel *pa)
{
    int tag = 10; /* 1 is write_axes' "no data" */
    for (int s = 0, k = 0; s < pa->n_series; s++) {
        const plot_series *se = &pa->series[s];
        for (int i = 0; se->at_top && i < se->n; i++)
            if (isfinite(se->x[i]))
                fprintf(f, "set label %d \"\" at first %.9g, graph 0.95 point lc rgb \"%s\" "
                           "pt %d ps 1.5 front\n",
                        tag++, se->x[i], series_colour(se, k), TOP_PT);
        k += takes_auto_slot(se);
    }
}

/* first_block: id of the panel's first data block (one per series). */
static void write_panel(FILE *f, int index, const plot_panel *pa, int first_block,
                        double bmargin, const plot_xnames *xn, bool reset_x)
{
    panel_extent e = measure(pa);
    fprintf(f, "\n# ---- panel %d: ", index);
    put_str(f, pa->title);
    fputc('\n', f);
    write_axes(f, pa, &e, bmargin, xn, reset_x);
    if (e.points == 0) {
        fputs("plot NaN notitle\n", f);
        return;
    }
    write_top_marks(f, pa);

    /* The image first, then bands, so every line is drawn on top of both. */
    fputs("plot ", f);
    const char *sep = "";
    if (pa->image) {
        fprintf(f, "$img%d using 1:2:3:4:5 with rgbimage notitle", index);
        sep = ", \\\n     ";
        for (int i = 0; i < pa->image->n_legend; i++) {
            fprintf(f, "%sNaN with boxes fs solid 1.0 border lc rgb \"#404040\" "
                       "fc rgb \"#%06x\" title ", sep, pa->image->legend_rgb[i] & 0xFFFFFFu);
            put_str(f, pa->image->legend_label[i]);
            fputs(" noenhanced", f);
        }
    }
    for (int s = 0, k = 0; s < pa->n_series; s++) {
        const plot_series *se = &pa->series[s];
        if (count_band_rows(se, pa->logy) > 0 && se->style == PLOT_POINTS) {
            /* the bars alone; the markers come with the series below */
            fprintf(f, "%s$d%d using 1:2:3:4 with yerrorbars lc rgb \"%s\" lw 1.5 pt 7 ps 0 "
                       "notitle",
                    sep, first_block + s, series_colour(se, k));
            sep = ", \\\n     ";
        } else if (count_band_rows(se, pa->logy) > 0) {
            fprintf(f, "%s$d%d using 1:3:4 with filledcurves fs transparent solid 0.2 noborder "
                       "lc rgb \"%s\" notitle",
                    sep, first_block + s, series_colour(se, k));
            sep = ", \\\n     ";
        }
        k += takes_auto_slot(se);
    }
    for (int s = 0, k = 0; s < pa->n_series; s++) {
        const plot_series *se = &pa->series[s];
        int rows = count_rows(se, pa->logy);
        fputs(sep, f);
        if (rows > 0 && se->at_top) {
            /* the markers are labels (write_top_marks): this is their key entry */
            fputs("NaN ", f);
            put_line_style(f, se, k, rows);
            fputs(" title ", f);
            put_str(f, se->label);
        } else if (rows > 0) {
            char buf[1200];
            key_text(buf, sizeof buf, pa, &e, s);
            fprintf(f, "$d%d using 1:2 ", first_block + s);
            put_line_style(f, se, k, rows);
            fputs(" title ", f);
            put_str(f, buf);
        } else {
            /* Keep the legend entry so a series that diverged is not silently
             * missing from the figure. */
            char buf[600];
            snprintf(buf, sizeof buf, "%s%s", se->label ? se->label : "",
                     missing_suffix(se, pa->logy));
            fputs("NaN ", f);
            put_line_style(f, se, k, rows);
            fputs(" title ", f);
            put_str(f, buf);
        }
        fputs(" noenhanced", f);
        sep = ", \\\n     ";
        k += takes_auto_slot(se);
    }
    /* the crosses last, on top of every line, the first saying what they are */
    bool titled = false;
    for (int s = 0, k = 0; s < pa->n_series; s++) {
        const plot_series *se = &pa->series[s];
        if (count_marks(se, pa->logy) > 0) {
            fprintf(f, "%s$m%d using 1:2 with points lc rgb \"%s\" pt %d ps 2.2 lw 2 ", sep,
                    first_block + s, series_colour(se, k), MARK_PT);
            if (titled) {
                fputs("notitle", f);
            } else {
                fputs("title ", f);
                put_str(f, MARK_KEY);
                fputs(" noenhanced", f);
            }
            titled = true;
        }
        k += takes_auto_slot(se);
    }
    fputc('\n', f);
}

/* Most key rows over the panels p0 .. p1-1. */
static int most_key_rows(const plot_figure *fig, int p0, int p1)
{
    int most = 0;
    for (int p = p0; p < p1 && p < fig->n_panels; p++) {
        panel_extent e = measure(&fig->panels[p]);
        key_shape k = key_layout(&fig->panels[p], &e);
        if (k.rows > most)
            most = k.rows;
    }
    return most;
}

ab_status plot_write(const char *run_dir, const plot_figure *fig, ab_err *err)
{
    return plot_write_xnames(run_dir, fig, NULL, 0, err);
}

/* The picture's arrangement: panels in rows x cols cells of one height. */
typedef struct {
    int cols, rows;
    int width, height;   /* pixels */
    bool multi;          /* a multiplot: several panels or a figure title */
    char title[1024];    /* the figure title, wrapped */
    int title_lines;     /* 0 = no title */
} fig_layout;

static void layout(fig_layout *lo, const plot_figure *fig, const plot_xnames *xn, int n_xn)
{
    lo->cols = fig->cols;
    if (lo->cols < 1 || lo->cols > fig->n_panels)
        lo->cols = fig->n_panels; /* 0 (unset) means one row */
    lo->rows = (fig->n_panels + lo->cols - 1) / lo->cols;
    lo->multi = fig->n_panels > 1 || (fig->title && *fig->title);
    lo->width = PANEL_W * lo->cols;
    /* Multiplot cells are all of a height, so the tallest key sets it. */
    int key_rows = most_key_rows(fig, 0, fig->n_panels), extra_rows = key_rows - KEY_FREE_ROWS;
    int panel_h = PANEL_H + (extra_rows > 0 ? extra_rows * KEY_ROW_PX : 0);
    /* gnuplot wraps a key below the plot into more columns (which then
     * overflow the panel's width) once it is taller than about the plot
     * itself (measured): a long key needs the plot that tall too */
    int key_h = (int)ceil(bottom_margin(key_rows) * V_CHAR_PX + KEY_PLOT_RATIO * key_rows *
                          KEY_ROW_PX) + KEY_TOP_PX;
    /* (past cairo's limit the key wraps rather than the figure fail: a
     * panel of PLOT_MAX_SERIES lines still draws) */
    int rows = (fig->n_panels + lo->cols - 1) / lo->cols;
    if (key_h > panel_h && (long)key_h * rows + 2 * TITLE_H <= PLOT_MAX_PX)
        panel_h = key_h;
    /* upright x names take their height from below the plot, so add it */
    panel_h += (int)ceil(most_xnames_extra(fig, xn, n_xn, 0, fig->n_panels) * V_CHAR_PX);
    /* a long figure title wraps (about 9 px per character at its size) */
    lo->title_lines = fig->title && *fig->title
                          ? wrap_title(lo->title, sizeof lo->title, fig->title, lo->width / 9)
                          : 0;
    lo->height = panel_h * lo->rows +
                 (lo->title_lines ? TITLE_H + (lo->title_lines - 1) * 18 : 0);
}

/* An image's block: one row per cell, x y r g b, a blank line after each
 * grid row (gnuplot's rgbimage reads a grid scan by scan). */
static void write_image(FILE *f, int panel, const plot_image *im)
{
    fprintf(f, "# panel %d, image: %d x %d cells: x y r g b\n$img%d << EOD\n", panel, im->nx,
            im->ny, panel);
    double dx = (im->x1 - im->x0) / (im->nx - 1), dy = (im->y1 - im->y0) / (im->ny - 1);
    for (int j = 0; j < im->ny; j++) {
        double y = j == im->ny - 1 ? im->y1 : im->y0 + j * dy;
        for (int i = 0; i < im->nx; i++) {
            unsigned c = im->rgb[(size_t)j * im->nx + i];
            double x = i == im->nx - 1 ? im->x1 : im->x0 + i * dx;
            fprintf(f, "%.9g %.9g %u %u %u\n", x, y, (c >> 16) & 255u, (c >> 8) & 255u,
                    c & 255u);
        }
        fputc('\n', f);
    }
    fputs("EOD\n", f);
}

/* The script's opening comments and its data blocks, one per series. */
static void write_data(FILE *f, const plot_figure *fig)
{
    fputs("# actbench figure ", f);
    put_str(f, fig->title ? fig->title : fig->name);
    fprintf(f, ": %d panel%s\n", fig->n_panels, fig->n_panels == 1 ? "" : "s");
    for (int p = 0; p < fig->n_panels; p++) {
        fprintf(f, "#   panel %d: ", p + 1);
        put_str(f, fig->panels[p].title);
        fputc('\n', f);
    }
    fprintf(f, "# The data is inline; the script needs nothing else.\n"
               "# re-render from the run folder: gnuplot plots/%s.gp\n"
               "# (writes plots/%s.EXT for each EXT in fmt: ",
               fig->name, fig->name);
    put_formats(f);
    fprintf(f, ";\n#  others: gnuplot -e \"fmt='pdf svg'\" plots/%s.gp)\n\n", fig->name);
    fputs("set encoding utf8\nset datafile missing \"NaN\"\n\n"
          "# data blocks, one per series: x y [ylo yhi]; a blank line is a gap\n",
          f);

    int block = 1;
    for (int p = 0; p < fig->n_panels; p++) {
        const plot_panel *pa = &fig->panels[p];
        if (pa->image)
            write_image(f, p + 1, pa->image);
        for (int s = 0; s < pa->n_series; s++) {
            fprintf(f, "# panel %d, ", p + 1);
            put_str(f, pa->series[s].label);
            fputc('\n', f);
            write_block(f, block, &pa->series[s], pa->logy);
            write_marks(f, block++, &pa->series[s], pa->logy);
        }
    }
}

/* The terminal, the multiplot and every panel's plot command. */
static void write_plots(FILE *f, const plot_figure *fig, const fig_layout *lo,
                        const plot_xnames *xn, int n_xn)
{
    /* One pass per format; fmt is the user's to override (see the header). */
    fputs("\nif (!exists(\"fmt\")) fmt = \"", f);
    put_formats(f);
    fprintf(f, "\"\n"
               "if (words(fmt) == 0) {\n"
               "    print \"fmt: empty (give png, pdf or svg)\"\n"
               "    exit status 1\n"
               "}\n"
               "do for [ext in fmt] {\n"
               "if (ext eq \"png\") {\n"
               "    set terminal pngcairo size %d,%d enhanced font \"sans,10\"\n"
               "} else { if (ext eq \"pdf\") {\n"
               "    set terminal pdfcairo size %.2fin,%.2fin enhanced font \"sans,10\" "
               "fontscale %g linewidth 2\n"
               "} else { if (ext eq \"svg\") {\n"
               "    set terminal svg size %d,%d dynamic enhanced font \"sans,10\"\n"
               "} else {\n"
               "    print \"fmt: '\".ext.\"' is not png, pdf or svg\"\n"
               "    exit status 1\n"
               "}}}\n",
            lo->width, lo->height, lo->width / VECTOR_DPI, lo->height / VECTOR_DPI,
            VECTOR_FONTSCALE, lo->width, lo->height);
    fprintf(f, "set output 'plots/%s.'.ext\n", fig->name);
    if (lo->multi) {
        fprintf(f, "set multiplot layout %d,%d", lo->rows, lo->cols);
        if (lo->title_lines) {
            fputs(" title ", f);
            put_lines(f, lo->title);
            fputs(" noenhanced font \",12\"", f);
        }
        fputc('\n', f);
    }

    /* Panels side by side share a bottom margin, so their x axes line up. */
    int block = 1, cols = lo->cols;
    for (int p = 0; p < fig->n_panels; p++) {
        int row0 = p / cols * cols;
        const plot_xnames *names = xnames_of(xn, n_xn, p);
        bool reset_x = p > 0 && xnames_of(xn, n_xn, p - 1) != NULL;
        write_panel(f, p + 1, &fig->panels[p], block,
                    bottom_margin(most_key_rows(fig, row0, row0 + cols)) +
                        most_xnames_extra(fig, xn, n_xn, row0, row0 + cols),
                    names, reset_x);
        block += fig->panels[p].n_series;
    }

    if (lo->multi)
        fputs("\nunset multiplot\n", f);
    fputs("unset output\n}\n", f);
}

ab_status plot_write_xnames(const char *run_dir, const plot_figure *fig, const plot_xnames *xn,
                            int n_xn, ab_err *err)
{
    ab_status st = check_figure(fig, err);
    if (st == AB_OK)
        st = check_xnames(fig, xn, n_xn, err);
    if (st != AB_OK)
        return st;
    if (!run_dir || !*run_dir)
        return ab_fail(err, AB_EUSAGE, "plot %s: no run folder given", fig->name);

    char file[NAME_MAX_LEN + 16], path[4096];
    snprintf(file, sizeof file, "plots/%s.gp", fig->name);
    st = afile_path_join(path, sizeof path, run_dir, file, err);
    if (st != AB_OK)
        return st;

    fig_layout lo;
    layout(&lo, fig, xn, n_xn);
    if (lo.width > PLOT_MAX_PX || lo.height > PLOT_MAX_PX)
        return ab_fail(err, AB_ERUNTIME, "plot %s: a picture of %d x %d px (at most %d a side, "
                       "cairo's limit): fewer panels or lines", fig->name, lo.width, lo.height,
                       PLOT_MAX_PX);

    afile a;
    st = afile_open(&a, path, err);
    if (st != AB_OK)
        return st;
    write_data(a.f, fig);
    write_plots(a.f, fig, &lo, xn, n_xn);
    return afile_commit(&a, err);
}

/* ---- running gnuplot --------------------------------------------------- */

bool plot_have_gnuplot(void)
{
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin"; /* what execlp falls back to */
    char buf[4096];
    for (const char *p = path;;) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        /* An empty PATH entry means the current folder. */
        int n = len ? snprintf(buf, sizeof buf, "%.*s/gnuplot", (int)len, p)
                    : snprintf(buf, sizeof buf, "./gnuplot");
        struct stat st;
        if (n > 0 && (size_t)n < sizeof buf && stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
            access(buf, X_OK) == 0)
            return true;
        if (!end)
            return false;
        p = end + 1;
    }
}

/* Runs gnuplot with argv in run_dir, its stdout to /dev/null, its stderr
 * passed through; what names the scripts in messages. */
static ab_status run_gnuplot(const char *run_dir, const char *const *argv, const char *what,
                             ab_err *err)
{
    pid_t pid = fork();
    if (pid < 0)
        return ab_fail(err, AB_ERUNTIME, "cannot start gnuplot: %s", strerror(errno));
    if (pid == 0) {
        /* Child: only async-signal-safe calls until exec; 127 as a shell would. */
        if (chdir(run_dir) != 0)
            _exit(127);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
            if (null != STDOUT_FILENO)
                close(null);
        }
        execvp("gnuplot", (char *const *)argv);
        _exit(127);
    }
    int wst;
    while (waitpid(pid, &wst, 0) < 0) {
        if (errno != EINTR)
            return ab_fail(err, AB_ERUNTIME, "waiting for gnuplot: %s", strerror(errno));
    }
    if (WIFSIGNALED(wst))
        return ab_fail(err, AB_ERUNTIME, "gnuplot failed on %s (signal %d)", what,
                       WTERMSIG(wst));
    if (!WIFEXITED(wst) || WEXITSTATUS(wst) != 0) {
        int code = WIFEXITED(wst) ? WEXITSTATUS(wst) : -1;
        return ab_fail(err, AB_ERUNTIME, "gnuplot failed on %s (exit %d%s)", what, code,
                       code == 127 ? ": gnuplot could not be started" : "");
    }
    return AB_OK;
}

/* The picture of script (plots/NAME.gp, in run_dir) in format f: path. */
static ab_status picture_path(char *path, size_t n, const char *run_dir, const char *script,
                              int f, ab_err *err)
{
    ab_status st = afile_path_join(path, n, run_dir, script, err);
    size_t len = st == AB_OK ? strlen(path) : 0;
    if (st == AB_OK && len + 2 > n) /* "png" and its NUL where "gp" ends */
        return ab_fail(err, AB_EUSAGE, "%s/%.4s: the path is too long", run_dir, script);
    if (st == AB_OK)
        memcpy(path + len - 2, formats[f].ext, 4); /* "gp" -> "png\0" */
    return st;
}

/* Runs gnuplot once in run_dir on plots/NAME.gp for every name, each after a
 * "reset session" so that it sees the state a fresh gnuplot would (today's
 * scripts set all they use; the reset keeps a later one from depending on
 * that); checks that each picture of each format was written. */
ab_status plot_render_all(const char *run_dir, const char *const *names, int n, ab_err *err)
{
    enum { MAX_FIGS = 16 };
    if (n < 1 || n > MAX_FIGS)
        return ab_fail(err, AB_EUSAGE, "plot: %d figures to render (accepted: 1..%d)", n,
                       MAX_FIGS);
    if (!run_dir || !*run_dir)
        return ab_fail(err, AB_EUSAGE, "plot %s: no run folder given", names[0]);
    char script[MAX_FIGS][NAME_MAX_LEN + 16], path[4096];
    const char *argv[3 * MAX_FIGS + 2];
    int k = 0;
    argv[k++] = "gnuplot";
    for (int i = 0; i < n; i++) {
        ab_status st = check_name(names[i], err);
        if (st != AB_OK)
            return st;
        snprintf(script[i], sizeof script[i], "plots/%s.gp", names[i]);
        if ((st = afile_path_join(path, sizeof path, run_dir, script[i], err)) != AB_OK)
            return st;
        if (access(path, R_OK) != 0)
            return ab_fail(err, AB_ERUNTIME, "%s: cannot read: %s", path, strerror(errno));
        /* A stale picture from an earlier run must not pass for a fresh one. */
        for (int f = 0; f < N_FORMATS; f++) {
            if (!(chosen_formats & formats[f].bit))
                continue;
            if ((st = picture_path(path, sizeof path, run_dir, script[i], f, err)) != AB_OK)
                return st;
            if (unlink(path) != 0 && errno != ENOENT)
                return ab_fail(err, AB_ERUNTIME, "%s: cannot replace: %s", path,
                               strerror(errno));
        }
        if (i > 0)
            argv[k++] = "-e", argv[k++] = "reset session";
        argv[k++] = script[i];
    }
    argv[k] = NULL;
    ab_status st = run_gnuplot(run_dir, argv, n == 1 ? script[0] : "the figures", err);
    for (int i = 0; st == AB_OK && i < n; i++)
        for (int f = 0; st == AB_OK && f < N_FORMATS; f++) {
            struct stat sb;
            if (!(chosen_formats & formats[f].bit))
                continue;
            st = picture_path(path, sizeof path, run_dir, script[i], f, err);
            if (st == AB_OK && (stat(path, &sb) != 0 || sb.st_size == 0))
                st = ab_fail(err, AB_ERUNTIME, "gnuplot ran %s but wrote no plots/%s.%s",
                             script[i], names[i], formats[f].ext);
        }
    return st;
}

ab_status plot_render(const char *run_dir, const char *name, ab_err *err)
{
    return plot_render_all(run_dir, &name, 1, err);
}

unsigned plot_palette_rgb(int k)
{
    k %= N_PALETTE;
    return (unsigned)strtoul(palette[k < 0 ? k + N_PALETTE : k] + 1, NULL, 16);
}
