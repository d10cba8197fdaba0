"""The terminal views: one submission test by test, or many submissions side by side.

Student text reaches the terminal only from the result model, which holds no control
characters (``autograder.clean``): no escape sequence a student printed reaches the TA's
terminal. This view bounds what it prints: a few lines per failure, each clipped.
"""

from __future__ import annotations

import textwrap

from autograder.results import RunResult

MARKS = {"passed": "PASS", "failed": "FAIL", "error": "ERR "}


def render(run: RunResult, *, details_lines: int = 12, width: int = 100) -> str:
    """Every test with its mark and points; the first lines of each failure's output."""
    lines = [f"{_clip(run.submission, width)}  "
             f"({'self-check' if run.mode == 'check' else 'grading'}, "
             f"seed {run.seed}, {run.execution_time:.1f} s)"]
    if run.output:
        lines += ["  " + _clip(line, 4 * width) for line in run.output.splitlines()]
    totals = run.by_assignment()
    for assignment in run.assignments():
        score, max_score = totals[assignment]
        lines.append(f"\n{assignment}  {score:g}/{max_score:g}")
        for test in (t for t in run.tests if t.assignment == assignment):
            title = test.name.removeprefix(f"{assignment}: ")
            hidden = " (hidden)" if test.visibility == "hidden" else ""
            points = f"{test.score:g}/{test.max_score:g}"
            text = f"  {MARKS[test.status]} {title}{hidden}"
            lines.append(f"{_clip(text, width - 8):<{width - 8}}{points:>8}")
            if test.status != "passed" and details_lines:
                detail = test.output.splitlines()
                shown = detail[:details_lines]
                lines += [textwrap.indent(_clip(line, 4 * width), "         ") for line in shown]
                if len(detail) > len(shown):
                    lines.append(f"         ... ({len(detail) - len(shown)} more lines)")
    lines.append(f"\nTotal {run.score:g}/{run.max_score:g}")
    return "\n".join(lines)


def render_summary(runs: list[RunResult], *, width: int = 100) -> str:
    """One row per submission: score per assignment, total, and tests failed."""
    names = list(dict.fromkeys(name for run in runs for name in run.assignments()))
    header = ["submission", *names, "total", "failed"]
    rows = []
    for run in runs:
        totals = run.by_assignment()
        cells = [_clip(run.submission, width // 2)]
        cells += [f"{totals[n][0]:g}/{totals[n][1]:g}" if n in totals else "-" for n in names]
        cells.append(f"{run.score:g}/{run.max_score:g}")
        cells.append(str(sum(t.status != "passed" for t in run.tests)))
        rows.append(cells)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    def line(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
    out = [line(header), "  ".join("-" * w for w in widths)] + [line(r) for r in rows]
    return "\n".join(out)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
