/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.hugepageLimits: hugetlb.<size>.limit_in_bytes, and the reservation limit
 * (hugetlb.<size>.rsvd.limit_in_bytes, kernel >= 5.7) where it exists, as runc 1.1. */
#include <stdio.h>

#include "fs1.h"
#include "helpers.h"

static int set_limit(const struct cgroup_dir *d, json_object *entry, size_t index, bool *rsvd,
                     struct berth_error *err) {
  struct cgc_hugepage_limit limit;
  char file[64];
  int r = cgc_hugepage_limit(entry, index, &limit, err);
  if (r < 0)
    return r;
  snprintf(file, sizeof(file), "hugetlb.%s.limit_in_bytes", limit.size);
  if ((r = fs1_write_setting(d, file, limit.value, err)) < 0)
    return r;
  snprintf(file, sizeof(file), "hugetlb.%s.rsvd.limit_in_bytes", limit.size);
  *rsvd = *rsvd && cgc_exists_at(d->fd, file);
  return *rsvd ? fs1_write_setting(d, file, limit.value, err) : 0;
}

int fs1_apply_hugetlb(struct fs1_cgroup *cg, json_object *limits, struct berth_error *err) {
  size_t n = limits != NULL ? json_object_array_length(limits) : 0;
  if (n == 0)
    return 0;
  struct cgroup_dir *d = NULL;
  int r = fs1_need_dir(cg, "hugetlb", "hugepageLimits", &d, err);
  bool rsvd = true;
  for (size_t i = 0; i < n && r == 0; i++)
    r = set_limit(d, json_object_array_get_idx(limits, i), i, &rsvd, err);
  return r;
}
