"""Draw the handout's figures from an upsampling module: the reference's, or yours.

    python figures.py [--module-dir DIR] [--out DIR]

imports ``upsampling.py`` from DIR (default: this folder) and writes into OUT (default:
``figures/`` here):

- ``overlap_lattice.png``: ``overlap_count_2d`` for kernel 3 and kernel 4, stride 2;
- ``checkerboard.png``: a constant image and a handwritten digit, each upsampled 2x by a
  stride-2 ``Conv2DTranspose`` and by your ``resize_conv``, both holding the same 3x3 box
  filter, titled with your ``checkerboard_score``.

A function that is not implemented yet leaves its panel empty, with a note.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent

#: A real handwritten "3": sample 13 of the UCI "Optical Recognition of Handwritten Digits"
#: data set (scikit-learn's ``load_digits``; CC BY 4.0), grey levels 0-16.
DIGIT_8X8 = np.array([
    [0, 2, 9, 15, 14, 9, 3, 0], [0, 4, 13, 8, 9, 16, 8, 0], [0, 0, 0, 6, 14, 15, 3, 0],
    [0, 0, 0, 11, 14, 2, 0, 0], [0, 0, 0, 2, 15, 11, 0, 0], [0, 0, 0, 0, 2, 15, 4, 0],
    [0, 1, 5, 6, 13, 16, 6, 0], [0, 2, 12, 12, 13, 11, 0, 0],
])
BOX = np.full((3, 3), 1 / 9, np.float32)


def load_module(folder: Path):
    spec = importlib.util.spec_from_file_location("upsampling", folder / "upsampling.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def smooth_resize(image: np.ndarray, size: int) -> np.ndarray:
    """Bilinear resize of a square image to size x size (corners kept)."""
    old, new = np.arange(image.shape[0]), np.linspace(0, image.shape[0] - 1, size)
    columns = np.stack([np.interp(new, old, image[:, j]) for j in range(image.shape[1])], 1)
    return np.stack([np.interp(new, old, columns[i]) for i in range(size)])


def transposed(image: np.ndarray) -> np.ndarray:
    """Keras' stride-2 Conv2DTranspose ("same") holding the box filter."""
    layer = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", use_bias=False)
    layer.build((1, *image.shape, 1))
    layer.set_weights([BOX[:, :, None, None]])
    return keras.ops.convert_to_numpy(layer(image[None, :, :, None]))[0, :, :, 0]


def resized(module, image: np.ndarray) -> np.ndarray:
    """Your resize_conv(1, 3, 2) with its Conv2D holding the box filter and no bias."""
    model = module.resize_conv(1, 3, 2)
    model(image[None, :, :, None])  # builds the layers
    convolution = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)][0]
    convolution.set_weights([BOX[:, :, None, None], np.zeros(1, np.float32)])
    return keras.ops.convert_to_numpy(model(image[None, :, :, None]))[0, :, :, 0]


def attempt(function, *args):
    """``function(*args)``, or None when it is not implemented yet."""
    try:
        return function(*args)
    except NotImplementedError:
        return None


def show(axis, image, title: str, numbers: bool = False) -> None:
    axis.set_xticks([])
    axis.set_yticks([])
    if image is None:
        axis.text(0.5, 0.5, "not implemented yet", ha="center", va="center")
        axis.set_title(title, fontsize=9)
        return
    image = np.asarray(image)
    axis.imshow(image, cmap="gray", interpolation="nearest", vmin=0,
                vmax=max(float(image.max()), 1e-6))
    if numbers:
        for (row, column), value in np.ndenumerate(image):
            axis.text(column, row, str(value), ha="center", va="center", fontsize=7,
                      color="tab:red")
    axis.set_title(title, fontsize=9)


def overlap_figure(module, out: Path) -> None:
    figure, axes = plt.subplots(1, 2, figsize=(7, 3.6))
    for axis, kernel_size in zip(axes, (3, 4), strict=True):
        counts = attempt(module.overlap_count_2d, (4, 4), kernel_size, 2)
        show(axis, counts, f"4x4 input, kernel {kernel_size}, stride 2", numbers=True)
    figure.suptitle("overlap_count_2d: stamps writing each output pixel")
    figure.tight_layout()
    figure.savefig(out / "overlap_lattice.png", dpi=100, metadata={"Software": None})
    plt.close(figure)


def checkerboard_figure(module, out: Path) -> None:
    digit = smooth_resize(DIGIT_8X8 / 16.0, 14).astype(np.float32)
    inputs = [("constant 14x14", np.full((14, 14), 0.5, np.float32)),
              ("digit 14x14", digit)]
    figure, axes = plt.subplots(2, 3, figsize=(8, 6.4))
    for row, (name, image) in zip(axes, inputs, strict=True):
        show(row[0], image, f"input: {name}")
        for axis, (method, result) in zip(row[1:], [
                ("Conv2DTranspose, stride 2", transposed(image)),
                ("resize_conv (nearest + Conv2D)", attempt(resized, module, image))], strict=True):
            score = None if result is None else attempt(module.checkerboard_score, result)
            suffix = "" if score is None else f"\ncheckerboard_score {float(score):.3f}"
            show(axis, result, f"{method}{suffix}")
    figure.suptitle("The same 3x3 box filter, two ways to upsample 2x")
    figure.tight_layout()
    figure.savefig(out / "checkerboard.png", dpi=100, metadata={"Software": None})
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module-dir", type=Path, default=HERE)
    parser.add_argument("--out", type=Path, default=HERE / "figures")
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    module = load_module(arguments.module_dir.resolve())
    overlap_figure(module, arguments.out)
    checkerboard_figure(module, arguments.out)


if __name__ == "__main__":
    main()
