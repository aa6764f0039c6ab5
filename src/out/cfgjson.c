/* cfgjson.c - config.json for every kind of output folder. */
#include "cfgjson.h"

#include <string.h>

#include "actbench_git.h"
#include "actbench_version.h"
#include "afile.h"
#include "gemm.h"
#include "out.h"
#include "par.h"
#include "vmath.h"

/* The init scheme of activation a's first run (it is the same for all of
 * its runs unless init is swept: the runs say each one's). */
static const char *act_init(const cfgjson_doc *d, int a)
{
    for (int i = 0; d->plan && i < d->plan->n_runs; i++)
        if (d->plan->runs[i].act == a)
            return act_init_name(d->plan->runs[i].cfg.net.init);
    return act_init_name(d->acts[a].info->usual_init);
}

static void write_acts(FILE *f, const cfgjson_doc *d)
{
    fputs("  \"activations\": [", f);
    for (int a = 0; a < d->n_acts; a++) {
        const act_spec *s = &d->acts[a];
        fprintf(f, "%s\n    {\"label\": ", a ? "," : "");
        out_json_str(f, s->label);
        fputs(", \"name\": ", f);
        out_json_str(f, s->info->name);
        if (s->info->dyn) {
            /* a formula or plugin: what it was made from */
            fputs(", \"source\": ", f);
            out_json_str(f, s->info->dyn->source);
        }
        fputs(", \"params\": {", f);
        for (int k = 0; k < s->info->n_params; k++) {
            fprintf(f, "%s", k ? ", " : "");
            out_json_str(f, s->info->param_names[k]);
            fprintf(f, ": %.9g", (double)s->p[k]);
        }
        fprintf(f, "}, \"init\": \"%s\", \"max_abs_derivative\": %.9g}", act_init(d, a),
                s->max_df);
    }
    fputs("\n  ],\n", f);
}

static void write_data(FILE *f, const run_plan *p, const run_out *o)
{
    const data_spec *ds = &p->data;
    fputs("  \"data\": {\"name\": ", f);
    out_json_str(f, ds->name);
    fputs(", \"dir\": ", f);
    out_json_str_or_null(f, ds->dir);
    fputs(", \"test_data\": ", f);
    out_json_str_or_null(f, ds->test_path);
    /* a CSV file's split column, not test_frac, made the split */
    fprintf(f, ", \"samples\": %d, \"test_frac\": ", ds->n ? ds->n : DATA_DEFAULT_N);
    if (o->train.split_column)
        fputs("null, \"split\": \"column\"", f);
    else
        fprintf(f, "%.9g", ds->test_frac);
    fprintf(f, ", \"train\": %d, \"test\": %d, \"features\": %d, \"classes\": %d, "
               "\"probe\": %d, \"standardized\": %s",
            o->train.n, o->test.n, o->train.d, o->train.k, o->probe.n,
            ds->standardize ? "true" : "false");
    /* whether row 1 of a CSV file was skipped as a header: a reader can see
     * that no sample was lost to it */
    fprintf(f, ", \"header\": %s", o->train.header ? "true" : "false");
    if (ds->test_path)
        fprintf(f, ", \"test_header\": %s", o->test.header ? "true" : "false");
    fputs("},\n", f);
}

static void write_memory(FILE *f, const run_out *o)
{
    /* peaks so far: the training's, before any plot is rendered */
    double mib = 1048576.0, child = par_peak_rss_children();
    fprintf(f, "  \"memory\": {\"peak_rss_mib\": %.1f, \"child_peak_rss_mib\": ",
            par_peak_rss_self() / mib);
    if (o->jobs > 1 && child > 0.0)
        fprintf(f, "%.1f", child / mib);
    else
        fputs("null", f);
    fprintf(f, ", \"estimated_mib\": %.1f, \"estimated_run_mib\": %.1f, "
               "\"available_mib\": %.1f},\n",
            o->estimate / mib, o->run_bytes / mib, o->available / mib);
}

/* The sweep point of a record as {"depth": "6", "lr": "0.1"}, from its
 * key cells "6,0.1," under the header "depth,lr,". */
static void write_point(FILE *f, const run_record *r)
{
    char head[sizeof r->key_header], keys[sizeof r->keys];
    memcpy(head, r->key_header, sizeof head);
    memcpy(keys, r->keys, sizeof keys);
    char *hs = NULL, *ks = NULL;
    const char *h = strtok_r(head, ",", &hs), *k = strtok_r(keys, ",", &ks);
    fputs(", \"point\": {", f);
    for (int i = 0; h && k; i++, h = strtok_r(NULL, ",", &hs), k = strtok_r(NULL, ",", &ks)) {
        fputs(i ? ", " : "", f);
        out_json_str(f, h);
        fputs(": ", f);
        out_json_str(f, k);
    }
    fputs("}", f);
}

static void write_runs(FILE *f, const run_out *o)
{
    fputs(",\n  \"runs\": [", f);
    for (int i = 0; i < o->n; i++) {
        const run_record *r = &o->recs[i];
        fprintf(f, "%s\n    {\"act\": ", i ? "," : "");
        out_json_str(f, r->act->label);
        if (r->keys[0])
            write_point(f, r);
        fprintf(f, ", \"seed\": %llu, \"init\": \"%s\", \"status\": \"%s\", \"epochs_run\": %d",
                (unsigned long long)r->seed, act_init_name(r->init),
                r->r.diverged ? "diverged" : "ok", r->r.n_loss - 1);
        fprintf(f, ", \"seconds\": %.6f, \"probe_seconds\": %.6f", r->r.seconds,
                r->r.probe_seconds);
        if (r->r.diverged)
            fprintf(f, ", \"diverged_epoch\": %d", r->r.diverged_epoch);
        fputs("}", f);
    }
    fputs("\n  ]", f);
}

ab_status cfgjson_write(const char *dir, const cfgjson_doc *d, ab_err *err)
{
    afile a;
    ab_status st = afile_open_in(&a, dir, "config.json", err);
    if (st != AB_OK)
        return st;
    FILE *f = a.f;
    fprintf(f, "{\n  \"actbench_version\": \"%s\",\n  \"actbench_git\": \"%s\",\n  \"command\": [",
            ACTBENCH_VERSION, ACTBENCH_GIT);
    for (int i = 0; i < d->argc; i++) {
        fputs(i ? ", " : "", f);
        out_json_str(f, d->argv[i]);
    }
    fputs("],\n", f);
    if (d->members)
        d->members(f, d);
    write_acts(f, d);
    if (d->plan)
        write_data(f, d->plan, d->out);
    /* blas.threads: what each run's GEMMs used, the count its numbers depend on */
    fprintf(f, "  \"threads\": %d,\n  \"jobs\": %d,\n", d->threads, d->out ? d->out->jobs : 1);
    fputs("  \"blas\": {\"library\": ", f);
    out_json_str(f, gemm_library());
    fprintf(f, ", \"threads\": %d},\n", d->out ? d->out->threads : gemm_threads());
    /* the vector maths library the runs with math = sleef used */
    fputs("  \"vector_maths\": ", f);
    out_json_str(f, vm_library());
    fputs(",\n", f);
    if (d->out)
        write_memory(f, d->out);
    fprintf(f, "  \"seconds\": %.3f", d->seconds);
    if (d->out)
        write_runs(f, d->out);
    fputs("\n}\n", f);
    return afile_commit(&a, err);
}
