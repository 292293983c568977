/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.rdma: {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}} -> rdma.max. */
#include <stdio.h>

#include "fs1.h"
#include "helpers.h"

int fs1_apply_rdma(struct fs1_cgroup *cg, json_object *rdma, struct berth_error *err) {
  if (rdma == NULL || json_object_object_length(rdma) == 0)
    return 0;
  struct cgroup_dir *d = NULL;
  int r = fs1_need_dir(cg, "rdma", "rdma limits", &d, err);
  if (r < 0)
    return r;
  json_object_object_foreach(rdma, device, entry) {
    char line[192];
    if ((r = cgc_rdma_line(device, entry, line, sizeof(line), err)) < 0)
      return r;
    if ((r = fs1_write_entry(d, "rdma.max", line, err)) < 0)
      return r;
  }
  return 0;
}
