/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.pids -> pids.max. */

#include "fs2.h"

int fs2_apply_pids(struct fs2_cgroup *cg, json_object *pids, struct berth_error *err) {
  char value[24];
  bool set = false;
  int r = cgc_pids_limit(pids, value, &set, err);
  if (r < 0 || !set)
    return r;
  return fs2_write_setting(cg, "pids.max", value, err);
}
