/* SPDX-License-Identifier: Apache-2.0 */
/* linux.mountLabel's option: which new filesystems take it (runc's label.FormatMountLabel
 * rules: every fresh filesystem but bind mounts, proc, sysfs, cgroups and mqueue) and how it
 * joins a mount's data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_new_filesystems_take_the_label),
      cmocka_unit_test(test_binds_proc_sysfs_and_cgroups_never_take_it),
      cmocka_unit_test(test_mqueue_does_not_take_it),
      cmocka_unit_test(test_option_is_appended_to_the_data),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
