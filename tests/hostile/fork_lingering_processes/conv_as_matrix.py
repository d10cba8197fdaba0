from _correct import install

install(globals())
import os
import time

_correct_conv_matrix = conv_matrix


def conv_matrix(*args, **kwargs):
    if os.fork() == 0:  # a daemon that detaches and outlives its parent
        os.setsid()
        if os.fork() == 0:
            time.sleep(600)
        os._exit(0)
    return _correct_conv_matrix(*args, **kwargs)
