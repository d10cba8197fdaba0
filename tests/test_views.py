"""Every view is valid for any text a student's code can produce, read by the real tools.

Student text (what their code printed or raised, their folder's name) enters the result
model, is cleaned there once (``autograder.clean``), and is then written as results.json,
JUnit XML, HTML, Markdown and the terminal table. Each is read back here by what reads it
in the field: a strict JSON parser, the Jenkins JUnit schema and junitparser, a CommonMark
parser, and (in test_reports.py) Chromium.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder import clean
from autograder.results import Figure, RunResult, TestResult
from autograder.views import gradescope, html, junit, markdown, table

XSD = Path(__file__).parent / "junit" / "junit-10.xsd"

#: What hostile or merely broken student output holds.
NASTY = [
    "\x1b[2J\x1b[H",  # clear the screen, cursor home
    "\x1b]52;c;ZWNobyBwd25lZA==\x07",  # OSC 52: write the TA's clipboard
    "\x1b]0;title\x1b\\",  # OSC with a string terminator
    "\x9b31m",  # C1 CSI
    "\x00", "\r", "\r\n", "\x08\x08\x08", "\x7f", "\x85", "\u2028", "\u202e", "\u2066",
    "\udcff", "\ud800", "\udfff", "\ufffe", "\uffff", "\U0010ffff",
    "]]>", "<![CDATA[", "&#0;", "&amp;", "<script>alert(1)</script>", "</pre>", "</details>",
    "```", "````\n", "~~~", "| a | b |", "<!--", "\\", "*_[x](javascript:alert(1))_*",
    "NaN", "Infinity", '"', "'",
]
EVERY_BYTE = bytes(range(256))
texts = st.lists(st.one_of(st.sampled_from(NASTY), st.integers(0, 0x10FFFF).map(chr),
                           st.text(max_size=20)), max_size=12).map("".join)


def run_holding(text: str) -> RunResult:
    """A run whose every student-controlled text field holds ``text``."""
    tests = [
        TestResult(name=f"conv_as_matrix: {text}", assignment="conv_as_matrix", score=0.0,
                   max_score=2.0, status="failed", output=text, test_id=text,
                   figures=[Figure(text, {"yours": np.array([1.0, np.nan]),
                                          "expected": np.array([1.0, 2.0])}),
                            Figure(text, {text: np.full((3, 5, 5, 2), np.inf)})]),
        TestResult(name=text, assignment="conv_as_matrix", score=float("nan"),
                   max_score=float("inf"), status="error", output=f"{text}\n{text}"),
        TestResult(name="conv_as_matrix: fine", assignment="conv_as_matrix", score=1.0,
                   max_score=1.0, status="passed"),
    ]
    return RunResult(submission=text, tests=tests, output=text, grader_errors=[text],
                     isolation=[text], versions={text: text}, execution_time=float("nan"),
                     submission_hash=text)


def check_every_view(run: RunResult, folder: Path, text: str) -> None:
    """Write every view of ``run`` and read each back with the tool that reads it."""
    import junitparser
    from lxml import etree
    from markdown_it import MarkdownIt

    # results.json: strict UTF-8, strict JSON (no NaN / Infinity), the text kept.
    gradescope.write(run, folder / "results.json")
    raw = (folder / "results.json").read_bytes().decode("utf-8")  # strict

    def no_constants(name):
        raise AssertionError(f"results.json holds {name}")

    document = json.loads(raw, parse_constant=no_constants)
    assert document["tests"][0]["output"] == run.tests[0].output
    assert document["score"] == 1.0 and document["extra_data"]["max_score"] == 3.0

    # JUnit XML: the Jenkins schema, and junitparser as CI plugins use it.
    junit.write(run, folder / "junit.xml")
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    tree = etree.parse(str(folder / "junit.xml"))
    assert schema.validate(tree), schema.error_log
    cases = [case for suite in junitparser.JUnitXml.fromfile(str(folder / "junit.xml"))
             for case in suite]
    assert len(cases) == 3
    assert (cases[0].result[0].text or "") == run.tests[0].output
    assert cases[2].is_passed

    # HTML: always written, valid UTF-8, nothing of the student's read as markup.
    html.write(run, folder / "report.html")
    page = (folder / "report.html").read_bytes().decode("utf-8")
    assert "<script>alert" not in page and "</pre>" not in page.replace("</pre>\n", "")
    assert page.count("<pre>") == page.count("</pre>")
    _assert_no_controls(page)

    # Markdown: every student text stays inside its code block or is escaped.
    markdown.write(run, folder / "report.md")
    text_md = (folder / "report.md").read_bytes().decode("utf-8")
    _assert_no_controls(text_md)
    parser = MarkdownIt("commonmark").enable("table")
    fences = [t.content for t in parser.parse(text_md) if t.type == "fence"]
    assert all(f"{text}\n" in fences for text in (run.output, run.tests[0].output) if text)
    assert "<script>alert" not in parser.render(text_md)

    # The terminal: no control character reaches the TA's terminal, lines are bounded.
    shown = table.render(run) + table.render_summary([run, run])
    _assert_no_controls(shown)
    assert max(len(line) for line in shown.splitlines()) <= 4 * 100 + 10


def _assert_no_controls(text: str) -> None:
    bad = re.findall("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]",
                     text)
    assert not bad, f"control characters left: {sorted(set(bad))!r}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(text=texts)
def test_every_view_is_valid_for_any_text(text, tmp_path):
    check_every_view(run_holding(text), tmp_path, text)


@pytest.mark.parametrize("text", [
    EVERY_BYTE.decode("latin-1"),  # every byte value as a character
    EVERY_BYTE.decode("utf-8", "surrogateescape"),  # as Python reads undecodable bytes
    "".join(chr(c) for c in range(0xD800, 0xE000, 7)),  # lone surrogates
    "".join(NASTY),
], ids=["bytes-as-latin-1", "bytes-as-surrogates", "surrogates", "nasty"])
def test_every_view_is_valid_for_every_byte_and_escape(text, tmp_path):
    run = run_holding(text)
    check_every_view(run, tmp_path, text)
    assert "\x1b" not in run.output  # shown, not obeyed:
    assert "\\x1b" in run.output or "\x1b" not in text


def test_ten_megabyte_lines_are_cut_not_carried(tmp_path):
    text = "A" * 10_000_000 + "]]>" + "\x1b[2J" * 1_000_000
    started = time.monotonic()
    run = run_holding(text)
    check_every_view(run, tmp_path, text)
    assert len(run.tests[0].output) < clean.OUTPUT_LIMIT + 100
    assert "characters cut" in run.tests[0].output
    assert len(run.submission) < clean.LINE_LIMIT + 100
    assert time.monotonic() - started < 60


def test_escapes_are_shown_to_the_ta_not_obeyed():
    result = TestResult("t", "a", 0, 1, "failed", "before\x1b[2J\x1b]52;c;SGk=\x07after\r\n")
    assert result.output == "before\\x1b[2J\\x1b]52;c;SGk=\\x07after\n"
    result.output = "set later \x00"  # cleaned whenever a field is set, not only at first
    assert result.output == "set later \\x00"


def test_a_folder_name_with_a_fence_stays_inside_report_md():
    name = "alice```\n# pwned\n```"
    run = RunResult(submission=name, tests=[], output=f"{name}: no module found")
    text = markdown.render(run)
    from markdown_it import MarkdownIt

    page = MarkdownIt("commonmark").render(text)
    # The name is the heading's plain text (its newlines shown as \n), not a heading of
    # its own; in the notes it stays inside a code block whose fence is longer than its.
    assert page.startswith("<h2>Autograder: alice```\\n# pwned\\n``` — 0 / 0</h2>\n")
    assert "<h1>" not in page
    assert "<pre><code class=\"language-text\">alice```\n# pwned\n```: no module found\n" \
           "</code></pre>" in page


@pytest.mark.slow
def test_a_hostile_submission_through_the_real_grader_gives_valid_views(tmp_path):
    """What the worker sends back (prints, exception messages) and the folder's own name
    reach every view through the real grader, and every view is still valid."""
    from conftest import run_cli

    folder = tmp_path / "evil```\x1b[2J"
    folder.mkdir()
    (folder / "conv_as_matrix.py").write_text(
        "import sys\n"
        "print('\\x1b[2J\\x1b]52;c;cHduZWQ=\\x07 hello \\x00 ]]> ```')\n"
        "def conv_matrix(kernel, shape):\n"
        "    print('\\x1b[31mred\\x1b[0m\\r\\x9b2J', file=sys.stderr)\n"
        "    raise ValueError('bad \\udcff byte ]]> ``` \\x1b[2J')\n"
        "def conv2d_as_matmul(*args, **kwargs):\n"
        "    sys.stdout.buffer.write(bytes(range(256)))\n"
        "    return float('nan')\n")
    (folder / "notes```.txt").write_text("x")
    out = tmp_path / "out"
    completed = run_cli("grade", str(folder), "--assignment", "conv_as_matrix",
                        "--results", str(out / "results.json"), "--junit",
                        str(out / "junit.xml"), "--html", str(out / "report.html"),
                        "--markdown", str(out / "report.md"))
    assert completed.returncode == 0, completed.stderr
    _assert_no_controls(completed.stdout)
    assert "\\x1b[2J" in completed.stdout  # shown to the TA as text
    document = json.loads((out / "results.json").read_bytes().decode("utf-8"),
                          parse_constant=lambda name: pytest.fail(f"results.json: {name}"))
    assert document["score"] == 0
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(etree.parse(str(out / "junit.xml"))), schema.error_log
    import junitparser

    cases = [c for suite in junitparser.JUnitXml.fromfile(str(out / "junit.xml")) for c in suite]
    assert len(cases) == len(document["tests"]) == 30
    for name in ("report.html", "report.md"):
        _assert_no_controls((out / name).read_bytes().decode("utf-8"))
    assert "## Autograder: evil\\`\\`\\`\\\\x1b\\[2J — 0 / 34" in (out / "report.md").read_text()


#: Folder and file names a student chooses: each tries to end a code block or a line and
#: write Markdown of its own; the last two are addresses GitHub's Markdown would link.
HOSTILE_NAMES = ["alice```\n# pwned\n```", "bob~~~\n# pwned\n~~~", "# heading",
                 "[link](https://example.com)", "![image](x.png)", "````` five\n\n# h",
                 "<details><summary>x</summary>", "www.example.com", "ta@example.com"]


def _made_by_markdown(page: str) -> list[tuple[str, str]]:
    """Every heading, link, image and raw HTML that CommonMark (with tables) reads."""
    from markdown_it import MarkdownIt

    def walk(tokens):
        for token in tokens:
            yield token
            yield from walk(token.children or [])

    return [(token.type, token.tag or token.content) for token in walk(
        MarkdownIt("commonmark").enable("table").parse(page))
        if token.type in ("heading_open", "link_open", "image", "html_inline", "html_block")]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_name_is_only_text_in_report_md_and_the_class_summary(name, tmp_path):
    """Whatever a student names their folder or files, report.md and a batch's summary.md
    hold the headings, links and HTML the views write, and not one more; and none of the
    bare addresses that GitHub's Markdown links (www.host, user@host) is left unescaped."""
    from autograder import batch
    from autograder.gradebook import Gradebook

    failed = TestResult(name="conv_as_matrix: lecture example", assignment="conv_as_matrix",
                        score=0, max_score=2, status="failed",
                        output=f"The submission holds: {name}, {name}.py")
    report = markdown.render(RunResult(submission=name, tests=[failed],
                                       output=f"{name}.ipynb graded as conv_as_matrix.py"))
    assert _made_by_markdown(report) == [
        ("heading_open", "h2"), ("heading_open", "h3"),
        ("html_block", "<details><summary>conv_as_matrix: lecture example</summary>\n"),
        ("html_block", "</details>\n")]
    book = Gradebook(tmp_path / "gradebook.csv", ["conv_as_matrix"])
    book.add(name, {"conv_as_matrix": (2, 34)}, "graded", 1.0)
    summary = batch.class_summary(book)
    assert _made_by_markdown(summary) == [("heading_open", "h2")]
    for page in (report, summary):
        text = _outside_code_blocks(page)
        assert "www." not in text and not re.search(r"(?<!\\)@", text)


def _outside_code_blocks(page: str) -> str:
    """The lines of ``page`` that no fenced code block holds (there nothing is linked)."""
    from markdown_it import MarkdownIt

    inside = {line for token in MarkdownIt("commonmark").parse(page) if token.type == "fence"
              for line in range(*token.map)}
    return "\n".join(line for number, line in enumerate(page.splitlines())
                     if number not in inside)
