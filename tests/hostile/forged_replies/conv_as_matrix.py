from _correct import install

install(globals())
import io
import os
import struct
import time
import zipfile

import numpy as np

import autograder.probes.common as common
import autograder.worker.channel as channel

# Replace the worker's reply to every conv_matrix call with bytes made to hurt the grader
# that decodes them: deep nesting, huge integers, unhashable names, too many members,
# millions of tiny nodes; and claim, in the reply to the import, that nothing was left
# unisolated.
_as_array, _send, _forge = common.as_array, channel.send, []


def as_array(result, what=""):
    if what.startswith("conv_matrix("):
        _forge.append(True)
    return _as_array(result, what=what)


def message(tree: str, members: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        arrays = [("__tree__", np.frombuffer(tree.encode(), np.uint8))]
        arrays += [(str(i), np.zeros(1)) for i in range(members)]
        for name, array in arrays:
            with archive.open(name + ".npy", "w") as member:
                np.lib.format.write_array(member, array)
    return buffer.getvalue()


FORGERIES = [
    lambda: message('{"d": {"ok": {"v": true}, "value": ' + '{"l": [' * 50_000 + "]}" * 50_000 + "}}"),
    lambda: message('{"d": {"ok": {"v": true}, "value": {"v": ' + "9" * 5000 + "}}}"),
    lambda: message('{"d": {"ok": {"v": true}, "value": {"a": [1, 2]}}}'),
    lambda: message('{"d": {"ok": {"v": true}, "value": {"v": 1}}}', members=10_050),
    lambda: message('{"d": {"ok": {"v": true}, "value": {"l": [' + ",".join(['{"v": 0}'] * 1_000_000) + "]}}}"),
]


def send(fd, obj):
    if isinstance(obj, dict) and isinstance(obj.get("value"), dict) and "loaded" in obj["value"]:
        obj = {"ok": True, "value": {"isolation": [], "loaded": True}}
    if _forge:
        _forge.clear()
        payload = FORGERIES[time.monotonic_ns() % len(FORGERIES)]()
        os.write(fd, struct.pack(">Q", len(payload)))
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
        return
    _send(fd, obj)


common.as_array, channel.send = as_array, send
