"""Write data/digits.npz from scikit-learn's copy of the UCI hand-written digits (run once).

    python -m pip install scikit-learn && python data/make_digits.py

The course never needs scikit-learn at run time: ``autograder.datasets`` reads the file this
script writes. The output is deterministic (same bytes on every run), so its SHA-256 in
data/README.md identifies it. Contents:

    images     uint8 (1797, 8, 8), integer pixel counts 0..16 (as scikit-learn gives them)
    labels     uint8 (1797,), the digit 0..9
    train      int32 (1199,), indices into images: the training split, in a shuffled order
    val        int32 (299,),  the validation split
    test       int32 (299,),  the test split

The split is stratified: within each digit class (shuffled with a fixed seed) the first
sixth goes to test, the next sixth to validation and the rest to training. Each split is
then shuffled (fixed seed), so its first few hundred images hold every digit.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "digits.npz"
SEED = 1998  # the year of the data set; any fixed number would do
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def stratified_split(labels: np.ndarray, seed: int = SEED
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(train, val, test) index arrays: one sixth of each class to test and val each."""
    rng = np.random.RandomState(seed)  # the legacy generator's stream never changes
    train, val, test = [], [], []
    for digit in range(10):
        members = rng.permutation(np.flatnonzero(labels == digit))
        sixth = int(round(len(members) / 6))
        test.extend(members[:sixth])
        val.extend(members[sixth:2 * sixth])
        train.extend(members[2 * sixth:])
    return tuple(rng.permutation(np.array(part, dtype=np.int32)) for part in (train, val, test))


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """A compressed .npz with fixed member timestamps, so that the bytes are reproducible."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue(), compresslevel=9)


def main() -> None:
    from sklearn.datasets import load_digits  # only this one-time script needs it

    digits = load_digits()
    images = digits.images
    if not np.array_equal(images, np.round(images)) or images.min() < 0 or images.max() > 16:
        raise SystemExit("unexpected pixel values: scikit-learn's digits should be 0..16")
    images = images.astype(np.uint8)
    labels = digits.target.astype(np.uint8)
    train, val, test = stratified_split(labels)
    write_npz(OUT, {"images": images, "labels": labels, "train": train, "val": val,
                    "test": test})
    digest = hashlib.sha256(OUT.read_bytes()).hexdigest()
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes): {len(images)} images, "
          f"split {len(train)}/{len(val)}/{len(test)}, sha256 {digest}")


if __name__ == "__main__":
    main()
