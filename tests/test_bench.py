"""Do the benchmarks run, and does the speed baseline grade like the grader?

Each script runs here on a small scale into a temporary folder (the committed results in
bench/results/ come from full runs, see BENCHMARKS.md). What is asserted is what the numbers
mean: the simplest grader gives the same score as the real one, the JSON holds every
measurement the table prints, and the reference models' numbers are on the right scale.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, REPO

BENCH = REPO / "bench"


def bench(script: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    completed = subprocess.run([sys.executable, str(BENCH / script), *args], cwd=REPO,
                               text=True, capture_output=True, timeout=timeout)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed


def test_the_simplest_grader_scores_like_the_grader():
    """The baseline runs the same suites, so it must give the partial example its 19/34; a
    module that does not import gets 0 rather than stopping a batch."""
    completed = bench("simplest_grader.py", str(EXAMPLES / "partial"),
                      "--assignment", "conv_as_matrix")
    summary = json.loads(completed.stdout.strip().splitlines()[-1])
    assert summary["score"] == 19 and summary["tests"] > 0
    completed = bench("simplest_grader.py", str(EXAMPLES / "broken"),
                      "--assignment", "conv_as_matrix")
    summary = json.loads(completed.stdout.strip().splitlines()[-1])
    assert summary["score"] == 0 and summary["tests"] == 0
    assert "conv_as_matrix" in summary["not_gradable"]


def test_grading_speed_measures_every_row(tmp_path: Path):
    completed = bench("grading_speed.py", "--batch", "1", "--repeat", "1", "--assignment",
                      "conv_as_matrix", "--out", str(tmp_path))
    results = json.loads((tmp_path / "grading_speed.json").read_text())
    for key in ("floor_seconds", "simplest_one_seconds", "grade_serial_live_seconds",
                "grade_lanes_live_seconds", "grade_lanes_kept_seconds",
                "simplest_per_submission", "batch_jobs1_per_submission",
                "batch_jobs2_per_submission"):
        assert results[key] > 0, key
    assert results["ratio_one_to_floor"] == pytest.approx(
        results["grade_lanes_kept_seconds"] / results["floor_seconds"])
    # Stage by stage: the lane's start and the assignment's tests, inside the run's time
    stages = {stage["what"]: stage["seconds"] for stage in results["stages"]}
    assert stages["tests of conv_as_matrix"] > 0
    assert 0 < sum(stages.values()) <= results["grade_lanes_kept_seconds"] * 1.05
    assert "batch --jobs 2, per submission of 1" in completed.stdout
    assert "x the floor" in completed.stdout
    # The benchmark grades a copy of the course: the checkout's own kept values are
    # neither made nor removed by it
    assert not any(tmp_path.glob("**/.reference-cache"))
    assert (tmp_path / "grading_speed.png").stat().st_size > 0


def test_cost_growth_measures_each_size_and_job_count(tmp_path: Path):
    bench("cost_growth.py", "--sizes", "1", "--assignment", "conv_as_matrix",
          "--out", str(tmp_path))
    seconds = json.loads((tmp_path / "cost_growth.json").read_text())["seconds"]
    assert set(seconds) == {"1x1", "1x2"}
    assert all(value > 0 for value in seconds.values())
    assert (tmp_path / "cost_growth.png").stat().st_size > 0


def test_reference_models_report_on_the_right_scale(tmp_path: Path):
    """One or two epochs each: the numbers are poor but must already make sense."""
    completed = bench("reference_models.py", "--scale", "0.05", "--out", str(tmp_path))
    results = json.loads((tmp_path / "reference_models.json").read_text())
    assert results["data"] == "mnist"
    plain = results["autoencoder"]["plain"]
    assert len(plain["val_mse"]) == 1
    assert 0 < plain["pca_val_mse"] < plain["final_val_mse"] < 0.1  # PCA wins after 1 epoch
    codes = results["autoencoder"]["codes"]
    assert list(codes) == ["2", "8", "16", "32"]
    pca = [codes[k]["pca_val_mse"] for k in codes]
    assert pca == sorted(pca, reverse=True)  # more components, less error
    vae = results["vae"]["final"]
    assert vae["negative_elbo"] == pytest.approx(vae["reconstruction"] + vae["kl"])
    assert 100 < vae["negative_elbo"] < 400  # nats per digit; the full run gets ~160
    gan = results["gan"]
    assert gan["training_digits"]["frechet_distance"] < 10  # real digits are close...
    assert gan["uniform_noise"]["frechet_distance"] > 100  # ...and noise is far
    assert gan["training_digits"]["classifier_score"] > 8
    assert len(gan["per_epoch"]) == 1 and "images" not in json.dumps(gan)
    assert gan["training_digits"]["sure_share"] > 0.9 > gan["final"]["sure_share"]
    assert gan["training_seconds"] > 0
    assert "Fréchet distance" in completed.stdout
    for picture in ("reference_models.png", "reference_samples.png"):
        assert (tmp_path / picture).stat().st_size > 10_000
