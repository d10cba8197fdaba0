"""A self-contained HTML report for one submission, with the student's own figures.

Everything is in one file: styles inline, figures as PNG data URIs drawn with matplotlib
from the plain arrays in the result model (never by running student code here). A short
script records on ``<body data-images-loaded>`` how many pictures decoded, which the
project's browser test reads.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import numpy as np

from autograder.results import Figure, RunResult, TestResult

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; width: 100%; }
td, th { border-bottom: 1px solid #ddd; padding: .3em .5em; text-align: left; }
td.points { text-align: right; white-space: nowrap; }
.passed { color: #1a7f37; } .failed { color: #cf222e; } .error { color: #9a6700; }
pre { background: #f6f8fa; padding: .8em; overflow-x: auto; font-size: .85em; }
figure { margin: .5em 0 1.5em; } figure img { max-width: 100%; }
.note { color: #555; font-size: .9em; }
"""

SCRIPT = """
window.addEventListener("load", function () {
  var images = Array.from(document.images);
  var ok = images.filter(function (i) { return i.complete && i.naturalWidth > 0; });
  document.body.setAttribute("data-images", String(images.length));
  document.body.setAttribute("data-images-loaded", String(ok.length));
});
"""

MARK = {"passed": "✔", "failed": "✘", "error": "⚠"}


def render(run: RunResult) -> str:
    title = f"{run.submission}: {run.score:g} / {run.max_score:g}"
    parts = [f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
             f"<title>{_e(title)}</title><style>{STYLE}</style><script>{SCRIPT}</script>"
             f"</head><body>", f"<h1>Autograder report — {_e(title)}</h1>"]
    mode = "self-check (visible tests)" if run.mode == "check" else "official grading"
    parts.append(f"<p class='note'>{mode}; seed {run.seed}; {run.execution_time:.1f} s; "
                 f"submission SHA-256 {run.submission_hash[:16]}…</p>")
    if run.output:
        parts.append(f"<pre>{_e(run.output)}</pre>")
    parts.append("<table><tr><th>assignment</th><th>score</th></tr>")
    for name, (score, max_score) in run.by_assignment().items():
        parts.append(f"<tr><td>{_e(name)}</td><td class='points'>{score:g} / {max_score:g}"
                     "</td></tr>")
    parts.append("</table>")
    for assignment in run.assignments():
        tests = [t for t in run.tests if t.assignment == assignment]
        parts.append(f"<h2>{_e(assignment)}</h2><table>")
        for test in tests:
            parts.append(_row(test))
        parts.append("</table>")
        for test in tests:
            if test.status != "passed" or test.figures:
                parts.append(_details(test))
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write(run: RunResult, path: str | Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text(render(run))
    temporary.replace(path)


def _row(test: TestResult) -> str:
    hidden = " <span class='note'>(hidden)</span>" if test.visibility == "hidden" else ""
    name = test.name.split(": ", 1)[-1]
    return (f"<tr><td class='{test.status}'>{MARK[test.status]}</td><td>{_e(name)}{hidden}"
            f"</td><td class='points'>{test.score:g} / {test.max_score:g}</td></tr>")


def _details(test: TestResult) -> str:
    parts = [f"<h3 class='{test.status}'>{MARK[test.status]} {_e(test.name)}</h3>"]
    if test.output:
        parts.append(f"<pre>{_e(test.output)}</pre>")
    for figure in test.figures:
        try:
            picture = (f"<img alt='{_e(figure.title)}' src='data:image/png;base64,"
                       f"{_png(figure)}'>")
        except Exception as error:  # noqa: BLE001 - odd student data must not sink the report
            picture = f"<p class='note'>(this figure could not be drawn: {_e(error)})</p>"
        parts.append(f"<figure>{picture}<figcaption>{_e(figure.title)}</figcaption></figure>")
    return "\n".join(parts)


MAX_SIDE = 256


def _png(figure: Figure) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = {label: _bounded(array) for label, array in figure.panels.items()}
    if set(panels) == {"yours", "expected"} and np.ndim(panels["yours"]) == 2:
        panels["difference"] = np.asarray(panels["yours"], float) - panels["expected"]
    columns = []  # (label, 2-D image, is_picture)
    for label, array in panels.items():
        array = np.nan_to_num(np.asarray(array, dtype=float), posinf=0.0, neginf=0.0)
        if array.ndim == 4 and array.shape[-1] in (1, 3):  # (N, H, W, C): up to 8 pictures
            columns += [(f"{label} {i}", _picture(a), True) for i, a in enumerate(array[:8])]
        elif array.ndim == 3 and array.shape[-1] in (1, 3):
            columns.append((label, _picture(array), True))
        elif array.ndim >= 3:  # (H, W, channels) of a layer: the first four channels
            maps = array.reshape(*array.shape[-3:-1], -1)[..., :4]
            columns += [(f"{label} ch{c}", maps[..., c], False) for c in range(maps.shape[-1])]
        else:
            columns.append((label, np.atleast_2d(array), False))
    columns = columns[:12]
    fig, axes = plt.subplots(1, len(columns), figsize=(2.6 * len(columns), 2.8), squeeze=False)
    for axis, (label, image, is_picture) in zip(axes[0], columns, strict=True):
        shown = axis.imshow(image, cmap="gray" if is_picture else "viridis",
                            interpolation="nearest")
        if not is_picture:
            fig.colorbar(shown, ax=axis, fraction=0.046)
        axis.set_title(label, fontsize=9)
        axis.set_xticks([])
        axis.set_yticks([])
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, metadata={"Software": None})
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _bounded(array) -> np.ndarray:
    """At most what a figure shows (8 pictures, 4 channels, MAX_SIDE pixels a side, by
    striding), taken before any copy: a 7900x7900 result must not cost gigabytes."""
    array = np.asarray(array)
    while array.ndim > 4:
        array = array[0]
    if array.ndim == 4:
        array = array[:8]
    if array.ndim >= 3 and array.shape[-1] not in (1, 3):
        array = array[..., :4]
    for axis in range(array.ndim):
        if array.shape[axis] > MAX_SIDE:
            step = -(-array.shape[axis] // MAX_SIDE)
            array = array[(slice(None),) * axis + (slice(None, None, step),)]
    return array


def _picture(array: np.ndarray) -> np.ndarray:
    return array[..., 0] if array.shape[-1] == 1 else np.clip(array, 0, 1)


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)
