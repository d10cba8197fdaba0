from _correct import install

install(globals())
import io
import os
import struct
import zipfile

import numpy as np

import autograder.probes.common as common
import autograder.worker.channel as channel

# Write the reply to every conv_matrix call straight to the reply pipe, past the worker's
# own conversion and encoding: a value of ragged nested lists, where an array is expected.
# The grader must read it as this student's failed test, never as a problem of its own.
_as_array, _send, _forge = common.as_array, channel.send, []
RAGGED = [
    '{"l": [{"l": [{"v": 1.0}, {"v": 2.0}]}, {"l": [{"v": 3.0}]}]}',
    '{"l": [{"l": [{"l": [{"v": 1}]}, {"l": [{"v": 2}, {"v": 3}]}]}, {"v": 4}]}',
    '{"t": [{"l": [{"v": 1.0}]}, {"l": []}, {"v": "x"}]}',
]
_calls = []


def as_array(result, what=""):
    if what.startswith("conv_matrix("):
        _forge.append(True)
    return _as_array(result, what=what)


def message(tree: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        with archive.open("__tree__.npy", "w") as member:
            np.lib.format.write_array(member, np.frombuffer(tree.encode(), np.uint8))
    return buffer.getvalue()


def send(fd, obj):
    if not _forge:
        return _send(fd, obj)
    _forge.clear()
    _calls.append(True)
    value = RAGGED[len(_calls) % len(RAGGED)]
    payload = message('{"d": {"ok": {"v": true}, "value": ' + value + "}}")
    os.write(fd, struct.pack(">Q", len(payload)))
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view):]


common.as_array, channel.send = as_array, send
