/* SPDX-License-Identifier: Apache-2.0 */
/* Errors carry context upward: the function that knows the cause writes the message,
 * callers prefix their own context on the way up. */
#ifndef BERTH_ERROR_H
#define BERTH_ERROR_H

#include <stdarg.h>

struct berth_error {
  int code;  /* positive errno, 0 when no error */
  char *msg; /* malloc()ed, NULL when no error */
};

/* Set err from errnum and the message; returns -errnum (or -EIO when errnum is 0).
 * strerror(errnum) is appended when errnum != 0. If err already holds an error, the new one
 * wraps it ("new: why; earlier: old") and takes its code: a caller that means to drop an
 * error clears it (berth_error_clear) rather than leaving it to be reported later. */
int berth_error(struct berth_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int berth_error_v(struct berth_error *err, int errnum, const char *fmt, va_list ap);
/* Prefix the message: "CONTEXT: old message". Returns -code. */
int berth_error_prefix(struct berth_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void berth_error_clear(struct berth_error *err);

#define _cleanup_error_ __attribute__((cleanup(berth_error_clear)))

#endif
