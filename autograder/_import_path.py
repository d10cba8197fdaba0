"""``python -m autograder`` puts the current folder first on ``sys.path``.

Run from inside a submission (``python -m autograder grade .``), that would let the
submission's ``numpy.py`` or ``keras.py`` be imported by the grader itself. The command
removes that entry before it imports anything else, unless the current folder is the one
that holds the package (the course folder, where the kit is used without installing it).
Only the command does this: a notebook that imports the package keeps its folder.
"""

from __future__ import annotations

import os
import sys


def forget_the_current_folder() -> None:
    here = os.path.realpath(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    cwd = os.getcwd()
    if os.path.realpath(cwd) == here:
        return
    sys.path[:] = [p for p in sys.path if p not in ("", ".") and
                   os.path.realpath(p) != os.path.realpath(cwd)]
