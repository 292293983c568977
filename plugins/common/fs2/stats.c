/* SPDX-License-Identifier: Apache-2.0 */
/* stats: the "data" object of runc's `events --stats` (types.Stats) from the cgroup v2
 * files, as runc's fs2 GetStats fills it, plus "memory_events" (memory.events verbatim:
 * oom, oom_kill ...), from which the core reports OOM events. A file that is missing (its
 * controller is not enabled) leaves its part empty; other read errors are errors. */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fs2.h"
#include "helpers.h"

static void put(json_object *o, const char *key, json_object *v) {
  json_object_object_add(o, key, v);
}
static void put_u64(json_object *o, const char *key, uint64_t v) {
  put(o, key, json_object_new_uint64(v));
}

static int read_optional(const struct fs2_cgroup *cg, const char *name, char **out,
                         struct berth_error *err) {
  *out = NULL;
  int r = cgc_read_at(cg->fd, name, out);
  if (r == -ENOENT || r == -EOPNOTSUPP)
    return 0;
  if (r < 0)
    return cg_error(err, -r, "read %s in %s", name, cg->path);
  return 0;
}

/* "max" reads as UINT64_MAX, as runc's GetCgroupParamUint. */
static uint64_t parse_u64(const char *s) {
  while (*s == ' ' || *s == '\t')
    s++;
  if (strncmp(s, "max", 3) == 0)
    return UINT64_MAX;
  return strtoull(s, NULL, 10);
}

/* A single-value file; *present false when it is missing. */
static int read_u64(const struct fs2_cgroup *cg, const char *name, uint64_t *out, bool *present,
                    struct berth_error *err) {
  _cleanup_free_ char *buf = NULL;
  int r = read_optional(cg, name, &buf, err);
  *out = buf != NULL ? parse_u64(buf) : 0;
  if (present != NULL)
    *present = buf != NULL;
  return r;
}

/* "key value" lines (cpu.stat, memory.stat, memory.events) into an object of numbers;
 * NULL when the file is missing. */
static int read_key_values(const struct fs2_cgroup *cg, const char *name, json_object **out,
                           struct berth_error *err) {
  _cleanup_free_ char *buf = NULL;
  *out = NULL;
  int r = read_optional(cg, name, &buf, err);
  if (r < 0 || buf == NULL)
    return r;
  *out = json_object_new_object();
  char *save = NULL;
  for (char *line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
    char *space = strchr(line, ' ');
    if (space == NULL)
      continue;
    *space = '\0';
    put_u64(*out, line, parse_u64(space + 1));
  }
  return 0;
}

static uint64_t get_u64(json_object *o, const char *key) {
  json_object *v = json_get(o, key);
  return v != NULL ? json_object_get_uint64(v) : 0;
}

/* cpu.pressure & co: "some avg10=0.00 avg60=0.00 avg300=0.00 total=0", then "full ...". */
static int add_psi(const struct fs2_cgroup *cg, const char *name, json_object *parent,
                   struct berth_error *err) {
  _cleanup_free_ char *buf = NULL;
  int r = read_optional(cg, name, &buf, err);
  if (r < 0 || buf == NULL)
    return r;
  json_object *psi = json_object_new_object();
  put(parent, "psi", psi);
  char *save = NULL;
  for (char *line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
    char kind[8];
    double avg10, avg60, avg300;
    uint64_t total;
    if (sscanf(line, "%7s avg10=%lf avg60=%lf avg300=%lf total=%" SCNu64, kind, &avg10, &avg60,
               &avg300, &total) != 5)
      continue;
    json_object *data = json_object_new_object();
    put(data, "avg10", json_object_new_double(avg10));
    put(data, "avg60", json_object_new_double(avg60));
    put(data, "avg300", json_object_new_double(avg300));
    put_u64(data, "total", total);
    put(psi, kind, data);
  }
  return 0;
}

/* cpu.stat counts microseconds; runc reports nanoseconds. */
static int add_cpu(const struct fs2_cgroup *cg, json_object *root, struct berth_error *err) {
  json_object *cpu = json_object_new_object(), *usage = json_object_new_object();
  json_object *throttling = json_object_new_object();
  put(root, "cpu", cpu);
  put(cpu, "usage", usage);
  put(cpu, "throttling", throttling);
  _cleanup_json_ json_object *kv = NULL;
  int r = read_key_values(cg, "cpu.stat", &kv, err);
  if (r < 0)
    return r;
  put_u64(usage, "total", get_u64(kv, "usage_usec") * 1000);
  put(usage, "percpu", json_object_new_array()); /* no per-CPU accounting in v2 */
  put_u64(usage, "kernel", get_u64(kv, "system_usec") * 1000);
  put_u64(usage, "user", get_u64(kv, "user_usec") * 1000);
  put_u64(throttling, "periods", get_u64(kv, "nr_periods"));
  put_u64(throttling, "throttledPeriods", get_u64(kv, "nr_throttled"));
  put_u64(throttling, "throttledTime", get_u64(kv, "throttled_usec") * 1000);
  return add_psi(cg, "cpu.pressure", cpu, err);
}

/* "0-3,8" -> [0,1,2,3,8] */
static json_object *cpu_list(const char *text) {
  json_object *a = json_object_new_array();
  for (const char *p = text; p != NULL && *p != '\0' && *p != '\n';) {
    char *end;
    unsigned long lo = strtoul(p, &end, 10), hi = lo;
    if (end == p)
      break;
    if (*end == '-')
      hi = strtoul(end + 1, &end, 10);
    for (unsigned long i = lo; i <= hi && i < 65536; i++)
      json_object_array_add(a, json_object_new_uint64(i));
    p = *end == ',' ? end + 1 : NULL;
  }
  return a;
}

static int add_cpuset(const struct fs2_cgroup *cg, json_object *root, struct berth_error *err) {
  json_object *cpuset = json_object_new_object();
  put(root, "cpuset", cpuset);
  _cleanup_free_ char *cpus = NULL, *mems = NULL;
  int r;
  if ((r = read_optional(cg, "cpuset.cpus.effective", &cpus, err)) < 0 ||
      (r = read_optional(cg, "cpuset.mems.effective", &mems, err)) < 0)
    return r;
  if (cpus != NULL)
    put(cpuset, "cpus", cpu_list(cpus));
  if (mems != NULL)
    put(cpuset, "mems", cpu_list(mems));
  return 0;
}

static json_object *memory_entry(uint64_t usage, uint64_t limit, uint64_t max, uint64_t failcnt) {
  json_object *e = json_object_new_object();
  put_u64(e, "usage", usage);
  put_u64(e, "limit", limit);
  put_u64(e, "max", max);
  put_u64(e, "failcnt", failcnt);
  return e;
}

/* usage from memory.current/max/peak; swap as v1 reported it, memory+swap combined. */
static int add_memory(const struct fs2_cgroup *cg, json_object *root, struct berth_error *err) {
  json_object *memory = json_object_new_object();
  put(root, "memory", memory);
  json_object *events = NULL, *raw = NULL;
  int r = read_key_values(cg, "memory.events", &events, err);
  put(root, "memory_events", events != NULL ? events : json_object_new_object());
  if (r < 0 || (r = read_key_values(cg, "memory.stat", &raw, err)) < 0)
    return r;
  if (raw == NULL)
    return 0; /* no memory controller here */
  put(memory, "raw", raw);
  put_u64(memory, "cache", get_u64(raw, "file"));
  uint64_t usage = 0, limit = 0, peak = 0, swap = 0, swap_limit = 0;
  bool has_swap = false;
  if ((r = read_u64(cg, "memory.current", &usage, NULL, err)) < 0 ||
      (r = read_u64(cg, "memory.max", &limit, NULL, err)) < 0 ||
      (r = read_u64(cg, "memory.peak", &peak, NULL, err)) < 0 ||
      (r = read_u64(cg, "memory.swap.current", &swap, &has_swap, err)) < 0 ||
      (r = read_u64(cg, "memory.swap.max", &swap_limit, NULL, err)) < 0)
    return r;
  put(memory, "usage", memory_entry(usage, limit, peak, get_u64(events, "max")));
  if (has_swap && swap_limit != UINT64_MAX && limit != UINT64_MAX)
    swap_limit += limit;
  else if (has_swap)
    swap_limit = UINT64_MAX;
  put(memory, "swap", memory_entry(has_swap ? swap + usage : 0, swap_limit, 0, 0));
  put(memory, "kernel", memory_entry(0, 0, 0, 0));
  put(memory, "kernelTCP", memory_entry(0, 0, 0, 0));
  return add_psi(cg, "memory.pressure", memory, err);
}

/* pids.current/max; without the pids controller, the processes listed in cgroup.procs. */
static int add_pids(const struct fs2_cgroup *cg, json_object *root, struct berth_error *err) {
  json_object *pids = json_object_new_object();
  put(root, "pids", pids);
  uint64_t current = 0, limit = 0;
  bool present = false;
  int r;
  if ((r = read_u64(cg, "pids.current", &current, &present, err)) < 0 ||
      (r = read_u64(cg, "pids.max", &limit, NULL, err)) < 0)
    return r;
  if (!present) {
    _cleanup_free_ char *procs = NULL;
    if ((r = read_optional(cg, "cgroup.procs", &procs, err)) < 0)
      return r;
    for (const char *p = procs; p != NULL && (p = strchr(p, '\n')) != NULL; p++)
      current++;
  }
  put_u64(pids, "current", current);
  put_u64(pids, "limit", limit == UINT64_MAX ? 0 : limit); /* runc: 0 is "no limit" */
  return 0;
}

static void add_blkio_entry(json_object *blkio, const char *table, unsigned major, unsigned minor,
                            const char *op, uint64_t value) {
  json_object *list = json_get(blkio, table);
  if (list == NULL) {
    list = json_object_new_array();
    put(blkio, table, list);
  }
  json_object *e = json_object_new_object();
  put_u64(e, "major", major);
  put_u64(e, "minor", minor);
  put(e, "op", json_object_new_string(op));
  put_u64(e, "value", value);
  json_object_array_add(list, e);
}

/* io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device, mapped to
 * v1's tables as runc does. */
static int add_blkio(const struct fs2_cgroup *cg, json_object *root, struct berth_error *err) {
  static const char *const map[][3] = {
      {"rbytes", "ioServiceBytesRecursive", "Read"},
      {"wbytes", "ioServiceBytesRecursive", "Write"},
      {"rios", "ioServicedRecursive", "Read"},
      {"wios", "ioServicedRecursive", "Write"},
  };
  json_object *blkio = json_object_new_object();
  put(root, "blkio", blkio);
  _cleanup_free_ char *buf = NULL;
  int r = read_optional(cg, "io.stat", &buf, err);
  char *save = NULL;
  for (char *line = buf != NULL ? strtok_r(buf, "\n", &save) : NULL; r == 0 && line != NULL;
       line = strtok_r(NULL, "\n", &save)) {
    unsigned major, minor;
    int used = 0;
    if (sscanf(line, "%u:%u %n", &major, &minor, &used) != 2 || used == 0)
      continue;
    char *inner = NULL;
    for (char *item = strtok_r(line + used, " ", &inner); item != NULL;
         item = strtok_r(NULL, " ", &inner)) {
      char *eq = strchr(item, '=');
      if (eq == NULL)
        continue;
      *eq = '\0';
      for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(item, map[i][0]) == 0)
          add_blkio_entry(blkio, map[i][1], major, minor, map[i][2], parse_u64(eq + 1));
    }
  }
  return r < 0 ? r : add_psi(cg, "io.pressure", blkio, err);
}

/* One entry per page size that has hugetlb.<size>.current; the reservation counter is
 * preferred where the kernel has it, as runc. */
static int add_hugetlb_size(const struct fs2_cgroup *cg, json_object *hugetlb, const char *size,
                            struct berth_error *err) {
  char name[96];
  uint64_t usage = 0, failcnt = 0;
  bool present = false;
  snprintf(name, sizeof(name), "hugetlb.%s.rsvd.current", size);
  int r = read_u64(cg, name, &usage, &present, err);
  if (r == 0 && !present) {
    snprintf(name, sizeof(name), "hugetlb.%s.current", size);
    r = read_u64(cg, name, &usage, NULL, err);
  }
  if (r < 0)
    return r;
  snprintf(name, sizeof(name), "hugetlb.%s.events", size);
  r = fs2_read_key_at(cg->fd, name, "max", &failcnt);
  if (r < 0 && r != -ENOENT)
    return cg_error(err, -r, "read %s in %s", name, cg->path);
  json_object *entry = json_object_new_object();
  put_u64(entry, "usage", usage);
  put_u64(entry, "failcnt", failcnt);
  put(hugetlb, size, entry);
  return 0;
}

static int add_hugetlb(const struct fs2_cgroup *cg, json_object *root, struct berth_error *err) {
  json_object *hugetlb = json_object_new_object();
  put(root, "hugetlb", hugetlb);
  int fd = openat(cg->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  _cleanup_closedir_ DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
  if (dir == NULL) {
    int saved = errno;
    if (fd >= 0)
      close(fd);
    return cg_error(err, saved, "list %s", cg->path);
  }
  struct dirent *e;
  const char *tail = ".current";
  while ((e = readdir(dir)) != NULL) {
    size_t len = strlen(e->d_name), tlen = strlen(tail);
    if (strncmp(e->d_name, "hugetlb.", 8) != 0 || len <= 8 + tlen ||
        strcmp(e->d_name + len - tlen, tail) != 0 || strstr(e->d_name, ".rsvd.") != NULL ||
        len - 8 - tlen >= 32)
      continue;
    char size[32];
    snprintf(size, sizeof(size), "%.*s", (int)(len - 8 - tlen), e->d_name + 8);
    int r = add_hugetlb_size(cg, hugetlb, size, err);
    if (r < 0)
      return r;
  }
  return 0;
}

int32_t fs2_stats(struct fs2_cgroup *cg, char **stats_json, struct berth_error *err) {
  int r = fs2_need_fd(cg, "read statistics", err);
  if (r < 0)
    return r;
  _cleanup_json_ json_object *root = json_object_new_object();
  if (root == NULL)
    return cg_error(err, ENOMEM, "cgroup stats");
  if ((r = add_cpu(cg, root, err)) < 0 || (r = add_cpuset(cg, root, err)) < 0 ||
      (r = add_memory(cg, root, err)) < 0 || (r = add_pids(cg, root, err)) < 0 ||
      (r = add_blkio(cg, root, err)) < 0 || (r = add_hugetlb(cg, root, err)) < 0)
    return r;
  const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
  *stats_json = text != NULL ? strdup(text) : NULL;
  if (*stats_json == NULL)
    return cg_error(err, ENOMEM, "cgroup stats");
  return 0;
}
