"""Probes for assignment 5, ``vae``.

Models cannot cross the trust boundary, so every probe builds its models inside the worker
and returns plain numbers and arrays. Each probe grades one function or method:

- ``vae_loss`` runs with the reference's reconstruction and KL values (passed in by the
  test) in place of the student's ``reconstruction_loss`` and ``kl_divergence``;
- the ``VAE`` class is graded on small models the grader builds (``grader_models``) with
  fixed weights, never on the student's ``build_encoder``/``build_decoder``, and with the
  grader's stand-in functions (``grader_losses``: deliberately not the assignment's
  formulas) in place of the student's module functions, so that a mistake in
  ``kl_divergence`` costs the ``kl_divergence`` tests only; the reference runs with the
  stand-ins the student's code called and its own functions for the rest, so a formula
  written inline is graded as correct too;
- ``sample_eps`` is replaced on the model by the grader's fixed draws whenever two runs of
  a training step must be compared number for number (``train_steps``, ``call_with_draws``).

Nothing here is a VAE training step: the tests compare what the student's ``train_step``
does with what the reference's does in the same probe. TensorFlow and Keras are imported
inside the probes: the grader process never loads them.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from types import ModuleType

import numpy as np

from autograder.datasets import grading_digits
from autograder.probes.common import function_of, hands_in_answers, replaced, runs, seeded_keras
from autograder.probes.convert import BadResult, as_array

#: Probabilities are clipped into [EPSILON, 1 - EPSILON] before their logarithm (Keras').
EPSILON = 1e-7
#: The module functions the VAE class may call; the grader's versions stand in for them.
LOSS_FUNCTIONS = ["reparameterize", "kl_divergence", "reconstruction_loss", "vae_loss"]
#: Momentum of the grader's BatchNormalization layers: one step visibly moves their statistics.
NORM_MOMENTUM = 0.5


# -- the grader's models -------------------------------------------------------------------

def grader_models(spec: dict) -> tuple:
    """(encoder, decoder): small dense models with fixed weights drawn from the spec's seed.

    ``spec``: ``image_shape`` (e.g. ``[6, 6, 1]``), ``latent_dim``, ``hidden``,
    ``batchnorm`` (a BatchNormalization layer in both models, whose result depends on
    ``training``) and ``weight_seed``. The encoder maps images to ``[mu, log_var]``, the
    decoder codes to images in (0, 1).
    """
    keras = seeded_keras()
    layers = keras.layers
    image_shape = tuple(int(d) for d in spec["image_shape"])
    latent_dim, hidden = int(spec["latent_dim"]), int(spec["hidden"])

    image = keras.Input(image_shape, name="image")
    h = layers.Dense(hidden, name="enc_hidden")(layers.Flatten()(image))
    if spec.get("batchnorm"):
        h = layers.BatchNormalization(momentum=NORM_MOMENTUM, name="enc_norm")(h)
    h = layers.Activation("tanh")(h)
    encoder = keras.Model(image, [layers.Dense(latent_dim, name="mu")(h),
                                  layers.Dense(latent_dim, name="log_var")(h)],
                          name="grader_encoder")

    z_in = keras.Input((latent_dim,), name="grader_z")
    h = layers.Dense(hidden, name="dec_hidden")(z_in)
    if spec.get("batchnorm"):
        h = layers.BatchNormalization(momentum=NORM_MOMENTUM, name="dec_norm")(h)
    h = layers.Activation("tanh")(h)
    h = layers.Dense(int(np.prod(image_shape)), name="dec_out")(h)
    image_out = layers.Activation("sigmoid")(layers.Reshape(image_shape)(h))
    decoder = keras.Model(z_in, image_out, name="grader_decoder")
    _set_weights([encoder, decoder], int(spec["weight_seed"]))
    return encoder, decoder


def learning_models(latent_dim: int, hidden: int) -> tuple:
    """(encoder, decoder) for the training run on the digits: dense, Keras' initial weights."""
    keras = seeded_keras()
    layers = keras.layers
    image = keras.Input((28, 28, 1), name="image")
    h = layers.Dense(hidden, activation="relu", name="enc_hidden")(layers.Flatten()(image))
    encoder = keras.Model(image, [layers.Dense(latent_dim, name="mu")(h),
                                  layers.Dense(latent_dim, name="log_var")(h)],
                          name="grader_encoder")
    z_in = keras.Input((latent_dim,), name="grader_z")
    h = layers.Dense(hidden, activation="relu", name="dec_hidden")(z_in)
    h = layers.Dense(28 * 28, activation="sigmoid", name="dec_out")(h)
    decoder = keras.Model(z_in, layers.Reshape((28, 28, 1))(h), name="grader_decoder")
    return encoder, decoder


def prior_decoder(latent_dim: int, weight_seed: int):
    """A one-layer decoder ``sigmoid(z @ W + b)`` reshaped to 28x28x1, and its (W, b).

    Its logits are linear in z, so the code behind any of its images can be recovered.
    """
    keras = seeded_keras()
    rng = np.random.default_rng([weight_seed, 11])
    kernel = (0.6 * rng.standard_normal((latent_dim, 28 * 28))).astype(np.float32)
    bias = (0.3 * rng.standard_normal(28 * 28)).astype(np.float32)
    z_in = keras.Input((latent_dim,), name="grader_z")
    dense = keras.layers.Dense(28 * 28, activation="sigmoid", name="dec_out")
    decoder = keras.Model(z_in, keras.layers.Reshape((28, 28, 1))(dense(z_in)),
                          name="grader_decoder")
    dense.set_weights([kernel, bias])
    return decoder, kernel, bias


def _set_weights(models: list, seed: int) -> None:
    """Every weight drawn from one seeded generator: the same models in every worker."""
    rng = np.random.default_rng([seed, 5])
    for model in models:
        for variable in model.weights:
            shape = tuple(variable.shape)
            name = variable.path
            if name.endswith("kernel"):
                value = rng.standard_normal(shape) / np.sqrt(shape[0])
            elif name.endswith("moving_variance"):
                value = rng.uniform(0.5, 2.0, shape)
            elif name.endswith("gamma"):
                value = rng.uniform(0.5, 1.5, shape)
            else:  # biases, beta, moving_mean
                value = 0.3 * rng.standard_normal(shape)
            variable.assign(value.astype(np.float32))


def _weights(*models) -> dict[str, np.ndarray]:
    """Every weight (BatchNormalization's statistics included) by ``model/layer/name``."""
    return {f"{model.name}/{variable.path}": np.array(variable.numpy())
            for model in models for variable in model.weights}


# -- the grader's loss functions (stand-ins for the student's module functions) ---------------

#: The stand-ins are deliberately NOT the assignment's functions (this file ships with the
#: grader, so it must not hold the answers): a VAE of another, legitimate design.
#: Sampling at a temperature: z = mu + TEMPERATURE * sigma * eps.
STANDIN_TEMPERATURE = 0.9
#: The stand-in KL is measured against a wider prior N(0, PRIOR_VARIANCE * I).
STANDIN_PRIOR_VARIANCE = 1.2


def grader_losses(used: set | None = None) -> dict:
    """The grader's stand-ins for the module's four functions while the VAE class runs.

    Like the GAN's least-squares losses, they are not the assignment's functions: sampling
    at temperature ``STANDIN_TEMPERATURE``, the relative entropy of the Bernoulli
    distributions (the cross-entropy less the targets' own entropy: zero for a perfect
    reconstruction), the KL divergence to a wider prior ``N(0, STANDIN_PRIOR_VARIANCE * I)``,
    and their batch mean. They keep the VAE's structure (a student's ``train_step`` that calls
    the module's functions gives the reference's numbers with them), so a mistake in
    ``kl_divergence`` costs the ``kl_divergence`` tests only. Every stand-in is marked not
    to be converted by AutoGraph (a student's ``@tf.function`` calls them), and adds its
    name to ``used`` when called (also when traced).
    """
    keras = seeded_keras()
    ops = keras.ops
    import tensorflow as tf

    keep = tf.autograph.experimental.do_not_convert

    def as_tensors(*values):
        return [ops.convert_to_tensor(v, dtype="float32") for v in values]

    def reparameterize(mu, log_var, eps):
        mu, log_var, eps = as_tensors(mu, log_var, eps)
        return mu + STANDIN_TEMPERATURE * ops.exp(0.5 * log_var) * eps

    def kl_divergence(mu, log_var):
        mu, log_var = as_tensors(mu, log_var)
        ratio = (ops.exp(log_var) + ops.square(mu)) / STANDIN_PRIOR_VARIANCE
        return 0.5 * ops.sum(ratio - 1.0 - log_var + float(np.log(STANDIN_PRIOR_VARIANCE)),
                             axis=-1)

    def reconstruction_loss(x, x_hat):
        x, x_hat = as_tensors(x, x_hat)
        p = ops.clip(x_hat, EPSILON, 1.0 - EPSILON)
        q = ops.clip(x, EPSILON, 1.0 - EPSILON)
        relative = q * (ops.log(q) - ops.log(p)) + (1.0 - q) * (ops.log(1.0 - q)
                                                                - ops.log(1.0 - p))
        return ops.sum(ops.reshape(relative, (ops.shape(relative)[0], -1)), axis=1)

    def vae_loss(x, x_hat, mu, log_var, beta=1.0):
        return ops.mean(reconstruction_loss(x, x_hat) + beta * kl_divergence(mu, log_var))

    def counted(name: str, function):
        def standin(*args, **kwargs):
            if used is not None:
                used.add(name)
            return function(*args, **kwargs)

        standin.__name__ = f"grader_{name}"
        return keep(standin)

    return {name: counted(name, function) for name, function in (
        ("reparameterize", reparameterize), ("kl_divergence", kl_divergence),
        ("reconstruction_loss", reconstruction_loss), ("vae_loss", vae_loss))}


@contextmanager
def _grader_loss_functions(module: ModuleType, standins=LOSS_FUNCTIONS,
                           used: set | None = None, isolated: bool = False):
    """The module's functions named in ``standins`` replaced by the grader's while the VAE
    class runs; the others stay the module's own. With ``isolated`` those see the module's
    own functions while they run (the reference's ``vae_loss`` then calls its own
    ``kl_divergence``, not the stand-in). A student's ``train_step`` runs with all four
    replaced and reports which it called (``used``); the reference then runs with exactly
    those replaced, so that a formula the student wrote inline is compared with the
    contract's."""
    originals = {name: getattr(module, name) for name in LOSS_FUNCTIONS
                 if callable(getattr(module, name, None))}

    def own(function):
        def call(*args, **kwargs):
            with replaced(module, originals):
                return function(*args, **kwargs)

        return call

    replacements = {name: own(function) for name, function in originals.items()
                    if name not in standins and isolated}
    replacements.update({name: function for name, function in grader_losses(used).items()
                         if name in standins})
    with replaced(module, replacements):
        yield


# -- reparameterize -------------------------------------------------------------------------

def reparameterize_gradients(module: ModuleType, mu, log_var, eps, weights) -> dict:
    """``z = reparameterize(mu, log_var, eps)`` and the gradients of ``sum(weights * z)``
    with respect to mu and log_var (None where no gradient reaches them)."""
    tf = _tf()
    mu_t, log_var_t = tf.constant(mu), tf.constant(log_var)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([mu_t, log_var_t])
        z = function_of(module, "reparameterize")(mu_t, log_var_t, tf.constant(eps))
        value = as_array(z, what="reparameterize(mu, log_var, eps)")
        if value.shape != np.shape(mu):
            return {"z": value, "d_mu": None, "d_log_var": None, "tensor": tf.is_tensor(z)}
        objective = tf.reduce_sum(tf.cast(z, tf.float32) * tf.constant(weights))
    gradients = [tape.gradient(objective, t) for t in (mu_t, log_var_t)]
    d_mu, d_log_var = [None if g is None else np.array(g.numpy()) for g in gradients]
    return {"z": value, "d_mu": d_mu, "d_log_var": d_log_var, "tensor": bool(tf.is_tensor(z))}


# -- vae_loss -------------------------------------------------------------------------------

@hands_in_answers
def vae_loss_given_terms(module: ModuleType, x, x_hat, mu, log_var, beta, reconstruction,
                         kl) -> np.ndarray:
    """``vae_loss(x, x_hat, mu, log_var[, beta])`` (no beta given when ``beta`` is None),
    with ``reconstruction_loss(x, x_hat)`` and ``kl_divergence(mu, log_var)`` answering
    the given per-example values. Called with other arguments (another order, say), the
    student's own functions answer."""
    ops = seeded_keras().ops
    own_reconstruction = getattr(module, "reconstruction_loss", None)
    own_kl = getattr(module, "kl_divergence", None)

    def reconstruction_loss(a, b):
        if _same(a, x) and _same(b, x_hat):
            return ops.convert_to_tensor(reconstruction)
        return own_reconstruction(a, b)

    def kl_divergence(a, b):
        if _same(a, mu) and _same(b, log_var):
            return ops.convert_to_tensor(kl)
        return own_kl(a, b)

    function = function_of(module, "vae_loss")
    arguments = (x, x_hat, mu, log_var) if beta is None else (x, x_hat, mu, log_var, beta)
    with replaced(module, {"reconstruction_loss": reconstruction_loss,
                            "kl_divergence": kl_divergence}):
        result = function(*arguments)
    return as_array(result, what="vae_loss(...)")


def _same(value, expected: np.ndarray) -> bool:
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - a symbolic tensor: not the test's arrays
        return False
    return array.shape == expected.shape and np.allclose(array, expected, rtol=0, atol=1e-7)


# -- build_encoder and build_decoder ------------------------------------------------------

def encoder_outputs(module: ModuleType, latent_dim: int, n: int) -> dict:
    """What ``build_encoder(latent_dim)`` gives for ``n`` validation digits."""
    keras = seeded_keras()
    encoder = function_of(module, "build_encoder")(latent_dim)
    if not isinstance(encoder, keras.Model):
        raise BadResult(f"build_encoder({latent_dim}) returned a {type(encoder).__name__}, "
                        "not a Keras model")
    x = grading_digits("val")[0][:n]
    outputs = encoder(x, training=False)
    if not isinstance(outputs, (list, tuple)):
        return {"count": 1, "shapes": [list(as_array(outputs, what="encoder(x)").shape)]}
    arrays = [as_array(o, what="encoder(x)") for o in outputs]
    result = {"count": len(arrays), "shapes": [list(a.shape) for a in arrays]}
    if len(arrays) == 2:
        result["mu"], result["log_var"] = arrays
    return result


def decoder_outputs(module: ModuleType, latent_dim: int, n: int, scale: float,
                    seed: int) -> dict:
    """Shape and range of ``build_decoder(latent_dim)`` on ``n`` codes of the given scale."""
    keras = seeded_keras()
    decoder = function_of(module, "build_decoder")(latent_dim)
    if not isinstance(decoder, keras.Model):
        raise BadResult(f"build_decoder({latent_dim}) returned a {type(decoder).__name__}, "
                        "not a Keras model")
    codes = scale * np.random.default_rng([seed, 3]).standard_normal((n, latent_dim))
    images = as_array(decoder(codes.astype(np.float32), training=False), what="decoder(z)")
    flat = images.reshape(len(images), -1).astype(np.float64) if images.size else images
    return {"shape": list(images.shape), "min": float(np.min(images)),
            "max": float(np.max(images)), "finite": bool(np.all(np.isfinite(images))),
            # how far the images of other codes are from the first one's: 0 when the
            # decoder ignores its code
            "spread": float(np.max(np.abs(flat - flat[:1]))) if images.size else 0.0}


# -- VAE: sample_eps ----------------------------------------------------------------------

def sample_eps_draws(module: ModuleType, shape, seed: int) -> dict:
    """Two successive ``sample_eps(shape)`` of one model."""
    model = _vae(module, *_tiny_models(), beta=1.0, seed=seed)
    first = as_array(model.sample_eps(tuple(shape)), what=f"sample_eps({tuple(shape)})")
    second = as_array(model.sample_eps(tuple(shape)), what=f"sample_eps({tuple(shape)})")
    return {"first": first, "second": second}


def sample_eps_seeded(module: ModuleType, shape, seed: int) -> dict:
    """The first draw of two models built with ``seed`` and of one built with ``seed + 1``;
    the global random state is changed between the models."""
    keras = seeded_keras()
    draws = []
    for index, model_seed in enumerate((seed, seed, seed + 1)):
        keras.utils.set_random_seed(1000 + index)  # what a seeded model must not depend on
        model = _vae(module, *_tiny_models(), beta=1.0, seed=model_seed)
        draws.append(as_array(model.sample_eps(tuple(shape)),
                              what=f"sample_eps({tuple(shape)})"))
    return {"same_seed": draws[:2], "other_seed": draws[2]}


def sample_eps_compiled(module: ModuleType, shape, seed: int) -> dict:
    """Two runs of one compiled function (``tf.function``, as ``fit`` compiles a training
    step) that calls ``sample_eps(shape)``."""
    tf = _tf()
    model = _vae(module, *_tiny_models(), beta=1.0, seed=seed)
    draw = tf.function(tf.autograph.experimental.do_not_convert(
        lambda: model.sample_eps(tuple(shape))))
    return {"first": as_array(draw(), what="sample_eps inside tf.function"),
            "second": as_array(draw(), what="sample_eps inside tf.function")}


def _tiny_models() -> tuple:
    return grader_models({"image_shape": [4, 4, 1], "latent_dim": 2, "hidden": 4,
                          "weight_seed": 0})


# -- VAE: call and train_step -----------------------------------------------------------------

@runs("VAE.call")
def call_with_draws(module: ModuleType, spec: dict, x, eps, training: bool | None,
                    standins: list = LOSS_FUNCTIONS, isolated: bool = False) -> dict:
    """``vae(x)`` (or ``vae(x, training=...)``) on the grader's models, ``sample_eps``
    answering ``eps``, the grader's stand-ins in place of the module's functions named in
    ``standins``; the output, how many times ``sample_eps`` was called, and which
    stand-ins were called."""
    tf = _tf()
    encoder, decoder = grader_models(spec)
    model = _vae(module, encoder, decoder, beta=1.0, seed=0)
    draws = _FixedDraws(tf, eps)
    model.sample_eps = draws.sample_eps
    used: set = set()
    with _grader_loss_functions(module, standins, used, isolated), _plain_call_errors():
        output = model(tf.constant(x)) if training is None else \
            model(tf.constant(x), training=training)
    return {"output": as_array(output, what="vae(x)"), "calls": draws.count(),
            "shapes": draws.requested, "used": sorted(used)}


@runs("VAE.train_step")
def train_steps(module: ModuleType, spec: dict, batches: list, draws: list, beta: float,
                learning_rate: float, as_tuple: bool = False,
                standins: list = LOSS_FUNCTIONS, isolated: bool = False) -> dict:
    """``train_step`` of the student's VAE on the grader's models, one call per batch.

    Compiled with plain SGD (a weight moves by exactly ``-learning_rate * gradient``) and
    run as ``fit`` runs it: inside ``tf.function``, without AutoGraph. ``sample_eps``
    answers ``draws[i]`` in step i and counts its calls; the module's functions named in
    ``standins`` are the grader's stand-ins. With ``as_tuple`` each batch is given as
    ``(x, x)``. Returns every weight before and after, what each step returned, the
    ``sample_eps`` calls of each step, the model's metrics afterwards, and which stand-ins
    the steps called (``used``).
    """
    keras, tf = seeded_keras(), _tf()
    encoder, decoder = grader_models(spec)
    before = _weights(encoder, decoder)
    model = _vae(module, encoder, decoder, beta=beta, seed=0)
    source = _FixedDraws(tf, draws[0])
    model.sample_eps = source.sample_eps
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate))
    model.optimizer.build(model.trainable_variables)
    step = tf.function(tf.autograph.experimental.do_not_convert(model.train_step),
                       reduce_retracing=True)
    returned, calls, used = [], [], set()
    with _grader_loss_functions(module, standins, used, isolated):
        for batch, eps in zip(batches, draws, strict=True):
            source.set(eps)
            data = tf.constant(batch)
            counted = source.count()
            logs = step((data, data) if as_tuple else data)
            calls.append(source.count() - counted)
            returned.append(_describe_logs(logs))
    return {"before": before, "after": _weights(encoder, decoder), "returned": returned,
            "calls": calls, "shapes": source.requested, "metrics": _metric_results(model),
            "used": sorted(used)}


class _FixedDraws:
    """A ``sample_eps`` that answers the grader's draws, counts its calls (also inside
    compiled functions) and checks the requested shape."""

    def __init__(self, tf, eps) -> None:
        self.tf = tf
        self.current = tf.Variable(np.asarray(eps, np.float32), trainable=False)
        self.calls = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.requested: list[str] = []
        # Never converted by AutoGraph, when a student's @tf.function train_step calls it.
        self.sample_eps = tf.autograph.experimental.do_not_convert(self._sample_eps)

    def set(self, eps) -> None:
        self.current.assign(np.asarray(eps, np.float32))

    def count(self) -> int:
        return int(self.calls.numpy())

    def _sample_eps(self, shape):
        expected = tuple(self.current.shape)
        dims = _static_dims(self.tf, shape)
        self.requested.append(str(dims))
        if dims is not None and (len(dims) != len(expected) or any(
                d is not None and d != e for d, e in zip(dims, expected, strict=False))):
            raise BadResult(f"sample_eps was asked for shape {tuple(dims)}, but here mu has "
                            f"shape {expected}: eps needs the shape of mu, "
                            "(batch, latent_dim)")
        self.calls.assign_add(1)
        return self.tf.identity(self.current)


def _static_dims(tf, shape) -> list | None:
    """The requested shape as a list of ints (None for dimensions unknown when tracing)."""
    try:
        if isinstance(shape, tf.TensorShape):
            return shape.as_list()
        if tf.is_tensor(shape):
            value = tf.get_static_value(shape)
            return None if value is None else [int(v) for v in np.reshape(value, -1)]
        dims = []
        for dim in shape:
            if tf.is_tensor(dim):
                value = tf.get_static_value(dim)
                dims.append(None if value is None else int(value))
            else:
                dims.append(None if dim is None else int(dim))
        return dims
    except (TypeError, ValueError):
        return None


def _describe_logs(logs) -> dict:
    if not isinstance(logs, dict):
        raise BadResult(f"train_step returned a {type(logs).__name__}; it must return a dict "
                        '{"loss": ..., "reconstruction_loss": ..., "kl_loss": ...}')
    described = {}
    for key, value in logs.items():
        array = as_array(value, what=f"train_step(...)[{key!r}]")
        described[str(key)] = float(array.reshape(-1)[0]) if array.size == 1 else array
    return described


def _metric_results(model) -> dict:
    results = {}
    for metric in getattr(model, "metrics", []):
        try:
            value = as_array(metric.result(), what=f"the metric {metric.name}")
            results[str(metric.name)] = float(value.reshape(-1)[0]) if value.size == 1 \
                else value
        except Exception as error:  # noqa: BLE001 - reported by the test that needs it
            results[str(getattr(metric, "name", "?"))] = f"{type(error).__name__}: {error}"
    return results


# -- VAE: a short training run on the digits -----------------------------------------------

@runs("VAE.train_step")
def fit_digits(module: ModuleType, latent_dim: int, hidden: int, epochs: int,
               batch_size: int, learning_rate: float, seed: int, grid: int = 8) -> dict:
    """``VAE(grader encoder, grader decoder, beta=1, seed).fit(training digits)``.

    The student's class trains with its own ``sample_eps``; the grader's loss functions
    stand in for the module's. Afterwards the grader measures, on the validation digits and
    with its own draws, the reconstruction term and the KL term of the negative ELBO, and
    decodes a ``grid`` x ``grid`` square of codes (latent_dim 2) for the report.
    """
    keras = seeded_keras(seed)
    encoder, decoder = learning_models(latent_dim, hidden)
    x_train, x_val = grading_digits("train")[0], grading_digits("val")[0]
    model = _vae(module, encoder, decoder, beta=1.0, seed=seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate))
    started = time.monotonic()
    with _grader_loss_functions(module):
        history = model.fit(x_train, epochs=epochs, batch_size=batch_size, shuffle=True,
                            verbose=0)
    seconds = time.monotonic() - started
    record = getattr(history, "history", None) or {}
    mu, log_var = _encode(encoder, x_val)
    eps = np.random.default_rng([seed, 7]).standard_normal(mu.shape)
    z = mu + np.exp(0.5 * log_var) * eps
    x_hat = _in_batches(decoder, z.astype(np.float32))
    result = {
        "history": {str(k): [float(v) for v in values] for k, values in record.items()},
        "reconstruction": float(np.mean(bernoulli_nll(x_val, x_hat))),
        "kl": float(np.mean(0.5 * np.sum(np.exp(log_var) + mu ** 2 - 1.0 - log_var, 1))),
        "mean_sigma": float(np.mean(np.exp(0.5 * log_var))),
        "seconds": seconds,
    }
    if latent_dim == 2:
        result["grid"] = _latent_grid(decoder, grid)
    return result


def _encode(encoder, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mu, log_var = encoder(x, training=False)
    return (as_array(mu, what="mu").astype(np.float64),
            as_array(log_var, what="log_var").astype(np.float64))


def _latent_grid(decoder, size: int, extent: float = 2.0) -> np.ndarray:
    """The decoder's images for a size x size square of codes, tiled into one image."""
    values = np.linspace(-extent, extent, size, dtype=np.float32)
    codes = np.array([[a, b] for b in values[::-1] for a in values], np.float32)
    images = _in_batches(decoder, codes)[..., 0]
    rows = [np.concatenate(list(images[r * size:(r + 1) * size]), axis=1) for r in range(size)]
    return np.concatenate(rows, axis=0)[..., None].astype(np.float32)


# -- sample_images and interpolate ------------------------------------------------------------

def prior_samples(module: ModuleType, n: int, latent_dim: int, seed: int,
                  weight_seed: int) -> dict:
    """``sample_images(decoder, n, latent_dim, seed)`` on a decoder whose codes can be read
    back: the images' shape and range, the codes behind them (least squares on the logits),
    how far the images are from any output of the decoder, and whether the same seed gives
    the same images and another seed others."""
    decoder, kernel, bias = prior_decoder(latent_dim, weight_seed)
    sample = function_of(module, "sample_images")
    what = f"sample_images(decoder, {n}, {latent_dim}, seed={seed})"
    images = as_array(sample(decoder, n, latent_dim, seed), what=what)
    again = as_array(sample(decoder, n, latent_dim, seed), what=what)
    other = as_array(sample(decoder, n, latent_dim, seed + 1), what=what)
    result = {"shape": list(images.shape), "min": float(np.min(images)),
              "max": float(np.max(images)), "same_again": bool(np.array_equal(images, again)),
              "same_for_other_seed": bool(np.array_equal(images, other))}
    if images.shape == (n, 28, 28, 1) and np.all((images > 0) & (images < 1)):
        p = images.reshape(n, -1).astype(np.float64)
        logits = np.log(p) - np.log1p(-p)
        codes = np.linalg.lstsq(kernel.T.astype(np.float64), (logits - bias).T, rcond=None)[0].T
        result["codes"] = codes
        result["residual"] = float(np.max(np.abs(codes @ kernel + bias - logits)))
    return result


def interpolation(module: ModuleType, spec: dict, z_start, z_end, steps: int) -> dict:
    """``interpolate(decoder, z_start, z_end, steps)`` on the grader's decoder, and the
    decoder's own images of ``z_start`` and ``z_end``."""
    _, decoder = grader_models(spec)
    images = function_of(module, "interpolate")(decoder, np.asarray(z_start),
                                              np.asarray(z_end), steps)
    ends = _in_batches(decoder, np.stack([z_start, z_end]).astype(np.float32))
    return {"images": as_array(images, what="interpolate(...)"), "start": ends[0],
            "end": ends[1]}


# -- helpers ---------------------------------------------------------------------------------

def _tf():
    """TensorFlow, imported lazily, with the worker's deterministic settings applied."""
    seeded_keras()
    import tensorflow as tf

    return tf


def _vae(module: ModuleType, encoder, decoder, beta: float, seed: int | None):
    keras = seeded_keras()
    cls = getattr(module, "VAE", None)
    if not isinstance(cls, type) or not issubclass(cls, keras.Model):
        raise AttributeError("the module defines no class VAE (a subclass of keras.Model)")
    return cls(encoder, decoder, beta=beta, seed=seed)


def bernoulli_nll(x: np.ndarray, x_hat: np.ndarray) -> np.ndarray:
    """Binary cross-entropy of each image, summed over its pixels (float64, clipped)."""
    p = np.clip(x_hat.astype(np.float64), EPSILON, 1.0 - EPSILON)
    nll = -(x * np.log(p) + (1.0 - x) * np.log1p(-p))
    return nll.reshape(len(x), -1).sum(axis=1)


def _in_batches(model, inputs: np.ndarray, batch: int = 128) -> np.ndarray:
    """``model(inputs)`` in inference mode, eagerly, in batches (no retracing warnings)."""
    parts = [as_array(model(inputs[i:i + batch], training=False), what="the model's output")
             for i in range(0, len(inputs), batch)]
    return np.concatenate(parts)


@contextmanager
def _plain_call_errors():
    """Errors raised inside ``Model.call`` as they are, without the argument summary (with
    terminal colour codes) that Keras adds to them."""
    keras = seeded_keras()
    filtering = keras.config.is_traceback_filtering_enabled()
    keras.config.disable_traceback_filtering()
    try:
        yield
    finally:
        if filtering:
            keras.config.enable_traceback_filtering()
