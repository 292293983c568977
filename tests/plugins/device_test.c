/* SPDX-License-Identifier: Apache-2.0 */
/*
 * device-test.so: a device plugin (vendor "test") whose classes are the cases of
 * tests/integration/device_classes.bats: one real device the cgroup default rules do not
 * allow, and each way a plugin can be wrong, which the core must refuse in one line.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <berth/plugin.h>

static const struct berth_host_api *host;

static const struct {
  const char *name;
  const char *path; /* NULL: no device at all */
} classes[] = {
    {"kmsg", "/dev/kmsg"},             /* c 1:11 on every Linux, not in runc's default rules */
    {"notdev", "/dev/pts"},            /* a directory below /dev */
    {"outside", "/etc/passwd"},        /* not below /dev */
    {"dotdot", "/dev/../etc/passwd"},  /* below /dev by its prefix only */
    {"missing", "/dev/berth-no-such"}, /* stat fails */
    {"empty", NULL},                   /* resolves to nothing */
};

static int32_t test_resolve(const char *class_name, berth_device_fn fn, void *data,
                            struct berth_error *err) {
  if (strcmp(class_name, "fails") == 0)
    return host->error(err, EBUSY, "firmware not ready");
  if (strcmp(class_name, "crash") == 0) {
    /* A vendor's bug: a store to a bad address, through volatile pointers so that the compiler
     * keeps it; not NULL, which UBSan (the asan variant) would catch and exit on instead. */
    volatile int *volatile nowhere = (volatile int *)16;
    *nowhere = 1;
  }
  for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
    if (strcmp(classes[i].name, class_name) == 0)
      return classes[i].path != NULL ? fn(classes[i].path, data) : 0;
  return host->error(err, ENOENT, "unknown class \"%s\"", class_name);
}

static const char *const class_names[] = {"kmsg", NULL}; /* the one that works */

static const struct berth_device_ops ops = {
    .struct_size = sizeof(struct berth_device_ops),
    .resolve = test_resolve,
    .classes = class_names,
};

static const struct berth_plugin plugin = {
    .magic = BERTH_PLUGIN_MAGIC,
    .abi_major = BERTH_ABI_MAJOR,
    .abi_minor = BERTH_ABI_MINOR,
    .struct_size = sizeof(struct berth_plugin),
    .kind = BERTH_PLUGIN_KIND_DEVICE,
    .name = "device-test",
    .version = "0.1-test",
    .device = &ops,
};

BERTH_PLUGIN_EXPORT const struct berth_plugin *berth_plugin_entry(const struct berth_host_api *h) {
  if (h == NULL || h->abi_major != BERTH_ABI_MAJOR)
    return NULL;
  host = h;
  return &plugin;
}
