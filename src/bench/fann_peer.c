/* fann_peer.c - `actbench-fann`: the network of scripts/bench trained by
 * FANN (Debian's libfann-dev 2.2.0, float build), a C library a user might
 * pick instead of actbench, on the same data actbench loads (data_load: the
 * same generator or IDX files, split and standardised the same way).  Built
 * by meson only when libfann is found; scripts/bench runs it beside actbench
 * and PyTorch.
 *
 * FANN cannot build actbench's network exactly; what it lacks and what is
 * used instead (docs/speed.md):
 *   - no rectifier in 2.2.0: hidden layers use FANN_LINEAR_PIECE, y = x
 *     clipped to [0, 1] (a ReLU capped at 1), whose derivative FANN takes
 *     as 1 everywhere;
 *   - no softmax output: the outputs are FANN_SIGMOID units, independent
 *     logistic outputs, against one-hot targets with FANN_ERRORFUNC_LINEAR,
 *     the mean squared error: another loss than softmax cross-entropy (the
 *     output layer is 3 or 10 units, so the cost hardly changes);
 *   - no minibatches: --algo incremental (FANN_TRAIN_INCREMENTAL, an update
 *     after every sample: SGD with a batch of 1, the closest to minibatch
 *     SGD) or batch (FANN_TRAIN_BATCH: gradients summed over the epoch, one
 *     update per epoch).  Either does per sample a forward pass, the
 *     backward pass and a weight update or gradient sum: 6 FLOP per weight
 *     per sample, counted as actbench's are, 6 N sum(in out) per epoch.
 * Weights: uniform in +-sqrt(3 / width) (Xavier's variance for the hidden
 * layers; FANN has one range for all), seeded; learning momentum 0.
 *
 * Prints one line: seconds_per_epoch, samples, epochs, mse (FANN's mean
 * squared error of the last epoch), as KEY=VALUE pairs. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <floatfann.h>

#include "cli.h"
#include "data.h"
#include "net.h"
#include "status.h"
#include "sys.h"

typedef struct {
    const char *data, *data_dir;
    int width, depth, epochs, samples;
    double lr;
    enum fann_train_enum algo;
    long seed;
} peer_opts;

enum { P_DATA = 256, P_DATA_DIR, P_WIDTH, P_DEPTH, P_EPOCHS, P_SAMPLES, P_LR, P_ALGO, P_SEED };

static const struct option peer_long_opts[] = {
    {"data", required_argument, NULL, P_DATA},
    {"data-dir", required_argument, NULL, P_DATA_DIR},
    {"width", required_argument, NULL, P_WIDTH},
    {"depth", required_argument, NULL, P_DEPTH},
    {"epochs", required_argument, NULL, P_EPOCHS},
    {"samples", required_argument, NULL, P_SAMPLES},
    {"lr", required_argument, NULL, P_LR},
    {"algo", required_argument, NULL, P_ALGO},
    {"seed", required_argument, NULL, P_SEED},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *f)
{
    fprintf(f,
"Usage: actbench-fann [OPTIONS]\n"
"\n"
"Trains D hidden layers of W FANN_LINEAR_PIECE units with sigmoid outputs and\n"
"squared error (FANN has no ReLU, softmax or minibatches) on the training set\n"
"actbench would load, and prints seconds_per_epoch=S samples=N epochs=E mse=M.\n"
"\n"
"  --data NAME      a data set as actbench's --data (default spiral)\n"
"  --data-dir DIR   IDX folder (default: actbench's)\n"
"  --width W        units per hidden layer, 1..%d (default 64)\n"
"  --depth D        hidden layers, 1..%d (default 6)\n"
"  --epochs E       epochs timed, 1..1000000 (default 1)\n"
"  --samples N      train on the first N training samples only, 0 = all\n"
"                   (default 0): a big network's epoch can take minutes\n"
"  --lr X           learning rate, > 0 (default 0.1)\n"
"  --algo NAME      incremental (an update per sample) or batch (one per\n"
"                   epoch) (default incremental)\n"
"  --seed S         data split and weight draws (default 1)\n",
            NET_MAX_WIDTH, NET_MAX_DEPTH);
}

static ab_status parse(peer_opts *o, int argc, char **argv, bool *help, ab_err *err)
{
    *o = (peer_opts){.data = "spiral", .width = 64, .depth = 6, .epochs = 1, .lr = 0.1,
                     .algo = FANN_TRAIN_INCREMENTAL, .seed = 1};
    *help = false;
    ab_status st = AB_OK;
    long v = 0;
    int c;
    opterr = 0;
    while (st == AB_OK && (c = getopt_long(argc, argv, "+:h", peer_long_opts, NULL)) != -1) {
        switch (c) {
        case P_DATA: o->data = optarg; break;
        case P_DATA_DIR: o->data_dir = optarg; break;
        case P_WIDTH:
            st = cli_parse_long(&v, "--width", optarg, 1, NET_MAX_WIDTH, err);
            o->width = (int)v;
            break;
        case P_DEPTH:
            st = cli_parse_long(&v, "--depth", optarg, 1, NET_MAX_DEPTH, err);
            o->depth = (int)v;
            break;
        case P_EPOCHS:
            st = cli_parse_long(&v, "--epochs", optarg, 1, 1000000, err);
            o->epochs = (int)v;
            break;
        case P_SAMPLES:
            st = cli_parse_long(&v, "--samples", optarg, 0, DATA_MAX_N, err);
            o->samples = (int)v;
            break;
        case P_LR: {
            char *end;
            o->lr = strtod(optarg, &end);
            if (end == optarg || *end || !(o->lr > 0.0) || o->lr > 1e6)
                st = ab_fail(err, AB_EUSAGE, "--lr: '%s' is not a number in (0, 1e6]", optarg);
            break;
        }
        case P_ALGO:
            if (strcmp(optarg, "incremental") == 0)
                o->algo = FANN_TRAIN_INCREMENTAL;
            else if (strcmp(optarg, "batch") == 0)
                o->algo = FANN_TRAIN_BATCH;
            else
                st = ab_fail(err, AB_EUSAGE, "--algo: unknown '%s' (accepted: incremental, "
                             "batch)", optarg);
            break;
        case P_SEED:
            st = cli_parse_long(&v, "--seed", optarg, 0, 2147483647L, err);
            o->seed = v;
            break;
        case 'h': *help = true; break;
        case ':': st = ab_fail(err, AB_EUSAGE, "%s: needs a value", argv[optind - 1]); break;
        default: st = ab_fail(err, AB_EUSAGE, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (st == AB_OK && optind < argc)
        st = ab_fail(err, AB_EUSAGE, "unexpected argument '%s'", argv[optind]);
    return st;
}

/* FANN's training data: the first n samples of s, one-hot targets. */
static struct fann_train_data *to_fann(const data_set *s, int n)
{
    struct fann_train_data *t = fann_create_train((unsigned)n, (unsigned)s->d, (unsigned)s->k);
    if (!t)
        return NULL;
    for (int i = 0; i < n; i++) {
        memcpy(t->input[i], s->x + (size_t)i * s->d, sizeof(float) * (size_t)s->d);
        for (int j = 0; j < s->k; j++)
            t->output[i][j] = j == s->y[i] ? 1.0f : 0.0f;
    }
    return t;
}

int main(int argc, char **argv)
{
    peer_opts o;
    ab_err err = {{0}};
    bool help;
    data_set train = {0}, test = {0};
    struct fann *ann = NULL;
    struct fann_train_data *td = NULL;
    ab_status st = parse(&o, argc, argv, &help, &err);
    if (st == AB_OK && help) {
        usage(stdout);
        return 0;
    }
    data_spec spec = {.name = o.data, .dir = o.data_dir, .test_frac = DATA_DEFAULT_TEST_FRAC,
                      .seed = (uint64_t)o.seed, .standardize = true};
    if (st == AB_OK)
        st = data_load(&train, &test, &spec, &err);
    int n = o.samples && o.samples < train.n ? o.samples : train.n;
    if (st == AB_OK && !(td = to_fann(&train, n)))
        st = ab_fail(&err, AB_ERUNTIME, "FANN could not make its training data");
    unsigned layers[NET_MAX_DEPTH + 2];
    if (st == AB_OK) {
        layers[0] = (unsigned)train.d;
        for (int l = 0; l < o.depth; l++)
            layers[l + 1] = (unsigned)o.width;
        layers[o.depth + 1] = (unsigned)train.k;
        if (!(ann = fann_create_standard_array((unsigned)o.depth + 2, layers)))
            st = ab_fail(&err, AB_ERUNTIME, "FANN could not make the network");
    }
    double seconds = 0.0, mse = NAN;
    if (st == AB_OK) {
        fann_set_activation_function_hidden(ann, FANN_LINEAR_PIECE);
        fann_set_activation_function_output(ann, FANN_SIGMOID);
        fann_set_train_error_function(ann, FANN_ERRORFUNC_LINEAR);
        fann_set_training_algorithm(ann, o.algo);
        fann_set_learning_rate(ann, (float)o.lr);
        fann_set_learning_momentum(ann, 0.0f);
        srand((unsigned)o.seed);
        float r = (float)sqrt(3.0 / o.width);
        fann_randomize_weights(ann, -r, r);
        /* as actbench's epoch: a shuffle, then every sample */
        for (int e = 0; e < o.epochs; e++) {
            double t0 = sys_now();
            fann_shuffle_train_data(td);
            mse = fann_train_epoch(ann, td);
            seconds += sys_now() - t0;
        }
        printf("seconds_per_epoch=%.9g samples=%d epochs=%d mse=%.9g\n", seconds / o.epochs, n,
               o.epochs, mse);
    }
    if (td)
        fann_destroy_train(td);
    if (ann)
        fann_destroy(ann);
    data_free(&train);
    data_free(&test);
    if (st != AB_OK)
        fprintf(stderr, "actbench-fann: %s\n", err.msg);
    return (int)st;
}
