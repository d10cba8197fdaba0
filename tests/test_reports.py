"""Do the reports render? The HTML one is opened in a real headless browser."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import EXAMPLES, run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def partial_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    completed = run_cli("grade", str(EXAMPLES / "partial"), "--assignment", "conv_as_matrix",
                        "--html", str(out / "report.html"), "--markdown", str(out / "report.md"))
    assert completed.returncode == 0, completed.stderr
    return out


def test_html_report_holds_messages_comparisons_and_student_figures(partial_report):
    page = (partial_report / "report.html").read_text()
    assert "conv2d_transpose_as_matmul(lecture output" in page  # a failing test's message
    assert "yours against the expected values" in page  # its comparison picture
    assert "your conv_matrix of the lecture" in page  # a figure drawn from student output
    assert page.count("data:image/png;base64,") >= 10


@pytest.mark.skipif(CHROMIUM is None and os.environ.get("CI") != "true",
                    reason="Debian's chromium is not installed here (.ci/run installs it)")
def test_html_report_renders_with_its_images_in_chromium(partial_report, tmp_path):
    assert CHROMIUM, "chromium must be installed in CI"
    page = partial_report / "report.html"
    dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                          "--virtual-time-budget=10000", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert "<h1>Autograder report — partial: 19 / 34</h1>" in dom
    images = int(dom.split('data-images="')[1].split('"')[0])
    loaded = int(dom.split('data-images-loaded="')[1].split('"')[0])
    assert images >= 10 and loaded == images
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile2'}",
                    "--window-size=1000,1400", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.stat().st_size > 20_000  # a real picture of the page, not a blank one


def test_markdown_report_for_a_job_summary(partial_report):
    text = (partial_report / "report.md").read_text()
    assert text.startswith("## Autograder: partial — 19 / 34")
    assert "<details><summary>" in text


def test_a_huge_student_figure_is_drawn_small(tmp_path):
    """A 7900x7900 result once took the grader to 5 GiB with --html: panels are strided
    down to what a figure shows before anything is copied."""
    import resource

    import numpy as np

    from autograder.results import Figure
    from autograder.views import html

    huge = np.ones((7900, 7900), np.float32)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    picture = html._png(Figure("yours against the expected values",
                               {"yours": huge, "expected": huge}))
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before  # KiB
    assert picture and grown < 200 * 1024
    assert max(html._bounded(huge).shape) <= html.MAX_SIDE
    assert html._bounded(np.ones((20, 900, 900, 3))).shape == (8, 225, 225, 3)


def test_results_json_shows_visible_totals_only_before_publication():
    """The always-visible text must not say how the hidden tests went: "33 / 34" next to
    visible tests at 14/14 would let a student probe them by resubmitting."""
    from autograder.results import RunResult, TestResult
    from autograder.views import gradescope

    def test(visibility: str, score: float) -> TestResult:
        return TestResult(name=f"conv_as_matrix: {visibility}", assignment="conv_as_matrix",
                          score=score, max_score=2, status="passed" if score else "failed",
                          output="", visibility=visibility)

    run = RunResult("s", tests=[test("visible", 2), test("visible", 2), test("hidden", 0),
                                test("hidden", 2)])
    document = gradescope.to_gradescope(run)
    assert document["output"].startswith("Visible tests: 4 / 4")
    assert "6" not in document["output"] and "8" not in document["output"]
    assert [t["visibility"] for t in document["tests"]][2:] == ["after_published"] * 2
