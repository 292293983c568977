/* SPDX-License-Identifier: Apache-2.0 */
#include "sync.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "cleanup.h"
#include "json_util.h"
#include "parse.h"
#include "spec.h"

#define MAX_MESSAGE (64u << 20)

int berth_sync_write(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -errno;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int berth_sync_send(int fd, json_object *msg, struct berth_error *err) {
  const char *text = json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN);
  uint32_t len = (uint32_t)strlen(text);
  int r = berth_sync_write(fd, &len, sizeof(len));
  if (r == 0)
    r = berth_sync_write(fd, text, len);
  return r < 0 ? berth_error(err, -r, "send to init") : 0;
}

int berth_sync_send_type(int fd, const char *type, struct berth_error *err) {
  json_object *msg = json_object_new_object();
  json_object_object_add(msg, "type", json_object_new_string(type));
  int r = berth_sync_send(fd, msg, err);
  json_object_put(msg);
  return r;
}

static int read_exact(int fd, void *buf, size_t len) {
  char *p = buf;
  while (len > 0) {
    ssize_t n = read(fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -errno;
    if (n == 0)
      return -ECONNRESET;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int berth_sync_recv(int fd, json_object **msg, struct berth_error *err) {
  uint32_t len = 0;
  int r = read_exact(fd, &len, sizeof(len));
  if (r == -ECONNRESET)
    return r;
  if (r < 0)
    return berth_error(err, -r, "receive from sync socket");
  if (len > MAX_MESSAGE)
    return berth_error(err, 0, "sync message of %u bytes is too large", len);
  _cleanup_free_ char *text = malloc(len + 1);
  if (text == NULL)
    return berth_error(err, ENOMEM, "receive from sync socket");
  r = read_exact(fd, text, len);
  if (r < 0)
    return r == -ECONNRESET ? r : berth_error(err, -r, "receive from sync socket");
  text[len] = '\0';
  return berth_spec_parse(text, "sync message", msg, err);
}

/* Fewer than the kernel's SCM_MAX_FD (253) per message. */
#define FDS_PER_MESSAGE 128u

int berth_sync_send_fds(int fd, const int *fds, size_t n) {
  for (size_t off = 0; off < n; off += FDS_PER_MESSAGE) {
    size_t k = n - off < FDS_PER_MESSAGE ? n - off : FDS_PER_MESSAGE;
    char byte = 'F';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
      struct cmsghdr align;
      char buf[CMSG_SPACE(FDS_PER_MESSAGE * sizeof(int))];
    } control;
    memset(&control, 0, sizeof(control));
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = CMSG_SPACE(k * sizeof(int))};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(k * sizeof(int));
    memcpy(CMSG_DATA(c), fds + off, k * sizeof(int));
    ssize_t sent;
    while ((sent = sendmsg(fd, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR)
      ;
    if (sent < 0)
      return -errno;
  }
  return 0;
}

static void close_all(int *fds, size_t n) {
  for (size_t i = 0; i < n; i++)
    close(fds[i]);
}

int berth_sync_recv_fds(int fd, int *fds, size_t n) {
  for (size_t off = 0; off < n; off += FDS_PER_MESSAGE) {
    size_t k = n - off < FDS_PER_MESSAGE ? n - off : FDS_PER_MESSAGE;
    char byte = 0;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
      struct cmsghdr align;
      char buf[CMSG_SPACE(FDS_PER_MESSAGE * sizeof(int))];
    } control;
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof(control.buf)};
    ssize_t got;
    while ((got = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
      ;
    int e = got < 0 ? errno : got == 0 ? ECONNRESET : 0;
    struct cmsghdr *c = got == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
    int received[FDS_PER_MESSAGE];
    size_t have = 0;
    if (c != NULL && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      have = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      memcpy(received, CMSG_DATA(c), have * sizeof(int));
    }
    if (e == 0 && (byte != 'F' || have != k || (msg.msg_flags & MSG_CTRUNC)))
      e = EPROTO;
    if (e != 0) {
      close_all(received, have);
      close_all(fds, off);
      return -e;
    }
    memcpy(fds + off, received, k * sizeof(int));
  }
  return 0;
}

static const char *message_type(json_object *msg) {
  const char *type = json_get_str(msg, "type");
  return type != NULL ? type : "untyped";
}

int berth_sync_int(json_object *msg, const char *key, int64_t min, int64_t max, int64_t *out,
                   struct berth_error *err) {
  json_object *v = NULL;
  if (msg == NULL || !json_object_object_get_ex(msg, key, &v) || v == NULL)
    return berth_error(err, 0, "sync message \"%s\": no %s", message_type(msg), key);
  int r = berth_json_check_range(v, key, min, max, err);
  if (r < 0)
    return berth_error_prefix(err, "sync message \"%s\"", message_type(msg));
  *out = json_object_get_int64(v);
  return 0;
}

const char *berth_sync_str(json_object *msg, const char *key, struct berth_error *err) {
  const char *s = json_get_str(msg, key);
  if (s == NULL)
    berth_error(err, 0, "sync message \"%s\": %s: must be a string", message_type(msg), key);
  return s;
}
