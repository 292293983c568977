/* SPDX-License-Identifier: Apache-2.0 */
/* The plugins' copies of the core's cleanup and json-c helpers: a plugin may not include
 * core/ (it only gets host services through struct berth_host_api). */
#ifndef CGC_HELPERS_H
#define CGC_HELPERS_H

#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline void freep(void *p) {
  free(*(void **)p);
}
static inline void closep(int *fd) {
  if (*fd >= 0) {
    int saved = errno;
    close(*fd);
    errno = saved;
  }
}
static inline void fclosep(FILE **f) {
  if (*f != NULL)
    fclose(*f);
}
static inline void closedirp(DIR **d) {
  if (*d != NULL)
    closedir(*d);
}
static inline void json_putp(json_object **o) {
  if (*o != NULL)
    json_object_put(*o);
}

#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))
#define _cleanup_fclose_ __attribute__((cleanup(fclosep)))
#define _cleanup_closedir_ __attribute__((cleanup(closedirp)))
#define _cleanup_json_ __attribute__((cleanup(json_putp)))

/* Hand ownership on: the cleanup of the source then does nothing. */
#define steal_pointer(pp)                                                                          \
  ({                                                                                               \
    __typeof__(*(pp)) _stolen = *(pp);                                                             \
    *(pp) = NULL;                                                                                  \
    _stolen;                                                                                       \
  })
static inline int take_fd(int *fd) {
  int r = *fd;
  *fd = -1;
  return r;
}

/* NULL when absent or not an object member. */
static inline json_object *json_get(json_object *o, const char *key) {
  json_object *v = NULL;
  if (o == NULL || !json_object_is_type(o, json_type_object) ||
      !json_object_object_get_ex(o, key, &v))
    return NULL;
  return v;
}

static inline bool str_ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

#endif
