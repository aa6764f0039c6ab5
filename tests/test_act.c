/* test_act.c - the activation registry: every derivative against a central
 * finite difference, the PyTorch choices at kinks, parameters and parsing. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "act.h"

/* Is z within dist of a point where f is not differentiable? */
static int near_kink(const act_spec *a, double z, double dist)
{
    double k[ACT_MAX_KINKS];
    int nk = act_kinks(a, k, ACT_MAX_KINKS);
    for (int i = 0; i < nk; i++)
        if (fabs(z - k[i]) < dist)
            return 1;
    return 0;
}

static double f1(const act_spec *a, double z)
{
    float zf = (float)z, y;
    a->info->f(&y, &zf, 1, a->p);
    return y;
}

/* f'(z) by the fourth-order central difference, evaluated in double. */
static double fd(const act_spec *a, double z, double h)
{
    return (f1(a, z - 2 * h) - 8 * f1(a, z - h) + 8 * f1(a, z + h) - f1(a, z + 2 * h)) /
           (12 * h);
}

static void check_derivative(const act_spec *a)
{
    enum { N = 241 };
    const double h = 1.0 / 64; /* exact in float, so z +- kh are too */
    float z[N], y[N], d[N];
    for (int i = 0; i < N; i++)
        z[i] = (float)(-7.5 + 0.0625 * i);
    a->info->f(y, z, N, a->p);
    a->info->df(d, z, y, N, a->p);
    int checked = 0;
    for (int i = 0; i < N; i++) {
        if (near_kink(a, z[i], 3 * h))
            continue;
        double num = fd(a, z[i], h);
        double tol = 2e-4 + 1e-3 * fabs(num);
        if (fabs(num - d[i]) > tol)
            fail_msg("%s: f'(%g) = %.7g, finite difference %.7g", a->label, (double)z[i],
                     (double)d[i], num);
        checked++;
    }
    assert_true(checked > N / 2);
}

static void test_every_derivative_matches_finite_difference(void **state)
{
    (void)state;
    for (int i = 0; i < act_count; i++) {
        act_spec a;
        act_default(&a, &act_registry[i]);
        check_derivative(&a);
    }
    /* and with parameters away from the defaults */
    const char *specs[] = {"leaky_relu:0.2", "elu:0.5", "celu:2", "softplus:2:20",
                           "softplus:1:3", "hardtanh:-2:0.5", "threshold:0.5:-1",
                           "softshrink:1", "hardshrink:0.25", "rrelu:0.1:0.3"};
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        act_spec a;
        ab_err err;
        assert_int_equal(act_parse(&a, specs[i], &err), AB_OK);
        check_derivative(&a);
    }
}

static float d_at(const char *spec, float z)
{
    act_spec a;
    ab_err err;
    assert_int_equal(act_parse(&a, spec, &err), AB_OK);
    float y, d;
    a.info->f(&y, &z, 1, a.p);
    a.info->df(&d, &z, &y, 1, a.p);
    return d;
}

static float f_at(const char *spec, float z)
{
    act_spec a;
    ab_err err;
    assert_int_equal(act_parse(&a, spec, &err), AB_OK);
    float y;
    a.info->f(&y, &z, 1, a.p);
    return y;
}

/* The derivative exactly at a kink is PyTorch autograd's choice. */
static void test_kinks_follow_pytorch(void **state)
{
    (void)state;
    assert_true(d_at("relu", 0.0f) == 0.0f);
    assert_true(d_at("step", 0.0f) == 0.0f);
    assert_true(f_at("step", 0.0f) == 0.0f);
    assert_true(d_at("leaky_relu", 0.0f) == 0.01f);
    assert_true(d_at("prelu", 0.0f) == 0.25f);
    assert_true(d_at("elu:0.5", 0.0f) == 0.5f);
    assert_true(d_at("celu:2", 0.0f) == 1.0f);
    assert_float_equal(d_at("selu", 0.0f), 1.0507009873554805 * 1.6732632423543772, 1e-6);
    assert_true(d_at("hardtanh", -1.0f) == 0.0f);
    assert_true(d_at("hardtanh", 1.0f) == 0.0f);
    assert_true(d_at("relu6", 0.0f) == 0.0f);
    assert_true(d_at("relu6", 6.0f) == 0.0f);
    assert_true(d_at("threshold:1:0", 1.0f) == 0.0f);
    assert_true(d_at("hardsigmoid", 3.0f) == 0.0f);
    assert_true(d_at("hardsigmoid", -3.0f) == 0.0f);
    assert_float_equal(d_at("hardswish", 3.0f), 1.5, 1e-7);
    assert_float_equal(d_at("hardswish", -3.0f), -0.5, 1e-7);
    assert_true(d_at("softshrink", 0.5f) == 0.0f);
    assert_true(d_at("hardshrink", -0.5f) == 0.0f);
    assert_true(f_at("hardshrink", 0.5f) == 0.0f);
}

static void test_known_values(void **state)
{
    (void)state;
    assert_float_equal(f_at("sigmoid", 0.0f), 0.5, 1e-7);
    assert_float_equal(d_at("sigmoid", 0.0f), 0.25, 1e-7);
    assert_float_equal(f_at("gelu", 1.0f), 0.8413447460685429, 1e-6);
    assert_float_equal(f_at("gelu_tanh", 1.0f), 0.8411919906082768, 1e-6);
    assert_float_equal(f_at("silu", 1.0f), 0.7310585786300049, 1e-6);
    assert_float_equal(f_at("mish", 1.0f), 0.8650983882673103, 1e-6);
    assert_float_equal(f_at("softplus", 0.0f), 0.6931471805599453, 1e-6);
    assert_float_equal(f_at("softplus", 30.0f), 30.0, 1e-6);
    assert_float_equal(f_at("selu", -1.0f), -1.1113307378125625, 1e-6);
    assert_float_equal(f_at("logsigmoid", -100.0f), -100.0, 1e-4);
    assert_float_equal(f_at("rrelu", -1.0f), -(0.125 + 1.0 / 3.0) / 2.0, 1e-7);
    /* no overflow to NaN at large |z| */
    const char *all[] = {"sigmoid", "tanh", "elu", "selu", "gelu", "silu", "softplus", "mish",
                         "logsigmoid", "celu", "gelu_tanh", "tanhshrink"};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        assert_true(isfinite(f_at(all[i], 1000.0f)) && isfinite(f_at(all[i], -1000.0f)));
        assert_true(isfinite(d_at(all[i], 1000.0f)) && isfinite(d_at(all[i], -1000.0f)));
    }
}

static void test_max_derivative(void **state)
{
    (void)state;
    act_spec a;
    ab_err err;
    assert_int_equal(act_parse(&a, "sigmoid", &err), AB_OK);
    assert_float_equal(a.max_df, 0.25, 1e-6);
    assert_int_equal(act_parse(&a, "relu", &err), AB_OK);
    assert_float_equal(a.max_df, 1.0, 1e-6);
    assert_int_equal(act_parse(&a, "step", &err), AB_OK);
    assert_true(a.max_df == 0.0);
    assert_int_equal(act_parse(&a, "gelu", &err), AB_OK);
    assert_float_equal(a.max_df, 1.1289, 1e-3);
    assert_int_equal(act_parse(&a, "selu", &err), AB_OK);
    assert_float_equal(a.max_df, 1.7581, 1e-3);
    /* the registry's bookkeeping: unique names, f and f' present */
    for (int i = 0; i < act_count; i++) {
        assert_non_null(act_registry[i].f);
        assert_non_null(act_registry[i].df);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(act_registry[i].name, act_registry[j].name);
    }
}

static void test_parse(void **state)
{
    (void)state;
    act_spec a;
    ab_err err;
    assert_int_equal(act_parse(&a, "leaky_relu:0.1", &err), AB_OK);
    assert_float_equal(a.p[0], 0.1, 1e-7);
    assert_string_equal(a.label, "leaky_relu:0.1");
    assert_int_equal(act_parse(&a, "leaky_relu", &err), AB_OK);
    assert_string_equal(a.label, "leaky_relu");
    assert_int_equal(act_parse(&a, "softplus:2", &err), AB_OK);
    assert_float_equal(a.p[1], 20.0, 1e-7);
    assert_int_equal(act_parse(&a, "sigmod", &err), AB_EUSAGE);
    assert_non_null(strstr(err.msg, "'sigmod'"));
    assert_non_null(strstr(err.msg, "sigmoid"));
    assert_int_equal(act_parse(&a, "relu:1", &err), AB_EUSAGE);
    assert_non_null(strstr(err.msg, "no parameters"));
    assert_int_equal(act_parse(&a, "elu:x", &err), AB_EUSAGE);
    assert_int_equal(act_parse(&a, "elu:1:2", &err), AB_EUSAGE);
    assert_int_equal(act_parse(&a, "elu:", &err), AB_EUSAGE);
    assert_int_equal(act_parse(&a, "elu:nan", &err), AB_EUSAGE);
    assert_int_equal(act_parse(&a, "hardtanh:1:-1", &err), AB_EUSAGE);
    assert_int_equal(act_parse(&a, "softplus:0", &err), AB_EUSAGE);
    /* in float range, and said so: a float would overflow or round to 0 */
    static const struct {
        const char *spec, *why;
    } range[] = {
        {"leaky_relu:1e39", "negative_slope is above float range"},
        {"elu:1e38", "alpha is above float range"},
        {"elu:-1e400", "alpha is above float range"},
        {"softplus:1e-45:20", "beta is below float range"},
        {"softplus:2:1e-320", "threshold is below float range"},
    };
    for (size_t i = 0; i < sizeof range / sizeof range[0]; i++) {
        assert_int_equal(act_parse(&a, range[i].spec, &err), AB_EUSAGE);
        if (!strstr(err.msg, range[i].why))
            fail_msg("%s: \"%s\" does not say \"%s\"", range[i].spec, err.msg, range[i].why);
    }
    assert_int_equal(act_parse(&a, "elu:1e30", &err), AB_OK);
    assert_int_equal(act_parse(&a, "leaky_relu:0", &err), AB_OK);
    assert_int_equal(act_parse(&a, "", &err), AB_EUSAGE);
    assert_int_equal(act_parse(&a, ":1", &err), AB_EUSAGE);
}

/* PyTorch's class names and the usual spellings select the built-ins, under
 * the registry's name; near misses get suggestions; threshold must be given
 * its parameters. */
static void test_pytorch_names(void **state)
{
    (void)state;
    static const char *const pairs[][2] = {
        {"ELU", "elu"},           {"LeakyReLU", "leaky_relu"}, {"Hardswish", "hardswish"},
        {"swish", "silu"},        {"SiLU", "silu"},            {"ReLU6", "relu6"},
        {"leaky-relu", "leaky_relu"}, {"PReLU", "prelu"},      {"RReLU", "rrelu"},
        {"SELU", "selu"},         {"CELU", "celu"},            {"GELU", "gelu"},
        {"Sigmoid", "sigmoid"},   {"Tanh", "tanh"},            {"Mish", "mish"},
        {"Softplus", "softplus"}, {"Softsign", "softsign"},    {"Softshrink", "softshrink"},
        {"Hardshrink", "hardshrink"}, {"Hardsigmoid", "hardsigmoid"},
        {"Hardtanh", "hardtanh"}, {"LogSigmoid", "logsigmoid"}, {"Tanhshrink", "tanhshrink"},
        {"ReLU", "relu"},         {"Identity", "identity"},    {"heaviside", "step"},
        {"GELU_tanh", "gelu_tanh"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        act_spec a;
        ab_err err = {{0}};
        if (act_parse(&a, pairs[i][0], &err) != AB_OK)
            fail_msg("%s: %s", pairs[i][0], err.msg);
        assert_string_equal(a.info->name, pairs[i][1]);
        assert_string_equal(a.label, pairs[i][1]);
    }
    act_spec a;
    ab_err err = {{0}};
    assert_int_equal(act_parse(&a, "LeakyReLU:0.2", &err), AB_OK);
    assert_string_equal(a.label, "leaky_relu:0.2");
    static const char *const near[][2] = {
        {"sigmod", "(did you mean 'sigmoid'?)"},
        {"leaky", "(did you mean 'leaky_relu'?)"},
        {"Tanhh", "(did you mean 'tanh'?)"},
        {"relu7", "(did you mean 'relu' or 'relu6'?)"},
    };
    for (size_t i = 0; i < sizeof near / sizeof near[0]; i++) {
        assert_int_equal(act_parse(&a, near[i][0], &err), AB_EUSAGE);
        if (!strstr(err.msg, near[i][1]))
            fail_msg("%s: '%s' lacks '%s'", near[i][0], err.msg, near[i][1]);
    }
    assert_int_equal(act_parse(&a, "foo", &err), AB_EUSAGE);
    assert_true(strstr(err.msg, "did you mean") == NULL);
    assert_int_equal(act_parse(&a, "threshold", &err), AB_EUSAGE);
    assert_true(strstr(err.msg, "no default parameters") != NULL);
    assert_true(strstr(err.msg, "write threshold:THRESHOLD:VALUE") != NULL);
    assert_int_equal(act_parse(&a, "threshold:0.5", &err), AB_EUSAGE);
    assert_int_equal(act_parse(&a, "Threshold:0.5:-1", &err), AB_OK);
    assert_string_equal(a.label, "threshold:0.5:-1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_derivative_matches_finite_difference),
        cmocka_unit_test(test_kinks_follow_pytorch),
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_max_derivative),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_pytorch_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
