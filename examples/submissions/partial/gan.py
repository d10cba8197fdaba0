"""A GAN submission with four realistic mistakes (each costs its own tests only):

- discriminator_loss averages its two terms instead of adding them;
- generator_loss is the saturating loss of the original minimax game, -BCE(fake, 0);
- the discriminator ends with a sigmoid: it returns probabilities, not logits;
- train_step swaps the optimizers (keras.io's example takes d_optimizer first).

build_generator and sample_noise are right.
"""

import keras
import tensorflow as tf

cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)


def discriminator_loss(real_logits, fake_logits):
    real_loss = cross_entropy(tf.ones_like(real_logits), real_logits)
    fake_loss = cross_entropy(tf.zeros_like(fake_logits), fake_logits)
    return (real_loss + fake_loss) / 2  # MISTAKE: the two terms are added, not averaged


def generator_loss(fake_logits):
    # MISTAKE: minimises log(1 - D(G(z))), whose gradient vanishes when the critic wins
    return -cross_entropy(tf.zeros_like(fake_logits), fake_logits)


def build_generator(noise_dim=64):
    noise = keras.Input((noise_dim,))
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(noise)
    h = keras.layers.Reshape((7, 7, 32))(h)
    h = keras.layers.Conv2DTranspose(16, 4, strides=2, padding="same", activation="relu")(h)
    image = keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh")(h)
    return keras.Model(noise, image, name="generator")


def build_discriminator():
    image = keras.Input((28, 28, 1))
    h = keras.layers.Conv2D(16, 4, strides=2, padding="same", activation="relu")(image)
    h = keras.layers.Conv2D(32, 4, strides=2, padding="same", activation="relu")(h)
    h = keras.layers.Flatten()(h)
    out = keras.layers.Dense(1, activation="sigmoid")(h)  # MISTAKE: a probability, not a logit
    return keras.Model(image, out, name="discriminator")


class GAN(keras.Model):
    def __init__(self, generator, discriminator, noise_dim, seed=None):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.noise_dim = noise_dim
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def compile(self, g_optimizer, d_optimizer, **kwargs):
        super().compile(**kwargs)
        self.g_optimizer = g_optimizer
        self.d_optimizer = d_optimizer

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def sample_noise(self, batch_size):
        return keras.random.normal((batch_size, self.noise_dim), seed=self.seed_generator)

    def train_step(self, real_images):
        noise = self.sample_noise(tf.shape(real_images)[0])
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            fake_images = self.generator(noise, training=True)
            real_logits = self.discriminator(real_images, training=True)
            fake_logits = self.discriminator(fake_images, training=True)
            g_loss = generator_loss(fake_logits)
            d_loss = discriminator_loss(real_logits, fake_logits)
        g_grads = gen_tape.gradient(g_loss, self.generator.trainable_weights)
        d_grads = disc_tape.gradient(d_loss, self.discriminator.trainable_weights)
        # MISTAKE: each player is updated with the other player's optimizer
        self.d_optimizer.apply_gradients(zip(g_grads, self.generator.trainable_weights))
        self.g_optimizer.apply_gradients(zip(d_grads, self.discriminator.trainable_weights))
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}
