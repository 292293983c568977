/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.pids -> pids.max. */
#include <inttypes.h>
#include <stdio.h>

#include "cgv2.h"

int apply_pids(struct berth_cgroup *cg, json_object *pids, struct berth_error *err) {
  int64_t limit = 0;
  bool set = false;
  int r = spec_i64(pids, "limit", "linux.resources.pids", &limit, &set, err);
  if (r < 0 || !set)
    return r;
  char value[24] = "max"; /* 0 and below: no limit, as the v1 driver */
  if (limit > 0)
    snprintf(value, sizeof(value), "%" PRId64, limit);
  return write_setting(cg, "pids.max", value, err);
}
