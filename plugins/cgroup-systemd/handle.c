/* SPDX-License-Identifier: Apache-2.0 */
/* The container's handle: its unit, and the fs core's handle on the unit's cgroup(s). */
#include <string.h>

#include "helpers.h"
#include "sd.h"

struct berth_cgroup *handle_new(void) {
  return calloc(1, sizeof(struct berth_cgroup));
}

void cgsd_release(struct berth_cgroup *cg) {
  if (cg == NULL)
    return;
  if (cg->v1 != NULL)
    fs1_release(cg->v1);
  if (cg->v2 != NULL)
    fs2_release(cg->v2);
  conn_close(&cg->conn);
  free(cg->id);
  free(cg->cgroup);
  free(cg->path);
  free(cg->resources_json);
  free(cg->annotations_json);
  free(cg);
}

void host_facts_init(struct berth_cgroup *cg, struct host_facts *facts, char **proc_devices) {
  /* Without /proc/devices, "c 136:* rwm" has no systemd name: the rule is left to the fs core. */
  if (cgc_read_file("/proc/devices", PROC_FILE_MAX, proc_devices) < 0)
    *proc_devices = NULL;
  *facts = (struct host_facts){.unified = cg->unified,
                               .systemd_version = cg->systemd_version,
                               .proc_devices = *proc_devices};
}

int no_fs_handle(struct berth_cgroup *cg, const char *what, struct berth_error *err) {
  return cg_error(err, ENOENT, "cannot %s: unit %s has no cgroup (never started, or removed)", what,
                  cg->names.unit);
}

/* The unit is only made at enter, with the container's init in it (as runc does): there is
 * no cgroup to clone into before that. */
int32_t cgsd_cgroup_fd(struct berth_cgroup *cg) {
  (void)cg;
  return -1;
}
