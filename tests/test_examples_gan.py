"""Does the partial example lose exactly the gan tests of its mistakes?
(The perfect, stub and broken examples: test_examples.py.) And does every mistake the
issue lists fail a test that says what is wrong, while correct variants pass?

The first part grades the example submissions through the CLI (``graded_examples``). The
second applies one mistake at a time to the reference's source and runs the suite's checks
on it here, in-process (probes are plain functions of a module), against the unchanged
reference: seconds per mistake instead of a worker per mistake.
"""

from __future__ import annotations

import types

import numpy as np
import pytest
from conftest import module_results, outcomes

from autograder import paths
from autograder.compare import Mismatch
from autograder.probes import common
from autograder.probes.convert import BadResult
from autograder.worker import determinism

NAME = "gan"

#: The partial example's four mistakes, and the tests each one must fail.
PARTIAL_FAILS = {
    # discriminator_loss averages its two terms
    "test_discriminator_loss_value", "test_discriminator_loss_coin_flip_critic",
    "test_discriminator_loss_other_shapes[flat]",
    "test_discriminator_loss_other_shapes[unequal_batches]",
    "test_discriminator_loss_confident_critic",
    # generator_loss is the saturating -BCE(fake, 0)
    "test_generator_loss_value", "test_generator_loss_coin_flip_critic",
    "test_generator_loss_flat_logits", "test_generator_loss_when_the_critic_wins",
    # the discriminator ends with a sigmoid
    "test_build_discriminator_returns_logits",
    # train_step swaps the optimizers (the training run uses two identical ones: it passes)
    "test_GAN_train_step_one_step", "test_GAN_train_step_two_optimizers",
    "test_GAN_train_step_one_step_other_batch", "test_GAN_train_step_generator_gradients",
    "test_GAN_train_step_discriminator_leaves_generator",
}


def test_partial_loses_exactly_the_points_of_its_mistakes(graded_examples):
    """Does each mistake cost only its own tests (the GAN tests run the grader's models and
    losses, so the broken losses and critic cost nothing there)?"""
    results = module_results(graded_examples["partial"], NAME)
    failed = {test for test, status in outcomes(results).items() if status != "passed"}
    assert failed == PARTIAL_FAILS
    assert results["score"] == 15
    messages = {t["extra_data"]["test_id"].split("::")[1]: t["output"]
                for t in results["tests"]}
    assert "averaged instead of added" in messages["test_discriminator_loss_value"]
    assert "the saturating loss" in messages["test_generator_loss_value"]
    assert "the two optimizers are swapped" in messages["test_GAN_train_step_one_step"]


# -- every listed mistake, applied to the reference ---------------------------------------

keras = pytest.importorskip("keras")

from autograder.suites.gan import checks  # noqa: E402
from autograder.suites.gan import criteria as c  # noqa: E402

SOURCE = paths.solution_file(NAME).read_text()


def mutant(*edits: tuple[str, str]) -> str:
    """The reference's source with each (old, new) replaced once; loud if ``old`` is gone."""
    source = SOURCE
    for old, new in edits:
        assert source.count(old) == 1, f"the reference no longer holds {old!r}"
        source = source.replace(old, new)
    return source


MISTAKES = {
    "labels swapped": (mutant(
        ("keras.ops.softplus(-real_logits))  # CE(real, 1)", "keras.ops.softplus(real_logits))"),
        ("keras.ops.softplus(fake_logits))  # CE(fake, 0)", "keras.ops.softplus(-fake_logits))"),
    ), {"discriminator_loss_value": "the labels swapped"}),
    "probabilities instead of logits": (mutant(
        ("    return real_loss + fake_loss\n",
         "    bce = keras.losses.BinaryCrossentropy()\n"
         "    return (bce(keras.ops.ones_like(real_logits), real_logits)\n"
         "            + bce(keras.ops.zeros_like(fake_logits), fake_logits))\n"),
    ), {"discriminator_loss_value": "the logits read as probabilities"}),
    "a sigmoid too many": (mutant(
        ("return keras.ops.mean(keras.ops.softplus(-fake_logits))",
         "return keras.ops.mean(keras.ops.softplus(-keras.ops.sigmoid(fake_logits)))"),
    ), {"generator_loss_value": "a sigmoid too many"}),
    "a second noise draw": (mutant(
        ("            g_loss = generator_loss(fake_logits)\n",
         "            again = self.generator(self.sample_noise(batch_size), training=True)\n"
         "            g_loss = generator_loss(self.discriminator(again, training=True))\n"),
    ), {"step_samples_noise_once": "called 2 times",
        "step_matches": "called sample_noise 2 times"}),
    "the generator's update from d_loss": (mutant(
        ("gen_tape.gradient(g_loss", "gen_tape.gradient(d_loss"),
    ), {"step_matches": "the generator's weights after the step are not the reference's",
        "step_generator_gradients": "not along the gradient of g_loss"}),
    "the discriminator's update also moves the generator": (mutant(
        ("d_weights = self.discriminator.trainable_weights", "d_weights = self.trainable_weights"),
    ), {"step_discriminator_leaves_generator": "d_optimizer also updated the generator",
        "step_two_optimizers": "with g_optimizer's learning rate 0 the generator still moved"}),
    "gradients blocked by stop_gradient": (mutant(
        ("fake_images = self.generator(noise, training=True)",
         "fake_images = keras.ops.stop_gradient(self.generator(noise, training=True))"),
    ), {"step_matches": "g_optimizer got no gradient at all for the generator's weights"}),
    "the generator called without training=True": (mutant(
        ("self.generator(noise, training=True)", "self.generator(noise)"),
    ), {"step_training_mode": "the generator was called with training=None",
        "step_matches": "the generator was called with training=None"}),
    "the discriminator called without training=True": (mutant(
        ("self.discriminator(fake_images, training=True)", "self.discriminator(fake_images)"),
    ), {"step_training_mode": "the discriminator was called with training=None"}),
    "the losses swapped in the returned dict": (mutant(
        ('return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}',
         'return {"d_loss": g_loss, "g_loss": d_loss}'),
    ), {"step_returns_losses": "are d_loss and g_loss swapped?"}),
    "noise from NumPy": (mutant(
        ("return keras.random.normal((batch_size, self.noise_dim), seed=self.seed_generator)",
         "return np.random.standard_normal((int(batch_size), self.noise_dim))"),
        ("import keras\n", "import keras\nimport numpy as np\n"),
    ), {"sample_noise_in_graph": "frozen when TensorFlow traced"}),
    "noise from a fixed seed": (mutant(
        ("seed=self.seed_generator)", "seed=1234)"),
    ), {"sample_noise_fresh": "gave the same numbers"}),
}

#: Correct ways to write train_step that the reference does not use: every check passes.
CORRECT = {
    "one persistent tape": mutant(
        ("with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:",
         "with tf.GradientTape(persistent=True) as gen_tape:"),
        ("disc_tape.gradient", "gen_tape.gradient")),
    "the critic on real and fake stacked together": mutant(
        ("            real_logits = self.discriminator(real_images, training=True)\n"
         "            fake_logits = self.discriminator(fake_images, training=True)\n",
         "            both = keras.ops.concatenate([fake_images, real_images])\n"
         "            logits = self.discriminator(both, training=True)\n"
         "            fake_logits, real_logits = logits[:batch_size], logits[batch_size:]\n")),
    "stop_gradient on the fakes for the critic's loss only": mutant(
        ("            d_loss = discriminator_loss(real_logits, fake_logits)\n",
         "            still = keras.ops.stop_gradient(fake_images)\n"
         "            d_loss = discriminator_loss(\n"
         "                real_logits, self.discriminator(still, training=True))\n")),
    "@tf.function on train_step, as TensorFlow's DCGAN tutorial writes it": mutant(
        ("    def train_step(self, real_images: tf.Tensor)",
         "    @tf.function\n    def train_step(self, real_images: tf.Tensor)")),
    "@tf.function(jit_compile=True) and the batch size from tf.shape": mutant(
        ("    def train_step(self, real_images: tf.Tensor)",
         "    @tf.function(jit_compile=True)\n    def train_step(self, real_images: tf.Tensor)"),
        ("batch_size = keras.ops.shape(real_images)[0]", "batch_size = tf.shape(real_images)[0]")),
    "the batch's losses returned, not the trackers'": mutant(
        ('return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}',
         'return {"g_loss": g_loss, "d_loss": d_loss}')),
}


class InProcess:
    """A student/reference handle that runs probes in this process on a module made from
    ``source``, seeded as the worker does; results are cached, as the live reference caches
    them."""

    def __init__(self, source: str, name: str) -> None:
        self.module = types.ModuleType(name)
        self.module.__file__ = f"{name}.py"
        exec(compile(source, f"{name}.py", "exec"), self.module.__dict__)
        self._cache: dict = {}

    def run(self, probe, *args, **kwargs):
        key = repr((probe.__name__, args, sorted(kwargs.items())))
        if key not in self._cache:
            determinism.seed_everything(1234)
            self._cache[key] = probe(self.module, *args, **kwargs)
        return self._cache[key]

    def call(self, function: str, *args, **kwargs):
        return self.run(common.call, function, *args, **kwargs)


def run_check(name: str, student: InProcess, reference: InProcess) -> str:
    """The check's failure message, or '' when it passes."""
    rng = np.random.default_rng(7)
    real, fake = rng.uniform(-4, 4, (16, 1)), rng.uniform(-4, 4, (16, 1))
    inputs = checks.step_inputs(np.random.default_rng(11), 16)
    calls = {
        "discriminator_loss_value":
            lambda: checks.discriminator_loss_case(student, reference, real, fake, ""),
        "generator_loss_value":
            lambda: checks.generator_loss_case(student, reference, fake, ""),
        "sample_noise_fresh": lambda: checks.sample_noise_fresh(student, 5),
        "sample_noise_in_graph": lambda: checks.sample_noise_in_graph(student, 5),
        "step_matches":
            lambda: checks.step_matches(student, reference, inputs, c.STEP_G_LR, c.STEP_D_LR),
        "step_returns_losses": lambda: checks.step_returns_losses(student, reference, inputs),
        "step_samples_noise_once": lambda: checks.step_samples_noise_once(student, inputs),
        "step_two_optimizers":
            lambda: checks.step_two_optimizers(student, reference, inputs, 0.2),
        "step_training_mode": lambda: checks.step_training_mode(student, inputs),
        "step_generator_gradients":
            lambda: checks.step_generator_gradients(student, reference, inputs, 0.5),
        "step_discriminator_leaves_generator":
            lambda: checks.step_discriminator_leaves_generator(student, reference, inputs, 0.5),
    }
    try:
        calls[name]()
    except (Mismatch, BadResult) as failure:
        return str(failure)
    return ""


STEP_CHECKS = ["step_matches", "step_returns_losses", "step_samples_noise_once",
               "step_two_optimizers", "step_training_mode", "step_generator_gradients",
               "step_discriminator_leaves_generator"]


@pytest.fixture(scope="module")
def reference():
    with pytest.MonkeyPatch.context() as patch:
        # The probes switch on op determinism for the worker they run in; this process is
        # shared with other tests: leave its settings alone (the checks' tolerances allow
        # for multi-threaded float rounding).
        patch.setattr(determinism, "configure_frameworks", lambda: None)
        yield InProcess(SOURCE, "reference_gan")


@pytest.mark.slow
@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_each_mistake_fails_its_checks_with_a_message_that_names_it(reference, mistake):
    source, expected = MISTAKES[mistake]
    student = InProcess(source, "student_gan")
    for check, fragment in expected.items():
        message = run_check(check, student, reference)
        assert fragment in message, f"{mistake}: {check} said {message!r}"


@pytest.mark.slow
@pytest.mark.parametrize("variant", list(CORRECT))
def test_correct_variants_pass_every_train_step_check(reference, variant):
    student = InProcess(CORRECT[variant], "student_gan")
    for check in STEP_CHECKS:
        assert run_check(check, student, reference) == "", f"{variant}: {check}"
