/* status.c - error message formatting for library modules. */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

void ab_context(ab_err *err, const char *fmt, ...)
{
    if (!err)
        return;
    char ctx[sizeof err->msg], msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx, sizeof ctx, fmt, ap);
    va_end(ap);
    snprintf(msg, sizeof msg, "%s", err->msg);
    /* cut to fit, context first: the message's end is lost, not its start */
    size_t n = strlen(ctx);
    if (n > sizeof err->msg - 3)
        n = sizeof err->msg - 3;
    memcpy(err->msg, ctx, n);
    memcpy(err->msg + n, ": ", 2);
    size_t m = strlen(msg), room = sizeof err->msg - n - 3;
    if (m > room)
        m = room;
    memcpy(err->msg + n + 2, msg, m);
    err->msg[n + 2 + m] = '\0';
}
