"""Markdown for a CI job summary or a pull-request comment."""

from __future__ import annotations

from autograder.results import RunResult

ICONS = {"passed": "✅", "failed": "❌", "error": "⚠️"}


def render(run: RunResult) -> str:
    lines = [f"## Autograder: {run.submission} — {run.score:g} / {run.max_score:g}", ""]
    if run.output:
        lines += ["```", run.output, "```", ""]
    lines += ["| assignment | score |", "|---|---:|"]
    for name, (score, max_score) in run.by_assignment().items():
        lines.append(f"| {name} | {score:g} / {max_score:g} |")
    lines += ["", "| | test | points |", "|---|---|---:|"]
    for test in run.tests:
        hidden = " *(hidden)*" if test.visibility == "hidden" else ""
        lines.append(f"| {ICONS[test.status]} | {_cell(test.name)}{hidden} | "
                     f"{test.score:g} / {test.max_score:g} |")
    failures = [t for t in run.tests if t.status != "passed"]
    if failures:
        lines += ["", "### Details", ""]
        for test in failures:
            lines += [f"<details><summary>{_cell(test.name)}</summary>", "", "```text",
                      test.output.replace("```", "'''"), "```", "</details>", ""]
    lines.append(f"\nSeed {run.seed}; {run.execution_time:.1f} s; "
                 f"submission sha256 {run.submission_hash[:12]}")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
