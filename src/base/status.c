/* status.c - error message formatting for library modules. */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A message is one line of text whatever it quotes (a file's bytes, a
 * path): control bytes become '?', so that it cannot break the line or send
 * escape sequences to the terminal. */
static void one_line(char *msg)
{
    for (; *msg; msg++)
        if ((unsigned char)*msg < 0x20 || *msg == 0x7f)
            *msg = '?';
}

ab_status ab_fail(ab_err *err, ab_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        one_line(err->msg);
    }
    return status;
}

void ab_context(ab_err *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(prefix, sizeof prefix - 2, fmt, ap);
    va_end(ap);
    size_t plen = w < 0 ? 0 : (size_t)w < sizeof prefix - 2 ? (size_t)w : sizeof prefix - 3;
    memcpy(prefix + plen, ": ", 2);
    plen += 2;
    size_t mlen = strlen(err->msg);
    if (plen + mlen > sizeof err->msg - 1)
        mlen = sizeof err->msg - 1 - plen;
    memmove(err->msg + plen, err->msg, mlen);
    memcpy(err->msg, prefix, plen);
    err->msg[plen + mlen] = '\0';
    one_line(err->msg);
}
