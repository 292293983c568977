/* SPDX-License-Identifier: Apache-2.0 */
/* create: the container's cgroup in the unified hierarchy, controllers enabled down to it,
 * refusing one that is in use, removing only what this call made when it fails. */
#include <stddef.h>
#include <string.h>

#include "fs2.h"
#include "helpers.h"

/* runc's _defaultDirPath: a relative cgroupsPath lives next to berth's own cgroup, below
 * its parent, because berth's own cgroup holds processes (berth itself) and the "no
 * internal processes" rule would stop domain controllers from being enabled below it. */
static char *relative_to_mount(const struct unified *u, const char *inner, bool absolute) {
  if (absolute)
    return strdup(inner);
  _cleanup_free_ char *parent = strdup(u->own);
  if (parent == NULL)
    return NULL;
  char *slash = strrchr(parent, '/');
  if (slash != NULL)
    *slash = '\0';
  else
    parent[0] = '\0';
  return cgc_join_path(parent, inner);
}

/* Refuse a cgroup that exists and holds processes or is frozen. */
static int check_existing(const struct unified *u, const char *rel, bool rootless,
                          struct berth_error *err) {
  struct cgc_failure f = {0};
  _cleanup_close_ int mountfd = cgc_open_mount(u->mountpoint, true, &f);
  if (mountfd < 0)
    return cgc_raise_failure(err, &f);
  struct cgc_walk w = {.create = false};
  _cleanup_close_ int fd = cgc_walk_path(mountfd, u->mountpoint, rel, &w, &f);
  if (fd == -ENOENT || (fd < 0 && rootless && cgc_is_permission_error(-fd)))
    return 0;
  if (fd < 0)
    return cgc_raise_failure(err, &f);
  /* runc 1.2's words, which engines and their users search for. */
  int r = cgc_count_processes(fd);
  if (r < 0)
    return cg_error(err, -r, "read cgroup.procs in %s/%s", u->mountpoint, rel);
  if (r > 0)
    return cg_error(err, EBUSY,
                    "cgroup %s/%s: container's cgroup is not empty: %d process(es) found",
                    u->mountpoint, rel, r);
  bool frozen = false;
  r = fs2_read_freeze(fd, &frozen);
  if (r < 0 && r != -ENOENT)
    return cg_error(err, -r, "read cgroup.freeze in %s/%s", u->mountpoint, rel);
  if (frozen)
    return cg_error(err, EBUSY, "cgroup %s/%s: container's cgroup unexpectedly frozen",
                    u->mountpoint, rel);
  return 0;
}

/* mkdir -p, enabling controllers on the way down. A rootless container without
 * cgroupsPath and without limits may go without a cgroup, as runc's ErrRootless. */
static int make_cgroup(struct fs2_cgroup *cg, const struct unified *u, const char *rel,
                       bool may_skip, bool domain, struct berth_error *err) {
  struct cgc_failure f = {0};
  _cleanup_close_ int mountfd = cgc_open_mount(u->mountpoint, true, &f);
  if (mountfd < 0)
    return cgc_raise_failure(err, &f);
  struct enable_request enable = {.domain = domain};
  struct cgc_walk w = {.create = true, .visit = fs2_enable_controllers, .data = &enable};
  _cleanup_close_ int fd = cgc_walk_path(mountfd, u->mountpoint, rel, &w, &f);
  if (fd < 0 && may_skip && cgc_is_permission_error(-fd)) {
    log_debug("cgroup-v2: rootless: running without a cgroup: %s: %s", f.msg, strerror(f.errnum));
    return 0;
  }
  if (fd < 0)
    return cgc_raise_failure(err, &f);
  cg->fd = take_fd(&fd);
  cg->created = w.created;
  return 0;
}

/* A new cgroup below a frozen one is born frozen: the container's init would hang. */
static int check_not_frozen(const struct fs2_cgroup *cg, struct berth_error *err) {
  bool frozen = false;
  int r = fs2_read_freeze(cg->fd, &frozen);
  if (r < 0 && r != -ENOENT)
    return cg_error(err, -r, "read cgroup.freeze in %s", cg->path);
  if (frozen)
    return cg_error(err, EBUSY, "cgroup %s is frozen (a parent cgroup is frozen)", cg->path);
  return 0;
}

int32_t fs2_create(const struct berth_cgroup_request *req, struct fs2_cgroup **out,
                   struct berth_error *err) {
  int r = cgc_check_request(req, out, err);
  if (r < 0)
    return r;
  bool has_path = req->cgroups_path != NULL && req->cgroups_path[0] != '\0';
  const char *path = has_path ? req->cgroups_path : req->container_id;
  if (path == NULL || path[0] == '\0')
    return cg_error(err, EINVAL, "create cgroup: neither cgroupsPath nor a container ID");
  bool absolute;
  _cleanup_free_ char *inner = cgc_clean_path(path, &absolute);
  if (inner == NULL)
    return cg_error(err, ENOMEM, "create cgroup %s", path);
  /* "." or "/" would be the hierarchy's root or berth's parent: never the container's. */
  if (inner[0] == '\0')
    return cg_error(err, EINVAL, "cgroupsPath \"%s\" names %s, not a cgroup of its own", path,
                    absolute ? "the root cgroup" : "an existing parent cgroup");

  _cleanup_json_ json_object *resources = NULL;
  if ((r = cgc_parse_object(req->resources_json, "linux.resources", &resources, err)) < 0)
    return r;
  bool domain = false, wants = fs2_wants_controllers(resources, &domain);

  _cleanup_unified_ struct unified u = {0};
  struct cgc_failure f = {0};
  if (discover_unified(&u, &f) < 0)
    return cgc_raise_failure(err, &f);
  _cleanup_free_ char *rel = relative_to_mount(&u, inner, absolute);
  if (rel == NULL)
    return cg_error(err, ENOMEM, "create cgroup %s", path);
  bool rootless = req->flags & BERTH_CGROUP_REQ_ROOTLESS;
  if ((r = check_existing(&u, rel, rootless, err)) < 0)
    return r;

  _cleanup_fs2_ struct fs2_cgroup *cg = fs2_handle_new();
  if (cg == NULL || (cg->mountpoint = strdup(u.mountpoint)) == NULL ||
      (cg->path = cgc_join_path(u.mountpoint, rel)) == NULL)
    return cg_error(err, ENOMEM, "create cgroup %s", path);
  cg->rootless = rootless;
  if ((r = make_cgroup(cg, &u, rel, rootless && !has_path && !wants, domain, err)) < 0)
    return r;
  if (cg->fd >= 0 && (r = check_not_frozen(cg, err)) == 0 && resources != NULL)
    r = fs2_apply_resources(cg, resources, err);
  if (r < 0) {
    cgc_remove_created(&cg->fd, cg->path, &cg->created);
    return r;
  }
  *out = steal_pointer(&cg);
  return 0;
}
