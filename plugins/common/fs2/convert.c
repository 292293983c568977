/* SPDX-License-Identifier: Apache-2.0 */
#include "convert.h"

#include <errno.h>
#include <stddef.h>

#define SHARES_MIN 2ull
#define SHARES_MAX 262144ull
#define BLKIO_WEIGHT_MIN 10ull
#define BLKIO_WEIGHT_MAX 1000ull

uint64_t fs2_cpu_shares_to_weight(uint64_t shares) {
  if (shares == 0)
    return 0;
  /* runc does the arithmetic unchecked; below 2 it would wrap around to a huge weight. */
  if (shares < SHARES_MIN)
    shares = SHARES_MIN;
  if (shares > SHARES_MAX)
    shares = SHARES_MAX;
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t fs2_blkio_weight_to_io_weight(uint64_t weight) {
  if (weight == 0)
    return 0;
  if (weight < BLKIO_WEIGHT_MIN)
    weight = BLKIO_WEIGHT_MIN;
  if (weight > BLKIO_WEIGHT_MAX)
    weight = BLKIO_WEIGHT_MAX;
  return 1 + (weight - 10) * 9999 / 990;
}

int fs2_swap_max(int64_t swap, int64_t limit, bool *set, int64_t *out, const char **why) {
  *set = false;
  *out = 0;
  *why = NULL;
  if (limit == -1 && swap == 0) {
    /* As v1 did: unlimited memory with swap unsaid lifts the swap limit too. */
    *set = true;
    *out = -1;
    return 0;
  }
  if (swap == 0) /* not set */
    return 0;
  if (swap == -1 || limit == -1) {
    *set = true;
    *out = swap;
    return 0;
  }
  if (limit == 0) {
    *why = "a swap limit needs a memory limit";
    return -EINVAL;
  }
  if (limit < 0) {
    *why = "invalid memory limit";
    return -EINVAL;
  }
  if (swap < limit) {
    *why = "memory+swap limit should be >= memory limit";
    return -EINVAL;
  }
  *set = true;
  *out = swap - limit; /* swap == limit: 0, no swap at all */
  return 0;
}
