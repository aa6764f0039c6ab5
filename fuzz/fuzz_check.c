/* fuzz_check.c - libFuzzer target for the check-expression parser, reached
 * as users reach it: the input is the value of `test =` in a small valid
 * experiment file, its lines continued as indented lines (the characters
 * that would end the value or the section, ';' '#' '[' CR NUL, become
 * spaces).  Invariants: on success the check's tree is well formed
 * (fuzz_xf.h) and its text is the expression as written - its lines trimmed
 * and joined by one space, never cut; on failure a one-line message. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "fuzz_xf.h"

static const char head[] =
    "[claim]\nnumber = 3\ntitle = t\ntext = t\nsource = s\n"
    "[setup]\nacts = relu, tanh, leaky_relu:0.1, elu\ndata = circles\n"
    "depth = 1, 3, 6\nlr = 0.1, 0.01\nbatchnorm = no, yes\n"
    "[check c]\nwhat = w\ntest = ";

static experiment e; /* about 60 KB: not on the stack */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    size_t hl = strlen(head);
    char *file = malloc(hl + 3 * size + 2), *expect = malloc(size + 1);
    FZ_CHECK(file && expect, "out of memory");
    memcpy(file, head, hl);
    size_t n = hl, m = 0, line_start = 0;
    for (size_t i = 0; i <= size; i++) {
        char ch = i < size ? (char)data[i] : '\n';
        if (ch == ';' || ch == '#' || ch == '[' || ch == '\r' || ch == '\0' || ch == '\v' ||
            ch == '\f')
            ch = ' ';
        if (ch == '\n') {
            /* the expected text: this line trimmed, after one space */
            size_t a = line_start, b = m;
            while (a < b && isspace((unsigned char)expect[a]))
                a++;
            while (b > a && isspace((unsigned char)expect[b - 1]))
                b--;
            size_t sp = b > a && line_start > 0;
            memmove(expect + line_start + sp, expect + a, b - a);
            if (sp)
                expect[line_start] = ' ';
            m = line_start = line_start + sp + (b - a);
            if (i < size)
                memcpy(file + n, "\n  ", 3), n += 3;
            else
                file[n++] = '\n';
            continue;
        }
        file[n++] = ch;
        expect[m++] = ch;
    }
    expect[m] = '\0';
    char path[64];
    int fd = fz_memfd(file, n, path, sizeof path);
    ab_err err = {{0}};
    ab_status st = xf_load(&e, path, false, &err);
    if (st == AB_OK) {
        FZ_CHECK(e.n_checks == 1, "%d checks", e.n_checks);
        fz_check_expr(&e.checks[0], &e.setup);
        FZ_CHECK(!strcmp(e.checks[0].test, expect), "test is '%s', written '%s'",
                 e.checks[0].test, expect);
    } else {
        fz_check_failure(st, &err);
    }
    close(fd);
    free(file);
    free(expect);
    return 0;
}
