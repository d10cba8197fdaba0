"""A submission that does not import: a misspelled layer name."""

import keras
from keras.layers import Conv2D, Conv2DTransposed, Dense  # there is no Conv2DTransposed


def build_conv_autoencoder(latent_dim=16):
    encoder = keras.Sequential([keras.Input((28, 28, 1)), Conv2D(16, 3, strides=2)])
    decoder = keras.Sequential([keras.Input((latent_dim,)), Dense(49), Conv2DTransposed(1, 3)])
    return encoder, decoder, keras.Sequential([encoder, decoder])
