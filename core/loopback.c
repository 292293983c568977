/* SPDX-License-Identifier: Apache-2.0 */
#include "loopback.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "cleanup.h"
#include "namespaces.h"

int berth_loopback_up(json_object *spec, struct berth_error *err) {
  if (!berth_spec_has_new_namespace(spec, CLONE_NEWNET))
    return 0;
  _cleanup_close_ int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return berth_error(err, errno, "loopback: socket");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof(ifr));
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
    return berth_error(err, errno, "loopback: get the flags of lo");
  if (ifr.ifr_flags & IFF_UP)
    return 0;
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
    return berth_error(err, errno, "loopback: set lo up");
  return 0;
}
