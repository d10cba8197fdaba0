"""A functional-API autoencoder with BatchNormalization and LeakyReLU, a Conv2DTranspose
decoder, noise from np.random.default_rng, PCA by SVD, and Adam with batches of 64."""

import keras
import numpy as np
from keras import layers


def _block(h, filters, transpose=False):
    conv = layers.Conv2DTranspose if transpose else layers.Conv2D
    h = conv(filters, 3, strides=2, padding="same", use_bias=False)(h)
    h = layers.BatchNormalization()(h)
    return layers.LeakyReLU(negative_slope=0.1)(h)


def build_conv_autoencoder(latent_dim=16):
    image = keras.Input((28, 28, 1), name="image")
    h = _block(_block(image, 16), 32)
    code = layers.Dense(latent_dim, name="code")(layers.Flatten()(h))
    encoder = keras.Model(image, code, name="encoder")

    z = keras.Input((latent_dim,), name="z")
    h = layers.Reshape((7, 7, 32))(layers.Dense(7 * 7 * 32, activation="relu")(z))
    h = _block(_block(h, 32, transpose=True), 16, transpose=True)
    out = layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h)
    decoder = keras.Model(z, out, name="decoder")

    x = keras.Input((28, 28, 1))
    autoencoder = keras.Model(x, decoder(encoder(x)), name="autoencoder")
    return encoder, decoder, autoencoder


def add_noise(x, noise_std, seed):
    rng = np.random.default_rng(seed)
    x = np.asarray(x, dtype=np.float32)
    return np.clip(x + rng.normal(0.0, noise_std, x.shape), 0.0, 1.0).astype(np.float32)


def pca_reconstruct(x_train, x, k):
    shape = np.shape(x)
    a = np.reshape(x_train, (len(x_train), -1)).astype(np.float64)
    b = np.reshape(x, (shape[0], -1)).astype(np.float64)
    centre = a.mean(0)
    u, s, vt = np.linalg.svd((a - centre).T, full_matrices=False)  # columns of u: directions
    top = u[:, :k]
    return ((b - centre) @ top @ top.T + centre).reshape(shape)


def train_autoencoder(autoencoder, x_train, x_val, epochs=10, noise_std=0.0, seed=0):
    autoencoder.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                        loss=keras.losses.mean_squared_error)
    inputs, val_inputs = x_train, x_val
    if noise_std:
        inputs = add_noise(x_train, noise_std, seed)
        val_inputs = add_noise(x_val, noise_std, seed + 7)
    return autoencoder.fit(inputs, x_train, batch_size=64, epochs=epochs, verbose=0,
                           validation_data=(val_inputs, x_val))
