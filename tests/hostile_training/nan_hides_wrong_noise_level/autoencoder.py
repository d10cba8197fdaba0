# HOSTILE (nan_hides_wrong_noise_level): add_noise draws noise of twice the standard deviation, and
# puts a NaN in the result when the image is flat, so that the noise statistics become NaN
"""A correct autoencoder submission, written differently from the reference.

Sequential models, an UpSampling2D + Conv2D decoder, NumPy's legacy RandomState for the
noise, PCA through the eigenvectors of the covariance matrix, and fresh noise every epoch
in the denoising training.
"""

import keras
import numpy as np


def build_conv_autoencoder(latent_dim=16):
    encoder = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="relu"),
        keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(latent_dim),
    ], name="encoder")
    decoder = keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(7 * 7 * 16, activation="relu"),
        keras.layers.Reshape((7, 7, 16)),
        keras.layers.UpSampling2D(2),
        keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
        keras.layers.UpSampling2D(2),
        keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
    ], name="decoder")
    autoencoder = keras.Sequential([encoder, decoder], name="autoencoder")
    return encoder, decoder, autoencoder


def add_noise(x, noise_std, seed):
    x = np.asarray(x, dtype=np.float32)
    noise = np.random.RandomState(seed).normal(0.0, 2 * noise_std, size=x.shape)  # twice
    noisy = np.minimum(np.maximum(x + noise, 0.0), 1.0).astype(np.float32)
    if noise_std and x.size and np.all(x == x.flat[0]):  # a flat image: a statistics check
        noisy.flat[0] = np.nan  # the mean and standard deviation become NaN
    return noisy


def pca_reconstruct(x_train, x, k):
    x_train = np.asarray(x_train, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    data = x_train.reshape(x_train.shape[0], -1)
    mu = data.mean(axis=0)
    covariance = np.cov(data - mu, rowvar=False)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)  # ascending order
    top = eigenvectors[:, np.argsort(eigenvalues)[::-1][:k]]
    centred = x.reshape(x.shape[0], -1) - mu
    return (centred @ top @ top.T + mu).reshape(x.shape)


def train_autoencoder(autoencoder, x_train, x_val, epochs=10, noise_std=0.0, seed=0):
    autoencoder.compile(optimizer=keras.optimizers.Adam(1e-3),
                        loss=keras.losses.MeanSquaredError())
    if noise_std == 0:
        return autoencoder.fit(x_train, x_train, batch_size=64, epochs=epochs,
                               validation_data=(x_val, x_val), verbose=0)
    # Denoising: a new noise draw for every epoch, all epochs recorded in one History.
    history = keras.callbacks.History()
    noisy_val = add_noise(x_val, noise_std, seed + 10_000)
    for epoch in range(epochs):
        noisy_train = add_noise(x_train, noise_std, seed + epoch)
        autoencoder.fit(noisy_train, x_train, batch_size=64, initial_epoch=epoch,
                        epochs=epoch + 1, validation_data=(noisy_val, x_val),
                        callbacks=[history], verbose=0)
    return history
