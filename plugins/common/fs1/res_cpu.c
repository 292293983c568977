/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.cpu: the cpu controller (runc 1.1 fs/cpu.go) and cpus/mems (cpuset). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fs1.h"
#include "helpers.h"

int fs1_apply_cpuset(struct fs1_cgroup *cg, json_object *cpu, struct berth_error *err) {
  const char *w = "linux.resources.cpu", *cpus, *mems;
  int r;
  if ((r = cgc_spec_str(cpu, "cpus", w, &cpus, err)) < 0 ||
      (r = cgc_spec_str(cpu, "mems", w, &mems, err)) < 0)
    return r;
  bool want_cpus = cpus != NULL && cpus[0] != '\0', want_mems = mems != NULL && mems[0] != '\0';
  if (!want_cpus && !want_mems)
    return 0;
  struct cgroup_dir *d = NULL;
  if ((r = fs1_need_dir(cg, "cpuset", "cpu.cpus/cpu.mems", &d, err)) < 0)
    return r;
  if (want_cpus && (r = fs1_write_setting(d, "cpuset.cpus", cpus, err)) < 0)
    return r;
  if (want_mems && (r = fs1_write_setting(d, "cpuset.mems", mems, err)) < 0)
    return r;
  return 0;
}

static int write_num(const struct cgroup_dir *d, const char *name, bool is_signed, uint64_t u,
                     int64_t s, struct berth_error *err) {
  char buf[24];
  if (is_signed)
    snprintf(buf, sizeof(buf), "%" PRId64, s);
  else
    snprintf(buf, sizeof(buf), "%" PRIu64, u);
  return fs1_write_setting(d, name, buf, err);
}

/* The kernel clamps cpu.shares silently: read it back and tell the user. */
static int set_shares(const struct cgroup_dir *d, uint64_t shares, struct berth_error *err) {
  uint64_t got;
  int r = write_num(d, "cpu.shares", false, shares, 0, err);
  if (r == 0)
    r = fs1_read_u64_setting(d, "cpu.shares", &got, err);
  if (r < 0)
    return r;
  if (shares > got)
    return cg_error(err, EINVAL, "cpu.shares=%" PRIu64 " in %s: the maximum allowed is %" PRIu64,
                    shares, d->path, got);
  if (shares < got)
    return cg_error(err, EINVAL, "cpu.shares=%" PRIu64 " in %s: the minimum allowed is %" PRIu64,
                    shares, d->path, got);
  return 0;
}

/* A period and the time allowed in it (CFS quota, real-time runtime) are checked against each
 * other by the kernel at every write: a new period can be refused (EINVAL) while the old
 * value does not fit it (runtime above the period, quota/period above the parent's). Then
 * the value goes first and the period is retried, as runc does. */
static int set_period_and_value(const struct cgroup_dir *d, const char *period_file,
                                bool has_period, uint64_t period, const char *value_file,
                                bool has_value, int64_t value, struct berth_error *err) {
  bool period_pending = false;
  int r;
  if (has_period) {
    char buf[24];
    snprintf(buf, sizeof(buf), "%" PRIu64, period);
    r = cgc_write_at(d->fd, period_file, buf);
    if (r == -EINVAL && has_value)
      period_pending = true;
    else if (r < 0)
      return cg_error(err, -r, "write %s=%s in %s", period_file, buf, d->path);
  }
  if (has_value && (r = write_num(d, value_file, true, 0, value, err)) < 0)
    return r;
  if (period_pending && (r = write_num(d, period_file, false, period, 0, err)) < 0)
    return r;
  return 0;
}

static int set_optional(const struct cgroup_dir *d, const char *name, bool is_signed, uint64_t u,
                        int64_t s, struct berth_error *err) {
  if (!cgc_exists_at(d->fd, name) && (is_signed ? s : (int64_t)u) == 0) {
    log_debug("cgroup-v1: %s has no %s, not setting it to 0", d->path, name);
    return 0;
  }
  return write_num(d, name, is_signed, u, s, err);
}

int fs1_apply_cpu(struct fs1_cgroup *cg, json_object *cpu, struct berth_error *err) {
  struct cgc_cpu_request q;
  int r = cgc_cpu_request(cpu, &q, err);
  if (r < 0)
    return r;
  if (!q.has_shares && !q.has_quota && !q.has_period && !q.has_burst && !q.has_rt_runtime &&
      !q.has_rt_period && !q.has_idle)
    return 0;
  struct cgroup_dir *d = NULL;
  if ((r = fs1_need_dir(cg, "cpu", "cpu limits", &d, err)) < 0)
    return r;
  if (q.has_shares && (r = set_shares(d, q.shares, err)) < 0)
    return r;
  if ((r = set_period_and_value(d, "cpu.cfs_period_us", q.has_period, q.period, "cpu.cfs_quota_us",
                                q.has_quota, q.quota, err)) < 0)
    return r;
  if (q.has_burst && (r = set_optional(d, "cpu.cfs_burst_us", false, q.burst, 0, err)) < 0)
    return r;
  /* Real-time bandwidth, before any task joins (create applies). */
  if ((r = set_period_and_value(d, "cpu.rt_period_us", q.has_rt_period, q.rt_period,
                                "cpu.rt_runtime_us", q.has_rt_runtime, q.rt_runtime, err)) < 0)
    return r;
  if (q.has_idle && !cgc_exists_at(d->fd, "cpu.idle")) {
    if (q.idle != 0)
      log_warn("cgroup-v1: %s has no cpu.idle (kernel < 5.15): cpu.idle=%" PRId64 " ignored",
               d->path, q.idle);
    return 0;
  }
  if (q.has_idle && (r = write_num(d, "cpu.idle", true, 0, q.idle, err)) < 0)
    return r;
  return 0;
}
