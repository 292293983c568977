/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp: bad profiles are refused with the field named, before anything runs; good
 * ones are loaded (in a forked child) and the kernel then does what the profile says. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "berth_seccomp.h"
#include "error.h"
#include "json_util.h"
#include "spawn.h"
#include "spec.h"

static json_object *parse(const char *text) {
  json_object *o = json_tokener_parse(text);
  if (o == NULL)
    fail_msg("test profile is not JSON: %s", text);
  return o;
}

static void assert_valid(const char *profile) {
  json_object *o = parse(profile);
  struct berth_error err = {0};
  if (berth_seccomp_validate(o, &err) != 0)
    fail_msg("valid profile refused: %s", err.msg);
  assert_null(err.msg);
  json_object_put(o);
}

/* Refused by validation and by load alike, with exactly this message. */
static void assert_refused(const char *profile, const char *message) {
  json_object *o = parse(profile);
  struct berth_error err = {0};
  int r = berth_seccomp_validate(o, &err);
  if (r == 0)
    fail_msg("profile accepted; wanted \"%s\"", message);
  assert_true(r < 0);
  assert_string_equal(err.msg, message);
  berth_error_clear(&err);
  int fd = -2;
  assert_true(berth_seccomp_load(o, &fd, &err) < 0);
  assert_string_equal(err.msg, message);
  assert_int_equal(fd, -1);
  berth_error_clear(&err);
  json_object_put(o);
}

/* --- validation --- */

static void test_seccomp_accepts_every_action_operator_and_flag(void **state) {
  assert_valid("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,"
               " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\","
               "   \"SCMP_ARCH_AARCH64\", \"SCMP_ARCH_ARM\", \"SCMP_ARCH_S390X\","
               "   \"SCMP_ARCH_PPC64LE\", \"SCMP_ARCH_MIPSEL64N32\", \"SCMP_ARCH_RISCV64\"],"
               " \"flags\": [\"SECCOMP_FILTER_FLAG_TSYNC\", \"SECCOMP_FILTER_FLAG_LOG\","
               "   \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],"
               " \"listenerPath\": \"/run/agent.sock\", \"listenerMetadata\": \"x\","
               " \"syscalls\": ["
               "  {\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"},"
               "  {\"names\": [\"a\"], \"action\": \"SCMP_ACT_KILL\"},"
               "  {\"names\": [\"b\"], \"action\": \"SCMP_ACT_KILL_THREAD\"},"
               "  {\"names\": [\"c\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"},"
               "  {\"names\": [\"d\"], \"action\": \"SCMP_ACT_TRAP\"},"
               "  {\"names\": [\"e\"], \"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 3},"
               "  {\"names\": [\"f\"], \"action\": \"SCMP_ACT_LOG\"},"
               "  {\"names\": [\"g\"], \"action\": \"SCMP_ACT_NOTIFY\"},"
               "  {\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
               "    {\"index\": 0, \"value\": 2114060288, \"valueTwo\": 0, "
               "     \"op\": \"SCMP_CMP_MASKED_EQ\"},"
               "    {\"index\": 1, \"value\": 18446744073709551615, \"op\": \"SCMP_CMP_NE\"},"
               "    {\"index\": 2, \"value\": 1, \"op\": \"SCMP_CMP_LT\"},"
               "    {\"index\": 3, \"value\": 1, \"op\": \"SCMP_CMP_LE\"},"
               "    {\"index\": 4, \"value\": 1, \"op\": \"SCMP_CMP_GE\"},"
               "    {\"index\": 5, \"value\": 1, \"op\": \"SCMP_CMP_GT\"},"
               "    {\"index\": 5, \"value\": 9, \"op\": \"SCMP_CMP_EQ\"}]}]}");
}

/* runc: no default action and no system calls is no seccomp at all. */
static void test_seccomp_empty_profile_is_no_filter(void **state) {
  assert_valid("{}");
  assert_valid("{\"syscalls\": []}");
  json_object *o = parse("{\"architectures\": [\"SCMP_ARCH_X86_64\"]}");
  struct berth_error err = {0};
  int fd = -2;
  assert_int_equal(berth_seccomp_load(o, &fd, &err), 0); /* nothing is loaded */
  assert_int_equal(fd, -1);
  assert_int_equal(berth_seccomp_load(NULL, NULL, &err), 0);
  assert_int_equal(berth_seccomp_validate(NULL, &err), 0);
  json_object_put(o);
}

static void test_seccomp_unknown_action_names_the_field(void **state) {
  assert_refused("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                 " {\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\"},"
                 " {\"names\": [\"b\"], \"action\": \"SCMP_ACT_ERRNO\"},"
                 " {\"names\": [\"c\"], \"action\": \"SCMP_ACT_ERRNO\"},"
                 " {\"names\": [\"d\"], \"action\": \"SCMP_ACT_FOO\"}]}",
                 "linux.seccomp.syscalls[3].action: unknown action SCMP_ACT_FOO");
  assert_refused("{\"defaultAction\": \"ALLOW\"}",
                 "linux.seccomp.defaultAction: unknown action ALLOW");
}

static void test_seccomp_unknown_architecture_names_the_field(void **state) {
  assert_refused("{\"defaultAction\": \"SCMP_ACT_ALLOW\","
                 " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_VAX\"]}",
                 "linux.seccomp.architectures[1]: unknown architecture SCMP_ARCH_VAX");
}

static void test_seccomp_unknown_operator_names_the_field(void **state) {
  assert_refused("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                 " {\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
                 "  {\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"},"
                 "  {\"index\": 1, \"value\": 1, \"op\": \"SCMP_CMP_ROUGHLY\"}]}]}",
                 "linux.seccomp.syscalls[0].args[1].op: unknown operator SCMP_CMP_ROUGHLY");
}

static void test_seccomp_argument_index_above_5_is_refused(void **state) {
  assert_refused("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                 " {\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
                 "  {\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
                 "linux.seccomp.syscalls[0].args[0].index: 6 is out of range (a system call "
                 "has 6 arguments)");
}

static void test_seccomp_unknown_flag_names_the_field(void **state) {
  assert_refused("{\"defaultAction\": \"SCMP_ACT_ALLOW\","
                 " \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\", \"SECCOMP_FILTER_FLAG_WAIT\"]}",
                 "linux.seccomp.flags[1]: unknown flag SECCOMP_FILTER_FLAG_WAIT");
}

static void test_seccomp_wrong_types_and_missing_fields_are_named(void **state) {
  assert_refused("{\"defaultAction\": 1}", "linux.seccomp.defaultAction: must be a string");
  assert_refused("{\"syscalls\": [{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
                 "linux.seccomp.defaultAction: required");
  assert_refused("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"a\"]}]}",
                 "linux.seccomp.syscalls[0].action: required");
  assert_refused("{\"defaultAction\": \"SCMP_ACT_ALLOW\","
                 " \"syscalls\": [{\"action\": \"SCMP_ACT_ERRNO\"}]}",
                 "linux.seccomp.syscalls[0].names: required");
  assert_refused("{\"defaultAction\": \"SCMP_ACT_ALLOW\","
                 " \"syscalls\": [{\"names\": [\"a\", 2], \"action\": \"SCMP_ACT_ERRNO\"}]}",
                 "linux.seccomp.syscalls[0].names: must be an array of strings");
  assert_refused("{\"defaultAction\": \"SCMP_ACT_ALLOW\","
                 " \"syscalls\": [{\"names\": [\"\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
                 "linux.seccomp.syscalls[0].names[0]: empty system call name");
  assert_refused("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": -1}",
                 "linux.seccomp.defaultErrnoRet: must be a non-negative integer");
  assert_refused("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 65536}",
                 "linux.seccomp.defaultErrnoRet: 65536 is out of range (at most 65535)");
  assert_refused("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                 " {\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
                 "  {\"index\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}",
                 "linux.seccomp.syscalls[0].args[0].value: required");
  assert_refused("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": \"x86\"}",
                 "linux.seccomp.architectures: must be an array of strings");
  assert_refused("[]", "linux.seccomp: must be an object");
}

/* runc's rules: init reports the notify fd with write(2), so neither may notify. */
static void test_seccomp_notify_limits(void **state) {
  assert_refused("{\"defaultAction\": \"SCMP_ACT_NOTIFY\", \"listenerPath\": \"/a\"}",
                 "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default");
  assert_refused("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/a\","
                 " \"syscalls\": [{\"names\": [\"read\", \"write\"], \"action\": "
                 "\"SCMP_ACT_NOTIFY\"}]}",
                 "linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY cannot be used for write");
  assert_refused("{\"defaultAction\": \"SCMP_ACT_ALLOW\","
                 " \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
                 "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");
}

/* create refuses it through the spec validation, with the path from the top. */
static void test_spec_validation_checks_the_seccomp_profile(void **state) {
  json_object *spec = parse(
      "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"},"
      " \"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [\"sh\"], \"cwd\": \"/\"},"
      " \"linux\": {\"namespaces\": [{\"type\": \"mount\"}],"
      "  \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
      "   {\"names\": [\"getcwd\"], \"action\": \"SCMP_ACT_ERRNO\"},"
      "   {\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
      "    {\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}}}");
  struct berth_error err = {0};
  if (berth_spec_validate(spec, &err) != 0)
    fail_msg("valid spec refused: %s", err.msg);
  json_object *op = json_path(spec, "linux", "seccomp", NULL);
  op = json_object_array_get_idx(json_get(op, "syscalls"), 1);
  op = json_object_array_get_idx(json_get(op, "args"), 0);
  json_object_object_add(op, "op", json_object_new_string("SCMP_CMP_XOR"));
  assert_true(berth_spec_validate(spec, &err) < 0);
  assert_string_equal(err.msg, "linux.seccomp.syscalls[1].args[0].op: unknown operator "
                               "SCMP_CMP_XOR");
  berth_error_clear(&err);
  json_object_put(spec);
}

/* --- loading, in a child that exits with 0 when the kernel did what the profile says --- */

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      dprintf(2, "child check failed at line %d: %s (errno %d)\n", __LINE__, #cond, errno);        \
      _exit(__LINE__ % 200 + 2);                                                                   \
    }                                                                                              \
  } while (0)

static long sys_result(long r, int *errnum) {
  *errnum = r < 0 ? errno : 0;
  return r;
}

/* Fork; the child sets no_new_privs (so no CAP_SYS_ADMIN is needed), loads the profile and
 * runs check(); returns the child's wait status. */
static int in_child(const char *profile, void (*check)(int notify_fd)) {
  json_object *o = parse(profile);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
    struct berth_error err = {0};
    int fd = -2;
    if (berth_seccomp_load(o, &fd, &err) < 0) {
      dprintf(2, "load: %s\n", err.msg);
      _exit(1);
    }
    check(fd);
    _exit(0);
  }
  json_object_put(o);
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  return status;
}

static void assert_child_passed(int status) {
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    fail_msg("child failed: %s %d", WIFEXITED(status) ? "exit" : "signal",
             WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

static int seccomp_mode(void) {
  FILE *f = fopen("/proc/self/status", "re");
  char line[256];
  int mode = -1;
  while (f != NULL && fgets(line, sizeof(line), f) != NULL)
    if (sscanf(line, "Seccomp: %d", &mode) == 1)
      break;
  if (f != NULL)
    fclose(f);
  return mode;
}

static void check_errno_rules(int fd) {
  char buf[256];
  int e;
  CHECK(fd == -1);
  CHECK(seccomp_mode() == 2);
  CHECK(sys_result(syscall(SYS_getcwd, buf, sizeof(buf)), &e) < 0 && e == EPERM);
  CHECK(sys_result(syscall(SYS_mkdirat, AT_FDCWD, "/nonexistent/x", 0700), &e) < 0 && e == ENOSPC);
  CHECK(syscall(SYS_getppid) > 0); /* everything else: the default, allowed */
}

static void test_seccomp_load_errno_and_errno_ret(void **state) {
  assert_child_passed(in_child(
      "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
      " {\"names\": [\"getcwd\", \"not_a_syscall_anywhere\"], \"action\": \"SCMP_ACT_ERRNO\"},"
      " {\"names\": [\"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 28},"
      " {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
      check_errno_rules));
}

static void check_default_errno(int fd) {
  int e;
  CHECK(sys_result(syscall(SYS_getppid), &e) < 0 && e == ENOSYS);
  CHECK(syscall(SYS_getpid) > 0);
}

/* defaultErrnoRet is what the default returns. Everything but getppid is allowed (the
 * sanitizers' runtime needs its own system calls); the rule for getppid equals the default,
 * so it is skipped rather than refused by libseccomp. */
static void test_seccomp_load_default_errno_ret(void **state) {
  json_object *names = json_object_new_array();
  for (int nr = 0; nr < 1024; nr++) {
    char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
    if (name != NULL && strcmp(name, "getppid") != 0)
      json_object_array_add(names, json_object_new_string(name));
    free(name);
  }
  json_object *profile = parse("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
                               " \"syscalls\": [{\"names\": [\"getppid\"], \"action\":"
                               " \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}]}");
  json_object *allow = json_object_new_object();
  json_object_object_add(allow, "names", names);
  json_object_object_add(allow, "action", json_object_new_string("SCMP_ACT_ALLOW"));
  json_object_array_add(json_get(profile, "syscalls"), allow);
  assert_child_passed(in_child(json_object_to_json_string_ext(profile, JSON_C_TO_STRING_PLAIN),
                               check_default_errno));
  json_object_put(profile);
}

static void check_enosys_above_the_profile(int fd) {
  int e;
  CHECK(fd == -1);
  /* Older than the profile's largest (434), not named: the default. */
  CHECK(sys_result(syscall(SYS_getppid), &e) < 0 && e == EPERM);
  CHECK(sys_result(syscall(SYS_fsopen, NULL, 0), &e) < 0 && e == EPERM);
  /* Named: its own action, also the largest one, whose rule is the default's. */
  CHECK(sys_result(syscall(SYS_pidfd_send_signal, -1, 0, NULL, 0), &e) < 0 && e == EACCES);
  CHECK(sys_result(syscall(SYS_pidfd_open, getpid(), 0), &e) < 0 && e == EPERM);
  CHECK(syscall(SYS_getpid) > 0);
  /* Newer than the profile: ENOSYS, as if this kernel predated them. */
  CHECK(sys_result(syscall(SYS_clone3, NULL, 0), &e) < 0 && e == ENOSYS);
  CHECK(sys_result(syscall(SYS_close_range, 1000, 1000, 0), &e) < 0 && e == ENOSYS);
  CHECK(sys_result(syscall(SYS_openat2, -1, NULL, NULL, 0), &e) < 0 && e == ENOSYS);
#if defined(__x86_64__)
  /* (i386, int $0x80, is left to test_seccomp_enosys: this host's kernel refuses it.) x32: seccomp
   * sees the number before the kernel finds whether it has the ABI. Its largest named number is
   * above x86_64's (x32's own calls from 512). */
  CHECK(sys_result(syscall(0x40000000 | SYS_getppid), &e) < 0 && e == EPERM);
  CHECK(sys_result(syscall(0x40000000 | 1000), &e) < 0 && e == ENOSYS);
#endif
}

/* An engine's profile from before clone3 (Linux 5.3), with Docker's architectures: every
 * call below 424 allowed but getppid, pidfd_send_signal denied with EACCES, pidfd_open with
 * the default's EPERM. */
static void test_seccomp_load_enosys_above_the_profile(void **state) {
  json_object *allow = json_object_new_array();
  for (int nr = 0; nr < 424; nr++) {
    char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
    if (name != NULL && strcmp(name, "getppid") != 0)
      json_object_array_add(allow, json_object_new_string(name));
    free(name);
  }
  json_object *profile =
      parse("{\"defaultAction\": \"SCMP_ACT_ERRNO\","
            " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],"
            " \"syscalls\": [{\"names\": [\"pidfd_send_signal\"], \"action\": \"SCMP_ACT_ERRNO\","
            "                 \"errnoRet\": 13},"
            "               {\"names\": [\"pidfd_open\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
  json_object *rule = json_object_new_object();
  json_object_object_add(rule, "names", allow);
  json_object_object_add(rule, "action", json_object_new_string("SCMP_ACT_ALLOW"));
  json_object_array_add(json_get(profile, "syscalls"), rule);
  assert_child_passed(in_child(json_object_to_json_string_ext(profile, JSON_C_TO_STRING_PLAIN),
                               check_enosys_above_the_profile));
  json_object_put(profile);
}

static void check_arguments(int fd) {
  int e;
  pid_t self = getpid();
  /* Same argument twice: OR. */
  CHECK(sys_result(syscall(SYS_kill, self, SIGWINCH), &e) < 0 && e == EPERM);
  CHECK(sys_result(syscall(SYS_kill, self, SIGURG), &e) < 0 && e == EPERM);
  CHECK(syscall(SYS_kill, self, 0) == 0);
  /* Distinct arguments: AND. SIGCHLD is ignored by default. */
  CHECK(sys_result(syscall(SYS_kill, 0, SIGCHLD), &e) < 0 && e == EPERM);
  CHECK(syscall(SYS_kill, self, SIGCHLD) == 0);
  /* personality(0xffffffff) only (runtime-tools' check), any other persona passes. */
  CHECK(sys_result(syscall(SYS_personality, 0xffffffffUL), &e) < 0 && e == EPERM);
  CHECK(syscall(SYS_personality, PER_LINUX) >= 0);
  /* MASKED_EQ: value is the mask, valueTwo the result. */
  CHECK(sys_result(syscall(SYS_getpriority, PRIO_PROCESS, 0x1234), &e) < 0 && e == EDOM);
  CHECK(sys_result(syscall(SYS_getpriority, PRIO_PROCESS, 0), &e) >= 0);
}

static void test_seccomp_load_argument_conditions(void **state) {
  assert_child_passed(
      in_child("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
               " {\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
               "  {\"index\": 1, \"value\": 28, \"op\": \"SCMP_CMP_EQ\"},"
               "  {\"index\": 1, \"value\": 23, \"op\": \"SCMP_CMP_EQ\"}]},"
               " {\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
               "  {\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"},"
               "  {\"index\": 1, \"value\": 17, \"op\": \"SCMP_CMP_EQ\"}]},"
               " {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
               "  {\"index\": 0, \"value\": 4294967295, \"op\": \"SCMP_CMP_EQ\"}]},"
               " {\"names\": [\"getpriority\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 33,"
               "  \"args\": [{\"index\": 1, \"value\": 65280, \"valueTwo\": 4608,"
               "             \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}",
               check_arguments));
}

static void check_killed(int fd) {
  syscall(SYS_getppid);
  _exit(0); /* not reached: the rule kills */
}

static void test_seccomp_load_kill_is_sigsys(void **state) {
  int status = in_child("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                        " {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_KILL\"}]}",
                        check_killed);
  assert_true(WIFSIGNALED(status));
  assert_int_equal(WTERMSIG(status), SIGSYS);
  status = in_child("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
                    " {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"}]}",
                    check_killed);
  assert_true(WIFSIGNALED(status));
  assert_int_equal(WTERMSIG(status), SIGSYS);
}

static void check_notify_fd(int fd) {
  char path[64], target[128] = {0};
  CHECK(fd >= 0);
  snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
  CHECK(readlink(path, target, sizeof(target) - 1) > 0);
  CHECK(strcmp(target, "anon_inode:seccomp notify") == 0);
}

static void test_seccomp_load_notify_returns_the_listener_fd(void **state) {
  assert_child_passed(in_child("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/x\","
                               " \"syscalls\": [{\"names\": [\"mknodat\", \"mknod\"],"
                               "                 \"action\": \"SCMP_ACT_NOTIFY\"}]}",
                               check_notify_fd));
}

/* Compiling touches nothing of the process (the init loads the program last, with one
 * seccomp(2) call), and the program carries the flags seccomp_load() would have passed. */
static void test_seccomp_compile_loads_nothing_and_keeps_the_flags(void **state) {
  (void)state;
  json_object *o =
      parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/x\","
            " \"flags\": [\"SECCOMP_FILTER_FLAG_TSYNC\", \"SECCOMP_FILTER_FLAG_LOG\","
            "           \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],"
            " \"syscalls\": [{\"names\": [\"mknodat\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}");
  struct berth_error err = {0};
  struct berth_seccomp_program program;
  if (berth_seccomp_compile(o, &program, &err) < 0)
    fail_msg("compile: %s", err.msg);
  assert_int_equal(seccomp_mode(), 0);
  assert_non_null(program.prog.filter);
  assert_true(program.prog.len > 0);
  assert_true(program.listener);
  /* TSYNC with a listener needs TSYNC_ESRCH, or the kernel refuses the pair. */
  assert_int_equal(program.flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG |
                                      SECCOMP_FILTER_FLAG_SPEC_ALLOW |
                                      SECCOMP_FILTER_FLAG_NEW_LISTENER |
                                      SECCOMP_FILTER_FLAG_TSYNC_ESRCH);
  berth_seccomp_program_free(&program);
  assert_null(program.prog.filter);
  json_object_put(o);
  /* No profile, no program: installing it is a no-op. */
  assert_int_equal(berth_seccomp_compile(NULL, &program, &err), 0);
  assert_null(program.prog.filter);
  assert_int_equal(berth_seccomp_install(&program), 0);
  assert_int_equal(seccomp_mode(), 0);
}

/* `berth features` lists what a profile may use: each is accepted, each supported flag
 * compiles on this host, and nothing unknown is listed. */
static void test_seccomp_features_list_what_profiles_may_use(void **state) {
  (void)state;
  json_object *f = berth_seccomp_features();
  assert_true(json_get_bool(f, "enabled", false));
  /* Each list's entries, one at a time, between the two halves of a profile. */
  static const char *const forms[][3] = {
      {"actions",
       "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/x\","
       " \"syscalls\": [{\"names\": [\"getcwd\"], \"action\": \"",
       "\"}]}"},
      {"operators",
       "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"kill\"],"
       " \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"",
       "\"}]}]}"},
      {"archs", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"", "\"]}"},
      {"knownFlags", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"", "\"]}"},
      {"supportedFlags", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"", "\"]}"},
  };
  for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
    json_object *list = json_get(f, forms[i][0]);
    assert_true(json_object_array_length(list) > 0);
    for (size_t k = 0; k < json_object_array_length(list); k++) {
      char profile[512];
      snprintf(profile, sizeof(profile), "%s%s%s", forms[i][1],
               json_object_get_string(json_object_array_get_idx(list, k)), forms[i][2]);
      assert_valid(profile);
      if (strcmp(forms[i][0], "supportedFlags") != 0)
        continue;
      json_object *o = parse(profile);
      struct berth_error err = {0};
      struct berth_seccomp_program program;
      if (berth_seccomp_compile(o, &program, &err) < 0)
        fail_msg("supported flag refused: %s", err.msg);
      berth_seccomp_program_free(&program);
      json_object_put(o);
    }
  }
  json_object_put(f);
}

/* --- the listener --- */

/* Send pipe_fds[1] to the listener at server; return the JSON received with it, after
 * checking that the fd received is that same pipe. */
static void send_and_receive(const struct berth_spawn_config *cfg, int server, char *text,
                             size_t size) {
  int pipe_fds[2];
  assert_int_equal(pipe2(pipe_fds, O_CLOEXEC), 0);
  struct berth_error err = {0};
  if (berth_seccomp_send_to_listener(cfg, getpid(), pipe_fds[1], &err) < 0)
    fail_msg("send: %s", err.msg);
  int conn = accept4(server, NULL, NULL, SOCK_CLOEXEC);
  assert_true(conn >= 0);
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  memset(text, 0, size);
  struct iovec iov = {.iov_base = text, .iov_len = size - 1};
  struct msghdr mh = {.msg_iov = &iov,
                      .msg_iovlen = 1,
                      .msg_control = control.buf,
                      .msg_controllen = sizeof(control.buf)};
  assert_true(recvmsg(conn, &mh, MSG_CMSG_CLOEXEC) > 0);
  struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
  assert_non_null(c);
  assert_int_equal(c->cmsg_type, SCM_RIGHTS);
  int got;
  memcpy(&got, CMSG_DATA(c), sizeof(int));
  /* What we write into the received fd comes out of our pipe's read end. */
  assert_int_equal(write(got, "!", 1), 1);
  char byte = 0;
  assert_int_equal(read(pipe_fds[0], &byte, 1), 1);
  assert_int_equal(byte, '!');
  close(got);
  close(conn);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
}

static void test_seccomp_listener_gets_fd_and_state(void **state) {
  char dir[] = "/tmp/berth-seccomp-test.XXXXXX";
  assert_non_null(mkdtemp(dir));
  char sock_path[128];
  snprintf(sock_path, sizeof(sock_path), "%s/agent.sock", dir);
  int server = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strcpy(addr.sun_path, sock_path);
  assert_int_equal(bind(server, (struct sockaddr *)&addr, sizeof(addr)), 0);
  assert_int_equal(listen(server, 1), 0);
  char spec_text[512];
  snprintf(spec_text, sizeof(spec_text),
           "{\"ociVersion\": \"1.0.2-dev\", \"annotations\": {\"k\": \"v\"},"
           " \"linux\": {\"seccomp\": {\"listenerPath\": \"%s\", \"listenerMetadata\": \"m\"}}}",
           sock_path);
  json_object *spec = parse(spec_text);
  char text[1024], want[512];

  /* From create: the init itself, creating. */
  struct berth_spawn_config cfg = {.id = "c1", .spec = spec, .bundle = "/bundle"};
  send_and_receive(&cfg, server, text, sizeof(text));
  snprintf(want, sizeof(want),
           "{\"ociVersion\":\"1.0.2-dev\",\"fds\":[\"seccompFd\"],\"pid\":%d,\"metadata\":\"m\","
           "\"state\":{\"ociVersion\":\"1.0.2-dev\",\"id\":\"c1\",\"status\":\"creating\","
           "\"pid\":%d,\"bundle\":\"/bundle\",\"annotations\":{\"k\":\"v\"}}}",
           (int)getpid(), (int)getpid());
  assert_string_equal(text, want);

  /* From exec: the exec'd process; the state is the running container's, its init's pid. */
  cfg.exec = true;
  cfg.container_pid = 4242;
  send_and_receive(&cfg, server, text, sizeof(text));
  snprintf(want, sizeof(want),
           "{\"ociVersion\":\"1.0.2-dev\",\"fds\":[\"seccompFd\"],\"pid\":%d,\"metadata\":\"m\","
           "\"state\":{\"ociVersion\":\"1.0.2-dev\",\"id\":\"c1\",\"status\":\"running\","
           "\"pid\":4242,\"bundle\":\"/bundle\",\"annotations\":{\"k\":\"v\"}}}",
           (int)getpid());
  assert_string_equal(text, want);
  close(server);

  /* Nobody listening: the path and the reason. */
  unlink(sock_path);
  struct berth_error err = {0};
  assert_true(berth_seccomp_send_to_listener(&cfg, getpid(), 2, &err) < 0);
  char msg[256];
  snprintf(msg, sizeof(msg), "linux.seccomp.listenerPath %s: connect: No such file or directory",
           sock_path);
  assert_string_equal(err.msg, msg);
  berth_error_clear(&err);
  json_object_put(spec);
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_seccomp_accepts_every_action_operator_and_flag),
      cmocka_unit_test(test_seccomp_empty_profile_is_no_filter),
      cmocka_unit_test(test_seccomp_unknown_action_names_the_field),
      cmocka_unit_test(test_seccomp_unknown_architecture_names_the_field),
      cmocka_unit_test(test_seccomp_unknown_operator_names_the_field),
      cmocka_unit_test(test_seccomp_argument_index_above_5_is_refused),
      cmocka_unit_test(test_seccomp_unknown_flag_names_the_field),
      cmocka_unit_test(test_seccomp_wrong_types_and_missing_fields_are_named),
      cmocka_unit_test(test_seccomp_notify_limits),
      cmocka_unit_test(test_spec_validation_checks_the_seccomp_profile),
      cmocka_unit_test(test_seccomp_load_errno_and_errno_ret),
      cmocka_unit_test(test_seccomp_load_default_errno_ret),
      cmocka_unit_test(test_seccomp_load_enosys_above_the_profile),
      cmocka_unit_test(test_seccomp_load_argument_conditions),
      cmocka_unit_test(test_seccomp_load_kill_is_sigsys),
      cmocka_unit_test(test_seccomp_load_notify_returns_the_listener_fd),
      cmocka_unit_test(test_seccomp_compile_loads_nothing_and_keeps_the_flags),
      cmocka_unit_test(test_seccomp_features_list_what_profiles_may_use),
      cmocka_unit_test(test_seccomp_listener_gets_fd_and_state),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
