/* SPDX-License-Identifier: Apache-2.0 */
/* linux.mountLabel's option: which new filesystems take it (runc's label.FormatMountLabel
 * rules: every fresh filesystem but bind mounts, proc, sysfs, cgroups and mqueue) and how it
 * joins a mount's data. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "mount_label.h"

#define OPTION "context=\"system_u:object_r:container_file_t:s0:c1,c2\""

static void test_new_filesystems_take_the_label(void **state) {
  (void)state;
  assert_true(berth_mount_takes_label("tmpfs", false));
  assert_true(berth_mount_takes_label("devpts", false));
  assert_true(berth_mount_takes_label("overlay", false));
}

static void test_binds_proc_sysfs_and_cgroups_never_take_it(void **state) {
  (void)state;
  assert_false(berth_mount_takes_label("tmpfs", true)); /* a bind of a tmpfs */
  assert_false(berth_mount_takes_label("bind", false));
  assert_false(berth_mount_takes_label("proc", false));
  assert_false(berth_mount_takes_label("sysfs", false));
  assert_false(berth_mount_takes_label("cgroup", false));
  assert_false(berth_mount_takes_label("cgroup2", false));
  assert_false(berth_mount_takes_label(NULL, false));
  assert_false(berth_mount_takes_label("", false));
}

/* The IPC namespace's mqueue superblock has its settings already, its own or the host's. */
static void test_mqueue_does_not_take_it(void **state) {
  (void)state;
  assert_false(berth_mount_takes_label("mqueue", false));
}

static void test_option_is_appended_to_the_data(void **state) {
  (void)state;
  char *data = berth_mount_label_data("mode=1777,size=65536k", OPTION);
  assert_string_equal(data, "mode=1777,size=65536k," OPTION);
  free(data);
  data = berth_mount_label_data(NULL, OPTION);
  assert_string_equal(data, OPTION);
  free(data);
  data = berth_mount_label_data("", OPTION);
  assert_string_equal(data, OPTION);
  free(data);
}

/* runc's label.SetFileLabel for mqueue: the label, unquoted, as the file label of the mount's
 * root, through an O_PATH fd. Root on a filesystem that stores security.* (no SELinux here: the
 * xattr is kept as written). */
static void test_mqueue_root_gets_the_label_as_a_file(void **state) {
  (void)state;
  char dir[] = "/var/tmp/test-mount-label.XXXXXX";
  assert_non_null(mkdtemp(dir));
  int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  assert_true(fd >= 0);
  _cleanup_error_ struct berth_error err = {0};
  assert_int_equal(berth_mount_label_root(fd, "mqueue", OPTION, &err), 0);
  char got[256] = {0};
  ssize_t n = getxattr(dir, "security.selinux", got, sizeof(got) - 1);
  assert_string_equal(got, "system_u:object_r:container_file_t:s0:c1,c2");
  assert_int_equal(n, (ssize_t)strlen(got));
  close(fd);
  rmdir(dir);
}

/* Other filesystems take the option at their mount; an option of no LSM berth knows a file
 * label for is refused, never a silently unlabelled mqueue. */
static void test_label_root_other_fstypes_and_unknown_options(void **state) {
  (void)state;
  _cleanup_error_ struct berth_error err = {0};
  assert_int_equal(berth_mount_label_root(-1, "tmpfs", OPTION, &err), 0);
  assert_int_equal(berth_mount_label_root(-1, "mqueue", NULL, &err), 0);
  assert_true(berth_mount_label_root(-1, "mqueue", "smackfsroot=x", &err) < 0);
  assert_string_equal(err.msg, "linux.mountLabel: no file label for mount option smackfsroot=x");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_new_filesystems_take_the_label),
      cmocka_unit_test(test_binds_proc_sysfs_and_cgroups_never_take_it),
      cmocka_unit_test(test_mqueue_does_not_take_it),
      cmocka_unit_test(test_option_is_appended_to_the_data),
      cmocka_unit_test(test_mqueue_root_gets_the_label_as_a_file),
      cmocka_unit_test(test_label_root_other_fstypes_and_unknown_options),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
