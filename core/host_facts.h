/* SPDX-License-Identifier: Apache-2.0 */
/* `berth check`'s facts about this host that no plugin owns: the cgroup layout and mounts,
 * systemd and D-Bus, the LSMs the kernel enforces, resctrl, user namespaces and the uid-map
 * helpers, seccomp, overlay and idmapped mounts. Read-only; nothing is created. */
#ifndef BERTH_HOST_FACTS_H
#define BERTH_HOST_FACTS_H

#include <json-c/json.h>

/* {"cgroup", "systemd", "apparmor", "selinux", "resctrl", "userns", "newuidmap", "newgidmap",
 * "seccomp", "overlay", "idmappedMounts"}: each an object of what was found, with "error"
 * where it could not be read. */
json_object *berth_host_facts(void);

#endif
