/* SPDX-License-Identifier: Apache-2.0 */
/* The container on disk: state.json written atomically, Load, status, removal. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "error.h"
#include "json_util.h"
#include "spec.h"
#include "state.h"
#include "util.h"

struct fixture {
  char root[64]; /* a fresh --root */
  int root_fd;
  char outside[64]; /* a directory beside it that nothing may touch */
};

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  return remove(path);
}

static void remove_tree(const char *path) {
  nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int setup(void **state) {
  struct fixture *fx = calloc(1, sizeof(*fx));
  if (fx == NULL)
    return -1;
  snprintf(fx->root, sizeof(fx->root), "/tmp/berth-unit-state-XXXXXX");
  snprintf(fx->outside, sizeof(fx->outside), "/tmp/berth-unit-outside-XXXXXX");
  if (mkdtemp(fx->root) == NULL || mkdtemp(fx->outside) == NULL)
    return -1;
  struct berth_error err = {0};
  fx->root_fd = berth_root_open(fx->root, false, &err);
  berth_error_clear(&err);
  if (fx->root_fd < 0)
    return -1;
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  struct fixture *fx = *state;
  close(fx->root_fd);
  remove_tree(fx->root);
  remove_tree(fx->outside);
  free(fx);
  return 0;
}

static void assert_contains(const char *msg, const char *needle) {
  if (msg == NULL)
    fail_msg("no error message (wanted \"%s\")", needle);
  if (strstr(msg, needle) == NULL)
    fail_msg("message \"%s\" lacks \"%s\"", msg, needle);
}

static void write_file(int dirfd, const char *name, const char *text) {
  int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  assert_true(fd >= 0);
  assert_int_equal(write_all(fd, text, strlen(text)), 0);
  close(fd);
}

static bool exists_at(int dirfd, const char *name) {
  return faccessat(dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* A state dir as `create` leaves it, with a state.json written by hand (not by
 * berth_state_write) so that Load is tested on its own. Returns the dir's fd. */
static int make_container(int root_fd, const char *id, pid_t pid, unsigned long long start) {
  assert_int_equal(mkdirat(root_fd, id, 0711), 0);
  int dir_fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true(dir_fd >= 0);
  char text[2048];
  snprintf(text, sizeof(text),
           "{\"id\": \"%s\", \"init_process_pid\": %d, \"init_process_start\": %llu,"
           " \"created\": \"2024-05-06T07:08:09.123456789Z\", \"bundle\": \"/srv/bundles/%s\","
           " \"rootfs\": \"/srv/bundles/%s/rootfs\", \"owner_uid\": 0, \"rootless\": false,"
           " \"cgroup\": {\"driver\": \"none\"},"
           " \"config\": {\"ociVersion\": \"1.0.2\", \"hostname\": \"h-%s\","
           " \"annotations\": {\"org.example.key\": \"value\"},"
           " \"process\": {\"args\": [\"sleep\", \"1\"], \"cwd\": \"/\","
           " \"user\": {\"uid\": 0, \"gid\": 0}}, \"root\": {\"path\": \"rootfs\"},"
           " \"linux\": {\"namespaces\": [{\"type\": \"mount\"}]}}}",
           id, (int)pid, start, id, id, id);
  write_file(dir_fd, BERTH_STATE_FILE, text);
  return dir_fd;
}

static struct berth_container *load_or_fail(int root_fd, const char *id) {
  struct berth_container *c = NULL;
  struct berth_error err = {0};
  if (berth_container_load(root_fd, id, &c, &err) != 0)
    fail_msg("load %s: %s", id, err.msg);
  assert_non_null(c);
  return c;
}

/* A pid that existed a moment ago and is gone now. */
static pid_t dead_pid(void) {
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0)
    _exit(0);
  assert_int_equal(waitpid(pid, NULL, 0), pid);
  return pid;
}

/* --- berth_state_write --- */

/* Writers at once (an engine's update racing another): each writes under its own temporary
 * name, so state.json is always one whole writer's text, never a mix or a truncated file. */
static void test_state_write_concurrent_writers_never_tear(void **state) {
  struct fixture *fx = *state;
  assert_int_equal(mkdirat(fx->root_fd, "c", 0700), 0);
  int dir_fd = openat(fx->root_fd, "c", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true(dir_fd >= 0);
  pid_t writers[4];
  for (int w = 0; w < 4; w++) {
    writers[w] = fork();
    assert_true(writers[w] >= 0);
    if (writers[w] == 0) {
      /* Texts of different lengths, so that a torn file shows. */
      json_object *o = json_object_new_object();
      char pad[4096];
      memset(pad, 'a' + w, sizeof(pad) - 1);
      pad[sizeof(pad) - 1 - w * 1000] = '\0';
      json_object_object_add(o, "pad", json_object_new_string(pad));
      struct berth_error err = {0};
      for (int i = 0; i < 200; i++)
        if (berth_state_write(dir_fd, o, &err) < 0)
          _exit(1);
      _exit(0);
    }
  }
  int torn = 0, reads = 0, status[4] = {-1, -1, -1, -1};
  for (bool running = true; running;) {
    running = false;
    for (int w = 0; w < 4; w++)
      if (status[w] == -1 && waitpid(writers[w], &status[w], WNOHANG) == 0) {
        status[w] = -1;
        running = true;
      }
    char *text = NULL;
    struct berth_error err = {0};
    if (read_file_at(dir_fd, BERTH_STATE_FILE, &text, &err) == 0) {
      json_object *o = json_tokener_parse(text);
      torn += o == NULL;
      json_object_put(o);
      reads++;
    }
    free(text);
    berth_error_clear(&err);
  }
  /* Every writer succeeded: none found its temporary file renamed away by another. */
  for (int w = 0; w < 4; w++)
    assert_int_equal(status[w], 0);
  assert_true(reads > 0);
  assert_int_equal(torn, 0);
  /* No writer's temporary file is left over. */
  DIR *d = fdopendir(dup(dir_fd));
  assert_non_null(d);
  for (struct dirent *e = readdir(d); e != NULL; e = readdir(d))
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      assert_string_equal(e->d_name, BERTH_STATE_FILE);
  closedir(d);
  close(dir_fd);
}

static void test_state_write_leaves_no_temp_file(void **state) {
  struct fixture *fx = *state;
  assert_int_equal(mkdirat(fx->root_fd, "c1", 0711), 0);
  int dir_fd = openat(fx->root_fd, "c1", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true(dir_fd >= 0);
  json_object *s = json_object_new_object();
  json_object_object_add(s, "id", json_object_new_string("c1"));
  struct berth_error err = {0};
  assert_int_equal(berth_state_write(dir_fd, s, &err), 0);
  assert_null(err.msg);

  DIR *d = fdopendir(dup(dir_fd));
  assert_non_null(d);
  int files = 0;
  for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (strcmp(e->d_name, BERTH_STATE_FILE) != 0)
      fail_msg("berth_state_write left %s behind", e->d_name);
    files++;
  }
  closedir(d);
  assert_int_equal(files, 1);
  json_object_put(s);
  close(dir_fd);
}

static void test_state_write_content_parses_back(void **state) {
  struct fixture *fx = *state;
  int dir_fd = make_container(fx->root_fd, "c1", 1, 1);
  json_object *s = NULL;
  struct berth_error err = {0};
  assert_int_equal(berth_spec_parse("{\"id\": \"c1\", \"init_process_pid\": 4242,"
                                    " \"note\": \"quotes \\\" and \\n newlines\","
                                    " \"nested\": {\"list\": [1, 2, 3]}}",
                                    "test", &s, &err),
                   0);
  assert_int_equal(berth_state_write(dir_fd, s, &err), 0);

  char *text = NULL;
  assert_int_equal(read_file_at(dir_fd, BERTH_STATE_FILE, &text, &err), 0);
  json_object *back = NULL;
  assert_int_equal(berth_spec_parse(text, BERTH_STATE_FILE, &back, &err), 0);
  assert_true(json_object_equal(s, back));
  free(text);
  json_object_put(back);
  json_object_put(s);
  close(dir_fd);
}

/* Written beside and renamed over: a reader sees the old file or the new, never a
 * truncated one, so the replacement is a new inode. */
static void test_state_write_replaces_file_by_rename(void **state) {
  struct fixture *fx = *state;
  int dir_fd = make_container(fx->root_fd, "c1", 1, 1);
  struct stat before, after;
  assert_int_equal(fstatat(dir_fd, BERTH_STATE_FILE, &before, AT_SYMLINK_NOFOLLOW), 0);
  json_object *s = json_object_new_object();
  json_object_object_add(s, "id", json_object_new_string("replaced"));
  struct berth_error err = {0};
  assert_int_equal(berth_state_write(dir_fd, s, &err), 0);
  assert_int_equal(fstatat(dir_fd, BERTH_STATE_FILE, &after, AT_SYMLINK_NOFOLLOW), 0);
  assert_true(before.st_ino != after.st_ino);
  assert_true(S_ISREG(after.st_mode));
  assert_int_equal(after.st_mode & 022, 0);

  char *text = NULL;
  assert_int_equal(read_file_at(dir_fd, BERTH_STATE_FILE, &text, &err), 0);
  assert_non_null(strstr(text, "replaced"));
  assert_null(strstr(text, "init_process_pid"));
  free(text);
  json_object_put(s);
  close(dir_fd);
}

/* A symlink planted as state.json is replaced, not written through. */
static void test_state_write_does_not_follow_planted_symlink(void **state) {
  struct fixture *fx = *state;
  assert_int_equal(mkdirat(fx->root_fd, "c1", 0711), 0);
  int dir_fd = openat(fx->root_fd, "c1", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true(dir_fd >= 0);
  char victim[128];
  snprintf(victim, sizeof(victim), "%s/victim", fx->outside);
  int out_fd = open(fx->outside, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  write_file(out_fd, "victim", "untouched");
  assert_int_equal(symlinkat(victim, dir_fd, BERTH_STATE_FILE), 0);

  json_object *s = json_object_new_object();
  struct berth_error err = {0};
  assert_int_equal(berth_state_write(dir_fd, s, &err), 0);
  char *text = NULL;
  assert_int_equal(read_file_at(out_fd, "victim", &text, &err), 0);
  assert_string_equal(text, "untouched");
  free(text);
  struct stat st;
  assert_int_equal(fstatat(dir_fd, BERTH_STATE_FILE, &st, AT_SYMLINK_NOFOLLOW), 0);
  assert_true(S_ISREG(st.st_mode));
  json_object_put(s);
  close(out_fd);
  close(dir_fd);
}

/* --- berth_container_load --- */

static void test_container_load_round_trips_state(void **state) {
  struct fixture *fx = *state;
  close(make_container(fx->root_fd, "c1", 4242, 987654321ull));
  struct berth_container *c = load_or_fail(fx->root_fd, "c1");
  assert_string_equal(c->id, "c1");
  assert_int_equal(c->pid, 4242);
  assert_int_equal(c->start_time, 987654321ull);
  assert_true(c->dir_fd >= 0);
  assert_non_null(c->spec);
  assert_string_equal(json_get_str(c->spec, "ociVersion"), "1.0.2");
  assert_string_equal(json_get_str(c->spec, "hostname"), "h-c1");
  assert_string_equal(c->cg.driver, "none");
  assert_null(c->cg.plugin);

  json_object *oci = berth_container_oci_state(c, BERTH_CREATED);
  assert_string_equal(json_get_str(oci, "ociVersion"), "1.0.2");
  assert_string_equal(json_get_str(oci, "id"), "c1");
  assert_string_equal(json_get_str(oci, "status"), "created");
  assert_int_equal(json_get_int(oci, "pid", -1), 4242);
  assert_string_equal(json_get_str(oci, "bundle"), "/srv/bundles/c1");
  assert_string_equal(json_get_str(oci, "rootfs"), "/srv/bundles/c1/rootfs");
  assert_string_equal(json_get_str(oci, "created"), "2024-05-06T07:08:09.123456789Z");
  assert_string_equal(json_get_str(oci, "owner"), "root");
  assert_string_equal(json_get_str(json_get(oci, "annotations"), "org.example.key"), "value");
  json_object_put(oci);
  berth_container_free(c);
}

static void test_container_load_reads_what_state_write_wrote(void **state) {
  struct fixture *fx = *state;
  int dir_fd = make_container(fx->root_fd, "c1", 1, 1);
  json_object *s = NULL;
  struct berth_error err = {0};
  assert_int_equal(berth_spec_parse("{\"id\": \"c1\", \"init_process_pid\": 777,"
                                    " \"init_process_start\": 12345,"
                                    " \"cgroup\": {\"driver\": \"none\"},"
                                    " \"config\": {\"ociVersion\": \"1.1.0\"}}",
                                    "test", &s, &err),
                   0);
  assert_int_equal(berth_state_write(dir_fd, s, &err), 0);
  struct berth_container *c = load_or_fail(fx->root_fd, "c1");
  assert_int_equal(c->pid, 777);
  assert_int_equal(c->start_time, 12345ull);
  assert_string_equal(json_get_str(c->spec, "ociVersion"), "1.1.0");
  berth_container_free(c);
  json_object_put(s);
  close(dir_fd);
}

static void test_container_load_reports_missing_id(void **state) {
  struct fixture *fx = *state;
  struct berth_container *c = NULL;
  struct berth_error err = {0};
  int r = berth_container_load(fx->root_fd, "nope", &c, &err);
  assert_int_equal(r, -ENOENT);
  assert_null(c);
  assert_contains(err.msg, "container nope does not exist");
  assert_int_equal(err.code, ENOENT);
  berth_error_clear(&err);
}

static void test_container_load_refuses_invalid_id(void **state) {
  struct fixture *fx = *state;
  static const char *const ids[] = {"../x", "..", "a/b", "a b"};
  for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
    struct berth_container *c = NULL;
    struct berth_error err = {0};
    assert_true(berth_container_load(fx->root_fd, ids[i], &c, &err) < 0);
    assert_null(c);
    assert_contains(err.msg, "invalid container id");
    berth_error_clear(&err);
  }
}

/* --root/ID being a symlink to a directory elsewhere must not be followed, even when the
 * target holds a perfectly good state.json. */
static void test_container_load_refuses_symlinked_state_dir(void **state) {
  struct fixture *fx = *state;
  int out_fd = open(fx->outside, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true(out_fd >= 0);
  close(make_container(out_fd, "real", 4242, 1));
  char target[128];
  snprintf(target, sizeof(target), "%s/real", fx->outside);
  assert_int_equal(symlinkat(target, fx->root_fd, "evil"), 0);

  struct berth_container *c = NULL;
  struct berth_error err = {0};
  int r = berth_container_load(fx->root_fd, "evil", &c, &err);
  if (r == 0)
    fail_msg("loaded a container through a symlinked state dir");
  assert_null(c);
  assert_contains(err.msg, "evil");
  berth_error_clear(&err);
  close(out_fd);
}

static void test_container_load_reports_corrupt_state(void **state) {
  struct fixture *fx = *state;
  int dir_fd = make_container(fx->root_fd, "c1", 1, 1);
  write_file(dir_fd, BERTH_STATE_FILE, "{\"id\": \"c1\", \"init_process_pid\": ");
  struct berth_container *c = NULL;
  struct berth_error err = {0};
  assert_true(berth_container_load(fx->root_fd, "c1", &c, &err) < 0);
  assert_null(c);
  assert_contains(err.msg, "state.json");
  assert_contains(err.msg, "invalid JSON");
  berth_error_clear(&err);
  close(dir_fd);
}

static void test_container_load_refuses_state_without_pid(void **state) {
  struct fixture *fx = *state;
  int dir_fd = make_container(fx->root_fd, "c1", 1, 1);
  write_file(dir_fd, BERTH_STATE_FILE,
             "{\"id\": \"c1\", \"cgroup\": {\"driver\": \"none\"}, \"config\": {}}");
  struct berth_container *c = NULL;
  struct berth_error err = {0};
  assert_true(berth_container_load(fx->root_fd, "c1", &c, &err) < 0);
  assert_null(c);
  assert_contains(err.msg, "init_process_pid");
  berth_error_clear(&err);
  close(dir_fd);
}

/* --- berth_container_status --- */

static void test_status_stopped_for_dead_pid(void **state) {
  struct fixture *fx = *state;
  pid_t pid = dead_pid();
  close(make_container(fx->root_fd, "c1", pid, 1));
  struct berth_container *c = load_or_fail(fx->root_fd, "c1");
  assert_int_equal(berth_container_status(c), BERTH_STOPPED);
  assert_string_equal(berth_status_name(berth_container_status(c)), "stopped");

  json_object *oci = berth_container_oci_state(c, BERTH_STOPPED);
  assert_int_equal(json_get_int(oci, "pid", -1), 0);
  json_object_put(oci);
  berth_container_free(c);
}

/* The pid is alive but is not our init any more: it was recycled. */
static void test_status_stopped_for_live_pid_with_other_start_time(void **state) {
  struct fixture *fx = *state;
  unsigned long long start = process_start_time(getpid());
  assert_true(start > 0);
  int dir_fd = make_container(fx->root_fd, "c1", getpid(), start + 1);
  assert_int_equal(mkfifoat(dir_fd, BERTH_FIFO_FILE, 0600), 0);
  struct berth_container *c = load_or_fail(fx->root_fd, "c1");
  assert_int_equal(berth_container_status(c), BERTH_STOPPED);
  berth_container_free(c);
  close(dir_fd);
}

static void test_status_created_with_fifo_and_live_pid(void **state) {
  struct fixture *fx = *state;
  int dir_fd = make_container(fx->root_fd, "c1", getpid(), process_start_time(getpid()));
  assert_int_equal(mkfifoat(dir_fd, BERTH_FIFO_FILE, 0600), 0);
  struct berth_container *c = load_or_fail(fx->root_fd, "c1");
  assert_int_equal(berth_container_status(c), BERTH_CREATED);
  assert_string_equal(berth_status_name(BERTH_CREATED), "created");
  berth_container_free(c);
  close(dir_fd);
}

static void test_status_running_without_fifo(void **state) {
  struct fixture *fx = *state;
  close(make_container(fx->root_fd, "c1", getpid(), process_start_time(getpid())));
  struct berth_container *c = load_or_fail(fx->root_fd, "c1");
  assert_int_equal(berth_container_status(c), BERTH_RUNNING);
  assert_string_equal(berth_status_name(BERTH_RUNNING), "running");
  berth_container_free(c);
}

/* --- berth_state_dir_remove --- */

static void test_state_dir_remove_removes_everything(void **state) {
  struct fixture *fx = *state;
  int dir_fd = make_container(fx->root_fd, "c1", 1, 1);
  assert_int_equal(mkfifoat(dir_fd, BERTH_FIFO_FILE, 0600), 0);
  write_file(dir_fd, ".state.json.tmp", "{}"); /* left by a crash mid-write */
  write_file(dir_fd, "extra", "x");
  close(dir_fd);

  struct berth_error err = {0};
  assert_int_equal(berth_state_dir_remove(fx->root_fd, "c1", &err), 0);
  assert_null(err.msg);
  assert_false(exists_at(fx->root_fd, "c1"));
  assert_int_equal(berth_state_dir_open(fx->root_fd, "c1", &err), -ENOENT);

  struct berth_container *c = NULL;
  assert_int_equal(berth_container_load(fx->root_fd, "c1", &c, &err), -ENOENT);
  berth_error_clear(&err);
}

static void test_state_dir_remove_of_missing_id_succeeds(void **state) {
  struct fixture *fx = *state;
  struct berth_error err = {0};
  assert_int_equal(berth_state_dir_remove(fx->root_fd, "never-was", &err), 0);
  assert_null(err.msg);
}

/* Removing a container whose state dir was swapped for a symlink must not empty the
 * directory the symlink points to. */
static void test_state_dir_remove_does_not_follow_symlink(void **state) {
  struct fixture *fx = *state;
  int out_fd = open(fx->outside, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true(out_fd >= 0);
  write_file(out_fd, "precious", "data");
  assert_int_equal(symlinkat(fx->outside, fx->root_fd, "evil"), 0);

  struct berth_error err = {0};
  berth_state_dir_remove(fx->root_fd, "evil", &err);
  berth_error_clear(&err);
  assert_true(exists_at(out_fd, "precious"));
  close(out_fd);
}

#define STATE_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      STATE_TEST(test_state_write_concurrent_writers_never_tear),
      STATE_TEST(test_state_write_leaves_no_temp_file),
      STATE_TEST(test_state_write_content_parses_back),
      STATE_TEST(test_state_write_replaces_file_by_rename),
      STATE_TEST(test_state_write_does_not_follow_planted_symlink),
      STATE_TEST(test_container_load_round_trips_state),
      STATE_TEST(test_container_load_reads_what_state_write_wrote),
      STATE_TEST(test_container_load_reports_missing_id),
      STATE_TEST(test_container_load_refuses_invalid_id),
      STATE_TEST(test_container_load_refuses_symlinked_state_dir),
      STATE_TEST(test_container_load_reports_corrupt_state),
      STATE_TEST(test_container_load_refuses_state_without_pid),
      STATE_TEST(test_status_stopped_for_dead_pid),
      STATE_TEST(test_status_stopped_for_live_pid_with_other_start_time),
      STATE_TEST(test_status_created_with_fifo_and_live_pid),
      STATE_TEST(test_status_running_without_fifo),
      STATE_TEST(test_state_dir_remove_removes_everything),
      STATE_TEST(test_state_dir_remove_of_missing_id_succeeds),
      STATE_TEST(test_state_dir_remove_does_not_follow_symlink),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
