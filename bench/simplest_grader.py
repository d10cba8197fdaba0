"""The baseline for the speed benchmark: the same suites, no isolation at all.

``python bench/simplest_grader.py SUBMISSION [--assignment NAME]...`` runs the grading suites
of every module the submission holds (or of the named ones) in one process, with the
student's modules and the solutions imported straight into it: no worker, no sandbox, no
reference cache. A module that does not import scores 0 (a try/except around the import is
the one protection it has, so that it can grade a whole class). It is what a grader costs
without the protection; the benchmark compares the real grader against it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # as quiet as the grader's workers

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autograder import assignments as registry  # noqa: E402
from autograder import paths  # noqa: E402
from autograder.errors import StudentFailure  # noqa: E402
from autograder.handles import probe_name  # noqa: E402
from autograder.plugin import GradingContext  # noqa: E402
from autograder.session import run_suites  # noqa: E402
from autograder.worker import determinism  # noqa: E402
from autograder.worker.main import _resolve_probe  # noqa: E402


class InProcess:
    """A module imported into this process; probes are called directly."""

    def __init__(self, name: str, path: Path, *, student: bool) -> None:
        spec = importlib.util.spec_from_file_location(f"{name}_{id(self)}", path)
        self.module = importlib.util.module_from_spec(spec)
        sys.path.append(str(path.parent))
        spec.loader.exec_module(self.module)
        self.student = student
        self.shared_runs: dict = {}  # what plugin.BoundStudent.shared keeps

    def start(self) -> None:
        pass

    def run(self, probe, args, kwargs, *, seed, test: str = "", site: str = ""):
        """The grader's handle interface: ``test`` and ``site`` name the call (for the
        grader's hang bookkeeping and recordings), which a baseline does not need."""
        determinism.configure_frameworks()
        determinism.seed_everything(seed)
        try:
            value = _resolve_probe(probe_name(probe))(self.module, *args, **kwargs)
        except Exception as error:  # noqa: BLE001 - a failing student call fails its test
            if self.student:
                raise StudentFailure(f"{type(error).__name__}: {error}") from None
            raise
        return (value, "") if self.student else value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submission", type=Path)
    parser.add_argument("--assignment", action="append", dest="assignments",
                        choices=list(registry.ASSIGNMENTS), help="only these (default: all)")
    arguments = parser.parse_args()
    started = time.monotonic()
    folder = arguments.submission
    names = [n for n in arguments.assignments or registry.ASSIGNMENTS
             if (folder / f"{n}.py").is_file()]
    students, not_gradable = {}, {}
    for name in names:
        try:
            students[name] = InProcess(name, folder / f"{name}.py", student=True)
        except (Exception, SystemExit) as error:  # noqa: BLE001 - it does not import: 0
            not_gradable[name] = f"{type(error).__name__}: {error}"
    names = [n for n in names if n in students]
    references = {n: InProcess(n, paths.solution_file(n), student=False) for n in names}
    context = GradingContext(students, references, seed=20261121)
    if names:  # with no paths, pytest would collect whatever is in the current folder
        run_suites(context, names)
    score = sum(t.score for t in context.results)
    print(json.dumps({"score": score, "tests": len(context.results),
                      "not_gradable": not_gradable,
                      "seconds": round(time.monotonic() - started, 2)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
