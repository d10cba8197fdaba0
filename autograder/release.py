"""``autograder release DIR``: the folder students get.

It holds assignments/ (stubs, handouts, notebooks, recorded values), data/, and the grader
without solutions and without hidden tests, so that ``autograder check`` works offline.
Hidden tests and their cases live in files named ``test_hidden*.py`` (or ``hidden*.py``)
inside the suites, so dropping those files drops them whole.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from autograder import assignments as registry
from autograder import paths
from autograder.errors import UsageError

HIDDEN_PATTERNS = ("test_hidden*", "hidden*")
ALWAYS_LEFT_OUT = ("__pycache__", "*.pyc", "*.egg-info", ".pytest_cache")
TOP_LEVEL_FILES = ("requirements.txt", "pyproject.toml")


def main(*, out: str | Path, log=sys.stdout) -> int:
    paths.require_solutions("release")
    target = Path(out)
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"{target} is not empty; give a new folder for the release")
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(paths.PACKAGE, target / "autograder",
                    ignore=shutil.ignore_patterns(*ALWAYS_LEFT_OUT, *HIDDEN_PATTERNS))
    shutil.copytree(paths.ASSIGNMENTS, target / "assignments",
                    ignore=shutil.ignore_patterns(*ALWAYS_LEFT_OUT, "my_figures"))
    if paths.DATA.is_dir():
        shutil.copytree(paths.DATA, target / "data",
                        ignore=shutil.ignore_patterns(*ALWAYS_LEFT_OUT))
    for name in TOP_LEVEL_FILES:
        shutil.copyfile(paths.ROOT / name, target / name)
    (target / "README.md").write_text(student_readme())
    print(f"student release written to {target}", file=log)
    return 0


def student_readme() -> str:
    rows = "\n".join(f"| {number} | `{a.name}` | {a.title} | `assignments/{a.name}/` |"
                     for number, a in enumerate(registry.ASSIGNMENTS.values(), start=1))
    return f"""# Generative deep learning: assignments

| # | module | topic | folder |
|---|---|---|---|
{rows}

## Set up (once)

With Python 3.11 to 3.13, in this folder (the one holding this README):

    python -m pip install -e .

This installs TensorFlow, Keras and the rest, and makes the self-check (`autograder`)
available from every folder, so you can run it where you work.

(`python -m pip install .` works too; either gives an `autograder` command: run it in this
folder or below it, e.g. `autograder check conv_as_matrix`.)

## Work on an assignment

Each folder holds the handout (`README.md`), the module you complete (`<module>.py`: replace
every `raise NotImplementedError` with your code), a notebook to try it out, and the
recorded answers of the visible tests. Check your work as often as you like, from this
folder or from inside the assignment's folder (`cd assignments/conv_as_matrix`):

    python -m autograder check conv_as_matrix
    python -m autograder check conv_as_matrix --only conv_matrix    # one function
    python -m autograder check conv_as_matrix --submission my_folder/

Inside a folder that holds `conv_as_matrix.py`, that file is checked; elsewhere the one in
`assignments/conv_as_matrix/`. The notebook's check cells run the same check, one function
at a time.

The check runs the visible tests; official grading adds hidden tests on more cases, so test
the edge cases the handout describes too.

## Submit

Submit your module files (e.g. `conv_as_matrix.py`), alone, in a folder or in a .zip. A
notebook named after the module (`conv_as_matrix.ipynb`) is accepted instead: its imports,
functions, classes and constants are graded; everything else in it is left out.
"""
