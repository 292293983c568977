/* SPDX-License-Identifier: Apache-2.0 */
/* pause/resume through cgroup.freeze (kernel >= 5.2). Writing the file only asks; the
 * cgroup is frozen once cgroup.events says "frozen 1", which can take a while for tasks
 * in uninterruptible sleep. */
#include <string.h>

#include "fs2.h"
#include "helpers.h"

/* As runc: 1000 rounds of 10 ms. */
#define FREEZE_TIMEOUT_MS 10000

int fs2_read_freeze(int fd, bool *frozen) {
  _cleanup_free_ char *buf = NULL;
  int r = cgc_read_at(fd, "cgroup.freeze", &buf);
  if (r < 0)
    return r;
  /* cgroup.freeze says what was asked of this cgroup (1 while still freezing, too);
   * cgroup.events also says "frozen 1" when an ancestor is frozen. */
  uint64_t inherited = 0;
  *frozen = strcmp(cgc_trim(buf), "1") == 0 ||
            (fs2_read_key_at(fd, "cgroup.events", "frozen", &inherited) == 0 && inherited == 1);
  return 0;
}

int32_t fs2_freeze(struct fs2_cgroup *cg, int32_t frozen, struct berth_error *err) {
  int r = fs2_need_fd(cg, frozen ? "freeze" : "thaw", err);
  if (r < 0)
    return r;
  const char *value = frozen ? "1" : "0";
  r = cgc_write_at(cg->fd, "cgroup.freeze", value);
  if (r == -ENOENT && !frozen)
    return 0; /* no freezer (kernel < 5.2): nothing can be frozen, as runc */
  if (r == -ENOENT)
    return cg_error(err, ENOTSUP, "freeze %s: no cgroup.freeze (the kernel is older than 5.2)",
                    cg->path);
  if (r < 0)
    return cg_error(err, -r, "write cgroup.freeze=%s in %s", value, cg->path);
  r = fs2_wait_event(cg->fd, "frozen", frozen ? 1 : 0, FREEZE_TIMEOUT_MS);
  if (r == -ETIMEDOUT)
    r = cg_error(err, ETIMEDOUT, "%s %s: cgroup.events does not say \"frozen %d\" after %d ms",
                 frozen ? "freeze" : "thaw", cg->path, frozen ? 1 : 0, FREEZE_TIMEOUT_MS);
  else if (r < 0)
    r = cg_error(err, -r, "read \"frozen\" from cgroup.events in %s", cg->path);
  if (r < 0 && frozen) {
    /* Never leave a container half frozen: thaw what did freeze. */
    int t = cgc_write_at(cg->fd, "cgroup.freeze", "0");
    if (t < 0)
      log_warn("cgroup-v2: thaw %s after a failed freeze: %s", cg->path, strerror(-t));
  }
  return r;
}

int32_t fs2_is_frozen(struct fs2_cgroup *cg, int32_t *frozen, struct berth_error *err) {
  *frozen = 0;
  if (cg->fd < 0)
    return 0;
  bool state = false;
  int r = fs2_read_freeze(cg->fd, &state);
  if (r == -ENOENT || r == -ENODEV)
    return 0; /* no freezer, or the cgroup is going away: not paused */
  if (r < 0)
    return cg_error(err, -r, "read cgroup.freeze in %s", cg->path);
  *frozen = state;
  return 0;
}
