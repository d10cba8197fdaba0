"""Does every correct implementation in tests/correct_styles/ earn full marks?

Each folder ``tests/correct_styles/<assignment>/<style>/`` holds one module written the
way a tutorial or a student writes it (TensorFlow's DCGAN tutorial with ``@tf.function``,
keras-io's VAE with its ``total_loss`` tracker, subclassed models, ``tf.split`` heads,
tf.math instead of keras.ops, ...), adapted only to the contract's names. The grader
compares behaviour, so each must score every point; where one loses a point for a correct
answer, the grader is wrong, not the style.
"""

from __future__ import annotations

import json

import pytest
from conftest import REPO, run_cli

STYLES = REPO / "tests" / "correct_styles"
FOLDERS = sorted(p for p in STYLES.glob("*/*") if p.is_dir())
@pytest.fixture(scope="module")
def graded() -> dict[str, dict]:
    """Every style graded once, in one CLI call: "<assignment>/<style>" -> results.json."""
    completed = run_cli("grade", *map(str, FOLDERS), "--format", "json", timeout=3000)
    assert completed.returncode == 0, completed.stderr
    documents = json.loads(completed.stdout)
    documents = documents if isinstance(documents, list) else [documents]
    assert len(documents) == len(FOLDERS)
    return {f"{folder.parent.name}/{folder.name}": document
            for folder, document in zip(FOLDERS, documents, strict=True)}


def test_every_assignment_has_three_styles_at_least():
    counts = {}
    for folder in FOLDERS:
        counts[folder.parent.name] = counts.get(folder.parent.name, 0) + 1
        assert (folder / f"{folder.parent.name}.py").is_file(), folder
    assert counts and min(counts.values()) >= 3, counts


@pytest.mark.slow
@pytest.mark.parametrize("style", [f"{f.parent.name}/{f.name}" for f in FOLDERS])
def test_style_earns_full_marks(graded, style):
    document = graded[style]
    assignment = style.split("/")[0]
    tests = [t for t in document["tests"] if t["extra_data"]["assignment"] == assignment]
    lost = {t["name"]: t["output"][:500] for t in tests if t["score"] != t["max_score"]}
    assert tests and not lost, lost
