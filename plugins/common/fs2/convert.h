/* SPDX-License-Identifier: Apache-2.0 */
/* The OCI spec speaks cgroup v1: these turn its values into cgroup v2 ones, the way runc's
 * cgroups package does. Pure functions, so the unit test compiles this file in directly. */
#ifndef FS2_CONVERT_H
#define FS2_CONVERT_H

#include <stdbool.h>
#include <stdint.h>

/* cpu.shares (2..262144, default 1024) to cpu.weight (1..10000, default 100) with runc's
 * linear ConvertCPUSharesToCgroupV2Value: 1 + ((shares - 2) * 9999) / 262142. 0 is "not
 * set" and stays 0; values outside the v1 range are clamped to it first. */
uint64_t fs2_cpu_shares_to_weight(uint64_t shares);

/* blkio.weight (10..1000) to io.weight (1..10000), runc's ConvertBlkIOToIOWeightValue:
 * 1 + (weight - 10) * 9999 / 990. 0 stays 0; out-of-range input is clamped. */
uint64_t fs2_blkio_weight_to_io_weight(uint64_t weight);

/* memory.swap.max from the OCI memory.swap (memory+swap, v1 style) and memory.limit, runc's
 * ConvertMemorySwapToCgroupV2Value. On success *set says whether to write anything and
 * *out is the value, -1 meaning "max". Returns -EINVAL with *why on a contradiction. */
int fs2_swap_max(int64_t swap, int64_t limit, bool *set, int64_t *out, const char **why);

#endif
