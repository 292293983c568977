/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.rdma: {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}} -> rdma.max. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgv2.h"
#include "helpers.h"

static int limit_text(json_object *entry, const char *where, const char *key, char *out,
                      size_t size, struct berth_error *err) {
  uint64_t n = 0;
  bool set = false;
  int r = spec_u64(entry, key, where, &n, &set, err);
  if (r < 0)
    return r;
  if (set && n > UINT32_MAX)
    return cg_error(err, ERANGE, "%s.%s: %" PRIu64 " is out of range", where, key, n);
  if (set)
    snprintf(out, size, "%" PRIu64, n);
  else
    snprintf(out, size, "max");
  return 0;
}

int apply_rdma(struct berth_cgroup *cg, json_object *rdma, struct berth_error *err) {
  if (rdma == NULL)
    return 0;
  json_object_object_foreach(rdma, device, entry) {
    char where[128], handles[16], objects[16], line[192];
    snprintf(where, sizeof(where), "linux.resources.rdma.%s", device);
    if (!json_object_is_type(entry, json_type_object))
      return cg_error(err, EINVAL, "%s: expected an object", where);
    if (device[0] == '\0' || strlen(device) > 64 || strpbrk(device, " \t\n") != NULL)
      return cg_error(err, EINVAL, "%s: not a device name", where);
    int r;
    if ((r = limit_text(entry, where, "hcaHandles", handles, sizeof(handles), err)) < 0 ||
        (r = limit_text(entry, where, "hcaObjects", objects, sizeof(objects), err)) < 0)
      return r;
    snprintf(line, sizeof(line), "%s hca_handle=%s hca_object=%s", device, handles, objects);
    if ((r = write_setting(cg, "rdma.max", line, err)) < 0)
      return r;
  }
  return 0;
}
