/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.cpu: cpu.weight (from shares), cpu.max, cpu.max.burst, cpu.idle (runc's
 * fs2 setCPU), and cpus/mems (cpuset). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fs2.h"
#include "convert.h"
#include "helpers.h"

/* The kernel's default period, documented in cgroup-v2.rst. */
#define DEFAULT_PERIOD_US 100000ull

/* cgroup v2 has no real-time CPU bandwidth control. */
static int parse_cpu(json_object *cpu, struct cgc_cpu_request *q, struct berth_error *err) {
  int r = cgc_cpu_request(cpu, q, err);
  if (r == 0 && (q->has_rt_runtime || q->has_rt_period))
    return cg_error(err, ENOTSUP,
                    "linux.resources.cpu.realtimeRuntime/realtimePeriod: cgroup v2 has no "
                    "real-time CPU bandwidth control");
  return r;
}

/* "quota period". A quota of 0 or an absent one keeps the current quota, and an absent
 * period the current period (runc would reset them to "max" and 100000); a negative quota
 * is "max". */
static int cpu_max_text(const struct fs2_cgroup *cg, const struct cgc_cpu_request *q, char *out,
                        size_t size) {
  char quota[24] = "max";
  uint64_t period = DEFAULT_PERIOD_US;
  _cleanup_free_ char *current = NULL;
  if (cgc_read_at(cg->fd, "cpu.max", &current) == 0) {
    char cur_quota[24] = "";
    uint64_t cur_period = 0;
    if (sscanf(current, "%23s %" SCNu64, cur_quota, &cur_period) == 2) {
      snprintf(quota, sizeof(quota), "%s", cur_quota);
      period = cur_period;
    }
  }
  if (q->has_quota && q->quota > 0)
    snprintf(quota, sizeof(quota), "%" PRId64, q->quota);
  else if (q->has_quota)
    snprintf(quota, sizeof(quota), "max");
  if (q->has_period)
    period = q->period;
  return snprintf(out, size, "%s %" PRIu64, quota, period);
}

int fs2_apply_cpu(struct fs2_cgroup *cg, json_object *cpu, struct berth_error *err) {
  struct cgc_cpu_request q;
  int r = parse_cpu(cpu, &q, err);
  if (r < 0)
    return r;
  char value[64];
  if (q.has_idle) {
    snprintf(value, sizeof(value), "%" PRId64, q.idle);
    if ((r = fs2_write_setting(cg, "cpu.idle", value, err)) < 0)
      return r;
  }
  if (q.has_shares) {
    snprintf(value, sizeof(value), "%" PRIu64, fs2_cpu_shares_to_weight(q.shares));
    if ((r = fs2_write_setting(cg, "cpu.weight", value, err)) < 0)
      return r;
  }
  /* A burst above the current one can be refused (EINVAL) while the old quota makes
   * quota+burst exceed the parent's limit: then set the quota first and retry. */
  bool burst_pending = false;
  char burst[24];
  if (q.has_burst) {
    snprintf(burst, sizeof(burst), "%" PRIu64, q.burst);
    r = cgc_write_at(cg->fd, "cpu.max.burst", burst);
    if (r == -EINVAL && (q.has_quota || q.has_period))
      burst_pending = true;
    else if (r < 0 && (r = fs2_write_setting(cg, "cpu.max.burst", burst, err)) < 0)
      return r;
  }
  if (q.has_quota || q.has_period) {
    cpu_max_text(cg, &q, value, sizeof(value));
    if ((r = fs2_write_setting(cg, "cpu.max", value, err)) < 0)
      return r;
  }
  if (burst_pending && (r = fs2_write_setting(cg, "cpu.max.burst", burst, err)) < 0)
    return r;
  return 0;
}

int fs2_apply_cpuset(struct fs2_cgroup *cg, json_object *cpu, struct berth_error *err) {
  const char *w = "linux.resources.cpu", *cpus, *mems;
  int r;
  if ((r = cgc_spec_str(cpu, "cpus", w, &cpus, err)) < 0 ||
      (r = cgc_spec_str(cpu, "mems", w, &mems, err)) < 0)
    return r;
  if (cpus != NULL && cpus[0] != '\0' && (r = fs2_write_setting(cg, "cpuset.cpus", cpus, err)) < 0)
    return r;
  if (mems != NULL && mems[0] != '\0' && (r = fs2_write_setting(cg, "cpuset.mems", mems, err)) < 0)
    return r;
  return 0;
}
