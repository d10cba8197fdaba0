"""Student text made safe for every report, once, where it enters the result model.

A student's code can print or raise anything: lone surrogates (``\\udcff`` from bytes that
are not UTF-8), NUL, terminal escapes (clear-screen, OSC 52 clipboard writes), bidi
overrides that reorder what a TA reads, carriage returns that overwrite a line, megabytes
on one line. ``results.RunResult`` and ``results.TestResult`` pass every text field through
``text`` or ``line``, so each view can rely on this:

- the text is valid Unicode (no surrogates), hence valid UTF-8 once encoded;
- it holds no control character but tab and newline, and no noncharacter: each one is
  shown as a visible escape (``\\x1b[2J``), so a TA sees the attempt and the terminal does
  nothing; XML 1.0 and JSON can carry every character that is left;
- it is bounded (head and tail kept, the middle cut with a note).

Views still escape their own syntax (HTML ``<``, Markdown fences and table bars): that is
what each format means, not what the student sent.
"""

from __future__ import annotations

import math
import re

#: Characters per test output: far more than any explanation, far less than a flood.
OUTPUT_LIMIT = 100_000
#: Characters of a one-line field (a test name, a submission name).
LINE_LIMIT = 500

# C0 controls but tab and newline; DEL and C1 controls (0x9b is CSI on some terminals);
# surrogates; bidi embeddings, overrides and isolates; line and paragraph separators;
# noncharacters (XML 1.0 forbids U+FFFE and U+FFFF).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u2028-\u202e"
    "\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe\U0001ffff\U0010fffe\U0010ffff]")

#: what ``escaped`` replaces (backslash, tab and newline besides ``_UNSAFE``), and the
#: escapes ``unescaped`` reads
_ESCAPED = re.compile("[\\\\\t\n]|" + _UNSAFE.pattern)
_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 \
        else f"\\U{code:08x}"


def text(value: object, limit: int = OUTPUT_LIMIT) -> str:
    """``value`` as safe multi-line text of at most about ``limit`` characters."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "backslashreplace")
    value = value if isinstance(value, str) else str(value)
    if len(value) > 2 * limit:  # cut before the regular expressions see megabytes
        value = _cut(value, 2 * limit)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _UNSAFE.sub(_visible, value)
    return _cut(value, limit) if len(value) > limit else value


def line(value: object, limit: int = LINE_LIMIT) -> str:
    """``value`` as safe text on one line (newlines and tabs shown as ``\\n``, ``\\t``)."""
    return text(value, limit).replace("\n", "\\n").replace("\t", "\\t")


def escaped(value: str) -> str:
    """``value`` on one safe line that ``unescaped`` turns back into exactly ``value``: every
    character ``text`` would escape, and tab, newline and carriage return too, shown as a
    visible escape (``\\x0d``, ``\\u202e``), and every backslash doubled (so a name that
    holds the text ``\\x0d`` comes back as that text). Never cut: for a name that must be
    read back, such as a student id in the gradebook."""
    return _ESCAPED.sub(lambda match: "\\\\" if match.group() == "\\" else _visible(match),
                        value)


def unescaped(value: str) -> str:
    """The inverse of ``escaped``."""
    return _ESCAPE.sub(lambda match: "\\" if match.group(1) == "\\"
                       else chr(int(match.group(1)[1:], 16)), value)


def number(value: object) -> float:
    """A finite float: JSON has no NaN or Infinity, and a score never is one."""
    try:
        value = float(value)
    except (TypeError, ValueError, OverflowError):
        return 0.0
    return value if math.isfinite(value) else 0.0


def _cut(value: str, limit: int) -> str:
    head, tail = value[: limit * 2 // 3], value[-(limit // 3):]
    return f"{head}\n[... {len(value) - len(head) - len(tail):,} characters cut ...]\n{tail}"
