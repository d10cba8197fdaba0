"""A widely read blog's convolutional autoencoder, adapted: a static ``build`` method,
stride-2 Conv2D blocks of LeakyReLU (slope 0.2) then BatchNormalization, a Dense latent
vector, the blocks reversed with Conv2DTranspose, and a sigmoid Activation at the end."""

import keras
import numpy as np
from keras import layers


class ConvAutoencoder:
    @staticmethod
    def build(width, height, depth, filters=(32, 64), latent_dim=16):
        input_shape = (height, width, depth)
        chan_dim = -1

        inputs = keras.Input(shape=input_shape)
        x = inputs
        for f in filters:
            x = layers.Conv2D(f, (3, 3), strides=2, padding="same")(x)
            x = layers.LeakyReLU(negative_slope=0.2)(x)
            x = layers.BatchNormalization(axis=chan_dim)(x)
        volume_size = tuple(x.shape[1:])
        x = layers.Flatten()(x)
        latent = layers.Dense(latent_dim)(x)
        encoder = keras.Model(inputs, latent, name="encoder")

        latent_inputs = keras.Input(shape=(latent_dim,))
        x = layers.Dense(int(np.prod(volume_size)))(latent_inputs)
        x = layers.Reshape(volume_size)(x)
        for f in filters[::-1]:
            x = layers.Conv2DTranspose(f, (3, 3), strides=2, padding="same")(x)
            x = layers.LeakyReLU(negative_slope=0.2)(x)
            x = layers.BatchNormalization(axis=chan_dim)(x)
        x = layers.Conv2DTranspose(depth, (3, 3), padding="same")(x)
        outputs = layers.Activation("sigmoid")(x)
        decoder = keras.Model(latent_inputs, outputs, name="decoder")

        autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
        return encoder, decoder, autoencoder


def build_conv_autoencoder(latent_dim=16):
    return ConvAutoencoder.build(28, 28, 1, latent_dim=latent_dim)


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
