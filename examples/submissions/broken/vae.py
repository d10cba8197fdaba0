"""A submission that does not import: it samples with TensorFlow Probability, a package
that the course does not install."""

import keras
import tensorflow_probability as tfp  # not installed: ModuleNotFoundError


def reparameterize(mu, log_var, eps):
    return tfp.distributions.Normal(mu, keras.ops.exp(0.5 * log_var)).sample()
