"""``autograder grade``: official grading of one or more submissions against solutions/."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from autograder import assignments as registry
from autograder import paths
from autograder import reference_cache as cache_file
from autograder.errors import UsageError
from autograder.lanes import lanes_for, usable_cores
from autograder.results import RunResult
from autograder.session import (
    DEFAULT_BUDGET_SECONDS,
    References,
    grade_each,
    official_seed,
)
from autograder.views import gradescope, markdown, table
from autograder.views.files import write_reports

FORMATS = ("table", "json", "md")


def main(*, submissions: list[str], assignments: list[str] | None = None,
         results: str | None = None, junit_file: str | None = None, fmt: str = "table",
         seed: int | None = None, html_file: str | None = None,
         markdown_file: str | None = None, time_scale: float = 1.0,
         budget: float | None = DEFAULT_BUDGET_SECONDS, budget_wall: float | None = None,
         jobs: int | None = None,
         out=sys.stdout) -> int:
    """Grade each submission; print in ``fmt``; write results.json / JUnit / HTML for one.

    The reference's expected values are those the course keeps
    (``autograder.reference_cache``); any value missing is computed live, and kept.
    ``budget`` bounds the CPU time of each submission's workers in seconds (None or 0: no
    bound), ``budget_wall`` its grading's wall time (None: WALL_CAP_FACTOR times ``budget``).
    ``jobs`` is how many assignments are graded at once, each in its own lane (default:
    the usable cores); the scores are the same for any number.

    Returns 0 when grading completed (whatever the scores), 1 when the grader itself
    failed on a suite. Raises ``UsageError`` for arguments it cannot work with.
    """
    paths.require_solutions("grade")
    if not submissions:
        raise UsageError("no submission given")
    if not 0.01 <= time_scale <= 100:
        raise UsageError("--time-scale must be between 0.01 and 100")
    if budget is not None and budget < 0:
        raise UsageError("--budget must be 0 (no budget) or a number of seconds")
    if budget_wall is not None and budget_wall <= 0:
        raise UsageError("--budget-wall must be a positive number of seconds")
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}")
    for name in assignments or []:
        registry.get(name)
    if len(submissions) > 1 and (results or junit_file or html_file or markdown_file):
        raise UsageError("--results, --junit, --html and --markdown describe one submission; "
                         "grade them one at a time or use `autograder batch`")
    missing = [s for s in submissions if not Path(s).exists()]
    if missing:
        raise UsageError(f"submission not found: {missing[0]}")
    other = [s for s in submissions if not Path(s).is_dir() and not zipfile.is_zipfile(s)]
    if other:
        raise UsageError(f"submission must be a folder or a .zip archive: {other[0]}")
    seed = official_seed() if seed is None else seed
    # Expected values: those the course keeps, else none yet
    kept = cache_file.course_cache(seed)
    references = References("live", preload=cache_file.load(kept) or {})
    lane_count = min(jobs or usable_cores(),
                     len(submissions) * len(assignments or registry.ASSIGNMENTS))
    runs: dict[int, RunResult] = {}  #: by the submission's position
    printed: list[RunResult] = []
    written = [results, junit_file, html_file, markdown_file]
    try:
        with lanes_for(lane_count, references) as lanes:
            for index, run in grade_each(
                    submissions, names=assignments, references=references, seed=seed,
                    time_scale=time_scale, budget_seconds=budget or None,
                    budget_wall_seconds=budget_wall, lanes=lanes,
                    hide=[Path(f).resolve().parent for f in written if f],
                    draw_figures=html_file is not None):
                runs[index] = run
                write_reports(run, results=results, junit_file=junit_file,
                              markdown_file=markdown_file, html_file=html_file)
                while fmt == "table" and len(printed) in runs:  # in the order given
                    printed.append(runs[len(printed)])
                    print(table.render(printed[-1], details_lines=6 if len(submissions) > 1
                                       else 12), file=out, flush=True)
                    print(file=out)
    finally:
        if kept is not None and references.new_values():  # the next run needs no reference
            cache_file.save(references.preload, kept)
    ordered = [runs[index] for index in sorted(runs)]
    if fmt == "table" and len(ordered) > 1:
        print(table.render_summary(ordered), file=out)
    elif fmt == "json":
        documents = [gradescope.to_gradescope(run) for run in ordered]
        print(gradescope.dumps(documents[0] if len(documents) == 1 else documents), file=out)
    elif fmt == "md":
        print("\n\n".join(markdown.render(run) for run in ordered), file=out)
    return 1 if any(run.grader_errors for run in ordered) else 0
