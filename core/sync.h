/* SPDX-License-Identifier: Apache-2.0 */
/* The socket between `berth create` and `berth init`: length-prefixed JSON messages
 * ({"type":"bootstrap"|"error"|"ready"|"hooks"|"hooks-done"|"log", ...}), and fds passed
 * between them (mount_sources.h).  */
#ifndef BERTH_SYNC_H
#define BERTH_SYNC_H

#include <json-c/json.h>
#include <stddef.h>

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

#endif
