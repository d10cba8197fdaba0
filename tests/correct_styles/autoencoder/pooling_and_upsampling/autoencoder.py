"""The Keras blog's "Building Autoencoders in Keras" convolutional autoencoder, adapted:
Conv2D + MaxPooling2D down, UpSampling2D + Conv2D up, ELU, noise from the legacy
np.random.seed, PCA through the eigenvectors of the Gram matrix."""

import keras
import numpy as np
from keras import layers


def build_conv_autoencoder(latent_dim=16):
    input_img = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(16, (3, 3), activation="elu", padding="same")(input_img)
    x = layers.MaxPooling2D((2, 2), padding="same")(x)
    x = layers.Conv2D(32, (3, 3), activation="elu", padding="same")(x)
    x = layers.MaxPooling2D((2, 2), padding="same")(x)
    encoded = layers.Dense(latent_dim)(layers.Flatten()(x))
    encoder = keras.Model(input_img, encoded, name="encoder")

    code = keras.Input(shape=(latent_dim,))
    x = layers.Dense(7 * 7 * 32, activation="elu")(code)
    x = layers.Reshape((7, 7, 32))(x)
    x = layers.UpSampling2D((2, 2))(x)
    x = layers.Conv2D(32, (3, 3), activation="elu", padding="same")(x)
    x = layers.UpSampling2D((2, 2))(x)
    x = layers.Conv2D(16, (3, 3), activation="elu", padding="same")(x)
    decoded = layers.Conv2D(1, (3, 3), activation="sigmoid", padding="same")(x)
    decoder = keras.Model(code, decoded, name="decoder")

    autoencoder = keras.Model(input_img, decoder(encoder(input_img)), name="autoencoder")
    return encoder, decoder, autoencoder


def add_noise(x, noise_std, seed):
    state = np.random.get_state()
    np.random.seed(seed)
    noisy = np.asarray(x, np.float32) + noise_std * np.random.normal(size=np.shape(x))
    np.random.set_state(state)
    return np.clip(noisy, 0.0, 1.0).astype(np.float32)


def pca_reconstruct(x_train, x, k):
    data = np.asarray(x_train, np.float64).reshape(len(x_train), -1)
    mean = np.mean(data, axis=0)
    centred = data - mean
    values, vectors = np.linalg.eigh(centred.T @ centred)
    components = vectors[:, np.argsort(values)[::-1][:k]].T  # (k, D)
    flat = np.asarray(x, np.float64).reshape(len(x), -1) - mean
    codes = flat @ components.T
    return (codes @ components + mean).reshape(np.shape(x))


def train_autoencoder(autoencoder, x_train, x_val, epochs=10, noise_std=0.0, seed=0):
    autoencoder.compile(optimizer=keras.optimizers.Adam(2e-3), loss="mse")
    if noise_std > 0:
        x_in, x_val_in = add_noise(x_train, noise_std, seed), add_noise(x_val, noise_std, seed + 1)
    else:
        x_in, x_val_in = x_train, x_val
    return autoencoder.fit(x_in, x_train, epochs=epochs, batch_size=32, shuffle=True,
                           validation_data=(x_val_in, x_val), verbose=0)
