"""Fakes that only an output-only check would reward (issue 25, class 5).

Each folder of tests/hostile_training/ is one assignment module of the perfect example with
one part faked so that its outputs look right without doing what the lecture means: a GAN
whose samples are copies of the training digits, a generator or a VAE decoder that ignores
its input, an autoencoder that carries the image around its code, decoder layers that are
Conv2DTranspose by name only, NaN hiding wrong noise. Every one loses exactly the points of
the check it fakes (each scored full marks before the checks judged behaviour). The two
checks behind the subtlest fakes are also tested on their own, quickly.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli

from autograder.datasets import grading_digits
from autograder.probes.transposed_conv import keras_class
from autograder.suites.gan import checks as gan_checks

CORPUS = Path(__file__).parent / "hostile_training"

#: case -> (score, full marks, a phrase the failed check's output must contain)
EXPECTED = {
    # the samples are the training set (test_GAN_train_step_learns_digits, 3 points)
    "gan_memorises_digits": (33, 36, "are copies of training digits"),
    # build_generator(noise) is one image (both shape tests, 1 point each)
    "generator_ignores_noise": (34, 36, "the image must depend on the noise"),
    # sample_noise(1000) is off-centre junk with a NaN (test_GAN_sample_noise_statistics)
    "nan_hides_junk_noise": (35, 36, "NaN or Inf value(s); standard-normal draws"),
    # build_decoder(z) is one image (both decoder output tests, 1 point each)
    "vae_decoder_ignores_code": (46, 48, "the image must depend on the code"),
    # an autoencoder whose decoder reads the image around the code (the chaining test)
    "autoencoder_side_channel": (31, 32, "through the code and only the code"),
    # add_noise with twice the noise, and a NaN when the image is flat (3 statistics tests)
    "nan_hides_wrong_noise_level": (29, 32, "NaN or Inf value(s) in the result"),
    # a layer class of its own named Conv2DTranspose (the decoder layers test, 2 points)
    "disguised_decoder_layers": (28, 30, "a layer class of your own with that name"),
}


def test_a_layer_counts_by_the_keras_computation_it_runs_not_by_its_name():
    import keras

    class Conv2DTranspose(keras.layers.Layer):  # a disguise
        def call(self, x):
            return x

    class Configured(keras.layers.Conv2DTranspose):  # a real one, configured
        pass

    assert keras_class(keras.layers.Conv2DTranspose(2, 3)) == "Conv2DTranspose"
    assert keras_class(Configured(2, 3)) == "Conv2DTranspose"
    assert keras_class(Conv2DTranspose()) is None


def test_copies_of_the_grading_digits_are_told_from_new_samples():
    digits = grading_digits("val", value_range=(-1, 1))[0][:64]
    assert "are copies of training digits" in gan_checks.copy_problems(digits)[0]
    noisy = np.clip(digits + 0.5 * np.random.default_rng(0).standard_normal(digits.shape),
                    -1, 1).astype(np.float32)
    assert gan_checks.copy_problems(noisy) == []


@pytest.fixture(scope="module")
def graded() -> dict[str, dict]:
    """Every case graded in one `autograder grade` run (each folder holds one module)."""
    cases = sorted(EXPECTED)
    # Time limits tripled and no budget: a loaded machine must not turn a fake's training
    # run into a timeout (that would cost the same points for another reason).
    completed = run_cli("grade", *[str(CORPUS / case) for case in cases], "--format", "json",
                        "--time-scale", "3", "--budget", "0", timeout=3000)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return {doc["extra_data"]["submission"]: doc for doc in json.loads(completed.stdout)}


def test_the_corpus_has_every_case():
    assert {p.name for p in CORPUS.iterdir() if p.is_dir()} == set(EXPECTED)


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_a_fake_loses_the_points_of_the_check_it_fakes(graded, case):
    score, full, phrase = EXPECTED[case]
    results = graded[case]
    failed = [(t["name"], t["output"][:400]) for t in results["tests"]
              if t["status"] != "passed"]
    assert (results["score"], results["extra_data"]["max_score"]) == (score, full), failed
    assert any(phrase in output for _, output in failed), failed
    assert not results["extra_data"]["grader_errors"]
