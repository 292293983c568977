/* SPDX-License-Identifier: Apache-2.0 */
/* What test_cgroup_v2 needs on top of the common fixture: a private mount namespace with
 * cgroup2 at /sys/fs/cgroup, an independent view of the hierarchy, spinners, and a cleanup
 * that removes every cgroup the tests made (and only those). test_root is
 * "berth-test-cgv2-<pid of the test program>", named before the tests fork. */
#ifndef CGV2_TEST_FIXTURE_H
#define CGV2_TEST_FIXTURE_H

#include "../../common/tests/fixture.h"

/* The test's own reading of where cgroup2 is and where relative cgroupsPaths go. */
extern char cg_mount[256]; /* the cgroup2 mount point, /sys/fs/cgroup in the test child */
extern char cg_base[512];  /* mount + parent of the test's own cgroup (runc's rule) */
int discover_test_unified(void);

/* Unshare the mount namespace (private propagation) and mount cgroup2 at /sys/fs/cgroup
 * unless it is there already. 0, or -errno with a message on stderr. */
int enter_unified_view(void);

/* Absolute path of relative cgroupsPath rel. */
void cgroup_path(const char *rel, char *out, size_t size);

/* A child that busy-loops incrementing *counter (shared memory) until killed. */
pid_t spawn_spinner(volatile unsigned long **counter);

/* Thaw, kill and remove everything named after test_root, below cg_base and cg_mount. */
void remove_test_cgroups(void);

#endif
