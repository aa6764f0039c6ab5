/* stage.c - output folders built beside their destination and put in place
 * whole.
 *
 * DEST is built as PARENT/.NAME.partial.  Who may touch that folder is
 * decided by flock(2) on the folder itself, so the lock dies with its
 * process: a staging folder whose lock is free was left by a process that
 * died, and is emptied and reused.  The lock is taken on a descriptor and
 * then checked against the name: a folder renamed away (committed) between
 * our open and our lock is not mistaken for a dead process's.  Nothing is
 * removed but through a descriptor whose lock this process holds.
 *
 * An existing DEST is swapped with the staged folder in one step
 * (renameat2 RENAME_EXCHANGE), so it is never missing or mixed; the old tree,
 * now named .NAME.partial, is locked before the swap, or a stage of DEST
 * starting meanwhile would take it for a dead process's and write in it.
 *
 * Signals: afile's handler calls remove_live, which removes the folders this
 * process is staging with async-signal-safe calls only: the tree is walked by
 * descriptor (openat, getdents64, unlinkat), never by path nor through a
 * symbolic link, to a bounded depth, on one small stack buffer per level.
 * Entries are listed and unlisted with the signals blocked, as afile's are.
 * A fork child shares the list and the lock but removes nothing: each entry
 * names the process that owns it.  (syscall() and memcpy in the handler:
 * afile's already calls syscall(); memcpy is async-signal-safe since POSIX
 * 2016.)  What a signal cannot remove (SIGKILL, a crash, a child writing as
 * the handler runs) stays hidden until the next stage of that folder. */
#define _GNU_SOURCE /* renameat2, flock, syscall */
#include "stage.h"

#ifndef __linux__
#error "stage.c needs Linux: renameat2, getdents64, flock on folders"
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "afile.h"

#define SUFFIX ".partial"
#define SUFFIX_LEN (sizeof SUFFIX - 1)
#define STAGES_MAX 8  /* folders one process stages at once */
#define TREE_DEPTH 24 /* levels below a staged folder that are removed */
#define TRIES 100     /* a name that keeps changing under us: give up */
#define BUSY (-1)     /* take(): another process holds the stage */

/* The folders being staged, for the signal handler. */
static struct {
    volatile sig_atomic_t used;
    pid_t owner;   /* only this process removes it */
    int parent_fd; /* the folder it is named in */
    int fd;        /* the folder to remove, locked */
    char name[NAME_MAX + 1];
} live[STAGES_MAX];

static const char *base_of(const char *p)
{
    const char *q = strrchr(p, '/');
    return q ? q + 1 : p;
}

/* ---- removing a tree by descriptor, async-signal-safe ---- */

/* getdents64's record */
struct dent64 {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

static int rm_contents(int fd, int depth);

/* Removes name in folder dfd, a folder with all it holds; 0, or -1 with errno
 * (ENAMETOOLONG: deeper than TREE_DEPTH). */
static int rm_entry(int dfd, const char *name, int depth)
{
    if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
        return 0;
    int e = errno; /* Linux says EISDIR for a folder, POSIX EPERM */
    if (e != EISDIR && e != EPERM)
        return -1;
    if (depth >= TREE_DEPTH) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        if (errno == ENOTDIR)
            errno = e;
        return -1;
    }
    int bad = rm_contents(fd, depth + 1) != 0 ? errno : 0;
    close(fd);
    if (unlinkat(dfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
        return bad ? (errno = bad, -1) : 0;
    if (bad)
        errno = bad;
    return -1;
}

/* Removes everything in the folder open as fd; 0, or -1 with the errno of the
 * first failure. */
static int rm_contents(int fd, int depth)
{
    _Alignas(8) char buf[1024];
    int bad = 0;
    /* a second pass: for what a fork child still writing added meanwhile, and
     * what a file system's listing skipped as we removed from it (not after
     * a failure: a tree too deep would be walked again at every level) */
    for (int pass = 0; pass < 2 && !bad; pass++) {
        if (lseek(fd, 0, SEEK_SET) < 0)
            return -1;
        long n;
        while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
            for (long off = 0; off < n;) {
                unsigned short len;
                memcpy(&len, buf + off + offsetof(struct dent64, reclen), sizeof len);
                const char *name = buf + off + offsetof(struct dent64, name);
                off += len;
                int dot = name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]));
                if (!dot && rm_entry(fd, name, depth) != 0 && !bad)
                    bad = errno;
            }
        if (n < 0)
            return -1;
    }
    errno = bad;
    return bad ? -1 : 0;
}

/* The signal handler's part (afile_on_signal). */
static void remove_live(void)
{
    pid_t me = getpid();
    for (int k = 0; k < STAGES_MAX; k++)
        if (live[k].used && live[k].owner == me) {
            rm_contents(live[k].fd, 0);
            unlinkat(live[k].parent_fd, live[k].name, AT_REMOVEDIR);
        }
}

/* ---- names ---- */

/* s->dest from path less trailing '/', s->dir beside it, and dest's folder
 * into parent (size PATH_MAX). */
static ab_status set_dest(stage_dir *s, const char *path, char *parent, ab_err *err)
{
    size_t len = strlen(path);
    if (len == 0)
        return ab_fail(err, AB_EUSAGE, "output folder: empty path");
    if (len >= sizeof s->dest)
        return ab_fail(err, AB_EUSAGE, "%.40s...: path too long (%zu bytes, at most %zu)", path,
                       len, sizeof s->dest - 1);
    memcpy(s->dest, path, len + 1);
    while (len > 1 && s->dest[len - 1] == '/')
        s->dest[--len] = '\0';
    const char *name = base_of(s->dest);
    size_t at = (size_t)(name - s->dest), nl = strlen(name);
    if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
        return ab_fail(err, AB_EUSAGE,
                       "%s: the folder itself cannot be replaced; name a folder in it", path);
    if (1 + nl + SUFFIX_LEN > NAME_MAX)
        return ab_fail(err, AB_EUSAGE, "%.40s...: name too long (at most %d bytes)", name,
                       NAME_MAX - 1 - (int)SUFFIX_LEN);
    if (at + 1 + nl + SUFFIX_LEN >= sizeof s->dir)
        return ab_fail(err, AB_EUSAGE, "%.40s...: path too long", path);
    memcpy(s->dir, s->dest, at);
    s->dir[at] = '.';
    memcpy(s->dir + at + 1, name, nl);
    memcpy(s->dir + at + 1 + nl, SUFFIX, SUFFIX_LEN + 1);
    /* what precedes name less its trailing '/'; "/" or "." when nothing */
    size_t pl = at;
    while (pl > 1 && s->dest[pl - 1] == '/')
        pl--;
    if (pl == 0)
        memcpy(parent, ".", 2);
    else {
        memcpy(parent, s->dest, pl);
        parent[pl] = '\0';
    }
    return AB_OK;
}

/* A dest that is a symbolic link stands for the folder it names. */
static ab_status follow_link(stage_dir *s, char *parent, ab_err *err)
{
    struct stat st;
    if (lstat(s->dest, &st) != 0 || !S_ISLNK(st.st_mode))
        return AB_OK;
    char real[PATH_MAX];
    if (!realpath(s->dest, real))
        return ab_fail(err, AB_ERUNTIME, "%s: a symbolic link that cannot be followed: %s",
                       s->dest, strerror(errno));
    if (stat(real, &st) != 0 || !S_ISDIR(st.st_mode))
        return ab_fail(err, AB_ERUNTIME, "%s: a symbolic link to %s, not a folder; not replaced",
                       s->dest, real);
    return set_dest(s, real, parent, err);
}

/* Whether folder d is the current folder or holds it. */
static int holds_cwd(const struct stat *d)
{
    int fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), found = 0;
    struct stat st;
    while (fd >= 0 && fstat(fd, &st) == 0) {
        if (st.st_dev == d->st_dev && st.st_ino == d->st_ino) {
            found = 1;
            break;
        }
        int up = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct stat ust;
        close(fd);
        fd = up;
        if (fd >= 0 && fstat(fd, &ust) == 0 && ust.st_dev == st.st_dev && ust.st_ino == st.st_ino)
            break; /* the root */
    }
    if (fd >= 0)
        close(fd);
    return found;
}

/* Makes dest's folder (and its missing parents) and opens it. */
static ab_status open_parent(stage_dir *s, const char *parent, ab_err *err)
{
    if (afile_make_dirs(parent, err) != AB_OK) {
        struct stat st;
        if (stat(parent, &st) == 0 && S_ISDIR(st.st_mode) && access(parent, W_OK) != 0)
            return ab_fail(err, AB_ERUNTIME, "%s: cannot write in this folder: %s", parent,
                           strerror(errno));
        return AB_ERUNTIME;
    }
    s->parent_fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->parent_fd < 0)
        return ab_fail(err, AB_ERUNTIME, "%s: cannot open folder: %s", parent, strerror(errno));
    return AB_OK;
}

/* AB_OK when dest is missing or a folder that may be replaced. */
static ab_status check_dest(const stage_dir *s, ab_err *err)
{
    struct stat st;
    if (fstatat(s->parent_fd, base_of(s->dest), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? AB_OK
                               : ab_fail(err, AB_ERUNTIME, "%s: %s", s->dest, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return ab_fail(err, AB_ERUNTIME, "%s: exists and is not a folder; not replaced", s->dest);
    /* replacing it would take the caller's files (a project folder) along */
    if (holds_cwd(&st))
        return ab_fail(err, AB_ERUNTIME, "%s: is or holds the current folder; not replaced",
                       s->dest);
    return AB_OK;
}

static int dest_missing(const stage_dir *s)
{
    struct stat st;
    return fstatat(s->parent_fd, base_of(s->dest), &st, AT_SYMLINK_NOFOLLOW) != 0 &&
           errno == ENOENT;
}

/* Whether name in folder pfd is (still) the one open as fd. */
static int names(int pfd, const char *name, int fd)
{
    struct stat a, b;
    return fstat(fd, &a) == 0 && fstatat(pfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
           a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* ---- taking and letting go ---- */

enum { LOCK_BUSY = -2, LOCK_MOVED = -3 };

/* Opens and flocks folder sname in pfd, making it when missing (*made says
 * so): its fd; LOCK_BUSY when another process holds it; LOCK_MOVED when the
 * name no longer is the folder locked (try again); or -1 with errno. */
static int lock_at(int pfd, const char *sname, int *made)
{
    *made = mkdirat(pfd, sname, 0777) == 0;
    if (!*made && errno != EEXIST)
        return -1;
    int fd = openat(pfd, sname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? LOCK_MOVED : -1;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(fd);
        if (e == EWOULDBLOCK)
            return LOCK_BUSY;
        if (*made) /* no one can lock it: not left behind (empty, or it stays) */
            unlinkat(pfd, sname, AT_REMOVEDIR);
        errno = e;
        return -1;
    }
    if (!names(pfd, sname, fd)) {
        close(fd);
        return LOCK_MOVED;
    }
    return fd;
}

/* Takes s->dir, listed for the signal handler: AB_OK, BUSY, or a failure. */
static int take(stage_dir *s, ab_err *err)
{
    const char *sname = base_of(s->dir);
    int slot = 0;
    while (slot < STAGES_MAX && live[slot].used)
        slot++;
    if (slot == STAGES_MAX)
        return ab_fail(err, AB_ERUNTIME, "%s: more than %d folders staged at once", s->dest,
                       STAGES_MAX);
    for (int tries = 0; tries < TRIES; tries++) {
        sigset_t old;
        afile_block_signals(&old);
        int made, fd = lock_at(s->parent_fd, sname, &made), e = errno;
        if (fd >= 0) {
            afile_on_signal(remove_live);
            live[slot].owner = getpid();
            live[slot].parent_fd = s->parent_fd;
            live[slot].fd = fd;
            memcpy(live[slot].name, sname, strlen(sname) + 1);
            live[slot].used = 1;
            s->fd = fd;
            s->slot = slot;
            s->held = 1;
        }
        afile_restore_signals(&old);
        if (fd == LOCK_MOVED)
            continue;
        if (fd == LOCK_BUSY)
            return BUSY;
        if (fd < 0 && (e == ENOTDIR || e == ELOOP))
            return ab_fail(err, AB_ERUNTIME, "%s: exists and is not a folder; remove it", s->dir);
        if (fd < 0)
            return ab_fail(err, AB_ERUNTIME, "cannot make its staging folder %s: %s", s->dir,
                           strerror(e));
        if (!made && rm_contents(fd, 0) != 0)
            return ab_fail(err, AB_ERUNTIME, "%s: cannot remove what an earlier process left: %s",
                           s->dir, strerror(errno));
        return AB_OK;
    }
    return ab_fail(err, AB_ERUNTIME, "%s: keeps being replaced by another process", s->dir);
}

/* Lets go of s->dir, removing it and all it holds when this process staged
 * it; what cannot be removed stays, hidden, for the next stage of dest. */
static void drop_dir(stage_dir *s)
{
    if (s->held && s->owner == getpid()) {
        rm_contents(s->fd, 0);
        sigset_t old;
        afile_block_signals(&old);
        /* with the entry: once the name is free, it may be another's */
        unlinkat(s->parent_fd, base_of(s->dir), AT_REMOVEDIR);
        live[s->slot].used = 0;
        afile_restore_signals(&old);
    }
    if (s->fd >= 0)
        close(s->fd);
    s->fd = s->slot = -1;
    s->held = 0;
}

static void release(stage_dir *s)
{
    drop_dir(s);
    if (s->parent_fd >= 0)
        close(s->parent_fd);
    s->parent_fd = -1;
}

static void init(stage_dir *s, int fresh)
{
    s->dest[0] = s->dir[0] = '\0';
    s->parent_fd = s->fd = s->slot = -1;
    s->fresh = fresh;
    s->held = 0;
    s->owner = getpid();
}

/* ---- the API ---- */

ab_status stage_open(stage_dir *s, const char *dest, ab_err *err)
{
    char parent[PATH_MAX];
    init(s, 0);
    ab_status st = set_dest(s, dest, parent, err);
    if (st == AB_OK)
        st = follow_link(s, parent, err);
    if (st == AB_OK)
        st = open_parent(s, parent, err);
    if (st == AB_OK)
        st = check_dest(s, err);
    if (st == AB_OK) {
        int r = take(s, err);
        st = r == BUSY ? ab_fail(err, AB_ERUNTIME, "%s: another actbench process is writing it",
                                 s->dest)
                       : (ab_status)r;
    }
    /* every message names the folder the user asked for */
    size_t n = strlen(dest);
    if (st != AB_OK && err && n < 256 && strncmp(err->msg, dest, n) != 0)
        ab_context(err, "%s", dest);
    if (st != AB_OK)
        release(s);
    return st;
}

ab_status stage_open_new(stage_dir *s, const char *parent, const char *stem, ab_err *err)
{
    init(s, 1);
    if (stem && strchr(stem, '/'))
        return ab_fail(err, AB_EUSAGE, "%s: a name cannot hold '/'", stem);
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    char stamp[32], base[NAME_MAX + 1], name[NAME_MAX + 16], path[PATH_MAX], pdir[PATH_MAX];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    int has = stem && *stem;
    if ((size_t)snprintf(base, sizeof base, "%s%s%s", has ? stem : "", has ? "-" : "", stamp) >=
        sizeof base)
        return ab_fail(err, AB_EUSAGE, "%.40s...: name too long", stem);
    ab_status st = AB_OK;
    for (int i = 1; i < 1000 && st == AB_OK; i++) {
        if (i == 1)
            snprintf(name, sizeof name, "%s", base);
        else
            snprintf(name, sizeof name, "%s-%d", base, i);
        if (parent && *parent)
            st = afile_path_join(path, sizeof path, parent, name, err);
        else
            snprintf(path, sizeof path, "%s", name);
        if (st == AB_OK)
            st = set_dest(s, path, pdir, err);
        if (st == AB_OK && s->parent_fd < 0)
            st = open_parent(s, pdir, err);
        if (st != AB_OK || !dest_missing(s))
            continue;
        int r = take(s, err);
        if (r == BUSY)
            continue;
        st = (ab_status)r;
        /* a stage of this name that committed after our look and before our lock */
        if (st == AB_OK && !dest_missing(s))
            drop_dir(s);
        else if (st == AB_OK)
            return AB_OK;
    }
    if (st == AB_OK)
        st = ab_fail(err, AB_ERUNTIME, "%s: no free name up to %s-999", pdir, base);
    release(s);
    return st;
}

enum { MOVED, TAKEN, FAILED };

/* Renames the staged folder to a missing dest: MOVED, TAKEN when dest exists. */
static int move_in(stage_dir *s, ab_err *err)
{
    const char *sname = base_of(s->dir), *name = base_of(s->dest);
    sigset_t old;
    afile_block_signals(&old);
    int r = renameat2(s->parent_fd, sname, s->parent_fd, name, RENAME_NOREPLACE);
    if (r != 0 && errno == EINVAL) {
        /* no RENAME_NOREPLACE on this file system: only a process outside
         * actbench can make dest between the look and the rename, as a stage
         * of it needs the lock we hold */
        struct stat st;
        if (fstatat(s->parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            errno = EEXIST;
        else if (errno == ENOENT)
            r = renameat(s->parent_fd, sname, s->parent_fd, name);
    }
    int e = errno;
    if (r == 0) {
        live[s->slot].used = 0;
        s->held = 0; /* dest now: not to be removed */
    }
    afile_restore_signals(&old);
    if (r == 0)
        return MOVED;
    if (e == EEXIST || e == ENOTEMPTY)
        return TAKEN;
    ab_fail(err, AB_ERUNTIME, "%s: cannot move into place: %s", s->dest, strerror(e));
    return FAILED;
}

/* Locks the old dest open as fd, held at most a moment by another stage (one
 * that has just put it in place, or looked at it as a staging folder). */
static int lock_old(int fd)
{
    for (int k = 0; k < 200; k++) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return 1;
        if (errno != EWOULDBLOCK || nanosleep(&(struct timespec){0, 5000000}, NULL) != 0)
            break;
    }
    return 0;
}

/* Swaps the staged folder with an existing dest; the old tree is then s->fd,
 * named s->dir and locked: MOVED, TAKEN when dest went or changed meanwhile. */
static int swap_in(stage_dir *s, ab_err *err)
{
    const char *name = base_of(s->dest);
    int fd = openat(s->parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return TAKEN;
        if (errno == ENOTDIR || errno == ELOOP)
            ab_fail(err, AB_ERUNTIME, "%s: exists and is not a folder; not replaced", s->dest);
        else
            ab_fail(err, AB_ERUNTIME, "%s: cannot open: %s", s->dest, strerror(errno));
        return FAILED;
    }
    int locked = lock_old(fd);
    if (!locked || !names(s->parent_fd, name, fd)) {
        close(fd);
        if (locked)
            return TAKEN;
        ab_fail(err, AB_ERUNTIME, "%s: locked by another process; not replaced", s->dest);
        return FAILED;
    }
    sigset_t old;
    afile_block_signals(&old);
    int r = renameat2(s->parent_fd, base_of(s->dir), s->parent_fd, name, RENAME_EXCHANGE);
    int e = errno;
    if (r == 0) {
        close(s->fd);
        s->fd = live[s->slot].fd = fd;
    }
    afile_restore_signals(&old);
    if (r == 0)
        return MOVED;
    close(fd);
    ab_fail(err, AB_ERUNTIME, "%s: cannot be replaced as a whole (renameat2 RENAME_EXCHANGE): %s",
            s->dest, strerror(e));
    return FAILED;
}

ab_status stage_commit(stage_dir *s, ab_err *err)
{
    if (!s->held)
        return ab_fail(err, AB_ERUNTIME, "%s: not being staged",
                       s->dest[0] ? s->dest : "stage_commit");
    if (s->owner != getpid())
        return ab_fail(err, AB_ERUNTIME, "%s: only the process that began it puts it in place",
                       s->dest);
    int r = TAKEN;
    for (int tries = 0; tries < TRIES && r == TAKEN; tries++) {
        r = move_in(s, err);
        if (r == TAKEN && s->fresh) {
            ab_fail(err, AB_ERUNTIME, "%s: made by another process meanwhile; not replaced",
                    s->dest);
            r = FAILED;
        }
        if (r == TAKEN)
            r = swap_in(s, err);
    }
    if (r == TAKEN)
        ab_fail(err, AB_ERUNTIME, "%s: keeps being replaced by another process", s->dest);
    release(s); /* the staged folder on failure, the old tree after a swap */
    return r == MOVED ? AB_OK : AB_ERUNTIME;
}

void stage_abort(stage_dir *s)
{
    if (s->held)
        release(s);
}

/* ---- keeping part of the earlier folder ---- */

/* Links every entry of folder sfd into folder dfd, recursively: folders are
 * made anew (0700 while they fill, then their own mode), files hard-linked,
 * links copied.  -1 with errno on failure, bad naming the entry. */
static int link_tree(int sfd, int dfd, int depth, char *bad);

/* One entry n of sfd into dfd; bad (256 bytes) gets the deepest entry that
 * failed. */
static int link_entry(int sfd, int dfd, const char *n, int depth, char *bad)
{
    struct stat st;
    if (fstatat(sfd, n, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? 0 : -1;
    if (S_ISLNK(st.st_mode)) {
        char to[PATH_MAX];
        ssize_t len = readlinkat(sfd, n, to, sizeof to - 1);
        return len < 0 ? -1 : (to[len] = '\0', symlinkat(to, dfd, n));
    }
    if (!S_ISDIR(st.st_mode))
        return linkat(sfd, n, dfd, n, 0);
    /* deeper than a staged folder can be removed again: refuse, not make */
    if (depth >= TREE_DEPTH - 1)
        return errno = ELOOP, -1;
    int a = -1, b = -1, rc = -1;
    if (mkdirat(dfd, n, 0700) == 0 &&
        (a = openat(sfd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0 &&
        (b = openat(dfd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0 &&
        link_tree(a, b, depth + 1, bad) == 0)
        rc = fchmod(b, st.st_mode & 07777);
    int keep = errno;
    if (a >= 0)
        close(a);
    if (b >= 0)
        close(b);
    errno = keep;
    return rc;
}

static int link_tree(int sfd, int dfd, int depth, char *bad)
{
    int fd = dup(sfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    for (errno = 0; rc == 0 && (e = readdir(d)); errno = 0) {
        const char *n = e->d_name;
        if (strcmp(n, ".") && strcmp(n, "..") && (rc = link_entry(sfd, dfd, n, depth, bad)))
            if (!bad[0])
                snprintf(bad, 256, "%s", n);
    }
    if (rc == 0 && errno != 0)
        rc = -1; /* readdir failed: not the end of the folder */
    int keep = errno;
    closedir(d);
    errno = keep;
    return rc;
}

ab_status stage_keep(stage_dir *s, bool (*drop)(const char *name, void *ctx), void *ctx,
                     ab_err *err)
{
    if (!s->held)
        return ab_fail(err, AB_ERUNTIME, "%s: not being staged", s->dest);
    int src = openat(s->parent_fd, base_of(s->dest), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (src < 0)
        return errno == ENOENT ? AB_OK
                               : ab_fail(err, AB_ERUNTIME, "%s: cannot open: %s", s->dest,
                                         strerror(errno));
    DIR *d = fdopendir(src);
    if (!d) {
        int e = errno;
        close(src);
        return ab_fail(err, AB_ERUNTIME, "%s: cannot read: %s", s->dest, strerror(e));
    }
    int rc = 0, fd = dirfd(d);
    char bad[256] = "", top[256] = "";
    struct dirent *e;
    for (errno = 0; rc == 0 && (e = readdir(d)); errno = 0) {
        const char *n = e->d_name;
        if (!strcmp(n, ".") || !strcmp(n, "..") || (drop && drop(n, ctx)))
            continue;
        if ((rc = link_entry(fd, s->fd, n, 1, bad)) != 0)
            snprintf(top, sizeof top, "%s", n);
    }
    if (rc == 0 && errno != 0)
        rc = -1;
    int keep = errno;
    closedir(d);
    bool deeper = bad[0] && strcmp(bad, top);
    if (rc != 0)
        return ab_fail(err, AB_ERUNTIME, "%s: cannot keep its earlier contents (%s%s%s): %s",
                       s->dest, top[0] ? top : "reading it", deeper ? ", at " : "",
                       deeper ? bad : "", strerror(keep));
    return AB_OK;
}
