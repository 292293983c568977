/* SPDX-License-Identifier: Apache-2.0 */
#include "plugin_loader.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "log.h"
#include "plugin_crash.h"
#include "plugin_probe.h"

/* The smallest tables a plugin may hand us: everything the ABI defined when each appeared (the
 * descriptor and the cgroup ops in 1.0, the LSM ops in 1.2, the RDT ops in 1.5). */
#define MIN_PLUGIN_SIZE (offsetof(struct berth_plugin, cgroup) + sizeof(void *))
#define MIN_CGROUP_OPS_SIZE (offsetof(struct berth_cgroup_ops, cgroup_fd) + sizeof(void *))
#define MIN_LSM_OPS_SIZE (offsetof(struct berth_lsm_ops, exec_attr) + sizeof(void *))
#define MIN_DEVICE_OPS_SIZE (offsetof(struct berth_device_ops, resolve) + sizeof(void *))
#define MIN_RDT_OPS_SIZE (offsetof(struct berth_rdt_ops, release) + sizeof(void *))
#define MIN_CHECKPOINT_OPS_SIZE (offsetof(struct berth_checkpoint_ops, restore) + sizeof(void *))
/* Whether a struct of `size` bytes, as its plugin declared it, holds `member`. */
#define COVERS(size, type, member) ((size) >= offsetof(type, member) + sizeof(((type *)0)->member))
#define KNOWN_HOST_FEATURES BERTH_HOST_FEATURES_1_0
#define MAX_LOADED 16

/* What the core reads of a plugin is a copy the size this berth knows, made by the loader from
 * no more than the struct_size the plugin declared: a member past it (the plugin's table is
 * older than this header) reads as NULL or 0 here, never as the plugin's neighbouring bytes.
 * struct_size keeps the plugin's value, so the "since 1.N" checks of the callers still hold. */
static struct {
  char name[64];
  const struct berth_plugin *loaded; /* &plugin once loaded */
  struct berth_plugin plugin;
  struct berth_cgroup_ops cgroup;
  struct berth_lsm_ops lsm;
  struct berth_device_ops device;
  struct berth_rdt_ops rdt;
  struct berth_checkpoint_ops checkpoint;
} loaded[MAX_LOADED];

const char *berth_plugin_kind_name(uint32_t kind) {
  switch (kind) {
  case BERTH_PLUGIN_KIND_CGROUP:
    return "cgroup";
  case BERTH_PLUGIN_KIND_RDT:
    return "rdt";
  case BERTH_PLUGIN_KIND_LSM:
    return "lsm";
  case BERTH_PLUGIN_KIND_DEVICE:
    return "device";
  case BERTH_PLUGIN_KIND_CHECKPOINT:
    return "checkpoint";
  default:
    return "unknown";
  }
}

const char *berth_plugin_search_path(void) {
  const char *env = getenv("BERTH_PLUGIN_PATH");
  return env != NULL && *env != '\0' ? env : BERTH_PLUGIN_DIR;
}

/* Root-owned and not writable by group or others: nobody else can swap the code. */
static int check_owner(const struct stat *st, const char *what, const char *path,
                       struct berth_error *err) {
  if (st->st_uid != 0)
    return berth_error(err, 0, "%s %s is not owned by root (uid %u)", what, path,
                       (unsigned)st->st_uid);
  if (st->st_mode & (S_IWGRP | S_IWOTH))
    return berth_error(err, 0, "%s %s is group- or world-writable (mode %04o)", what, path,
                       (unsigned)(st->st_mode & 07777));
  return 0;
}

/* Open DIR/NAME.so; -ENOENT (without touching err) when the file is not there. */
static int open_plugin_file(const char *dir, const char *file, char *path, size_t size,
                            struct berth_error *err) {
  snprintf(path, size, "%s/%s", dir, file);
  _cleanup_close_ int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return -ENOENT;
  int fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    return -ENOENT;
  _cleanup_close_ int file_fd = fd;
  if (fd < 0 && errno == ELOOP)
    return berth_error(err, 0, "plugin %s is a symlink; refusing to load it", path);
  if (fd < 0)
    return berth_error(err, errno, "open plugin %s", path);
  struct stat dst, fst;
  if (fstat(dirfd, &dst) < 0 || fstat(file_fd, &fst) < 0)
    return berth_error(err, errno, "stat plugin %s", path);
  int r = check_owner(&dst, "plugin directory", dir, err);
  if (r < 0)
    return r;
  if (!S_ISREG(fst.st_mode))
    return berth_error(err, 0, "plugin %s is not a regular file", path);
  r = check_owner(&fst, "plugin", path, err);
  return r < 0 ? r : take_fd(&file_fd);
}

static int find_plugin_file(const char *file, char *path, size_t size, struct berth_error *err) {
  _cleanup_free_ char *dirs = strdup(berth_plugin_search_path());
  if (dirs == NULL)
    return berth_error(err, ENOMEM, "plugin search path");
  char *save = NULL;
  for (char *dir = strtok_r(dirs, ":", &save); dir != NULL; dir = strtok_r(NULL, ":", &save)) {
    int fd = open_plugin_file(dir, file, path, size, err);
    if (fd != -ENOENT)
      return fd;
  }
  return -ENOENT;
}

/* A mandatory op of an ops table: its name and where its pointer lies. */
struct mandatory_op {
  const char *name;
  size_t offset;
};
#define OP(type, member)                                                                           \
  { #member, offsetof(type, member) }

/* The first of ops' mandatory ops (include/berth/plugin.h) that is NULL, or NULL. */
static const char *first_null_op(const void *ops, const struct mandatory_op *list, size_t n) {
  for (size_t i = 0; i < n; i++) {
    void *fn;
    memcpy(&fn, (const char *)ops + list[i].offset, sizeof(fn));
    if (fn == NULL)
      return list[i].name;
  }
  return NULL;
}

static const char *missing_cgroup_op(const struct berth_cgroup_ops *ops) {
  static const struct mandatory_op list[] = {
      OP(struct berth_cgroup_ops, create),  OP(struct berth_cgroup_ops, load),
      OP(struct berth_cgroup_ops, save),    OP(struct berth_cgroup_ops, enter),
      OP(struct berth_cgroup_ops, apply),   OP(struct berth_cgroup_ops, get_pids),
      OP(struct berth_cgroup_ops, destroy), OP(struct berth_cgroup_ops, release)};
  const char *missing = first_null_op(ops, list, sizeof(list) / sizeof(list[0]));
  /* A container paused through freeze must read as paused. */
  if (missing == NULL && ops->freeze != NULL && ops->is_frozen == NULL)
    return "is_frozen (with freeze)";
  return missing;
}

static const char *missing_lsm_op(const struct berth_lsm_ops *ops) {
  static const struct mandatory_op list[] = {OP(struct berth_lsm_ops, validate),
                                             OP(struct berth_lsm_ops, exec_attr)};
  return first_null_op(ops, list, sizeof(list) / sizeof(list[0]));
}

/* A device plugin (kind since 1.5) has its ops table, at least as long as 1.5's. */
static int check_device_ops(const struct berth_device_ops *device, const char *path,
                            struct berth_error *err) {
  if (device == NULL)
    return berth_error(err, 0, "plugin %s: kind device without device ops", path);
  if (device->struct_size < MIN_DEVICE_OPS_SIZE)
    return berth_error(err, 0, "plugin %s: device ops too short (%u bytes, ABI 1.5 needs %zu)",
                       path, device->struct_size, MIN_DEVICE_OPS_SIZE);
  if (device->resolve == NULL)
    return berth_error(err, 0, "plugin %s: device op resolve is NULL but mandatory", path);
  return 0;
}

static const char *missing_rdt_op(const struct berth_rdt_ops *ops) {
  static const struct mandatory_op list[] = {
      OP(struct berth_rdt_ops, create),  OP(struct berth_rdt_ops, load),
      OP(struct berth_rdt_ops, save),    OP(struct berth_rdt_ops, add),
      OP(struct berth_rdt_ops, destroy), OP(struct berth_rdt_ops, release)};
  return first_null_op(ops, list, sizeof(list) / sizeof(list[0]));
}

/* An RDT plugin has its ops since 1.5; one built before could apply nothing, so it is refused
 * here rather than failing each container that asks for linux.intelRdt later. */
static int check_rdt_ops(const struct berth_plugin *p, const struct berth_rdt_ops *rdt,
                         const char *path, struct berth_error *err) {
  if (!COVERS(p->struct_size, struct berth_plugin, rdt))
    return berth_error(err, 0,
                       "plugin %s: kind rdt of ABI %u.%u has no rdt ops (ABI 1.5 added them)", path,
                       p->abi_major, p->abi_minor);
  if (rdt == NULL)
    return berth_error(err, 0, "plugin %s: kind rdt without rdt ops", path);
  if (rdt->struct_size < MIN_RDT_OPS_SIZE)
    return berth_error(err, 0, "plugin %s: rdt ops too short (%u bytes, ABI 1.5 needs %zu)", path,
                       rdt->struct_size, MIN_RDT_OPS_SIZE);
  const char *missing = missing_rdt_op(rdt);
  if (missing != NULL)
    return berth_error(err, 0, "plugin %s: rdt op %s is NULL but mandatory", path, missing);
  return 0;
}

static const char *missing_checkpoint_op(const struct berth_checkpoint_ops *ops) {
  static const struct mandatory_op list[] = {OP(struct berth_checkpoint_ops, check),
                                             OP(struct berth_checkpoint_ops, dump),
                                             OP(struct berth_checkpoint_ops, restore)};
  return first_null_op(ops, list, sizeof(list) / sizeof(list[0]));
}

/* A checkpoint plugin (kind since 1.6) has its ops table, at least as long as 1.6's. */
static int check_checkpoint_ops(const struct berth_checkpoint_ops *ops, const char *path,
                                struct berth_error *err) {
  if (ops == NULL)
    return berth_error(err, 0, "plugin %s: kind checkpoint without checkpoint ops", path);
  if (ops->struct_size < MIN_CHECKPOINT_OPS_SIZE)
    return berth_error(err, 0, "plugin %s: checkpoint ops too short (%u bytes, ABI 1.6 needs %zu)",
                       path, ops->struct_size, MIN_CHECKPOINT_OPS_SIZE);
  const char *missing = missing_checkpoint_op(ops);
  if (missing != NULL)
    return berth_error(err, 0, "plugin %s: checkpoint op %s is NULL but mandatory", path, missing);
  return 0;
}

/* Each kind has its own ops table and no other's. The lsm member exists since 1.2 only, rdt
 * and device since 1.5, checkpoint since 1.6. */
static int check_ops(const struct berth_plugin *p, const char *path, struct berth_error *err) {
  const char *kind = berth_plugin_kind_name(p->kind);
  const struct berth_lsm_ops *lsm =
      COVERS(p->struct_size, struct berth_plugin, lsm) ? p->lsm : NULL;
  const struct berth_device_ops *device =
      COVERS(p->struct_size, struct berth_plugin, device) ? p->device : NULL;
  const struct berth_rdt_ops *rdt =
      COVERS(p->struct_size, struct berth_plugin, rdt) ? p->rdt : NULL;
  const struct berth_checkpoint_ops *checkpoint =
      COVERS(p->struct_size, struct berth_plugin, checkpoint) ? p->checkpoint : NULL;
  if (p->kind != BERTH_PLUGIN_KIND_CGROUP && p->cgroup != NULL)
    return berth_error(err, 0, "plugin %s: kind %s with cgroup ops", path, kind);
  if (p->kind != BERTH_PLUGIN_KIND_LSM && lsm != NULL)
    return berth_error(err, 0, "plugin %s: kind %s with lsm ops", path, kind);
  if (p->kind != BERTH_PLUGIN_KIND_DEVICE && device != NULL)
    return berth_error(err, 0, "plugin %s: kind %s with device ops", path, kind);
  if (p->kind != BERTH_PLUGIN_KIND_RDT && rdt != NULL)
    return berth_error(err, 0, "plugin %s: kind %s with rdt ops", path, kind);
  if (p->kind != BERTH_PLUGIN_KIND_CHECKPOINT && checkpoint != NULL)
    return berth_error(err, 0, "plugin %s: kind %s with checkpoint ops", path, kind);
  if (p->kind == BERTH_PLUGIN_KIND_CHECKPOINT)
    return check_checkpoint_ops(checkpoint, path, err);
  if (p->kind == BERTH_PLUGIN_KIND_DEVICE)
    return check_device_ops(device, path, err);
  if (p->kind == BERTH_PLUGIN_KIND_RDT)
    return check_rdt_ops(p, rdt, path, err);
  const char *missing = NULL;
  if (p->kind == BERTH_PLUGIN_KIND_CGROUP) {
    if (p->cgroup == NULL)
      return berth_error(err, 0, "plugin %s: kind cgroup without cgroup ops", path);
    if (p->cgroup->struct_size < MIN_CGROUP_OPS_SIZE)
      return berth_error(err, 0, "plugin %s: cgroup ops too short (%u bytes, ABI 1.0 needs %zu)",
                         path, p->cgroup->struct_size, MIN_CGROUP_OPS_SIZE);
    missing = missing_cgroup_op(p->cgroup);
  }
  /* An LSM plugin of 1.0 or 1.1 loads without ops; it cannot label (core/lsm.c says so). */
  if (p->kind == BERTH_PLUGIN_KIND_LSM && COVERS(p->struct_size, struct berth_plugin, lsm)) {
    if (lsm == NULL)
      return berth_error(err, 0, "plugin %s: kind lsm without lsm ops", path);
    if (lsm->struct_size < MIN_LSM_OPS_SIZE)
      return berth_error(err, 0, "plugin %s: lsm ops too short (%u bytes, ABI 1.2 needs %zu)", path,
                         lsm->struct_size, MIN_LSM_OPS_SIZE);
    missing = missing_lsm_op(lsm);
  }
  if (missing != NULL)
    return berth_error(err, 0, "plugin %s: %s op %s is NULL but mandatory", path, kind, missing);
  return 0;
}

static int check_plugin(const struct berth_plugin *p, const char *name, uint32_t kind,
                        const char *path, struct berth_error *err) {
  if (p->magic != BERTH_PLUGIN_MAGIC)
    return berth_error(err, 0, "plugin %s: bad magic 0x%08x (not a berth plugin)", path, p->magic);
  if (p->abi_major != BERTH_ABI_MAJOR)
    return berth_error(err, 0, "plugin %s: built for plugin ABI %u.%u, this berth speaks %u.x",
                       path, p->abi_major, p->abi_minor, BERTH_ABI_MAJOR);
  if (p->struct_size < MIN_PLUGIN_SIZE)
    return berth_error(err, 0, "plugin %s: descriptor too short (%u bytes, ABI 1.0 needs %zu)",
                       path, p->struct_size, MIN_PLUGIN_SIZE);
  if (p->requires & ~KNOWN_HOST_FEATURES)
    return berth_error(err, 0, "plugin %s: requires host features 0x%llx this berth lacks", path,
                       (unsigned long long)(p->requires & ~KNOWN_HOST_FEATURES));
  if (p->name == NULL)
    return berth_error(err, 0, "plugin %s: name is NULL", path);
  if (strcmp(p->name, name) != 0)
    return berth_error(err, 0, "plugin %s: calls itself \"%s\", not \"%s\" as its file is named",
                       path, p->name, name);
  if (p->version == NULL)
    return berth_error(err, 0, "plugin %s: version is NULL", path);
  if (p->kind != BERTH_PLUGIN_KIND_CGROUP && p->kind != BERTH_PLUGIN_KIND_RDT &&
      p->kind != BERTH_PLUGIN_KIND_LSM && p->kind != BERTH_PLUGIN_KIND_DEVICE &&
      p->kind != BERTH_PLUGIN_KIND_CHECKPOINT)
    return berth_error(err, 0, "plugin %s: unknown kind %u", path, p->kind);
  if (kind != BERTH_PLUGIN_KIND_ANY && p->kind != kind)
    return berth_error(err, 0, "plugin %s: is a %s plugin, a %s plugin was expected", path,
                       berth_plugin_kind_name(p->kind), berth_plugin_kind_name(kind));
  return check_ops(p, path, err);
}

/* The host-sized copy of a checked plugin (see `loaded`), in slot. */
static const struct berth_plugin *keep(size_t slot, const char *name,
                                       const struct berth_plugin *p) {
  snprintf(loaded[slot].name, sizeof(loaded[slot].name), "%s", name);
  struct berth_plugin *copy = &loaded[slot].plugin;
  memcpy(copy, p, p->struct_size < sizeof(*copy) ? p->struct_size : sizeof(*copy));
  if (p->cgroup != NULL) {
    size_t n = p->cgroup->struct_size;
    memcpy(&loaded[slot].cgroup, p->cgroup,
           n < sizeof(loaded[slot].cgroup) ? n : sizeof(loaded[slot].cgroup));
    copy->cgroup = &loaded[slot].cgroup;
  }
  copy->lsm = NULL;
  if (COVERS(p->struct_size, struct berth_plugin, lsm) && p->lsm != NULL) {
    size_t n = p->lsm->struct_size;
    memcpy(&loaded[slot].lsm, p->lsm, n < sizeof(loaded[slot].lsm) ? n : sizeof(loaded[slot].lsm));
    copy->lsm = &loaded[slot].lsm;
  }
  copy->device = NULL;
  if (COVERS(p->struct_size, struct berth_plugin, device) && p->device != NULL) {
    size_t n = p->device->struct_size;
    memcpy(&loaded[slot].device, p->device,
           n < sizeof(loaded[slot].device) ? n : sizeof(loaded[slot].device));
    copy->device = &loaded[slot].device;
  }
  copy->rdt = NULL;
  if (COVERS(p->struct_size, struct berth_plugin, rdt) && p->rdt != NULL) {
    size_t n = p->rdt->struct_size;
    memcpy(&loaded[slot].rdt, p->rdt, n < sizeof(loaded[slot].rdt) ? n : sizeof(loaded[slot].rdt));
    copy->rdt = &loaded[slot].rdt;
  }
  copy->checkpoint = NULL;
  if (COVERS(p->struct_size, struct berth_plugin, checkpoint) && p->checkpoint != NULL) {
    size_t n = p->checkpoint->struct_size;
    memcpy(&loaded[slot].checkpoint, p->checkpoint,
           n < sizeof(loaded[slot].checkpoint) ? n : sizeof(loaded[slot].checkpoint));
    copy->checkpoint = &loaded[slot].checkpoint;
  }
  loaded[slot].loaded = copy;
  return copy;
}

/* dlopen the file and run its entry point: the checked descriptor, or an error naming the file.
 * *watch: the plugin's index for crash reports (core/plugin_crash.h), -1 in a probe's child,
 * whose crash the probe reports. */
static int run_entry(int *fd, const char *name, uint32_t kind, const char *path,
                     const struct berth_plugin **out, int *watch, struct berth_error *err) {
  char fdpath[64];
  snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", *fd);
  /* Never dlclose()d: a plugin's code may be referenced until exit. */
  void *handle = dlopen(fdpath, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL)
    return berth_error(err, 0, "plugin %s: %s", path, dlerror());
  /* glibc remembers the object under the name "/proc/self/fd/N" and hands it back to any
   * later dlopen() of that name without opening anything: keep N taken for good. */
  take_fd(fd);
  berth_plugin_entry_fn entry = (berth_plugin_entry_fn)dlsym(handle, BERTH_PLUGIN_ENTRY_SYMBOL);
  if (entry == NULL)
    return berth_error(err, 0, "plugin %s: no %s symbol", path, BERTH_PLUGIN_ENTRY_SYMBOL);
  *watch = berth_probe_in_child() ? -1 : berth_plugin_crash_watch(path, handle);
  berth_host_log_hold();
  struct berth_plugin_call call = berth_plugin_call_enter_watch(*watch, "its entry point");
  const struct berth_plugin *p = entry(&berth_host);
  berth_plugin_call_leave(call);
  /* In a probe, what an accepting plugin says is dropped: the load that follows logs it. */
  _cleanup_free_ char *reason = berth_host_log_release(p == NULL || berth_probe_in_child());
  if (p == NULL)
    return berth_error(err, 0, "plugin %s: refused to run on this host%s%s", path,
                       reason != NULL ? ": " : "", reason != NULL ? reason : "");
  int r = check_plugin(p, name, kind, path, err);
  if (r < 0)
    return r;
  *out = p;
  return 0;
}

struct trial {
  int fd;
  const char *name;
  uint32_t kind;
  const char *path;
};

/* In a probe's child: the whole load, of which only success or the error matters. */
static int trial_load(void *data, char **answer, struct berth_error *err) {
  struct trial *t = data;
  const struct berth_plugin *p = NULL;
  int watch = -1;
  return run_entry(&t->fd, t->name, t->kind, t->path, &p, &watch, err);
}

/* Which package ships NAME.so, for the not-installed message: "(package berth)" for the
 * plugins the runtime's own package carries (packaging/debian/control: cgroup v1 and v2),
 * "(package PREFIX+name)" for those with a package of their own (a cgroup driver's name without
 * "cgroup-"), and for any other, a vendor's, that no package of berth's does. */
static void package_of(const char *name, char *package, size_t size) {
  char item[80];
  snprintf(item, sizeof(item), ":%s:", name);
  if (strstr(":" BERTH_CORE_PACKAGE_PLUGINS ":", item) != NULL)
    snprintf(package, size, "package %s", BERTH_CORE_PACKAGE);
  else if (strstr(":" BERTH_PACKAGED_PLUGINS ":", item) != NULL)
    snprintf(package, size, "package " BERTH_PLUGIN_PACKAGE_PREFIX "%s",
             strncmp(name, "cgroup-", 7) == 0 ? name + 7 : name);
  else
    snprintf(package, size, "no package of berth's ships it");
}

/* Run the entry point in a child first (core/plugin_probe.h): a plugin that crashes or hangs
 * there fails this load, with its file named, like any other refusal, and the command goes on.
 * Only a plugin that passed runs in this process. */
static int trial(int fd, const char *name, uint32_t kind, const char *path,
                 struct berth_error *err) {
  char what[4200];
  snprintf(what, sizeof(what), "plugin %s", path);
  struct trial t = {.fd = fd, .name = name, .kind = kind, .path = path};
  int r = berth_probe_run(what, BERTH_PLUGIN_PROBE_TIMEOUT_MS, trial_load, &t, NULL, err);
  if (r == -BERTH_PROBE_NO_CHILD) {
    /* No process to spare for the trial (a pids limit on the caller's cgroup): the entry point
     * runs here unprobed, as for a plugin the config names, rather than failing the command. */
    berth_log(BERTH_LOG_DEBUG, "%s; loading it unprobed", err->msg);
    berth_error_clear(err);
    r = 0;
  }
  return r;
}

static int load(const char *name, uint32_t kind, bool probe, const struct berth_plugin **out,
                struct berth_error *err) {
  size_t slot = 0;
  for (; slot < MAX_LOADED && loaded[slot].loaded != NULL; slot++)
    if (strcmp(loaded[slot].name, name) == 0) {
      if (kind != BERTH_PLUGIN_KIND_ANY && loaded[slot].plugin.kind != kind)
        return berth_error(err, 0, "plugin %s.so: is a %s plugin, a %s plugin was expected", name,
                           berth_plugin_kind_name(loaded[slot].plugin.kind),
                           berth_plugin_kind_name(kind));
      *out = loaded[slot].loaded;
      return 0;
    }
  char file[80], path[4096], package[128];
  if (strlen(name) >= sizeof(loaded[0].name) || strchr(name, '/') != NULL)
    return berth_error(err, 0, "invalid plugin name %s", name);
  if (slot == MAX_LOADED)
    return berth_error(err, 0, "plugin %s.so: more than %d plugins in one command", name,
                       MAX_LOADED);
  snprintf(file, sizeof(file), "%s.so", name);
  int fd = find_plugin_file(file, path, sizeof(path), err);
  if (fd == -ENOENT) {
    package_of(name, package, sizeof(package));
    return berth_error(err, 0, "plugin %s not installed in %s (%s)", file,
                       berth_plugin_search_path(), package);
  }
  if (fd < 0)
    return fd;
  _cleanup_close_ int plugin_fd = fd;
  int r = probe && !berth_probe_in_child() ? trial(plugin_fd, name, kind, path, err) : 0;
  const struct berth_plugin *p = NULL;
  int watch = -1;
  if (r < 0 || (r = run_entry(&plugin_fd, name, kind, path, &p, &watch, err)) < 0)
    return r;
  *out = keep(slot, name, p);
  berth_plugin_crash_bind(watch, *out);
  berth_log(BERTH_LOG_DEBUG, "loaded plugin %s %s from %s%s", name, p->version, path,
            probe ? "" : " (no trial)");
  return 0;
}

int berth_plugin_load(const char *name, uint32_t kind, const struct berth_plugin **out,
                      struct berth_error *err) {
  return load(name, kind, false, out, err);
}

int berth_plugin_load_probed(const char *name, uint32_t kind, const struct berth_plugin **out,
                             struct berth_error *err) {
  return load(name, kind, true, out, err);
}
