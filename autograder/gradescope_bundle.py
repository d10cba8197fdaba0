"""``autograder gradescope NAME... --out FILE.zip``: an autograder bundle for Gradescope.

Gradescope unpacks the zip into /autograder/source, runs ``setup.sh`` once to build the
image, then ``run_autograder`` for every submission, which grades /autograder/submission
into /autograder/results/results.json with the same grader as everywhere else.
"""

from __future__ import annotations

import secrets
import sys
import tempfile
import zipfile
from pathlib import Path

from autograder import assignments as registry
from autograder import paths, reference_cache
from autograder.errors import UsageError
from autograder.session import DEFAULT_BUDGET_SECONDS

#: The Pythons the grader runs on: TensorFlow 2.21 has wheels up to 3.13, Keras 3.15 needs 3.11.
SUPPORTED_PYTHONS = ((3, 11), (3, 13))

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image. The grader
# needs Python 3.{low} to 3.{high}: Ubuntu 24.04's python3 (3.12) is used as it is; on
# Ubuntu 22.04, Gradescope's default, python3 is 3.10, so Ubuntu's own python3.11 (universe)
# is installed beside it. See README.md. AUTOGRADER_ROOT, AUTOGRADER_SETUP_PYTHON and
# AUTOGRADER_VENV_FLAGS only serve to try this script outside Gradescope.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_SETUP_PYTHON:-python3}}"
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] < (3, {low}))'; then
    echo "autograder: $("$PYTHON" --version) is too old; installing python3.{low}"
    apt-get install -y --no-install-recommends python3.{low} python3.{low}-venv
    PYTHON=python3.{low}
fi
"$PYTHON" - <<'CHECK'
import sys
if not (3, {low}) <= sys.version_info[:2] <= (3, {high}):
    sys.exit(f"autograder: this image has Python {{sys.version.split()[0]}}; the grader "
             "needs Python 3.{low} to 3.{high} (TensorFlow 2.21, Keras 3.15)")
CHECK
"$PYTHON" -m venv ${{AUTOGRADER_VENV_FLAGS:-}} "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install --no-cache-dir -r "$ROOT/source/requirements.txt"
# A grader that cannot start fails the image build here, not the first student's run.
cd "$ROOT/source"
"$ROOT/venv/bin/python" -c "import keras, tensorflow, autograder.grade"
echo "autograder: ready on $("$ROOT/venv/bin/python" --version)"
""".format(low=SUPPORTED_PYTHONS[0][1], high=SUPPORTED_PYTHONS[1][1])

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission. AUTOGRADER_ROOT and AUTOGRADER_PYTHON exist so
# that the bundle can be tested outside Gradescope.
set -uo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}}"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
cd "$ROOT/source"
# --budget: Gradescope stops a submission at its timeout (10 minutes by default) and shows
# nothing; past the budget the remaining tests fail at once and results.json is written.
"$PYTHON" -m autograder grade --course "$ROOT/source" "$ROOT/submission" {assignments} \\
    --results "$RESULTS" --budget "${{AUTOGRADER_BUDGET:-{budget:g}}}"
status=$?
if [ ! -s "$RESULTS" ]; then
    # The grader itself failed: still give Gradescope a valid file that says so.
    message="The autograder could not run (exit status $status). Please tell the course staff."
    printf '{{"score": 0, "output": "%s", "tests": []}}\\n' "$message" > "$RESULTS"
fi
exit 0
"""

README = """# Gradescope autograder for {names}

Upload this zip as the assignment's autograder ("Zip file upload"). Gradescope unpacks it
into /autograder/source and runs `setup.sh` once to build the image: it makes a virtual
environment with the image's own Python and installs requirements.txt into it. Then, for
every submission, `run_autograder` grades /autograder/submission into
/autograder/results/results.json.

## Base image

Either of Gradescope's Ubuntu images works. The grader needs Python 3.11 to 3.13
(TensorFlow 2.21 with Keras 3.15): on Ubuntu 24.04 `setup.sh` uses the image's Python
3.12; on Ubuntu 22.04 (the default), whose Python is 3.10, it installs Ubuntu's
`python3.11` package beside it. (Python 3.10 only gets Keras 3.12, which grades
differently: the reference fails one of its own tests there.) Any other Python stops the
build with a one-line reason. Official grading computes every expected value live, on the
image itself.

## Autograder settings

- CPU: 1 vCPU for conv_as_matrix, transposed_conv and upsampling; 2 vCPUs when the bundle
  holds autoencoder, vae or gan (they train small models, the student's and the reference's).
- Memory: 6 GB. Grading a correct submission of all six assignments peaks at 1.5 GiB
  (all processes, measured on a 2-core machine), but each student process may grow to
  4 GiB before it is stopped and reported as "out of memory": the container must hold
  that and the rest, or Gradescope ends the whole run as "Killed". Gradescope's default
  (768 MB) is less than the grader with TensorFlow loaded.
- Timeout: 20 minutes for all six assignments (a full submission takes about 14 s on 2
  cores with the reference values the bundle carries); 10 minutes (Gradescope's default)
  for the three assignments without training.
  The grader's limits are per call (5 s to 90 s), not per run: a submission that hangs in
  test after test of a training assignment can outlast either, and Gradescope then shows
  the student no results at all.

The image build itself (TensorFlow is about 600 MB) takes several minutes.
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
        bundle.writestr("README.md", README.format(names=", ".join(names)))
        for name in ("requirements.txt", "pyproject.toml"):
            bundle.write(paths.ROOT / name, name)
        _add_tree(bundle, paths.PACKAGE, "autograder")
        if paths.DATA.is_dir():
            _add_tree(bundle, paths.DATA, "data")
        for assignment in chosen:
            _add_tree(bundle, paths.SOLUTIONS / assignment.name, f"solutions/{assignment.name}")
        seed = course_seed(log)
        bundle.writestr("solutions/course_seed.txt", f"{seed}\n")
        # The reference's expected values, computed once here: no submission waits for
        # them (values computed on another CPU that come out different are computed live)
        in_order = [name for name in registry.ASSIGNMENTS if name in names]
        with tempfile.TemporaryDirectory(prefix="reference-") as scratch:
            values = reference_cache.compute(Path(scratch), in_order, seed, log=log)
            bundle.write(values, f"solutions/{reference_cache.COURSE_CACHE}/{values.name}")
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
