/* SPDX-License-Identifier: Apache-2.0 */
/* OOM kills as they happen (`events`), rather than at the next stats tick, when the container
 * may already be deleted. The container's memory cgroup is found as the kernel reports it
 * (/proc/PID/cgroup of its init, below the hierarchy's mount) and watched the way runc
 * does: cgroup v1's memory.oom_control notification (an eventfd registered through
 * cgroup.event_control), cgroup v2's memory.events through inotify. It needs nothing that a
 * cgroup plugin decides, hence no plugin op. */
#ifndef BERTH_OOM_WATCH_H
#define BERTH_OOM_WATCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

struct berth_oom_watch {
  int fd;  /* readable when something happened: poll it */
  int dir; /* the memory cgroup's directory */
  bool v2;
  long long kills; /* v2: memory.events oom_kill as last read */
  /* v2: the parent's directory and its (hierarchical) oom_kill as last read, -1 when it has
   * none (the root): what tells a kill that the removal of the cgroup hid from us. */
  int parent;
  long long parent_kills;
  int events_wd; /* v2: the inotify watch of memory.events */
};
#define BERTH_OOM_WATCH_INIT                                                                       \
  { .fd = -1, .dir = -1, .parent = -1, .parent_kills = -1, .events_wd = -1 }

/* Watch the memory cgroup that pid is in. Fails when it has none (no memory controller) or
 * the notification cannot be set up; then the caller falls back to the stats. */
int berth_oom_watch_open(pid_t pid, struct berth_oom_watch *w, struct berth_error *err);
/* After fd polled readable: how many OOM events since the last call (0 when fd woke for
 * something else); *gone is set when the cgroup was removed and nothing more will come. */
int berth_oom_watch_check(struct berth_oom_watch *w, bool *gone);
void berth_oom_watch_close(struct berth_oom_watch *w);

#endif
