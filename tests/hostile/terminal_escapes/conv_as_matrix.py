"""Escape sequences for the TA's terminal and markup for the reports, from every channel a
submission has: printed at import and in a call, written as undecodable bytes, raised."""
from _correct import install

install(globals())
import sys

_correct_conv2d = conv2d_as_matmul
# Clear the screen, write the TA's clipboard (OSC 52), C1 CSI, a bidi override, NUL.
print("\x1b[2J\x1b[H\x1b]52;c;cm0gLXJmIH4=\x07\x9b2J\u202eevil\x00")


def conv2d_as_matmul(*args, **kwargs):
    sys.stdout.flush()
    sys.stdout.buffer.write(b"\x1b]0;pwned\x07 \xff\xfe undecodable ]]> ```\n")
    sys.stdout.buffer.flush()
    print("\x1b[31mred\x1b[0m\rcovered up", file=sys.stderr)
    return _correct_conv2d(*args, **kwargs)


def conv_matrix_multichannel(*args, **kwargs):
    raise ValueError("\udcff\x1b[2J ]]> ```\n</details><script>alert(1)</script>")
