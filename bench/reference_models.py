"""Benchmark 2: how good the reference models get on the bundled digits, on CPU.

    python bench/reference_models.py [--data mnist|uci] [--scale 1.0] [--out bench/results]

Trains the reference solutions with the handouts' settings (the figures' scripts use the
same), each for a fixed number of epochs, on the training split of a bundled data set
(``--data mnist``, the default: the course's 4000 real MNIST training digits; ``--data
uci``: the 1199 UCI 8x8 digits resized, for comparison), seeded and with TensorFlow's op
determinism on:

- autoencoder: ``build_conv_autoencoder(k)`` trained by ``train_autoencoder`` for 15 epochs
  for each code size k in 2, 8, 16 and 32, against PCA with the same number of components
  (``pca_reconstruct``) on the same validation digits: the lecture's claim is that a
  nonlinear code beats the best linear one. With k = 16 also as a denoiser (noise std 0.5),
  against PCA of the noisy digits.
- vae: ``build_encoder(2)``, ``build_decoder(2)`` and ``VAE`` for 40 epochs (batch 64, Adam
  5e-3). The negative ELBO of the test digits after each epoch: the reconstruction term
  (Bernoulli, nats per digit) plus the KL term, averaged over 8 draws of the code per digit.
- gan: ``build_generator(64)``, ``build_discriminator()`` and ``GAN`` for 15 epochs (batch
  32, Adam 1e-3 with beta_1 0.5). After each epoch, 1000 samples from fixed noise are judged
  by the digit classifier (data/digit_classifier.weights.h5): its mean confidence, the share
  of samples it is sure of (confidence >= 0.9), how many digits it sees, the classifier
  score (the Inception Score's formula, 1 to 10) and the Fréchet distance to the test
  digits in the classifier's feature space. The same measures of the real training digits,
  and of uniform noise, give the scale. The goal for MNIST: within 60 s of training on 2
  CPU cores, at least 90 % of the samples sure and all 10 digits present.

Wall time per epoch is measured around each epoch alone (the evaluations after it are not
counted). ``--scale 0.1`` trains a tenth of the epochs (at least one), to try the script.

Prints a table; writes OUT/reference_models.json, OUT/reference_models.png (the curves) and
OUT/reference_samples.png (reconstructions and samples, beside real digits); with ``--data
uci`` the same names with ``_uci`` added.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import RESULTS, save, table  # noqa: E402

from autograder import paths  # noqa: E402
from autograder.datasets import load_digits, load_uci_digits  # noqa: E402
from autograder.probes import digit_classifier as judge  # noqa: E402
from autograder.probes.vae import bernoulli_nll  # noqa: E402

SEED = 0
#: The bundled data sets; ``--data`` picks one.
DATA = {"mnist": load_digits, "uci": load_uci_digits}
AE = {"latent_dim": 16, "codes": (2, 8, 16, 32), "epochs": 15, "noise_std": 0.5}
VAE = {"latent_dim": 2, "epochs": 40, "batch_size": 64, "learning_rate": 5e-3, "draws": 8}
GAN = {"noise_dim": 64, "epochs": 15, "batch_size": 32, "learning_rate": 1e-3,
       "samples": 1000, "goal_seconds": 60, "goal_sure_share": 0.9}
SHOWN = 10


def load_reference(name: str):
    spec = importlib.util.spec_from_file_location(name, paths.solution_file(name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class EpochClock(keras.callbacks.Callback):
    """Wall seconds of each epoch; then ``measure(model)`` and keeps what it returns.

    Callbacks run in order, so the clock stops before any evaluation that comes after it.
    """

    def __init__(self, measure=None) -> None:
        super().__init__()
        self.measure = measure
        self.seconds: list[float] = []
        self.measured: list[dict] = []

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None) -> None:
        self.seconds.append(time.perf_counter() - self._started)
        if self.measure is not None:
            self.measured.append(self.measure())


def fit_with(model: keras.Model, callbacks: list) -> None:
    """Make ``model.fit`` add ``callbacks``: train_autoencoder calls fit itself."""
    fit = model.fit
    model.fit = lambda *args, **kwargs: fit(*args, callbacks=callbacks, **kwargs)


def per_epoch(seconds: list[float]) -> dict:
    """The first epoch (it traces and compiles the step) apart from the median of the rest."""
    rest = seconds[1:] or seconds
    return {"first": round(seconds[0], 3), "median_rest": round(statistics.median(rest), 3)}


def mse(a, b) -> float:
    return float(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2))


# -- the three models -------------------------------------------------------------------------

def autoencoder_runs(load, epochs: int) -> dict:
    """Autoencoders against PCA: for each code size, and as a denoiser with k = 16."""
    module = load_reference("autoencoder")
    x_train, x_val = load("train")[0], load("val")[0]
    runs = {"codes": {}}
    for k in AE["codes"]:
        run = autoencoder_run(module, x_train, x_val, k, 0.0, epochs)
        runs["codes"][str(k)] = without_images(run)
        if k == AE["latent_dim"]:
            runs["plain"] = run
    runs["denoising"] = autoencoder_run(module, x_train, x_val, AE["latent_dim"],
                                        AE["noise_std"], epochs)
    return runs


def autoencoder_run(module, x_train: np.ndarray, x_val: np.ndarray, k: int, noise_std: float,
                    epochs: int) -> dict:
    """One autoencoder with a k-number code against PCA with k components: MSE curve, final
    MSEs, time per epoch and a few images."""
    keras.utils.set_random_seed(SEED)
    _, _, autoencoder = module.build_conv_autoencoder(k)
    clock = EpochClock()
    fit_with(autoencoder, [clock])
    history = module.train_autoencoder(autoencoder, x_train, x_val, epochs=epochs,
                                       noise_std=noise_std, seed=SEED)
    inputs = x_val if noise_std == 0 else module.add_noise(x_val, noise_std, SEED + 1)
    outputs = autoencoder.predict(inputs, batch_size=128, verbose=0)
    pca = module.pca_reconstruct(x_train, inputs, k)
    return {"val_mse": [float(v) for v in history.history["val_loss"]],
            "final_val_mse": mse(outputs, x_val), "pca_val_mse": mse(pca, x_val),
            "seconds_per_epoch": per_epoch(clock.seconds),
            "images": {"input": inputs[:SHOWN], "autoencoder": outputs[:SHOWN],
                       "pca": pca[:SHOWN]}}


def negative_elbo(encoder, decoder, x: np.ndarray, draws: int, seed: int) -> dict:
    """Mean over digits of reconstruction (Bernoulli NLL, nats) + KL, ``draws`` codes each."""
    mu, log_var = (np.asarray(t, np.float64) for t in encoder(x, training=False))
    kl = 0.5 * np.sum(np.exp(log_var) + mu ** 2 - 1.0 - log_var, axis=1)
    rng = np.random.default_rng(seed)
    reconstruction = np.zeros(len(x))
    for _ in range(draws):
        z = mu + np.exp(0.5 * log_var) * rng.standard_normal(mu.shape)
        x_hat = np.asarray(decoder(z.astype(np.float32), training=False))
        reconstruction += bernoulli_nll(x, x_hat) / draws
    return {"negative_elbo": float(np.mean(reconstruction + kl)),
            "reconstruction": float(np.mean(reconstruction)), "kl": float(np.mean(kl))}


def vae_run(load, epochs: int) -> dict:
    module = load_reference("vae")
    x_train, x_test = load("train")[0], load("test")[0]
    keras.utils.set_random_seed(SEED)
    encoder = module.build_encoder(VAE["latent_dim"])
    decoder = module.build_decoder(VAE["latent_dim"])
    vae = module.VAE(encoder, decoder, beta=1.0, seed=SEED)
    vae.compile(optimizer=keras.optimizers.Adam(learning_rate=VAE["learning_rate"]))
    clock = EpochClock(lambda: negative_elbo(encoder, decoder, x_test, VAE["draws"], SEED))
    vae.fit(x_train, epochs=epochs, batch_size=VAE["batch_size"], shuffle=True, verbose=0,
            callbacks=[clock])
    samples = module.sample_images(decoder, SHOWN, VAE["latent_dim"], SEED)
    return {"test": clock.measured, "final": clock.measured[-1],
            "seconds_per_epoch": per_epoch(clock.seconds), "images": {"samples": samples}}


def judged(images: np.ndarray, real_features: np.ndarray) -> dict:
    """The digit classifier's verdict on images in [-1, 1]."""
    probabilities = judge.class_probabilities(images)
    verdict = judge.quality(probabilities)
    return {"confidence": verdict["confidence"], "digits": verdict["classes"],
            "sure_share": verdict["sure_share"],
            "classifier_score": judge.classifier_score(probabilities),
            "frechet_distance": judge.frechet_distance(judge.classifier_features(images),
                                                       real_features)}


def gan_run(load, epochs: int) -> dict:
    module = load_reference("gan")
    x_train = load("train", value_range=(-1, 1))[0]
    x_test = load("test", value_range=(-1, 1))[0]
    real_features = judge.classifier_features(x_test)
    noise = np.random.default_rng(SEED).standard_normal((GAN["samples"], GAN["noise_dim"]))
    noise = noise.astype(np.float32)
    keras.utils.set_random_seed(SEED)
    generator = module.build_generator(GAN["noise_dim"])
    gan = module.GAN(generator, module.build_discriminator(), GAN["noise_dim"], seed=SEED)
    gan.compile(g_optimizer=keras.optimizers.Adam(GAN["learning_rate"], beta_1=0.5),
                d_optimizer=keras.optimizers.Adam(GAN["learning_rate"], beta_1=0.5))

    def samples():
        return np.asarray(generator(noise, training=False))

    untrained = judged(samples(), real_features)
    clock = EpochClock(lambda: judged(samples(), real_features))
    history = gan.fit(x_train, epochs=epochs, batch_size=GAN["batch_size"], shuffle=True,
                      verbose=0, callbacks=[clock])
    uniform = np.random.default_rng(SEED).uniform(-1, 1, (GAN["samples"], 28, 28, 1))
    return {"untrained": untrained, "per_epoch": clock.measured, "final": clock.measured[-1],
            "losses": {k: [float(v) for v in np.ravel(values)]
                       for k, values in history.history.items()},
            "training_digits": judged(x_train, real_features),
            "uniform_noise": judged(uniform, real_features),
            "seconds_per_epoch": per_epoch(clock.seconds),
            "training_seconds": round(sum(clock.seconds), 1),
            "images": {"samples": samples()[:SHOWN], "real": x_test[:SHOWN]}}


# -- report -----------------------------------------------------------------------------------

def report(ae: dict, vae: dict, gan: dict) -> str:
    denoising = ae["denoising"]
    f, g = gan["final"], gan["training_digits"]
    rows = [[f"autoencoder, val MSE (k = {k})", f"{run['final_val_mse']:.4f}",
             f"PCA {run['pca_val_mse']:.4f}", _seconds(run)] for k, run in ae["codes"].items()]
    rows += [
        ["denoising AE (std 0.5), val MSE", f"{denoising['final_val_mse']:.4f}",
         f"PCA of noisy {denoising['pca_val_mse']:.4f}", _seconds(denoising)],
        ["VAE (2-d code), test -ELBO, nats", f"{vae['final']['negative_elbo']:.1f}",
         f"recon {vae['final']['reconstruction']:.1f} + KL {vae['final']['kl']:.1f}",
         _seconds(vae)],
        ["GAN, Fréchet distance to test", f"{f['frechet_distance']:.1f}",
         f"train digits {g['frechet_distance']:.1f}, noise "
         f"{gan['uniform_noise']['frechet_distance']:.0f}", _seconds(gan)],
        ["GAN, classifier score (1-10)", f"{f['classifier_score']:.2f}",
         f"train digits {g['classifier_score']:.2f}", ""],
        ["GAN, confidence / digits seen", f"{f['confidence']:.2f} / {f['digits']}",
         f"train digits {g['confidence']:.2f} / {g['digits']}", ""],
        ["GAN, samples with confidence >= 0.9", f"{f['sure_share']:.1%}",
         f"train digits {g['sure_share']:.1%}", ""],
        ["GAN, training time (goal <= 60 s)", f"{gan['training_seconds']:.1f} s",
         f"goal met: {gan_goal_met(gan)}", ""],
    ]
    return table(["model", "result", "for scale", "s/epoch (1st, rest)"], rows)


def gan_goal_met(gan: dict) -> bool:
    """Within the time, at least the share of sure samples, and every digit present."""
    final = gan["final"]
    return (gan["training_seconds"] <= GAN["goal_seconds"]
            and final["sure_share"] >= GAN["goal_sure_share"] and final["digits"] == 10)


def _seconds(run: dict) -> str:
    s = run["seconds_per_epoch"]
    return f"{s['first']:.2f}, {s['median_rest']:.2f}"


def plot_curves(ae: dict, vae: dict, gan: dict, out: Path, suffix: str = "") -> None:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
    for kind, colour in (("plain", "C0"), ("denoising", "C1")):
        run = ae[kind]
        epochs = np.arange(1, len(run["val_mse"]) + 1)
        axes[0].plot(epochs, run["val_mse"], "o-", color=colour, ms=3, label=f"{kind} AE")
        axes[0].axhline(run["pca_val_mse"], color=colour, ls="--", lw=1,
                        label=f"PCA k=16{' of noisy' if kind == 'denoising' else ''}")
    axes[0].set(xlabel="epoch", ylabel="validation MSE", yscale="log",
                title="Autoencoders against PCA (same code size)")
    axes[0].legend(fontsize=8)
    epochs = np.arange(1, len(vae["test"]) + 1)
    for key in ("negative_elbo", "reconstruction", "kl"):
        axes[1].plot(epochs, [m[key] for m in vae["test"]], "o-", ms=3, label=key)
    axes[1].set(xlabel="epoch", ylabel="nats per test digit", title="VAE (2-d code), test split")
    axes[1].legend(fontsize=8)
    epochs = np.arange(0, len(gan["per_epoch"]) + 1)
    measures = [gan["untrained"], *gan["per_epoch"]]
    axes[2].plot(epochs, [m["frechet_distance"] for m in measures], "o-", ms=3, color="C3",
                 label="Fréchet distance to test digits")
    axes[2].axhline(gan["training_digits"]["frechet_distance"], color="C3", ls="--", lw=1,
                    label="training digits")
    axes[2].set(xlabel="epoch", ylabel="Fréchet distance (classifier features)",
                yscale="log", title="GAN, judged by the digit classifier")
    score = axes[2].twinx()
    score.plot(epochs, [m["classifier_score"] for m in measures], "s-", ms=3, color="C2",
               label="classifier score")
    score.set(ylabel="classifier score (1 to 10)", ylim=(1, 10))
    lines = axes[2].get_lines() + score.get_lines()
    axes[2].legend(lines, [line.get_label() for line in lines], fontsize=8)
    fig.tight_layout()
    fig.savefig(out / f"reference_models{suffix}.png", dpi=90, metadata={"Software": None})
    plt.close(fig)


def plot_samples(ae: dict, vae: dict, gan: dict, out: Path, suffix: str = "") -> None:
    import matplotlib.pyplot as plt

    rows = [("validation digits", ae["plain"]["images"]["input"], 1),
            ("autoencoder", ae["plain"]["images"]["autoencoder"], 1),
            ("PCA, k = 16", ae["plain"]["images"]["pca"], 1),
            ("noisy input", ae["denoising"]["images"]["input"], 1),
            ("denoising AE", ae["denoising"]["images"]["autoencoder"], 1),
            ("VAE samples", vae["images"]["samples"], 1),
            ("GAN samples", gan["images"]["samples"], -1),
            ("real test digits", gan["images"]["real"], -1)]
    fig, axes = plt.subplots(len(rows), SHOWN, figsize=(SHOWN * 0.8 + 1.6, len(rows) * 0.85))
    for r, (label, images, low) in enumerate(rows):
        for c in range(SHOWN):
            axes[r, c].imshow(np.asarray(images)[c, :, :, 0], cmap="gray", vmin=min(low, 0),
                              vmax=1)
            axes[r, c].set_xticks([])
            axes[r, c].set_yticks([])
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
    fig.subplots_adjust(left=0.17, right=0.99, bottom=0.01, top=0.99, wspace=0.05,
                        hspace=0.08)
    fig.savefig(out / f"reference_samples{suffix}.png", dpi=90, metadata={"Software": None})
    plt.close(fig)


def without_images(run):
    """The results minus the image arrays (they go to the PNG, not the JSON)."""
    if isinstance(run, dict):
        return {k: without_images(v) for k, v in run.items() if k != "images"}
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", choices=sorted(DATA), default="mnist",
                        help="the bundled data set to train on (default mnist)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="train this share of each model's epochs (default 1)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    arguments = parser.parse_args()
    import matplotlib

    matplotlib.use("Agg")
    tf.config.experimental.enable_op_determinism()
    arguments.out.mkdir(parents=True, exist_ok=True)

    def epochs(settings: dict) -> int:
        return max(1, round(settings["epochs"] * arguments.scale))

    load = DATA[arguments.data]
    suffix = "" if arguments.data == "mnist" else f"_{arguments.data}"
    ae = autoencoder_runs(load, epochs(AE))
    vae = vae_run(load, epochs(VAE))
    gan = gan_run(load, epochs(GAN))
    print(f"data: {arguments.data}")
    print(report(ae, vae, gan))
    plot_curves(ae, vae, gan, arguments.out, suffix)
    plot_samples(ae, vae, gan, arguments.out, suffix)
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(),
               "tensorflow": tf.__version__, "keras": keras.__version__}
    save(f"reference_models{suffix}",
         {"machine": machine, "data": arguments.data, "scale": arguments.scale,
          "settings": {"autoencoder": AE, "vae": VAE, "gan": GAN},
          "autoencoder": without_images(ae), "vae": without_images(vae),
          "gan": without_images(gan)}, folder=arguments.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
