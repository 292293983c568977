/* SPDX-License-Identifier: Apache-2.0 */
/* ABI 1.0 as released: tests/abi/1.0/berth/plugin.h is `git show 6455533:include/berth/plugin.h`,
 * the last revision with BERTH_ABI_MINOR 0 (the first, f4bd056, spelled the pid parameters
 * pid_t, the same type as int32_t on Linux). The table in layout.h is the layout plugins of
 * that minor were compiled with, and each struct ended where the 1.0 sizes say. */
#include <berth/plugin.h>

#include "layout.h"

_Static_assert(BERTH_ABI_MINOR == 0u, "tests/abi/1.0 must be the 1.0 header");
ABI_ASSERT_1_0_LAYOUT();
_Static_assert(sizeof(struct berth_host_api) == ABI_SIZE_1_0_HOST_API, "1.0 host api size");
_Static_assert(sizeof(struct berth_cgroup_request) == ABI_SIZE_1_0_CGROUP_REQUEST,
               "1.0 request size");
_Static_assert(sizeof(struct berth_cgroup_ops) == ABI_SIZE_1_0_CGROUP_OPS, "1.0 ops size");
_Static_assert(sizeof(struct berth_plugin) == ABI_SIZE_1_0_PLUGIN, "1.0 plugin size");
