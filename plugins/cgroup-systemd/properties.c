/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources to unit properties, runc's genV1ResourcesProperties and
 * genV2ResourcesProperties: what systemd has a property for, so that systemd's view of the
 * unit matches the cgroup (it rewrites the files from its properties on daemon-reload). The fs
 * core then writes every file, the ones systemd has no property for included. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "sd.h"

#define USEC_INFINITY UINT64_MAX
#define DEFAULT_CPU_PERIOD_US 100000ull

/* AllowedCPUs/AllowedMemoryNodes came with systemd 244, CPUQuotaPeriodUSec with 242. */
static bool systemd_at_least(const struct host_facts *facts, unsigned version) {
  return facts->systemd_version == 0 || facts->systemd_version >= version;
}

#define ADD(expr)                                                                                  \
  do {                                                                                             \
    if (!(expr))                                                                                   \
      return cg_error(err, ENOMEM, "unit properties");                                             \
  } while (0)

/* OCI byte limits: -1 is "no limit" (systemd's infinity), other negatives are errors. */
static int limit_value(int64_t v, const char *where, const char *key, uint64_t *out,
                       struct berth_error *err) {
  if (v < -1)
    return cg_error(err, ERANGE, "%s.%s: %" PRId64 " is not a limit", where, key, v);
  *out = v == -1 ? UINT64_MAX : (uint64_t)v;
  return 0;
}

static int memory_properties(json_object *memory, const struct host_facts *facts,
                             struct unit_properties *out, struct berth_error *err) {
  const char *w = "linux.resources.memory";
  int64_t limit = 0, reservation = 0, swap = 0;
  bool has_limit, has_reservation, has_swap;
  int r;
  if ((r = cgc_spec_i64(memory, "limit", w, &limit, &has_limit, err)) < 0 ||
      (r = cgc_spec_i64(memory, "reservation", w, &reservation, &has_reservation, err)) < 0 ||
      (r = cgc_spec_i64(memory, "swap", w, &swap, &has_swap, err)) < 0)
    return r;
  uint64_t value = 0;
  if (limit != 0) {
    if ((r = limit_value(limit, w, "limit", &value, err)) < 0)
      return r;
    ADD(props_add_u64(out, facts->unified ? "MemoryMax" : "MemoryLimit", value));
  }
  if (!facts->unified)
    return 0;
  if (reservation != 0) {
    if ((r = limit_value(reservation, w, "reservation", &value, err)) < 0)
      return r;
    ADD(props_add_u64(out, "MemoryLow", value));
  }
  bool set = false;
  int64_t swap_max = 0;
  const char *why = NULL;
  if (fs2_swap_max(swap, limit, &set, &swap_max, &why) < 0)
    return cg_error(err, EINVAL, "%s.swap: %s", w, why);
  if (set)
    ADD(props_add_u64(out, "MemorySwapMax", swap_max < 0 ? UINT64_MAX : (uint64_t)swap_max));
  return 0;
}

/* runc's addCpuQuota: systemd keeps the quota per second of CPU time, in whole percents, so a
 * fraction of a percent is rounded up to the next 10 ms per second (a child cgroup may then
 * still set the quota it expects). A quota of 0 or none leaves the quota as it is. */
static int cpu_quota_properties(int64_t quota, uint64_t period, const struct host_facts *facts,
                                struct unit_properties *out, struct berth_error *err) {
  if (period != 0 && systemd_at_least(facts, 242))
    ADD(props_add_u64(out, "CPUQuotaPeriodUSec", period));
  if (quota == 0)
    return 0;
  uint64_t per_sec = USEC_INFINITY;
  if (quota > 0) {
    if (period == 0)
      period = facts->cpu_period != 0 ? facts->cpu_period : DEFAULT_CPU_PERIOD_US;
    if ((uint64_t)quota > UINT64_MAX / 1000000)
      return cg_error(err, ERANGE, "linux.resources.cpu.quota: %" PRId64 " is too large", quota);
    per_sec = (uint64_t)quota * 1000000 / period;
    if (per_sec % 10000 != 0)
      per_sec = (per_sec / 10000 + 1) * 10000;
  }
  ADD(props_add_u64(out, "CPUQuotaPerSecUSec", per_sec));
  return 0;
}

static int cpuset_property(struct unit_properties *out, const char *name, const char *where,
                           const char *list, const struct host_facts *facts,
                           struct berth_error *err) {
  if (list == NULL || list[0] == '\0')
    return 0;
  if (!systemd_at_least(facts, 244)) {
    log_debug("cgroup-systemd: systemd %u has no %s; the cpuset files still get %s",
              facts->systemd_version, name, list);
    return 0;
  }
  size_t n = 0;
  const char *why = NULL;
  _cleanup_free_ uint8_t *bits = cpuset_bits(list, &n, &why);
  if (bits == NULL)
    return cg_error(err, why != NULL ? EINVAL : ENOMEM, "%s: \"%s\": %s", where, list,
                    why != NULL ? why : "out of memory");
  struct dbus_value v;
  ADD(value_container(&v, "ay"));
  for (size_t i = 0; i < n; i++) {
    struct dbus_value *byte = value_push(&v);
    if (byte == NULL || !value_basic(byte, 'y', bits[i])) {
      value_clear(&v);
      return cg_error(err, ENOMEM, "unit properties");
    }
  }
  ADD(props_add(out, name, &v));
  return 0;
}

static int cpu_properties(json_object *cpu, const struct host_facts *facts,
                          struct unit_properties *out, struct berth_error *err) {
  const char *w = "linux.resources.cpu";
  uint64_t shares = 0, period = 0;
  int64_t quota = 0;
  bool has_shares, has_period, has_quota;
  const char *cpus = NULL, *mems = NULL;
  int r;
  if ((r = cgc_spec_u64(cpu, "shares", w, &shares, &has_shares, err)) < 0 ||
      (r = cgc_spec_i64(cpu, "quota", w, &quota, &has_quota, err)) < 0 ||
      (r = cgc_spec_u64(cpu, "period", w, &period, &has_period, err)) < 0 ||
      (r = cgc_spec_str(cpu, "cpus", w, &cpus, err)) < 0 ||
      (r = cgc_spec_str(cpu, "mems", w, &mems, err)) < 0)
    return r;
  if (shares != 0 && facts->unified)
    ADD(props_add_u64(out, "CPUWeight", fs2_cpu_shares_to_weight(shares)));
  else if (shares != 0)
    ADD(props_add_u64(out, "CPUShares", shares));
  if ((r = cpu_quota_properties(quota, period, facts, out, err)) < 0)
    return r;
  if ((r = cpuset_property(out, "AllowedCPUs", "linux.resources.cpu.cpus", cpus, facts, err)) < 0)
    return r;
  return cpuset_property(out, "AllowedMemoryNodes", "linux.resources.cpu.mems", mems, facts, err);
}

static int pids_properties(json_object *pids, struct unit_properties *out,
                           struct berth_error *err) {
  int64_t limit = 0;
  bool set = false;
  int r = cgc_spec_i64(pids, "limit", "linux.resources.pids", &limit, &set, err);
  if (r < 0 || !set)
    return r;
  /* 0 and below: no limit, as the cgroup-v1 and cgroup-v2 plugins write "max". */
  ADD(props_add_u64(out, "TasksMax", limit > 0 ? (uint64_t)limit : UINT64_MAX));
  return 0;
}

static int blkio_properties(json_object *blkio, const struct host_facts *facts,
                            struct unit_properties *out, struct berth_error *err) {
  uint64_t weight = 0;
  bool set = false;
  int r = cgc_spec_u64(blkio, "weight", "linux.resources.blockIO", &weight, &set, err);
  if (r < 0 || weight == 0)
    return r;
  if (facts->unified)
    ADD(props_add_u64(out, "IOWeight", fs2_blkio_weight_to_io_weight(weight)));
  else
    ADD(props_add_u64(out, "BlockIOWeight", weight));
  return 0;
}

/* "max" or a number, as the cgroup v2 files take them. */
static int file_number(const char *key, const char *v, uint64_t *out, struct berth_error *err) {
  if (strcmp(v, "max") == 0) {
    *out = UINT64_MAX;
    return 0;
  }
  char *end = NULL;
  errno = 0;
  unsigned long long n = strtoull(v, &end, 10);
  if (v[0] == '-' || end == v || *end != '\0' || errno == ERANGE)
    return cg_error(err, EINVAL, "linux.resources.unified.%s: \"%s\" is not a number", key, v);
  *out = n;
  return 0;
}

/* "QUOTA [PERIOD]", QUOTA a number or "max"; runc's default period when there is none. */
static int unified_cpu_max(const char *v, const struct host_facts *facts,
                           struct unit_properties *out, struct berth_error *err) {
  char quota_text[32], period_text[32], extra[2];
  int n = sscanf(v, "%31s %31s %1s", quota_text, period_text, extra);
  int64_t quota = -1; /* "max" */
  uint64_t period = DEFAULT_CPU_PERIOD_US;
  char *end = NULL;
  bool ok = n == 1 || n == 2;
  if (ok && strcmp(quota_text, "max") != 0) {
    long long q = strtoll(quota_text, &end, 10);
    ok = *end == '\0' && q > 0;
    quota = q;
  }
  if (ok && n == 2) {
    unsigned long long p = strtoull(period_text, &end, 10);
    ok = *end == '\0' && p > 0 && period_text[0] != '-';
    period = p;
  }
  if (!ok)
    return cg_error(err, EINVAL,
                    "linux.resources.unified.cpu.max: \"%s\" is not \"QUOTA [PERIOD]\"", v);
  return cpu_quota_properties(quota, period, facts, out, err);
}

/* runc's unifiedResToSystemdProps: the files systemd has a property for. */
static int unified_property(const char *key, const char *v, json_object *unified,
                            const struct host_facts *facts, struct unit_properties *out,
                            struct berth_error *err) {
  static const struct {
    const char *file, *property;
  } memory[] = {{"memory.high", "MemoryHigh"},        {"memory.low", "MemoryLow"},
                {"memory.min", "MemoryMin"},          {"memory.max", "MemoryMax"},
                {"memory.swap.max", "MemorySwapMax"}, {"pids.max", "TasksMax"}};
  uint64_t n;
  int r;
  for (size_t i = 0; i < sizeof(memory) / sizeof(memory[0]); i++) {
    if (strcmp(key, memory[i].file) != 0)
      continue;
    if ((r = file_number(key, v, &n, err)) < 0)
      return r;
    ADD(props_add_u64(out, memory[i].property, n));
    return 0;
  }
  if (strcmp(key, "cpu.max") == 0)
    return unified_cpu_max(v, facts, out, err);
  if (strcmp(key, "cpu.weight") == 0) {
    /* cpu.idle=1 makes the weight meaningless; systemd would fight it. */
    json_object *idle = json_get(unified, "cpu.idle");
    if (idle != NULL && strcmp(json_object_get_string(idle), "0") != 0)
      return 0;
    if ((r = file_number(key, v, &n, err)) < 0)
      return r;
    ADD(props_add_u64(out, "CPUWeight", n));
    return 0;
  }
  if (strcmp(key, "cpuset.cpus") == 0 || strcmp(key, "cpuset.mems") == 0)
    return cpuset_property(out, key[7] == 'c' ? "AllowedCPUs" : "AllowedMemoryNodes",
                           "linux.resources.unified", v, facts, err);
  log_debug("cgroup-systemd: no unit property for %s; only the file gets it", key);
  return 0;
}

static int unified_properties(json_object *unified, const struct host_facts *facts,
                              struct unit_properties *out, struct berth_error *err) {
  json_object_object_foreach(unified, key, value) {
    if (strchr(key, '/') != NULL || strchr(key, '.') == NULL || key[0] == '.')
      return cg_error(err, EINVAL,
                      "linux.resources.unified.%s: not a CONTROLLER.PARAMETER file name", key);
    if (!json_object_is_type(value, json_type_string))
      return cg_error(err, EINVAL, "linux.resources.unified.%s: expected a string", key);
    /* The kernel forgives spaces around a value; so do we. */
    char v[256];
    const char *text = json_object_get_string(value);
    text += strspn(text, " \t\n");
    snprintf(v, sizeof(v), "%s", text);
    for (size_t n = strlen(v); n > 0 && strchr(" \t\n", v[n - 1]) != NULL; n--)
      v[n - 1] = '\0';
    int r = unified_property(key, v, unified, facts, out, err);
    if (r < 0)
      return r;
  }
  return 0;
}

int resources_properties(json_object *resources, const struct host_facts *facts,
                         struct unit_properties *out, struct berth_error *err) {
  const char *w = "linux.resources";
  json_object *devices, *memory, *cpu, *pids, *blkio, *unified;
  int r;
  if ((r = cgc_spec_array(resources, "devices", w, &devices, err)) < 0 ||
      (r = cgc_spec_object(resources, "memory", w, &memory, err)) < 0 ||
      (r = cgc_spec_object(resources, "cpu", w, &cpu, err)) < 0 ||
      (r = cgc_spec_object(resources, "pids", w, &pids, err)) < 0 ||
      (r = cgc_spec_object(resources, "blockIO", w, &blkio, err)) < 0 ||
      (r = cgc_spec_object(resources, "unified", w, &unified, err)) < 0)
    return r;
  if ((r = device_properties(devices, facts, out, err)) < 0 ||
      (r = memory_properties(memory, facts, out, err)) < 0 ||
      (r = cpu_properties(cpu, facts, out, err)) < 0 || (r = pids_properties(pids, out, err)) < 0 ||
      (r = blkio_properties(blkio, facts, out, err)) < 0)
    return r;
  if (unified != NULL && !facts->unified)
    return cg_error(err, EINVAL, "linux.resources.unified needs a cgroup v2 host");
  return unified != NULL ? unified_properties(unified, facts, out, err) : 0;
}

uint8_t *cpuset_bits(const char *list, size_t *n, const char **why) {
  /* Enough for 8192 CPUs or memory nodes; more is a typo rather than a machine. */
  enum { MAX_BIT = 8192 };
  uint8_t bits[MAX_BIT / 8] = {0};
  size_t used = 0;
  *why = NULL;
  const char *p = list;
  while (*p != '\0') {
    p += strspn(p, " \t");
    if (*p == ',') { /* runc allows empty elements */
      p++;
      continue;
    }
    char *end = NULL;
    errno = 0;
    unsigned long start = strtoul(p, &end, 10), stop;
    if (end == p || *p == '-' || errno != 0) {
      *why = "not a list of numbers and ranges";
      return NULL;
    }
    stop = start;
    p = end;
    if (*p == '-') {
      const char *from = ++p;
      stop = strtoul(from, &end, 10);
      if (end == from || *from == '-' || errno != 0) {
        *why = "not a list of numbers and ranges";
        return NULL;
      }
      p = end;
    }
    p += strspn(p, " \t");
    if (*p != ',' && *p != '\0') {
      *why = "not a list of numbers and ranges";
      return NULL;
    }
    if (start > stop) {
      *why = "a range that ends before it starts";
      return NULL;
    }
    if (stop >= MAX_BIT) {
      *why = "a CPU or node number above 8191";
      return NULL;
    }
    for (unsigned long i = start; i <= stop; i++)
      bits[i / 8] |= (uint8_t)(1u << (i % 8));
    if (stop / 8 + 1 > used)
      used = stop / 8 + 1;
  }
  if (used == 0) {
    *why = "an empty list";
    return NULL;
  }
  uint8_t *out = malloc(used);
  if (out != NULL)
    memcpy(out, bits, used);
  *n = used;
  return out;
}
