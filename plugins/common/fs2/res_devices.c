/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources.devices: cgroup v2 has no devices files; access is decided by a
 * BPF_PROG_TYPE_CGROUP_DEVICE program attached to the cgroup. The core hands the complete
 * ordered list (runc's default allowed devices already appended). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bpf.h"
#include "fs2.h"
#include "devfilter.h"
#include "helpers.h"

/* The kernel allows 64 programs per attach point. */
#define MAX_ATTACHED 64
#define VERIFIER_LOG_SIZE (64 * 1024)

static int parse_rule(json_object *rule, size_t index, struct dev_rule *out,
                      struct berth_error *err) {
  struct cgc_device_rule d;
  int r = cgc_device_rule(rule, index, &d, err);
  if (r < 0)
    return r;
  out->allow = d.allow;
  out->type = d.type;
  _Static_assert(DEV_ANY == CGC_DEV_ANY, "one wildcard");
  out->major = d.major;
  out->minor = d.minor;
  out->access = (d.read ? BPF_DEVCG_ACC_READ : 0) | (d.write ? BPF_DEVCG_ACC_WRITE : 0) |
                (d.mknod ? BPF_DEVCG_ACC_MKNOD : 0);
  return 0;
}

/* The last lines of the verifier's log say what it refused; one line for the message. */
static const char *log_tail(char *log) {
  size_t n = strlen(log);
  while (n > 0 && log[n - 1] == '\n')
    log[--n] = '\0';
  char *p = log + n;
  for (int lines = 0; p > log; p--)
    if (p[-1] == '\n' && ++lines == 3)
      break;
  for (char *c = p; *c != '\0'; c++)
    if (*c == '\n')
      *c = ' ';
  return p;
}

static void close_all(int *fds, size_t n) {
  for (size_t i = 0; i < n; i++)
    closep(&fds[i]);
}

/* fds of the programs attached to the cgroup now. Programs an LSM hides from us are
 * skipped, as runc does: another device program can only restrict further. */
static int attached_programs(const struct fs2_cgroup *cg, int *fds, size_t *n,
                             struct berth_error *err) {
  uint32_t ids[MAX_ATTACHED], count = MAX_ATTACHED;
  *n = 0;
  int r = fs2_bpf_query_device_filters(cg->fd, ids, &count);
  if (r < 0)
    return cg_error(err, -r, "bpf(BPF_PROG_QUERY, BPF_CGROUP_DEVICE) on %s", cg->path);
  for (uint32_t i = 0; i < count && i < MAX_ATTACHED; i++) {
    int fd = fs2_bpf_prog_fd_by_id(ids[i]);
    if (fd == -EPERM || fd == -EACCES || fd == -ENOENT) {
      log_debug("cgroup-v2: %s: cannot reach device program %u: %s", cg->path, ids[i],
                strerror(-fd));
      continue;
    }
    if (fd < 0) {
      close_all(fds, *n);
      return cg_error(err, -fd, "bpf(BPF_PROG_GET_FD_BY_ID, %u) for %s", ids[i], cg->path);
    }
    fds[(*n)++] = fd;
  }
  return 0;
}

/* Swap the new program in: with BPF_F_REPLACE when exactly one is attached (no moment
 * without a filter), else attach next to the old ones and detach them, as runc. */
static int replace_programs(const struct fs2_cgroup *cg, int prog_fd, struct berth_error *err) {
  int old[MAX_ATTACHED];
  size_t n_old = 0;
  int r = attached_programs(cg, old, &n_old, err);
  if (r < 0)
    return r;
  r = -EINVAL;
  if (n_old == 1)
    r = fs2_bpf_attach_device_filter(cg->fd, prog_fd, BPF_F_ALLOW_MULTI | BPF_F_REPLACE, old[0]);
  if (r == 0) {
    close_all(old, n_old);
    return 0;
  }
  /* BPF_F_REPLACE refused (kernel < 5.6 says EINVAL), or not one old program: attach next
   * to the old ones, then detach them. */
  r = fs2_bpf_attach_device_filter(cg->fd, prog_fd, BPF_F_ALLOW_MULTI, -1);
  if (r < 0) {
    close_all(old, n_old);
    return cg_error(err, -r, "bpf(BPF_PROG_ATTACH, BPF_CGROUP_DEVICE) on %s", cg->path);
  }
  for (size_t i = 0; i < n_old && r == 0; i++)
    if ((r = fs2_bpf_detach_device_filter(cg->fd, old[i])) < 0)
      r = cg_error(err, -r, "bpf(BPF_PROG_DETACH) of the old device filter on %s", cg->path);
  close_all(old, n_old);
  return r;
}

static int load_and_attach(struct fs2_cgroup *cg, const struct dev_rule *rules, size_t n,
                           struct berth_error *err) {
  _cleanup_free_ struct bpf_insn *insns = NULL;
  size_t count = 0;
  int r = fs2_devfilter_build(rules, n, &insns, &count);
  if (r < 0)
    return cg_error(err, -r, "linux.resources.devices: build the device filter of %zu rules", n);
  _cleanup_free_ char *log = malloc(VERIFIER_LOG_SIZE);
  _cleanup_close_ int prog =
      fs2_bpf_load_device_filter(insns, count, log, log ? VERIFIER_LOG_SIZE : 0);
  if (prog < 0) {
    const char *tail = log != NULL ? log_tail(log) : "";
    return cg_error(err, -prog, "bpf(BPF_PROG_LOAD) of the device filter for %s (%zu insns)%s%s",
                    cg->path, count, tail[0] != '\0' ? ": verifier: " : "", tail);
  }
  if ((r = replace_programs(cg, prog, err)) < 0)
    return r;
  /* Kept for the record (state.json, debugging): replacing goes by BPF_PROG_QUERY, so an id
   * that a later update made stale does no harm. */
  uint32_t id = 0;
  if (fs2_bpf_prog_id_of(prog, &id) < 0)
    log_debug("cgroup-v2: %s: cannot read the id of its device filter", cg->path);
  cg->bpf_prog_id = id;
  log_debug("cgroup-v2: %s: device filter of %zu rules attached (prog id %u)", cg->path, n, id);
  return 0;
}

int fs2_apply_devices(struct fs2_cgroup *cg, json_object *devices, struct berth_error *err) {
  if (devices == NULL)
    return 0;
  size_t n = json_object_array_length(devices);
  _cleanup_free_ struct dev_rule *rules = calloc(n > 0 ? n : 1, sizeof(*rules));
  if (rules == NULL)
    return cg_error(err, ENOMEM, "linux.resources.devices");
  /* Check the whole list before touching the kernel. */
  for (size_t i = 0; i < n; i++) {
    int r = parse_rule(json_object_array_get_idx(devices, i), i, &rules[i], err);
    if (r < 0)
      return r;
  }
  if (cg->rootless) {
    /* As runc: bpf(2) is not expected to work without privileges. Probe with the query,
     * so that a failure does not reach the host's error object. */
    uint32_t ids[1], count = 1;
    int r = fs2_bpf_query_device_filters(cg->fd, ids, &count);
    if (r < 0 && r != -ENOSPC) {
      log_debug("cgroup-v2: rootless: not setting a device filter: %s", strerror(-r));
      return 0;
    }
  }
  return load_and_attach(cg, rules, n, err);
}
