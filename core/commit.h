/* SPDX-License-Identifier: Apache-2.0 */
/* The commit berth was built from, for --version: defined in a file generated at every build
 * (cmake/write_commit.cmake), so that a new commit recompiles that file alone. */
#ifndef BERTH_COMMIT_H
#define BERTH_COMMIT_H

extern const char berth_commit[];

#endif
