"""A generative-deep-learning book's convolutional autoencoder, adapted: the architecture
comes from lists of filters and strides (four Conv2D layers, strides 1-2-2-1, each followed
by LeakyReLU, BatchNormalization off as in the book's notebook), a Dense bottleneck, and the
mirror image with Conv2DTranspose; 288,785 parameters. Trained as the book trains it, Adam
at 5e-4 with batches of 32 (at 3e-3 this design stalls)."""

import keras
import numpy as np
from keras import layers

ENCODER_FILTERS = [32, 64, 64, 64]
ENCODER_STRIDES = [1, 2, 2, 1]
DECODER_FILTERS = [64, 64, 32, 1]
DECODER_STRIDES = [1, 2, 2, 1]
LEARNING_RATE = 0.0005


class ConvAutoencoder:
    """Builds the encoder, the decoder and the model that chains them from the lists."""

    def __init__(self, input_dim, z_dim, use_batch_norm=False):
        self.input_dim = input_dim
        self.z_dim = z_dim
        self.use_batch_norm = use_batch_norm
        self._build()

    def _build(self):
        encoder_input = keras.Input(shape=self.input_dim, name="encoder_input")
        x = encoder_input
        for i, (filters, stride) in enumerate(zip(ENCODER_FILTERS, ENCODER_STRIDES)):
            x = layers.Conv2D(filters, kernel_size=3, strides=stride, padding="same",
                              name=f"encoder_conv_{i}")(x)
            x = layers.LeakyReLU()(x)
            if self.use_batch_norm:
                x = layers.BatchNormalization()(x)
        shape_before_flattening = tuple(x.shape[1:])
        x = layers.Flatten()(x)
        encoder_output = layers.Dense(self.z_dim, name="encoder_output")(x)
        self.encoder = keras.Model(encoder_input, encoder_output, name="encoder")

        decoder_input = keras.Input(shape=(self.z_dim,), name="decoder_input")
        x = layers.Dense(int(np.prod(shape_before_flattening)))(decoder_input)
        x = layers.Reshape(shape_before_flattening)(x)
        last = len(DECODER_FILTERS) - 1
        for i, (filters, stride) in enumerate(zip(DECODER_FILTERS, DECODER_STRIDES)):
            x = layers.Conv2DTranspose(filters, kernel_size=3, strides=stride,
                                       padding="same", name=f"decoder_conv_t_{i}")(x)
            if i < last:
                x = layers.LeakyReLU()(x)
                if self.use_batch_norm:
                    x = layers.BatchNormalization()(x)
            else:
                x = layers.Activation("sigmoid")(x)
        self.decoder = keras.Model(decoder_input, x, name="decoder")

        model_input = keras.Input(shape=self.input_dim)
        self.model = keras.Model(model_input, self.decoder(self.encoder(model_input)),
                                 name="autoencoder")


def build_conv_autoencoder(latent_dim=16):
    ae = ConvAutoencoder(input_dim=(28, 28, 1), z_dim=latent_dim)
    return ae.encoder, ae.decoder, ae.model


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
    autoencoder.compile(optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
                        loss="mse")
    inputs = add_noise(x_train, noise_std, seed) if noise_std > 0 else x_train
    return autoencoder.fit(inputs, x_train, batch_size=32, epochs=epochs, shuffle=True,
                           verbose=0)
