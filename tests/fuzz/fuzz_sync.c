/* SPDX-License-Identifier: Apache-2.0 */
/* The create <-> init socket: the input is what the peer wrote (length-prefixed JSON frames, or
 * anything else) on a socketpair that it then closed; berth_sync_recv reads messages until it
 * reports an error or the end. */
#include <errno.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "json_util.h"
#include "sync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* The socket buffer (~200 KiB) takes the whole input before anyone reads: -max_len stays
   * below it. */
  if (size > 65536)
    return -1;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    abort();
  if (size > 0 && write(sv[1], data, size) != (ssize_t)size)
    abort();
  close(sv[1]);
  for (;;) {
    json_object *msg = NULL;
    struct berth_error err = {0};
    int r = berth_sync_recv(sv[0], &msg, &err);
    berth_error_clear(&err);
    if (r < 0)
      break;
    (void)json_get_str(msg, "type");
    json_object_put(msg);
  }
  close(sv[0]);
  return 0;
}
