"""Benchmark 1: grading speed against the floor and against the simplest grader.

    python bench/grading_speed.py [--batch 20] [--repeat 2] [--assignment NAME]... [--out DIR]

- floor: starting Python and importing TensorFlow;
- simplest grader: the same suites with the student's module imported straight into one
  pytest process (bench/simplest_grader.py): no worker, no isolation, no cache;
- the real grader: `autograder grade` for one full submission, and `autograder batch` over a
  class with 1 and 2 jobs.

Prints a table, writes OUT/grading_speed.json and OUT/grading_speed.png (OUT: bench/results).
``--assignment`` limits every run to those assignments (to try the script quickly).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from pathlib import Path

from common import PYTHON, RESULTS, ROOT, make_class, save, table, timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=20, help="class size (default 20)")
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs of each one-submission timing; the median counts")
    parser.add_argument("--assignment", action="append", dest="assignments",
                        help="limit to these assignments (default: all six)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    arguments = parser.parse_args()
    only = [flag for name in arguments.assignments or [] for flag in ("--assignment", name)]
    perfect = str(ROOT / "examples" / "submissions" / "perfect")
    floor = timed([PYTHON, "-c", "import tensorflow, keras"], arguments.repeat)
    simple_one = timed([PYTHON, "bench/simplest_grader.py", perfect, *only], arguments.repeat)
    with tempfile.TemporaryDirectory() as scratch:
        graded = Path(scratch) / "perfect.json"
        grader_one = timed([PYTHON, "-m", "autograder", "grade", perfect, *only,
                            "--results", str(graded)], arguments.repeat)
        where = where_time_goes(json.loads(graded.read_text()))
        students = make_class(Path(scratch) / "class", arguments.batch)
        simple_batch = sum(timed([PYTHON, "bench/simplest_grader.py", str(s), *only])
                           for s in students)
        batch = {}
        for jobs in (1, 2):
            out = Path(scratch) / f"out{jobs}"
            batch[jobs] = timed([PYTHON, "-m", "autograder", "batch", str(Path(scratch) / "class"),
                                 "--out", str(out), "--jobs", str(jobs), *only])
    n = arguments.batch
    results = {
        "floor_seconds": floor, "simplest_one_seconds": simple_one,
        "grader_one_seconds": grader_one, "ratio_one": grader_one / simple_one,
        "assignments": arguments.assignments or "all", "repeat": arguments.repeat,
        "class_size": n, "simplest_per_submission": simple_batch / n,
        "batch_jobs1_per_submission": batch[1] / n, "batch_jobs2_per_submission": batch[2] / n,
        "ratio_batch_jobs1": batch[1] / simple_batch, "ratio_batch_jobs2": batch[2] / simple_batch,
        "perfect_test_seconds": where,
    }
    rows = rows_of(results)
    print(table(["what", "seconds", "vs simplest"], rows))
    print()
    print(table(["where the one full submission's time goes", "seconds"],
                [[f"tests of {name}", f"{seconds:.1f}"]
                 for name, seconds in where["per_assignment"].items()] +
                [[f"slowest: {test}", f"{seconds:.1f}"] for test, seconds in where["slowest"]] +
                [["outside the tests (workers, references, report)",
                  f"{grader_one - sum(where['per_assignment'].values()):.1f}"]]))
    save("grading_speed", results, folder=arguments.out)
    plot(rows, arguments.out)
    return 0


def rows_of(results: dict) -> list[list[str]]:
    """The table's rows: what, seconds, and the ratio to the simplest grader."""
    n = results["class_size"]
    return [
        ["floor: python + import tensorflow, keras", f"{results['floor_seconds']:.1f}", ""],
        ["simplest grader, one full submission", f"{results['simplest_one_seconds']:.1f}",
         "1.00"],
        ["autograder grade, one full submission", f"{results['grader_one_seconds']:.1f}",
         f"{results['ratio_one']:.2f}"],
        [f"simplest grader, per submission of {n}",
         f"{results['simplest_per_submission']:.1f}", "1.00"],
        [f"autograder batch --jobs 1, per submission of {n}",
         f"{results['batch_jobs1_per_submission']:.1f}", f"{results['ratio_batch_jobs1']:.2f}"],
        [f"autograder batch --jobs 2, per submission of {n}",
         f"{results['batch_jobs2_per_submission']:.1f}", f"{results['ratio_batch_jobs2']:.2f}"],
    ]


def where_time_goes(results: dict, slowest: int = 6) -> dict:
    """Seconds spent in each assignment's tests, and the slowest tests, from results.json."""
    per_assignment: Counter = Counter()
    tests = []
    for test in results["tests"]:
        extra = test["extra_data"]
        per_assignment[extra["assignment"]] += extra["seconds"]
        tests.append((extra["test_id"], extra["seconds"]))
    tests.sort(key=lambda item: -item[1])
    return {"per_assignment": dict(per_assignment.most_common()), "slowest": tests[:slowest]}


def plot(rows: list[list[str]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [row[0] for row in rows]
    values = [float(row[1]) for row in rows]
    fig, axis = plt.subplots(figsize=(9, 3.6))
    # one colour per kind: the floor, the simplest grader, this grader
    colours = ["#888" if label.startswith("floor") else "#4a7" if "simplest" in label
               else "#37c" for label in labels]
    axis.barh(labels[::-1], values[::-1], color=colours[::-1])
    axis.set_xlabel("seconds (wall)")
    axis.set_title("Grading speed on this machine")
    fig.tight_layout()
    fig.savefig(out / "grading_speed.png", dpi=100,
                metadata={"Software": None})


if __name__ == "__main__":
    raise SystemExit(main())
