"""Transform: the student stub, the solution with every solution region replaced by a TODO.

    def conv_matrix(kernel, input_shape, stride=1, padding="valid"):
        \"\"\"...docstring kept...\"\"\"
        kernel = np.asarray(kernel)          # code outside the markers is kept
        # BEGIN SOLUTION
        ...                                  # removed
        # END SOLUTION

becomes, in the stub, a TODO comment and ``raise NotImplementedError("conv_matrix ...")``.
The one-line form marks a single line the same way:

    return mu + ops.exp(0.5 * log_var) * eps  # SOLUTION
"""

from __future__ import annotations

import re
from pathlib import Path

from autograder import paths
from autograder.assignments import Assignment
from autograder.errors import BuildError

BEGIN = re.compile(r"^(?P<indent>\s*)# BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*# END SOLUTION\s*$")
LINE = re.compile(r"^(?P<indent>\s*)\S.*#\s*SOLUTION\s*$")
DEF = re.compile(r"^(?P<indent>\s*)(?:async\s+)?def\s+(?P<name>\w+)")


def strip_solutions(source: str, filename: str) -> str:
    """Replace each ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` region, and each line
    ending in ``# SOLUTION``, with a TODO block.

    Raises ``BuildError`` naming the file and line for a nested, unclosed or unopened
    marker.
    """
    output: list[str] = []
    opened_at: int | None = None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        begin, end, single = BEGIN.match(line), END.match(line), LINE.match(line)
        if begin or single:
            if opened_at is not None:
                raise BuildError(f"{filename}:{number}: {'BEGIN ' if begin else ''}SOLUTION "
                                 f"marker inside the region opened at line {opened_at} "
                                 "(regions cannot nest)")
            indent = (begin or single).group("indent")
            output += _todo_block(indent, _enclosing_function(output, len(indent)))
            if begin:
                opened_at = number
        elif end:
            if opened_at is None:
                raise BuildError(f"{filename}:{number}: END SOLUTION without a BEGIN SOLUTION")
            opened_at = None
        elif opened_at is None:
            output.append(line)
    if opened_at is not None:
        raise BuildError(f"{filename}:{opened_at}: BEGIN SOLUTION is never closed")
    return "".join(output)


def _todo_block(indent: str, function: str) -> list[str]:
    return [f"{indent}# TODO: write your solution here (the handout explains each step).\n",
            f'{indent}raise NotImplementedError("{function} is not implemented yet")\n']


def _enclosing_function(lines: list[str], indent: int) -> str:
    for line in reversed(lines):
        match = DEF.match(line)
        if match and len(match.group("indent")) < indent:
            return match.group("name")
    return "this part"


def write_stub(assignment: Assignment, target: Path) -> None:
    source_path = paths.solution_file(assignment.name)
    if not source_path.is_file():
        raise BuildError(f"missing solution file {source_path}")
    stub = strip_solutions(source_path.read_text(), str(source_path))
    (target / assignment.module_file).write_text(stub)
