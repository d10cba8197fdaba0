"""A VAE in plain TensorFlow style: tf.math for every formula, a subclassed encoder with
one Dense layer split into mu and log_var (tf.split), @tf.function on train_step, eps from
tf.random.stateless_normal with a step counter, the batch's losses returned."""

import keras
import numpy as np
import tensorflow as tf


def reparameterize(mu, log_var, eps):
    return mu + tf.math.exp(log_var * 0.5) * eps


def kl_divergence(mu, log_var):
    return 0.5 * tf.math.reduce_sum(tf.math.exp(log_var) + tf.math.square(mu) - 1.0 - log_var,
                                    axis=-1)


def reconstruction_loss(x, x_hat):
    x = tf.cast(x, tf.float32)
    x_hat = tf.clip_by_value(tf.cast(x_hat, tf.float32), 1e-7, 1.0 - 1e-7)
    nll = -(x * tf.math.log(x_hat) + (1.0 - x) * tf.math.log(1.0 - x_hat))
    return tf.math.reduce_sum(nll, axis=tf.range(1, tf.rank(nll)))


def vae_loss(x, x_hat, mu, log_var, beta=1.0):
    return tf.math.reduce_mean(reconstruction_loss(x, x_hat) + beta * kl_divergence(mu, log_var))


class Encoder(keras.Model):
    def __init__(self, latent_dim, **kwargs):
        super().__init__(**kwargs)
        self.flatten = keras.layers.Flatten()
        self.hidden = [keras.layers.Dense(384, activation="elu"),
                       keras.layers.Dense(128, activation="elu")]
        self.heads = keras.layers.Dense(2 * latent_dim)

    def call(self, x, training=None):
        h = self.flatten(x)
        for layer in self.hidden:
            h = layer(h)
        mu, log_var = tf.split(self.heads(h), 2, axis=-1)
        return mu, log_var


class Decoder(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.body = [keras.layers.Dense(128, activation="elu"),
                     keras.layers.Dense(384, activation="elu"),
                     keras.layers.Dense(784, activation="sigmoid")]

    def call(self, z, training=None):
        h = z
        for layer in self.body:
            h = layer(h)
        return tf.reshape(h, (-1, 28, 28, 1))


def build_encoder(latent_dim=2):
    encoder = Encoder(latent_dim, name="encoder")
    encoder.build((None, 28, 28, 1))
    return encoder


def build_decoder(latent_dim=2):
    decoder = Decoder(name="decoder")
    decoder.build((None, latent_dim))
    return decoder


class VAE(keras.Model):
    def __init__(self, encoder, decoder, beta=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder, self.beta = encoder, decoder, beta
        self.seed = int(np.random.randint(2**31 - 1)) if seed is None else int(seed)
        self.draws = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def sample_eps(self, shape):
        counter = self.draws.assign_add(1)
        seed = tf.stack([tf.constant(self.seed, tf.int64), counter])
        return tf.random.stateless_normal(shape, seed=seed)

    def call(self, x, training=None):
        mu, log_var = self.encoder(x, training=training)
        return self.decoder(reparameterize(mu, log_var, self.sample_eps(tf.shape(mu))),
                            training=training)

    @tf.function
    def train_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            mu, log_var = self.encoder(x, training=True)
            z = reparameterize(mu, log_var, self.sample_eps(tf.shape(mu)))
            x_hat = self.decoder(z, training=True)
            loss = vae_loss(x, x_hat, mu, log_var, self.beta)
        variables = self.encoder.trainable_variables + self.decoder.trainable_variables
        self.optimizer.apply(tape.gradient(loss, variables), variables)
        reconstruction = tf.math.reduce_mean(reconstruction_loss(x, x_hat))
        kl = tf.math.reduce_mean(kl_divergence(mu, log_var))
        for tracker, value in ((self.loss_tracker, loss),
                               (self.reconstruction_loss_tracker, reconstruction),
                               (self.kl_loss_tracker, kl)):
            tracker.update_state(value)
        return {"loss": loss, "reconstruction_loss": reconstruction, "kl_loss": kl}


def sample_images(decoder, n, latent_dim, seed):
    z = tf.random.stateless_normal((n, latent_dim), seed=[seed, 0])
    return decoder(z, training=False).numpy()


def interpolate(decoder, z_start, z_end, steps):
    t = tf.linspace(0.0, 1.0, steps)[:, None]
    z = (1.0 - t) * tf.cast(z_start, tf.float32) + t * tf.cast(z_end, tf.float32)
    return decoder(z, training=False).numpy()
