#!/usr/bin/env python3
# sched_getattr.py PID: the scheduling attributes of PID as sched_getattr(2) returns them (chrt
# prints neither the deadline flags nor nice with a policy), one "key=value" line.
import ctypes
import os
import struct
import sys

SYS_SCHED_GETATTR = {"x86_64": 315, "aarch64": 275, "riscv64": 275}[os.uname().machine]

libc = ctypes.CDLL(None, use_errno=True)
attr = ctypes.create_string_buffer(56)
if libc.syscall(SYS_SCHED_GETATTR, int(sys.argv[1]), attr, 56, 0) != 0:
    sys.exit("sched_getattr: " + os.strerror(ctypes.get_errno()))
_, policy, flags, nice, priority, runtime, deadline, period = struct.unpack(
    "IIQiIQQQ", attr.raw[:48])
print(f"policy={policy} flags={flags} nice={nice} priority={priority} runtime={runtime} "
      f"deadline={deadline} period={period}")
