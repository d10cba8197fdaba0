# HOSTILE (vae_decoder_ignores_code): build_decoder multiplies its code by 0: the same image for
# every code
"""A correct VAE written differently from the reference: tf.math instead of keras.ops, a
loop over the latent dimensions, Keras' own binary cross-entropy, dense models, a
tf.shape for sample_eps, apply_gradients, the trackers' running means returned, NumPy
draws for sample_images and a Python loop for interpolate."""

import keras
import numpy as np
import tensorflow as tf


def reparameterize(mu, log_var, eps):
    mu = tf.convert_to_tensor(mu, tf.float32)
    std = tf.math.exp(tf.convert_to_tensor(log_var, tf.float32) / 2.0)
    return tf.math.add(mu, tf.math.multiply(std, tf.cast(eps, tf.float32)))


def kl_divergence(mu, log_var):
    mu = tf.cast(mu, tf.float32)
    log_var = tf.cast(log_var, tf.float32)
    total = tf.zeros_like(mu[:, 0])
    for d in range(mu.shape[-1]):  # one latent dimension at a time
        variance = tf.math.exp(log_var[:, d])
        total += 0.5 * (variance + tf.math.square(mu[:, d]) - 1.0 - log_var[:, d])
    return total


def reconstruction_loss(x, x_hat):
    x = tf.cast(x, tf.float32)
    x_hat = tf.cast(x_hat, tf.float32)
    # Keras averages over the last axis: give it a last axis of length 1.
    per_pixel = keras.losses.binary_crossentropy(x[..., None], x_hat[..., None])
    return tf.math.reduce_sum(tf.reshape(per_pixel, [tf.shape(per_pixel)[0], -1]), axis=1)


def vae_loss(x, x_hat, mu, log_var, beta=1.0):
    return (tf.math.reduce_mean(reconstruction_loss(x, x_hat))
            + beta * tf.math.reduce_mean(kl_divergence(mu, log_var)))


def build_encoder(latent_dim=2):
    image = keras.Input((28, 28, 1))
    h = keras.layers.Dense(256, activation="relu")(keras.layers.Flatten()(image))
    z_mean = keras.layers.Dense(latent_dim, name="z_mean")(h)
    z_log_var = keras.layers.Dense(latent_dim, name="z_log_var")(h)
    return keras.Model(image, [z_mean, z_log_var])


def build_decoder(latent_dim=2):
    return keras.Sequential([
        keras.Input((latent_dim,)),
        keras.layers.Lambda(lambda z: 0.0 * z),  # the code is thrown away
        keras.layers.Dense(256, activation="relu",
                           bias_initializer=keras.initializers.RandomNormal(seed=1)),
        keras.layers.Dense(28 * 28, activation="sigmoid"),
        keras.layers.Reshape((28, 28, 1)),
    ])


class VAE(keras.Model):
    def __init__(self, encoder, decoder, beta=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = float(beta)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def sample_eps(self, shape):
        return keras.random.normal(shape, mean=0.0, stddev=1.0, dtype="float32",
                                   seed=self.seed_generator)

    def call(self, inputs):  # Keras passes training on to the sub-models by itself
        z_mean, z_log_var = self.encoder(inputs)
        noise = self.sample_eps(tf.shape(z_mean))
        return self.decoder(reparameterize(z_mean, z_log_var, noise))

    def train_step(self, data):
        if isinstance(data, tuple):
            data = data[0]
        with tf.GradientTape() as tape:
            z_mean, z_log_var = self.encoder(data, training=True)
            noise = self.sample_eps(tf.shape(z_mean))
            reconstruction = self.decoder(reparameterize(z_mean, z_log_var, noise),
                                          training=True)
            total = vae_loss(data, reconstruction, z_mean, z_log_var, beta=self.beta)
        grads = tape.gradient(total, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.loss_tracker.update_state(total)
        self.reconstruction_loss_tracker.update_state(
            tf.math.reduce_mean(reconstruction_loss(data, reconstruction)))
        self.kl_loss_tracker.update_state(
            tf.math.reduce_mean(kl_divergence(z_mean, z_log_var)))
        return {metric.name: metric.result() for metric in self.metrics}


def sample_images(decoder, n, latent_dim, seed):
    z = np.random.default_rng(seed).standard_normal((n, latent_dim)).astype("float32")
    return np.asarray(decoder(z, training=False))


def interpolate(decoder, z_start, z_end, steps):
    codes = []
    for i in range(steps):
        t = i / (steps - 1)
        codes.append((1 - t) * np.asarray(z_start) + t * np.asarray(z_end))
    return np.asarray(decoder(np.stack(codes).astype("float32"), training=False))
