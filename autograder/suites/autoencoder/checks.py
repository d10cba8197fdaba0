"""Checks shared by the visible and hidden autoencoder tests.

Each check grades one function. ``build_conv_autoencoder`` is trained by the grader's own
loop, ``train_autoencoder`` trains the grader's small model (with the grader's noise in place
of ``add_noise``), and ``pca_reconstruct`` is compared with the grader's own SVD (computed on
the reference side, without the reference module, by probes the student release leaves
out): a mistake in one function never costs the points of another.
"""

from __future__ import annotations

import numpy as np

from autograder.compare import Mismatch, assert_close
from autograder.datasets import GRADING_SIZES
from autograder.probes import autoencoder as probes
from autograder.suites.autoencoder import criteria as c

IMAGE = [28, 28, 1]


# -- build_conv_autoencoder ---------------------------------------------------------------

def model_shapes(student, latent_dim: int, n: int = 4) -> None:
    call = f"build_conv_autoencoder({latent_dim})"
    got = student.run(probes.model_shapes, latent_dim, n)
    bad = [kind for kind in got["kinds"] if kind.startswith("not a model")]
    if bad:
        raise Mismatch(f"{call} must return three Keras models (encoder, decoder, "
                       f"autoencoder); got {got['kinds']}")
    expected = {"code": [n, latent_dim], "decoded": [n, *IMAGE], "output": [n, *IMAGE]}
    meaning = {"code": f"encoder(x) for x of shape ({n}, 28, 28, 1)",
               "decoded": "decoder(encoder(x))", "output": "autoencoder(x)"}
    for key, want in expected.items():
        if got[key] != want:
            hint = (f": the code must have exactly latent_dim = {latent_dim} numbers per image"
                    if key == "code" else "")
            raise Mismatch(f"{call}: {meaning[key]} has shape {tuple(got[key])}, expected "
                           f"{tuple(want)}{hint}")


def composition(student, latent_dim: int, n: int = 8) -> None:
    gap = student.run(probes.composition_gap, latent_dim, n)
    if not gap <= 1e-5:
        raise Mismatch(f"build_conv_autoencoder({latent_dim}): autoencoder(x) differs from "
                       f"decoder(encoder(x)) by up to {gap:.3g} on digits; the autoencoder "
                       "must be the decoder applied to the encoder's code, with no other path "
                       "from the image to the output (the code is the bottleneck)")
    # The code alone, decoded in another process: no side channel may carry the image.
    got = student.run(probes.code_and_output, latent_dim, n)
    alone = student.run(probes.decoded_alone, latent_dim, got["code"])
    if alone.shape != got["output"].shape:
        raise Mismatch(f"build_conv_autoencoder({latent_dim}): decoder(code) has shape "
                       f"{alone.shape}, autoencoder(x) {got['output'].shape}")
    gap = float(np.max(np.abs(alone.astype(np.float64) - got["output"]))) \
        if alone.size else 0.0
    if not gap <= 1e-5:
        raise Mismatch(f"build_conv_autoencoder({latent_dim}): the decoder, given only the "
                       f"codes of {n} digits (in a fresh process, the same starting "
                       f"weights), draws images up to {gap:.3g} away from autoencoder(x); the "
                       "image must reach the output through the code and only the code (no "
                       "skip connection, no value kept between the encoder and the decoder)")


def output_range(student, latent_dim: int, n: int = 16, code_scale: float = 10.0,
                 seed: int = 0) -> None:
    got = student.run(probes.output_ranges, latent_dim, n, code_scale, seed)
    for key, what in (("autoencoder", f"autoencoder(x) on {n} digits"),
                      ("decoder", f"decoder(z) on {n} random codes of scale {code_scale:g}")):
        low, high = got[key]
        if not (low >= -1e-6 and high <= 1 + 1e-6):
            raise Mismatch(f"build_conv_autoencoder({latent_dim}): {what} ranges from "
                           f"{low:.4g} to {high:.4g}; images must stay in [0, 1] whatever the "
                           "code (a sigmoid on the last layer does that)")


def convolutional(student, latent_dim: int) -> None:
    kinds = student.run(probes.layer_kinds, latent_dim)
    for part in ("encoder", "decoder"):
        if not any("Conv" in kind for kind in kinds[part]):
            raise Mismatch(f"build_conv_autoencoder({latent_dim}): the {part} has no "
                           f"convolution layer (its layers: {kinds[part]}); this assignment "
                           "asks for a convolutional autoencoder")


def loop_learns(student, seed: int, latent_dim: int = c.LATENT_DIM) -> None:
    runs = rate_trials(lambda rate: student.run(probes.grader_loop, latent_dim,
                                                 c.LOOP_EPOCHS, 0.0, seed,
                                                 c.LOOP_MAX_VAL_MSE, rate))
    if runs[-1]["val_mse"] < c.LOOP_MAX_VAL_MSE:
        return
    tried = ", ".join(f"{min(run['val_mses'], default=run['val_mse']):.4f} at "
                      f"{run['learning_rate']:g}" for run in runs)
    seconds = " + ".join(f"{run['seconds']:.1f}" for run in runs)
    raise Mismatch(
        f"build_conv_autoencoder({latent_dim}), trained by the grader's loop (Adam, MSE, "
        f"batches of 32, {c.LOOP_EPOCHS} epochs on the {GRADING_SIZES['train']} training "
        f"digits, at each learning rate of {_rates()} in turn): best validation MSE "
        f"{tried}; a working autoencoder gets below {c.LOOP_MAX_VAL_MSE} at one rate at "
        f"least (the reference does after {c.REFERENCE_LOOP_EPOCHS} epochs at "
        f"{c.LOOP_RATES[0]:g}; outputting the average digit gives {c.MEAN_IMAGE_MSE} at any "
        f"rate). Your model has {runs[0]['params']:,} parameters; its training took "
        f"{seconds} s.")


def rate_trials(train) -> list[dict]:
    """``train(learning_rate)`` at each of ``LOOP_RATES`` in turn, until one brings the
    validation MSE below the threshold: the runs made (the last one passed, or none did).

    Why several rates: the contract fixes the architecture's shapes and range, not the
    learning rate it trains best at (a textbook's LeakyReLU model, which its author trains
    at 5e-4, stalls at 3e-3 on most seeds and learns at 1e-3); a decoder that ignores its
    code stays at the average digit at every rate. Calibration (bench/calibrate.py) runs
    the same trials.
    """
    runs = []
    for rate in c.LOOP_RATES:
        runs.append(train(rate))
        if runs[-1]["val_mse"] < c.LOOP_MAX_VAL_MSE:
            break
    return runs


def _rates() -> str:
    return ", ".join(f"{rate:g}" for rate in c.LOOP_RATES)


# -- add_noise ----------------------------------------------------------------------------

def noise_reproducible(student, rng: np.random.Generator, disturb: bool) -> None:
    x = rng.random((4, 28, 28, 1)).astype(np.float32)
    seed = int(rng.integers(1000))
    got = student.run(probes.noise_twice, x, 0.2, seed, disturb)
    call = f"add_noise(x, 0.2, seed={seed})"
    for key in ("first", "second", "other"):
        if got[key].shape != x.shape:
            raise Mismatch(f"{call} has shape {got[key].shape}, expected {x.shape}")
    if not np.array_equal(got["first"], got["second"]):
        where = ("after the global random state changed (np.random.seed, "
                 "keras.utils.set_random_seed)" if disturb else "")
        raise Mismatch(f"{call} gave different noise the second time {where}; the same seed "
                       "must give the same noise: draw it from a generator made from the "
                       "seed, e.g. np.random.default_rng(seed)")
    if np.array_equal(got["first"], got["other"]):
        raise Mismatch(f"{call} and add_noise(x, 0.2, seed={seed + 1}) gave the same "
                       "noise; the seed must decide the noise")


def noise_leaves_input(student, rng: np.random.Generator) -> None:
    x = rng.random((4, 28, 28, 1)).astype(np.float32)
    got = student.run(probes.noise_twice, x, 0.2, 3, False)
    if got["input_changed"]:
        raise Mismatch("add_noise(x, 0.2, 3) modified x in place; it must return a new "
                       "array and leave the clean images alone")


def noise_clipped(student, rng: np.random.Generator) -> None:
    x = (rng.random((16, 28, 28, 1)) < 0.5).astype(np.float32)  # pixels 0 and 1 only
    got = student.call("add_noise", x, 0.3, 11)
    what = "add_noise(x, 0.3, seed=11), x holding 0s and 1s"
    if got.shape != x.shape:
        raise Mismatch(f"{what}: shape {got.shape}, expected {x.shape}")
    low, high = float(np.min(got)), float(np.max(got))
    if low < 0 or high > 1:
        raise Mismatch(f"{what}: values from {low:.4g} to {high:.4g}; noisy images must be "
                       "clipped back into [0, 1] (np.clip)")
    # Clipping, not squashing: about half the noise on a 0 pixel is negative and becomes 0.
    at_zero = float(np.mean(got[x == 0] == 0))
    at_one = float(np.mean(got[x == 1] == 1))
    if not (0.4 < at_zero < 0.6 and 0.4 < at_one < 0.6):
        raise Mismatch(f"{what}: {at_zero:.0%} of the 0 pixels stay exactly 0 and "
                       f"{at_one:.0%} of the 1 pixels stay exactly 1; clipped Gaussian noise "
                       "leaves about half of each at the bound (add the noise, then clip)")


def noise_statistics(student, noise_std: float) -> None:
    x = np.full((64, 28, 28, 1), 0.5, np.float32)
    got = student.call("add_noise", x, noise_std, 5)
    what = f"add_noise(x = 0.5 everywhere, noise_std={noise_std:g}, seed=5)"
    if got.shape != x.shape:
        raise Mismatch(f"{what}: shape {got.shape}, expected {x.shape}")
    noise = got.astype(np.float64) - 0.5
    bad = int(np.sum(~np.isfinite(noise)))
    if bad:  # one NaN makes the mean and deviation NaN, and NaN passes every "> limit" test
        raise Mismatch(f"{what}: {bad} NaN or Inf value(s) in the result; noisy images are "
                       "finite numbers in [0, 1]")
    if noise_std == 0:
        assert_close(got, x, what=what + " should give x back")
        return
    mean, std = float(noise.mean()), float(noise.std())
    if abs(mean) > 0.005 or abs(std - noise_std) > 0.03 * noise_std:
        raise Mismatch(f"{what}: the noise has mean {mean:.4f} and standard deviation "
                       f"{std:.4f}; expected mean 0 and standard deviation {noise_std:g}")
    steps = np.abs(np.diff(noise.reshape(-1)))
    if float(np.mean(steps == 0)) > 0.01:
        raise Mismatch(f"{what}: neighbouring pixels often get the same noise; every pixel "
                       "needs its own independent draw (noise of the shape of x)")


# -- pca_reconstruct ----------------------------------------------------------------------

#: Expected PCA reconstructions come from an SVD computed on the reference side by probes
#: that live here, with the suites: no student worker sees them, and the student release
#: leaves them out (their values are recorded for the self-check).
EXPECTED = "autograder.suites.autoencoder.hidden_reference"


def pca_random(student, reference, rng: np.random.Generator, k: int, *, shift: float = 0.0
               ) -> None:
    """Images of 6x6 made of 5 patterns with different strengths plus a little noise; with
    ``shift``, the images to reconstruct have another mean than the training ones."""
    patterns = rng.standard_normal((5, 36))
    strengths = np.array([5.0, 4.0, 3.0, 2.0, 1.0])

    def images(n: int) -> np.ndarray:
        mix = rng.standard_normal((n, 5)) * strengths
        flat = 0.3 + mix @ patterns + 0.05 * rng.standard_normal((n, 36))
        return flat.reshape(n, 6, 6, 1).astype(np.float32)

    x_train, x = images(40), images(10) + np.float32(shift)
    got = student.call("pca_reconstruct", x_train, x, k)
    want, *mistakes = reference.run(f"{EXPECTED}:pca_expected", x_train, x, k)
    where = f", images shifted by {shift:g} from the training ones" if shift else ""
    what = f"pca_reconstruct(x_train (40, 6, 6, 1), x (10, 6, 6, 1), k={k}){where}"
    try:
        _compare_pca(got, want, what)
    except Mismatch as mismatch:
        raise Mismatch(f"{mismatch}\n{_pca_hint(got, mistakes)}") from None


def pca_digits(student, reference, k: int, n_train: int = GRADING_SIZES["train"],
               n: int = 50) -> None:
    got = student.run(probes.pca_on_digits, k, n_train, n)
    want = reference.run(f"{EXPECTED}:pca_expected_on_digits", k, n_train, n)
    what = f"pca_reconstruct({n_train} training digits, {n} validation digits, k={k})"
    _compare_pca(got, want, what)


def _compare_pca(got, want, what: str) -> None:
    if got.shape != want.shape:
        raise Mismatch(f"{what}: shape {got.shape}, expected {want.shape}; the result must "
                       "have the shape of x (reshape the flat vectors back)")
    assert_close(got, want, what=what, rtol=1e-3, atol=1e-4)


def _pca_hint(got: np.ndarray, mistakes: list[np.ndarray]) -> str:
    """Name the usual mistake when the student's result matches it."""
    meanings = ["without subtracting the training mean (PCA needs mean-centred data)",
                "centred with the mean of x instead of the mean of x_train"]
    for result, mistake in zip(mistakes, meanings, strict=True):
        if got.shape == result.shape and np.allclose(got, result, rtol=1e-3, atol=1e-4):
            return f"  hint: your result is what PCA gives {mistake}"
    return ("  hint: the components are the first k rows of Vt in "
            "np.linalg.svd(x_train_flat - mean, full_matrices=False)")


# -- train_autoencoder --------------------------------------------------------------------

def _clean_training(student) -> dict:
    """``train_autoencoder`` on clean digits, run once for the tests that judge it (that it
    learns, that it compiles with the MSE)."""
    return student.shared(probes.train_grader_model, c.TRAIN_EPOCHS, 0.0, student.run_seed)


def train_learns(student) -> None:
    got = _clean_training(student)
    call = f"train_autoencoder(model, x_train, x_val, epochs={c.TRAIN_EPOCHS})"
    _check_run(got, call, c.TRAIN_EPOCHS)
    for fit in got["fits"]:
        if not fit["identical"] or fit["input_blank_rms"] > 0:
            raise Mismatch(f"{call}: with noise_std=0 the inputs given to fit must be the "
                           "clean training images, the same as the targets")
        _check_targets(fit, got, call)
    if not got["val_mse"] < c.TRAIN_MAX_VAL_MSE:
        raise Mismatch(
            f"{call} on the grader's small dense autoencoder: validation MSE "
            f"{got['val_mse']:.4f} after training; a working training loop gets below "
            f"{c.TRAIN_MAX_VAL_MSE} (the reference: {c.REFERENCE_TRAIN_VAL_MSE}, with Adam "
            "at learning rate 2e-3 and batches of 32; outputting the average digit: "
            f"{c.MEAN_IMAGE_MSE}). Check the learning rate (1e-3 to 3e-3) and the batch "
            "size (32 to 128).")


def train_denoises(student, seed: int) -> None:
    got = student.run(probes.train_grader_model, c.TRAIN_EPOCHS, c.NOISE_STD, seed,
                      c.NOISE_STD)
    call = (f"train_autoencoder(model, x_train, x_val, epochs={c.TRAIN_EPOCHS}, "
            f"noise_std={c.NOISE_STD})")
    _check_run(got, call, c.TRAIN_EPOCHS)
    low, high = (bound * c.NOISE_STD for bound in c.NOISE_RMS_BAND)
    for fit in got["fits"]:
        _check_targets(fit, got, call)
        rms = fit["input_blank_rms"]
        if fit["identical"] or not low <= rms <= high:
            raise Mismatch(f"{call}: the inputs given to fit carry noise of RMS {rms:.3f} "
                           "(measured on the pixels that are blank in every clean training "
                           f"digit); noise of std {c.NOISE_STD} gives "
                           f"{0.68 * c.NOISE_STD:.2f} once clipped: the inputs must be "
                           "add_noise(x_train, noise_std, ...)")
    if not (got["denoised_mse"] < c.DENOISE_MAX_MSE and
            got["denoised_mse"] < got["noisy_mse"]):
        raise Mismatch(
            f"{call} on the grader's small dense autoencoder: given noisy validation digits "
            f"(MSE {got['noisy_mse']:.4f} from the clean ones), its outputs are at MSE "
            f"{got['denoised_mse']:.4f} from the clean digits; a denoising autoencoder gets "
            f"below {c.DENOISE_MAX_MSE} (the reference: {c.REFERENCE_DENOISED_MSE})")


def train_uses_mse(student) -> None:
    got = _clean_training(student)
    call = f"train_autoencoder(model, x_train, x_val, epochs={c.TRAIN_EPOCHS})"
    loss, mse = got["compiled_loss"], got["sample_mse"]
    if isinstance(loss, str):
        raise Mismatch(f"{call}: model.evaluate failed after training ({loss}); compile the "
                       "model with the MSE loss")
    if not abs(loss - mse) <= 1e-3 * mse + 1e-7:
        raise Mismatch(f"{call}: the loss the model was compiled with gives {loss:.6g} on 64 "
                       f"validation digits, but their mean squared error is {mse:.6g}; "
                       'compile with loss="mse"')


def _check_run(got: dict, call: str, epochs: int) -> None:
    if got["epochs_run"] != epochs:
        raise Mismatch(f"{call}: fit trained for {got['epochs_run']} epochs in all; it must "
                       f"train for epochs={epochs}")
    history = got["history"]
    if history["kind"] != "History" or "loss" not in history["keys"]:
        raise Mismatch(f"{call} returned a {history['kind']} with keys {history['keys']}; "
                       "return the History that autoencoder.fit returns")
    for fit in got["fits"]:
        if not fit["readable"]:
            raise Mismatch(f"{call}: the grader could not read what fit was given "
                           f"({fit['why']}); pass NumPy arrays (inputs, targets) of shape "
                           "(N, 28, 28, 1)")


def _check_targets(fit: dict, got: dict, call: str) -> None:
    if fit["target_blank_rms"] > 0 or abs(fit["target_mean"] - got["train_mean"]) > 1e-3:
        raise Mismatch(f"{call}: the targets given to fit are not the clean training "
                       "images x_train; an autoencoder learns to output the clean image "
                       "(even from a noisy input)")
