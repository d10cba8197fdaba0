"""The instructor pipeline: ordered transforms from solutions/ to assignments/.

Every transform is ``apply(assignment, target_folder)`` in a file of its own; the order
constraints are declared with each transform and checked when this module loads.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from autograder import assignments as registry
from autograder import paths
from autograder.assignments import Assignment
from autograder.build.extras import write_extras
from autograder.build.figures import write_figures
from autograder.build.handout import write_handout
from autograder.build.notebook import write_notebook
from autograder.build.record import record_expected
from autograder.build.stub import write_stub


@dataclass(frozen=True)
class Transform:
    name: str
    apply: Callable[[Assignment, Path], None]
    after: tuple[str, ...] = ()  #: transforms that must run earlier


TRANSFORMS: list[Transform] = [
    Transform("stub", write_stub),
    Transform("handout", write_handout),
    Transform("extras", write_extras),
    # The figures embedded in the handout are drawn by the solution's own figures.py.
    Transform("figures", write_figures, after=("handout",)),
    Transform("notebook", write_notebook, after=("stub", "handout")),
    # Recording runs the visible tests; it comes last so a refusal leaves the rest built.
    Transform("expected values", record_expected, after=("stub", "handout", "extras")),
]


def check_order(transforms: list[Transform]) -> None:
    seen: set[str] = set()
    for transform in transforms:
        missing = [name for name in transform.after if name not in seen]
        if missing:
            raise RuntimeError(f"transform {transform.name!r} must come after {missing}")
        seen.add(transform.name)


check_order(TRANSFORMS)


def main(*, names: list[str] | None = None, out: str | Path | None = None,
         log=sys.stdout) -> int:
    """Build the student folder of each named assignment (default: all) under ``out``."""
    paths.require_solutions("build")
    chosen = [registry.get(name) for name in (names or list(registry.ASSIGNMENTS))]
    root = Path(out) if out else paths.ASSIGNMENTS
    for assignment in chosen:
        target = root / assignment.name
        target.mkdir(parents=True, exist_ok=True)
        for transform in TRANSFORMS:
            transform.apply(assignment, target)
            print(f"{assignment.name}: {transform.name} -> {target}", file=log, flush=True)
    return 0
