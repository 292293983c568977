/* SPDX-License-Identifier: Apache-2.0 */
#ifndef BERTH_UTIL_H
#define BERTH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Write all of buf, retrying on EINTR and short writes; -errno on failure. */
int write_all(int fd, const void *buf, size_t len);
/* Read until EOF into a NUL-terminated malloc()ed buffer; -errno on failure. */
int read_all(int fd, char **out, size_t *len);
/* Open dirfd/name (no symlink following for the last component) and read it whole. */
int read_file_at(int dirfd, const char *name, char **out, struct berth_error *err);
/* Write data to an existing file dirfd/name (O_WRONLY|O_TRUNC), e.g. cgroup or /proc files. */
int write_file_at(int dirfd, const char *name, const char *data, struct berth_error *err);
/* The 22nd field of /proc/PID/stat (start time in clock ticks); 0 when pid is gone. */
unsigned long long process_start_time(pid_t pid);
/* True when pid exists and is not a zombie. */
bool process_alive(pid_t pid);

#endif
