/* SPDX-License-Identifier: Apache-2.0 */
/* Where berth's messages go: stderr for the one error line a user reads, and --log FILE
 * (text or json, one object per line as containerd's shim expects). */
#ifndef BERTH_LOG_H
#define BERTH_LOG_H

#include <stdbool.h>

#include <berth/plugin.h>

int berth_log_open(const char *path, bool json, bool debug);
void berth_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The error a command ends with: "berth: MSG" on stderr and level=error in the log. */
void berth_log_fatal(const char *msg);
bool berth_log_debug_enabled(void);

#endif
