/* SPDX-License-Identifier: Apache-2.0 */
/* Where systemd's hierarchy is mounted, and whether the host is unified (the /proc parsing
 * itself is berth-plugin-common's). */
#include <linux/magic.h>
#include <string.h>
#include <sys/vfs.h>

#include "helpers.h"
#include "sd.h"

int hierarchy_mount(bool unified, char **out) {
  *out = NULL;
  _cleanup_mount_table_ struct cgc_mount_table mounts = {0};
  struct cgc_failure f;
  int r = cgc_read_mounts(&mounts, &f);
  if (r < 0)
    return r;
  const char *best = NULL;
  for (size_t i = 0; i < mounts.n; i++) {
    const struct cgc_mount *m = &mounts.list[i];
    if (m->unified != unified || (!unified && !cgc_has_controller(m->options, "name=systemd")))
      continue;
    /* The usual place wins over a later bind of the same hierarchy. */
    if (best == NULL || strcmp(m->mountpoint, "/sys/fs/cgroup") == 0 ||
        strcmp(m->mountpoint, "/sys/fs/cgroup/systemd") == 0)
      best = m->mountpoint;
  }
  if (best == NULL)
    return -ENOENT;
  *out = strdup(best);
  return *out != NULL ? 0 : -ENOMEM;
}

bool unified_host(void) {
  struct statfs st;
  return statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}
