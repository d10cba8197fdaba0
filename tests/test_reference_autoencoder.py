"""Is the autoencoder reference right, and does it make the handout's point?

The point: on held-out digits the convolutional autoencoder beats PCA with as many
components as its code has numbers, and the denoising autoencoder brings noisy digits far
closer to the clean ones than they were. Trained here, in-process, seeded (about 20 s of
CPU); the figures in the handout come from the same runs.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import load_solution

from autograder.datasets import load_digits

keras = pytest.importorskip("keras")

LATENT_DIM = 16
NOISE_STD = 0.5


@pytest.fixture(scope="module")
def reference():
    return load_solution("autoencoder")


@pytest.fixture(scope="module")
def digits():
    return {split: load_digits(split)[0] for split in ("train", "val", "test")}


def trained(reference, digits, epochs: int, noise_std: float = 0.0):
    keras.utils.set_random_seed(0)
    _, _, autoencoder = reference.build_conv_autoencoder(LATENT_DIM)
    reference.train_autoencoder(autoencoder, digits["train"], digits["val"], epochs=epochs,
                                noise_std=noise_std, seed=0)
    return autoencoder


def mse(a, b) -> float:
    return float(np.mean((np.asarray(a, np.float64) - b) ** 2))


def outputs(model, x) -> np.ndarray:
    return keras.ops.convert_to_numpy(model(x, training=False))


@pytest.fixture(scope="module")
def autoencoder(reference, digits):
    return trained(reference, digits, epochs=15)


@pytest.fixture(scope="module")
def denoiser(reference, digits):
    return trained(reference, digits, epochs=10, noise_std=NOISE_STD)


def test_shapes_and_range(reference, digits):
    encoder, decoder, autoencoder = reference.build_conv_autoencoder(LATENT_DIM)
    x = digits["val"][:5]
    assert outputs(encoder, x).shape == (5, LATENT_DIM)
    y = outputs(autoencoder, x)
    assert y.shape == x.shape and 0 <= y.min() and y.max() <= 1
    np.testing.assert_allclose(y, outputs(decoder, outputs(encoder, x)), atol=1e-6)


def test_add_noise_is_reproducible_clipped_and_of_the_right_size(reference):
    x = np.full((8, 28, 28, 1), 0.5, np.float32)
    noisy = reference.add_noise(x, 0.1, 3)
    np.testing.assert_array_equal(noisy, reference.add_noise(x, 0.1, 3))
    assert not np.array_equal(noisy, reference.add_noise(x, 0.1, 4))
    assert abs(float(np.std(noisy - x)) - 0.1) < 0.005
    extreme = reference.add_noise(np.zeros((4, 28, 28, 1), np.float32), 2.0, 0)
    assert extreme.min() == 0 and extreme.max() == 1 and np.all(x == 0.5)


def test_pca_matches_an_eigendecomposition_of_the_covariance(reference, digits):
    """Another route to the same subspace: the covariance matrix's top eigenvectors."""
    x_train, x = digits["train"], digits["val"][:50]
    flat = x_train.reshape(len(x_train), -1).astype(np.float64)
    mean = flat.mean(0)
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(flat - mean, rowvar=False))
    top = eigenvectors[:, ::-1][:, :LATENT_DIM]
    want = ((x.reshape(len(x), -1) - mean) @ top @ top.T + mean).reshape(x.shape)
    np.testing.assert_allclose(reference.pca_reconstruct(x_train, x, LATENT_DIM), want,
                               atol=1e-5)
    # All the components: every image comes back (up to float32 rounding).
    np.testing.assert_allclose(reference.pca_reconstruct(x_train, x, 784), x, atol=1e-5)


@pytest.mark.slow
def test_autoencoder_beats_pca_with_as_many_components_as_its_code(reference, digits,
                                                                   autoencoder):
    """Held-out MNIST test digits: 0.0128 for the autoencoder against 0.0271 for PCA."""
    test = digits["test"]
    ae = mse(outputs(autoencoder, test), test)
    pca = mse(reference.pca_reconstruct(digits["train"], test, LATENT_DIM), test)
    assert ae < pca, f"autoencoder {ae:.5f}, PCA with k={LATENT_DIM} {pca:.5f}"
    assert ae < pca / 1.5  # the nonlinear code keeps well under PCA's error (half, measured)
    assert pca == pytest.approx(0.0271, abs=1e-3)


@pytest.mark.slow
def test_denoising_autoencoder_cleans_noisy_digits(reference, digits, autoencoder, denoiser):
    """Noisy test digits at MSE 0.116 come out at about 0.022: closer than PCA's 0.039
    and far closer than a plain autoencoder's 0.060 (it never saw noise)."""
    test = digits["test"]
    noisy = reference.add_noise(test, NOISE_STD, 99)
    before = mse(noisy, test)
    denoised = mse(outputs(denoiser, noisy), test)
    plain = mse(outputs(autoencoder, noisy), test)
    pca = mse(reference.pca_reconstruct(digits["train"], noisy, LATENT_DIM), test)
    assert denoised < before / 4, f"noisy {before:.4f}, denoised {denoised:.4f}"
    assert denoised < pca and denoised < plain, f"{denoised=:.4f} {pca=:.4f} {plain=:.4f}"
