/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.rdma: {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}} -> rdma.max. */
#include <stdio.h>

#include "fs2.h"
#include "helpers.h"

int fs2_apply_rdma(struct fs2_cgroup *cg, json_object *rdma, struct berth_error *err) {
  if (rdma == NULL)
    return 0;
  json_object_object_foreach(rdma, device, entry) {
    char line[192];
    int r = cgc_rdma_line(device, entry, line, sizeof(line), err);
    if (r < 0)
      return r;
    if ((r = fs2_write_setting(cg, "rdma.max", line, err)) < 0)
      return r;
  }
  return 0;
}
