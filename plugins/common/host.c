/* SPDX-License-Identifier: Apache-2.0 */
/* The host's services as every cgroup plugin keeps them, and the checks of what it lends. */
#include <errno.h>

#include "cgc.h"

const struct berth_host_api *cgc_host;
const char *cgc_name = "cgroup";

bool cgc_init_host(const struct berth_host_api *host, const char *name) {
  if (host == NULL || host->abi_major != BERTH_ABI_MAJOR ||
      host->struct_size < offsetof(struct berth_host_api, log) + sizeof(host->log) ||
      host->error == NULL || host->log == NULL)
    return false;
  cgc_host = host;
  cgc_name = name;
  return true;
}

int cgc_check_request(const struct berth_cgroup_request *req, const void *out,
                      struct berth_error *err) {
  if (req == NULL || out == NULL)
    return cg_error(err, EINVAL, "create cgroup: no request");
  if (req->struct_size <
      offsetof(struct berth_cgroup_request, resources_json) + sizeof(req->resources_json))
    return cg_error(err, EINVAL, "create cgroup: request of %u bytes is too small",
                    req->struct_size);
  return 0;
}
