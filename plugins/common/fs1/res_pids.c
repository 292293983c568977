/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.pids. */
#include <errno.h>

#include "fs1.h"

int fs1_apply_pids(struct fs1_cgroup *cg, json_object *pids, struct berth_error *err) {
  char value[24];
  bool set = false;
  int r = cgc_pids_limit(pids, value, &set, err);
  if (r < 0 || !set)
    return r;
  struct cgroup_dir *d = NULL;
  if ((r = fs1_need_dir(cg, "pids", "pids.limit", &d, err)) < 0)
    return r;
  return fs1_write_setting(d, "pids.max", value, err);
}
