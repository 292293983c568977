/* SPDX-License-Identifier: Apache-2.0 */
/* The container's /dev: linux.devices, the default devices and the usual symlinks. */
#ifndef BERTH_DEVICES_H
#define BERTH_DEVICES_H

#include <json-c/json.h>
#include <stdbool.h>

#include "error.h"

/* Inside root_fd (before pivot): mknod every linux.devices entry and the defaults (null zero
 * full random urandom tty, unless the spec lists the same path), or, in a user namespace where
 * mknod is refused, bind the host's node of the same path over an empty file; then the
 * symlinks /dev/fd /dev/stdin /dev/stdout /dev/stderr, /dev/ptmx -> pts/ptmx and
 * /dev/core -> /proc/kcore when the host has it. Nothing happens when the spec bind-mounts
 * /dev itself (the host's devices are then what the container gets, as with runc). */
int berth_devices_create(json_object *spec, int root_fd, bool userns, struct berth_error *err);

#endif
