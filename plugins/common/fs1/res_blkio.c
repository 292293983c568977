/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.blockIO (runc 1.1 fs/blkio.go): weights for CFQ (blkio.weight) or BFQ
 * (blkio.bfq.weight), and throttles. */
#include <inttypes.h>
#include <stdio.h>

#include "fs1.h"
#include "helpers.h"

static const char *const throttles[][2] = {
    {"throttleReadBpsDevice", "blkio.throttle.read_bps_device"},
    {"throttleWriteBpsDevice", "blkio.throttle.write_bps_device"},
    {"throttleReadIOPSDevice", "blkio.throttle.read_iops_device"},
    {"throttleWriteIOPSDevice", "blkio.throttle.write_iops_device"},
};
#define N_THROTTLES (sizeof(throttles) / sizeof(throttles[0]))

struct blkio_request {
  uint64_t weight, leaf_weight;
  bool has_weight, has_leaf_weight;
  json_object *weight_device;
  json_object *throttle[N_THROTTLES];
};

static int parse_blkio(json_object *blkio, struct blkio_request *q, struct berth_error *err) {
  const char *w = "linux.resources.blockIO";
  int r;
  if ((r = cgc_spec_u64(blkio, "weight", w, &q->weight, &q->has_weight, err)) < 0 ||
      (r = cgc_spec_u64(blkio, "leafWeight", w, &q->leaf_weight, &q->has_leaf_weight, err)) < 0 ||
      (r = cgc_spec_array(blkio, "weightDevice", w, &q->weight_device, err)) < 0)
    return r;
  for (size_t i = 0; i < N_THROTTLES; i++)
    if ((r = cgc_spec_array(blkio, throttles[i][0], w, &q->throttle[i], err)) < 0)
      return r;
  q->has_weight &= q->weight != 0;
  q->has_leaf_weight &= q->leaf_weight != 0;
  return 0;
}

static bool wants_anything(const struct blkio_request *q) {
  bool any = q->has_weight || q->has_leaf_weight ||
             (q->weight_device != NULL && json_object_array_length(q->weight_device) > 0);
  for (size_t i = 0; i < N_THROTTLES; i++)
    any |= q->throttle[i] != NULL && json_object_array_length(q->throttle[i]) > 0;
  return any;
}

/* "major:minor value" for one entry's key; *set false when the entry lacks it (or it is 0
 * for the weights, which runc treats as unset). */
static int device_value(json_object *entry, const char *where, const char *key, bool zero_unset,
                        char *out, size_t size, bool *set, struct berth_error *err) {
  uint64_t major = 0, minor = 0, value = 0;
  bool has_major, has_minor;
  int r;
  if (!json_object_is_type(entry, json_type_object))
    return cg_error(err, EINVAL, "%s: expected an object", where);
  if ((r = cgc_spec_u64(entry, "major", where, &major, &has_major, err)) < 0 ||
      (r = cgc_spec_u64(entry, "minor", where, &minor, &has_minor, err)) < 0 ||
      (r = cgc_spec_u64(entry, key, where, &value, set, err)) < 0)
    return r;
  if (!has_major || !has_minor)
    return cg_error(err, EINVAL, "%s: major and minor are required", where);
  *set &= !(zero_unset && value == 0);
  snprintf(out, size, "%" PRIu64 ":%" PRIu64 " %" PRIu64, major, minor, value);
  return 0;
}

static int set_weight_devices(const struct cgroup_dir *d, json_object *list,
                              const char *weight_device_file, struct berth_error *err) {
  size_t n = list != NULL ? json_object_array_length(list) : 0;
  for (size_t i = 0; i < n; i++) {
    json_object *entry = json_object_array_get_idx(list, i);
    char where[64], line[80];
    bool set;
    snprintf(where, sizeof(where), "linux.resources.blockIO.weightDevice[%zu]", i);
    int r = device_value(entry, where, "weight", true, line, sizeof(line), &set, err);
    if (r == 0 && set)
      r = fs1_write_entry(d, weight_device_file, line, err);
    if (r == 0)
      r = device_value(entry, where, "leafWeight", true, line, sizeof(line), &set, err);
    if (r == 0 && set)
      r = fs1_write_entry(d, "blkio.leaf_weight_device", line, err);
    if (r < 0)
      return r;
  }
  return 0;
}

static int set_throttles(const struct cgroup_dir *d, const struct blkio_request *q,
                         struct berth_error *err) {
  for (size_t t = 0; t < N_THROTTLES; t++) {
    size_t n = q->throttle[t] != NULL ? json_object_array_length(q->throttle[t]) : 0;
    for (size_t i = 0; i < n; i++) {
      char where[80], line[80];
      bool set;
      snprintf(where, sizeof(where), "linux.resources.blockIO.%s[%zu]", throttles[t][0], i);
      int r = device_value(json_object_array_get_idx(q->throttle[t], i), where, "rate", false, line,
                           sizeof(line), &set, err);
      if (r == 0 && !set)
        r = cg_error(err, EINVAL, "%s.rate: missing", where);
      if (r == 0)
        r = fs1_write_entry(d, throttles[t][1], line, err);
      if (r < 0)
        return r;
    }
  }
  return 0;
}

int fs1_apply_blkio(struct fs1_cgroup *cg, json_object *blkio, struct berth_error *err) {
  struct blkio_request q = {0};
  int r = parse_blkio(blkio, &q, err);
  if (r < 0 || !wants_anything(&q))
    return r;
  struct cgroup_dir *d = NULL;
  if ((r = fs1_need_dir(cg, "blkio", "blockIO limits", &d, err)) < 0)
    return r;
  /* CFQ's files when they exist, else BFQ's (kernels >= 5.0 dropped CFQ). */
  bool cfq = cgc_exists_at(d->fd, "blkio.weight");
  const char *weight_file = cfq ? "blkio.weight" : "blkio.bfq.weight";
  const char *weight_device_file = cfq ? "blkio.weight_device" : "blkio.bfq.weight_device";
  char value[24];
  if (q.has_weight) {
    snprintf(value, sizeof(value), "%" PRIu64, q.weight);
    if ((r = fs1_write_setting(d, weight_file, value, err)) < 0)
      return r;
  }
  if (q.has_leaf_weight) {
    snprintf(value, sizeof(value), "%" PRIu64, q.leaf_weight);
    if ((r = fs1_write_setting(d, "blkio.leaf_weight", value, err)) < 0)
      return r;
  }
  if ((r = set_weight_devices(d, q.weight_device, weight_device_file, err)) < 0)
    return r;
  return set_throttles(d, &q, err);
}
