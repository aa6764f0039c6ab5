/* out.c - CSV writers for loss.csv, layers.csv, summary.csv, functions.csv. */
#include "out.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "afile.h"

void out_num(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.9g", x);
}

void out_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

void out_json_str_or_null(FILE *f, const char *s)
{
    if (s)
        out_json_str(f, s);
    else
        fputs("null", f);
}

typedef void (*rows_fn)(FILE *f, const run_record *recs, int n);

/* The leading columns of every row: the record's sweep-key cells, if any. */
static void lead(FILE *f, const run_record *rc)
{
    fputs(rc->keys, f);
    fprintf(f, "%s,%llu,", rc->act->label, (unsigned long long)rc->seed);
}

static ab_status write_csv(const char *dir, const char *name, rows_fn rows,
                           const run_record *recs, int n, ab_err *err)
{
    afile a;
    ab_status st = afile_open_in(&a, dir, name, err);
    if (st != AB_OK)
        return st;
    if (n > 0)
        fputs(recs[0].key_header, a.f);
    rows(a.f, recs, n);
    return afile_commit(&a, err);
}

static void loss_rows(FILE *f, const run_record *recs, int n)
{
    fputs("act,seed,epoch", f);
    for (int c = 0; c < record_n_loss_cols; c++)
        fprintf(f, ",%s", record_loss_cols[c].name);
    fputc('\n', f);
    for (int i = 0; i < n; i++) {
        const run_record *rc = &recs[i];
        for (int e = 0; e < rc->r.n_loss; e++) {
            const loss_row *r = &rc->r.loss[e];
            lead(f, rc);
            fprintf(f, "%d", r->epoch);
            for (int c = 0; c < record_n_loss_cols; c++) {
                fputc(',', f);
                out_num(f, record_loss_value(r, &record_loss_cols[c]));
            }
            fputc('\n', f);
        }
    }
}

/* layers.csv's learned-parameter columns: every learned parameter's name
 * among the activations, once, in order of appearance (prelu's and a
 * formula's ~alpha share the column alpha). */
#define OUT_MAX_LEARNED 1024 /* the most activations of a run, 64, x ACT_MAX_PARAMS */
static int learned_columns(const char **names, const run_record *recs, int n)
{
    int count = 0;
    for (int i = 0; i < n; i++) {
        const act_info *in = recs[i].act->info;
        for (int q = 0; q < act_n_learned(in); q++) {
            const char *name = in->param_names[act_learned_param(in, q)];
            bool have = false;
            for (int c = 0; !have && c < count; c++)
                have = strcmp(names[c], name) == 0;
            if (!have && count < OUT_MAX_LEARNED)
                names[count++] = name;
        }
    }
    return count;
}

/* The value of learned parameter `name` in layer row pl of rc, or NaN. */
static double learned_value(const run_record *rc, const probe_layer *pl, const char *name)
{
    const act_info *in = rc->act->info;
    for (int q = 0; q < act_n_learned(in); q++)
        if (strcmp(in->param_names[act_learned_param(in, q)], name) == 0)
            return pl->learned[q];
    return NAN;
}

static void layer_rows(FILE *f, const run_record *recs, int n)
{
    const char *learned[OUT_MAX_LEARNED];
    int n_learned = learned_columns(learned, recs, n);
    fputs("act,seed,epoch,layer", f);
    for (int m = 0; m < probe_n_metrics; m++)
        fprintf(f, ",%s", probe_metrics[m].name);
    for (int c = 0; c < n_learned; c++)
        fprintf(f, ",%s", learned[c]);
    fputc('\n', f);
    for (int i = 0; i < n; i++) {
        const run_record *rc = &recs[i];
        for (int p = 0; p < rc->r.n_probes; p++) {
            const probe_layer *pl = record_probe(rc, p);
            for (int l = 0; l < rc->r.n_layers; l++) {
                lead(f, rc);
                fprintf(f, "%d,%d", rc->r.probe_epoch[p], pl[l].layer);
                for (int m = 0; m < probe_n_metrics; m++) {
                    fputc(',', f);
                    out_num(f, probe_metric_value(&pl[l], &probe_metrics[m]));
                }
                for (int c = 0; c < n_learned; c++) {
                    fputc(',', f);
                    out_num(f, learned_value(rc, &pl[l], learned[c]));
                }
                fputc('\n', f);
            }
        }
    }
}

static void summary_rows(FILE *f, const run_record *recs, int n)
{
    fputs("act,seed,init,status,epochs_run,final_train_loss,final_train_acc,final_test_loss,"
          "final_test_acc,epochs_to_target,grad_ratio_first_last,decay_factor,mean_dead_pct,"
          "diverged,seconds\n",
          f);
    for (int i = 0; i < n; i++) {
        const run_record *rc = &recs[i];
        const loss_row *last = &rc->r.loss[rc->r.n_loss - 1];
        lead(f, rc);
        fprintf(f, "%s,%s,%d,", act_init_name(rc->init), rc->r.diverged ? "diverged" : "ok",
                last->epoch);
        out_num(f, last->train_loss), fputc(',', f);
        out_num(f, last->train_acc), fputc(',', f);
        out_num(f, last->test_loss), fputc(',', f);
        out_num(f, last->test_acc), fputc(',', f);
        if (rc->r.epochs_to_target >= 0)
            fprintf(f, "%d", rc->r.epochs_to_target);
        fputc(',', f);
        out_num(f, rc->grad_ratio), fputc(',', f);
        out_num(f, rc->decay), fputc(',', f);
        out_num(f, rc->mean_dead), fputc(',', f);
        fprintf(f, "%d,", rc->r.diverged);
        out_num(f, rc->r.seconds);
        fputc('\n', f);
    }
}

static void hist_rows(FILE *f, const run_record *recs, int n)
{
    fputs("act,seed,epoch,layer,kind,bin_lo,bin_hi,count\n", f);
    for (int i = 0; i < n; i++) {
        const run_record *rc = &recs[i];
        const run_units *u = &rc->r.units;
        for (int h = 0; h < u->n_hist; h++)
            for (int l = 0; l < u->depth; l++)
                for (int k = 0; k < PROBE_HIST_KINDS; k++) {
                    const uint32_t *slots = run_hist(&rc->r, h, l, (probe_hist_kind)k);
                    for (int b = 0; b < PROBE_HIST_SLOTS; b++) {
                        lead(f, rc);
                        fprintf(f, "%d,%d,%s,", u->hist_epoch[h], l + 1,
                                probe_hist_kind_names[k]);
                        /* slot 0 is below the bins, the last above them */
                        if (b > 0)
                            out_num(f, probe_bin_edge(u->range[k], b - 1));
                        fputc(',', f);
                        if (b <= PROBE_HIST_BINS)
                            out_num(f, probe_bin_edge(u->range[k], b));
                        fprintf(f, ",%lu\n", (unsigned long)slots[b]);
                    }
                }
    }
}

static void dead_unit_rows(FILE *f, const run_record *recs, int n)
{
    fputs("act,seed,epoch,layer,unit\n", f);
    for (int i = 0; i < n; i++) {
        const run_record *rc = &recs[i];
        const run_units *u = &rc->r.units;
        for (int p = 0; p < rc->r.n_probes; p++)
            for (int l = 0; l < u->depth; l++) {
                const uint8_t *row = run_dead_row(&rc->r, p, l);
                for (int k = 0; k < u->width; k++)
                    if (probe_dead_bit(row, k)) {
                        lead(f, rc);
                        fprintf(f, "%d,%d,%d\n", rc->r.probe_epoch[p], l + 1, k);
                    }
            }
    }
}

ab_status out_write_hist(const char *dir, const run_record *recs, int n, ab_err *err)
{
    return write_csv(dir, "hist.csv", hist_rows, recs, n, err);
}

ab_status out_write_dead_units(const char *dir, const run_record *recs, int n, ab_err *err)
{
    return write_csv(dir, "dead_units.csv", dead_unit_rows, recs, n, err);
}

ab_status out_write_loss(const char *dir, const run_record *recs, int n, ab_err *err)
{
    return write_csv(dir, "loss.csv", loss_rows, recs, n, err);
}

ab_status out_write_layers(const char *dir, const run_record *recs, int n, ab_err *err)
{
    return write_csv(dir, "layers.csv", layer_rows, recs, n, err);
}

ab_status out_write_summary(const char *dir, const run_record *recs, int n, ab_err *err)
{
    return write_csv(dir, "summary.csv", summary_rows, recs, n, err);
}

ab_status out_write_functions(const char *dir, const act_spec *acts, int n, ab_err *err)
{
    enum { N = 1201 };
    afile a;
    ab_status st = afile_open_in(&a, dir, "functions.csv", err);
    if (st != AB_OK)
        return st;
    float z[N], y[N], d[N];
    for (int i = 0; i < N; i++)
        z[i] = (float)(-6.0 + 0.01 * i);
    z[600] = 0.0f; /* exactly at the kink */
    fputs("act,z,f,df\n", a.f);
    for (int k = 0; k < n; k++) {
        /* width 1: a plugin that tells units apart shows its unit 0 */
        act_f(acts[k].info, y, z, N, 1, acts[k].p);
        act_df(acts[k].info, d, z, y, N, 1, acts[k].p);
        for (int i = 0; i < N; i++) {
            fprintf(a.f, "%s,%.2f,", acts[k].label, (double)z[i]);
            out_num(a.f, y[i]);
            fputc(',', a.f);
            out_num(a.f, d[i]);
            fputc('\n', a.f);
        }
    }
    return afile_commit(&a, err);
}

ab_status out_write_regions(const char *dir, const run_record *recs, int n,
                            const regions_grid *g, ab_err *err)
{
    afile a;
    ab_status st = afile_open_in(&a, dir, "regions.csv", err);
    if (st != AB_OK)
        return st;
    FILE *f = a.f;
    if (n > 0)
        fputs(recs[0].key_header, f);
    fputs("act,seed,epoch,x1,x2,class\n", f);
    for (int r = 0; r < n; r++) {
        const regions_map *m = &recs[r].r.regions;
        for (int k = 0; k < m->n_maps; k++)
            for (int c = 0; c < m->cells; c++) {
                int i = c % g->nx, j = c / g->nx;
                unsigned char cls = m->cls[(size_t)k * m->cells + c];
                lead(f, &recs[r]);
                fprintf(f, "%d,", m->epoch[k]);
                out_num(f, g->x0 + i * (g->x1 - g->x0) / (g->nx - 1));
                fputc(',', f);
                out_num(f, g->y0 + j * (g->y1 - g->y0) / (g->ny - 1));
                if (cls == REGIONS_NONE)
                    fputs(",\n", f);
                else
                    fprintf(f, ",%d\n", cls);
            }
    }
    return afile_commit(&a, err);
}

/* The rows of s, each led by split. */
static void data_rows(FILE *f, const data_set *s, const char *split)
{
    for (int i = 0; i < s->n; i++) {
        fputs(split, f);
        for (int j = 0; j < s->d; j++)
            fprintf(f, ",%.9g", (double)s->x[(size_t)i * s->d + j]);
        fprintf(f, ",%d\n", s->y[i]);
    }
}

ab_status out_write_data(const char *path, const data_set *train, const data_set *test,
                         ab_err *err)
{
    struct stat sb;
    if (lstat(path, &sb) == 0)
        return ab_fail(err, AB_ERUNTIME, "%s exists (it is not replaced: remove it or name "
                       "another file)", path);
    if (errno != ENOENT)
        return ab_fail(err, AB_ERUNTIME, "%s: %s", path, strerror(errno));
    afile a;
    ab_status st = afile_open(&a, path, err);
    if (st != AB_OK)
        return st;
    fputs("split", a.f);
    for (int j = 0; j < train->d; j++)
        fprintf(a.f, ",x%d", j + 1);
    fputs(",label\n", a.f);
    data_rows(a.f, train, "train");
    data_rows(a.f, test, "test");
    return afile_commit(&a, err);
}
