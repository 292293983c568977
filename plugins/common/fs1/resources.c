/* SPDX-License-Identifier: Apache-2.0 */
/* apply: linux.resources of the OCI runtime spec, controller by controller in runc's order
 * (cpuset before anything can join, devices early for safety). */
#include <string.h>

#include "fs1.h"
#include "helpers.h"

/* linux.resources.unified is cgroup2's; runc refuses it on v1 rather than ignore it. */
static int refuse_unified(json_object *resources, struct berth_error *err) {
  json_object *unified;
  int r = cgc_spec_object(resources, "unified", "linux.resources", &unified, err);
  if (r == 0 && unified != NULL && json_object_object_length(unified) > 0)
    return cg_error(err, EINVAL, "linux.resources.unified: cannot be used with cgroup v1");
  return r;
}

int fs1_apply_resources(struct fs1_cgroup *cg, json_object *resources, struct berth_error *err) {
  if (resources == NULL)
    return 0;
  struct cgc_resources m;
  int r = refuse_unified(resources, err);
  if (r == 0)
    r = cgc_resources_members(resources, &m, err);
  if (r < 0)
    return r;

  if ((r = fs1_apply_cpuset(cg, m.cpu, err)) < 0 ||
      (r = fs1_apply_devices(cg, m.devices, err)) < 0 ||
      (r = fs1_apply_memory(cg, m.memory, err)) < 0 || (r = fs1_apply_cpu(cg, m.cpu, err)) < 0 ||
      (r = fs1_apply_pids(cg, m.pids, err)) < 0 || (r = fs1_apply_blkio(cg, m.blkio, err)) < 0 ||
      (r = fs1_apply_hugetlb(cg, m.hugetlb, err)) < 0 ||
      (r = fs1_apply_network(cg, m.network, err)) < 0 || (r = fs1_apply_rdma(cg, m.rdma, err)) < 0)
    return r;
  return 0;
}

int32_t fs1_apply(struct fs1_cgroup *cg, const char *resources_json, struct berth_error *err) {
  _cleanup_json_ json_object *resources = NULL;
  int r = cgc_parse_object(resources_json, "linux.resources", &resources, err);
  if (r < 0)
    return r;
  return fs1_apply_resources(cg, resources, err);
}
