/* SPDX-License-Identifier: Apache-2.0 */
/* ENOSYS for system calls newer than a seccomp profile (core/seccomp_enosys.c): a profile
 * whose default denies (an errno, a kill, a trap) would otherwise make a system call it
 * predates (clone3 to an older profile) fail with its default, where libc falls back to the
 * older call only on ENOSYS. As runc (libcontainer/seccomp/patchbpf), a stub in front of
 * libseccomp's program answers ENOSYS to every number above the largest one the profile names
 * for that ABI. */
#ifndef BERTH_SECCOMP_ENOSYS_H
#define BERTH_SECCOMP_ENOSYS_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The x32 ABI's numbers are x86_64's with this bit set (the kernel's __X32_SYSCALL_BIT). */
#define BERTH_X32_SYSCALL_BIT 0x40000000u

/* One ABI the filter serves, as the kernel reports it in seccomp_data. */
struct berth_enosys_abi {
  uint32_t audit_arch; /* AUDIT_ARCH_*: seccomp_data.arch */
  bool x32;            /* x86_64's numbers with BERTH_X32_SYSCALL_BIT (the x32 ABI) */
  uint32_t last;       /* the largest number the profile names: those above get ENOSYS */
};

/* At most this many ABIs (every architecture libseccomp knows, x32 apart). */
#define BERTH_ENOSYS_MAX_ABIS 32
/* The stub for n ABIs has at most this many instructions. */
#define BERTH_ENOSYS_STUB_MAX(n) (1 + 9 * (n))

/* The ABIs of a filter for the libseccomp architectures arches[0..narches) (SCMP_ARCH_*;
 * the native one is added when missing) whose rules name names[0..nnames), each with the
 * largest number libseccomp's program tests for it: the name's own number, and for a
 * multiplexed call (socket or ipc families on x86, s390, ppc ...) both the multiplexer
 * (socketcall, ipc) and the direct number. An ABI with no name it knows is left out: the
 * profile says nothing about it. Returns how many were written to out (at most
 * BERTH_ENOSYS_MAX_ABIS). */
size_t berth_enosys_abis(const uint32_t *arches, size_t narches, const char *const *names,
                         size_t nnames, struct berth_enosys_abi *out);

/* The stub for abis[0..n) (no two with the same audit_arch and x32), written to out (room
 * for BERTH_ENOSYS_STUB_MAX(n)); returns its length, 0 for no ABI. It answers ENOSYS above
 * each ABI's last number (and to s390's setup(2), number 0, through which s390 multiplexes
 * numbers it does not know) and else goes on to the instruction that follows it, for every
 * architecture: the filter's own program, which loads what it tests. */
size_t berth_enosys_stub(const struct berth_enosys_abi *abis, size_t n, struct sock_filter *out);

/* Put the stub for abis[0..n) in front of prog (a program from seccomp_export_bpf),
 * reallocating prog->filter. Fails when the whole would exceed BPF_MAXINSNS. */
int berth_enosys_prepend(struct sock_fprog *prog, const struct berth_enosys_abi *abis, size_t n,
                         struct berth_error *err);

#endif
