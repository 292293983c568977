/* SPDX-License-Identifier: Apache-2.0 */
/* The manager's methods berth uses on a container's unit. */
#include <stdarg.h>
#include <string.h>

#include "helpers.h"
#include "sd.h"

#define MANAGER "org.freedesktop.systemd1.Manager"
#define ERROR_NO_SUCH_UNIT "org.freedesktop.systemd1.NoSuchUnit"
#define ERROR_UNIT_EXISTS "org.freedesktop.systemd1.UnitExists"

static void message_unrefp(sd_bus_message **m) {
  sd_bus_message_unref(*m);
}
#define _cleanup_message_ __attribute__((cleanup(message_unrefp)))

static void job_wait_clearp(struct job_wait *w) {
  job_wait_clear(w);
}
#define _cleanup_job_wait_ __attribute__((cleanup(job_wait_clearp)))

/* The unit's object path, or NULL (and 0) when systemd has no such unit loaded. */
static int unit_path(struct bus_conn *c, const char *unit, char **out, struct berth_error *err) {
  char what[UNIT_NAME_MAX + 32];
  snprintf(what, sizeof(what), "look up unit %s", unit);
  *out = NULL;
  _cleanup_message_ sd_bus_message *m = NULL, *reply = NULL;
  int r = new_call(c, &m, NULL, MANAGER, "GetUnit");
  if (r >= 0)
    r = sd_bus_message_append(m, "s", unit);
  if (r < 0)
    return cg_error(err, -r, "%s", what);
  sd_bus_error e = SD_BUS_ERROR_NULL;
  r = call_raw(c, m, &reply, &e);
  if (r < 0 && sd_bus_error_has_name(&e, ERROR_NO_SUCH_UNIT))
    r = 0;
  else if (r < 0)
    r = call_error(&e, r, what, err);
  else {
    const char *path = NULL;
    r = sd_bus_message_read(reply, "o", &path);
    if (r < 0 || (*out = strdup(path)) == NULL)
      r = cg_error(err, r < 0 ? -r : ENOMEM, "%s: unexpected answer", what);
  }
  sd_bus_error_free(&e);
  return r;
}

int unit_state(struct bus_conn *c, const char *unit, char **state, struct berth_error *err) {
  *state = NULL;
  _cleanup_free_ char *path = NULL;
  int r = unit_path(c, unit, &path, err);
  if (r < 0 || path == NULL)
    return r;
  return get_string_property(c, path, "org.freedesktop.systemd1.Unit", "ActiveState", state, err);
}

/* A manager method on unit that takes (s unit, ...), where NoSuchUnit is no error. */
static int unit_method(struct bus_conn *c, const char *member, const char *unit,
                       sd_bus_message **reply, bool *missing, struct berth_error *err,
                       const char *types, ...) {
  char what[UNIT_NAME_MAX + 64];
  snprintf(what, sizeof(what), "%s %s", member, unit);
  _cleanup_message_ sd_bus_message *m = NULL;
  int r = new_call(c, &m, NULL, MANAGER, member);
  if (r >= 0)
    r = sd_bus_message_append(m, "s", unit);
  if (r >= 0 && types != NULL) {
    va_list ap;
    va_start(ap, types);
    r = sd_bus_message_appendv(m, types, ap);
    va_end(ap);
  }
  if (r < 0)
    return cg_error(err, -r, "%s", what);
  sd_bus_error e = SD_BUS_ERROR_NULL;
  r = call_raw(c, m, reply, &e);
  *missing = r < 0 && sd_bus_error_has_name(&e, ERROR_NO_SUCH_UNIT);
  if (r < 0 && !*missing)
    r = call_error(&e, r, what, err);
  sd_bus_error_free(&e);
  return *missing ? 0 : r;
}

int unit_reset_failed(struct bus_conn *c, const char *unit, struct berth_error *err) {
  bool missing;
  return unit_method(c, "ResetFailedUnit", unit, NULL, &missing, err, NULL);
}

int unit_kill(struct bus_conn *c, const char *unit, int sig, struct berth_error *err) {
  bool missing;
  return unit_method(c, "KillUnit", unit, NULL, &missing, err, "si", "all", (int32_t)sig);
}

static int await_job(struct bus_conn *c, struct job_wait *w, sd_bus_message *reply,
                     const char *what, struct berth_error *err) {
  const char *job = NULL;
  int r = sd_bus_message_read(reply, "o", &job);
  if (r < 0)
    return cg_error(err, -r, "%s: unexpected answer", what);
  r = job_await(c, w, job, what, err);
  if (r < 0)
    return r;
  if (strcmp(w->result, "done") != 0)
    return cg_error(err, 0, "%s: systemd's job ended \"%s\", not \"done\"", what, w->result);
  return 0;
}

int unit_stop(struct bus_conn *c, const char *unit, struct berth_error *err) {
  char what[UNIT_NAME_MAX + 32];
  snprintf(what, sizeof(what), "stop unit %s", unit);
  _cleanup_job_wait_ struct job_wait w = {0};
  int r = job_watch(c, &w, err);
  if (r < 0)
    return r;
  _cleanup_message_ sd_bus_message *reply = NULL;
  bool missing;
  r = unit_method(c, "StopUnit", unit, &reply, &missing, err, "s", "replace");
  if (r < 0 || missing)
    return r;
  return await_job(c, &w, reply, what, err);
}

int unit_start(struct bus_conn *c, const char *unit, const struct unit_properties *props,
               bool *sent, struct berth_error *err) {
  char what[UNIT_NAME_MAX + 32];
  snprintf(what, sizeof(what), "start unit %s", unit);
  *sent = false;
  _cleanup_job_wait_ struct job_wait w = {0};
  int r = job_watch(c, &w, err);
  if (r < 0)
    return r;
  _cleanup_message_ sd_bus_message *m = NULL, *reply = NULL;
  r = new_call(c, &m, NULL, MANAGER, "StartTransientUnit");
  /* "fail": refuse to replace a job queued for a unit of that name by someone else. */
  if (r >= 0)
    r = sd_bus_message_append(m, "ss", unit, "fail");
  if (r >= 0)
    r = sd_bus_message_open_container(m, 'a', "(sv)");
  if (r >= 0)
    r = props_append(m, props);
  if (r >= 0)
    r = sd_bus_message_close_container(m);
  if (r >= 0)
    r = sd_bus_message_append(m, "a(sa(sv))", 0);
  if (r < 0)
    return cg_error(err, -r, "%s: build the request", what);
  sd_bus_error e = SD_BUS_ERROR_NULL;
  *sent = true;
  r = call_raw(c, m, &reply, &e);
  if (r < 0 && sd_bus_error_has_name(&e, ERROR_UNIT_EXISTS)) {
    *sent = false; /* systemd made nothing: the unit is someone else's */
    r = -EEXIST;   /* the caller decides: reset a failed one and retry, or report */
  } else if (r < 0)
    r = call_error(&e, r, what, err);
  sd_bus_error_free(&e);
  if (r < 0)
    return r;
  return await_job(c, &w, reply, what, err);
}

int unit_set(struct bus_conn *c, const char *unit, const struct unit_properties *props,
             struct berth_error *err) {
  char what[UNIT_NAME_MAX + 32];
  snprintf(what, sizeof(what), "set properties of unit %s", unit);
  _cleanup_message_ sd_bus_message *m = NULL;
  int r = new_call(c, &m, NULL, MANAGER, "SetUnitProperties");
  if (r >= 0)
    r = sd_bus_message_append(m, "sb", unit, 1); /* runtime: gone with the unit */
  if (r >= 0)
    r = sd_bus_message_open_container(m, 'a', "(sv)");
  if (r >= 0)
    r = props_append(m, props);
  if (r >= 0)
    r = sd_bus_message_close_container(m);
  if (r < 0)
    return cg_error(err, -r, "%s: build the request", what);
  return call(c, m, NULL, what, err);
}

int unit_control_group(struct bus_conn *c, const char *unit, char **out, struct berth_error *err) {
  _cleanup_free_ char *path = NULL;
  int r = unit_path(c, unit, &path, err);
  if (r < 0)
    return r;
  if (path == NULL)
    return cg_error(err, ENOENT, "unit %s: systemd has no such unit (any more)", unit);
  const char *interface = str_ends_with(unit, ".slice") ? "org.freedesktop.systemd1.Slice"
                                                        : "org.freedesktop.systemd1.Scope";
  r = get_string_property(c, path, interface, "ControlGroup", out, err);
  if (r < 0)
    return r;
  if ((*out)[0] != '/') {
    free(*out);
    *out = NULL;
    return cg_error(err, ENOENT, "unit %s: systemd gave it no cgroup", unit);
  }
  return 0;
}
