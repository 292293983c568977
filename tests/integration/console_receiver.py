#!/usr/bin/env python3
"""console_receiver.py SOCKET OUT: what an engine does with --console-socket.

Listens on SOCKET, takes the pty master berth sends (SCM_RIGHTS), records the name that came
with it and everything the container writes to its terminal into OUT, until the container
closes it."""
import os
import socket
import sys

sock_path, out_path = sys.argv[1], sys.argv[2]
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(sock_path)
server.listen(1)
open(sock_path + ".ready", "w").close()
conn, _ = server.accept()
name, fds, _, _ = socket.recv_fds(conn, 256, 1)
master = fds[0]
with open(out_path, "wb") as out:
    out.write(b"name=" + name + b"\n")
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the container side is gone
            break
        if not data:
            break
        out.write(data)
