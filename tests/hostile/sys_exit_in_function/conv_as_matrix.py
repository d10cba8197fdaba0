from _correct import install

install(globals())
import sys


def conv_matrix_multichannel(*args, **kwargs):
    sys.exit("bye")
