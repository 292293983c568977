/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.network: net_cls.classid and net_prio.ifpriomap. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fs1.h"
#include "helpers.h"

static int set_class_id(struct fs1_cgroup *cg, json_object *network, struct berth_error *err) {
  uint64_t id = 0;
  bool set = false;
  int r = cgc_spec_u64(network, "classID", "linux.resources.network", &id, &set, err);
  if (r < 0 || !set)
    return r;
  if (id > UINT32_MAX)
    return cg_error(err, ERANGE, "linux.resources.network.classID: %" PRIu64 " is out of range",
                    id);
  struct cgroup_dir *d = NULL;
  if ((r = fs1_need_dir(cg, "net_cls", "network.classID", &d, err)) < 0)
    return r;
  char value[16];
  snprintf(value, sizeof(value), "%" PRIu64, id);
  return fs1_write_setting(d, "net_cls.classid", value, err);
}

static int set_priority(const struct cgroup_dir *d, json_object *entry, size_t index,
                        struct berth_error *err) {
  char where[64], line[64];
  snprintf(where, sizeof(where), "linux.resources.network.priorities[%zu]", index);
  if (!json_object_is_type(entry, json_type_object))
    return cg_error(err, EINVAL, "%s: expected an object", where);
  const char *name = NULL;
  uint64_t priority = 0;
  bool set = false;
  int r;
  if ((r = cgc_spec_str(entry, "name", where, &name, err)) < 0 ||
      (r = cgc_spec_u64(entry, "priority", where, &priority, &set, err)) < 0)
    return r;
  /* An interface name: no blanks, no '/', at most IFNAMSIZ-1 bytes. */
  if (name == NULL || name[0] == '\0' || strlen(name) > 15 || strpbrk(name, " \t\n/") != NULL)
    return cg_error(err, EINVAL, "%s.name: \"%s\" is not an interface name", where,
                    name != NULL ? name : "");
  if (priority > UINT32_MAX)
    return cg_error(err, ERANGE, "%s.priority: %" PRIu64 " is out of range", where, priority);
  snprintf(line, sizeof(line), "%s %" PRIu64, name, priority);
  return fs1_write_entry(d, "net_prio.ifpriomap", line, err);
}

int fs1_apply_network(struct fs1_cgroup *cg, json_object *network, struct berth_error *err) {
  json_object *priorities = NULL;
  int r = set_class_id(cg, network, err);
  if (r == 0)
    r = cgc_spec_array(network, "priorities", "linux.resources.network", &priorities, err);
  size_t n = priorities != NULL ? json_object_array_length(priorities) : 0;
  if (r < 0 || n == 0)
    return r;
  struct cgroup_dir *d = NULL;
  if ((r = fs1_need_dir(cg, "net_prio", "network.priorities", &d, err)) < 0)
    return r;
  for (size_t i = 0; i < n && r == 0; i++)
    r = set_priority(d, json_object_array_get_idx(priorities, i), i, err);
  return r;
}
