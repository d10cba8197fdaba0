"""Benchmark 3: how grading time grows with the class and with parallel jobs.

    python bench/cost_growth.py [--sizes 1 5 20 50] [--assignment NAME]... [--out DIR]

Grades classes of each size with `autograder batch --jobs 1` and `--jobs 2` (a fresh output
folder each time, so the reference is computed once per batch, as in real use). Prints a
table, writes OUT/cost_growth.json (after every measurement, so that an interrupted run keeps
what it measured) and OUT/cost_growth.png; OUT is bench/results unless ``--out`` says.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import PYTHON, RESULTS, make_class, save, table, timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 5, 20, 50])
    parser.add_argument("--assignment", action="append", dest="assignments",
                        help="limit to these assignments (default: all)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    arguments = parser.parse_args()
    only = [flag for name in arguments.assignments or [] for flag in ("--assignment", name)]
    measured = {}
    with tempfile.TemporaryDirectory() as scratch:
        for size in arguments.sizes:
            make_class(Path(scratch) / "class", size)
            for jobs in (1, 2):
                out = Path(scratch) / f"out-{size}-{jobs}"
                measured[(size, jobs)] = timed(
                    [PYTHON, "-m", "autograder", "batch", str(Path(scratch) / "class"),
                     "--out", str(out), "--jobs", str(jobs), *only])
                save("cost_growth", {"assignments": arguments.assignments or "all",
                                     "seconds": {f"{s}x{j}": v for (s, j), v in measured.items()}},
                     folder=arguments.out)
    rows = [[str(size), f"{measured[(size, 1)]:.1f}", f"{measured[(size, 2)]:.1f}",
             f"{measured[(size, 1)] / size:.1f}", f"{measured[(size, 2)] / size:.1f}"]
            for size in arguments.sizes]
    print(table(["submissions", "jobs=1 s", "jobs=2 s", "per sub, 1 job", "per sub, 2 jobs"],
                rows))
    plot(arguments.sizes, measured, arguments.out, arguments.assignments)
    return 0


def plot(sizes: list[int], measured: dict, out: Path, assignments: list[str] | None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axis = plt.subplots(figsize=(6, 4))
    for jobs in (1, 2):
        axis.plot(sizes, [measured[(s, jobs)] for s in sizes], "o-", label=f"--jobs {jobs}")
    axis.set_xlabel("submissions in the batch")
    axis.set_ylabel("seconds (wall)")
    axis.set_title("Batch grading time: " + (", ".join(assignments) if assignments
                                             else "all six assignments"), fontsize=10)
    axis.legend()
    fig.tight_layout()
    fig.savefig(out / "cost_growth.png", dpi=100,
                metadata={"Software": None})


if __name__ == "__main__":
    raise SystemExit(main())
