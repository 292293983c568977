/* SPDX-License-Identifier: Apache-2.0 */
/* Typed reads of the OCI JSON, with messages that name the member. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgc.h"
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

int cgc_spec_i64(json_object *o, const char *key, const char *where, int64_t *out, bool *set,
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

int cgc_spec_u64(json_object *o, const char *key, const char *where, uint64_t *out, bool *set,
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

int cgc_spec_bool(json_object *o, const char *key, const char *where, bool *out,
                  struct berth_error *err) {
  json_object *v;
  int r = member(o, key, where, json_type_boolean, "a boolean", &v, err);
  if (r == 0 && v != NULL)
    *out = json_object_get_boolean(v);
  return r;
}

int cgc_spec_str(json_object *o, const char *key, const char *where, const char **out,
                 struct berth_error *err) {
  json_object *v;
  *out = NULL;
  int r = member(o, key, where, json_type_string, "a string", &v, err);
  if (r == 0 && v != NULL)
    *out = json_object_get_string(v);
  return r;
}

int cgc_spec_object(json_object *o, const char *key, const char *where, json_object **out,
                    struct berth_error *err) {
  return member(o, key, where, json_type_object, "an object", out, err);
}

int cgc_spec_array(json_object *o, const char *key, const char *where, json_object **out,
                   struct berth_error *err) {
  return member(o, key, where, json_type_array, "an array", out, err);
}

int cgc_parse_object(const char *text, const char *what, json_object **out,
                     struct berth_error *err) {
  *out = NULL;
  if (text == NULL || text[0] == '\0')
    return 0;
  enum json_tokener_error jerr = json_tokener_success;
  json_object *o = json_tokener_parse_verbose(text, &jerr);
  if (o == NULL && jerr != json_tokener_success)
    return cg_error(err, EINVAL, "%s: %s", what, json_tokener_error_desc(jerr));
  if (o != NULL && !json_object_is_type(o, json_type_object)) {
    json_object_put(o);
    return cg_error(err, EINVAL, "%s: not a JSON object", what);
  }
  *out = o;
  return 0;
}

int cgc_resources_members(json_object *resources, struct cgc_resources *out,
                          struct berth_error *err) {
  const char *where = "linux.resources";
  *out = (struct cgc_resources){0};
  int r;
  if ((r = cgc_spec_object(resources, "memory", where, &out->memory, err)) < 0 ||
      (r = cgc_spec_object(resources, "cpu", where, &out->cpu, err)) < 0 ||
      (r = cgc_spec_object(resources, "pids", where, &out->pids, err)) < 0 ||
      (r = cgc_spec_object(resources, "blockIO", where, &out->blkio, err)) < 0 ||
      (r = cgc_spec_object(resources, "network", where, &out->network, err)) < 0 ||
      (r = cgc_spec_object(resources, "rdma", where, &out->rdma, err)) < 0 ||
      (r = cgc_spec_array(resources, "devices", where, &out->devices, err)) < 0 ||
      (r = cgc_spec_array(resources, "hugepageLimits", where, &out->hugetlb, err)) < 0 ||
      (r = cgc_spec_object(resources, "unified", where, &out->unified, err)) < 0)
    return r;
  return 0;
}

static int device_number(json_object *rule, const char *key, const char *where, int64_t *out,
                         struct berth_error *err) {
  bool set = false;
  int r = cgc_spec_i64(rule, key, where, out, &set, err);
  if (r < 0)
    return r;
  if (!set || *out == -1) /* null or runc's -1: any */
    *out = CGC_DEV_ANY;
  else if (*out < 0 || *out > UINT32_MAX)
    return cg_error(err, ERANGE, "%s.%s: %" PRId64 " is not a device number", where, key, *out);
  return 0;
}

int cgc_device_rule(json_object *rule, size_t index, struct cgc_device_rule *out,
                    struct berth_error *err) {
  char where[64];
  snprintf(where, sizeof(where), "linux.resources.devices[%zu]", index);
  if (!json_object_is_type(rule, json_type_object))
    return cg_error(err, EINVAL, "%s: expected an object", where);
  const char *type = NULL, *access = NULL;
  int r;
  if (json_get(rule, "allow") == NULL)
    return cg_error(err, EINVAL, "%s.allow: missing", where);
  if ((r = cgc_spec_bool(rule, "allow", where, &out->allow, err)) < 0 ||
      (r = cgc_spec_str(rule, "type", where, &type, err)) < 0 ||
      (r = cgc_spec_str(rule, "access", where, &access, err)) < 0 ||
      (r = device_number(rule, "major", where, &out->major, err)) < 0 ||
      (r = device_number(rule, "minor", where, &out->minor, err)) < 0)
    return r;
  if (type == NULL || type[0] == '\0')
    type = "a";
  if (access == NULL || access[0] == '\0')
    access = "rwm";
  if (strlen(type) != 1 || strchr("abc", type[0]) == NULL)
    return cg_error(err, EINVAL, "%s.type: \"%s\" is not one of a, b, c", where, type);
  if (strlen(access) > 3 || strspn(access, "rwm") != strlen(access))
    return cg_error(err, EINVAL, "%s.access: \"%s\" is not made of r, w, m", where, access);
  out->type = type[0];
  snprintf(out->access, sizeof(out->access), "%s", access);
  out->read = strchr(access, 'r') != NULL;
  out->write = strchr(access, 'w') != NULL;
  out->mknod = strchr(access, 'm') != NULL;
  return 0;
}
