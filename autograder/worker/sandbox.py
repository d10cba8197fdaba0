"""The worker's sandbox, entered before any student code is imported (Linux).

As root (Gradescope, a CI container), the worker:
1. enters new mount and network namespaces: no network interface is up, so student code
   cannot reach anything, and mounts it makes are its own;
2. covers every path the grader asks to hide (solutions, grading suites, recorded values,
   result folders) with an empty read-only tmpfs, and gives /tmp, /var/tmp and /dev/shm
   fresh private tmpfs mounts;
3. drops to an unprivileged user id of its own (no supplementary groups), for which only
   the scratch folder is writable, and caps the number of processes it may run.

Without root none of this is possible: the worker then runs as the grader's user, in its
own process group and scratch folder, and the notes it returns say what was not isolated;
the grader writes them into the results. Network is still switched off where the kernel
allows unprivileged user namespaces.
"""

from __future__ import annotations

import ctypes
import os
import resource

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE, MS_BIND = 1, 2, 4, 0x4000, 0x40000, 0x1000
PRIVATE_TEMP = ("/tmp", "/var/tmp", "/dev/shm")
MAX_PROCESSES = 256

_libc = ctypes.CDLL(None, use_errno=True)


class SandboxError(OSError):
    pass


def enter(*, hide: list[str], scratch: str, uid: int | None, needed: list[str]) -> list[str]:
    """Isolate this process as far as the machine allows; return notes on what was not.

    ``needed`` are the folders the worker must still read after dropping privileges (the
    interpreter, site-packages, the grader's package and data); ``scratch`` is the only
    folder it may write.
    """
    if os.geteuid() != 0:
        return _enter_unprivileged()
    _call(_libc.unshare, CLONE_NEWNS | CLONE_NEWNET)
    _call(_libc.mount, b"none", b"/", None, MS_REC | MS_PRIVATE, None)
    needed = sorted({os.path.realpath(p) for p in [scratch, *needed] if os.path.isdir(p)})
    handles = {path: os.open(path, os.O_RDONLY | os.O_DIRECTORY) for path in needed}
    covered: list[str] = []
    for path in PRIVATE_TEMP:
        if os.path.isdir(path):
            _mount_tmpfs(path, "size=256m,mode=1777", 0)
            covered.append(os.path.realpath(path))
    exposed: list[str] = []
    for path, handle in handles.items():  # parents sort before their children
        if not any(_contains(done, path) for done in exposed):
            _expose(path, handle, covered, check_others=uid is not None)
            exposed.append(path)
        os.close(handle)
    # Hide last: a bind made above would not carry a tmpfs mounted inside its tree.
    for path in hide:
        path = os.path.realpath(path)
        if os.path.isdir(path) and not any(_contains(path, n) for n in needed):
            _mount_tmpfs(path, "size=4k,mode=0555", MS_RDONLY)
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
        resource.setrlimit(resource.RLIMIT_NPROC, (MAX_PROCESSES, MAX_PROCESSES))
    return []


def _expose(path: str, handle: int, covered: list[str], *, check_others: bool) -> None:
    """Make ``path`` reachable again: where a covered temp folder or (for another user) an
    ancestor that others cannot enter (such as /root, mode 700) stands in the way, cover
    that ancestor with an empty tmpfs others can traverse, and bind the folder back at its
    own path."""
    blocker = next((c for c in covered if _contains(c, path) and c != path), None)
    if blocker is None and check_others:
        blocker = _first_closed_ancestor(path)
    if blocker is None:
        return  # reachable already
    if blocker not in covered:
        _mount_tmpfs(blocker, "size=4k,mode=0711", 0)
        covered.append(blocker)
    os.makedirs(path, exist_ok=True)
    _call(_libc.mount, f"/proc/self/fd/{handle}".encode(), path.encode(), None, MS_BIND, None)


def _first_closed_ancestor(path: str) -> str | None:
    """The highest folder above ``path`` that others may not traverse (no o+x), if any."""
    current = "/"
    for part in path.strip("/").split("/")[:-1]:
        current = os.path.join(current, part)
        if not os.stat(current).st_mode & 0o001:
            return current
    return None


def _enter_unprivileged() -> list[str]:
    notes = ["the grader is not running as root, so the worker runs as the grader's own "
             "user (it could read files, and signal processes, that user can)"]
    # The process cap counts every process of this user, so leave room above today's.
    mine = sum(1 for status in os.listdir("/proc") if status.isdigit()
               and _owner(status) == os.getuid())
    cap = mine + MAX_PROCESSES
    resource.setrlimit(resource.RLIMIT_NPROC, (cap, cap))
    uid, gid = os.getuid(), os.getgid()
    try:
        _call(_libc.unshare, CLONE_NEWUSER | CLONE_NEWNET)
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    except OSError:
        notes.append("network could not be turned off for the worker on this machine")
    return notes


def _mount_tmpfs(path: str, options: str, flags: int) -> None:
    _call(_libc.mount, b"tmpfs", path.encode(), b"tmpfs", MS_NOSUID | MS_NODEV | flags,
          options.encode())


def _contains(folder: str, path: str) -> bool:
    folder, path = os.path.realpath(folder), os.path.realpath(path)
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _call(function, *args) -> None:
    if function(*args) != 0:
        error = ctypes.get_errno()
        raise SandboxError(error, f"{function.__name__} failed: {os.strerror(error)}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def _owner(pid: str) -> int | None:
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None
