/* weights.c - saving and loading network parameters as .npy files. */
#include "weights.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "npy.h"

static ab_status file_path(char *out, size_t n, const char *dir, const char *stem, int l,
                           ab_err *err)
{
    char name[64];
    snprintf(name, sizeof name, "%s%d.npy", stem, l);
    return afile_path_join(out, n, dir, name, err);
}

/* The name of the activation's q-th learned parameter: its files' stem. */
static const char *learned_name(const net *n, int q)
{
    return n->cfg.act.info->param_names[act_learned_param(n->cfg.act.info, q)];
}

/* The batchnorm arrays of hidden layer l: file stems and arena offsets. */
#define BN_FILES 3
#define BN_VAR 2 /* bn_stems[BN_VAR]: a variance, never negative */
static const char *const bn_stems[BN_FILES] = {"gamma", "running_mean", "running_var"};

static size_t bn_off(const net *n, int l, int k)
{
    return k == 0 ? n->g_off[l] : k == 1 ? n->rm_off[l] : n->rv_off[l];
}

ab_status weights_save(const char *dir, const net *n, const float *params, ab_err *err)
{
    char path[4096];
    ab_status st = afile_make_dirs(dir, err);
    for (int l = 0; st == AB_OK && n->cfg.batchnorm && l < n->cfg.depth; l++)
        for (int k = 0; st == AB_OK && k < BN_FILES; k++)
            if ((st = file_path(path, sizeof path, dir, bn_stems[k], l + 1, err)) == AB_OK)
                st = npy_write(path, params + bn_off(n, l, k), n->fan_out[l], 0, err);
    for (int l = 0; st == AB_OK && l < n->n_layers; l++) {
        if ((st = file_path(path, sizeof path, dir, "W", l + 1, err)) != AB_OK ||
            (st = npy_write(path, params + n->w_off[l], n->fan_out[l], n->fan_in[l], err)) !=
                AB_OK ||
            (st = file_path(path, sizeof path, dir, "b", l + 1, err)) != AB_OK ||
            (st = npy_write(path, params + n->b_off[l], n->fan_out[l], 0, err)) != AB_OK)
            break;
        for (int q = 0; st == AB_OK && l < n->cfg.depth && q < n->n_learned; q++)
            if ((st = file_path(path, sizeof path, dir, learned_name(n, q), l + 1, err)) ==
                AB_OK)
                st = npy_write(path, net_lparams(n, params, l) + q, 1, 0, err);
    }
    return st;
}

/* AB_EUSAGE naming path, the shape it has (r, c) and the one the network
 * needs (rows, cols); cols 0 = 1-D. */
static ab_status shape_error(const char *path, int r, int c, int rows, int cols, ab_err *err)
{
    if (cols)
        return ab_fail(err, AB_EUSAGE, "%s has shape (%d%s%.0d), the network needs (%d, %d)",
                       path, r, c ? ", " : ",", c, rows, cols);
    return ab_fail(err, AB_EUSAGE, "%s has shape (%d%s%.0d), the network needs (%d,)", path, r,
                   c ? ", " : ",", c, rows);
}

/* AB_ERUNTIME unless the n values of path (cols per row, 0 = 1-D) can be
 * trained from: finite (ReLU would turn NaN into 0 and the run report "ok"),
 * and non-negative for a variance. */
static ab_status check_values(const float *v, size_t n, int cols, bool variance,
                              const char *path, ab_err *err)
{
    for (size_t i = 0; i < n; i++) {
        if (isfinite(v[i]) && !(variance && v[i] < 0.0f))
            continue;
        char at[48];
        if (cols)
            snprintf(at, sizeof at, "[%zu, %zu]", i / (size_t)cols, i % (size_t)cols);
        else
            snprintf(at, sizeof at, "[%zu]", i);
        if (!isfinite(v[i]))
            return ab_fail(err, AB_ERUNTIME, "%s: value %s is %g; weights must be finite", path,
                           at, (double)v[i]);
        return ab_fail(err, AB_ERUNTIME, "%s: value %s is %g; a running variance must be >= 0",
                       path, at, (double)v[i]);
    }
    return AB_OK;
}

/* Reads one array into dst after checking its shape against rows x cols
 * (cols 0 = 1-D; a 1-D file of one element also serves a (1,) alpha), so
 * that nothing is read or allocated for a file of the wrong size; then
 * checks its values (variance: a running_var). */
static ab_status load_one(float *dst, const char *path, int rows, int cols, bool variance,
                          ab_err *err)
{
    npy_file nf;
    ab_status st = npy_open(&nf, path, err);
    if (st != AB_OK)
        return st;
    if (nf.rows != rows || nf.cols != cols)
        st = shape_error(path, nf.rows, nf.cols, rows, cols, err);
    else
        st = npy_read_into(&nf, path, dst, err);
    npy_close(&nf);
    if (st == AB_OK)
        st = check_values(dst, nf.n, cols, variance, path, err);
    return st;
}

/* Whether the folder's batchnorm files agree with the network's. */
static ab_status check_bn(const char *dir, const net *n, ab_err *err)
{
    char path[4096];
    ab_status st = file_path(path, sizeof path, dir, "gamma", 1, err);
    if (st != AB_OK)
        return st;
    bool have = access(path, F_OK) == 0;
    if (n->cfg.batchnorm && !have)
        return ab_fail(err, AB_EUSAGE,
                       "%s is missing: the network has batch normalisation, "
                       "the weights were saved without it",
                       path);
    if (!n->cfg.batchnorm && have)
        return ab_fail(err, AB_EUSAGE,
                       "%s exists: the weights were saved with batch "
                       "normalisation, the network has none",
                       path);
    return AB_OK;
}

ab_status weights_load(const char *dir, const net *n, float *params, ab_err *err)
{
    char path[4096];
    ab_status st = check_bn(dir, n, err);
    for (int l = 0; st == AB_OK && n->cfg.batchnorm && l < n->cfg.depth; l++)
        for (int k = 0; st == AB_OK && k < BN_FILES; k++)
            if ((st = file_path(path, sizeof path, dir, bn_stems[k], l + 1, err)) == AB_OK)
                st = load_one(params + bn_off(n, l, k), path, n->fan_out[l], 0, k == BN_VAR, err);
    for (int l = 0; st == AB_OK && l < n->n_layers; l++) {
        if ((st = file_path(path, sizeof path, dir, "W", l + 1, err)) != AB_OK ||
            (st = load_one(params + n->w_off[l], path, n->fan_out[l], n->fan_in[l], false,
                           err)) != AB_OK ||
            (st = file_path(path, sizeof path, dir, "b", l + 1, err)) != AB_OK ||
            (st = load_one(params + n->b_off[l], path, n->fan_out[l], 0, false, err)) != AB_OK)
            break;
        for (int q = 0; st == AB_OK && l < n->cfg.depth && q < n->n_learned; q++)
            if ((st = file_path(path, sizeof path, dir, learned_name(n, q), l + 1, err)) ==
                    AB_OK &&
                access(path, F_OK) == 0)
                st = load_one(net_lparams(n, params, l) + q, path, 1, 0, false, err);
    }
    if (st == AB_OK) {
        /* a deeper saved network than configured is a mismatch too */
        if ((st = file_path(path, sizeof path, dir, "W", n->n_layers + 1, err)) == AB_OK &&
            access(path, F_OK) == 0)
            st = ab_fail(err, AB_EUSAGE,
                         "%s exists, but the network has only %d layers "
                         "(depth %d)",
                         path, n->n_layers, n->cfg.depth);
    }
    return st;
}
