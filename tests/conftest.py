"""Shared helpers for the project's own tests: run the CLI as a user would."""

from __future__ import annotations

import json
import site
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "submissions"


def run_cli(*args: str, cwd: Path = REPO, timeout: float = 600, background: bool = False
            ) -> subprocess.CompletedProcess | subprocess.Popen:
    """``python -m autograder ARGS`` in ``cwd``; output captured as text (``background``:
    the running process, its output discarded)."""
    return _run([sys.executable, "-m", "autograder", *args], cwd, timeout, background)


def run_cli_unprivileged(*args: str, cwd: Path = REPO, timeout: float = 600,
                         background: bool = False
                         ) -> subprocess.CompletedProcess | subprocess.Popen:
    """The same as user nobody, as a TA without root runs it (the tests run as root; see
    tests/unprivileged.py). The submissions must be readable by everyone."""
    command = ["unshare", "--mount", "--propagation", "private", sys.executable,
               str(Path(__file__).with_name("unprivileged.py")), *args]
    return _run(command, cwd, timeout, background)


def run_cli_without_namespaces(*args: str, cwd: Path = REPO, timeout: float = 600,
                               background: bool = False
                               ) -> subprocess.CompletedProcess | subprocess.Popen:
    """As user nobody on a machine that allows no unprivileged user namespaces: the
    worker cannot be isolated at all (tests/unprivileged.py --no-user-namespaces)."""
    return run_cli_unprivileged("--no-user-namespaces", *args, cwd=cwd, timeout=timeout,
                                background=background)


def python_stand_in(path: Path, *flags: str) -> Path:
    """An executable ``path`` that runs this interpreter (with ``flags``): the ``python``
    a test puts on PATH. Not a symlink: from outside its virtual environment, a link to a
    venv's python starts the interpreter the venv was made from, without the venv's
    packages."""
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" {" ".join(flags)} "$@"\n')
    path.chmod(0o755)
    return path


def see_this_interpreters_packages(venv: Path) -> None:
    """Let the virtual environment ``venv`` (made, or about to be made, by this
    interpreter) see the packages this interpreter sees, as a TA's machine would offer them
    to a download. ``venv --system-site-packages`` alone shows the packages of the base
    interpreter, which are this one's only when the suite runs outside a venv: a venv made
    by a venv's python is made from its base. A .pth file in the venv's site-packages adds
    this interpreter's, after the venv's own."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    folder = venv / "lib" / version / "site-packages"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "suite-interpreter.pth").write_text(
        "".join(f"{path}\n" for path in site.getsitepackages()))


def _run(command: list[str], cwd: Path, timeout: float, background: bool):
    if background:
        return subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    return subprocess.run(command, cwd=cwd, text=True, capture_output=True, timeout=timeout)


@pytest.fixture(scope="session")
def graded_examples() -> dict[str, dict]:
    """Every example submission graded once, in one CLI call: name -> results.json."""
    names = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())
    # In three lanes (more than CI has cores); test_lanes grades some again in one process
    completed = run_cli("grade", *[str(EXAMPLES / n) for n in names], "--format", "json",
                        "--jobs", "3")
    assert completed.returncode == 0, completed.stderr
    documents = json.loads(completed.stdout)
    return {doc["extra_data"]["submission"]: doc for doc in documents}


def outcomes(results: dict) -> dict[str, str]:
    """test function id (without the file) -> 'passed' / 'failed'."""
    return {t["extra_data"]["test_id"].split("::")[1]: t["status"] for t in results["tests"]}


def module_results(results: dict, assignment: str) -> dict:
    """The part of a results.json that belongs to one assignment, with its own score."""
    tests = [t for t in results["tests"] if t["extra_data"]["assignment"] == assignment]
    return {"tests": tests, "score": sum(t["score"] for t in tests)}


def load_solution(name: str):
    """The reference module of an assignment, imported under a name of its own.

    Only the project's tests do this (in-process, to check the reference against Keras and
    TensorFlow themselves); the grader always runs the reference in a worker.
    """
    import importlib.util

    from autograder import paths

    spec = importlib.util.spec_from_file_location(f"reference_{name}", paths.solution_file(name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
