/* SPDX-License-Identifier: Apache-2.0 */
/* OCI mount options (runc's table), and the whole rootfs sequence in a forked child with its
 * own mount namespace (as root: without it they fail). */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <linux/magic.h>

#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC 0x19800202
#endif

#include "cleanup.h"
#include "error.h"
#include "json_util.h"
#include "mounts.h"
#include "rootfs.h"
#include "util.h"

/* ---- option parsing ---- */

struct option_case {
  const char *json; /* the "options" array */
  unsigned long flags, cleared;
  size_t n_propagation;
  unsigned long propagation0;
  uint64_t attr_set, attr_clr;
  bool tmpcopyup;
  const char *data;
};

#define OPTS(...) .json = #__VA_ARGS__

static const struct option_case option_cases[] = {
    {OPTS([ "ro", "nosuid", "nodev", "noexec" ]),
     .flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC},
    {OPTS([ "ro", "rw" ]), .cleared = MS_RDONLY},
    {OPTS([ "rw", "ro" ]), .flags = MS_RDONLY},
    {OPTS([ "suid", "dev", "exec", "atime", "diratime" ]),
     .cleared = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME},
    {OPTS([ "sync", "dirsync", "mand", "remount" ]),
     .flags = MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK | MS_REMOUNT},
    {OPTS([ "sync", "async", "mand", "nomand" ]), .cleared = MS_SYNCHRONOUS | MS_MANDLOCK},
    {OPTS([ "noatime", "nodiratime", "relatime", "strictatime" ]),
     .flags = MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME},
    {OPTS([ "norelatime", "nostrictatime", "nolazytime", "loud", "noiversion" ]),
     .cleared = MS_RELATIME | MS_STRICTATIME | MS_LAZYTIME | MS_SILENT | MS_I_VERSION},
    {OPTS([ "lazytime", "silent", "iversion", "nosymfollow" ]),
     .flags = MS_LAZYTIME | MS_SILENT | MS_I_VERSION | MS_NOSYMFOLLOW},
    {OPTS(["bind"]), .flags = MS_BIND},
    {OPTS([ "rbind", "ro" ]), .flags = MS_BIND | MS_REC | MS_RDONLY},
    {OPTS(["defaults"])},
    {OPTS(["rprivate"]), .n_propagation = 1, .propagation0 = MS_PRIVATE | MS_REC},
    {OPTS([ "shared", "rslave" ]), .n_propagation = 2, .propagation0 = MS_SHARED},
    {OPTS(["runbindable"]), .n_propagation = 1, .propagation0 = MS_UNBINDABLE | MS_REC},
    {OPTS([ "rro", "rnosuid", "rnodev", "rnoexec" ]),
     .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC},
    {OPTS([ "rrw", "rsuid", "rdev", "rexec", "rdiratime" ]),
     .attr_clr = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
                 MOUNT_ATTR_NODIRATIME},
    {OPTS(["rnoatime"]), .attr_set = MOUNT_ATTR_NOATIME, .attr_clr = MOUNT_ATTR__ATIME},
    {OPTS([ "rnoatime", "rstrictatime" ]), .attr_set = MOUNT_ATTR_STRICTATIME,
     .attr_clr = MOUNT_ATTR__ATIME},
    {OPTS(["rrelatime"]), .attr_clr = MOUNT_ATTR__ATIME},
    {OPTS(["ratime"]), .attr_clr = MOUNT_ATTR__ATIME},
    {OPTS([ "rnodiratime", "rnosymfollow" ]),
     .attr_set = MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW},
    {OPTS([ "tmpcopyup", "mode=1777" ]), .tmpcopyup = true, .data = "mode=1777"},
    {OPTS([ "nosuid", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" ]), .flags = MS_NOSUID,
     .data = "newinstance,ptmxmode=0666,mode=0620,gid=5"},
    {OPTS(["x-systemd.automount"]), .data = "x-systemd.automount"},
    {OPTS([])},
};

static void test_options_table(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(option_cases) / sizeof(option_cases[0]); i++) {
    const struct option_case *c = &option_cases[i];
    _cleanup_json_ json_object *options = json_tokener_parse(c->json);
    _cleanup_error_ struct berth_error err = {0};
    struct berth_mount_options o;
    print_message("options %s\n", c->json);
    assert_int_equal(berth_mount_options_parse(options, &o, &err), 0);
    assert_int_equal(o.flags, c->flags);
    assert_int_equal(o.cleared, c->cleared);
    assert_int_equal(o.n_propagation, c->n_propagation);
    if (c->n_propagation > 0)
      assert_int_equal(o.propagation[0], c->propagation0);
    assert_int_equal(o.attr_set, c->attr_set);
    assert_int_equal(o.attr_clr, c->attr_clr);
    assert_int_equal(o.tmpcopyup, c->tmpcopyup);
    if (c->data == NULL)
      assert_null(o.data);
    else
      assert_string_equal(o.data, c->data);
    berth_mount_options_clear(&o);
  }
}

static void test_options_none(void **state) {
  (void)state;
  _cleanup_error_ struct berth_error err = {0};
  struct berth_mount_options o;
  assert_int_equal(berth_mount_options_parse(NULL, &o, &err), 0);
  assert_int_equal(o.flags, 0);
  assert_null(o.data);
}

/* idmap and ridmap are the runtime's (mount_idmap.h), never mount(2) data. */
static void test_idmap_options_mark_the_mount(void **state) {
  (void)state;
  static const struct {
    const char *json;
    bool recursive;
    unsigned long flags;
  } cases[] = {{"[\"rbind\",\"idmap\"]", false, MS_BIND | MS_REC},
               {"[\"bind\",\"ridmap\"]", true, MS_BIND},
               {"[\"ridmap\",\"idmap\"]", false, 0}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    _cleanup_json_ json_object *options = json_tokener_parse(cases[i].json);
    _cleanup_error_ struct berth_error err = {0};
    struct berth_mount_options o;
    assert_int_equal(berth_mount_options_parse(options, &o, &err), 0);
    assert_true(o.idmap);
    assert_int_equal(o.idmap_recursive, cases[i].recursive);
    assert_int_equal(o.flags, cases[i].flags);
    assert_null(o.data);
  }
}

static void test_propagation_names(void **state) {
  (void)state;
  unsigned long flag = 0;
  assert_true(berth_propagation_parse("rslave", &flag));
  assert_int_equal(flag, MS_SLAVE | MS_REC);
  assert_true(berth_propagation_parse("private", &flag));
  assert_int_equal(flag, MS_PRIVATE);
  assert_false(berth_propagation_parse("slave,rec", &flag));
  assert_false(berth_propagation_parse("", &flag));
}

static void test_flags_string(void **state) {
  (void)state;
  char buf[128];
  assert_string_equal(berth_mount_flags_string(MS_BIND | MS_REC | MS_RDONLY, buf, sizeof(buf)),
                      "bind,rec,ro");
  assert_string_equal(berth_mount_flags_string(0, buf, sizeof(buf)), "defaults");
}

/* ---- the rootfs sequence in a child ---- */

struct bundle {
  char dir[64];
  char rootfs[96];
  bool no_pivot;
};

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

static void mkdir_in(const char *base, const char *rel) {
  char path[256];
  snprintf(path, sizeof(path), "%s/%s", base, rel);
  assert_int_equal(mkdir(path, 0755), 0);
}

static void symlink_in(const char *base, const char *target, const char *rel) {
  char path[256];
  snprintf(path, sizeof(path), "%s/%s", base, rel);
  assert_int_equal(symlink(target, path), 0);
}

/* A busybox rootfs: /bin/busybox and its applet links, /var/run -> /run, an escaping link. */
static void make_busybox_rootfs(const char *rootfs) {
  static const char *const applets[] = {"sh", "ls", "cat", "mount", "test"};
  static const char *const dirs[] = {"bin", "proc", "sys", "dev", "tmp", "etc", "run", "var"};
  for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
    mkdir_in(rootfs, dirs[i]);
  char cmd[256];
  snprintf(cmd, sizeof(cmd), "cp /bin/busybox %s/bin/busybox", rootfs);
  assert_int_equal(system(cmd), 0);
  for (size_t i = 0; i < sizeof(applets) / sizeof(applets[0]); i++) {
    char rel[32];
    snprintf(rel, sizeof(rel), "bin/%s", applets[i]);
    symlink_in(rootfs, "busybox", rel);
  }
  symlink_in(rootfs, "/run", "var/run");
  symlink_in(rootfs, "../../../../etc", "escape");
  snprintf(cmd, sizeof(cmd), "echo berth >%s/etc/hostname && chmod 1777 %s/tmp", rootfs, rootfs);
  assert_int_equal(system(cmd), 0);
}

static int bundle_setup(void **state) {
  /* Not a skip: a run without root would pass without testing the rootfs at all. */
  if (geteuid() != 0) {
    print_error("the rootfs tests mount in a mount namespace of their own: run as root\n");
    return -1;
  }
  struct bundle *b = calloc(1, sizeof(*b));
  snprintf(b->dir, sizeof(b->dir), "/tmp/berth-test-XXXXXX");
  if (b == NULL || mkdtemp(b->dir) == NULL)
    return -1;
  snprintf(b->rootfs, sizeof(b->rootfs), "%s/rootfs", b->dir);
  mkdir_in(b->dir, "rootfs");
  mkdir_in(b->dir, "data");
  make_busybox_rootfs(b->rootfs);
  *state = b;
  return 0;
}

static int bundle_teardown(void **state) {
  struct bundle *b = *state;
  if (b == NULL)
    return 0;
  nftw(b->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  free(b);
  return 0;
}

static const char spec_text[] =
    "{\"root\":{\"path\":\"rootfs\"},"
    "\"mounts\":["
    "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
    "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
    "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
    "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\",\"options\":"
    "[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\"]},"
    "{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
    "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
    "{\"destination\":\"/etc\",\"type\":\"tmpfs\",\"options\":[\"tmpcopyup\"]},"
    "{\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"options\":[\"nosuid\",\"nodev\"]},"
    "{\"destination\":\"/var/run/secrets\",\"type\":\"tmpfs\",\"options\":[\"rprivate\"]},"
    "{\"destination\":\"/mnt/data\",\"type\":\"bind\",\"source\":\"data\","
    "\"options\":[\"rbind\",\"ro\",\"nosuid\"]},"
    "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"]}],"
    "\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"network\"},{\"type\":\"ipc\"}],"
    "\"maskedPaths\":[\"/proc/kcore\",\"/proc/keys\",\"/proc/timer_list\",\"/proc/acpi\","
    "\"/proc/does-not-exist\"],"
    "\"readonlyPaths\":[\"/proc/sys\",\"/proc/bus\"]}}";

/* Masked files that exist (this kernel may lack /proc/kcore) read as /dev/null; masked
 * directories are an empty read-only tmpfs. */
static const char *check_masked(void) {
  static const char *const files[] = {"/proc/kcore", "/proc/keys", "/proc/timer_list"};
  struct stat st;
  struct statfs sfs;
  int checked = 0;
  for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
    if (stat(files[i], &st) < 0)
      continue;
    if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
      return "a masked /proc file is not /dev/null";
    checked++;
  }
  if (checked == 0)
    return "no masked /proc file to check";
  if (statfs("/proc/acpi", &sfs) < 0 || sfs.f_type != TMPFS_MAGIC || !(sfs.f_flags & ST_RDONLY))
    return "/proc/acpi is not masked by a read-only tmpfs";
  return NULL;
}

/* The image's own shell runs and sees the same. */
static const char *check_busybox(void) {
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", "test -c /dev/null && test -L /dev/fd && ls /dev/pts >/dev/null",
          (char *)NULL);
    _exit(127);
  }
  int status;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return "/bin/sh -c 'test -c /dev/null ...' failed in the container";
  return NULL;
}

/* The checks a user would make inside the container; the first failure is reported. */
static const char *check_container(void) {
  struct statfs sfs;
  struct statvfs svfs;
  struct stat st;
  char link[64] = "";
  if (statfs("/proc", &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
    return "/proc is not a proc mount";
  if (stat("/dev/null", &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
    return "/dev/null is not the char device 1:3";
  char hostname[16] = "";
  int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read(fd, hostname, sizeof(hostname) - 1) : -1;
  if (fd >= 0)
    close(fd);
  if (statfs("/etc", &sfs) < 0 || sfs.f_type != TMPFS_MAGIC || n != 6 ||
      strcmp(hostname, "berth\n") != 0)
    return "/etc is not a tmpfs with the image's /etc copied up";
  if (stat("/tmp", &st) < 0 || (st.st_mode & 07777) != 01777)
    return "the /tmp tmpfs did not keep the image's mode 1777";
  const char *masked = check_masked();
  if (masked != NULL)
    return masked;
  if (statvfs("/proc/sys", &svfs) < 0 || !(svfs.f_flag & ST_RDONLY))
    return "/proc/sys is not read-only";
  if (statfs("/run/secrets", &sfs) < 0 || sfs.f_type != TMPFS_MAGIC)
    return "/var/run/secrets did not land on /run/secrets as a tmpfs";
  if (statvfs("/mnt/data", &svfs) < 0 || !(svfs.f_flag & ST_RDONLY) || !(svfs.f_flag & ST_NOSUID))
    return "/mnt/data is not a ro,nosuid bind";
  if (statfs("/sys", &sfs) < 0 || sfs.f_type != SYSFS_MAGIC)
    return "/sys is not a sysfs";
  if (statfs("/dev/mqueue", &sfs) < 0 || sfs.f_type != MQUEUE_MAGIC)
    return "/dev/mqueue is not an mqueue";
  if (readlink("/dev/ptmx", link, sizeof(link) - 1) < 0 || strcmp(link, "pts/ptmx") != 0)
    return "/dev/ptmx is not a link to pts/ptmx";
  if (statfs("/sys/fs/cgroup/memory", &sfs) < 0 || sfs.f_type != CGROUP_SUPER_MAGIC)
    return "/sys/fs/cgroup/memory is not a cgroup hierarchy";
  return check_busybox();
}

static void child_report(int fd, const char *msg) {
  write_all(fd, msg, strlen(msg));
  _exit(1);
}

static int count_fds(void) {
  _cleanup_closedir_ DIR *dir = opendir("/proc/self/fd");
  int n = 0;
  while (dir != NULL && readdir(dir) != NULL)
    n++;
  return n;
}

static void run_rootfs_child(const struct bundle *b, const char *text, int report) {
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_json_ json_object *spec = json_tokener_parse(text);
  if (unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC) < 0)
    child_report(report, "unshare failed");
  /* Never let anything propagate back to the host. */
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    child_report(report, "make / private failed");
  if (chdir(b->dir) < 0)
    child_report(report, "chdir bundle failed");
  int fds = count_fds();
  int r = berth_rootfs_mount(spec, b->rootfs, NULL, NULL, &err);
  if (r == 0 && count_fds() != fds)
    child_report(report, "berth_rootfs_mount leaked an fd");
  if (r == 0)
    r = berth_rootfs_pivot(b->rootfs, b->no_pivot, &err);
  if (r == 0)
    r = berth_rootfs_finish(spec, NULL, &err);
  if (count_fds() != fds) /* the container's /proc after pivot, the host's before */
    child_report(report, "an fd leaked");
  if (r < 0)
    child_report(report, err.msg);
  const char *failure = check_container();
  if (failure != NULL)
    child_report(report, failure);
  _exit(0);
}

/* Fork, run the sequence in the child, return its report ("" on success). */
static char *run_in_child(const struct bundle *b, const char *text) {
  int pipefd[2];
  assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    close(pipefd[0]);
    run_rootfs_child(b, text, pipefd[1]);
  }
  close(pipefd[1]);
  char *report = NULL;
  assert_int_equal(read_all(pipefd[0], &report, NULL), 0);
  close(pipefd[0]);
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  return report;
}

static char *host_mounts(void) {
  char *text = NULL;
  _cleanup_error_ struct berth_error err = {0};
  assert_int_equal(read_file_at(AT_FDCWD, "/proc/self/mountinfo", &text, &err), 0);
  return text;
}

static void test_rootfs_sequence_in_child(void **state) {
  struct bundle *b = *state;
  _cleanup_free_ char *before = host_mounts();
  _cleanup_free_ char *report = run_in_child(b, spec_text);
  _cleanup_free_ char *after = host_mounts();
  if (report[0] != '\0')
    fail_msg("in the container: %s", report);
  assert_string_equal(before, after);
}

static void test_rootfs_sequence_without_pivot_root(void **state) {
  struct bundle *b = *state;
  b->no_pivot = true;
  test_rootfs_sequence_in_child(state);
}

static void test_escaping_destination_is_refused(void **state) {
  struct bundle *b = *state;
  static const char text[] =
      "{\"mounts\":[{\"destination\":\"/escape/x\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}]}";
  _cleanup_free_ char *report = run_in_child(b, text);
  assert_string_equal(report, "mount /escape/x (mounts[0]): destination: symlink /escape in "
                              "the rootfs leads out of it");
  assert_int_equal(access("/etc/x", F_OK), -1);
}

static void test_proc_on_symlink_is_refused(void **state) {
  struct bundle *b = *state;
  static const char text[] =
      "{\"mounts\":[{\"destination\":\"/var/run\",\"type\":\"proc\",\"source\":\"proc\"}]}";
  _cleanup_free_ char *report = run_in_child(b, text);
  assert_string_equal(report, "mount /var/run (mounts[0]): destination: /var/run is a symlink: "
                              "Too many levels of symbolic links");
}

static void test_mount_over_proc_subdir_is_refused(void **state) {
  struct bundle *b = *state;
  static const char text[] =
      "{\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
      "{\"destination\":\"/proc/self/attr\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}]}";
  _cleanup_free_ char *report = run_in_child(b, text);
  assert_non_null(strstr(report, "mounts[1] (/proc/self/attr): "));
  assert_non_null(strstr(report, "is inside /proc"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_options_table),
      cmocka_unit_test(test_options_none),
      cmocka_unit_test(test_idmap_options_mark_the_mount),
      cmocka_unit_test(test_propagation_names),
      cmocka_unit_test(test_flags_string),
      cmocka_unit_test_setup_teardown(test_rootfs_sequence_in_child, bundle_setup, bundle_teardown),
      cmocka_unit_test_setup_teardown(test_rootfs_sequence_without_pivot_root, bundle_setup,
                                      bundle_teardown),
      cmocka_unit_test_setup_teardown(test_escaping_destination_is_refused, bundle_setup,
                                      bundle_teardown),
      cmocka_unit_test_setup_teardown(test_proc_on_symlink_is_refused, bundle_setup,
                                      bundle_teardown),
      cmocka_unit_test_setup_teardown(test_mount_over_proc_subdir_is_refused, bundle_setup,
                                      bundle_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
