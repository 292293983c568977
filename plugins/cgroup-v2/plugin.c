/* SPDX-License-Identifier: Apache-2.0 */
/* The entry point and the ops table of cgroup-v2.so. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/vfs.h>

#include "cgv2.h"

#define CGV2_VERSION "0.1.0"

static const struct berth_cgroup_ops cgroup_v2_ops = {
    .struct_size = sizeof(struct berth_cgroup_ops),
    .create = cgv2_create,
    .load = cgv2_load,
    .save = cgv2_save,
    .enter = cgv2_enter,
    .apply = cgv2_apply,
    .freeze = cgv2_freeze,
    .is_frozen = cgv2_is_frozen,
    .get_pids = cgv2_get_pids,
    .stats = cgv2_stats,
    .destroy = cgv2_destroy,
    .release = cgv2_release,
    .cgroup_fd = cgv2_cgroup_fd,
    .enter_sub = cgv2_enter_sub,
    .kill_all = cgv2_kill_all,
    .auto_rank = 10,
};

static const struct berth_plugin cgroup_v2_plugin = {
    .magic = BERTH_PLUGIN_MAGIC,
    .abi_major = BERTH_ABI_MAJOR,
    .abi_minor = BERTH_ABI_MINOR,
    .struct_size = sizeof(struct berth_plugin),
    .kind = BERTH_PLUGIN_KIND_CGROUP,
    .name = "cgroup-v2",
    .version = CGV2_VERSION,
    .capabilities = BERTH_CGROUP_CAP_FREEZE | BERTH_CGROUP_CAP_STATS | BERTH_CGROUP_CAP_UNIFIED |
                    BERTH_CGROUP_CAP_AUTO,
    .requires = BERTH_HOST_FEATURES_1_0,
    .cgroup = &cgroup_v2_ops,
};

/* Whether mountinfo lists a cgroup v1 hierarchy ("- cgroup " is its filesystem type). */
static bool v1_mounted(void) {
  FILE *f = fopen("/proc/self/mountinfo", "re");
  char *line = NULL;
  size_t size = 0;
  bool found = false;
  while (f != NULL && !found && getline(&line, &size, f) > 0)
    found = strstr(line, " - cgroup ") != NULL;
  free(line);
  if (f != NULL)
    fclose(f);
  return found;
}

BERTH_PLUGIN_EXPORT const struct berth_plugin *
berth_plugin_entry(const struct berth_host_api *host) {
  if (!cgc_init_host(host, "cgroup-v2"))
    return NULL;

  /* Refuse a host without a cgroup2 mount, and a hybrid one: where /sys/fs/cgroup is not
   * cgroup2 and v1 hierarchies are mounted, the controllers are v1's and the v1 driver is the
   * one that applies. (A cgroup2 mount elsewhere, with no v1 hierarchy, is used.) */
  _cleanup_unified_ struct unified u = {0};
  struct cgc_failure f = {0};
  if (discover_unified(&u, &f) < 0) {
    host->log(BERTH_LOG_INFO, "cgroup-v2: %s: %s", f.msg, strerror(f.errnum));
    return NULL;
  }
  struct statfs st;
  if ((statfs("/sys/fs/cgroup", &st) < 0 || st.f_type != CGROUP2_SUPER_MAGIC) && v1_mounted()) {
    host->log(BERTH_LOG_INFO, "cgroup-v2: /sys/fs/cgroup is not a cgroup2 mount on this host "
                              "(legacy or hybrid layout; the v1 driver applies)");
    return NULL;
  }
  return &cgroup_v2_plugin;
}
