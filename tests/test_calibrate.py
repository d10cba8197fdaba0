"""Does bench/calibrate.py plan the right runs and judge thresholds the right way round?

The full calibration trains hundreds of models (the lead runs it, see the script's
docstring); here it plans its runs and summarises measurements made up for the purpose.
"""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import calibrate  # noqa: E402


def test_dry_run_lists_every_check_on_correct_designs_and_mistakes():
    """Every check measures the correct designs; every mistake aims at a real check, and
    its lines still stand in the reference (the dry run writes each mistake's module)."""
    completed = subprocess.run([sys.executable, str(REPO / "bench" / "calibrate.py"),
                                "--dry-run", "--seeds", "2"], cwd=REPO, text=True,
                               capture_output=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    aimed_at = {mistake.check for mistake in calibrate.MISTAKES}
    assert aimed_at <= {check.name for check in calibrate.CHECKS}
    for check in calibrate.CHECKS:
        kinds = {line.split()[1] for line in lines if line.split()[0] == check.name}
        assert kinds == ({"correct", "mistake"} if check.name in aimed_at else {"correct"}), \
            check.name
    # the reference, the perfect example and three correct styles per training assignment
    correct = [line for line in lines if line.startswith("vae.learns_digits ")
               and " correct " in line]
    assert len(correct) >= 5


def test_margins_say_which_side_of_the_threshold_each_kind_falls():
    below = calibrate.Check("demo.below", "demo", print, lambda seed: (), lambda got: got, 1.0)
    above = calibrate.Check("demo.above", "demo", print, lambda seed: (), lambda got: got, 1.0,
                            below=False)
    records = [{"check": check.name, "module": module, "kind": kind, "seed": seed,
                "value": value, "error": None, "seconds": 0.0}
               for check, values in ((below, {"good": [0.2, 0.7], "bad": [1.5, 1.1]}),
                                     (above, {"good": [1.4, 1.2], "bad": [0.5, 0.95]}))
               for module, numbers in values.items()
               for seed, value in enumerate(numbers)
               for kind in ["correct" if module == "good" else "mistake"]]
    summary = calibrate.summarise(records, [below, above])
    assert summary["demo.below"]["correct_margin"] == 1.0 - 0.7
    assert abs(summary["demo.below"]["mistake_margin"] - 0.1) < 1e-12
    assert summary["demo.below"]["modules"]["good"]["passes"] == 2
    assert summary["demo.below"]["modules"]["bad"]["passes"] == 0
    assert abs(summary["demo.above"]["correct_margin"] - 0.2) < 1e-12
    assert abs(summary["demo.above"]["mistake_margin"] - 0.05) < 1e-12
    assert "demo.above: pass when value >= 1.0" in calibrate.table(summary)
