/* SPDX-License-Identifier: Apache-2.0 */
/* What test_cgroup_v2 needs around the plugin: a fake host, the plugin loaded the way the
 * core loads it, a private mount namespace with cgroup2 at /sys/fs/cgroup, an independent
 * view of the hierarchy, child processes, and a cleanup that removes every cgroup the tests
 * made (and only those). */
#ifndef CGV2_TEST_FIXTURE_H
#define CGV2_TEST_FIXTURE_H

#include <berth/plugin.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The host's error object, as the core defines it. */
struct berth_error {
  int code;
  char *msg;
};

extern const struct berth_host_api fake_host;
extern const struct berth_plugin *plugin;
extern const struct berth_cgroup_ops *ops;

/* dlopen $BERTH_PLUGIN_PATH/cgroup-v2.so and call its entry; NULL with a message. */
const struct berth_plugin *load_plugin(const char **why);
berth_plugin_entry_fn plugin_entry(void);

void error_clear(struct berth_error *err);

/* "berth-test-cgv2-<pid of the test program>": every cgroup a test makes is named after it.
 * Set by name_test_root() before the tests fork. */
extern char test_root[64];
void name_test_root(void);

/* The test's own reading of where cgroup2 is and where relative cgroupsPaths go. */
extern char cg_mount[256]; /* the cgroup2 mount point, /sys/fs/cgroup in the test child */
extern char cg_base[512];  /* mount + parent of the test's own cgroup (runc's rule) */
int discover_test_unified(void);

/* Unshare the mount namespace (private propagation) and mount cgroup2 at /sys/fs/cgroup
 * unless it is there already. 0, or -errno with a message on stderr. */
int enter_unified_view(void);

/* Absolute path of relative cgroupsPath rel. */
void cgroup_path(const char *rel, char *out, size_t size);
bool dir_exists(const char *path);
/* Contents of dir/name, trimmed; "" when unreadable. */
void read_trimmed(const char *dir, const char *name, char *out, size_t size);
bool file_has_line(const char *dir, const char *name, const char *line);
/* Is word in the space-separated dir/name (cgroup.controllers ...)? */
bool file_has_word(const char *dir, const char *name, const char *word);
int write_file(const char *dir, const char *name, const char *value);

/* Children, killed by pid in cleanup. */
pid_t spawn_sleeper(void);
/* A child that busy-loops incrementing *counter (shared memory) until killed. */
pid_t spawn_spinner(volatile unsigned long **counter);
void track_child(pid_t pid);
void kill_child(pid_t pid);
/* Reap a child killed by someone else; its wait status. */
int reap_child(pid_t pid);
void kill_children(void);

/* Thaw, kill and remove everything named after test_root, below cg_base and cg_mount. */
void remove_test_cgroups(void);

#endif
