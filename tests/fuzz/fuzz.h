/* SPDX-License-Identifier: Apache-2.0 */
/* What the fuzz targets share: the input as a C string, and a scratch directory for the targets
 * whose entry point reads a file (config.json, state.json). */
#ifndef BERTH_FUZZ_H
#define BERTH_FUZZ_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The parsers take NUL-terminated text: a copy of the input (which then ends at its first NUL). */
static inline char *fuzz_text(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  if (text == NULL)
    abort();
  memcpy(text, data, size);
  text[size] = '\0';
  return text;
}

/* A private directory in memory (/dev/shm, tmpfs: no disk writes per execution), removed with
 * what it holds when the fuzzer exits. */
static char fuzz_dir_path[64];
static int fuzz_dir_fd = -1;

static void fuzz_dir_remove(void) {
  static const char *const names[] = {"config.json", "state.json", "c/state.json", "c", "plugins"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    if (unlinkat(fuzz_dir_fd, names[i], 0) < 0)
      unlinkat(fuzz_dir_fd, names[i], AT_REMOVEDIR);
  }
  rmdir(fuzz_dir_path);
}

static inline int fuzz_dir(void) {
  if (fuzz_dir_fd >= 0)
    return fuzz_dir_fd;
  snprintf(fuzz_dir_path, sizeof(fuzz_dir_path), "/dev/shm/berth-fuzz-XXXXXX");
  if (mkdtemp(fuzz_dir_path) == NULL)
    abort();
  fuzz_dir_fd = open(fuzz_dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fuzz_dir_fd < 0)
    abort();
  atexit(fuzz_dir_remove);
  return fuzz_dir_fd;
}

/* Replace dirfd/name with the input, bytes as given. */
static inline void fuzz_write_file(int dirfd, const char *name, const uint8_t *data, size_t size) {
  int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size))
    abort();
  close(fd);
}

#endif
