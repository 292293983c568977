/* SPDX-License-Identifier: Apache-2.0 */
#include "sync.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
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
