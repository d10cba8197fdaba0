"""Does the grader find the student's modules in untidy folders and archives?"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest
from conftest import REPO

from autograder.errors import UsageError
from autograder.notebooks import NotebookError, notebook_to_module, without_magics
from autograder.submission import Submission


def make_zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def test_module_in_nested_folders_with_junk_is_found(tmp_path):
    """Is hw1/src/conv_as_matrix.py found, and macOS junk ignored?"""
    archive = make_zip(tmp_path / "sub.zip", {
        "hw1/src/conv_as_matrix.py": "x = 1\n",
        "__MACOSX/hw1/src/._conv_as_matrix.py": "junk",
        "hw1/.DS_Store": "junk",
        "hw1/notes.txt": "hello",
    })
    with Submission(archive) as submission:
        located = submission.locate(["conv_as_matrix"], explicit=False)
        assert submission.relative(located.found["conv_as_matrix"]) == \
            "hw1/src/conv_as_matrix.py"
        assert not located.missing


def test_two_copies_pick_the_shallowest_and_say_so(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "conv_as_matrix.py").write_text("a = 1\n")
    (tmp_path / "old" / "conv_as_matrix.py").write_text("a = 2\n")
    with Submission(tmp_path) as submission:
        located = submission.locate(["conv_as_matrix"], explicit=False)
    assert located.found["conv_as_matrix"] == tmp_path / "conv_as_matrix.py"
    assert "appears 2 times" in located.notes[0]


@pytest.mark.parametrize("wrong_name", ["Conv_As_Matrix.py", "conv_as_matrix (1).py",
                                        "conv-as-matrix.py", "conv_as_matrx.py"])
def test_misnamed_module_gets_a_rename_hint(tmp_path, wrong_name):
    """Does a file under a near-miss name get 'rename it to conv_as_matrix.py'?"""
    (tmp_path / wrong_name).write_text("a = 1\n")
    with Submission(tmp_path) as submission:
        located = submission.locate(["conv_as_matrix"], explicit=False)
    assert "rename it to conv_as_matrix.py" in located.missing["conv_as_matrix"]


def test_empty_folder_is_explained(tmp_path):
    with Submission(tmp_path) as submission:
        located = submission.locate(["conv_as_matrix"], explicit=False)
    assert not located.found and "No assignment module found" in located.notes[0]


def test_zip_cannot_write_outside_its_folder(tmp_path):
    """Are '../' and absolute member names skipped (no zip-slip)?"""
    archive = make_zip(tmp_path / "evil.zip", {"../../escaped.py": "x", "/abs.py": "x",
                                               "conv_as_matrix.py": "x = 1\n"})
    with Submission(archive) as submission:
        names = [submission.relative(p) for p in submission.files()]
    assert names == ["conv_as_matrix.py"]
    assert not (tmp_path.parent / "escaped.py").exists()


def test_missing_path_and_non_archive_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="not found"):
        Submission(tmp_path / "nope")
    not_zip = tmp_path / "sub.zip"
    not_zip.write_text("definitely not a zip")
    with pytest.raises(UsageError, match="folder or a .zip"):
        Submission(not_zip)


def test_hash_depends_on_content_only(tmp_path):
    """Does the same content give the same hash, and a change a different one?"""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "conv_as_matrix.py").write_text("x = 1\n")
    first = Submission(tmp_path / "a").sha256()
    (tmp_path / "a" / "conv_as_matrix.py").write_text("x = 2\n")
    assert Submission(tmp_path / "a").sha256() != first
    (tmp_path / "a" / "conv_as_matrix.py").write_text("x = 1\n")
    assert Submission(tmp_path / "a").sha256() == first


def test_the_notebook_beside_the_module_is_mentioned_only_when_it_holds_other_code(tmp_path):
    """The notebook the kit hands out defines nothing: no notice. A notebook whose
    functions differ from the module's: "ignored", since the module is what is graded."""
    shutil.copy(REPO / "assignments" / "conv_as_matrix" / "conv_as_matrix.py", tmp_path)
    shutil.copy(REPO / "assignments" / "conv_as_matrix" / "conv_as_matrix.ipynb", tmp_path)
    with Submission(tmp_path) as submission:
        located = submission.locate(["conv_as_matrix"], explicit=False)
    assert located.found["conv_as_matrix"] == tmp_path / "conv_as_matrix.py"
    assert located.notes == []

    module = (tmp_path / "conv_as_matrix.py").read_text()
    function = "def conv_matrix(kernel, shape):\n    return 1\n"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(function)]
    nbformat.write(notebook, tmp_path / "conv_as_matrix.ipynb")
    with Submission(tmp_path) as submission:
        located = submission.locate(["conv_as_matrix"], explicit=False)
    assert located.found["conv_as_matrix"] == tmp_path / "conv_as_matrix.py"
    assert located.notes == ["conv_as_matrix.ipynb ignored: conv_as_matrix.py is graded"]

    # The student copied the notebook's function into the module (the last definition of
    # a name is the one Python keeps): nothing is lost, nothing to say.
    (tmp_path / "conv_as_matrix.py").write_text(module + "\n\n" + function)
    with Submission(tmp_path) as submission:
        assert submission.locate(["conv_as_matrix"], explicit=False).notes == []


def notebook(cells) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells})


def code(source) -> dict:
    return {"cell_type": "code", "metadata": {}, "outputs": [], "source": source}


@pytest.mark.parametrize("text, message", [
    (notebook(None), "not a list of cells"),
    ("[" * 100_000, "not a readable Jupyter notebook"),
    ('{"cells": 5}', "not a list of cells"),
    ("def conv_matrix(kernel, input_shape):\n    pass\n", "not a readable Jupyter notebook"),
])
def test_a_file_that_is_not_a_notebook_is_refused_with_its_reason(text, message):
    with pytest.raises(NotebookError, match=message):
        notebook_to_module(text, "conv_as_matrix.ipynb")


DEFINITION = "def conv_matrix(kernel, input_shape):\n    return kernel\n"


@pytest.mark.parametrize("bad_cell, why", [
    (code("plt.imshow(x\n"), "cell 2: SyntaxError: '(' was never closed (line 1)"),
    (code("for i in range(3)\n    print(i)"), "cell 2: SyntaxError: expected ':' (line 1)"),
    (code([1, 2]), "cell 2: its source is not text"),
    (code(None), "cell 2: its source is not text"),
    (code("x = " + "(" * 100_000 + "1" + ")" * 100_000),
     "cell 2: SyntaxError: too many nested parentheses"),
    (code("x = " + "-" * 100_000 + "1"), "cell 2: too deep or too large to parse (MemoryError)"),
    (code("x = " + "1+" * 200_000 + "1"),
     "cell 2: too deep or too large to parse (RecursionError)"),
])
def test_a_cell_that_does_not_parse_is_left_out_with_a_note_and_the_rest_is_kept(bad_cell, why):
    """Does one broken scratch cell cost the student the whole notebook? It must not:
    the cell is left out, named in a note, and the definitions around it are graded."""
    cells = [code("import numpy as np"), bad_cell, code(DEFINITION), code("LATENT = 16")]
    extraction = notebook_to_module(notebook(cells), "conv_as_matrix.ipynb")
    assert len(extraction.cells_left_out) == 1
    assert extraction.cells_left_out[0].startswith(why)
    assert extraction.cells_used == 3
    namespace: dict = {}
    exec(compile(extraction.source, "conv_as_matrix.py", "exec"), namespace)
    assert namespace["conv_matrix"](5, None) == 5 and namespace["LATENT"] == 16


def test_the_student_is_told_which_notebook_cells_were_left_out(tmp_path):
    cells = [code("plt.imshow(x"), code(DEFINITION), code([1]), code("print((1)")]
    (tmp_path / "conv_as_matrix.ipynb").write_text(notebook(cells))
    with Submission(tmp_path) as submission:
        located = submission.locate(["conv_as_matrix"], explicit=True)
    assert located.found["conv_as_matrix"] == tmp_path / "conv_as_matrix.ipynb"
    left_out = [note for note in located.notes if "left out, and not graded" in note]
    assert len(left_out) == 1, located.notes
    for phrase in ("cell 1: SyntaxError", "cell 3: its source is not text", "cell 4: Syntax"):
        assert phrase in left_out[0]


@pytest.mark.parametrize("source, kept", [
    ("%%bash\necho hi\nls", ""),
    ("%%html\n<b>x</b>", ""),
    ("%%writefile helper.py\ndef f():\n    return 1", ""),
    ("%%time\ndef f():\n    return 1", "def f():\n    return 1"),
    ("!pip install x\n%matplotlib inline\nimport numpy", "import numpy"),
    ("def f(a, b):\n    return (a\n        % b)", "def f(a, b):\n    return (a\n        % b)"),
    ('S = """\n%not a magic\n"""', 'S = """\n%not a magic\n"""'),
    ("def f(a):\n    return a \\\n        % 2", "def f(a):\n    return a \\\n        % 2"),
])
def test_magics_and_shell_lines_go_as_whole_cells_or_lines(source, kept):
    assert without_magics(source) == kept
