/* SPDX-License-Identifier: Apache-2.0 */
/* config.json parsing and validation: a schema table checks types and required
 * fields (errors name the field path), then semantic rules that runc enforces. */
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "berth_seccomp.h"
#include "cleanup.h"
#include "json_util.h"
#include "mount_idmap.h"
#include "parse.h"
#include "process_attrs.h"
#include "util.h"

enum kind { K_STR, K_BOOL, K_INT, K_UINT, K_OBJ, K_OBJ_ARR, K_STR_ARR, K_INT_ARR, K_STR_MAP };

struct range {
  int64_t min, max; /* both 0: any value of the kind */
};

struct field {
  const char *key;
  enum kind kind;
  bool required;
  const struct field *children; /* K_OBJ and K_OBJ_ARR members; NULL = any object */
  struct range range;           /* K_INT, K_UINT, and each element of K_INT_ARR */
  size_t max_items;             /* arrays: 0 = no limit */
};

/* Bounds, each where the kernel would refuse (or silently truncate) beyond it. */
/* A user namespace's id map holds at most 340 lines (kernel 4.15+). */
#define MAPPINGS_MAX 340
/* A device cgroup rule takes -1 for the "*" wildcard of a major or minor. */
/* Memory and cpu time values: -1 is "unlimited" (runc), other negatives are garbage. */
#define UNLIMITED (-1)
/* execve refuses argv and envp whose pointers alone exceed 6 MiB, however large the stack
 * rlimit (bprm_stack_limits: _STK_LIM / 4 * 3), so no process could run with more entries;
 * the bound keeps a hostile config from making init allocate for millions. */
#define ARGV_MAX ((size_t)(6 << 20) / sizeof(char *))

/* Entries leave out the bounds they do not have: zero is "none". */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define END                                                                                        \
  { NULL, K_STR, false, NULL }

static const struct field id_mapping[] = {{"containerID", K_UINT, true, NULL, {0, BERTH_ID_MAX}},
                                          {"hostID", K_UINT, true, NULL, {0, BERTH_ID_MAX}},
                                          {"size", K_UINT, true, NULL, {1, BERTH_ID_MAX + 1}},
                                          END};
static const struct field user[] = {
    {"uid", K_UINT, true, NULL, {0, BERTH_ID_MAX}},
    {"gid", K_UINT, true, NULL, {0, BERTH_ID_MAX}},
    {"umask", K_UINT, false, NULL, {0, 0777}},
    {"additionalGids", K_INT_ARR, false, NULL, {0, BERTH_ID_MAX}, NGROUPS_MAX},
    {"username", K_STR, false, NULL},
    END};
static const struct field capabilities[] = {
    {"bounding", K_STR_ARR, false, NULL},    {"effective", K_STR_ARR, false, NULL},
    {"inheritable", K_STR_ARR, false, NULL}, {"permitted", K_STR_ARR, false, NULL},
    {"ambient", K_STR_ARR, false, NULL},     END};
static const struct field rlimit[] = {
    {"type", K_STR, true, NULL}, {"hard", K_UINT, true, NULL}, {"soft", K_UINT, true, NULL}, END};
static const struct field console_size[] = {{"height", K_UINT, true, NULL, {0, USHRT_MAX}},
                                            {"width", K_UINT, true, NULL, {0, USHRT_MAX}},
                                            END};
static const struct field process_fields[] = {{"terminal", K_BOOL, false, NULL},
                                              {"consoleSize", K_OBJ, false, console_size},
                                              {"user", K_OBJ, true, user},
                                              {"args", K_STR_ARR, false, NULL, {0, 0}, ARGV_MAX},
                                              {"commandLine", K_STR, false, NULL},
                                              {"env", K_STR_ARR, false, NULL, {0, 0}, ARGV_MAX},
                                              {"cwd", K_STR, true, NULL},
                                              {"capabilities", K_OBJ, false, capabilities},
                                              {"rlimits", K_OBJ_ARR, false, rlimit},
                                              {"noNewPrivileges", K_BOOL, false, NULL},
                                              {"apparmorProfile", K_STR, false, NULL},
                                              {"oomScoreAdj", K_INT, false, NULL, {-1000, 1000}},
                                              {"selinuxLabel", K_STR, false, NULL},
                                              END};
static const struct field root[] = {
    {"path", K_STR, true, NULL}, {"readonly", K_BOOL, false, NULL}, END};
static const struct field mount[] = {
    {"destination", K_STR, true, NULL},
    {"source", K_STR, false, NULL},
    {"type", K_STR, false, NULL},
    {"options", K_STR_ARR, false, NULL},
    {"uidMappings", K_OBJ_ARR, false, id_mapping, {0, 0}, MAPPINGS_MAX},
    {"gidMappings", K_OBJ_ARR, false, id_mapping, {0, 0}, MAPPINGS_MAX},
    END};
static const struct field hook[] = {{"path", K_STR, true, NULL},
                                    {"args", K_STR_ARR, false, NULL},
                                    {"env", K_STR_ARR, false, NULL},
                                    {"timeout", K_INT, false, NULL},
                                    END};
static const struct field hooks[] = {{"prestart", K_OBJ_ARR, false, hook},
                                     {"createRuntime", K_OBJ_ARR, false, hook},
                                     {"createContainer", K_OBJ_ARR, false, hook},
                                     {"startContainer", K_OBJ_ARR, false, hook},
                                     {"poststart", K_OBJ_ARR, false, hook},
                                     {"poststop", K_OBJ_ARR, false, hook},
                                     END};
static const struct field namespace[] = {
    {"type", K_STR, true, NULL}, {"path", K_STR, false, NULL}, END};
static const struct field device[] = {
    {"path", K_STR, true, NULL},
    {"type", K_STR, true, NULL},
    {"major", K_INT, false, NULL, {0, BERTH_DEV_MAJOR_MAX}},
    {"minor", K_INT, false, NULL, {0, BERTH_DEV_MINOR_MAX}},
    /* a mode_t of 16 bits: permissions, and the file type bits that some engines include */
    {"fileMode", K_UINT, false, NULL, {0, 0177777}},
    {"uid", K_UINT, false, NULL, {0, BERTH_ID_MAX}},
    {"gid", K_UINT, false, NULL, {0, BERTH_ID_MAX}},
    END};
static const struct field device_rule[] = {{"allow", K_BOOL, true, NULL},
                                           {"type", K_STR, false, NULL},
                                           {"major", K_INT, false, NULL, {-1, BERTH_DEV_MAJOR_MAX}},
                                           {"minor", K_INT, false, NULL, {-1, BERTH_DEV_MINOR_MAX}},
                                           {"access", K_STR, false, NULL},
                                           END};
static const struct field memory[] = {{"limit", K_INT, false, NULL, {UNLIMITED, INT64_MAX}},
                                      {"reservation", K_INT, false, NULL, {UNLIMITED, INT64_MAX}},
                                      {"swap", K_INT, false, NULL, {UNLIMITED, INT64_MAX}},
                                      {"kernel", K_INT, false, NULL, {UNLIMITED, INT64_MAX}},
                                      {"kernelTCP", K_INT, false, NULL, {UNLIMITED, INT64_MAX}},
                                      {"swappiness", K_UINT, false, NULL},
                                      {"disableOOMKiller", K_BOOL, false, NULL},
                                      {"useHierarchy", K_BOOL, false, NULL},
                                      {"checkBeforeUpdate", K_BOOL, false, NULL},
                                      END};
static const struct field cpu[] = {{"shares", K_UINT, false, NULL},
                                   {"quota", K_INT, false, NULL, {UNLIMITED, INT64_MAX}},
                                   {"burst", K_UINT, false, NULL},
                                   {"period", K_UINT, false, NULL},
                                   {"realtimeRuntime", K_INT, false, NULL, {UNLIMITED, INT64_MAX}},
                                   {"realtimePeriod", K_UINT, false, NULL},
                                   {"cpus", K_STR, false, NULL},
                                   {"mems", K_STR, false, NULL},
                                   {"idle", K_INT, false, NULL, {0, 1}}, /* the kernel's cpu.idle */
                                   END};
static const struct field pids[] = {{"limit", K_INT, true, NULL, {UNLIMITED, INT64_MAX}}, END};
static const struct field hugepage[] = {
    {"pageSize", K_STR, true, NULL}, {"limit", K_UINT, true, NULL}, END};
static const struct field resources[] = {{"devices", K_OBJ_ARR, false, device_rule},
                                         {"memory", K_OBJ, false, memory},
                                         {"cpu", K_OBJ, false, cpu},
                                         {"pids", K_OBJ, false, pids},
                                         {"blockIO", K_OBJ, false, NULL},
                                         {"hugepageLimits", K_OBJ_ARR, false, hugepage},
                                         {"network", K_OBJ, false, NULL},
                                         {"rdma", K_OBJ, false, NULL},
                                         {"unified", K_STR_MAP, false, NULL},
                                         END};
/* timens_offsets: the kernel refuses nanoseconds outside one second. */
static const struct field time_offset[] = {
    {"secs", K_INT, false, NULL}, {"nanosecs", K_UINT, false, NULL, {0, 999999999}}, END};
static const struct field time_offsets[] = {
    {"monotonic", K_OBJ, false, time_offset}, {"boottime", K_OBJ, false, time_offset}, END};
static const struct field linux_fields[] = {
    {"namespaces", K_OBJ_ARR, false, namespace},
    {"uidMappings", K_OBJ_ARR, false, id_mapping, {0, 0}, MAPPINGS_MAX},
    {"gidMappings", K_OBJ_ARR, false, id_mapping, {0, 0}, MAPPINGS_MAX},
    {"timeOffsets", K_OBJ, false, time_offsets},
    {"devices", K_OBJ_ARR, false, device},
    {"cgroupsPath", K_STR, false, NULL},
    {"resources", K_OBJ, false, resources},
    {"rootfsPropagation", K_STR, false, NULL},
    {"seccomp", K_OBJ, false, NULL},
    {"sysctl", K_STR_MAP, false, NULL},
    {"maskedPaths", K_STR_ARR, false, NULL},
    {"readonlyPaths", K_STR_ARR, false, NULL},
    {"mountLabel", K_STR, false, NULL},
    {"intelRdt", K_OBJ, false, NULL},
    {"personality", K_OBJ, false, NULL},
    END};
static const struct field top[] = {
    {"ociVersion", K_STR, true, NULL},        {"root", K_OBJ, true, root},
    {"process", K_OBJ, true, process_fields}, {"hostname", K_STR, false, NULL},
    {"domainname", K_STR, false, NULL},       {"mounts", K_OBJ_ARR, false, mount},
    {"hooks", K_OBJ, false, hooks},           {"annotations", K_STR_MAP, false, NULL},
    {"linux", K_OBJ, false, linux_fields},    END};

/* exec --process: a process object alone. */
static const struct field process_only[] = {{"process", K_OBJ, true, process_fields}, END};
#pragma GCC diagnostic pop

static const char *kind_text[] = {[K_STR] = "a string",
                                  [K_BOOL] = "a boolean",
                                  [K_INT] = "an integer",
                                  [K_UINT] = "a non-negative integer",
                                  [K_OBJ] = "an object",
                                  [K_OBJ_ARR] = "an array of objects",
                                  [K_STR_ARR] = "an array of strings",
                                  [K_INT_ARR] = "an array of integers",
                                  [K_STR_MAP] = "an object of strings"};

static int check_object(json_object *o, const struct field *fields, const char *path,
                        struct berth_error *err);

static bool all_elements(json_object *arr, json_type t) {
  for (size_t i = 0; i < json_object_array_length(arr); i++)
    if (!json_object_is_type(json_object_array_get_idx(arr, i), t))
      return false;
  return true;
}

static bool is_kind(json_object *v, enum kind kind) {
  switch (kind) {
  case K_STR:
    return json_object_is_type(v, json_type_string);
  case K_BOOL:
    return json_object_is_type(v, json_type_boolean);
  case K_INT:
    return json_object_is_type(v, json_type_int);
  case K_UINT:
    return json_object_is_type(v, json_type_int) &&
           (json_object_get_int64(v) >= 0 || json_object_get_uint64(v) > INT64_MAX);
  case K_OBJ:
    return json_object_is_type(v, json_type_object);
  case K_OBJ_ARR:
    return json_object_is_type(v, json_type_array) && all_elements(v, json_type_object);
  case K_STR_ARR:
    return json_object_is_type(v, json_type_array) && all_elements(v, json_type_string);
  case K_INT_ARR:
    return json_object_is_type(v, json_type_array) && all_elements(v, json_type_int);
  case K_STR_MAP: {
    if (!json_object_is_type(v, json_type_object))
      return false;
    json_object_object_foreach(v, key, val) {
      (void)key;
      if (!json_object_is_type(val, json_type_string))
        return false;
    }
    return true;
  }
  }
  return false;
}

static bool has_range(const struct field *f) {
  return f->range.min != 0 || f->range.max != 0;
}

static int check_elements(json_object *arr, const struct field *f, const char *path,
                          struct berth_error *err) {
  size_t n = json_object_array_length(arr);
  if (f->max_items > 0 && n > f->max_items)
    return berth_error(err, 0, "%s: %zu entries, more than the %zu allowed", path, n, f->max_items);
  for (size_t i = 0; f->kind == K_INT_ARR && has_range(f) && i < n; i++) {
    char sub[512];
    if (snprintf(sub, sizeof(sub), "%s[%zu]", path, i) >= (int)sizeof(sub))
      return berth_error(err, 0, "%s: nested too deeply", path);
    int r = berth_json_check_range(json_object_array_get_idx(arr, i), sub, f->range.min,
                                   f->range.max, err);
    if (r < 0)
      return r;
  }
  return 0;
}

static int check_field(json_object *v, const struct field *f, const char *path,
                       struct berth_error *err) {
  /* An integer outside its field's range says so, a negative one for an unsigned field too. */
  if ((f->kind == K_INT || f->kind == K_UINT) && has_range(f) &&
      json_object_is_type(v, json_type_int))
    return berth_json_check_range(v, path, f->range.min, f->range.max, err);
  if (!is_kind(v, f->kind))
    return berth_error(err, 0, "%s: must be %s", path, kind_text[f->kind]);
  if (json_object_is_type(v, json_type_array)) {
    int r = check_elements(v, f, path, err);
    if (r < 0)
      return r;
  }
  if (f->children == NULL)
    return 0;
  if (f->kind == K_OBJ)
    return check_object(v, f->children, path, err);
  for (size_t i = 0; i < json_object_array_length(v); i++) {
    char sub[512];
    if (snprintf(sub, sizeof(sub), "%s[%zu]", path, i) >= (int)sizeof(sub))
      return berth_error(err, 0, "%s: nested too deeply", path);
    int r = check_object(json_object_array_get_idx(v, i), f->children, sub, err);
    if (r < 0)
      return r;
  }
  return 0;
}

static int check_object(json_object *o, const struct field *fields, const char *path,
                        struct berth_error *err) {
  for (const struct field *f = fields; f->key != NULL; f++) {
    char sub[512];
    if (snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", f->key) >= (int)sizeof(sub))
      return berth_error(err, 0, "%s: nested too deeply", path);
    json_object *v = json_get(o, f->key);
    if (v == NULL || json_object_is_type(v, json_type_null)) {
      if (f->required)
        return berth_error(err, 0, "%s: required", sub);
      continue;
    }
    int r = check_field(v, f, sub, err);
    if (r < 0)
      return r;
  }
  return 0;
}

/* No mount namespace: the container inherits the runtime's, as the runtime spec says, and init
 * builds its root in a scratch mount namespace that it leaves again, keeping only a detached,
 * private copy of the root (rootfs.c). Leaving needs CAP_SYS_ADMIN over the host's namespace,
 * which a process in a new user namespace never has; and the copy shares no propagation. */
static int check_without_mount_namespace(json_object *spec, int seen, struct berth_error *err) {
  if (seen & CLONE_NEWUSER)
    return berth_error(err, 0,
                       "linux.namespaces: a user namespace needs a mount namespace too (a "
                       "container without one cannot build its root in the host's)");
  const char *prop = json_get_str(json_get(spec, "linux"), "rootfsPropagation");
  if (prop != NULL && *prop != '\0' && strcmp(prop, "private") != 0 &&
      strcmp(prop, "rprivate") != 0)
    return berth_error(err, 0,
                       "linux.rootfsPropagation: %s needs a mount namespace (without one the "
                       "container's root is a private copy)",
                       prop);
  return 0;
}

/* The kernel refuses a map line whose range passes (uid_t)-1; say which line and why. */
static int check_mapping_ends(json_object *maps, const char *path, struct berth_error *err) {
  static const char *const starts[] = {"containerID", "hostID"};
  for (size_t i = 0; maps != NULL && i < json_object_array_length(maps); i++) {
    json_object *m = json_object_array_get_idx(maps, i);
    int64_t size = json_get_int(m, "size", 1);
    for (size_t s = 0; s < ARRAY_SIZE(starts); s++) {
      int64_t first = json_get_int(m, starts[s], 0);
      if (first + size - 1 > BERTH_ID_MAX)
        return berth_error(err, 0, "%s[%zu]: %s %lld + size %lld passes the largest id %lld", path,
                           i, starts[s], (long long)first, (long long)size, BERTH_ID_MAX);
    }
  }
  return 0;
}

static int check_all_mappings(json_object *spec, struct berth_error *err) {
  static const char *const kinds[] = {"uidMappings", "gidMappings"};
  json_object *mounts = json_get_array(spec, "mounts");
  for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
    char path[64];
    snprintf(path, sizeof(path), "linux.%s", kinds[k]);
    int r = check_mapping_ends(json_get_array(json_get(spec, "linux"), kinds[k]), path, err);
    for (size_t i = 0; r == 0 && mounts != NULL && i < json_object_array_length(mounts); i++) {
      snprintf(path, sizeof(path), "mounts[%zu].%s", i, kinds[k]);
      r = check_mapping_ends(json_get_array(json_object_array_get_idx(mounts, i), kinds[k]), path,
                             err);
    }
    if (r < 0)
      return r;
  }
  return 0;
}

static int check_namespaces(json_object *spec, struct berth_error *err) {
  json_object *list = json_get_array(json_get(spec, "linux"), "namespaces");
  int seen = 0;
  bool user_by_path = false;
  for (size_t i = 0; list != NULL && i < json_object_array_length(list); i++) {
    json_object *ns = json_object_array_get_idx(list, i);
    const char *type = json_get_str(ns, "type");
    int flag = berth_namespace_flag(type);
    if (flag == 0)
      return berth_error(err, 0, "linux.namespaces[%zu].type: unknown namespace %s", i, type);
    if (seen & flag)
      return berth_error(err, 0, "linux.namespaces[%zu]: duplicate %s namespace", i, type);
    seen |= flag;
    /* runc treats an empty path as none: a new namespace. */
    const char *path = json_get_str(ns, "path");
    if (path != NULL && path[0] == '\0')
      path = NULL;
    if (path != NULL && path[0] != '/')
      return berth_error(err, 0, "linux.namespaces[%zu].path: %s is not absolute", i, path);
    if (flag == CLONE_NEWUSER && path != NULL)
      user_by_path = true;
  }
  if (!(seen & CLONE_NEWNS)) {
    int r = check_without_mount_namespace(spec, seen, err);
    if (r < 0)
      return r;
  }
  json_object *uids = json_get_array(json_get(spec, "linux"), "uidMappings");
  json_object *gids = json_get_array(json_get(spec, "linux"), "gidMappings");
  bool mapped = uids != NULL && json_object_array_length(uids) > 0;
  if ((seen & CLONE_NEWUSER) && !user_by_path &&
      (!mapped || gids == NULL || json_object_array_length(gids) == 0))
    return berth_error(err, 0,
                       "linux.uidMappings: a new user namespace needs uid and gid mappings");
  if (mapped && !(seen & CLONE_NEWUSER))
    return berth_error(err, 0, "linux.uidMappings: mappings given but no user namespace");
  if (gids != NULL && json_object_array_length(gids) > 0 && !(seen & CLONE_NEWUSER))
    return berth_error(err, 0, "linux.gidMappings: mappings given but no user namespace");
  return 0;
}

static int check_capabilities(json_object *spec, struct berth_error *err) {
  static const char *const sets[] = {"bounding", "effective", "inheritable", "permitted",
                                     "ambient"};
  json_object *caps = json_path(spec, "process", "capabilities", NULL);
  for (size_t s = 0; caps != NULL && s < sizeof(sets) / sizeof(sets[0]); s++) {
    json_object *list = json_get_array(caps, sets[s]);
    for (size_t i = 0; list != NULL && i < json_object_array_length(list); i++) {
      const char *name = json_object_get_string(json_object_array_get_idx(list, i));
      if (berth_capability_number(name) < 0)
        return berth_error(err, 0, "process.capabilities.%s: unknown capability %s", sets[s], name);
    }
  }
  return 0;
}

static int check_process(json_object *spec, struct berth_error *err) {
  json_object *proc = json_get(spec, "process");
  json_object *args = json_get_array(proc, "args");
  if (args == NULL || json_object_array_length(args) == 0)
    return berth_error(err, 0, "process.args: must not be empty");
  const char *cwd = json_get_str(proc, "cwd");
  if (cwd[0] != '/')
    return berth_error(err, 0, "process.cwd: %s is not an absolute path", cwd);
  json_object *rlimits = json_get_array(proc, "rlimits");
  for (size_t i = 0; rlimits != NULL && i < json_object_array_length(rlimits); i++) {
    json_object *l = json_object_array_get_idx(rlimits, i);
    const char *type = json_get_str(l, "type");
    if (berth_rlimit_number(type) < 0)
      return berth_error(err, 0, "process.rlimits[%zu].type: unknown rlimit %s", i, type);
    uint64_t soft = json_object_get_uint64(json_get(l, "soft"));
    uint64_t hard = json_object_get_uint64(json_get(l, "hard"));
    if (soft > hard)
      return berth_error(err, 0, "process.rlimits[%zu]: soft %llu is above hard %llu", i,
                         (unsigned long long)soft, (unsigned long long)hard);
  }
  int r = check_capabilities(spec, err);
  return r < 0 ? r : berth_process_attrs_validate(spec, err);
}

static bool has_new_namespace(json_object *spec, int flag) {
  json_object *list = json_get_array(json_get(spec, "linux"), "namespaces");
  for (size_t i = 0; list != NULL && i < json_object_array_length(list); i++) {
    json_object *ns = json_object_array_get_idx(list, i);
    if (berth_namespace_flag(json_get_str(ns, "type")) == flag)
      return true;
  }
  return false;
}

/* runc's rule: a sysctl must belong to a namespace the container has of its own. */
static int check_sysctl(json_object *spec, struct berth_error *err) {
  static const char *const ipc_keys[] = {"kernel.msgmax", "kernel.msgmnb",         "kernel.msgmni",
                                         "kernel.sem",    "kernel.shmall",         "kernel.shmmax",
                                         "kernel.shmmni", "kernel.shm_rmid_forced"};
  json_object *sysctl = json_get(json_get(spec, "linux"), "sysctl");
  if (sysctl == NULL)
    return 0;
  json_object_object_foreach(sysctl, key, val) {
    (void)val;
    bool ok = false;
    for (size_t i = 0; i < sizeof(ipc_keys) / sizeof(ipc_keys[0]); i++)
      ok = ok || strcmp(key, ipc_keys[i]) == 0;
    if (ok || strncmp(key, "fs.mqueue.", 10) == 0) {
      if (!has_new_namespace(spec, CLONE_NEWIPC))
        return berth_error(err, 0, "linux.sysctl: %s needs an ipc namespace", key);
      continue;
    }
    if (strncmp(key, "net.", 4) == 0) {
      if (!has_new_namespace(spec, CLONE_NEWNET))
        return berth_error(err, 0, "linux.sysctl: %s needs a network namespace", key);
      continue;
    }
    if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0) {
      if (!has_new_namespace(spec, CLONE_NEWUTS))
        return berth_error(err, 0, "linux.sysctl: %s needs a uts namespace", key);
      continue;
    }
    return berth_error(err, 0, "linux.sysctl: %s is not in a separate kernel namespace", key);
  }
  return 0;
}

/* kernel.hostname would override the spec's "hostname": refused in runc's words, which
 * engines may match. (runc lets kernel.domainname through, as berth does.) */
static int check_sysctl_field_conflicts(json_object *spec, struct berth_error *err) {
  if (json_get(json_get(json_get(spec, "linux"), "sysctl"), "kernel.hostname") != NULL)
    return berth_error(err, 0,
                       "linux.sysctl: sysctl \"kernel.hostname\" is not allowed as it conflicts "
                       "with the OCI \"hostname\" field");
  return 0;
}

static int check_linux(json_object *spec, struct berth_error *err) {
  json_object *linux_obj = json_get(spec, "linux");
  const char *prop = json_get_str(linux_obj, "rootfsPropagation");
  static const char *const props[] = {"",      "private", "rprivate",   "shared",     "rshared",
                                      "slave", "rslave",  "unbindable", "runbindable"};
  bool prop_ok = prop == NULL;
  for (size_t i = 0; !prop_ok && i < sizeof(props) / sizeof(props[0]); i++)
    prop_ok = strcmp(prop, props[i]) == 0;
  if (!prop_ok)
    return berth_error(err, 0, "linux.rootfsPropagation: unknown propagation %s", prop);
  json_object *devices = json_get_array(linux_obj, "devices");
  for (size_t i = 0; devices != NULL && i < json_object_array_length(devices); i++) {
    json_object *d = json_object_array_get_idx(devices, i);
    const char *type = json_get_str(d, "type"), *path = json_get_str(d, "path");
    if (strlen(type) != 1 || strchr("cbup", type[0]) == NULL)
      return berth_error(err, 0, "linux.devices[%zu].type: %s is not c, b, u or p", i, type);
    if (path[0] != '/')
      return berth_error(err, 0, "linux.devices[%zu].path: %s is not absolute", i, path);
  }
  if (has_new_namespace(spec, CLONE_NEWUTS) == false &&
      (json_get_str(spec, "hostname") != NULL && *json_get_str(spec, "hostname") != '\0'))
    return berth_error(err, 0, "hostname: setting it needs a uts namespace");
  int r = check_namespaces(spec, err);
  if (r < 0 || (r = check_all_mappings(spec, err)) < 0 ||
      (r = berth_mount_idmap_check(spec, err)) < 0 || (r = check_sysctl(spec, err)) < 0)
    return r;
  return check_sysctl_field_conflicts(spec, err);
}

/* The runtime spec: a hook's timeout, when given, MUST be greater than zero. */
static int check_hooks(json_object *spec, struct berth_error *err) {
  json_object *kinds = json_get(spec, "hooks");
  if (kinds == NULL)
    return 0;
  json_object_object_foreach(kinds, kind, list) {
    size_t n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
    for (size_t i = 0; i < n; i++) {
      json_object *timeout =
          json_get_type(json_object_array_get_idx(list, i), "timeout", json_type_int);
      if (timeout == NULL)
        continue;
      if (json_object_get_int64(timeout) <= 0)
        return berth_error(err, 0, "hooks.%s[%zu].timeout: must be greater than zero", kind, i);
      char path[512];
      snprintf(path, sizeof(path), "hooks.%s[%zu].timeout", kind, i);
      int r = berth_json_check_range(timeout, path, 1, INT32_MAX, err);
      if (r < 0)
        return r;
    }
  }
  return 0;
}

int berth_spec_validate(json_object *spec, struct berth_error *err) {
  if (!json_object_is_type(spec, json_type_object))
    return berth_error(err, 0, "config.json: not a JSON object");
  int r = check_object(spec, top, "", err);
  if (r < 0 || (r = berth_seccomp_validate(json_path(spec, "linux", "seccomp", NULL), err)) < 0)
    return r;
  if (json_get(spec, "linux") == NULL)
    return berth_error(err, 0, "linux: required on Linux");
  r = check_process(spec, err);
  if (r < 0 || (r = check_hooks(spec, err)) < 0)
    return r;
  return check_linux(spec, err);
}

int berth_spec_validate_process(json_object *process, struct berth_error *err) {
  json_object *spec = json_object_new_object();
  json_object_object_add(spec, "process", json_object_get(process));
  int r = check_object(spec, process_only, "", err);
  if (r == 0)
    r = check_process(spec, err);
  json_object_put(spec);
  return r;
}

int berth_spec_parse(const char *text, const char *what, json_object **out,
                     struct berth_error *err) {
  json_tokener *tok = json_tokener_new();
  if (tok == NULL)
    return berth_error(err, ENOMEM, "parse %s", what);
  /* Strict, as runc's decoder: no trailing commas, comments, or a second value. */
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
  json_object *obj = json_tokener_parse_ex(tok, text, (int)strlen(text));
  enum json_tokener_error jerr = json_tokener_get_error(tok);
  size_t offset = json_tokener_get_parse_end(tok);
  json_tokener_free(tok);
  if (obj != NULL && jerr == json_tokener_success) {
    offset += strspn(text + offset, " \t\r\n");
    if (text[offset] != '\0') {
      json_object_put(obj);
      return berth_error(err, 0, "%s: invalid JSON at byte %zu: data after the top-level value",
                         what, offset);
    }
  }
  if (obj == NULL || jerr != json_tokener_success) {
    if (obj != NULL)
      json_object_put(obj);
    if (jerr == json_tokener_continue)
      return berth_error(err, 0, "%s: invalid JSON: unexpected end of input", what);
    return berth_error(err, 0, "%s: invalid JSON at byte %zu: %s", what, offset,
                       json_tokener_error_desc(jerr));
  }
  *out = obj;
  return 0;
}

int berth_spec_load(int bundle_dirfd, json_object **out, struct berth_error *err) {
  _cleanup_free_ char *text = NULL;
  int r = read_file_at(bundle_dirfd, "config.json", &text, err);
  if (r < 0)
    return r;
  _cleanup_json_ json_object *spec = NULL;
  r = berth_spec_parse(text, "config.json", &spec, err);
  if (r < 0)
    return r;
  r = berth_spec_validate(spec, err);
  if (r < 0)
    return berth_error_prefix(err, "config.json");
  *out = steal_pointer(&spec);
  return 0;
}
