"""Draw the handout's figures from an autoencoder module: the reference's, or yours.

    python figures.py [--module-dir DIR] [--out DIR]

imports ``autoencoder.py`` from DIR (default: this folder), trains its autoencoder twice on
the bundled MNIST digits (seeded, about a minute on one CPU core), and writes into OUT (default:
``figures/`` here):

- ``reconstructions.png``: ten validation digits; your autoencoder's reconstructions
  (``build_conv_autoencoder(16)`` trained by your ``train_autoencoder`` for 15 epochs); and
  your ``pca_reconstruct`` with k = 16 components, the same code size. Each row is titled
  with its MSE over all 500 validation digits.
- ``denoising.png``: the same digits; with noise (your ``add_noise``, std 0.5); what your
  denoising autoencoder (``train_autoencoder(..., noise_std=0.5)``) makes of the noisy
  images; and PCA's reconstruction of the noisy images (k = 16).

A function that is not implemented yet leaves its row empty, with a note.
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
ROOT = HERE.parents[1]  # solutions/autoencoder/ and assignments/autoencoder/ alike
sys.path.insert(0, str(ROOT))
from autograder.datasets import load_digits  # noqa: E402

LATENT_DIM = 16
EPOCHS = 15
NOISE_STD = 0.5
SEED = 0
SHOWN = 10


def load_module(folder: Path):
    spec = importlib.util.spec_from_file_location("autoencoder", folder / "autoencoder.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def attempt(function, *args, **kwargs):
    """``function(*args, **kwargs)``, or None when it is not implemented yet."""
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        return None


def trained(module, x_train, x_val, noise_std: float):
    """Your autoencoder trained by your train_autoencoder, or None if either is missing."""
    keras.utils.set_random_seed(SEED)
    models = attempt(module.build_conv_autoencoder, LATENT_DIM)
    if models is None:
        return None
    autoencoder = models[2]
    history = attempt(module.train_autoencoder, autoencoder, x_train, x_val, epochs=EPOCHS,
                      noise_std=noise_std, seed=SEED)
    return None if history is None else autoencoder


def predict(model, x):
    return None if model is None else np.asarray(model.predict(x, batch_size=128, verbose=0))


def mse(images, target) -> str:
    if images is None:
        return "not implemented yet"
    return f"MSE {np.mean((np.asarray(images, np.float64) - target) ** 2):.4f}"


def grid(rows: list[tuple[str, np.ndarray | None]], title: str, path: Path) -> None:
    """One row of SHOWN digits per entry, labelled on the left; empty rows say why."""
    height = len(rows) * 0.95 + 0.45
    fig, axes = plt.subplots(len(rows), SHOWN, figsize=(SHOWN * 0.85 + 1.4, height),
                             squeeze=False)
    for r, (label, images) in enumerate(rows):
        for c in range(SHOWN):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            if images is not None:
                ax.imshow(np.clip(images[c, :, :, 0], 0, 1), cmap="gray", vmin=0, vmax=1)
            else:
                ax.set_facecolor("#eeeeee")
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.subplots_adjust(left=0.15, right=0.99, bottom=0.02, top=1 - 0.4 / height,
                        wspace=0.06, hspace=0.08)
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

    x_train, x_val = load_digits("train")[0], load_digits("val")[0]
    shown = x_val[:SHOWN]

    autoencoder = trained(module, x_train, x_val, 0.0)
    reconstructed = predict(autoencoder, x_val)
    pca = attempt(module.pca_reconstruct, x_train, x_val, LATENT_DIM)
    grid([("original", shown),
          (f"autoencoder\n{mse(reconstructed, x_val)}", _first(reconstructed)),
          (f"PCA, k = {LATENT_DIM}\n{mse(pca, x_val)}", _first(pca))],
         f"Validation digits through a code of {LATENT_DIM} numbers", args.out /
         "reconstructions.png")

    noisy = attempt(module.add_noise, x_val, NOISE_STD, SEED + 1)
    denoiser = trained(module, x_train, x_val, NOISE_STD) if noisy is not None else None
    denoised = predict(denoiser, noisy) if noisy is not None else None
    pca_noisy = attempt(module.pca_reconstruct, x_train, noisy, LATENT_DIM) \
        if noisy is not None else None
    grid([("original", shown),
          (f"noisy (std {NOISE_STD})\n{mse(noisy, x_val)}", _first(noisy)),
          (f"denoising AE\n{mse(denoised, x_val)}", _first(denoised)),
          (f"PCA of noisy, k = {LATENT_DIM}\n{mse(pca_noisy, x_val)}", _first(pca_noisy))],
         "Denoising: MSE from the clean validation digits", args.out / "denoising.png")


def _first(images):
    return None if images is None else np.asarray(images)[:SHOWN]


if __name__ == "__main__":
    main()
