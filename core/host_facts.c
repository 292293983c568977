/* SPDX-License-Identifier: Apache-2.0 */
#include "host_facts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "mounts.h"
#include "util.h"

/* The whole of a small file, or NULL when it cannot be read. */
static char *slurp(const char *path) {
  _cleanup_error_ struct berth_error ignored = {0};
  char *text = NULL;
  return read_file_at(AT_FDCWD, path, &text, &ignored) == 0 ? text : NULL;
}

static bool is_type(const char *path, mode_t type) {
  struct stat st;
  return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == type;
}

static json_object *cgroup_facts(void) {
  json_object *o = json_object_new_object();
  struct statfs root, unified;
  const char *layout = "none";
  if (statfs("/sys/fs/cgroup", &root) == 0 && root.f_type == CGROUP2_SUPER_MAGIC)
    layout = "unified";
  else if (statfs("/sys/fs/cgroup/unified", &unified) == 0 && unified.f_type == CGROUP2_SUPER_MAGIC)
    layout = "hybrid";
  else if (statfs("/sys/fs/cgroup", &root) == 0)
    layout = "legacy";
  json_object_object_add(o, "layout", json_object_new_string(layout));
  json_object *mounts = json_object_new_array();
  _cleanup_error_ struct berth_error err = {0};
  struct berth_mountinfo *table = NULL;
  size_t n = 0;
  if (berth_mountinfo_read(&table, &n, &err) < 0) {
    json_object_object_add(o, "error", json_object_new_string(err.msg));
    n = 0;
  }
  for (size_t i = 0; i < n; i++) {
    if (strcmp(table[i].fstype, "cgroup") != 0 && strcmp(table[i].fstype, "cgroup2") != 0)
      continue;
    json_object *m = json_object_new_object();
    json_object_object_add(m, "mountpoint", json_object_new_string(table[i].mountpoint));
    json_object_object_add(m, "type", json_object_new_string(table[i].fstype));
    json_object_object_add(m, "options", json_object_new_string(table[i].super_options));
    json_object_array_add(mounts, m);
  }
  if (table != NULL)
    berth_mountinfo_free(table, n);
  json_object_object_add(o, "mounts", mounts);
  return o;
}

static bool has_filesystem(const char *fs) {
  _cleanup_free_ char *list = slurp("/proc/filesystems");
  char needle[64];
  snprintf(needle, sizeof(needle), "\t%s\n", fs);
  return list != NULL && strstr(list, needle) != NULL;
}

static json_object *resctrl_facts(void) {
  json_object *o = json_object_new_object();
  _cleanup_error_ struct berth_error err = {0};
  struct berth_mountinfo *table = NULL;
  size_t n = 0;
  bool mounted = false;
  if (berth_mountinfo_read(&table, &n, &err) == 0) {
    for (size_t i = 0; i < n; i++)
      mounted = mounted || strcmp(table[i].fstype, "resctrl") == 0;
    berth_mountinfo_free(table, n);
  }
  json_object_object_add(o, "filesystem", json_object_new_boolean(has_filesystem("resctrl")));
  json_object_object_add(o, "mounted", json_object_new_boolean(mounted));
  return o;
}

static json_object *systemd_facts(void) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, "running",
                         json_object_new_boolean(is_type("/run/systemd/system", S_IFDIR)));
  json_object_object_add(o, "privateBus",
                         json_object_new_boolean(is_type("/run/systemd/private", S_IFSOCK)));
  json_object_object_add(o, "systemBus",
                         json_object_new_boolean(is_type("/run/dbus/system_bus_socket", S_IFSOCK)));
  return o;
}

static json_object *lsm_facts(void) {
  json_object *o = json_object_new_object();
  _cleanup_free_ char *aa = slurp("/sys/module/apparmor/parameters/enabled");
  json_object *apparmor = json_object_new_object();
  json_object_object_add(apparmor, "enabled", json_object_new_boolean(aa != NULL && aa[0] == 'Y'));
  json_object_object_add(o, "apparmor", apparmor);
  _cleanup_free_ char *enforce = slurp("/sys/fs/selinux/enforce");
  json_object *selinux = json_object_new_object();
  json_object_object_add(selinux, "enabled", json_object_new_boolean(enforce != NULL));
  json_object_object_add(selinux, "enforcing",
                         json_object_new_boolean(enforce != NULL && enforce[0] == '1'));
  json_object_object_add(o, "selinux", selinux);
  _cleanup_free_ char *active = slurp("/sys/kernel/security/lsm");
  if (active != NULL) {
    active[strcspn(active, "\n")] = '\0';
    json_object_object_add(o, "active", json_object_new_string(active));
  }
  return o;
}

/* A sysctl's integer, or JSON null when the file does not exist (an older or other kernel). */
static json_object *sysctl_int(const char *path) {
  _cleanup_free_ char *text = slurp(path);
  return text != NULL ? json_object_new_int64(strtoll(text, NULL, 10)) : NULL;
}

static json_object *userns_facts(void) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, "maxUserNamespaces", sysctl_int("/proc/sys/user/max_user_namespaces"));
  json_object_object_add(o, "unprivilegedUsernsClone",
                         sysctl_int("/proc/sys/kernel/unprivileged_userns_clone"));
  return o;
}

/* Where execvp would find helper, and whether it is setuid root as newuidmap must be. */
static json_object *helper_facts(const char *helper) {
  json_object *o = json_object_new_object();
  const char *env = getenv("PATH");
  _cleanup_free_ char *dirs = strdup(env != NULL ? env : "/usr/bin:/bin");
  char *save = NULL;
  for (char *dir = dirs ? strtok_r(dirs, ":", &save) : NULL; dir != NULL;
       dir = strtok_r(NULL, ":", &save)) {
    char path[4096];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", dir, helper);
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
      continue;
    json_object_object_add(o, "path", json_object_new_string(path));
    json_object_object_add(o, "setuidRoot",
                           json_object_new_boolean((st.st_mode & S_ISUID) && st.st_uid == 0));
    break;
  }
  json_object_object_add(o, "present",
                         json_object_new_boolean(json_object_object_get_ex(o, "path", NULL)));
  return o;
}

static json_object *seccomp_facts(void) {
  json_object *o = json_object_new_object();
  _cleanup_free_ char *status = slurp("/proc/self/status");
  const char *line = status != NULL ? strstr(status, "\nSeccomp:") : NULL;
  json_object_object_add(o, "kernel", json_object_new_boolean(line != NULL));
  const struct scmp_version *v = seccomp_version();
  char version[32];
  snprintf(version, sizeof(version), "%u.%u.%u", v->major, v->minor, v->micro);
  json_object_object_add(o, "libseccomp", json_object_new_string(version));
  return o;
}

static json_object *idmap_facts(void) {
  json_object *o = json_object_new_object();
  struct utsname u;
  if (uname(&u) == 0)
    json_object_object_add(o, "kernel", json_object_new_string(u.release));
  /* mount_setattr(2) (5.12) carries MOUNT_ATTR_IDMAP: an invalid fd answers EBADF where the
   * call exists, ENOSYS where it does not. */
  long r = syscall(SYS_mount_setattr, -1, "", 0, NULL, 0);
  json_object_object_add(o, "mountSetattr", json_object_new_boolean(r == 0 || errno != ENOSYS));
  return o;
}

json_object *berth_host_facts(void) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, "cgroup", cgroup_facts());
  json_object_object_add(o, "systemd", systemd_facts());
  json_object_object_add(o, "lsm", lsm_facts());
  json_object_object_add(o, "resctrl", resctrl_facts());
  json_object_object_add(o, "userns", userns_facts());
  json_object_object_add(o, "newuidmap", helper_facts("newuidmap"));
  json_object_object_add(o, "newgidmap", helper_facts("newgidmap"));
  json_object_object_add(o, "seccomp", seccomp_facts());
  json_object *overlay = json_object_new_object();
  json_object_object_add(overlay, "filesystem", json_object_new_boolean(has_filesystem("overlay")));
  json_object_object_add(o, "overlay", overlay);
  json_object_object_add(o, "idmappedMounts", idmap_facts());
  return o;
}
