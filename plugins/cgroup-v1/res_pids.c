/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.pids. */
#include <inttypes.h>
#include <errno.h>
#include <stdio.h>

#include "cgv1.h"

int apply_pids(struct berth_cgroup *cg, json_object *pids, struct berth_error *err) {
  int64_t limit = 0;
  bool set = false;
  int r = spec_i64(pids, "limit", "linux.resources.pids", &limit, &set, err);
  if (r < 0 || !set)
    return r;
  struct cgroup_dir *d = NULL;
  if ((r = need_dir(cg, "pids", "pids.limit", &d, err)) < 0)
    return r;
  char value[24] = "max"; /* 0 and below: no limit */
  if (limit > 0)
    snprintf(value, sizeof(value), "%" PRId64, limit);
  return write_setting(d, "pids.max", value, err);
}
