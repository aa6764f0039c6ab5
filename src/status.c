/* status.c - error message formatting for library modules. */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>

ab_status ab_fail(ab_err *err, ab_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return status;
}
