"""The digit classifier that judges generated digits (assignment 6, ``gan``).

    classifier = load_digit_classifier()             # inside a worker: imports Keras
    probabilities = class_probabilities(images)      # (N, 10), images in [-1, 1]
    quality(probabilities)   # NumPy only: {"confidence", "classes", "entropy", "histogram"}
    features = classifier_features(images)           # (N, 64): its last hidden layer
    frechet_distance(features, real_features)        # NumPy only; used by bench/

A small CNN trained by ``data/train_digit_classifier.py`` on the bundled MNIST training
digits (``load_digits("train", value_range=(-1, 1))``), its weights in
``data/digit_classifier.weights.h5``; data/README.md says how it was trained and how well it
does. It was also shown junk (noise, blank images, scrambled digits) with a flat target and
blends of two digits with a split target, so that it is *unsure* of what is not a clean
digit: its confidence means something on a generator's samples.

The architecture lives here only: the training script, the probes and the project's tests
all build it with ``build_digit_classifier``. Keras is imported inside the functions; the
scoring (``quality``) is NumPy, so that the grader process can use it.
"""

from __future__ import annotations

import numpy as np

from autograder import paths

WEIGHTS_NAME = "digit_classifier.weights.h5"  #: in the course's data/ folder
IMAGE_SHAPE = (28, 28, 1)
CLASSES = 10
#: A class counts as produced when at least this share of the samples is classified as it.
MIN_SHARE = 0.02
#: A sample counts as a clear digit when the classifier gives one class at least this.
SURE_CONFIDENCE = 0.9

_loaded: dict[str, object] = {}


def build_digit_classifier():
    """The classifier's architecture, untrained: ``(N, 28, 28, 1)`` in [-1, 1] to 10 logits."""
    import keras

    layers = keras.layers
    digit = keras.Input(IMAGE_SHAPE, name="digit")
    h = layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(digit)  # 14x14
    h = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(h)  # 7x7
    h = layers.Flatten()(h)
    h = layers.Dense(64, activation="relu")(h)
    logits = layers.Dense(CLASSES, name="logits")(h)
    return keras.Model(digit, logits, name="digit_classifier")


def load_digit_classifier(path=None):
    """The trained classifier (built once per process and path)."""
    file = str(path or paths.DATA / WEIGHTS_NAME)
    if file not in _loaded:
        model = build_digit_classifier()
        model.load_weights(file)
        _loaded[file] = model
    return _loaded[file]


def class_probabilities(images, batch: int = 256, path=None) -> np.ndarray:
    """Softmax class probabilities, float64 ``(N, 10)``, of images ``(N, 28, 28, 1)`` in [-1, 1].

    Values outside [-1, 1] are clipped first: the classifier never saw any.
    """
    import keras

    model = load_digit_classifier(path)
    images = np.clip(np.asarray(images, dtype=np.float32), -1.0, 1.0)
    parts = []
    for start in range(0, len(images), batch):
        logits = model(images[start:start + batch], training=False)
        parts.append(keras.ops.convert_to_numpy(keras.ops.softmax(logits)))
    return np.concatenate(parts).astype(np.float64)


def classifier_features(images, batch: int = 256, path=None) -> np.ndarray:
    """The classifier's last hidden layer, float64 ``(N, 64)``, for images in [-1, 1].

    The feature space of the Fréchet distance below: where the classifier has learnt what
    tells digits apart, so distances there are about digit shapes, not raw pixels.
    """
    import keras

    key = f"{path or paths.DATA / WEIGHTS_NAME}#features"
    if key not in _loaded:
        model = load_digit_classifier(path)
        _loaded[key] = keras.Model(model.input, model.layers[-2].output)
    images = np.clip(np.asarray(images, dtype=np.float32), -1.0, 1.0)
    parts = [keras.ops.convert_to_numpy(_loaded[key](images[i:i + batch], training=False))
             for i in range(0, len(images), batch)]
    return np.concatenate(parts).astype(np.float64)


def frechet_distance(features_a, features_b) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets ``(N, D)``, ``(M, D)``.

    The FID's formula: ``|mu_a - mu_b|^2 + tr(S_a + S_b - 2 (S_a S_b)^(1/2))``. The trace of
    the root is taken from the eigenvalues of the symmetric ``S_a^(1/2) S_b S_a^(1/2)``, which
    has the same eigenvalues as ``S_a S_b`` (so no SciPy ``sqrtm`` and no complex parts).
    0 for identical sets; it grows with the squared distance of the means.
    """
    a = np.asarray(features_a, dtype=np.float64)
    b = np.asarray(features_b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1] or min(len(a), len(b)) < 2:
        raise ValueError(f"need two (N, D) feature sets with N >= 2 and the same D, got "
                         f"{a.shape} and {b.shape}")
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    values, vectors = np.linalg.eigh(cov_a)
    root_a = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    middle = np.linalg.eigvalsh(root_a @ cov_b @ root_a)
    trace_root = np.sum(np.sqrt(np.clip(middle, 0, None)))
    mean_gap = np.sum((a.mean(axis=0) - b.mean(axis=0)) ** 2)
    return float(mean_gap + np.trace(cov_a) + np.trace(cov_b) - 2.0 * trace_root)


def classifier_score(probabilities) -> float:
    """``exp(mean KL(p(y|x) || p(y)))``, the Inception Score's formula with this classifier.

    From 1 (every sample gets the same class distribution: all one digit, or all junk) to
    10 (each sample is sure of its digit, and all ten digits are equally frequent).
    """
    p = np.clip(np.asarray(probabilities, dtype=np.float64), 1e-12, 1.0)
    marginal = p.mean(axis=0, keepdims=True)
    return float(np.exp(np.mean(np.sum(p * (np.log(p) - np.log(marginal)), axis=1))))


def quality(probabilities) -> dict:
    """How digit-like and how varied a set of samples is, from their class probabilities.

    Returns:
        ``confidence``: mean over samples of the largest class probability (a clean digit
        scores near 1, junk near 0.1); ``histogram``: how many samples are classified as each
        digit; ``classes``: how many digits hold at least ``MIN_SHARE`` of the samples;
        ``entropy``: entropy of the histogram in bits (log2(10) = 3.32 for ten equally
        frequent digits, 0 when every sample is the same digit); ``sure_share``: the share
        of samples whose largest class probability is at least ``SURE_CONFIDENCE``.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    counts = np.bincount(np.argmax(p, axis=1), minlength=CLASSES)
    share = counts / max(len(p), 1)
    nonzero = share[share > 0]
    return {
        "confidence": float(np.mean(np.max(p, axis=1))),
        "histogram": [int(c) for c in counts],
        "classes": int(np.sum(share >= MIN_SHARE)),
        "entropy": float(-np.sum(nonzero * np.log2(nonzero))),
        "sure_share": float(np.mean(np.max(p, axis=1) >= SURE_CONFIDENCE)) if len(p) else 0.0,
    }
