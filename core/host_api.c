/* SPDX-License-Identifier: Apache-2.0 */
/* The services the core lends to plugins (struct berth_host_api). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "plugin_crash.h"
#include "plugin_loader.h"

/* Each service runs the core's code, called from a plugin's: a crash in it is not the plugin's
 * (core/plugin_crash.h). */
static int32_t host_error(struct berth_error *err, int32_t errnum, const char *fmt, ...) {
  struct berth_plugin_call caller = berth_plugin_call_host();
  va_list ap;
  va_start(ap, fmt);
  int r = berth_error_v(err, errnum, fmt, ap);
  va_end(ap);
  berth_plugin_call_leave(caller);
  return r;
}

/* What a plugin's entry point logged while the loader held its messages back. */
struct held_message {
  int32_t level;
  char *msg;
};
static struct held_message *held;
static size_t n_held;
static bool holding;

static bool hold(int32_t level, char *msg) {
  struct held_message *more = realloc(held, (n_held + 1) * sizeof(*held));
  if (more == NULL)
    return false;
  held = more;
  held[n_held++] = (struct held_message){.level = level, .msg = msg};
  return true;
}

static void log_message(int32_t level, const char *fmt, va_list ap) {
  char *msg = NULL;
  if (vasprintf(&msg, fmt, ap) < 0)
    return;
  /* Debug lines are --debug's business and pass straight through. */
  if (holding && level < BERTH_LOG_DEBUG && hold(level, msg))
    return;
  berth_log(level, "%s", msg);
  free(msg);
}

static void host_log(int32_t level, const char *fmt, ...) {
  struct berth_plugin_call caller = berth_plugin_call_host();
  va_list ap;
  va_start(ap, fmt);
  log_message(level, fmt, ap);
  va_end(ap);
  berth_plugin_call_leave(caller);
}

void berth_host_log_hold(void) {
  holding = true;
}

char *berth_host_log_release(bool refused) {
  holding = false;
  size_t size = 1;
  for (size_t i = 0; i < n_held; i++)
    size += strlen(held[i].msg) + 2;
  char *reason = refused && n_held > 0 ? malloc(size) : NULL;
  if (reason != NULL)
    reason[0] = '\0';
  for (size_t i = 0; i < n_held; i++) {
    if (reason != NULL) {
      if (i > 0)
        strcat(reason, "; ");
      strcat(reason, held[i].msg);
    } else /* accepted (or out of memory for the reason): logged after all */
      berth_log(held[i].level, "%s", held[i].msg);
    free(held[i].msg);
  }
  /* The reason goes into a one-line error message. */
  for (char *c = reason; c != NULL && *c != '\0'; c++)
    if (*c == '\n')
      *c = ' ';
  free(held);
  held = NULL;
  n_held = 0;
  return reason;
}

/* Test-only: BERTH_TEST_MOUNTINFO names a mount table whose resctrl mount is a directory laid
 * out as resctrl, on hosts without the hardware (tests/integration/intelrdt.bats). */
static const char *host_mountinfo(void) {
  const char *test = getenv("BERTH_TEST_MOUNTINFO");
  return test != NULL && *test != '\0' ? test : "/proc/self/mountinfo";
}

const struct berth_host_api berth_host = {
    .struct_size = sizeof(struct berth_host_api),
    .abi_major = BERTH_ABI_MAJOR,
    .abi_minor = BERTH_ABI_MINOR,
    .error = host_error,
    .log = host_log,
    .mountinfo = host_mountinfo,
};
