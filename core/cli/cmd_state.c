/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "json_util.h"

int cmd_state(struct berth_globals *g, int argc, char **argv) {
  if (getopt(argc, argv, "") != -1)
    return cli_usage("state: takes no options");
  const char *id = cli_one_id(argc, argv, "state");
  if (id == NULL)
    return 1;
  _cleanup_error_ struct berth_error err = {0};
  _cleanup_close_ int root_fd = -1;
  _cleanup_container_ struct berth_container *c = NULL;
  if (cli_load(g, id, &root_fd, &c, &err) < 0)
    return cli_fail(&err);
  _cleanup_json_ json_object *o = berth_container_oci_state(c, berth_container_status(c));
  printf("%s\n",
         json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                               JSON_C_TO_STRING_NOSLASHESCAPE));
  return 0;
}
