/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.hugepageLimits: hugetlb.<size>.max, and the reservation limit
 * hugetlb.<size>.rsvd.max (kernel >= 5.7) where it exists, as runc's fs2. */
#include <stdio.h>

#include "fs2.h"
#include "helpers.h"

static int set_limit(const struct fs2_cgroup *cg, json_object *entry, size_t index, bool *rsvd,
                     struct berth_error *err) {
  struct cgc_hugepage_limit limit;
  char file[64];
  int r = cgc_hugepage_limit(entry, index, &limit, err);
  if (r < 0)
    return r;
  snprintf(file, sizeof(file), "hugetlb.%s.max", limit.size);
  if ((r = fs2_write_setting(cg, file, limit.value, err)) < 0)
    return r;
  snprintf(file, sizeof(file), "hugetlb.%s.rsvd.max", limit.size);
  *rsvd = *rsvd && cgc_exists_at(cg->fd, file);
  return *rsvd ? fs2_write_setting(cg, file, limit.value, err) : 0;
}

int fs2_apply_hugetlb(struct fs2_cgroup *cg, json_object *limits, struct berth_error *err) {
  size_t n = limits != NULL ? json_object_array_length(limits) : 0;
  bool rsvd = true;
  int r = 0;
  for (size_t i = 0; i < n && r == 0; i++)
    r = set_limit(cg, json_object_array_get_idx(limits, i), i, &rsvd, err);
  return r;
}
