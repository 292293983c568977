/* SPDX-License-Identifier: Apache-2.0 */
/* stats: the "data" object of runc's `events --stats` (types.Stats), from the v1 files. */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>

#include "fs1.h"
#include "helpers.h"

/* cpuacct.stat counts USER_HZ ticks, which Linux fixes at 100. */
#define NSEC_PER_TICK (1000000000ull / 100)

static void put(json_object *o, const char *key, json_object *v) {
  json_object_object_add(o, key, v);
}
static void put_u64(json_object *o, const char *key, uint64_t v) {
  put(o, key, json_object_new_uint64(v));
}

/* A missing file reads as "not there" (0 with *missing); other errors are errors. */
static int read_optional(const struct cgroup_dir *d, const char *name, char **out,
                         struct berth_error *err) {
  *out = NULL;
  int r = cgc_read_at(d->fd, name, out);
  if (r == -ENOENT)
    return 0;
  if (r < 0)
    return cg_error(err, -r, "read %s in %s", name, d->path);
  return 0;
}

static uint64_t parse_u64(const char *s) {
  if (s == NULL)
    return 0;
  while (*s == ' ' || *s == '\t')
    s++;
  if (strncmp(s, "max", 3) == 0)
    return UINT64_MAX;
  return strtoull(s, NULL, 10);
}

static int read_u64(const struct cgroup_dir *d, const char *name, uint64_t *out,
                    struct berth_error *err) {
  _cleanup_free_ char *buf = NULL;
  int r = read_optional(d, name, &buf, err);
  *out = parse_u64(buf);
  return r;
}

/* "key value" lines (cpu.stat, memory.stat) into an object of numbers. */
static int read_key_values(const struct cgroup_dir *d, const char *name, json_object *out,
                           struct berth_error *err) {
  _cleanup_free_ char *buf = NULL;
  int r = read_optional(d, name, &buf, err);
  char *save = NULL;
  for (char *line = buf != NULL ? strtok_r(buf, "\n", &save) : NULL; line != NULL;
       line = strtok_r(NULL, "\n", &save)) {
    char *space = strchr(line, ' ');
    if (space == NULL)
      continue;
    *space = '\0';
    put_u64(out, line, parse_u64(space + 1));
  }
  return r;
}

static json_object *u64_list(char *text) {
  json_object *a = json_object_new_array();
  char *save = NULL;
  for (char *t = text != NULL ? strtok_r(text, " \n", &save) : NULL; t != NULL;
       t = strtok_r(NULL, " \n", &save))
    json_object_array_add(a, json_object_new_uint64(parse_u64(t)));
  return a;
}

static int add_cpu(struct fs1_cgroup *cg, json_object *root, struct berth_error *err) {
  json_object *cpu = json_object_new_object(), *usage = json_object_new_object();
  json_object *throttling = json_object_new_object();
  put(root, "cpu", cpu);
  put(cpu, "usage", usage);
  put(cpu, "throttling", throttling);
  struct cgroup_dir *acct = fs1_find_dir(cg, "cpuacct");
  if (acct != NULL && acct->fd >= 0) {
    uint64_t total = 0;
    _cleanup_free_ char *percpu = NULL, *stat = NULL, *all = NULL;
    int r;
    if ((r = read_u64(acct, "cpuacct.usage", &total, err)) < 0 ||
        (r = read_optional(acct, "cpuacct.usage_percpu", &percpu, err)) < 0 ||
        (r = read_optional(acct, "cpuacct.stat", &stat, err)) < 0 ||
        (r = read_optional(acct, "cpuacct.usage_all", &all, err)) < 0)
      return r;
    put_u64(usage, "total", total);
    put(usage, "percpu", u64_list(percpu));
    /* usage_all: a "cpu user system" header, then one line per CPU. */
    json_object *kernel = json_object_new_array(), *user = json_object_new_array();
    char *save = NULL;
    for (char *line = all != NULL ? strtok_r(all, "\n", &save) : NULL; line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
      uint64_t n, u, s;
      if (sscanf(line, "%" SCNu64 " %" SCNu64 " %" SCNu64, &n, &u, &s) == 3) {
        json_object_array_add(user, json_object_new_uint64(u));
        json_object_array_add(kernel, json_object_new_uint64(s));
      }
    }
    put(usage, "percpu_kernel", kernel);
    put(usage, "percpu_user", user);
    uint64_t user_ticks = 0, system_ticks = 0;
    if (stat != NULL)
      sscanf(stat, "user %" SCNu64 " system %" SCNu64, &user_ticks, &system_ticks);
    put_u64(usage, "kernel", system_ticks * NSEC_PER_TICK);
    put_u64(usage, "user", user_ticks * NSEC_PER_TICK);
  }
  struct cgroup_dir *c = fs1_find_dir(cg, "cpu");
  if (c != NULL && c->fd >= 0) {
    _cleanup_json_ json_object *kv = json_object_new_object();
    int r = read_key_values(c, "cpu.stat", kv, err);
    if (r < 0)
      return r;
    json_object *v;
    put_u64(throttling, "periods",
            (v = json_get(kv, "nr_periods")) ? json_object_get_uint64(v) : 0);
    put_u64(throttling, "throttledPeriods",
            (v = json_get(kv, "nr_throttled")) ? json_object_get_uint64(v) : 0);
    put_u64(throttling, "throttledTime",
            (v = json_get(kv, "throttled_time")) ? json_object_get_uint64(v) : 0);
  }
  return 0;
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

static int add_cpuset(struct fs1_cgroup *cg, json_object *root, struct berth_error *err) {
  static const char *const flags[][2] = {
      {"cpu_exclusive", "cpuset.cpu_exclusive"},
      {"mem_hardwall", "cpuset.mem_hardwall"},
      {"mem_exclusive", "cpuset.mem_exclusive"},
      {"memory_migrate", "cpuset.memory_migrate"},
      {"memory_spread_page", "cpuset.memory_spread_page"},
      {"memory_spread_slab", "cpuset.memory_spread_slab"},
      {"memory_pressure", "cpuset.memory_pressure"},
      {"sched_load_balance", "cpuset.sched_load_balance"},
  };
  json_object *cpuset = json_object_new_object();
  put(root, "cpuset", cpuset);
  struct cgroup_dir *d = fs1_find_dir(cg, "cpuset");
  if (d == NULL || d->fd < 0)
    return 0;
  _cleanup_free_ char *cpus = NULL, *mems = NULL, *relax = NULL;
  int r;
  if ((r = read_optional(d, "cpuset.cpus", &cpus, err)) < 0 ||
      (r = read_optional(d, "cpuset.mems", &mems, err)) < 0 ||
      (r = read_optional(d, "cpuset.sched_relax_domain_level", &relax, err)) < 0)
    return r;
  put(cpuset, "cpus", cpu_list(cpus));
  put(cpuset, "mems", cpu_list(mems));
  for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
    uint64_t v = 0;
    if ((r = read_u64(d, flags[i][1], &v, err)) < 0)
      return r;
    put_u64(cpuset, flags[i][0], v);
  }
  put(cpuset, "sched_relax_domain_level",
      json_object_new_int64(relax != NULL ? strtoll(relax, NULL, 10) : 0));
  return 0;
}

/* memory.<module>.{usage,max_usage,limit}_in_bytes and failcnt; swap and kmem are optional. */
static int memory_entry(const struct cgroup_dir *d, const char *module, json_object **out,
                        struct berth_error *err) {
  static const char *const fields[][2] = {
      {"usage", "usage_in_bytes"},
      {"max", "max_usage_in_bytes"},
      {"failcnt", "failcnt"},
      {"limit", "limit_in_bytes"},
  };
  *out = json_object_new_object();
  for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
    char name[64];
    uint64_t v = 0;
    snprintf(name, sizeof(name), "%s.%s", module, fields[i][1]);
    int r = read_u64(d, name, &v, err);
    if (r < 0)
      return r;
    put_u64(*out, fields[i][0], v);
  }
  return 0;
}

static int add_memory(struct fs1_cgroup *cg, json_object *root, struct berth_error *err) {
  static const char *const entries[][2] = {
      {"usage", "memory"},
      {"swap", "memory.memsw"},
      {"kernel", "memory.kmem"},
      {"kernelTCP", "memory.kmem.tcp"},
  };
  json_object *memory = json_object_new_object();
  put(root, "memory", memory);
  struct cgroup_dir *d = fs1_find_dir(cg, "memory");
  if (d == NULL || d->fd < 0)
    return 0;
  json_object *raw = json_object_new_object(), *cache;
  put(memory, "raw", raw);
  int r = read_key_values(d, "memory.stat", raw, err);
  if (r < 0)
    return r;
  /* oom_kill counts the container's OOM kills (Linux 4.13+): `events` reports them. */
  json_object *events = json_object_new_object();
  put(root, "memory_events", events);
  r = read_key_values(d, "memory.oom_control", events, err);
  if (r < 0)
    return r;
  put_u64(memory, "cache", (cache = json_get(raw, "cache")) ? json_object_get_uint64(cache) : 0);
  for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
    json_object *entry = NULL;
    r = memory_entry(d, entries[i][1], &entry, err);
    put(memory, entries[i][0], entry);
    if (r < 0)
      return r;
  }
  return 0;
}

static int add_pids(struct fs1_cgroup *cg, json_object *root, struct berth_error *err) {
  json_object *pids = json_object_new_object();
  put(root, "pids", pids);
  struct cgroup_dir *d = fs1_find_dir(cg, "pids");
  if (d == NULL || d->fd < 0)
    return 0;
  uint64_t current = 0, limit = 0;
  int r;
  if ((r = read_u64(d, "pids.current", &current, err)) < 0 ||
      (r = read_u64(d, "pids.max", &limit, err)) < 0)
    return r;
  put_u64(pids, "current", current);
  put_u64(pids, "limit", limit == UINT64_MAX ? 0 : limit); /* runc: 0 is "no limit" */
  return 0;
}

/* Lines "8:0 Read 1282048" or "8:0 6792"; "Total N" lines are skipped. NULL when the file is
 * missing or holds no entry. */
static json_object *blkio_entries(char *text) {
  json_object *a = NULL;
  char *save = NULL;
  for (char *line = text != NULL ? strtok_r(text, "\n", &save) : NULL; line != NULL;
       line = strtok_r(NULL, "\n", &save)) {
    uint64_t major, minor, value;
    char op[32] = "";
    int n = sscanf(line, "%" SCNu64 ":%" SCNu64 " %31s %" SCNu64, &major, &minor, op, &value);
    if (n == 3) {
      value = strtoull(op, NULL, 10);
      op[0] = '\0';
    } else if (n != 4) {
      continue;
    }
    json_object *e = json_object_new_object();
    put_u64(e, "major", major);
    put_u64(e, "minor", minor);
    put(e, "op", json_object_new_string(op));
    put_u64(e, "value", value);
    if (a == NULL)
      a = json_object_new_array();
    json_object_array_add(a, e);
  }
  return a;
}

/* runc's preference: BFQ with debug stats, BFQ, CFQ, throttle recursive, throttle. The first
 * group whose first file has entries wins. */
static const char *const blkio_groups[][8][2] = {
    {{"sectorsRecursive", "blkio.bfq.sectors_recursive"},
     {"ioServiceTimeRecursive", "blkio.bfq.io_service_time_recursive"},
     {"ioWaitTimeRecursive", "blkio.bfq.io_wait_time_recursive"},
     {"ioMergedRecursive", "blkio.bfq.io_merged_recursive"},
     {"ioQueueRecursive", "blkio.bfq.io_queued_recursive"},
     {"ioTimeRecursive", "blkio.bfq.time_recursive"},
     {"ioServicedRecursive", "blkio.bfq.io_serviced_recursive"},
     {"ioServiceBytesRecursive", "blkio.bfq.io_service_bytes_recursive"}},
    {{"ioServicedRecursive", "blkio.bfq.io_serviced_recursive"},
     {"ioServiceBytesRecursive", "blkio.bfq.io_service_bytes_recursive"}},
    {{"sectorsRecursive", "blkio.sectors_recursive"},
     {"ioServiceTimeRecursive", "blkio.io_service_time_recursive"},
     {"ioWaitTimeRecursive", "blkio.io_wait_time_recursive"},
     {"ioMergedRecursive", "blkio.io_merged_recursive"},
     {"ioQueueRecursive", "blkio.io_queued_recursive"},
     {"ioTimeRecursive", "blkio.time_recursive"},
     {"ioServicedRecursive", "blkio.io_serviced_recursive"},
     {"ioServiceBytesRecursive", "blkio.io_service_bytes_recursive"}},
    {{"ioServicedRecursive", "blkio.throttle.io_serviced_recursive"},
     {"ioServiceBytesRecursive", "blkio.throttle.io_service_bytes_recursive"}},
    {{"ioServicedRecursive", "blkio.throttle.io_serviced"},
     {"ioServiceBytesRecursive", "blkio.throttle.io_service_bytes"}},
};

static int add_blkio(struct fs1_cgroup *cg, json_object *root, struct berth_error *err) {
  json_object *blkio = json_object_new_object();
  put(root, "blkio", blkio);
  struct cgroup_dir *d = fs1_find_dir(cg, "blkio");
  if (d == NULL || d->fd < 0)
    return 0;
  for (size_t g = 0; g < sizeof(blkio_groups) / sizeof(blkio_groups[0]); g++) {
    for (size_t i = 0; i < 8 && blkio_groups[g][i][0] != NULL; i++) {
      _cleanup_free_ char *text = NULL;
      int r = read_optional(d, blkio_groups[g][i][1], &text, err);
      if (r < 0)
        return r;
      json_object *entries = blkio_entries(text);
      if (entries == NULL && i == 0)
        break; /* try the next group */
      if (entries == NULL)
        return 0;
      put(blkio, blkio_groups[g][i][0], entries);
      if (i == 7 || blkio_groups[g][i + 1][0] == NULL)
        return 0;
    }
  }
  return 0;
}

/* One entry per page size that has a hugetlb.<size>.limit_in_bytes; the reservation
 * counters (.rsvd.) are preferred where the kernel has them, as runc. */
static int add_hugetlb(struct fs1_cgroup *cg, json_object *root, struct berth_error *err) {
  json_object *hugetlb = json_object_new_object();
  put(root, "hugetlb", hugetlb);
  struct cgroup_dir *d = fs1_find_dir(cg, "hugetlb");
  if (d == NULL || d->fd < 0)
    return 0;
  int fd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  _cleanup_closedir_ DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
  if (dir == NULL) {
    int saved = errno;
    if (fd >= 0)
      close(fd);
    return cg_error(err, saved, "list %s", d->path);
  }
  struct dirent *e;
  while ((e = readdir(dir)) != NULL) {
    char size[32], name[96];
    const char *tail = ".limit_in_bytes";
    size_t len = strlen(e->d_name);
    if (strncmp(e->d_name, "hugetlb.", 8) != 0 || len < 8 + strlen(tail) + 1 ||
        strcmp(e->d_name + len - strlen(tail), tail) != 0 || strstr(e->d_name, ".rsvd.") != NULL ||
        len - 8 - strlen(tail) >= sizeof(size))
      continue;
    snprintf(size, sizeof(size), "%.*s", (int)(len - 8 - strlen(tail)), e->d_name + 8);
    snprintf(name, sizeof(name), "hugetlb.%s.rsvd.usage_in_bytes", size);
    const char *prefix = cgc_exists_at(d->fd, name) ? ".rsvd" : "";
    uint64_t usage = 0, max = 0, failcnt = 0;
    int r;
    snprintf(name, sizeof(name), "hugetlb.%s%s.usage_in_bytes", size, prefix);
    if ((r = read_u64(d, name, &usage, err)) < 0)
      return r;
    snprintf(name, sizeof(name), "hugetlb.%s%s.max_usage_in_bytes", size, prefix);
    if ((r = read_u64(d, name, &max, err)) < 0)
      return r;
    snprintf(name, sizeof(name), "hugetlb.%s%s.failcnt", size, prefix);
    if ((r = read_u64(d, name, &failcnt, err)) < 0)
      return r;
    json_object *entry = json_object_new_object();
    put_u64(entry, "usage", usage);
    put_u64(entry, "max", max);
    put_u64(entry, "failcnt", failcnt);
    put(hugetlb, size, entry);
  }
  return 0;
}

int32_t fs1_stats(struct fs1_cgroup *cg, char **stats_json, struct berth_error *err) {
  _cleanup_json_ json_object *root = json_object_new_object();
  if (root == NULL)
    return cg_error(err, ENOMEM, "cgroup stats");
  int r;
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
