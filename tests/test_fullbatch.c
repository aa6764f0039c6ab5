/* test_fullbatch.c - full-batch SGD runs of the actbench binary against PyTorch.
 *
 * tests/data/fullbatch/ (see its README.md; regenerate with
 * /usr/bin/python3 scripts/torch_reference.py --fullbatch) holds a 64-sample
 * CSV, the initial weights of a depth-3, width-7 network and PyTorch's losses
 * of 25 full-batch SGD steps (lr 0.1) per activation.  With --batch 64 every
 * epoch is one step, so loss.csv's train_loss at epoch e >= 1 is the loss
 * before step e - 1, and epoch 0 (the initial weights) equals step 0.
 *
 * Runs the binary named by $ACTBENCH (default ../build/src/actbench) from the
 * tests/ folder, like test_e2e.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA_DIR "data/fullbatch"
#define N_SAMPLES "64"
#define N_STEPS 25
#define REL_TOL 1e-4

static double parse_num(const char *s, const char *what)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno != 0)
        fail_msg("%s: not a number: \"%s\"", what, s);
    return v;
}

/* PyTorch's losses of act: ref[step] for step 0..N_STEPS-1. */
static void read_reference(const char *act, double *ref)
{
    char *text = slurp(DATA_DIR "/losses.csv");
    if (!text)
        fail_msg("cannot read " DATA_DIR "/losses.csv");
    int seen[N_STEPS] = {0};
    char *save = NULL;
    char *line = strtok_r(text, "\n", &save);
    if (!line || strcmp(line, "act,step,loss") != 0)
        fail_msg(DATA_DIR "/losses.csv: header is not act,step,loss");
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *c[3];
        if (split_commas(line, c, 3) != 3)
            fail_msg(DATA_DIR "/losses.csv: a row without 3 cells");
        if (strcmp(c[0], act) != 0)
            continue;
        double step = parse_num(c[1], "losses.csv step");
        if (step < 0 || step >= N_STEPS || step != (int)step)
            fail_msg("losses.csv: %s step %s out of range", act, c[1]);
        ref[(int)step] = parse_num(c[2], "losses.csv loss");
        seen[(int)step] = 1;
    }
    free(text);
    for (int s = 0; s < N_STEPS; s++)
        if (!seen[s])
            fail_msg("losses.csv: no %s loss for step %d", act, s);
}

/* actbench's train_loss of act by epoch 0..N_STEPS from dir/loss.csv. */
static void read_actbench(const char *dir, const char *act, double *got)
{
    char path[8192];
    if (snprintf(path, sizeof path, "%s/loss.csv", dir) >= (int)sizeof path)
        fail_msg("path too long: %s", dir);
    char *text = slurp(path);
    if (!text)
        fail_msg("cannot read %s", path);
    int seen[N_STEPS + 1] = {0};
    char *save = NULL;
    char *line = strtok_r(text, "\n", &save);
    char *head[16];
    int nc = line ? split_commas(line, head, 16) : 0;
    int c_act = -1, c_epoch = -1, c_loss = -1;
    for (int j = 0; j < nc && j < 16; j++) {
        if (strcmp(head[j], "act") == 0)
            c_act = j;
        else if (strcmp(head[j], "epoch") == 0)
            c_epoch = j;
        else if (strcmp(head[j], "train_loss") == 0)
            c_loss = j;
    }
    if (c_act < 0 || c_epoch < 0 || c_loss < 0)
        fail_msg("%s: no act, epoch or train_loss column", path);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *c[16];
        if (split_commas(line, c, 16) != nc)
            fail_msg("%s: a row with a different cell count than the header", path);
        if (strcmp(c[c_act], act) != 0)
            fail_msg("%s: unexpected act \"%s\"", path, c[c_act]);
        double e = parse_num(c[c_epoch], "loss.csv epoch");
        if (e < 0 || e > N_STEPS || e != (int)e)
            fail_msg("%s: epoch %s out of range", path, c[c_epoch]);
        got[(int)e] = parse_num(c[c_loss], "loss.csv train_loss");
        seen[(int)e] = 1;
    }
    free(text);
    for (int e = 0; e <= N_STEPS; e++)
        if (!seen[e])
            fail_msg("%s: no row for epoch %d", path, e);
}

static double absd(double v)
{
    return v < 0 ? -v : v;
}

/* One activation, the case: its run into a fresh temporary folder (removed by
 * the teardown) against PyTorch's losses. */
static void test_act(void **state)
{
    scratch *fx = *state;
    const char *act = *(const char *const *)fx->data;
    double ref[N_STEPS], got[N_STEPS + 1];
    read_reference(act, ref);

    run_ok(&fx->r, (const char *const[]){"--data", "csv:" DATA_DIR "/train.csv", "--test-frac",
                                         "0", "--no-standardize", "--load-weights",
                                         DATA_DIR "/weights", "--depth", "3", "--width", "7",
                                         "--batch", N_SAMPLES, "--epochs", "25", "--lr", "0.1",
                                         "--act", act, "--quiet", "--no-plot", "--out", fx->out,
                                         NULL});
    read_actbench(fx->out, act, got);

    double worst = 0;
    int worst_e = 0;
    for (int e = 0; e <= N_STEPS; e++) {
        double want = ref[e == 0 ? 0 : e - 1];
        double rel = absd(got[e] - want) / absd(want);
        if (!(rel <= REL_TOL))
            fail_msg("%s: epoch %d: actbench train_loss %.9g, torch step %d loss %.9g, "
                     "relative difference %.3g (tolerance %g)",
                     act, e, got[e], e == 0 ? 0 : e - 1, want, rel, REL_TOL);
        if (rel > worst) {
            worst = rel;
            worst_e = e;
        }
    }
    print_message("%s: worst relative difference %.3g (epoch %d)\n", act, worst, worst_e);
}

static int setup(void **state)
{
    return scratch_setup(state, sizeof(scratch), "fullbatch", NULL);
}

int main(void)
{
    static const char *const acts[] = {"tanh", "relu", "sigmoid", "gelu", "prelu"};
    test_list l = {0};
    TESTS_ADD_CASES(&l, test_act, acts, setup, scratch_teardown);
    return tests_run(&l, "test_fullbatch");
}
