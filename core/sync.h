/* SPDX-License-Identifier: Apache-2.0 */
/* The socket between `berth create` and `berth init`: length-prefixed JSON messages
 * ({"type":"bootstrap"|"error"|"ready"|"hooks"|"hooks-done"|"log", ...}), and fds passed
 * between them (mount_sources.h).  */
#ifndef BERTH_SYNC_H
#define BERTH_SYNC_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Every write to the peer goes through send(MSG_NOSIGNAL): a peer that died (an init that
 * failed early) is -EPIPE, an error to report, never a SIGPIPE that kills the runtime. */
int berth_sync_write(int fd, const void *buf, size_t len);
/* -EPIPE when the peer is gone. */
int berth_sync_send(int fd, json_object *msg, struct berth_error *err);
/* -ECONNRESET (no error set) when the peer closed the socket before a message. */
int berth_sync_recv(int fd, json_object **msg, struct berth_error *err);
/* {"type": TYPE} */
int berth_sync_send_type(int fd, const char *type, struct berth_error *err);
/* n fds (SCM_RIGHTS, in chunks that ride on one byte each), received close-on-exec into fds[n]
 * by recv_fds. -errno; -EPROTO when the peer sent something else. */
int berth_sync_send_fds(int fd, const int *fds, size_t n);
int berth_sync_recv_fds(int fd, int *fds, size_t n);

/* Every number a message carries is checked here before use, where it is read: a pid, an fd
 * or a level from the peer is never cast from whatever arrived (a pid of -1 or 0 would make
 * a kill(2) reach every process or our group). Member KEY of MSG, required, an integer in
 * [min, max]; errors name the message and the member:
 * "sync message \"pid\": pid: -1 is out of range (2-4194304)". */
int berth_sync_int(json_object *msg, const char *key, int64_t min, int64_t max, int64_t *out,
                   struct berth_error *err);
/* Member KEY of MSG, required, a string; NULL with the error set otherwise. */
const char *berth_sync_str(json_object *msg, const char *key, struct berth_error *err);
/* The largest pid the kernel hands out (PID_MAX_LIMIT on 64-bit); 1 is never the init we
 * made, it is the namespace's own. */
#define BERTH_SYNC_PID_MIN 2
#define BERTH_SYNC_PID_MAX 4194304

#endif
