"""Turning a submitted notebook into the module the grader imports.

A notebook mixes definitions with experiments: training runs, plots, calls to the
self-check. The grader keeps what a module is made of and drops the rest, cell by cell
and in order:

- kept: imports, function and class definitions, and constants (``LATENT_DIM = 16``:
  assignments whose value is a literal);
- dropped: shell and magic lines (``!pip ...``, ``%matplotlib ...``) where a statement
  begins, cells of another language (``%%bash``, ``%%html``), markdown, and every
  other statement (expressions that display or plot, loops, ``model.fit(...)``), so
  nothing trains when the module is imported;
- left out with a note naming it: a cell that is not valid Python (an unfinished
  ``plt.imshow(x`` in a scratch cell), one too deep or too large to parse, and a cell
  whose source is not text. Only a file that is not a notebook at all is refused.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field

KEPT_STATEMENTS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef,
                   ast.ClassDef)


class NotebookError(ValueError):
    """The file is not a readable Jupyter notebook."""


@dataclass
class Extraction:
    source: str  #: the module text
    cells_used: int  #: code cells that contributed something
    statements_dropped: int  #: top-level statements left out (experiments, displays)
    #: one line per code cell left out whole, naming it and why ("cell 3: SyntaxError ...")
    cells_left_out: list[str] = field(default_factory=list)


def notebook_to_module(text: str, name: str) -> Extraction:
    """The module source for notebook JSON ``text`` (``name`` is for messages only)."""
    try:
        notebook = json.loads(text)
        cells = notebook["cells"]
    except (json.JSONDecodeError, KeyError, TypeError, RecursionError, MemoryError,
            ValueError) as error:
        raise NotebookError(f"{name} is not a readable Jupyter notebook: "
                            f"{str(error)[:200] or type(error).__name__}") from None
    if not isinstance(cells, list):
        raise NotebookError(f"{name} is not a readable Jupyter notebook: its \"cells\" is "
                            f"{type(cells).__name__}, not a list of cells")
    parts = [f'"""Extracted by the autograder from {name}: imports, functions, classes and '
             'constants."""\n']
    used = dropped = 0
    left_out: list[str] = []
    for index, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        elif not isinstance(source, str):
            left_out.append(f"cell {index}: its source is not text")
            continue
        kept, statements = _definitions(without_magics(source))
        if isinstance(kept, _Unparsable):
            left_out.append(f"cell {index}: {kept.reason}")
            continue
        dropped += statements
        if kept.strip():
            used += 1
            parts.append(f"# --- notebook cell {index} ---\n{kept.rstrip()}\n")
    return Extraction("\n".join(parts), used, dropped, left_out)


def without_magics(source: str) -> str:
    """The cell without IPython's shell and magic lines (``!ls``, ``%matplotlib inline``).

    A cell magic that runs another language (``%%bash``, ``%%html``, ``%%writefile``) drops
    the whole cell; ``%%time`` and friends run Python, so only their line goes. A line
    dropped must begin a statement: ``% b`` continuing ``(a`` is Python's modulo.
    """
    lines = source.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.startswith("%%"):
        if first.split()[0] not in PYTHON_CELL_MAGICS:
            return ""
        lines = lines[lines.index(next(line for line in lines if line.strip())) + 1:]
    kept, scanner = [], _Continuation()
    for line in lines:
        if not scanner.inside() and line.lstrip().startswith(("!", "%")):
            continue
        scanner.feed(line)
        kept.append(line)
    return "\n".join(kept)


#: cell magics whose body is Python: the body is kept
PYTHON_CELL_MAGICS = {"%%time", "%%timeit", "%%capture", "%%prun"}


class _Continuation:
    """Whether the next line continues a statement: an open bracket or triple-quoted
    string, or a trailing backslash. A small scanner, enough for line-dropping."""

    def __init__(self) -> None:
        self.depth, self.quote, self.backslash = 0, "", False

    def inside(self) -> bool:
        return self.depth > 0 or bool(self.quote) or self.backslash

    def feed(self, line: str) -> None:
        i, n = 0, len(line)
        while i < n:
            if self.quote:
                if line[i] == "\\":
                    i += 2
                    continue
                if line.startswith(self.quote, i):
                    i += len(self.quote)
                    self.quote = ""
                    continue
                i += 1
                continue
            char = line[i]
            if char == "#":
                break
            if line.startswith(('"""', "'''"), i):
                self.quote = line[i:i + 3]
                i += 3
                continue
            if char in "\"'":
                self.quote = char
            elif char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            i += 1
        if self.quote in ("'", '"'):  # a one-line string cannot span lines
            self.quote = ""
        self.backslash = line.rstrip().endswith("\\") and not self.quote


@dataclass
class _Unparsable:
    reason: str  #: what the parser said, for the student's note


def _definitions(code: str) -> tuple[str | _Unparsable, int]:
    """The cell's kept statements (as text) and how many it dropped; ``_Unparsable`` for
    a cell that is not valid Python, or too deep or too large for the parser."""
    try:
        tree = ast.parse(code)
    except SyntaxError as error:
        where = f" (line {error.lineno})" if error.lineno else ""
        return _Unparsable(f"{type(error).__name__}: {error.msg}{where}"), 0
    except (ValueError, RecursionError, MemoryError) as error:
        return _Unparsable(f"too deep or too large to parse ({type(error).__name__})"), 0
    lines = code.splitlines()
    kept, dropped = [], 0
    for node in tree.body:
        if isinstance(node, KEPT_STATEMENTS) or _is_constant(node):
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            kept.append("\n".join(lines[start - 1:node.end_lineno]))
        else:
            dropped += 1
    return "\n\n".join(kept), dropped


def _is_constant(node: ast.stmt) -> bool:
    value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
    if value is None:
        return False
    try:
        ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def differs_from_module(notebook_text: str, module_source: str) -> bool:
    """Does the notebook define a function or class that the module does not hold, word
    for word? Only then does it matter to the student that the notebook is not graded:
    the notebooks the kit hands out define nothing, and a student who copied their
    finished functions from the notebook into the module loses nothing."""
    try:
        extracted = ast.parse(notebook_to_module(notebook_text, "notebook").source)
    except (NotebookError, SyntaxError, ValueError, RecursionError, MemoryError):
        return True  # unreadable or not Python: the student should hear it is left out
    try:
        module = {node.name: ast.dump(node) for node in ast.parse(module_source).body
                  if isinstance(node, _DEFINITIONS)}
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        module = {}
    return any(module.get(node.name) != ast.dump(node) for node in extracted.body
               if isinstance(node, _DEFINITIONS))


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
