/* SPDX-License-Identifier: Apache-2.0 */
/* linux.mountLabel's option: which new filesystems take it (runc's label.FormatMountLabel
 * rules: every fresh filesystem but bind mounts, proc, sysfs and cgroups; mqueue in its own
 * IPC namespace only) and how it joins a mount's data. */
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
  assert_true(berth_mount_takes_label("tmpfs", false, false));
  assert_true(berth_mount_takes_label("devpts", false, false));
  assert_true(berth_mount_takes_label("mqueue", false, true));
  assert_true(berth_mount_takes_label("overlay", false, false));
}

static void test_binds_proc_sysfs_and_cgroups_never_take_it(void **state) {
  (void)state;
  assert_false(berth_mount_takes_label("tmpfs", true, true)); /* a bind of a tmpfs */
  assert_false(berth_mount_takes_label("bind", false, true));
  assert_false(berth_mount_takes_label("proc", false, true));
  assert_false(berth_mount_takes_label("sysfs", false, true));
  assert_false(berth_mount_takes_label("cgroup", false, true));
  assert_false(berth_mount_takes_label("cgroup2", false, true));
  assert_false(berth_mount_takes_label(NULL, false, true));
  assert_false(berth_mount_takes_label("", false, true));
}

/* The host's mqueue superblock (shared IPC namespace) has its settings already. */
static void test_mqueue_of_the_hosts_ipc_namespace_does_not_take_it(void **state) {
  (void)state;
  assert_false(berth_mount_takes_label("mqueue", false, false));
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
      cmocka_unit_test(test_mqueue_of_the_hosts_ipc_namespace_does_not_take_it),
      cmocka_unit_test(test_option_is_appended_to_the_data),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
