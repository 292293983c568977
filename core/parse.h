/* SPDX-License-Identifier: Apache-2.0 */
/* Numbers crossing into berth (config, state, command line, environment) are range-checked
 * where they are parsed into a typed value, never cast later. */
#ifndef BERTH_PARSE_H
#define BERTH_PARSE_H

#include <json-c/json.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* The largest uid or gid a process can have: (uid_t)-1 is the kernel's "no id" (setresuid
 * leaves the id unchanged, chown leaves the owner), so it is never a valid id. */
#define BERTH_ID_MAX 4294967294LL
/* The kernel's dev_t: a 12-bit major and a 20-bit minor (MKDEV in include/linux/kdev_t.h);
 * larger numbers would name another device. */
#define BERTH_DEV_MAJOR_MAX 4095
#define BERTH_DEV_MINOR_MAX 1048575

/* The whole of TEXT as a decimal integer in [min, max]. 0, or -EINVAL when TEXT is not one
 * (empty, spaces, a '+', trailing characters), -ERANGE when outside (or beyond int64). */
int berth_parse_int(const char *text, int64_t min, int64_t max, int64_t *out);
/* A size as docker and runc's update take it: a decimal number (a fraction allowed), then an
 * optional unit b, k, m, g, t or p (powers of 1024) and an optional "b" or "ib":
 * "64m", "1.5G", "1024" → bytes. -1 when not a size or not below 2^63 bytes. */
long long berth_parse_size(const char *text);
/* The same with a one-line error naming WHAT: "--preserve-fds: abc is not an integer",
 * "LISTEN_FDS: 99999999 is out of range (0-1021)". */
int berth_parse_int_named(const char *what, const char *text, int64_t min, int64_t max,
                          int64_t *out, struct berth_error *err);
/* A JSON integer V, known to be one, in [min, max]; errors name PATH:
 * "process.user.uid: 4294967296 is out of range (0-4294967294)". */
int berth_json_check_range(json_object *v, const char *path, int64_t min, int64_t max,
                           struct berth_error *err);
/* Member KEY of O: DFLT when absent, else an integer in [min, max] (errors name PATH.KEY). */
int berth_json_int(json_object *o, const char *key, const char *path, int64_t min, int64_t max,
                   int64_t dflt, int64_t *out, struct berth_error *err);
/* Member KEY of O as a uid or gid (0..BERTH_ID_MAX); DFLT when absent. */
int berth_json_id(json_object *o, const char *key, const char *path, uint32_t dflt, uint32_t *out,
                  struct berth_error *err);

#endif
