/* SPDX-License-Identifier: Apache-2.0 */
/* Failures kept aside until the caller knows whether they are errors. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "cgc.h"

int cgc_set_failure(struct cgc_failure *f, int errnum, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
  va_end(ap);
  f->errnum = errnum;
  return errnum != 0 ? -errnum : -EIO;
}

int cgc_raise_failure(struct berth_error *err, const struct cgc_failure *f) {
  return cg_error(err, f->errnum, "%s", f->msg);
}

bool cgc_is_permission_error(int errnum) {
  return errnum == EPERM || errnum == EACCES || errnum == EROFS;
}
