"""A VAE submission with four realistic mistakes (each costs its own tests only):

- reconstruction_loss averages over the pixels instead of summing them;
- kl_divergence uses sigma = exp(0.5 * log_var) where the variance exp(log_var) belongs;
- vae_loss forgets beta;
- train_step calls the encoder and the decoder without training=True.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops


def reparameterize(mu, log_var, eps):
    return mu + ops.exp(log_var / 2) * eps


def kl_divergence(mu, log_var):
    return -0.5 * ops.sum(1 + log_var - mu ** 2 - ops.exp(0.5 * log_var), axis=1)  # MISTAKE


def reconstruction_loss(x, x_hat):
    per_pixel = keras.losses.binary_crossentropy(x, x_hat)  # averages the channel axis
    return ops.mean(per_pixel, axis=(1, 2))  # MISTAKE: a sum over the pixels


def vae_loss(x, x_hat, mu, log_var, beta=1.0):
    return ops.mean(reconstruction_loss(x, x_hat) + kl_divergence(mu, log_var))  # MISTAKE


def build_encoder(latent_dim=2):
    image = keras.Input((28, 28, 1))
    h = keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(image)
    h = keras.layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(h)
    h = keras.layers.Dense(16, activation="relu")(keras.layers.Flatten()(h))
    return keras.Model(image, [keras.layers.Dense(latent_dim)(h),
                               keras.layers.Dense(latent_dim)(h)], name="encoder")


def build_decoder(latent_dim=2):
    z = keras.Input((latent_dim,))
    h = keras.layers.Dense(7 * 7 * 64, activation="relu")(z)
    h = keras.layers.Reshape((7, 7, 64))(h)
    h = keras.layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(h)
    out = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same",
                                       activation="sigmoid")(h)
    return keras.Model(z, out, name="decoder")


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
        return keras.random.normal(shape, seed=self.seed_generator)

    def call(self, x, training=False):
        mu, log_var = self.encoder(x, training=training)
        z = reparameterize(mu, log_var, self.sample_eps(ops.shape(mu)))
        return self.decoder(z, training=training)

    def train_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            mu, log_var = self.encoder(x)  # MISTAKE: training=True forgotten
            z = reparameterize(mu, log_var, self.sample_eps(ops.shape(mu)))
            x_hat = self.decoder(z)  # MISTAKE: training=True forgotten
            loss = vae_loss(x, x_hat, mu, log_var, self.beta)
        gradients = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply(gradients, self.trainable_weights)
        reconstruction = ops.mean(reconstruction_loss(x, x_hat))
        kl = ops.mean(kl_divergence(mu, log_var))
        self.loss_tracker.update_state(loss)
        self.reconstruction_loss_tracker.update_state(reconstruction)
        self.kl_loss_tracker.update_state(kl)
        return {"loss": loss, "reconstruction_loss": reconstruction, "kl_loss": kl}


def sample_images(decoder, n, latent_dim, seed):
    z = keras.random.normal((n, latent_dim), seed=seed)
    return ops.convert_to_numpy(decoder(z))


def interpolate(decoder, z_start, z_end, steps):
    t = np.linspace(0, 1, steps)[:, None]
    z = z_start + t * (np.asarray(z_end) - z_start)
    return ops.convert_to_numpy(decoder(z.astype("float32")))
