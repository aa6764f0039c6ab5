/* fuzz_expfile.c - libFuzzer target for experiment files: the input is an
 * .ini file given to xf_load, once as run and once with its [quick] values.
 * On success the experiment holds what expfile.h promises (fuzz_xf.h); on
 * failure the status is a known one and the message one line. */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "fuzz_xf.h"

static experiment e; /* about 60 KB: not on the stack */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fz_memfd(data, size, path, sizeof path);
    for (int quick = 0; quick < 2; quick++) {
        ab_err err = {{0}};
        ab_status st = xf_load(&e, path, quick, &err);
        if (st == AB_OK)
            fz_check_experiment(&e);
        else
            fz_check_failure(st, &err);
    }
    close(fd);
    return 0;
}
