/* SPDX-License-Identifier: Apache-2.0 */
/* bpf(2) for BPF_CGROUP_DEVICE programs. Raw: each returns an fd or 0, or -errno. */
#ifndef FS2_BPF_H
#define FS2_BPF_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

/* BPF_PROG_LOAD of a BPF_PROG_TYPE_CGROUP_DEVICE program; on failure log (if given)
 * holds the verifier's output. */
int fs2_bpf_load_device_filter(const struct bpf_insn *insns, size_t count, char *log,
                               size_t log_size);
/* The ids of the device programs attached to the cgroup itself (not inherited ones).
 * *count: room in ids on entry, programs attached on return (-ENOSPC when they did not
 * fit). */
int fs2_bpf_query_device_filters(int cgroup_fd, uint32_t *ids, uint32_t *count);
int fs2_bpf_prog_fd_by_id(uint32_t id);
int fs2_bpf_prog_id_of(int prog_fd, uint32_t *id);
/* replace_fd: the program BPF_F_REPLACE swaps out, or -1. */
int fs2_bpf_attach_device_filter(int cgroup_fd, int prog_fd, uint32_t flags, int replace_fd);
int fs2_bpf_detach_device_filter(int cgroup_fd, int prog_fd);

#endif
