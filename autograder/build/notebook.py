"""Transform: one Jupyter notebook per assignment, the student's workbench.

The notebook walks through the handout one function at a time: a short introduction, a
setup cell that loads the student's module (re-run after every edit; a module that does not
import is explained there, in the grader's words), then for each function its docstring
summary and a cell that runs the self-check for that function only (its value is the
score), then the figures drawn from the student's own code, then the full self-check.
Students write their code in the ``.py`` module; the notebook is where they try it out.
The check cells need nothing from the setup cell but ``check``: each one checks the file
as it is on disk, in a worker process, so nothing a student's import broke cascades.

Cell ids are fixed (``cell-0``, ``cell-1``, ...) so that the same solution always builds
the same bytes.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
from nbformat import v4

from autograder import paths
from autograder.assignments import Assignment
from autograder.build.stub import BEGIN, LINE

SETUP = '''\
# Setup: make the grader importable, and load your module (re-run after every edit).
import sys
from pathlib import Path

ROOT = Path.cwd().resolve()
while not (ROOT / "autograder").is_dir() and ROOT != ROOT.parent:
    ROOT = ROOT.parent
sys.path.insert(0, str(ROOT))
from autograder.check import check, load  # noqa: E402

{name} = load("{name}")  # None, with the reason, if {name}.py does not import'''

FIGURES = '''\
# Draw the handout's figures from YOUR code (into my_figures/, next to this notebook).
from autograder.check import figures  # noqa: E402

figures()'''


def write_notebook(assignment: Assignment, target: Path) -> None:
    notebook = build_notebook(assignment)
    nbformat.validate(notebook)
    (target / f"{assignment.name}.ipynb").write_text(nbformat.writes(notebook) + "\n")


def build_notebook(assignment: Assignment) -> nbformat.NotebookNode:
    name = assignment.name
    solution = paths.solution_file(name)
    handout = (paths.SOLUTIONS / name / "README.md").read_text()
    functions = student_functions(solution.read_text())
    cells = [
        ("markdown", f"# {assignment.title}\n\n{_introduction(handout)}\n\n"
                     f"The full handout is `README.md` in this folder. Write your code in "
                     f"`{name}.py`; use this notebook to try it out and to check it one "
                     "function at a time."),
        ("code", SETUP.format(name=name)),
    ]
    tests = visible_test_names(name)
    for function, summary in functions:
        only = question_filter(function, functions, tests)
        selection = f", only={only!r}" if only else ""
        cells.append(("markdown", f"## `{function}`\n\n{summary}"))
        cells.append(("code", f"check({name!r}{selection})"))
    if (paths.SOLUTIONS / name / "figures.py").is_file():
        cells.append(("markdown", "## Figures\n\nThe handout's figures, drawn from your "
                                  "functions. Compare them with the ones in `figures/`."))
        cells.append(("code", FIGURES))
    cells.append(("markdown", "## Everything at once\n\nThe visible tests of the whole "
                              "assignment. Official grading adds hidden tests on more cases."))
    cells.append(("code", f"check({name!r})"))
    notebook = v4.new_notebook(metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    for index, (kind, source) in enumerate(cells):
        make = v4.new_markdown_cell if kind == "markdown" else v4.new_code_cell
        notebook.cells.append(make(source, id=f"cell-{index}"))
    return notebook


def student_functions(source: str) -> list[tuple[str, str]]:
    """(name, first docstring paragraph) of every top-level function or class that holds
    a solution marker, in source order: the questions of the assignment."""
    lines = source.splitlines()
    marked = {number for number, line in enumerate(lines, start=1)
              if BEGIN.match(line) or LINE.match(line)}
    questions = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and \
                any(node.lineno <= n <= node.end_lineno for n in marked):
            doc = (ast.get_docstring(node) or "").split("\n\n")[0].replace("\n", " ")
            questions.append((node.name, doc))
    return questions


def visible_test_names(name: str) -> list[str]:
    """Names of the test functions in the assignment's visible test files."""
    names = []
    for path in sorted((paths.suite_dir(name)).glob("test_visible*.py")):
        names += [node.name for node in ast.parse(path.read_text()).body
                  if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]
    return names


def question_filter(function: str, functions: list[tuple[str, str]], tests: list[str]
                    ) -> str | None:
    """A ``-k`` expression selecting this function's visible tests (suites name them
    ``test_<function>...``), excluding longer names that start the same way
    (``test_conv_matrix`` must not select ``test_conv_matrix_multichannel``); None, meaning
    every test, if none match.

    The prefix matters: ``-k`` ignores case and also matches folder names, so a bare ``GAN``
    would select the whole ``gan`` suite."""
    prefix = f"test_{function}"
    longer = [f"test_{other}" for other, _ in functions
              if other != function and f"test_{other}".lower().startswith(prefix.lower())]
    selected = [t for t in tests if t.lower().startswith(prefix.lower())
                and not any(t.lower().startswith(o.lower()) for o in longer)]
    if not selected:
        return None
    return " and ".join([prefix] + [f"not {other}" for other in longer])


def _introduction(handout: str) -> str:
    """The handout's opening paragraphs: everything between the title and the first ##."""
    body = re.split(r"^## ", handout, maxsplit=1, flags=re.M)[0]
    return "\n".join(line for line in body.splitlines()
                     if not line.startswith("# ")).strip()
