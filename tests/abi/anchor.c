/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ABI anchor: a shared object built from include/berth/plugin.h alone, whose one exported
 * function takes a pointer to every type of the SDK. abidw and abidiff see only the types
 * reachable from exported symbols, and a plugin exports nothing but its entry point, so this
 * is what the committed baseline (plugin-abi.xml) describes and what abi_check compares.
 * A new SDK type must be reachable from here, or the gate cannot see it change: struct
 * berth_rdt_ops, struct berth_rdt_request and struct berth_rdt (1.5) are, through
 * berth_plugin.rdt and the ops' parameters, so the signature below stays as released.
 */
#include <stddef.h>

#include <berth/plugin.h>

/* Reaches struct berth_error and struct berth_cgroup through the ops and host API. The
 * parameters of a new minor go last (1.5: device, device_fn). */
__attribute__((visibility("default"))) size_t
berth_abi_anchor(const struct berth_plugin *plugin, const struct berth_host_api *host,
                 const struct berth_cgroup_request *request, const struct berth_cgroup_ops *cgroup,
                 const struct berth_lsm_ops *lsm, berth_plugin_entry_fn entry, berth_pid_fn pid_fn,
                 const struct berth_device_ops *device, berth_device_fn device_fn);

size_t berth_abi_anchor(const struct berth_plugin *plugin, const struct berth_host_api *host,
                        const struct berth_cgroup_request *request,
                        const struct berth_cgroup_ops *cgroup, const struct berth_lsm_ops *lsm,
                        berth_plugin_entry_fn entry, berth_pid_fn pid_fn,
                        const struct berth_device_ops *device, berth_device_fn device_fn) {
  return sizeof(*plugin) + sizeof(*host) + sizeof(*request) + sizeof(*cgroup) + sizeof(*lsm) +
         (entry != NULL) + (pid_fn != NULL) + sizeof(*device) + (device_fn != NULL);
}
