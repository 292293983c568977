/* SPDX-License-Identifier: Apache-2.0 */
/* The core's side of Linux security modules: which plugin a label in the spec needs. */
#ifndef BERTH_LSM_H
#define BERTH_LSM_H

#include <json-c/json.h>

#include "error.h"

/* Refuse a spec whose process.apparmorProfile, process.selinuxLabel or linux.mountLabel
 * no installed plugin can apply: a container must never run unconfined, or with unlabelled
 * mounts, because a plugin is missing. */
int berth_lsm_check(json_object *spec, struct berth_error *err);

#endif
