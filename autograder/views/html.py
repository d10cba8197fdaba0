"""A self-contained HTML report for one submission, with the student's own figures.

Everything is in one file: styles inline, figures as PNG data URIs drawn with matplotlib
from the plain arrays in the result model (never by running student code here). A short
script records on ``<body data-images-loaded>`` how many pictures decoded and in
``data-height`` the page's full height (``data-overflow``: how far it is wider than the
window), which the project's browser test reads.

How arrays are shown, so that a TA reads them at a glance:

- a comparison (``yours`` against ``expected``) is one row per map: yours and expected on
  ONE colour scale with its colour bar, then their difference on a diverging scale of its
  own; both sides always show the same maps;
- a few values (scalars, short vectors: at most ``NUMBERS_UP_TO``) are written as numbers;
- every other array is numbers drawn as heat maps, one per channel: ``(H, W)`` one map,
  ``(H, W, C)`` one per channel, ``(N, H, W, C)`` the first samples or channels;
- pictures only where the assignment says the arrays are images (``Figure.images``).
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import numpy as np

# How much a figure shows is the result model's bound on what it keeps (``results.shown``):
# arrays of at most NUMBERS_UP_TO values are written as numbers, not drawn; heat maps per
# array and panels per figure are enough to see, never a wall.
from autograder.results import (
    FIGURES_PER_TEST,
    MAP_PIXELS,
    MAPS_PER_ARRAY,
    NUMBERS_UP_TO,
    PICTURES_PER_PANEL,
    Figure,
    RunResult,
    TestResult,
)

COMPARISON_NOTE = ("Yours and expected share one colour scale (the bar beside them); the "
                   "difference has its own, centred on 0. Red squares: NaN or Inf.")

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 64em; color: #222;
       padding: 0 1em; }
h1 { font-size: 1.5em; overflow-wrap: anywhere; } h2 { font-size: 1.2em; margin-top: 2em; }
h3 { font-size: 1em; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; }
td, th { border-bottom: 1px solid #ddd; padding: .3em .5em; text-align: left;
         overflow-wrap: anywhere; }
td.points { text-align: right; white-space: nowrap; } td.mark { width: 1.5em; }
table.numbers { width: auto; font-family: ui-monospace, monospace; font-size: .85em; }
table.numbers td, table.numbers th { text-align: right; }
.passed { color: #1a7f37; } .failed { color: #cf222e; } .error { color: #9a6700; }
pre { background: #f6f8fa; padding: .8em; font-size: .85em;
      white-space: pre-wrap; overflow-wrap: anywhere; }
figure { margin: .5em 0 1.5em; } figure img { max-width: 100%; }
figcaption, .note { color: #555; font-size: .9em; }
"""

SCRIPT = """
window.addEventListener("load", function () {
  var images = Array.from(document.images);
  var ok = images.filter(function (i) { return i.complete && i.naturalWidth > 0; });
  document.body.setAttribute("data-images", String(images.length));
  document.body.setAttribute("data-images-loaded", String(ok.length));
  var page = document.documentElement;
  document.body.setAttribute("data-height", String(page.scrollHeight));
  document.body.setAttribute("data-overflow", String(page.scrollWidth - page.clientWidth));
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
                 f"submission SHA-256 {_e(run.submission_hash[:16])}…</p>")
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
    temporary.write_text(render(run), encoding="utf-8")
    temporary.replace(path)


def _row(test: TestResult) -> str:
    hidden = " <span class='note'>(hidden)</span>" if test.visibility == "hidden" else ""
    name = test.name.split(": ", 1)[-1]
    return (f"<tr><td class='mark {_e(test.status)}'>{MARK.get(test.status, '?')}</td>"
            f"<td>{_e(name)}{hidden}</td>"
            f"<td class='points'>{test.score:g} / {test.max_score:g}</td></tr>")


def _details(test: TestResult) -> str:
    parts = [f"<h3 class='{_e(test.status)}'>{MARK.get(test.status, '?')} {_e(test.name)}"
             "</h3>"]
    if test.output:
        parts.append(f"<pre>{_e(test.output)}</pre>")
    for figure in test.figures[:FIGURES_PER_TEST]:
        body = figure.drawn or _figure_or_note(figure)
        parts.append(f"<figure>{body}<figcaption>{_e(figure.title)}</figcaption></figure>")
    return "\n".join(parts)


def draw(tests: list[TestResult]) -> None:
    """Draw the figures the report will show, now, and drop their arrays: the grading lanes
    do this for their own tests, in parallel, so that writing the report is only joining
    text (and no array travels back)."""
    for test in tests:
        for figure in test.figures[:FIGURES_PER_TEST]:
            if not figure.drawn:
                figure.drawn, figure.panels = _figure_or_note(figure), {}


def _figure_or_note(figure: Figure) -> str:
    try:
        return _figure(figure)
    except Exception as error:  # noqa: BLE001 - odd student data must not sink the report
        return f"<p class='note'>(this figure could not be drawn: {_e(error)})</p>"


# -- figures ----------------------------------------------------------------------------

def _figure(figure: Figure) -> str:
    """The HTML of one figure: number tables and at most one picture (its panels are
    already no larger than a figure shows: ``results.shown``)."""
    if not figure.panels:
        return "<p class='note'>(nothing to draw: the arrays held no numbers)</p>"
    panels = {label: array.astype(np.float64) for label, array in figure.panels.items()}
    yours, expected = panels.get("yours"), panels.get("expected")
    if set(panels) == {"yours", "expected"} and yours.shape == expected.shape:
        if yours.size <= NUMBERS_UP_TO:
            return _numbers({"yours": yours, "expected": expected,
                             "difference": yours - expected})
        return (_img(_comparison_png(yours, expected), figure.title)
                + f"<p class='note'>{COMPARISON_NOTE}</p>")
    parts, drawn = [], {}
    for label, array in panels.items():
        if array.size <= NUMBERS_UP_TO:
            parts.append(_numbers({label: array}))
        else:
            drawn[label] = array
    if drawn:
        parts.append(_img(_panels_png(drawn, figure.images), figure.title))
    return "\n".join(parts)


def _numbers(columns: dict[str, np.ndarray]) -> str:
    """Few values as a table: one row per index, one column per array."""
    first = next(iter(columns.values()))
    header = "".join(f"<th>{_e(label)}</th>" for label in columns)
    rows = [f"<tr><th>index</th>{header}</tr>"]
    if first.size == 0:
        rows.append(f"<tr><td>(empty, shape {first.shape})</td></tr>")
    for flat in range(first.size):
        index = np.unravel_index(flat, first.shape)
        cells = "".join(f"<td>{float(a[index]):.6g}</td>" for a in columns.values())
        rows.append(f"<tr><td>{list(int(i) for i in index) if index else ''}</td>{cells}"
                    "</tr>")
    return f"<table class='numbers'>{''.join(rows)}</table>"


def maps_of(array: np.ndarray) -> tuple[list[tuple[str, np.ndarray]], str]:
    """The 2-D heat maps that show ``array``, with labels, and a note on what is left out.

    ``(L,)`` one strip; ``(H, W)`` one map; ``(H, W, C)`` one map per channel;
    ``(N, H, W, C)`` (and more leading axes, flattened) the first samples of a single
    channel, or the channels of the first sample. Arrays of one shape always give the same
    maps, so yours and expected line up.
    """
    if array.ndim <= 1:
        return [("", array.reshape(1, -1))], ""
    if array.ndim == 2:
        return [("", array)], ""
    if array.ndim == 3:
        channels = array.shape[-1]
        maps = [(f"channel {c}", array[..., c]) for c in range(min(channels, MAPS_PER_ARRAY))]
        left = f"channels 0–{len(maps) - 1} of {channels}" if channels > len(maps) else ""
        return maps, left
    array = array.reshape(-1, *array.shape[-3:])
    samples, channels = array.shape[0], array.shape[-1]
    if channels == 1:
        maps = [(f"sample {n}", array[n, ..., 0]) for n in range(min(samples, MAPS_PER_ARRAY))]
        left = f"samples 0–{len(maps) - 1} of {samples}" if samples > len(maps) else ""
        return maps, left
    maps = [(f"sample 0, channel {c}", array[0, ..., c])
            for c in range(min(channels, MAPS_PER_ARRAY))]
    notes = [f"sample 0 of {samples}"] if samples > 1 else []
    notes += [f"channels 0–{len(maps) - 1} of {channels}"] if channels > len(maps) else []
    return maps, "; ".join(notes)


def _comparison_png(yours: np.ndarray, expected: np.ndarray) -> bytes:
    """One row per map: yours | expected (one shared scale, one colour bar) | difference."""
    plt = _pyplot()
    yours_maps, left = maps_of(yours)
    expected_maps, _ = maps_of(expected)
    rows = len(yours_maps)
    fig, axes = plt.subplots(rows, 3, figsize=(10.5, 2.9 * rows + 0.4), squeeze=False)
    try:
        for row, ((label, mine), (_, theirs)) in enumerate(zip(yours_maps, expected_maps,
                                                               strict=True)):
            low, high = _limits(mine, theirs)
            suffix = f" ({label})" if label else ""
            for axis, image, title in ((axes[row, 0], mine, "yours"),
                                       (axes[row, 1], theirs, "expected")):
                shown = _heat(axis, image, "viridis", low, high, f"{title}{suffix}")
            fig.colorbar(shown, ax=axes[row, :2].tolist(), fraction=0.05, pad=0.02)
            difference = mine - theirs
            extent = _limits(np.abs(difference))[1] or 1.0
            shown = _heat(axes[row, 2], difference, "RdBu_r", -extent, extent,
                          f"yours − expected{suffix}")
            fig.colorbar(shown, ax=axes[row, 2], fraction=0.1, pad=0.04)
        if left:
            fig.suptitle(f"shown: {left}", fontsize=10)
    except BaseException:  # a figure that failed to draw is closed too
        plt.close(fig)
        raise
    return _save(fig)


def _panels_png(panels: dict[str, np.ndarray], images: bool) -> bytes:
    """One row per panel: pictures (images only) or heat maps with their colour bars."""
    plt = _pyplot()
    rows = []  # (label, [(title, 2-D or RGB array, is_picture)], note)
    for label, array in panels.items():
        if images and _is_picture_stack(array):
            stack = array.reshape(-1, *array.shape[-3:]) if array.ndim >= 3 else array[None]
            cells = [(f"{label} {n}" if len(stack) > 1 else label, _picture(stack[n]), True)
                     for n in range(min(len(stack), PICTURES_PER_PANEL))]
            note = f"{len(cells)} of {len(stack)}" if len(stack) > len(cells) else ""
        else:
            maps, note = maps_of(array)
            cells = [(f"{label} {title}".strip(), image, False) for title, image in maps]
        rows.append((label, cells, note))
    columns = min(8, max(len(cells) for _, cells, _ in rows))
    lines = [(-(-len(cells) // columns)) for _, cells, _ in rows]
    fig, axes = plt.subplots(sum(lines), columns, squeeze=False,
                             figsize=(2.3 * columns + 0.8, 2.5 * sum(lines) + 0.3))
    try:
        for axis in axes.flat:
            axis.axis("off")
        first = 0
        for (label, cells, note), count in zip(rows, lines, strict=True):
            for index, (title, image, is_picture) in enumerate(cells):
                axis = axes[first + index // columns, index % columns]
                axis.axis("on")
                if is_picture:
                    _show_picture(axis, image, title)
                else:
                    shown = _heat(axis, image, "viridis", *_limits(image), title)
                    fig.colorbar(shown, ax=axis, fraction=0.046, pad=0.04)
            if note:
                axes[first, 0].annotate(f"{label}: {note} shown", (0, 1.18),
                                        xycoords="axes fraction", fontsize=9)
            first += count
    except BaseException:  # a figure that failed to draw is closed too
        plt.close(fig)
        raise
    return _save(fig)


def _is_picture_stack(array: np.ndarray) -> bool:
    return array.ndim == 2 or (array.ndim >= 3 and array.shape[-1] in (1, 3))


def _picture(image: np.ndarray) -> np.ndarray:
    """(H, W, 1 or 3) or (H, W) in [0, 1], as imshow wants it."""
    image = _small(image)
    image = image[..., 0] if image.ndim == 3 and image.shape[-1] == 1 else image
    return np.clip(np.nan_to_num(image), 0, 1)


def _show_picture(axis, image: np.ndarray, title: str) -> None:
    axis.imshow(image, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    axis.set_title(title, fontsize=10)
    axis.set_xticks([])
    axis.set_yticks([])


def _heat(axis, image: np.ndarray, cmap: str, low: float, high: float, title: str):
    """A heat map with its values' shape in the title; NaN and Inf drawn in red."""
    import matplotlib

    colours = matplotlib.colormaps[cmap].with_extremes(bad="red")
    small = _small(image)
    shown = axis.imshow(np.ma.masked_invalid(small), cmap=colours, vmin=low, vmax=high,
                        interpolation="nearest", aspect="auto" if small.shape[0] == 1
                        else "equal")
    shape = "×".join(str(n) for n in image.shape)
    axis.set_title(f"{title}\n{shape}" + (" (every k-th value)" if small.shape != image.shape
                                          else ""), fontsize=10)
    axis.set_xticks([])
    axis.set_yticks([])
    return shown


def _limits(*arrays: np.ndarray) -> tuple[float, float]:
    """The finite range of all arrays together (0, 1 when there is none)."""
    finite = [a[np.isfinite(a)] for a in arrays]
    finite = [a for a in finite if a.size]
    if not finite:
        return 0.0, 1.0
    low = float(min(a.min() for a in finite))
    high = float(max(a.max() for a in finite))
    return (low, high) if high > low else (low - 0.5, high + 0.5)


def _small(image: np.ndarray) -> np.ndarray:
    step = max(1, -(-max(image.shape[:2]) // MAP_PIXELS))
    return image[::step, ::step]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig) -> bytes:
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=80, bbox_inches="tight",
                    metadata={"Software": None})
    finally:
        _pyplot().close(fig)
    return buffer.getvalue()


def _img(png: bytes, title: str) -> str:
    return f"<img alt='{_e(title)}' src='data:image/png;base64,{base64.b64encode(png).decode()}'>"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
