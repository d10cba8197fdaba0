"""Draw the handout's figures from a vae module: the reference's, or yours.

    python figures.py [--module-dir DIR] [--out DIR]

imports ``vae.py`` from DIR (default: this folder), trains your VAE twice on the bundled
MNIST digits (``build_encoder(2)``, ``build_decoder(2)``, your ``VAE`` class, seeded; about
a minute of one CPU core for the reference), and writes into OUT (default: ``figures/`` here):

- ``sigma_collapse.png``: the average sigma = exp(0.5 * log_var) of the validation digits'
  codes, and their KL term, after each epoch of training with beta = 1 (the ELBO, 40
  epochs) and with beta = 0 (the reconstruction loss alone, 12 epochs);
- ``latent_space.png``: where your encoder puts the validation digits (mu, one colour per
  digit), and what your decoder draws for a grid of codes from -2 to 2 (beta = 1);
- ``interpolation.png``: your ``interpolate`` between the codes of two validation digits,
  and ten new digits from your ``sample_images``.

A function that is not implemented yet leaves its panel empty, with a note.
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
ROOT = HERE.parents[1]  # solutions/vae/ and assignments/vae/ alike
sys.path.insert(0, str(ROOT))
from autograder.datasets import load_digits  # noqa: E402

LATENT_DIM = 2
EPOCHS = 40  #: the beta = 1 run: about 750 steps, enough for a readable latent grid
COLLAPSE_EPOCHS = 12  #: the beta = 0 run only shows sigma falling
BATCH_SIZE = 64
LEARNING_RATE = 5e-3
SEED = 0
GRID = 12  #: the decoded grid is GRID x GRID codes
STEPS = 10  #: images in an interpolation, and new samples shown
PAIR = (0, 1)  #: the two digit classes interpolated between


def load_module(folder: Path):
    spec = importlib.util.spec_from_file_location("vae", folder / "vae.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def attempt(function, *args, **kwargs):
    """``function(*args, **kwargs)``, or None when it is not implemented yet."""
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        return None


class Watch(keras.callbacks.Callback):
    """After every epoch: the mean sigma and the mean KL of the validation digits' codes."""

    def __init__(self, encoder, x_val) -> None:
        super().__init__()
        self.encoder, self.x_val = encoder, x_val
        self.sigma: list[float] = []
        self.kl: list[float] = []

    def on_epoch_end(self, epoch, logs=None) -> None:
        mu, log_var = encode(self.encoder, self.x_val)
        self.sigma.append(float(np.mean(np.exp(0.5 * log_var))))
        self.kl.append(float(np.mean(0.5 * np.sum(np.exp(log_var) + mu ** 2 - 1 - log_var, 1))))


def trained(module, x_train, x_val, beta: float, epochs: int):
    """(encoder, decoder, Watch) trained by your VAE with this beta, or None if missing."""
    keras.utils.set_random_seed(SEED)
    encoder = attempt(module.build_encoder, LATENT_DIM)
    decoder = attempt(module.build_decoder, LATENT_DIM)
    if encoder is None or decoder is None:
        return None
    try:
        vae = module.VAE(encoder, decoder, beta=beta, seed=SEED)
        vae.compile(optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE))
        watch = Watch(encoder, x_val)
        vae.fit(x_train, epochs=epochs, batch_size=BATCH_SIZE, shuffle=True, verbose=0,
                callbacks=[watch])
    except NotImplementedError:
        return None
    return encoder, decoder, watch


def encode(encoder, x) -> tuple[np.ndarray, np.ndarray]:
    mu, log_var = encoder(x, training=False)
    return np.asarray(mu, np.float64), np.asarray(log_var, np.float64)


def sigma_figure(runs: dict, path: Path) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    for beta, run in runs.items():
        if run is None:
            continue
        epochs = np.arange(1, len(run[2].sigma) + 1)
        label = f"beta = {beta:g}" + (" (reconstruction only)" if beta == 0 else " (ELBO)")
        axes[0].plot(epochs, run[2].sigma, marker="o", markersize=3, label=label)
        axes[1].plot(epochs, run[2].kl, marker="o", markersize=3, label=label)
    axes[0].set(yscale="log", xlabel="epoch", title="mean sigma of the codes (log scale)")
    axes[1].set(yscale="log", xlabel="epoch", title="mean KL term (nats, log scale)")
    for ax in axes:
        if ax.lines:
            ax.legend(fontsize=8)
        else:
            ax.text(0.5, 0.5, "not implemented yet", ha="center", transform=ax.transAxes)
    fig.tight_layout()
    fig.savefig(path, dpi=90, metadata={"Software": None})
    plt.close(fig)


def latent_figure(run, x_val, y_val, path: Path) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.8))
    if run is None:
        for ax in axes:
            ax.text(0.5, 0.5, "not implemented yet", ha="center", transform=ax.transAxes)
    else:
        encoder, decoder, _ = run
        mu, _ = encode(encoder, x_val)
        scatter = axes[0].scatter(mu[:, 0], mu[:, 1], c=y_val, cmap="tab10", s=10,
                                  vmin=-0.5, vmax=9.5)
        fig.colorbar(scatter, ax=axes[0], ticks=range(10), label="digit")
        axes[0].set(xlim=(-3, 3), ylim=(-3, 3), xlabel="mu[0]", ylabel="mu[1]",
                    title="validation digits: mu of each code")
        values = np.linspace(-2, 2, GRID, dtype=np.float32)
        codes = np.array([[a, b] for b in values[::-1] for a in values], np.float32)
        images = np.asarray(decoder(codes, training=False))[..., 0]
        tiles = np.concatenate([np.concatenate(list(images[r * GRID:(r + 1) * GRID]), axis=1)
                                for r in range(GRID)], axis=0)
        axes[1].imshow(tiles, cmap="gray", vmin=0, vmax=1, extent=(-2.2, 2.2, -2.2, 2.2))
        axes[1].set(xlabel="z[0]", ylabel="z[1]", title="decoder(z) for z on a grid")
    fig.tight_layout()
    fig.savefig(path, dpi=90, metadata={"Software": None})
    plt.close(fig)


def interpolation_figure(module, run, x_val, y_val, path: Path) -> None:
    rows: list[tuple[str, np.ndarray | None]] = []
    start, end = (x_val[np.flatnonzero(y_val == digit)[0]] for digit in PAIR)
    line = samples = None
    if run is not None:
        encoder, decoder, _ = run
        mu, _ = encode(encoder, np.stack([start, end]))
        line = attempt(module.interpolate, decoder, mu[0], mu[1], STEPS)
        samples = attempt(module.sample_images, decoder, STEPS, LATENT_DIM, SEED)
    rows.append((f"interpolate\n{PAIR[0]} to {PAIR[1]}", line))
    rows.append(("sample_images", samples))
    fig, axes = plt.subplots(2, STEPS + 2, figsize=((STEPS + 2) * 0.85 + 1.2, 2.4),
                             squeeze=False)
    for r, (_, images) in enumerate(rows):
        for c in range(STEPS + 2):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0 and c in (0, STEPS + 1):
                ax.imshow((start if c == 0 else end)[:, :, 0], cmap="gray", vmin=0, vmax=1)
                ax.set_title("input", fontsize=7)
            elif images is not None and 1 <= c <= STEPS:
                ax.imshow(np.clip(np.asarray(images)[c - 1, :, :, 0], 0, 1), cmap="gray",
                          vmin=0, vmax=1)
            elif images is None and 1 <= c <= STEPS:
                ax.set_facecolor("#eeeeee")
            else:
                ax.axis("off")
    fig.subplots_adjust(left=0.12, right=0.99, bottom=0.03, top=0.9, wspace=0.06,
                        hspace=0.1)
    for r, (label, images) in enumerate(rows):
        box = axes[r, 0].get_position()
        note = "" if images is not None else "\nnot implemented yet"
        fig.text(0.11, (box.y0 + box.y1) / 2, label + note, ha="right", va="center",
                 fontsize=8)
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

    x_train = load_digits("train")[0]
    x_val, y_val = load_digits("val")
    runs = {1.0: trained(module, x_train, x_val, 1.0, EPOCHS),
            0.0: trained(module, x_train, x_val, 0.0, COLLAPSE_EPOCHS)}
    sigma_figure(runs, args.out / "sigma_collapse.png")
    latent_figure(runs[1.0], x_val, y_val, args.out / "latent_space.png")
    interpolation_figure(module, runs[1.0], x_val, y_val, args.out / "interpolation.png")


if __name__ == "__main__":
    main()
