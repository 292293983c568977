/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel attributes of the container's process that are one system call each:
 * process.scheduler (sched_setattr), process.ioPriority (ioprio_set), linux.personality
 * (personality) and linux.memoryPolicy (set_mempolicy). The runtime parses and checks them
 * before anything of the container is made; the init (run and exec) parses the same spec
 * again and applies them before it becomes the container's user, as runc does. */
#ifndef BERTH_PROCESS_ATTRS_H
#define BERTH_PROCESS_ATTRS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The kernel's MAX_NUMNODES at its largest (CONFIG_NODES_SHIFT 10): no node number above. */
#define BERTH_NUMA_NODES_MAX 1024
#define BERTH_NODE_WORDS (BERTH_NUMA_NODES_MAX / (8 * sizeof(unsigned long)))

struct berth_scheduler {
  bool set;
  const char *policy_name; /* the spec's name, from a static table */
  uint32_t policy;
  uint64_t flags; /* SCHED_FLAG_* */
  int32_t nice;
  uint32_t priority;
  uint64_t runtime, deadline, period; /* nanoseconds, SCHED_DEADLINE only */
};

struct berth_io_priority {
  bool set;
  const char *class_name;
  int class;
  int level; /* 0 (highest) to 7 */
};

struct berth_personality {
  bool set;
  const char *domain;
  unsigned long persona;
};

struct berth_memory_policy {
  bool set;
  const char *mode_name;
  int mode;
  unsigned flags; /* MPOL_F_* */
  bool has_nodes;
  unsigned long nodes[BERTH_NODE_WORDS];
};

struct berth_process_attrs {
  struct berth_scheduler scheduler;
  struct berth_io_priority io_priority;
  struct berth_personality personality;
  struct berth_memory_policy memory_policy;
};

/* PROCESS is an OCI process object, LINUX_OBJ the spec's "linux" object (NULL: only the
 * process's fields, for exec --process). Errors name the field:
 * "process.scheduler.priority: SCHED_OTHER takes none (only SCHED_FIFO and SCHED_RR do)". */
int berth_process_attrs_parse(json_object *process, json_object *linux_obj,
                              struct berth_process_attrs *out, struct berth_error *err);
/* The runtime's check of a whole spec (or of {"process": ...} for exec --process): the parser,
 * and the rule that a SCHED_DEADLINE init without SCHED_FLAG_RESET_ON_FORK cannot fork the
 * startContainer hooks. */
int berth_process_attrs_validate(json_object *spec, struct berth_error *err);
/* In the init: each attribute that is set, on the calling process. A refusal names the field
 * and what was asked: "process.scheduler: sched_setattr SCHED_FIFO priority 10: ...". */
int berth_process_attrs_apply(const struct berth_process_attrs *a, struct berth_error *err);
/* The init's whole step: the spec's process and linux objects, parsed and applied. */
int berth_process_attrs_setup(json_object *spec, struct berth_error *err);
/* A node list as the spec writes it ("0-3,7") into MASK (BERTH_NODE_WORDS words); FIELD names
 * it in errors. An empty list leaves MASK empty. */
int berth_parse_node_list(const char *text, const char *field, unsigned long *mask,
                          struct berth_error *err);
/* `berth features`: the spec's linux.memoryPolicy {modes, flags} into LINUX_FEATURES, and
 * what the runtime spec's features document has no key for (the scheduler's policies and
 * flags, the I/O priority classes, the personality domains) into BERTH_FEATURES. Both come
 * from the tables the parser uses. */
void berth_process_attrs_features(json_object *linux_features, json_object *berth_features);

#endif
