"""Is assignments/ exactly what `autograder build` makes from solutions/?"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from conftest import EXAMPLES, REPO, run_cli

from autograder import paths
from autograder.build.stub import strip_solutions
from autograder.errors import BuildError
from autograder.handles import load_recording


def assert_same_tree(new, old) -> None:
    """Plain data equal in structure, with numbers equal up to float32 rounding."""
    if isinstance(old, dict):
        assert isinstance(new, dict) and new.keys() == old.keys()
        for key in old:
            assert_same_tree(new[key], old[key])
    elif isinstance(old, (list, tuple)):
        assert type(new) is type(old) and len(new) == len(old)
        for a, b in zip(new, old, strict=True):
            assert_same_tree(a, b)
    elif isinstance(old, (str, type(None), bool)):
        assert new == old
    else:
        np.testing.assert_allclose(new, old, rtol=1e-6, atol=1e-6)


def test_solution_regions_become_todo_blocks():
    source = ('def f(x):\n    """Doc."""\n    y = x\n    # BEGIN SOLUTION\n    return y + 1\n'
              '    # END SOLUTION\n')
    stub = strip_solutions(source, "f.py")
    assert stub == ('def f(x):\n    """Doc."""\n    y = x\n'
                    '    # TODO: write your solution here (the handout explains each step).\n'
                    '    raise NotImplementedError("f is not implemented yet")\n')


def test_one_line_marker_replaces_that_line_only():
    source = "def g(x):\n    y = 2 * x\n    return y + 1  # SOLUTION\n"
    assert strip_solutions(source, "g.py") == (
        "def g(x):\n    y = 2 * x\n"
        "    # TODO: write your solution here (the handout explains each step).\n"
        '    raise NotImplementedError("g is not implemented yet")\n')


@pytest.mark.parametrize("source, problem", [
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n",
     "f.py:2: BEGIN SOLUTION marker inside the region opened at line 1"),
    ("# BEGIN SOLUTION\nx = 1  # SOLUTION\n# END SOLUTION\n",
     "f.py:2: SOLUTION marker inside the region opened at line 1"),
    ("x = 1\n# BEGIN SOLUTION\n", "f.py:2: BEGIN SOLUTION is never closed"),
    ("x = 1\n\n# END SOLUTION\n", "f.py:3: END SOLUTION without a BEGIN"),
])
def test_unbalanced_markers_name_file_and_line(source, problem):
    with pytest.raises(BuildError, match=problem):
        strip_solutions(source, "f.py")


def test_the_stub_example_is_the_generated_stub():
    stub = (REPO / "assignments" / "conv_as_matrix" / "conv_as_matrix.py").read_text()
    assert (EXAMPLES / "stub" / "conv_as_matrix.py").read_text() == stub
    assert "BEGIN SOLUTION" not in stub and "for a in range(kh)" not in stub


#: Assignments whose figures come from long training runs (the GAN's 15 epochs, the VAE's
#: 40): where they end follows TensorFlow's last-bit rounding, which differs between CPUs
#: (and with oneDNN's kernels off: the GAN's samples then differ by 0.033 on average), so
#: only their size is compared. The figures' scripts must still run: build fails otherwise.
LONG_TRAINING_FIGURES = ("gan", "vae")


@pytest.mark.slow
def test_assignments_folder_is_what_build_produces(tmp_path):
    """Does a fresh build reproduce every file: text byte for byte, recordings by value?"""
    completed = run_cli("build", "--out", str(tmp_path))
    assert completed.returncode == 0, completed.stderr
    for folder in sorted(paths.ASSIGNMENTS.iterdir()):
        built = tmp_path / folder.name
        committed_files = sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
        built_files = sorted(p.relative_to(built) for p in built.rglob("*") if p.is_file())
        assert committed_files == built_files
        for relative in committed_files:
            committed, fresh = folder / relative, built / relative
            if committed.suffix == ".png":
                # Same picture; anti-aliasing may differ by a grey level across machines.
                old, new = plt.imread(committed), plt.imread(fresh)
                assert old.shape == new.shape, committed
                if folder.name not in LONG_TRAINING_FIGURES:
                    assert np.abs(old - new).mean() < 0.01, committed
            elif committed.suffix == ".npz":
                # Same calls recorded; values equal up to float32 rounding, because another
                # CPU may round TensorFlow's last bit differently.
                old, new = load_recording(committed), load_recording(fresh)
                assert old.keys() == new.keys()
                for key in old:
                    assert_same_tree(new[key], old[key])
            else:
                assert committed.read_bytes() == fresh.read_bytes(), committed


@pytest.mark.slow
def test_a_rebuild_with_other_cpu_kernels_records_the_same_calls(tmp_path):
    """With oneDNN's kernels off (other rounding in TensorFlow's last bit, as on another
    CPU), does a rebuild of the assignments whose inputs come out of TensorFlow record the
    same calls, with values equal up to float32 rounding?"""
    import os
    import subprocess
    import sys

    names = ["upsampling", "transposed_conv"]
    completed = subprocess.run(
        [sys.executable, "-m", "autograder", "build", *names, "--out", str(tmp_path)],
        cwd=REPO, text=True, capture_output=True, timeout=900,
        env={**os.environ, "TF_ENABLE_ONEDNN_OPTS": "0"})
    assert completed.returncode == 0, completed.stderr
    for name in names:
        committed = load_recording(paths.recorded_values(name))
        rebuilt = load_recording(tmp_path / name / paths.recorded_values(name).name)
        assert rebuilt.keys() == committed.keys()
        for key in committed:
            assert_same_tree(rebuilt[key], committed[key])


def test_recordings_are_found_without_hashing_computed_floats():
    """An input that came out of TensorFlow one bit off (another CPU): is the recorded
    value still found (the site and the call's signature ignore float values), where a
    hash of the input bytes would miss?"""
    from autograder.handles import call_key, call_signature

    image = np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4)
    other_cpu = np.nextafter(image, np.float32(2))
    probe, arguments = "autograder.probes.common:call", ("checkerboard_score", image, 2)
    moved = ("checkerboard_score", other_cpu, 2)
    assert call_signature(probe, arguments, {}, 1) == call_signature(probe, moved, {}, 1)
    assert call_key(probe, arguments, {}, 1) != call_key(probe, moved, {}, 1)
    assert call_signature(probe, arguments, {}, 1) != call_signature(
        probe, ("checkerboard_score", image, 3), {}, 1)  # ints and text still count


def test_a_parallel_build_builds_each_folder_and_names_the_one_that_failed(tmp_path,
                                                                             monkeypatch):
    """Built two at a time, in forked processes: is every folder written, and is a
    transform's refusal raised in the builder with its own message?"""
    from autograder.build import pipeline

    def note(assignment, target):
        (target / "built.txt").write_text(assignment.name)

    def refuse_vae(assignment, target):
        if assignment.name == "vae":
            raise BuildError("vae: the solution fails test_x")

    monkeypatch.setattr(pipeline, "TRANSFORMS", [pipeline.Transform("note", note)])
    names = ["conv_as_matrix", "vae", "gan"]
    assert pipeline.main(names=names, out=tmp_path / "ok", jobs=2) == 0
    assert {p.parent.name for p in (tmp_path / "ok").glob("*/built.txt")} == set(names)
    monkeypatch.setattr(pipeline, "TRANSFORMS", [pipeline.Transform("refuse", refuse_vae)])
    with pytest.raises(BuildError, match="vae: the solution fails test_x"):
        pipeline.main(names=names, out=tmp_path / "refused", jobs=2)
