/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static int log_fd = -1;
static bool log_json;
static bool log_debug;

static const char *const level_names[] = {"error", "warning", "info", "debug"};

int berth_log_open(const char *path, bool json, bool debug) {
  log_json = json;
  log_debug = debug;
  if (path == NULL)
    return 0;
  log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  return log_fd < 0 ? -1 : 0;
}

bool berth_log_debug_enabled(void) {
  return log_debug;
}

static void format_time(char *buf, size_t size) {
  struct timeval tv;
  struct tm tm;
  gettimeofday(&tv, NULL);
  gmtime_r(&tv.tv_sec, &tm);
  size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, size - n, ".%06ldZ", (long)tv.tv_usec);
}

static void write_log_line(int level, const char *msg) {
  char when[64];
  format_time(when, sizeof(when));
  const char *name = level_names[level < 0 || level > 3 ? 0 : level];
  char *line = NULL;
  int n;
  if (log_json) {
    json_object *o = json_object_new_object();
    json_object_object_add(o, "level", json_object_new_string(name));
    json_object_object_add(o, "msg", json_object_new_string(msg));
    json_object_object_add(o, "time", json_object_new_string(when));
    n = asprintf(
        &line, "%s\n",
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
  } else {
    json_object *quoted = json_object_new_string(msg);
    n = asprintf(&line, "time=\"%s\" level=%s msg=%s\n", when, name,
                 json_object_to_json_string_ext(quoted, JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(quoted);
  }
  if (n > 0)
    (void)write_all(log_fd >= 0 ? log_fd : STDERR_FILENO, line, (size_t)n);
  free(line);
}

void berth_log(int level, const char *fmt, ...) {
  if (level >= BERTH_LOG_DEBUG && !log_debug)
    return;
  char *msg = NULL;
  va_list ap;
  va_start(ap, fmt);
  int n = vasprintf(&msg, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  write_log_line(level, msg);
  free(msg);
}

void berth_log_fatal(const char *msg) {
  if (log_fd >= 0)
    write_log_line(BERTH_LOG_ERROR, msg);
  dprintf(STDERR_FILENO, "berth: %s\n", msg);
}
