/* SPDX-License-Identifier: Apache-2.0 */
#ifndef BERTH_ID_H
#define BERTH_ID_H

#include "error.h"

/* A container ID must match ^[\w+\-.]+$ and be its own clean path ("." and ".." are
 * not): it names a directory under --root and nothing else. */
int berth_validate_id(const char *id, struct berth_error *err);

#endif
