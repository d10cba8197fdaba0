"""TensorFlow's "Intro to Autoencoders" tutorial, adapted to the contract: a subclassed
Denoise model holding Sequential encoder and decoder (strided Conv2D down, Conv2DTranspose
up, ReLU), tf.random noise clipped with tf.clip_by_value, optimizer="adam" and MSE."""

import numpy as np
import tensorflow as tf
from tensorflow.keras import Model, Sequential, layers, losses


class Denoise(Model):
    def __init__(self, latent_dim):
        super().__init__()
        self.encoder = Sequential([
            layers.Input(shape=(28, 28, 1)),
            layers.Conv2D(16, (3, 3), activation="relu", padding="same", strides=2),
            layers.Conv2D(8, (3, 3), activation="relu", padding="same", strides=2),
            layers.Flatten(),
            layers.Dense(latent_dim),
        ])
        self.decoder = Sequential([
            layers.Input(shape=(latent_dim,)),
            layers.Dense(7 * 7 * 8, activation="relu"),
            layers.Reshape((7, 7, 8)),
            layers.Conv2DTranspose(8, kernel_size=3, strides=2, activation="relu",
                                   padding="same"),
            layers.Conv2DTranspose(16, kernel_size=3, strides=2, activation="relu",
                                   padding="same"),
            layers.Conv2D(1, kernel_size=(3, 3), activation="sigmoid", padding="same"),
        ])

    def call(self, x):
        encoded = self.encoder(x)
        decoded = self.decoder(encoded)
        return decoded


def build_conv_autoencoder(latent_dim=16):
    autoencoder = Denoise(latent_dim)
    autoencoder.build((None, 28, 28, 1))
    return autoencoder.encoder, autoencoder.decoder, autoencoder


def add_noise(x, noise_std, seed):
    x = tf.convert_to_tensor(x, tf.float32)
    noisy = x + noise_std * tf.random.stateless_normal(shape=tf.shape(x), seed=[seed, 1])
    return tf.clip_by_value(noisy, clip_value_min=0.0, clip_value_max=1.0).numpy()


def pca_reconstruct(x_train, x, k):
    train = np.asarray(x_train, np.float64).reshape(len(x_train), -1)
    mean = train.mean(axis=0)
    _, _, vt = np.linalg.svd(train - mean, full_matrices=False)
    basis = vt[:k]
    flat = np.asarray(x, np.float64).reshape(len(x), -1) - mean
    return (flat @ basis.T @ basis + mean).reshape(np.shape(x))


def train_autoencoder(autoencoder, x_train, x_val, epochs=10, noise_std=0.0, seed=0):
    autoencoder.compile(optimizer="adam", loss=losses.MeanSquaredError())
    x_train_noisy = add_noise(x_train, noise_std, seed) if noise_std > 0 else x_train
    x_val_noisy = add_noise(x_val, noise_std, seed + 1) if noise_std > 0 else x_val
    return autoencoder.fit(x_train_noisy, x_train, epochs=epochs, shuffle=True,
                           validation_data=(x_val_noisy, x_val), verbose=0)
