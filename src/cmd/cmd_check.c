/* cmd_check.c - `actbench gradcheck`'s command line and table. */
#include "cmd_check.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gradcheck.h"

#define GC_MAX_ACTS 64

static const struct option gc_opts[] = {
    {"act", required_argument, NULL, 'a'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void gc_usage(FILE *f)
{
    fprintf(f,
"Usage: actbench gradcheck [--act LIST]\n"
"\n"
"Checks each activation's derivative f' against fourth-order central differences\n"
"of its f (step 1/64, in double over float evaluations): on a grid of step %g\n"
"over [-%g, %g], on both sides of every kink, and at each kink, where f' must be\n"
"one of the two one-sided values or between them (PyTorch's choice: relu'(0) = 0,\n"
"abs'(0) = 0).  A point passes when\n"
"|f' - difference| <= %g + %g |difference|.  A learned parameter's gradient (PReLU's\n"
"slope, a formula's ~parameters) is checked through a small network (3 -> 6 x 3\n"
"-> 3, 16 samples) against central differences of its loss, at its initial\n"
"values and moved from them.  Formulas and plugins are checked in units 0..%d\n"
"of a row whose other elements hold other values (BReLU's odd units differ; a\n"
"plugin reading the wrong element is seen), and so are every weight's and\n"
"bias's gradients through the network; the main command and actbench run make\n"
"this check on them before training.  A formula's f' at a kink is its rules'\n"
"choice, not checked; its weights are not checked either (a formula is\n"
"element-wise).  With more than %d kinks in the range f' is not checked.\n"
"Prints one row per\n"
"activation: the points checked and the one nearest (or furthest past) its\n"
"tolerance.\n"
"\n"
"  --act LIST   activations, comma separated, parameters after colons as in the\n"
"               main command, formulas (expr:...) and plugins (plugin:PATH.so)\n"
"               (default: all %d built-ins with default parameters)\n"
"  -h, --help   this text\n"
"\n"
"Exit status: 0 every check holds, 1 a derivative or gradient is wrong (named),\n"
"2 usage error.\n",
            0.01, 10.0, 10.0, GC_ATOL, GC_RTOL, GC_UNITS - 1, GC_MAX_IN_RANGE, act_count);
}

int cmd_gradcheck(int argc, char **argv)
{
    act_spec acts[GC_MAX_ACTS];
    int n_acts = 0;
    ab_err err = {{0}};
    ab_status st = AB_OK;
    bool help = false;
    for (int i = 0; i < act_count && i < GC_MAX_ACTS; i++)
        act_default(&acts[n_acts++], &act_registry[i]);
    opterr = 0;
    optind = 1;
    int c, idx;
    cli_given given = {0};
    while (st == AB_OK && (idx = -1, c = getopt_long(argc, argv, "+:h", gc_opts, &idx)) != -1) {
        if (c != ':' && c != '?' &&
            (st = cli_check_option(&given, gc_opts, c, idx, argv, &err)) != AB_OK)
            break;
        if (c == 'a')
            st = cli_parse_acts(acts, &n_acts, GC_MAX_ACTS, optarg, &err);
        else if (c == 'h')
            help = true;
        else if (c == ':')
            st = ab_fail(&err, AB_EUSAGE, "%s: needs a value (see actbench gradcheck --help)",
                         argv[optind - 1]);
        else
            st = ab_fail(&err, AB_EUSAGE, "gradcheck: unknown option '%s' (see actbench "
                         "gradcheck --help)", argv[optind - 1]);
    }
    if (st == AB_OK && optind < argc)
        st = ab_fail(&err, AB_EUSAGE, "gradcheck: unexpected argument '%s' (see actbench "
                     "gradcheck --help)", argv[optind]);
    if (st == AB_OK && help) {
        gc_usage(stdout);
        return 0;
    }
    int wrong = 0, unchecked = 0;
    if (st == AB_OK)
        printf("%-18s %6s %5s  %-44s %s\n", "act", "points", "bad", "worst point",
               "through the network");
    for (int a = 0; st == AB_OK && a < n_acts; a++) {
        gradcheck_result r;
        st = gradcheck_act(&r, &acts[a], &err);
        if (st != AB_OK)
            break;
        char worst[128], net[256] = "-";
        char unit[16] = "";
        if (acts[a].info->dyn)
            snprintf(unit, sizeof unit, ", unit %d", r.worst_unit);
        unchecked += r.too_many_kinks > 0;
        if (r.too_many_kinks)
            snprintf(worst, sizeof worst, "not checked: %d or more kinks", r.too_many_kinks);
        else
            snprintf(worst, sizeof worst, "f'(%g) = %.7g, difference %.7g (%s%s)", r.worst_z,
                     r.worst_df, r.worst_fd, r.worst_kind, unit);
        int len = 0;
        if (r.n_weights)
            len = snprintf(net, sizeof net, "W, b: %d checked, %d bad%s", r.n_weights,
                           r.bad_weights, r.n_params ? "; " : "");
        if (r.n_params)
            snprintf(net + len, sizeof net - (size_t)len, "%d learned checked, %d bad; worst "
                     "%s, layer %d: %.7g, difference %.7g", r.n_params, r.bad_params,
                     r.param_name, r.param_layer, r.param_got, r.param_fd);
        printf("%-18s %6d %5d  %-44s %s\n", acts[a].label, r.points, r.bad, worst, net);
        if (r.bad || r.bad_params || r.bad_weights) {
            wrong++;
            if (r.bad)
                fprintf(stderr, "actbench: gradcheck: %s: f'(%g) = %.7g%s, but the central "
                        "difference is %.7g (%s; %d of %d points wrong)\n", acts[a].label,
                        r.worst_z, r.worst_df, unit, r.worst_fd, r.worst_kind, r.bad,
                        r.points);
            if (r.bad_params)
                fprintf(stderr, "actbench: gradcheck: %s: the gradient of its learned "
                        "parameter %s in hidden layer %d is %.7g, but the central difference "
                        "of the loss is %.7g\n", acts[a].label, r.param_name, r.param_layer,
                        r.param_got, r.param_fd);
            if (r.bad_weights)
                fprintf(stderr, "actbench: gradcheck: %s: the network's gradient through it "
                        "is wrong: a %s of layer %d has %.7g, but the central difference of "
                        "the loss is %.7g (%d of %d wrong)\n", acts[a].label,
                        r.weight_is_bias ? "bias" : "weight", r.weight_layer, r.weight_got,
                        r.weight_fd, r.bad_weights, r.n_weights);
        }
    }
    if (st != AB_OK) {
        fprintf(stderr, "actbench: %s\n", err.msg);
        return (int)st;
    }
    printf("%d activation%s checked, %d wrong", n_acts, n_acts == 1 ? "" : "s", wrong);
    if (unchecked)
        printf(", f' of %d not checked (too many kinks)", unchecked);
    printf("\n");
    return wrong ? 1 : 0;
}
