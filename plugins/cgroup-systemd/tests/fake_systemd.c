/* SPDX-License-Identifier: Apache-2.0 */
/* A stand-in for systemd's manager on a private bus, for test_systemd_bus: the methods
 * cgroup-systemd.so calls, with real cgroups (the unit's directory in the hierarchy systemd
 * would track it in, the PIDs moved there, killed and removed on StopUnit), JobRemoved
 * signals, and misbehaviours on request (org.berth.Fake.Mode): "hang-start" (no answer),
 * "fail-job" (job result "failed"), "misplace" (job done, pid left where it was),
 * "signal-first" (JobRemoved before the method's reply). Every unit property it receives is
 * logged as "start UNIT: Name=sig value" / "set UNIT: ...", read back with Log(). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "../sd.h"

#define MANAGER_PATH "/org/freedesktop/systemd1"
#define UNIT_PREFIX "/org/freedesktop/systemd1/unit"
#define MAX_UNITS 64

struct unit {
  char name[UNIT_NAME_MAX];
  char state[16]; /* active, failed */
  char cgroup[512];
};

static struct unit units[MAX_UNITS];
static char mode[32] = "normal";
static char *cgroup_root;
static bool unified;
static FILE *log_file;
static char *log_text;
static size_t log_size;
static uint32_t job_id;

static struct unit *find_unit(const char *name) {
  for (size_t i = 0; i < MAX_UNITS; i++)
    if (units[i].name[0] != '\0' && strcmp(units[i].name, name) == 0)
      return &units[i];
  return NULL;
}

static struct unit *new_unit(const char *name, const char *state) {
  for (size_t i = 0; i < MAX_UNITS; i++)
    if (units[i].name[0] == '\0') {
      snprintf(units[i].name, sizeof(units[i].name), "%s", name);
      snprintf(units[i].state, sizeof(units[i].state), "%s", state);
      units[i].cgroup[0] = '\0';
      return &units[i];
    }
  return NULL;
}

static int no_such_unit(sd_bus_error *e, const char *name) {
  return sd_bus_error_setf(e, "org.freedesktop.systemd1.NoSuchUnit", "Unit %s not loaded.", name);
}

static void write_file(const char *dir, const char *file, const char *value) {
  char path[1024];
  snprintf(path, sizeof(path), "%s/%s", dir, file);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    if (write(fd, value, strlen(value)) < 0)
      fprintf(stderr, "fake systemd: write %s=%s: %s\n", path, value, strerror(errno));
    close(fd);
  }
}

/* mkdir -p, enabling the controllers on the way down as systemd does for a delegated unit. */
static void make_cgroup(const char *cgroup) {
  char path[1024];
  snprintf(path, sizeof(path), "%s", cgroup_root);
  char copy[512];
  snprintf(copy, sizeof(copy), "%s", cgroup);
  for (char *save = NULL, *part = strtok_r(copy, "/", &save); part != NULL;
       part = strtok_r(NULL, "/", &save)) {
    if (unified)
      write_file(path, "cgroup.subtree_control", "+cpu +memory +pids +io");
    size_t len = strlen(path);
    snprintf(path + len, sizeof(path) - len, "/%s", part);
    mkdir(path, 0755);
  }
}

static void cgroup_dir(const struct unit *u, char *out, size_t size) {
  snprintf(out, size, "%s%s", cgroup_root, u->cgroup);
}

static int kill_all(const struct unit *u, int sig) {
  char dir[1024], procs[1100];
  cgroup_dir(u, dir, sizeof(dir));
  snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
  FILE *f = fopen(procs, "re");
  if (f == NULL)
    return 0;
  int n = 0, pid;
  while (fscanf(f, "%d", &pid) == 1) {
    kill(pid, sig);
    n++;
  }
  fclose(f);
  return n;
}

/* SIGKILL everything and remove the cgroup, children first, as a stopped scope's. */
static void remove_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (d != NULL) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (e->d_type != DT_DIR || e->d_name[0] == '.')
        continue;
      char sub[1024];
      snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
      remove_tree(sub);
    }
    closedir(d);
  }
  for (int i = 0; i < 100 && rmdir(dir) < 0 && errno == EBUSY; i++)
    usleep(20000);
}

static void stop_cgroup(struct unit *u) {
  if (u->cgroup[0] == '\0')
    return;
  for (int i = 0; i < 100 && kill_all(u, SIGKILL) > 0; i++)
    usleep(20000);
  char dir[1024];
  cgroup_dir(u, dir, sizeof(dir));
  remove_tree(dir);
}

static void log_props(const char *what, const char *unit, struct unit_properties *props) {
  for (size_t i = 0; i < props->n; i++) {
    char *v = value_format(&props->list[i].value);
    fprintf(log_file, "%s %s: %s=%s\n", what, unit, props->list[i].name, v != NULL ? v : "?");
    free(v);
  }
  fflush(log_file);
}

static int read_props(sd_bus_message *m, struct unit_properties *props) {
  int r = sd_bus_message_enter_container(m, 'a', "(sv)");
  while (r >= 0 && (r = sd_bus_message_enter_container(m, 'r', "sv")) > 0) {
    const char *name = NULL;
    struct dbus_value v = {0};
    if ((r = sd_bus_message_read(m, "s", &name)) < 0 || (r = value_read(m, &v)) < 0)
      return r;
    props_add(props, name, &v);
    if ((r = sd_bus_message_exit_container(m)) < 0)
      return r;
  }
  return r < 0 ? r : sd_bus_message_exit_container(m);
}

static const struct dbus_value *prop(const struct unit_properties *p, const char *name) {
  const struct dbus_value *found = NULL;
  for (size_t i = 0; i < p->n; i++)
    if (strcmp(p->list[i].name, name) == 0)
      found = &p->list[i].value;
  return found;
}

static int emit_job_removed(sd_bus *bus, uint32_t id, const char *job, const char *unit,
                            const char *result) {
  return sd_bus_emit_signal(bus, MANAGER_PATH, "org.freedesktop.systemd1.Manager", "JobRemoved",
                            "uoss", id, job, unit, result);
}

static int reply_job(sd_bus_message *m, const char *unit, const char *result) {
  char job[128];
  uint32_t id = ++job_id;
  snprintf(job, sizeof(job), "/org/freedesktop/systemd1/job/%u", id);
  sd_bus *bus = sd_bus_message_get_bus(m);
  int r;
  if (strcmp(mode, "signal-first") == 0) {
    if ((r = emit_job_removed(bus, id, job, unit, result)) < 0)
      return r;
    return sd_bus_reply_method_return(m, "o", job);
  }
  if ((r = sd_bus_reply_method_return(m, "o", job)) < 0)
    return r;
  return emit_job_removed(bus, id, job, unit, result);
}

static void place(struct unit *u, const struct unit_properties *props, bool is_slice) {
  const struct dbus_value *slice = prop(props, "Slice");
  struct unit_names names = {.is_slice = is_slice};
  snprintf(names.unit, sizeof(names.unit), "%s", u->name);
  snprintf(names.slice, sizeof(names.slice), "%s",
           slice != NULL ? slice->s : (is_slice ? "-.slice" : "system.slice"));
  char *path = unit_cgroup_path(&names);
  snprintf(u->cgroup, sizeof(u->cgroup), "%s", path != NULL ? path : "");
  free(path);
  if (strcmp(mode, "misplace") == 0)
    return;
  make_cgroup(u->cgroup);
  const struct dbus_value *pids = prop(props, "PIDs");
  char dir[1024];
  cgroup_dir(u, dir, sizeof(dir));
  for (size_t i = 0; pids != NULL && i < pids->n; i++) {
    char pid[24];
    snprintf(pid, sizeof(pid), "%llu", (unsigned long long)pids->items[i].u);
    write_file(dir, "cgroup.procs", pid);
  }
}

static int start_transient_unit(sd_bus_message *m, void *userdata, sd_bus_error *e) {
  (void)userdata;
  if (strcmp(mode, "hang-start") == 0)
    return 1; /* never answered */
  const char *name = NULL, *job_mode = NULL;
  int r = sd_bus_message_read(m, "ss", &name, &job_mode);
  if (r < 0)
    return r;
  if (find_unit(name) != NULL)
    return sd_bus_error_setf(e, "org.freedesktop.systemd1.UnitExists",
                             "Unit %s was already loaded or has a fragment file.", name);
  _cleanup_props_ struct unit_properties props = {0};
  if ((r = read_props(m, &props)) < 0)
    return r;
  log_props("start", name, &props);
  struct unit *u = new_unit(name, "active");
  if (u == NULL)
    return -ENOMEM;
  place(u, &props, str_ends_with(name, ".slice"));
  if (strcmp(mode, "fail-job") == 0) {
    stop_cgroup(u);
    snprintf(u->state, sizeof(u->state), "failed");
    return reply_job(m, name, "failed");
  }
  return reply_job(m, name, "done");
}

static int stop_unit(sd_bus_message *m, void *userdata, sd_bus_error *e) {
  (void)userdata;
  const char *name = NULL, *job_mode = NULL;
  int r = sd_bus_message_read(m, "ss", &name, &job_mode);
  if (r < 0)
    return r;
  struct unit *u = find_unit(name);
  if (u == NULL)
    return no_such_unit(e, name);
  fprintf(log_file, "stop %s\n", name);
  fflush(log_file);
  stop_cgroup(u);
  u->name[0] = '\0'; /* stopped, then unloaded */
  return reply_job(m, name, "done");
}

static int kill_unit(sd_bus_message *m, void *userdata, sd_bus_error *e) {
  (void)userdata;
  const char *name = NULL, *who = NULL;
  int32_t sig = 0;
  int r = sd_bus_message_read(m, "ssi", &name, &who, &sig);
  if (r < 0)
    return r;
  struct unit *u = find_unit(name);
  if (u == NULL)
    return no_such_unit(e, name);
  fprintf(log_file, "kill %s %s %d\n", name, who, (int)sig);
  fflush(log_file);
  kill_all(u, sig);
  return sd_bus_reply_method_return(m, "");
}

static int reset_failed_unit(sd_bus_message *m, void *userdata, sd_bus_error *e) {
  (void)userdata;
  const char *name = NULL;
  int r = sd_bus_message_read(m, "s", &name);
  if (r < 0)
    return r;
  struct unit *u = find_unit(name);
  if (u == NULL)
    return no_such_unit(e, name);
  fprintf(log_file, "reset-failed %s\n", name);
  fflush(log_file);
  if (strcmp(u->state, "failed") == 0)
    u->name[0] = '\0';
  return sd_bus_reply_method_return(m, "");
}

static int get_unit(sd_bus_message *m, void *userdata, sd_bus_error *e) {
  (void)userdata;
  const char *name = NULL;
  int r = sd_bus_message_read(m, "s", &name);
  if (r < 0)
    return r;
  if (find_unit(name) == NULL)
    return no_such_unit(e, name);
  _cleanup_free_ char *path = NULL;
  if ((r = sd_bus_path_encode(UNIT_PREFIX, name, &path)) < 0)
    return r;
  return sd_bus_reply_method_return(m, "o", path);
}

static int set_unit_properties(sd_bus_message *m, void *userdata, sd_bus_error *e) {
  (void)userdata;
  const char *name = NULL;
  int runtime = 0;
  int r = sd_bus_message_read(m, "sb", &name, &runtime);
  if (r < 0)
    return r;
  if (find_unit(name) == NULL)
    return no_such_unit(e, name);
  _cleanup_props_ struct unit_properties props = {0};
  if ((r = read_props(m, &props)) < 0)
    return r;
  log_props("set", name, &props);
  return sd_bus_reply_method_return(m, "");
}

static int get_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                       sd_bus_message *reply, void *userdata, sd_bus_error *e) {
  (void)bus, (void)path, (void)interface, (void)property, (void)userdata, (void)e;
  return sd_bus_message_append(reply, "s", "252.99-fake");
}

static const sd_bus_vtable manager_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("Version", "s", get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_METHOD("StartTransientUnit", "ssa(sv)a(sa(sv))", "o", start_transient_unit, 0),
    SD_BUS_METHOD("StopUnit", "ss", "o", stop_unit, 0),
    SD_BUS_METHOD("KillUnit", "ssi", "", kill_unit, 0),
    SD_BUS_METHOD("ResetFailedUnit", "s", "", reset_failed_unit, 0),
    SD_BUS_METHOD("GetUnit", "s", "o", get_unit, 0),
    SD_BUS_METHOD("SetUnitProperties", "sba(sv)", "", set_unit_properties, 0),
    SD_BUS_SIGNAL("JobRemoved", "uoss", 0),
    SD_BUS_VTABLE_END};

/* Test control. */
static int set_mode(sd_bus_message *m, void *userdata, sd_bus_error *e) {
  (void)userdata, (void)e;
  const char *value = NULL;
  int r = sd_bus_message_read(m, "s", &value);
  if (r < 0)
    return r;
  snprintf(mode, sizeof(mode), "%s", value);
  return sd_bus_reply_method_return(m, "");
}

static int make_failed(sd_bus_message *m, void *userdata, sd_bus_error *e) {
  (void)userdata, (void)e;
  const char *name = NULL;
  int r = sd_bus_message_read(m, "s", &name);
  if (r < 0)
    return r;
  if (find_unit(name) == NULL && new_unit(name, "failed") == NULL)
    return -ENOMEM;
  return sd_bus_reply_method_return(m, "");
}

static int get_log(sd_bus_message *m, void *userdata, sd_bus_error *e) {
  (void)userdata, (void)e;
  fflush(log_file);
  return sd_bus_reply_method_return(m, "s", log_text != NULL ? log_text : "");
}

static int list_units(sd_bus_message *m, void *userdata, sd_bus_error *e) {
  (void)userdata, (void)e;
  char text[MAX_UNITS * (UNIT_NAME_MAX + 24)] = "";
  size_t len = 0;
  for (size_t i = 0; i < MAX_UNITS; i++)
    if (units[i].name[0] != '\0')
      len += (size_t)snprintf(text + len, sizeof(text) - len, "%s %s\n", units[i].name,
                              units[i].state);
  return sd_bus_reply_method_return(m, "s", text);
}

static const sd_bus_vtable control_vtable[] = {SD_BUS_VTABLE_START(0),
                                               SD_BUS_METHOD("Mode", "s", "", set_mode, 0),
                                               SD_BUS_METHOD("MakeFailed", "s", "", make_failed, 0),
                                               SD_BUS_METHOD("Log", "", "s", get_log, 0),
                                               SD_BUS_METHOD("Units", "", "s", list_units, 0),
                                               SD_BUS_VTABLE_END};

/* Unit objects: ActiveState on .Unit, ControlGroup on .Scope and .Slice. */
static int find_unit_object(sd_bus *bus, const char *path, const char *interface, void *userdata,
                            void **found, sd_bus_error *e) {
  (void)bus, (void)interface, (void)userdata, (void)e;
  _cleanup_free_ char *name = NULL;
  if (sd_bus_path_decode(path, UNIT_PREFIX, &name) <= 0)
    return 0;
  struct unit *u = find_unit(name);
  if (u == NULL)
    return 0;
  *found = u;
  return 1;
}

static int get_active_state(sd_bus *bus, const char *path, const char *interface,
                            const char *property, sd_bus_message *reply, void *userdata,
                            sd_bus_error *e) {
  (void)bus, (void)path, (void)interface, (void)property, (void)e;
  return sd_bus_message_append(reply, "s", ((struct unit *)userdata)->state);
}

static int get_control_group(sd_bus *bus, const char *path, const char *interface,
                             const char *property, sd_bus_message *reply, void *userdata,
                             sd_bus_error *e) {
  (void)bus, (void)path, (void)interface, (void)property, (void)e;
  return sd_bus_message_append(reply, "s", ((struct unit *)userdata)->cgroup);
}

static const sd_bus_vtable unit_vtable[] = {
    SD_BUS_VTABLE_START(0), SD_BUS_PROPERTY("ActiveState", "s", get_active_state, 0, 0),
    SD_BUS_VTABLE_END};

static const sd_bus_vtable cgroup_vtable[] = {
    SD_BUS_VTABLE_START(0), SD_BUS_PROPERTY("ControlGroup", "s", get_control_group, 0, 0),
    SD_BUS_VTABLE_END};

static int serve(sd_bus *bus) {
  int r;
  if ((r = sd_bus_add_object_vtable(bus, NULL, MANAGER_PATH, "org.freedesktop.systemd1.Manager",
                                    manager_vtable, NULL)) < 0 ||
      (r = sd_bus_add_object_vtable(bus, NULL, MANAGER_PATH, "org.berth.Fake", control_vtable,
                                    NULL)) < 0 ||
      (r = sd_bus_add_fallback_vtable(bus, NULL, UNIT_PREFIX, "org.freedesktop.systemd1.Unit",
                                      unit_vtable, find_unit_object, NULL)) < 0 ||
      (r = sd_bus_add_fallback_vtable(bus, NULL, UNIT_PREFIX, "org.freedesktop.systemd1.Scope",
                                      cgroup_vtable, find_unit_object, NULL)) < 0 ||
      (r = sd_bus_add_fallback_vtable(bus, NULL, UNIT_PREFIX, "org.freedesktop.systemd1.Slice",
                                      cgroup_vtable, find_unit_object, NULL)) < 0 ||
      (r = sd_bus_request_name(bus, "org.freedesktop.systemd1", 0)) < 0)
    return r;
  for (;;) {
    r = sd_bus_process(bus, NULL);
    if (r < 0)
      return r;
    if (r == 0 && (r = sd_bus_wait(bus, UINT64_MAX)) < 0 && r != -EINTR)
      return r;
  }
}

int main(void) {
  unified = unified_host();
  int r = hierarchy_mount(unified, &cgroup_root);
  if (r < 0) {
    fprintf(stderr, "fake systemd: no %s hierarchy: %s\n", unified ? "cgroup2" : "name=systemd",
            strerror(-r));
    return 1;
  }
  log_file = open_memstream(&log_text, &log_size);
  sd_bus *bus = NULL;
  r = sd_bus_open_system(&bus);
  if (r >= 0)
    r = serve(bus);
  fprintf(stderr, "fake systemd: %s\n", strerror(-r));
  return 1;
}
