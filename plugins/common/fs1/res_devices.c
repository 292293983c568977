/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.devices: the core hands the complete ordered list (runc's default allowed
 * devices already appended). Deny everything, then replay the list in order. */
#include <inttypes.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>

#include "fs1.h"
#include "helpers.h"

/* "c 1:3 rwm" */
#define RULE_MAX 64

struct device_rule {
  bool allow;
  char text[RULE_MAX];
};

static int parse_rule(json_object *rule, size_t index, struct device_rule *out,
                      struct berth_error *err) {
  struct cgc_device_rule d;
  int r = cgc_device_rule(rule, index, &d, err);
  if (r < 0)
    return r;
  char major[24] = "*", minor[24] = "*";
  if (d.major != CGC_DEV_ANY)
    snprintf(major, sizeof(major), "%" PRId64, d.major);
  if (d.minor != CGC_DEV_ANY)
    snprintf(minor, sizeof(minor), "%" PRId64, d.minor);
  out->allow = d.allow;
  snprintf(out->text, sizeof(out->text), "%c %s:%s %s", d.type, major, minor, d.access);
  return 0;
}

static int write_rules(struct fs1_cgroup *cg, const struct device_rule *rules, size_t n,
                       struct berth_error *err) {
  struct cgroup_dir *d = NULL;
  int r = fs1_need_dir(cg, "devices", "device rules", &d, err);
  if (r < 0)
    return r;
  if ((r = fs1_write_entry(d, "devices.deny", "a", err)) < 0)
    return r;
  for (size_t i = 0; i < n; i++)
    if ((r = fs1_write_entry(d, rules[i].allow ? "devices.allow" : "devices.deny", rules[i].text,
                             err)) < 0)
      return r;
  return 0;
}

int fs1_apply_devices(struct fs1_cgroup *cg, json_object *devices, struct berth_error *err) {
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
    struct cgroup_dir *d = fs1_find_dir(cg, "devices");
    if (d == NULL || d->fd < 0 || faccessat(d->fd, "devices.deny", W_OK, AT_EACCESS) < 0) {
      log_debug("cgroup-v1: rootless: not setting device rules");
      return 0;
    }
  }
  return write_rules(cg, rules, n, err);
}
