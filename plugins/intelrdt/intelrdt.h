/* SPDX-License-Identifier: Apache-2.0 */
/* intelrdt.so: linux.intelRdt over the kernel's resctrl filesystem (Intel RDT, AMD QoS), as
 * runc's intelrdt manager: the container's group (CLOS) named by closID or the container ID,
 * its schemata, its tasks, a monitoring group, stats. */
#ifndef INTELRDT_H
#define INTELRDT_H

#include <berth/plugin.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helpers.h"

extern const struct berth_host_api *rdt_host;
#define rdt_error(err, errnum, ...) rdt_host->error((err), (errnum), __VA_ARGS__)

#define RDT_MAX_RESOURCES 8
#define RDT_MAX_DOMAINS 64

/* One allocation resource of info/ (L3, L3CODE, L3DATA, L2, MB ...). */
struct rdt_resource {
  char name[16];
  bool cache;              /* has cbm_mask: a cache bit mask per domain, else bandwidth */
  uint64_t cbm_mask;       /* cache: every bit the group may set */
  uint32_t min_cbm_bits;   /* cache: fewest bits a mask may set */
  bool sparse;             /* cache: info/RES/sparse_masks says non-contiguous masks are allowed */
  uint32_t num_closids;    /* groups the resource can tell apart (the default group included) */
  uint32_t bandwidth_gran; /* bandwidth: the step of a percentage */
  uint32_t min_bandwidth;  /* bandwidth: the lowest percentage */
  size_t n_domains;        /* the domain IDs of the root group's schemata line; 0: unknown */
  uint32_t domains[RDT_MAX_DOMAINS];
};

/* What resctrl offers on this host. */
struct rdt_info {
  bool mba_mbps;   /* mounted with mba_MBps: MB values are MB/s, not percentages */
  bool monitoring; /* info/L3_MON exists */
  size_t n;
  struct rdt_resource res[RDT_MAX_RESOURCES];
};

/* The resctrl mount point and its super options from the host's mount table
 * (berth_host_api.mountinfo), or -ENOENT with err naming resctrl. */
int rdt_find_mount(char root[PATH_MAX], bool *mba_mbps, struct berth_error *err);
/* info/ and the root group's schemata below root_fd. */
int rdt_read_info(int root_fd, bool mba_mbps, struct rdt_info *info, struct berth_error *err);
/* One schemata line ("L3:0=ff;1=f0", "MB:0=50") against info: 0, or -1 with why (one
 * sentence) filled in. */
int rdt_check_line(const struct rdt_info *info, const char *line, char *why, size_t size);
/* The fewest num_closids among the resources (0 without any). */
uint32_t rdt_num_closids(const struct rdt_info *info);

#endif
