/* test_weights.c - .npy files: the format's bytes, round trips of arrays and
 * of whole networks, and the errors for corrupt files and wrong shapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "npy.h"
#include "weights.h"

static char tmp[64];

static int setup(void **state)
{
    (void)state;
    strcpy(tmp, "/tmp/actbench_weights_XXXXXX");
    return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

static void join(char *out, const char *name) { snprintf(out, 256, "%s/%s", tmp, name); }

static void test_npy_bytes_and_round_trip(void **state)
{
    (void)state;
    char path[256];
    join(path, "a.npy");
    const float a[6] = {1.5f, -2.0f, 0.0f, 3.25f, 1e-30f, -7.0f};
    ab_err err;
    assert_int_equal(npy_write(path, a, 2, 3, &err), AB_OK);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char head[10];
    assert_int_equal(fread(head, 1, 10, f), 10);
    fclose(f);
    assert_memory_equal(head, "\x93NUMPY\x01\x00", 8);
    /* the data starts on a 64-byte boundary, as the format asks */
    assert_int_equal((10 + head[8] + 256 * head[9]) % 64, 0);
    float *b;
    int r, c;
    assert_int_equal(npy_read(path, &b, &r, &c, &err), AB_OK);
    assert_int_equal(r, 2);
    assert_int_equal(c, 3);
    assert_memory_equal(a, b, sizeof a);
    free(b);
    join(path, "v.npy");
    assert_int_equal(npy_write(path, a, 4, 0, &err), AB_OK);
    assert_int_equal(npy_read(path, &b, &r, &c, &err), AB_OK);
    assert_int_equal(r, 4);
    assert_int_equal(c, 0);
    assert_memory_equal(a, b, 4 * sizeof(float));
    free(b);
}

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    fclose(f);
}

static void test_npy_errors(void **state)
{
    (void)state;
    char path[256], good[256];
    ab_err err;
    float *b;
    int r, c;
    join(path, "missing.npy");
    assert_int_equal(npy_read(path, &b, &r, &c, &err), AB_ERUNTIME);
    assert_non_null(strstr(err.msg, path));
    join(path, "magic.npy");
    write_bytes(path, "not numpy at all", 16);
    assert_int_equal(npy_read(path, &b, &r, &c, &err), AB_ERUNTIME);
    assert_non_null(strstr(err.msg, "magic"));
    /* a valid file cut short */
    join(good, "good.npy");
    const float a[8] = {0};
    assert_int_equal(npy_write(good, a, 2, 4, &err), AB_OK);
    FILE *f = fopen(good, "rb");
    unsigned char buf[256];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    join(path, "short.npy");
    write_bytes(path, buf, n - 5);
    assert_int_equal(npy_read(path, &b, &r, &c, &err), AB_ERUNTIME);
    assert_non_null(strstr(err.msg, "truncated"));
    /* float64 is refused */
    unsigned char *d = (unsigned char *)strstr((char *)buf + 10, "<f4");
    assert_non_null(d);
    d[2] = '8';
    join(path, "f8.npy");
    write_bytes(path, buf, n);
    assert_int_equal(npy_read(path, &b, &r, &c, &err), AB_ERUNTIME);
    assert_non_null(strstr(err.msg, "float32"));
}

static void make_net(net *n, const char *act, int depth, int width)
{
    ab_err err;
    net_config c = {.n_in = 3, .n_out = 4, .depth = depth, .width = width, .init = INIT_HE};
    assert_int_equal(act_parse(&c.act, act, &err), AB_OK);
    assert_int_equal(net_create(n, &c, &err), AB_OK);
}

static void test_network_round_trip(void **state)
{
    (void)state;
    net n;
    make_net(&n, "prelu", 3, 5);
    float *p = net_arena_alloc(&n), *q = net_arena_alloc(&n);
    net_init(&n, p, 9);
    for (int l = 0; l < 3; l++)
        *net_alpha(&n, p, l) = 0.1f * (float)(l + 1);
    char dir[256];
    join(dir, "net/init");
    ab_err err;
    assert_int_equal(weights_save(dir, &n, p, &err), AB_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/W4.npy", dir);
    assert_int_equal(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/alpha3.npy", dir);
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(weights_load(dir, &n, q, &err), AB_OK);
    assert_memory_equal(p, q, net_arena_bytes(&n));

    /* another width: a shape error naming the file and both shapes */
    net m;
    make_net(&m, "prelu", 3, 6);
    float *s = net_arena_alloc(&m);
    assert_int_equal(weights_load(dir, &m, s, &err), AB_EUSAGE);
    assert_non_null(strstr(err.msg, "W1.npy"));
    assert_non_null(strstr(err.msg, "(5, 3)"));
    assert_non_null(strstr(err.msg, "(6, 3)"));
    free(s);
    /* a shallower network than the files: refused too */
    make_net(&m, "relu", 2, 5);
    s = net_arena_alloc(&m);
    assert_int_equal(weights_load(dir, &m, s, &err), AB_EUSAGE);
    free(s);
    free(p);
    free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_npy_bytes_and_round_trip),
        cmocka_unit_test(test_npy_errors),
        cmocka_unit_test(test_network_round_trip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
