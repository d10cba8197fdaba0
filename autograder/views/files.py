"""The report files of one graded submission, written from its result model."""

from __future__ import annotations

from pathlib import Path

from autograder.results import RunResult
from autograder.views import gradescope, html, junit, markdown


def write_reports(run: RunResult, *, results: str | Path | None = None,
                  junit_file: str | Path | None = None,
                  markdown_file: str | Path | None = None,
                  html_file: str | Path | None = None) -> None:
    """Write each report that is given a path. The plain ones first: results.json is what
    Gradescope and a resumed batch read, and the HTML report draws figures, the slowest
    part."""
    if results:
        gradescope.write(run, results)
    if junit_file:
        junit.write(run, junit_file)
    if markdown_file:
        markdown.write(run, markdown_file)
    if html_file:
        html.write(run, html_file)
