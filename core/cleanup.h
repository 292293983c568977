/* SPDX-License-Identifier: Apache-2.0 */
/* Resources free themselves when they leave scope (systemd/crun style). */
#ifndef BERTH_CLEANUP_H
#define BERTH_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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
static inline void free_strvp(char ***v) {
  if (*v == NULL)
    return;
  for (char **s = *v; *s != NULL; s++)
    free(*s);
  free(*v);
}

#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))
#define _cleanup_fclose_ __attribute__((cleanup(fclosep)))
#define _cleanup_closedir_ __attribute__((cleanup(closedirp)))
#define _cleanup_strv_ __attribute__((cleanup(free_strvp)))

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

#endif
