/* SPDX-License-Identifier: Apache-2.0 */
/* deny_syscalls ERRNO NAME[,NAME...] -- COMMAND [ARG...]: run COMMAND (berth, in the tests)
 * under a seccomp filter of its caller's making, where each NAME fails with ERRNO (a number)
 * and everything else is allowed, as an engine's older profile or an old kernel would. */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 5 || strcmp(argv[3], "--") != 0) {
    fprintf(stderr, "usage: deny_syscalls ERRNO NAME[,NAME...] -- COMMAND [ARG...]\n");
    return 2;
  }
  int errno_ret = atoi(argv[1]);
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == NULL)
    return 2;
  for (char *save = NULL, *name = strtok_r(argv[2], ",", &save); name != NULL;
       name = strtok_r(NULL, ",", &save)) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(errno_ret), nr, 0) < 0) {
      fprintf(stderr, "deny_syscalls: %s: unknown system call\n", name);
      return 2;
    }
  }
  /* Root keeps CAP_SYS_ADMIN: no no_new_privs, which would change what berth may do. */
  if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0 || seccomp_load(ctx) < 0) {
    fprintf(stderr, "deny_syscalls: load the filter\n");
    return 2;
  }
  seccomp_release(ctx);
  execvp(argv[4], argv + 4);
  fprintf(stderr, "deny_syscalls: exec %s: %s\n", argv[4], strerror(errno));
  return 127;
}
