/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.memory (runc 1.1 fs/memory.go). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fs1.h"
#include "helpers.h"

#define LIMIT "memory.limit_in_bytes"
#define SWAP_LIMIT "memory.memsw.limit_in_bytes"

struct memory_request {
  int64_t limit, reservation, swap, swappiness, kernel, kernel_tcp;
  bool has_limit, has_reservation, has_swap, has_swappiness, has_kernel, has_kernel_tcp;
  bool disable_oom_killer;
};

static int parse_memory(json_object *m, struct memory_request *q, struct berth_error *err) {
  const char *w = "linux.resources.memory";
  int r;
  if ((r = cgc_spec_i64(m, "limit", w, &q->limit, &q->has_limit, err)) < 0 ||
      (r = cgc_spec_i64(m, "reservation", w, &q->reservation, &q->has_reservation, err)) < 0 ||
      (r = cgc_spec_i64(m, "swap", w, &q->swap, &q->has_swap, err)) < 0 ||
      (r = cgc_spec_i64(m, "kernel", w, &q->kernel, &q->has_kernel, err)) < 0 ||
      (r = cgc_spec_i64(m, "kernelTCP", w, &q->kernel_tcp, &q->has_kernel_tcp, err)) < 0 ||
      (r = cgc_spec_bool(m, "disableOOMKiller", w, &q->disable_oom_killer, err)) < 0)
    return r;
  /* runc reads swappiness as int64: a uint64 of all ones is its -1, "not set". */
  json_object *swappiness = json_get(m, "swappiness");
  if (swappiness != NULL && json_object_is_type(swappiness, json_type_int) &&
      json_object_get_uint64(swappiness) == UINT64_MAX) {
    q->swappiness = -1;
    q->has_swappiness = true;
  } else if ((r = cgc_spec_i64(m, "swappiness", w, &q->swappiness, &q->has_swappiness, err)) < 0) {
    return r;
  }
  /* runc treats 0 as "not set" for all of these. */
  q->has_limit &= q->limit != 0;
  q->has_reservation &= q->reservation != 0;
  q->has_swap &= q->swap != 0;
  q->has_swappiness &= q->swappiness != -1;
  if (q->has_swappiness && (q->swappiness < 0 || q->swappiness > 100))
    return cg_error(err, EINVAL,
                    "invalid memory swappiness value: %" PRId64 " (valid range is 0-100)",
                    q->swappiness);
  return 0;
}

static int write_i64(const struct cgroup_dir *d, const char *name, int64_t value,
                     struct berth_error *err) {
  char buf[24];
  snprintf(buf, sizeof(buf), "%" PRId64, value);
  return fs1_write_setting(d, name, buf, err);
}

/* EBUSY here means the limit is below what the cgroup already uses; say so. */
static int set_limit(const struct cgroup_dir *d, int64_t limit, struct berth_error *err) {
  char buf[24];
  snprintf(buf, sizeof(buf), "%" PRId64, limit);
  _cleanup_free_ char *current = NULL;
  if (cgc_read_at(d->fd, LIMIT, &current) == 0 && strcmp(cgc_trim(current), buf) == 0)
    return 0;
  int r = cgc_write_at(d->fd, LIMIT, buf);
  if (r != -EBUSY)
    return r < 0 ? cg_error(err, -r, "write " LIMIT "=%s in %s", buf, d->path) : 0;
  _cleanup_free_ char *usage = NULL, *peak = NULL;
  cgc_read_at(d->fd, "memory.usage_in_bytes", &usage);
  cgc_read_at(d->fd, "memory.max_usage_in_bytes", &peak);
  return cg_error(err, EBUSY, "write " LIMIT "=%s in %s (below current usage %s, peak usage %s)",
                  buf, d->path, usage != NULL ? cgc_trim(usage) : "?",
                  peak != NULL ? cgc_trim(peak) : "?");
}

static int set_swap(const struct cgroup_dir *d, int64_t swap, struct berth_error *err) {
  /* Without swap accounting there is no memory+swap limit: "unlimited" is what it is. */
  if (swap == -1 && !cgc_exists_at(d->fd, SWAP_LIMIT))
    return 0;
  if (!cgc_exists_at(d->fd, SWAP_LIMIT))
    return cg_error(err, ENOENT,
                    "cannot set memory.swap=%" PRId64 ": %s has no " SWAP_LIMIT
                    " (swap accounting is off; boot with swapaccount=1)",
                    swap, d->path);
  return write_i64(d, SWAP_LIMIT, swap, err);
}

/* The kernel wants memory.limit <= memsw.limit at every step, so the order of the two
 * writes depends on whether the new swap limit is above the current memory limit. */
static int set_memory_and_swap(const struct cgroup_dir *d, struct memory_request *q,
                               struct berth_error *err) {
  /* limit -1: unlimited swap too, where swap is accounted (runc's rule when swap is unsaid;
   * a memory+swap limit below an unlimited memory is one the kernel refuses anyway). */
  if (q->has_limit && q->limit == -1 && cgc_exists_at(d->fd, SWAP_LIMIT)) {
    q->swap = -1;
    q->has_swap = true;
  }
  int r;
  if (q->has_limit && q->has_swap) {
    uint64_t current;
    if ((r = fs1_read_u64_setting(d, LIMIT, &current, err)) < 0)
      return r;
    if (q->swap == -1 || current < (uint64_t)q->swap) {
      if ((r = set_swap(d, q->swap, err)) < 0)
        return r;
      return set_limit(d, q->limit, err);
    }
  }
  if (q->has_limit && (r = set_limit(d, q->limit, err)) < 0)
    return r;
  if (q->has_swap && (r = set_swap(d, q->swap, err)) < 0)
    return r;
  return 0;
}

int fs1_apply_memory(struct fs1_cgroup *cg, json_object *memory, struct berth_error *err) {
  struct memory_request q = {0};
  int r = parse_memory(memory, &q, err);
  if (r < 0)
    return r;
  if (q.has_kernel || q.has_kernel_tcp)
    /* A warning, as runc's: the limit the user asked for is not in force (kmem limits are
     * deprecated, and gone from Linux 5.16). */
    log_warn("cgroup-v1: kernel memory settings are ignored and will be removed "
             "(memory.kernel, memory.kernelTCP)");
  if (!q.has_limit && !q.has_reservation && !q.has_swap && !q.has_swappiness &&
      !q.disable_oom_killer)
    return 0;
  struct cgroup_dir *d = NULL;
  if ((r = fs1_need_dir(cg, "memory", "memory limits", &d, err)) < 0)
    return r;
  if ((r = set_memory_and_swap(d, &q, err)) < 0)
    return r;
  if (q.has_reservation && (r = write_i64(d, "memory.soft_limit_in_bytes", q.reservation, err)) < 0)
    return r;
  if (q.disable_oom_killer && (r = fs1_write_entry(d, "memory.oom_control", "1", err)) < 0)
    return r;
  if (q.has_swappiness && (r = write_i64(d, "memory.swappiness", q.swappiness, err)) < 0)
    return r;
  return 0;
}
