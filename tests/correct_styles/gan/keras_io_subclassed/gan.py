"""keras-io's "DCGAN overriding train_step", adapted to the contract: subclassed generator
and discriminator, keras.ops throughout (softplus for the cross-entropy from logits), one
noise draw and one forward pass under two tapes, trackers named after keras-io's."""

import keras
import tensorflow as tf
from keras import layers, ops


def discriminator_loss(real_logits, fake_logits):
    # BCE(real, 1) = softplus(-l); BCE(fake, 0) = softplus(l)
    return ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits))


def generator_loss(fake_logits):
    return ops.mean(ops.softplus(-fake_logits))


class Generator(keras.Model):
    def __init__(self, noise_dim, **kwargs):
        super().__init__(**kwargs)
        self.project = layers.Dense(7 * 7 * 64)
        self.reshape = layers.Reshape((7, 7, 64))
        self.up1 = layers.Conv2DTranspose(32, kernel_size=4, strides=2, padding="same")
        self.up2 = layers.Conv2DTranspose(16, kernel_size=4, strides=2, padding="same")
        self.to_image = layers.Conv2D(1, kernel_size=5, padding="same", activation="tanh")
        self.build((None, noise_dim))

    def call(self, z, training=False):
        h = ops.leaky_relu(self.reshape(self.project(z)), negative_slope=0.2)
        h = ops.leaky_relu(self.up1(h), negative_slope=0.2)
        h = ops.leaky_relu(self.up2(h), negative_slope=0.2)
        return self.to_image(h)


class Discriminator(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = layers.Conv2D(32, kernel_size=4, strides=2, padding="same")
        self.conv2 = layers.Conv2D(64, kernel_size=4, strides=2, padding="same")
        self.flatten = layers.Flatten()
        self.dropout = layers.Dropout(0.2)
        self.logit = layers.Dense(1)
        self.build((None, 28, 28, 1))

    def call(self, x, training=False):
        h = ops.leaky_relu(self.conv1(x), negative_slope=0.2)
        h = ops.leaky_relu(self.conv2(h), negative_slope=0.2)
        return self.logit(self.dropout(self.flatten(h), training=training))


def build_generator(noise_dim=64):
    return Generator(noise_dim, name="generator")


def build_discriminator():
    return Discriminator(name="discriminator")


class GAN(keras.Model):
    def __init__(self, generator, discriminator, noise_dim, seed=None):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = noise_dim
        self.seed_generator = keras.random.SeedGenerator(seed)

    def compile(self, g_optimizer, d_optimizer, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.d_loss_metric = keras.metrics.Mean(name="discriminator_loss")
        self.g_loss_metric = keras.metrics.Mean(name="generator_loss")

    @property
    def metrics(self):
        return [self.d_loss_metric, self.g_loss_metric]

    def sample_noise(self, batch_size):
        return keras.random.normal(shape=(batch_size, self.latent_dim),
                                   seed=self.seed_generator)

    def train_step(self, real_images):
        if isinstance(real_images, tuple):
            real_images = real_images[0]
        batch_size = ops.shape(real_images)[0]
        random_latent_vectors = self.sample_noise(batch_size)
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated_images = self.generator(random_latent_vectors, training=True)
            real_predictions = self.discriminator(real_images, training=True)
            fake_predictions = self.discriminator(generated_images, training=True)
            d_loss = discriminator_loss(real_predictions, fake_predictions)
            g_loss = generator_loss(fake_predictions)
        d_grads = disc_tape.gradient(d_loss, self.discriminator.trainable_weights)
        g_grads = gen_tape.gradient(g_loss, self.generator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(d_grads, self.discriminator.trainable_weights))
        self.g_optimizer.apply_gradients(zip(g_grads, self.generator.trainable_weights))
        self.d_loss_metric.update_state(d_loss)
        self.g_loss_metric.update_state(g_loss)
        return {"d_loss": self.d_loss_metric.result(), "g_loss": self.g_loss_metric.result()}
