"""Run ``python -m autograder ARGS`` as user nobody: a TA's machine, without root.

The project's tests run as root; ``conftest.run_cli_unprivileged`` starts this file in a
mount namespace of its own (``unshare --mount``). A TA owns their checkout and their
virtual environment, wherever they are; nobody owns neither, and a folder on the way may
be closed to others (/root, a ``mktemp -d`` folder: mode 0700). So, in this namespace only,
every closed folder on the way to what the grader needs (the interpreter, the virtual
environment, the packages on sys.path, the course, the working folder) is covered with an
open one that shows only what lies on that way (all of it, where the closed folder is
itself needed); the real folders keep their modes. Then the process becomes nobody and
runs the CLI.

``--no-user-namespaces`` first enters a user namespace (all ids mapped to themselves)
whose limit on new user namespaces is 0: the grader then meets a machine where an
unprivileged process can create none, and its workers run unisolated.
"""

from __future__ import annotations

import ctypes
import os
import stat
import subprocess
import sys
import tempfile

NOBODY = 65534
COURSE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


def needed_paths() -> set[str]:
    """What the grader run as nobody reads: the interpreter (a venv's, and the one it was
    made from), every folder on sys.path (site-packages, and what .pth files add), the
    course and the working folder."""
    paths = [sys.base_prefix, sys.prefix, sys.base_exec_prefix, sys.exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable)), *sys.path, COURSE, os.getcwd()]
    return {os.path.realpath(path) for path in paths if path and os.path.exists(path)}


def closed(folder: str, *, listed: bool) -> bool:
    """Whether others cannot enter ``folder`` (or, ``listed``, cannot list it either)."""
    mode = os.stat(folder).st_mode
    need = 0o005 if listed else 0o001
    return stat.S_ISDIR(mode) and mode & need != need


def closed_on_the_way(paths: set[str]) -> dict[str, set[str] | None]:
    """Closed folder -> the names in it that lead to ``paths`` (None: all, the folder is
    itself one of them)."""
    found: dict[str, set[str] | None] = {}
    for path in paths:
        parts = [part for part in path.split("/") if part]
        for depth in range(len(parts)):
            folder = "/" + "/".join(parts[:depth])
            if closed(folder, listed=False) and found.get(folder, set()) is not None:
                found.setdefault(folder, set()).add(parts[depth])
        if closed(path, listed=True):
            found[path] = None
    return found


def mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True)


def cover(folder: str, names: set[str] | None) -> None:
    """Mount an open tmpfs over ``folder`` that shows its entries ``names`` (None: all)
    again at their own places: folders and files bound as they are, links as links."""
    names = sorted(os.listdir(folder) if names is None else names)
    scratch = tempfile.mkdtemp(prefix="shown-", dir="/dev/shm")  # removed below
    mount("-t", "tmpfs", "-o", "mode=0700", "tmpfs", scratch)
    links, held = {}, {}
    for name in names:
        source = os.path.join(folder, name)
        if os.path.islink(source):
            links[name] = os.readlink(source)
        elif os.path.isdir(source) or os.path.isfile(source):
            held[name] = os.path.join(scratch, name)
            mount_point_like(source, held[name])
            mount("--rbind", source, held[name])
    mount("-t", "tmpfs", "-o", "mode=0755", "tmpfs", folder)
    for name, target in links.items():
        os.symlink(target, os.path.join(folder, name))
    for name, holder in held.items():
        mount_point_like(holder, os.path.join(folder, name))
        mount("--move", holder, os.path.join(folder, name))
    subprocess.run(["umount", scratch], check=True)
    os.rmdir(scratch)


def mount_point_like(source: str, path: str) -> None:
    """An empty folder or file at ``path``, as ``source`` is, for a bind mount of it."""
    if os.path.isdir(source):
        os.mkdir(path)
    else:
        open(path, "x").close()


def open_the_way(paths: set[str]) -> None:
    """Make ``paths`` reachable by others in this mount namespace, the outermost closed
    folder first (covering one hides what was shown below it, so nothing is yet)."""
    covers = closed_on_the_way(paths)
    for folder in sorted(covers, key=lambda folder: folder.rstrip("/").count("/")):
        cover(folder, covers[folder])


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
    open_the_way(needed_paths())
    os.chdir(os.getcwd())  # the working folder as shown, not the one now covered
    home = tempfile.mkdtemp(prefix="nobody-home-")
    os.chown(home, NOBODY, NOBODY)
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)
    os.environ["HOME"] = home
    os.execv(sys.executable, [sys.executable, "-m", "autograder", *sys.argv[1:]])


if __name__ == "__main__":
    main()
