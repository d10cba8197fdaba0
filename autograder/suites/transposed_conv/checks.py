"""Checks shared by the visible and hidden transposed_conv tests.

Output lengths are compared with what Keras' layers give over a sweep (the reference side
asks ``Conv2D`` / ``Conv2DTranspose`` themselves), never with a formula written here.
``conv2d_transpose`` is given Keras' output lengths in place of the student's
``conv_transpose_output_length``: a mistake there is graded once, in the length tests.
"""

from __future__ import annotations

import numpy as np

from autograder.compare import Mismatch, assert_close
from autograder.probes import transposed_conv as probes
from autograder.suites.transposed_conv.cases import MAX_PARAMS, MIN_PARAMS, Case

SHOWN = 8  #: wrong combinations listed in a report

LAYERS = {"conv_output_length": ("keras.layers.Conv2D", probes.keras_conv_lengths),
          "conv_transpose_output_length": ("keras.layers.Conv2DTranspose",
                                           probes.keras_conv_transpose_lengths)}
ARGUMENTS = ("n", "kernel_size", "stride", "padding", "output_padding")


def lengths(student, reference, function: str, combos: list[list]) -> None:
    """The student's length function against Keras' layer on every combination it accepts."""
    layer, keras_probe = LAYERS[function]
    want = reference.run(keras_probe, combos)
    accepted = [combo for combo, length in zip(combos, want, strict=True)
                if length != probes.REFUSED]
    expected = [length for length in want if length != probes.REFUSED]
    got = student.run(probes.lengths, function, accepted)
    if not isinstance(got, list) or len(got) != len(accepted):
        raise Mismatch(f"{function}: expected {len(accepted)} answers, got an unusable reply")
    wrong = [(combo, g, w) for combo, g, w in zip(accepted, got, expected, strict=True) if g != w]
    if not wrong:
        return
    lines = [f"{function}: {len(wrong)} of {len(accepted)} combinations differ from what "
             f"{layer} gives"]
    for combo, g, w in wrong[:SHOWN]:
        # Conv2D combos have no output_padding: zip stops at the combo's end.
        call = ", ".join(f"{name}={value!r}"
                         for name, value in zip(ARGUMENTS, combo, strict=False))
        lines.append(f"  {function}({call}): got {g}, expected {w}")
    if len(wrong) > SHOWN:
        lines.append(f"  ... and {len(wrong) - SHOWN} more")
    raise Mismatch("\n".join(lines))


def conv2d_transpose(student, reference, x: np.ndarray, kernel: np.ndarray, case: Case,
                     what: str) -> None:
    """The student's scatter-add against Keras' Conv2DTranspose holding the same kernel."""
    stride, padding, output_padding = case.args()
    want = reference.run(probes.keras_conv2d_transpose, x, kernel, *case.args())
    table = [[case.height, case.kh, stride, padding, output_padding, int(want.shape[1])],
             [case.width, case.kw, stride, padding, output_padding, int(want.shape[2])]]
    got = student.run(probes.conv2d_transpose_with_lengths, x, kernel, *case.args(), table)
    try:
        assert_close(got, want, what=f"{what} vs keras.layers.Conv2DTranspose")
    except Mismatch as mismatch:
        hint = ""
        if got.ndim == 4 and got.shape[:3] == want.shape[:3] and got.shape[3] != want.shape[3]:
            hint = ("\n  hint: a Conv2DTranspose kernel is (kh, kw, Cout, Cin): the output "
                    "channels come before the input channels")
        elif got.shape != want.shape:
            hint = ("\n  hint: the output is (N, Ho, Wo, Cout) with Ho, Wo from "
                    "conv_transpose_output_length")
        raise Mismatch(f"{mismatch}{hint}") from None


def decoder(student, latent_dim: int, rng: np.random.Generator, scale: float = 1.0) -> dict:
    """The plain description of ``build_upsampling_decoder(latent_dim)`` run on 8 codes."""
    z = (scale * rng.standard_normal((8, latent_dim))).astype(np.float32)
    return student.run(probes.describe_decoder, latent_dim, z)


def decoder_shape(description: dict, latent_dim: int) -> None:
    shape = description["output_shape"]
    if shape != [8, 28, 28, 1]:
        raise Mismatch(f"build_upsampling_decoder({latent_dim}) maps 8 codes of length "
                       f"{latent_dim} to shape {tuple(shape)}, expected (8, 28, 28, 1)")


def decoder_range(description: dict) -> None:
    low, high = description["output_min"], description["output_max"]
    if description["non_finite"]:
        raise Mismatch(f"the decoder's output holds {description['non_finite']} NaN or Inf "
                       "values")
    if not (0.0 <= low and high <= 1.0):
        raise Mismatch(f"the decoder's pixels range over [{low:.4g}, {high:.4g}] for codes "
                       "drawn with standard deviation 10; they must stay in [0, 1] "
                       "(a sigmoid on the last layer does that)")


def decoder_layers(description: dict) -> None:
    layers = description["layers"]
    names = [layer["class"] for layer in layers]
    # Layers count by the Keras computation they run, not by their class name
    # (keras_class: a layer class of your own called Conv2DTranspose is no Conv2DTranspose).
    kinds = [layer.get("keras_class") for layer in layers]
    disguised = sorted({name for name, kind in zip(names, kinds, strict=True)
                        if name != kind and name in ("Dense", "Reshape", "Conv2DTranspose")})
    own = (f" ({', '.join(disguised)}: a layer class of your own with that name, not "
           "Keras')" if disguised else "")
    if "Dense" not in kinds:
        raise Mismatch(f"build_upsampling_decoder has no keras.layers.Dense layer{own}; its "
                       f"layers are {names}")
    reshapes = [layer.get("target_shape") for layer in layers
                if layer.get("keras_class") == "Reshape"]
    if not any(shape and shape[:2] == [7, 7] for shape in reshapes):
        raise Mismatch("build_upsampling_decoder must Reshape the Dense output to 7x7 "
                       f"feature maps; its Reshape target shapes are {reshapes}{own}")
    transposed = [layer for layer in layers if layer.get("keras_class") == "Conv2DTranspose"]
    stride_2 = [layer for layer in transposed if layer.get("strides") == [2, 2]]
    if len(stride_2) != 2:
        found = ", ".join(f"{layer['name']} (strides {tuple(layer.get('strides', []))})"
                          for layer in transposed) or "none"
        raise Mismatch(f"build_upsampling_decoder has {len(stride_2)} "
                       f"keras.layers.Conv2DTranspose layer{'s' if len(stride_2) != 1 else ''} "
                       f"with strides 2; the contract asks for two (7 -> 14 -> 28){own}. "
                       f"Conv2DTranspose layers found: {found}")


def decoder_trainable_and_size(description: dict) -> None:
    if not description["model_trainable"] or description["frozen"]:
        raise Mismatch("the decoder must be trainable; frozen: "
                       f"{description['frozen'] or 'the whole model'}")
    params = description["trainable_params"]
    if not MIN_PARAMS <= params <= MAX_PARAMS:
        raise Mismatch(f"the decoder has {params:,} trainable parameters; a sensible 28x28 "
                       f"decoder has between {MIN_PARAMS:,} and {MAX_PARAMS:,}")
