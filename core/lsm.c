/* SPDX-License-Identifier: Apache-2.0 */
#include "lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "json_util.h"
#include "plugin_loader.h"

/* Everything ABI 1.2 defines of the LSM ops: a shorter table is from a broken plugin. */
#define MIN_LSM_OPS_SIZE (offsetof(struct berth_lsm_ops, exec_attr) + sizeof(void *))
#define PLUGIN_LSM_END (offsetof(struct berth_plugin, lsm) + sizeof(void *))

static const struct {
  const char *object;
  const char *field;
  const char *plugin;
  bool of_process; /* applied at execve through an attr file, else a mount option */
} labels[] = {
    {"process", "apparmorProfile", "apparmor", true},
    {"process", "selinuxLabel", "selinux", true},
    {"linux", "mountLabel", "selinux", false},
};

/* The plugin's LSM ops, or the clear refusal for a plugin that has none (ABI 1.0, 1.1). */
static int lsm_ops(const char *name, const struct berth_lsm_ops **ops, struct berth_error *err) {
  const struct berth_plugin *plugin = NULL;
  int r = berth_plugin_load(name, BERTH_PLUGIN_KIND_LSM, &plugin, err);
  if (r < 0)
    return r;
  if (plugin->struct_size < PLUGIN_LSM_END || plugin->lsm == NULL ||
      plugin->lsm->struct_size < MIN_LSM_OPS_SIZE || plugin->lsm->validate == NULL ||
      plugin->lsm->exec_attr == NULL)
    return berth_error(err, 0, "plugin %s.so: ABI %u.%u has no LSM operations", name,
                       plugin->abi_major, plugin->abi_minor);
  *ops = plugin->lsm;
  return 0;
}

/* A relative name below /proc/thread-self/attr, nothing that could climb out of it. */
static bool attr_name_ok(const char *attr) {
  if (attr == NULL || *attr == '\0' || *attr == '/' || strstr(attr, "..") != NULL ||
      strstr(attr, "//") != NULL)
    return false;
  return strspn(attr, "abcdefghijklmnopqrstuvwxyz0123456789_-/") == strlen(attr);
}

static int prepare_one(json_object *value, size_t i, json_object *out, struct berth_error *err) {
  const char *label = json_object_get_string(value);
  if ((size_t)json_object_get_string_len(value) != strlen(label))
    return berth_error(err, 0, "contains a NUL character");
  const struct berth_lsm_ops *ops = NULL;
  int r = lsm_ops(labels[i].plugin, &ops, err);
  if (r < 0)
    return r;
  /* ABI 1.2 has no op that labels mounts: refused rather than silently not applied. */
  if (!labels[i].of_process)
    return berth_error(err, 0, "plugin %s.so: ABI %u.%u cannot label mounts", labels[i].plugin,
                       BERTH_ABI_MAJOR, BERTH_ABI_MINOR);
  if ((r = ops->validate(label, err)) < 0)
    return r;
  _cleanup_free_ char *attr = NULL;
  _cleanup_free_ char *text = NULL;
  if ((r = ops->exec_attr(label, &attr, &text, err)) < 0)
    return r;
  if (!attr_name_ok(attr) || text == NULL)
    return berth_error(err, 0, "plugin %s.so: bad attr \"%s\" to write", labels[i].plugin,
                       attr ? attr : "(null)");
  json_object *entry = json_object_new_object();
  char field[64];
  snprintf(field, sizeof(field), "%s.%s", labels[i].object, labels[i].field);
  json_object_object_add(entry, "field", json_object_new_string(field));
  json_object_object_add(entry, "label", json_object_new_string(label));
  json_object_object_add(entry, "attr", json_object_new_string(attr));
  json_object_object_add(entry, "value", json_object_new_string(text));
  json_object_array_add(out, entry);
  return 0;
}

int berth_lsm_prepare(json_object *spec, json_object **exec_attrs, struct berth_error *err) {
  _cleanup_json_ json_object *out = json_object_new_array();
  *exec_attrs = NULL;
  for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
    json_object *value =
        json_get_type(json_get(spec, labels[i].object), labels[i].field, json_type_string);
    if (value == NULL || json_object_get_string_len(value) == 0)
      continue;
    int r = prepare_one(value, i, out, err);
    if (r < 0)
      return berth_error_prefix(err, "%s.%s \"%s\"", labels[i].object, labels[i].field,
                                json_object_get_string(value));
  }
  if (json_object_array_length(out) > 0)
    *exec_attrs = steal_pointer(&out);
  return 0;
}

static void inherit_field(json_object *process, json_object *container_process, const char *field) {
  const char *own = json_get_str(process, field);
  json_object *theirs = json_get_type(container_process, field, json_type_string);
  if ((own == NULL || *own == '\0') && theirs != NULL)
    json_object_object_add(process, field, json_object_get(theirs));
}

void berth_lsm_inherit(json_object *process, json_object *container_process) {
  inherit_field(process, container_process, "apparmorProfile");
  inherit_field(process, container_process, "selinuxLabel");
}

int berth_lsm_open_attr_dir(void) {
  /* /proc/self names the thread group leader, which the single-threaded init is; it is the
   * fallback for kernels before 3.17, which lack thread-self. */
  int fd = open("/proc/thread-self/attr", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    fd = open("/proc/self/attr", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  struct statfs st;
  if (fstatfs(fd, &st) < 0 || st.f_type != PROC_SUPER_MAGIC) {
    close(fd);
    return -EXDEV;
  }
  return fd;
}

int berth_lsm_apply_exec(int attr_dir, json_object *exec_attrs, struct berth_error *err) {
  for (size_t i = 0; exec_attrs != NULL && i < json_object_array_length(exec_attrs); i++) {
    json_object *entry = json_object_array_get_idx(exec_attrs, i);
    const char *field = json_get_str(entry, "field"), *label = json_get_str(entry, "label");
    const char *attr = json_get_str(entry, "attr"), *value = json_get_str(entry, "value");
    if (attr_dir == -EXDEV)
      return berth_error(err, 0, "%s \"%s\": the host's /proc is not procfs", field, label);
    if (attr_dir < 0)
      return berth_error(err, -attr_dir, "%s \"%s\": open /proc/thread-self/attr", field, label);
    _cleanup_close_ int fd = openat(attr_dir, attr, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
      return berth_error(err, errno, "%s \"%s\": open /proc/thread-self/attr/%s", field, label,
                         attr);
    /* One write: the kernel takes each write(2) to an attr file as a whole command. */
    ssize_t n = write(fd, value, strlen(value));
    if (n != (ssize_t)strlen(value))
      return berth_error(err, n < 0 ? errno : EIO,
                         "%s \"%s\": write \"%s\" to /proc/thread-self/attr/%s", field, label,
                         value, attr);
  }
  return 0;
}

bool berth_lsm_enabled(const char *name) {
  _cleanup_error_ struct berth_error err = {0};
  const struct berth_lsm_ops *ops = NULL;
  int32_t enabled = 0;
  if (lsm_ops(name, &ops, &err) < 0 || ops->enabled == NULL || ops->enabled(&enabled, &err) < 0)
    return false;
  return enabled != 0;
}
