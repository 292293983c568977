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

/* The smallest struct a 1.x plugin may hand us: everything ABI 1.0 defines. */
#define MIN_PLUGIN_SIZE (offsetof(struct berth_plugin, cgroup) + sizeof(void *))
#define MIN_CGROUP_OPS_SIZE (offsetof(struct berth_cgroup_ops, cgroup_fd) + sizeof(void *))
#define KNOWN_HOST_FEATURES BERTH_HOST_FEATURES_1_0
#define MAX_LOADED 16

static struct {
  char name[64];
  const struct berth_plugin *plugin;
} loaded[MAX_LOADED];

const char *berth_plugin_kind_name(uint32_t kind) {
  switch (kind) {
  case BERTH_PLUGIN_KIND_CGROUP:
    return "cgroup";
  case BERTH_PLUGIN_KIND_RDT:
    return "rdt";
  case BERTH_PLUGIN_KIND_LSM:
    return "lsm";
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
  if (kind != BERTH_PLUGIN_KIND_ANY && p->kind != kind)
    return berth_error(err, 0, "plugin %s: is a %s plugin, a %s plugin was expected", path,
                       berth_plugin_kind_name(p->kind), berth_plugin_kind_name(kind));
  if (p->name == NULL || strcmp(p->name, name) != 0)
    return berth_error(err, 0, "plugin %s: calls itself %s", path, p->name ? p->name : "(null)");
  if (p->kind == BERTH_PLUGIN_KIND_CGROUP &&
      (p->cgroup == NULL || p->cgroup->struct_size < MIN_CGROUP_OPS_SIZE))
    return berth_error(err, 0, "plugin %s: cgroup ops missing or too short", path);
  return 0;
}

static int load_file(int *fd, const char *name, uint32_t kind, const char *path,
                     const struct berth_plugin **out, struct berth_error *err) {
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
  berth_host_log_hold();
  const struct berth_plugin *p = entry(&berth_host);
  _cleanup_free_ char *reason = berth_host_log_release(p == NULL);
  if (p == NULL)
    return berth_error(err, 0, "plugin %s: refused to run on this host%s%s", path,
                       reason != NULL ? ": " : "", reason != NULL ? reason : "");
  int r = check_plugin(p, name, kind, path, err);
  if (r < 0)
    return r;
  *out = p;
  return 0;
}

int berth_plugin_load(const char *name, uint32_t kind, const struct berth_plugin **out,
                      struct berth_error *err) {
  for (size_t i = 0; i < MAX_LOADED && loaded[i].plugin != NULL; i++)
    if (strcmp(loaded[i].name, name) == 0) {
      if (kind != BERTH_PLUGIN_KIND_ANY && loaded[i].plugin->kind != kind)
        return berth_error(err, 0, "plugin %s.so: is a %s plugin, a %s plugin was expected", name,
                           berth_plugin_kind_name(loaded[i].plugin->kind),
                           berth_plugin_kind_name(kind));
      *out = loaded[i].plugin;
      return 0;
    }
  char file[80], path[4096];
  if (strlen(name) >= sizeof(loaded[0].name) || strchr(name, '/') != NULL)
    return berth_error(err, 0, "invalid plugin name %s", name);
  snprintf(file, sizeof(file), "%s.so", name);
  int fd = find_plugin_file(file, path, sizeof(path), err);
  if (fd == -ENOENT)
    return berth_error(
        err, 0, "plugin %s not installed in %s (package " BERTH_PLUGIN_PACKAGE_PREFIX "%s)", file,
        berth_plugin_search_path(),
        strncmp(name, "cgroup-", 7) == 0 ? name + 7 : name); /* driver NAME: PREFIX NAME */
  if (fd < 0)
    return fd;
  _cleanup_close_ int plugin_fd = fd;
  int r = load_file(&plugin_fd, name, kind, path, out, err);
  if (r < 0)
    return r;
  for (size_t i = 0; i < MAX_LOADED; i++)
    if (loaded[i].plugin == NULL) {
      snprintf(loaded[i].name, sizeof(loaded[i].name), "%s", name);
      loaded[i].plugin = *out;
      break;
    }
  berth_log(BERTH_LOG_DEBUG, "loaded plugin %s %s from %s", name, (*out)->version, path);
  return 0;
}
