"""Assignment 6: a generative adversarial network with a custom ``train_step``.

Two networks play a game. The *generator* (the painter) turns random noise into images;
the *discriminator* (the critic) looks at an image and says how real it finds it, as a
logit: large and positive for "real", large and negative for "fake". Each is trained
against the other:

    L_D = CE(D(fake), 0) + CE(D(real), 1)     the critic learns to tell the two apart
    L_G = CE(D(fake), 1)                      the painter learns to fool the critic

Keras' ``compile()`` / ``fit()`` train one model on one loss with one optimizer. A GAN has
two models, two losses and two optimizers, so ``GAN`` overrides ``train_step``: one step
draws noise once, runs both networks once under two ``tf.GradientTape``s, and updates each
network with the gradient of its own loss, with its own optimizer.

Conventions: images are float32 ``(N, 28, 28, 1)`` in [-1, 1] (``load_digits(split,
value_range=(-1, 1))``), channels last; the discriminator returns logits ``(N, 1)``.
Nothing trains at import time.
"""

from __future__ import annotations

import keras
import tensorflow as tf

IMAGE_SHAPE = (28, 28, 1)
NOISE_DIM = 64


def discriminator_loss(real_logits, fake_logits):
    """The critic's loss: ``BCE(real, 1) + BCE(fake, 0)``, from logits.

    Args:
        real_logits: the discriminator's logits on real images, ``(N, 1)`` (or ``(N,)``).
        fake_logits: its logits on generated images, ``(M, 1)`` (or ``(M,)``).

    Returns:
        A scalar: the binary cross-entropy of the real logits against the label 1, averaged
        over the real batch, **plus** that of the fake logits against the label 0, averaged
        over the fake batch. Computed from logits (a sigmoid turns a logit into the
        probability "real"), never from probabilities.
    """
    real_logits = keras.ops.convert_to_tensor(real_logits)
    fake_logits = keras.ops.convert_to_tensor(fake_logits)
    # TODO: write your solution here (the handout explains each step).
    raise NotImplementedError("discriminator_loss is not implemented yet")


def generator_loss(fake_logits):
    """The painter's loss: ``BCE(fake, 1)``, the non-saturating loss, from logits.

    Args:
        fake_logits: the discriminator's logits on generated images, ``(M, 1)`` (or ``(M,)``).

    Returns:
        A scalar: the binary cross-entropy of the fake logits against the label 1 ("real"),
        averaged over the batch. Not ``-BCE(fake, 0)``, the saturating loss of the original
        minimax game, whose gradient vanishes while the critic easily spots the fakes.
    """
    fake_logits = keras.ops.convert_to_tensor(fake_logits)
    # TODO: write your solution here (the handout explains each step).
    raise NotImplementedError("generator_loss is not implemented yet")


def build_generator(noise_dim: int = NOISE_DIM) -> keras.Model:
    """The painter: noise ``(N, noise_dim)`` to images ``(N, 28, 28, 1)`` in [-1, 1].

    Args:
        noise_dim: length of the noise vector z.

    Returns:
        A Keras model named "generator": a ``Dense`` layer to a 7x7 feature map (``Reshape``),
        then stride-2 ``Conv2DTranspose`` layers that upsample 7 -> 14 -> 28, and a ``tanh`` on
        the last one, so that every pixel lies in [-1, 1] like the data.
    """
    # TODO: write your solution here (the handout explains each step).
    raise NotImplementedError("build_generator is not implemented yet")


def build_discriminator() -> keras.Model:
    """The critic: images ``(N, 28, 28, 1)`` to logits ``(N, 1)``.

    Returns:
        A Keras model named "discriminator": stride-2 ``Conv2D`` layers (28 -> 14 -> 7) with
        LeakyReLU, then ``Flatten`` and a ``Dense(1)`` with **no** activation: a logit, any
        real number. The losses turn it into a probability themselves.
    """
    # TODO: write your solution here (the handout explains each step).
    raise NotImplementedError("build_discriminator is not implemented yet")


class GAN(keras.Model):
    """A generator and a discriminator, trained against each other by ``fit``.

    ``GAN(generator, discriminator, noise_dim, seed=None)``, then
    ``gan.compile(g_optimizer=..., d_optimizer=...)`` and ``gan.fit(images, ...)``: every
    batch of real images is one ``train_step``.
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, noise_dim: int,
                 seed: int | None = None) -> None:
        super().__init__(name="gan")
        self.generator = generator
        self.discriminator = discriminator
        self.noise_dim = noise_dim
        # The state of the noise: every call of sample_noise draws new numbers, also when
        # fit runs train_step as a compiled TensorFlow graph.
        self.seed_generator = keras.random.SeedGenerator(seed)
        # Running means of the two losses over an epoch, what fit prints and returns.
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def compile(self, g_optimizer: keras.optimizers.Optimizer,
                d_optimizer: keras.optimizers.Optimizer, **kwargs) -> None:
        """One optimizer per player (``compile`` of a plain model takes one)."""
        super().compile(**kwargs)
        self.g_optimizer = g_optimizer
        self.d_optimizer = d_optimizer

    @property
    def metrics(self) -> list:
        # Listed here, the trackers are reset by fit at the start of every epoch.
        return [self.d_loss_tracker, self.g_loss_tracker]

    def sample_noise(self, batch_size):
        """Standard-normal noise ``(batch_size, noise_dim)``: the only randomness of a step.

        Draw it with ``keras.random.normal`` and ``self.seed_generator`` (not NumPy: inside
        ``fit`` this runs once, when TensorFlow traces the step, and NumPy would hand every
        step the same numbers).
        """
        # TODO: write your solution here (the handout explains each step).
        raise NotImplementedError("sample_noise is not implemented yet")

    def train_step(self, real_images: tf.Tensor) -> dict[str, tf.Tensor]:
        """One simultaneous update of both players on a batch of real images.

        Args:
            real_images: ``(N, 28, 28, 1)`` in [-1, 1].

        Returns:
            ``{"d_loss": ..., "g_loss": ...}``, the running means of the two losses.

        Steps: draw noise once (``self.sample_noise``); under two tapes, ``gen_tape`` and
        ``disc_tape``, run the generator on the noise and the discriminator on the real and
        on the fake images, all with ``training=True``, and compute ``g_loss`` with
        ``generator_loss`` and ``d_loss`` with ``discriminator_loss``; then apply the
        gradient of ``g_loss`` with respect to the generator's trainable weights with
        ``self.g_optimizer``, and that of ``d_loss`` with respect to the discriminator's
        with ``self.d_optimizer``; update the two loss trackers.
        """
        # TODO: write your solution here (the handout explains each step).
        raise NotImplementedError("train_step is not implemented yet")
