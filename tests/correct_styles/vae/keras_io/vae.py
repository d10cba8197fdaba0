"""keras-io's VAE (examples/generative/vae.py), adapted to the contract's names: a conv
encoder and decoder, the losses written inline in train_step with Keras' cross-entropy,
trackers named total_loss / reconstruction_loss / kl_loss whose running means are
returned under the contract's keys."""

import keras
import tensorflow as tf
import numpy as np
from keras import layers, ops


def reparameterize(mu, log_var, eps):
    return mu + ops.exp(0.5 * log_var) * eps


def kl_divergence(mu, log_var):
    kl = -0.5 * (1 + log_var - ops.square(mu) - ops.exp(log_var))
    return ops.sum(kl, axis=1)


def reconstruction_loss(x, x_hat):
    # binary_crossentropy averages over the last axis: give it one of length 1, then sum
    # over everything else in the image (pixels and channels).
    per_element = keras.losses.binary_crossentropy(x[..., None], x_hat[..., None])
    return ops.sum(ops.reshape(per_element, (ops.shape(per_element)[0], -1)), axis=1)


def vae_loss(x, x_hat, mu, log_var, beta=1.0):
    return ops.mean(reconstruction_loss(x, x_hat) + beta * kl_divergence(mu, log_var))


def build_encoder(latent_dim=2):
    encoder_inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
    x = layers.Conv2D(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(16, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    return keras.Model(encoder_inputs, [z_mean, z_log_var], name="encoder")


def build_decoder(latent_dim=2):
    latent_inputs = keras.Input(shape=(latent_dim,))
    x = layers.Dense(7 * 7 * 64, activation="relu")(latent_inputs)
    x = layers.Reshape((7, 7, 64))(x)
    x = layers.Conv2DTranspose(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu", strides=2, padding="same")(x)
    decoder_outputs = layers.Conv2DTranspose(1, 3, activation="sigmoid", padding="same")(x)
    return keras.Model(latent_inputs, decoder_outputs, name="decoder")


class VAE(keras.Model):
    def __init__(self, encoder, decoder, beta=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = beta
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker,
                self.kl_loss_tracker]

    def sample_eps(self, shape):
        return keras.random.normal(shape=shape, seed=self.seed_generator)

    def call(self, inputs, training=None):
        z_mean, z_log_var = self.encoder(inputs, training=training)
        z = reparameterize(z_mean, z_log_var, self.sample_eps(ops.shape(z_mean)))
        return self.decoder(z, training=training)

    def train_step(self, data):
        if isinstance(data, tuple):
            data = data[0]
        with tf.GradientTape() as tape:
            z_mean, z_log_var = self.encoder(data, training=True)
            z = reparameterize(z_mean, z_log_var, self.sample_eps(ops.shape(z_mean)))
            reconstruction = self.decoder(z, training=True)
            reconstruction_loss_ = ops.mean(ops.sum(
                keras.losses.binary_crossentropy(data[..., None], reconstruction[..., None]),
                axis=(1, 2, 3)))
            kl_loss = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
            kl_loss = ops.mean(ops.sum(kl_loss, axis=1))
            total_loss = reconstruction_loss_ + self.beta * kl_loss
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss_)
        self.kl_loss_tracker.update_state(kl_loss)
        return {
            "loss": self.total_loss_tracker.result(),
            "reconstruction_loss": self.reconstruction_loss_tracker.result(),
            "kl_loss": self.kl_loss_tracker.result(),
        }


def sample_images(decoder, n, latent_dim, seed):
    z = keras.random.normal((n, latent_dim), seed=seed)
    return decoder.predict(z, verbose=0)


def interpolate(decoder, z_start, z_end, steps):
    weights = np.linspace(0.0, 1.0, steps)[:, None]
    codes = (1 - weights) * np.asarray(z_start)[None] + weights * np.asarray(z_end)[None]
    return decoder.predict(codes.astype("float32"), verbose=0)
