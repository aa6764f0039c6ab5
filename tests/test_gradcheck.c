/* test_gradcheck.c - `actbench gradcheck`: every built-in passes; a wrong
 * derivative, a wrong value at a kink and a wrong learned-parameter
 * gradient are each caught and named; the command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gradcheck.h"

static void test_every_builtin_passes(void **state)
{
    (void)state;
    for (int i = 0; i < act_count; i++) {
        act_spec a;
        act_default(&a, &act_registry[i]);
        gradcheck_result r;
        ab_err err = {{0}};
        assert_int_equal(gradcheck_act(&r, &a, &err), AB_OK);
        if (r.bad || r.bad_params)
            fail_msg("%s: %d bad points, worst f'(%g) = %g against %g (%s); %d bad parameters",
                     a.label, r.bad, r.worst_z, r.worst_df, r.worst_fd, r.worst_kind,
                     r.bad_params);
        assert_true(r.points > 1900);
        /* each hidden layer, at the initial values and moved from them */
        assert_int_equal(r.n_params, a.info->learned ? 6 : 0);
    }
}

/* relu with f' = 1 everywhere: wrong on the negative half. */
static void wrong_df(float *restrict d, const float *restrict z, const float *restrict y,
                     size_t n, const float *p)
{
    (void)z, (void)y, (void)p;
    for (size_t i = 0; i < n; i++)
        d[i] = 1.0f;
}

/* relu with f'(0) = 1/2, between the sides' 0 and 1 (a subgradient, as
 * abs'(0) = 0 is): accepted; with f'(0) = 2, beyond both: refused. */
static float at_kink = 0.5f;
static void half_at_kink_df(float *restrict d, const float *restrict z, const float *restrict y,
                            size_t n, const float *p)
{
    act_find("relu")->df(d, z, y, n, p);
    for (size_t i = 0; i < n; i++)
        if (z[i] == 0.0f)
            d[i] = at_kink;
}

static void test_catches_wrong_derivatives(void **state)
{
    (void)state;
    act_info bad = *act_find("relu");
    act_spec a;
    gradcheck_result r;
    ab_err err = {{0}};
    bad.df = wrong_df;
    act_default(&a, &bad);
    assert_int_equal(gradcheck_act(&r, &a, &err), AB_OK);
    assert_true(r.bad > 900); /* the negative half of the grid, and more */
    assert_true(r.worst_z < 0.0 && r.worst_df == 1.0 && r.worst_fd == 0.0);

    bad.df = half_at_kink_df;
    act_default(&a, &bad);
    assert_int_equal(gradcheck_act(&r, &a, &err), AB_OK);
    assert_int_equal(r.bad, 0);
    at_kink = 2.0f;
    assert_int_equal(gradcheck_act(&r, &a, &err), AB_OK);
    assert_int_equal(r.bad, 1);
    assert_true(r.worst_z == 0.0 && r.worst_df == 2.0 && r.worst_fd == 1.0);
    assert_string_equal(r.worst_kind, "at a kink");
    at_kink = 0.5f;
}

/* prelu whose f' on the negative side is a + 0.1: its f' is wrong, and so
 * the slope's gradient the network finds through it. */
static void off_slope_df(float *restrict d, const float *restrict z, const float *restrict y,
                         size_t n, const float *p)
{
    (void)y;
    for (size_t i = 0; i < n; i++)
        d[i] = z[i] > 0.0f ? 1.0f : p[0] + 0.1f;
}

static void test_catches_wrong_parameter_gradient(void **state)
{
    (void)state;
    act_info bad = *act_find("prelu");
    bad.df = off_slope_df;
    act_spec a;
    act_default(&a, &bad);
    gradcheck_result r;
    ab_err err = {{0}};
    assert_int_equal(gradcheck_act(&r, &a, &err), AB_OK);
    assert_true(r.bad > 0);
    assert_true(r.bad_params > 0);
    assert_true(r.param_layer >= 1 && r.param_layer <= 3);
}

static int setup(void **state)
{
    return scratch_setup(state, sizeof(scratch), "gradcheck", "run");
}

static void test_command(void **state)
{
    scratch *fx = *state;
    run_ok(&fx->r, (const char *const[]){"gradcheck", "--act", "relu,PReLU,gelu", NULL});
    assert_contains(fx->r.out, "relu ");
    assert_contains(fx->r.out, "prelu ");
    assert_contains(fx->r.out, "6 learned checked, 0 bad");
    assert_contains(fx->r.out, "3 activations checked, 0 wrong");
    run_free(&fx->r);
    static const usage_case cases[] = {
        {"unknown activation", {"--act", "sigmod"}, {"'sigmod'", "did you mean 'sigmoid'?"}},
        {"unknown option", {"--bogus"}, {"--bogus"}},
        {"missing value", {"--act"}, {"--act"}},
        {"stray argument", {"extra"}, {"extra"}},
        {"repeated --act", {"--act", "relu", "--act", "tanh"}, {"--act: given twice"}},
    };
    for (size_t i = 0; i < N_OF(cases); i++)
        check_usage_case(fx, (const char *const[]){"gradcheck", NULL}, &cases[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_builtin_passes),
        cmocka_unit_test(test_catches_wrong_derivatives),
        cmocka_unit_test(test_catches_wrong_parameter_gradient),
        cmocka_unit_test_setup_teardown(test_command, setup, scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
