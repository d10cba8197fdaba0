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
    # BEGIN SOLUTION
    # ELU rather than ReLU: with ReLU the network often sits for a few epochs on the
    # "average digit" plateau (every output the mean image) before it starts to learn.
    image = keras.Input(IMAGE_SHAPE, name="image")
    h = layers.Conv2D(16, 3, strides=2, padding="same", activation="elu")(image)  # 14x14x16
    h = layers.Conv2D(32, 3, strides=2, padding="same", activation="elu")(h)  # 7x7x32
    h = layers.Flatten()(h)
    z = layers.Dense(latent_dim, name="z")(h)  # linear: a code may be any real vector
    encoder = keras.Model(image, z, name="encoder")

    code = keras.Input((latent_dim,), name="z")
    h = layers.Dense(7 * 7 * 32, activation="elu")(code)
    h = layers.Reshape((7, 7, 32))(h)
    h = layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="elu")(h)  # 14
    # The sigmoid keeps every pixel in [0, 1], the range of the data.
    x_hat = layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid",
                                   name="x_hat")(h)  # 28x28x1
    decoder = keras.Model(code, x_hat, name="decoder")

    autoencoder = keras.Model(image, decoder(encoder(image)), name="autoencoder")
    return encoder, decoder, autoencoder
    # END SOLUTION


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
    # BEGIN SOLUTION
    rng = np.random.default_rng(seed)  # a private generator: no global state involved
    noise = rng.standard_normal(x.shape).astype(np.float32)
    return np.clip(x + np.float32(noise_std) * noise, 0.0, 1.0)
    # END SOLUTION


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
    # BEGIN SOLUTION
    train = x_train.reshape(len(x_train), -1).astype(np.float64)
    mean = train.mean(axis=0)
    # The right singular vectors of the centred data are the principal directions,
    # sorted by decreasing singular value (explained variance).
    _, _, vt = np.linalg.svd(train - mean, full_matrices=False)
    components = vt[:k]  # (k, D)
    codes = (x.reshape(len(x), -1) - mean) @ components.T  # (M, k): the linear "encoder"
    reconstruction = mean + codes @ components  # the linear "decoder"
    return reconstruction.reshape(x.shape).astype(np.float32)
    # END SOLUTION


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
    # BEGIN SOLUTION
    x_train = np.asarray(x_train, dtype=np.float32)
    x_val = np.asarray(x_val, dtype=np.float32)
    if noise_std > 0:
        # Noisy inputs, clean targets: the network must learn to remove the noise.
        inputs = add_noise(x_train, noise_std, seed)
        val_inputs = add_noise(x_val, noise_std, seed + 1)
    else:
        inputs, val_inputs = x_train, x_val
    autoencoder.compile(optimizer=keras.optimizers.Adam(learning_rate=2e-3), loss="mse")
    return autoencoder.fit(inputs, x_train, epochs=epochs, batch_size=32, shuffle=True,
                           validation_data=(val_inputs, x_val), verbose=0)
    # END SOLUTION
