/* SPDX-License-Identifier: Apache-2.0 */
/* create: everything that can be checked before the container's init exists — the unit's
 * name, the translation of linux.resources and the annotations into unit properties, that
 * systemd answers, that no live unit has the name. Nothing is made here: the unit is started
 * at enter, with the init in it (runc's order), so a failure now leaves nothing behind. */
#include <stddef.h>
#include <string.h>

#include "helpers.h"
#include "sd.h"

/* Since ABI 1.1: a 1.0 host's shorter request has no annotations. */
static const char *request_annotations(const struct berth_cgroup_request *req) {
  return req->struct_size >= offsetof(struct berth_cgroup_request, annotations_json) +
                                 sizeof(req->annotations_json)
             ? req->annotations_json
             : NULL;
}

static int copy_request(struct berth_cgroup *cg, const struct berth_cgroup_request *req,
                        struct berth_error *err) {
  const char *annotations = request_annotations(req);
  cg->id = strdup(req->container_id != NULL ? req->container_id : "");
  cg->resources_json = req->resources_json != NULL ? strdup(req->resources_json) : NULL;
  cg->annotations_json = annotations != NULL ? strdup(annotations) : NULL;
  if (cg->id == NULL || (req->resources_json != NULL && cg->resources_json == NULL) ||
      (annotations != NULL && cg->annotations_json == NULL))
    return cg_error(err, ENOMEM, "create unit %s", cg->names.unit);
  return 0;
}

/* A unit of that name that runs belongs to someone else; a failed one is reset at enter
 * (runc #3780: it used to block the name for good). */
static int check_unit_free(struct berth_cgroup *cg, struct berth_error *err) {
  _cleanup_free_ char *state = NULL;
  int r = unit_state(&cg->conn, cg->names.unit, &state, err);
  if (r < 0 || state == NULL || strcmp(state, "inactive") == 0)
    return r;
  if (strcmp(state, "failed") == 0) {
    log_info("cgroup-systemd: unit %s failed earlier; it is reset and reused", cg->names.unit);
    return 0;
  }
  return cg_error(err, EEXIST,
                  "unit %s already exists and is %s: another container (or service) uses that "
                  "name; give this one another cgroupsPath",
                  cg->names.unit, state);
}

/* The properties enter will send, built once now so that a bad value fails create. */
static int check_translation(struct berth_cgroup *cg, struct berth_error *err) {
  _cleanup_json_ json_object *resources = NULL;
  int r = cgc_parse_object(cg->resources_json, "linux.resources", &resources, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *proc_devices = NULL;
  struct host_facts facts;
  host_facts_init(cg, &facts, &proc_devices);
  _cleanup_props_ struct unit_properties props = {0};
  return start_properties(cg, &facts, 0, resources, &props, err);
}

int32_t cgsd_create(const struct berth_cgroup_request *req, struct berth_cgroup **out,
                    struct berth_error *err) {
  int r = cgc_check_request(req, out, err);
  if (r < 0)
    return r;
  bool rootless = req->flags & BERTH_CGROUP_REQ_ROOTLESS;
  _cleanup_handle_ struct berth_cgroup *cg = handle_new();
  if (cg == NULL)
    return cg_error(err, ENOMEM, "create cgroup");
  char why[512];
  r = parse_cgroups_path(req->cgroups_path, req->container_id, rootless, &cg->names, why,
                         sizeof(why));
  if (r < 0)
    return cg_error(err, EINVAL, "%s", why);
  cg->rootless = rootless;
  cg->unified = unified_host();
  if (rootless && !cg->unified)
    return cg_error(err, ENOTSUP,
                    "unit %s: rootless containers under systemd need cgroup v2 (the user's "
                    "systemd cannot delegate v1 hierarchies); use --cgroup-driver=none",
                    cg->names.unit);
  if ((r = copy_request(cg, req, err)) < 0)
    return r;
  /* Translation first: a bad value is the user's to fix whether or not systemd answers. */
  if ((r = check_translation(cg, err)) < 0)
    return r;
  if ((r = conn_open(&cg->conn, rootless, err)) < 0 ||
      (r = manager_version(&cg->conn, &cg->systemd_version, err)) < 0 ||
      (r = check_unit_free(cg, err)) < 0)
    return r;
  log_debug("cgroup-systemd: unit %s in %s, systemd %u", cg->names.unit, cg->names.slice,
            cg->systemd_version);
  *out = steal_pointer(&cg);
  return 0;
}
