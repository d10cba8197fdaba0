"""Does the partial example lose exactly the vae tests of its mistakes?
(The perfect, stub and broken examples: test_examples.py.) And does the suite tell the
mistakes students really make from the correct ways of writing a VAE?

The second part runs the suite's own test functions in this process, on variants of the
reference (one mistake each, or one other correct way of writing it), with the reference
itself as the expected side: the probes and checks are the grader's, only the worker is
left out. Each mistake must fail the test named for it, with a message that names it.
"""

from __future__ import annotations

import inspect
import types
from dataclasses import dataclass

import numpy as np
import pytest
from conftest import module_results, outcomes

from autograder import codec, paths
from autograder.plugin import derive_seed
from autograder.probes import common
from autograder.session import DEFAULT_SEED
from autograder.worker import determinism

NAME = "vae"

#: The partial example's four mistakes, and the tests each one must fail.
PARTIAL_FAILS = {
    # reconstruction_loss averages over the pixels instead of summing them
    "test_reconstruction_loss_values", "test_reconstruction_loss_clips",
    "test_reconstruction_loss_values_full_size", "test_reconstruction_loss_two_channels",
    # kl_divergence uses sigma where the variance belongs (still 0 at the prior, and >= 0
    # on the visible test's values)
    "test_kl_divergence_values", "test_kl_divergence_values_large",
    "test_kl_divergence_matches_monte_carlo",
    # vae_loss ignores beta (right for the default beta = 1)
    "test_vae_loss_weights_kl_by_beta", "test_vae_loss_batch_mean",
    # train_step without training=True (the learning run's models have no BatchNormalization)
    "test_VAE_train_step_updates_every_weight", "test_VAE_train_step_weights_kl_by_beta",
    "test_VAE_train_step_other_sizes", "test_VAE_train_step_tracks_running_means",
}


def test_partial_loses_exactly_the_points_of_its_mistakes(graded_examples):
    """Does each mistake cost only its own tests (train_step keeps the KL and loss tests'
    marks although it calls the wrong kl_divergence and vae_loss)?"""
    results = module_results(graded_examples["partial"], NAME)
    failed = {test for test, status in outcomes(results).items() if status != "passed"}
    assert failed == PARTIAL_FAILS
    assert results["score"] == 28
    messages = {t["extra_data"]["test_id"].split("::")[1]: t["output"]
                for t in results["tests"]}
    assert "hint: your result is the mean over the pixels" in \
        messages["test_reconstruction_loss_values"]
    assert "BatchNormalization statistics did not move" in \
        messages["test_VAE_train_step_updates_every_weight"]


# -- the suite against one mistake at a time ---------------------------------------------------

keras = pytest.importorskip("keras")

SOURCE = paths.solution_file(NAME).read_text()
STEP = "z = reparameterize(mu, log_var, self.sample_eps(ops.shape(mu)))\n            x_hat"
LOSS = "loss = vae_loss(x, x_hat, mu, log_var, self.beta)"
APPLY = ("gradients = tape.gradient(loss, self.trainable_weights)\n"
         "        self.optimizer.apply(gradients, self.trainable_weights)")
EPS = "return keras.random.normal(shape, seed=self.seed_generator)  # SOLUTION"
SIGMA = "sigma = ops.exp(0.5 * log_var)"
REPARAMETERIZE = "return mu + sigma * eps"


@dataclass(frozen=True)
class Variant:
    """The reference with some lines replaced; ``test`` is ``"visible::name"`` or
    ``"hidden::name"``, ``says`` a piece of the failure message (None: it must pass)."""

    name: str
    replacements: tuple[tuple[str, str], ...]
    test: str
    says: str | None = None

    def __str__(self) -> str:
        return self.name


MISTAKES = [
    Variant("sigma is exp(log_var)", ((SIGMA, "sigma = ops.exp(log_var)"),),
            "visible::test_reparameterize_values", "exp(log_var) is the variance"),
    Variant("reparameterize in NumPy",
            ((REPARAMETERIZE, "return np.asarray(mu) + np.exp(0.5 * np.asarray(log_var)) "
                              "* np.asarray(eps)"),),
            "visible::test_reparameterize_gradients", "no gradient reaches mu"),
    Variant("stop_gradient on log_var",
            ((REPARAMETERIZE, "return mu + tf.stop_gradient(sigma) * eps"),),
            "visible::test_reparameterize_gradients", "no gradient reaches log_var"),
    Variant("KL with sigma for the variance",
            (("- ops.exp(log_var), axis=-1)", "- ops.exp(0.5 * log_var), axis=-1)"),),
            "visible::test_kl_divergence_values", "sigma = exp(0.5 * log_var) in place"),
    Variant("KL without the factor 0.5", (("return -0.5 * ops.sum(", "return -ops.sum("),),
            "visible::test_kl_divergence_values", "twice the KL"),
    Variant("KL summed over the batch",
            (("- ops.exp(log_var), axis=-1)", "- ops.exp(log_var))"),),
            "visible::test_kl_divergence_zero_at_prior", "sum over the latent axis only"),
    Variant("KL with its sign flipped", (("return -0.5 * ops.sum(", "return 0.5 * ops.sum("),),
            "visible::test_kl_divergence_non_negative", "never negative"),
    Variant("KL averaged over the latent dimensions",
            (("return -0.5 * ops.sum(", "return -0.5 * ops.mean("),),
            "hidden::test_kl_divergence_matches_monte_carlo", "Monte-Carlo estimate"),
    Variant("reconstruction averaged over the pixels",
            (("return ops.sum(per_pixel, axis=", "return ops.mean(per_pixel, axis="),),
            "visible::test_reconstruction_loss_values", "the mean over the pixels"),
    Variant("reconstruction with the arguments swapped",
            (("p = ops.clip(x_hat, EPSILON, 1.0 - EPSILON)",
              "x, x_hat = x_hat, x\n    p = ops.clip(x_hat, EPSILON, 1.0 - EPSILON)"),),
            "visible::test_reconstruction_loss_values", "the arguments in the wrong order"),
    Variant("reconstruction not clipped",
            (("p = ops.clip(x_hat, EPSILON, 1.0 - EPSILON)", "p = x_hat"),),
            "visible::test_reconstruction_loss_clips", "Clip x_hat"),
    Variant("loss summed over the batch",
            (("    return ops.mean(per_example)", "    return ops.sum(per_example)"),),
            "visible::test_vae_loss_values", "the sum over the batch"),
    Variant("loss ignores beta",
            (("reconstruction_loss(x, x_hat) + beta * kl_divergence",
              "reconstruction_loss(x, x_hat) + kl_divergence"),),
            "visible::test_vae_loss_weights_kl_by_beta", "beta is ignored"),
    Variant("decoder without a sigmoid",
            (('activation="sigmoid",\n                                   name="x_hat")',
              'name="x_hat")'),),
            "visible::test_build_decoder_outputs", "must stay in [0, 1]"),
    Variant("one head for mu and log_var",
            (('keras.Model(image, [mu, log_var], name="encoder")',
              'keras.Model(image, [mu, mu], name="encoder")'),),
            "hidden::test_build_encoder_heads_differ", "two separate Dense heads"),
    Variant("uniform eps",
            ((EPS, "return keras.random.uniform(shape, seed=self.seed_generator)"),),
            "visible::test_VAE_sample_eps_is_standard_normal", "standard deviation 1"),
    Variant("eps from the global seed", ((EPS, "return keras.random.normal(shape)"),),
            "hidden::test_VAE_sample_eps_reproducible_for_a_seed", "the seed given to VAE"),
    Variant("eps from NumPy",
            ((EPS, "return np.random.standard_normal(tuple(shape)).astype('float32')"),),
            "hidden::test_VAE_sample_eps_fresh_in_compiled_steps", "constants of the compiled"),
    Variant("call without sampling",
            (("z = reparameterize(mu, log_var, self.sample_eps(ops.shape(mu)))\n        return",
              "z = mu\n        return"),),
            "visible::test_VAE_call_reconstructs", "sample_eps was never called"),
    Variant("call always in training mode",
            (("self.encoder(x, training=training)", "self.encoder(x, training=True)"),
             ("self.decoder(z, training=training)", "self.decoder(z, training=True)")),
            "hidden::test_VAE_call_in_inference_mode", "values differ"),
    Variant("no sampling in train_step (z = mu)", ((STEP, "z = mu\n            x_hat"),),
            "visible::test_VAE_train_step_updates_every_weight", "sample_eps was never called"),
    Variant("eps of the shape of x",
            ((STEP, STEP.replace("ops.shape(mu)", "ops.shape(x)")),),
            "visible::test_VAE_train_step_updates_every_weight", "eps needs the shape of mu"),
    Variant("two draws of eps",
            ((STEP, STEP.replace("self.sample_eps(ops.shape(mu))",
                                 "self.sample_eps(ops.shape(mu)) + 0 * self.sample_eps("
                                 "ops.shape(mu))")),),
            "visible::test_VAE_train_step_updates_every_weight", "called 2 times"),
    Variant("KL term dropped", ((LOSS, "loss = ops.mean(reconstruction_loss(x, x_hat))"),),
            "visible::test_VAE_train_step_updates_every_weight", "the KL term is missing"),
    Variant("reconstruction term dropped",
            ((LOSS, "loss = self.beta * ops.mean(kl_divergence(mu, log_var))"),),
            "visible::test_VAE_train_step_updates_every_weight", "reconstruction term is "
                                                                 "missing"),
    Variant("beta ignored in train_step", ((LOSS, "loss = vae_loss(x, x_hat, mu, log_var)"),),
            "visible::test_VAE_train_step_weights_kl_by_beta", "beta is ignored"),
    Variant("only the decoder trained",
            ((APPLY, APPLY.replace("self.trainable_weights", "self.decoder.trainable_weights")),),
            "visible::test_VAE_train_step_updates_every_weight", "no weight of the encoder"),
    Variant("training=True forgotten",
            (("self.encoder(x, training=True)", "self.encoder(x)"),
             ("self.decoder(z, training=True)", "self.decoder(z)")),
            "visible::test_VAE_train_step_updates_every_weight", "ran in inference mode"),
    Variant("z detached from the encoder",
            ((STEP, "z = tf.stop_gradient(reparameterize(mu, log_var, "
                    "self.sample_eps(ops.shape(mu))))\n            x_hat"),),
            "visible::test_VAE_train_step_updates_every_weight", "the encoder's differ"),
    Variant("gradient ascent",
            ((APPLY, APPLY.replace("gradients = tape.gradient(loss, self.trainable_weights)",
                                   "gradients = [-g for g in tape.gradient(loss, "
                                   "self.trainable_weights)]")),),
            "visible::test_VAE_train_step_updates_every_weight", "opposite way"),
    Variant("trackers not updated",
            (("        self.loss_tracker.update_state(loss)\n", ""),),
            "hidden::test_VAE_train_step_tracks_running_means", "running mean of 'loss'"),
    Variant("prior samples from a uniform",
            (("z = keras.random.normal((n, latent_dim), seed=seed)",
              "z = keras.random.uniform((n, latent_dim), -1, 1, seed=seed)"),),
            "visible::test_sample_images_from_the_prior", "standard deviation 1"),
    Variant("prior samples ignore the seed",
            (("z = keras.random.normal((n, latent_dim), seed=seed)",
              "z = keras.random.normal((n, latent_dim))"),),
            "visible::test_sample_images_from_the_prior", "the same seed must give"),
    Variant("interpolation without its last end",
            (("np.linspace(0.0, 1.0, steps, dtype", "np.linspace(0.0, 1.0, steps, "
                                                   "endpoint=False, dtype"),),
            "visible::test_interpolate_along_a_line", "includes both ends"),
]

#: Other correct ways of writing the training step: each must pass the test named.
CORRECT = [
    Variant("apply_gradients with zip",
            ((APPLY, "gradients = tape.gradient(loss, self.trainable_variables)\n        "
                     "self.optimizer.apply_gradients(zip(gradients, "
                     "self.trainable_variables))"),),
            "visible::test_VAE_train_step_weights_kl_by_beta"),
    Variant("losses written inline with Keras' cross-entropy",
            ((LOSS, "rec = ops.sum(keras.losses.binary_crossentropy(x[..., None], "
                    "x_hat[..., None]), axis=(1, 2, 3))\n            kl = 0.5 * ops.sum("
                    "ops.exp(log_var) + mu ** 2 - 1 - log_var, axis=1)\n            "
                    "loss = ops.mean(rec + self.beta * kl)"),),
            "visible::test_VAE_train_step_weights_kl_by_beta"),
    Variant("eps shape from tf.shape, running means returned",
            ((STEP, STEP.replace("ops.shape(mu)", "tf.shape(mu)")),
             ('return {"loss": loss, "reconstruction_loss": reconstruction, "kl_loss": kl}',
              "return {m.name: m.result() for m in self.metrics}")),
            "hidden::test_VAE_train_step_tracks_running_means"),
    Variant("keras-io's trackers: total_loss, running means returned",
            (('keras.metrics.Mean(name="loss")', 'keras.metrics.Mean(name="total_loss")'),
             ('return {"loss": loss, "reconstruction_loss": reconstruction, "kl_loss": kl}',
              'return {"loss": self.loss_tracker.result(), "reconstruction_loss": '
              'self.reconstruction_loss_tracker.result(), "kl_loss": '
              'self.kl_loss_tracker.result()}')),
            "hidden::test_VAE_train_step_tracks_running_means"),
    Variant("@tf.function on train_step, eps shape from tf.shape",
            (("    def train_step(self, data):",
              "    @tf.function\n    def train_step(self, data):"),
             (STEP, STEP.replace("ops.shape(mu)", "tf.shape(mu)"))),
            "visible::test_VAE_train_step_weights_kl_by_beta"),
    Variant("one persistent tape over two losses summed",
            (("with tf.GradientTape() as tape:", "with tf.GradientTape(persistent=True) "
                                                 "as tape:"),
             (LOSS, "loss = (ops.mean(reconstruction_loss(x, x_hat)) + self.beta * "
                    "ops.mean(kl_divergence(mu, log_var)))")),
            "hidden::test_VAE_train_step_other_sizes"),
]


class InProcess:
    """A handle that runs probes here, seeded as the worker seeds them, with results sent
    through the grader's codec; answers are cached (the reference's are reused)."""

    def __init__(self, module: types.ModuleType, seed: int, cache: dict | None = None):
        self.module, self.seed, self.cache = module, seed, cache

    def run(self, probe, *args, **kwargs):
        key = codec.fingerprint({"probe": f"{probe.__module__}:{probe.__name__}",
                                 "args": list(args), "kwargs": kwargs, "seed": self.seed})
        if self.cache is not None and key in self.cache:
            return self.cache[key]
        determinism.configure_frameworks()
        determinism.seed_everything(self.seed)
        value = codec.decode(codec.encode(probe(self.module, *args, **kwargs)))
        if self.cache is not None:
            self.cache[key] = value
        return value

    def call(self, function: str, *args, **kwargs):
        return self.run(common.call, function, *args, **kwargs)


class NoFigures:
    def add(self, title, panels) -> None:
        pass


def variant_module(replacements) -> types.ModuleType:
    source = SOURCE
    for old, new in replacements:
        assert source.count(old) == 1, f"the reference no longer holds {old!r}"
        source = source.replace(old, new)
    module = types.ModuleType(NAME)
    exec(compile(source, f"{NAME}.py", "exec"), module.__dict__)
    return module


def run_suite_test(suites: dict, student: types.ModuleType, reference: types.ModuleType,
                   cache: dict, test: str) -> str | None:
    """Run one test of the suite as the plugin would; its failure message, or None."""
    kind, name = test.split("::")
    suite = suites[kind]
    seed = derive_seed(DEFAULT_SEED, f"{NAME}/test_{kind}.py::{name}")
    fixtures = {"student": InProcess(student, seed), "rng": np.random.default_rng(seed),
                "reference": InProcess(reference, seed, cache), "figures": NoFigures(),
                "test_seed": seed}
    function = getattr(suite, name)
    try:
        function(**{p: fixtures[p] for p in inspect.signature(function).parameters})
    except AssertionError as failure:
        return str(failure)
    except Exception as error:  # noqa: BLE001 - a probe's BadResult is a failed test too
        return f"{type(error).__name__}: {error}"
    return None


@pytest.fixture(scope="module")
def suites(pytestconfig) -> dict:
    """The suite's test modules, their markers registered as the grader's plugin does."""
    from autograder.plugin import MARKERS

    for marker, meaning in MARKERS.items():
        pytestconfig.addinivalue_line("markers", f"{marker}: {meaning}")
    from autograder.suites.vae import test_hidden, test_visible

    return {"visible": test_visible, "hidden": test_hidden}


@pytest.fixture(scope="module")
def reference_module():
    return variant_module(())


@pytest.fixture(scope="module")
def reference_cache():
    return {}


@pytest.mark.filterwarnings("ignore:Gradients do not exist:UserWarning")  # a dropped term
@pytest.mark.parametrize("mistake", MISTAKES, ids=str)
def test_each_mistake_fails_its_test_and_is_named(mistake, suites, reference_module,
                                                   reference_cache):
    failure = run_suite_test(suites, variant_module(mistake.replacements), reference_module,
                             reference_cache, mistake.test)
    assert failure is not None, f"{mistake.name}: {mistake.test} passed"
    assert mistake.says in failure, failure


@pytest.mark.parametrize("variant", CORRECT, ids=str)
def test_other_correct_training_steps_pass(variant, suites, reference_module,
                                           reference_cache):
    failure = run_suite_test(suites, variant_module(variant.replacements), reference_module,
                             reference_cache, variant.test)
    assert failure is None, failure
