/* SPDX-License-Identifier: Apache-2.0 */
/* apply: linux.resources of the OCI runtime spec, controller by controller in runc's order
 * (cpuset before anything can join, devices early for safety). */
#include <string.h>

#include "cgv1.h"
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

/* linux.resources.unified is cgroup2's; runc refuses it on v1 rather than ignore it. */
static int refuse_unified(json_object *resources, struct berth_error *err) {
  json_object *unified;
  int r = spec_object(resources, "unified", "linux.resources", &unified, err);
  if (r == 0 && unified != NULL && json_object_object_length(unified) > 0)
    return cg_error(err, EINVAL, "linux.resources.unified: cannot be used with cgroup v1");
  return r;
}

int apply_resources(struct berth_cgroup *cg, json_object *resources, struct berth_error *err) {
  if (resources == NULL)
    return 0;
  json_object *memory, *cpu, *pids, *blkio, *network, *rdma, *devices, *hugetlb;
  const char *where = "linux.resources";
  int r = refuse_unified(resources, err);
  if (r == 0)
    r = spec_object(resources, "memory", where, &memory, err);
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
  if (r < 0)
    return r;

  if ((r = apply_cpuset(cg, cpu, err)) < 0 || (r = apply_devices(cg, devices, err)) < 0 ||
      (r = apply_memory(cg, memory, err)) < 0 || (r = apply_cpu(cg, cpu, err)) < 0 ||
      (r = apply_pids(cg, pids, err)) < 0 || (r = apply_blkio(cg, blkio, err)) < 0 ||
      (r = apply_hugetlb(cg, hugetlb, err)) < 0 || (r = apply_network(cg, network, err)) < 0 ||
      (r = apply_rdma(cg, rdma, err)) < 0)
    return r;
  return 0;
}

int32_t cgv1_apply(struct berth_cgroup *cg, const char *resources_json, struct berth_error *err) {
  _cleanup_json_ json_object *resources = NULL;
  int r = parse_resources(resources_json, &resources, err);
  if (r < 0)
    return r;
  return apply_resources(cg, resources, err);
}
