/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.blockIO -> the io controller (runc's fs2 setIo): weights through BFQ's
 * io.bfq.weight when the scheduler offers it, else io.weight on the 1..10000 scale; the
 * throttles through io.max. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fs2.h"
#include "convert.h"
#include "helpers.h"

static const char *const throttles[][2] = {
    {"throttleReadBpsDevice", "rbps"},
    {"throttleWriteBpsDevice", "wbps"},
    {"throttleReadIOPSDevice", "riops"},
    {"throttleWriteIOPSDevice", "wiops"},
};
#define N_THROTTLES (sizeof(throttles) / sizeof(throttles[0]))

struct io_request {
  uint64_t weight, leaf_weight;
  bool has_weight, has_leaf_weight;
  json_object *weight_device;
  json_object *throttle[N_THROTTLES];
};

static int parse_io(json_object *blkio, struct io_request *q, struct berth_error *err) {
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
  if (q->has_weight && (q->weight < 10 || q->weight > 1000))
    return cg_error(err, EINVAL, "%s.weight: %" PRIu64 " is outside 10..1000", w, q->weight);
  return 0;
}

struct device_value {
  uint64_t major, minor, value;
  bool set;
};

/* {"major":8,"minor":0,key:N}; set false when key is absent (or 0 for weights, which runc
 * treats as unset). */
static int device_value(json_object *entry, const char *where, const char *key, bool zero_unset,
                        struct device_value *out, struct berth_error *err) {
  bool has_major, has_minor;
  int r;
  if (!json_object_is_type(entry, json_type_object))
    return cg_error(err, EINVAL, "%s: expected an object", where);
  if ((r = cgc_spec_u64(entry, "major", where, &out->major, &has_major, err)) < 0 ||
      (r = cgc_spec_u64(entry, "minor", where, &out->minor, &has_minor, err)) < 0 ||
      (r = cgc_spec_u64(entry, key, where, &out->value, &out->set, err)) < 0)
    return r;
  if (!has_major || !has_minor)
    return cg_error(err, EINVAL, "%s: major and minor are required", where);
  out->set &= !(zero_unset && out->value == 0);
  return 0;
}

/* Per-device BFQ weights came with kernel 5.4, whose io.bfq.weight reads "default N" (and
 * device lines) instead of a bare number. */
static bool bfq_device_weights(const struct fs2_cgroup *cg) {
  _cleanup_free_ char *buf = NULL;
  if (cgc_read_at(cg->fd, "io.bfq.weight", &buf) < 0)
    return false;
  char *end = NULL, *text = cgc_trim(buf);
  strtoull(text, &end, 10);
  return end == text || *end != '\0';
}

static int set_weight(const struct fs2_cgroup *cg, const struct io_request *q, bool bfq,
                      struct berth_error *err) {
  char value[48];
  if (bfq) { /* BFQ takes the blkio scale as it is */
    snprintf(value, sizeof(value), "%" PRIu64, q->weight);
    return fs2_write_setting(cg, "io.bfq.weight", value, err);
  }
  snprintf(value, sizeof(value), "default %" PRIu64, fs2_blkio_weight_to_io_weight(q->weight));
  return fs2_write_setting(cg, "io.weight", value, err);
}

static int set_weight_devices(const struct fs2_cgroup *cg, json_object *list,
                              struct berth_error *err) {
  size_t n = list != NULL ? json_object_array_length(list) : 0;
  bool bfq = n > 0 && bfq_device_weights(cg);
  for (size_t i = 0; i < n; i++) {
    char where[64], line[96];
    struct device_value v = {0};
    snprintf(where, sizeof(where), "linux.resources.blockIO.weightDevice[%zu]", i);
    int r = device_value(json_object_array_get_idx(list, i), where, "weight", true, &v, err);
    if (r < 0)
      return r;
    if (!v.set)
      continue; /* leafWeight only: cgroup v2 has no leaf weights */
    if (v.value < 10 || v.value > 1000)
      return cg_error(err, EINVAL, "%s.weight: %" PRIu64 " is outside 10..1000", where, v.value);
    snprintf(line, sizeof(line), "%" PRIu64 ":%" PRIu64 " %" PRIu64, v.major, v.minor,
             bfq ? v.value : fs2_blkio_weight_to_io_weight(v.value));
    if ((r = fs2_write_setting(cg, bfq ? "io.bfq.weight" : "io.weight", line, err)) < 0)
      return r;
  }
  return 0;
}

static int set_throttles(const struct fs2_cgroup *cg, const struct io_request *q,
                         struct berth_error *err) {
  for (size_t t = 0; t < N_THROTTLES; t++) {
    size_t n = q->throttle[t] != NULL ? json_object_array_length(q->throttle[t]) : 0;
    for (size_t i = 0; i < n; i++) {
      char where[80], line[96];
      struct device_value v = {0};
      snprintf(where, sizeof(where), "linux.resources.blockIO.%s[%zu]", throttles[t][0], i);
      int r =
          device_value(json_object_array_get_idx(q->throttle[t], i), where, "rate", false, &v, err);
      if (r == 0 && !v.set)
        r = cg_error(err, EINVAL, "%s.rate: missing", where);
      if (r < 0)
        return r;
      /* v1 took 0 as "no limit"; io.max spells that "max". */
      if (v.value == 0)
        snprintf(line, sizeof(line), "%" PRIu64 ":%" PRIu64 " %s=max", v.major, v.minor,
                 throttles[t][1]);
      else
        snprintf(line, sizeof(line), "%" PRIu64 ":%" PRIu64 " %s=%" PRIu64, v.major, v.minor,
                 throttles[t][1], v.value);
      if ((r = fs2_write_setting(cg, "io.max", line, err)) < 0)
        return r;
    }
  }
  return 0;
}

int fs2_apply_io(struct fs2_cgroup *cg, json_object *blkio, struct berth_error *err) {
  struct io_request q = {0};
  int r = parse_io(blkio, &q, err);
  if (r < 0)
    return r;
  if (q.has_leaf_weight)
    log_debug("cgroup-v2: %s: blockIO.leafWeight is ignored: cgroup v2 has no leaf weights",
              cg->path);
  if (q.has_weight && (r = set_weight(cg, &q, cgc_exists_at(cg->fd, "io.bfq.weight"), err)) < 0)
    return r;
  if ((r = set_weight_devices(cg, q.weight_device, err)) < 0)
    return r;
  return set_throttles(cg, &q, err);
}
