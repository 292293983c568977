/* SPDX-License-Identifier: Apache-2.0 */
/* Which plugins are installed: the names of the .so files in the plugin search path, read
 * from the directories alone (nothing is loaded). */
#ifndef BERTH_PLUGIN_LIST_H
#define BERTH_PLUGIN_LIST_H

#include <json-c/json.h>
#include <stddef.h>

/* The names (file name without ".so") that start with prefix ("" for all), sorted, each once:
 * the first directory of the search path that holds a name is the one the loader uses. */
json_object *berth_plugin_names(const char *prefix);
/* DIR/NAME.so of the first directory that holds it (the file the loader opens), or -ENOENT. */
int berth_plugin_file(const char *name, char *path, size_t size);

#endif
