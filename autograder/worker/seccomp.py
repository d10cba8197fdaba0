"""A seccomp filter: the kernel calls no student needs, refused before student code runs.

Namespaces give a worker its own files, processes, network and System V IPC, but some
kernel objects belong to a user or to the whole machine, not to a namespace. Through them
two workers (two students graded one after the other in a lane, or at once in two lanes)
could pass a message, or a worker could hold memory that no limit counts:

- keyrings (``add_key``, ``keyctl``): keys stay in the kernel after the process ends;
- ``memfd_create``: anonymous files whose pages RLIMIT_DATA does not count;
- ``inotify``, ``fanotify`` and ``F_NOTIFY``: watching the read-only data/ folder shows a
  classmate's opens and reads;
- file locks (``flock``, ``fcntl`` locks and leases) on the shared, read-only files of data/;
- sockets: abstract Unix sockets and loopback connections where no network namespace
  could be made;
- System V and POSIX IPC where no IPC namespace could be made;
- another process's memory or descriptors (``ptrace``, ``process_vm_readv``,
  ``pidfd_getfd``, ``kcmp``), and new namespaces or mounts (``unshare``, ``mount``, ...),
  ``bpf``, ``perf_event_open``, ``userfaultfd``, io_uring (which bypasses this filter).

Each is refused with an error (EPERM; ENOSYS for locks, which libraries such as HDF5
treat as "no locking here"), so student code gets an ordinary ``OSError`` and the grader
reports it as any other failure. The filter is installed in the process that imports the
student's module, after the sandbox is built and before the import, is inherited by every
process it starts, and can never be removed. It needs no privilege: ``no_new_privs``
suffices, which the worker sets.

The filter is a classic BPF program written out here (no library needed): check the
architecture, load the system call number, jump to "refuse" for each listed one, and
for ``fcntl`` look at its command.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct

#: the system calls refused, by name; numbers below per architecture
REFUSED = ("add_key", "keyctl", "request_key", "memfd_create", "memfd_secret",
           "inotify_init", "inotify_init1", "fanotify_init", "socket", "shmget", "semget",
           "msgget", "mq_open", "ptrace", "process_vm_readv", "process_vm_writev",
           "pidfd_getfd", "kcmp", "unshare", "setns", "mount", "umount2", "pivot_root",
           "open_tree", "move_mount", "fsopen", "fsmount", "name_to_handle_at",
           "open_by_handle_at", "bpf", "perf_event_open", "userfaultfd", "io_uring_setup",
           "io_uring_enter", "io_uring_register")
#: refused with ENOSYS: "not supported here", which lock users fall back from
LOCKS = ("flock",)
#: fcntl commands refused (ENOSYS): F_GETLK, F_SETLK, F_SETLKW, their open-file-description
#: twins, leases and directory notification (dnotify)
FCNTL_REFUSED = (5, 6, 7, 36, 37, 38, 1024, 1025, 1026)

_SYSCALLS = {
    "x86_64": {
        "add_key": 248, "keyctl": 250, "request_key": 249, "memfd_create": 319,
        "memfd_secret": 447, "inotify_init": 253, "inotify_init1": 294, "fanotify_init": 300,
        "socket": 41, "shmget": 29, "semget": 64, "msgget": 68, "mq_open": 240, "ptrace": 101,
        "process_vm_readv": 310, "process_vm_writev": 311, "pidfd_getfd": 438, "kcmp": 312,
        "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155,
        "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsmount": 432,
        "name_to_handle_at": 303, "open_by_handle_at": 304, "bpf": 321,
        "perf_event_open": 298, "userfaultfd": 323, "io_uring_setup": 425,
        "io_uring_enter": 426, "io_uring_register": 427, "flock": 73, "fcntl": 72,
    },
    "aarch64": {  # the generic table (no inotify_init: only inotify_init1)
        "add_key": 217, "keyctl": 219, "request_key": 218, "memfd_create": 279,
        "memfd_secret": 447, "inotify_init1": 26, "fanotify_init": 262, "socket": 198,
        "shmget": 194, "semget": 190, "msgget": 186, "mq_open": 180, "ptrace": 117,
        "process_vm_readv": 270, "process_vm_writev": 271, "pidfd_getfd": 438, "kcmp": 272,
        "unshare": 97, "setns": 268, "mount": 40, "umount2": 39, "pivot_root": 41,
        "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsmount": 432,
        "name_to_handle_at": 264, "open_by_handle_at": 265, "bpf": 280,
        "perf_event_open": 241, "userfaultfd": 282, "io_uring_setup": 425,
        "io_uring_enter": 426, "io_uring_register": 427, "flock": 32, "fcntl": 25,
    },
}
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
#: x86_64's x32 calls carry this bit; none is allowed (they would bypass the numbers above)
_X32_BIT = 0x40000000

# Classic BPF, as linux/filter.h and linux/seccomp.h define it.
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_RET_ALLOW, _RET_ERRNO, _RET_KILL_PROCESS = 0x7FFF0000, 0x00050000, 0x80000000
_OFFSET_NR, _OFFSET_ARCH, _OFFSET_ARG1_LOW = 0, 4, 24  # struct seccomp_data, little-endian
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def program(machine: str) -> list[tuple[int, int, int, int]]:
    """The filter for ``machine`` as (code, jump if true, jump if false, k) instructions."""
    numbers = _SYSCALLS[machine]
    refused = [numbers[name] for name in REFUSED if name in numbers]
    locks = [numbers[name] for name in LOCKS]
    code: list[tuple[int, int, int, int]] = [
        (_LD_W_ABS, 0, 0, _OFFSET_ARCH),
        (_JEQ_K, 1, 0, _AUDIT_ARCH[machine]),
        (_RET_K, 0, 0, _RET_KILL_PROCESS),  # a call of another ABI: never from our code
        (_LD_W_ABS, 0, 0, _OFFSET_NR),
    ]
    if machine == "x86_64":
        code.append((_JGE_K, 0, 1, _X32_BIT))
        code.append((_RET_K, 0, 0, _RET_ERRNO | errno.ENOSYS))
    # Each test jumps, when it matches, to one of the returns after the last test: a
    # jump's distance counts from the instruction after it.
    tests = [(n, "refuse") for n in refused] + [(n, "lock") for n in locks] \
        + [(numbers["fcntl"], "fcntl")]
    after_tests = {"refuse": 1, "lock": 2, "fcntl": 3}  # "allow" is 0
    for index, (number, target) in enumerate(tests):
        code.append((_JEQ_K, len(tests) - index - 1 + after_tests[target], 0, number))
    code += [
        (_RET_K, 0, 0, _RET_ALLOW),
        (_RET_K, 0, 0, _RET_ERRNO | errno.EPERM),   # refuse
        (_RET_K, 0, 0, _RET_ERRNO | errno.ENOSYS),  # lock
        (_LD_W_ABS, 0, 0, _OFFSET_ARG1_LOW),         # fcntl: its command
    ]
    for index, command in enumerate(FCNTL_REFUSED):
        left = len(FCNTL_REFUSED) - index - 1
        code.append((_JEQ_K, left + 1, 0, command))
    code += [(_RET_K, 0, 0, _RET_ALLOW), (_RET_K, 0, 0, _RET_ERRNO | errno.ENOSYS)]
    return code


def install() -> bool:
    """Install the filter in this process (and so in all it starts); False where the
    machine has no filter of ours (another architecture, another OS) or refuses it."""
    machine = platform.machine()
    if machine not in _SYSCALLS:
        return False
    instructions = program(machine)
    buffer = ctypes.create_string_buffer(
        b"".join(struct.pack("<HBBI", *instruction) for instruction in instructions))
    fprog = _SockFprog(len(instructions), ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong,
                           ctypes.c_ulong]
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0:
        return False
    return libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0
