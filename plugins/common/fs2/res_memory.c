/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.memory (runc's fs2 setMemory): limit -> memory.max, reservation ->
 * memory.low, swap (memory+swap in the spec) -> memory.swap.max = swap - limit. memory.high,
 * memory.min and memory.oom.group have no OCI field: they come through the unified map. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fs2.h"
#include "convert.h"
#include "helpers.h"

struct memory_request {
  int64_t limit, reservation, swap, swappiness;
  bool has_limit, has_reservation, has_swap, has_swappiness, has_kernel, has_kernel_tcp;
  bool disable_oom_killer, check_before_update;
};

static int parse_memory(json_object *m, struct memory_request *q, struct berth_error *err) {
  const char *w = "linux.resources.memory";
  int64_t ignored;
  int r;
  if ((r = cgc_spec_i64(m, "limit", w, &q->limit, &q->has_limit, err)) < 0 ||
      (r = cgc_spec_i64(m, "reservation", w, &q->reservation, &q->has_reservation, err)) < 0 ||
      (r = cgc_spec_i64(m, "swap", w, &q->swap, &q->has_swap, err)) < 0 ||
      (r = cgc_spec_i64(m, "kernel", w, &ignored, &q->has_kernel, err)) < 0 ||
      (r = cgc_spec_i64(m, "kernelTCP", w, &ignored, &q->has_kernel_tcp, err)) < 0 ||
      (r = cgc_spec_bool(m, "disableOOMKiller", w, &q->disable_oom_killer, err)) < 0 ||
      (r = cgc_spec_bool(m, "checkBeforeUpdate", w, &q->check_before_update, err)) < 0)
    return r;
  /* runc reads swappiness as an int64 where all ones (as uint64) is -1, "not set". */
  json_object *swappiness = json_get(m, "swappiness");
  if (swappiness != NULL && json_object_is_type(swappiness, json_type_int) &&
      json_object_get_uint64(swappiness) == UINT64_MAX) {
    q->has_swappiness = false;
  } else if ((r = cgc_spec_i64(m, "swappiness", w, &q->swappiness, &q->has_swappiness, err)) < 0) {
    return r;
  }
  /* runc treats 0 as "not set" for all of these. */
  q->has_limit &= q->limit != 0;
  q->has_reservation &= q->reservation != 0;
  q->has_swap &= q->swap != 0;
  q->has_swappiness &= q->swappiness != -1;
  return 0;
}

/* runc's numToStr: -1 is "max" (v1's way of saying unlimited). */
static void limit_text(int64_t value, char *out, size_t size) {
  if (value == -1)
    snprintf(out, size, "max");
  else
    snprintf(out, size, "%" PRId64, value);
}

static void note_ignored(const struct fs2_cgroup *cg, const struct memory_request *q) {
  if (q->has_kernel || q->has_kernel_tcp)
    log_warn("cgroup-v2: %s: kernel memory settings are ignored and will be removed "
             "(memory.kernel, memory.kernelTCP)",
             cg->path);
  if (q->has_swappiness)
    log_warn("cgroup-v2: %s: memory.swappiness=%" PRId64 " is ignored: cgroup v2 has none",
             cg->path, q->swappiness);
  if (q->disable_oom_killer)
    log_warn("cgroup-v2: %s: memory.disableOOMKiller is ignored: cgroup v2 cannot disable the "
             "OOM killer",
             cg->path);
}

/* memory.checkBeforeUpdate: refuse a limit at or below what the cgroup uses now, rather
 * than let the kernel reclaim or OOM-kill down to it. */
static int check_usage(const struct fs2_cgroup *cg, const struct memory_request *q,
                       struct berth_error *err) {
  if (!q->check_before_update || (q->limit <= 0 && q->swap <= 0))
    return 0;
  _cleanup_free_ char *buf = NULL;
  if (cgc_read_at(cg->fd, "memory.current", &buf) < 0)
    return 0;
  uint64_t usage = strtoull(buf, NULL, 10);
  if (q->has_swap && q->swap > 0 && (uint64_t)q->swap <= usage)
    return cg_error(err, EBUSY, "%s: rejecting memory+swap limit %" PRId64 " <= usage %" PRIu64,
                    cg->path, q->swap, usage);
  if (q->has_limit && q->limit > 0 && (uint64_t)q->limit <= usage)
    return cg_error(err, EBUSY, "%s: rejecting memory limit %" PRId64 " <= usage %" PRIu64,
                    cg->path, q->limit, usage);
  return 0;
}

static int set_swap(const struct fs2_cgroup *cg, const struct memory_request *q,
                    struct berth_error *err) {
  bool set;
  int64_t swap;
  const char *why;
  if (fs2_swap_max(q->has_swap ? q->swap : 0, q->has_limit ? q->limit : 0, &set, &swap, &why) < 0)
    return cg_error(err, EINVAL,
                    "linux.resources.memory.swap=%" PRId64 " with limit=%" PRId64 ": %s", q->swap,
                    q->limit, why);
  if (!set)
    return 0;
  char value[24];
  limit_text(swap, value, sizeof(value));
  /* No swap accounting (CONFIG_MEMCG_SWAP off, swapaccount=0): "max" and "0" ask for
   * nothing that could be enforced anyway. */
  if ((swap == -1 || swap == 0) && !cgc_exists_at(cg->fd, "memory.swap.max")) {
    log_debug("cgroup-v2: %s has no memory.swap.max, not setting it to %s", cg->path, value);
    return 0;
  }
  return fs2_write_setting(cg, "memory.swap.max", value, err);
}

int fs2_apply_memory(struct fs2_cgroup *cg, json_object *memory, struct berth_error *err) {
  struct memory_request q = {0};
  int r = parse_memory(memory, &q, err);
  if (r < 0)
    return r;
  note_ignored(cg, &q);
  if (!q.has_limit && !q.has_reservation && !q.has_swap)
    return 0;
  if ((r = check_usage(cg, &q, err)) < 0 || (r = set_swap(cg, &q, err)) < 0)
    return r;
  char value[24];
  if (q.has_limit) {
    limit_text(q.limit, value, sizeof(value));
    if ((r = fs2_write_setting(cg, "memory.max", value, err)) < 0)
      return r;
  }
  if (q.has_reservation) {
    limit_text(q.reservation, value, sizeof(value));
    if ((r = fs2_write_setting(cg, "memory.low", value, err)) < 0)
      return r;
  }
  return 0;
}
