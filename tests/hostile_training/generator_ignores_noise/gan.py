# HOSTILE (generator_ignores_noise): build_generator multiplies its noise by 0: every image is the
# same, drawn from the Dense layer's bias
"""A correct GAN submission, written differently from the reference.

Keras' own BinaryCrossentropy for the losses, Sequential models with ReLU and 5x5 kernels,
one persistent tape, the critic run once on real and fake images stacked together, and
apply_gradients with (gradient, weight) pairs.
"""

import keras
import tensorflow as tf

_bce = keras.losses.BinaryCrossentropy(from_logits=True)


def discriminator_loss(real_logits, fake_logits):
    real_term = _bce(tf.ones_like(real_logits), real_logits)
    fake_term = _bce(tf.zeros_like(fake_logits), fake_logits)
    return real_term + fake_term


def generator_loss(fake_logits):
    return _bce(tf.ones_like(fake_logits), fake_logits)


def build_generator(noise_dim=64):
    return keras.Sequential([
        keras.Input(shape=(noise_dim,)),
        keras.layers.Lambda(lambda z: 0.0 * z),  # the noise is thrown away
        keras.layers.Dense(7 * 7 * 24, bias_initializer=keras.initializers.RandomNormal(
            stddev=1.0, seed=1)),
        keras.layers.ReLU(),
        keras.layers.Reshape((7, 7, 24)),
        keras.layers.Conv2DTranspose(12, 5, strides=2, padding="same"),
        keras.layers.BatchNormalization(),
        keras.layers.ReLU(),
        keras.layers.Conv2DTranspose(1, 5, strides=2, padding="same"),
        keras.layers.Activation("tanh"),
    ], name="generator")


def build_discriminator():
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(24, 5, strides=2, padding="same"),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Dropout(0.2),
        keras.layers.Conv2D(48, 5, strides=2, padding="same"),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(1),
    ], name="discriminator")


class GAN(keras.Model):
    def __init__(self, generator, discriminator, noise_dim, seed=None):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.noise_dim = noise_dim
        self.noise_seeds = keras.random.SeedGenerator(seed)
        self.d_mean = keras.metrics.Mean(name="d_loss")
        self.g_mean = keras.metrics.Mean(name="g_loss")

    def compile(self, g_optimizer, d_optimizer, **kwargs):
        super().compile(**kwargs)
        self.g_optimizer = g_optimizer
        self.d_optimizer = d_optimizer

    @property
    def metrics(self):
        return [self.d_mean, self.g_mean]

    def sample_noise(self, batch_size):
        return keras.random.normal(shape=(batch_size, self.noise_dim), mean=0.0, stddev=1.0,
                                   seed=self.noise_seeds)

    def train_step(self, real_images):
        n = tf.shape(real_images)[0]
        z = self.sample_noise(n)
        with tf.GradientTape(persistent=True) as tape:
            fakes = self.generator(z, training=True)
            logits = self.discriminator(tf.concat([real_images, fakes], axis=0), training=True)
            real_logits, fake_logits = logits[:n], logits[n:]
            d_loss = discriminator_loss(real_logits, fake_logits)
            g_loss = generator_loss(fake_logits)
        g_vars = self.generator.trainable_variables
        d_vars = self.discriminator.trainable_variables
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
        del tape
        self.d_mean.update_state(d_loss)
        self.g_mean.update_state(g_loss)
        return {"g_loss": self.g_mean.result(), "d_loss": self.d_mean.result()}
