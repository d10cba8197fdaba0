"""The matrix read off TensorFlow itself: a convolution is linear, so column j of C is the
convolution of the j-th one-hot image. tf.nn.conv2d runs once on a batch of all of them."""

import numpy as np
import tensorflow as tf


def conv_matrix_multichannel(kernel, input_shape, stride=1, padding="valid"):
    h, w, cin = input_shape
    size = h * w * cin
    basis = tf.reshape(tf.eye(size, dtype=tf.float64), (size, h, w, cin))
    out = tf.nn.conv2d(basis, tf.constant(np.asarray(kernel), tf.float64), strides=stride,
                       padding=padding.upper())
    # out[j] is C @ e_j reshaped (Ho, Wo, Cout): flatten it to one column.
    return tf.transpose(tf.reshape(out, (size, -1))).numpy()


def conv_matrix(kernel, input_shape, stride=1, padding="valid"):
    kernel = np.asarray(kernel)[:, :, np.newaxis, np.newaxis]
    return conv_matrix_multichannel(kernel, (*input_shape, 1), stride, padding)


def conv2d_as_matmul(x, kernel, stride=1, padding="valid"):
    x = np.asarray(x, np.float64)
    kh, kw = np.shape(kernel)
    if padding == "same":
        ho, wo = -(-x.shape[0] // stride), -(-x.shape[1] // stride)
    else:
        ho, wo = (x.shape[0] - kh) // stride + 1, (x.shape[1] - kw) // stride + 1
    return np.matmul(conv_matrix(kernel, x.shape, stride, padding), x.flatten()).reshape(ho, wo)


def conv2d_transpose_as_matmul(y, kernel, output_shape, stride=1, padding="valid"):
    c = conv_matrix(kernel, tuple(output_shape), stride, padding)
    return np.matmul(c.T, np.asarray(y, np.float64).flatten()).reshape(output_shape)
