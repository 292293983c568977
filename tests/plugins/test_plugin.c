/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One small cgroup plugin, compiled once per case of tests/unit/test_plugin_loader.c.
 * TEST_PLUGIN_NAME is the file's basename (the loader checks the two agree) and one
 * TEST_PLUGIN_<CASE> define bends the descriptor the way that case needs: a bad magic, a
 * different major, a short struct ... Built like a shipped plugin (hidden visibility,
 * plugins/plugin.map, -z defs) unless the case is about breaking exactly that.
 * TEST_PLUGIN_NULL_OP (TEST_PLUGIN_NULL_LSM_OP) names a mandatory op the case leaves NULL;
 * TEST_PLUGIN_LSM makes it an LSM plugin, TEST_PLUGIN_DEVICE a device plugin, TEST_PLUGIN_RDT
 * an RDT plugin (TEST_PLUGIN_NULL_RDT_OP names its mandatory op left NULL). With
 * BERTH_TEST_PLUGIN_CALLS naming a file, the entry point appends "entry PID" to it: which
 * process ran it, how often.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <berth/plugin.h>

/* TEST_PLUGIN_NULL_OP overrides an initialiser on purpose. */
#ifdef __clang__
#pragma clang diagnostic ignored "-Winitializer-overrides"
#else
#pragma GCC diagnostic ignored "-Woverride-init"
#endif

#ifndef TEST_PLUGIN_NAME
#error "TEST_PLUGIN_NAME must name the plugin file's basename"
#endif

static const struct berth_host_api *host;

/* Every op answers through the host's error service, so a test can see that the host
 * API reached the plugin intact and that the plugin's message reaches the caller. */
static int32_t unsupported(const char *op, struct berth_error *err) {
  return host->error(err, ENOSYS, "test plugin %s: %s", TEST_PLUGIN_NAME, op);
}

static int32_t op_create(const struct berth_cgroup_request *req, struct berth_cgroup **out,
                         struct berth_error *err) {
  return unsupported("create", err);
}
static int32_t op_load(const char *state_json, struct berth_cgroup **out, struct berth_error *err) {
  return unsupported("load", err);
}
static int32_t op_save(struct berth_cgroup *cg, char **state_json, struct berth_error *err) {
  return unsupported("save", err);
}
static int32_t op_enter(struct berth_cgroup *cg, int32_t pid, struct berth_error *err) {
  return unsupported("enter", err);
}
static int32_t op_apply(struct berth_cgroup *cg, const char *resources_json,
                        struct berth_error *err) {
  return unsupported("apply", err);
}
static int32_t op_freeze(struct berth_cgroup *cg, int32_t frozen, struct berth_error *err) {
  return unsupported("freeze", err);
}
static int32_t op_is_frozen(struct berth_cgroup *cg, int32_t *frozen, struct berth_error *err) {
  return unsupported("is_frozen", err);
}
static int32_t op_get_pids(struct berth_cgroup *cg, berth_pid_fn fn, void *data,
                           struct berth_error *err) {
  return unsupported("get_pids", err);
}
static int32_t op_destroy(struct berth_cgroup *cg, struct berth_error *err) {
  return unsupported("destroy", err);
}
static void op_release(struct berth_cgroup *cg) {}
/* Succeeds without doing anything: the loader test sees whether the host called it. */
static int32_t op_kill_all(struct berth_cgroup *cg, struct berth_error *err) {
  return 0;
}

static const struct berth_cgroup_ops ops = {
#ifdef TEST_PLUGIN_SHORT_OPS
    /* An ops table that stops before the 1.0 members. */
    .struct_size = offsetof(struct berth_cgroup_ops, create),
#elif defined(TEST_PLUGIN_ABI_1_0)
    /* ABI 1.0's table: enter_sub and kill_all, set below, are past its end. */
    .struct_size = offsetof(struct berth_cgroup_ops, enter_sub),
#elif defined(TEST_PLUGIN_ABI_1_2_OPS)
    /* A plugin built against ABI 1.2: its table ends before kill_all, and what the host
     * would find past it is not the plugin's (here an op that would claim success). */
    .struct_size = offsetof(struct berth_cgroup_ops, kill_all),
#else
    .struct_size = sizeof(struct berth_cgroup_ops),
#endif
    .create = op_create,
    .load = op_load,
    .save = op_save,
    .enter = op_enter,
    .apply = op_apply,
    .freeze = op_freeze,
    .is_frozen = op_is_frozen,
    .get_pids = op_get_pids,
    .destroy = op_destroy,
    .release = op_release,
    .kill_all = op_kill_all,
#ifdef TEST_PLUGIN_NULL_OP
    /* The case's op left out, as a plugin author might: it overrides the one above. */
    .TEST_PLUGIN_NULL_OP = NULL,
#endif
};

static int32_t op_validate(const char *label, struct berth_error *err) {
  return unsupported("validate", err);
}
static int32_t op_exec_attr(const char *label, char **attr, char **value, struct berth_error *err) {
  return unsupported("exec_attr", err);
}

static const struct berth_lsm_ops lsm_ops = {
#ifdef TEST_PLUGIN_LSM_SHORT_OPS
    .struct_size = offsetof(struct berth_lsm_ops, exec_attr),
#else
    .struct_size = sizeof(struct berth_lsm_ops),
#endif
    .validate = op_validate,
    .exec_attr = op_exec_attr,
#ifdef TEST_PLUGIN_NULL_LSM_OP
    .TEST_PLUGIN_NULL_LSM_OP = NULL,
#endif
};

static int32_t op_resolve(const char *class_name, berth_device_fn fn, void *data,
                          struct berth_error *err) {
  return unsupported("resolve", err);
}

static const struct berth_device_ops device_ops = {
#ifdef TEST_PLUGIN_DEVICE_SHORT_OPS
    .struct_size = offsetof(struct berth_device_ops, resolve),
#else
    .struct_size = sizeof(struct berth_device_ops),
#endif
#ifndef TEST_PLUGIN_DEVICE_NULLOP_RESOLVE
    .resolve = op_resolve,
#endif
};

static int32_t op_rdt_create(const struct berth_rdt_request *req, struct berth_rdt **out,
                             struct berth_error *err) {
  return unsupported("rdt create", err);
}
static int32_t op_rdt_load(const char *state_json, struct berth_rdt **out,
                           struct berth_error *err) {
  return unsupported("rdt load", err);
}
static int32_t op_rdt_save(struct berth_rdt *rdt, char **state_json, struct berth_error *err) {
  return unsupported("rdt save", err);
}
static int32_t op_rdt_add(struct berth_rdt *rdt, int32_t pid, struct berth_error *err) {
  return unsupported("rdt add", err);
}
static int32_t op_rdt_destroy(struct berth_rdt *rdt, struct berth_error *err) {
  return unsupported("rdt destroy", err);
}
static void op_rdt_release(struct berth_rdt *rdt) {}

static const struct berth_rdt_ops rdt_ops = {
#ifdef TEST_PLUGIN_RDT_SHORT_OPS
    .struct_size = offsetof(struct berth_rdt_ops, release),
#else
    .struct_size = sizeof(struct berth_rdt_ops),
#endif
    .create = op_rdt_create,
    .load = op_rdt_load,
    .save = op_rdt_save,
    .add = op_rdt_add,
    .destroy = op_rdt_destroy,
    .release = op_rdt_release,
#ifdef TEST_PLUGIN_NULL_RDT_OP
    .TEST_PLUGIN_NULL_RDT_OP = NULL,
#endif
};

/* A plugin from a future ABI 1.7: members appended after the 1.0 ones, which a 1.0 host
 * must ignore. */
struct future_plugin {
  struct berth_plugin base;
  uint64_t since_1_7[4];
};

static const struct future_plugin plugin = {
    .base =
        {
#ifdef TEST_PLUGIN_BAD_MAGIC
            .magic = 0x454c4621u,
#else
            .magic = BERTH_PLUGIN_MAGIC,
#endif
#ifdef TEST_PLUGIN_BAD_MAJOR
            .abi_major = BERTH_ABI_MAJOR + 1,
#else
            .abi_major = BERTH_ABI_MAJOR,
#endif
#ifdef TEST_PLUGIN_NEWER_MINOR
            .abi_minor = 7,
            .struct_size = sizeof(struct future_plugin),
#elif defined(TEST_PLUGIN_ABI_1_2_OPS)
            .abi_minor = 2,
            .struct_size = sizeof(struct berth_plugin),
#elif defined(TEST_PLUGIN_RDT_ABI_1_4)
            /* An RDT plugin built before 1.5: its descriptor ends before rdt (set below). */
            .abi_minor = 4,
            .struct_size = offsetof(struct berth_plugin, rdt),
#elif defined(TEST_PLUGIN_ABI_1_0)
            /* Ends before lsm (1.2), which is set below all the same. */
            .abi_minor = 0,
            .struct_size = offsetof(struct berth_plugin, lsm),
#elif defined(TEST_PLUGIN_SHORT_STRUCT)
            .abi_minor = BERTH_ABI_MINOR,
            /* Stops before name, version, capabilities, requires and the ops. */
            .struct_size = offsetof(struct berth_plugin, name),
#else
            .abi_minor = BERTH_ABI_MINOR,
            .struct_size = sizeof(struct berth_plugin),
#endif
#if defined(TEST_PLUGIN_WRONG_KIND) || defined(TEST_PLUGIN_LSM)
            .kind = BERTH_PLUGIN_KIND_LSM,
#elif defined(TEST_PLUGIN_DEVICE)
            .kind = BERTH_PLUGIN_KIND_DEVICE,
#elif defined(TEST_PLUGIN_RDT)
            .kind = BERTH_PLUGIN_KIND_RDT,
#elif defined(TEST_PLUGIN_UNKNOWN_KIND)
            .kind = 9,
#else
            .kind = BERTH_PLUGIN_KIND_CGROUP,
#endif
#ifdef TEST_PLUGIN_NULL_NAME
            .name = NULL,
#else
            .name = TEST_PLUGIN_NAME,
#endif
#ifdef TEST_PLUGIN_NULL_VERSION
            .version = NULL,
#else
            .version = "0.0.1-test",
#endif
            .capabilities = BERTH_CGROUP_CAP_FREEZE,
#ifdef TEST_PLUGIN_UNKNOWN_REQUIRES
            .requires = 1ull << 40,
#else
            .requires = BERTH_HOST_FEATURES_1_0,
#endif
#if (defined(TEST_PLUGIN_LSM) && !defined(TEST_PLUGIN_LSM_WITH_CGROUP_OPS)) ||                     \
    defined(TEST_PLUGIN_RDT) || defined(TEST_PLUGIN_NO_OPS) || defined(TEST_PLUGIN_DEVICE)
            .cgroup = NULL,
#else
            .cgroup = &ops,
#endif
#if (defined(TEST_PLUGIN_LSM) && !defined(TEST_PLUGIN_LSM_WITHOUT_OPS)) ||                         \
    defined(TEST_PLUGIN_CGROUP_WITH_LSM_OPS) || defined(TEST_PLUGIN_ABI_1_0)
            .lsm = &lsm_ops,
#endif
#if (defined(TEST_PLUGIN_RDT) && !defined(TEST_PLUGIN_RDT_WITHOUT_OPS)) ||                         \
    defined(TEST_PLUGIN_CGROUP_WITH_RDT_OPS)
            .rdt = &rdt_ops,
#endif
#if (defined(TEST_PLUGIN_DEVICE) && !defined(TEST_PLUGIN_DEVICE_WITHOUT_OPS)) ||                   \
    defined(TEST_PLUGIN_CGROUP_WITH_DEVICE_OPS) || defined(TEST_PLUGIN_ABI_1_0)
            .device = &device_ops,
#endif
        },
    .since_1_7 = {1, 2, 3, 4},
};

#ifdef TEST_PLUGIN_EXTRA_EXPORT
/* A second exported function: a plugin built without plugins/plugin.map. */
BERTH_PLUGIN_EXPORT void berth_test_extra_export(void) {}
#endif

#ifdef TEST_PLUGIN_UNDEFINED_SYMBOL
/* Defined nowhere: dlopen(RTLD_NOW) must fail to bind it. */
extern int berth_test_symbol_nobody_defines(void);
#endif

static void record_entry(void) {
  const char *path = getenv("BERTH_TEST_PLUGIN_CALLS");
  FILE *f = path != NULL ? fopen(path, "ae") : NULL;
  if (f == NULL)
    return;
  fprintf(f, "entry %d\n", (int)getpid());
  fclose(f);
}

static const struct berth_plugin *entry(const struct berth_host_api *h) {
  record_entry();
  if (h == NULL || h->abi_major != BERTH_ABI_MAJOR ||
      h->struct_size < offsetof(struct berth_host_api, log) + sizeof(h->log))
    return NULL;
  host = h;
  (void)ops; /* each case uses one table or the other */
  (void)lsm_ops;
  (void)device_ops;
  (void)op_resolve;
  (void)rdt_ops;
#ifdef TEST_PLUGIN_CRASH_ENTRY
  /* A real fault (not raise()): what a plugin's bug does. */
  /* Not NULL: UBSan (the asan variant) would catch a NULL store and exit instead. */
  volatile int *volatile nowhere = (volatile int *)16;
  *nowhere = 1;
#endif
#ifdef TEST_PLUGIN_HANG_ENTRY
  for (;;)
    pause(); /* hangs without burning the CPU */
#endif
#ifdef TEST_PLUGIN_EXTRA_EXPORT
  berth_test_extra_export();
#endif
#ifdef TEST_PLUGIN_UNDEFINED_SYMBOL
  if (berth_test_symbol_nobody_defines() != 0)
    return NULL;
#endif
#ifdef TEST_PLUGIN_REFUSING_ENTRY
  h->log(BERTH_LOG_INFO, "test plugin %s: refusing this host on purpose", TEST_PLUGIN_NAME);
  (void)plugin;
  return NULL;
#else
  return &plugin.base;
#endif
}

#ifdef TEST_PLUGIN_NO_ENTRY
/* Exports an entry point under a name the loader does not look for. */
BERTH_PLUGIN_EXPORT const struct berth_plugin *berth_plugin_start(const struct berth_host_api *h) {
  return entry(h);
}
#else
BERTH_PLUGIN_EXPORT const struct berth_plugin *berth_plugin_entry(const struct berth_host_api *h) {
  return entry(h);
}
#endif
