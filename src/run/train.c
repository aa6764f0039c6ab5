/* train.c - the training loop of one run. */
#include "train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "loss.h"
#include "sys.h"

/* Workspace rows: the minibatch, and at least this many for evaluation and
 * probe chunks so that small batches do not make those slow. */
#define EVAL_CHUNK 256

static int ws_cap(const train_config *cfg)
{
    return cfg->batch > EVAL_CHUNK ? cfg->batch : EVAL_CHUNK;
}

int train_n_probes(const train_config *cfg)
{
    /* epoch 0, every log_every-th epoch, and the last */
    return 2 + cfg->epochs / cfg->log_every;
}

int train_blas_threads(const train_config *cfg, int threads)
{
    net n;
    if (threads <= 1 || net_create(&n, &cfg->net, NULL) != AB_OK)
        return threads;
    double largest = 0.0;
    for (int l = 0; l < n.n_layers; l++) {
        double mnk = (double)cfg->batch * n.fan_in[l] * n.fan_out[l];
        largest = mnk > largest ? mnk : largest;
    }
    return largest <= TRAIN_ONE_THREAD_MNK ? 1 : threads;
}

size_t train_bytes(const train_config *cfg)
{
    net n;
    if (net_create(&n, &cfg->net, NULL) != AB_OK)
        return 0;
    /* params and grads are whole arenas (plain SGD has no grads: its update
     * is folded into the backward); the optimiser keeps state for the
     * learned floats only */
    size_t opt_arenas = cfg->opt == OPT_ADAM ? 2 : cfg->opt == OPT_MOMENTUM ? 1 : 0;
    size_t arenas = cfg->opt == OPT_SGD ? 1 : 2;
    size_t b = arenas * net_arena_bytes(&n) + opt_arenas * n.n_params * sizeof(float) +
               probe_ctx_bytes(&n);
    b += net_ws_bytes(&n, ws_cap(cfg));
    b += (size_t)cfg->batch * ((size_t)cfg->net.n_in * sizeof(float) + sizeof(int));
    b += (size_t)train_n_probes(cfg) * (size_t)n.n_layers * sizeof(probe_layer);
    b += (size_t)cfg->net.depth * (size_t)cfg->net.width; /* ever_dead */
    /* run_units: two histograms, each probe's dead bits */
    b += 2 * (size_t)cfg->net.depth * PROBE_HIST_KINDS * PROBE_HIST_SLOTS * sizeof(uint32_t);
    b += (size_t)train_n_probes(cfg) * (size_t)cfg->net.depth *
         probe_dead_row_bytes(cfg->net.width);
    if (cfg->keep_params || cfg->measure_final)
        b += 2 * net_arena_bytes(&n);
    if (cfg->measure_final) /* dead_on_test's workspace and masks */
        b += net_ws_bytes(&n, EVAL_CHUNK) + 2 * (size_t)cfg->net.depth * (size_t)cfg->net.width;
    if (cfg->regions)
        b += (size_t)(cfg->regions_init ? 2 : 1) * (size_t)cfg->regions->nx *
             (size_t)cfg->regions->ny;
    return b;
}

/* Mean loss and accuracy of the network over a whole set, in chunks. */
static void evaluate(double *loss, double *acc, const net *n, const float *params, net_ws *ws,
                     const data_set *s)
{
    if (s->n == 0) {
        *loss = *acc = NAN;
        return;
    }
    const int L = n->n_layers;
    loss_tally t = {0};
    for (int start = 0; start < s->n; start += ws->cap) {
        int B = s->n - start < ws->cap ? s->n - start : ws->cap;
        net_forward(n, params, ws, s->x + (size_t)start * s->d, B, NET_EVAL, NULL);
        loss_eval(&t, NULL, ws->a[L - 1], ws->z[L - 1], s->y + start, B, n->fan_out[L - 1],
                  n->cfg.out, 0.0f);
    }
    *loss = t.sum / s->n;
    *acc = (double)t.correct / s->n;
}

void train_result_free(run_result *res)
{
    free(res->loss);
    free(res->layers);
    free(res->probe_epoch);
    free(res->init_params);
    free(res->final_params);
    free(res->units.hist);
    free(res->units.dead);
    regions_free(&res->regions);
    memset(res, 0, sizeof *res);
}

/* Marks in alive (depth x width) every unit with a non-zero activation on
 * some sample of s. */
static void mark_alive(unsigned char *alive, const net *n, const float *params, net_ws *ws,
                       const data_set *s, net_mode mode)
{
    const int depth = n->cfg.depth, w = n->cfg.width;
    memset(alive, 0, (size_t)depth * (size_t)w);
    for (int start = 0; start < s->n; start += ws->cap) {
        int B = s->n - start < ws->cap ? s->n - start : ws->cap;
        net_forward(n, params, ws, s->x + (size_t)start * s->d, B, mode, NULL);
        for (int l = 0; l < depth; l++) {
            const float *h = ws->h[l];
            unsigned char *al = alive + (size_t)l * w;
            for (int i = 0; i < B * w; i++)
                al[i % w] |= h[i] != 0.0f;
        }
    }
}

/* dead_on_test_pct: of the units dead on the probe set with the final
 * weights, the % that are also exactly 0 on every test sample. */
static double dead_on_test(const train_config *c, const float *params, const data_set *probe,
                           const data_set *test, ab_err *err, ab_status *st)
{
    net n;
    net_ws ws = {0};
    double pct = NAN;
    unsigned char *a = NULL, *b = NULL;
    if (test->n == 0 || (*st = net_create(&n, &c->net, err)) != AB_OK ||
        (*st = net_ws_create(&ws, &n, 256, err)) != AB_OK)
        goto done;
    size_t units = (size_t)n.cfg.depth * (size_t)n.cfg.width;
    a = malloc(units);
    b = malloc(units);
    if (!a || !b) {
        *st = ab_fail(err, AB_ERUNTIME, "out of memory: dead-unit masks");
        goto done;
    }
    mark_alive(a, &n, params, &ws, probe, NET_PROBE);
    mark_alive(b, &n, params, &ws, test, NET_EVAL);
    size_t dead = 0, both = 0;
    for (size_t i = 0; i < units; i++)
        if (!a[i]) {
            dead++;
            both += !b[i];
        }
    if (dead)
        pct = 100.0 * (double)both / (double)dead;
done:
    free(a);
    free(b);
    net_ws_free(&ws);
    return pct;
}

/* Hidden-weight change ||W_final - W_init|| / ||W_init|| over all hidden layers. */
static double hidden_change(const train_config *c, const run_result *r)
{
    net n;
    if (!r->init_params || net_create(&n, &c->net, NULL) != AB_OK)
        return NAN;
    double num = 0.0, den = 0.0;
    for (int l = 0; l < n.cfg.depth; l++) {
        size_t cnt = (size_t)n.fan_in[l] * (size_t)n.fan_out[l];
        const float *a = r->init_params + n.w_off[l], *b = r->final_params + n.w_off[l];
        for (size_t i = 0; i < cnt; i++) {
            double d = (double)b[i] - a[i];
            num += d * d;
            den += (double)a[i] * a[i];
        }
    }
    return den > 0.0 ? sqrt(num / den) : NAN;
}

ab_status train_model_create(train_model *m, const train_config *cfg, ab_err *err)
{
    memset(m, 0, sizeof *m);
    ab_status st = net_create(&m->n, &cfg->net, err);
    if (st != AB_OK || (st = net_ws_create(&m->ws, &m->n, ws_cap(cfg), err)) != AB_OK ||
        (st = optim_create(&m->opt, cfg->opt, cfg->lr, m->n.n_params, err)) != AB_OK)
        return st;
    m->batch = cfg->batch;
    m->params = net_arena_alloc(&m->n);
    /* plain SGD's step forms no gradient arena (net_backward_sgd) */
    m->grads = cfg->opt == OPT_SGD ? NULL : net_arena_alloc(&m->n);
    m->xb = malloc(sizeof(float) * (size_t)cfg->batch * (size_t)cfg->net.n_in);
    m->yb = malloc(sizeof(int) * (size_t)cfg->batch);
    if (!m->params || (!m->grads && cfg->opt != OPT_SGD) || !m->xb || !m->yb)
        return ab_fail(err, AB_ERUNTIME, "out of memory: training buffers");
    return AB_OK;
}

void train_model_free(train_model *m)
{
    free(m->params);
    free(m->grads);
    net_ws_free(&m->ws);
    optim_free(&m->opt);
    free(m->xb);
    free(m->yb);
    memset(m, 0, sizeof *m);
}

int train_step(train_model *m, const data_set *set, const int *rows, int B, rng_state *act_rng,
               loss_tally *t)
{
    const net *n = &m->n;
    const int L = n->n_layers, d = set->d;
    phase_clock *clk = m->ws.clock;
    if (clk)
        phase_start(clk);
    for (int i = 0; i < B; i++) {
        int r = rows[i];
        memcpy(m->xb + (size_t)i * d, set->x + (size_t)r * d, sizeof(float) * (size_t)d);
        m->yb[i] = set->y[r];
    }
    phase_mark(clk, PHASE_GATHER);
    net_forward(n, m->params, &m->ws, m->xb, B, NET_TRAIN, act_rng);
    /* batchnorm: the running statistics see every training batch once,
     * before its update, as in PyTorch's train mode */
    net_update_stats(n, m->params, &m->ws, B);
    phase_mark(clk, PHASE_OTHER);
    double before = t->sum;
    loss_eval(t, m->ws.dz[L - 1], m->ws.a[L - 1], m->ws.z[L - 1], m->yb, B, n->fan_out[L - 1],
              n->cfg.out, 1.0f / (float)B);
    phase_mark(clk, PHASE_LOSS);
    if (!isfinite(t->sum - before))
        return 1;
    if (m->opt.kind == OPT_SGD) {
        /* the update inside the backward: W in its weight-gradient product */
        net_backward_sgd(n, m->params, &m->ws, m->xb, B, m->opt.lr);
        return 0;
    }
    /* grads are all zero here: calloc'd, then cleared by every step */
    net_backward(n, m->params, m->grads, &m->ws, m->xb, B);
    optim_step_clear(&m->opt, m->params, m->grads);
    phase_mark(clk, PHASE_OPTIM);
    return 0;
}

typedef struct {
    train_model m;
    probe_ctx probe;
    int *order;
    unsigned char *ever_dead; /* per hidden unit: dead at a probe after epoch 0 */
} run_state;

static void state_free(run_state *s)
{
    train_model_free(&s->m);
    probe_ctx_free(&s->probe);
    free(s->order);
    free(s->ever_dead);
}

static ab_status state_create(run_state *s, const train_config *cfg, const data_set *train,
                              run_result *res, ab_err *err)
{
    ab_status st = train_model_create(&s->m, cfg, err);
    if (st != AB_OK || (st = probe_ctx_create(&s->probe, &s->m.n, err)) != AB_OK)
        return st;
    s->order = malloc(sizeof(int) * (size_t)train->n);
    s->ever_dead = calloc((size_t)cfg->net.depth * (size_t)cfg->net.width, 1);
    int np = train_n_probes(cfg);
    res->loss = calloc((size_t)cfg->epochs + 1, sizeof(loss_row));
    res->layers = calloc((size_t)np * (size_t)s->m.n.n_layers, sizeof(probe_layer));
    res->probe_epoch = calloc((size_t)np, sizeof(int));
    if (cfg->keep_params || cfg->measure_final) {
        res->init_params = net_arena_alloc(&s->m.n);
        res->final_params = net_arena_alloc(&s->m.n);
        if (!res->init_params || !res->final_params)
            return ab_fail(err, AB_ERUNTIME, "out of memory: parameter copies");
    }
    run_units *u = &res->units;
    u->depth = cfg->net.depth;
    u->width = cfg->net.width;
    u->range[PROBE_HIST_ACT] = s->probe.range[PROBE_HIST_ACT];
    u->range[PROBE_HIST_PREACT] = s->probe.range[PROBE_HIST_PREACT];
    u->can_die = probe_can_die(&cfg->net.act);
    u->hist = calloc(2 * (size_t)u->depth * PROBE_HIST_KINDS * PROBE_HIST_SLOTS,
                     sizeof *u->hist);
    u->dead = malloc((size_t)np * (size_t)u->depth * probe_dead_row_bytes(u->width));
    if (!s->order || !s->ever_dead || !res->loss || !res->layers || !res->probe_epoch ||
        !u->hist || !u->dead)
        return ab_fail(err, AB_ERUNTIME, "out of memory: training buffers");
    if (cfg->regions) {
        regions_map *m = &res->regions;
        if (cfg->net.n_in != 2)
            return ab_fail(err, AB_EUSAGE, "decision regions need a network with two inputs, "
                           "not %d", cfg->net.n_in);
        m->cells = cfg->regions->nx * cfg->regions->ny;
        m->n_maps = cfg->regions_init ? 2 : 1;
        if (!(m->cls = malloc((size_t)m->n_maps * (size_t)m->cells)))
            return ab_fail(err, AB_ERUNTIME, "out of memory: decision regions");
    }
    return AB_OK;
}

/* Probes the network at epoch; with hist, also takes the histograms of
 * this probe (the first and the last). */
static void take_probe(run_result *res, run_state *s, const data_set *probe, int epoch,
                       bool hist)
{
    double t0 = sys_now();
    const train_model *m = &s->m;
    run_units *u = &res->units;
    s->probe.hist = hist ? u->hist + (size_t)u->n_hist * u->depth * PROBE_HIST_KINDS *
                                         PROBE_HIST_SLOTS
                         : NULL;
    probe_measure(res->layers + (size_t)res->n_probes * m->n.n_layers, &m->n, m->params,
                  &s->m.ws, &s->probe, probe);
    s->probe.hist = NULL;
    if (hist)
        u->hist_epoch[u->n_hist++] = epoch;
    probe_dead_bits(u->dead + (size_t)res->n_probes * u->depth * probe_dead_row_bytes(u->width),
                    &s->probe, &m->n);
    res->probe_seconds += sys_now() - t0;
    res->probe_epoch[res->n_probes++] = epoch;
    if (epoch == 0)
        return;
    size_t units = (size_t)s->m.n.cfg.depth * (size_t)s->m.n.cfg.width;
    for (size_t i = 0; i < units; i++)
        s->ever_dead[i] |= !s->probe.alive[i];
}

/* revived_pct from the units ever dead and the last probe's alive flags. */
static double revived(const run_state *s)
{
    size_t units = (size_t)s->m.n.cfg.depth * (size_t)s->m.n.cfg.width, dead = 0, back = 0;
    for (size_t i = 0; i < units; i++)
        if (s->ever_dead[i]) {
            dead++;
            back += s->probe.alive[i] != 0;
        }
    return dead ? 100.0 * (double)back / (double)dead : NAN;
}

/* Trains one epoch; returns 0, or 1 when a minibatch loss is not finite. */
static int train_epoch(loss_row *row, run_state *s, const train_config *cfg,
                       const data_set *train, rng_state *order_rng, rng_state *act_rng)
{
    loss_tally t = {0};
    rng_shuffle(order_rng, s->order, train->n);
    for (int start = 0; start < train->n; start += cfg->batch) {
        int B = train->n - start < cfg->batch ? train->n - start : cfg->batch;
        if (train_step(&s->m, train, s->order + start, B, act_rng, &t))
            return 1;
    }
    row->train_loss = t.sum / train->n;
    row->train_acc = (double)t.correct / train->n;
    return 0;
}

/* Map `map` of the run's decision regions, as the network stands after
 * epoch `epoch` (0: the initial parameters). */
static void take_regions(run_result *res, run_state *s, const train_config *cfg, int map,
                         int epoch)
{
    regions_map *m = &res->regions;
    m->epoch[map] = epoch;
    regions_classify(m->cls + (size_t)map * m->cells, &s->m.n, s->m.params, &s->m.ws,
                     cfg->regions->in, m->cells);
}

/* The end of a run: the final parameters copied out, the measure_final
 * quantities, and the copies dropped when only those needed them. */
static ab_status finish(run_result *res, const train_config *cfg, const net *n,
                        const float *params, const data_set *probe, const data_set *test,
                        ab_err *err)
{
    ab_status st = AB_OK;
    if (res->final_params)
        memcpy(res->final_params, params, net_arena_bytes(n));
    if (cfg->measure_final) {
        res->hidden_change = hidden_change(cfg, res);
        if (!res->diverged)
            res->dead_on_test_pct = dead_on_test(cfg, params, probe, test, err, &st);
    }
    if (!cfg->keep_params) {
        free(res->init_params);
        free(res->final_params);
        res->init_params = res->final_params = NULL;
    }
    return st;
}

ab_status train_run(run_result *res, const train_config *cfg, const data_set *train,
                    const data_set *test, const data_set *probe, train_progress_fn progress,
                    void *ctx, ab_err *err)
{
    run_state s;
    memset(&s, 0, sizeof s);
    memset(res, 0, sizeof *res);
    /* the run's maths library, and the caller's back afterwards */
    vm_backend was = vm_backend_setting();
    vm_set_backend(cfg->math);
    ab_status st = state_create(&s, cfg, train, res, err);
    if (st != AB_OK)
        goto fail;
    res->n_layers = s.m.n.n_layers;
    res->epochs_to_target = -1;
    res->target_set = isfinite(cfg->target_acc);
    res->revived_pct = res->hidden_change = res->dead_on_test_pct = NAN;

    if (cfg->init_params)
        memcpy(s.m.params, cfg->init_params, net_arena_bytes(&s.m.n));
    else
        net_init(&s.m.n, s.m.params, cfg->seed);
    if (res->init_params)
        memcpy(res->init_params, s.m.params, net_arena_bytes(&s.m.n));
    if (cfg->regions && cfg->regions_init)
        take_regions(res, &s, cfg, 0, 0);
    /* Separate streams, so the minibatch order is the same for every
     * activation whether or not it draws random slopes. */
    rng_state order_rng, act_rng;
    rng_seed(&order_rng, cfg->seed ^ 0x6f72646572ULL);
    rng_seed(&act_rng, cfg->seed ^ 0x7272656c75ULL);
    for (int i = 0; i < train->n; i++)
        s.order[i] = i;

    loss_row *row = &res->loss[0];
    evaluate(&row->train_loss, &row->train_acc, &s.m.n, s.m.params, &s.m.ws, train);
    evaluate(&row->test_loss, &row->test_acc, &s.m.n, s.m.params, &s.m.ws, test);
    res->n_loss = 1;
    take_probe(res, &s, probe, 0, true);
    if (!isfinite(row->train_loss)) {
        res->diverged = 1;
        goto done;
    }

    double trained = 0.0;
    for (int e = 1; e <= cfg->epochs; e++) {
        row = &res->loss[e];
        row->epoch = e;
        double t0 = sys_now();
        int bad = train_epoch(row, &s, cfg, train, &order_rng, &act_rng);
        trained += sys_now() - t0;
        if (bad) {
            res->diverged = 1;
            res->diverged_epoch = e;
            break;
        }
        row->seconds = trained;
        evaluate(&row->test_loss, &row->test_acc, &s.m.n, s.m.params, &s.m.ws, test);
        res->n_loss = e + 1;
        double acc = test->n ? row->test_acc : row->train_acc;
        if (res->epochs_to_target < 0 && isfinite(cfg->target_acc) && acc >= cfg->target_acc)
            res->epochs_to_target = e;
        if (e % cfg->log_every == 0 || e == cfg->epochs)
            take_probe(res, &s, probe, e, e == cfg->epochs);
        if (progress)
            progress(ctx, e, cfg->epochs, row->train_loss);
    }
    res->seconds = trained;
    res->revived_pct = revived(&s);
done:
    /* a run that diverged stops with the parameters of its last finite step */
    if (cfg->regions)
        take_regions(res, &s, cfg, res->regions.n_maps - 1,
                     res->diverged ? res->diverged_epoch : res->n_loss - 1);
    if ((st = finish(res, cfg, &s.m.n, s.m.params, probe, test, err)) != AB_OK)
        goto fail;
    state_free(&s);
    vm_set_backend(was);
    return AB_OK;
fail:
    state_free(&s);
    train_result_free(res);
    vm_set_backend(was);
    return st;
}
