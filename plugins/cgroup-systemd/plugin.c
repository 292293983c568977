/* SPDX-License-Identifier: Apache-2.0 */
/* The entry point and the ops table of cgroup-systemd.so. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>

#include "sd.h"

#define CGSD_VERSION "0.1.0"

static const struct berth_cgroup_ops cgroup_systemd_ops = {
    .struct_size = sizeof(struct berth_cgroup_ops),
    .create = cgsd_create,
    .load = cgsd_load,
    .save = cgsd_save,
    .enter = cgsd_enter,
    .apply = cgsd_apply,
    .freeze = cgsd_freeze,
    .is_frozen = cgsd_is_frozen,
    .get_pids = cgsd_get_pids,
    .stats = cgsd_stats,
    .destroy = cgsd_destroy,
    .release = cgsd_release,
    .cgroup_fd = cgsd_cgroup_fd,
    .enter_sub = cgsd_enter_sub,
    .kill_all = cgsd_kill_all,
    .auto_rank = 10,
};

static struct berth_plugin cgroup_systemd_plugin = {
    .magic = BERTH_PLUGIN_MAGIC,
    .abi_major = BERTH_ABI_MAJOR,
    .abi_minor = BERTH_ABI_MINOR,
    .struct_size = sizeof(struct berth_plugin),
    .kind = BERTH_PLUGIN_KIND_CGROUP,
    .name = "cgroup-systemd",
    .version = CGSD_VERSION,
    .capabilities =
        BERTH_CGROUP_CAP_FREEZE | BERTH_CGROUP_CAP_STATS | BERTH_CGROUP_CAP_SYSTEMD_PATH,
    .requires = BERTH_HOST_FEATURES_1_0,
    .cgroup = &cgroup_systemd_ops,
};

/* Refuses a host where systemd is not the init (sd_booted()'s test): there is no manager to
 * ask for units. auto picks this driver only for a systemd-form cgroupsPath (no
 * BERTH_CGROUP_CAP_AUTO), as runc does. */
BERTH_PLUGIN_EXPORT const struct berth_plugin *
berth_plugin_entry(const struct berth_host_api *host) {
  if (!cgc_init_host(host, "cgroup-systemd"))
    return NULL;
  struct stat st;
  if (stat("/run/systemd/system", &st) < 0) {
    host->log(BERTH_LOG_INFO,
              "cgroup-systemd: systemd is not running on this host (no /run/systemd/system)");
    return NULL;
  }
  if (unified_host())
    cgroup_systemd_plugin.capabilities |= BERTH_CGROUP_CAP_UNIFIED;
  return &cgroup_systemd_plugin;
}
