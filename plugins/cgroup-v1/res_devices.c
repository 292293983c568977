/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.devices: the core hands the complete ordered list (runc's default allowed
 * devices already appended). Deny everything, then replay the list in order. */
#include <inttypes.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>

#include "cgv1.h"
#include "helpers.h"

/* "c 1:3 rwm" */
#define RULE_MAX 64

struct device_rule {
  bool allow;
  char text[RULE_MAX];
};

static int device_number(json_object *rule, const char *key, const char *where, char *out,
                         size_t size, struct berth_error *err) {
  int64_t n = 0;
  bool set = false;
  int r = cgc_spec_i64(rule, key, where, &n, &set, err);
  if (r < 0)
    return r;
  if (!set || n == -1) /* null or runc's -1: any */
    snprintf(out, size, "*");
  else if (n < 0 || n > UINT32_MAX)
    return cg_error(err, ERANGE, "%s.%s: %" PRId64 " is not a device number", where, key, n);
  else
    snprintf(out, size, "%" PRId64, n);
  return 0;
}

static int parse_rule(json_object *rule, size_t index, struct device_rule *out,
                      struct berth_error *err) {
  char where[64], major[16], minor[16];
  snprintf(where, sizeof(where), "linux.resources.devices[%zu]", index);
  if (!json_object_is_type(rule, json_type_object))
    return cg_error(err, EINVAL, "%s: expected an object", where);
  const char *type = NULL, *access = NULL;
  bool allow = false;
  int r;
  if (json_get(rule, "allow") == NULL)
    return cg_error(err, EINVAL, "%s.allow: missing", where);
  if ((r = cgc_spec_bool(rule, "allow", where, &allow, err)) < 0 ||
      (r = cgc_spec_str(rule, "type", where, &type, err)) < 0 ||
      (r = cgc_spec_str(rule, "access", where, &access, err)) < 0 ||
      (r = device_number(rule, "major", where, major, sizeof(major), err)) < 0 ||
      (r = device_number(rule, "minor", where, minor, sizeof(minor), err)) < 0)
    return r;
  if (type == NULL || type[0] == '\0')
    type = "a";
  if (access == NULL || access[0] == '\0')
    access = "rwm";
  if (strlen(type) != 1 || strchr("abc", type[0]) == NULL)
    return cg_error(err, EINVAL, "%s.type: \"%s\" is not one of a, b, c", where, type);
  if (strlen(access) > 3 || strspn(access, "rwm") != strlen(access))
    return cg_error(err, EINVAL, "%s.access: \"%s\" is not made of r, w, m", where, access);
  out->allow = allow;
  snprintf(out->text, sizeof(out->text), "%c %s:%s %s", type[0], major, minor, access);
  return 0;
}

static int write_rules(struct berth_cgroup *cg, const struct device_rule *rules, size_t n,
                       struct berth_error *err) {
  struct cgroup_dir *d = NULL;
  int r = need_dir(cg, "devices", "device rules", &d, err);
  if (r < 0)
    return r;
  if ((r = write_entry(d, "devices.deny", "a", err)) < 0)
    return r;
  for (size_t i = 0; i < n; i++)
    if ((r = write_entry(d, rules[i].allow ? "devices.allow" : "devices.deny", rules[i].text,
                         err)) < 0)
      return r;
  return 0;
}

int apply_devices(struct berth_cgroup *cg, json_object *devices, struct berth_error *err) {
  if (devices == NULL)
    return 0;
  size_t n = json_object_array_length(devices);
  _cleanup_free_ struct device_rule *rules = calloc(n > 0 ? n : 1, sizeof(*rules));
  if (rules == NULL)
    return cg_error(err, ENOMEM, "linux.resources.devices");
  /* Check the whole list before the first write: never stop half way at deny-all. */
  for (size_t i = 0; i < n; i++) {
    int r = parse_rule(json_object_array_get_idx(devices, i), i, &rules[i], err);
    if (r < 0)
      return r;
  }
  if (cg->rootless) {
    /* As runc: the devices cgroup is not expected to work without privileges. Probe, so
     * that a failure does not reach the host's error object. */
    struct cgroup_dir *d = find_dir(cg, "devices");
    if (d == NULL || d->fd < 0 || faccessat(d->fd, "devices.deny", W_OK, AT_EACCESS) < 0) {
      log_debug("cgroup-v1: rootless: not setting device rules");
      return 0;
    }
  }
  return write_rules(cg, rules, n, err);
}
