"""Shared helpers for the project's own tests: run the CLI as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "submissions"


def run_cli(*args: str, cwd: Path = REPO, timeout: float = 600) -> subprocess.CompletedProcess:
    """``python -m autograder ARGS`` in ``cwd``; output captured as text."""
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=timeout)


@pytest.fixture(scope="session")
def graded_examples() -> dict[str, dict]:
    """Every example submission graded once, in one CLI call: name -> results.json."""
    names = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())
    completed = run_cli("grade", *[str(EXAMPLES / n) for n in names], "--format", "json")
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
