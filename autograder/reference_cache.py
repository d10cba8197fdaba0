"""The reference's expected values, kept between grading runs of a course.

Official grading runs the reference solution live, in a worker, for every expected value;
for a full submission that is about a fifth of the CPU time. The values depend only on the
solutions, the suites, the probes, the seed and the grader's version, so they are kept in a
file named by a fingerprint of all of these: any change makes a new file, and an old one is
never read again. Values are found by call key (a hash of the call's inputs), so a value
computed from inputs that come out of TensorFlow slightly differently on another CPU is a
miss there, and is computed live: a cache can make grading faster, never different.

The course's own cache lives in ``solutions/`` (``COURSE_CACHE``), beside the solutions
and the course seed: no student worker ever sees that folder. ``autograder batch`` keeps
its own in its output folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from autograder import __version__, codec, paths
from autograder import assignments as registry
from autograder.errors import UsageError
from autograder.handles import save_recording

#: inside solutions/: the course's cache, one file per seed and version of everything
COURSE_CACHE = ".reference-cache"


def fingerprint(names: list[str], seed: int) -> str:
    """SHA-256 of the grader's version, the seed, and the solutions, suites and probes."""
    digest = hashlib.sha256(f"{__version__}|{seed}|{','.join(names)}".encode())
    # Each file named from its own folder: the course and the installed grader may lie
    # anywhere, apart.
    sources = [(paths.SOLUTIONS, paths.solution_file(name)) for name in names]
    for folder in (paths.SUITES, paths.PACKAGE / "probes"):
        sources += [(folder, path) for path in sorted(folder.rglob("*.py"))]
    for folder, source in sources:
        digest.update(f"{folder.name}/{source.relative_to(folder)}".encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def file_name(names: list[str], seed: int) -> str:
    return f"reference-{fingerprint(names, seed)[:16]}.npz"


def course_cache(seed: int) -> Path | None:
    """The course's cache file for ``seed`` and the solutions it has (a Gradescope bundle
    holds only its own assignments'); None where there is nothing to fingerprint."""
    names = [name for name in registry.ASSIGNMENTS if paths.solution_file(name).is_file()]
    try:
        return paths.SOLUTIONS / COURSE_CACHE / file_name(names, seed) if names else None
    except OSError:  # a solution unreadable: grading says so, the cache says nothing
        return None


def load(path: Path | None) -> dict[str, Any] | None:
    """The values in ``path``; None when it is missing or unreadable (then it is rebuilt)."""
    if path is None:
        return None
    try:
        values = codec.decode(path.read_bytes(), **codec.TRUSTED_LIMITS)
    except (OSError, codec.CodecError):
        return None
    return values if isinstance(values, dict) else None


def save(values: dict[str, Any], path: Path) -> bool:
    """Write ``values`` to ``path`` whole or not at all (a reader never sees half a file);
    False where the folder cannot be written (a read-only course: grading goes on)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(prefix=path.name, suffix=".partial",
                                           dir=path.parent)
        os.close(handle)
        save_recording(values, Path(partial))
        os.replace(partial, path)
        return True
    except OSError:
        return False


def compute(folder: Path, names: list[str], seed: int, *, log=sys.stderr) -> Path:
    """Every expected value of the suites of ``names`` for ``seed``, computed once by
    grading the solutions themselves (which also proves that they earn full marks), in
    ``folder``; the file. An intact file of the same fingerprint is reused (a resumed
    batch); ``UsageError`` when a solution fails its own tests or nothing can be written.
    """
    from autograder.lanes import lanes_for, usable_cores
    from autograder.session import References, grade_submission

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name(names, seed)
    if load(path) is not None:
        return path
    print("computing the reference's expected values (once)...", file=log)
    # Live, into an empty cache: the lanes send back what they compute
    references = References("live", preload={})
    with tempfile.TemporaryDirectory(prefix="reference-") as scratch:
        for name in names:
            shutil.copyfile(paths.solution_file(name), Path(scratch) / f"{name}.py")
        with lanes_for(min(usable_cores(), len(names)), references) as lanes:
            run = grade_submission(scratch, names=names, references=references, seed=seed,
                                   lanes=lanes)
    failing = [t for t in run.tests if t.status != "passed"]
    if failing or run.grader_errors:
        reason = run.grader_errors[0] if run.grader_errors else \
            f"{failing[0].name}: {(failing[0].output.splitlines() or [''])[0]}"
        raise UsageError(f"the reference solutions do not pass their own tests: {reason}")
    if not save(references.preload, path):
        raise UsageError(f"cannot write the reference's values into {folder}")
    return path
