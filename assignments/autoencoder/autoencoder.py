"""Assignment 4: convolutional and denoising autoencoders, against PCA.

An autoencoder squeezes an image through a narrow code and rebuilds it:

    x (28, 28, 1)  --encoder-->  z (latent_dim,)  --decoder-->  x_hat (28, 28, 1)

Trained to make ``x_hat`` close to ``x`` (mean squared error), it has to keep in ``z`` what
matters most about digits. PCA does the same with a *linear* encoder and decoder: the best
linear code of size k. The question of this assignment is what the non-linear,
convolutional version buys over that baseline, and what changes when the input is noisy
but the target is clean (a denoising autoencoder).

Conventions: images are float32 ``(N, 28, 28, 1)`` in [0, 1], channels last; the digits
come from ``autograder.datasets.load_digits``. Nothing trains at import time.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

IMAGE_SHAPE = (28, 28, 1)


def build_conv_autoencoder(latent_dim: int = 16
                           ) -> tuple[keras.Model, keras.Model, keras.Model]:
    """The encoder, the decoder and the autoencoder that chains them.

    Args:
        latent_dim: size of the code, the bottleneck.

    Returns:
        ``(encoder, decoder, autoencoder)``, three Keras models:
        - encoder: ``(N, 28, 28, 1)`` images to ``(N, latent_dim)`` codes, with stride-2
          ``Conv2D`` layers (28 -> 14 -> 7), then ``Flatten`` and a ``Dense`` code layer;
        - decoder: ``(N, latent_dim)`` codes to ``(N, 28, 28, 1)`` images in [0, 1]: a
          ``Dense`` layer, ``Reshape`` to 7x7, stride-2 ``Conv2DTranspose`` layers
          (7 -> 14 -> 28), a sigmoid at the end;
        - autoencoder: ``decoder(encoder(x))``, images to images.
    """
    # TODO: write your solution here (the handout explains each step).
    raise NotImplementedError("build_conv_autoencoder is not implemented yet")


def add_noise(x, noise_std: float, seed: int) -> np.ndarray:
    """Gaussian noise added to images, clipped back into [0, 1].

    Args:
        x: images, any shape (typically ``(N, 28, 28, 1)``), values in [0, 1].
        noise_std: standard deviation of the noise; 0 gives ``x`` back.
        seed: the same seed gives the same noise, whatever the global random state.

    Returns:
        float32 array of the shape of ``x``: ``clip(x + noise_std * eps, 0, 1)`` with
        ``eps`` standard normal, independent for every pixel. ``x`` is not modified.
    """
    x = np.asarray(x, dtype=np.float32)
    # TODO: write your solution here (the handout explains each step).
    raise NotImplementedError("add_noise is not implemented yet")


def pca_reconstruct(x_train, x, k: int) -> np.ndarray:
    """Reconstruct ``x`` from the top-k principal components of ``x_train``.

    The linear baseline: encode ``z = (x - mean) @ V_k`` (k numbers per image), decode
    ``mean + z @ V_k.T``, where ``mean`` is the mean training image and the columns of
    ``V_k`` are the k leading principal directions of the mean-centred training images.

    Args:
        x_train: ``(N, ...)`` images that define the mean and the components; each image is
            flattened to a vector of D values.
        x: ``(M, ...)`` images to reconstruct, the same image shape as ``x_train``.
        k: number of components, ``1 <= k <= min(N, D)``.

    Returns:
        Array of the shape of ``x``: the reconstructions.
    """
    x_train = np.asarray(x_train)
    x = np.asarray(x)
    # TODO: write your solution here (the handout explains each step).
    raise NotImplementedError("pca_reconstruct is not implemented yet")


def train_autoencoder(autoencoder: keras.Model, x_train, x_val, epochs: int = 10,
                      noise_std: float = 0.0, seed: int = 0) -> keras.callbacks.History:
    """Train an autoencoder with the mean squared error; denoising when ``noise_std > 0``.

    Args:
        autoencoder: a model from images ``(N, 28, 28, 1)`` to images; compiled here.
        x_train: clean training images ``(N, 28, 28, 1)``; they are always the targets.
        x_val: clean validation images, for the validation loss.
        epochs: passes over ``x_train``.
        noise_std: 0 for a plain autoencoder; otherwise the inputs are
            ``add_noise(x, noise_std, ...)`` and the targets the clean images.
        seed: seed of the noise.

    Returns:
        The ``History`` that ``autoencoder.fit`` returns: ``history.history["loss"]`` and
        ``["val_loss"]`` hold one MSE per epoch.
    """
    # TODO: write your solution here (the handout explains each step).
    raise NotImplementedError("train_autoencoder is not implemented yet")
