/* test_fann_peer.c - actbench-fann, scripts/bench's FANN peer (built only
 * where libfann is; meson registers this test only then, with $ACTBENCH
 * naming the peer): its one output line, the samples it trains on, both
 * training algorithms, and its refusals (one line on stderr, exit 2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The four KEY=VALUE pairs of the output line. */
typedef struct {
    double seconds, mse;
    int samples, epochs;
} peer_line;

static peer_line parse_line(const char *out)
{
    peer_line p;
    int end = 0;
    if (sscanf(out, "seconds_per_epoch=%lf samples=%d epochs=%d mse=%lf\n%n", &p.seconds,
               &p.samples, &p.epochs, &p.mse, &end) != 4 || out[end] != '\0')
        fail_msg("not the peer's one line: \"%s\"", out);
    if (!(p.seconds > 0.0) || !isfinite(p.seconds))
        fail_msg("seconds_per_epoch %g", p.seconds);
    /* sigmoid outputs against one-hot targets: a squared error in [0, 1] */
    if (!(p.mse >= 0.0 && p.mse <= 1.0))
        fail_msg("mse %g", p.mse);
    return p;
}

static void test_runs(void **state)
{
    (void)state;
    run_result r;
    /* spiral: 1500 samples, 1200 after actbench's split */
    run_ok(&r, (const char *const[]){"--width", "8", "--depth", "2", "--epochs", "2", NULL});
    peer_line p = parse_line(r.out);
    assert_int_equal(p.samples, 1200);
    assert_int_equal(p.epochs, 2);
    assert_string_equal(r.err, "");
    run_free(&r);
    run_ok(&r, (const char *const[]){"--data", "circles", "--width", "4", "--depth", "1",
                                     "--samples", "100", "--algo", "batch", "--lr", "0.5",
                                     NULL});
    p = parse_line(r.out);
    assert_int_equal(p.samples, 100);
    assert_int_equal(p.epochs, 1);
    run_free(&r);
}

static void test_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *args[4];
        const char *needle;
    } bad[] = {
        {{"--width", "0"}, "--width"},     {{"--depth", "x"}, "--depth"},
        {{"--algo", "rprop"}, "rprop"},    {{"--lr", "-1"}, "--lr"},
        {{"--data", "nosuch"}, "nosuch"},  {{"--bogus"}, "--bogus"},
        {{"stray"}, "stray"},              {{"--epochs"}, "--epochs"},
    };
    for (size_t i = 0; i < N_OF(bad); i++) {
        run_result r;
        run_actbench(&r, bad[i].args);
        if (r.status != 2 || strncmp(r.err, "actbench-fann: ", 15) != 0 ||
            !strstr(r.err, bad[i].needle) || strchr(r.err, '\n') != r.err + strlen(r.err) - 1 ||
            r.out[0] != '\0')
            fail_msg("%s: exit %d, stderr \"%s\", stdout \"%s\"", bad[i].args[0], r.status, r.err,
                     r.out);
        run_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
