"""Benchmark 1: grading speed against the floor and against the simplest grader.

    python bench/grading_speed.py [--batch 20] [--repeat 2] [--assignment NAME]... [--out DIR]

Measured in one run, on this machine:

- the floor: starting Python and importing TensorFlow and Keras;
- the simplest grader: the same suites with the student's module imported straight into one
  pytest process (bench/simplest_grader.py): no worker, no isolation, no cache;
- `autograder grade` of one full submission three ways: in one process with the reference
  computed live (the grader before lanes), in lanes (``--jobs``: the usable cores) with the
  reference live (a course's first run), and in lanes with the values the course keeps
  (every later run, and a Gradescope bundle's);
- `autograder batch` over a class, ``--jobs 1`` and ``--jobs 2``, each from an empty output
  folder (the reference's values computed once, inside the time).

Every `grade` and `batch` runs against a copy of the course in a temporary folder, so that
what the course keeps is under the benchmark's control (and the checkout's own is left
alone). Prints two tables (the runs; where the fastest one's time goes, stage by stage),
writes OUT/grading_speed.json and OUT/grading_speed.png (OUT: bench/results).
``--assignment`` limits every run to those assignments (to try the script quickly).
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from common import PYTHON, RESULTS, ROOT, make_class, save, table, timed

from autograder.lanes import usable_cores

TARGET_ONE, TARGET_CLASS = 5.0, 2.5  #: at most these multiples of the floor (issue 19)


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
    repeat, n = arguments.repeat, arguments.batch
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        course = copy_course(scratch / "course")
        grade = [PYTHON, "-m", "autograder", "grade", perfect, *only, "--course", str(course)]
        kept = course / "solutions" / ".reference-cache"
        floor = timed([PYTHON, "-c", "import tensorflow, keras"], repeat)
        simplest_one = timed([PYTHON, "bench/simplest_grader.py", perfect, *only], repeat)
        serial_live = timed([*grade, "--jobs", "1"], repeat, before=lambda: forget(kept))
        lanes_live = timed(grade, repeat, before=lambda: forget(kept))
        graded = scratch / "perfect.json"
        each = []  # the stages are those of the last run, which wrote results.json
        lanes_kept = timed([*grade, "--results", str(graded)], repeat, times=each)
        breakdown = stages(json.loads(graded.read_text()), each[-1])
        students = make_class(scratch / "class", n)
        simplest_class = sum(timed([PYTHON, "bench/simplest_grader.py", str(s), *only])
                             for s in students)
        batch = {}
        for jobs in (1, 2):
            batch[jobs] = timed([PYTHON, "-m", "autograder", "batch", str(scratch / "class"),
                                 "--out", str(scratch / f"out{jobs}"), "--jobs", str(jobs),
                                 "--course", str(course), *only])
    results = {
        "date": datetime.date.today().isoformat(), "machine": machine(),
        "assignments": arguments.assignments or "all", "repeat": repeat, "class_size": n,
        "floor_seconds": floor, "simplest_one_seconds": simplest_one,
        "grade_serial_live_seconds": serial_live, "grade_lanes_live_seconds": lanes_live,
        "grade_lanes_kept_seconds": lanes_kept,
        "simplest_per_submission": simplest_class / n,
        "batch_jobs1_per_submission": batch[1] / n, "batch_jobs2_per_submission": batch[2] / n,
        "stages": breakdown,
    }
    results["ratio_one_to_floor"] = lanes_kept / floor
    results["ratio_class_to_floor"] = min(batch.values()) / n / floor
    rows = rows_of(results)
    print(table(["what", "seconds", "x floor", "x simplest"], rows))
    print()
    print(table(["where the fastest full submission's time goes", "lane", "seconds"],
                [[stage["what"], stage["lane"], f"{stage['seconds']:.1f}"]
                 for stage in breakdown]))
    print()
    print(f"one full submission: {results['ratio_one_to_floor']:.2f} x the floor "
          f"(target: at most {TARGET_ONE}); a class of {n}: "
          f"{results['ratio_class_to_floor']:.2f} x the floor per submission "
          f"(target: at most {TARGET_CLASS})")
    save("grading_speed", results, folder=arguments.out)
    plot(rows, arguments.out)
    return 0


def copy_course(folder: Path) -> Path:
    """The course's solutions and data, without what it keeps: a course of its own."""
    shutil.copytree(ROOT / "solutions", folder / "solutions",
                    ignore=shutil.ignore_patterns(".reference-cache"))
    shutil.copytree(ROOT / "data", folder / "data")
    return folder


def forget(kept: Path) -> None:
    shutil.rmtree(kept, ignore_errors=True)


def machine() -> str:
    return f"{platform.machine()}, {usable_cores()} usable cores, {platform.processor() or ''}"\
        .rstrip(", ")


def rows_of(results: dict) -> list[list[str]]:
    """The table's rows: what, seconds, the multiple of the floor and of the simplest."""
    floor, n = results["floor_seconds"], results["class_size"]

    def row(label: str, seconds: float, simplest: float | None) -> list[str]:
        return [label, f"{seconds:.1f}", f"{seconds / floor:.2f}",
                f"{seconds / simplest:.2f}" if simplest else ""]

    one, per = results["simplest_one_seconds"], results["simplest_per_submission"]
    return [
        row("floor: python + import tensorflow, keras", floor, None),
        row("simplest grader, one full submission", one, one),
        row("grade --jobs 1, reference live", results["grade_serial_live_seconds"], one),
        row("grade in lanes, reference live (first run)",
            results["grade_lanes_live_seconds"], one),
        row("grade in lanes, kept reference values", results["grade_lanes_kept_seconds"], one),
        row(f"simplest grader, per submission of {n}", per, per),
        row(f"batch --jobs 1, per submission of {n}", results["batch_jobs1_per_submission"],
            per),
        row(f"batch --jobs 2, per submission of {n}", results["batch_jobs2_per_submission"],
            per),
    ]


def stages(graded: dict, wall: float) -> list[dict]:
    """Where one run's ``wall`` seconds go, from its results.json: per lane, the start
    (forking the lane, its zygote importing TensorFlow, the first workers) and each
    assignment's tests; then what lies outside grading (Python's start, the reports)."""
    extra = graded["extra_data"]
    tested: Counter = Counter()
    for test in graded["tests"]:
        tested[test["extra_data"]["assignment"]] += test["extra_data"]["seconds"]
    rows, lanes_seen = [], set()
    for span in extra["timeline"]:
        names, lane = span["assignments"], span["lane"]
        tests = sum(tested[name] for name in names)
        if lane not in lanes_seen:  # the lane's first assignment waited for its zygote
            lanes_seen.add(lane)
            rows.append({"what": "start: zygote (TensorFlow import), first workers",
                         "lane": lane, "seconds": span["end"] - tests})
        rows.append({"what": f"tests of {', '.join(names)}", "lane": lane, "seconds": tests})
    rows.append({"what": "outside grading: Python, the grader's import, reports",
                 "lane": "", "seconds": max(0.0, wall - extra_seconds(graded))})
    return rows


def extra_seconds(graded: dict) -> float:
    """The grading run's own wall time (results.json rounds it up to whole seconds)."""
    return max((span["end"] for span in graded["extra_data"]["timeline"]), default=0.0)


def plot(rows: list[list[str]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [row[0] for row in rows]
    values = [float(row[1]) for row in rows]
    floor = values[0]
    fig, axis = plt.subplots(figsize=(9.5, 4.2))
    # one colour per kind: the floor, the simplest grader, this grader
    colours = ["#888" if label.startswith("floor") else "#4a7" if "simplest" in label
               else "#37c" for label in labels]
    axis.barh(labels[::-1], values[::-1], color=colours[::-1])
    for multiple, style in ((TARGET_ONE, "--"), (TARGET_CLASS, ":")):
        axis.axvline(multiple * floor, color="#c33", linestyle=style, linewidth=1)
        axis.text(multiple * floor, len(labels) - 0.4, f" {multiple:g} x floor",
                  color="#c33", fontsize=8)
    axis.set_xlabel("seconds (wall)")
    axis.set_title("Grading speed on this machine")
    fig.tight_layout()
    fig.savefig(out / "grading_speed.png", dpi=100, metadata={"Software": None})


if __name__ == "__main__":
    raise SystemExit(main())
