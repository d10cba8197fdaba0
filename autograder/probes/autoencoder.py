"""Probes for assignment 4, ``autoencoder``.

Models cannot cross the trust boundary, so every probe builds or trains inside the worker
and returns plain numbers and shapes. Each probe grades one function:

- ``build_conv_autoencoder`` is trained by the grader's own fixed loop (``grader_loop``),
  never by the student's ``train_autoencoder``;
- ``train_autoencoder`` trains a small model the grader defines (``grader_model``), never the
  student's architecture, and runs with the grader's ``noisy`` in place of the student's
  ``add_noise``; its ``fit`` calls are watched, to see what went in as inputs and targets;
- ``pca_reconstruct`` is compared, in the grader, with an SVD of the same digits.

The digits are loaded here, inside the worker (``autograder.datasets``), so that requests
stay small. TensorFlow and Keras are imported inside the probes: the grader never loads them.
"""

from __future__ import annotations

import inspect
import time
from contextlib import contextmanager
from types import ModuleType

import numpy as np

from autograder.datasets import grading_digits
from autograder.probes.common import function_of, hands_in_answers, replaced, runs, seeded_keras
from autograder.probes.convert import BadResult, as_array

#: How much of a ``tf.data.Dataset`` given to ``fit`` is looked at.
MAX_DATASET_SAMPLES = 4096


def noisy(x: np.ndarray, noise_std: float, seed: int) -> np.ndarray:
    """The grader's noisy copy of ``x``, for evaluation and in place of ``add_noise``."""
    draws = np.random.default_rng([seed, 4]).standard_normal(np.shape(x))
    return np.clip(x + noise_std * draws, 0.0, 1.0).astype(np.float32)


# -- build_conv_autoencoder ---------------------------------------------------------------

def model_shapes(module: ModuleType, latent_dim: int, n: int) -> dict:
    """What ``build_conv_autoencoder(latent_dim)`` returns, and its shapes on ``n`` digits."""
    keras = seeded_keras()
    encoder, decoder, autoencoder = _build(module, latent_dim)
    x = grading_digits("val")[0][:n]
    kinds = [type(m).__name__ if isinstance(m, keras.Model) else f"not a model: "
             f"{type(m).__name__}" for m in (encoder, decoder, autoencoder)]
    code = as_array(encoder(x), what="encoder(x)")
    return {
        "kinds": kinds,
        "code": list(code.shape),
        "decoded": list(as_array(decoder(code), what="decoder(z)").shape),
        "output": list(as_array(autoencoder(x), what="autoencoder(x)").shape),
    }


def output_ranges(module: ModuleType, latent_dim: int, n: int, code_scale: float,
                  seed: int) -> dict:
    """min and max of ``autoencoder`` on digits and of ``decoder`` on large random codes."""
    seeded_keras()
    _, decoder, autoencoder = _build(module, latent_dim)
    x = grading_digits("val")[0][:n]
    codes = code_scale * np.random.default_rng(seed).standard_normal((n, latent_dim))
    images = as_array(autoencoder(x), what="autoencoder(x)")
    decoded = as_array(decoder(codes.astype(np.float32)), what="decoder(z)")
    return {"autoencoder": [float(np.min(images)), float(np.max(images))],
            "decoder": [float(np.min(decoded)), float(np.max(decoded))]}


def composition_gap(module: ModuleType, latent_dim: int, n: int) -> float:
    """max |autoencoder(x) - decoder(encoder(x))| on ``n`` digits."""
    seeded_keras()
    encoder, decoder, autoencoder = _build(module, latent_dim)
    x = grading_digits("val")[0][:n]
    whole = as_array(autoencoder(x), what="autoencoder(x)")
    chained = as_array(decoder(encoder(x)), what="decoder(encoder(x))")
    if whole.shape != chained.shape:
        raise BadResult(f"autoencoder(x) has shape {whole.shape} but decoder(encoder(x)) "
                        f"has shape {chained.shape}")
    return float(np.max(np.abs(whole.astype(np.float64) - chained)))


@hands_in_answers
def code_and_output(module: ModuleType, latent_dim: int, n: int) -> dict:
    """``encoder(x)`` and ``autoencoder(x)`` on ``n`` digits.

    Marked ``hands_in_answers`` for its effect: the worker that saw the digits ends after
    this call, so that ``decoded_alone`` decodes the code in a process that never saw them,
    and nothing but the code can reach the decoder (no side channel around the code)."""
    seeded_keras()
    encoder, _, autoencoder = _build(module, latent_dim)
    x = grading_digits("val")[0][:n]
    return {"code": as_array(encoder(x), what="encoder(x)"),
            "output": as_array(autoencoder(x), what="autoencoder(x)")}


def decoded_alone(module: ModuleType, latent_dim: int, code) -> np.ndarray:
    """``decoder(code)``, in a fresh worker (after ``code_and_output``), from the same
    starting weights (the build is seeded)."""
    keras = seeded_keras()
    _, decoder, _ = _build(module, latent_dim)
    return as_array(decoder(keras.ops.convert_to_tensor(np.asarray(code, np.float32))),
                    what="decoder(code)")


def layer_kinds(module: ModuleType, latent_dim: int) -> dict:
    """The class names of every layer of the encoder and of the decoder (nested included)."""
    keras = seeded_keras()
    encoder, decoder, _ = _build(module, latent_dim)

    def kinds(model) -> list[str]:
        found = []
        for layer in getattr(model, "layers", []):
            found.append(type(layer).__name__)
            if isinstance(layer, keras.Model):
                found.extend(kinds(layer))
        return found

    return {"encoder": kinds(encoder), "decoder": kinds(decoder)}


def grader_loop(module: ModuleType, latent_dim: int, epochs: int, noise_std: float,
                seed: int, stop_below: float | None = None, learning_rate: float = 3e-3
                ) -> dict:
    """Train the student's ``build_conv_autoencoder(latent_dim)`` with the grader's loop.

    The loop is fixed but for its learning rate: Adam at ``learning_rate``, MSE, batches of
    32, ``epochs`` passes over the training digits; with ``noise_std > 0``, noisy inputs and
    clean targets. After every epoch the BatchNormalization statistics are measured on the
    training digits (``settle_batch_norm``) and the validation MSE on clean inputs is taken;
    training stops once it is below ``stop_below`` (None: never). Returns those MSEs, the
    final validation MSE (clean inputs and, with noise, noisy inputs), the MSE of the noisy
    inputs themselves, the parameter count, the training time and the number of
    BatchNormalization layers settled.
    """
    keras = seeded_keras(seed)
    _, _, autoencoder = _build(module, latent_dim)
    x_train, x_val = grading_digits("train")[0], grading_digits("val")[0]
    inputs = noisy(x_train, noise_std, seed) if noise_std > 0 else x_train
    autoencoder.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                        loss="mse")
    curve: list[float] = []
    settled = [0]

    class Measure(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None) -> None:
            settled[0] = settle_batch_norm(autoencoder, inputs[:SETTLE_SAMPLES])
            curve.append(_evaluate(autoencoder, x_val, 0.0, seed)["val_mse"])
            if stop_below is not None and curve[-1] < stop_below:
                self.model.stop_training = True

    started = time.monotonic()
    autoencoder.fit(inputs, x_train, batch_size=32, epochs=epochs, shuffle=True, verbose=0,
                    callbacks=[Measure()])
    seconds = time.monotonic() - started
    return {"params": int(autoencoder.count_params()), "seconds": seconds,
            "learning_rate": learning_rate, "batch_norm_layers": settled[0],
            "val_mses": curve, **_evaluate(autoencoder, x_val, noise_std, seed)}


#: How many training digits ``settle_batch_norm`` averages the statistics over.
SETTLE_SAMPLES = 400


def settle_batch_norm(model, x: np.ndarray, batch: int = 100) -> int:
    """Set the moving statistics of every BatchNormalization layer in ``model`` to their
    average over the images ``x`` (N, 28, 28, 1); the weights are not touched.

    Why: Keras keeps running averages (momentum 0.99) that start at mean 0 and variance 1.
    After the few hundred steps of the grader's short loop they still hold 0.99 ** 300 = 5 %
    of that start, and where a layer's real variance is far below 1 that spoils the
    inference-mode output of a model that has learnt (a LeakyReLU-then-BatchNorm design,
    8 epochs at 3e-3: training loss 0.015, validation MSE 0.063 before settling and 0.017
    after). A long training forgets the
    start; the grader, judging what was learnt, measures the statistics instead, as
    "precise BatchNorm" does: batch ``i`` of ``x`` is averaged in with momentum i / (i + 1).
    Returns how many layers were settled.
    """
    keras = seeded_keras()
    # Keras's own walk through every nested model and layer (``model.layers`` stops at
    # the first level, and a BatchNormalization may sit in a block of the student's).
    norms = [layer for layer in model._flatten_layers(include_self=False)
             if isinstance(layer, keras.layers.BatchNormalization) and layer.trainable]
    if not norms:
        return 0
    momenta = [layer.momentum for layer in norms]
    try:
        for i, start in enumerate(range(0, len(x), batch)):
            for layer in norms:
                layer.momentum = i / (i + 1)  # 0 for the first batch: the start is forgotten
            model(x[start:start + batch], training=True)
    finally:
        for layer, momentum in zip(norms, momenta, strict=True):
            layer.momentum = momentum
    return len(norms)


# -- train_autoencoder ------------------------------------------------------------------

def grader_model(latent_dim: int = 16, hidden: int = 256):
    """The small dense autoencoder that ``train_autoencoder`` is graded on (uncompiled)."""
    keras = seeded_keras()
    layers = keras.layers
    image = keras.Input((28, 28, 1))
    h = layers.Dense(hidden, activation="elu")(layers.Flatten()(image))
    h = layers.Dense(hidden, activation="elu")(layers.Dense(latent_dim)(h))
    h = layers.Dense(28 * 28, activation="sigmoid")(h)
    return keras.Model(image, layers.Reshape((28, 28, 1))(h), name="grader_autoencoder")


@runs("train_autoencoder")
def train_grader_model(module: ModuleType, epochs: int, noise_std: float, seed: int,
                       eval_noise_std: float = 0.5) -> dict:
    """``train_autoencoder(grader_model(), x_train, x_val, epochs, noise_std, seed)``.

    Returns what the grader needs: the History's keys and loss values, the epochs that
    ``fit`` really ran, what went into ``fit`` (see ``_describe_pair``), and afterwards the
    validation MSE on clean inputs and on noisy ones (``eval_noise_std``), and whether the
    compiled loss is the MSE (``evaluate`` against the MSE computed here).
    """
    keras = seeded_keras(seed)
    model = grader_model()
    x_train, x_val = grading_digits("train")[0], grading_digits("val")[0]
    fits: list[dict] = []
    with _watching_fit(model, fits), replaced(module, {"add_noise": _grader_add_noise}):
        history = function_of(module, "train_autoencoder")(model, x_train, x_val, epochs=epochs,
                                                         noise_std=noise_std, seed=seed)
    if not fits:
        raise BadResult("train_autoencoder never called autoencoder.fit(...)")
    result = {
        "history": _describe_history(history, keras),
        "epochs_run": sum(f["epochs_run"] for f in fits),
        "fits": fits,
        "train_mean": float(np.mean(x_train, dtype=np.float64)),
        **_evaluate(model, x_val, eval_noise_std, seed),
    }
    sample = x_val[:64]
    try:
        logs = model.evaluate(sample, sample, batch_size=64, verbose=0, return_dict=True)
        result["compiled_loss"] = float(logs["loss"])
    except Exception as error:  # noqa: BLE001 - reported as a failed check, not a crash
        result["compiled_loss"] = f"{type(error).__name__}: {error}"
    prediction = _outputs(model, sample)
    result["sample_mse"] = float(np.mean((prediction.astype(np.float64) - sample) ** 2))
    return result


# -- pca_reconstruct --------------------------------------------------------------------

def pca_on_digits(module: ModuleType, k: int, n_train: int, n: int) -> np.ndarray:
    """``pca_reconstruct(train digits[:n_train], validation digits[:n], k)``."""
    x_train, x_val = grading_digits("train")[0][:n_train], grading_digits("val")[0][:n]
    result = function_of(module, "pca_reconstruct")(x_train, x_val, k)
    return as_array(result, what=f"pca_reconstruct(x_train, x, k={k})")


# -- add_noise --------------------------------------------------------------------------

def noise_twice(module: ModuleType, x, noise_std: float, seed: int, disturb: bool) -> dict:
    """``add_noise`` twice with one seed (with ``disturb``, the global random state changed
    in between), once with another seed, and whether ``x`` was modified."""
    add_noise = function_of(module, "add_noise")
    original = np.array(x, copy=True)
    first = as_array(add_noise(x, noise_std, seed), what="add_noise(x, noise_std, seed)")
    if disturb:  # every global generator a student might (wrongly) rely on
        keras = seeded_keras()
        np.random.seed(seed + 12345)
        np.random.standard_normal(10)
        keras.utils.set_random_seed(seed + 54321)
        keras.random.normal((3,))
    second = as_array(add_noise(x, noise_std, seed), what="add_noise(x, noise_std, seed)")
    other = as_array(add_noise(x, noise_std, seed + 1),
                     what="add_noise(x, noise_std, seed + 1)")
    return {"first": first, "second": second, "other": other,
            "input_changed": bool(not np.array_equal(original, x))}


# -- helpers ----------------------------------------------------------------------------

def _build(module: ModuleType, latent_dim: int) -> tuple:
    result = function_of(module, "build_conv_autoencoder")(latent_dim)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise BadResult("build_conv_autoencoder must return a tuple (encoder, decoder, "
                        f"autoencoder); it returned a {type(result).__name__}")
    return tuple(result)


def _evaluate(model, x_val: np.ndarray, noise_std: float, seed: int) -> dict:
    """Validation MSE on clean inputs, and (noise_std > 0) on noisy inputs."""
    def mse(inputs) -> float:
        output = _outputs(model, inputs)
        if output.shape != x_val.shape:
            raise BadResult(f"the model's output has shape {output.shape}, expected "
                            f"{x_val.shape}")
        return float(np.mean((output.astype(np.float64) - x_val) ** 2))

    result = {"val_mse": mse(x_val)}
    if noise_std > 0:
        inputs = noisy(x_val, noise_std, seed + 1)
        result["denoised_mse"] = mse(inputs)
        result["noisy_mse"] = float(np.mean((inputs.astype(np.float64) - x_val) ** 2))
    return result


def _outputs(model, inputs: np.ndarray, batch: int = 128) -> np.ndarray:
    """``model(inputs)`` in inference mode, eagerly and in batches (``predict`` would trace a
    new function for every model and print TensorFlow's retracing warnings)."""
    parts = [as_array(model(inputs[i:i + batch], training=False), what="the model's output")
             for i in range(0, len(inputs), batch)]
    return np.concatenate(parts)


def _grader_add_noise(x, noise_std, seed):
    return noisy(np.asarray(x, dtype=np.float32), float(noise_std), int(seed))


@contextmanager
def _watching_fit(model, fits: list[dict]):
    """Record, for every ``model.fit`` call, what its inputs and targets looked like."""
    keras = seeded_keras()
    fit = model.fit
    signature = inspect.signature(fit)

    class EpochCounter(keras.callbacks.Callback):
        def __init__(self, record: dict) -> None:
            super().__init__()
            self.record = record

        def on_epoch_end(self, epoch, logs=None) -> None:
            self.record["epochs_run"] += 1

    def watched_fit(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        record = {"epochs_run": 0, **_describe_pair(bound.arguments.get("x"),
                                                     bound.arguments.get("y"))}
        fits.append(record)
        callbacks = list(bound.arguments.get("callbacks") or [])
        bound.arguments["callbacks"] = [*callbacks, EpochCounter(record)]
        return fit(*bound.args, **bound.kwargs)

    model.fit = watched_fit
    try:
        yield
    finally:
        del model.fit


def blank_pixels() -> np.ndarray:
    """(28, 28) bool: the pixels that are 0 in every clean training digit the grader uses
    (MNIST's corners and most of its edges: 167 of 784). Noise shows there, clean images
    never do, whatever their order."""
    return np.all(grading_digits("train")[0][..., 0] == 0, axis=0)


def _describe_pair(x, y) -> dict:
    """What ``fit`` was given: sizes, and on the blank pixels (0 in every clean training
    digit) how far inputs are from 0 (the noise) and whether the targets are clean."""
    try:
        inputs, targets = _as_arrays(x, y)
    except Exception as error:  # noqa: BLE001 - an unusual input is reported, not fatal
        return {"readable": False, "why": f"{type(error).__name__}: {error}"}
    if inputs.shape != targets.shape or inputs.ndim != 4 or inputs.shape[1:3] != (28, 28):
        return {"readable": False, "why": f"inputs {inputs.shape}, targets {targets.shape}"}
    mask = blank_pixels()
    input_blank = inputs[:, mask].astype(np.float64)
    target_blank = targets[:, mask].astype(np.float64)
    return {
        "readable": True,
        "samples": int(len(inputs)),
        "identical": bool(np.array_equal(inputs, targets)),
        "input_blank_rms": float(np.sqrt(np.mean(input_blank ** 2))),
        "target_blank_rms": float(np.sqrt(np.mean(target_blank ** 2))),
        "target_mean": float(np.mean(targets, dtype=np.float64)),
    }


def _as_arrays(x, y) -> tuple[np.ndarray, np.ndarray]:
    """NumPy inputs and targets from arrays, tensors or a finite ``tf.data.Dataset``."""
    if y is not None or not hasattr(x, "as_numpy_iterator"):
        if y is None:
            raise TypeError(f"fit got inputs of type {type(x).__name__} and no targets")
        return np.asarray(x), np.asarray(y)
    inputs, targets, seen = [], [], 0
    for element in x.as_numpy_iterator():
        inputs.append(np.asarray(element[0]))
        targets.append(np.asarray(element[1]))
        seen += len(inputs[-1])
        if seen >= MAX_DATASET_SAMPLES:  # a repeated dataset never ends
            break
    return np.concatenate(inputs), np.concatenate(targets)


def _describe_history(history, keras) -> dict:
    if not isinstance(history, keras.callbacks.History):
        return {"kind": type(history).__name__, "keys": [], "loss": []}
    record = getattr(history, "history", {}) or {}
    loss = [float(v) for v in record.get("loss", [])]
    return {"kind": "History", "keys": sorted(str(k) for k in record), "loss": loss}
