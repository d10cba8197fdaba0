"""Probes for assignment 6, ``gan``.

Models cannot cross the trust boundary, so every probe builds, steps or trains inside the
worker and returns plain data. Each probe grades one function, with grader-made
collaborators:

- ``build_generator`` and ``build_discriminator`` are built and run on grader inputs;
- ``GAN`` (``sample_noise``, ``train_step``) runs on small models the grader defines
  (``step_generator``, ``step_discriminator``; ``quality_generator``,
  ``quality_discriminator`` for the training run), never on the student's architectures;
- in every ``GAN`` probe the module's ``generator_loss`` and ``discriminator_loss`` are
  replaced by the grader's *least-squares* GAN losses (Mao et al., 2017), so that a
  mistake in a loss function costs that function's points only. They are not the
  assignment's losses, and they are asymmetric in (real, fake): arguments passed in the
  wrong order change the result;
- in ``one_step`` the instance's ``sample_noise`` is replaced by a function that hands out
  the grader's draws and counts its calls.

The step models contain a ``TrainingSwitch`` layer: the identity with ``training=True``,
``0.5 * x + 0.1`` otherwise, so that a forgotten ``training=True`` changes every number. It
is deterministic and acts on each image alone, unlike dropout (random) or batch
normalisation (whose moving averages would depend on whether the critic sees the real or
the fake batch first, which the contract leaves open).

TensorFlow and Keras are imported inside the functions: the grader never loads them.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from types import ModuleType, SimpleNamespace

import numpy as np

from autograder.datasets import grading_digits
from autograder.probes import digit_classifier
from autograder.probes.common import function_of, replaced, runs, seeded_keras
from autograder.probes.convert import BadResult, as_array
from autograder.probes.transposed_conv import describe_layer, flat_layers

IMAGE_SHAPE = (28, 28, 1)
#: Noise size of the grader's small step models.
STEP_NOISE_DIM = 8
#: Noise size of the grader's models in the training run.
QUALITY_NOISE_DIM = 32
#: What ``TrainingSwitch`` does outside training mode.
INFERENCE_SCALE, INFERENCE_SHIFT = 0.5, 0.1


# -- the loss functions -----------------------------------------------------------------

def loss_value(module: ModuleType, function: str, *logits) -> float:
    """``function(*logits)`` as a Python float; a complaint unless it is one number."""
    result = as_array(function_of(module, function)(*logits), what=f"{function}(...)")
    if result.size != 1:
        raise BadResult(f"{function}(...) returned an array of shape {result.shape}; a loss "
                        "is one number (a scalar): average over the batch")
    if result.ndim != 0:
        raise BadResult(f"{function}(...) returned shape {result.shape} instead of a scalar "
                        "(shape ()); average over every axis, e.g. keras.ops.mean(...)")
    return float(result)


# -- build_generator and build_discriminator --------------------------------------------

def generator_outputs(module: ModuleType, noise_dim: int | None, noise) -> dict:
    """``build_generator(noise_dim)`` (no argument when None) on ``noise``, in inference mode."""
    keras = seeded_keras()
    build = function_of(module, "build_generator")
    model = build() if noise_dim is None else build(noise_dim)
    _require_model(model, "build_generator")
    output = as_array(model(keras.ops.convert_to_tensor(noise), training=False),
                      what="generator(noise)")
    return {"output": output, "params": int(model.count_params())}


def generator_layers(module: ModuleType, noise_dim: int) -> list[dict]:
    """Every layer of ``build_generator(noise_dim)`` (nested models opened), described with its
    input and output shapes."""
    seeded_keras()
    model = function_of(module, "build_generator")(noise_dim)
    _require_model(model, "build_generator")
    return [_with_shapes(layer) for layer in flat_layers(model)]


def discriminator_outputs(module: ModuleType, images) -> dict:
    """``build_discriminator()`` on ``images`` (inference mode), and its last layer."""
    keras = seeded_keras()
    model = function_of(module, "build_discriminator")()
    _require_model(model, "build_discriminator")
    output = as_array(model(keras.ops.convert_to_tensor(images), training=False),
                      what="discriminator(images)")
    layers = flat_layers(model)
    return {"output": output, "last": describe_layer(layers[-1]) if layers else {},
            "params": int(model.count_params())}


# -- GAN.sample_noise -------------------------------------------------------------------

@runs("GAN.sample_noise")
def noise_draws(module: ModuleType, batch_size: int, seed: int) -> dict:
    """Draws of ``sample_noise``: twice from one GAN, once from another GAN with the same
    seed, once with another seed, and twice inside one ``tf.function`` (as under ``fit``)."""
    seeded_keras()
    import tensorflow as tf

    def gan(seed_: int):
        return _make_gan(module, step_generator(STEP_NOISE_DIM), step_discriminator(),
                         STEP_NOISE_DIM, seed_)

    def draw(model, what: str) -> np.ndarray:
        return as_array(model.sample_noise(batch_size), what=what)

    first_gan = gan(seed)
    first = draw(first_gan, f"sample_noise({batch_size})")
    second = draw(first_gan, f"sample_noise({batch_size}), called again")
    same_seed = draw(gan(seed), f"sample_noise({batch_size}) of a GAN with the same seed")
    other_seed = draw(gan(seed + 1), f"sample_noise({batch_size}) with another seed")

    graph_gan = gan(seed + 2)
    traced = tf.function(lambda: graph_gan.sample_noise(batch_size))
    in_graph = [as_array(traced(), what="sample_noise inside tf.function")
                for _ in range(2)]
    return {"first": first, "second": second, "same_seed": same_seed,
            "other_seed": other_seed, "graph_first": in_graph[0], "graph_second": in_graph[1]}


# -- GAN.train_step, one step -----------------------------------------------------------

@runs("GAN.train_step")
def one_step(module: ModuleType, real, noise, g_learning_rate: float,
             d_learning_rate: float, weight_seed: int) -> dict:
    """One ``train_step(real)`` of the student's ``GAN`` on the grader's step models.

    The models start from weights drawn from ``weight_seed``; the optimizers are
    ``SGD(g_learning_rate)`` for the generator and ``SGD(d_learning_rate)`` for the
    discriminator; ``sample_noise`` returns ``noise`` on its first call (other numbers on
    any further call). Returns every weight after the step (and how far each model moved),
    the returned losses, the calls of ``sample_noise`` and of the two loss functions, and
    the ``training`` flags each model's ``TrainingSwitch`` saw.
    """
    keras = seeded_keras()
    real = np.asarray(real, np.float32)
    noise = np.asarray(noise, np.float32)
    noise_dim = noise.shape[1]
    flags: dict[str, list[str]] = {"generator": [], "discriminator": []}
    generator = step_generator(noise_dim, flags["generator"])
    discriminator = step_discriminator(flags["discriminator"])
    rng = np.random.default_rng(weight_seed)
    _randomise(generator, rng)
    _randomise(discriminator, rng)
    before = {"generator": _weights(generator), "discriminator": _weights(discriminator)}

    losses = CountedLosses()
    draws = FixedNoise(noise)

    owners = {"generator": generator, "discriminator": discriminator}
    applied: dict[str, list[dict]] = {"g_optimizer": [], "d_optimizer": []}
    with losses.installed(module):
        gan = _make_gan(module, generator, discriminator, noise_dim, weight_seed)
        gan.compile(g_optimizer=_watched_sgd(g_learning_rate, "g_optimizer", owners,
                                             applied["g_optimizer"]),
                    d_optimizer=_watched_sgd(d_learning_rate, "d_optimizer", owners,
                                             applied["d_optimizer"]))
        gan.sample_noise = draws.sample_noise
        for record in flags.values():
            record.clear()
        returned = gan.train_step(keras.ops.convert_to_tensor(real))

    after = {"generator": _weights(generator), "discriminator": _weights(discriminator)}
    result = {
        "noise_calls": draws.calls(),
        "loss_calls": dict(losses.calls),
        "optimizer_calls": applied,
        "training_flags": flags,
        **_returned_losses(returned),
    }
    for part in ("generator", "discriminator"):
        result[part] = [value for _, value in after[part]]
        result[f"{part}_names"] = [name for name, _ in after[part]]
        result[f"{part}_moved"] = max(
            float(np.max(np.abs(new.astype(np.float64) - old))) if new.size else 0.0
            for (_, new), (_, old) in zip(after[part], before[part], strict=True))
    return result


# -- GAN, a short training run scored by the digit classifier ------------------------------

@runs("GAN.train_step")
def learns_digits(module: ModuleType, epochs: int, batch_size: int, learning_rate: float,
                  seed: int, n_samples: int, n_shown: int = 8, n_compared: int = 64
                  ) -> dict:
    """Train the grader's quality models with the student's ``GAN`` and score the samples.

    ``gan.fit`` on the 1199 training digits in [-1, 1] for ``epochs`` epochs, both
    optimizers ``Adam(learning_rate, beta_1=0.5)``; then ``n_samples`` images from the
    generator on fixed noise, judged by the digit classifier (``digit_classifier.quality``).
    Returns the quality figures, the first ``n_shown`` samples (and the first ``n_compared``,
    for the grader to compare with the training digits), the per-epoch losses and the
    training time.
    """
    keras = seeded_keras(seed)
    generator = quality_generator(QUALITY_NOISE_DIM)
    discriminator = quality_discriminator()
    x_train = grading_digits("train", value_range=(-1, 1))[0]
    with CountedLosses().installed(module):
        gan = _make_gan(module, generator, discriminator, QUALITY_NOISE_DIM, seed)
        gan.compile(g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
                    d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5))
        started = time.monotonic()
        history = gan.fit(x_train, batch_size=batch_size, epochs=epochs, shuffle=True,
                          verbose=0)
        seconds = time.monotonic() - started
    noise = np.random.default_rng([seed, 6]).standard_normal((n_samples, QUALITY_NOISE_DIM))
    samples = sample_images(generator, noise)
    logs = getattr(history, "history", None) or {}
    return {
        **digit_classifier.quality(digit_classifier.class_probabilities(samples)),
        "samples": samples[:n_shown],
        "compared": samples[:n_compared],
        "seconds": seconds,
        "history": {str(k): [float(v) for v in np.ravel(np.asarray(values, np.float64))]
                    for k, values in logs.items() if str(k) in ("d_loss", "g_loss")},
    }


def sample_images(generator, noise, batch: int = 256) -> np.ndarray:
    """``generator(noise, training=False)`` in batches, as float32 NumPy."""
    import keras

    noise = np.asarray(noise, np.float32)
    parts = [keras.ops.convert_to_numpy(generator(noise[i:i + batch], training=False))
             for i in range(0, len(noise), batch)]
    return np.concatenate(parts).astype(np.float32)


# -- the grader's models -----------------------------------------------------------------

def step_generator(noise_dim: int, flags: list | None = None):
    """A small generator, ``(noise_dim,)`` to ``(28, 28, 1)`` in [-1, 1], with a switch."""
    keras = seeded_keras()
    layers = keras.layers
    noise = keras.Input((noise_dim,))
    h = layers.Reshape((7, 7, 4))(layers.Dense(7 * 7 * 4)(noise))
    h = _switch(flags)(h)
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Conv2DTranspose(4, 3, strides=2, padding="same")(h)
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    image = layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="tanh")(h)
    return keras.Model(noise, image, name="grader_step_generator")


def step_discriminator(flags: list | None = None):
    """A small discriminator, ``(28, 28, 1)`` to one logit, with a switch."""
    keras = seeded_keras()
    layers = keras.layers
    image = keras.Input(IMAGE_SHAPE)
    h = layers.Conv2D(4, 3, strides=2, padding="same")(image)
    h = _switch(flags)(h)
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Conv2D(8, 3, strides=2, padding="same")(h)
    h = layers.LeakyReLU(negative_slope=0.2)(h)
    logit = layers.Dense(1)(layers.Flatten()(h))
    return keras.Model(image, logit, name="grader_step_discriminator")


def quality_generator(noise_dim: int):
    """The generator of the graded training run: small, quick to train on one CPU core."""
    keras = seeded_keras()
    layers = keras.layers
    noise = keras.Input((noise_dim,))
    h = layers.Dense(7 * 7 * 16, use_bias=False)(noise)
    h = layers.LeakyReLU(negative_slope=0.2)(layers.BatchNormalization()(h))
    h = layers.Reshape((7, 7, 16))(h)
    h = layers.Conv2DTranspose(8, 4, strides=2, padding="same", use_bias=False)(h)
    h = layers.LeakyReLU(negative_slope=0.2)(layers.BatchNormalization()(h))
    image = layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh")(h)
    return keras.Model(noise, image, name="grader_quality_generator")


def quality_discriminator():
    """The discriminator of the graded training run."""
    keras = seeded_keras()
    layers = keras.layers
    image = keras.Input(IMAGE_SHAPE)
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Conv2D(16, 4, strides=2,
                                                             padding="same")(image))
    h = layers.LeakyReLU(negative_slope=0.2)(layers.Conv2D(32, 4, strides=2,
                                                             padding="same")(h))
    logit = layers.Dense(1)(layers.Flatten()(h))
    return keras.Model(image, logit, name="grader_quality_discriminator")


class CountedLosses:
    """The grader's least-squares GAN losses, counting their calls.

    ``d = mean((real - 1)^2) / 2 + mean(fake^2) / 2`` and ``g = mean((fake - 1)^2) / 2``.
    """

    def __init__(self) -> None:
        self.calls = {"generator_loss": 0, "discriminator_loss": 0}

    def discriminator_loss(self, real_logits, fake_logits):
        import keras

        self.calls["discriminator_loss"] += 1
        ops = keras.ops
        return (0.5 * ops.mean(ops.square(ops.convert_to_tensor(real_logits) - 1.0))
                + 0.5 * ops.mean(ops.square(ops.convert_to_tensor(fake_logits))))

    def generator_loss(self, fake_logits):
        import keras

        self.calls["generator_loss"] += 1
        ops = keras.ops
        return 0.5 * ops.mean(ops.square(ops.convert_to_tensor(fake_logits) - 1.0))

    @contextmanager
    def installed(self, module: ModuleType):
        import tensorflow as tf

        # Not converted by AutoGraph when a student's @tf.function calls them.
        keep = tf.autograph.experimental.do_not_convert
        with replaced(module, {"generator_loss": keep(self.generator_loss),
                               "discriminator_loss": keep(self.discriminator_loss)}):
            yield self


class FixedNoise:
    """A ``sample_noise`` that hands out the grader's draws and records each call's size.

    It works wherever the student's ``train_step`` runs it: eagerly, traced by
    ``tf.function`` (with AutoGraph converting the student's code: this function is marked
    not to be converted), inside ``fit`` and under ``jit_compile``, with a batch size that
    is an int or a symbolic tensor. Calls and sizes are counted in variables, at run time.
    The first call of a step gets ``noise`` (its first ``batch_size`` rows, other numbers
    beyond them); any further call gets other numbers.
    """

    MAX_CALLS = 8

    def __init__(self, noise: np.ndarray) -> None:
        import tensorflow as tf

        self.tf = tf
        n, noise_dim = noise.shape
        rows = max(4 * n, 64)
        other = np.random.default_rng([n, noise_dim, 6]).standard_normal((2, rows, noise_dim))
        first = np.concatenate([noise, other[0, : rows - n]])
        self.pools = tf.constant(np.stack([first, other[1]]).astype(np.float32))
        self.count = tf.Variable(0, dtype=tf.int32, trainable=False)
        self.sizes = tf.Variable(np.full(self.MAX_CALLS, -1, np.int32), trainable=False)
        self.sample_noise = tf.autograph.experimental.do_not_convert(self._sample)

    def _sample(self, batch_size):
        tf = self.tf
        size = tf.cast(tf.reshape(batch_size, []), tf.int32)
        index = self.count.assign_add(1) - 1
        slot = tf.minimum(index, self.MAX_CALLS - 1)
        self.sizes.scatter_nd_update([[slot]], [size])
        pool = tf.gather(self.pools, tf.minimum(index, 1))
        return pool[: tf.maximum(size, 0)]

    def calls(self) -> list[int]:
        """The batch size of each call, in order (at most ``MAX_CALLS``)."""
        count = min(int(self.count.numpy()), self.MAX_CALLS)
        return [int(v) for v in self.sizes.numpy()[:count]]


# -- helpers ----------------------------------------------------------------------------

def _require_model(model, what: str) -> None:
    import keras

    if not isinstance(model, keras.Model):
        raise BadResult(f"{what} must return a keras.Model; it returned a "
                        f"{type(model).__name__}")


def _make_gan(module: ModuleType, generator, discriminator, noise_dim: int, seed):
    cls = getattr(module, "GAN", None)
    if not isinstance(cls, type):
        raise AttributeError("the module defines no class named 'GAN'")
    return cls(generator, discriminator, noise_dim, seed=seed)


_optimizer_class = None


def _watched_sgd(learning_rate: float, name: str, owners: dict, calls: list):
    """``keras.optimizers.SGD(learning_rate)`` that records, for each ``apply``, how many of
    the weights it updates belong to each model and how many got no gradient; it refuses
    with a clear message when no gradient at all arrives."""
    global _optimizer_class
    if _optimizer_class is None:
        import keras

        class WatchedSGD(keras.optimizers.SGD):
            def apply(self, grads, trainable_variables=None):
                grads = list(grads)
                variables = (list(trainable_variables) if trainable_variables is not None
                             else list(getattr(self, "_trainable_variables", [])))
                watch = self.watch
                record = {part: 0 for part in (*watch.ids, "other")}
                record["no_gradient"] = sum(g is None for g in grads)
                for variable in variables:
                    part = next((p for p, ids in watch.ids.items() if id(variable) in ids),
                                "other")
                    record[part] += 1
                watch.record(record)
                if grads and record["no_gradient"] == len(grads):
                    parts = [p for p in watch.ids if record[p]] or ["its"]
                    raise BadResult(
                        f"{watch.name} got no gradient at all for the "
                        f"{' and '.join(parts)}'s weights: the loss they were "
                        "differentiated from does not depend on them (a stop_gradient between "
                        "the generator and the discriminator? the gradient of the wrong loss, "
                        "or taken with the wrong tape?)")
                return super().apply(grads, trainable_variables)

        _optimizer_class = WatchedSGD
    optimizer = _optimizer_class(learning_rate=learning_rate)
    # One plain object: Keras would track (copy) a list or dict set as an attribute.
    optimizer.watch = SimpleNamespace(
        name=name, record=calls.append,
        ids={part: {id(v) for v in model.weights} for part, model in owners.items()})
    return optimizer


_switch_class = None


def _switch(flags: list | None):
    """A ``TrainingSwitch`` layer that appends the ``training`` value of each call to
    ``flags``."""
    global _switch_class
    if _switch_class is None:
        import keras

        class TrainingSwitch(keras.layers.Layer):
            """The identity in training mode, ``0.5 * x + 0.1`` in inference mode."""

            def __init__(self, flags: list | None = None, **kwargs) -> None:
                super().__init__(**kwargs)
                # A bound method, not the list: Keras would track (copy) a list attribute.
                self.record = None if flags is None else flags.append

            def call(self, x, training=None):
                if self.record is not None:
                    self.record(_flag(training))
                if training is True:
                    return x
                return x * INFERENCE_SCALE + INFERENCE_SHIFT

        _switch_class = TrainingSwitch
    return _switch_class(flags)


def _flag(training) -> str:
    if training is None or isinstance(training, bool):
        return str(training)
    return f"a {type(training).__name__}"


def _randomise(model, rng: np.random.Generator) -> None:
    """Set every weight from ``rng``: kernels scaled by 1/sqrt(fan-in), biases small."""
    values = []
    for weight in model.weights:
        shape = tuple(weight.shape)
        fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
        scale = 1.0 / np.sqrt(fan_in) if len(shape) > 1 else 0.1
        values.append((scale * rng.standard_normal(shape)).astype(np.float32))
    model.set_weights(values)


def _weights(model) -> list[tuple[str, np.ndarray]]:
    return [(str(getattr(w, "path", w.name)), np.array(w.numpy(), dtype=np.float32))
            for w in model.weights]


def _with_shapes(layer) -> dict:
    description = describe_layer(layer)
    for key, attribute in (("input_shape", "input"), ("output_shape", "output")):
        try:
            shape = getattr(layer, attribute).shape
            description[key] = [-1 if d is None else int(d) for d in shape]
        except Exception:  # noqa: BLE001 - a layer used twice has no single shape
            description[key] = None
    return description


def _returned_losses(returned) -> dict:
    """``d_loss`` and ``g_loss`` from what ``train_step`` returned (None where absent)."""
    if not isinstance(returned, dict):
        return {"returned": f"a {type(returned).__name__}", "d_loss": None, "g_loss": None}
    result = {"returned": sorted(str(k) for k in returned)}
    for key in ("d_loss", "g_loss"):
        if key in returned:
            value = as_array(returned[key], what=f"train_step(...)[{key!r}]")
            result[key] = float(value) if value.size == 1 else None
        else:
            result[key] = None
    return result
