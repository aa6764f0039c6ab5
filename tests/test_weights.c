/* test_weights.c - .npy files: the format's bytes, round trips of arrays and
 * of whole networks, and the errors for corrupt files and wrong shapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Writes a .npy file of version major.0 with header text dict (padded as
 * numpy pads it) and data_len bytes of data. */
static void write_npy(const char *path, int major, const char *dict, const void *data,
                      size_t data_len)
{
    unsigned char buf[1024];
    size_t pre = major == 1 ? 10 : 12, len = strlen(dict);
    size_t hlen = len + 1 + (64 - (pre + len + 1) % 64) % 64;
    assert_true(pre + hlen + data_len <= sizeof buf);
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)major;
    buf[7] = 0;
    for (size_t i = 0; i < pre - 8; i++)
        buf[8 + i] = (unsigned char)(hlen >> (8 * i));
    memcpy(buf + pre, dict, len);
    memset(buf + pre + len, ' ', hlen - len - 1);
    buf[pre + hlen - 1] = '\n';
    memcpy(buf + pre + hlen, data, data_len);
    write_bytes(path, buf, pre + hlen + data_len);
}

/* The header is parsed as the dictionary it is; what it claims is checked
 * against the file before anything is allocated. */
static void test_npy_headers(void **state)
{
    (void)state;
    char path[256];
    ab_err err;
    float *b;
    int r, c;
    const float v[4] = {1.0f, 2.0f, 3.0f, 4.0f};
    join(path, "h.npy");
    /* any key order, double quotes, no trailing comma; versions 2 and 3 */
    for (int major = 1; major <= 3; major++) {
        write_npy(path, major, "{\"shape\": (2, 2), \"descr\": \"<f4\", \"fortran_order\": False}",
                  v, sizeof v);
        assert_int_equal(npy_read(path, &b, &r, &c, &err), AB_OK);
        assert_int_equal(r, 2);
        assert_int_equal(c, 2);
        assert_memory_equal(b, v, sizeof v);
        free(b);
    }
    static const struct {
        int major;
        const char *dict;
        size_t bytes;
        const char *want;
    } bad[] = {
        {9, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", 16,
         "version 9.0 (accepted: 1.0, 2.0, 3.0)"},
        {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16,
         "dtype '<f8', but only '<f4'"},
        /* the text '<f4' elsewhere does not make a float64 file float32 */
        {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), } 'descr': '<f4'", 16,
         "text after the dictionary"},
        {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), 'x': '<f4'}", 16,
         "unknown key 'x'"},
        {1, "{'descr': '<f4', 'shape': (4,), 'fortran_order': False, 'shape': (4,)}", 16,
         "'shape' is given twice"},
        {1, "{'descr': '<f4', 'shape': (4,)}", 16, "lacks 'fortran_order'"},
        {1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (4,)}", 16,
         "not a plain dtype"},
        {1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2)}", 16, "Fortran-ordered"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 2)}", 16,
         "shape (2, 1, 2) has 3 dimensions"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': ()}", 4, "has 0 dimensions"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4, x)}", 16, "not a tuple"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 1111111111)}", 16,
         "truncated: shape (4, 1111111111) needs 17777777776 bytes of data, the file holds 16"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647)}", 16,
         "needs 18446744056529682436 bytes"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,)}", 16,
         "a size above 2147483647"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,)}", 16,
         "4 bytes after the data of shape (3,)"},
        {1, "{'descr': '<f4' 'fortran_order': False, 'shape': (4,)}", 16, "',' or '}' expected"},
    };
    const float z[4] = {0};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_npy(path, bad[i].major, bad[i].dict, z, bad[i].bytes);
        b = NULL;
        assert_int_equal(npy_read(path, &b, &r, &c, &err), AB_ERUNTIME);
        assert_null(b);
        if (!strstr(err.msg, path) || !strstr(err.msg, bad[i].want))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, bad[i].want);
    }
    /* a folder and an empty file named like weights */
    join(path, "W1.npy");
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(npy_read(path, &b, &r, &c, &err), AB_ERUNTIME);
    assert_non_null(strstr(err.msg, "W1.npy: is a folder, not a .npy file"));
    assert_int_equal(rmdir(path), 0);
    write_bytes(path, "", 0);
    assert_int_equal(npy_read(path, &b, &r, &c, &err), AB_ERUNTIME);
    assert_non_null(strstr(err.msg, "W1.npy: is empty (0 bytes), not a .npy file"));
}

/* Weights that cannot be trained from are refused, naming the file: NaN and
 * infinite values, a negative running variance. */
static void test_weights_untrainable(void **state)
{
    (void)state;
    ab_err err;
    net n;
    net_config cfg = {.n_in = 3, .n_out = 2, .depth = 1, .width = 4, .init = INIT_HE,
                      .batchnorm = true};
    assert_int_equal(act_parse(&cfg.act, "relu", &err), AB_OK);
    assert_int_equal(net_create(&n, &cfg, &err), AB_OK);
    float *p = net_arena_alloc(&n), *q = net_arena_alloc(&n);
    net_init(&n, p, 3);
    char dir[256], path[512];
    join(dir, "untrainable");
    assert_int_equal(weights_save(dir, &n, p, &err), AB_OK);
    assert_int_equal(weights_load(dir, &n, q, &err), AB_OK);
    static const struct {
        const char *file;
        int rows, cols, at;
        float value;
        const char *want;
    } cases[] = {
        {"W1.npy", 4, 3, 5, NAN, "W1.npy: value [1, 2] is nan; weights must be finite"},
        {"b2.npy", 2, 0, 1, INFINITY, "b2.npy: value [1] is inf; weights must be finite"},
        {"running_var1.npy", 4, 0, 3, -0.5f,
         "running_var1.npy: value [3] is -0.5; a running variance must be >= 0"},
        {"running_var1.npy", 4, 0, 0, NAN, "running_var1.npy: value [0] is nan"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        float good[12], bad[12];
        size_t count = (size_t)cases[i].rows * (size_t)(cases[i].cols ? cases[i].cols : 1);
        snprintf(path, sizeof path, "%s/%s", dir, cases[i].file);
        float *data;
        int r, c;
        assert_int_equal(npy_read(path, &data, &r, &c, &err), AB_OK);
        assert_int_equal((size_t)r * (size_t)(c ? c : 1), count);
        memcpy(good, data, count * sizeof(float));
        free(data);
        memcpy(bad, good, sizeof bad);
        bad[cases[i].at] = cases[i].value;
        assert_int_equal(npy_write(path, bad, cases[i].rows, cases[i].cols, &err), AB_OK);
        assert_int_equal(weights_load(dir, &n, q, &err), AB_ERUNTIME);
        if (!strstr(err.msg, dir) || !strstr(err.msg, cases[i].want))
            fail_msg("'%s' lacks '%s'", err.msg, cases[i].want);
        assert_int_equal(npy_write(path, good, cases[i].rows, cases[i].cols, &err), AB_OK);
    }
    /* a file that claims the network's shape but holds less is refused
     * before it is read */
    snprintf(path, sizeof path, "%s/W1.npy", dir);
    write_npy(path, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }", p, 8);
    assert_int_equal(weights_load(dir, &n, q, &err), AB_ERUNTIME);
    assert_non_null(strstr(err.msg, "W1.npy: truncated: shape (4, 3) needs 48 bytes"));
    free(p);
    free(q);
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
        *net_lparams(&n, p, l) = 0.1f * (float)(l + 1);
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
        cmocka_unit_test(test_npy_headers),
        cmocka_unit_test(test_weights_untrainable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
