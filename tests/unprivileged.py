"""Run ``python -m autograder ARGS`` as user nobody: a TA's machine, without root.

The project's tests run as root; ``conftest.run_cli_unprivileged`` starts this file in a
mount namespace of its own (``unshare --mount``). Where the interpreter lives under a folder
others may not enter (/root/.pyenv), that folder is covered, in this namespace only, with
one that shows the interpreter alone; then the process becomes nobody and runs the CLI.

``--no-user-namespaces`` first enters a user namespace (all ids mapped to themselves)
whose limit on new user namespaces is 0: the grader then meets a machine where an
unprivileged process can create none, and its workers run unisolated.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import tempfile

NOBODY = 65534


def first_closed_ancestor(path: str) -> str | None:
    current = "/"
    for part in path.strip("/").split("/")[:-1]:
        current = os.path.join(current, part)
        if not os.stat(current).st_mode & 0o001:
            return current
    return None


CLONE_NEWUSER, CLONE_NEWNS = 0x10000000, 0x00020000


def without_user_namespaces() -> None:
    """Continue in a child inside a new user namespace that allows no further ones; the
    parent maps its ids (only a process outside may), waits, and exits as it did."""
    libc = ctypes.CDLL(None, use_errno=True)
    ready_read, ready_write = os.pipe()
    mapped_read, mapped_write = os.pipe()
    child = os.fork()
    if child == 0:
        assert libc.unshare(CLONE_NEWUSER) == 0, os.strerror(ctypes.get_errno())
        os.write(ready_write, b"u")
        os.read(mapped_read, 1)
        with open("/proc/sys/user/max_user_namespaces", "w") as handle:
            handle.write("0")
        assert libc.unshare(CLONE_NEWNS) == 0, os.strerror(ctypes.get_errno())
        subprocess.run(["mount", "--make-rprivate", "/"], check=True)
        return
    os.read(ready_read, 1)
    for name in ("uid_map", "gid_map"):
        with open(f"/proc/{child}/{name}", "w") as handle:
            handle.write("0 0 65536")
    os.write(mapped_write, b"m")
    _, status = os.waitpid(child, 0)
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def main() -> None:
    if sys.argv[1:2] == ["--no-user-namespaces"]:
        del sys.argv[1]
        without_user_namespaces()
    prefix = os.path.realpath(sys.base_prefix)
    closed = first_closed_ancestor(prefix)
    if closed is not None:
        holder = tempfile.mkdtemp(prefix="interpreter-", dir="/dev/shm")
        subprocess.run(["mount", "--bind", prefix, holder], check=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", closed], check=True)
        os.makedirs(prefix)
        subprocess.run(["mount", "--move", holder, prefix], check=True)
    home = tempfile.mkdtemp(prefix="nobody-home-")
    os.chown(home, NOBODY, NOBODY)
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)
    os.environ["HOME"] = home
    os.execv(sys.executable, [sys.executable, "-m", "autograder", *sys.argv[1:]])


if __name__ == "__main__":
    main()
