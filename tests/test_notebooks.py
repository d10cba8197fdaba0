"""The generated notebooks, executed in a real Jupyter kernel as students run them.

Each runs inside a fresh student release (``autograder release``), in a copy of its
assignment folder, as a student who works on a copy would: with the stub as released,
with a module that does not import, and with the solution's code. What a student must see:
each check cell's value is its score line; a module that does not import is explained
once, in the grader's words, and nothing else fails because of it; no TensorFlow start-up
log; no "X.ipynb ignored" notice for the notebook the kit itself handed out.

The solution runs here for conv_as_matrix only (its checks take seconds); all six with
``NOTEBOOKS_ALL=1 python -m pytest tests/test_notebooks.py -k solution`` (minutes each for
the training assignments).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO, run_cli

from autograder import assignments as registry
from autograder.check import _TF_LOG

pytestmark = pytest.mark.slow
NAMES = list(registry.ASSIGNMENTS)
FAST = {"conv_as_matrix"}


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("release") / "course"
    completed = run_cli("release", str(folder))
    assert completed.returncode == 0, completed.stderr
    return folder


def execute(release: Path, name: str, module: str | None, work: str) -> list:
    """Copy assignments/<name> of the release to <release>/<work>/<name>, put ``module``
    in place of the stub (None: keep it), run the notebook there; its code cells."""
    import nbformat
    from nbclient import NotebookClient

    folder = release / work / name
    shutil.copytree(release / "assignments" / name, folder)
    if module is not None:
        (folder / f"{name}.py").write_text(module)
    notebook = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    # As a student's shell has it: TensorFlow's log level unset.
    environment = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    NotebookClient(notebook, timeout=900, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute(env=environment)
    nbformat.write(notebook, folder / f"{name}.executed.ipynb")  # to look at afterwards
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def texts(cell) -> str:
    """Everything a cell shows: streams, values and errors."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type == "execute_result":
            parts.append(output.data.get("text/plain", ""))
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    return "".join(parts)


def scores(cells, name: str) -> list[tuple[float, float]]:
    """(score, max) of each check cell, read from the cell's value."""
    found = []
    for cell in cells:
        if cell.source.startswith("check("):
            values = [o for o in cell.outputs if o.output_type == "execute_result"]
            assert len(values) == 1, f"{cell.source}: no value shown:\n{texts(cell)}"
            match = re.fullmatch(rf"{name}: (\S+) / (\S+) points on the visible tests.*",
                                 values[0].data["text/plain"])
            assert match, values[0].data["text/plain"]
            found.append((float(match[1]), float(match[2])))
    return found


def assert_clean(cells) -> None:
    for cell in cells:
        shown = texts(cell)
        assert not [o for o in cell.outputs if o.output_type == "error"], \
            f"{cell.source}\nraised:\n{shown}"
        assert ".ipynb ignored" not in shown, shown
        noise = [line for line in shown.splitlines() if _TF_LOG.match(line)]
        assert not noise, f"TensorFlow's log shows under {cell.source!r}: {noise[:3]}"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_with_the_stub(release, name):
    cells = execute(release, name, None, "stub")
    assert_clean(cells)
    found = scores(cells, name)
    assert len(found) >= 2 and all(score == 0 and top > 0 for score, top in found)
    assert "NotImplementedError" in texts(cells[-1]) or "not implemented" in texts(cells[-1])


@pytest.mark.parametrize("name", NAMES)
def test_notebook_with_a_module_that_does_not_import(release, name):
    cells = execute(release, name, "import numpy as np\n\ndef broken(:\n    pass\n", "broken")
    assert_clean(cells)  # no NameError cascade, no traceback
    setup = texts(cells[0])
    assert f"{name}.py does not import" in setup and "SyntaxError" in setup, setup
    found = scores(cells, name)
    assert len(found) >= 2 and all(score == 0 for score, _ in found)
    assert "SyntaxError" in texts(cells[-1])  # the check says why, in the grader's words


@pytest.mark.parametrize("name", [
    n if n in FAST or os.environ.get("NOTEBOOKS_ALL") == "1" else
    pytest.param(n, marks=pytest.mark.skip(reason="minutes of training: NOTEBOOKS_ALL=1"))
    for n in NAMES])
def test_notebook_with_the_solution(release, name):
    solution = (REPO / "solutions" / name / f"{name}.py").read_text()
    cells = execute(release, name, solution, "solution")
    assert_clean(cells)
    found = scores(cells, name)
    assert len(found) >= 2 and all(score == top > 0 for score, top in found), found
