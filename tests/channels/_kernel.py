"""The kernel channels the two classmates of tests/test_channels.py try (shared helper).

Every channel is a kernel object that a pid, mount, network or IPC namespace may not
cover: keyrings, file locks and inotify on the read-only data/ folder, abstract Unix
sockets, System V message queues. (Files are another matter: the sandbox's own folders
cover them, and without namespaces the README says they are open.) Each function returns what
happened, in words, for the test to read in the student's printed output.
"""

import ctypes
import errno
import fcntl
import os
import platform
import socket
import time

SECRET = b"alice-was-here"
NAME = b"gdl-classmate-channel"
KEY = 0x67646C  # System V key
SYSCALL = {"x86_64": {"add_key": 248, "keyctl": 250, "memfd_create": 319},
           "aarch64": {"add_key": 217, "keyctl": 219, "memfd_create": 279}}[platform.machine()]
USER_KEYRING, SESSION_KEYRING = -4, -3
KEYCTL_SEARCH, KEYCTL_READ = 10, 11
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def _error() -> str:
    return errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))


def data_file() -> str:
    from autograder import paths

    return str(sorted(paths.DATA.glob("*.npz"))[0])


# -- alice: leave a message everywhere -----------------------------------------------------

def leave_messages() -> list[str]:
    said = []
    for ring, name in ((USER_KEYRING, "user keyring"), (SESSION_KEYRING, "session keyring")):
        key = libc.syscall(SYSCALL["add_key"], b"user", NAME, SECRET, len(SECRET), ring)
        said.append(f"{name}: " + ("left" if key >= 0 else f"refused ({_error()})"))
    try:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(b"\0" + NAME)
        server.listen(1)
        if os.fork() == 0:  # answer for a while, whoever asks
            server.settimeout(20)
            try:
                connection, _ = server.accept()
                connection.sendall(SECRET)
            finally:
                os._exit(0)
        said.append("abstract socket: listening")
    except OSError as error:
        said.append(f"abstract socket: refused ({error.__class__.__name__} {error.errno})")
    queue = libc.msgget(KEY, 0o1000 | 0o666)  # IPC_CREAT
    if queue >= 0:
        message = ctypes.create_string_buffer(ctypes.sizeof(ctypes.c_long) + len(SECRET))
        ctypes.c_long.from_buffer(message).value = 1
        ctypes.memmove(ctypes.addressof(message) + ctypes.sizeof(ctypes.c_long), SECRET,
                       len(SECRET))
        libc.msgsnd(queue, message, len(SECRET), 0)
        said.append("message queue: left")
    else:
        said.append(f"message queue: refused ({_error()})")
    return said


def hold_a_lock_and_read_the_data(seconds: float) -> str:
    """Hold a lock on a data/ file (and keep reading it, for inotify) for ``seconds``."""
    try:
        handle = open(data_file(), "rb")
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        return f"lock: refused ({errno.errorcode.get(error.errno, error.errno)})"
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with open(data_file(), "rb") as again:
            again.read(16)
        time.sleep(0.05)
    return "lock: held"


# -- bob: look for a message everywhere ----------------------------------------------------

def look_for_messages(seconds: float) -> list[str]:
    """What bob finds; "FOUND" in a line means a channel between the two students."""
    found = []
    for ring, name in ((USER_KEYRING, "user keyring"), (SESSION_KEYRING, "session keyring")):
        key = libc.syscall(SYSCALL["keyctl"], KEYCTL_SEARCH, ring, b"user", NAME, 0)
        if key >= 0:
            buffer = ctypes.create_string_buffer(64)
            libc.syscall(SYSCALL["keyctl"], KEYCTL_READ, key, buffer, 64)
            found.append(f"{name}: FOUND {buffer.value!r}")
        else:
            found.append(f"{name}: nothing ({_error()})")
    try:
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.settimeout(2)
        client.connect(b"\0" + NAME)
        found.append(f"abstract socket: FOUND {client.recv(64)!r}")
    except OSError as error:
        found.append(f"abstract socket: nothing ({error.__class__.__name__} {error.errno})")
    queue = libc.msgget(KEY, 0)
    found.append("message queue: FOUND" if queue >= 0 else f"message queue: nothing ({_error()})")
    found.append(_watch_and_test_the_lock(seconds))
    return found


def _watch_and_test_the_lock(seconds: float) -> str:
    """For ``seconds``: is a data/ file locked by someone else, do inotify events come?"""
    watch = -1
    inotify = libc.inotify_init1(os.O_NONBLOCK)
    if inotify >= 0:
        watch = libc.inotify_add_watch(inotify, os.path.dirname(data_file()).encode(),
                                       0x01 | 0x20)  # IN_ACCESS | IN_OPEN
    seen = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if watch >= 0:
            try:
                if os.read(inotify, 4096):
                    seen.append("inotify: FOUND events of a classmate's reads")
                    break
            except BlockingIOError:
                pass
        try:
            with open(data_file(), "rb") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            seen.append("lock: FOUND a classmate's lock")
            break
        except OSError as error:
            seen.append(f"lock: refused ({errno.errorcode.get(error.errno, error.errno)})")
            break
        time.sleep(0.05)
    if inotify < 0:
        seen.append(f"inotify: refused ({_error()})")
    return "; ".join(seen) or "lock and inotify: nothing"
