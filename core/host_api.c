/* SPDX-License-Identifier: Apache-2.0 */
/* The services the core lends to plugins (struct berth_host_api). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "error.h"
#include "log.h"
#include "plugin_loader.h"

static int32_t host_error(struct berth_error *err, int32_t errnum, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = berth_error_v(err, errnum, fmt, ap);
  va_end(ap);
  return r;
}

static void host_log(int32_t level, const char *fmt, ...) {
  char *msg = NULL;
  va_list ap;
  va_start(ap, fmt);
  int n = vasprintf(&msg, fmt, ap);
  va_end(ap);
  if (n >= 0)
    berth_log(level, "%s", msg);
  free(msg);
}

const struct berth_host_api berth_host = {
    .struct_size = sizeof(struct berth_host_api),
    .abi_major = BERTH_ABI_MAJOR,
    .abi_minor = BERTH_ABI_MINOR,
    .error = host_error,
    .log = host_log,
};
