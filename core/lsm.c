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
#include "cgroup.h"
#include "device_classes.h"
#include "json_util.h"
#include "plugin_crash.h"
#include "plugin_describe.h"
#include "plugin_list.h"
#include "plugin_loader.h"
#include "rdt.h"

/* Everything ABI 1.2 defines of the LSM ops: a shorter table is from a broken plugin. */
#define MIN_LSM_OPS_SIZE (offsetof(struct berth_lsm_ops, exec_attr) + sizeof(void *))
#define PLUGIN_LSM_END (offsetof(struct berth_plugin, lsm) + sizeof(void *))

/* The label fields of the OCI spec. Which plugin labels one is the plugin's to say
 * (berth_lsm_ops.fields). */
static const struct {
  const char *object;
  const char *field;
  bool of_process; /* applied at execve through an attr file, else a mount option */
} labels[] = {
    {"process", "apparmorProfile", true},
    {"process", "selinuxLabel", true},
    {"linux", "mountLabel", false},
};

/* What an LSM plugin of ABI 1.2 or 1.3, which declares no fields, labels: its module's. */
static const struct {
  const char *plugin;
  const char *field;
} fields_before_1_4[] = {
    {"apparmor", "process.apparmorProfile"},
    {"selinux", "process.selinuxLabel"},
    {"selinux", "linux.mountLabel"},
};

static const struct berth_lsm_ops *ops_of(const struct berth_plugin *p) {
  return p->struct_size >= PLUGIN_LSM_END ? p->lsm : NULL;
}

static const char *const *declared_fields(const struct berth_plugin *p) {
  const struct berth_lsm_ops *ops = ops_of(p);
  if (ops == NULL || ops->struct_size < offsetof(struct berth_lsm_ops, fields) + sizeof(void *))
    return NULL;
  return ops->fields;
}

static bool labels_field(const struct berth_plugin *p, const char *field) {
  const char *const *declared = declared_fields(p);
  for (; declared != NULL && *declared != NULL; declared++)
    if (strcmp(*declared, field) == 0)
      return true;
  if (declared != NULL)
    return false;
  for (size_t i = 0; i < sizeof(fields_before_1_4) / sizeof(fields_before_1_4[0]); i++)
    if (strcmp(p->name, fields_before_1_4[i].plugin) == 0 &&
        strcmp(field, fields_before_1_4[i].field) == 0)
      return true;
  return false;
}

/* Calls fn for every installed LSM plugin (by name), with the plugin or, when it does not
 * load, NULL and why; fn returns non-zero to stop. Files named as cgroup plugins are of
 * another kind and are not loaded. The config names a field, not a plugin: each is tried in a
 * probe child first, so that one that crashes is one that does not load. */
static void for_each_lsm(bool (*fn)(const char *name, const struct berth_plugin *p, const char *why,
                                    void *data),
                         void *data) {
  _cleanup_json_ json_object *names = berth_plugin_names("");
  for (size_t i = 0; i < json_object_array_length(names); i++) {
    const char *name = json_object_get_string(json_object_array_get_idx(names, i));
    if (strncmp(name, BERTH_CGROUP_PLUGIN_PREFIX, strlen(BERTH_CGROUP_PLUGIN_PREFIX)) == 0)
      continue;
    _cleanup_error_ struct berth_error why = {0};
    const struct berth_plugin *p = NULL;
    int r = berth_plugin_load_probed(name, BERTH_PLUGIN_KIND_ANY, &p, &why);
    if (r == 0 && p->kind != BERTH_PLUGIN_KIND_LSM)
      continue;
    if (fn(name, r == 0 ? p : NULL, why.msg, data))
      return;
  }
}

struct field_search {
  const char *field;
  const struct berth_plugin *found;
  char why[1024];
  size_t len;
};

static bool match_field(const char *name, const struct berth_plugin *p, const char *why,
                        void *data) {
  struct field_search *s = data;
  if (p != NULL && labels_field(p, s->field)) {
    s->found = p;
    return true;
  }
  if (p == NULL && s->len < sizeof(s->why))
    s->len += (size_t)snprintf(s->why + s->len, sizeof(s->why) - s->len, "; %s: %s", name,
                               why ? why : "?");
  return false;
}

/* The ops of the first LSM plugin (by name) that labels field, or the clear refusal. */
static int lsm_ops(const char *field, const struct berth_plugin **plugin,
                   const struct berth_lsm_ops **ops, struct berth_error *err) {
  struct field_search s = {.field = field};
  for_each_lsm(match_field, &s);
  if (s.found == NULL)
    return berth_error(err, 0, "no LSM plugin in %s labels %s%s", berth_plugin_search_path(), field,
                       s.why);
  const struct berth_plugin *p = s.found;
  const struct berth_lsm_ops *o = ops_of(p);
  if (o == NULL || o->struct_size < MIN_LSM_OPS_SIZE || o->validate == NULL || o->exec_attr == NULL)
    return berth_error(err, 0, "plugin %s.so: ABI %u.%u has no LSM operations", p->name,
                       p->abi_major, p->abi_minor);
  *plugin = p;
  *ops = o;
  return 0;
}

/* A relative name below /proc/thread-self/attr, nothing that could climb out of it. */
static bool attr_name_ok(const char *attr) {
  if (attr == NULL || *attr == '\0' || *attr == '/' || strstr(attr, "..") != NULL ||
      strstr(attr, "//") != NULL)
    return false;
  return strspn(attr, "abcdefghijklmnopqrstuvwxyz0123456789_-/") == strlen(attr);
}

typedef int32_t (*attr_op)(const char *label, char **attr, char **value, struct berth_error *err);

/* One entry for the init: write value to attr (at "exec" or "keyring"), or append value to
 * the data of mounts (at "mount"). */
static void add_entry(json_object *out, const char *at, const char *field, const char *label,
                      const char *attr, const char *value) {
  json_object *entry = json_object_new_object();
  json_object_object_add(entry, "at", json_object_new_string(at));
  json_object_object_add(entry, "field", json_object_new_string(field));
  json_object_object_add(entry, "label", json_object_new_string(label));
  if (attr != NULL)
    json_object_object_add(entry, "attr", json_object_new_string(attr));
  json_object_object_add(entry, "value", json_object_new_string(value));
  json_object_array_add(out, entry);
}

/* op_name: a string literal ("op exec_attr"), read by the crash handler (plugin_crash.h). */
static int prepare_attr(const struct berth_plugin *plugin, attr_op op, const char *op_name,
                        const char *at, const char *field, const char *label, json_object *out,
                        struct berth_error *err) {
  _cleanup_free_ char *attr = NULL;
  _cleanup_free_ char *text = NULL;
  struct berth_plugin_call prev = berth_plugin_call_enter(plugin, op_name);
  int r = op(label, &attr, &text, err);
  berth_plugin_call_leave(prev);
  if (r < 0)
    return r;
  if (!attr_name_ok(attr) || text == NULL)
    return berth_error(err, 0, "plugin %s.so: bad attr \"%s\" to write", plugin->name,
                       attr ? attr : "(null)");
  add_entry(out, at, field, label, attr, text);
  return 0;
}

/* linux.mountLabel: the option the init appends to the mounts that take one (mount_label.h). */
static int prepare_mount(const struct berth_plugin *plugin, const struct berth_lsm_ops *ops,
                         const char *field, const char *label, json_object *out,
                         struct berth_error *err) {
  /* A plugin before 1.5 cannot say how: refused rather than mounts silently unlabelled. */
  if (ops->struct_size < offsetof(struct berth_lsm_ops, mount_option) + sizeof(void *) ||
      ops->mount_option == NULL)
    return berth_error(err, 0,
                       "plugin %s.so: ABI %u.%u cannot label mounts (no mount_option, "
                       "since 1.5)",
                       plugin->name, plugin->abi_major, plugin->abi_minor);
  _cleanup_free_ char *option = NULL;
  struct berth_plugin_call prev = berth_plugin_call_enter(plugin, "op mount_option");
  int r = ops->mount_option(label, &option, err);
  berth_plugin_call_leave(prev);
  if (r < 0)
    return r;
  if (option == NULL || *option == '\0' || strpbrk(option, "\n") != NULL)
    return berth_error(err, 0, "plugin %s.so: bad mount option", plugin->name);
  add_entry(out, "mount", field, label, NULL, option);
  return 0;
}

static int prepare_one(json_object *value, size_t i, json_object *out, struct berth_error *err) {
  const char *label = json_object_get_string(value);
  if ((size_t)json_object_get_string_len(value) != strlen(label))
    return berth_error(err, 0, "contains a NUL character");
  char field[64];
  snprintf(field, sizeof(field), "%s.%s", labels[i].object, labels[i].field);
  const struct berth_plugin *plugin = NULL;
  const struct berth_lsm_ops *ops = NULL;
  int r = lsm_ops(field, &plugin, &ops, err);
  if (r < 0)
    return r;
  struct berth_plugin_call prev = berth_plugin_call_enter(plugin, "op validate");
  r = ops->validate(label, err);
  berth_plugin_call_leave(prev);
  if (r < 0)
    return r;
  if (!labels[i].of_process)
    return prepare_mount(plugin, ops, field, label, out, err);
  if ((r = prepare_attr(plugin, ops->exec_attr, "op exec_attr", "exec", field, label, out, err)) <
      0)
    return r;
  if (ops->struct_size >= offsetof(struct berth_lsm_ops, keyring_attr) + sizeof(void *) &&
      ops->keyring_attr != NULL)
    return prepare_attr(plugin, ops->keyring_attr, "op keyring_attr", "keyring", field, label, out,
                        err);
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

/* Entries without "at" come from a runtime before keyring and mount labels: all exec. */
static bool entry_at(json_object *entry, const char *at) {
  const char *own = json_get_str(entry, "at");
  return strcmp(own != NULL ? own : "exec", at) == 0;
}

static int write_attrs(int attr_dir, json_object *exec_attrs, const char *at, bool clear,
                       struct berth_error *err) {
  for (size_t i = 0; exec_attrs != NULL && i < json_object_array_length(exec_attrs); i++) {
    json_object *entry = json_object_array_get_idx(exec_attrs, i);
    if (!entry_at(entry, at))
      continue;
    const char *field = json_get_str(entry, "field"), *label = json_get_str(entry, "label");
    const char *attr = json_get_str(entry, "attr");
    const char *value = clear ? "" : json_get_str(entry, "value");
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

int berth_lsm_apply_exec(int attr_dir, json_object *exec_attrs, struct berth_error *err) {
  return write_attrs(attr_dir, exec_attrs, "exec", false, err);
}

int berth_lsm_apply_keyring(int attr_dir, json_object *exec_attrs, bool set,
                            struct berth_error *err) {
  return write_attrs(attr_dir, exec_attrs, "keyring", !set, err);
}

const char *berth_lsm_mount_option(json_object *exec_attrs) {
  for (size_t i = 0; exec_attrs != NULL && i < json_object_array_length(exec_attrs); i++) {
    json_object *entry = json_object_array_get_idx(exec_attrs, i);
    if (entry_at(entry, "mount"))
      return json_get_str(entry, "value");
  }
  return NULL;
}

bool berth_lsm_plugin_enabled(const struct berth_plugin *p) {
  const struct berth_lsm_ops *ops = ops_of(p);
  _cleanup_error_ struct berth_error err = {0};
  int32_t enabled = 0;
  if (ops == NULL || ops->struct_size < MIN_LSM_OPS_SIZE || ops->enabled == NULL)
    return false;
  struct berth_plugin_call prev = berth_plugin_call_enter(p, "op enabled");
  int r = ops->enabled(&enabled, &err);
  berth_plugin_call_leave(prev);
  return r == 0 && enabled != 0;
}

json_object *berth_lsm_fields(const struct berth_plugin *p) {
  json_object *fields = json_object_new_array();
  for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
    char field[64];
    snprintf(field, sizeof(field), "%s.%s", labels[i].object, labels[i].field);
    if (labels_field(p, field))
      json_object_array_add(fields, json_object_new_string(field));
  }
  return fields;
}

/* One plugin described in its probe child, or NULL when it is of another kind. */
static json_object *survey_one(const char *name) {
  char path[4096], what[4200];
  if (berth_plugin_file(name, path, sizeof(path)) < 0)
    return NULL;
  snprintf(what, sizeof(what), "plugin %s", path);
  _cleanup_error_ struct berth_error why = {0};
  _cleanup_json_ json_object *described = NULL;
  bool loads = berth_plugin_describe(name, what, &described, &why) == 0;
  const char *kind = json_get_str(described, "kind");
  if (loads && (kind == NULL || strcmp(kind, "lsm") != 0))
    return NULL;
  /* One that does not load is the kind its name says: device-VENDOR.so and the RDT plugin are
   * listed by `check` as such, not here. */
  if (!loads &&
      (strncmp(name, BERTH_DEVICE_PLUGIN_PREFIX, strlen(BERTH_DEVICE_PLUGIN_PREFIX)) == 0 ||
       strcmp(name, BERTH_RDT_PLUGIN) == 0))
    return NULL;
  json_object *o = json_object_new_object();
  json_object_object_add(o, "plugin", json_object_new_string(name));
  json_object_object_add(o, "loads", json_object_new_boolean(loads));
  if (!loads)
    json_object_object_add(o, "reason", json_object_new_string(why.msg ? why.msg : "?"));
  json_object *fields = json_get_array(described, "fields");
  json_object_object_add(o, "fields",
                         fields != NULL ? json_object_get(fields) : json_object_new_array());
  json_object_object_add(o, "enabled",
                         json_object_new_boolean(json_get_bool(described, "enabled", false)));
  return o;
}

json_object *berth_lsm_survey(void) {
  json_object *out = json_object_new_array();
  _cleanup_json_ json_object *names = berth_plugin_names("");
  for (size_t i = 0; i < json_object_array_length(names); i++) {
    const char *name = json_object_get_string(json_object_array_get_idx(names, i));
    if (strncmp(name, BERTH_CGROUP_PLUGIN_PREFIX, strlen(BERTH_CGROUP_PLUGIN_PREFIX)) == 0)
      continue;
    json_object *o = survey_one(name);
    if (o != NULL)
      json_object_array_add(out, o);
  }
  return out;
}
