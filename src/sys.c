/* sys.c - memory, CPU description, default output folders. */
#include "sys.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "afile.h"

double sys_mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    double kb = -1.0;
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "MemAvailable: %lf kB", &kb) == 1)
                break;
        fclose(f);
    }
    if (kb > 0.0)
        return kb * 1024.0;
    long pages = sysconf(_SC_AVPHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (double)pages * (double)size : INFINITY;
}

void sys_machine(char *out, size_t n)
{
    char model[256] = "unknown CPU";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[512];
        while (fgets(line, sizeof line, f)) {
            char *c = strchr(line, ':');
            if (!strncmp(line, "model name", 10) && c) {
                snprintf(model, sizeof model, "%s", c + 2);
                model[strcspn(model, "\n")] = '\0';
                break;
            }
        }
        fclose(f);
    }
    snprintf(out, n, "%s, %ld cores", model, sysconf(_SC_NPROCESSORS_ONLN));
}

ab_status sys_out_dir(char *dir, size_t n, const char *given, const char *stem, ab_err *err)
{
    if (given) {
        if ((size_t)snprintf(dir, n, "%s", given) >= n)
            return ab_fail(err, AB_EUSAGE, "%s: path too long", given);
    } else {
        time_t t = time(NULL);
        struct tm tm;
        localtime_r(&t, &tm);
        char stamp[32], base[320];
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
        snprintf(base, sizeof base, "runs/%s%s%s", stem ? stem : "", stem ? "-" : "", stamp);
        /* built in a local buffer: GCC at -O3 with sanitizers misreads
         * snprintf into the caller's pointer as a possible null */
        char name[400];
        struct stat st;
        snprintf(name, sizeof name, "%s", base);
        for (int i = 2; stat(name, &st) == 0 && i < 1000; i++)
            snprintf(name, sizeof name, "%s-%d", base, i);
        if (strlen(name) >= n)
            return ab_fail(err, AB_EUSAGE, "%s: path too long", name);
        memcpy(dir, name, strlen(name) + 1);
    }
    char plots[4096];
    ab_status st = make_dirs(dir, err);
    if (st == AB_OK)
        st = path_join(plots, sizeof plots, dir, "plots", err);
    if (st == AB_OK)
        st = make_dirs(plots, err);
    return st;
}
