"""``autograder gradescope NAME... --out FILE.zip``: an autograder bundle for Gradescope.

Gradescope unpacks the zip into /autograder/source, runs ``setup.sh`` once to build the
image, then ``run_autograder`` for every submission, which grades /autograder/submission
into /autograder/results/results.json with the same grader as everywhere else.
"""

from __future__ import annotations

import secrets
import sys
import zipfile
from pathlib import Path

from autograder import assignments as registry
from autograder import paths
from autograder.errors import UsageError
from autograder.session import DEFAULT_BUDGET_SECONDS

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image.
set -euo pipefail
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip
python3 -m venv /autograder/venv
/autograder/venv/bin/python -m pip install --no-cache-dir -r /autograder/source/requirements.txt
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission. AUTOGRADER_ROOT and AUTOGRADER_PYTHON exist so
# that the bundle can be tested outside Gradescope.
set -uo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_PYTHON:-/autograder/venv/bin/python}}"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
cd "$ROOT/source"
# --budget: Gradescope stops a submission at its timeout (10 minutes by default) and shows
# nothing; past the budget the remaining tests fail at once and results.json is written.
"$PYTHON" -m autograder grade "$ROOT/submission" {assignments} --results "$RESULTS" \\
    --budget "${{AUTOGRADER_BUDGET:-{budget:g}}}"
status=$?
if [ ! -s "$RESULTS" ]; then
    # The grader itself failed: still give Gradescope a valid file that says so.
    message="The autograder could not run (exit status $status). Please tell the course staff."
    printf '{{"score": 0, "output": "%s", "tests": []}}\\n' "$message" > "$RESULTS"
fi
exit 0
"""

LEFT_OUT = {"__pycache__", ".pytest_cache"}


def main(*, names: list[str], out: str | Path, log=sys.stdout) -> int:
    paths.require_solutions("gradescope")
    if not names:
        raise UsageError("name at least one assignment for the bundle")
    chosen = [registry.get(name) for name in names]
    for assignment in chosen:
        if not paths.solution_file(assignment.name).is_file():
            raise UsageError(f"missing solution file {paths.solution_file(assignment.name)}")
    out = Path(out)
    if out.suffix != ".zip":
        raise UsageError(f"--out must name a .zip file, not {out}")
    out.parent.mkdir(parents=True, exist_ok=True)
    flags = " ".join(f"--assignment {a.name}" for a in chosen)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        _add_text(bundle, "setup.sh", SETUP_SH)
        _add_text(bundle, "run_autograder",
                  RUN_AUTOGRADER.format(assignments=flags, budget=DEFAULT_BUDGET_SECONDS))
        for name in ("requirements.txt", "pyproject.toml"):
            bundle.write(paths.ROOT / name, name)
        _add_tree(bundle, paths.PACKAGE, "autograder")
        if paths.DATA.is_dir():
            _add_tree(bundle, paths.DATA, "data")
        for assignment in chosen:
            _add_tree(bundle, paths.SOLUTIONS / assignment.name, f"solutions/{assignment.name}")
        bundle.writestr("solutions/course_seed.txt", f"{course_seed(log)}\n")
    print(f"Gradescope bundle for {', '.join(names)} written to {out}", file=log)
    return 0


def course_seed(log) -> int:
    """The course's secret seed; a fresh one where the course has none yet (said, so that
    staff can keep it: a regrade with another seed draws other inputs)."""
    seed = paths.course_seed()
    if seed is None:
        seed = secrets.randbelow(2**31)
        print(f"no {paths.COURSE_SEED}: the bundle grades with the fresh secret seed {seed} "
              "(write it there to grade the same way elsewhere)", file=log)
    return seed


def _add_text(bundle: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o100755 << 16  # executable, as Gradescope requires
    bundle.writestr(info, text)


def _add_tree(bundle: zipfile.ZipFile, folder: Path, prefix: str) -> None:
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not LEFT_OUT & set(relative.parts) and path.suffix != ".pyc":
            bundle.write(path, f"{prefix}/{relative}")
