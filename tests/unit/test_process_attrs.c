/* SPDX-License-Identifier: Apache-2.0 */
/* process.scheduler, process.ioPriority, linux.personality and linux.memoryPolicy: every value
 * the spec lists is parsed into what the system call takes; anything else, and every
 * combination the kernel would refuse or silently ignore, is refused in one line naming the
 * field. */
#include <linux/ioprio.h>
#include <linux/mempolicy.h>
#include <linux/sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>

#include <cmocka.h>

#include "error.h"
#include "json_util.h"
#include "process_attrs.h"
#include "spec.h"

/* PROCESS and LINUX_OBJ as JSON text (NULL: absent): 0 or the parser's error. */
static int parse(const char *process, const char *linux_obj, struct berth_process_attrs *a,
                 struct berth_error *err) {
  _cleanup_json_ json_object *p = process ? json_tokener_parse(process) : NULL;
  _cleanup_json_ json_object *l = linux_obj ? json_tokener_parse(linux_obj) : NULL;
  if ((process && p == NULL) || (linux_obj && l == NULL))
    fail_msg("test JSON does not parse: %s %s", process ? process : "-",
             linux_obj ? linux_obj : "-");
  return berth_process_attrs_parse(p, l, a, err);
}

static void assert_parses(const char *process, const char *linux_obj,
                          struct berth_process_attrs *a) {
  struct berth_error err = {0};
  if (parse(process, linux_obj, a, &err) < 0)
    fail_msg("%s %s refused: %s", process ? process : "-", linux_obj ? linux_obj : "-", err.msg);
}

static void assert_refused(const char *process, const char *linux_obj, const char *want) {
  struct berth_process_attrs a;
  struct berth_error err = {0};
  if (parse(process, linux_obj, &a, &err) == 0)
    fail_msg("%s %s accepted, wanted \"%s\"", process ? process : "-", linux_obj ? linux_obj : "-",
             want);
  if (strcmp(err.msg, want) != 0)
    fail_msg("%s %s: message \"%s\", wanted \"%s\"", process ? process : "-",
             linux_obj ? linux_obj : "-", err.msg, want);
  berth_error_clear(&err);
}

static void test_absent_fields_set_nothing(void **state) {
  struct berth_process_attrs a;
  assert_parses("{}", "{}", &a);
  assert_false(a.scheduler.set || a.io_priority.set || a.personality.set || a.memory_policy.set);
  assert_parses("{\"scheduler\": null, \"ioPriority\": null}", NULL, &a);
  assert_false(a.scheduler.set || a.io_priority.set);
}

static void test_scheduler_takes_every_policy(void **state) {
  static const struct {
    const char *json;
    uint32_t policy;
  } cases[] = {
      {"{\"scheduler\": {\"policy\": \"SCHED_OTHER\", \"nice\": -20}}", SCHED_NORMAL},
      {"{\"scheduler\": {\"policy\": \"SCHED_BATCH\", \"nice\": 19}}", SCHED_BATCH},
      {"{\"scheduler\": {\"policy\": \"SCHED_IDLE\"}}", SCHED_IDLE},
      {"{\"scheduler\": {\"policy\": \"SCHED_FIFO\", \"priority\": 1}}", SCHED_FIFO},
      {"{\"scheduler\": {\"policy\": \"SCHED_RR\", \"priority\": 99}}", SCHED_RR},
      {"{\"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 1024, \"deadline\": 1024}}",
       SCHED_DEADLINE},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct berth_process_attrs a;
    assert_parses(cases[i].json, NULL, &a);
    assert_true(a.scheduler.set);
    assert_int_equal(a.scheduler.policy, cases[i].policy);
  }
}

static void test_scheduler_reads_values_and_flags(void **state) {
  struct berth_process_attrs a;
  assert_parses("{\"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 1000000, "
                "\"deadline\": 5000000, \"period\": 10000000, \"flags\": "
                "[\"SCHED_FLAG_RESET_ON_FORK\", \"SCHED_FLAG_RECLAIM\", \"SCHED_FLAG_DL_OVERRUN\", "
                "\"SCHED_FLAG_KEEP_POLICY\", \"SCHED_FLAG_KEEP_PARAMS\", "
                "\"SCHED_FLAG_UTIL_CLAMP_MIN\", \"SCHED_FLAG_UTIL_CLAMP_MAX\"]}}",
                NULL, &a);
  assert_int_equal(a.scheduler.runtime, 1000000);
  assert_int_equal(a.scheduler.deadline, 5000000);
  assert_int_equal(a.scheduler.period, 10000000);
  assert_int_equal(a.scheduler.flags, SCHED_FLAG_ALL);
  assert_parses("{\"scheduler\": {\"policy\": \"SCHED_RR\", \"priority\": 42, \"flags\": "
                "[\"SCHED_FLAG_RESET_ON_FORK\"]}}",
                NULL, &a);
  assert_int_equal(a.scheduler.priority, 42);
  assert_int_equal(a.scheduler.flags, SCHED_FLAG_RESET_ON_FORK);
  assert_parses("{\"scheduler\": {\"policy\": \"SCHED_BATCH\", \"nice\": -5}}", NULL, &a);
  assert_int_equal(a.scheduler.nice, -5);
}

static void test_scheduler_refuses_unknown_names(void **state) {
  assert_refused("{\"scheduler\": {}}", NULL, "process.scheduler.policy: required");
  assert_refused("{\"scheduler\": {\"policy\": \"SCHED_FAST\"}}", NULL,
                 "process.scheduler.policy: unknown policy SCHED_FAST");
  assert_refused("{\"scheduler\": {\"policy\": 1}}", NULL,
                 "process.scheduler.policy: must be a string");
  assert_refused("{\"scheduler\": {\"policy\": \"SCHED_ISO\"}}", NULL,
                 "process.scheduler.policy: SCHED_ISO is reserved by Linux, not implemented");
  assert_refused("{\"scheduler\": {\"policy\": \"SCHED_OTHER\", \"flags\": [\"SCHED_FLAG_X\"]}}",
                 NULL, "process.scheduler.flags[0]: unknown flag SCHED_FLAG_X");
  assert_refused("{\"scheduler\": {\"policy\": \"SCHED_OTHER\", \"flags\": \"x\"}}", NULL,
                 "process.scheduler.flags: must be an array of strings");
  assert_refused("{\"scheduler\": \"SCHED_FIFO\"}", NULL, "process.scheduler: must be an object");
}

/* What the kernel would refuse with EINVAL, or take and ignore (a nice value for a real-time
 * policy, a priority for SCHED_OTHER, a reservation for anything but SCHED_DEADLINE). */
static void test_scheduler_refuses_values_the_policy_does_not_take(void **state) {
  assert_refused("{\"scheduler\": {\"policy\": \"SCHED_OTHER\", \"priority\": 10}}", NULL,
                 "process.scheduler.priority: SCHED_OTHER takes none (only SCHED_FIFO and "
                 "SCHED_RR)");
  assert_refused("{\"scheduler\": {\"policy\": \"SCHED_FIFO\", \"priority\": 10, \"nice\": 5}}",
                 NULL,
                 "process.scheduler.nice: SCHED_FIFO takes none (only SCHED_OTHER and "
                 "SCHED_BATCH)");
  assert_refused("{\"scheduler\": {\"policy\": \"SCHED_OTHER\", \"runtime\": 1000}}", NULL,
                 "process.scheduler.runtime: SCHED_OTHER takes none (only SCHED_DEADLINE)");
  assert_refused("{\"scheduler\": {\"policy\": \"SCHED_RR\", \"priority\": 1, \"period\": 5}}",
                 NULL, "process.scheduler.period: SCHED_RR takes none (only SCHED_DEADLINE)");
  assert_refused("{\"scheduler\": {\"policy\": \"SCHED_BATCH\", \"flags\": "
                 "[\"SCHED_FLAG_RECLAIM\", \"SCHED_FLAG_DL_OVERRUN\"]}}",
                 NULL,
                 "process.scheduler.flags: SCHED_FLAG_RECLAIM|SCHED_FLAG_DL_OVERRUN applies only "
                 "to SCHED_DEADLINE");
}

static void test_scheduler_checks_ranges(void **state) {
  assert_refused("{\"scheduler\": {\"policy\": \"SCHED_FIFO\"}}", NULL,
                 "process.scheduler.priority: SCHED_FIFO takes 1 to 99, not 0");
  assert_refused("{\"scheduler\": {\"policy\": \"SCHED_RR\", \"priority\": 100}}", NULL,
                 "process.scheduler.priority: SCHED_RR takes 1 to 99, not 100");
  assert_refused("{\"scheduler\": {\"policy\": \"SCHED_FIFO\", \"priority\": -3}}", NULL,
                 "process.scheduler.priority: SCHED_FIFO takes 1 to 99, not -3");
  assert_refused("{\"scheduler\": {\"policy\": \"SCHED_OTHER\", \"nice\": 20}}", NULL,
                 "process.scheduler.nice: 20 is out of range (-20 to 19)");
  assert_refused("{\"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 1000, "
                 "\"deadline\": 2000}}",
                 NULL,
                 "process.scheduler.runtime: SCHED_DEADLINE needs at least 1024 ns, not 1000");
  assert_refused("{\"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 5000}}", NULL,
                 "process.scheduler.deadline: 0 is below the runtime 5000");
  assert_refused("{\"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 5000, "
                 "\"deadline\": 9000, \"period\": 8000}}",
                 NULL, "process.scheduler.period: 8000 is below the deadline 9000");
  assert_refused("{\"scheduler\": {\"policy\": \"SCHED_DEADLINE\", \"runtime\": 5000, "
                 "\"deadline\": 18446744073709551615}}",
                 NULL,
                 "process.scheduler.deadline: 18446744073709551615 is out of range (0-"
                 "9223372036854775807)");
}

static void test_io_priority_takes_classes_and_levels(void **state) {
  struct berth_process_attrs a;
  assert_parses("{\"ioPriority\": {\"class\": \"IOPRIO_CLASS_RT\", \"priority\": 0}}", NULL, &a);
  assert_true(a.io_priority.set);
  assert_int_equal(a.io_priority.class, IOPRIO_CLASS_RT);
  assert_int_equal(a.io_priority.level, 0);
  assert_parses("{\"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 7}}", NULL, &a);
  assert_int_equal(a.io_priority.class, IOPRIO_CLASS_BE);
  assert_int_equal(a.io_priority.level, 7);
  assert_parses("{\"ioPriority\": {\"class\": \"IOPRIO_CLASS_IDLE\", \"priority\": 4}}", NULL, &a);
  assert_int_equal(a.io_priority.class, IOPRIO_CLASS_IDLE);
}

static void test_io_priority_refuses_bad_values(void **state) {
  assert_refused("{\"ioPriority\": {\"class\": \"IOPRIO_CLASS_NONE\", \"priority\": 0}}", NULL,
                 "process.ioPriority.class: unknown class IOPRIO_CLASS_NONE");
  assert_refused("{\"ioPriority\": {\"priority\": 0}}", NULL, "process.ioPriority.class: required");
  assert_refused("{\"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\"}}", NULL,
                 "process.ioPriority.priority: required");
  assert_refused("{\"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 8}}", NULL,
                 "process.ioPriority.priority: 8 is out of range (0-7)");
  assert_refused("{\"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", \"priority\": -1}}", NULL,
                 "process.ioPriority.priority: -1 is out of range (0-7)");
}

static void test_personality_takes_the_spec_domains(void **state) {
  struct berth_process_attrs a;
  assert_parses("{}", "{\"personality\": {\"domain\": \"LINUX32\"}}", &a);
  assert_true(a.personality.set);
  assert_int_equal(a.personality.persona, PER_LINUX32);
  assert_parses("{}", "{\"personality\": {\"domain\": \"LINUX\", \"flags\": []}}", &a);
  assert_int_equal(a.personality.persona, PER_LINUX);
}

/* The runtime spec defines no personality flag: a flag is refused, never dropped. */
static void test_personality_refuses_unknown_domain_and_any_flag(void **state) {
  assert_refused("{}", "{\"personality\": {\"domain\": \"SVR4\"}}",
                 "linux.personality.domain: unknown domain SVR4");
  assert_refused("{}", "{\"personality\": {}}", "linux.personality.domain: required");
  assert_refused("{}",
                 "{\"personality\": {\"domain\": \"LINUX\", \"flags\": [\"ADDR_NO_RANDOMIZE\"]}}",
                 "linux.personality.flags[0]: ADDR_NO_RANDOMIZE is not supported (the runtime "
                 "spec defines no flag)");
}

static bool bit(const unsigned long *mask, int n) {
  const int bits = 8 * sizeof(unsigned long);
  return mask[n / bits] & (1UL << (n % bits));
}

static void test_node_list_reads_the_spec_format(void **state) {
  unsigned long mask[BERTH_NODE_WORDS];
  struct berth_error err = {0};
  assert_int_equal(berth_parse_node_list("0-3,7", "nodes", mask, &err), 0);
  for (int n = 0; n < BERTH_NUMA_NODES_MAX; n++)
    assert_int_equal(bit(mask, n), n <= 3 || n == 7);
  /* runc's list parser allows spaces around an element and empty elements. */
  assert_int_equal(berth_parse_node_list(" 1 ,, 64-65,1023,", "nodes", mask, &err), 0);
  for (int n = 0; n < BERTH_NUMA_NODES_MAX; n++)
    assert_int_equal(bit(mask, n), n == 1 || n == 64 || n == 65 || n == 1023);
  assert_int_equal(berth_parse_node_list("", "nodes", mask, &err), 0);
  for (size_t i = 0; i < BERTH_NODE_WORDS; i++)
    assert_int_equal(mask[i], 0);
}

static void test_node_list_refuses_garbage(void **state) {
  static const struct {
    const char *text, *want;
  } cases[] = {
      {"a", "nodes: a is not a node or a range of nodes (as in 0-3,7)"},
      {"1-", "nodes: 1- is not a node or a range of nodes (as in 0-3,7)"},
      {"-1", "nodes: -1 is not a node or a range of nodes (as in 0-3,7)"},
      {"1-2-3", "nodes: 1-2-3 is not a node or a range of nodes (as in 0-3,7)"},
      {"0x1", "nodes: 0x1 is not a node or a range of nodes (as in 0-3,7)"},
      {"0;1", "nodes: 0;1 is not a node or a range of nodes (as in 0-3,7)"},
      {"3-1", "nodes: 3-1 is not a range (it ends below its start)"},
      {"1024", "nodes: 1024 passes the largest node number 1023"},
      {"0-99999999999999999999", "nodes: 0-99999999999999999999 passes the largest node number "
                                 "1023"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    unsigned long mask[BERTH_NODE_WORDS];
    struct berth_error err = {0};
    if (berth_parse_node_list(cases[i].text, "nodes", mask, &err) == 0)
      fail_msg("node list \"%s\" accepted", cases[i].text);
    if (strcmp(err.msg, cases[i].want) != 0)
      fail_msg("\"%s\": message \"%s\", wanted \"%s\"", cases[i].text, err.msg, cases[i].want);
    berth_error_clear(&err);
  }
}

static void test_memory_policy_takes_every_mode_and_flag(void **state) {
  static const struct {
    const char *json;
    int mode;
    unsigned flags;
  } cases[] = {
      {"{\"memoryPolicy\": {\"mode\": \"MPOL_DEFAULT\"}}", MPOL_DEFAULT, 0},
      {"{\"memoryPolicy\": {\"mode\": \"MPOL_LOCAL\", \"nodes\": \"\"}}", MPOL_LOCAL, 0},
      {"{\"memoryPolicy\": {\"mode\": \"MPOL_BIND\", \"nodes\": \"0\", \"flags\": "
       "[\"MPOL_F_STATIC_NODES\", \"MPOL_F_NUMA_BALANCING\"]}}",
       MPOL_BIND, MPOL_F_STATIC_NODES | MPOL_F_NUMA_BALANCING},
      {"{\"memoryPolicy\": {\"mode\": \"MPOL_INTERLEAVE\", \"nodes\": \"0-3\", \"flags\": "
       "[\"MPOL_F_RELATIVE_NODES\"]}}",
       MPOL_INTERLEAVE, MPOL_F_RELATIVE_NODES},
      {"{\"memoryPolicy\": {\"mode\": \"MPOL_WEIGHTED_INTERLEAVE\", \"nodes\": \"0\"}}", 6, 0},
      {"{\"memoryPolicy\": {\"mode\": \"MPOL_PREFERRED\"}}", MPOL_PREFERRED, 0},
      {"{\"memoryPolicy\": {\"mode\": \"MPOL_PREFERRED\", \"nodes\": \"1\"}}", MPOL_PREFERRED, 0},
      {"{\"memoryPolicy\": {\"mode\": \"MPOL_PREFERRED_MANY\", \"nodes\": \"0,1\"}}",
       MPOL_PREFERRED_MANY, 0},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct berth_process_attrs a;
    assert_parses("{}", cases[i].json, &a);
    assert_true(a.memory_policy.set);
    assert_int_equal(a.memory_policy.mode, cases[i].mode);
    assert_int_equal(a.memory_policy.flags, cases[i].flags);
  }
}

static void test_memory_policy_refuses_what_set_mempolicy_would(void **state) {
  assert_refused("{}", "{\"memoryPolicy\": {\"mode\": \"MPOL_FIRST_TOUCH\"}}",
                 "linux.memoryPolicy.mode: unknown mode MPOL_FIRST_TOUCH");
  assert_refused("{}", "{\"memoryPolicy\": {\"nodes\": \"0\"}}",
                 "linux.memoryPolicy.mode: required");
  assert_refused("{}", "{\"memoryPolicy\": {\"mode\": \"MPOL_BIND\", \"nodes\": 0}}",
                 "linux.memoryPolicy.nodes: must be a string");
  assert_refused("{}", "{\"memoryPolicy\": {\"mode\": \"MPOL_BIND\", \"nodes\": \"0-x\"}}",
                 "linux.memoryPolicy.nodes: 0-x is not a node or a range of nodes (as in 0-3,7)");
  assert_refused("{}", "{\"memoryPolicy\": {\"mode\": \"MPOL_BIND\"}}",
                 "linux.memoryPolicy.nodes: MPOL_BIND needs at least one node");
  assert_refused("{}", "{\"memoryPolicy\": {\"mode\": \"MPOL_INTERLEAVE\", \"nodes\": \",\"}}",
                 "linux.memoryPolicy.nodes: MPOL_INTERLEAVE needs at least one node");
  assert_refused("{}", "{\"memoryPolicy\": {\"mode\": \"MPOL_LOCAL\", \"nodes\": \"0\"}}",
                 "linux.memoryPolicy.nodes: MPOL_LOCAL takes no nodes");
  assert_refused("{}", "{\"memoryPolicy\": {\"mode\": \"MPOL_DEFAULT\", \"nodes\": \"0\"}}",
                 "linux.memoryPolicy.nodes: MPOL_DEFAULT takes no nodes");
  assert_refused("{}",
                 "{\"memoryPolicy\": {\"mode\": \"MPOL_DEFAULT\", \"flags\": "
                 "[\"MPOL_F_STATIC_NODES\"]}}",
                 "linux.memoryPolicy.flags: MPOL_DEFAULT takes no flag, not MPOL_F_STATIC_NODES");
  assert_refused("{}",
                 "{\"memoryPolicy\": {\"mode\": \"MPOL_BIND\", \"nodes\": \"0\", \"flags\": "
                 "[\"MPOL_F_STATIC_NODES\", \"MPOL_F_RELATIVE_NODES\"]}}",
                 "linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES "
                 "exclude each other");
  assert_refused("{}",
                 "{\"memoryPolicy\": {\"mode\": \"MPOL_PREFERRED\", \"flags\": "
                 "[\"MPOL_F_RELATIVE_NODES\"]}}",
                 "linux.memoryPolicy.flags: MPOL_PREFERRED without nodes takes no "
                 "MPOL_F_RELATIVE_NODES");
  assert_refused("{}",
                 "{\"memoryPolicy\": {\"mode\": \"MPOL_INTERLEAVE\", \"nodes\": \"0\", \"flags\": "
                 "[\"MPOL_F_NUMA_BALANCING\"]}}",
                 "linux.memoryPolicy.flags: MPOL_F_NUMA_BALANCING applies only to MPOL_BIND and "
                 "MPOL_PREFERRED_MANY, not MPOL_INTERLEAVE");
  assert_refused("{}",
                 "{\"memoryPolicy\": {\"mode\": \"MPOL_BIND\", \"nodes\": \"0\", \"flags\": "
                 "[\"MPOL_F_LAZY\"]}}",
                 "linux.memoryPolicy.flags[0]: unknown flag MPOL_F_LAZY");
}

/* The spec's validation runs the parser: create refuses before anything is made, and exec's
 * --process is checked the same way. */
static void test_spec_validation_refuses_bad_attributes(void **state) {
  static const char base[] =
      "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}, \"process\": {\"user\": {\"uid\": "
      "0, \"gid\": 0}, \"args\": [\"x\"], \"cwd\": \"/\", %s}, \"linux\": {%s}}";
  static const struct {
    const char *process, *linux_obj, *want;
  } cases[] = {
      {"\"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 9}", "",
       "process.ioPriority.priority: 9 is out of range (0-7)"},
      {"\"scheduler\": {\"policy\": \"SCHED_OTHER\", \"priority\": 1}", "",
       "process.scheduler.priority: SCHED_OTHER takes none (only SCHED_FIFO and SCHED_RR)"},
      {"\"terminal\": false", "\"personality\": {\"domain\": \"LINUX64\"}",
       "linux.personality.domain: unknown domain LINUX64"},
      {"\"terminal\": false", "\"memoryPolicy\": {\"mode\": \"MPOL_BIND\", \"nodes\": \"3-1\"}",
       "linux.memoryPolicy.nodes: 3-1 is not a range (it ends below its start)"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char text[1024];
    snprintf(text, sizeof(text), base, cases[i].process, cases[i].linux_obj);
    _cleanup_json_ json_object *spec = json_tokener_parse(text);
    assert_non_null(spec);
    struct berth_error err = {0};
    assert_true(berth_spec_validate(spec, &err) < 0);
    if (strcmp(err.msg, cases[i].want) != 0)
      fail_msg("message \"%s\", wanted \"%s\"", err.msg, cases[i].want);
    berth_error_clear(&err);
    if (*cases[i].linux_obj != '\0')
      continue;
    assert_true(berth_spec_validate_process(json_get(spec, "process"), &err) < 0);
    if (strcmp(err.msg, cases[i].want) != 0)
      fail_msg("exec --process: message \"%s\", wanted \"%s\"", err.msg, cases[i].want);
    berth_error_clear(&err);
  }
}

/* The init forks the startContainer hooks after taking the policy; a deadline task that does not
 * reset on fork cannot (EAGAIN): refused at create, not failing at start. */
static void test_deadline_without_reset_on_fork_refuses_start_hooks(void **state) {
  static const char base[] =
      "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}, \"process\": {\"user\": {\"uid\": "
      "0, \"gid\": 0}, \"args\": [\"x\"], \"cwd\": \"/\", \"scheduler\": {\"policy\": "
      "\"SCHED_DEADLINE\", \"runtime\": 1024, \"deadline\": 1024%s}}, \"hooks\": "
      "{\"%s\": [{\"path\": \"/bin/true\"}]}, \"linux\": {}}";
  char text[1024];
  struct berth_error err = {0};
  snprintf(text, sizeof(text), base, "", "startContainer");
  _cleanup_json_ json_object *refused = json_tokener_parse(text);
  assert_true(berth_spec_validate(refused, &err) < 0);
  assert_string_equal(err.msg, "process.scheduler: a SCHED_DEADLINE process cannot fork the "
                               "startContainer hooks without SCHED_FLAG_RESET_ON_FORK");
  berth_error_clear(&err);
  snprintf(text, sizeof(text), base, ", \"flags\": [\"SCHED_FLAG_RESET_ON_FORK\"]",
           "startContainer");
  _cleanup_json_ json_object *resets = json_tokener_parse(text);
  assert_int_equal(berth_spec_validate(resets, &err), 0);
  snprintf(text, sizeof(text), base, "", "poststart"); /* run by the runtime, not the init */
  _cleanup_json_ json_object *other_hooks = json_tokener_parse(text);
  assert_int_equal(berth_spec_validate(other_hooks, &err), 0);
}

/* `features` lists the parser's own tables: what it claims is what create takes. */
static void test_features_list_what_the_parser_takes(void **state) {
  _cleanup_json_ json_object *l = json_object_new_object();
  _cleanup_json_ json_object *b = json_object_new_object();
  berth_process_attrs_features(l, b);
  json_object *modes = json_path(l, "memoryPolicy", "modes", NULL);
  assert_int_equal(json_object_array_length(modes), 7);
  for (size_t i = 0; i < json_object_array_length(modes); i++) {
    char text[256];
    const char *mode = json_object_get_string(json_object_array_get_idx(modes, i));
    bool needs_nodes = strcmp(mode, "MPOL_DEFAULT") != 0 && strcmp(mode, "MPOL_LOCAL") != 0;
    snprintf(text, sizeof(text), "{\"memoryPolicy\": {\"mode\": \"%s\"%s}}", mode,
             needs_nodes ? ", \"nodes\": \"0\"" : "");
    struct berth_process_attrs a;
    assert_parses("{}", text, &a);
  }
  json_object *policies = json_path(b, "process", "scheduler", "policies", NULL);
  assert_int_equal(json_object_array_length(policies), 6);
  json_object *flags = json_path(b, "process", "scheduler", "flags", NULL);
  assert_int_equal(json_object_array_length(flags), 7);
  json_object *classes = json_path(b, "process", "ioPriority", "classes", NULL);
  assert_int_equal(json_object_array_length(classes), 3);
  json_object *domains = json_path(b, "linux", "personality", "domains", NULL);
  assert_int_equal(json_object_array_length(domains), 2);
  assert_int_equal(json_object_array_length(json_path(b, "linux", "personality", "flags", NULL)),
                   0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_absent_fields_set_nothing),
      cmocka_unit_test(test_scheduler_takes_every_policy),
      cmocka_unit_test(test_scheduler_reads_values_and_flags),
      cmocka_unit_test(test_scheduler_refuses_unknown_names),
      cmocka_unit_test(test_scheduler_refuses_values_the_policy_does_not_take),
      cmocka_unit_test(test_scheduler_checks_ranges),
      cmocka_unit_test(test_io_priority_takes_classes_and_levels),
      cmocka_unit_test(test_io_priority_refuses_bad_values),
      cmocka_unit_test(test_personality_takes_the_spec_domains),
      cmocka_unit_test(test_personality_refuses_unknown_domain_and_any_flag),
      cmocka_unit_test(test_node_list_reads_the_spec_format),
      cmocka_unit_test(test_node_list_refuses_garbage),
      cmocka_unit_test(test_memory_policy_takes_every_mode_and_flag),
      cmocka_unit_test(test_memory_policy_refuses_what_set_mempolicy_would),
      cmocka_unit_test(test_spec_validation_refuses_bad_attributes),
      cmocka_unit_test(test_deadline_without_reset_on_fork_refuses_start_hooks),
      cmocka_unit_test(test_features_list_what_the_parser_takes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
