"""The assignments the grader knows, in course order, with their per-call limits."""

from __future__ import annotations

from dataclasses import dataclass

from autograder.worker.client import Limits


@dataclass(frozen=True)
class Assignment:
    """One graded assignment: a student module ``<name>.py`` and a suite of tests."""

    name: str  #: module name from ASSIGNMENTS.md, e.g. "conv_as_matrix"
    title: str  #: shown in reports and handouts
    limits: Limits = Limits()
    #: seconds its whole suite takes for a correct submission (one core, 2-core machine,
    #: measured 2026-12-02 from results.json): parallel lanes start the longest first
    seconds: float = 1.0
    #: seconds ``autograder build`` takes for it (the figures' training, the recording; one
    #: core, measured 2026-12-02): parallel builds start the longest first
    build_seconds: float = 1.0

    @property
    def module_file(self) -> str:
        return f"{self.name}.py"


ASSIGNMENTS: dict[str, Assignment] = {
    a.name: a
    for a in [
        Assignment("conv_as_matrix", "Convolution as a matrix multiplication",
                   Limits(call_seconds=5.0), seconds=0.3, build_seconds=5),
        Assignment("transposed_conv", "The transposed convolution (Conv2DTranspose)",
                   Limits(call_seconds=30.0), seconds=1.1, build_seconds=1),
        Assignment("upsampling", "Upsampling without checkerboard artifacts",
                   Limits(call_seconds=30.0), seconds=0.7, build_seconds=8),
        # Training calls take 3-5 s of one CPU core for the reference (20 s for a model
        # three times its size); a correct 289k-parameter design with 28x28 convolutions
        # (tests/correct_styles/autoencoder/book_configurable_class) takes 67-69 s of one
        # busy core for the 8 epochs of one learning rate of the grader's loop.
        Assignment("autoencoder", "Convolutional and denoising autoencoders against PCA",
                   Limits(call_seconds=90.0), seconds=9.7, build_seconds=62),
        # The training run takes 4-5 s of one CPU core for the reference; every other call
        # about a second at most (a first train_step traces its graph).
        Assignment("vae", "The variational autoencoder", Limits(call_seconds=60.0),
                   seconds=8.4, build_seconds=70),
        # The training run takes about 7 s of one CPU core for the reference (5 epochs of the
        # grader's small GAN); every other call about a second. Room for a busy machine.
        Assignment("gan", "A GAN with a custom train_step", Limits(call_seconds=90.0),
                   seconds=7.9, build_seconds=45),
    ]
}


def get(name: str) -> Assignment:
    """The assignment called ``name``; ``UsageError`` listing the known names otherwise."""
    from autograder.errors import UsageError

    try:
        return ASSIGNMENTS[name]
    except KeyError:
        known = ", ".join(ASSIGNMENTS)
        raise UsageError(f"unknown assignment {name!r}; known assignments: {known}") from None
