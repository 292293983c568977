/* SPDX-License-Identifier: Apache-2.0 */
/* apply (`berth update`): the unit's properties first, so that systemd keeps the new limits
 * (it rewrites the files from its properties on daemon-reload), then every file through the fs
 * core. Update sends only what changed; the org.systemd.property.* annotations are for the
 * start only, as in runc. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "sd.h"

/* The period of cpu.max (v2), for a quota given without one. 0 when unknown. */
static uint64_t current_cpu_period(const struct berth_cgroup *cg) {
  if (!cg->unified || cg->path == NULL)
    return 0;
  char file[4096];
  snprintf(file, sizeof(file), "%s/cpu.max", cg->path);
  _cleanup_free_ char *text = NULL;
  char quota[32];
  uint64_t period = 0;
  if (cgc_read_file(file, PROC_FILE_MAX, &text) < 0 ||
      sscanf(text, "%31s %" SCNu64, quota, &period) != 2)
    return 0;
  return period;
}

/* systemd applies device rules by first denying everything: the container would see EPERM
 * for a moment. runc freezes it meanwhile; so do we, unless it is frozen already. */
static int set_properties(struct berth_cgroup *cg, const struct unit_properties *props,
                          struct berth_error *err) {
  int32_t was_frozen = 1;
  bool devices = props_has(props, "DeviceAllow");
  if (devices && cgsd_is_frozen(cg, &was_frozen, NULL) == 0 && !was_frozen &&
      cgsd_freeze(cg, 1, NULL) < 0) {
    log_info("cgroup-systemd: could not freeze unit %s while its device rules change",
             cg->names.unit);
    was_frozen = 1;
  }
  int r = unit_set(&cg->conn, cg->names.unit, props, err);
  if (devices && !was_frozen && cgsd_freeze(cg, 0, NULL) < 0)
    log_warn("cgroup-systemd: could not thaw unit %s after changing its device rules",
             cg->names.unit);
  return r;
}

int32_t cgsd_apply(struct berth_cgroup *cg, const char *resources_json, struct berth_error *err) {
  _cleanup_json_ json_object *resources = NULL;
  int r = cgc_parse_object(resources_json, "linux.resources", &resources, err);
  if (r < 0 || resources == NULL)
    return r;
  if (cg->v1 == NULL && cg->v2 == NULL)
    return no_fs_handle(cg, "update resources", err);
  if ((r = conn_open(&cg->conn, cg->rootless, err)) < 0 ||
      (r = manager_version(&cg->conn, &cg->systemd_version, err)) < 0)
    return r;
  _cleanup_free_ char *proc_devices = NULL;
  struct host_facts facts;
  host_facts_init(cg, &facts, &proc_devices);
  facts.cpu_period = current_cpu_period(cg);
  _cleanup_props_ struct unit_properties props = {0};
  if ((r = resources_properties(resources, &facts, &props, err)) < 0)
    return r;
  if (props.n > 0 && (r = set_properties(cg, &props, err)) < 0)
    return r;
  return cg->v2 != NULL ? fs2_apply(cg->v2, resources_json, err)
                        : fs1_apply(cg->v1, resources_json, err);
}
