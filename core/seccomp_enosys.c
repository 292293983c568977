/* SPDX-License-Identifier: Apache-2.0 */
/* ENOSYS for system calls newer than the profile: which numbers the profile covers for each
 * ABI, and the BPF stub that answers ENOSYS above them, in front of libseccomp's program. */
#include "seccomp_enosys.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

/* How far above the largest number a profile names the direct number of a multiplexed call
 * may lie (x86's socket is 359 where socketcall is 102; every ABI's table is under 1024). */
#define DIRECT_WINDOW 1024

static bool named(const char *name, const char *const *names, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(names[i], name) == 0)
      return true;
  return false;
}

/* The largest number libseccomp's rules test for names on arch, false when it knows none.
 * On the architectures that multiplex (x86, s390, ppc, mips o32 ...), the public resolver
 * gives the socket and ipc families pseudo numbers, while the program libseccomp generates
 * tests both the multiplexer (socketcall, ipc) and the direct call (x86's socket is 359):
 * both count, or the stub would answer ENOSYS to a direct call the profile allows. */
static bool last_named(uint32_t arch, const char *const *names, size_t n, uint32_t *last) {
  bool found = false, multiplexed = false;
  uint32_t max = 0;
  for (size_t i = 0; i < n; i++) {
    int nr = seccomp_syscall_resolve_name_arch(arch, names[i]);
    if (nr == __NR_SCMP_ERROR)
      continue; /* unknown to libseccomp: no rule was added for it either */
    if (nr < 0) {
      nr = seccomp_syscall_resolve_name_rewrite(arch, names[i]);
      multiplexed = multiplexed || nr >= 0;
    }
    if (nr >= 0 && (!found || (uint32_t)nr > max)) {
      max = (uint32_t)nr;
      found = true;
    }
  }
  /* libseccomp has no resolver from a multiplexed name to its direct number, only the
   * reverse: look for named calls just above max. */
  uint32_t top = max;
  for (uint32_t nr = max + 1; multiplexed && nr < max + DIRECT_WINDOW; nr++) {
    _cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(arch, (int)nr);
    if (name != NULL && named(name, names, n))
      top = nr;
  }
  *last = top;
  return found;
}

size_t berth_enosys_abis(const uint32_t *arches, size_t narches, const char *const *names,
                         size_t nnames, struct berth_enosys_abi *out) {
  uint32_t native = seccomp_arch_native();
  size_t n = 0;
  /* The native architecture first: the stub tests the architectures in this order. */
  for (size_t i = 0; i <= narches && n < BERTH_ENOSYS_MAX_ABIS; i++) {
    uint32_t arch = i == 0 ? native : arches[i - 1];
    if (arch == SCMP_ARCH_NATIVE)
      arch = native;
    /* libseccomp's x32 token is its own; the kernel reports x32 as x86_64. */
    struct berth_enosys_abi abi = {.audit_arch = arch == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : arch,
                                   .x32 = arch == SCMP_ARCH_X32};
    bool seen = false;
    for (size_t j = 0; j < n; j++)
      seen = seen || (out[j].audit_arch == abi.audit_arch && out[j].x32 == abi.x32);
    if (!seen && last_named(arch, names, nnames, &abi.last))
      out[n++] = abi;
  }
  return n;
}

static const struct berth_enosys_abi *find_abi(const struct berth_enosys_abi *abis, size_t n,
                                               uint32_t audit_arch, bool x32) {
  for (size_t i = 0; i < n; i++)
    if (abis[i].audit_arch == audit_arch && abis[i].x32 == x32)
      return &abis[i];
  return NULL;
}

#define LOAD(field) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
#define RETURN_ENOSYS BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS)
/* The only unconditional jump of the stub: to its end, where the filter's program starts
 * (the offset is filled in once the length is known). */
#define TO_FILTER BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0)

/* With the number loaded: ENOSYS above abi's last number, else on to the filter. */
static size_t emit_check(struct sock_filter *out, const struct berth_enosys_abi *abi) {
  if (abi == NULL) {
    out[0] = (struct sock_filter)TO_FILTER;
    return 1;
  }
  out[0] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, abi->last, 0, 1);
  out[1] = (struct sock_filter)RETURN_ENOSYS;
  out[2] = (struct sock_filter)TO_FILTER;
  return 3;
}

/* Every conditional jump of the stub skips at most 8 instructions, so none needs runc's long
 * form; the one long distance, to the filter, is an unconditional jump (32-bit offset). */
size_t berth_enosys_stub(const struct berth_enosys_abi *abis, size_t n, struct sock_filter *out) {
  if (n == 0)
    return 0;
  size_t len = 0;
  out[len++] = (struct sock_filter)LOAD(arch);
  for (size_t i = 0; i < n; i++) {
    uint32_t arch = abis[i].audit_arch;
    if (find_abi(abis, i, arch, false) != NULL || find_abi(abis, i, arch, true) != NULL)
      continue;           /* this architecture's block is written */
    size_t block = len++; /* its jeq, below */
    out[len++] = (struct sock_filter)LOAD(nr);
    if (arch == AUDIT_ARCH_X86_64) {
      /* One architecture, two ABIs: x32's numbers have the bit set. */
      size_t split = len++;
      size_t plain = emit_check(&out[len], find_abi(abis, n, arch, false));
      len += plain;
      out[split] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, BERTH_X32_SYSCALL_BIT,
                                                (uint8_t)plain, 0);
      len += emit_check(&out[len], find_abi(abis, n, arch, true));
    } else {
      if (arch == AUDIT_ARCH_S390 || arch == AUDIT_ARCH_S390X) {
        /* s390 reaches numbers above 255 through setup(2), number 0; a number the kernel
         * does not know stays 0 there. Nothing calls setup itself any more (runc does the
         * same). */
        out[len++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1);
        out[len++] = (struct sock_filter)RETURN_ENOSYS;
      }
      len += emit_check(&out[len], find_abi(abis, n, arch, false));
    }
    out[block] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 0,
                                              (uint8_t)(len - block - 1));
  }
  /* Another architecture falls through to the filter, which has its own answer for it. */
  for (size_t i = 0; i < len; i++)
    if (out[i].code == (BPF_JMP | BPF_JA))
      out[i].k = (uint32_t)(len - i - 1);
  return len;
}

int berth_enosys_prepend(struct sock_fprog *prog, const struct berth_enosys_abi *abis, size_t n,
                         struct berth_error *err) {
  struct sock_filter stub[BERTH_ENOSYS_STUB_MAX(BERTH_ENOSYS_MAX_ABIS)];
  if (n > BERTH_ENOSYS_MAX_ABIS)
    return berth_error(err, E2BIG, "ENOSYS stub: %zu ABIs", n);
  size_t len = berth_enosys_stub(abis, n, stub);
  if (len == 0)
    return 0;
  /* The stub leaves the number or the architecture loaded: the program must load what it
   * tests before it tests it (libseccomp's starts by loading the architecture). */
  if (prog->len == 0 || BPF_CLASS(prog->filter[0].code) != BPF_LD)
    return berth_error(err, EINVAL, "ENOSYS stub: the filter does not start with a load");
  if (prog->len + len > BPF_MAXINSNS)
    return berth_error(err, E2BIG, "ENOSYS stub: %zu instructions with the filter's %u", len,
                       prog->len);
  struct sock_filter *whole = malloc((prog->len + len) * sizeof(*whole));
  if (whole == NULL)
    return berth_error(err, ENOMEM, "ENOSYS stub");
  memcpy(whole, stub, len * sizeof(*whole));
  memcpy(whole + len, prog->filter, prog->len * sizeof(*whole));
  free(prog->filter);
  prog->filter = whole;
  prog->len = (unsigned short)(prog->len + len);
  return 0;
}
