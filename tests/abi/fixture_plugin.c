/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroup-v1.so as plugins of other ABI minors would ship it: the real cgroup v1 backend
 * (cgroup-v1-core) behind a descriptor of another minor, so that today's core drives a real
 * container through it (abi_fixtures.bats). One of:
 *  FIXTURE_ABI_1_0      built against the 1.0 header (tests/abi/1.0): 1.0's descriptor and
 *                       ops table, followed in memory by ops the plugin never offered, which
 *                       abort if the host reads past struct_size and calls them;
 *  FIXTURE_NEWER_MINOR  built for BERTH_ABI_MINOR + 1: longer descriptor and ops table whose
 *                       extra members (unknown to the core) abort if ever called;
 *  FIXTURE_MAJOR_2      abi_major 2: to be refused with the file named.
 */
#include <stddef.h>
#include <stdlib.h>

#include "cgv1.h"

static const struct berth_host_api *fixture_host;

#define CGROUP_V1_OPS_1_0                                                                          \
  .create = cgv1_create, .load = cgv1_load, .save = cgv1_save, .enter = cgv1_enter,                \
  .apply = cgv1_apply, .freeze = cgv1_freeze, .is_frozen = cgv1_is_frozen,                         \
  .get_pids = cgv1_get_pids, .stats = cgv1_stats, .destroy = cgv1_destroy,                         \
  .release = cgv1_release, .cgroup_fd = cgv1_cgroup_fd

static void __attribute__((noreturn)) not_offered(const char *what) {
  fixture_host->log(BERTH_LOG_ERROR, "ABI fixture: the host called %s, which it must not", what);
  abort();
}

#if defined(FIXTURE_ABI_1_0)
#if BERTH_ABI_MINOR != 0
#error "FIXTURE_ABI_1_0 builds against tests/abi/1.0/berth/plugin.h"
#endif
#define FIXTURE_VERSION "abi-1.0-fixture"

/* 1.1's enter_sub and 1.3's kill_all as a later header places them: a host that read them
 * from a 1.0 table (whose struct_size ends before them) would call these. */
static int32_t past_end_enter_sub(struct berth_cgroup *cg, int32_t pid, const char *controller,
                                  const char *subpath, struct berth_error *err) {
  not_offered("enter_sub past the end of a 1.0 ops table");
}
static int32_t past_end_kill_all(struct berth_cgroup *cg, struct berth_error *err) {
  not_offered("kill_all past the end of a 1.0 ops table");
}

static const struct {
  struct berth_cgroup_ops ops;
  int32_t (*enter_sub)(struct berth_cgroup *cg, int32_t pid, const char *controller,
                       const char *subpath, struct berth_error *err);
  int32_t (*kill_all)(struct berth_cgroup *cg, struct berth_error *err);
} table = {
    .ops = {.struct_size = sizeof(struct berth_cgroup_ops), CGROUP_V1_OPS_1_0},
    .enter_sub = past_end_enter_sub,
    .kill_all = past_end_kill_all,
};

static const struct berth_plugin descriptor = {
    .magic = BERTH_PLUGIN_MAGIC,
    .abi_major = BERTH_ABI_MAJOR,
    .abi_minor = BERTH_ABI_MINOR,
    .struct_size = sizeof(struct berth_plugin),
    .kind = BERTH_PLUGIN_KIND_CGROUP,
    .name = "cgroup-v1",
    .version = FIXTURE_VERSION,
    .capabilities = BERTH_CGROUP_CAP_FREEZE | BERTH_CGROUP_CAP_STATS,
    .requires = BERTH_HOST_FEATURES_1_0,
    .cgroup = &table.ops,
};
#define FIXTURE_DESCRIPTOR (&descriptor)

#else /* built against today's header */

static int32_t future_op(struct berth_cgroup *cg, struct berth_error *err) {
  not_offered("an op of a minor it does not know");
}

/* What a later minor appends: one op to the cgroup table, one member to the descriptor. */
static const struct {
  struct berth_cgroup_ops known;
  int32_t (*future_op)(struct berth_cgroup *cg, struct berth_error *err);
} table = {
    .known = {.struct_size = sizeof(table), CGROUP_V1_OPS_1_0, .enter_sub = cgv1_enter_sub},
    .future_op = future_op,
};

static const struct {
  struct berth_plugin known;
  const void *future_ops;
} descriptor = {
    .known =
        {
            .magic = BERTH_PLUGIN_MAGIC,
#ifdef FIXTURE_MAJOR_2
            .abi_major = 2,
            .abi_minor = 0,
#else
            .abi_major = BERTH_ABI_MAJOR,
            .abi_minor = BERTH_ABI_MINOR + 1,
#endif
            .struct_size = sizeof(descriptor),
            .kind = BERTH_PLUGIN_KIND_CGROUP,
            .name = "cgroup-v1",
            .version = "abi-newer-minor-fixture",
            .capabilities = BERTH_CGROUP_CAP_FREEZE | BERTH_CGROUP_CAP_STATS,
            .requires = BERTH_HOST_FEATURES_1_0,
            .cgroup = &table.known,
        },
    .future_ops = &table.future_op,
};
#define FIXTURE_DESCRIPTOR (&descriptor.known)
#endif

BERTH_PLUGIN_EXPORT const struct berth_plugin *
berth_plugin_entry(const struct berth_host_api *host) {
  if (!cgc_init_host(host, "cgroup-v1"))
    return NULL;
  fixture_host = host;
  return FIXTURE_DESCRIPTOR;
}
