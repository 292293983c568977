/* SPDX-License-Identifier: Apache-2.0 */
/* berth_process_become keeping CAP_SYS_ADMIN for a seccomp filter loaded without
 * noNewPrivileges, and the one capset that gives the container its own sets after the load.
 * Each case runs in a forked child (it changes the process' credentials); run as root. */
#include <errno.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "error.h"
#include "process.h"

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      dprintf(2, "%s:%d: %s\n", __FILE__, __LINE__, #cond);                                        \
      _exit(1);                                                                                    \
    }                                                                                              \
  } while (0)

static const char PROCESS[] = "{\"cwd\": \"/\", \"user\": {\"uid\": 0, \"gid\": 0},"
                              " \"capabilities\": {\"bounding\": [\"CAP_KILL\"],"
                              "  \"effective\": [\"CAP_KILL\"], \"permitted\": [\"CAP_KILL\"]}}";

static uint64_t cap_bit(int n) {
  return (uint64_t)1 << n;
}

static void caps_now(uint64_t *effective, uint64_t *permitted) {
  struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
  struct __user_cap_data_struct data[2];
  CHECK(syscall(SYS_capget, &hdr, data) == 0);
  *effective = data[0].effective | (uint64_t)data[1].effective << 32;
  *permitted = data[0].permitted | (uint64_t)data[1].permitted << 32;
}

static void run_in_child(void (*body)(void)) {
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    body();
    _exit(0);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

static void keep_then_capset(void) {
  json_object *process = json_tokener_parse(PROCESS);
  struct berth_error err = {0};
  struct berth_capset caps;
  CHECK(berth_process_become(process, true, &caps, &err) == 0);
  uint64_t eff, perm;
  caps_now(&eff, &perm);
  /* Kept on top of the container's sets, though it left the bounding set already. */
  CHECK(eff == (cap_bit(CAP_KILL) | cap_bit(CAP_SYS_ADMIN)));
  CHECK(perm == eff);
  CHECK(prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) == 0);
  CHECK(caps.pending);
  CHECK(berth_process_capset(&caps) == 0);
  caps_now(&eff, &perm);
  CHECK(eff == cap_bit(CAP_KILL) && perm == cap_bit(CAP_KILL));
}

static void test_become_keeps_sys_admin_until_the_final_capset(void **state) {
  (void)state;
  run_in_child(keep_then_capset);
}

static void nothing_pending_when_the_container_has_it(void) {
  json_object *process = json_tokener_parse(PROCESS);
  json_object *caps_json = json_object_object_get(process, "capabilities");
  for (const char *set = "effective"; set != NULL;
       set = strcmp(set, "effective") == 0 ? "permitted" : NULL)
    json_object_array_add(json_object_object_get(caps_json, set),
                          json_object_new_string("CAP_SYS_ADMIN"));
  struct berth_error err = {0};
  struct berth_capset caps;
  CHECK(berth_process_become(process, true, &caps, &err) == 0);
  CHECK(!caps.pending); /* nothing left to do after the filter but execve */
}

static void test_nothing_pending_when_the_container_has_sys_admin(void **state) {
  (void)state;
  run_in_child(nothing_pending_when_the_container_has_it);
}

static void refused_without_sys_admin(void) {
  struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
  struct __user_cap_data_struct data[2];
  CHECK(syscall(SYS_capget, &hdr, data) == 0);
  for (int i = 0; i < 2; i++)
    data[i].effective = data[i].permitted = data[i].inheritable = 0;
  data[0].effective = data[0].permitted = 1u << CAP_SETUID | 1u << CAP_SETGID | 1u << CAP_SETPCAP;
  CHECK(syscall(SYS_capset, &hdr, data) == 0);
  json_object *process = json_tokener_parse(PROCESS);
  struct berth_error err = {0};
  struct berth_capset caps;
  CHECK(berth_process_become(process, false, &caps, &err) < 0);
  CHECK(strstr(err.msg, "without process.noNewPrivileges needs CAP_SYS_ADMIN") != NULL);
}

/* Without it the filter could not be loaded later: said now, while create can still fail. */
static void test_keeping_sys_admin_that_is_not_there_is_refused(void **state) {
  (void)state;
  run_in_child(refused_without_sys_admin);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_become_keeps_sys_admin_until_the_final_capset),
      cmocka_unit_test(test_nothing_pending_when_the_container_has_sys_admin),
      cmocka_unit_test(test_keeping_sys_admin_that_is_not_there_is_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
