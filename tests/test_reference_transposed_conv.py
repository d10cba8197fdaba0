"""Is the transposed_conv reference right? Checked against Keras' layers, not a formula."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import load_solution

keras = pytest.importorskip("keras")


@pytest.fixture(scope="module")
def reference():
    return load_solution("transposed_conv")


def _keras_length(layer, n: int) -> int | None:
    """The layer's output height for an (1, n, 1, 1) input; None where Keras refuses."""
    try:
        return int(layer(np.zeros((1, n, 1, 1), np.float32)).shape[1])
    except Exception:  # noqa: BLE001 - refusals come as ValueError or InvalidArgumentError
        return None


def test_conv_output_length_matches_conv2d_on_every_accepted_combination(reference):
    checked = 0
    for n, k, s, padding in itertools.product(range(1, 9), range(1, 6), range(1, 4),
                                              ["valid", "same"]):
        want = _keras_length(keras.layers.Conv2D(1, (k, 1), (s, 1), padding), n)
        if want is None:
            assert padding == "valid" and k > n  # the only combinations Keras refuses
            continue
        assert reference.conv_output_length(n, k, s, padding) == want, (n, k, s, padding)
        checked += 1
    assert checked == 210


def test_conv_transpose_output_length_matches_conv2dtranspose_everywhere(reference):
    """Odd and even kernels, kernels shorter than the stride, every output_padding: the
    reference follows the layer's shape rule everywhere, and the layer's run wherever this
    machine's TensorFlow runs it (which configurations it runs differs between CPUs:
    oneDNN accepts some that the reference kernels refuse, so no count of them is kept)."""
    checked = ran = 0
    for n, k, s, padding in itertools.product([1, 2, 3, 6], range(1, 6), range(1, 5),
                                              ["valid", "same"]):
        for output_padding in [None, *range(s)]:
            layer = keras.layers.Conv2DTranspose(
                1, (k, 1), (s, 1), padding,
                output_padding=None if output_padding is None else (output_padding, 0))
            rule = int(layer.compute_output_shape((1, n, 1, 1))[1])
            got = reference.conv_transpose_output_length(n, k, s, padding, output_padding)
            assert got == rule, (n, k, s, padding, output_padding)
            checked += 1
            run = _keras_length(layer, n)
            if run is not None:
                assert run == rule, (n, k, s, padding, output_padding)
                ran += 1
            else:  # TensorFlow may refuse one family only: "same", even kernel, op 0
                assert (padding, k % 2, output_padding) == ("same", 0, 0)
    assert checked == 560 and ran >= 528


def test_grader_never_grades_a_length_that_tensorflow_may_refuse():
    """Is the family some CPUs refuse ("same", even kernel, output_padding 0) left out of
    the length sweep on every machine, and everything else kept?"""
    from autograder.probes import transposed_conv as probes

    combos = [[n, k, s, p, op] for n, k, s, p in itertools.product(
        [1, 2, 3, 6], range(1, 6), range(1, 5), ["valid", "same"]) for op in [None, *range(s)]]
    lengths = probes.keras_conv_transpose_lengths(None, combos)
    refused = [tuple(c) for c, length in zip(combos, lengths, strict=True)
               if length == probes.REFUSED]
    assert refused == [tuple(c) for c in combos if c[3] == "same" and c[1] % 2 == 0
                       and c[4] == 0]


def test_output_padding_at_or_above_the_stride_is_refused_like_keras(reference):
    with pytest.raises(ValueError):
        keras.layers.Conv2DTranspose(1, 3, 2, output_padding=2)
    with pytest.raises(ValueError):
        reference.conv_transpose_output_length(5, 3, 2, "valid", 2)


CASES = [  # (N, H, W, Cin, Cout, kh, kw, stride, padding, output_padding)
    (n, h, w, cin, cout, kh, kw, s, p, op)
    for (n, h, w, cin, cout), (kh, kw), s, p in itertools.product(
        [(2, 3, 4, 3, 2), (1, 1, 2, 1, 1), (3, 4, 3, 2, 4)], [(3, 3), (2, 4), (1, 5)],
        [1, 2, 3], ["valid", "same"])
    for op in [None, *range(s)] if not (p == "same" and (kh % 2 == 0 or kw % 2 == 0)
                                       and op == 0)
]


def test_conv2d_transpose_equals_the_keras_layer_with_batch_and_channels(reference):
    rng = np.random.default_rng(0)
    for n, h, w, cin, cout, kh, kw, s, p, op in CASES:
        x = rng.standard_normal((n, h, w, cin)).astype(np.float32)
        kernel = rng.standard_normal((kh, kw, cout, cin)).astype(np.float32)
        layer = keras.layers.Conv2DTranspose(cout, (kh, kw), s, p, output_padding=op,
                                             use_bias=False)
        layer.build(x.shape)
        layer.set_weights([kernel])
        want = keras.ops.convert_to_numpy(layer(x))
        got = reference.conv2d_transpose(x, kernel, s, p, op)
        np.testing.assert_allclose(got, want, atol=1e-5, err_msg=str((n, h, w, kh, kw, s, p)))
    assert len(CASES) == 153


def test_decoder_follows_the_contract(reference):
    decoder = reference.build_upsampling_decoder(16)
    z = np.random.default_rng(0).standard_normal((4, 16)).astype(np.float32) * 10
    images = keras.ops.convert_to_numpy(decoder(z))
    assert images.shape == (4, 28, 28, 1)
    assert images.min() >= 0 and images.max() <= 1
    transposed = [layer for layer in decoder.layers
                  if isinstance(layer, keras.layers.Conv2DTranspose)]
    assert [layer.strides for layer in transposed] == [(2, 2), (2, 2)]
    assert decoder.count_params() == 108_993
