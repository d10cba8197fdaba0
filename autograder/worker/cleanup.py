"""Removing a folder whatever a process left in it: any depth, any number of files.

``shutil.rmtree`` recurses once per level and raises ``RecursionError`` on a folder 1,200
levels deep; ``rm -rf`` (coreutils) walks with ``openat``/``unlinkat``, never follows a
symbolic link, and has no depth limit. An iterative walk is the fallback where there is
no ``rm``. Nothing here raises: cleanup never costs a student their results.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path


def remove_tree(path: str | Path) -> None:
    """Remove ``path`` and everything in it, as far as permissions allow; never raises."""
    path = str(path)
    if not os.path.lexists(path):
        return
    rm = shutil.which("rm", path="/usr/bin:/bin")
    if rm is not None:
        try:
            subprocess.run([rm, "-rf", "--one-file-system", "--", path], timeout=600,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
        except (OSError, subprocess.SubprocessError):
            pass
    if os.path.lexists(path):
        _remove_iteratively(path)


def _remove_iteratively(root: str) -> None:
    failed: set[str] = set()
    stack = [root]
    while stack:
        folder = stack[-1]
        try:
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                os.unlink(folder)
                stack.pop()
                continue
            entries = list(os.scandir(folder))
        except OSError:
            failed.add(folder)
            stack.pop()
            continue
        deeper = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.path not in failed:
                        deeper.append(entry.path)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass
        if deeper:
            stack.extend(deeper)
            continue
        try:
            os.rmdir(folder)
        except OSError:
            failed.add(folder)
        stack.pop()
