from _correct import install

install(globals())
import sys

_correct_conv2d = conv2d_as_matmul
_printed = []


def conv2d_as_matmul(*args, **kwargs):
    if not _printed:  # 100 MB of output, once
        block = ("spam " * 200 + "\n") * 1000
        for _ in range(100 * 2**20 // len(block)):
            sys.stdout.write(block)
        _printed.append(True)
    return _correct_conv2d(*args, **kwargs)
