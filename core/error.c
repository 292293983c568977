/* SPDX-License-Identifier: Apache-2.0 */
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int berth_error_v(struct berth_error *err, int errnum, const char *fmt, va_list ap) {
  int code = errnum > 0 ? errnum : EIO;
  if (err == NULL)
    return -code;
  char *base = NULL;
  if (vasprintf(&base, fmt, ap) < 0)
    base = NULL;
  if (base != NULL && errnum > 0) {
    char *full = NULL;
    if (asprintf(&full, "%s: %s", base, strerror(errnum)) >= 0) {
      free(base);
      base = full;
    }
  }
  if (base == NULL)
    base = strdup("out of memory building an error message");
  /* A second error must not vanish behind the first, nor pose as it: the new one leads, the
   * earlier one follows, so the line still says what failed last and what went before. */
  if (err->msg != NULL && base != NULL) {
    char *both = NULL;
    if (asprintf(&both, "%s; earlier: %s", base, err->msg) >= 0) {
      free(base);
      base = both;
    }
  }
  free(err->msg);
  err->code = code;
  err->msg = base;
  return -code;
}

int berth_error(struct berth_error *err, int errnum, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = berth_error_v(err, errnum, fmt, ap);
  va_end(ap);
  return r;
}

int berth_error_prefix(struct berth_error *err, const char *fmt, ...) {
  if (err == NULL || err->msg == NULL)
    return -EIO;
  char *prefix = NULL, *full = NULL;
  va_list ap;
  va_start(ap, fmt);
  int n = vasprintf(&prefix, fmt, ap);
  va_end(ap);
  if (n >= 0 && asprintf(&full, "%s: %s", prefix, err->msg) >= 0) {
    free(err->msg);
    err->msg = full;
  }
  free(prefix);
  return -err->code;
}

void berth_error_clear(struct berth_error *err) {
  if (err == NULL)
    return;
  free(err->msg);
  err->msg = NULL;
  err->code = 0;
}
