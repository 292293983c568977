/* SPDX-License-Identifier: Apache-2.0 */
/* syscall_probe, static, run inside containers (seccomp_enosys.bats):
 *   syscall_probe NR[:ARG0]|thread...  in order, each raw system call NR with zero
 *                             arguments (or ARG0 as the first): "NR ok" or "NR ENAME"
 *                             (ENOSYS, EPERM, EACCES ...), NR as given (NR:ARG0); for
 *                             "thread", pthread_create as libc does it (clone3, then clone
 *                             when clone3 answers ENOSYS): "thread ok" or "thread: REASON"
 *                             (and exit 1)
 *   syscall_probe names-below N   (on the host) the names libseccomp knows on this
 *                             architecture with a number below N, one a line */
#include <errno.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *errno_name(int e) {
  switch (e) {
  case ENOSYS:
    return "ENOSYS";
  case EPERM:
    return "EPERM";
  case EACCES:
    return "EACCES";
  case EFAULT:
    return "EFAULT";
  case EINVAL:
    return "EINVAL";
  default:
    return strerror(e);
  }
}

static void *thread_main(void *arg) {
  return arg;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "names-below") == 0) {
    int below = atoi(argv[2]);
    for (int nr = 0; nr < below; nr++) {
      char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
      if (name != NULL)
        printf("%s\n", name);
      free(name);
    }
    return 0;
  }
  if (argc < 2) {
    fprintf(stderr, "usage: syscall_probe NR|thread... | names-below N\n");
    return 2;
  }
  int status = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "thread") == 0) {
      pthread_t t;
      int r = pthread_create(&t, NULL, thread_main, NULL);
      if (r == 0 && pthread_join(t, NULL) == 0) {
        printf("thread ok\n");
      } else {
        printf("thread: %s\n", errno_name(r));
        status = 1;
      }
      continue;
    }
    char *end;
    long nr = strtol(argv[i], &end, 10);
    long arg0 = *end == ':' ? strtol(end + 1, NULL, 10) : 0;
    long r = syscall(nr, arg0, 0, 0, 0, 0, 0);
    printf("%s %s\n", argv[i], r < 0 ? errno_name(errno) : "ok");
  }
  return status;
}
