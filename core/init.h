/* SPDX-License-Identifier: Apache-2.0 */
#ifndef BERTH_INIT_H
#define BERTH_INIT_H

/* `berth init`: the container's first process after the re-exec. Reads its channels from
 * the environment (_BERTH_SYNC_FD, _BERTH_FIFO_FD, _BERTH_PRESERVE_FDS), clears it,
 * builds the container, reports ready, waits on exec.fifo and execs the process. Only
 * returns on failure (the error already reported to the parent). */
int berth_init_main(void);

#endif
