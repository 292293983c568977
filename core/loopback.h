/* SPDX-License-Identifier: Apache-2.0 */
/* The loopback interface of a new network namespace, which the kernel creates down. */
#ifndef BERTH_LOOPBACK_H
#define BERTH_LOOPBACK_H

#include <json-c/json.h>

#include "error.h"

/* With a new network namespace in the spec, set "lo" up (as runc and crun do): a container
 * without any other network still reaches 127.0.0.1. Needs CAP_NET_ADMIN over the
 * namespace, so it runs in the init before the user switch. */
int berth_loopback_up(json_object *spec, struct berth_error *err);

#endif
