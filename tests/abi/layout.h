/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The layout of every member ABI 1.0 defines, as numbers: a plugin built in 2020 and a core
 * built today must agree on them byte for byte. Included by layout.c (today's header) and by
 * layout_1_0.c (the 1.0 header as released, tests/abi/1.0), so that both views are held to
 * the same table. The numbers are those of the LP64 Linux ABIs (x86_64, aarch64, ...).
 */
#ifndef BERTH_TEST_ABI_LAYOUT_H
#define BERTH_TEST_ABI_LAYOUT_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#if UINTPTR_MAX != UINT64_MAX || UINT_MAX != UINT32_MAX
#error "tests/abi holds the LP64 layout only: add this data model's table before porting"
#endif

/* A member stays at its offset with its size: moving, resizing or reordering one fails here. */
#define ABI_MEMBER(type, member, offset, size)                                                     \
  _Static_assert(offsetof(struct type, member) == (offset),                                        \
                 "struct " #type ": member " #member " moved (ABI break)");                        \
  _Static_assert(sizeof(((struct type *)0)->member) == (size),                                     \
                 "struct " #type ": member " #member " changed size (ABI break)")

/* What a struct measured at one minor: where the next minor's first member begins. */
#define ABI_SIZE_1_0_HOST_API 32
#define ABI_SIZE_1_0_CGROUP_REQUEST 32
#define ABI_SIZE_1_0_CGROUP_OPS 104
#define ABI_SIZE_1_0_PLUGIN 64

#define ABI_ASSERT_1_0_LAYOUT()                                                                    \
  ABI_MEMBER(berth_host_api, struct_size, 0, 4);                                                   \
  ABI_MEMBER(berth_host_api, abi_major, 4, 4);                                                     \
  ABI_MEMBER(berth_host_api, abi_minor, 8, 4);                                                     \
  ABI_MEMBER(berth_host_api, reserved0, 12, 4);                                                    \
  ABI_MEMBER(berth_host_api, error, 16, 8);                                                        \
  ABI_MEMBER(berth_host_api, log, 24, 8);                                                          \
  _Static_assert(sizeof(struct berth_host_api) >= ABI_SIZE_1_0_HOST_API, "berth_host_api");        \
                                                                                                   \
  ABI_MEMBER(berth_cgroup_request, struct_size, 0, 4);                                             \
  ABI_MEMBER(berth_cgroup_request, flags, 4, 4);                                                   \
  ABI_MEMBER(berth_cgroup_request, container_id, 8, 8);                                            \
  ABI_MEMBER(berth_cgroup_request, cgroups_path, 16, 8);                                           \
  ABI_MEMBER(berth_cgroup_request, resources_json, 24, 8);                                         \
  _Static_assert(sizeof(struct berth_cgroup_request) >= ABI_SIZE_1_0_CGROUP_REQUEST,               \
                 "berth_cgroup_request");                                                          \
                                                                                                   \
  ABI_MEMBER(berth_cgroup_ops, struct_size, 0, 4);                                                 \
  ABI_MEMBER(berth_cgroup_ops, reserved0, 4, 4);                                                   \
  ABI_MEMBER(berth_cgroup_ops, create, 8, 8);                                                      \
  ABI_MEMBER(berth_cgroup_ops, load, 16, 8);                                                       \
  ABI_MEMBER(berth_cgroup_ops, save, 24, 8);                                                       \
  ABI_MEMBER(berth_cgroup_ops, enter, 32, 8);                                                      \
  ABI_MEMBER(berth_cgroup_ops, apply, 40, 8);                                                      \
  ABI_MEMBER(berth_cgroup_ops, freeze, 48, 8);                                                     \
  ABI_MEMBER(berth_cgroup_ops, is_frozen, 56, 8);                                                  \
  ABI_MEMBER(berth_cgroup_ops, get_pids, 64, 8);                                                   \
  ABI_MEMBER(berth_cgroup_ops, stats, 72, 8);                                                      \
  ABI_MEMBER(berth_cgroup_ops, destroy, 80, 8);                                                    \
  ABI_MEMBER(berth_cgroup_ops, release, 88, 8);                                                    \
  ABI_MEMBER(berth_cgroup_ops, cgroup_fd, 96, 8);                                                  \
  _Static_assert(sizeof(struct berth_cgroup_ops) >= ABI_SIZE_1_0_CGROUP_OPS, "berth_cgroup_ops");  \
                                                                                                   \
  ABI_MEMBER(berth_plugin, magic, 0, 4);                                                           \
  ABI_MEMBER(berth_plugin, abi_major, 4, 4);                                                       \
  ABI_MEMBER(berth_plugin, abi_minor, 8, 4);                                                       \
  ABI_MEMBER(berth_plugin, struct_size, 12, 4);                                                    \
  ABI_MEMBER(berth_plugin, kind, 16, 4);                                                           \
  ABI_MEMBER(berth_plugin, reserved0, 20, 4);                                                      \
  ABI_MEMBER(berth_plugin, name, 24, 8);                                                           \
  ABI_MEMBER(berth_plugin, version, 32, 8);                                                        \
  ABI_MEMBER(berth_plugin, capabilities, 40, 8);                                                   \
  ABI_MEMBER(berth_plugin, requires, 48, 8);                                                       \
  ABI_MEMBER(berth_plugin, cgroup, 56, 8);                                                         \
  _Static_assert(sizeof(struct berth_plugin) >= ABI_SIZE_1_0_PLUGIN, "berth_plugin");              \
                                                                                                   \
  /* The values of 1.0's constants are ABI too: a plugin compiled them in. */                      \
  _Static_assert(BERTH_PLUGIN_MAGIC == 0x42525448u, "magic");                                      \
  _Static_assert(BERTH_ABI_MAJOR == 1u, "major");                                                  \
  _Static_assert(BERTH_PLUGIN_KIND_CGROUP == 1u && BERTH_PLUGIN_KIND_RDT == 2u &&                  \
                     BERTH_PLUGIN_KIND_LSM == 3u,                                                  \
                 "plugin kinds");                                                                  \
  _Static_assert(BERTH_HOST_FEATURES_1_0 == 0x0ull, "host features");                              \
  _Static_assert(BERTH_LOG_ERROR == 0 && BERTH_LOG_WARN == 1 && BERTH_LOG_INFO == 2 &&             \
                     BERTH_LOG_DEBUG == 3,                                                         \
                 "log levels");                                                                    \
  _Static_assert(BERTH_CGROUP_REQ_ROOTLESS == 0x1u, "request flags");                              \
  _Static_assert(BERTH_CGROUP_CAP_FREEZE == 0x1ull && BERTH_CGROUP_CAP_STATS == 0x2ull &&          \
                     BERTH_CGROUP_CAP_UNIFIED == 0x4ull,                                           \
                 "cgroup capabilities")

#endif
