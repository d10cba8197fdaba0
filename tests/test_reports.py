"""Do the reports render? The HTML one is opened in a real headless browser.

The browser tests save full-height screenshots in the test's own output folder (pytest's
``tmp_path``; ``--basetemp DIR`` puts them where you can look at them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLES, run_cli

from autograder import codec
from autograder import results as model  # its tests_* helpers are no tests to collect
from autograder.results import Figure, RunResult, TestResult
from autograder.views import html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDTH = 1100
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("CI") != "true",
    reason="Debian's chromium is not installed here (.ci/run installs it)")


@pytest.fixture(scope="module")
def partial_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    completed = run_cli("grade", str(EXAMPLES / "partial"), "--assignment", "conv_as_matrix",
                        "--html", str(out / "report.html"), "--markdown", str(out / "report.md"))
    assert completed.returncode == 0, completed.stderr
    return out


def open_in_chromium(page: Path, folder: Path) -> dict[str, int]:
    """Load ``page``, read what its script recorded, and save a screenshot of the whole
    page (``<folder>/<page stem>.png``); returns the recorded numbers."""
    assert CHROMIUM, "chromium must be installed in CI"
    dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={folder / 'profile-dom'}",
                          f"--window-size={WIDTH},900", "--virtual-time-budget=10000",
                          "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    numbers = {key: int(dom.split(f'data-{key}="')[1].split('"')[0])
               for key in ("images", "images-loaded", "height", "overflow")}
    shot = folder / f"{page.stem}.png"
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={folder / 'profile-shot'}",
                    "--hide-scrollbars", f"--window-size={WIDTH},{numbers['height']}",
                    f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120)
    numbers["screenshot bytes"] = shot.stat().st_size
    numbers["dom"] = dom
    return numbers


def test_html_report_holds_messages_comparisons_and_student_figures(partial_report):
    page = (partial_report / "report.html").read_text()
    assert "conv2d_transpose_as_matmul(lecture output" in page  # a failing test's message
    assert "yours against the expected values" in page  # its comparison picture
    assert "your conv_matrix of the lecture" in page  # a figure drawn from student output
    assert page.count("data:image/png;base64,") >= 5
    assert "<table class='numbers'>" in page  # the lecture's 2x2 outputs, as numbers


@needs_chromium
def test_html_report_renders_with_its_images_in_chromium(partial_report, tmp_path):
    seen = open_in_chromium(partial_report / "report.html", tmp_path)
    assert "<h1>Autograder report — partial: 19 / 34</h1>" in seen["dom"]
    assert seen["images"] >= 5 and seen["images-loaded"] == seen["images"]
    assert seen["overflow"] == 0  # nothing scrolled out of sight sideways
    assert seen["screenshot bytes"] > 50_000  # a real picture of the page, not a blank one


def every_kind_of_figure() -> RunResult:
    """One failed test per way an array is shown, as the suites produce them."""
    rng = np.random.default_rng(0)
    digits = rng.random((12, 28, 28, 1)).astype(np.float32)
    hint = ("the VAE's loss is far from the expected one. Call self.encoder(..., "
            "training=True) inside train_step so that the sampling layer draws noise " * 6)

    def failed(name, output, *figures):
        return TestResult(f"vae: {name}", "vae", 0.0, 1.0, "failed", output,
                          figures=list(figures))

    def compare(yours, expected):
        return Figure("yours against the expected values",
                      {"yours": yours, "expected": expected})

    return RunResult("every-figure", [
        failed("a long message and two arrays on different scales", hint,
               compare(rng.uniform(0.8, 1.1, (6, 10)), rng.uniform(16, 22, (6, 10)))),
        failed("a numeric (3, 2, 3) array", "per-channel heat maps, not a picture",
               compare(rng.normal(size=(3, 2, 3)), rng.normal(size=(3, 2, 3)))),
        failed("a batch of digits compared", "one row per sample, both sides alike",
               compare(digits, np.clip(digits * 0.5 + 0.2, 0, 1))),
        failed("a scalar and a short vector", "numbers, not squares",
               compare(np.float32(0.8), np.float32(17.5)),
               Figure("the student's numbers", {"beta": np.array(4.0),
                                                "mean": np.array([0.1, -0.2, 0.3])})),
        failed("images the assignment defines as images", "pictures, twelve of twelve",
               Figure("samples", {"samples": digits}, images=True),
               Figure("a matrix", {"C": rng.random((4, 16))})),
    ], output="notes: " + "a_very_long_file_name_without_spaces" * 8)


@needs_chromium
def test_every_kind_of_figure_reads_at_a_glance_in_chromium(tmp_path):
    page = tmp_path / "every-figure.html"
    html.write(every_kind_of_figure(), page)
    text = page.read_text()
    # numbers: the scalar pair (yours, expected, difference), beta, and the short vector
    assert text.count("<table class='numbers'>") == 3
    assert "<th>difference</th>" in text
    seen = open_in_chromium(page, tmp_path)
    assert seen["images"] == 5 and seen["images-loaded"] == 5  # 3 comparisons, 2 figures
    assert seen["overflow"] == 0  # the long message and the long name wrap
    assert seen["height"] > 2000 and seen["screenshot bytes"] > 100_000


def test_figures_drawn_where_the_tests_ran_make_the_same_report():
    """A grading lane draws its tests' figures (``html.draw``) and sends them back as plain
    data: is the report the one drawn from the arrays, with no array left to carry?"""
    expected = html.render(every_kind_of_figure())
    drawn = every_kind_of_figure()
    html.draw(drawn.tests)
    carried = model.tests_from_plain(codec.decode(
        codec.encode(model.tests_to_plain(drawn.tests)), **codec.TRUSTED_LIMITS))
    assert all(figure.drawn and not figure.panels for t in carried for figure in t.figures)
    assert html.render(replace(drawn, tests=carried)) == expected


def test_maps_show_the_same_channels_on_both_sides():
    for shape in [(7,), (3, 2, 3), (5, 4, 4, 1), (2, 4, 4, 9), (2, 3, 4, 4, 2)]:
        maps, _ = html.maps_of(np.zeros(shape))
        assert 1 <= len(maps) <= html.MAPS_PER_ARRAY
        assert all(image.ndim == 2 for _, image in maps)
    maps, note = html.maps_of(np.zeros((3, 2, 3)))
    assert [label for label, _ in maps] == ["channel 0", "channel 1", "channel 2"] and not note
    maps, note = html.maps_of(np.zeros((12, 28, 28, 1)))
    assert len(maps) == 4 and note == "samples 0–3 of 12"


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
    picture = html._figure(Figure("yours against the expected values",
                                  {"yours": huge, "expected": huge}))
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before  # KiB
    assert picture and grown < 200 * 1024
    assert max(model.shown(huge).shape) <= model.MAP_PIXELS


def test_a_figure_keeps_only_what_the_report_shows():
    """A figure's arrays come from the student's code: eight 2900x2900 integer samples once
    went whole (and eight times larger, as floats) into the message a grading lane sends,
    past its limit, and the assignment scored 0/0. The model keeps what the report shows,
    in arrays of its own: so many samples, channels and pixels, float32 for wide numbers."""
    samples = np.ones((8, 2900, 2900, 1), np.int8)
    kept = model.shown(samples)
    assert kept.shape == (8, 242, 242, 1) and kept.dtype == np.int8 and kept.base is None
    wide = model.shown(np.ones((20, 900, 900, 3)))
    assert wide.shape[0] == model.PICTURES_PER_PANEL and wide.shape[-1] == 3
    assert wide.size <= model.PANEL_VALUES and wide.dtype == np.float32
    assert model.shown(np.ones((5, 3, 9))).shape == (5, 3, model.MAPS_PER_ARRAY)
    few = np.array([1.0000001, 2.0])
    assert model.shown(few).dtype == np.float64 and np.array_equal(model.shown(few), few)
    assert model.shown(np.array(["text"])) is None and model.shown({"a": 1}) is None
    panels = {"samples": samples, "words": np.array(["x" * 1000]), "odd": {"a": 1},
              **{f"p{i}": np.zeros(3) for i in range(9)}}
    figure = Figure("samples", panels, images=True)
    assert list(figure.panels) == ["samples", "p0", "p1", "p2"]  # six looked at, 3 no numbers
    assert figure.nbytes < 2**20
    test = TestResult("gan: x", "gan", 0, 3, "failed", figures=[figure] * 10)
    assert len(test.figures) == model.FIGURES_PER_TEST
    assert len(codec.encode(model.tests_to_plain([test]))) < 4 * 2**20
    assert "held no numbers" in html._figure(Figure("t", {"words": np.array(["x"])}))


def test_figures_past_a_test_s_or_an_assignment_s_bytes_are_left_out_with_a_note():
    """However many figures the tests hold, what one assignment carries is bounded; the
    scores stay, and a test that lost a figure says so."""
    def figure(values: int) -> Figure:
        return Figure("f", {"yours": np.zeros(values, np.float32)})  # 4 bytes a value

    tests = [TestResult(f"vae: {i}", "vae", 1, 1, "passed",
                        figures=[figure(100), figure(100), figure(10)]) for i in range(4)]
    model.bound_figures(tests, per_test=900, in_all=2000)
    assert [[f.nbytes for f in t.figures] for t in tests] == \
        [[400, 400, 40], [400, 400, 40], [40], [40]]
    assert [t.output for t in tests[:2]] == ["", ""]
    assert tests[2].output == ("(2 of this test's figures left out of the report: their "
                               "arrays are too large to show)")
    assert [t.score for t in tests] == [1, 1, 1, 1]


def test_a_lane_s_reply_too_large_goes_without_its_figures(monkeypatch):
    """The last resort: a reply over the lane's limit (whatever made it so) keeps every
    score and message, and leaves the figures out, saying so."""
    from autograder import lanes
    from autograder.session import Outcome

    big = Figure("f", {"yours": np.random.default_rng(0).random((256, 256))})
    outcome = Outcome(tests=[TestResult("vae: a", "vae", 2, 2, "passed", figures=[big]),
                             TestResult("vae: b", "vae", 0, 1, "failed", "wrong")],
                      timeline=[{"assignments": ["vae"], "lane": 0, "start": 0, "end": 1}])
    assert len(lanes._reply(outcome, {})) > 2**18
    monkeypatch.setattr(lanes, "REPLY_BYTES", 2**18)
    reply = codec.decode(lanes._reply(outcome, {"key": np.zeros(1000)}))
    tests = model.tests_from_plain(reply["tests"])
    assert [(t.score, t.figures) for t in tests] == [(2, []), (0, [])]
    assert tests[0].output.endswith("figures were left out of the report: too large to send)")
    assert tests[1].output == "wrong" and reply["computed"]


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
