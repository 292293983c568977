/* SPDX-License-Identifier: Apache-2.0 */
#include "plugin_list.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "plugin_loader.h"

static bool listed(json_object *names, const char *name) {
  for (size_t i = 0; i < json_object_array_length(names); i++)
    if (strcmp(json_object_get_string(json_object_array_get_idx(names, i)), name) == 0)
      return true;
  return false;
}

static int by_name(const void *a, const void *b) {
  return strcmp(json_object_get_string(*(json_object *const *)a),
                json_object_get_string(*(json_object *const *)b));
}

json_object *berth_plugin_names(const char *prefix) {
  json_object *names = json_object_new_array();
  _cleanup_free_ char *dirs = strdup(berth_plugin_search_path());
  char *save = NULL;
  for (char *dir = dirs ? strtok_r(dirs, ":", &save) : NULL; dir != NULL;
       dir = strtok_r(NULL, ":", &save)) {
    _cleanup_closedir_ DIR *d = opendir(dir);
    for (struct dirent *e = d ? readdir(d) : NULL; e != NULL; e = readdir(d)) {
      size_t n = strlen(e->d_name);
      if (n <= 3 || strcmp(e->d_name + n - 3, ".so") != 0 ||
          strncmp(e->d_name, prefix, strlen(prefix)) != 0)
        continue;
      char name[256];
      snprintf(name, sizeof(name), "%.*s", (int)(n - 3), e->d_name);
      if (!listed(names, name))
        json_object_array_add(names, json_object_new_string(name));
    }
  }
  json_object_array_sort(names, by_name);
  return names;
}

int berth_plugin_file(const char *name, char *path, size_t size) {
  _cleanup_free_ char *dirs = strdup(berth_plugin_search_path());
  char *save = NULL;
  for (char *dir = dirs ? strtok_r(dirs, ":", &save) : NULL; dir != NULL;
       dir = strtok_r(NULL, ":", &save)) {
    snprintf(path, size, "%s/%s.so", dir, name);
    if (faccessat(AT_FDCWD, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
      return 0;
  }
  return -ENOENT;
}
