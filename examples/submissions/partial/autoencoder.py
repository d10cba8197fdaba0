"""An autoencoder submission with four realistic mistakes (each costs its own tests only):

- the decoder has no sigmoid: its images leave [0, 1];
- add_noise forgets to clip;
- pca_reconstruct does not subtract the mean before the SVD;
- the denoising training uses the noisy images as targets too.
"""

import keras
import numpy as np
from keras import layers


def build_conv_autoencoder(latent_dim=16):
    image = keras.Input((28, 28, 1))
    h = layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(image)
    h = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(h)
    z = layers.Dense(latent_dim)(layers.Flatten()(h))
    encoder = keras.Model(image, z, name="encoder")

    code = keras.Input((latent_dim,))
    h = layers.Reshape((7, 7, 32))(layers.Dense(7 * 7 * 32, activation="relu")(code))
    h = layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu")(h)
    out = layers.Conv2DTranspose(1, 3, strides=2, padding="same")(h)  # MISTAKE: no sigmoid
    decoder = keras.Model(code, out, name="decoder")

    autoencoder = keras.Model(image, decoder(encoder(image)), name="autoencoder")
    return encoder, decoder, autoencoder


def add_noise(x, noise_std, seed):
    rng = np.random.default_rng(seed)
    return (x + noise_std * rng.standard_normal(np.shape(x))).astype(np.float32)  # MISTAKE


def pca_reconstruct(x_train, x, k):
    flat = np.reshape(x_train, (len(x_train), -1))
    _, _, vt = np.linalg.svd(flat, full_matrices=False)  # MISTAKE: not mean-centred
    v = vt[:k].T
    return (np.reshape(x, (len(x), -1)) @ v @ v.T).reshape(np.shape(x))


def train_autoencoder(autoencoder, x_train, x_val, epochs=10, noise_std=0.0, seed=0):
    inputs, targets = x_train, x_train
    if noise_std > 0:
        inputs = add_noise(x_train, noise_std, seed)
        targets = inputs  # MISTAKE: the targets must stay clean
    autoencoder.compile(optimizer="adam", loss="mse")
    return autoencoder.fit(inputs, targets, epochs=epochs, batch_size=32,
                           validation_data=(x_val, x_val), verbose=0)
