"""Draw the handout's figures from a gan module: the reference's, or yours.

    python figures.py [--module-dir DIR] [--out DIR]

imports ``gan.py`` from DIR (default: this folder), trains your GAN on the bundled MNIST digits
(your ``build_generator``, ``build_discriminator``, losses and ``GAN``; seeded, about a minute
on one CPU core) and writes into OUT (default: ``figures/`` here):

- ``samples_over_training.png``: ten samples from your generator, always from the same ten
  noise vectors, after 0, 1, 2, ... epochs. Each row is labelled with the digit
  classifier's verdict on 500 samples: its mean confidence, and how many different digits
  it sees (the measures of the graded training run). The last row shows real test digits,
  judged the same way, for comparison.
- ``losses.png``: your ``d_loss`` and ``g_loss`` after every epoch, with the values of the
  equilibrium where the critic can only guess (2 ln 2 and ln 2).

A part that is not implemented yet leaves the figure empty, with a note.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]  # solutions/gan/ and assignments/gan/ alike
sys.path.insert(0, str(ROOT))
from autograder.datasets import load_digits  # noqa: E402
from autograder.probes.digit_classifier import class_probabilities, quality  # noqa: E402

NOISE_DIM = 64
EPOCHS = 15
SNAPSHOTS = (0, 1, 2, 3, 5, 8, 11, 15)  #: after these many epochs
LEARNING_RATE = 1e-3
BATCH = 32
SEED = 0
SHOWN = 10
JUDGED = 500


def load_module(folder: Path):
    spec = importlib.util.spec_from_file_location("gan", folder / "gan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def train(module, x_train: np.ndarray):
    """Your GAN trained for EPOCHS epochs: (snapshots {epoch: images}, losses per epoch),
    or (None, reason) when a part is not implemented yet."""
    keras.utils.set_random_seed(SEED)
    try:
        generator = module.build_generator(NOISE_DIM)
        discriminator = module.build_discriminator()
        gan = module.GAN(generator, discriminator, NOISE_DIM, seed=SEED)
        gan.compile(g_optimizer=keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5),
                    d_optimizer=keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5))
        noise = np.random.default_rng(SEED).standard_normal((JUDGED, NOISE_DIM))
        noise = noise.astype(np.float32)
        snapshots = {0: _samples(generator, noise)}
        losses: dict[str, list[float]] = {"d_loss": [], "g_loss": []}
        for epoch in range(1, EPOCHS + 1):
            history = gan.fit(x_train, batch_size=BATCH, epochs=1, shuffle=True, verbose=0)
            for key in losses:
                losses[key].append(float(np.ravel(history.history.get(key, [np.nan]))[-1]))
            if epoch in SNAPSHOTS:
                snapshots[epoch] = _samples(generator, noise)
    except NotImplementedError as error:
        return None, f"not implemented yet: {error}"
    return snapshots, losses


def _samples(generator, noise: np.ndarray) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(generator(noise, training=False)))


def draw_samples(snapshots, real: np.ndarray, note: str, path: Path) -> None:
    """One row per snapshot, then a row of real digits to compare with."""
    rows = len(SNAPSHOTS) + 1
    height = rows * 0.95 + 0.5
    fig, axes = plt.subplots(rows, SHOWN, figsize=(SHOWN * 0.85 + 2.2, height), squeeze=False)
    for r, epoch in enumerate([*SNAPSHOTS, "real"]):
        if epoch == "real":
            images = real
        else:
            images = None if snapshots is None else snapshots.get(epoch)
        for c in range(SHOWN):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            if images is not None:
                ax.imshow(np.clip(images[c, :, :, 0], -1, 1), cmap="gray", vmin=-1, vmax=1)
            else:
                ax.set_facecolor("#eeeeee")
        label = "real digits" if epoch == "real" else f"epoch {epoch}"
        if images is not None:
            verdict = quality(class_probabilities(images))
            digits = verdict["classes"]
            label += (f"\nconfidence {verdict['confidence']:.2f}"
                      f"\n{digits} digit{'s' if digits != 1 else ''}")
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
    title = "Samples from the same ten noise vectors as training goes on"
    fig.suptitle(title if snapshots is not None else f"{title}: {note}", fontsize=10)
    fig.subplots_adjust(left=0.2, right=0.99, bottom=0.02, top=1 - 0.45 / height,
                        wspace=0.06, hspace=0.08)
    fig.savefig(path, dpi=90, metadata={"Software": None})
    plt.close(fig)


def draw_losses(losses, note: str, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    epochs = np.arange(1, EPOCHS + 1)
    if isinstance(losses, dict):
        ax.plot(epochs, losses["d_loss"], "o-", label="d_loss (the critic)")
        ax.plot(epochs, losses["g_loss"], "s-", label="g_loss (the painter)")
    else:
        ax.text(0.5, 0.5, note, ha="center", va="center", transform=ax.transAxes)
    ax.axhline(2 * np.log(2), color="grey", linestyle="--", linewidth=1)
    ax.axhline(np.log(2), color="grey", linestyle=":", linewidth=1)
    ax.text(EPOCHS, 2 * np.log(2), " 2 ln 2", va="center", fontsize=8)
    ax.text(EPOCHS, np.log(2), " ln 2", va="center", fontsize=8)
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean loss over the epoch")
    ax.set_xlim(0.5, EPOCHS + 1.5)
    if isinstance(losses, dict):
        ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=90, metadata={"Software": None})
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module-dir", type=Path, default=HERE)
    parser.add_argument("--out", type=Path, default=HERE / "figures")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    tf.config.experimental.enable_op_determinism()  # the same code draws the same figures
    module = load_module(args.module_dir)
    x_train = load_digits("train", value_range=(-1, 1))[0]
    snapshots, losses = train(module, x_train)
    note = losses if snapshots is None else ""
    real = load_digits("test", value_range=(-1, 1))[0]
    draw_samples(snapshots, real[:500], note, args.out / "samples_over_training.png")
    draw_losses(losses, note, args.out / "losses.png")


if __name__ == "__main__":
    main()
