/* SPDX-License-Identifier: Apache-2.0 */
/* The properties a container's unit starts with, runc's list: a scope in its slice, delegated
 * (the container may make sub-cgroups), holding the init; accounting on for every controller
 * (the fs driver's behaviour, and the kernel dislikes joining the memory cgroup late); then
 * linux.resources; then the org.systemd.property.* annotations, which win. */
#include <stdio.h>

#include "helpers.h"
#include "sd.h"

#define ADD(expr)                                                                                  \
  do {                                                                                             \
    if (!(expr))                                                                                   \
      return cg_error(err, ENOMEM, "unit properties");                                             \
  } while (0)

static bool add_pids(struct unit_properties *out, pid_t pid) {
  struct dbus_value pids;
  if (!value_container(&pids, "au"))
    return false;
  struct dbus_value *v = value_push(&pids);
  if (v == NULL || !value_basic(v, 'u', (uint64_t)pid)) {
    value_clear(&pids);
    return false;
  }
  return props_add(out, "PIDs", &pids);
}

int start_properties(const struct berth_cgroup *cg, const struct host_facts *facts, pid_t pid,
                     json_object *resources, struct unit_properties *out, struct berth_error *err) {
  char description[512];
  snprintf(description, sizeof(description), "berth container %s", cg->id);
  ADD(props_add_string(out, "Description", description));
  if (cg->names.is_slice)
    /* A slice's place comes from its name; without default dependencies it is not ordered
     * after (or stopped with) anything else. */
    ADD(props_add_bool(out, "DefaultDependencies", false));
  else {
    ADD(props_add_string(out, "Slice", cg->names.slice));
    ADD(props_add_bool(out, "Delegate", true));
    if (pid > 0)
      ADD(add_pids(out, pid));
  }
  ADD(props_add_bool(out, "MemoryAccounting", true));
  ADD(props_add_bool(out, "CPUAccounting", true));
  ADD(props_add_bool(out, facts->unified ? "IOAccounting" : "BlockIOAccounting", true));
  ADD(props_add_bool(out, "TasksAccounting", true));
  int r = resources != NULL ? resources_properties(resources, facts, out, err) : 0;
  return r < 0 ? r : annotation_properties(cg->annotations_json, out, err);
}
