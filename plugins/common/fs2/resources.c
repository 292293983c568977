/* SPDX-License-Identifier: Apache-2.0 */
/* apply: linux.resources of the OCI runtime spec, in runc's fs2 order (pids, memory, io,
 * cpu, devices, cpuset, hugetlb, rdma, then the unified map, which may override any file
 * the others wrote). */
#include <string.h>

#include "fs2.h"
#include "helpers.h"

static bool nonzero(json_object *o, const char *key) {
  json_object *v = json_get(o, key);
  return v != NULL && json_object_is_type(v, json_type_int) && json_object_get_int64(v) != 0;
}

static bool nonempty(json_object *o, const char *key) {
  json_object *v = json_get(o, key);
  return v != NULL && ((json_object_is_type(v, json_type_array) && json_object_array_length(v)) ||
                       (json_object_is_type(v, json_type_string) && json_object_get_string_len(v)));
}

bool fs2_wants_controllers(json_object *resources, bool *domain) {
  json_object *memory = json_get(resources, "memory"), *cpu = json_get(resources, "cpu");
  json_object *blkio = json_get(resources, "blockIO");
  bool mem = nonzero(memory, "limit") || nonzero(memory, "reservation") || nonzero(memory, "swap");
  bool io = nonzero(blkio, "weight");
  static const char *const throttles[] = {"throttleReadBpsDevice", "throttleWriteBpsDevice",
                                          "throttleReadIOPSDevice", "throttleWriteIOPSDevice"};
  for (size_t i = 0; i < sizeof(throttles) / sizeof(throttles[0]); i++)
    io |= nonempty(blkio, throttles[i]);
  bool cpu_set = nonzero(cpu, "shares") || nonzero(cpu, "quota") || nonzero(cpu, "period") ||
                 json_get(cpu, "burst") != NULL || json_get(cpu, "idle") != NULL;
  bool hugetlb = nonempty(resources, "hugepageLimits");
  *domain = mem || io || cpu_set || hugetlb;
  return *domain || json_get(json_get(resources, "pids"), "limit") != NULL ||
         nonempty(cpu, "cpus") || nonempty(cpu, "mems");
}

/* net_cls and net_prio do not exist in cgroup v2; runc's fs2 ignores them too. */
static void ignore_network(json_object *network) {
  if (network != NULL && json_object_object_length(network) > 0)
    log_warn("cgroup-v2: linux.resources.network is ignored: cgroup v2 has no net_cls or "
             "net_prio controller");
}

int fs2_apply_resources(struct fs2_cgroup *cg, json_object *resources, struct berth_error *err) {
  if (resources == NULL)
    return 0;
  struct cgc_resources m;
  int r = cgc_resources_members(resources, &m, err);
  if (r < 0)
    return r;
  if ((r = fs2_need_fd(cg, "apply linux.resources", err)) < 0)
    return r;

  ignore_network(m.network);
  if ((r = fs2_apply_pids(cg, m.pids, err)) < 0 || (r = fs2_apply_memory(cg, m.memory, err)) < 0 ||
      (r = fs2_apply_io(cg, m.blkio, err)) < 0 || (r = fs2_apply_cpu(cg, m.cpu, err)) < 0 ||
      (r = fs2_apply_devices(cg, m.devices, err)) < 0 ||
      (r = fs2_apply_cpuset(cg, m.cpu, err)) < 0 ||
      (r = fs2_apply_hugetlb(cg, m.hugetlb, err)) < 0 ||
      (r = fs2_apply_rdma(cg, m.rdma, err)) < 0 || (r = fs2_apply_unified(cg, m.unified, err)) < 0)
    return r;
  return 0;
}

int32_t fs2_apply(struct fs2_cgroup *cg, const char *resources_json, struct berth_error *err) {
  _cleanup_json_ json_object *resources = NULL;
  int r = cgc_parse_object(resources_json, "linux.resources", &resources, err);
  if (r < 0)
    return r;
  return fs2_apply_resources(cg, resources, err);
}
