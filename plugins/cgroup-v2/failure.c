/* SPDX-License-Identifier: Apache-2.0 */
/* Failures kept aside until the caller knows whether they are errors. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "cgv2.h"

int set_failure(struct failure *f, int errnum, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
  va_end(ap);
  f->errnum = errnum;
  return errnum != 0 ? -errnum : -EIO;
}

int raise_failure(struct berth_error *err, const struct failure *f) {
  return cg_error(err, f->errnum, "%s", f->msg);
}

bool is_permission_error(int errnum) {
  return errnum == EPERM || errnum == EACCES || errnum == EROFS;
}
