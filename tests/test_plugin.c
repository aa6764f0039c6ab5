/* test_plugin.c - activation plugins (src/core/plugin.c): the example
 * plugins' values, their f' against finite differences of f, softexp's
 * learned-parameter gradient against finite differences of f in alpha,
 * and one refusal per way a plugin can be wrong (tests/plugins/bad.c), each
 * a usage error whose one line names the file and what to fix.
 *
 * The modules' paths come from meson (tests/meson.build): ACTBENCH_BRELU,
 * ACTBENCH_SOFTEXP and ACTBENCH_BAD_PLUGINS, the folder of bad_CASE.so. */
#define _DEFAULT_SOURCE /* realpath, symlink */
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "plugin.h"

static const char *env_path(const char *var)
{
    const char *p = getenv(var);
    if (!p || !*p)
        fail_msg("%s is not set: run the test through meson test", var);
    return p;
}

static const actbench_activation *load_ok(const char *path, const char *name)
{
    const actbench_activation *a = NULL;
    ab_err err = {{0}};
    ab_status s = plugin_load(&a, path, name, &err);
    if (s != AB_OK)
        fail_msg("loading %s: %s", path, err.msg);
    assert_non_null(a);
    return a;
}

/* Fails unless loading path (NAME name) is a usage error whose message is
 * one line holding path and every one of needles (NULL-ended), and leaves
 * the output alone. */
static void assert_refused(const char *path, const char *name, const char *const *needles)
{
    static const actbench_activation sentinel;
    const actbench_activation *a = &sentinel;
    ab_err err = {{0}};
    ab_status s = plugin_load(&a, path, name, &err);
    if (s != AB_EUSAGE)
        fail_msg("%s: status %d, not AB_EUSAGE (message: %s)", path, (int)s, err.msg);
    assert_ptr_equal(a, &sentinel);
    if (strchr(err.msg, '\n'))
        fail_msg("%s: message of more than one line: %s", path, err.msg);
    if (!strstr(err.msg, path))
        fail_msg("message does not name %s: %s", path, err.msg);
    for (const char *const *n = needles; *n; n++)
        if (!strstr(err.msg, *n))
            fail_msg("%s: message lacks \"%s\": %s", path, *n, err.msg);
}

/* ---- brelu ---- */

enum { ROWS = 3, WIDTH = 4 };

static void test_brelu_values(void **state)
{
    (void)state;
    const actbench_activation *a = load_ok(env_path("ACTBENCH_BRELU"), NULL);
    assert_string_equal(a->name, "brelu");
    assert_int_equal(a->n_params, 0);
    assert_null(a->pgrad);
    assert_int_equal(a->n_kinks, 1);
    assert_true(a->kinks[0] == 0.0);
    assert_int_equal(plugin_usual_init(a), INIT_HE);
    /* 3 rows of 4 units: unit u is element i % 4; every sign on every unit */
    const float z[ROWS * WIDTH] = {-2.0f, -1.5f, 0.5f,  3.0f,
                                   1.0f,  2.5f,  -0.25f, -4.0f,
                                   0.0f,  0.0f,  0.0f,  0.0f};
    const float want_y[ROWS * WIDTH] = {0.0f, -1.5f, 0.5f,  0.0f,
                                        1.0f, 0.0f,  0.0f,  -4.0f,
                                        0.0f, 0.0f,  0.0f,  0.0f};
    const float want_d[ROWS * WIDTH] = {0.0f, 1.0f, 1.0f, 0.0f,
                                        1.0f, 0.0f, 0.0f, 1.0f,
                                        0.0f, 0.0f, 0.0f, 0.0f}; /* f'(0) = 0: PyTorch's relu */
    float y[ROWS * WIDTH], d[ROWS * WIDTH];
    a->f(y, z, ROWS * WIDTH, WIDTH, NULL);
    a->df(d, z, y, ROWS * WIDTH, WIDTH, NULL);
    for (int i = 0; i < ROWS * WIDTH; i++) {
        if (y[i] != want_y[i] || d[i] != want_d[i])
            fail_msg("unit %d, z = %g: f = %g, f' = %g; want %g, %g", i % WIDTH, (double)z[i],
                     (double)y[i], (double)d[i], (double)want_y[i], (double)want_d[i]);
    }
    /* width decides the unit: with width 1 every element is unit 0, a ReLU */
    a->f(y, z, ROWS * WIDTH, 1, NULL);
    for (int i = 0; i < ROWS * WIDTH; i++)
        assert_true(y[i] == (z[i] > 0.0f ? z[i] : 0.0f));
}

/* d[i] = f'(z[i]) by the fourth-order central difference, in double over
 * float evaluations of f on the whole buffer shifted by -2h..2h. */
static void central_diff(double *fd, const actbench_activation *a, const float *z, size_t n,
                         int width, const float *p, double h)
{
    float *zs = malloc(n * sizeof *zs), *ys[4];
    static const double k[4] = {-2, -1, 1, 2}, c[4] = {1, -8, 8, -1};
    assert_non_null(zs);
    for (int j = 0; j < 4; j++) {
        ys[j] = malloc(n * sizeof *ys[j]);
        assert_non_null(ys[j]);
        for (size_t i = 0; i < n; i++)
            zs[i] = (float)(z[i] + k[j] * h);
        a->f(ys[j], zs, n, width, p);
    }
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (int j = 0; j < 4; j++)
            s += c[j] * ys[j][i];
        fd[i] = s / (12 * h);
    }
    for (int j = 0; j < 4; j++)
        free(ys[j]);
    free(zs);
}

/* Fails unless a's df matches central differences of f (at z from lo in
 * steps of 1/16, n of them, width units) away from its kinks; returns the
 * points checked. */
static int check_df(const actbench_activation *a, const float *p, double lo, int width)
{
    enum { N = 160 };
    const double h = 1.0 / 64; /* exact in float: z +- kh are too */
    float z[N], y[N], d[N];
    double fd[N];
    for (int i = 0; i < N; i++)
        z[i] = (float)(lo + i / 16.0);
    a->f(y, z, N, width, p);
    a->df(d, z, y, N, width, p);
    central_diff(fd, a, z, N, width, p, h);
    int checked = 0;
    for (int i = 0; i < N; i++) {
        int near = 0;
        for (int k = 0; k < a->n_kinks; k++)
            near |= fabs(z[i] - a->kinks[k]) < 3 * h;
        if (near)
            continue;
        if (fabs(fd[i] - d[i]) > 2e-4 + 1e-3 * fabs(fd[i]))
            fail_msg("%s (p0 = %g), unit %d: f'(%g) = %.7g, finite difference %.7g", a->name,
                     p ? (double)p[0] : 0.0, i % width, (double)z[i], (double)d[i], fd[i]);
        checked++;
    }
    assert_true(checked > N / 2);
    return checked;
}

static void test_brelu_derivative(void **state)
{
    (void)state;
    const actbench_activation *a = load_ok(env_path("ACTBENCH_BRELU"), "brelu");
    /* z from -5 to 5, on 4 units and on 5 (odd widths shift the units per row) */
    check_df(a, NULL, -5.0, WIDTH);
    check_df(a, NULL, -5.0, 5);
}

/* ---- softexp ---- */

/* softexp in long double, straight from its definition: the reference the
 * plugin's alpha gradient is compared with near alpha = 0, where a finite
 * difference of the float f is noise. */
static long double softexp_ld(long double a, long double z)
{
    if (a > 0)
        return expm1l(a * z) / a + a;
    if (a < 0)
        return -log1pl(-a * (a + z)) / a;
    return z;
}

/* sum of da[i] f(z[i]) for alpha = a, the float plugin's f, in double */
static double weighted_f(const actbench_activation *a, const float *da, const float *z,
                         size_t n, float alpha)
{
    float y[256];
    assert_true(n <= 256);
    a->f(y, z, n, 1, &alpha);
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (double)da[i] * y[i];
    return s;
}

static void test_softexp_values(void **state)
{
    (void)state;
    const actbench_activation *a = load_ok(env_path("ACTBENCH_SOFTEXP"), NULL);
    assert_string_equal(a->name, "softexp");
    assert_int_equal(a->n_params, 1);
    assert_string_equal(a->param_names[0], "alpha");
    assert_true(a->defaults[0] != 0.0f);
    assert_int_equal(a->learned, 1);
    assert_non_null(a->pgrad);
    assert_int_equal(plugin_usual_init(a), INIT_XAVIER);
    const float z[5] = {-2.0f, -0.5f, 0.0f, 1.0f, 3.0f};
    float y[5], d[5];
    /* alpha = 0 is the identity, exactly */
    const float zero = 0.0f;
    a->f(y, z, 5, 1, &zero);
    a->df(d, z, y, 5, 1, &zero);
    for (int i = 0; i < 5; i++)
        assert_true(y[i] == z[i] && d[i] == 1.0f);
    /* both sides of 0 against the long double definition */
    static const float alphas[] = {0.1f, 1.0f, -0.5f, 1e-6f, -1e-6f};
    for (size_t k = 0; k < N_OF(alphas); k++) {
        a->f(y, z, 5, 1, &alphas[k]);
        for (int i = 0; i < 5; i++) {
            double want = (double)softexp_ld(alphas[k], z[i]);
            if (fabs(y[i] - want) > 1e-6 * (1 + fabs(want)))
                fail_msg("softexp alpha %g: f(%g) = %.9g, want %.9g", (double)alphas[k],
                         (double)z[i], (double)y[i], want);
        }
    }
}

static void test_softexp_derivative(void **state)
{
    (void)state;
    const actbench_activation *a = load_ok(env_path("ACTBENCH_SOFTEXP"), NULL);
    check_df(a, a->defaults, -5.0, 3);
    static const float alphas[] = {0.5f, 1e-3f, -1e-3f, -0.3f, 0.0f};
    for (size_t k = 0; k < N_OF(alphas); k++)
        /* for alpha < 0, f is defined above 1/alpha - alpha (-3.0 for -0.3) */
        check_df(a, &alphas[k], alphas[k] < -0.1f ? -2.5 : -5.0, 3);
}

/* pgrad against finite differences of f in alpha.  Away from 0: the
 * fourth-order central difference of the plugin's float f with step 1/256
 * (1/64 is too coarse by alpha = -0.25, z = -3, near f's pole at -3.75),
 * per element (da one element's 1) and for a whole weighted buffer.  Near
 * 0, where a step must not cross 0 (f's two formulas meet there with equal
 * slopes but not equal curvatures) and a small step of the float f is
 * noise: the same difference of the long double definition, step |alpha|/8;
 * at 0 itself, the limit 1 + z^2/2. */
static void test_softexp_pgrad(void **state)
{
    (void)state;
    const actbench_activation *a = load_ok(env_path("ACTBENCH_SOFTEXP"), NULL);
    enum { N = 49 };
    float z[N], y[N], da[N];
    for (int i = 0; i < N; i++) {
        z[i] = (float)(-3.0 + i / 8.0);
        da[i] = (float)(0.25 + ((i * 7) % 11) / 8.0 - 0.5); /* weights of both signs */
    }
    /* 3e-5: alpha z below 1e-4, where the plugin's series take over */
    static const float alphas[] = {0.1f, 0.5f, 1.0f, -0.25f, -0.1f, 1e-3f,
                                   -1e-3f, 3e-5f, -3e-5f, 1e-6f, -1e-6f, 0.0f};
    for (size_t k = 0; k < N_OF(alphas); k++) {
        const float al = alphas[k];
        const bool far = fabsf(al) >= 0.1f;
        a->f(y, z, N, 1, &al);
        double total = 0.0;
        for (int i = 0; i < N; i++) {
            /* one element: da = e_i */
            float one = 1.0f;
            double g = 0.0;
            a->pgrad(&g, &one, &z[i], &y[i], 1, 1, &al);
            double want;
            if (far) {
                const double h = 1.0 / 256;
                want = (weighted_f(a, &one, &z[i], 1, (float)(al - 2 * h)) -
                        8 * weighted_f(a, &one, &z[i], 1, (float)(al - h)) +
                        8 * weighted_f(a, &one, &z[i], 1, (float)(al + h)) -
                        weighted_f(a, &one, &z[i], 1, (float)(al + 2 * h))) /
                       (12 * h);
            } else if (al != 0.0f) {
                const long double h = fabsl((long double)al) / 8, x = z[i], c = al;
                want = (double)((softexp_ld(c - 2 * h, x) - 8 * softexp_ld(c - h, x) +
                                 8 * softexp_ld(c + h, x) - softexp_ld(c + 2 * h, x)) /
                                (12 * h));
            } else {
                want = 1.0 + 0.5 * (double)z[i] * z[i];
            }
            double tol = far ? 2e-4 + 1e-3 * fabs(want) : 1e-6 * (1 + fabs(want));
            if (fabs(g - want) > tol)
                fail_msg("softexp alpha %g: df/dalpha(%g) = %.9g, finite difference %.9g",
                         (double)al, (double)z[i], g, want);
            total += (double)da[i] * g;
        }
        /* the whole buffer at once, added to what g held */
        double g = 0.5;
        a->pgrad(&g, da, z, y, N, 1, &al);
        if (fabs(g - 0.5 - total) > 1e-9 * (1 + fabs(total)))
            fail_msg("softexp alpha %g: pgrad of the buffer %.12g, sum of its elements' %.12g",
                     (double)al, g - 0.5, total);
        if (far) {
            const double h = 1.0 / 256;
            double fd = (weighted_f(a, da, z, N, (float)(al - 2 * h)) -
                         8 * weighted_f(a, da, z, N, (float)(al - h)) +
                         8 * weighted_f(a, da, z, N, (float)(al + h)) -
                         weighted_f(a, da, z, N, (float)(al + 2 * h))) /
                        (12 * h);
            if (fabs(total - fd) > 2e-3 + 1e-3 * fabs(fd))
                fail_msg("softexp alpha %g: pgrad %.9g, finite difference %.9g", (double)al,
                         total, fd);
        }
    }
}

/* ---- loading ---- */

/* A plugin written in C++ loads, and its learned slope's gradient is its
 * own (ACTBENCH_CXX_PLUGIN is empty where meson found no C++ compiler). */
static void test_cxx_plugin(void **state)
{
    (void)state;
    const char *path = getenv("ACTBENCH_CXX_PLUGIN");
    if (!path || !*path)
        skip();
    const actbench_activation *a = load_ok(path, NULL);
    assert_string_equal(a->name, "cxx_scale");
    const float z[3] = {1.0f, -2.0f, 0.5f}, da[3] = {1.0f, 1.0f, 2.0f}, p = 3.0f;
    float y[3];
    a->f(y, z, 3, 3, &p);
    assert_true(y[1] == -6.0f);
    double g = 0.0;
    a->pgrad(&g, da, z, y, 3, 3, &p);
    assert_true(g == 0.0); /* 1 - 2 + 2 x 0.5 */
    const float w[3] = {1.0f, 0.0f, 0.0f};
    a->pgrad(&g, w, z, y, 3, 3, &p);
    assert_true(g == 1.0);
}

static void test_reuse(void **state)
{
    scratch *s = *state;
    const char *path = env_path("ACTBENCH_BRELU");
    const actbench_activation *a = load_ok(path, NULL);
    assert_ptr_equal(load_ok(path, "brelu"), a);
    /* the same file by another path: a symbolic link to it */
    char link_path[4300];
    snprintf(link_path, sizeof link_path, "%s/other.so", s->dir);
    char abs[PATH_MAX];
    assert_non_null(realpath(path, abs));
    assert_int_equal(symlink(abs, link_path), 0);
    assert_ptr_equal(load_ok(link_path, NULL), a);
}

/* Copies the file at from to to; fails the test when it cannot. */
static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    assert_int_equal(fclose(in), 0);
    assert_int_equal(fclose(out), 0);
}

/* A path without '/' is the file of that name in the current folder, not
 * one of that name on the library path: a copy of brelu.so named libm.so.6
 * loads as brelu, not as the libm this test runs with.  (meson test puts
 * the plugins' folders on LD_LIBRARY_PATH, so a bare bad_two.so would be
 * found even by a search.)  And a bare name missing here is missing. */
static void test_bare_name(void **state)
{
    scratch *s = *state;
    char copy[4300], back[PATH_MAX];
    snprintf(copy, sizeof copy, "%s/libm.so.6", s->dir);
    copy_file(env_path("ACTBENCH_BRELU"), copy);
    assert_non_null(getcwd(back, sizeof back));
    assert_int_equal(chdir(s->dir), 0);
    const actbench_activation *a = NULL;
    ab_err err = {{0}}, missing_err = {{0}};
    ab_status st = plugin_load(&a, "libm.so.6", NULL, &err);
    ab_status missing = plugin_load(&a, "libc.so.6", NULL, &missing_err);
    assert_int_equal(chdir(back), 0);
    if (st != AB_OK)
        fail_msg("libm.so.6 in the current folder: %s", err.msg);
    assert_string_equal(a->name, "brelu");
    assert_int_equal(missing, AB_EUSAGE);
    assert_non_null(strstr(missing_err.msg, "libc.so.6: cannot open: No such file"));
}

static void test_two_by_name(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/bad_two.so", env_path("ACTBENCH_BAD_PLUGINS"));
    assert_string_equal(load_ok(path, "first")->name, "first");
    assert_string_equal(load_ok(path, "second")->name, "second");
}

static void test_bad_files(void **state)
{
    scratch *s = *state;
    char path[4300];
    snprintf(path, sizeof path, "%s/missing.so", s->dir);
    assert_refused(path, NULL, (const char *[]){"cannot open", "No such file", NULL});
    write_file(path, sizeof path, s->dir, "text.so", "not a library\n");
    assert_refused(path, NULL, (const char *[]){"is not a shared object", "ELF", NULL});
    write_file(path, sizeof path, s->dir, "empty.so", "");
    assert_refused(path, NULL, (const char *[]){"is not a shared object", NULL});
    /* an ELF header and nothing else: dlopen's own reason, on one line */
    write_file(path, sizeof path, s->dir, "short.so", "\177ELF\002\001\001");
    assert_refused(path, NULL, (const char *[]){"cannot load: ", NULL});
    assert_refused(s->dir, NULL, (const char *[]){"is a folder", NULL});
    snprintf(path, sizeof path, "%s/fifo.so", s->dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_refused(path, NULL, (const char *[]){"is not a regular file", NULL});
    assert_refused("", NULL, (const char *[]){"no path given", NULL});
    if (geteuid() != 0) { /* root reads whatever the mode */
        write_file(path, sizeof path, s->dir, "locked.so", "\177ELF");
        assert_int_equal(chmod(path, 0), 0);
        assert_refused(path, NULL, (const char *[]){"cannot open", "Permission denied", NULL});
    }
}

/* One module of tests/plugins/bad.c refused, and the words its message holds. */
typedef struct {
    const char *name;  /* the case: bad_NAME.so */
    const char *act;   /* the NAME asked for, or NULL */
    const char *needles[4];
} bad_case;

static const bad_case bad_cases[] = {
    {"no_abi", NULL,
     {"is not an actbench plugin: no symbol actbench_abi", "end it with ACTBENCH_PLUGIN(...)"}},
    {"no_table", NULL, {"no symbol actbench_activations", "ACTBENCH_PLUGIN(...)"}},
    {"abi999", NULL,
     {"built for activation ABI 999; this actbench takes 1",
      "rebuild it against this actbench's actbench/activation.h"}},
    {"empty", NULL, {"exports no activation"}},
    {"undefined", NULL, {"cannot load: ", "undefined symbol", "actbench_no_such_function"}},
    {"two", NULL, {"has 2 activations (first, second)", "choose one with plugin:", ":NAME"}},
    {"two", "third", {"no activation named 'third'", "(it has: first, second)"}},
    {"two", "", {"no activation named ''"}},
    {"same_name", NULL, {"two activations are named good"}},
    {"second_broken", "good", {"activation broken: df is NULL"}},
    {"null_f", NULL, {"activation good: f is NULL"}},
    {"null_df", NULL, {"activation good: df is NULL"}},
    {"null_name", NULL, {"activation 1 of 1: name is NULL"}},
    {"name_chars", NULL, {"name 'BReLU' is not 1 to 40 characters of [a-z0-9_]"}},
    {"name_long", NULL, {"is not 1 to 40 characters"}},
    {"builtin", NULL, {"'leakyrelu' is the built-in activation leaky_relu's"}},
    {"null_formula", NULL, {"formula is NULL"}},
    {"formula_lines", NULL, {"formula is not one line"}},
    {"null_range", NULL, {"range is NULL"}},
    {"init", NULL, {"usual_init 'kaiming' is not xavier, he or lecun"}},
    {"null_init", NULL, {"usual_init is NULL"}},
    {"n_params", NULL, {"n_params 9 is not in [0, 8]"}},
    {"n_params_neg", NULL, {"n_params -1 is not in [0, 8]"}},
    {"null_param", NULL, {"param_names[1] is NULL (n_params is 2)"}},
    {"param_chars", NULL, {"param_names[1] 'Beta' is not"}},
    {"param_twice", NULL, {"param_names[0] and [1] are both 'alpha'"}},
    {"nan_default", NULL, {"defaults[1] (beta) is nan", "finite"}},
    {"inf_default", NULL, {"defaults[0] (alpha) is inf", "finite"}},
    {"learned_beyond", NULL, {"learned has bit 2 set, but n_params is 2"}},
    {"learned_no_pgrad", NULL, {"parameter beta is learned but pgrad is NULL"}},
    {"pgrad_not_learned", NULL, {"pgrad is set but no parameter is learned"}},
    {"n_kinks", NULL, {"n_kinks 5 is not in [0, 4]"}},
    {"n_kinks_neg", NULL, {"n_kinks -1 is not in [0, 4]"}},
    {"kinks_order", NULL, {"kinks are not ascending"}},
    {"kink_nan", NULL, {"kinks[0] is nan", "finite"}},
    {"at_kinks_lines", NULL, {"at_kinks is not one line"}},
    {"check", NULL, {"its check refuses its own defaults: beta must be > 0"}},
};

static void test_bad_plugin(void **state)
{
    const bad_case *c = ((scratch *)*state)->data;
    char path[4096];
    snprintf(path, sizeof path, "%s/bad_%s.so", env_path("ACTBENCH_BAD_PLUGINS"), c->name);
    assert_refused(path, c->act, c->needles);
    /* refused again, not remembered as loaded */
    assert_refused(path, c->act, c->needles);
}

static int setup(void **state)
{
    return scratch_setup(state, sizeof(scratch), "plugin", NULL);
}

int main(void)
{
    static const struct CMUnitTest rest[] = {
        cmocka_unit_test(test_brelu_values),
        cmocka_unit_test(test_brelu_derivative),
        cmocka_unit_test(test_softexp_values),
        cmocka_unit_test(test_softexp_derivative),
        cmocka_unit_test(test_softexp_pgrad),
        cmocka_unit_test(test_cxx_plugin),
        cmocka_unit_test_setup_teardown(test_reuse, setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_bare_name, setup, scratch_teardown),
        cmocka_unit_test(test_two_by_name),
        cmocka_unit_test_setup_teardown(test_bad_files, setup, scratch_teardown),
    };
    test_list l = {0};
    TESTS_ADD(&l, rest);
    TESTS_ADD_CASES(&l, test_bad_plugin, bad_cases, setup, scratch_teardown);
    return tests_run(&l, "test_plugin");
}
