"""The course's image data, MNIST-shaped, without downloading anything.

    from autograder.datasets import load_digits, load_mnist
    x_train, y_train = load_digits("train")        # float32 (1199, 28, 28, 1) in [0, 1]
    x_val, y_val = load_digits("val", value_range=(-1, 1))   # for the GAN
    x, y = load_mnist("train")    # real MNIST if Keras has cached it, else the digits

``load_digits`` reads ``data/digits.npz``: the 1,797 8x8 hand-written digits of the UCI
optical-recognition set, as scikit-learn distributes them (origin and licence in
data/README.md). Each image is resized smoothly to 20x20 (bicubic) and padded to 28x28,
which is how MNIST frames its digits, so every model in the course takes (28, 28, 1). The
train/validation/test split (1199/299/299, stratified by digit) is stored in the file, so
it never changes.

``load_mnist`` returns real MNIST when the standard Keras cache file exists
(``$KERAS_HOME/datasets/mnist.npz``, else ``~/.keras/datasets/mnist.npz``): its 60,000
training images split into train (the first 50,000) and validation (the last 10,000),
and its 10,000 test images. Otherwise it prints a one-line notice on stderr and returns the
bundled digits. It never downloads.

NumPy only: the grader process and the worker both import this module, and neither may need
TensorFlow for it. Results are cached in the process; every call returns fresh arrays.
"""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import numpy as np

from autograder import paths

SPLITS = ("train", "val", "test")
VALUE_RANGES = ((0, 1), (-1, 1))
DIGITS_FILE = "digits.npz"
#: The digit is resized to DIGIT_SIZE x DIGIT_SIZE and centred with PAD zero pixels around
#: it: MNIST's 20x20 box inside a 28x28 frame.
DIGIT_SIZE = 20
PAD = 4
IMAGE_SIZE = DIGIT_SIZE + 2 * PAD
#: The part of MNIST's 60,000 training images kept for validation (the last 10,000).
MNIST_VAL_FRACTION = 1 / 6


class DatasetError(OSError):
    """A data file is missing or unreadable; the message names the file and what to do."""

    def __init__(self, message: str, path: Path | str) -> None:
        super().__init__(message)
        self.path = Path(path)


class MissingDatasetError(DatasetError, FileNotFoundError):
    """The data file does not exist."""


_digits_cache: dict[str, tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]] = {}
_mnist_cache: dict[str, dict[str, np.ndarray]] = {}
_notice_shown = False


def digits_file() -> Path:
    """Where the bundled digits live: ``data/digits.npz`` in the repository."""
    return paths.DATA / DIGITS_FILE


def load_digits(split: str = "train", value_range: tuple[float, float] = (0, 1), *,
                path: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The bundled hand-written digits, resized to MNIST's shape.

    Args:
        split: "train" (1199 images), "val" (299) or "test" (299); fixed, disjoint,
            stratified by digit, each in a fixed shuffled order.
        value_range: (0, 1), or (-1, 1) for a tanh generator (the GAN).
        path: another digits file (tests); default ``data/digits.npz``.

    Returns:
        ``(x, y)``: x float32 ``(N, 28, 28, 1)`` in ``value_range``, y int64 ``(N,)`` in 0..9.

    Raises:
        DatasetError: the file is missing or corrupt (the message names it).
    """
    _check_arguments(split, value_range)
    file = Path(path) if path is not None else digits_file()
    key = str(file.resolve())
    if key not in _digits_cache:
        _digits_cache[key] = _read_digits(file)
    images, labels, splits = _digits_cache[key]
    index = splits[split]
    return _scaled(images[index], value_range), labels[index].astype(np.int64)


def load_mnist(split: str = "train", value_range: tuple[float, float] = (0, 1), *,
               cache_file: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Real MNIST when Keras has it cached, otherwise the bundled digits (with a notice).

    Args:
        split: "train" (MNIST: the first 50,000 training images), "val" (the last 10,000)
            or "test" (the 10,000 test images).
        value_range: (0, 1), or (-1, 1).
        cache_file: the MNIST file to look for; default ``mnist_cache_file()``.

    Returns:
        ``(x, y)`` as ``load_digits`` gives them: float32 ``(N, 28, 28, 1)``, int64 labels.

    Raises:
        DatasetError: the MNIST file exists but is corrupt, or the fallback digits are
            missing or corrupt (the message names the file).
    """
    _check_arguments(split, value_range)
    file = Path(cache_file) if cache_file is not None else mnist_cache_file()
    if not file.is_file():
        _notice(f"load_mnist: no MNIST at {file}; using the bundled 8x8 digits resized to "
                f"28x28 instead ({digits_file()})")
        return load_digits(split, value_range)
    key = str(file.resolve())
    if key not in _mnist_cache:
        _mnist_cache[key] = _read_mnist(file)
    x, y = _mnist_cache[key][f"x_{split}"], _mnist_cache[key][f"y_{split}"]
    pixels = x.astype(np.float32)[..., None] / np.float32(255)
    return _scaled(pixels, value_range), y.astype(np.int64)


def mnist_cache_file() -> Path:
    """Where ``keras.datasets.mnist.load_data()`` keeps its download.

    Keras uses ``$KERAS_HOME`` when that variable is set, else ``~/.keras`` (``/tmp/.keras``
    when the home folder is not writable), and the ``datasets`` folder inside it.
    """
    home = os.environ.get("KERAS_HOME")
    if home:
        base = Path(home).expanduser()
    else:
        user_home = Path("~").expanduser()
        base = (user_home if os.access(user_home, os.W_OK) else Path("/tmp")) / ".keras"
    return base / "datasets" / "mnist.npz"


def resize_digits(images: np.ndarray) -> np.ndarray:
    """8x8 digits with values in [0, 1] to float32 (N, 28, 28), framed like MNIST.

    Separable bicubic interpolation (Keys, a = -0.5) onto a 20x20 grid, pixel centres
    aligned and the background continued as zeros, then clipped to [0, 1] (the cubic
    overshoots slightly at strong edges) and padded with 4 zero pixels on every side.
    """
    images = np.asarray(images, dtype=np.float64)
    weights = _bicubic_matrix(images.shape[-2], DIGIT_SIZE)
    resized = np.einsum("oi,nij,pj->nop", weights, images, weights)
    resized = np.clip(resized, 0.0, 1.0)
    framed = np.pad(resized, ((0, 0), (PAD, PAD), (PAD, PAD)))
    return framed.astype(np.float32)


# -- internals --------------------------------------------------------------------------

def _check_arguments(split: str, value_range) -> None:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    if tuple(value_range) not in VALUE_RANGES:
        raise ValueError(f"value_range must be (0, 1) or (-1, 1), not {value_range!r}")


def _scaled(pixels: np.ndarray, value_range) -> np.ndarray:
    """float32 images in [0, 1] to the requested range, as a new array."""
    if tuple(value_range) == (-1, 1):
        return (pixels * np.float32(2) - np.float32(1)).astype(np.float32)
    return np.array(pixels, dtype=np.float32, copy=True)


def _bicubic_matrix(n_in: int, n_out: int, a: float = -0.5) -> np.ndarray:
    """(n_out, n_in) weights: output pixel o is sum_i W[o, i] * input pixel i."""
    centres = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5  # in input pixel units
    t = np.abs(centres[:, None] - np.arange(n_in)[None, :])
    near = ((a + 2) * t - (a + 3)) * t * t + 1
    far = ((a * t - 5 * a) * t + 8 * a) * t - 4 * a
    return np.where(t <= 1, near, np.where(t < 2, far, 0.0))


def _open_npz(file: Path, what: str, how_to_fix: str) -> dict[str, np.ndarray]:
    """Every array of an .npz (no pickles), or a ``DatasetError`` that names the file."""
    if not file.is_file():
        raise MissingDatasetError(f"{what} {file} is missing; {how_to_fix}", file)
    try:
        with np.load(file, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as error:
        raise DatasetError(f"{what} {file} is corrupt or not an .npz file ({error}); "
                           f"{how_to_fix}", file) from None


def _read_digits(file: Path) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    fix = "restore it with `git checkout -- data/digits.npz` or `python data/make_digits.py`"
    arrays = _open_npz(file, "the bundled digits file", fix)

    def corrupt(reason: str) -> DatasetError:
        return DatasetError(f"the bundled digits file {file} is corrupt: {reason}; {fix}", file)

    missing = {"images", "labels", *SPLITS} - set(arrays)
    if missing:
        raise corrupt(f"it has no {', '.join(sorted(missing))}")
    images, labels = arrays["images"], arrays["labels"]
    if images.ndim != 3 or images.shape[1:] != (8, 8) or labels.shape != images.shape[:1] \
            or len(images) == 0:
        raise corrupt(f"images {images.shape} and labels {labels.shape} should be "
                      "(N, 8, 8) and (N,)")
    if images.dtype.kind not in "iu" or images.min() < 0 or images.max() > 16:
        raise corrupt("pixels should be integers in 0..16")
    if labels.dtype.kind not in "iu" or labels.min() < 0 or labels.max() > 9:
        raise corrupt("labels should be integers in 0..9")
    splits = {name: np.asarray(arrays[name]) for name in SPLITS}
    everything = np.concatenate([splits[name] for name in SPLITS])
    if everything.dtype.kind not in "iu" or \
            not np.array_equal(np.sort(everything), np.arange(len(images))):
        raise corrupt("the train/val/test indices should split the images exactly once")
    pixels = resize_digits(images / 16.0)[..., None]
    return pixels, labels.astype(np.int64), splits


def _read_mnist(file: Path) -> dict[str, np.ndarray]:
    fix = ("delete it, and let `keras.datasets.mnist.load_data()` download it again where "
           "there is internet")
    arrays = _open_npz(file, "the MNIST cache file", fix)
    shapes = {name: arrays[name].shape for name in ("x_train", "y_train", "x_test", "y_test")
              if name in arrays}
    good = (len(shapes) == 4
            and len(shapes["x_train"]) == 3 and shapes["x_train"][1:] == (28, 28)
            and len(shapes["x_test"]) == 3 and shapes["x_test"][1:] == (28, 28)
            and shapes["y_train"] == shapes["x_train"][:1]
            and shapes["y_test"] == shapes["x_test"][:1]
            and all(arrays[name].dtype.kind in "iu" for name in shapes))
    if not good:
        raise DatasetError(f"the MNIST cache file {file} is corrupt: expected integer "
                           "arrays x_train (N, 28, 28), y_train (N,), x_test, y_test; found "
                           f"{shapes}; {fix}", file)
    x_train, y_train = arrays["x_train"], arrays["y_train"]
    n_val = int(len(x_train) * MNIST_VAL_FRACTION)
    n_train = len(x_train) - n_val
    return {"x_train": x_train[:n_train], "y_train": y_train[:n_train],
            "x_val": x_train[n_train:], "y_val": y_train[n_train:],
            "x_test": arrays["x_test"], "y_test": arrays["y_test"]}


def _notice(line: str) -> None:
    """Print ``line`` on stderr once per process."""
    global _notice_shown
    if not _notice_shown:
        print(line, file=sys.stderr)
        _notice_shown = True
