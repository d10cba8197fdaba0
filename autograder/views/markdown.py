"""Markdown for a CI job summary or a pull-request comment.

The result model holds no control characters (``autograder.clean``); what this view adds
is Markdown's own escaping: student text is never read as Markdown or HTML, and a code
block's fence is longer than any run of backticks inside it, so nothing breaks out.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from autograder.results import RunResult

ICONS = {"passed": "✅", "failed": "❌", "error": "⚠️"}
#: ASCII punctuation that can start Markdown syntax or raw HTML inside a line; and "." and
#: "@", with which GitHub's Markdown makes links of bare www.host and user@host names.
_SYNTAX = re.compile(r"([\\`*_\[\]<>|~&!#.@])")


def render(run: RunResult) -> str:
    lines = [f"## Autograder: {inline(run.submission)} — {run.score:g} / {run.max_score:g}",
             ""]
    if run.output:
        lines += [*code_block(run.output), ""]
    lines += ["| assignment | score |", "|---|---:|"]
    for name, (score, max_score) in run.by_assignment().items():
        lines.append(f"| {inline(name)} | {score:g} / {max_score:g} |")
    lines += ["", "| | test | points |", "|---|---|---:|"]
    for test in run.tests:
        hidden = " *(hidden)*" if test.visibility == "hidden" else ""
        lines.append(f"| {ICONS[test.status]} | {inline(test.name)}{hidden} | "
                     f"{test.score:g} / {test.max_score:g} |")
    failures = [t for t in run.tests if t.status != "passed"]
    if failures:
        lines += ["", "### Details", ""]
        for test in failures:
            # Inside an HTML block Markdown is not parsed: the summary is escaped as HTML.
            lines += [f"<details><summary>{html.escape(test.name)}</summary>", "",
                      *code_block(test.output), "</details>", ""]
    lines.append(f"\nSeed {run.seed}; {run.execution_time:.1f} s; "
                 f"submission sha256 {inline(run.submission_hash[:12])}")
    return "\n".join(lines)


def write(run: RunResult, path: str | Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text(render(run) + "\n", encoding="utf-8")
    temporary.replace(path)


def inline(text: str) -> str:
    """``text`` shown as itself on one line of Markdown (a heading, a table cell)."""
    return _SYNTAX.sub(r"\\\1", text.replace("\n", " "))


def code_block(text: str) -> list[str]:
    """A fenced block that shows ``text`` verbatim: its fence is longer than any run of
    backticks in the text, so a student's ````` ``` ````` cannot close it early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}text", text, fence]
