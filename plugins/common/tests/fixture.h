/* SPDX-License-Identifier: Apache-2.0 */
/* What every cgroup plugin test needs around the plugin: a fake host, the plugin loaded the
 * way the core loads it, the handles a test made, checks of the host's error message, files
 * read the way a user would, child processes, and the removal of test cgroup trees. Each
 * plugin's tests/fixture.h adds its own view of the host's hierarchies on top. */
#ifndef CGC_TEST_FIXTURE_H
#define CGC_TEST_FIXTURE_H

#include <berth/plugin.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The host's error object, as the core defines it. */
struct berth_error {
  int code;
  char *msg;
};

/* error() keeps the first message, with ": strerror(errnum)" appended as the core does;
 * log() prints warnings and errors (everything with BERTH_TEST_VERBOSE set). */
extern const struct berth_host_api fake_host;
/* The error object the tests pass to every call. */
extern struct berth_error err;
void error_clear(struct berth_error *e);

extern const struct berth_plugin *plugin;
extern const struct berth_cgroup_ops *ops;
/* dlopen $BERTH_PLUGIN_PATH/<name>.so and call its entry; NULL with a message. */
const struct berth_plugin *load_plugin(const char *name, const char **why);
berth_plugin_entry_fn plugin_entry(void);

/* "berth-test-<tag>-<pid>": every cgroup a test makes is named after it. */
extern char test_root[64];
void name_test_root(const char *tag);
/* Is test_root named (so that a cleanup touches nothing but the tests' own cgroups)? */
bool test_root_named(void);
/* "<test_root>/name", in one of 8 rotating buffers. */
const char *rel(const char *name);

/* Handles a test made, released by release_handles() (the teardown) so that a failed check
 * leaks nothing. */
struct berth_cgroup *track_handle(struct berth_cgroup *cg);
void release_handle(struct berth_cgroup *cg);
void release_handles(void);
/* ops->create with that cgroupsPath and linux.resources text; the handle is tracked. */
int try_create(const char *id, const char *cgroups_path, const char *resources, uint32_t flags,
               struct berth_cgroup **out);
/* create "c1" at rel(name), which must succeed. */
struct berth_cgroup *create(const char *name, const char *resources);
/* err holds a message mentioning fragment (and r is an error). */
void expect_mention(const char *fragment);
void expect_error(int r, const char *fragment);

bool dir_exists(const char *path);
/* Contents of dir/name, trimmed; "" when unreadable. */
void read_trimmed(const char *dir, const char *name, char *out, size_t size);
bool file_has_line(const char *dir, const char *name, const char *line);
/* Is word in the space-separated dir/name (cgroup.controllers ...)? */
bool file_has_word(const char *dir, const char *name, const char *word);
int write_file(const char *dir, const char *name, const char *value);

/* Children, killed by pid in cleanup; go and ready are pipes a child may be driven through
 * (-1 when unused), closed with it. */
struct test_child {
  pid_t pid;
  int go, ready;
};
struct test_child *track_child(pid_t pid);
struct test_child *find_child(pid_t pid);
pid_t spawn_sleeper(void);
/* Reap a child killed by someone else; its wait status. */
int reap_child(pid_t pid);
void kill_child(pid_t pid);
void kill_children(void);

/* Call fn on path and on every directory below it, parents first. */
void for_each_dir(const char *path, void (*fn)(const char *dir));
/* rmdir path after everything below it, waiting out EBUSY for ~2 s; a leftover is reported
 * on stderr. */
void rmdir_tree(const char *path);

#endif
