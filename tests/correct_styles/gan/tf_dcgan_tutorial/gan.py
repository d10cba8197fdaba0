"""TensorFlow's DCGAN tutorial, adapted to the contract's names: Sequential models with
BatchNormalization, one BinaryCrossentropy(from_logits=True) object, ``@tf.function`` on
``train_step``, noise from a ``tf.random.Generator``, the batch's losses returned."""

import tensorflow as tf
from tensorflow import keras

cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)


def discriminator_loss(real_output, fake_output):
    real_loss = cross_entropy(tf.ones_like(real_output), real_output)
    fake_loss = cross_entropy(tf.zeros_like(fake_output), fake_output)
    total_loss = real_loss + fake_loss
    return total_loss


def generator_loss(fake_output):
    return cross_entropy(tf.ones_like(fake_output), fake_output)


def build_generator(noise_dim=64):
    model = keras.Sequential()
    model.add(keras.Input(shape=(noise_dim,)))
    model.add(keras.layers.Dense(7 * 7 * 32, use_bias=False))
    model.add(keras.layers.BatchNormalization())
    model.add(keras.layers.LeakyReLU())
    model.add(keras.layers.Reshape((7, 7, 32)))
    model.add(keras.layers.Conv2DTranspose(16, (5, 5), strides=(1, 1), padding="same",
                                           use_bias=False))
    model.add(keras.layers.BatchNormalization())
    model.add(keras.layers.LeakyReLU())
    model.add(keras.layers.Conv2DTranspose(8, (5, 5), strides=(2, 2), padding="same",
                                           use_bias=False))
    model.add(keras.layers.BatchNormalization())
    model.add(keras.layers.LeakyReLU())
    model.add(keras.layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding="same",
                                           use_bias=False, activation="tanh"))
    return model


def build_discriminator():
    model = keras.Sequential()
    model.add(keras.Input(shape=(28, 28, 1)))
    model.add(keras.layers.Conv2D(16, (5, 5), strides=(2, 2), padding="same"))
    model.add(keras.layers.LeakyReLU())
    model.add(keras.layers.Dropout(0.3))
    model.add(keras.layers.Conv2D(32, (5, 5), strides=(2, 2), padding="same"))
    model.add(keras.layers.LeakyReLU())
    model.add(keras.layers.Dropout(0.3))
    model.add(keras.layers.Flatten())
    model.add(keras.layers.Dense(1))
    return model


class GAN(keras.Model):
    def __init__(self, generator, discriminator, noise_dim, seed=None):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.noise_dim = noise_dim
        self.rng = (tf.random.Generator.from_non_deterministic_state() if seed is None
                    else tf.random.Generator.from_seed(seed))

    def compile(self, g_optimizer, d_optimizer, **kwargs):
        super().compile(**kwargs)
        self.generator_optimizer = g_optimizer
        self.discriminator_optimizer = d_optimizer

    def sample_noise(self, batch_size):
        return self.rng.normal([batch_size, self.noise_dim])

    @tf.function
    def train_step(self, images):
        noise = self.sample_noise(tf.shape(images)[0])

        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated_images = self.generator(noise, training=True)

            real_output = self.discriminator(images, training=True)
            fake_output = self.discriminator(generated_images, training=True)

            gen_loss = generator_loss(fake_output)
            disc_loss = discriminator_loss(real_output, fake_output)

        gradients_of_generator = gen_tape.gradient(gen_loss,
                                                   self.generator.trainable_variables)
        gradients_of_discriminator = disc_tape.gradient(disc_loss,
                                                        self.discriminator.trainable_variables)

        self.generator_optimizer.apply_gradients(
            zip(gradients_of_generator, self.generator.trainable_variables))
        self.discriminator_optimizer.apply_gradients(
            zip(gradients_of_discriminator, self.discriminator.trainable_variables))
        return {"d_loss": disc_loss, "g_loss": gen_loss}
