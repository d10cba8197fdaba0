from _correct import install

install(globals())
import signal

signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
_correct_multichannel = conv_matrix_multichannel


def conv_matrix_multichannel(kernel, input_shape, stride=1, padding="valid"):
    while input_shape[2] == 3:
        pass
    return _correct_multichannel(kernel, input_shape, stride, padding)
