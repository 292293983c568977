#!/usr/bin/env python3
"""pty_run.py CMD [ARGS...]: run CMD with a pseudo-terminal as its stdio (as a user at a
terminal would), print what it wrote with CR/LF turned into LF, exit with its status."""
import os
import pty
import sys

pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        data = os.read(fd, 4096)
    except OSError:  # EIO: the terminal's other side is closed
        break
    if not data:
        break
    out += data
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
sys.exit(os.waitstatus_to_exitcode(status))
