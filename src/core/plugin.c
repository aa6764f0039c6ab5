/* plugin.c - loading activation plugins: open the file, check its ABI
 * version and its descriptors, pick the activation asked for (plugin.h). */
#include "plugin.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "names.h"

/* The schemes a plugin may name as its usual init: the three of the header,
 * without act_inits' aliases, so that a plugin reads the same everywhere. */
static const name_row usual_inits[] = {
    {"xavier", INIT_XAVIER, NULL},
    {"he", INIT_HE, NULL},
    {"lecun", INIT_LECUN, NULL},
    {NULL, 0, NULL},
};

/* The files loaded so far, for the life of the process (never freed: their
 * functions are in use until exit).  A file is known by its device and inode,
 * so that brelu.so, ./brelu.so and its absolute path are one file. */
typedef struct loaded {
    struct loaded *next;
    dev_t dev;
    ino_t ino;
    const actbench_activation *const *acts;
    int n;
} loaded;
static loaded *loaded_files;

/* ---- the file ---- */

/* Fails unless path names a readable regular file that starts as an ELF
 * file does; *st is its identity.  dlopen's own message for a text file
 * ("invalid ELF header") says less than this. */
static ab_status check_file(const char *path, struct stat *st, ab_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block */
    if (fd < 0)
        return ab_fail(err, AB_EUSAGE, "plugin %s: cannot open: %s", path, strerror(errno));
    ab_status s = AB_OK;
    unsigned char magic[4];
    if (fstat(fd, st) != 0)
        s = ab_fail(err, AB_EUSAGE, "plugin %s: cannot open: %s", path, strerror(errno));
    else if (S_ISDIR(st->st_mode))
        s = ab_fail(err, AB_EUSAGE, "plugin %s: is a folder, not a shared object", path);
    else if (!S_ISREG(st->st_mode))
        s = ab_fail(err, AB_EUSAGE, "plugin %s: is not a regular file", path);
    else if (read(fd, magic, sizeof magic) != (ssize_t)sizeof magic ||
             memcmp(magic, "\177ELF", sizeof magic) != 0)
        s = ab_fail(err, AB_EUSAGE,
                    "plugin %s: is not a shared object (no ELF header); build one with "
                    "cc -shared -fPIC", path);
    close(fd);
    return s;
}

/* dlerror()'s message into out (size n): one line, without the leading
 * "OPENED: " that repeats the path. */
static void dl_reason(char *out, size_t n, const char *opened)
{
    const char *e = dlerror();
    if (!e)
        e = "unknown error";
    size_t len = strlen(opened);
    if (!strncmp(e, opened, len) && e[len] == ':' && e[len + 1] == ' ')
        e += len + 2;
    snprintf(out, n, "%.*s", (int)strcspn(e, "\n"), e);
}

/* ---- the descriptors ---- */

/* Is s 1 to ACTBENCH_MAX_NAME characters of [a-z0-9_]? */
static bool good_name(const char *s)
{
    size_t len = strlen(s);
    return len > 0 && len <= ACTBENCH_MAX_NAME &&
           strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == len;
}

/* Is s a line of text (no control bytes), for --list-acts? */
static bool one_line(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

/* NULL when a is a descriptor actbench can use, else what is wrong with it,
 * in why (size n).  Its name is checked before anything is said of it. */
static const char *bad_desc(char *why, size_t n, const actbench_activation *a)
{
#define BAD(...) (snprintf(why, n, __VA_ARGS__), why)
    if (!a->name)
        return BAD("name is NULL");
    if (!good_name(a->name))
        return BAD("name '%.60s' is not 1 to %d characters of [a-z0-9_]", a->name,
                   ACTBENCH_MAX_NAME);
    const act_info *builtin = act_lookup(a->name);
    if (builtin)
        return BAD("name '%s' is the built-in activation %s's: choose another", a->name,
                   builtin->name);
    if (!a->f)
        return BAD("f is NULL");
    if (!a->df)
        return BAD("df is NULL: give f' as well as f");
    if (!a->formula || !one_line(a->formula))
        return BAD("formula is %s", a->formula ? "not one line" : "NULL");
    if (!a->range || !one_line(a->range))
        return BAD("range is %s", a->range ? "not one line" : "NULL");
    if (a->at_kinks && !one_line(a->at_kinks))
        return BAD("at_kinks is not one line");
    if (!a->usual_init)
        return BAD("usual_init is NULL: give xavier, he or lecun");
    if (!names_find(usual_inits, a->usual_init, NULL))
        return BAD("usual_init '%.40s' is not xavier, he or lecun", a->usual_init);
    if (a->n_params < 0 || a->n_params > ACTBENCH_MAX_PARAMS)
        return BAD("n_params %d is not in [0, %d]", a->n_params, ACTBENCH_MAX_PARAMS);
    for (int j = 0; j < a->n_params; j++) {
        const char *pn = a->param_names[j];
        if (!pn)
            return BAD("param_names[%d] is NULL (n_params is %d)", j, a->n_params);
        if (!good_name(pn))
            return BAD("param_names[%d] '%.60s' is not 1 to %d characters of [a-z0-9_]", j,
                       pn, ACTBENCH_MAX_NAME);
        for (int k = 0; k < j; k++)
            if (!strcmp(pn, a->param_names[k]))
                return BAD("param_names[%d] and [%d] are both '%s'", k, j, pn);
        if (!isfinite(a->defaults[j]))
            return BAD("defaults[%d] (%s) is %g: a default must be finite", j, pn,
                       (double)a->defaults[j]);
    }
    /* n_params <= 8 here, so the shift is defined */
    unsigned beyond = a->learned >> a->n_params;
    if (beyond) {
        int bit = a->n_params;
        while (!(beyond & 1u))
            beyond >>= 1, bit++;
        return BAD("learned has bit %d set, but n_params is %d", bit, a->n_params);
    }
    if (a->learned && !a->pgrad) {
        int j = 0;
        while (!(a->learned >> j & 1u))
            j++;
        return BAD("parameter %s is learned but pgrad is NULL: give its gradient",
                   a->param_names[j]);
    }
    if (!a->learned && a->pgrad)
        return BAD("pgrad is set but no parameter is learned: set bit j of learned for each "
                   "learned parameter j");
    if (a->n_kinks < 0 || a->n_kinks > ACTBENCH_MAX_KINKS)
        return BAD("n_kinks %d is not in [0, %d]", a->n_kinks, ACTBENCH_MAX_KINKS);
    for (int k = 0; k < a->n_kinks; k++) {
        if (!isfinite(a->kinks[k]))
            return BAD("kinks[%d] is %g: a kink must be finite", k, a->kinks[k]);
        if (k > 0 && !(a->kinks[k] > a->kinks[k - 1]))
            return BAD("kinks are not ascending: kinks[%d] = %g after %g", k, a->kinks[k],
                       a->kinks[k - 1]);
    }
    if (a->check) {
        const char *no = a->check(a->defaults);
        if (no)
            return BAD("its check refuses its own defaults: %.200s", no);
    }
    return NULL;
#undef BAD
}

/* The names of t's n activations, ", "-separated, into out (size len). */
static void list_names(char *out, size_t len, const actbench_activation *const *t, int n)
{
    size_t at = 0;
    out[0] = '\0';
    for (int i = 0; i < n && at < len; i++) {
        int w = snprintf(out + at, len - at, "%s%s", i ? ", " : "", t[i]->name);
        at += w > 0 ? (size_t)w : 0;
    }
}

/* The table of the file opened as handle, checked, into *f. */
static ab_status read_table(loaded *f, void *handle, const char *path, ab_err *err)
{
    const int *abi = dlsym(handle, "actbench_abi");
    if (!abi)
        return ab_fail(err, AB_EUSAGE,
                       "plugin %s: is not an actbench plugin: no symbol actbench_abi; end it "
                       "with ACTBENCH_PLUGIN(...)", path);
    if (*abi != ACTBENCH_ACTIVATION_ABI)
        return ab_fail(err, AB_EUSAGE,
                       "plugin %s: built for activation ABI %d; this actbench takes %d: "
                       "rebuild it against this actbench's actbench/activation.h",
                       path, *abi, ACTBENCH_ACTIVATION_ABI);
    const actbench_activation *const *t = dlsym(handle, "actbench_activations");
    if (!t)
        return ab_fail(err, AB_EUSAGE,
                       "plugin %s: has actbench_abi but no symbol actbench_activations; end "
                       "it with ACTBENCH_PLUGIN(...)", path);
    int n = 0;
    while (n <= PLUGIN_MAX_ACTS && t[n])
        n++;
    if (n > PLUGIN_MAX_ACTS)
        return ab_fail(err, AB_EUSAGE,
                       "plugin %s: more than %d activations, or a table not ended by NULL",
                       path, PLUGIN_MAX_ACTS);
    if (n == 0)
        return ab_fail(err, AB_EUSAGE, "plugin %s: exports no activation", path);
    for (int i = 0; i < n; i++) {
        char why[320];
        if (bad_desc(why, sizeof why, t[i])) {
            if (t[i]->name && good_name(t[i]->name))
                return ab_fail(err, AB_EUSAGE, "plugin %s: activation %s: %s", path,
                               t[i]->name, why);
            return ab_fail(err, AB_EUSAGE, "plugin %s: activation %d of %d: %s", path, i + 1,
                           n, why);
        }
        for (int k = 0; k < i; k++)
            if (!strcmp(t[k]->name, t[i]->name))
                return ab_fail(err, AB_EUSAGE, "plugin %s: two activations are named %s",
                               path, t[i]->name);
    }
    f->acts = t;
    f->n = n;
    return AB_OK;
}

/* Opens the file at path (already checked: identity st) and records it. */
static ab_status open_plugin(loaded **out, const char *path, const struct stat *st,
                             ab_err *err)
{
    /* "./" before a bare name: dlopen would search the library path for it */
    size_t len = strlen(path);
    char *opened = malloc(len + 3);
    loaded *f = calloc(1, sizeof *f);
    if (!opened || !f) {
        free(opened);
        free(f);
        return ab_fail(err, AB_ERUNTIME, "plugin %s: out of memory", path);
    }
    snprintf(opened, len + 3, "%s%s", strchr(path, '/') ? "" : "./", path);
    ab_status s = AB_OK;
    void *handle = dlopen(opened, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        char why[400];
        dl_reason(why, sizeof why, opened);
        s = ab_fail(err, AB_EUSAGE, "plugin %s: cannot load: %s", path, why);
        goto done;
    }
    s = read_table(f, handle, path, err);
    if (s != AB_OK) {
        dlclose(handle); /* refused: none of its code will run */
        goto done;
    }
    f->dev = st->st_dev;
    f->ino = st->st_ino;
    f->next = loaded_files;
    loaded_files = f;
    *out = f;
    f = NULL;
done:
    free(opened);
    free(f);
    return s;
}

ab_status plugin_load(const actbench_activation **out, const char *path, const char *name,
                      ab_err *err)
{
    if (!path || !*path)
        return ab_fail(err, AB_EUSAGE, "plugin: no path given (plugin:PATH.so[:NAME])");
    struct stat st;
    ab_status s = check_file(path, &st, err);
    if (s != AB_OK)
        return s;
    loaded *f = loaded_files;
    while (f && !(f->dev == st.st_dev && f->ino == st.st_ino))
        f = f->next;
    if (!f && (s = open_plugin(&f, path, &st, err)) != AB_OK)
        return s;

    char names[400];
    if (!name) {
        if (f->n == 1) {
            *out = f->acts[0];
            return AB_OK;
        }
        list_names(names, sizeof names, f->acts, f->n);
        return ab_fail(err, AB_EUSAGE,
                       "plugin %s: has %d activations (%s): choose one with plugin:%s:NAME",
                       path, f->n, names, path);
    }
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->acts[i]->name, name)) {
            *out = f->acts[i];
            return AB_OK;
        }
    list_names(names, sizeof names, f->acts, f->n);
    return ab_fail(err, AB_EUSAGE, "plugin %s: no activation named '%.60s' (it has: %s)",
                   path, name, names);
}

init_kind plugin_usual_init(const actbench_activation *a)
{
    const name_row *r = names_find(usual_inits, a->usual_init, NULL);
    return r ? (init_kind)r->value : INIT_XAVIER;
}
