"""Checks shared by the visible and hidden vae tests.

Each check grades one function. ``vae_loss`` gets the reference's reconstruction and KL
values in place of the student's functions; the ``VAE`` class runs on the grader's models
with the grader's loss functions and, where runs are compared number for number, the
grader's draws in place of ``sample_eps``; ``sample_images`` and ``interpolate`` get the
grader's decoders. So one mistake costs the points of its own function only.

The hints name the usual mistakes; they are computed here, in NumPy, from the formulas of
the handout.
"""

from __future__ import annotations

import numpy as np

from autograder.compare import Mismatch, assert_close
from autograder.datasets import GRADING_SIZES
from autograder.errors import ReferenceFailure
from autograder.probes import vae as probes
from autograder.suites.vae import cases, criteria
from autograder.suites.vae.cases import Models

LOSS_KEYS = ("loss", "reconstruction_loss", "kl_loss")
#: float32 over a few hundred products and one SGD step
STEP_RTOL, STEP_ATOL = 2e-4, 1e-5


# -- reparameterize ---------------------------------------------------------------------------

def reparameterize_values(student, reference, rng: np.random.Generator, shape) -> None:
    mu, log_var = cases.gaussian_codes(rng, shape)
    eps = cases.normal(rng, shape)
    got = student.call("reparameterize", mu, log_var, eps)
    want = reference.call("reparameterize", mu, log_var, eps)
    what = f"reparameterize(mu, log_var, eps) with fixed eps, shape {tuple(shape)}"
    _with_hint(got, want, what, {
        "mu + exp(log_var) * eps: exp(log_var) is the variance sigma^2; the standard "
        "deviation is sigma = exp(0.5 * log_var)": mu + np.exp(log_var) * eps,
        "mu + log_var * eps: log_var is the logarithm of the variance, not sigma":
            mu + log_var * eps,
        "mu + exp(0.5 * log_var), without eps": mu + np.exp(0.5 * log_var),
        "mu itself: the sample must move away from mu by sigma * eps": mu,
        "mu * exp(0.5 * log_var) * eps: add mu, do not multiply":
            mu * np.exp(0.5 * log_var) * eps,
    })


def reparameterize_gradients(student, rng: np.random.Generator, shape) -> None:
    mu, log_var = cases.gaussian_codes(rng, shape)
    eps, weights = cases.normal(rng, shape), cases.normal(rng, shape)
    got = student.run(probes.reparameterize_gradients, mu, log_var, eps, weights)
    call = f"reparameterize(mu, log_var, eps), shape {tuple(shape)}"
    if got["z"].shape != tuple(shape):
        raise Mismatch(f"{call} has shape {got['z'].shape}, expected {tuple(shape)}")
    # The objective is sum(weights * z): dz/dmu = 1 and dz/dlog_var = 0.5 * sigma * eps.
    wants = {"mu": weights.astype(np.float64),
             "log_var": weights * 0.5 * np.exp(0.5 * log_var.astype(np.float64)) * eps}
    for name, want in wants.items():
        gradient = got[f"d_{name}"]
        if gradient is None:
            why = ("" if got["tensor"] else " Your result is a NumPy array, not a tensor: "
                   "NumPy functions (np.exp, np.asarray) cut the tape.")
            raise Mismatch(f"{call}: no gradient reaches {name} (GradientTape.gradient gave "
                           f"None).{why} Compute z with keras.ops or TensorFlow operations "
                           "(ops.exp, tf.exp), so that the tape can follow z back to mu and "
                           "log_var: that is the reparameterization trick")
        assert_close(gradient, want, what=f"{call}: gradient of sum(w * z) with respect to "
                     f"{name}, against the analytic one "
                     + ("(w)" if name == "mu" else "(w * 0.5 * exp(0.5 * log_var) * eps)"))


# -- kl_divergence ---------------------------------------------------------------------------

def analytic_kl(mu, log_var) -> np.ndarray:
    """KL(N(mu, exp(log_var)) || N(0, I)) per row, in float64."""
    mu, log_var = np.asarray(mu, np.float64), np.asarray(log_var, np.float64)
    return 0.5 * np.sum(np.exp(log_var) + mu ** 2 - 1.0 - log_var, axis=-1)


def kl_values(student, reference, rng: np.random.Generator, shape, spread: float = 1.0
              ) -> None:
    mu, log_var = cases.gaussian_codes(rng, shape, spread)
    got = student.call("kl_divergence", mu, log_var)
    want = reference.call("kl_divergence", mu, log_var)
    what = f"kl_divergence(mu, log_var), shape {tuple(shape)}"
    _per_example_shape(got, shape[0], what)
    sigma_kl = 0.5 * np.sum(np.exp(0.5 * log_var) + mu ** 2 - 1.0 - log_var, axis=-1)
    _with_hint(got, want, what, {
        "twice the KL: the closed form has a factor 0.5 (-0.5 * sum(...))":
            2 * analytic_kl(mu, log_var),
        "the negative of the KL: mind the sign, -0.5 * sum(1 + log_var - mu**2 - "
        "exp(log_var))": -analytic_kl(mu, log_var),
        "the KL with sigma = exp(0.5 * log_var) in place of the variance exp(log_var)":
            sigma_kl,
        "the mean over the latent dimensions; the KL of independent dimensions is their sum":
            analytic_kl(mu, log_var) / shape[-1],
    })


def kl_per_example_shape(student, rng: np.random.Generator, shape) -> None:
    mu, log_var = cases.gaussian_codes(rng, shape)
    got = student.call("kl_divergence", mu, log_var)
    _per_example_shape(got, shape[0], f"kl_divergence(mu, log_var), shape {tuple(shape)}")


def kl_zero_at_prior(student, shape) -> None:
    zeros = np.zeros(shape, np.float32)
    got = student.call("kl_divergence", zeros, zeros)
    what = f"kl_divergence(mu = 0, log_var = 0) (the prior itself), shape {tuple(shape)}"
    _per_example_shape(got, shape[0], what)
    assert_close(got, np.zeros(shape[0]), what=what + ": a distribution is at KL 0 from "
                 "itself", atol=1e-6)


def kl_non_negative(student, rng: np.random.Generator, shape) -> None:
    mu = rng.uniform(-3, 3, shape).astype(np.float32)
    log_var = rng.uniform(-4, 3, shape).astype(np.float32)
    got = student.call("kl_divergence", mu, log_var)
    what = f"kl_divergence(mu, log_var), {shape[0]} examples with mu in [-3, 3] and " \
           "log_var in [-4, 3]"
    _per_example_shape(got, shape[0], what)
    worst = int(np.argmin(got))
    if not got[worst] >= -1e-5 * max(1.0, float(np.max(np.abs(got)))):
        raise Mismatch(f"{what}: example {worst} has KL {float(got[worst]):.6g} < 0 (mu "
                       f"{mu[worst].round(3).tolist()}, log_var "
                       f"{log_var[worst].round(3).tolist()}); a KL divergence is never "
                       f"negative (expected {float(analytic_kl(mu, log_var)[worst]):.6g})")


def kl_monte_carlo(student, rng: np.random.Generator, rows: int, latent_dim: int,
                   samples: int = 200_000) -> None:
    """Against E_q[log q(z) - log p(z)], estimated from samples of q (no closed form)."""
    mu, log_var = cases.gaussian_codes(rng, (rows, latent_dim))
    got = student.call("kl_divergence", mu, log_var)
    what = f"kl_divergence(mu, log_var), {rows} examples, latent_dim {latent_dim}"
    _per_example_shape(got, rows, what)
    for row in range(rows):
        estimate, error = monte_carlo_kl(rng, mu[row], log_var[row], samples)
        tolerance = 5 * error + 1e-3
        if not abs(float(got[row]) - estimate) <= tolerance:
            raise Mismatch(
                f"{what}: example {row} (mu {mu[row].round(3).tolist()}, log_var "
                f"{log_var[row].round(3).tolist()}) has KL {float(got[row]):.6g}, but a "
                f"Monte-Carlo estimate from {samples:,} samples z ~ N(mu, sigma^2), the "
                f"mean of log q(z) - log p(z), gives {estimate:.6g} +- {error:.2g}")


def monte_carlo_kl(rng: np.random.Generator, mu, log_var, samples: int
                   ) -> tuple[float, float]:
    """(estimate, standard error) of KL(q || N(0, I)) for one diagonal Gaussian q."""
    mu, log_var = np.asarray(mu, np.float64), np.asarray(log_var, np.float64)
    eps = rng.standard_normal((samples, len(mu)))
    z = mu + np.exp(0.5 * log_var) * eps
    log_q = np.sum(-0.5 * eps ** 2 - 0.5 * log_var, axis=1)  # the 2*pi terms cancel
    log_p = np.sum(-0.5 * z ** 2, axis=1)
    difference = log_q - log_p
    return float(difference.mean()), float(difference.std() / np.sqrt(samples))


def _per_example_shape(got: np.ndarray, batch: int, what: str) -> None:
    if got.shape != (batch,):
        hint = (" (one number for the whole batch: sum over the latent axis only, "
                "axis=-1)" if got.size == 1 else "")
        raise Mismatch(f"{what}: shape {got.shape}, expected ({batch},), one value per "
                       f"example{hint}")


# -- reconstruction_loss ---------------------------------------------------------------------

def bce(x, x_hat) -> np.ndarray:
    """Binary cross-entropy per image, summed over its pixels, clipped (float64)."""
    x = np.asarray(x, np.float64)
    p = np.clip(np.asarray(x_hat, np.float64), probes.EPSILON, 1 - probes.EPSILON)
    return -(x * np.log(p) + (1 - x) * np.log1p(-p)).reshape(len(x), -1).sum(axis=1)


def reconstruction_values(student, reference, rng: np.random.Generator, shape) -> None:
    x, x_hat = cases.images(rng, shape), cases.probabilities(rng, shape)
    got = student.call("reconstruction_loss", x, x_hat)
    want = reference.call("reconstruction_loss", x, x_hat)
    what = f"reconstruction_loss(x, x_hat) for images {tuple(shape)} (grey targets)"
    pixels = int(np.prod(shape[1:]))
    if got.size == 1 and shape[0] > 1:
        total = float(np.sum(bce(x, x_hat)))
        meaning = ("the sum over the batch" if np.isclose(got, total, rtol=1e-3) else
                   "the mean over the batch" if np.isclose(got, total / shape[0], rtol=1e-3)
                   else "one number")
        raise Mismatch(f"{what}: one value ({float(got.reshape(-1)[0]):.6g}, {meaning}), "
                       f"expected one per image, shape ({shape[0]},): sum over the pixels "
                       "only, keep the batch axis")
    _with_hint(got, want, what, {
        "the mean over the pixels: the negative log-likelihood of an image is the SUM of "
        f"its {pixels} pixels' terms": bce(x, x_hat) / pixels,
        "reconstruction_loss(x_hat, x): the arguments in the wrong order (x, the target, "
        "comes first)": bce(x_hat, x),
        "the cross-entropy without its minus sign": -bce(x, x_hat),
    })


def reconstruction_clips(student, reference, rng: np.random.Generator, shape) -> None:
    """Probabilities of exactly 0 and 1, on pixels of both kinds."""
    x = (rng.random(shape) < 0.5).astype(np.float32)
    x_hat = cases.probabilities(rng, shape)
    flat = x_hat.reshape(-1)
    flat[::3] = 0.0
    flat[1::3] = 1.0
    got = student.call("reconstruction_loss", x, x_hat)
    want = reference.call("reconstruction_loss", x, x_hat)
    what = f"reconstruction_loss(x, x_hat) for {tuple(shape)}, x_hat holding exact 0s and 1s"
    if got.shape == want.shape and not np.all(np.isfinite(got)):
        raise Mismatch(f"{what}: {int(np.sum(~np.isfinite(got)))} of {got.size} values are "
                       "inf or NaN: log(0) is -inf. Clip x_hat into [1e-7, 1 - 1e-7] before "
                       "the logarithms, as Keras does")
    # Clipping at 1 - 1e-7 in float32 or float64 differs by ~1%: both are accepted.
    assert_close(got, want, what=what, rtol=2e-2)


# -- vae_loss --------------------------------------------------------------------------------

def vae_loss_values(student, reference, rng: np.random.Generator, batch: int,
                    beta: float | None) -> None:
    shape, latent = (batch, 5, 4, 1), (batch, 3)
    x, x_hat = cases.images(rng, shape), cases.probabilities(rng, shape)
    mu, log_var = cases.gaussian_codes(rng, latent)
    reconstruction = reference.call("reconstruction_loss", x, x_hat)
    kl = reference.call("kl_divergence", mu, log_var)
    arguments = (x, x_hat, mu, log_var, beta, reconstruction, kl)
    got = student.run(probes.vae_loss_given_terms, *arguments)
    want = reference.run(probes.vae_loss_given_terms, *arguments)
    given = "" if beta is None else f", beta={beta:g}"
    what = f"vae_loss(x, x_hat, mu, log_var{given}) for a batch of {batch}"
    if got.size != 1:
        raise Mismatch(f"{what}: shape {got.shape}, expected one number (a scalar): the "
                       "mean over the batch")
    b = 1.0 if beta is None else beta
    rec, div = reconstruction.astype(np.float64), kl.astype(np.float64)
    _with_hint(got.reshape(()), want.reshape(()), what, {
        "the sum over the batch; the loss is the batch MEAN": np.sum(rec + b * div),
        "the ELBO itself; the loss is the NEGATIVE ELBO, reconstruction + beta * KL":
            -np.mean(rec + b * div),
        "reconstruction + KL: beta is ignored": np.mean(rec + div),
        "beta * reconstruction + KL: beta weights the KL term": np.mean(b * rec + div),
        "the reconstruction term alone: the KL term is missing": np.mean(rec),
        "reconstruction - beta * KL: the KL term is added, not subtracted":
            np.mean(rec - b * div),
    })


# -- build_encoder and build_decoder ------------------------------------------------------

def encoder_outputs(student, latent_dim: int, n: int = 4) -> None:
    _encoder_checked(student, latent_dim, n)


def encoder_heads_differ(student, latent_dim: int, n: int = 8) -> None:
    got = _encoder_checked(student, latent_dim, n)
    if np.allclose(got["mu"], got["log_var"]):
        raise Mismatch(f"build_encoder({latent_dim}): mu and log_var are the same numbers "
                       "for every digit; they need two separate Dense heads, one for the "
                       "mean and one for the log-variance")


def _encoder_checked(student, latent_dim: int, n: int) -> dict:
    call = f"build_encoder({latent_dim})"
    got = student.run(probes.encoder_outputs, latent_dim, n)
    if got["count"] != 2:
        raise Mismatch(f"{call}: the encoder gives {got['count']} output(s) of shapes "
                       f"{[tuple(s) for s in got['shapes']]}; it must give a list of two, "
                       f"[mu, log_var], each ({n}, {latent_dim}) for {n} images")
    for name, shape in zip(("mu", "log_var"), got["shapes"], strict=True):
        if tuple(shape) != (n, latent_dim):
            raise Mismatch(f"{call}: {name} has shape {tuple(shape)} for {n} images, "
                           f"expected ({n}, {latent_dim})")
    return got


def decoder_outputs(student, latent_dim: int, scale: float, n: int = 16) -> None:
    call = f"build_decoder({latent_dim})"
    got = student.run(probes.decoder_outputs, latent_dim, n, scale, 0)
    if tuple(got["shape"]) != (n, 28, 28, 1):
        raise Mismatch(f"{call}: decoder(z) for z of shape ({n}, {latent_dim}) has shape "
                       f"{tuple(got['shape'])}, expected ({n}, 28, 28, 1)")
    if not (got["finite"] and got["min"] >= 0 and got["max"] <= 1):
        raise Mismatch(f"{call}: on {n} codes of scale {scale:g} the images range from "
                       f"{got['min']:.4g} to {got['max']:.4g}; they are pixel probabilities "
                       "and must stay in [0, 1] whatever the code (a sigmoid at the end)")
    if not got["spread"] > criteria.MIN_CODE_EFFECT:  # random weights: other code, other image
        raise Mismatch(f"{call}: the {n} codes of scale {scale:g} all give the same image "
                       f"(they differ by at most {got['spread']:.3g}); the image must depend "
                       "on the code, or the decoder can only ever draw one picture")


# -- VAE: sample_eps -----------------------------------------------------------------------

def sample_eps_standard_normal(student, shape) -> None:
    got = student.run(probes.sample_eps_draws, shape, 7)
    call = f"sample_eps({tuple(shape)})"
    first, second = got["first"], got["second"]
    for draws in (first, second):
        if draws.shape != tuple(shape):
            raise Mismatch(f"{call} has shape {draws.shape}, expected {tuple(shape)}")
    if not np.all(np.isfinite(first)):
        raise Mismatch(f"{call} holds inf or NaN values")
    mean, std = float(first.mean()), float(first.std())
    # 5 standard errors of the mean and of the standard deviation of that many draws
    n = first.size
    if abs(mean) > 5 / np.sqrt(n) or abs(std - 1) > 5 / np.sqrt(2 * n):
        raise Mismatch(f"{call}: {n} draws with mean {mean:.4f} and standard deviation "
                       f"{std:.4f}; standard-normal draws have mean 0 and standard deviation "
                       "1 (keras.random.normal)")
    if np.array_equal(first, second):
        raise Mismatch(f"two calls of {call} gave the same draws; every call must give new "
                       "ones (use seed=self.seed_generator, which advances by itself)")
    if float(np.mean(np.abs(np.diff(first.reshape(-1))) < 1e-12)) > 0.01:
        raise Mismatch(f"{call}: neighbouring values are often equal; every entry needs its "
                       "own independent draw")


def sample_eps_seeded(student, shape) -> None:
    got = student.run(probes.sample_eps_seeded, shape, 31)
    same = got["same_seed"]
    if not np.array_equal(same[0], same[1]):
        raise Mismatch(f"two VAEs built with seed=31 gave different first draws of "
                       f"sample_eps({tuple(shape)}) (the global random state differed); the "
                       "seed given to VAE must decide the draws: keras.random.normal(shape, "
                       "seed=self.seed_generator)")
    if np.array_equal(same[0], got["other_seed"]):
        raise Mismatch("VAEs built with seed=31 and seed=32 gave the same draws; the seed "
                       "must decide them")


def sample_eps_compiled(student, shape) -> None:
    got = student.run(probes.sample_eps_compiled, shape, 5)
    if np.array_equal(got["first"], got["second"]):
        raise Mismatch(f"sample_eps({tuple(shape)}) inside a compiled function (tf.function, "
                       "as fit runs train_step) gave the same draws at every run: draws made "
                       "in NumPy or with a fixed integer seed become constants of the "
                       "compiled graph, so every training step would reuse one eps. Use "
                       "keras.random.normal(shape, seed=self.seed_generator)")


# -- VAE: call and train_step -----------------------------------------------------------------

def call_reconstructs(student, reference, rng: np.random.Generator, models: Models,
                      training: bool | None = None) -> None:
    x = models.batches(rng)[0]
    eps = models.draws(rng)[0]
    arguments = (models.spec(), x, eps, training)
    got = student.run(probes.call_with_draws, *arguments)
    wants = _reference_runs(reference, probes.call_with_draws, arguments, got)
    mode = "" if training is None else f", training={training}"
    what = f"vae(x{mode}) on {models.describe()}, sample_eps giving fixed draws"
    _sampled_once(got, what)
    _either(lambda want: assert_close(got["output"], want["output"], what=what), wants)


def train_step(student, reference, rng: np.random.Generator, models: Models, beta: float,
               *, steps: int = 1, as_tuple: bool = False, check_metrics: bool = False
               ) -> None:
    batches, draws = models.batches(rng, steps), models.draws(rng, steps)
    arguments = (models.spec(), batches, draws, beta, cases.LEARNING_RATE, as_tuple)
    got = student.run(probes.train_steps, *arguments)
    wants = _reference_runs(reference, probes.train_steps, arguments, got)
    data = "(x, x)" if as_tuple else "x"
    what = (f"{steps} train_step({data}) with beta={beta:g} on {models.describe()}, "
            f"SGD (learning rate {cases.LEARNING_RATE:g}), sample_eps giving fixed draws")
    for step, calls in enumerate(got["calls"]):
        _sampled_once({"calls": calls, "shapes": got["shapes"]}, what + f", step {step + 1}")

    def compare(want: dict) -> None:
        _norm_statistics(got, want, what)
        _returned(got["returned"][0], want["returned"][0], beta, what)
        _weights(got, want, what)
        if check_metrics:
            _running_means(got["metrics"], want["metrics"], what)

    _either(compare, wants)


def _reference_runs(reference, probe, arguments: tuple, got: dict) -> list[dict]:
    """The reference's runs to compare the student's with: the grader's stand-ins for
    exactly the module functions the student's code called (``got["used"]``), the
    reference's own (the contract's) for the rest, so that a formula written inline is as
    correct as a call by name. For a mix there are two readings (the reference's own
    ``vae_loss`` calling the stand-ins, or its own functions): either one passes.

    The runs with every stand-in and with none are always asked for, in this order, so
    that recorded values (found by call order) hold them; a mix is asked for only when the
    student's code needs it, and the self-check, which has no recording of it, says so
    (as a grader problem, never as the student's failure).
    """
    everything = reference.run(probe, *arguments, probes.LOSS_FUNCTIONS)
    nothing = reference.run(probe, *arguments, [])
    used = set(got.get("used", [])) if isinstance(got, dict) else set()
    if used >= set(probes.LOSS_FUNCTIONS):
        return [everything]
    if not used:
        return [nothing]
    mix = [name for name in probes.LOSS_FUNCTIONS if name in used]
    try:
        return [reference.run(probe, *arguments, mix, isolated)
                for isolated in (False, True)]
    except ReferenceFailure as failure:
        if "no recorded expected value" not in str(failure):
            raise
        raise ReferenceFailure(
            f"your VAE calls {', '.join(mix)} by name and writes the other functions' "
            "formulas inline; the self-check has no recorded values for that mix, so it "
            "cannot judge this test (official grading computes them and will)") from None


def _either(check, wants: list[dict]) -> None:
    """``check(want)`` passes for one of the reference's runs; else the first's complaint."""
    first = None
    for want in wants:
        try:
            check(want)
            return
        except Mismatch as mismatch:
            first = first or mismatch
    raise first


def _sampled_once(got: dict, what: str) -> None:
    if got["calls"] == 0:
        raise Mismatch(f"{what}: self.sample_eps was never called. Sample at the bottleneck: "
                       "z = reparameterize(mu, log_var, self.sample_eps(...)), with eps of "
                       "the shape of mu. With z = mu the decoder never sees the noise, and "
                       "log_var learns from the KL term alone")
    if got["calls"] > 1:
        raise Mismatch(f"{what}: self.sample_eps was called {got['calls']} times for one "
                       f"batch (shapes asked for: {', '.join(got['shapes'])}); draw eps "
                       "once, of the shape of mu, and use that one draw")


def _returned(got: dict, want: dict, beta: float, what: str,
              keys: tuple[str, ...] = LOSS_KEYS) -> None:
    missing = [key for key in LOSS_KEYS if key not in got]
    if missing:
        raise Mismatch(f"{what}: the dict train_step returned has the keys {sorted(got)}; "
                       f"missing {missing}. Return {{'loss': ..., 'reconstruction_loss': "
                       "..., 'kl_loss': ...}, the batch means")
    for key in keys:
        if not isinstance(got[key], float):
            raise Mismatch(f"{what}: train_step returned {key} of shape "
                           f"{np.shape(got[key])}; expected one number, the batch mean")
    rec, kl = want["reconstruction_loss"], want["kl_loss"]
    guesses = {
        "reconstruction + KL: beta is ignored": rec + kl,
        "the reconstruction term alone: the KL term is missing": rec,
        "beta * KL alone: the reconstruction term is missing": beta * kl,
        "beta * reconstruction + KL: beta weights the KL term": beta * rec + kl,
    }
    for key in keys:
        try:
            assert_close(got[key], want[key], what=f"{what}: the returned {key!r}",
                         rtol=STEP_RTOL)
        except Mismatch as mismatch:
            hint = ""
            if key == "loss":
                hint = next((f"\n  hint: your loss is {name}" for name, value in
                             guesses.items() if np.isclose(got[key], value, rtol=1e-4)), "")
            raise Mismatch(f"{mismatch}{hint}") from None


def _norm_statistics(got: dict, want: dict, what: str) -> None:
    """BatchNormalization's moving statistics move only in training mode."""
    for part, model in (("encoder", "grader_encoder"), ("decoder", "grader_decoder")):
        keys = [k for k in want["before"] if k.startswith(model) and "moving_" in k]
        moved = [k for k in keys if not np.array_equal(want["after"][k], want["before"][k])]
        still = [k for k in moved if np.array_equal(got["after"][k], got["before"][k])]
        if still:
            raise Mismatch(f"{what}: the {part}'s BatchNormalization statistics did not move "
                           f"({', '.join(k.split('/', 1)[1] for k in still)}): the {part} "
                           f"ran in inference mode. Call self.{part}(..., training=True) in "
                           "train_step, so that layers such as BatchNormalization and "
                           "Dropout behave as in training")


def _weights(got: dict, want: dict, what: str) -> None:
    """Compare the change of every weight, naming the part of the model that differs."""
    for part, model in (("encoder", "grader_encoder"), ("decoder", "grader_decoder")):
        keys = [k for k in want["before"] if k.startswith(model) and "moving_" not in k]
        changed = [k for k in keys if not np.array_equal(got["after"][k], got["before"][k])]
        if not changed:
            raise Mismatch(f"{what}: no weight of the {part} changed. Take the gradients of "
                           "the loss with respect to ALL trainable weights "
                           "(self.trainable_weights, encoder and decoder together) and apply "
                           "them with self.optimizer")
    failures: dict[str, tuple[Mismatch, np.ndarray, np.ndarray]] = {}
    for key in want["before"]:
        got_delta = got["after"][key].astype(np.float64) - got["before"][key]
        want_delta = want["after"][key].astype(np.float64) - want["before"][key]
        scale = float(np.max(np.abs(want_delta)))
        try:
            assert_close(got_delta, want_delta, what=f"{what}: the change of {key}",
                         rtol=1e-3, atol=max(1e-3 * scale, 1e-7), scale_atol=False)
        except Mismatch as mismatch:
            failures[key] = (mismatch, got_delta, want_delta)
    if failures:
        # The decoder's gradient comes from the reconstruction term alone: report it first.
        decoder = [k for k in failures if k.startswith("grader_decoder")]
        key = decoder[0] if decoder else next(iter(failures))
        mismatch, got_delta, want_delta = failures[key]
        hint = _weight_hint(got_delta, want_delta, decoder_right=not decoder)
        others = len(failures) - 1
        also = f"\n  ({others} other weight(s) differ too)" if others else ""
        raise Mismatch(f"{mismatch}\n  hint: {hint}{also}", got=mismatch.got,
                       expected=mismatch.expected)


def _weight_hint(got: np.ndarray, want: np.ndarray, decoder_right: bool) -> str:
    if np.allclose(got, -want, rtol=1e-3, atol=1e-3 * float(np.max(np.abs(want)))):
        return ("the weight moved the opposite way: the step climbs the loss instead of "
                "descending it (apply the gradients of the loss itself, not of -loss)")
    if decoder_right:
        return ("the decoder's weights are right but the encoder's differ: the encoder also "
                "learns from the KL term. Is beta * KL part of the loss you differentiate, "
                "inside the tape, and does the gradient reach mu and log_var through z?")
    return ("the decoder's gradient comes from the reconstruction term: check z (mu + "
            "sigma * eps with this step's eps), that the decoder runs with training=True, "
            "and that the reconstruction term is computed inside the tape")


def _running_means(got: dict, want: dict, what: str,
                   keys: tuple[str, ...] = LOSS_KEYS) -> None:
    """Some metric of ``self.metrics`` holds the running mean of each loss, whatever its name
    (keras-io names its tracker ``total_loss`` and returns the key ``"loss"``)."""
    values = {name: value for name, value in got.items() if isinstance(value, float)}
    for key in keys:
        expected = want[key]
        if any(np.isclose(value, expected, rtol=STEP_RTOL, atol=STEP_ATOL)
               for value in values.values()):
            continue
        found = ", ".join(f"{name}: {value:.6g}" for name, value in sorted(values.items()))
        raise Mismatch(f"{what}: no metric in self.metrics holds the running mean of {key!r} "
                       f"after the steps ({expected:.6g}); found {{{found}}}. Update a "
                       "tracker (keras.metrics.Mean) with each batch's value in train_step "
                       "and list it in the metrics property")


# -- VAE: a short training run on the digits -----------------------------------------------

def learns_digits(student, figures, seed: int) -> None:
    c = criteria
    got = student.run(probes.fit_digits, c.LATENT_DIM, c.LEARN_HIDDEN, c.LEARN_EPOCHS,
                      c.LEARN_BATCH, c.LEARN_RATE, seed)
    if "grid" in got:
        figures.add(f"the grader's decoder after training by your VAE ({c.LEARN_EPOCHS} "
                    "epochs): codes from -2 to 2 in both latent dimensions",
                    {"latent grid": got["grid"]}, images=True)
    what = (f"VAE(grader's dense encoder and decoder, latent_dim {c.LATENT_DIM})"
            f".fit({GRADING_SIZES['train']} "
            f"digits, epochs={c.LEARN_EPOCHS}, batch_size={c.LEARN_BATCH}), Adam "
            f"{c.LEARN_RATE:g}")
    missing = [key for key in LOSS_KEYS if key not in got["history"]]
    if missing:
        raise Mismatch(f"{what}: the History has the keys {sorted(got['history'])}, missing "
                       f"{missing}: train_step must return (and track) all three")
    elbo = got["reconstruction"] + got["kl"]
    if not elbo < c.LEARN_MAX_NEG_ELBO:
        if got["kl"] > 5 * c.REFERENCE_KL:
            hint = "the KL term is far larger than a VAE's: is it part of the loss?"
        elif got["reconstruction"] > c.MEAN_IMAGE_BCE - 2:
            hint = ("the reconstructions are no better than the average digit: does the "
                    "encoder learn, and does the decoder get z?")
        else:
            hint = ("the reconstructions stay poor when z is sampled: is z sampled in "
                    "train_step, with fresh draws at every step?")
        raise Mismatch(
            f"{what}: negative ELBO {elbo:.1f} per validation digit (reconstruction "
            f"{got['reconstruction']:.1f} + KL {got['kl']:.2f}, measured by the grader with "
            f"its own draws); a working VAE gets below {c.LEARN_MAX_NEG_ELBO} (the reference: "
            f"{c.REFERENCE_NEG_ELBO}; the average digit alone: {c.MEAN_IMAGE_BCE}). "
            f"{hint} Training took {got['seconds']:.1f} s.")


# -- sample_images and interpolate ------------------------------------------------------------

def sample_images_from_prior(student, n: int, latent_dim: int, seed: int) -> None:
    got = student.run(probes.prior_samples, n, latent_dim, seed, 3)
    call = f"sample_images(decoder, {n}, {latent_dim}, seed={seed})"
    if tuple(got["shape"]) != (n, 28, 28, 1):
        raise Mismatch(f"{call} has shape {tuple(got['shape'])}, expected ({n}, 28, 28, 1)")
    if not (0 <= got["min"] and got["max"] <= 1):
        raise Mismatch(f"{call}: values from {got['min']:.4g} to {got['max']:.4g}; the "
                       "decoder's images are in [0, 1]: return them as they are")
    if not got["same_again"]:
        raise Mismatch(f"{call} gave other images the second time; the same seed must give "
                       "the same images (keras.random.normal(..., seed=seed) or "
                       "np.random.default_rng(seed))")
    if got["same_for_other_seed"]:
        raise Mismatch(f"{call} and seed={seed + 1} gave the same images; the seed must "
                       "decide the codes")
    if "codes" not in got or got["residual"] > 1e-2:
        raise Mismatch(f"{call}: the images are not outputs of the decoder (the grader "
                       "cannot find codes z with decoder(z) equal to them); return "
                       "decoder(z) itself")
    codes = got["codes"]
    mean, std = float(codes.mean()), float(codes.std())
    correlation = float(np.abs(np.corrcoef(codes.T)[np.triu_indices(latent_dim, 1)]).max())
    if abs(mean) > 5 / np.sqrt(codes.size) or abs(std - 1) > 5 / np.sqrt(2 * codes.size) \
            or correlation > 0.15:
        raise Mismatch(f"{call}: the codes behind your {n} images have mean {mean:.3f}, "
                       f"standard deviation {std:.3f} and correlations up to "
                       f"{correlation:.3f}; draws from the prior N(0, I) have mean 0, "
                       "standard deviation 1, and independent dimensions")


def interpolate_line(student, reference, rng: np.random.Generator, models: Models,
                     steps: int) -> None:
    z_start, z_end = (2 * cases.normal(rng, (models.latent_dim,)) for _ in range(2))
    arguments = (models.spec(), z_start, z_end, steps)
    got = student.run(probes.interpolation, *arguments)
    want = reference.run(probes.interpolation, *arguments)
    what = (f"interpolate(decoder, z_start, z_end, steps={steps}) on the grader's decoder "
            f"(latent_dim {models.latent_dim})")
    images = got["images"]
    if images.shape != want["images"].shape:
        raise Mismatch(f"{what}: shape {images.shape}, expected {want['images'].shape}, one "
                       "image per step")
    ends_right = (np.allclose(images[0], want["start"], atol=1e-5)
                  and np.allclose(images[-1], want["end"], atol=1e-5))
    try:
        assert_close(images, want["images"], what=what)
    except Mismatch as mismatch:
        hint = ("the first image must be decoder(z_start) and the last decoder(z_end): "
                "t = np.linspace(0, 1, steps) includes both ends" if not ends_right else
                "the ends are right; the codes in between must be evenly spaced on the "
                "straight line, z_start + t * (z_end - z_start)")
        raise Mismatch(f"{mismatch}\n  hint: {hint}") from None


# -- helpers -----------------------------------------------------------------------------------

def _with_hint(got: np.ndarray, want: np.ndarray, what: str, guesses: dict[str, np.ndarray]
               ) -> None:
    """``assert_close``, and on failure the first known mistake the result matches."""
    try:
        assert_close(got, want, what=what)
    except Mismatch as mismatch:
        for mistake, guess in guesses.items():
            guess = np.asarray(guess)
            if got.shape == guess.shape and np.allclose(got, guess, rtol=1e-3, atol=1e-5):
                raise Mismatch(f"{mismatch}\n  hint: your result is {mistake}",
                               got=mismatch.got, expected=mismatch.expected) from None
        raise
