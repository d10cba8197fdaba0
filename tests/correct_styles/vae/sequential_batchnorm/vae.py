"""A VAE with Sequential bodies, BatchNormalization and ELU, keras.ops, the KL written per
element then summed, one persistent tape, apply_gradients with pairs, the batch's losses
returned; NumPy for the prior samples and the interpolation."""

import keras
import numpy as np
import tensorflow as tf
from keras import ops


def reparameterize(mu, log_var, eps):
    sigma = ops.sqrt(ops.exp(log_var))
    return ops.add(mu, ops.multiply(sigma, eps))


def kl_divergence(mu, log_var):
    per_dimension = 0.5 * (ops.square(mu) + ops.exp(log_var) - log_var - 1.0)
    return ops.sum(per_dimension, axis=-1)


def reconstruction_loss(x, x_hat):
    p = ops.clip(ops.convert_to_tensor(x_hat, "float32"), 1e-7, 1 - 1e-7)
    x = ops.convert_to_tensor(x, "float32")
    bce = -x * ops.log(p) - (1 - x) * ops.log1p(-p)
    flat = ops.reshape(bce, (ops.shape(bce)[0], -1))
    return ops.sum(flat, axis=-1)


def vae_loss(x, x_hat, mu, log_var, beta=1.0):
    per_image = reconstruction_loss(x, x_hat) + beta * kl_divergence(mu, log_var)
    return ops.sum(per_image) / ops.cast(ops.shape(per_image)[0], per_image.dtype)


def build_encoder(latent_dim=2):
    body = keras.Sequential([
        keras.layers.Flatten(),
        keras.layers.Dense(256), keras.layers.BatchNormalization(), keras.layers.ELU(),
        keras.layers.Dense(64), keras.layers.BatchNormalization(), keras.layers.ELU(),
    ], name="body")
    image = keras.Input((28, 28, 1))
    h = body(image)
    return keras.Model(image, [keras.layers.Dense(latent_dim, name="mu")(h),
                               keras.layers.Dense(latent_dim, name="log_var")(h)])


def build_decoder(latent_dim=2):
    return keras.Sequential([
        keras.Input((latent_dim,)),
        keras.layers.Dense(64), keras.layers.BatchNormalization(), keras.layers.ELU(),
        keras.layers.Dense(256), keras.layers.BatchNormalization(), keras.layers.ELU(),
        keras.layers.Dense(784, activation="sigmoid"),
        keras.layers.Reshape((28, 28, 1)),
    ], name="decoder")


class VAE(keras.Model):
    def __init__(self, encoder, decoder, beta=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = beta
        self.noise = keras.random.SeedGenerator(seed)
        self.mean_loss = keras.metrics.Mean(name="loss")
        self.mean_reconstruction = keras.metrics.Mean(name="reconstruction_loss")
        self.mean_kl = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.mean_loss, self.mean_reconstruction, self.mean_kl]

    def sample_eps(self, shape):
        return keras.random.normal(shape, seed=self.noise)

    def call(self, x, training=False):
        mu, log_var = self.encoder(x, training=training)
        z = reparameterize(mu, log_var, self.sample_eps(ops.shape(mu)))
        return self.decoder(z, training=training)

    def train_step(self, data):
        x = data[0] if isinstance(data, (tuple, list)) else data
        with tf.GradientTape(persistent=True) as tape:
            mu, log_var = self.encoder(x, training=True)
            eps = self.sample_eps(ops.shape(mu))
            x_hat = self.decoder(reparameterize(mu, log_var, eps), training=True)
            loss = vae_loss(x, x_hat, mu, log_var, beta=self.beta)
        pairs = zip(tape.gradient(loss, self.trainable_variables), self.trainable_variables)
        self.optimizer.apply_gradients(pairs)
        del tape
        reconstruction = ops.mean(reconstruction_loss(x, x_hat))
        kl = ops.mean(kl_divergence(mu, log_var))
        self.mean_loss.update_state(loss)
        self.mean_reconstruction.update_state(reconstruction)
        self.mean_kl.update_state(kl)
        return {"loss": loss, "reconstruction_loss": reconstruction, "kl_loss": kl}


def sample_images(decoder, n, latent_dim, seed):
    z = np.random.default_rng(seed).normal(size=(n, latent_dim)).astype(np.float32)
    return ops.convert_to_numpy(decoder(z, training=False))


def interpolate(decoder, z_start, z_end, steps):
    z_start, z_end = np.asarray(z_start, np.float32), np.asarray(z_end, np.float32)
    codes = np.stack([z_start + (z_end - z_start) * (i / (steps - 1)) for i in range(steps)])
    return ops.convert_to_numpy(decoder(codes, training=False))
