"""The instructor pipeline: ordered transforms from solutions/ to assignments/.

Every transform is ``apply(assignment, target_folder)`` in a file of its own; the order
constraints are declared with each transform and checked when this module loads.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
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
from autograder.errors import UsageError


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
         jobs: int | None = None, log=sys.stdout) -> int:
    """Build the student folder of each named assignment (default: all) under ``out``,
    ``jobs`` assignments at a time (default: the usable cores)."""
    from autograder.lanes import usable_cores

    paths.require_solutions("build")
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs must be at least 1")
    chosen = [registry.get(name) for name in (names or list(registry.ASSIGNMENTS))]
    root = Path(out) if out else paths.ASSIGNMENTS
    jobs = min(jobs or usable_cores(), len(chosen))
    if jobs == 1:
        for assignment in chosen:
            build_one(assignment, root, log)
        return 0
    # Each assignment's folder is built on its own, and most of the time is single-threaded
    # training (the figures, the recording): one process per core, the longest first. The
    # processes are forked from this one, which has started nothing yet.
    longest_first = sorted(chosen, key=lambda a: -a.build_seconds)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [pool.submit(build_one, assignment, root) for assignment in longest_first]
        for future in futures:
            future.result()  # the first failure (a BuildError, say) is raised here
    return 0


def build_one(assignment: Assignment, root: Path, log=None) -> None:
    """Every transform of one assignment, in order, into ``root / assignment.name``."""
    log = log or sys.stdout
    target = root / assignment.name
    target.mkdir(parents=True, exist_ok=True)
    for transform in TRANSFORMS:
        transform.apply(assignment, target)
        print(f"{assignment.name}: {transform.name} -> {target}", file=log, flush=True)
