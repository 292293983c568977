/* SPDX-License-Identifier: Apache-2.0 */
/* What test_cgroup_v1 needs around the plugin: a fake host, the plugin loaded the way the
 * core loads it, an independent view of the host's hierarchies, child processes and a
 * cleanup that removes every cgroup the tests made. */
#ifndef CGV1_TEST_FIXTURE_H
#define CGV1_TEST_FIXTURE_H

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

/* dlopen $BERTH_PLUGIN_PATH/cgroup-v1.so and call its entry; NULL with a message. */
const struct berth_plugin *load_plugin(const char **why);
berth_plugin_entry_fn plugin_entry(void);

void error_clear(struct berth_error *err);

/* The test's own reading of /proc/self/mountinfo + /proc/self/cgroup. */
struct test_hierarchy {
  char controllers[64]; /* "memory", "name=systemd", "unified" */
  char mountpoint[256];
  char own[256]; /* berth's cgroup below the mount point, "" or "/a/b" */
};
extern struct test_hierarchy hierarchies[32];
extern size_t n_hierarchies;
int discover_test_hierarchies(void);
const struct test_hierarchy *hierarchy_with(const char *controller);

/* "berth-test-cgv1-<pid>": every cgroup a test makes lives below it (or is named after it). */
extern char test_root[64];
/* Absolute path of relative cgroupsPath rel in hierarchy h. */
void cgroup_path(const struct test_hierarchy *h, const char *rel, char *out, size_t size);
bool dir_exists(const char *path);
/* Contents of dir/name, trimmed; "" when unreadable. */
void read_trimmed(const char *dir, const char *name, char *out, size_t size);
bool file_has_line(const char *dir, const char *name, const char *line);

/* Children, killed by pid in cleanup. */
pid_t spawn_sleeper(void);
/* A child that, once told, touches and mlocks `bytes` of memory; call hog_start after
 * moving it into a cgroup. */
pid_t spawn_hog(size_t bytes);
void hog_start(pid_t pid);
void kill_child(pid_t pid);
void kill_children(void);

/* Thaw and remove everything below test_root (and the absolute-path twins) everywhere. */
void remove_test_cgroups(void);

#endif
