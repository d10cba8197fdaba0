"""A functional-API GAN with tf.math / tf.nn: sigmoid_cross_entropy_with_logits for the
losses, ELU and no BatchNormalization, a 3x3 Conv2DTranspose stack, one persistent tape,
tf.function(jit_compile=True) on the step, noise from keras.random with a SeedGenerator."""

import keras
import tensorflow as tf


def discriminator_loss(real_logits, fake_logits):
    real = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(real_logits),
                                                   logits=real_logits)
    fake = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(fake_logits),
                                                   logits=fake_logits)
    return tf.math.reduce_mean(real) + tf.math.reduce_mean(fake)


def generator_loss(fake_logits):
    return tf.math.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.ones_like(fake_logits), logits=fake_logits))


def build_generator(noise_dim=64):
    z = keras.Input((noise_dim,), name="z")
    h = keras.layers.Dense(7 * 7 * 24, activation="elu")(z)
    h = keras.layers.Reshape((7, 7, 24))(h)
    h = keras.layers.Conv2DTranspose(24, 3, strides=2, padding="same", activation="elu")(h)
    h = keras.layers.Conv2DTranspose(12, 3, strides=2, padding="same", activation="elu")(h)
    image = keras.layers.Conv2D(1, 3, padding="same", activation="tanh")(h)
    return keras.Model(z, image, name="painter")


def build_discriminator():
    image = keras.Input((28, 28, 1), name="image")
    h = keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="elu")(image)
    h = keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="elu")(h)
    h = keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="elu")(h)
    logit = keras.layers.Dense(1)(keras.layers.GlobalAveragePooling2D()(h))
    return keras.Model(image, logit, name="critic")


class GAN(keras.Model):
    def __init__(self, generator, discriminator, noise_dim, seed=None):
        super().__init__()
        self.generator, self.discriminator, self.noise_dim = generator, discriminator, noise_dim
        self.seeds = keras.random.SeedGenerator(seed)
        self.trackers = {"d_loss": keras.metrics.Mean("critic_loss"),
                         "g_loss": keras.metrics.Mean("painter_loss")}

    def compile(self, g_optimizer, d_optimizer, **kwargs):
        super().compile(**kwargs)
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer

    @property
    def metrics(self):
        return list(self.trackers.values())

    def sample_noise(self, batch_size):
        return keras.random.normal((batch_size, self.noise_dim), seed=self.seeds)

    @tf.function(jit_compile=True)
    def train_step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        noise = self.sample_noise(tf.shape(real)[0])
        with tf.GradientTape(persistent=True) as tape:
            fake = self.generator(noise, training=True)
            real_logits = self.discriminator(real, training=True)
            fake_logits = self.discriminator(fake, training=True)
            losses = {"d_loss": discriminator_loss(real_logits, fake_logits),
                      "g_loss": generator_loss(fake_logits)}
        for key, model, optimizer in (("g_loss", self.generator, self.g_optimizer),
                                      ("d_loss", self.discriminator, self.d_optimizer)):
            weights = model.trainable_weights
            optimizer.apply(tape.gradient(losses[key], weights), weights)
        del tape
        for key, loss in losses.items():
            self.trackers[key].update_state(loss)
        return {key: tracker.result() for key, tracker in self.trackers.items()}
