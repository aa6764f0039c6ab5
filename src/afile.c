/* afile.c - atomic output files and small path helpers. */
#include "afile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

ab_status afile_open(afile *a, const char *path, ab_err *err)
{
    a->f = NULL;
    a->tmp[0] = '\0';
    if (snprintf(a->path, sizeof a->path, "%s", path) >= (int)sizeof a->path ||
        snprintf(a->tmp, sizeof a->tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof a->tmp)
        return ab_fail(err, AB_EUSAGE, "%s: path too long", path);
    int fd = mkstemp(a->tmp);
    if (fd < 0) {
        a->tmp[0] = '\0';
        return ab_fail(err, AB_ERUNTIME, "%s: cannot create: %s", path, strerror(errno));
    }
    /* mkstemp makes the file 0600; output files are for sharing. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    a->f = fdopen(fd, "w");
    if (!a->f) {
        close(fd);
        unlink(a->tmp);
        a->tmp[0] = '\0';
        return ab_fail(err, AB_ERUNTIME, "%s: cannot open: %s", path, strerror(errno));
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
        unlink(a->tmp);
        return ab_fail(err, AB_ERUNTIME, "%s: write failed: %s", a->path, strerror(saved));
    }
    if (rename(a->tmp, a->path) != 0) {
        saved = errno;
        unlink(a->tmp);
        return ab_fail(err, AB_ERUNTIME, "%s: cannot rename into place: %s", a->path,
                       strerror(saved));
    }
    a->tmp[0] = '\0';
    return AB_OK;
}

void afile_abort(afile *a)
{
    if (a->f)
        fclose(a->f);
    a->f = NULL;
    if (a->tmp[0])
        unlink(a->tmp);
    a->tmp[0] = '\0';
}

ab_status path_join(char *out, size_t n, const char *dir, const char *name, ab_err *err)
{
    size_t dl = strlen(dir);
    const char *sep = (dl > 0 && dir[dl - 1] == '/') ? "" : "/";
    if ((size_t)snprintf(out, n, "%s%s%s", dir, sep, name) >= n)
        return ab_fail(err, AB_EUSAGE, "%s: path too long", dir);
    return AB_OK;
}

ab_status make_dirs(const char *dir, ab_err *err)
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
    ab_status st = path_join(path, sizeof path, dir, name, err);
    return st == AB_OK ? afile_open(a, path, err) : st;
}
