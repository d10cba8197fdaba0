"""``autograder check``: the student's self-check, visible tests against recorded values.

Works in the student release, which has no solutions/: the expected values come from
``assignments/<name>/expected_visible.npz``, recorded by ``autograder build``.

Two doors: ``main`` for the command line (prints the table, returns an exit code), and
``check`` / ``load`` for the notebooks (a check cell shows the table and then its score as
the cell's value; a module that does not import is explained once, in the grader's words).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from autograder import assignments as registry
from autograder import paths
from autograder.errors import UsageError
from autograder.results import RunResult
from autograder.session import DEFAULT_SEED, References, grade_submission
from autograder.views import table

VISIBLE_ONLY = ("These are the visible tests only; official grading adds hidden tests on more "
                "cases.")


@dataclass(frozen=True)
class Score:
    """What a notebook's check cell shows as its value: the score of the visible tests."""

    name: str
    score: float
    max_score: float
    selection: str | None = None

    def __repr__(self) -> str:
        which = f" matching {self.selection!r}" if self.selection else ""
        return (f"{self.name}: {self.score:g} / {self.max_score:g} points on the visible "
                f"tests{which}")


def main(*, name: str, submission: str | None = None, only: str | None = None,
         out=sys.stdout) -> int:
    """Run the visible tests of ``name`` on the student's module and print a table.

    ``only`` keeps the tests whose names match this pytest ``-k`` expression, e.g. the name
    of one function. Without ``submission``, the module in the current folder is checked
    if there is one (a student works inside the assignment's folder), else the one in
    ``assignments/<name>/``.
    """
    run = _run(name, submission or str(_here(name)), only)
    print(table.render(run), file=out)
    print(f"\n{VISIBLE_ONLY}", file=out)
    return 1 if run.grader_errors else 0


def check(name: str, only: str | None = None, submission: str | Path | None = None
          ) -> Score | None:
    """The self-check for a notebook cell: prints the table, returns the ``Score``.

    The module checked is ``<name>.py`` in the current folder (where the notebook is) if
    there is one, else the one in ``assignments/<name>/``. Problems with the arguments are
    printed, not raised: a notebook shows a sentence, not a traceback.
    """
    try:
        run = _run(name, str(submission or _here(name)), only)
    except UsageError as error:
        print(f"autograder: {error}")
        return None
    print(table.render(run))
    print(f"\n{VISIBLE_ONLY}")
    return Score(name, run.score, run.max_score, only)


def load(name: str) -> ModuleType | None:
    """The student's module, imported afresh (re-run after every edit), or None with the
    reason printed when it does not import: the check cells then say it once more, and
    nothing else in the notebook fails because of it."""
    path = Path(_here(name)) / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        with _without_tensorflow_log():
            spec.loader.exec_module(module)
    except BaseException as error:  # noqa: BLE001 - anything the student's file raises
        sys.modules.pop(name, None)
        if isinstance(error, KeyboardInterrupt):
            raise
        print(f"{path.name} does not import (every check scores 0 until it does):\n"
              + _where(error, path), file=sys.stderr)
        return None
    return module


def figures(out: str = "my_figures") -> None:
    """Run ``figures.py`` of the current folder (the handout's figures, drawn from YOUR
    functions) into ``out`` and show them. A module that does not import or a figure
    script that stops is explained in a few lines, not a traceback; TensorFlow's start-up
    log is kept out of the notebook."""
    quiet = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore")
    completed = subprocess.run([sys.executable, "figures.py", "--out", out],
                               capture_output=True, text=True, env=quiet)
    if completed.returncode != 0:
        tail = completed.stderr.strip().splitlines()[-8:]
        print("figures.py stopped before drawing everything:\n  " + "\n  ".join(tail),
              file=sys.stderr)
    from IPython.display import Image, display

    for png in sorted(Path(out).glob("*.png")):
        display(Image(filename=str(png)))


#: TensorFlow's C++ start-up log (absl/glog lines written to file descriptor 2, which a
#: Jupyter kernel shows under the cell): ``I0000 00:00:17.. 123 port.cc:153] ...``.
_TF_LOG = re.compile(r"^(?:[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [\w.]+:\d+\] |WARNING: All log "
                     r"messages before absl::InitializeLog|To enable the following "
                     r"instructions: .* rebuild TensorFlow)")


@contextlib.contextmanager
def _without_tensorflow_log():
    """Run the body with file descriptor 2 caught, then pass on all but TensorFlow's log.

    ``TF_CPP_MIN_LOG_LEVEL`` silences TensorFlow's later messages, not those it writes
    while it loads; what the student's own code writes to stderr still shows.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            text = caught.read().decode("utf-8", "replace")
            kept = [line for line in text.splitlines(keepends=True) if not _TF_LOG.match(line)]
            if kept:
                sys.stderr.write("".join(kept))


def _run(name: str, submission: str | None, only: str | None) -> RunResult:
    registry.get(name)
    folder = Path(submission) if submission else paths.assignment_dir(name)
    if not folder.exists():
        raise UsageError(f"submission not found: {folder}")
    references = References("recorded")
    try:
        run = grade_submission(folder, names=[name], references=references,
                               seed=DEFAULT_SEED, include_hidden=False, select=only)
    finally:
        references.close()
    if only and not run.tests:
        raise UsageError(f"no visible test of {name} matches {only!r}")
    return run


def _here(name: str) -> Path:
    """The current folder if it holds the module, else the assignment's folder."""
    here = Path.cwd()
    return here if (here / f"{name}.py").is_file() else paths.assignment_dir(name)


def _where(error: BaseException, path: Path) -> str:
    """The interpreter's message, with the lines of the student's file it passed through."""
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if Path(f.filename).resolve() == path.resolve()]
    lines = traceback.format_list(frames) if frames else []
    return "".join(lines + traceback.format_exception_only(error)).rstrip()
