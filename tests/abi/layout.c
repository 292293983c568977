/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every member of every struct of every released minor of the plugin ABI, at its offset and
 * size, checked at build time against today's include/berth/plugin.h: a member that moves,
 * changes size or disappears fails the build here. A new minor adds its members below
 * (after the last minor's, at the size that minor ended with) and bumps the minor check.
 */
#include <berth/plugin.h>

#include "layout.h"

_Static_assert(BERTH_ABI_MINOR == 6u, "a new ABI minor: add its members to tests/abi/layout.c");

ABI_ASSERT_1_0_LAYOUT();

/* 1.1: berth_cgroup_request.annotations_json, berth_cgroup_ops.enter_sub. */
ABI_MEMBER(berth_cgroup_request, annotations_json, ABI_SIZE_1_0_CGROUP_REQUEST, 8);
ABI_MEMBER(berth_cgroup_ops, enter_sub, ABI_SIZE_1_0_CGROUP_OPS, 8);
#define ABI_SIZE_1_1_CGROUP_REQUEST 40
#define ABI_SIZE_1_1_CGROUP_OPS 112

/* 1.2: berth_plugin.lsm and struct berth_lsm_ops. */
ABI_MEMBER(berth_plugin, lsm, ABI_SIZE_1_0_PLUGIN, 8);
ABI_MEMBER(berth_lsm_ops, struct_size, 0, 4);
ABI_MEMBER(berth_lsm_ops, reserved0, 4, 4);
ABI_MEMBER(berth_lsm_ops, enabled, 8, 8);
ABI_MEMBER(berth_lsm_ops, validate, 16, 8);
ABI_MEMBER(berth_lsm_ops, exec_attr, 24, 8);
#define ABI_SIZE_1_2_PLUGIN 72
#define ABI_SIZE_1_2_LSM_OPS 32

/* 1.3: berth_cgroup_ops.kill_all. */
ABI_MEMBER(berth_cgroup_ops, kill_all, ABI_SIZE_1_1_CGROUP_OPS, 8);
#define ABI_SIZE_1_3_CGROUP_OPS 120

/* 1.4: berth_cgroup_ops.auto_rank (and its padding), berth_lsm_ops.fields. */
ABI_MEMBER(berth_cgroup_ops, auto_rank, ABI_SIZE_1_3_CGROUP_OPS, 4);
ABI_MEMBER(berth_cgroup_ops, reserved1, ABI_SIZE_1_3_CGROUP_OPS + 4, 4);
ABI_MEMBER(berth_lsm_ops, fields, ABI_SIZE_1_2_LSM_OPS, 8);
#define ABI_SIZE_1_4_CGROUP_OPS 128
#define ABI_SIZE_1_4_LSM_OPS 40

/* 1.5: berth_host_api.mountinfo, berth_plugin.rdt and .device, struct berth_device_ops, struct
 * berth_rdt_request and struct berth_rdt_ops. */
ABI_MEMBER(berth_host_api, mountinfo, ABI_SIZE_1_0_HOST_API, 8);
ABI_MEMBER(berth_plugin, rdt, ABI_SIZE_1_2_PLUGIN, 8);
ABI_MEMBER(berth_rdt_request, struct_size, 0, 4);
ABI_MEMBER(berth_rdt_request, reserved0, 4, 4);
ABI_MEMBER(berth_rdt_request, container_id, 8, 8);
ABI_MEMBER(berth_rdt_request, intel_rdt_json, 16, 8);
ABI_MEMBER(berth_rdt_ops, struct_size, 0, 4);
ABI_MEMBER(berth_rdt_ops, reserved0, 4, 4);
ABI_MEMBER(berth_rdt_ops, enabled, 8, 8);
ABI_MEMBER(berth_rdt_ops, create, 16, 8);
ABI_MEMBER(berth_rdt_ops, load, 24, 8);
ABI_MEMBER(berth_rdt_ops, save, 32, 8);
ABI_MEMBER(berth_rdt_ops, add, 40, 8);
ABI_MEMBER(berth_rdt_ops, stats, 48, 8);
ABI_MEMBER(berth_rdt_ops, destroy, 56, 8);
ABI_MEMBER(berth_rdt_ops, release, 64, 8);
ABI_MEMBER(berth_rdt_ops, update, 72, 8);
#define ABI_SIZE_1_5_HOST_API 40
#define ABI_SIZE_1_5_RDT_REQUEST 24
#define ABI_SIZE_1_5_RDT_OPS 80
ABI_MEMBER(berth_plugin, device, ABI_SIZE_1_2_PLUGIN + 8, 8);
ABI_MEMBER(berth_device_ops, struct_size, 0, 4);
ABI_MEMBER(berth_device_ops, reserved0, 4, 4);
ABI_MEMBER(berth_device_ops, resolve, 8, 8);
ABI_MEMBER(berth_device_ops, classes, 16, 8);
#define ABI_SIZE_1_5_PLUGIN 88
#define ABI_SIZE_1_5_DEVICE_OPS 24
/* 1.5: berth_lsm_ops.keyring_attr and mount_option. */
ABI_MEMBER(berth_lsm_ops, keyring_attr, ABI_SIZE_1_4_LSM_OPS, 8);
ABI_MEMBER(berth_lsm_ops, mount_option, ABI_SIZE_1_4_LSM_OPS + 8, 8);
#define ABI_SIZE_1_5_LSM_OPS 56
/* 1.6: berth_plugin.checkpoint, struct berth_checkpoint_ops and struct
 * berth_checkpoint_request. */
ABI_MEMBER(berth_plugin, checkpoint, ABI_SIZE_1_5_PLUGIN, 8);
ABI_MEMBER(berth_checkpoint_ops, struct_size, 0, 4);
ABI_MEMBER(berth_checkpoint_ops, reserved0, 4, 4);
ABI_MEMBER(berth_checkpoint_ops, check, 8, 8);
ABI_MEMBER(berth_checkpoint_ops, dump, 16, 8);
ABI_MEMBER(berth_checkpoint_ops, restore, 24, 8);
ABI_MEMBER(berth_checkpoint_request, struct_size, 0, 4);
ABI_MEMBER(berth_checkpoint_request, flags, 4, 4);
ABI_MEMBER(berth_checkpoint_request, pid, 8, 4);
ABI_MEMBER(berth_checkpoint_request, manage_cgroups_mode, 12, 4);
ABI_MEMBER(berth_checkpoint_request, empty_ns, 16, 8);
ABI_MEMBER(berth_checkpoint_request, container_id, 24, 8);
ABI_MEMBER(berth_checkpoint_request, criu_path, 32, 8);
ABI_MEMBER(berth_checkpoint_request, rootfs, 40, 8);
ABI_MEMBER(berth_checkpoint_request, bundle, 48, 8);
ABI_MEMBER(berth_checkpoint_request, image_path, 56, 8);
ABI_MEMBER(berth_checkpoint_request, work_path, 64, 8);
ABI_MEMBER(berth_checkpoint_request, parent_path, 72, 8);
ABI_MEMBER(berth_checkpoint_request, external_mounts, 80, 8);
ABI_MEMBER(berth_checkpoint_request, masked_files, 88, 8);
ABI_MEMBER(berth_checkpoint_request, status_fd, 96, 4);
ABI_MEMBER(berth_checkpoint_request, reserved0, 100, 4);
#define ABI_SIZE_1_6_PLUGIN 96
#define ABI_SIZE_1_6_CHECKPOINT_OPS 32
#define ABI_SIZE_1_6_CHECKPOINT_REQUEST 104
_Static_assert(BERTH_PLUGIN_KIND_CHECKPOINT == 5, "checkpoint kind");

/* Today's sizes are the last minor's: nothing was added that this file does not list. */
_Static_assert(sizeof(struct berth_host_api) == ABI_SIZE_1_5_HOST_API, "host api size");
_Static_assert(sizeof(struct berth_cgroup_request) == ABI_SIZE_1_1_CGROUP_REQUEST, "request size");
_Static_assert(sizeof(struct berth_cgroup_ops) == ABI_SIZE_1_4_CGROUP_OPS, "cgroup ops size");
_Static_assert(sizeof(struct berth_lsm_ops) == ABI_SIZE_1_5_LSM_OPS, "lsm ops size");
_Static_assert(sizeof(struct berth_device_ops) == ABI_SIZE_1_5_DEVICE_OPS, "device ops size");
_Static_assert(sizeof(struct berth_plugin) == ABI_SIZE_1_6_PLUGIN, "plugin size");
_Static_assert(sizeof(struct berth_checkpoint_ops) == ABI_SIZE_1_6_CHECKPOINT_OPS,
               "checkpoint ops size");
_Static_assert(sizeof(struct berth_checkpoint_request) == ABI_SIZE_1_6_CHECKPOINT_REQUEST,
               "checkpoint request size");
_Static_assert(sizeof(struct berth_rdt_request) == ABI_SIZE_1_5_RDT_REQUEST, "rdt request size");
_Static_assert(sizeof(struct berth_rdt_ops) == ABI_SIZE_1_5_RDT_OPS, "rdt ops size");
