"""Assignment 5: the variational autoencoder (VAE).

An autoencoder maps each image to one point ``z``. A variational autoencoder maps it to a
whole distribution, the Gaussian ``N(mu, diag(exp(log_var)))``, and decodes a *sample* of it:

    x (28, 28, 1) --encoder--> mu, log_var (latent_dim,)
                  --sample--> z = mu + exp(0.5 * log_var) * eps,  eps ~ N(0, I)
                  --decoder--> x_hat (28, 28, 1), pixel probabilities in [0, 1]

It is trained to minimise the negative ELBO: a reconstruction term (binary cross-entropy,
summed over the pixels) plus ``beta`` times the KL divergence from ``N(mu, sigma^2)`` to the
prior ``N(0, I)``. The KL term keeps the codes of all images close to the prior, so that
decoding a fresh draw from ``N(0, I)`` gives a plausible new digit.

Conventions: images are float32 ``(N, 28, 28, 1)`` in [0, 1]; ``mu``, ``log_var``, ``eps``
and ``z`` are ``(N, latent_dim)``. All randomness of training goes through
``VAE.sample_eps``, so that a grader can hand in fixed draws. Nothing trains at import time.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

IMAGE_SHAPE = (28, 28, 1)
#: Keras clips probabilities into [EPSILON, 1 - EPSILON] before taking their logarithm.
EPSILON = 1e-7


def reparameterize(mu, log_var, eps):
    """A sample of ``N(mu, exp(log_var))`` written so that gradients reach mu and log_var.

    Args:
        mu: means, ``(N, latent_dim)``.
        log_var: logarithms of the variances ``sigma^2``, ``(N, latent_dim)``.
        eps: standard-normal draws, ``(N, latent_dim)``; the only random part.

    Returns:
        ``z = mu + exp(0.5 * log_var) * eps``, ``(N, latent_dim)``, a tensor that is
        differentiable in ``mu`` and ``log_var`` (use ``keras.ops`` or TensorFlow, not NumPy).
    """
    mu = ops.convert_to_tensor(mu, dtype="float32")
    log_var = ops.convert_to_tensor(log_var, dtype="float32")
    eps = ops.convert_to_tensor(eps, dtype="float32")
    # BEGIN SOLUTION
    sigma = ops.exp(0.5 * log_var)  # the standard deviation, from the log-variance
    return mu + sigma * eps
    # END SOLUTION


def kl_divergence(mu, log_var):
    """KL(N(mu, diag(exp(log_var))) || N(0, I)), one number per example.

    Args:
        mu: ``(N, latent_dim)``.
        log_var: ``(N, latent_dim)``.

    Returns:
        ``(N,)``: ``-0.5 * sum(1 + log_var - mu**2 - exp(log_var))`` over the latent axis.
    """
    mu = ops.convert_to_tensor(mu, dtype="float32")
    log_var = ops.convert_to_tensor(log_var, dtype="float32")
    # BEGIN SOLUTION
    # The closed form for two Gaussians, one latent dimension at a time, then summed:
    # each dimension contributes 0.5 * (sigma^2 + mu^2 - 1 - log sigma^2) >= 0.
    return -0.5 * ops.sum(1.0 + log_var - ops.square(mu) - ops.exp(log_var), axis=-1)
    # END SOLUTION


def reconstruction_loss(x, x_hat):
    """Binary cross-entropy of the images under the decoder's pixel probabilities.

    Args:
        x: the images, the targets, ``(N, 28, 28, 1)`` (any ``(N, ...)``) in [0, 1].
        x_hat: the decoder's probabilities, the same shape as ``x``.

    Returns:
        ``(N,)``: ``-sum(x * log(p) + (1 - x) * log(1 - p))`` over every pixel of each
        image, with ``p = clip(x_hat, 1e-7, 1 - 1e-7)`` as Keras clips it. A sum, not a mean:
        it is the negative log-likelihood of the whole image.
    """
    x = ops.convert_to_tensor(x, dtype="float32")
    x_hat = ops.convert_to_tensor(x_hat, dtype="float32")
    # BEGIN SOLUTION
    p = ops.clip(x_hat, EPSILON, 1.0 - EPSILON)  # log(0) would be -inf
    per_pixel = -(x * ops.log(p) + (1.0 - x) * ops.log(1.0 - p))
    return ops.sum(per_pixel, axis=tuple(range(1, len(per_pixel.shape))))
    # END SOLUTION


def vae_loss(x, x_hat, mu, log_var, beta: float = 1.0):
    """The negative ELBO, averaged over the batch.

    Args:
        x, x_hat: images and reconstructions, as for ``reconstruction_loss``.
        mu, log_var: the encoder's outputs for ``x``, as for ``kl_divergence``.
        beta: weight of the KL term (1 for the ELBO; beta-VAEs use other values).

    Returns:
        A scalar: the mean over the batch of ``reconstruction_loss + beta * kl_divergence``.
    """
    # BEGIN SOLUTION
    per_example = reconstruction_loss(x, x_hat) + beta * kl_divergence(mu, log_var)
    return ops.mean(per_example)
    # END SOLUTION


def build_encoder(latent_dim: int = 2) -> keras.Model:
    """The encoder: an image to the parameters of its Gaussian code.

    Args:
        latent_dim: size of the code.

    Returns:
        A Keras model from ``(N, 28, 28, 1)`` images to the list ``[mu, log_var]``, each
        ``(N, latent_dim)``: two separate linear ``Dense`` heads on a shared body (stride-2
        ``Conv2D`` layers, 28 -> 14 -> 7, then ``Flatten`` and a ``Dense`` layer).
    """
    # BEGIN SOLUTION
    # ELU rather than ReLU: with ReLU the model often sits for many epochs on the "average
    # digit" plateau (every output the mean image) before it starts to use the code.
    image = keras.Input(IMAGE_SHAPE, name="image")
    h = layers.Conv2D(16, 3, strides=2, padding="same", activation="elu")(image)  # 14x14
    h = layers.Conv2D(32, 3, strides=2, padding="same", activation="elu")(h)  # 7x7
    h = layers.Dense(64, activation="elu")(layers.Flatten()(h))
    # Linear heads: a mean and a log-variance may be any real numbers.
    mu = layers.Dense(latent_dim, name="mu")(h)
    log_var = layers.Dense(latent_dim, name="log_var")(h)
    return keras.Model(image, [mu, log_var], name="encoder")
    # END SOLUTION


def build_decoder(latent_dim: int = 2) -> keras.Model:
    """The decoder: a code to the probabilities of an image's pixels.

    Args:
        latent_dim: size of the code.

    Returns:
        A Keras model from ``(N, latent_dim)`` to ``(N, 28, 28, 1)`` in [0, 1]: ``Dense``,
        ``Reshape`` to 7x7, stride-2 ``Conv2DTranspose`` layers (7 -> 14 -> 28), a sigmoid.
    """
    # BEGIN SOLUTION
    z = keras.Input((latent_dim,), name="z")
    h = layers.Dense(64, activation="elu")(z)
    h = layers.Dense(7 * 7 * 32, activation="elu")(h)
    h = layers.Reshape((7, 7, 32))(h)
    h = layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="elu")(h)  # 14
    # A sigmoid: every output is the probability that a pixel is "on".
    x_hat = layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid",
                                   name="x_hat")(h)  # 28x28x1
    return keras.Model(z, x_hat, name="decoder")
    # END SOLUTION


class VAE(keras.Model):
    """A variational autoencoder: an encoder, a decoder and the training step that joins them.

    ``VAE(encoder, decoder, beta=1.0, seed=None)``: ``encoder`` maps images to
    ``[mu, log_var]``, ``decoder`` maps codes to images in [0, 1]. Compile it with an
    optimizer only (``vae.compile(optimizer=keras.optimizers.Adam(1e-3))``): the loss is
    computed in ``train_step``. Then ``vae.fit(x_train, epochs=..., batch_size=...)``.
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, beta: float = 1.0,
                 seed: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = float(beta)
        # The source of every eps: seeded once, it advances by itself after each draw.
        self.seed_generator = keras.random.SeedGenerator(seed)
        # Running means over an epoch, reset by Keras at the start of each epoch.
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return [self.loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def sample_eps(self, shape):
        """Standard-normal draws of ``shape`` (e.g. ``(N, latent_dim)``), fresh at every call.

        The only randomness in training. Draw them with ``keras.random.normal`` and
        ``seed=self.seed_generator``, so that the same ``seed`` gives the same draws and every
        call, also inside a compiled ``train_step``, gives new ones.
        """
        return keras.random.normal(shape, seed=self.seed_generator)  # SOLUTION

    def call(self, x, training=None):
        """Reconstruct ``x``: encode, sample ``z`` with ``sample_eps``, decode.

        Args:
            x: images ``(N, 28, 28, 1)``.

        Returns:
            ``(N, 28, 28, 1)``: the decoder's image for one sample ``z`` of each code.
        """
        # BEGIN SOLUTION
        mu, log_var = self.encoder(x, training=training)
        z = reparameterize(mu, log_var, self.sample_eps(ops.shape(mu)))
        return self.decoder(z, training=training)
        # END SOLUTION

    def train_step(self, data):
        """One gradient step on a batch; what ``fit`` calls for every batch.

        Args:
            data: a batch of images ``x`` ``(N, 28, 28, 1)``, or a tuple ``(x, ...)``.

        Returns:
            ``{"loss", "reconstruction_loss", "kl_loss"}``: the batch means of the negative
            ELBO, of the reconstruction term and of the KL term; the same values go into the
            running-mean trackers of ``self.metrics``.
        """
        # BEGIN SOLUTION
        x = data[0] if isinstance(data, (tuple, list)) else data
        with tf.GradientTape() as tape:
            # training=True: layers such as BatchNormalization and Dropout act as in training.
            mu, log_var = self.encoder(x, training=True)
            # Sampling at the bottleneck; eps is a constant, so the gradient flows through
            # mu and log_var (the reparameterization trick).
            z = reparameterize(mu, log_var, self.sample_eps(ops.shape(mu)))
            x_hat = self.decoder(z, training=True)
            loss = vae_loss(x, x_hat, mu, log_var, self.beta)
        # Every trainable weight of the encoder and the decoder, in one step.
        gradients = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply(gradients, self.trainable_weights)

        reconstruction = ops.mean(reconstruction_loss(x, x_hat))
        kl = ops.mean(kl_divergence(mu, log_var))
        self.loss_tracker.update_state(loss)
        self.reconstruction_loss_tracker.update_state(reconstruction)
        self.kl_loss_tracker.update_state(kl)
        return {"loss": loss, "reconstruction_loss": reconstruction, "kl_loss": kl}
        # END SOLUTION


def sample_images(decoder: keras.Model, n: int, latent_dim: int, seed: int) -> np.ndarray:
    """New images: decode ``n`` draws from the prior ``N(0, I)``.

    Args:
        decoder: a model from ``(n, latent_dim)`` codes to images.
        n: how many images.
        latent_dim: size of the codes the decoder takes.
        seed: the same seed gives the same images.

    Returns:
        ``(n, 28, 28, 1)``: ``decoder(z)`` for ``z ~ N(0, I)`` of shape ``(n, latent_dim)``.
    """
    # BEGIN SOLUTION
    z = keras.random.normal((n, latent_dim), seed=seed)  # the prior, nothing learned
    return ops.convert_to_numpy(decoder(z, training=False))
    # END SOLUTION


def interpolate(decoder: keras.Model, z_start, z_end, steps: int) -> np.ndarray:
    """Images along the straight line from ``z_start`` to ``z_end`` in the latent space.

    Args:
        decoder: a model from codes to images.
        z_start, z_end: two codes, ``(latent_dim,)``.
        steps: number of images, ``>= 2``.

    Returns:
        ``(steps, 28, 28, 1)``: ``decoder(z_start + t * (z_end - z_start))`` for ``steps``
        evenly spaced ``t`` from 0 to 1, both ends included (the first image decodes
        ``z_start``, the last ``z_end``).
    """
    z_start = np.asarray(z_start, dtype=np.float32)
    z_end = np.asarray(z_end, dtype=np.float32)
    # BEGIN SOLUTION
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]  # (steps, 1)
    z = (1.0 - t) * z_start + t * z_end  # (steps, latent_dim): one code per row
    return ops.convert_to_numpy(decoder(z, training=False))
    # END SOLUTION
