/* SPDX-License-Identifier: Apache-2.0 */
/* The ENOSYS stub (core/seccomp_enosys.c) run through a small classic-BPF interpreter, for
 * ABIs this host cannot call (s390x, x32 where the kernel lacks it), and which numbers a
 * profile covers per ABI as libseccomp's program tests them. The kernel's own answers, for
 * x86_64, i386 and x32, are in test_seccomp.c. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <seccomp.h>

#include "seccomp_enosys.h"

#define ENOSYS_RET (SECCOMP_RET_ERRNO | ENOSYS)
/* Stands for the filter's own program, which the stub reaches by falling off its end. */
#define FILTER_RET (SECCOMP_RET_TRACE | 0x1234)
#define X32 BERTH_X32_SYSCALL_BIT

static struct sock_filter program[BERTH_ENOSYS_STUB_MAX(BERTH_ENOSYS_MAX_ABIS) + 1];
static size_t program_len;

/* The stub for abis, followed by the stand-in for the filter; checks what the kernel's
 * checker would: every jump lands inside the program. */
static void build(const struct berth_enosys_abi *abis, size_t n) {
  size_t len = berth_enosys_stub(abis, n, program);
  assert_true(len <= BERTH_ENOSYS_STUB_MAX(n));
  program[len] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, FILTER_RET);
  program_len = len + 1;
  for (size_t pc = 0; pc < len; pc++) {
    const struct sock_filter *f = &program[pc];
    if (BPF_CLASS(f->code) != BPF_JMP)
      continue;
    if (BPF_OP(f->code) == BPF_JA)
      assert_true(pc + 1 + f->k < program_len);
    else
      assert_true(pc + 1 + f->jt < program_len && pc + 1 + f->jf < program_len);
  }
}

/* What the program answers for a call of number nr on arch, as the kernel would run it. */
static uint32_t run(uint32_t arch, uint32_t nr) {
  struct seccomp_data data = {.nr = (int)nr, .arch = arch};
  uint32_t a = 0;
  for (size_t pc = 0; pc < program_len; pc++) {
    const struct sock_filter *f = &program[pc];
    switch (f->code) {
    case BPF_LD | BPF_W | BPF_ABS:
      assert_true(f->k + sizeof(a) <= sizeof(data));
      memcpy(&a, (const char *)&data + f->k, sizeof(a));
      break;
    case BPF_JMP | BPF_JA:
      pc += f->k;
      break;
    case BPF_JMP | BPF_JEQ | BPF_K:
      pc += a == f->k ? f->jt : f->jf;
      break;
    case BPF_JMP | BPF_JGT | BPF_K:
      pc += a > f->k ? f->jt : f->jf;
      break;
    case BPF_JMP | BPF_JSET | BPF_K:
      pc += (a & f->k) != 0 ? f->jt : f->jf;
      break;
    case BPF_RET | BPF_K:
      return f->k;
    default:
      fail_msg("unexpected instruction %#x at %zu", f->code, pc);
    }
  }
  fail_msg("the program ran off its end");
  return 0;
}

static void test_enosys_stub_x86_64_i386_and_x32(void **state) {
  (void)state;
  const struct berth_enosys_abi abis[] = {{AUDIT_ARCH_X86_64, false, 434},
                                          {AUDIT_ARCH_I386, false, 400},
                                          {AUDIT_ARCH_X86_64, true, X32 | 547}};
  build(abis, 3);
  assert_int_equal(run(AUDIT_ARCH_X86_64, 0), FILTER_RET);
  assert_int_equal(run(AUDIT_ARCH_X86_64, 434), FILTER_RET); /* the largest named: its rule */
  assert_int_equal(run(AUDIT_ARCH_X86_64, 435), ENOSYS_RET);
  assert_int_equal(run(AUDIT_ARCH_X86_64, 0xffffffff), ENOSYS_RET); /* -1: no call at all */
  assert_int_equal(run(AUDIT_ARCH_X86_64, X32 | 435), FILTER_RET);  /* x32 has its own last */
  assert_int_equal(run(AUDIT_ARCH_X86_64, X32 | 547), FILTER_RET);
  assert_int_equal(run(AUDIT_ARCH_X86_64, X32 | 548), ENOSYS_RET);
  assert_int_equal(run(AUDIT_ARCH_I386, 400), FILTER_RET);
  assert_int_equal(run(AUDIT_ARCH_I386, 401), ENOSYS_RET);
  /* An architecture the profile does not have: the filter's own (bad arch) answer. */
  assert_int_equal(run(AUDIT_ARCH_AARCH64, 1000), FILTER_RET);
}

/* Without the x32 ABI, x32 numbers are libseccomp's to refuse (its bad-arch action), never
 * ENOSYS; with x32 alone, x86_64's own numbers are the filter's. */
static void test_enosys_stub_one_x86_64_abi(void **state) {
  (void)state;
  const struct berth_enosys_abi plain = {AUDIT_ARCH_X86_64, false, 300};
  build(&plain, 1);
  assert_int_equal(run(AUDIT_ARCH_X86_64, 301), ENOSYS_RET);
  assert_int_equal(run(AUDIT_ARCH_X86_64, X32 | 1000), FILTER_RET);
  const struct berth_enosys_abi x32 = {AUDIT_ARCH_X86_64, true, X32 | 300};
  build(&x32, 1);
  assert_int_equal(run(AUDIT_ARCH_X86_64, 1000), FILTER_RET);
  assert_int_equal(run(AUDIT_ARCH_X86_64, X32 | 300), FILTER_RET);
  assert_int_equal(run(AUDIT_ARCH_X86_64, X32 | 301), ENOSYS_RET);
}

/* s390 multiplexes numbers above 255 through setup(2), number 0: ENOSYS there too. */
static void test_enosys_stub_s390x_setup_multiplexer(void **state) {
  (void)state;
  const struct berth_enosys_abi abis[] = {{AUDIT_ARCH_S390X, false, 300},
                                          {AUDIT_ARCH_AARCH64, false, 200}};
  build(abis, 2);
  assert_int_equal(run(AUDIT_ARCH_S390X, 0), ENOSYS_RET);
  assert_int_equal(run(AUDIT_ARCH_S390X, 1), FILTER_RET);
  assert_int_equal(run(AUDIT_ARCH_S390X, 301), ENOSYS_RET);
  assert_int_equal(run(AUDIT_ARCH_AARCH64, 0), FILTER_RET);
  assert_int_equal(run(AUDIT_ARCH_AARCH64, 201), ENOSYS_RET);
}

/* Every ABI at once: still only short conditional jumps, all inside the program. */
static void test_enosys_stub_many_architectures(void **state) {
  (void)state;
  struct berth_enosys_abi abis[BERTH_ENOSYS_MAX_ABIS];
  for (size_t i = 0; i < BERTH_ENOSYS_MAX_ABIS; i++)
    abis[i] = (struct berth_enosys_abi){.audit_arch = 0x1000 + (uint32_t)i, .last = 100 + i};
  build(abis, BERTH_ENOSYS_MAX_ABIS);
  for (size_t i = 0; i < BERTH_ENOSYS_MAX_ABIS; i++) {
    assert_int_equal(run(0x1000 + (uint32_t)i, 100 + (uint32_t)i), FILTER_RET);
    assert_int_equal(run(0x1000 + (uint32_t)i, 101 + (uint32_t)i), ENOSYS_RET);
  }
  assert_int_equal(berth_enosys_stub(abis, 0, program), 0);
}

static const struct berth_enosys_abi *abi_of(const struct berth_enosys_abi *abis, size_t n,
                                             uint32_t audit_arch, bool x32) {
  for (size_t i = 0; i < n; i++)
    if (abis[i].audit_arch == audit_arch && abis[i].x32 == x32)
      return &abis[i];
  fail_msg("no ABI %#x%s", audit_arch, x32 ? " (x32)" : "");
  return NULL;
}

/* On x86, libseccomp resolves socket and shmget to pseudo numbers, but its program tests
 * the direct calls (socket 359, shmget 395) beside socketcall and ipc: those count. */
static void test_enosys_abis_count_direct_numbers_of_multiplexed_calls(void **state) {
  (void)state;
  struct berth_enosys_abi abis[BERTH_ENOSYS_MAX_ABIS];
  const uint32_t x86[] = {SCMP_ARCH_X86};
  const char *socket_names[] = {"read", "socket"};
  size_t n = berth_enosys_abis(x86, 1, socket_names, 2, abis);
  assert_int_equal(abi_of(abis, n, AUDIT_ARCH_I386, false)->last, 359);
  const char *ipc_names[] = {"read", "shmget"};
  n = berth_enosys_abis(x86, 1, ipc_names, 2, abis);
  assert_int_equal(abi_of(abis, n, AUDIT_ARCH_I386, false)->last, 395);
  const char *multiplexer[] = {"read", "socketcall"};
  n = berth_enosys_abis(x86, 1, multiplexer, 2, abis);
  assert_int_equal(abi_of(abis, n, AUDIT_ARCH_I386, false)->last, 102);
  const uint32_t s390x[] = {SCMP_ARCH_S390X};
  n = berth_enosys_abis(s390x, 1, socket_names, 2, abis);
  assert_int_equal(abi_of(abis, n, AUDIT_ARCH_S390X, false)->last, 359);
}

/* The native ABI is always there (first), x32 is x86_64 with its own numbers, names unknown
 * to an ABI do not count, and an ABI whose names are all unknown is left out. */
static void test_enosys_abis_native_x32_and_unknown_names(void **state) {
  (void)state;
  struct berth_enosys_abi abis[BERTH_ENOSYS_MAX_ABIS];
  const uint32_t arches[] = {SCMP_ARCH_X32, SCMP_ARCH_AARCH64, SCMP_ARCH_NATIVE};
  const char *names[] = {"clone", "no_such_call", "read"};
  size_t n = berth_enosys_abis(arches, 3, names, 3, abis);
  assert_int_equal(n, 3);
  assert_int_equal(abis[0].audit_arch, seccomp_arch_native());
  if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
    assert_int_equal(abi_of(abis, n, AUDIT_ARCH_X86_64, false)->last, 56);
    assert_int_equal(abi_of(abis, n, AUDIT_ARCH_X86_64, true)->last, X32 | 56);
  }
  assert_int_equal(abi_of(abis, n, AUDIT_ARCH_AARCH64, false)->last, 220);
  const char *unknown[] = {"no_such_call"};
  assert_int_equal(berth_enosys_abis(arches, 3, unknown, 1, abis), 0);
}

static void test_enosys_prepend_puts_the_stub_in_front(void **state) {
  (void)state;
  struct sock_filter *filter = malloc(2 * sizeof(*filter));
  filter[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4);
  filter[1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  struct sock_fprog prog = {.len = 2, .filter = filter};
  const struct berth_enosys_abi abi = {AUDIT_ARCH_X86_64, false, 434};
  struct berth_error err = {0};
  assert_int_equal(berth_enosys_prepend(&prog, &abi, 0, &err), 0);
  assert_int_equal(prog.len, 2);
  assert_int_equal(berth_enosys_prepend(&prog, &abi, 1, &err), 0);
  size_t stub = berth_enosys_stub(&abi, 1, program);
  assert_int_equal(prog.len, stub + 2);
  assert_memory_equal(prog.filter, program, stub * sizeof(*program));
  assert_int_equal(prog.filter[stub + 1].k, SECCOMP_RET_ALLOW);
  /* A program that does not load first would test what the stub left loaded. */
  prog.filter[0] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  assert_int_equal(berth_enosys_prepend(&prog, &abi, 1, &err), -EINVAL);
  assert_string_equal(err.msg,
                      "ENOSYS stub: the filter does not start with a load: Invalid argument");
  berth_error_clear(&err);
  free(prog.filter);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_enosys_stub_x86_64_i386_and_x32),
      cmocka_unit_test(test_enosys_stub_one_x86_64_abi),
      cmocka_unit_test(test_enosys_stub_s390x_setup_multiplexer),
      cmocka_unit_test(test_enosys_stub_many_architectures),
      cmocka_unit_test(test_enosys_abis_count_direct_numbers_of_multiplexed_calls),
      cmocka_unit_test(test_enosys_abis_native_x32_and_unknown_names),
      cmocka_unit_test(test_enosys_prepend_puts_the_stub_in_front),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
