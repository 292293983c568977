/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.cpu, .pids, .hugepageLimits and .rdma entries, checked and turned into what
 * the control files take (the files themselves differ between v1 and v2). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgc.h"
#include "helpers.h"

int cgc_cpu_request(json_object *cpu, struct cgc_cpu_request *q, struct berth_error *err) {
  const char *w = "linux.resources.cpu";
  *q = (struct cgc_cpu_request){0};
  int r;
  if ((r = cgc_spec_u64(cpu, "shares", w, &q->shares, &q->has_shares, err)) < 0 ||
      (r = cgc_spec_i64(cpu, "quota", w, &q->quota, &q->has_quota, err)) < 0 ||
      (r = cgc_spec_u64(cpu, "burst", w, &q->burst, &q->has_burst, err)) < 0 ||
      (r = cgc_spec_u64(cpu, "period", w, &q->period, &q->has_period, err)) < 0 ||
      (r = cgc_spec_i64(cpu, "idle", w, &q->idle, &q->has_idle, err)) < 0 ||
      (r = cgc_spec_i64(cpu, "realtimeRuntime", w, &q->rt_runtime, &q->has_rt_runtime, err)) < 0 ||
      (r = cgc_spec_u64(cpu, "realtimePeriod", w, &q->rt_period, &q->has_rt_period, err)) < 0)
    return r;
  /* 0 is "not set" in runc for all but burst and idle, where 0 is a value. */
  q->has_shares &= q->shares != 0;
  q->has_quota &= q->quota != 0;
  q->has_period &= q->period != 0;
  q->has_rt_runtime &= q->rt_runtime != 0;
  q->has_rt_period &= q->rt_period != 0;
  return 0;
}

int cgc_pids_limit(json_object *pids, char value[24], bool *set, struct berth_error *err) {
  int64_t limit = 0;
  int r = cgc_spec_i64(pids, "limit", "linux.resources.pids", &limit, set, err);
  if (r < 0 || !*set)
    return r;
  if (limit > 0) /* 0 and below: no limit */
    snprintf(value, 24, "%" PRId64, limit);
  else
    snprintf(value, 24, "max");
  return 0;
}

/* "2MB", "1GB": a page size names a file, so nothing but letters and digits. */
static bool valid_page_size(const char *s) {
  return s != NULL && s[0] != '\0' && strlen(s) < 16 &&
         strspn(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == strlen(s);
}

int cgc_hugepage_limit(json_object *entry, size_t index, struct cgc_hugepage_limit *out,
                       struct berth_error *err) {
  char where[64];
  snprintf(where, sizeof(where), "linux.resources.hugepageLimits[%zu]", index);
  if (!json_object_is_type(entry, json_type_object))
    return cg_error(err, EINVAL, "%s: expected an object", where);
  const char *size = NULL;
  uint64_t limit = 0;
  bool has_limit = false;
  int r;
  if ((r = cgc_spec_str(entry, "pageSize", where, &size, err)) < 0 ||
      (r = cgc_spec_u64(entry, "limit", where, &limit, &has_limit, err)) < 0)
    return r;
  if (!valid_page_size(size))
    return cg_error(err, EINVAL, "%s.pageSize: \"%s\" is not a page size", where,
                    size != NULL ? size : "");
  snprintf(out->size, sizeof(out->size), "%s", size);
  snprintf(out->value, sizeof(out->value), "%" PRIu64, limit);
  return 0;
}

static int limit_text(json_object *entry, const char *where, const char *key, char *out,
                      size_t size, struct berth_error *err) {
  uint64_t n = 0;
  bool set = false;
  int r = cgc_spec_u64(entry, key, where, &n, &set, err);
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

int cgc_rdma_line(const char *device, json_object *entry, char *line, size_t size,
                  struct berth_error *err) {
  char where[128], handles[16], objects[16];
  snprintf(where, sizeof(where), "linux.resources.rdma.%s", device);
  if (!json_object_is_type(entry, json_type_object))
    return cg_error(err, EINVAL, "%s: expected an object", where);
  if (device[0] == '\0' || strlen(device) > 64 || strpbrk(device, " \t\n") != NULL)
    return cg_error(err, EINVAL, "%s: not a device name", where);
  int r;
  if ((r = limit_text(entry, where, "hcaHandles", handles, sizeof(handles), err)) < 0 ||
      (r = limit_text(entry, where, "hcaObjects", objects, sizeof(objects), err)) < 0)
    return r;
  snprintf(line, size, "%s hca_handle=%s hca_object=%s", device, handles, objects);
  return 0;
}
