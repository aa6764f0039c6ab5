/* afile.c - atomic output files and small path helpers. */
#ifdef __linux__
#define _DEFAULT_SOURCE /* syscall() */
#endif
#include "afile.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

/* The temporary files that exist now, for the signal handler to remove.
 *
 * Files are made, renamed and removed by one thread, the one that installed
 * the handler (or, after a fork, the one that forked), with the cleaned-up
 * signals blocked from before a file exists until it is listed, and from
 * before it is renamed or removed until it is unlisted.  The handler runs
 * there only: a signal that lands on another thread (OpenBLAS's) is passed
 * on to that one, where it waits for the window to close.  So the handler
 * never sees an entry half-written, nor a file that exists but is not yet
 * listed. */
#define OPEN_MAX 16
static struct {
    volatile sig_atomic_t used;
    char path[sizeof(((afile *)0)->tmp)];
} open_tmp[OPEN_MAX];

static const int clean_sigs[] = {SIGINT, SIGTERM, SIGHUP};
#define N_CLEAN_SIGS (int)(sizeof clean_sigs / sizeof clean_sigs[0])

/* Set by afile_on_signal: more to remove (staging folders). */
static void (*volatile signal_hook)(void);

void afile_block_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (int k = 0; k < N_CLEAN_SIGS; k++)
        sigaddset(&set, clean_sigs[k]);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

void afile_restore_signals(const sigset_t *old) { pthread_sigmask(SIG_SETMASK, old, NULL); }

void afile_on_signal(void (*fn)(void)) { signal_hook = fn; }

#ifdef __linux__
static pid_t file_thread;  /* the thread that makes the files */
static pid_t file_process; /* and its process */

static pid_t this_thread(void) { return (pid_t)syscall(SYS_gettid); }

static void after_fork(void)
{
    file_thread = this_thread();
    file_process = getpid();
}
#endif

static void list_tmp(afile *a)
{
    a->slot = -1;
    for (int k = 0; k < OPEN_MAX; k++)
        if (!open_tmp[k].used) {
            memcpy(open_tmp[k].path, a->tmp, sizeof a->tmp);
            open_tmp[k].used = 1;
            a->slot = k;
            return;
        }
}

static void unlist_tmp(afile *a)
{
    if (a->slot >= 0)
        open_tmp[a->slot].used = 0;
    a->slot = -1;
}

static void on_signal(int sig)
{
    /* only async-signal-safe calls */
#ifdef __linux__
    /* In a child that fork() has not yet told who it is (the record is its
     * parent's), clean up here rather than lose the signal. */
    if (this_thread() != file_thread && getpid() == file_process) {
        int e = errno;
        int sent = syscall(SYS_tgkill, file_process, file_thread, sig) == 0;
        errno = e;
        if (sent)
            return;
    }
#endif
    for (int k = 0; k < OPEN_MAX; k++)
        if (open_tmp[k].used)
            unlink(open_tmp[k].path);
    void (*hook)(void) = signal_hook;
    if (hook)
        hook();
    /* then the signal's default action, at once (SA_NODEFER) */
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    raise(sig);
}

/* Removes the temporary file (if any) and its entry. */
static void drop_tmp(afile *a)
{
    sigset_t old;
    afile_block_signals(&old);
    if (a->tmp[0])
        unlink(a->tmp);
    a->tmp[0] = '\0';
    unlist_tmp(a);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void afile_clean_on_signals(void)
{
#ifdef __linux__
    after_fork();
    pthread_atfork(NULL, NULL, after_fork);
#endif
    for (int k = 0; k < N_CLEAN_SIGS; k++) {
        struct sigaction old, sa = {.sa_handler = on_signal, .sa_flags = SA_NODEFER};
        sigemptyset(&sa.sa_mask);
        if (sigaction(clean_sigs[k], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(clean_sigs[k], &sa, NULL);
    }
}

ab_status afile_open(afile *a, const char *path, ab_err *err)
{
    a->f = NULL;
    a->tmp[0] = '\0';
    a->slot = -1;
    if (snprintf(a->path, sizeof a->path, "%s", path) >= (int)sizeof a->path ||
        snprintf(a->tmp, sizeof a->tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof a->tmp)
        return ab_fail(err, AB_EUSAGE, "%s: path too long", path);
    sigset_t old;
    afile_block_signals(&old);
    int fd = mkstemp(a->tmp);
    int e = errno;
    if (fd >= 0)
        list_tmp(a);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (fd < 0) {
        a->tmp[0] = '\0';
        return ab_fail(err, AB_ERUNTIME, "%s: cannot create: %s", path, strerror(e));
    }
    /* mkstemp makes the file 0600; output files are for sharing. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    a->f = fdopen(fd, "w");
    if (!a->f) {
        e = errno;
        close(fd);
        drop_tmp(a);
        return ab_fail(err, AB_ERUNTIME, "%s: cannot open: %s", path, strerror(e));
    }
    return AB_OK;
}

ab_status afile_commit(afile *a, ab_err *err)
{
    int bad = ferror(a->f);
    int saved = errno;
    if (fclose(a->f) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    a->f = NULL;
    if (bad) {
        drop_tmp(a);
        return ab_fail(err, AB_ERUNTIME, "%s: write failed: %s", a->path, strerror(saved));
    }
    sigset_t old;
    afile_block_signals(&old);
    int moved = rename(a->tmp, a->path) == 0;
    saved = errno;
    if (moved) {
        a->tmp[0] = '\0';
        unlist_tmp(a);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!moved) {
        drop_tmp(a);
        return ab_fail(err, AB_ERUNTIME, "%s: cannot rename into place: %s", a->path,
                       strerror(saved));
    }
    return AB_OK;
}

void afile_abort(afile *a)
{
    if (a->f)
        fclose(a->f);
    a->f = NULL;
    drop_tmp(a);
}

ab_status afile_path_join(char *out, size_t n, const char *dir, const char *name, ab_err *err)
{
    size_t dl = strlen(dir);
    const char *sep = (dl > 0 && dir[dl - 1] == '/') ? "" : "/";
    if ((size_t)snprintf(out, n, "%s%s%s", dir, sep, name) >= n)
        return ab_fail(err, AB_EUSAGE, "%s: path too long", dir);
    return AB_OK;
}

ab_status afile_make_dirs(const char *dir, ab_err *err)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf)
        return ab_fail(err, AB_EUSAGE, "%s: path too long", dir);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return ab_fail(err, AB_ERUNTIME, "%s: cannot create folder: %s", buf,
                               strerror(errno));
            *p = c;
            if (c == '\0')
                break;
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return ab_fail(err, AB_ERUNTIME, "%s: not a folder", dir);
    if (access(dir, W_OK) != 0)
        return ab_fail(err, AB_ERUNTIME, "%s: folder is not writable", dir);
    return AB_OK;
}

ab_status afile_open_in(afile *a, const char *dir, const char *name, ab_err *err)
{
    char path[4096];
    ab_status st = afile_path_join(path, sizeof path, dir, name, err);
    return st == AB_OK ? afile_open(a, path, err) : st;
}
