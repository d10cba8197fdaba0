"""Does bench/calibrate.py plan the right runs and judge thresholds the right way round?

The full calibration trains hundreds of models (the lead runs it, see the script's
docstring); here it plans its runs and summarises measurements made up for the purpose.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
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


RESULTS = REPO / "bench" / "results" / "calibration.json"


def committed() -> dict:
    return json.loads(RESULTS.read_text())


def test_the_thresholds_are_the_ones_the_committed_calibration_judged():
    """criteria.py and bench/results/calibration.json must agree: a threshold changed without
    a new calibration is a threshold nobody measured."""
    summary = committed()["summary"]
    assert set(summary) == {check.name for check in calibrate.CHECKS}
    for check in calibrate.CHECKS:
        assert summary[check.name]["threshold"] == check.threshold, check.name


def test_in_the_committed_calibration_every_correct_run_passes_and_every_mistake_fails():
    records = committed()["records"]
    seeds_per_module = {}
    for record in records:
        key = (record["check"], record["module"])
        seeds_per_module[key] = seeds_per_module.get(key, 0) + 1
        assert record["value"] is not None, record
    assert min(seeds_per_module.values()) >= 10  # ten seeds of every design and mistake
    summary = committed()["summary"]
    for name, entry in summary.items():
        designs = [m for m in entry["modules"].values() if m["kind"] == "correct"]
        assert len(designs) >= 5, name
        assert entry["correct_margin"] > 0, name
        assert entry["mistake_margin"] is None or entry["mistake_margin"] > 0, name
        for label, module in entry["modules"].items():
            expected = module["runs"] if module["kind"] == "correct" else 0
            assert module["passes"] == expected, (name, label)


@pytest.mark.slow
def test_a_fresh_sample_lands_where_the_calibration_says(tmp_path):
    """One seed of the VAE check, run again now: every design and mistake falls on the
    same side of the threshold, within the spread the calibration measured."""
    out = tmp_path / "sample.json"
    completed = subprocess.run([sys.executable, str(REPO / "bench" / "calibrate.py"),
                                "--check", "vae.learns_digits", "--seeds", "1",
                                "--out", str(out)], cwd=REPO, text=True,
                               capture_output=True, timeout=900)
    assert completed.returncode == 0, completed.stderr[-3000:]
    fresh = json.loads(out.read_text())["summary"]["vae.learns_digits"]["modules"]
    before = committed()["summary"]["vae.learns_digits"]["modules"]
    assert set(fresh) == set(before)
    for label, module in fresh.items():
        assert module["passes"] == (1 if module["kind"] == "correct" else 0), label
        spread = before[label]["max"] - before[label]["min"]
        assert before[label]["min"] - spread <= module["min"] <= before[label]["max"] + spread
