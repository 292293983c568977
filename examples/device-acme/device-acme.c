/* SPDX-License-Identifier: Apache-2.0 */
/*
 * device-acme: a vendor's classes of host devices for berth, built out of tree against the
 * installed SDK (nothing of berth but <berth/plugin.h>). A container asks for a class by
 * annotation,
 *
 *     "annotations": {"berth.devices": "acme/tun,acme/fuse"}
 *
 * and berth loads this file (device-acme.so: "acme" is the vendor), asks it which host
 * devices each class is, and gives the container those nodes and the cgroup rules that let it
 * use them, through whichever cgroup driver the container runs under. The plugin only names
 * devices; berth checks every path (a character or block device below /dev/).
 */
#include <errno.h>
#include <glob.h>
#include <stddef.h>
#include <string.h>

#include <berth/plugin.h>

#define ACME_VERSION "1.0.0"

static const struct berth_host_api *host;

/* Each class: its fixed devices, and a glob for the numbered ones a host has however many of. */
static const struct acme_class {
  const char *name;
  const char *devices[3];
  const char *numbered;
} acme_classes[] = {
    {"tun", {"/dev/net/tun"}, NULL},                    /* TUN/TAP interfaces */
    {"fuse", {"/dev/fuse"}, NULL},                      /* filesystems in user space */
    {"loop", {"/dev/loop-control"}, "/dev/loop[0-9]*"}, /* loop devices, to attach images */
    {"kvm", {"/dev/kvm", "/dev/vhost-net"}, NULL},      /* virtual machines, with vhost */
};

static const char *const class_names[] = {"tun", "fuse", "loop", "kvm", NULL};

static int32_t resolve_numbered(const char *pattern, berth_device_fn fn, void *data,
                                struct berth_error *err) {
  glob_t found;
  int g = glob(pattern, 0, NULL, &found);
  if (g == GLOB_NOMATCH)
    return 0;
  if (g != 0)
    return host->error(err, g == GLOB_NOSPACE ? ENOMEM : EIO, "glob %s", pattern);
  int32_t r = 0;
  for (size_t i = 0; i < found.gl_pathc && r == 0; i++)
    r = fn(found.gl_pathv[i], data);
  globfree(&found);
  return r;
}

static int32_t acme_resolve(const char *class_name, berth_device_fn fn, void *data,
                            struct berth_error *err) {
  for (size_t i = 0; i < sizeof(acme_classes) / sizeof(acme_classes[0]); i++) {
    const struct acme_class *c = &acme_classes[i];
    if (strcmp(c->name, class_name) != 0)
      continue;
    for (size_t d = 0; d < sizeof(c->devices) / sizeof(c->devices[0]) && c->devices[d]; d++) {
      int32_t r = fn(c->devices[d], data);
      if (r != 0)
        return r;
    }
    return c->numbered != NULL ? resolve_numbered(c->numbered, fn, data, err) : 0;
  }
  return host->error(err, ENOENT, "unknown class \"%s\" (acme has tun, fuse, loop, kvm)",
                     class_name);
}

static const struct berth_device_ops acme_device_ops = {
    .struct_size = sizeof(struct berth_device_ops),
    .resolve = acme_resolve,
    .classes = class_names,
};

static const struct berth_plugin acme_plugin = {
    .magic = BERTH_PLUGIN_MAGIC,
    .abi_major = BERTH_ABI_MAJOR,
    .abi_minor = BERTH_ABI_MINOR,
    .struct_size = sizeof(struct berth_plugin),
    .kind = BERTH_PLUGIN_KIND_DEVICE,
    .name = "device-acme", /* the file's basename, as the loader checks */
    .version = ACME_VERSION,
    .device = &acme_device_ops,
};

BERTH_PLUGIN_EXPORT const struct berth_plugin *berth_plugin_entry(const struct berth_host_api *h) {
  /* A host of another major cannot be spoken to; one older than 1.5 has no device kind. */
  if (h == NULL || h->abi_major != BERTH_ABI_MAJOR) {
    if (h != NULL && h->log != NULL)
      h->log(BERTH_LOG_ERROR, "device-acme: built for plugin ABI %u", BERTH_ABI_MAJOR);
    return NULL;
  }
  if (h->abi_minor < 5) {
    h->log(BERTH_LOG_ERROR, "device-acme: needs plugin ABI 1.5 (device plugins), host has 1.%u",
           h->abi_minor);
    return NULL;
  }
  host = h;
  return &acme_plugin;
}
