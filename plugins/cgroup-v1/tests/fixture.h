/* SPDX-License-Identifier: Apache-2.0 */
/* What test_cgroup_v1 needs on top of the common fixture: an independent view of the host's
 * hierarchies, memory hogs, and a cleanup that removes every cgroup the tests made. */
#ifndef CGV1_TEST_FIXTURE_H
#define CGV1_TEST_FIXTURE_H

#include "../../common/tests/fixture.h"

/* The test's own reading of /proc/self/mountinfo + /proc/self/cgroup; names test_root
 * "berth-test-cgv1-<pid>". */
struct test_hierarchy {
  char controllers[64]; /* "memory", "name=systemd", "unified" */
  char mountpoint[256];
  char own[256]; /* berth's cgroup below the mount point, "" or "/a/b" */
};
extern struct test_hierarchy hierarchies[32];
extern size_t n_hierarchies;
int discover_test_hierarchies(void);
const struct test_hierarchy *hierarchy_with(const char *controller);

/* Absolute path of relative cgroupsPath rel in hierarchy h. */
void cgroup_path(const struct test_hierarchy *h, const char *rel, char *out, size_t size);

/* A child that, once told, touches and mlocks `bytes` of memory; call hog_start after
 * moving it into a cgroup. */
pid_t spawn_hog(size_t bytes);
void hog_start(pid_t pid);

/* Thaw and remove everything below test_root (and the absolute-path twins) everywhere. */
void remove_test_cgroups(void);

#endif
