from _correct import install

install(globals())
import ctypes

# Five System V shared memory segments of a little over 1 GiB: they belong to no process,
# so without an IPC namespace of its own they outlive the worker. The size is distinctive
# so that the test can look for them.
SIZE = 2**30 + 4097
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
for _ in range(5):
    segment = libc.shmget(0, ctypes.c_size_t(SIZE), 0o1000 | 0o600)  # IPC_PRIVATE, IPC_CREAT
    if segment >= 0:
        address = libc.shmat(segment, None, 0)
        if address not in (None, ctypes.c_void_p(-1).value):
            ctypes.memset(address, 1, 4096)
