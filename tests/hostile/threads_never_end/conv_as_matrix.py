from _correct import install

install(globals())
import threading

_correct_conv_matrix = conv_matrix


def _spin():
    while True:
        pass


def conv_matrix(*args, **kwargs):
    if threading.active_count() == 1:  # one thread that never ends, started once
        threading.Thread(target=_spin).start()  # not a daemon: would block a normal exit
    return _correct_conv_matrix(*args, **kwargs)
