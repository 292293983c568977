/* SPDX-License-Identifier: Apache-2.0 */
/* The connection to systemd: the system bus (its private socket when there is no dbus-daemon,
 * as root), or the user's bus when rootless; every wait bounded (runc #3904), every failure
 * a message that says what systemd was asked and what it said. */
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "sd.h"

#define SYSTEMD_SERVICE "org.freedesktop.systemd1"
#define SYSTEMD_PATH "/org/freedesktop/systemd1"
#define SYSTEMD_PRIVATE_SOCKET "/run/systemd/private"
#define TIMEOUT_SEC ((int)(CALL_TIMEOUT_USEC / 1000000))

static uint64_t now_usec(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Every call waits for its reply, so nothing is left to flush (and a flush could wait on a
 * peer that stopped reading). */
static void close_bus(sd_bus *bus) {
  sd_bus_close(bus);
  sd_bus_unref(bus);
}

void conn_close(struct bus_conn *c) {
  /* A connection made by another process (before a fork) is that process's to close. */
  if (c->bus != NULL && c->pid == getpid())
    close_bus(c->bus);
  c->bus = NULL;
}

/* Authentication and Hello, which sd-bus would otherwise wait for up to 90 s. */
static int wait_ready(sd_bus *bus) {
  uint64_t deadline = now_usec() + CALL_TIMEOUT_USEC;
  for (;;) {
    int r = sd_bus_is_ready(bus);
    if (r != 0)
      return r < 0 ? r : 0;
    r = sd_bus_process(bus, NULL);
    if (r < 0)
      return r;
    if (r > 0)
      continue;
    uint64_t now = now_usec();
    if (now >= deadline)
      return -ETIMEDOUT;
    r = sd_bus_wait(bus, deadline - now);
    if (r < 0 && r != -EINTR)
      return r;
  }
}

static int open_private(sd_bus **out) {
  sd_bus *bus = NULL;
  int r = sd_bus_new(&bus);
  if (r >= 0)
    r = sd_bus_set_address(bus, "unix:path=" SYSTEMD_PRIVATE_SOCKET);
  if (r >= 0)
    r = sd_bus_start(bus);
  if (r < 0) {
    sd_bus_unref(bus);
    return r;
  }
  *out = bus;
  return 0;
}

int conn_open(struct bus_conn *c, bool user, struct berth_error *err) {
  if (c->bus != NULL && c->pid == getpid() && c->user == user)
    return 0;
  conn_close(c);
  sd_bus *bus = NULL;
  bool direct = false;
  int r;
  if (user) {
    r = sd_bus_open_user(&bus);
    if (r < 0)
      return cg_error(err, -r,
                      "connect to the user's systemd (rootless): no session bus (is "
                      "XDG_RUNTIME_DIR set, with a systemd --user instance for this user?)");
  } else {
    r = sd_bus_open_system(&bus);
    /* No dbus-daemon: root can talk to systemd on its private socket, as systemctl does. */
    if (r < 0 && geteuid() == 0 && getenv("DBUS_SYSTEM_BUS_ADDRESS") == NULL) {
      int r2 = open_private(&bus);
      direct = r2 >= 0;
      if (r2 < 0)
        return cg_error(err, -r,
                        "connect to systemd: neither the system bus nor systemd's private "
                        "socket (" SYSTEMD_PRIVATE_SOCKET ") answer; is systemd running?");
      r = 0;
    }
    if (r < 0)
      return cg_error(err, -r, "connect to the system bus (for systemd)");
  }
  r = sd_bus_set_method_call_timeout(bus, CALL_TIMEOUT_USEC);
  if (r >= 0)
    r = wait_ready(bus);
  if (r < 0) {
    close_bus(bus);
    if (r == -ETIMEDOUT)
      return cg_error(err, ETIMEDOUT, "connect to %s: no answer within %d s",
                      user ? "the user's bus" : "the system bus", TIMEOUT_SEC);
    return cg_error(err, -r, "connect to %s", user ? "the user's bus" : "the system bus");
  }
  c->bus = bus;
  c->direct = direct;
  c->user = user;
  c->pid = getpid();
  return 0;
}

int call_error(const sd_bus_error *e, int r, const char *what, struct berth_error *err) {
  if (r == -ETIMEDOUT || sd_bus_error_has_name(e, SD_BUS_ERROR_NO_REPLY) ||
      sd_bus_error_has_name(e, SD_BUS_ERROR_TIMEOUT))
    return cg_error(err, ETIMEDOUT, "%s: systemd did not answer within %d s", what, TIMEOUT_SEC);
  if (sd_bus_error_has_name(e, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
      sd_bus_error_has_name(e, SD_BUS_ERROR_NAME_HAS_NO_OWNER))
    return cg_error(err, EHOSTDOWN,
                    "%s: systemd is not on the bus (nobody owns %s); is systemd running?", what,
                    SYSTEMD_SERVICE);
  if (sd_bus_error_is_set(e)) {
    cg_error(err, 0, "%s: %s (%s)", what, e->message != NULL ? e->message : "error", e->name);
    int errnum = sd_bus_error_get_errno(e);
    return errnum > 0 ? -errnum : -EIO;
  }
  return cg_error(err, -r, "%s", what);
}

int new_call(struct bus_conn *c, sd_bus_message **m, const char *path, const char *interface,
             const char *member) {
  int r = sd_bus_message_new_method_call(c->bus, m, c->direct ? NULL : SYSTEMD_SERVICE,
                                         path != NULL ? path : SYSTEMD_PATH, interface, member);
  if (r >= 0)
    r = sd_bus_message_set_auto_start(*m, 0);
  return r;
}

int call_raw(struct bus_conn *c, sd_bus_message *m, sd_bus_message **reply, sd_bus_error *e) {
  int r = sd_bus_call(c->bus, m, CALL_TIMEOUT_USEC, e, reply);
  return r < 0 ? r : 0;
}

int call(struct bus_conn *c, sd_bus_message *m, sd_bus_message **reply, const char *what,
         struct berth_error *err) {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  int r = call_raw(c, m, reply, &e);
  if (r < 0)
    r = call_error(&e, r, what, err);
  sd_bus_error_free(&e);
  return r;
}

int get_string_property(struct bus_conn *c, const char *path, const char *interface,
                        const char *name, char **out, struct berth_error *err) {
  char what[160];
  snprintf(what, sizeof(what), "read %s of %s", name, path);
  sd_bus_message *m = NULL, *reply = NULL;
  int r = new_call(c, &m, path, "org.freedesktop.DBus.Properties", "Get");
  if (r >= 0)
    r = sd_bus_message_append(m, "ss", interface, name);
  if (r < 0) {
    sd_bus_message_unref(m);
    return cg_error(err, -r, "%s", what);
  }
  r = call(c, m, &reply, what, err);
  sd_bus_message_unref(m);
  if (r < 0)
    return r;
  const char *value = NULL;
  r = sd_bus_message_enter_container(reply, 'v', "s");
  if (r >= 0)
    r = sd_bus_message_read_basic(reply, 's', &value);
  *out = r >= 0 ? strdup(value) : NULL;
  sd_bus_message_unref(reply);
  if (r < 0)
    return cg_error(err, -r, "%s: unexpected answer", what);
  return *out != NULL ? 0 : cg_error(err, ENOMEM, "%s", what);
}

int manager_version(struct bus_conn *c, unsigned *version, struct berth_error *err) {
  _cleanup_free_ char *text = NULL;
  int r = get_string_property(c, SYSTEMD_PATH, "org.freedesktop.systemd1.Manager", "Version", &text,
                              err);
  if (r < 0)
    return r;
  /* "252.39-1~deb12u2", or "v252" on some builds. */
  *version = (unsigned)strtoul(text + (text[0] == 'v'), NULL, 10);
  return 0;
}
