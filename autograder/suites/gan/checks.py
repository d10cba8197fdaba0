"""Checks shared by the visible and hidden gan tests.

Each check grades one function. The losses are compared with the reference on fixed
logits, and a failure names the usual mistake when the value matches it. The model
builders are run on grader inputs. ``GAN`` is graded on the grader's own small models, with
the grader's least-squares losses in place of ``generator_loss`` and
``discriminator_loss`` (see ``autograder.probes.gan``): a mistake in a loss or in an
architecture never costs the ``GAN`` tests.
"""

from __future__ import annotations

import numpy as np

from autograder.compare import ATOL, RTOL, Mismatch
from autograder.datasets import GRADING_SIZES, grading_digits
from autograder.probes import digit_classifier
from autograder.probes import gan as probes
from autograder.suites.gan import criteria as c

IMAGE = (28, 28, 1)


# -- discriminator_loss and generator_loss ------------------------------------------------

def _softplus(x) -> np.ndarray:
    return np.logaddexp(0.0, np.asarray(x, np.float64))


def _bce_of_probabilities(p, label: int) -> np.ndarray:
    """Keras' binary cross-entropy of ``p`` read as probabilities: clipped to
    [1e-7, 1 - 1e-7] in float32, as Keras does (1 - p rounds there)."""
    eps = np.float32(1e-7)
    p = np.clip(np.asarray(p, np.float32), eps, np.float32(1) - eps)
    return -np.log(p if label == 1 else np.float32(1) - p).astype(np.float64)


def _sigmoid(x) -> np.ndarray:
    return 1 / (1 + np.exp(-np.asarray(x, np.float64)))


def discriminator_loss_mistakes(real, fake, want: float) -> dict[str, float]:
    """What the usual mistakes give on these logits (the correct value is ``want``)."""
    return {
        "the labels swapped (real images labelled 0, fake ones 1)":
            _softplus(real).mean() + _softplus(-fake).mean(),
        "the logits read as probabilities (BinaryCrossentropy() without from_logits=True)":
            _bce_of_probabilities(real, 1).mean() + _bce_of_probabilities(fake, 0).mean(),
        "a sigmoid applied before a loss that expects logits (a sigmoid too many)":
            _softplus(-_sigmoid(real)).mean() + _softplus(_sigmoid(fake)).mean(),
        "the two terms averaged instead of added (half the loss)": want / 2,
        "the cross-entropies summed over the batch instead of averaged":
            _softplus(-real).sum() + _softplus(fake).sum(),
        "only the real images' term (the fake images' term is missing)":
            _softplus(-real).mean(),
        "only the fake images' term (the real images' term is missing)":
            _softplus(fake).mean(),
    }


def generator_loss_mistakes(fake, want: float) -> dict[str, float]:
    return {
        "the saturating loss -BCE(fake, 0) = mean(log(1 - D(G(z)))) of the original minimax "
        "game; the lecture's non-saturating loss is BCE(fake, 1)":
            -_softplus(fake).mean(),
        "BCE(fake, 0): the critic's target for fakes; the painter wants them called real (1)":
            _softplus(fake).mean(),
        "the logits read as probabilities (BinaryCrossentropy() without from_logits=True)":
            _bce_of_probabilities(fake, 1).mean(),
        "a sigmoid applied before a loss that expects logits (a sigmoid too many)":
            _softplus(-_sigmoid(fake)).mean(),
        "the cross-entropy summed over the batch instead of averaged":
            want * len(np.ravel(fake)),
    }


def _loss_close(got: float, want: float) -> bool:
    return abs(got - want) <= ATOL * max(1.0, abs(want)) + RTOL * abs(want)


def _loss_hint(got: float, mistakes: dict[str, float]) -> str:
    for mistake, value in mistakes.items():
        if _loss_close(got, float(value)):
            return f"\n  hint: that is the value you get with {mistake}"
    return ""


def discriminator_loss_case(student, reference, real, fake, what: str) -> None:
    real = np.asarray(real, np.float32)
    fake = np.asarray(fake, np.float32)
    call = f"discriminator_loss(real_logits {real.shape}, fake_logits {fake.shape}) {what}"
    got = student.run(probes.loss_value, "discriminator_loss", real, fake)
    want = reference.run(probes.loss_value, "discriminator_loss", real, fake)
    if not _loss_close(got, want):
        hint = _loss_hint(got, discriminator_loss_mistakes(real.astype(np.float64),
                                                           fake.astype(np.float64), want))
        raise Mismatch(f"{call}: got {got:.6g}, expected {want:.6g}{hint}")


def generator_loss_case(student, reference, fake, what: str) -> None:
    fake = np.asarray(fake, np.float32)
    call = f"generator_loss(fake_logits {fake.shape}) {what}"
    got = student.run(probes.loss_value, "generator_loss", fake)
    want = reference.run(probes.loss_value, "generator_loss", fake)
    if not _loss_close(got, want):
        hint = _loss_hint(got, generator_loss_mistakes(fake.astype(np.float64), want))
        raise Mismatch(f"{call}: got {got:.6g}, expected {want:.6g}{hint}")


def loss_equals(student, function: str, logits: tuple, want: float, what: str) -> None:
    """A loss on logits whose value the lecture gives (e.g. 2 ln 2 for a coin-flip critic)."""
    got = student.run(probes.loss_value, function, *logits)
    if not _loss_close(got, want):
        raise Mismatch(f"{function} {what}: got {got:.6g}, expected {want:.6g}")


# -- build_generator ----------------------------------------------------------------------

def generator_shapes(student, rng: np.random.Generator, noise_dim: int | None,
                     n: int = 5) -> None:
    dim = c.DEFAULT_NOISE_DIM if noise_dim is None else noise_dim
    call = "build_generator()" if noise_dim is None else f"build_generator({noise_dim})"
    noise = rng.standard_normal((n, dim)).astype(np.float32)
    got = student.run(probes.generator_outputs, noise_dim, noise)
    shape = tuple(got["output"].shape)
    if shape != (n, *IMAGE):
        raise Mismatch(f"{call} on noise of shape {noise.shape} gives images of shape {shape}, "
                       f"expected {(n, *IMAGE)}")
    images = got["output"].astype(np.float64)
    spread = float(np.max(np.abs(images - images[:1]))) if images.size else 0.0
    if not spread > c.MIN_NOISE_EFFECT:  # random weights: other noise, other images
        raise Mismatch(f"{call} gives the same image for {n} different noise vectors (they "
                       f"differ by at most {spread:.3g}); the image must depend on the noise, "
                       "or the GAN can only ever paint one picture")


def generator_range(student, rng: np.random.Generator, n: int = 16,
                    scale: float = 10.0) -> None:
    noise = (scale * rng.standard_normal((n, c.DEFAULT_NOISE_DIM))).astype(np.float32)
    got = student.run(probes.generator_outputs, None, noise)
    images = got["output"]
    what = f"build_generator() on {n} noise vectors of scale {scale:g}"
    if tuple(images.shape) != (n, *IMAGE):
        raise Mismatch(f"{what}: images of shape {tuple(images.shape)}, expected "
                       f"{(n, *IMAGE)}")
    low, high = float(np.min(images)), float(np.max(images))
    if not (low >= -1 - 1e-6 and high <= 1 + 1e-6):
        raise Mismatch(f"{what}: pixels from {low:.4g} to {high:.4g}; the data lies in "
                       "[-1, 1], so the generator must too: end with a tanh")
    if not (low < -c.RANGE_REACH and high > c.RANGE_REACH):
        raise Mismatch(f"{what}: pixels from {low:.4g} to {high:.4g}; images in [-1, 1] need "
                       "negative and positive pixels (the background is -1): a sigmoid "
                       "gives [0, 1], a tanh [-1, 1]")


def generator_upsamples(student, noise_dim: int = 16) -> None:
    layers = student.run(probes.generator_layers, noise_dim)
    # By the Keras computation a layer runs (keras_class), not by its class name.
    transposed = [layer for layer in layers if layer.get("keras_class") == "Conv2DTranspose"]
    if not any(_grows(layer) for layer in transposed):
        kinds = [layer["class"] for layer in layers]
        disguised = any(layer["class"] == "Conv2DTranspose" for layer in layers) \
            and not transposed
        why = ("its Conv2DTranspose layers keep the size (use strides=2)" if transposed
               else "its Conv2DTranspose is a layer class of your own with that name, not "
               "keras.layers.Conv2DTranspose" if disguised
               else "it has no Conv2DTranspose layer")
        raise Mismatch(f"build_generator({noise_dim}) must upsample its feature maps with "
                       f"Conv2DTranspose (7 -> 14 -> 28), but {why}; its layers: {kinds}")


def _grows(layer: dict) -> bool:
    before, after = layer.get("input_shape"), layer.get("output_shape")
    if before and after and len(before) == 4 and len(after) == 4:
        return after[1] > before[1] or after[2] > before[2]
    return any(s > 1 for s in layer.get("strides", []))


# -- build_discriminator ------------------------------------------------------------------

def critic_inputs(rng: np.random.Generator, n_digits: int = 8) -> np.ndarray:
    """Digits, noise, blank and full images, and overdriven noise: inputs of every kind."""
    digits = grading_digits("val", value_range=(-1, 1))[0][:n_digits]
    noise = rng.uniform(-1, 1, (8, *IMAGE))
    loud = 3 * rng.standard_normal((8, *IMAGE))
    flat = np.concatenate([np.full((2, *IMAGE), -1.0), np.full((2, *IMAGE), 1.0)])
    return np.concatenate([digits, noise, loud, flat]).astype(np.float32)


def discriminator_shapes(student, rng: np.random.Generator) -> None:
    images = critic_inputs(rng, n_digits=4)
    got = student.run(probes.discriminator_outputs, images)
    shape = tuple(got["output"].shape)
    if shape != (len(images), 1):
        raise Mismatch(f"build_discriminator() on images of shape {images.shape} gives "
                       f"{shape}, expected {(len(images), 1)}: one logit per image")


def discriminator_logits(student, rng: np.random.Generator) -> None:
    images = critic_inputs(rng)
    got = student.run(probes.discriminator_outputs, images)
    out = got["output"]
    what = f"build_discriminator() on {len(images)} images (digits, noise, blank)"
    activation = str(got["last"].get("activation", "linear"))
    if activation in ("sigmoid", "softmax"):
        raise Mismatch(f"{what}: the last layer ({got['last'].get('class')}) has a "
                       f"{activation} activation, so the model returns probabilities; it must "
                       "return logits (no activation): the losses work from logits")
    low, high = float(np.min(out)), float(np.max(out))
    if low >= 0 and high <= 1:
        raise Mismatch(f"{what}: every output lies in [0, 1] (from {low:.4g} to {high:.4g}): "
                       "these look like probabilities; the discriminator must return logits, "
                       "any real number (no sigmoid at the end)")


# -- GAN.sample_noise ---------------------------------------------------------------------

def sample_noise_statistics(student, seed: int, batch_size: int = 1000) -> None:
    got = student.run(probes.noise_draws, batch_size, seed)
    draws = got["first"]
    what = f"GAN(..., noise_dim={probes.STEP_NOISE_DIM}).sample_noise({batch_size})"
    want = (batch_size, probes.STEP_NOISE_DIM)
    if tuple(draws.shape) != want:
        raise Mismatch(f"{what} has shape {tuple(draws.shape)}, expected {want}")
    values = draws.astype(np.float64).ravel()
    bad = int(np.sum(~np.isfinite(values)))
    if bad:  # one NaN makes every statistic NaN, and NaN passes every "> limit" test
        raise Mismatch(f"{what} holds {bad} NaN or Inf value(s); standard-normal draws are "
                       "finite numbers")
    mean, std = float(values.mean()), float(values.std())
    tails = float(np.mean(np.abs(values) > 2))
    if abs(mean) > 0.05 or abs(std - 1) > 0.05 or not 0.03 < tails < 0.065:
        raise Mismatch(f"{what}: mean {mean:.3f}, standard deviation {std:.3f}, "
                       f"{tails:.1%} beyond +-2; standard-normal draws have mean 0, standard "
                       "deviation 1 and 4.6% beyond +-2 (keras.random.normal)")


def sample_noise_fresh(student, seed: int, batch_size: int = 16) -> None:
    got = student.run(probes.noise_draws, batch_size, seed)
    if _same(got["first"], got["second"]):
        raise Mismatch(f"two calls of sample_noise({batch_size}) on the same GAN gave the same "
                       "numbers; every step needs fresh noise: draw with "
                       "seed=self.seed_generator (a keras.random.SeedGenerator), not with a "
                       "fixed integer seed")


def sample_noise_reproducible(student, seed: int, batch_size: int = 16) -> None:
    got = student.run(probes.noise_draws, batch_size, seed)
    if not _same(got["first"], got["same_seed"]):
        raise Mismatch(f"two GANs made with seed={seed} drew different noise on their first "
                       f"sample_noise({batch_size}); the seed must decide the draws: "
                       "keras.random.SeedGenerator(seed) in __init__, used by sample_noise")
    if _same(got["first"], got["other_seed"]):
        raise Mismatch(f"GANs made with seed={seed} and seed={seed + 1} drew the same noise; "
                       "the seed must decide the draws")


def sample_noise_in_graph(student, seed: int, batch_size: int = 16) -> None:
    got = student.run(probes.noise_draws, batch_size, seed)
    if _same(got["graph_first"], got["graph_second"]):
        raise Mismatch(f"inside a tf.function (as fit runs train_step) two calls of "
                       f"sample_noise({batch_size}) gave the same numbers: the draws were "
                       "frozen when TensorFlow traced the function (NumPy random numbers, or "
                       "a fixed seed, do that); use keras.random.normal with "
                       "seed=self.seed_generator")


def _same(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and bool(np.array_equal(a, b))


# -- GAN.train_step: one step -------------------------------------------------------------

def step_inputs(rng: np.random.Generator, batch_size: int) -> tuple:
    """Real digits in [-1, 1], the grader's noise and a seed for the starting weights."""
    digits = grading_digits("train", value_range=(-1, 1))[0]
    real = digits[np.sort(rng.choice(len(digits), batch_size, replace=False))]
    noise = rng.standard_normal((batch_size, probes.STEP_NOISE_DIM)).astype(np.float32)
    return real, noise, int(rng.integers(2**31))


def one_step(handle, inputs: tuple, g_lr: float, d_lr: float) -> dict:
    real, noise, weight_seed = inputs
    return handle.run(probes.one_step, real, noise, g_lr, d_lr, weight_seed)


def _setting(inputs: tuple, g_lr: float, d_lr: float) -> str:
    return (f"one train_step on {len(inputs[0])} real digits, the grader's small models, "
            f"g_optimizer SGD(learning_rate={g_lr:g}), d_optimizer "
            f"SGD(learning_rate={d_lr:g})")


def _weight_differences(got: dict, want: dict, part: str) -> str:
    """'' when every weight of ``part`` is the reference's; else how many differ and where
    the largest difference is."""
    names = want[f"{part}_names"]
    if len(got[part]) != len(want[part]):
        return f"{len(got[part])} weight arrays, expected {len(want[part])}"
    differing, worst = 0, (0.0, "")
    for name, mine, theirs in zip(names, got[part], want[part], strict=True):
        mine, theirs = np.asarray(mine, np.float64), np.asarray(theirs, np.float64)
        if mine.shape != theirs.shape:
            return f"{name} has shape {mine.shape}, expected {theirs.shape}"
        error = np.abs(mine - theirs)
        atol = ATOL * max(1.0, float(np.max(np.abs(theirs), initial=0.0)))
        if np.any(~(error <= atol + RTOL * np.abs(theirs))):
            differing += 1
            largest = float(np.nanmax(error)) if not np.all(np.isnan(error)) else np.inf
            worst = max(worst, (largest, name))
    if not differing:
        return ""
    return (f"{differing} of {len(names)} weight arrays differ, the most {worst[1]} (by up "
            f"to {worst[0]:.3g})")


def _optimizer_diagnosis(got: dict) -> list[str]:
    """What the two optimizers were applied to, when that is not what the contract says."""
    calls = got.get("optimizer_calls", {})
    own = {"g_optimizer": "generator", "d_optimizer": "discriminator"}
    touched = {name: {part for record in records for part in ("generator", "discriminator")
                      if record.get(part)} for name, records in calls.items()}
    if touched.get("g_optimizer") == {"discriminator"} and \
            touched.get("d_optimizer") == {"generator"}:
        return ["g_optimizer updated the discriminator and d_optimizer the generator: the "
                "two optimizers are swapped"]
    lines = []
    for name, part in own.items():
        other = "discriminator" if part == "generator" else "generator"
        if not calls.get(name):
            lines.append(f"self.{name} was never used: update the {part} with it")
        elif other in touched.get(name, set()):
            lines.append(f"self.{name} also updated the {other}'s weights: give it the "
                         f"{part}'s trainable weights only")
        elif part not in touched.get(name, set()):
            lines.append(f"self.{name} never updated the {part}'s weights")
        if len(calls.get(name, [])) > 1:
            lines.append(f"self.{name} was applied {len(calls[name])} times in one step")
    return lines


def _diagnosis(got: dict, want: dict, batch_size: int) -> list[str]:
    """The likely causes the probe can see, one line each."""
    lines = []
    calls = got["noise_calls"]
    if not calls:
        lines.append("train_step never called self.sample_noise: the step's noise must come "
                     "from sample_noise (the grader replaces it to hand in fixed draws)")
    elif len(calls) > 1:
        lines.append(f"train_step called sample_noise {len(calls)} times; draw the noise once "
                     "and use the same fake images for both players")
    elif calls[0] != batch_size:
        lines.append(f"train_step asked sample_noise for {calls[0]} noise vectors for a batch "
                     f"of {batch_size} real images; ask for the batch size of real_images")
    for function, count in got["loss_calls"].items():
        if count == 0:
            lines.append(f"train_step never called {function}: call the module's "
                         f"{function} by name (the grader swaps in its own losses)")
    for part, flags in got["training_flags"].items():
        wrong = sorted({flag for flag in flags if flag != "True"})
        if not flags:
            lines.append(f"the {part} was never called")
        elif wrong:
            lines.append(f"the {part} was called with training={', '.join(wrong)}; call it "
                         "with training=True in train_step")
    lines += _optimizer_diagnosis(got)
    for part in ("generator", "discriminator"):
        if want[f"{part}_moved"] > 0 and got[f"{part}_moved"] == 0:
            lines.append(f"your step did not change the {part}'s weights at all (the "
                         f"reference moves them by up to {want[f'{part}_moved']:.3g})")
    return lines


def step_matches(student, reference, inputs: tuple, g_lr: float, d_lr: float) -> None:
    got = one_step(student, inputs, g_lr, d_lr)
    want = one_step(reference, inputs, g_lr, d_lr)
    problems = []
    for part in ("generator", "discriminator"):
        differences = _weight_differences(got, want, part)
        if differences:
            problems.append(f"the {part}'s weights after the step are not the reference's: "
                            f"{differences}")
    for key in ("d_loss", "g_loss"):
        if got[key] is None:
            problems.append(f"train_step returned no {key!r} (it returned {got['returned']})")
        elif not _loss_close(got[key], want[key]):
            problems.append(f"the returned {key} is {got[key]:.6g}, expected {want[key]:.6g}")
    if problems:
        hints = _diagnosis(got, want, len(inputs[0]))
        if not hints:
            hints = [f"the {part} moved, but not along the gradient of its own loss with "
                     f"respect to its own trainable weights ({how})"
                     for part, how in (("generator", "g_loss, from generator_loss"),
                                       ("discriminator", "d_loss, from discriminator_loss"))
                     if _weight_differences(got, want, part)]
        _fail(_setting(inputs, g_lr, d_lr), problems, hints)


def step_returns_losses(student, reference, inputs: tuple) -> None:
    got = one_step(student, inputs, c.STEP_G_LR, c.STEP_D_LR)
    want = one_step(reference, inputs, c.STEP_G_LR, c.STEP_D_LR)
    problems = []
    for key in ("d_loss", "g_loss"):
        if got[key] is None:
            problems.append(f"it returned {got['returned']}, with no number under {key!r}: "
                            'return {"d_loss": ..., "g_loss": ...}')
        elif not _loss_close(got[key], want[key]):
            swapped = got["d_loss" if key == "g_loss" else "g_loss"]
            hint = (" (that is the other loss: are d_loss and g_loss swapped?)"
                    if swapped is not None and _loss_close(swapped, want[key]) else "")
            problems.append(f"{key} is {got[key]:.6g}, expected {want[key]:.6g}{hint}")
    if problems:
        _fail(_setting(inputs, c.STEP_G_LR, c.STEP_D_LR), problems,
              _diagnosis(got, want, len(inputs[0])))


def step_samples_noise_once(student, inputs: tuple) -> None:
    got = one_step(student, inputs, c.STEP_G_LR, c.STEP_D_LR)
    calls, batch_size = got["noise_calls"], len(inputs[0])
    if calls != [batch_size]:
        lines = _diagnosis(got, {"generator_moved": 0, "discriminator_moved": 0}, batch_size)
        raise Mismatch(f"{_setting(inputs, c.STEP_G_LR, c.STEP_D_LR)}: sample_noise was "
                       f"called {len(calls)} times with batch sizes {calls}; expected once, "
                       f"with {batch_size}\n  " + "\n  ".join(lines[:1]))


def step_two_optimizers(student, reference, inputs: tuple, lr: float) -> None:
    """With one optimizer's learning rate 0, only the other player may move."""
    problems, hints = [], []
    for g_lr, d_lr, still, mover in ((lr, 0.0, "discriminator", "generator"),
                                     (0.0, lr, "generator", "discriminator")):
        got = one_step(student, inputs, g_lr, d_lr)
        want = one_step(reference, inputs, g_lr, d_lr)
        resting = "d_optimizer" if still == "discriminator" else "g_optimizer"
        if got[f"{still}_moved"] > 0:
            problems.append(f"with {resting}'s learning rate 0 the {still} still moved (by up "
                            f"to {got[f'{still}_moved']:.3g})")
        differences = _weight_differences(got, want, mover)
        if differences:
            problems.append(f"with only the {mover}'s optimizer at learning rate {lr:g}, the "
                            f"{mover}'s weights are not the reference's: {differences}")
        hints += [line for line in _optimizer_diagnosis(got) if line not in hints]
    if problems:
        _fail(f"{_setting(inputs, lr, lr)} (one of them set to 0 at a time)", problems, hints)


def step_training_mode(student, inputs: tuple) -> None:
    got = one_step(student, inputs, c.STEP_G_LR, c.STEP_D_LR)
    for part, flags in got["training_flags"].items():
        wrong = sorted({flag for flag in flags if flag != "True"})
        if not flags:
            raise Mismatch(f"{_setting(inputs, c.STEP_G_LR, c.STEP_D_LR)}: the {part} was "
                           "never called")
        if wrong:
            raise Mismatch(
                f"{_setting(inputs, c.STEP_G_LR, c.STEP_D_LR)}: the {part} was called with "
                f"training={', '.join(wrong)} ({len(flags)} calls); in train_step call both "
                "models with training=True, or layers such as BatchNormalization and "
                "Dropout behave as at inference time")


def step_generator_gradients(student, reference, inputs: tuple, lr: float) -> None:
    """Only the generator learns (d_optimizer's rate 0): is its step the reference's?"""
    got = one_step(student, inputs, lr, 0.0)
    want = one_step(reference, inputs, lr, 0.0)
    differences = _weight_differences(got, want, "generator")
    if not differences:
        return
    hints = [line for line in _diagnosis(got, want, len(inputs[0])) if "generator" in line]
    if got["generator_moved"] > 0 and not hints:
        hints.append("the generator moved, but not along the gradient of g_loss (what "
                     "generator_loss gives on the fake logits) with respect to its trainable "
                     "weights (the gradient of d_loss instead? the wrong tape?)")
    _fail(_setting(inputs, lr, 0.0),
          [f"the generator's weights are not the reference's: {differences}"], hints)


def step_discriminator_leaves_generator(student, reference, inputs: tuple, lr: float) -> None:
    """Only the discriminator learns (g_optimizer's rate 0): the generator must stay put."""
    got = one_step(student, inputs, 0.0, lr)
    want = one_step(reference, inputs, 0.0, lr)
    problems = []
    if got["generator_moved"] > 0:
        problems.append(f"the generator moved by up to {got['generator_moved']:.3g} although "
                        "g_optimizer's learning rate was 0")
    differences = _weight_differences(got, want, "discriminator")
    if differences:
        problems.append(f"the discriminator's weights are not the reference's: {differences}")
    if problems:
        _fail(_setting(inputs, 0.0, lr), problems, _optimizer_diagnosis(got) or [
            "the discriminator's update must change self.discriminator.trainable_weights "
            "only"])


def _fail(setting: str, problems: list[str], hints: list[str]) -> None:
    text = f"{setting}:\n  " + "\n  ".join(problems)
    if hints:
        text += "\n  likely cause: " + "\n  likely cause: ".join(hints)
    raise Mismatch(text)


# -- GAN: a short training run ------------------------------------------------------------

def quality_problems(verdict: dict) -> list[str]:
    """Why the classifier's verdict on generated samples (``digit_classifier.quality``) fails
    the thresholds; empty when it passes."""
    problems = []
    if verdict["confidence"] < c.MIN_CONFIDENCE:
        problems.append(f"the digit classifier's mean confidence is "
                        f"{verdict['confidence']:.3f}, below {c.MIN_CONFIDENCE} (real digits: "
                        f"{c.REAL_CONFIDENCE}; the reference's run: {c.REFERENCE_CONFIDENCE})")
    if verdict["classes"] < c.MIN_CLASSES:
        problems.append(f"only {verdict['classes']} digits hold "
                        f"{digit_classifier.MIN_SHARE:.0%} of the samples or more; at least "
                        f"{c.MIN_CLASSES} must (the reference: {c.REFERENCE_CLASSES})")
    if verdict["entropy"] < c.MIN_ENTROPY:
        problems.append(f"the entropy of the predicted digits is {verdict['entropy']:.2f} "
                        f"bits, below {c.MIN_ENTROPY} (ten equally frequent digits: 3.32; the "
                        f"reference: {c.REFERENCE_ENTROPY})")
    return problems


def nearest_digit_distances(samples: np.ndarray) -> np.ndarray:
    """For each of (N, 28, 28, 1) samples in [-1, 1], the root-mean-square pixel distance to
    the nearest of the bundled grading digits (every split: all a GAN class could copy)."""
    digits = np.concatenate([grading_digits(split, value_range=(-1, 1))[0]
                             for split in GRADING_SIZES]).reshape(-1, 28 * 28)
    x = samples.reshape(len(samples), -1).astype(np.float64)
    digits = digits.astype(np.float64)
    squared = ((x ** 2).sum(1)[:, None] - 2 * x @ digits.T + (digits ** 2).sum(1)[None])
    return np.sqrt(np.maximum(squared.min(axis=1), 0.0) / x.shape[1])


def copy_problems(compared) -> list[str]:
    """Why the samples look copied from the training digits; empty when they do not. A
    generator learns a distribution: its samples are new digits, not the training set's."""
    if not isinstance(compared, np.ndarray) or compared.ndim != 4 \
            or compared.shape[1:] != IMAGE or compared.dtype.kind != "f" or not len(compared):
        return ["the grader could not read the samples to compare with the training digits"]
    distances = nearest_digit_distances(np.nan_to_num(compared, nan=9.0))
    copies = int(np.sum(distances < c.COPY_RMS))
    if copies > c.MAX_COPY_SHARE * len(compared):
        return [f"{copies} of {len(compared)} samples are copies of training digits (root-"
                f"mean-square distance below {c.COPY_RMS} to the nearest one; a correct "
                f"GAN's lie {c.REFERENCE_COPY_RMS} or more away): the samples "
                "must come from the generator, not from the training set"]
    return []


#: Samples of the graded training run shown in the report.
SHOWN = 8


def learns_digits(student, figures, seed: int) -> None:
    got = student.run(probes.learns_digits, c.TRAIN_EPOCHS, c.TRAIN_BATCH, c.TRAIN_LR, seed,
                      c.QUALITY_SAMPLES, SHOWN, c.COMPARED_SAMPLES)
    samples = got["samples"]
    if not isinstance(samples, np.ndarray) or samples.shape != (SHOWN, *IMAGE) \
            or samples.dtype.kind != "f":
        what = f"samples of shape {samples.shape} and dtype {samples.dtype}" \
            if isinstance(samples, np.ndarray) else f"a {type(samples).__name__}"
        raise Mismatch(f"the grader's small generator, trained by your GAN class, drew "
                       f"{what}, not {SHOWN} float images of shape {IMAGE}: it returns "
                       "them itself, so your code must have changed it")
    figures.add("the grader's small generator after your GAN.fit: samples (scaled to [0, 1])",
                {"samples": (np.clip(got["samples"], -1, 1) + 1) / 2}, images=True)
    problems = copy_problems(got.get("compared")) + quality_problems(got)
    if problems:
        history = got["history"]
        losses = "; ".join(f"{key} per epoch {[round(v, 3) for v in history[key]]}"
                           for key in ("d_loss", "g_loss") if key in history)
        raise Mismatch(
            f"the grader's small GAN trained by your GAN class ({c.TRAIN_EPOCHS} epochs of fit "
            f"on the {GRADING_SIZES['train']} training digits, batches of {c.TRAIN_BATCH}, "
            f"Adam({c.TRAIN_LR:g}, "
            f"beta_1=0.5) for both players, the grader's losses) drew "
            f"{c.QUALITY_SAMPLES} samples:\n  " + "\n  ".join(problems)
            + f"\n  samples per digit: {got['histogram']}"
            + (f"\n  {losses}" if losses else "")
            + f"\n  (training took {got['seconds']:.1f} s)")
