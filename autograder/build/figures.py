"""Transform: the handout's figures, drawn by the assignment's ``figures.py`` from the solution.

An assignment may ship ``solutions/<name>/figures.py``, a script students also get:

    python figures.py [--module-dir DIR] [--out DIR]

It imports the assignment module from ``--module-dir`` (default: its own folder, so a
student draws the figures of their own code) and writes PNG files into ``--out`` (default:
``figures/`` beside it). Build runs it on the solution, in its own process, and the handout
embeds the results as ``figures/<file>.png``. Scripts save with
``metadata={"Software": None}`` so that the same code draws the same bytes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder import paths
from autograder.assignments import Assignment
from autograder.errors import BuildError

SCRIPT = "figures.py"
TIME_LIMIT = 600


def write_figures(assignment: Assignment, target: Path) -> None:
    solution_dir = paths.SOLUTIONS / assignment.name
    script = solution_dir / SCRIPT
    if not script.is_file():
        return
    out = target / "figures"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    home = tempfile.mkdtemp(prefix="figures-home-")  # Keras and matplotlib caches go here
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0", TF_CPP_MIN_LOG_LEVEL="3",
               TF_NUM_INTRAOP_THREADS="1", TF_NUM_INTEROP_THREADS="1", OMP_NUM_THREADS="1",
               HOME=home, KERAS_HOME=os.path.join(home, ".keras"),
               MPLCONFIGDIR=os.path.join(home, ".matplotlib"))
    try:
        completed = subprocess.run(
            [sys.executable, str(script), "--module-dir", str(solution_dir), "--out", str(out)],
            cwd=out, env=env, capture_output=True, text=True, timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired:
        raise BuildError(f"{script} took longer than {TIME_LIMIT} s") from None
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if completed.returncode != 0:
        raise BuildError(f"{script} failed on the solution:\n{completed.stderr[-3000:]}")
    if not any(out.glob("*.png")):
        raise BuildError(f"{script} wrote no PNG file into {out}")
