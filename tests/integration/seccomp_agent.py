#!/usr/bin/env python3
"""seccomp_agent.py SOCKET OUT ERRNO [CONNECTIONS]: a seccomp agent at linux.seccomp.listenerPath.

Listens on SOCKET and takes CONNECTIONS (default 1) times the container process state (JSON)
and the seccomp notify fd berth sends with it (SCM_RIGHTS): the Nth state goes to OUT.N.json,
a line "fd=WHAT IT IS" per fd to OUT. Then answers every notified system call with -ERRNO
(a line "nr=NUMBER" each in OUT) until every process using those filters is gone."""
import fcntl
import os
import select
import socket
import struct
import sys

# linux/seccomp.h: _IOWR('!', 0, struct seccomp_notif) and _IOWR('!', 1, ..._resp).
NOTIF_RECV, NOTIF_SEND = 0xC0502100, 0xC0182101
NOTIF_SIZE = 80

sock_path, out_path, errno = sys.argv[1], sys.argv[2], int(sys.argv[3])
connections = int(sys.argv[4]) if len(sys.argv) > 4 else 1
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(sock_path)
server.listen(1)
open(sock_path + ".ready", "w").close()
out = open(out_path, "w", buffering=1)
poller = select.poll()
live = 0
for n in range(1, connections + 1):
    conn, _ = server.accept()
    data, fds, _, _ = socket.recv_fds(conn, 65536, 1)
    while True:  # the rest of a long state, until berth closes the connection
        more = conn.recv(65536)
        if not more:
            break
        data += more
    with open("%s.%d.json" % (out_path, n), "wb") as f:
        f.write(data)
    if len(fds) != 1:
        out.write("fds=%d\n" % len(fds))
        sys.exit(1)
    out.write("fd=" + os.readlink("/proc/self/fd/%d" % fds[0]) + "\n")
    poller.register(fds[0], select.POLLIN)
    live += 1

while live > 0:
    events = poller.poll(30000)
    if not events:
        break
    for fd, event in events:
        if event & (select.POLLHUP | select.POLLERR):
            poller.unregister(fd)
            live -= 1
            continue
        notif = bytearray(NOTIF_SIZE)
        try:
            fcntl.ioctl(fd, NOTIF_RECV, notif)
        except OSError:  # the task died meanwhile
            continue
        notif_id, _pid, _flags, nr = struct.unpack_from("=QIIi", notif)
        out.write("nr=%d\n" % nr)
        resp = bytearray(struct.pack("=QqiI", notif_id, 0, -errno, 0))
        try:
            fcntl.ioctl(fd, NOTIF_SEND, resp)
        except OSError:
            pass
