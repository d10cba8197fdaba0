"""Probes for assignment 2, ``transposed_conv``.

``keras_*`` probes ignore the module: they ask Keras' own layers for the answer and run on
the reference side only. ``lengths`` calls a student's length function on a whole sweep in
one round trip. ``conv2d_transpose_with_lengths`` hands ``conv2d_transpose`` correct output
lengths in place of the student's ``conv_transpose_output_length``, so a mistake there is
graded once. ``describe_decoder`` builds the student's model in the worker and sends back
a plain description of it: a model never crosses the boundary.
"""

from __future__ import annotations

from contextlib import contextmanager
from types import ModuleType

import numpy as np

from autograder.probes.convert import BadResult, as_array

#: The length reported for a combination that Keras refuses (a real length is never < 0).
REFUSED = -1

#: Only the output shape matters: skip random initialisation and the bias.
_CHEAP = {"kernel_initializer": "zeros", "use_bias": False}

#: One combination along one axis: [n, kernel_size, stride, padding] for Conv2D, and
#: [n, kernel_size, stride, padding, output_padding] for Conv2DTranspose.
Combo = list


def keras_conv_lengths(module: ModuleType, combos: list[Combo]) -> list[int]:
    """The output length ``keras.layers.Conv2D`` gives for each combo; REFUSED if refused
    (by the layer's shape rule, as for Conv2DTranspose)."""
    return [_conv_length(*combo) for combo in combos]


def keras_conv_transpose_lengths(module: ModuleType, combos: list[Combo]) -> list[int]:
    """The output length ``keras.layers.Conv2DTranspose`` gives; REFUSED where it refuses.

    Asked of the layer's own shape rule (``compute_output_shape``), not of a run: which
    configurations TensorFlow's kernels run differs between CPUs (oneDNN accepts some
    that the reference kernels refuse). A combination whose length a "same"/"valid"
    ``Conv2D`` would not map back to ``n`` (``"same"``, an even kernel, ``output_padding``
    0) is refused by TensorFlow's consistency check on some machines, so it counts as
    refused everywhere and is never graded.
    """
    lengths = []
    for n, kernel_size, stride, padding, output_padding in combos:
        length = _shape_rule(n, "Conv2DTranspose", kernel_size, stride, padding,
                             output_padding=None if output_padding is None
                             else (output_padding, 0))
        consistent = length != REFUSED and _conv_length(length, kernel_size, stride,
                                                        padding) == n
        lengths.append(length if consistent else REFUSED)
    return lengths


def _conv_length(n: int, kernel_size: int, stride: int, padding: str) -> int:
    return _shape_rule(n, "Conv2D", kernel_size, stride, padding)


def _shape_rule(n: int, layer: str, kernel_size: int, stride: int, padding: str,
                **options) -> int:
    """The height ``keras.layers.<layer>`` gives a (1, n, 1, 1) input by its shape rule;
    REFUSED where Keras refuses the combination."""
    import keras

    try:
        made = getattr(keras.layers, layer)(1, (kernel_size, 1), (stride, 1), padding,
                                            **options, **_CHEAP)
        return int(made.compute_output_shape((1, n, 1, 1))[1])
    except Exception:  # noqa: BLE001 - Keras refuses with ValueError (or TypeError)
        return REFUSED


def lengths(module: ModuleType, function: str, combos: list[Combo]) -> list[int | str]:
    """``module.function(*combo)`` for each combo: an int, or text saying what went wrong."""
    target = getattr(module, function, None)
    if not callable(target):
        raise AttributeError(f"the module defines no function named {function!r}")
    results: list[int | str] = []
    for combo in combos:
        try:
            value = target(*combo)
        except NotImplementedError:
            raise
        except Exception as error:  # noqa: BLE001 - reported per combination
            results.append(f"raised {type(error).__name__}: {error}"[:300])
            continue
        results.append(_integer(value))
    return results


def _integer(value) -> int | str:
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - anything that is not even array-like
        return f"returned a {type(value).__name__}, not an int"
    if array.ndim == 0 and array.dtype.kind in "iu":
        return int(array)
    if array.ndim == 0 and array.dtype.kind == "f" and float(array).is_integer():
        return int(array)  # e.g. np.ceil's 14.0: the right length, as a float
    if array.ndim == 0 and array.dtype.kind in "biuf":
        return f"returned {float(array):g}, not a whole number"
    return f"returned a {type(value).__name__}, not an int"


def keras_conv2d_transpose(module: ModuleType, x, kernel, stride: int, padding: str,
                           output_padding) -> np.ndarray:
    """``keras.layers.Conv2DTranspose(..., use_bias=False)`` holding ``kernel``, on ``x``."""
    import keras

    kh, kw, channels_out, _ = kernel.shape
    layer = keras.layers.Conv2DTranspose(channels_out, (kh, kw), stride, padding,
                                         output_padding=output_padding, use_bias=False)
    layer.build(x.shape)
    layer.set_weights([kernel])
    return keras.ops.convert_to_numpy(layer(x))


def conv2d_transpose_with_lengths(module: ModuleType, x, kernel, stride: int, padding: str,
                                  output_padding, table: list[list]) -> np.ndarray:
    """``conv2d_transpose`` with ``conv_transpose_output_length`` answering from ``table``.

    ``table`` rows are ``[n, kernel_size, stride, padding, output_padding, length]``.
    """
    known = {tuple(row[:5]): int(row[5]) for row in table}
    with _output_length_from(module, known):
        result = module.conv2d_transpose(x, kernel, stride, padding, output_padding)
    return as_array(result, what="conv2d_transpose(...)")


@contextmanager
def _output_length_from(module: ModuleType, known: dict):
    original = getattr(module, "conv_transpose_output_length", None)

    def conv_transpose_output_length(n, kernel_size, stride=1, padding="valid",
                                     output_padding=None):
        key = (int(n), int(kernel_size), int(stride), str(padding),
               None if output_padding is None else int(output_padding))
        if key in known:
            return known[key]
        return original(n, kernel_size, stride, padding, output_padding)

    module.conv_transpose_output_length = conv_transpose_output_length
    try:
        yield
    finally:
        module.conv_transpose_output_length = original


def describe_decoder(module: ModuleType, latent_dim: int, z) -> dict:
    """Build ``build_upsampling_decoder(latent_dim)``, run it on ``z``, describe it."""
    import keras

    model = module.build_upsampling_decoder(latent_dim)
    if not isinstance(model, keras.Model):
        raise BadResult(f"build_upsampling_decoder({latent_dim}) returned a "
                        f"{type(model).__name__}, not a keras.Model")
    images = as_array(model(z, training=False), what="the decoder's output")
    layers = flat_layers(model)
    return {
        "output_shape": list(images.shape),
        "output_min": float(np.min(images)) if images.size else float("nan"),
        "output_max": float(np.max(images)) if images.size else float("nan"),
        "non_finite": int(np.sum(~np.isfinite(images.astype(np.float64)))),
        "layers": [describe_layer(layer) for layer in layers],
        "trainable_params": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
        "frozen": [layer.name for layer in layers if layer.weights and not layer.trainable],
        "model_trainable": bool(model.trainable),
    }


def flat_layers(model) -> list:
    """The model's layers, with nested models (e.g. a Sequential inside) opened up."""
    flat = []
    for layer in model.layers:
        if hasattr(layer, "layers") and layer.layers:
            flat.extend(flat_layers(layer))
        else:
            flat.append(layer)
    return flat


def keras_class(layer) -> str | None:
    """The built-in Keras layer class whose computation ``layer`` runs, or None.

    A class name proves nothing (a layer of your own may be called ``Conv2DTranspose``):
    this is the first class of the layer's MRO that Keras defines, and only if the layer
    runs that class's ``call`` (a subclass that just configures a built-in keeps its kind,
    one with a ``call`` of its own has none)."""
    for cls in type(layer).__mro__:
        if cls.__module__.split(".")[0] == "keras":
            return cls.__name__ if getattr(type(layer), "call", None) is \
                getattr(cls, "call", None) else None
    return None


def describe_layer(layer) -> dict:
    description = {"class": type(layer).__name__, "name": str(layer.name),
                   "keras_class": keras_class(layer)}
    for attribute in ("strides", "kernel_size", "target_shape", "size"):
        value = getattr(layer, attribute, None)
        if isinstance(value, (tuple, list)) and all(isinstance(v, int) for v in value):
            description[attribute] = [int(v) for v in value]
    for attribute in ("filters", "units"):
        value = getattr(layer, attribute, None)
        if isinstance(value, int):
            description[attribute] = int(value)
    for attribute in ("padding", "interpolation"):
        value = getattr(layer, attribute, None)
        if isinstance(value, str):
            description[attribute] = value
    activation = getattr(layer, "activation", None)
    if activation is not None:
        description["activation"] = str(getattr(activation, "__name__", activation))
    return description
