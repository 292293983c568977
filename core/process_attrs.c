/* SPDX-License-Identifier: Apache-2.0 */
#include "process_attrs.h"

#include <errno.h>
#include <linux/ioprio.h>
#include <linux/mempolicy.h>
#include <linux/sched.h>
#include <linux/sched/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "json_util.h"
#include "parse.h"
#include "util.h"

/* The uapi headers of older distributions (Linux 6.1's) end the modes at MPOL_PREFERRED_MANY;
 * MPOL_WEIGHTED_INTERLEAVE came with Linux 6.9, numbered after it. */
#define MODE_WEIGHTED_INTERLEAVE 6

struct name_value {
  const char *name;
  uint64_t value;
};

/* Every table is what the parser accepts and what `berth features` lists. SCHED_ISO is in the
 * spec's list but Linux reserves its number without implementing it: refused by name. */
static const struct name_value sched_policies[] = {{"SCHED_OTHER", SCHED_NORMAL},
                                                   {"SCHED_FIFO", SCHED_FIFO},
                                                   {"SCHED_RR", SCHED_RR},
                                                   {"SCHED_BATCH", SCHED_BATCH},
                                                   {"SCHED_IDLE", SCHED_IDLE},
                                                   {"SCHED_DEADLINE", SCHED_DEADLINE},
                                                   {NULL, 0}};
static const struct name_value sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK},
    {"SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM},
    {"SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN},
    {"SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY},
    {"SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS},
    {"SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX},
    {NULL, 0}};
static const struct name_value io_classes[] = {{"IOPRIO_CLASS_RT", IOPRIO_CLASS_RT},
                                               {"IOPRIO_CLASS_BE", IOPRIO_CLASS_BE},
                                               {"IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE},
                                               {NULL, 0}};
static const struct name_value personality_domains[] = {
    {"LINUX", PER_LINUX}, {"LINUX32", PER_LINUX32}, {NULL, 0}};
/* The runtime spec defines no personality flag ("currently no flag values are supported"). */
static const struct name_value personality_flags[] = {{NULL, 0}};
static const struct name_value memory_modes[] = {
    {"MPOL_DEFAULT", MPOL_DEFAULT},       {"MPOL_BIND", MPOL_BIND},
    {"MPOL_INTERLEAVE", MPOL_INTERLEAVE}, {"MPOL_WEIGHTED_INTERLEAVE", MODE_WEIGHTED_INTERLEAVE},
    {"MPOL_PREFERRED", MPOL_PREFERRED},   {"MPOL_PREFERRED_MANY", MPOL_PREFERRED_MANY},
    {"MPOL_LOCAL", MPOL_LOCAL},           {NULL, 0}};
static const struct name_value memory_flags[] = {{"MPOL_F_NUMA_BALANCING", MPOL_F_NUMA_BALANCING},
                                                 {"MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES},
                                                 {"MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES},
                                                 {NULL, 0}};

static const struct name_value *lookup(const struct name_value *table, const char *name) {
  for (; table->name != NULL; table++)
    if (strcmp(table->name, name) == 0)
      return table;
  return NULL;
}

/* "A|B" of the table's names for the bits of FLAGS. */
static void flag_names(const struct name_value *table, uint64_t flags, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (; table->name != NULL && used < size; table++)
    if (flags & table->value)
      used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? "|" : "", table->name);
}

/* *out: member KEY of O, an object, or NULL when absent (or null). */
static int get_object(json_object *o, const char *key, const char *path, json_object **out,
                      struct berth_error *err) {
  json_object *v = json_get(o, key);
  *out = NULL;
  if (v == NULL || json_object_is_type(v, json_type_null))
    return 0;
  if (!json_object_is_type(v, json_type_object))
    return berth_error(err, 0, "%s: must be an object", path);
  *out = v;
  return 0;
}

/* Member KEY of O, a string naming an entry of TABLE: required, one of the names. */
static int get_name(json_object *o, const char *key, const char *path,
                    const struct name_value *table, const char *what, const struct name_value **out,
                    struct berth_error *err) {
  json_object *v = json_get(o, key);
  if (v == NULL || json_object_is_type(v, json_type_null))
    return berth_error(err, 0, "%s.%s: required", path, key);
  if (!json_object_is_type(v, json_type_string))
    return berth_error(err, 0, "%s.%s: must be a string", path, key);
  *out = lookup(table, json_object_get_string(v));
  if (*out == NULL)
    return berth_error(err, 0, "%s.%s: unknown %s %s", path, key, what, json_object_get_string(v));
  return 0;
}

/* Member KEY of O: an array of names of TABLE, ORed into *flags. */
static int get_flags(json_object *o, const char *key, const char *path,
                     const struct name_value *table, uint64_t *flags, struct berth_error *err) {
  json_object *list = json_get(o, key);
  *flags = 0;
  if (list == NULL || json_object_is_type(list, json_type_null))
    return 0;
  if (!json_object_is_type(list, json_type_array))
    return berth_error(err, 0, "%s.%s: must be an array of strings", path, key);
  for (size_t i = 0; i < json_object_array_length(list); i++) {
    json_object *v = json_object_array_get_idx(list, i);
    if (!json_object_is_type(v, json_type_string))
      return berth_error(err, 0, "%s.%s[%zu]: must be a string", path, key, i);
    const struct name_value *flag = lookup(table, json_object_get_string(v));
    if (flag == NULL && table->name == NULL)
      return berth_error(err, 0,
                         "%s.%s[%zu]: %s is not supported (the runtime spec defines no flag)", path,
                         key, i, json_object_get_string(v));
    if (flag == NULL)
      return berth_error(err, 0, "%s.%s[%zu]: unknown flag %s", path, key, i,
                         json_object_get_string(v));
    *flags |= flag->value;
  }
  return 0;
}

/* A present member KEY of O, for the rules that refuse it. */
static bool given_nonzero(json_object *o, const char *key) {
  return json_get_int(o, key, 0) != 0;
}

/* nice: the fair policies' weight; priority: the real-time policies' static priority (1-99,
 * sched_get_priority_min/max); runtime, deadline, period: SCHED_DEADLINE's reservation. The
 * kernel clamps a nice value out of range and ignores what a policy does not use: refused
 * here instead, so that nothing asked for is silently dropped. */
static int check_sched_values(json_object *o, struct berth_scheduler *s, struct berth_error *err) {
  bool fair = s->policy == SCHED_NORMAL || s->policy == SCHED_BATCH;
  bool realtime = s->policy == SCHED_FIFO || s->policy == SCHED_RR;
  bool deadline = s->policy == SCHED_DEADLINE;
  if (!fair && given_nonzero(o, "nice"))
    return berth_error(err, 0,
                       "process.scheduler.nice: %s takes none (only SCHED_OTHER and SCHED_BATCH)",
                       s->policy_name);
  if (realtime && (s->priority < 1 || s->priority > 99))
    return berth_error(err, 0, "process.scheduler.priority: %s takes 1 to 99, not %lld",
                       s->policy_name, (long long)json_get_int(o, "priority", 0));
  if (!realtime && given_nonzero(o, "priority"))
    return berth_error(err, 0,
                       "process.scheduler.priority: %s takes none (only SCHED_FIFO and SCHED_RR)",
                       s->policy_name);
  static const char *const dl_fields[] = {"runtime", "deadline", "period"};
  for (size_t i = 0; !deadline && i < ARRAY_SIZE(dl_fields); i++)
    if (given_nonzero(o, dl_fields[i]))
      return berth_error(err, 0, "process.scheduler.%s: %s takes none (only SCHED_DEADLINE)",
                         dl_fields[i], s->policy_name);
  static const uint64_t dl_only = SCHED_FLAG_RECLAIM | SCHED_FLAG_DL_OVERRUN;
  if (!deadline && (s->flags & dl_only)) {
    char names[128];
    flag_names(sched_flags, s->flags & dl_only, names, sizeof(names));
    return berth_error(err, 0, "process.scheduler.flags: %s applies only to SCHED_DEADLINE", names);
  }
  if (!deadline)
    return 0;
  /* The kernel's __checkparam_dl: 1024 ns <= runtime <= deadline <= period (0: the deadline). */
  if (s->runtime < 1024)
    return berth_error(err, 0,
                       "process.scheduler.runtime: SCHED_DEADLINE needs at least 1024 ns, "
                       "not %llu",
                       (unsigned long long)s->runtime);
  if (s->deadline < s->runtime)
    return berth_error(err, 0, "process.scheduler.deadline: %llu is below the runtime %llu",
                       (unsigned long long)s->deadline, (unsigned long long)s->runtime);
  if (s->period != 0 && s->period < s->deadline)
    return berth_error(err, 0, "process.scheduler.period: %llu is below the deadline %llu",
                       (unsigned long long)s->period, (unsigned long long)s->deadline);
  return 0;
}

static int parse_scheduler(json_object *process, struct berth_scheduler *s,
                           struct berth_error *err) {
  static const char path[] = "process.scheduler";
  json_object *o;
  int r = get_object(process, "scheduler", path, &o, err);
  if (r < 0 || o == NULL)
    return r;
  if (json_get_str(o, "policy") != NULL && strcmp(json_get_str(o, "policy"), "SCHED_ISO") == 0)
    return berth_error(err, 0,
                       "process.scheduler.policy: SCHED_ISO is reserved by Linux, not implemented");
  const struct name_value *policy;
  int64_t nice, priority, runtime, deadline, period;
  if ((r = get_name(o, "policy", path, sched_policies, "policy", &policy, err)) < 0 ||
      (r = get_flags(o, "flags", path, sched_flags, &s->flags, err)) < 0 ||
      (r = berth_json_int(o, "nice", path, -20, 19, 0, &nice, err)) < 0 ||
      (r = berth_json_int(o, "priority", path, INT32_MIN, INT32_MAX, 0, &priority, err)) < 0 ||
      (r = berth_json_int(o, "runtime", path, 0, INT64_MAX, 0, &runtime, err)) < 0 ||
      (r = berth_json_int(o, "deadline", path, 0, INT64_MAX, 0, &deadline, err)) < 0 ||
      (r = berth_json_int(o, "period", path, 0, INT64_MAX, 0, &period, err)) < 0)
    return r;
  s->policy_name = policy->name;
  s->policy = (uint32_t)policy->value;
  s->nice = (int32_t)nice;
  /* Out of 1-99 is refused below for the policies that take it, and others take only 0. */
  s->priority = priority >= 0 && priority <= 99 ? (uint32_t)priority : 0;
  s->runtime = (uint64_t)runtime;
  s->deadline = (uint64_t)deadline;
  s->period = (uint64_t)period;
  if ((r = check_sched_values(o, s, err)) < 0)
    return r;
  s->set = true;
  return 0;
}

static int parse_io_priority(json_object *process, struct berth_io_priority *p,
                             struct berth_error *err) {
  static const char path[] = "process.ioPriority";
  json_object *o;
  int r = get_object(process, "ioPriority", path, &o, err);
  if (r < 0 || o == NULL)
    return r;
  const struct name_value *class;
  int64_t level;
  if ((r = get_name(o, "class", path, io_classes, "class", &class, err)) < 0)
    return r;
  if (json_get(o, "priority") == NULL)
    return berth_error(err, 0, "process.ioPriority.priority: required");
  if ((r = berth_json_int(o, "priority", path, 0, IOPRIO_NR_LEVELS - 1, 0, &level, err)) < 0)
    return r;
  *p = (struct berth_io_priority){
      .set = true, .class_name = class->name, .class = (int)class->value, .level = (int)level};
  return 0;
}

static int parse_personality(json_object *linux_obj, struct berth_personality *p,
                             struct berth_error *err) {
  static const char path[] = "linux.personality";
  json_object *o;
  int r = get_object(linux_obj, "personality", path, &o, err);
  if (r < 0 || o == NULL)
    return r;
  const struct name_value *domain;
  uint64_t flags;
  if ((r = get_name(o, "domain", path, personality_domains, "domain", &domain, err)) < 0 ||
      (r = get_flags(o, "flags", path, personality_flags, &flags, err)) < 0)
    return r;
  *p = (struct berth_personality){
      .set = true, .domain = domain->name, .persona = (unsigned long)domain->value};
  return 0;
}

static bool node_set(const unsigned long *mask, long node) {
  const size_t bits = 8 * sizeof(unsigned long);
  return mask[(size_t)node / bits] & (1UL << ((size_t)node % bits));
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t')
    s++;
  char *end = s + strlen(s);
  while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
    *--end = '\0';
  return s;
}

/* One element of a node list: "7" or "0-3". */
static int parse_node_range(char *item, const char *field, int64_t *lo, int64_t *hi,
                            struct berth_error *err) {
  char *dash = strchr(item, '-');
  if (dash != NULL)
    *dash = '\0';
  int r = berth_parse_int(item, 0, BERTH_NUMA_NODES_MAX - 1, lo);
  if (r == 0 && dash != NULL)
    r = berth_parse_int(dash + 1, 0, BERTH_NUMA_NODES_MAX - 1, hi);
  else if (r == 0)
    *hi = *lo;
  if (dash != NULL)
    *dash = '-';
  if (r == -ERANGE)
    return berth_error(err, 0, "%s: %s passes the largest node number %d", field, item,
                       BERTH_NUMA_NODES_MAX - 1);
  if (r < 0)
    return berth_error(err, 0, "%s: %s is not a node or a range of nodes (as in 0-3,7)", field,
                       item);
  if (*lo > *hi)
    return berth_error(err, 0, "%s: %s is not a range (it ends below its start)", field, item);
  return 0;
}

int berth_parse_node_list(const char *text, const char *field, unsigned long *mask,
                          struct berth_error *err) {
  const size_t bits = 8 * sizeof(unsigned long);
  memset(mask, 0, BERTH_NODE_WORDS * sizeof(unsigned long));
  _cleanup_free_ char *copy = strdup(text);
  if (copy == NULL)
    return berth_error(err, ENOMEM, "%s", field);
  /* As runc's list parser: spaces around an element and empty elements are allowed. */
  char *save = NULL;
  for (char *item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
    item = trim(item);
    if (*item == '\0')
      continue;
    int64_t lo, hi;
    int r = parse_node_range(item, field, &lo, &hi, err);
    if (r < 0)
      return r;
    for (int64_t n = lo; n <= hi; n++)
      mask[(size_t)n / bits] |= 1UL << ((size_t)n % bits);
  }
  return 0;
}

/* "0-3,7" again, for messages. */
static void format_nodes(const unsigned long *mask, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (long n = 0; n < BERTH_NUMA_NODES_MAX && used < size; n++) {
    if (!node_set(mask, n))
      continue;
    long end = n;
    while (end + 1 < BERTH_NUMA_NODES_MAX && node_set(mask, end + 1))
      end++;
    const char *sep = used ? "," : "";
    used += (size_t)(end > n ? snprintf(buf + used, size - used, "%s%ld-%ld", sep, n, end)
                             : snprintf(buf + used, size - used, "%s%ld", sep, n));
    n = end;
  }
}

/* set_mempolicy(2)'s rules, checked before anything is made: a mode takes nodes or not;
 * MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other and mean nothing for a
 * local policy (MPOL_LOCAL, or MPOL_PREFERRED without nodes); MPOL_F_NUMA_BALANCING is for
 * MPOL_BIND and MPOL_PREFERRED_MANY; MPOL_DEFAULT takes no flag (the kernel would ignore it). */
static int check_memory_policy(const struct berth_memory_policy *m, struct berth_error *err) {
  const int mode = m->mode;
  const unsigned node_flags = MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES;
  char names[128];
  flag_names(memory_flags, m->flags, names, sizeof(names));
  if ((mode == MPOL_DEFAULT || mode == MPOL_LOCAL) && m->has_nodes)
    return berth_error(err, 0, "linux.memoryPolicy.nodes: %s takes no nodes", m->mode_name);
  if ((mode == MPOL_BIND || mode == MPOL_INTERLEAVE || mode == MODE_WEIGHTED_INTERLEAVE ||
       mode == MPOL_PREFERRED_MANY) &&
      !m->has_nodes)
    return berth_error(err, 0, "linux.memoryPolicy.nodes: %s needs at least one node",
                       m->mode_name);
  if (mode == MPOL_DEFAULT && m->flags != 0)
    return berth_error(err, 0, "linux.memoryPolicy.flags: MPOL_DEFAULT takes no flag, not %s",
                       names);
  if ((m->flags & node_flags) == node_flags)
    return berth_error(err, 0,
                       "linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES "
                       "exclude each other");
  bool local = mode == MPOL_LOCAL || (mode == MPOL_PREFERRED && !m->has_nodes);
  if (local && (m->flags & node_flags))
    return berth_error(err, 0, "linux.memoryPolicy.flags: %s without nodes takes no %s",
                       m->mode_name, names);
  if ((m->flags & MPOL_F_NUMA_BALANCING) && mode != MPOL_BIND && mode != MPOL_PREFERRED_MANY)
    return berth_error(err, 0,
                       "linux.memoryPolicy.flags: MPOL_F_NUMA_BALANCING applies only to MPOL_BIND "
                       "and MPOL_PREFERRED_MANY, not %s",
                       m->mode_name);
  return 0;
}

static int parse_memory_policy(json_object *linux_obj, struct berth_memory_policy *m,
                               struct berth_error *err) {
  static const char path[] = "linux.memoryPolicy";
  json_object *o;
  int r = get_object(linux_obj, "memoryPolicy", path, &o, err);
  if (r < 0 || o == NULL)
    return r;
  const struct name_value *mode;
  uint64_t flags;
  if ((r = get_name(o, "mode", path, memory_modes, "mode", &mode, err)) < 0 ||
      (r = get_flags(o, "flags", path, memory_flags, &flags, err)) < 0)
    return r;
  json_object *nodes = json_get(o, "nodes");
  if (nodes != NULL && !json_object_is_type(nodes, json_type_null) &&
      !json_object_is_type(nodes, json_type_string))
    return berth_error(err, 0, "linux.memoryPolicy.nodes: must be a string");
  m->mode_name = mode->name;
  m->mode = (int)mode->value;
  m->flags = (unsigned)flags;
  memset(m->nodes, 0, sizeof(m->nodes));
  if (json_object_is_type(nodes, json_type_string) &&
      (r = berth_parse_node_list(json_object_get_string(nodes), "linux.memoryPolicy.nodes",
                                 m->nodes, err)) < 0)
    return r;
  m->has_nodes = false;
  for (size_t i = 0; i < BERTH_NODE_WORDS; i++)
    m->has_nodes = m->has_nodes || m->nodes[i] != 0;
  if ((r = check_memory_policy(m, err)) < 0)
    return r;
  m->set = true;
  return 0;
}

int berth_process_attrs_parse(json_object *process, json_object *linux_obj,
                              struct berth_process_attrs *out, struct berth_error *err) {
  memset(out, 0, sizeof(*out));
  int r = parse_scheduler(process, &out->scheduler, err);
  if (r < 0 || (r = parse_io_priority(process, &out->io_priority, err)) < 0 ||
      (r = parse_personality(linux_obj, &out->personality, err)) < 0)
    return r;
  return parse_memory_policy(linux_obj, &out->memory_policy, err);
}

int berth_process_attrs_validate(json_object *spec, struct berth_error *err) {
  struct berth_process_attrs a;
  int r = berth_process_attrs_parse(json_get(spec, "process"), json_get(spec, "linux"), &a, err);
  if (r < 0)
    return r;
  /* The kernel refuses fork (EAGAIN) to a SCHED_DEADLINE task that does not reset on fork, and
   * the init forks the startContainer hooks after it took the policy (it cannot later: the
   * policy needs the capabilities that becoming the container's user drops). Refused now
   * rather than failing at start. */
  json_object *hooks = json_get_array(json_get(spec, "hooks"), "startContainer");
  if (a.scheduler.set && a.scheduler.policy == SCHED_DEADLINE &&
      !(a.scheduler.flags & SCHED_FLAG_RESET_ON_FORK) && hooks != NULL &&
      json_object_array_length(hooks) > 0)
    return berth_error(err, 0,
                       "process.scheduler: a SCHED_DEADLINE process cannot fork the "
                       "startContainer hooks without SCHED_FLAG_RESET_ON_FORK");
  return 0;
}

/* What was asked, for the one line that says the kernel refused it. */
static void describe_scheduler(const struct berth_scheduler *s, char *buf, size_t size) {
  char flags[256];
  int n = snprintf(buf, size, "%s", s->policy_name);
  if (n >= 0 && (size_t)n < size && s->priority != 0)
    n += snprintf(buf + n, size - (size_t)n, " priority %u", s->priority);
  if (n >= 0 && (size_t)n < size && s->nice != 0)
    n += snprintf(buf + n, size - (size_t)n, " nice %d", s->nice);
  if (n >= 0 && (size_t)n < size && s->policy == SCHED_DEADLINE)
    n += snprintf(buf + n, size - (size_t)n, " runtime %llu deadline %llu period %llu",
                  (unsigned long long)s->runtime, (unsigned long long)s->deadline,
                  (unsigned long long)s->period);
  flag_names(sched_flags, s->flags, flags, sizeof(flags));
  if (n >= 0 && (size_t)n < size && s->flags != 0)
    snprintf(buf + n, size - (size_t)n, " flags %s", flags);
}

static int apply_scheduler(const struct berth_scheduler *s, struct berth_error *err) {
  if (!s->set)
    return 0;
  /* SCHED_ATTR_SIZE_VER1: the utilization clamps (no spec field: 0) for the UTIL_CLAMP
   * flags; an older kernel takes the larger struct as long as the tail is zero. */
  struct sched_attr attr = {.size = sizeof(attr),
                            .sched_policy = s->policy,
                            .sched_flags = s->flags,
                            .sched_nice = s->nice,
                            .sched_priority = s->priority,
                            .sched_runtime = s->runtime,
                            .sched_deadline = s->deadline,
                            .sched_period = s->period};
  if (syscall(SYS_sched_setattr, 0, &attr, 0) == 0)
    return 0;
  int saved = errno;
  char what[512];
  describe_scheduler(s, what, sizeof(what));
  bool realtime = s->policy == SCHED_FIFO || s->policy == SCHED_RR;
  /* With RT group scheduling the kernel refuses a real-time policy in a cpu cgroup whose
   * cpu.rt_runtime_us is 0, which is where a new cgroup starts. */
  return berth_error(err, saved, "process.scheduler: sched_setattr %s%s", what,
                     realtime && saved == EPERM
                         ? " (a real-time policy needs CAP_SYS_NICE over the host and, with RT "
                           "group scheduling, linux.resources.cpu.realtimeRuntime)"
                         : "");
}

static int apply_io_priority(const struct berth_io_priority *p, struct berth_error *err) {
  /* The calling process, as the spec's process group is here: the init leads a session of its
   * own (or its terminal's), and what it forks inherits the priority. */
  if (p->set &&
      syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(p->class, p->level)) < 0)
    return berth_error(err, errno, "process.ioPriority: ioprio_set %s priority %d", p->class_name,
                       p->level);
  return 0;
}

static int apply_personality(const struct berth_personality *p, struct berth_error *err) {
  if (p->set && personality(p->persona) < 0)
    return berth_error(err, errno, "linux.personality: personality %s", p->domain);
  return 0;
}

static int apply_memory_policy(const struct berth_memory_policy *m, struct berth_error *err) {
  if (!m->set)
    return 0;
  /* maxnode counts one more than the bits the kernel reads (its get_nodes drops one). */
  long r = syscall(SYS_set_mempolicy, m->mode | (int)m->flags, m->has_nodes ? m->nodes : NULL,
                   m->has_nodes ? BERTH_NUMA_NODES_MAX + 1UL : 0UL);
  if (r == 0)
    return 0;
  int saved = errno;
  char nodes[256], flags[128];
  format_nodes(m->nodes, nodes, sizeof(nodes));
  flag_names(memory_flags, m->flags, flags, sizeof(flags));
  return berth_error(err, saved, "linux.memoryPolicy: set_mempolicy %s%s%s%s%s", m->mode_name,
                     m->has_nodes ? " nodes " : "", nodes, m->flags ? " flags " : "", flags);
}

int berth_process_attrs_apply(const struct berth_process_attrs *a, struct berth_error *err) {
  int r = apply_memory_policy(&a->memory_policy, err);
  if (r < 0 || (r = apply_personality(&a->personality, err)) < 0 ||
      (r = apply_io_priority(&a->io_priority, err)) < 0)
    return r;
  return apply_scheduler(&a->scheduler, err);
}

int berth_process_attrs_setup(json_object *spec, struct berth_error *err) {
  struct berth_process_attrs a;
  int r = berth_process_attrs_parse(json_get(spec, "process"), json_get(spec, "linux"), &a, err);
  return r < 0 ? r : berth_process_attrs_apply(&a, err);
}

static json_object *names(const struct name_value *table) {
  json_object *a = json_object_new_array();
  for (; table->name != NULL; table++)
    json_object_array_add(a, json_object_new_string(table->name));
  return a;
}

static json_object *pair(const char *k1, json_object *v1, const char *k2, json_object *v2) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, k1, v1);
  if (k2 != NULL)
    json_object_object_add(o, k2, v2);
  return o;
}

void berth_process_attrs_features(json_object *linux_features, json_object *berth_features) {
  json_object_object_add(linux_features, "memoryPolicy",
                         pair("modes", names(memory_modes), "flags", names(memory_flags)));
  json_object *process = json_object_new_object();
  json_object_object_add(process, "scheduler",
                         pair("policies", names(sched_policies), "flags", names(sched_flags)));
  json_object_object_add(process, "ioPriority", pair("classes", names(io_classes), NULL, NULL));
  json_object_object_add(berth_features, "process", process);
  json_object_object_add(
      berth_features, "linux",
      pair("personality",
           pair("domains", names(personality_domains), "flags", names(personality_flags)), NULL,
           NULL));
}
