/* SPDX-License-Identifier: Apache-2.0 */
/* A test-only pause at a named point, so that an integration test can act inside a race
 * window (kill the init, hand its pid to another process) deterministically:
 * BERTH_TEST_DELAY_AT=POINT=MS sleeps MS milliseconds (at most 60 s) when POINT is reached. */
#ifndef BERTH_TEST_DELAY_H
#define BERTH_TEST_DELAY_H

void berth_test_delay(const char *point);

#endif
