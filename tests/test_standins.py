"""The grader's stand-ins: never the answers, and usable wherever student code runs them.

The grader package ships to students (the release) and to Gradescope (the bundle). Any
function in it that shares a name with a graded function, or that a grader factory hands
to student code in place of one, must not be a correct implementation of that function:
each is evaluated here against the reference on random inputs. And every stand-in that
student code calls (the GAN's noise and losses, the VAE's draws and losses) must work
eagerly, traced by ``tf.function`` with AutoGraph, under ``jit_compile`` and with a
symbolic batch size.
"""

from __future__ import annotations

import ast
import importlib
import types

import numpy as np
import pytest
from conftest import load_solution

from autograder import assignments, paths

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")


def graded_functions() -> dict[str, str]:
    """Every module-level function a solution grades (its body holds a SOLUTION marker):
    name -> assignment."""
    graded = {}
    for name in assignments.ASSIGNMENTS:
        source = paths.solution_file(name).read_text()
        lines = source.splitlines()
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef) and \
                    "SOLUTION" in "\n".join(lines[node.lineno - 1:node.end_lineno]):
                graded[node.name] = name
    return graded


GRADED = graded_functions()


def _dotted(path) -> str:
    return ".".join(path.relative_to(paths.ROOT).with_suffix("").parts)


def namesakes_in_package() -> list[tuple[str, str, str]]:
    """(module, qualified name, function name) of every def in the grader package whose name
    is a graded function's, at any depth (methods and nested functions included)."""
    found = []
    for file in sorted(paths.PACKAGE.rglob("*.py")):
        tree = ast.parse(file.read_text())

        def visit(node, prefix: str, module: str) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    qualified = f"{prefix}{child.name}"
                    if child.name in GRADED:
                        found.append((module, qualified, child.name))
                    visit(child, qualified + ".<locals>.", module)
                elif isinstance(child, ast.ClassDef):
                    visit(child, f"{prefix}{child.name}.", module)

        visit(tree, "", _dotted(file))
    return found


class _Unimplemented(types.ModuleType):
    """A student module whose every function raises: what a lookup stand-in falls back to."""

    def __getattr__(self, name):
        def unimplemented(*args, **kwargs):
            raise NotImplementedError(name)

        return unimplemented


def _from_context(factory, name: str):
    """The function a ``with factory(module, {}):`` block puts under ``module.name``."""
    module = _Unimplemented("student")
    with factory(module, {}):
        return getattr(module, name)


def factory_standins() -> dict[str, list]:
    """(qualified name, function) pairs that grader factories hand to student code, keyed by
    the graded function they stand in for."""
    from autograder.probes import gan, transposed_conv, upsampling, vae

    standins: dict[str, list] = {}
    for name, function in vae.grader_losses().items():
        standins.setdefault(name, []).append((f"vae.grader_losses()[{name!r}]", function))
    losses = gan.CountedLosses()
    for name in ("discriminator_loss", "generator_loss"):
        standins.setdefault(name, []).append((f"gan.CountedLosses.{name}",
                                              getattr(losses, name)))
    standins.setdefault("overlap_count", []).append((
        "upsampling._overlap_count_from.<locals>.overlap_count",
        _from_context(upsampling._overlap_count_from, "overlap_count")))
    standins.setdefault("conv_transpose_output_length", []).append((
        "transposed_conv._output_length_from.<locals>.conv_transpose_output_length",
        _from_context(transposed_conv._output_length_from, "conv_transpose_output_length")))
    return standins


#: Nested namesakes: evaluated through the factory that makes them, or existing only while
#: a probe runs (vae_loss's collaborators answer the test's given values for the test's own
#: arrays and call the student's function for anything else).
NESTED = {
    **{f"grader_losses.<locals>.{name}": "factory" for name in
       ("reparameterize", "kl_divergence", "reconstruction_loss", "vae_loss")},
    "_overlap_count_from.<locals>.overlap_count": "factory",
    "_output_length_from.<locals>.conv_transpose_output_length": "factory",
    "vae_loss_given_terms.<locals>.reconstruction_loss": "inside a probe only",
    "vae_loss_given_terms.<locals>.kl_divergence": "inside a probe only",
}


def _decoder(latent_dim: int = 2):
    z = keras.Input((latent_dim,))
    image = keras.layers.Reshape((28, 28, 1))(keras.layers.Dense(784, activation="sigmoid")(z))
    return keras.Model(z, image)


def random_inputs(name: str, rng: np.random.Generator) -> tuple:
    """Arguments for the graded function ``name``, drawn from ``rng``."""
    f32 = np.float32
    normal = lambda *shape: rng.standard_normal(shape).astype(f32)  # noqa: E731
    uniform = lambda *shape: rng.uniform(0.05, 0.95, shape).astype(f32)  # noqa: E731
    inputs = {
        "conv_matrix": lambda: (normal(3, 2), (5, 4)),
        "conv2d_as_matmul": lambda: (normal(5, 4), normal(3, 2)),
        "conv2d_transpose_as_matmul": lambda: (normal(3, 3), normal(3, 2), (5, 4)),
        "conv_matrix_multichannel": lambda: (normal(2, 2, 2, 3), (4, 3, 2)),
        "conv_output_length": lambda: (int(rng.integers(5, 20)), 3, 2, "valid"),
        "conv_transpose_output_length": lambda: (int(rng.integers(2, 20)), 3, 2, "same",
                                                 None),
        "conv2d_transpose": lambda: (normal(2, 3, 4, 2), normal(3, 2, 3, 2), 2, "valid", None),
        "overlap_count": lambda: (int(rng.integers(3, 9)), 3, 2),
        "overlap_count_2d": lambda: ((4, 5), 3, 2),
        "nearest_upsample": lambda: (normal(2, 3, 4, 2), 2),
        "checkerboard_score": lambda: (normal(12, 12), 2),
        "add_noise": lambda: (uniform(4, 6, 6, 1), 0.3, 5),
        "pca_reconstruct": lambda: (normal(30, 4, 4, 1), normal(5, 4, 4, 1), 3),
        "reparameterize": lambda: (normal(6, 3), normal(6, 3), normal(6, 3)),
        "kl_divergence": lambda: (normal(6, 3), normal(6, 3)),
        "reconstruction_loss": lambda: (uniform(5, 6, 6, 2), uniform(5, 6, 6, 2)),
        "vae_loss": lambda: (uniform(5, 6, 6, 1), uniform(5, 6, 6, 1), normal(5, 3),
                             normal(5, 3), 1.5),
        "discriminator_loss": lambda: (3 * normal(8, 1), 3 * normal(8, 1)),
        "generator_loss": lambda: (3 * normal(8, 1),),
        "sample_images": lambda: (_decoder(2), 6, 2, 3),
        "interpolate": lambda: (_decoder(2), normal(2), normal(2), 5),
    }
    if name not in inputs:
        raise AssertionError(f"no random inputs for the graded function {name}: add them to "
                             "random_inputs so that its namesakes can be evaluated")
    return inputs[name]()


def _value(function, arguments: tuple):
    """``function(*arguments)`` as float64 NumPy, or None if it raises or is not numeric."""
    try:
        result = np.asarray(function(*arguments), dtype=np.float64)
    except Exception:  # noqa: BLE001 - a stand-in that cannot answer is not the answer
        return None
    return result


def _reproduces(function, name: str, trials: int = 3) -> bool:
    reference = getattr(load_solution(GRADED[name]), name)
    rng = np.random.default_rng(0)
    for _ in range(trials):
        arguments = random_inputs(name, rng)
        want, got = _value(reference, arguments), _value(function, arguments)
        if got is None or want is None or got.shape != want.shape or \
                not np.allclose(got, want, rtol=1e-3, atol=1e-5):
            return False
    return True


def _import(module: str, qualified: str):
    target = importlib.import_module(module)
    for part in qualified.split("."):
        target = getattr(target, part)
    return target


def test_every_namesake_of_a_graded_function_is_evaluated():
    """Is every def named like a graded function either importable (and so evaluated below)
    or a nested one this file knows how it is made?"""
    for module, qualified, _ in namesakes_in_package():
        if "<locals>" in qualified:
            assert qualified in NESTED, f"{module}:{qualified}: evaluate it here"
        else:
            assert callable(_import(module, qualified)), f"{module}:{qualified}"


def test_no_function_in_the_release_or_bundle_reproduces_a_graded_function():
    """Does any namesake of a graded function, or any stand-in a grader factory returns,
    give the reference's answers on random inputs?"""
    reproducing = []
    for module, qualified, name in namesakes_in_package():
        if "<locals>" in qualified:
            continue  # the factories' products are evaluated below
        if _reproduces(_import(module, qualified), name):
            reproducing.append(f"{module}:{qualified}")
    for name, entries in factory_standins().items():
        for label, function in entries:
            if _reproduces(function, name):
                reproducing.append(label)
    assert reproducing == []


def test_the_evaluation_would_catch_a_correct_stand_in():
    """Can this test fail at all: is the reference itself, and a copy of it under another
    name, found to reproduce?"""
    for name in ("kl_divergence", "discriminator_loss", "overlap_count"):
        reference = getattr(load_solution(GRADED[name]), name)
        assert _reproduces(lambda *a, f=reference: f(*a), name)


# -- stand-ins under tf.function, fit and XLA ---------------------------------------------

def _under_every_mode(function, *tensors):
    """``function(*tensors)`` eagerly, in tf.function (AutoGraph on, batch size unknown),
    and with jit_compile; the three results as NumPy."""
    signature = [tf.TensorSpec([None, *t.shape[1:]], t.dtype) for t in tensors]
    results = [function(*tensors)]
    for jit in (False, True):
        traced = tf.function(lambda *a: function(*a), input_signature=signature,
                             jit_compile=jit)
        results.append(traced(*tensors))
    return [np.asarray(r) for r in results]


def test_gan_noise_stand_in_in_every_mode():
    """Does the GAN's sample_noise stand-in hand out the grader's noise for a batch size
    from tf.shape (symbolic), under tf.function and XLA, and count each call's size?"""
    from autograder.probes.gan import FixedNoise

    noise = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    real = tf.zeros((5, 28, 28, 1))
    results = []
    for jit in (None, False, True):
        draws = FixedNoise(noise)

        def step(images, draws=draws):
            return draws.sample_noise(tf.shape(images)[0])

        run = step if jit is None else tf.function(
            step, input_signature=[tf.TensorSpec([None, 28, 28, 1])], jit_compile=jit)
        results.append(np.asarray(run(real)))
        assert draws.calls() == [5]
    for result in results:
        np.testing.assert_array_equal(result, noise)


def test_gan_loss_stand_ins_in_every_mode():
    from autograder.probes.gan import CountedLosses

    losses = CountedLosses()
    logits = tf.constant(np.linspace(-3, 3, 8, dtype=np.float32).reshape(8, 1))
    for values in (_under_every_mode(losses.discriminator_loss, logits, -logits),
                   _under_every_mode(losses.generator_loss, logits)):
        assert np.allclose(values, values[0], rtol=1e-6)


def test_vae_stand_ins_in_every_mode():
    """Do the VAE's loss stand-ins give the same numbers in every mode, with an unknown
    batch size?"""
    from autograder.probes.vae import grader_losses

    rng = np.random.default_rng(2)
    mu, log_var, eps = (tf.constant(rng.standard_normal((4, 3)), tf.float32) for _ in range(3))
    x, x_hat = (tf.constant(rng.uniform(0.1, 0.9, (4, 5, 5, 1)), tf.float32) for _ in range(2))
    losses = grader_losses()
    for function, tensors in ((losses["reparameterize"], (mu, log_var, eps)),
                              (losses["kl_divergence"], (mu, log_var)),
                              (losses["reconstruction_loss"], (x, x_hat)),
                              (losses["vae_loss"], (x, x_hat, mu, log_var))):
        values = _under_every_mode(function, *tensors)
        assert all(np.allclose(v, values[0], rtol=1e-5) for v in values)
