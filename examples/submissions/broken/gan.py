"""A submission that does not import: it relies on a library that is not installed."""

import keras
import tensorflow_gan as tfgan  # TF-GAN is not part of the course's requirements


def discriminator_loss(real_logits, fake_logits):
    return tfgan.losses.modified_discriminator_loss(real_logits, fake_logits)


def generator_loss(fake_logits):
    return tfgan.losses.modified_generator_loss(fake_logits)


def build_generator(noise_dim=64):
    return keras.Sequential([keras.Input((noise_dim,)), keras.layers.Dense(784),
                             keras.layers.Reshape((28, 28, 1))])
