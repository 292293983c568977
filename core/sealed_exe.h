/* SPDX-License-Identifier: Apache-2.0 */
#ifndef BERTH_SEALED_EXE_H
#define BERTH_SEALED_EXE_H

#include "error.h"

/* A sealed memfd copy of the running binary, to re-execute as `berth init`.
 * CVE-2019-5736: a process inside the container can open /proc/PID/exe of a runtime
 * process that joined its namespaces and write through it to the host binary. Executed
 * from a sealed memfd, /proc/PID/exe is that memfd, and the seals refuse every write. */
int berth_sealed_exe(struct berth_error *err);

#endif
