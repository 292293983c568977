/* SPDX-License-Identifier: Apache-2.0 */
/* safe_path: resolution inside an untrusted rootfs (no privileges needed). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "error.h"
#include "safe_path.h"

struct fixture {
  char dir[64];
  int root_fd;
};

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

static void make_dir(struct fixture *f, const char *rel) {
  assert_int_equal(mkdirat(f->root_fd, rel, 0755), 0);
}

static void make_link(struct fixture *f, const char *target, const char *rel) {
  assert_int_equal(symlinkat(target, f->root_fd, rel), 0);
}

/* A small rootfs: /run, /var/run -> /run, /etc/hostname, loops and escapes. */
static int setup(void **state) {
  struct fixture *f = calloc(1, sizeof(*f));
  snprintf(f->dir, sizeof(f->dir), "/tmp/berth-test-XXXXXX");
  if (f == NULL || mkdtemp(f->dir) == NULL)
    return -1;
  f->root_fd = open(f->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  *state = f;
  make_dir(f, "run");
  make_dir(f, "var");
  make_dir(f, "etc");
  make_link(f, "/run", "var/run");
  make_link(f, "../../../../etc", "mnt");
  make_link(f, "b", "a");
  make_link(f, "a", "b");
  make_link(f, "/run/resolv.conf", "etc/resolv.conf");
  make_link(f, "hostname", "etc/relative");
  int fd = openat(f->root_fd, "etc/hostname", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  assert_true(fd >= 0);
  close(fd);
  return 0;
}

static int teardown(void **state) {
  struct fixture *f = *state;
  close(f->root_fd);
  nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  free(f);
  return 0;
}

/* The inode that dir/rel names on the host, without following a last symlink. */
static ino_t host_inode(struct fixture *f, const char *rel) {
  struct stat st;
  if (fstatat(f->root_fd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return 0;
  return st.st_ino;
}

static ino_t fd_inode(int fd) {
  struct stat st;
  assert_int_equal(fstat(fd, &st), 0);
  return st.st_ino;
}

static void test_absolute_symlink_stays_in_rootfs(void **state) {
  struct fixture *f = *state;
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_free_ char *resolved = NULL;
  _cleanup_close_ int fd =
      berth_safe_resolve(f->root_fd, "/var/run/secrets", BERTH_SAFE_MKDIR, &resolved, &err);
  assert_true(fd >= 0);
  assert_string_equal(resolved, "/run/secrets");
  assert_int_equal(fd_inode(fd), host_inode(f, "run/secrets"));
}

static void test_dotdot_symlink_out_of_rootfs_is_refused(void **state) {
  struct fixture *f = *state;
  _cleanup_error_ struct berth_error err = {0};
  int fd = berth_safe_open(f->root_fd, "/mnt/x", BERTH_SAFE_MKDIR, &err);
  assert_int_equal(fd, -EXDEV);
  assert_string_equal(err.msg, "symlink /mnt in the rootfs leads out of it");
  assert_int_equal(access("/etc/x", F_OK), -1); /* nothing created on the host */
}

static void test_literal_dotdot_stops_at_root(void **state) {
  struct fixture *f = *state;
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_free_ char *resolved = NULL;
  _cleanup_close_ int fd = berth_safe_resolve(f->root_fd, "/../../etc/../run", 0, &resolved, &err);
  assert_true(fd >= 0);
  assert_string_equal(resolved, "/run");
}

static void test_symlink_loop_is_refused(void **state) {
  struct fixture *f = *state;
  _cleanup_error_ struct berth_error err = {0};
  assert_int_equal(berth_safe_open(f->root_fd, "/a/x", 0, &err), -ELOOP);
  assert_non_null(strstr(err.msg, "Too many levels of symbolic links"));
}

static void test_missing_components_are_created(void **state) {
  struct fixture *f = *state;
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_close_ int dir = berth_safe_open(f->root_fd, "new/a/b", BERTH_SAFE_MKDIR, &err);
  assert_true(dir >= 0);
  struct stat st;
  assert_int_equal(fstatat(f->root_fd, "new/a/b", &st, 0), 0);
  assert_true(S_ISDIR(st.st_mode));
  assert_int_equal(st.st_mode & 0777, 0755 & ~umask(022));
  _cleanup_close_ int file = berth_safe_open(f->root_fd, "/new/c/file", BERTH_SAFE_MKFILE, &err);
  assert_true(file >= 0);
  assert_int_equal(fstatat(f->root_fd, "new/c/file", &st, 0), 0);
  assert_true(S_ISREG(st.st_mode));
}

static void test_dangling_absolute_symlink_creates_inside(void **state) {
  struct fixture *f = *state;
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_close_ int fd = berth_safe_open(f->root_fd, "/etc/resolv.conf", BERTH_SAFE_MKFILE, &err);
  assert_true(fd >= 0);
  assert_int_equal(fd_inode(fd), host_inode(f, "run/resolv.conf"));
}

static void test_missing_without_create_is_enoent(void **state) {
  struct fixture *f = *state;
  _cleanup_error_ struct berth_error err = {0};
  assert_int_equal(berth_safe_open(f->root_fd, "/run/nothing/here", 0, &err), -ENOENT);
  assert_string_equal(err.msg, "/run/nothing: No such file or directory");
}

static void test_file_in_the_middle_is_enotdir(void **state) {
  struct fixture *f = *state;
  _cleanup_error_ struct berth_error err = {0};
  assert_int_equal(berth_safe_open(f->root_fd, "/etc/hostname/x", 0, &err), -ENOTDIR);
  berth_error_clear(&err);
  assert_int_equal(berth_safe_open(f->root_fd, "/etc/relative/", 0, &err), -ENOTDIR);
}

static void test_relative_symlink_to_file(void **state) {
  struct fixture *f = *state;
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_close_ int fd = berth_safe_open(f->root_fd, "etc/relative", 0, &err);
  assert_true(fd >= 0);
  assert_int_equal(fd_inode(fd), host_inode(f, "etc/hostname"));
}

static void test_nofollow_refuses_last_symlink(void **state) {
  struct fixture *f = *state;
  _cleanup_error_ struct berth_error err = {0};
  assert_int_equal(berth_safe_open(f->root_fd, "/var/run", BERTH_SAFE_NOFOLLOW, &err), -ELOOP);
  assert_string_equal(err.msg, "/var/run is a symlink: Too many levels of symbolic links");
}

/* With /proc as the "rootfs": /proc/self is an ordinary symlink, /proc/self/root a magic one. */
static void test_magic_link_is_refused(void **state) {
  (void)state;
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_close_ int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  _cleanup_close_ int status = berth_safe_open(proc, "self/status", 0, &err);
  assert_true(status >= 0);
  assert_int_equal(berth_safe_open(proc, "self/root/etc", 0, &err), -ELOOP);
  assert_non_null(strstr(err.msg, "/root is a magic link"));
  berth_error_clear(&err);
  assert_int_equal(berth_safe_open(proc, "thread-self/fd/0", 0, &err), -ELOOP);
}

static void test_parent_and_name(void **state) {
  struct fixture *f = *state;
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_free_ char *name = NULL;
  _cleanup_close_ int dir =
      berth_safe_open_parent(f->root_fd, "/var/run/dev/null", BERTH_SAFE_MKDIR, &name, &err);
  assert_true(dir >= 0);
  assert_string_equal(name, "null");
  assert_int_equal(fd_inode(dir), host_inode(f, "run/dev"));
  assert_int_equal(berth_safe_open_parent(f->root_fd, "/", 0, &name, &err), -EINVAL);
}

static void test_no_fd_leak(void **state) {
  struct fixture *f = *state;
  int before = open("/dev/null", O_RDONLY | O_CLOEXEC);
  close(before);
  for (int i = 0; i < 3; i++) {
    _cleanup_error_ struct berth_error err = {0};
    berth_safe_open(f->root_fd, "/mnt/x", 0, &err);
    berth_error_clear(&err);
    berth_safe_open(f->root_fd, "/a/b/c", 0, &err);
    berth_error_clear(&err);
    berth_safe_open(f->root_fd, "/var/run/missing/x", 0, &err);
  }
  int after = open("/dev/null", O_RDONLY | O_CLOEXEC);
  close(after);
  assert_int_equal(before, after);
}

/* An existing path resolves in one openat2 (or the walk) with the same in-rootfs path. */
static void test_existing_path_and_its_resolved_path(void **state) {
  struct fixture *f = *state;
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_free_ char *run = NULL, *hostname = NULL;
  _cleanup_close_ int run_fd = berth_safe_resolve(f->root_fd, "/var/run", 0, &run, &err);
  assert_true(run_fd >= 0);
  assert_string_equal(run, "/run");
  assert_int_equal(fd_inode(run_fd), host_inode(f, "run"));
  _cleanup_close_ int file = berth_safe_resolve(f->root_fd, "etc/relative", 0, &hostname, &err);
  assert_true(file >= 0);
  assert_string_equal(hostname, "/etc/hostname");
  _cleanup_free_ char *root = NULL;
  _cleanup_close_ int root_fd = berth_safe_resolve(f->root_fd, "/", 0, &root, &err);
  assert_true(root_fd >= 0);
  assert_string_equal(root, "/");
}

/* Where the whole path exists, openat2 answers: RESOLVE_IN_ROOT keeps the symlink's ".."
 * at the root, as under chroot (and runc, crun), so this is the rootfs' /etc/hostname. */
static void test_openat2_keeps_an_escaping_symlink_in_the_root(void **state) {
  struct fixture *f = *state;
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_free_ char *resolved = NULL;
  _cleanup_close_ int fd = berth_safe_resolve(f->root_fd, "/mnt/hostname", 0, &resolved, &err);
  assert_true(fd >= 0);
  assert_int_equal(fd_inode(fd), host_inode(f, "etc/hostname"));
  assert_string_equal(resolved, "/etc/hostname");
}

/* The walk (a kernel without openat2) refuses that symlink outright. */
static void test_walker_refuses_an_escaping_symlink_to_an_existing_path(void **state) {
  struct fixture *f = *state;
  _cleanup_error_ struct berth_error err = {0};
  assert_int_equal(berth_safe_open(f->root_fd, "/mnt/hostname", 0, &err), -EXDEV);
  assert_string_equal(err.msg, "symlink /mnt in the rootfs leads out of it");
}

static int use_openat2(void **state) {
  (void)state;
  berth_safe_path_use_openat2(true);
  return 0;
}

static int use_walker(void **state) {
  (void)state;
  berth_safe_path_use_openat2(false);
  return 0;
}

/* The same cases through openat2 (with the walk for what it leaves) and through the walk
 * alone, as on a kernel before 5.6. */
#define COMMON_TESTS                                                                               \
  cmocka_unit_test_setup_teardown(test_absolute_symlink_stays_in_rootfs, setup, teardown),         \
      cmocka_unit_test_setup_teardown(test_dotdot_symlink_out_of_rootfs_is_refused, setup,         \
                                      teardown),                                                   \
      cmocka_unit_test_setup_teardown(test_literal_dotdot_stops_at_root, setup, teardown),         \
      cmocka_unit_test_setup_teardown(test_symlink_loop_is_refused, setup, teardown),              \
      cmocka_unit_test_setup_teardown(test_missing_components_are_created, setup, teardown),       \
      cmocka_unit_test_setup_teardown(test_dangling_absolute_symlink_creates_inside, setup,        \
                                      teardown),                                                   \
      cmocka_unit_test_setup_teardown(test_missing_without_create_is_enoent, setup, teardown),     \
      cmocka_unit_test_setup_teardown(test_file_in_the_middle_is_enotdir, setup, teardown),        \
      cmocka_unit_test_setup_teardown(test_relative_symlink_to_file, setup, teardown),             \
      cmocka_unit_test_setup_teardown(test_nofollow_refuses_last_symlink, setup, teardown),        \
      cmocka_unit_test(test_magic_link_is_refused),                                                \
      cmocka_unit_test_setup_teardown(test_parent_and_name, setup, teardown),                      \
      cmocka_unit_test_setup_teardown(test_no_fd_leak, setup, teardown),                           \
      cmocka_unit_test_setup_teardown(test_existing_path_and_its_resolved_path, setup, teardown)

int main(void) {
  const struct CMUnitTest with_openat2[] = {
      COMMON_TESTS,
      cmocka_unit_test_setup_teardown(test_openat2_keeps_an_escaping_symlink_in_the_root, setup,
                                      teardown),
  };
  const struct CMUnitTest walk_only[] = {
      COMMON_TESTS,
      cmocka_unit_test_setup_teardown(test_walker_refuses_an_escaping_symlink_to_an_existing_path,
                                      setup, teardown),
  };
  int failed = cmocka_run_group_tests_name("openat2", with_openat2, use_openat2, NULL);
  return failed + cmocka_run_group_tests_name("walker", walk_only, use_walker, NULL);
}
