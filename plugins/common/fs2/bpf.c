/* SPDX-License-Identifier: Apache-2.0 */
/* The few bpf(2) commands a device filter needs, without libbpf. Every call passes a whole
 * zeroed union bpf_attr: kernels 6.17+ write BPF_PROG_QUERY's revision field whatever size
 * the caller gives, so a struct cut short at prog_cnt would be overrun. */
#include "bpf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The verifier can be interrupted by a signal and say EAGAIN (runc retries as often). */
#define LOAD_RETRIES 30

static long sys_bpf(int cmd, union bpf_attr *attr) {
  long r;
  int tries = 0;
  do
    r = syscall(SYS_bpf, cmd, attr, sizeof(*attr));
  while (r < 0 && errno == EAGAIN && cmd == BPF_PROG_LOAD && ++tries < LOAD_RETRIES);
  return r;
}

/* bpf(2) treats fd 0 as "none" in later calls: never keep one. */
static int fd_result(long r) {
  if (r < 0)
    return -errno;
  int fd = (int)r;
  if (fd == 0) {
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    int saved = errno;
    close(fd);
    return moved >= 0 ? moved : -saved;
  }
  return fd;
}

int fs2_bpf_load_device_filter(const struct bpf_insn *insns, size_t count, char *log,
                               size_t log_size) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t)(uintptr_t)insns;
  attr.insn_cnt = (uint32_t)count;
  /* runc's and crun's choice; the kernel only checks for GPL-compatibility when a program
   * calls GPL-only helpers, which this one does not. */
  attr.license = (uint64_t)(uintptr_t) "Apache";
  int fd = fd_result(sys_bpf(BPF_PROG_LOAD, &attr));
  if (fd >= 0 || log == NULL || log_size == 0)
    return fd;
  /* Failed: load again with the verifier's log, for the error message only. */
  int first = fd;
  log[0] = '\0';
  attr.log_level = 1;
  attr.log_buf = (uint64_t)(uintptr_t)log;
  attr.log_size = (uint32_t)log_size;
  fd = fd_result(sys_bpf(BPF_PROG_LOAD, &attr));
  if (fd >= 0)
    return fd;
  log[log_size - 1] = '\0';
  return first;
}

int fs2_bpf_query_device_filters(int cgroup_fd, uint32_t *ids, uint32_t *count) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.query.target_fd = (uint32_t)cgroup_fd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
  attr.query.prog_cnt = *count;
  long r = sys_bpf(BPF_PROG_QUERY, &attr);
  *count = attr.query.prog_cnt;
  return r < 0 ? -errno : 0;
}

int fs2_bpf_prog_fd_by_id(uint32_t id) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.prog_id = id;
  return fd_result(sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr));
}

int fs2_bpf_prog_id_of(int prog_fd, uint32_t *id) {
  struct bpf_prog_info info;
  memset(&info, 0, sizeof(info));
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.info.bpf_fd = (uint32_t)prog_fd;
  attr.info.info_len = sizeof(info);
  attr.info.info = (uint64_t)(uintptr_t)&info;
  if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) < 0)
    return -errno;
  *id = info.id;
  return 0;
}

int fs2_bpf_attach_device_filter(int cgroup_fd, int prog_fd, uint32_t flags, int replace_fd) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.target_fd = (uint32_t)cgroup_fd;
  attr.attach_bpf_fd = (uint32_t)prog_fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = flags;
  if (replace_fd >= 0)
    attr.replace_bpf_fd = (uint32_t)replace_fd;
  return sys_bpf(BPF_PROG_ATTACH, &attr) < 0 ? -errno : 0;
}

int fs2_bpf_detach_device_filter(int cgroup_fd, int prog_fd) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.target_fd = (uint32_t)cgroup_fd;
  attr.attach_bpf_fd = (uint32_t)prog_fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  return sys_bpf(BPF_PROG_DETACH, &attr) < 0 ? -errno : 0;
}
