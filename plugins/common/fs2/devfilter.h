/* SPDX-License-Identifier: Apache-2.0 */
/* The BPF_PROG_TYPE_CGROUP_DEVICE program for an ordered OCI device rule list. Pure code
 * (no syscalls, no host services), compiled into the unit test as well. */
#ifndef FS2_DEVFILTER_H
#define FS2_DEVFILTER_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEV_ANY (-1)

struct dev_rule {
  bool allow;
  char type;       /* 'a', 'b' or 'c' */
  int64_t major;   /* DEV_ANY or 0..UINT32_MAX */
  int64_t minor;   /* DEV_ANY or 0..UINT32_MAX */
  uint32_t access; /* BPF_DEVCG_ACC_{READ,WRITE,MKNOD} bits */
};

/* For every access bit a request asks for, the last rule in the list that matches the
 * device and holds that bit decides; a bit no rule speaks of is denied; the request is
 * allowed when every bit is. This is "last matching rule wins" (runc's devicefilter)
 * applied per access type, so that [allow c 1:5 rwm, deny c 1:5 w] refuses an O_RDWR open
 * as cgroup v1 would, and [allow c 1:5 r, allow c 1:5 w] grants it.
 * *insns is malloc()ed; returns 0, -ENOMEM or -E2BIG (too many rules). */
int fs2_devfilter_build(const struct dev_rule *rules, size_t n, struct bpf_insn **insns,
                        size_t *count);

#endif
