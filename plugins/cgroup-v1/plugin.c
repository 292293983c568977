/* SPDX-License-Identifier: Apache-2.0 */
/* The entry point and the ops table of cgroup-v1.so. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "cgv1.h"

#define CGV1_VERSION "0.1.0"

static const struct berth_cgroup_ops cgroup_v1_ops = {
    .struct_size = sizeof(struct berth_cgroup_ops),
    .create = cgv1_create,
    .load = cgv1_load,
    .save = cgv1_save,
    .enter = cgv1_enter,
    .apply = cgv1_apply,
    .freeze = cgv1_freeze,
    .is_frozen = cgv1_is_frozen,
    .get_pids = cgv1_get_pids,
    .stats = cgv1_stats,
    .destroy = cgv1_destroy,
    .release = cgv1_release,
    .cgroup_fd = cgv1_cgroup_fd,
    .enter_sub = cgv1_enter_sub,
    /* After cgroup-v2: v1 is for hosts whose /sys/fs/cgroup is not the unified hierarchy. */
    .auto_rank = 20,
};

static const struct berth_plugin cgroup_v1_plugin = {
    .magic = BERTH_PLUGIN_MAGIC,
    .abi_major = BERTH_ABI_MAJOR,
    .abi_minor = BERTH_ABI_MINOR,
    .struct_size = sizeof(struct berth_plugin),
    .kind = BERTH_PLUGIN_KIND_CGROUP,
    .name = "cgroup-v1",
    .version = CGV1_VERSION,
    .capabilities = BERTH_CGROUP_CAP_FREEZE | BERTH_CGROUP_CAP_STATS | BERTH_CGROUP_CAP_AUTO,
    .requires = BERTH_HOST_FEATURES_1_0,
    .cgroup = &cgroup_v1_ops,
};

BERTH_PLUGIN_EXPORT const struct berth_plugin *
berth_plugin_entry(const struct berth_host_api *host) {
  if (!cgc_init_host(host, "cgroup-v1"))
    return NULL;

  /* Refuse a host without v1 hierarchies: a pure cgroup2 host needs cgroup-v2.so. */
  _cleanup_hierarchies_ struct hierarchies hs = {0};
  struct cgc_failure f = {0};
  if (discover_hierarchies(&hs, &f) < 0) {
    host->log(BERTH_LOG_ERROR, "cgroup-v1: %s: %s", f.msg, strerror(f.errnum));
    return NULL;
  }
  if (count_v1(&hs) == 0) {
    host->log(BERTH_LOG_INFO, "cgroup-v1: no cgroup v1 hierarchy is mounted on this host");
    return NULL;
  }
  return &cgroup_v1_plugin;
}
