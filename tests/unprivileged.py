"""Run ``python -m autograder ARGS`` as user nobody: a TA's machine, without root.

The project's tests run as root; ``conftest.run_cli_unprivileged`` starts this file in a
mount namespace of its own (``unshare --mount``). Where the interpreter lives under a folder
others may not enter (/root/.pyenv), that folder is covered, in this namespace only, with
one that shows the interpreter alone; then the process becomes nobody and runs the CLI.
"""

from __future__ import annotations

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


def main() -> None:
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
