"""Train the digit classifier that judges GAN samples; write data/digit_classifier.weights.h5.

    python data/train_digit_classifier.py            # under a minute on one CPU core

The architecture is ``autograder.probes.digit_classifier.build_digit_classifier``. It is
trained on the bundled training digits in [-1, 1] (``load_digits("train", (-1, 1))``), each
also shifted by one pixel, and on images that are not clean digits, so that its confidence
is low where a generator fails:

- junk with a flat target (0.1 for every digit): uniform noise, smooth random blobs, blank
  images of a random grey, and digits whose pixels were shuffled;
- blends ``(a + b) / 2`` of two digits of different classes, with the target split between
  them (0.5 each): a half-trained generator draws such ambiguous shapes.

Everything is seeded and TensorFlow runs deterministically on one thread, so the script
writes the same weights every time on the same machine. It prints the accuracy and the
mean confidence on the test digits and on fresh junk; data/README.md quotes them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from autograder.datasets import load_digits  # noqa: E402
from autograder.probes.digit_classifier import (  # noqa: E402
    CLASSES,
    WEIGHTS_FILE,
    build_digit_classifier,
)

SEED = 6
EPOCHS = 20
BATCH = 64
LEARNING_RATE = 1e-3


def shifted(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each image moved by one pixel in a random direction (the background is -1)."""
    out = np.full_like(images, -1.0)
    for i, image in enumerate(images):
        dy, dx = rng.integers(-1, 2, size=2)
        out[i] = np.roll(image, (dy, dx), axis=(0, 1))
    return out


def junk(n: int, digits: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``n`` images of each kind that is not a digit, in [-1, 1]."""
    uniform = rng.uniform(-1, 1, (n, 28, 28, 1))
    # Smooth blobs: coarse 7x7 noise blown up to 28x28, squashed into [-1, 1].
    coarse = rng.standard_normal((n, 7, 7, 1)) * 1.5 - 0.5
    blobs = np.tanh(np.repeat(np.repeat(coarse, 4, axis=1), 4, axis=2))
    blank = np.broadcast_to(rng.uniform(-1, 1, (n, 1, 1, 1)), (n, 28, 28, 1))
    picked = digits[rng.integers(0, len(digits), n)].reshape(n, -1)
    scrambled = rng.permuted(picked, axis=1).reshape(n, 28, 28, 1)
    return np.concatenate([uniform, blobs, blank, scrambled]).astype(np.float32)


def blends(n: int, digits: np.ndarray, labels: np.ndarray, rng: np.random.Generator
           ) -> tuple[np.ndarray, np.ndarray]:
    """``n`` averages of two digits of different classes, with a target split between them."""
    first = rng.integers(0, len(digits), n)
    second = rng.integers(0, len(digits), n)
    keep = labels[first] != labels[second]
    first, second = first[keep], second[keep]
    images = (digits[first] + digits[second]) / 2
    targets = np.zeros((len(first), CLASSES), np.float32)
    targets[np.arange(len(first)), labels[first]] += 0.5
    targets[np.arange(len(first)), labels[second]] += 0.5
    return images.astype(np.float32), targets


def training_set(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x, y = load_digits("train", value_range=(-1, 1))
    one_hot = np.eye(CLASSES, dtype=np.float32)[y]
    rubbish = junk(len(x) // 2, x, rng)
    mixed, mixed_targets = blends(len(x), x, y, rng)
    images = np.concatenate([x, shifted(x, rng), rubbish, mixed])
    targets = np.concatenate([one_hot, one_hot,
                              np.full((len(rubbish), CLASSES), 1 / CLASSES, np.float32),
                              mixed_targets])
    order = rng.permutation(len(images))
    return images[order], targets[order]


def main() -> None:
    import keras
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(SEED)
    rng = np.random.default_rng(SEED)
    images, targets = training_set(rng)
    model = build_digit_classifier()
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    model.fit(images, targets, batch_size=BATCH, epochs=EPOCHS, shuffle=True, verbose=0)
    # Saved from an uncompiled copy: the file holds the model's weights, not Adam's state.
    judge = build_digit_classifier()
    judge.set_weights(model.get_weights())
    judge.save_weights(WEIGHTS_FILE)

    def probabilities(x: np.ndarray) -> np.ndarray:
        return keras.ops.convert_to_numpy(keras.ops.softmax(model(x, training=False)))

    x_test, y_test = load_digits("test", value_range=(-1, 1))
    p = probabilities(x_test)
    fresh = np.random.default_rng(SEED + 1)
    print(f"wrote {WEIGHTS_FILE} ({WEIGHTS_FILE.stat().st_size} bytes), "
          f"{model.count_params()} parameters, {len(images)} training images")
    print(f"test digits: accuracy {np.mean(p.argmax(1) == y_test):.4f}, "
          f"mean confidence {p.max(1).mean():.3f}")
    rubbish = junk(200, x_test, fresh)
    for i, kind in enumerate(("uniform noise", "blobs", "blank", "scrambled digits")):
        confidence = probabilities(rubbish[i * 200:(i + 1) * 200]).max(1).mean()
        print(f"{kind}: mean confidence {confidence:.3f}")
    mixed, _ = blends(400, x_test, y_test, fresh)
    print(f"blends of two test digits: mean confidence {probabilities(mixed).max(1).mean():.3f}")


if __name__ == "__main__":
    main()
