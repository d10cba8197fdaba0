"""The instructor pipeline: notebooks, student release, Gradescope bundle, bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import EXAMPLES, REPO, run_cli, see_this_interpreters_packages

from autograder import assignments as registry
from autograder import paths
from autograder.build.stub import BEGIN, END, LINE

# -- notebooks ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(registry.ASSIGNMENTS))
def test_every_notebook_is_valid_nbformat(name):
    notebook = nbformat.read(paths.assignment_dir(name) / f"{name}.ipynb", as_version=4)
    nbformat.validate(notebook)
    sources = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert f"{name} = load({name!r})" in sources[0].replace('"', "'")
    assert sources[-1] == f"check({name!r})"


@pytest.mark.parametrize("name", list(registry.ASSIGNMENTS))
def test_every_question_cell_selects_visible_tests_of_its_own(name):
    """Does each function's check cell run some visible tests (and not another's)?"""
    from autograder.build.notebook import question_filter, student_functions, visible_test_names

    functions = student_functions(paths.solution_file(name).read_text())
    tests = visible_test_names(name)
    for function, _ in functions:
        only = question_filter(function, functions, tests)
        assert only, f"no visible test of {name} is named after {function}"


def test_notebook_code_runs_and_checks_one_function_at_a_time(tmp_path):
    """Do the setup and check cells run as written, each checking its own function?"""
    name = "conv_as_matrix"
    notebook = nbformat.read(paths.assignment_dir(name) / f"{name}.ipynb", as_version=4)
    cells = [c.source for c in notebook.cells
             if c.cell_type == "code" and "IPython" not in c.source]
    # -c puts the working folder on sys.path, as a Jupyter kernel does.
    completed = subprocess.run([sys.executable, "-c", "\n\n".join(cells)],
                               cwd=paths.assignment_dir(name), capture_output=True, text=True,
                               timeout=300)
    assert completed.returncode == 0, completed.stderr
    totals = [line for line in completed.stdout.splitlines() if line.startswith("Total")]
    # conv_matrix (4 points), conv2d_as_matmul, transpose, multichannel, then everything.
    assert totals == ["Total 0/4", "Total 0/4", "Total 0/4", "Total 0/2", "Total 0/14"]


# -- notebook submissions -----------------------------------------------------------------

def write_notebook(path: Path, *sources: str) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# My work")]
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(notebook, path)


@pytest.mark.slow
def test_notebook_submission_is_graded_from_its_definitions(tmp_path):
    """Magics, plots and top-level experiments are dropped; definitions are graded."""
    perfect = (EXAMPLES / "perfect" / "conv_as_matrix.py").read_text()
    write_notebook(tmp_path / "conv_as_matrix.ipynb",
                   "!pip install numpy\n%matplotlib inline\nimport numpy as np",
                   perfect,
                   "print(conv_matrix(np.ones((3, 3)), (4, 4)))\nwhile True:\n    pass",
                   "KERNEL_SIZE = 3")
    completed = run_cli("grade", str(tmp_path), "--format", "json")
    results = json.loads(completed.stdout)
    assert results["score"] == 34
    assert "conv_as_matrix.ipynb graded as conv_as_matrix.py" in results["output"]


def test_notebook_without_a_required_function_says_which(tmp_path):
    write_notebook(tmp_path / "conv_as_matrix.ipynb", "import numpy as np\n",
                   "def conv_matrix(kernel, input_shape, stride=1, padding='valid'):\n"
                   "    return np.zeros((1, 1))\n")
    completed = run_cli("grade", str(tmp_path), "--format", "json")
    results = json.loads(completed.stdout)
    outputs = {t["name"]: t["output"] for t in results["tests"]}
    missing = [o for n, o in outputs.items() if "multichannel" in n]
    assert missing and all("no function named 'conv_matrix_multichannel'" in o for o in missing)


def test_unreadable_notebook_is_explained(tmp_path):
    (tmp_path / "conv_as_matrix.ipynb").write_text("{ this is not json")
    completed = run_cli("grade", str(tmp_path), "--format", "json")
    results = json.loads(completed.stdout)
    assert results["score"] == 0
    assert "is not a readable Jupyter notebook" in results["output"]


# -- the student release ------------------------------------------------------------------

@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("release") / "course"
    completed = run_cli("release", str(target))
    assert completed.returncode == 0, completed.stderr
    return target


def solution_lines() -> set[str]:
    """Every distinctive line inside the solutions' solution regions (long enough to be
    specific; shape unpacking such as ``kh, kw = kernel.shape`` is everywhere)."""
    lines = set()
    for source in paths.SOLUTIONS.glob("*/*.py"):
        inside = False
        for line in source.read_text().splitlines():
            if BEGIN.match(line):
                inside = True
            elif END.match(line):
                inside = False
            elif (inside or LINE.match(line)) and len(line.strip()) >= 30 \
                    and not line.rstrip().endswith(".shape"):
                lines.add(line.split("#")[0].strip() if LINE.match(line) else line.strip())
    return lines - {""}


def test_release_has_no_solution_code_and_no_hidden_test(release):
    assert not (release / "solutions").exists() and not (release / "tests").exists()
    secrets = solution_lines()
    assert len(secrets) > 20  # the scan really looks for something
    for path in release.rglob("*"):
        if not path.is_file() or path.suffix in (".npz", ".png", ".h5"):
            continue
        text = path.read_text(errors="ignore")
        assert not path.name.startswith(("test_hidden", "hidden")), path
        assert 'visibility("hidden")' not in text, path
        leaked = [line for line in secrets if line in text]
        assert not leaked, f"{path} holds solution code: {leaked[:3]}"


def test_check_works_in_a_fresh_copy_of_the_release(release, tmp_path):
    copy = tmp_path / "student"
    shutil.copytree(release, copy)
    completed = run_cli("check", "conv_as_matrix", cwd=copy)
    assert completed.returncode == 0, completed.stderr
    assert "Total 0/14" in completed.stdout
    graded = run_cli("grade", str(EXAMPLES / "perfect"), cwd=copy)
    assert graded.returncode == 2 and "needs the reference solutions" in graded.stderr


@pytest.mark.slow
def test_check_runs_inside_an_assignment_folder_after_the_readme_set_up(release, tmp_path):
    """The README's set-up (``pip install -e .``, here offline into a virtual environment
    that sees this interpreter's packages), then its check command where a student works."""
    readme = (release / "README.md").read_text()
    assert "    python -m pip install -e .\n" in readme
    assert "    python -m autograder check conv_as_matrix\n" in readme
    copy = tmp_path / "student"
    shutil.copytree(release, copy)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True)
    see_this_interpreters_packages(venv)
    python = str(venv / "bin" / "python")
    installed = subprocess.run([python, "-m", "pip", "install", "-q", "-e", ".", "--no-deps",
                                "--no-build-isolation", "--no-index"], cwd=copy,
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    folder = copy / "assignments" / "conv_as_matrix"
    for where in (copy, folder):
        completed = subprocess.run([python, "-m", "autograder", "check", "conv_as_matrix",
                                    "--only", "conv2d_as_matmul"], cwd=where,
                                   capture_output=True, text=True, timeout=600)
        assert completed.returncode == 0, completed.stderr
        assert "Total 0/4" in completed.stdout and "not implemented" in completed.stdout
    # Inside the folder, the module there is the one checked (a student's working copy).
    shutil.copy(EXAMPLES / "perfect" / "conv_as_matrix.py", folder / "conv_as_matrix.py")
    completed = subprocess.run([python, "-m", "autograder", "check", "conv_as_matrix",
                                "--only", "conv2d_as_matmul"], cwd=folder,
                               capture_output=True, text=True, timeout=600)
    assert "Total 4/4" in completed.stdout, completed.stdout + completed.stderr


def test_release_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "something").write_text("x")
    completed = run_cli("release", str(tmp_path))
    assert completed.returncode == 2 and "is not empty" in completed.stderr


# -- bad input ----------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["build", "not_an_assignment"], "unknown assignment 'not_an_assignment'"),
    (["gradescope", "not_an_assignment", "--out", "x.zip"], "unknown assignment"),
    (["gradescope", "conv_as_matrix", "--out", "/tmp/bundle.tar"], "must name a .zip"),
    (["check", "not_an_assignment"], "unknown assignment"),
])
def test_bad_arguments_get_a_one_line_reason(args, message):
    completed = run_cli(*args)
    assert completed.returncode == 2
    assert message in completed.stderr and completed.stderr.count("\n") == 1


def copy_of_the_kit(tmp_path: Path) -> Path:
    kit = tmp_path / "kit"
    for folder in ("autograder", "solutions", "assignments"):
        shutil.copytree(REPO / folder, kit / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("requirements.txt", "pyproject.toml"):
        shutil.copyfile(REPO / name, kit / name)
    return kit


@pytest.mark.slow
def test_build_refuses_a_solution_that_fails_its_own_tests(tmp_path):
    kit = copy_of_the_kit(tmp_path)
    solution = kit / "solutions" / "conv_as_matrix" / "conv_as_matrix.py"
    solution.write_text(solution.read_text().replace("+= kernel[a, b]\n", "-= kernel[a, b]\n"))
    completed = run_cli("build", "conv_as_matrix", cwd=kit)
    assert completed.returncode == 2
    assert "does not pass its own visible tests" in completed.stderr
    # The solution is both student and reference here, so the tests against TensorFlow
    # and the lecture's literal values are the ones that catch it.
    assert "conv_as_matrix: Does conv2d_as_matmul give the lecture's output" in completed.stderr


def test_build_and_bundle_name_a_missing_solution_file(tmp_path):
    kit = copy_of_the_kit(tmp_path)
    (kit / "solutions" / "conv_as_matrix" / "conv_as_matrix.py").unlink()
    for args in (["build", "conv_as_matrix"], ["gradescope", "conv_as_matrix", "--out", "b.zip"]):
        completed = run_cli(*args, cwd=kit)
        assert completed.returncode == 2
        assert "missing solution file" in completed.stderr and "conv_as_matrix.py" in \
            completed.stderr
