/* SPDX-License-Identifier: Apache-2.0 */
/* create: the container's cgroup in every v1 hierarchy (and cgroup2 on a hybrid host, which
 * runc joins too), refusing one that is in use, removing only what this call made when it
 * fails. */
#include <stddef.h>
#include <string.h>

#include "fs1.h"
#include "helpers.h"

/* The path below each mount point: absolute cgroupsPath from the mount's root, relative
 * from berth's own cgroup there (runc's GetOwnCgroupPath). */
static char *relative_to_mount(const struct hierarchy *h, const char *inner, bool absolute) {
  return absolute ? strdup(inner) : cgc_join_path(h->own, inner);
}

/* Refuse a cgroup that exists and holds processes or is frozen. */
static int check_existing(const struct hierarchy *h, const char *rel, bool rootless,
                          struct berth_error *err) {
  struct cgc_failure f;
  _cleanup_close_ int mountfd = cgc_open_mount(h->mountpoint, h->unified, &f);
  if (mountfd < 0)
    return cgc_raise_failure(err, &f);
  struct cgc_walk w = {.create = false};
  _cleanup_close_ int fd = cgc_walk_path(mountfd, h->mountpoint, rel, &w, &f);
  if (fd == -ENOENT || (fd < 0 && rootless && cgc_is_permission_error(-fd)))
    return 0;
  if (fd < 0)
    return cgc_raise_failure(err, &f);
  /* runc 1.2's words, which engines and their users search for. */
  int r = cgc_count_processes(fd);
  if (r < 0)
    return cg_error(err, -r, "read cgroup.procs in %s/%s", h->mountpoint, rel);
  if (r > 0)
    return cg_error(err, EBUSY,
                    "cgroup %s/%s: container's cgroup is not empty: %d process(es) found",
                    h->mountpoint, rel, r);
  bool frozen = false;
  r = fs1_read_freezer_state(fd, &frozen);
  if (r < 0 && r != -ENOENT)
    return cg_error(err, -r, "read freezer.state in %s/%s", h->mountpoint, rel);
  if (frozen)
    return cg_error(err, EBUSY, "cgroup %s/%s: container's cgroup unexpectedly frozen",
                    h->mountpoint, rel);
  return 0;
}

/* mkdir -p the cgroup in one hierarchy and add it to the handle. */
static int make_cgroup(struct fs1_cgroup *cg, const struct hierarchy *h, const char *rel,
                       struct cpuset_request *cpuset, struct berth_error *err) {
  struct cgc_failure f;
  _cleanup_close_ int mountfd = cgc_open_mount(h->mountpoint, h->unified, &f);
  if (mountfd < 0)
    return cgc_raise_failure(err, &f);
  bool is_cpuset = !h->unified && cgc_has_controller(h->controllers, "cpuset");
  struct cgc_walk w = {
      .create = true, .visit = is_cpuset ? fs1_cpuset_visit : NULL, .data = cpuset};
  _cleanup_close_ int fd = cgc_walk_path(mountfd, h->mountpoint, rel, &w, &f);
  if (fd < 0 && cg->rootless && cgc_is_permission_error(-fd)) {
    log_debug("cgroup-v1: rootless: skipping %s: %s: %s", h->controllers, f.msg,
              strerror(f.errnum));
    return 0;
  }
  if (fd < 0)
    return cgc_raise_failure(err, &f);

  struct cgroup_dir *d = &cg->dirs[cg->n];
  d->fd = take_fd(&fd);
  d->created = w.created;
  d->unified = h->unified;
  d->controllers = strdup(h->controllers);
  d->mountpoint = strdup(h->mountpoint);
  d->path = cgc_join_path(h->mountpoint, rel);
  cg->n++;
  if (d->controllers == NULL || d->mountpoint == NULL || d->path == NULL)
    return cg_error(err, ENOMEM, "create cgroup %s/%s", h->mountpoint, rel);
  return 0;
}

static void rollback(struct fs1_cgroup *cg) {
  for (size_t i = cg->n; i-- > 0;)
    cgc_remove_created(&cg->dirs[i].fd, cg->dirs[i].path, &cg->dirs[i].created);
}

/* cpuset.cpus/mems must be set before a task can join; the leaf gets the requested ones. */
static int requested_cpuset(json_object *resources, struct cpuset_request *out,
                            struct berth_error *err) {
  json_object *cpu = NULL;
  int r = cgc_spec_object(resources, "cpu", "linux.resources", &cpu, err);
  if (r < 0)
    return r;
  r = cgc_spec_str(cpu, "cpus", "linux.resources.cpu", &out->cpus, err);
  if (r < 0)
    return r;
  return cgc_spec_str(cpu, "mems", "linux.resources.cpu", &out->mems, err);
}

int32_t fs1_create(const struct berth_cgroup_request *req, struct fs1_cgroup **out,
                   struct berth_error *err) {
  int r = cgc_check_request(req, out, err);
  if (r < 0)
    return r;
  const char *path = req->cgroups_path != NULL && req->cgroups_path[0] != '\0' ? req->cgroups_path
                                                                               : req->container_id;
  if (path == NULL || path[0] == '\0')
    return cg_error(err, EINVAL, "create cgroup: neither cgroupsPath nor a container ID");
  bool absolute;
  _cleanup_free_ char *inner = cgc_clean_path(path, &absolute);
  if (inner == NULL)
    return cg_error(err, ENOMEM, "create cgroup %s", path);
  /* "." or "/" would be berth's own cgroup or a hierarchy's root: never the container's. */
  if (inner[0] == '\0')
    return cg_error(err, EINVAL, "cgroupsPath \"%s\" names %s, not a cgroup of its own", path,
                    absolute ? "the root cgroup" : "berth's own cgroup");

  _cleanup_json_ json_object *resources = NULL;
  r = cgc_parse_object(req->resources_json, "linux.resources", &resources, err);
  if (r < 0)
    return r;
  struct cpuset_request cpuset = {0};
  r = requested_cpuset(resources, &cpuset, err);
  if (r < 0)
    return r;

  _cleanup_hierarchies_ struct hierarchies hs = {0};
  struct cgc_failure f;
  if (discover_hierarchies(&hs, &f) < 0)
    return cgc_raise_failure(err, &f);
  bool rootless = req->flags & BERTH_CGROUP_REQ_ROOTLESS;
  bool have_devices = false;
  for (size_t i = 0; i < hs.n; i++)
    have_devices |= !hs.list[i].unified && cgc_has_controller(hs.list[i].controllers, "devices");
  /* As runc: device isolation is not optional. */
  if (!have_devices)
    return cg_error(err, ENODEV, "create cgroup %s: the devices cgroup controller is not mounted",
                    path);

  char *rels[MAX_HIERARCHIES] = {0};
  for (size_t i = 0; i < hs.n && r >= 0; i++) {
    rels[i] = relative_to_mount(&hs.list[i], inner, absolute);
    r = rels[i] != NULL ? check_existing(&hs.list[i], rels[i], rootless, err)
                        : cg_error(err, ENOMEM, "create cgroup %s", path);
  }

  _cleanup_fs1_ struct fs1_cgroup *cg = r >= 0 ? fs1_handle_new() : NULL;
  if (r >= 0 && cg == NULL)
    r = cg_error(err, ENOMEM, "create cgroup %s", path);
  if (cg != NULL)
    cg->rootless = rootless;
  for (size_t i = 0; i < hs.n && r >= 0; i++)
    r = make_cgroup(cg, &hs.list[i], rels[i], &cpuset, err);
  if (r >= 0 && resources != NULL)
    r = fs1_apply_resources(cg, resources, err);
  for (size_t i = 0; i < hs.n; i++)
    free(rels[i]);
  if (r < 0) {
    if (cg != NULL)
      rollback(cg);
    return r;
  }
  *out = steal_pointer(&cg);
  return 0;
}
