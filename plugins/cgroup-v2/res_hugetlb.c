/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.hugepageLimits: hugetlb.<size>.max, and the reservation limit
 * hugetlb.<size>.rsvd.max (kernel >= 5.7) where it exists, as runc's fs2. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgv2.h"
#include "helpers.h"

/* "2MB", "1GB": a page size names a file, so nothing but letters and digits. */
static bool valid_page_size(const char *s) {
  return s != NULL && s[0] != '\0' && strlen(s) < 16 &&
         strspn(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == strlen(s);
}

static int set_limit(const struct berth_cgroup *cg, json_object *entry, size_t index, bool *rsvd,
                     struct berth_error *err) {
  char where[64], file[64], value[24];
  snprintf(where, sizeof(where), "linux.resources.hugepageLimits[%zu]", index);
  if (!json_object_is_type(entry, json_type_object))
    return cg_error(err, EINVAL, "%s: expected an object", where);
  const char *size = NULL;
  uint64_t limit = 0;
  bool has_limit = false;
  int r;
  if ((r = spec_str(entry, "pageSize", where, &size, err)) < 0 ||
      (r = spec_u64(entry, "limit", where, &limit, &has_limit, err)) < 0)
    return r;
  if (!valid_page_size(size))
    return cg_error(err, EINVAL, "%s.pageSize: \"%s\" is not a page size", where,
                    size != NULL ? size : "");
  snprintf(value, sizeof(value), "%" PRIu64, limit);
  snprintf(file, sizeof(file), "hugetlb.%s.max", size);
  if ((r = write_setting(cg, file, value, err)) < 0)
    return r;
  snprintf(file, sizeof(file), "hugetlb.%s.rsvd.max", size);
  *rsvd = *rsvd && exists_at(cg->fd, file);
  return *rsvd ? write_setting(cg, file, value, err) : 0;
}

int apply_hugetlb(struct berth_cgroup *cg, json_object *limits, struct berth_error *err) {
  size_t n = limits != NULL ? json_object_array_length(limits) : 0;
  bool rsvd = true;
  int r = 0;
  for (size_t i = 0; i < n && r == 0; i++)
    r = set_limit(cg, json_object_array_get_idx(limits, i), i, &rsvd, err);
  return r;
}
