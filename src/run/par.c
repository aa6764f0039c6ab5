/* par.c - runs trained in forked children (-j), BLAS thread defaults and peak
 * memory readings.
 *
 * Each child trains one run exactly as the sequential path does (train_run,
 * with the BLAS threads it is given), writes the result to a temporary file
 * its parent made and unlinked before the fork, and exits; the parent reads
 * the file once the child has been reaped.  A file rather than a pipe: the
 * parent never has to read from several children at once, and nothing is
 * left behind whatever happens, because the file has no name. */
#include "par.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gemm.h"
#include "setting.h"
#include "sys.h"

/* ---- threads and memory ---- */

ab_status par_default_threads(int *out, bool *from_env, int max, ab_err *err)
{
    const char *s = getenv("OPENBLAS_NUM_THREADS");
    if (from_env)
        *from_env = s && *s;
    if (s && *s) {
        long v;
        ab_status st = setting_parse_long(&v, s, 1, max, err);
        if (st != AB_OK) {
            ab_context(err, "OPENBLAS_NUM_THREADS");
            return st;
        }
        *out = (int)v;
        return AB_OK;
    }
    int n = sys_cores();
    *out = n <= max ? n : max;
    return AB_OK;
}

int par_split_threads(int threads, int jobs)
{
    int t = jobs > 0 ? threads / jobs : threads;
    return t > 1 ? t : 1;
}

static double maxrss(int who)
{
    struct rusage ru;
    if (getrusage(who, &ru) != 0)
        return 0.0;
    return (double)ru.ru_maxrss * 1024.0; /* Linux reports KiB */
}

double par_peak_rss_self(void) { return maxrss(RUSAGE_SELF); }

double par_peak_rss_children(void) { return maxrss(RUSAGE_CHILDREN); }

double par_rss_now(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long long size = 0, resident = 0;
    int got = f ? fscanf(f, "%llu %llu", &size, &resident) : 0;
    if (f)
        fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    return got == 2 && page > 0 ? (double)resident * (double)page : 0.0;
}

/* ---- the wire format: a head, then the rows as the structs lie in memory
 * (parent and child are the same program image) or an error message ---- */

#define WIRE_MAGIC 0x31726261u /* "abr1" */

/* The head carries the whole run_result, its pointers cleared: every scalar
 * field, including any added later, goes back as it is. */
typedef struct {
    uint32_t magic;
    int32_t status; /* the run's ab_status */
    run_result r;   /* the scalars; loss, probe_epoch, layers follow */
} wire_head;

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int read_at(int fd, void *buf, size_t len, off_t off)
{
    char *p = buf;
    while (len > 0) {
        ssize_t r = pread(fd, p, len, off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        len -= (size_t)r;
        off += r;
    }
    return 0;
}

/* The decision regions' classes (after the rows). */
static size_t regions_bytes(const run_result *r)
{
    return (size_t)r->regions.n_maps * (size_t)r->regions.cells;
}

static size_t rows_bytes(const run_result *r)
{
    return sizeof(loss_row) * (size_t)r->n_loss + sizeof(int) * (size_t)r->n_probes +
           sizeof(probe_layer) * (size_t)r->n_probes * (size_t)r->n_layers +
           sizeof(uint32_t) * run_hist_counts(r) + run_dead_bytes(r) + regions_bytes(r);
}

/* The run's pointers cleared: what the head carries, and what a received
 * result starts from. */
static void clear_pointers(run_result *r)
{
    r->loss = NULL;
    r->layers = NULL;
    r->probe_epoch = NULL;
    r->init_params = r->final_params = NULL;
    r->units.hist = NULL;
    r->units.dead = NULL;
    r->regions.cls = NULL;
}

static int send_result(int fd, const run_result *r)
{
    wire_head h = {.magic = WIRE_MAGIC, .status = AB_OK, .r = *r};
    clear_pointers(&h.r);
    size_t n_rows = (size_t)r->n_probes * (size_t)r->n_layers;
    return write_all(fd, &h, sizeof h) ||
           write_all(fd, r->loss, sizeof(loss_row) * (size_t)r->n_loss) ||
           write_all(fd, r->probe_epoch, sizeof(int) * (size_t)r->n_probes) ||
           write_all(fd, r->layers, sizeof(probe_layer) * n_rows) ||
           write_all(fd, r->units.hist, sizeof(uint32_t) * run_hist_counts(r)) ||
           write_all(fd, r->units.dead, run_dead_bytes(r)) ||
           write_all(fd, r->regions.cls, regions_bytes(r)) ? -1 : 0;
}

static int send_error(int fd, ab_status st, const ab_err *e)
{
    wire_head h = {.magic = WIRE_MAGIC, .status = (int32_t)st};
    return write_all(fd, &h, sizeof h) || write_all(fd, e->msg, sizeof e->msg) ? -1 : 0;
}

/* Reads a successful child's rows into r: its counts must be those a run of
 * cfg can have, and its size theirs. */
static ab_status recv_rows(run_result *r, int fd, const wire_head *h, off_t size,
                           const train_config *cfg, ab_err *err)
{
    const run_result *w = &h->r;
    const regions_map *m = &w->regions;
    bool maps_ok = cfg->regions ? m->cells == cfg->regions->nx * cfg->regions->ny &&
                                      m->n_maps == (cfg->regions_init ? 2 : 1)
                                : m->cells == 0 && m->n_maps == 0;
    if (w->n_layers != cfg->net.depth + 1 || w->n_loss < 1 || w->n_loss > cfg->epochs + 1 ||
        w->n_probes < 0 || w->n_probes > train_n_probes(cfg) || !maps_ok ||
        w->units.depth != cfg->net.depth || w->units.width != cfg->net.width ||
        w->units.n_hist < 0 || w->units.n_hist > 2 ||
        (off_t)(sizeof *h + rows_bytes(w)) != size)
        return ab_fail(err, AB_ERUNTIME, "its result is malformed");
    /* the scalars as sent; every pointer is this process's own */
    *r = *w;
    clear_pointers(r);
    size_t b_loss = sizeof(loss_row) * (size_t)w->n_loss;
    size_t b_ep = sizeof(int) * (size_t)w->n_probes;
    size_t b_layers = sizeof(probe_layer) * (size_t)w->n_probes * (size_t)w->n_layers;
    size_t b_hist = sizeof(uint32_t) * run_hist_counts(w), b_dead = run_dead_bytes(w);
    r->loss = malloc(b_loss);
    r->probe_epoch = malloc(b_ep ? b_ep : 1);
    r->layers = malloc(b_layers ? b_layers : 1);
    r->units.hist = malloc(b_hist ? b_hist : 1);
    r->units.dead = malloc(b_dead ? b_dead : 1);
    size_t b_regions = regions_bytes(w);
    if (b_regions)
        r->regions.cls = malloc(b_regions);
    if (!r->loss || !r->probe_epoch || !r->layers || !r->units.hist || !r->units.dead ||
        (b_regions && !r->regions.cls)) {
        train_result_free(r);
        return ab_fail(err, AB_ERUNTIME, "out of memory: run result");
    }
    off_t off = sizeof *h, o_hist = off + (off_t)(b_loss + b_ep + b_layers);
    if (read_at(fd, r->loss, b_loss, off) || read_at(fd, r->probe_epoch, b_ep, off + b_loss) ||
        read_at(fd, r->layers, b_layers, off + (off_t)(b_loss + b_ep)) ||
        read_at(fd, r->units.hist, b_hist, o_hist) ||
        read_at(fd, r->units.dead, b_dead, o_hist + (off_t)b_hist) ||
        read_at(fd, r->regions.cls, b_regions, o_hist + (off_t)(b_hist + b_dead))) {
        train_result_free(r);
        return ab_fail(err, AB_ERUNTIME, "its result cannot be read back: %s", strerror(errno));
    }
    return AB_OK;
}

/* What a reaped child left: its rows into r, or its error. */
static ab_status collect(run_result *r, int fd, int status, const train_config *cfg,
                         ab_err *err)
{
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        return ab_fail(err, AB_ERUNTIME, "its process was killed by signal %d (%s)%s", sig,
                       strsignal(sig), sig == SIGKILL ? "; out of memory?" : "");
    }
    wire_head h;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || sb.st_size < (off_t)sizeof h || read_at(fd, &h, sizeof h, 0) ||
        h.magic != WIRE_MAGIC)
        return ab_fail(err, AB_ERUNTIME, "its process exited with status %d and no result",
                       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    if (h.status != AB_OK) {
        ab_err e = {{0}};
        if (sb.st_size != (off_t)(sizeof h + sizeof e.msg) || read_at(fd, e.msg, sizeof e.msg,
                                                                     sizeof h))
            return ab_fail(err, AB_ERUNTIME, "it failed without a message");
        e.msg[sizeof e.msg - 1] = '\0';
        return ab_fail(err, h.status == AB_EUSAGE ? AB_EUSAGE : AB_ERUNTIME, "%s", e.msg);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return ab_fail(err, AB_ERUNTIME, "its process exited with status %d",
                       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return recv_rows(r, fd, &h, sb.st_size, cfg, err);
}

/* ---- the children ---- */

static _Noreturn void child_main(const par_plan *p, int i, int fd, pid_t parent)
{
#ifdef __linux__
    /* A parent that dies (interrupted, killed) takes its children along: they
     * get SIGTERM, which removes their temporary files (afile). */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
    if (getppid() != parent)
        _exit(1); /* it died before prctl */
    gemm_set_threads(p->threads);
    run_result r;
    ab_err e = {{0}};
    ab_status st = train_run(&r, &p->cfgs[i], p->train, p->test, p->probe, NULL, NULL, &e);
    if (st == AB_OK && p->after)
        st = p->after(p->ctx, i, &r, &e);
    int bad = st == AB_OK ? send_result(fd, &r) : send_error(fd, st, &e);
    if (st == AB_OK && bad) {
        /* the rows did not fit (a file size limit, a full disk): say why in
         * the little room an error takes */
        ab_fail(&e, AB_ERUNTIME, "its result cannot be written: %s", strerror(errno));
        st = AB_ERUNTIME;
        bad = ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0 || send_error(fd, st, &e);
    }
    /* _exit: the parent's stdio buffers and atexit handlers are not ours */
    _exit(st == AB_OK && !bad ? 0 : 1);
}

/* An unlinked temporary file in $TMPDIR (else /tmp); -1 with err set. */
static int temp_fd(ab_err *err)
{
    const char *root = sys_tmp_dir();
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/actbench-run-XXXXXX", root) >= sizeof path) {
        ab_fail(err, AB_ERUNTIME, "temporary file: TMPDIR is too long");
        return -1;
    }
    int fd = mkstemp(path);
    if (fd < 0) {
        ab_fail(err, AB_ERUNTIME, "temporary file in %s: %s", root, strerror(errno));
        return -1;
    }
    unlink(path);
    return fd;
}

typedef struct {
    pid_t pid; /* 0 = free */
    int run;
    int fd;
} slot;

static ab_status start(slot *s, const par_plan *p, int i, ab_err *err)
{
    int fd = temp_fd(err);
    if (fd < 0)
        return AB_ERUNTIME;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fd);
        return ab_fail(err, AB_ERUNTIME, "its process cannot be started: %s", strerror(e));
    }
    if (pid == 0)
        child_main(p, i, fd, parent);
    s->pid = pid;
    s->run = i;
    s->fd = fd;
    return AB_OK;
}

static void stop_all(slot *slots, int n)
{
    for (int k = 0; k < n; k++)
        if (slots[k].pid > 0)
            kill(slots[k].pid, SIGTERM);
}

ab_status par_train(run_result *res, const par_plan *p, int *failed, ab_err *err)
{
    *failed = -1;
    slot *slots = calloc((size_t)p->jobs, sizeof *slots);
    if (!slots)
        return ab_fail(err, AB_ERUNTIME, "out of memory: job slots");
    /* children must stay waitable even if SIGCHLD was inherited as ignored */
    struct sigaction dfl = {.sa_handler = SIG_DFL}, old;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGCHLD, &dfl, &old);
    /* nothing buffered may be written twice, by a child too */
    fflush(stdout);
    fflush(stderr);

    ab_status st = AB_OK;
    int next = 0, running = 0, arrived = 0;
    for (;;) {
        while (*failed < 0 && next < p->n && running < p->jobs) {
            slot *s = slots;
            while (s->pid > 0)
                s++;
            if ((st = start(s, p, next, err)) != AB_OK) {
                *failed = next;
                stop_all(slots, p->jobs);
                break;
            }
            next++;
            running++;
        }
        if (running == 0)
            break;
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            /* no child can be waited for any more (ECHILD): give up on them */
            int e = errno;
            for (int k = 0; k < p->jobs; k++)
                if (slots[k].pid > 0) {
                    if (*failed < 0) {
                        *failed = slots[k].run;
                        st = ab_fail(err, AB_ERUNTIME, "its process cannot be waited for: %s",
                                     strerror(e));
                    }
                    close(slots[k].fd);
                    slots[k].pid = 0;
                }
            break;
        }
        slot *s = NULL;
        for (int k = 0; k < p->jobs && !s; k++)
            if (slots[k].pid == pid)
                s = &slots[k];
        if (!s)
            continue; /* not one of ours */
        running--;
        if (*failed < 0) {
            if ((st = collect(&res[s->run], s->fd, status, &p->cfgs[s->run], err)) != AB_OK) {
                *failed = s->run;
                s->pid = 0;
                stop_all(slots, p->jobs);
            } else if (p->arrived)
                p->arrived(p->ctx, s->run, ++arrived);
        }
        close(s->fd);
        s->pid = 0;
    }
    sigaction(SIGCHLD, &old, NULL);
    free(slots);
    if (*failed >= 0)
        for (int i = 0; i < p->n; i++)
            train_result_free(&res[i]);
    return st;
}
