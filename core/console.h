/* SPDX-License-Identifier: Apache-2.0 */
/* process.terminal: the pty inside the container, and the console socket that hands its
 * master to whoever asked (an engine's --console-socket, or `berth run` itself). */
#ifndef BERTH_CONSOLE_H
#define BERTH_CONSOLE_H

#include <json-c/json.h>
#include <stdbool.h>

#include "error.h"

/* Parent: connect to the engine's console socket; refuses a path that is not a socket. */
int berth_console_connect(const char *path, struct berth_error *err);
/* Init, after pivot_root: open a pty in the container's devpts, size it (consoleSize), bind
 * its slave onto /dev/console (dev_console: the container's init, not an exec), send the master
 * over console_fd (SCM_RIGHTS, as runc does), and make the slave our stdio and controlling
 * terminal. */
int berth_console_setup(json_object *process, int console_fd, bool dev_console,
                        struct berth_error *err);
/* Receive the pty master that init sent over fd, for berth's own foreground proxy: ONLCR
 * cleared, as runc does; with nowait, -EAGAIN (err untouched) when there is none. */
int berth_console_receive(int fd, bool nowait, struct berth_error *err);

#endif
