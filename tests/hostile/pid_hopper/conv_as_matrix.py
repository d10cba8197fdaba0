from _correct import install

install(globals())
import ctypes
import os
import time

# A daemon that detaches and takes a new pid every few milliseconds: one pass over /proc
# never catches it. Named so that the test can look for it afterwards.
if os.fork() == 0:
    os.setsid()
    ctypes.CDLL(None).prctl(15, b"hostile-hopper", 0, 0, 0)  # PR_SET_NAME
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if os.fork():
            os._exit(0)  # the parent leaves; the child carries on under a new pid
        time.sleep(0.005)
    os._exit(0)
