/* SPDX-License-Identifier: Apache-2.0 */
/* apply: linux.resources of the OCI runtime spec, in runc's fs2 order (pids, memory, io,
 * cpu, devices, cpuset, hugetlb, rdma, then the unified map, which may override any file
 * the others wrote). */
#include <string.h>

#include "cgv2.h"
#include "helpers.h"

static int member(json_object *o, const char *key, const char *where, json_type type,
                  const char *type_name, json_object **out, struct berth_error *err) {
  *out = NULL;
  json_object *v = json_get(o, key);
  if (v == NULL) /* absent or null */
    return 0;
  if (!json_object_is_type(v, type))
    return cg_error(err, EINVAL, "%s.%s: expected %s", where, key, type_name);
  *out = v;
  return 0;
}

int spec_i64(json_object *o, const char *key, const char *where, int64_t *out, bool *set,
             struct berth_error *err) {
  json_object *v;
  *set = false;
  int r = member(o, key, where, json_type_int, "an integer", &v, err);
  if (r < 0 || v == NULL)
    return r;
  *out = json_object_get_int64(v);
  /* json-c keeps integers above INT64_MAX as uint64 and clamps get_int64. */
  if (*out == INT64_MAX && json_object_get_uint64(v) > (uint64_t)INT64_MAX)
    return cg_error(err, ERANGE, "%s.%s: %llu is out of range", where, key,
                    (unsigned long long)json_object_get_uint64(v));
  *set = true;
  return 0;
}

int spec_u64(json_object *o, const char *key, const char *where, uint64_t *out, bool *set,
             struct berth_error *err) {
  json_object *v;
  *set = false;
  int r = member(o, key, where, json_type_int, "an integer", &v, err);
  if (r < 0 || v == NULL)
    return r;
  if (json_object_get_int64(v) < 0)
    return cg_error(err, ERANGE, "%s.%s: must not be negative", where, key);
  *out = json_object_get_uint64(v);
  *set = true;
  return 0;
}

int spec_bool(json_object *o, const char *key, const char *where, bool *out,
              struct berth_error *err) {
  json_object *v;
  int r = member(o, key, where, json_type_boolean, "a boolean", &v, err);
  if (r == 0 && v != NULL)
    *out = json_object_get_boolean(v);
  return r;
}

int spec_str(json_object *o, const char *key, const char *where, const char **out,
             struct berth_error *err) {
  json_object *v;
  *out = NULL;
  int r = member(o, key, where, json_type_string, "a string", &v, err);
  if (r == 0 && v != NULL)
    *out = json_object_get_string(v);
  return r;
}

int spec_object(json_object *o, const char *key, const char *where, json_object **out,
                struct berth_error *err) {
  return member(o, key, where, json_type_object, "an object", out, err);
}

int spec_array(json_object *o, const char *key, const char *where, json_object **out,
               struct berth_error *err) {
  return member(o, key, where, json_type_array, "an array", out, err);
}

int parse_resources(const char *text, json_object **out, struct berth_error *err) {
  *out = NULL;
  if (text == NULL || text[0] == '\0')
    return 0;
  enum json_tokener_error jerr = json_tokener_success;
  json_object *o = json_tokener_parse_verbose(text, &jerr);
  if (o == NULL && jerr != json_tokener_success)
    return cg_error(err, EINVAL, "linux.resources: %s", json_tokener_error_desc(jerr));
  if (o != NULL && !json_object_is_type(o, json_type_object)) {
    json_object_put(o);
    return cg_error(err, EINVAL, "linux.resources: expected an object");
  }
  *out = o;
  return 0;
}

static bool nonzero(json_object *o, const char *key) {
  json_object *v = json_get(o, key);
  return v != NULL && json_object_is_type(v, json_type_int) && json_object_get_int64(v) != 0;
}

static bool nonempty(json_object *o, const char *key) {
  json_object *v = json_get(o, key);
  return v != NULL && ((json_object_is_type(v, json_type_array) && json_object_array_length(v)) ||
                       (json_object_is_type(v, json_type_string) && json_object_get_string_len(v)));
}

bool wants_controllers(json_object *resources, bool *domain) {
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

int apply_resources(struct berth_cgroup *cg, json_object *resources, struct berth_error *err) {
  if (resources == NULL)
    return 0;
  json_object *memory = NULL, *cpu = NULL, *pids = NULL, *blkio = NULL, *network = NULL;
  json_object *rdma = NULL, *devices = NULL, *hugetlb = NULL, *unified = NULL;
  const char *where = "linux.resources";
  int r = spec_object(resources, "memory", where, &memory, err);
  if (r == 0)
    r = spec_object(resources, "cpu", where, &cpu, err);
  if (r == 0)
    r = spec_object(resources, "pids", where, &pids, err);
  if (r == 0)
    r = spec_object(resources, "blockIO", where, &blkio, err);
  if (r == 0)
    r = spec_object(resources, "network", where, &network, err);
  if (r == 0)
    r = spec_object(resources, "rdma", where, &rdma, err);
  if (r == 0)
    r = spec_array(resources, "devices", where, &devices, err);
  if (r == 0)
    r = spec_array(resources, "hugepageLimits", where, &hugetlb, err);
  if (r == 0)
    r = spec_object(resources, "unified", where, &unified, err);
  if (r < 0)
    return r;
  if ((r = need_fd(cg, "apply linux.resources", err)) < 0)
    return r;

  ignore_network(network);
  if ((r = apply_pids(cg, pids, err)) < 0 || (r = apply_memory(cg, memory, err)) < 0 ||
      (r = apply_io(cg, blkio, err)) < 0 || (r = apply_cpu(cg, cpu, err)) < 0 ||
      (r = apply_devices(cg, devices, err)) < 0 || (r = apply_cpuset(cg, cpu, err)) < 0 ||
      (r = apply_hugetlb(cg, hugetlb, err)) < 0 || (r = apply_rdma(cg, rdma, err)) < 0 ||
      (r = apply_unified(cg, unified, err)) < 0)
    return r;
  return 0;
}

int32_t cgv2_apply(struct berth_cgroup *cg, const char *resources_json, struct berth_error *err) {
  _cleanup_json_ json_object *resources = NULL;
  int r = parse_resources(resources_json, &resources, err);
  if (r < 0)
    return r;
  return apply_resources(cg, resources, err);
}
