/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup-systemd.so as the core loads it, against fake_systemd on a private dbus-daemon (this
 * machine has no systemd): the calls it makes, the properties it sends, the job it waits for,
 * the checks it does, and what it leaves behind, with real cgroups and a real process. Needs
 * root and dbus-daemon; skipped without them. The real systemd is tests/integration/systemd.bats
 * in the VM tier. */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <systemd/sd-bus.h>

#include <berth/plugin.h>

#include "../../common/tests/fixture.h"

/* struct berth_cgroup_request as an ABI 1.1 host lays it out (annotations_json appended),
 * whichever plugin.h this test is built with; a 1.0 host's struct_size ends before it. */
struct request_1_1 {
  uint32_t struct_size, flags;
  const char *container_id, *cgroups_path, *resources_json, *annotations_json;
};
#define REQUEST_1_0_SIZE offsetof(struct request_1_1, annotations_json)

#define SLICE "berthtest.slice"

static char tmpdir[] = "/tmp/berth-sdbus.XXXXXX";
static pid_t bus_pid = -1, empty_bus_pid = -1, fake_pid = -1;
static char bus_address[PATH_MAX], empty_bus_address[PATH_MAX];
static pid_t child = -1;
static char unit_name[128], cgroups_path[160];
static int test_number;

/* ---- the private buses and the fake ---- */

/* A dbus-daemon of its own that lets anyone own and call anything; waits for its socket. */
static pid_t spawn_bus(const char *name, char *address, size_t size) {
  char conf[128], socket_path[128], arg[160];
  snprintf(conf, sizeof(conf), "%s/%s.conf", tmpdir, name);
  snprintf(socket_path, sizeof(socket_path), "%s/%s.socket", tmpdir, name);
  FILE *f = fopen(conf, "we");
  if (f == NULL)
    return -1;
  fprintf(f,
          "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\" "
          "\"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
          "<busconfig><type>system</type><listen>unix:path=%s</listen>"
          "<auth>EXTERNAL</auth><policy context=\"default\"><allow user=\"*\"/>"
          "<allow own=\"*\"/><allow send_type=\"method_call\"/><allow send_destination=\"*\"/>"
          "<allow receive_sender=\"*\"/></policy></busconfig>\n",
          socket_path);
  fclose(f);
  snprintf(address, size, "unix:path=%s", socket_path);
  snprintf(arg, sizeof(arg), "--config-file=%s", conf);
  pid_t pid = fork();
  if (pid == 0) {
    execlp("dbus-daemon", "dbus-daemon", "--nofork", "--nopidfile", "--nosyslog", arg,
           (char *)NULL);
    _exit(127);
  }
  for (int i = 0; pid > 0 && i < 200 && access(socket_path, F_OK) < 0; i++)
    usleep(10000);
  return pid;
}

static void stop_process(pid_t *pid) {
  if (*pid > 0) {
    kill(*pid, SIGTERM);
    waitpid(*pid, NULL, 0);
  }
  *pid = -1;
}

/* A method of the fake's control interface; the string answer (or NULL) malloc()ed. */
static char *fake_call(const char *member, const char *arg) {
  sd_bus *bus = NULL;
  if (sd_bus_new(&bus) < 0 || sd_bus_set_address(bus, bus_address) < 0 ||
      sd_bus_set_bus_client(bus, 1) < 0 || sd_bus_start(bus) < 0)
    fail_msg("connect to the test bus");
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus_message *reply = NULL;
  int r = arg != NULL
              ? sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                   "org.berth.Fake", member, &e, &reply, "s", arg)
              : sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                   "org.berth.Fake", member, &e, &reply, "");
  if (r < 0)
    fail_msg("fake %s: %s", member, e.message != NULL ? e.message : strerror(-r));
  const char *text = NULL;
  char *out = NULL;
  if (sd_bus_message_read(reply, "s", &text) > 0)
    out = strdup(text);
  sd_bus_message_unref(reply);
  sd_bus_error_free(&e);
  sd_bus_flush_close_unref(bus);
  return out;
}

static bool fake_ready(void) {
  sd_bus *bus = NULL;
  if (sd_bus_new(&bus) < 0 || sd_bus_set_address(bus, bus_address) < 0 ||
      sd_bus_set_bus_client(bus, 1) < 0 || sd_bus_start(bus) < 0) {
    sd_bus_unref(bus);
    return false;
  }
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus_message *reply = NULL;
  int r = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                             "org.freedesktop.DBus", "GetNameOwner", &e, &reply, "s",
                             "org.freedesktop.systemd1");
  sd_bus_message_unref(reply);
  sd_bus_error_free(&e);
  sd_bus_flush_close_unref(bus);
  return r >= 0;
}

/* The plugin refuses a host where systemd is not the init (no /run/systemd/system). The fake
 * systemd stands in for it on this process's own /run, a tmpfs in a private mount namespace,
 * so that the host's /run is left alone. */
static int private_run(bool systemd) {
  if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
      mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755") < 0)
    return -1;
  if (systemd && (mkdir("/run/systemd", 0755) < 0 || mkdir("/run/systemd/system", 0755) < 0))
    return -1;
  return 0;
}

/* What it needs missing is a failure, not a skip: a run that skipped everything would pass. */
static int setup_group(void **state) {
  (void)state;
  if (geteuid() != 0) {
    fprintf(stderr, "test_systemd_bus needs root (it makes cgroups)\n");
    return -1;
  }
  if (system("command -v dbus-daemon >/dev/null 2>&1") != 0) {
    fprintf(stderr, "test_systemd_bus needs dbus-daemon (package dbus-daemon)\n");
    return -1;
  }
  if (mkdtemp(tmpdir) == NULL)
    return -1;
  bus_pid = spawn_bus("bus", bus_address, sizeof(bus_address));
  empty_bus_pid = spawn_bus("empty", empty_bus_address, sizeof(empty_bus_address));
  setenv("DBUS_SYSTEM_BUS_ADDRESS", bus_address, 1);
  const char *fake = getenv("FAKE_SYSTEMD");
  fake_pid = fork();
  if (fake_pid == 0) {
    execl(fake, "fake_systemd", (char *)NULL);
    _exit(127);
  }
  for (int i = 0; i < 300 && !fake_ready(); i++)
    usleep(10000);
  if (!fake_ready()) {
    fprintf(stderr, "fake systemd did not come up\n");
    return -1;
  }
  const char *why = NULL;
  if (private_run(true) < 0) {
    fprintf(stderr, "private /run: %s\n", strerror(errno));
    return -1;
  }
  if (load_plugin("cgroup-systemd", &why) == NULL || ops == NULL) {
    fprintf(stderr, "%s\n", why != NULL ? why : "cgroup-systemd.so has no cgroup ops");
    return -1;
  }
  return 0;
}

/* rmdir -p what the tests made below SLICE in every hierarchy. */
static void remove_test_slices(void) {
  DIR *root = opendir("/sys/fs/cgroup");
  struct dirent *e;
  char dir[PATH_MAX];
  snprintf(dir, sizeof(dir), "/sys/fs/cgroup/%s", SLICE);
  rmdir(dir);
  while (root != NULL && (e = readdir(root)) != NULL) {
    snprintf(dir, sizeof(dir), "/sys/fs/cgroup/%s/%s", e->d_name, SLICE);
    rmdir(dir);
  }
  if (root != NULL)
    closedir(root);
}

static int teardown_group(void **state) {
  (void)state;
  stop_process(&fake_pid);
  stop_process(&bus_pid);
  stop_process(&empty_bus_pid);
  remove_test_slices();
  if (tmpdir[sizeof(tmpdir) - 7] != 'X') {
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
      fprintf(stderr, "could not remove %s\n", tmpdir);
  }
  return 0;
}

static int setup(void **state) {
  (void)state;
  test_number++;
  snprintf(unit_name, sizeof(unit_name), "berthtest-%d-%d.scope", (int)getpid(), test_number);
  snprintf(cgroups_path, sizeof(cgroups_path), SLICE ":berthtest:%d-%d", (int)getpid(),
           test_number);
  setenv("DBUS_SYSTEM_BUS_ADDRESS", bus_address, 1);
  free(fake_call("Mode", "normal"));
  child = fork();
  if (child == 0) {
    for (;;)
      pause();
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  if (child > 0) {
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
  }
  child = -1;
  error_clear(&err);
  return 0;
}

/* ---- helpers ---- */

static struct berth_cgroup *create_unit(const char *path, const char *resources,
                                        const char *annotations, int *r) {
  struct request_1_1 req = {.struct_size = sizeof(req),
                            .container_id = "c1",
                            .cgroups_path = path,
                            .resources_json = resources,
                            .annotations_json = annotations};
  struct berth_cgroup *cg = NULL;
  *r = ops->create((const struct berth_cgroup_request *)&req, &cg, &err);
  return cg;
}

static struct berth_cgroup *create_ok(const char *resources, const char *annotations) {
  int r;
  struct berth_cgroup *cg = create_unit(cgroups_path, resources, annotations, &r);
  if (r < 0)
    fail_msg("create: %s", err.msg);
  return cg;
}

static void assert_error_has(int r, const char *fragment) {
  assert_true(r < 0);
  assert_non_null(err.msg);
  if (strstr(err.msg, fragment) == NULL)
    fail_msg("error \"%s\" lacks \"%s\"", err.msg, fragment);
  free(err.msg);
  err.msg = NULL;
}

static void assert_log_has(const char *line) {
  char *log = fake_call("Log", NULL);
  if (strstr(log, line) == NULL)
    fail_msg("fake systemd's log lacks \"%s\":\n%s", line, log);
  free(log);
}

static void assert_log_lacks(const char *fragment) {
  char *log = fake_call("Log", NULL);
  if (strstr(log, fragment) != NULL)
    fail_msg("fake systemd's log has \"%s\":\n%s", fragment, log);
  free(log);
}

static bool unit_loaded(const char *name) {
  char *units = fake_call("Units", NULL);
  bool found = strstr(units, name) != NULL;
  free(units);
  return found;
}

/* The unit's cgroup in every hierarchy mounted below /sys/fs/cgroup (or cgroup2 itself). */
static int count_unit_cgroups(const char *name) {
  int n = 0;
  char dir[PATH_MAX];
  snprintf(dir, sizeof(dir), "/sys/fs/cgroup/%s/%s", SLICE, name);
  n += access(dir, F_OK) == 0;
  DIR *root = opendir("/sys/fs/cgroup");
  struct dirent *e;
  while (root != NULL && (e = readdir(root)) != NULL) {
    snprintf(dir, sizeof(dir), "/sys/fs/cgroup/%s/%s/%s", e->d_name, SLICE, name);
    n += access(dir, F_OK) == 0;
  }
  if (root != NULL)
    closedir(root);
  return n;
}

/* rmdir the unit's cgroup wherever count_unit_cgroups finds it. */
static void remove_unit_cgroups(const char *name) {
  char dir[PATH_MAX];
  snprintf(dir, sizeof(dir), "/sys/fs/cgroup/%s/%s", SLICE, name);
  rmdir(dir);
  DIR *root = opendir("/sys/fs/cgroup");
  struct dirent *e;
  while (root != NULL && (e = readdir(root)) != NULL) {
    snprintf(dir, sizeof(dir), "/sys/fs/cgroup/%s/%s/%s", e->d_name, SLICE, name);
    rmdir(dir);
  }
  if (root != NULL)
    closedir(root);
}

static char *read_text(const char *path) {
  FILE *f = fopen(path, "re");
  if (f == NULL)
    return NULL;
  char *line = NULL;
  size_t size = 0;
  ssize_t n = getdelim(&line, &size, '\0', f);
  fclose(f);
  if (n < 0) {
    free(line);
    return NULL;
  }
  return line;
}

/* A control file of the unit's cgroup: in the v1 hierarchy of controller, or in cgroup2. */
static char *unit_file(const char *controller, const char *v1_file, const char *v2_file) {
  char path[PATH_MAX];
  snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/" SLICE "/%s/%s", controller, unit_name, v1_file);
  char *text = read_text(path);
  if (text == NULL) {
    snprintf(path, sizeof(path), "/sys/fs/cgroup/" SLICE "/%s/%s", unit_name, v2_file);
    text = read_text(path);
  }
  if (text == NULL)
    fail_msg("no %s or %s for unit %s", v1_file, v2_file, unit_name);
  text[strcspn(text, "\n")] = '\0';
  return text;
}

static void assert_in_unit(pid_t pid, const char *name) {
  char path[64], want[256];
  snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
  snprintf(want, sizeof(want), "/%s/%s\n", SLICE, name);
  char *text = read_text(path);
  assert_non_null(text);
  if (strstr(text, want) == NULL)
    fail_msg("pid %d is not in %s:\n%s", (int)pid, want, text);
  free(text);
}

static int32_t collect(int32_t pid, void *data) {
  int32_t *found = data;
  if (pid == *found)
    *found = 0;
  return 0;
}

static void destroy_ok(struct berth_cgroup *cg) {
  if (ops->destroy(cg, &err) < 0)
    fail_msg("destroy: %s", err.msg);
  ops->release(cg);
}

/* ---- the tests ---- */

static void test_container_unit_lifecycle(void **state) {
  (void)state;
  struct berth_cgroup *cg = create_ok(
      "{\"memory\":{\"limit\":67108864},\"pids\":{\"limit\":30},\"devices\":["
      "{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,"
      "\"minor\":3,\"access\":\"rwm\"}]}",
      "{\"org.systemd.property.CPUWeight\":\"100\",\"org.systemd.property.TimeoutStopSec\":\"3\"}");
  /* create makes nothing: the unit starts at enter, with the init in it. */
  assert_false(unit_loaded(unit_name));
  assert_int_equal(count_unit_cgroups(unit_name), 0);
  if (ops->enter(cg, child, &err) < 0)
    fail_msg("enter: %s", err.msg);

  char line[256];
  snprintf(line, sizeof(line), "start %s: PIDs=au [%d]\n", unit_name, (int)child);
  assert_log_has(line);
  snprintf(line, sizeof(line), "start %s: Delegate=b true\n", unit_name);
  assert_log_has(line);
  snprintf(line, sizeof(line), "start %s: Slice=s \"" SLICE "\"\n", unit_name);
  assert_log_has(line);
  snprintf(line, sizeof(line), "start %s: TasksMax=t 30\n", unit_name);
  assert_log_has(line);
  snprintf(line, sizeof(line), "start %s: DevicePolicy=s \"strict\"\n", unit_name);
  assert_log_has(line);
  snprintf(line, sizeof(line), "start %s: DeviceAllow=a(ss) [(\"/dev/char/1:3\", \"rwm\")]\n",
           unit_name);
  assert_log_has(line);
  snprintf(line, sizeof(line), "start %s: CPUWeight=t 100\n", unit_name);
  assert_log_has(line);
  snprintf(line, sizeof(line), "start %s: TimeoutStopUSec=t 3000000\n", unit_name);
  assert_log_has(line);
  assert_in_unit(child, unit_name);

  /* The fs core writes every file after systemd (which this fake does not do). */
  char *text = unit_file("memory", "memory.limit_in_bytes", "memory.max");
  assert_string_equal(text, "67108864");
  free(text);
  text = unit_file("pids", "pids.max", "pids.max");
  assert_string_equal(text, "30");
  free(text);

  char *save = NULL;
  assert_int_equal(ops->save(cg, &save, &err), 0);
  json_object *blob = json_tokener_parse(save);
  assert_string_equal(json_object_get_string(json_object_object_get(blob, "unit")), unit_name);
  assert_string_equal(json_object_get_string(json_object_object_get(blob, "slice")), SLICE);
  const char *path = json_object_get_string(json_object_object_get(blob, "path"));
  assert_non_null(strstr(path, "/" SLICE "/"));
  json_object_put(blob);
  ops->release(cg);

  /* A later berth command: load, list, pause, update, delete. */
  cg = NULL;
  if (ops->load(save, &cg, &err) < 0)
    fail_msg("load: %s", err.msg);
  free(save);
  int32_t found = child;
  assert_int_equal(ops->get_pids(cg, collect, &found, &err), 0);
  assert_int_equal(found, 0);
  int32_t frozen = 1;
  assert_int_equal(ops->is_frozen(cg, &frozen, &err), 0);
  assert_int_equal(frozen, 0);
  assert_int_equal(ops->freeze(cg, 1, &err), 0);
  assert_int_equal(ops->is_frozen(cg, &frozen, &err), 0);
  assert_int_equal(frozen, 1);
  assert_int_equal(ops->freeze(cg, 0, &err), 0);
  if (ops->apply(cg, "{\"pids\":{\"limit\":20}}", &err) < 0)
    fail_msg("apply: %s", err.msg);
  snprintf(line, sizeof(line), "set %s: TasksMax=t 20\n", unit_name);
  assert_log_has(line);
  text = unit_file("pids", "pids.max", "pids.max");
  assert_string_equal(text, "20");
  free(text);
  char *stats = NULL;
  assert_int_equal(ops->stats(cg, &stats, &err), 0);
  assert_non_null(strstr(stats, "\"pids\""));
  free(stats);

  destroy_ok(cg);
  snprintf(line, sizeof(line), "stop %s\n", unit_name);
  assert_log_has(line);
  assert_false(unit_loaded(unit_name));
  assert_int_equal(count_unit_cgroups(unit_name), 0);
}

static int32_t count_pids(int32_t pid, void *data) {
  (void)pid;
  ++*(int *)data;
  return 0;
}

/* systemd removes a scope's cgroup once its last process has exited: a stopped container's
 * unit then has no cgroup, which is no process (kill --all succeeds, ps lists nothing, as with
 * the v2 driver's empty cgroup), and delete still cleans up. */
static void test_unit_whose_cgroup_systemd_removed_lists_no_processes(void **state) {
  (void)state;
  struct berth_cgroup *cg = create_ok(NULL, NULL);
  if (ops->enter(cg, child, &err) < 0)
    fail_msg("enter: %s", err.msg);
  char *save = NULL;
  assert_int_equal(ops->save(cg, &save, &err), 0);
  ops->release(cg);
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  child = -1;
  /* What systemd does when the scope empties (the fake leaves that to the test): the unit's
   * cgroup goes, in every hierarchy systemd runs on a v1 host. */
  remove_unit_cgroups(unit_name);
  assert_int_equal(count_unit_cgroups(unit_name), 0);

  cg = NULL;
  if (ops->load(save, &cg, &err) < 0)
    fail_msg("load: %s", err.msg);
  free(save);
  int n = 0;
  if (ops->get_pids(cg, count_pids, &n, &err) < 0)
    fail_msg("get_pids: %s", err.msg);
  assert_int_equal(n, 0);
  assert_null(err.msg);
  destroy_ok(cg);
  assert_false(unit_loaded(unit_name));
  assert_int_equal(count_unit_cgroups(unit_name), 0);
}

static void test_failed_unit_of_the_same_name_is_reset_and_reused(void **state) {
  (void)state;
  free(fake_call("MakeFailed", unit_name));
  struct berth_cgroup *cg = create_ok(NULL, NULL);
  if (ops->enter(cg, child, &err) < 0)
    fail_msg("enter: %s", err.msg);
  char line[256];
  snprintf(line, sizeof(line), "reset-failed %s\n", unit_name);
  assert_log_has(line);
  assert_in_unit(child, unit_name);
  destroy_ok(cg);
}

static void test_running_unit_of_the_same_name_is_refused_at_create(void **state) {
  (void)state;
  struct berth_cgroup *cg = create_ok(NULL, NULL);
  if (ops->enter(cg, child, &err) < 0)
    fail_msg("enter: %s", err.msg);
  int r;
  struct berth_cgroup *other = create_unit(cgroups_path, NULL, NULL, &r);
  assert_null(other);
  assert_error_has(r, "already exists and is active");
  assert_in_unit(child, unit_name);
  destroy_ok(cg);
}

static void test_bad_cgroups_path_is_refused_before_systemd_is_asked(void **state) {
  (void)state;
  static const struct {
    const char *path, *fragment;
  } cases[] = {
      {"/berth/c1", "not of the form slice:prefix:name"},
      {"system:berth:c1", "slice \"system\" is not a valid slice name"},
      {"a--b.slice:berth:c1", "not a valid slice name"},
      {SLICE ":berth:c+1", "name \"c+1\" has characters systemd refuses"},
  };
  char *before = fake_call("Log", NULL);
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    int r;
    assert_null(create_unit(cases[i].path, NULL, NULL, &r));
    assert_error_has(r, cases[i].fragment);
  }
  char *after = fake_call("Log", NULL);
  assert_string_equal(before, after);
  free(before);
  free(after);
}

static void test_bad_resources_or_annotations_fail_create(void **state) {
  (void)state;
  int r;
  assert_null(create_unit(cgroups_path, "{\"cpu\":{\"cpus\":\"2-1\"}}", NULL, &r));
  assert_error_has(r, "linux.resources.cpu.cpus");
  assert_null(
      create_unit(cgroups_path, NULL, "{\"org.systemd.property.PIDs\":\"[uint32 1]\"}", &r));
  assert_error_has(r, "berth sets PIDs itself");
  assert_false(unit_loaded(unit_name));
}

static void test_failed_job_is_an_error_and_leaves_nothing(void **state) {
  (void)state;
  free(fake_call("Mode", "fail-job"));
  struct berth_cgroup *cg = create_ok("{\"pids\":{\"limit\":10}}", NULL);
  assert_error_has(ops->enter(cg, child, &err), "job ended \"failed\"");
  assert_false(unit_loaded(unit_name));
  assert_int_equal(count_unit_cgroups(unit_name), 0);
  /* The core destroys what create returned after a failed enter: nothing more to do. */
  destroy_ok(cg);
}

static void test_pid_outside_the_unit_is_detected(void **state) {
  (void)state;
  free(fake_call("Mode", "misplace"));
  struct berth_cgroup *cg = create_ok(NULL, NULL);
  assert_error_has(ops->enter(cg, child, &err), "not in the unit's");
  char line[256];
  snprintf(line, sizeof(line), "stop %s\n", unit_name);
  assert_log_has(line);
  assert_false(unit_loaded(unit_name));
  assert_int_equal(count_unit_cgroups(unit_name), 0);
  destroy_ok(cg);
}

static void test_job_signal_before_the_reply_is_not_missed(void **state) {
  (void)state;
  free(fake_call("Mode", "signal-first"));
  struct berth_cgroup *cg = create_ok(NULL, NULL);
  if (ops->enter(cg, child, &err) < 0)
    fail_msg("enter: %s", err.msg);
  assert_in_unit(child, unit_name);
  destroy_ok(cg);
}

static void test_systemd_not_on_the_bus_is_a_clear_error(void **state) {
  (void)state;
  setenv("DBUS_SYSTEM_BUS_ADDRESS", empty_bus_address, 1);
  int r;
  assert_null(create_unit(cgroups_path, NULL, NULL, &r));
  assert_error_has(r, "systemd is not on the bus");
  setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/berth-test-bus", 1);
  assert_null(create_unit(cgroups_path, NULL, NULL, &r));
  assert_error_has(r, "connect to the system bus");
  assert_int_equal(count_unit_cgroups(unit_name), 0);
}

static void test_systemd_not_answering_times_out_and_leaves_nothing(void **state) {
  (void)state;
  struct berth_cgroup *cg = create_ok(NULL, NULL);
  free(fake_call("Mode", "hang-start"));
  time_t start = time(NULL);
  assert_error_has(ops->enter(cg, child, &err), "did not answer within 10 s");
  assert_true(time(NULL) - start < 30);
  free(fake_call("Mode", "normal"));
  assert_false(unit_loaded(unit_name));
  assert_int_equal(count_unit_cgroups(unit_name), 0);
  destroy_ok(cg);
}

static void test_annotations_need_an_abi_1_1_request(void **state) {
  (void)state;
  struct request_1_1 req = {.struct_size = REQUEST_1_0_SIZE,
                            .container_id = "c1",
                            .cgroups_path = cgroups_path,
                            .annotations_json = "{\"org.systemd.property.CPUWeight\":\"77\"}"};
  struct berth_cgroup *cg = NULL;
  if (ops->create((const struct berth_cgroup_request *)&req, &cg, &err) < 0)
    fail_msg("create: %s", err.msg);
  if (ops->enter(cg, child, &err) < 0)
    fail_msg("enter: %s", err.msg);
  assert_log_lacks("CPUWeight=t 77");
  destroy_ok(cg);
}

/* Without systemd as the init, the entry point refuses the host (auto and `berth check` then
 * say why), however reachable a bus is. */
static void test_entry_refuses_a_host_without_systemd(void **state) {
  (void)state;
  pid_t pid = fork();
  if (pid == 0)
    _exit(private_run(false) == 0 && plugin_entry()(&fake_host) == NULL ? 0 : 1);
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_container_unit_lifecycle),
      T(test_unit_whose_cgroup_systemd_removed_lists_no_processes),
      T(test_failed_unit_of_the_same_name_is_reset_and_reused),
      T(test_running_unit_of_the_same_name_is_refused_at_create),
      T(test_bad_cgroups_path_is_refused_before_systemd_is_asked),
      T(test_bad_resources_or_annotations_fail_create),
      T(test_failed_job_is_an_error_and_leaves_nothing),
      T(test_pid_outside_the_unit_is_detected),
      T(test_job_signal_before_the_reply_is_not_missed),
      T(test_systemd_not_on_the_bus_is_a_clear_error),
      T(test_systemd_not_answering_times_out_and_leaves_nothing),
      T(test_annotations_need_an_abi_1_1_request),
      T(test_entry_refuses_a_host_without_systemd),
  };
  return cmocka_run_group_tests_name("cgroup-systemd over D-Bus", tests, setup_group,
                                     teardown_group);
}
