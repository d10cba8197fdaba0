"""The settings of the gan tests, and the thresholds of the training run with their sources.

Every threshold was chosen from measured runs of the reference (and of the perfect example,
a correct solution written differently), on CPU with one thread, as the grader runs them;
the handout (solutions/gan/README.md, "How your GAN is graded") quotes the same numbers.
"""

from __future__ import annotations

#: ``build_generator()``'s default noise size (ASSIGNMENTS.md).
DEFAULT_NOISE_DIM = 64
#: A tanh generator on large noise reaches far below and above 0 with random weights.
RANGE_REACH = 0.05
#: A generator with random weights maps different noise to images that differ by far more
#: than this (float32 rounding); one that ignores its noise gives identical images.
MIN_NOISE_EFFECT = 1e-4

# -- one train_step on the grader's small models --------------------------------------------
#: Different learning rates, so that swapped optimizers change the result.
STEP_G_LR = 0.1
STEP_D_LR = 0.03

# -- the training run: the grader's small GAN, trained by the student's GAN class -----------
TRAIN_EPOCHS = 5
TRAIN_BATCH = 32
TRAIN_LR = 2e-3
#: Samples drawn from the trained generator (fixed noise) and judged by the classifier.
QUALITY_SAMPLES = 500

#: The classifier's mean confidence on the 500 real MNIST test digits.
REAL_CONFIDENCE = 0.98
#: Calibrated on the MNIST digits (``grading_digits("train")``, 1200 images, 5 epochs;
#: bench/calibrate.py, 10 seeds each): every correct GAN class (the reference, the perfect
#: example, keras-io's, TensorFlow's DCGAN tutorial with a tf.function step, one in tf.math)
#: reaches a mean confidence of 0.652-0.748 and a histogram entropy of 3.04-3.26 bits (3.32 is
#: the most there is), with 9-10 digits. Mistakes in train_step (the generator never
#: updated, climbing its loss, or descending the critic's) leave it at 0.100. The confidence
#: threshold lies 0.25 below the worst correct run and 0.30 above the mistakes; the other two
#: ask for a spread that a generator stuck on two or three digits cannot reach (one that
#: ignores its noise, or has collapsed onto one digit, scores 1 digit and 0 bits).
#: tests/test_reference_gan.py checks those cases.
MIN_CONFIDENCE = 0.40
MIN_CLASSES = 6
MIN_ENTROPY = 2.3
REFERENCE_CONFIDENCE = 0.69  #: the reference's median
REFERENCE_CLASSES = 10
REFERENCE_ENTROPY = 3.2

#: The first 64 samples are compared with the bundled grading digits (``checks.
#: nearest_digit_distances``: root-mean-square pixel distance in [-1, 1] to the nearest).
#: Measured: the perfect example's samples (seed 1234) lie 0.32-0.57 from the nearest digit
#: (median 0.44), keras-io's (tests/correct_styles, seed 77) 0.34-0.53 (median 0.44); a GAN
#: class that hands out training digits gives 0. A sample nearer than
#: COPY_RMS is a copy, and more than a quarter of copies fails the run.
COMPARED_SAMPLES = 64
COPY_RMS = 0.1
MAX_COPY_SHARE = 0.25
REFERENCE_COPY_RMS = 0.3  #: the least a correct run's samples measured
