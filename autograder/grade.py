"""``autograder grade``: official grading of one or more submissions against solutions/."""

from __future__ import annotations

import sys
from pathlib import Path

from autograder import assignments as registry
from autograder import codec, paths
from autograder import reference_cache as cache_file
from autograder.errors import UsageError
from autograder.lanes import LanePool, usable_cores
from autograder.results import RunResult
from autograder.session import (
    DEFAULT_BUDGET_SECONDS,
    References,
    grade_submission,
    official_seed,
)
from autograder.views import gradescope, html, junit, markdown, table
from autograder.worker.client import become_subreaper

FORMATS = ("table", "json", "md")


def main(*, submissions: list[str], assignments: list[str] | None = None,
         results: str | None = None, junit_file: str | None = None, fmt: str = "table",
         seed: int | None = None, html_file: str | None = None,
         markdown_file: str | None = None, reference_cache: str | None = None,
         time_scale: float = 1.0, budget: float | None = DEFAULT_BUDGET_SECONDS,
         jobs: int | None = None, out=sys.stdout) -> int:
    """Grade each submission; print in ``fmt``; write results.json / JUnit / HTML for one.

    ``reference_cache`` names expected values computed beforehand (``autograder batch``
    records them once for a whole class); without it, the values the course keeps
    (``autograder.reference_cache``) are used and completed. Any value missing is computed
    live.
    ``budget`` bounds each submission's wall time in seconds (None or 0: no bound).
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
    seed = official_seed() if seed is None else seed
    # Expected values: the batch's (named), else the course's kept ones, else none yet
    kept = None if reference_cache else cache_file.course_cache(seed)
    preload = _load_cache(reference_cache) if reference_cache else \
        cache_file.load(kept) or {}
    references = References("live", preload=preload)
    lane_count = min(jobs or usable_cores(), len(assignments or registry.ASSIGNMENTS))
    # Forked first, while this process runs nothing else; one lane is this process.
    lanes = LanePool(lane_count, references) if lane_count > 1 else None
    become_subreaper()  # orphans of student processes come back to us, to be ended
    runs = []
    try:
        for submission in submissions:
            written = [results, junit_file, html_file, markdown_file]
            try:
                run = grade_submission(submission, names=assignments, references=references,
                                       seed=seed, time_scale=time_scale,
                                       budget_seconds=budget or None, lanes=lanes,
                                       hide=[Path(f).resolve().parent for f in written if f])
            except UsageError:
                raise
            except Exception as error:  # noqa: BLE001 - one submission must not cost the
                # others their results: this one gets a results file that flags the failure
                run = RunResult(submission=Path(submission).name, seed=seed,
                                output="The grader failed on this submission; please tell "
                                       "the course staff.",
                                grader_errors=[f"{type(error).__name__}: {error}"])
            runs.append(run)
            # The plain views first: the HTML report draws figures, the slowest part.
            if results:
                gradescope.write(run, results)
            if junit_file:
                junit.write(run, junit_file)
            if markdown_file:
                markdown.write(run, markdown_file)
            if html_file:
                html.write(run, html_file)
            if fmt == "table":
                print(table.render(run, details_lines=6 if len(submissions) > 1 else 12),
                      file=out, flush=True)
                print(file=out)
    finally:
        if lanes is not None:
            lanes.close()
        references.close()
        if kept is not None and references.new_values():  # the next run needs no reference
            cache_file.save(references.preload, kept)
    if fmt == "table" and len(runs) > 1:
        print(table.render_summary(runs), file=out)
    elif fmt == "json":
        documents = [gradescope.to_gradescope(run) for run in runs]
        print(gradescope.dumps(documents[0] if len(documents) == 1 else documents), file=out)
    elif fmt == "md":
        print("\n\n".join(markdown.render(run) for run in runs), file=out)
    return 1 if any(run.grader_errors for run in runs) else 0


def _load_cache(path: str | None) -> dict | None:
    if path is None:
        return None
    try:
        values = codec.decode(Path(path).read_bytes(), **codec.TRUSTED_LIMITS)
    except (OSError, codec.CodecError) as error:
        raise UsageError(f"reference cache {path} is unreadable: {error}") from None
    if not isinstance(values, dict):
        raise UsageError(f"reference cache {path} has the wrong structure")
    return values
