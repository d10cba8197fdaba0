"""Where TAs and instructors install it: a plain pip install, Gradescope's image.

Real interpreters (the pyenv builds of Python 3.10 to 3.13 this kind of machine carries),
real virtual environments, real ``pip install .``; the Gradescope bundle's own scripts in
a folder laid out as /autograder. Nothing here downloads: the one test that asks the
package index for the requirements is skipped, saying so, when the index is unreachable.
tools/gradescope_check.sh does the full install per interpreter (minutes, 1.5 GB).
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLES, REPO, python_stand_in, run_cli, see_this_interpreters_packages

from autograder.gradescope_bundle import SUPPORTED_PYTHONS

#: Every Python TensorFlow 2.21 has wheels for; the grader's own range starts at 3.11.
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
UNREACHABLE = ("Failed to establish a new connection", "Temporary failure in name resolution",
               "Network is unreachable", "Could not fetch URL", "ConnectTimeoutError")


def interpreter(version: str) -> str | None:
    """A real Python ``version`` on this machine that runs: a pyenv build or on PATH (a
    pyenv shim is on PATH even where its version is not selected, and then fails)."""
    builds = sorted(glob.glob(f"{Path.home()}/.pyenv/versions/{version}.*/bin/python"))
    for candidate in [*builds[::-1], shutil.which(f"python{version}")]:
        if candidate and subprocess.run([candidate, "-c", ""], capture_output=True,
                                        timeout=60).returncode == 0:
            return candidate
    return None


def run(command: list, **options) -> subprocess.CompletedProcess:
    return subprocess.run([str(word) for word in command], capture_output=True, text=True,
                          timeout=options.pop("timeout", 900), **options)


def venv(python: str, folder: Path, *flags: str) -> Path:
    completed = run([python, "-m", "venv", *flags, folder])
    assert completed.returncode == 0, completed.stderr
    return folder / "bin" / "python"


def venv_with_this_interpreters_packages(folder: Path) -> Path:
    """A fresh venv by this interpreter that sees its packages (nothing to download)."""
    python = venv(sys.executable, folder, "--system-site-packages")
    see_this_interpreters_packages(folder)
    return python


# -- the requirements on every supported Python ----------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("version", PYTHONS)
def test_requirements_resolve_on_each_supported_python_and_only_there(version, tmp_path):
    """Does pip, run by that very Python (the index here has no Requires-Python data, so
    --python-version would accept any Keras), find TensorFlow 2.21 and Keras 3.15.1 in
    requirements.txt on 3.11 to 3.13, and refuse 3.10 outright?"""
    python = interpreter(version)
    if python is None:
        pytest.skip(f"no Python {version} on this machine (not on PATH, no pyenv build)")
    report = tmp_path / "report.json"
    completed = run([venv(python, tmp_path / "venv"), "-m", "pip", "install", "--dry-run",
                     "--ignore-installed", "--quiet", "--report", report,
                     "-r", REPO / "requirements.txt"])
    if completed.returncode != 0 and any(s in completed.stderr for s in UNREACHABLE):
        pytest.skip(f"the package index is unreachable from here: {completed.stderr[-300:]}")
    low, high = SUPPORTED_PYTHONS
    if not low <= tuple(map(int, version.split("."))) <= high:
        assert completed.returncode != 0
        assert "'keras' requires a different Python" in completed.stderr
        return
    assert completed.returncode == 0, completed.stderr[-3000:]
    chosen = {item["metadata"]["name"].lower(): item["metadata"]["version"]
              for item in json.loads(report.read_text())["install"]}
    assert (chosen["tensorflow"], chosen["keras"]) == ("2.21.0", "3.15.1")


# -- the Gradescope bundle in an emulated /autograder ------------------------------------------

def emulated_autograder(tmp_path: Path, names: list[str]) -> tuple[Path, dict]:
    """The bundle unpacked where Gradescope unpacks it, and an environment in which its
    scripts use that folder and an apt-get that only records what it was asked."""
    bundle = tmp_path / "autograder.zip"
    completed = run_cli("gradescope", *names, "--out", str(bundle))
    assert completed.returncode == 0, completed.stderr
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as zipped:
        zipped.extractall(root / "source")
        for info in zipped.infolist():  # zipfile drops the modes Gradescope keeps
            mode = info.external_attr >> 16
            if mode:
                os.chmod(root / "source" / info.filename, mode)
    stand_ins = tmp_path / "bin"
    stand_ins.mkdir()
    (stand_ins / "apt-get").write_text(f'#!/bin/sh\necho "$*" >> "{tmp_path}/apt.log"\n')
    (stand_ins / "apt-get").chmod(0o755)
    # What `apt-get install python3.11` would have put on PATH: this interpreter.
    python_stand_in(stand_ins / "python3.11")
    environment = dict(os.environ, AUTOGRADER_ROOT=str(root), PIP_NO_INDEX="1",
                       PATH=f"{stand_ins}:{os.environ['PATH']}")
    return root, environment


@pytest.mark.slow
def test_gradescope_bundle_sets_up_and_grades_in_an_emulated_autograder_folder(tmp_path):
    """On an image whose python3 is 3.10 (Ubuntu 22.04, Gradescope's default), does
    setup.sh install python3.11 and build the grader's venv with it (all but the
    downloads: the venv sees this machine's packages), and does run_autograder, as
    Gradescope runs it, give a valid results.json?"""
    root, environment = emulated_autograder(tmp_path, ["conv_as_matrix"])
    assert {"setup.sh", "run_autograder", "README.md", "requirements.txt"} <= \
        {p.name for p in (root / "source").iterdir()}
    assert (root / "source" / "autograder" / "suites" / "conv_as_matrix" /
            "test_hidden.py").is_file()
    image_python = interpreter("3.10") or sys.executable
    see_this_interpreters_packages(root / "venv")  # the venv setup.sh makes
    completed = run([root / "source" / "setup.sh"], env=dict(
        environment, AUTOGRADER_SETUP_PYTHON=image_python,
        AUTOGRADER_VENV_FLAGS="--system-site-packages"))
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
    asked = (tmp_path / "apt.log").read_text()
    assert "install -y --no-install-recommends python3 python3-venv python3-pip" in asked
    if image_python != sys.executable:
        assert "install -y --no-install-recommends python3.11 python3.11-venv" in asked
    ready = f"autograder: ready on Python {sys.version.split()[0]}"
    assert ready in completed.stdout, completed.stdout

    # The bundle carries the reference's values for its course seed: on the machine that
    # made it, grading finds every one (a miss would be computed and the file rewritten)
    kept = list((root / "source" / "solutions" / ".reference-cache").glob("reference-*.npz"))
    assert len(kept) == 1
    before = kept[0].read_bytes()

    shutil.copytree(EXAMPLES / "partial", root / "submission")
    completed = run([root / "source" / "run_autograder"], env=environment, cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 19 and len(results["tests"]) == 30
    assert {t["visibility"] for t in results["tests"]} == {"visible", "after_published"}
    assert not results["extra_data"]["grader_errors"]
    assert kept[0].read_bytes() == before


def test_gradescope_setup_refuses_an_unsupported_python_in_one_line(tmp_path):
    """Does setup.sh stop the build, saying why, when even the Python it installed is not
    one the grader runs on (here a "python3.11" that is really 3.10)?"""
    old = interpreter("3.10")
    if old is None:
        pytest.skip("no Python 3.10 on this machine to stand for an unsupported Python")
    root, environment = emulated_autograder(tmp_path, ["conv_as_matrix"])
    (tmp_path / "bin" / "python3.11").unlink()
    (tmp_path / "bin" / "python3.11").symlink_to(old)
    completed = run([root / "source" / "setup.sh"],
                    env=dict(environment, AUTOGRADER_SETUP_PYTHON=old))
    assert completed.returncode != 0
    assert "autograder: this image has Python 3.10" in completed.stderr
    assert "needs Python 3.11 to 3.13" in completed.stderr
    assert not (root / "venv").exists()


def test_run_autograder_gives_gradescope_a_valid_file_when_the_grader_cannot_start(tmp_path):
    root, environment = emulated_autograder(tmp_path, ["conv_as_matrix"])
    (root / "submission").mkdir()
    completed = run([root / "source" / "run_autograder"],
                    env=dict(environment, AUTOGRADER_PYTHON="/bin/false"))
    assert completed.returncode == 0
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and "could not run (exit status 1)" in results["output"]


# -- a plain pip install ---------------------------------------------------------------------

def install(python: Path, source: Path) -> None:
    """``pip install SOURCE`` as a TA types it, minus the downloads: the venv sees this
    machine's packages, and the build uses its setuptools."""
    completed = run([python, "-m", "pip", "install", "--no-index", "--no-build-isolation",
                     "--quiet", source])
    assert completed.returncode == 0, completed.stderr[-3000:]


@pytest.mark.slow
def test_plain_pip_install_grades_from_any_folder_and_the_release_checks(tmp_path):
    """After `pip install .` (not editable) in a fresh venv, does `autograder` find its
    course from --course, AUTOGRADER_COURSE or a folder below the course, say in one line
    when there is none, and does the student release install and self-check the same way?"""
    kit = tmp_path / "kit"  # a copy: pip's build writes build/ and *.egg-info beside it
    for name in ("autograder", "pyproject.toml", "README.md", "requirements.txt"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copyfile)(
            REPO / name, kit / name)
    python = venv_with_this_interpreters_packages(tmp_path / "venv")
    install(python, kit)
    autograder = python.parent / "autograder"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run([python, "-c", "import autograder; print(autograder.__file__)"], cwd=elsewhere)
    assert str(tmp_path / "venv") in where.stdout, where

    perfect, partial = EXAMPLES / "perfect", EXAMPLES / "partial"
    only = ["--assignment", "conv_as_matrix", "--format", "json"]
    graded = run([autograder, "grade", "--course", REPO, perfect, partial, *only],
                 cwd=elsewhere)
    assert graded.returncode == 0, graded.stderr
    assert [d["score"] for d in json.loads(graded.stdout)] == [34, 19]
    by_variable = run([autograder, "grade", perfect, *only], cwd=elsewhere,
                      env=dict(os.environ, AUTOGRADER_COURSE=str(REPO)))
    assert json.loads(by_variable.stdout)["score"] == 34, by_variable.stderr
    from_below = run([autograder, "grade", "submissions/perfect", *only], cwd=REPO / "examples")
    assert json.loads(from_below.stdout)["score"] == 34, from_below.stderr

    for verb in (["grade", perfect], ["check", "conv_as_matrix"], ["batch", ".", "--out", "o"]):
        lost = run([autograder, *verb], cwd=elsewhere)
        assert lost.returncode == 2 and lost.stderr.count("\n") == 1, lost
        assert f"no course folder in {elsewhere.resolve()} or above it" in lost.stderr

    release = tmp_path / "release"
    assert run_cli("release", str(release)).returncode == 0
    student = venv_with_this_interpreters_packages(tmp_path / "student-venv")
    install(student, release)
    checked = run([student.parent / "autograder", "check", "conv_as_matrix"], cwd=release)
    assert checked.returncode == 0, checked.stderr
    assert "Total 0/14" in checked.stdout
    refused = run([student.parent / "autograder", "grade", str(perfect)], cwd=release)
    assert refused.returncode == 2 and "needs the reference solutions" in refused.stderr
