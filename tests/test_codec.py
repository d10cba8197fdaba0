"""Does plain data cross the trust boundary intact, and nothing else at all?"""

from __future__ import annotations

import io
import pickle
import time
import zipfile

import numpy as np
import pytest

from autograder import codec


def test_round_trip_keeps_structure_dtypes_and_values():
    """Do nested containers, special floats, big ints and arrays survive encoding?"""
    value = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": [1, "x", None, True],
             "c": (2.5, float("inf"), float("nan")), "d": 2**70, "e": np.int16(3)}
    back = codec.decode(codec.encode(value))
    assert back["a"].dtype == np.float32 and np.array_equal(back["a"], value["a"])
    assert back["b"] == [1, "x", None, True]
    assert back["c"][:2] == (2.5, float("inf")) and np.isnan(back["c"][2])
    assert back["d"] == 2**70
    assert back["e"] == 3 and back["e"].dtype == np.int16


def test_encoding_is_reproducible():
    """Does the same value always give the same bytes (recordings must not churn)?"""
    value = {"x": np.ones((3, 3)), "y": [1, 2]}
    assert codec.encode(value) == codec.encode(value)
    assert codec.fingerprint(value) == codec.fingerprint({"y": [1, 2], "x": np.ones((3, 3))})


@pytest.mark.parametrize("bad", [np.array([object()]), object(), {1: "non-string key"}])
def test_refuses_objects_that_are_not_plain_data(bad):
    """Is anything that would need pickle refused at the sender?"""
    with pytest.raises(TypeError):
        codec.encode(bad)


def test_refuses_a_pickle_payload():
    """Does a pickle (the classic code-execution payload) fail to decode?"""
    payload = pickle.dumps({"score": 100})
    with pytest.raises(codec.CodecError):
        codec.decode(payload)


def test_refuses_object_arrays_inside_the_archive():
    """Is an .npy member holding pickled objects refused without being unpickled?"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        with archive.open("__tree__.npy", "w") as member:
            np.lib.format.write_array(member, np.frombuffer(b'{"a": "0"}', np.uint8))
        with archive.open("0.npy", "w") as member:
            np.lib.format.write_array(member, np.array([{"x": 1}], dtype=object),
                                      allow_pickle=True)
    with pytest.raises(codec.CodecError, match="forbidden dtype"):
        codec.decode(buffer.getvalue())


def test_refuses_a_header_that_claims_more_data_than_it_holds():
    """Can a tiny message make the grader allocate a terabyte array? It must not."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**11,)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        with archive.open("__tree__.npy", "w") as member:
            np.lib.format.write_array(member, np.frombuffer(b'{"a": "0"}', np.uint8))
        archive.writestr("0.npy", header.getvalue() + bytes(64))
    with pytest.raises(codec.CodecError, match="declares more data"):
        codec.decode(buffer.getvalue())


def test_refuses_oversized_messages():
    """Is the size limit checked before anything is read?"""
    with pytest.raises(codec.CodecError, match="limit"):
        codec.decode(codec.encode({"a": np.zeros(1000)}), max_bytes=100)


def _message(tree: str, members: int = 0) -> bytes:
    """A hand-made message: the structure text and ``members`` one-number arrays."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        arrays = [("__tree__", np.frombuffer(tree.encode(), np.uint8))]
        arrays += [(str(i), np.zeros(1)) for i in range(members)]
        for name, array in arrays:
            with archive.open(name + ".npy", "w") as member:
                np.lib.format.write_array(member, array)
    return buffer.getvalue()


@pytest.mark.parametrize("tree, members", [
    ('{"l": [' * 100_000 + "]}" * 100_000, 0),  # deeper than the JSON parser's recursion
    ('{"l": [' * 70 + "]}" * 70, 0),  # deeper than the structure may be
    ('{"v": ' + "9" * 5000 + "}", 0),  # an integer Python refuses to parse
    ('{"v": ' + "9" * 30 + "}", 0),  # an integer encode() would have sent as "big"
    ('{"big": "12abc"}', 0),
    ('{"a": [1, 2]}', 0),  # an unhashable array name
    ('{"d": {"k": {"a": "7"}}}', 0),  # a missing array
    ('{"l": [' + ",".join(['{"v": 0}'] * 300_000) + "]}", 0),  # too many tiny nodes
    ('{"v": 1}', 10_050),  # too many members
], ids=["json-depth", "depth", "huge-int", "big-as-v", "bad-big", "unhashable", "missing",
        "tiny-nodes", "members"])
def test_forged_messages_are_codec_errors_within_bounds(tree, members):
    """Whatever a worker forges, decoding raises CodecError (the student's failed test),
    quickly and without building the forged structure."""
    data = _message(tree, members)
    started = time.monotonic()
    with pytest.raises(codec.CodecError):
        codec.decode(data)
    assert time.monotonic() - started < 2


def test_trusted_files_may_hold_more_nodes_than_a_reply():
    values = {f"key{i}": i for i in range(codec.MAX_NODES + 5_000)}
    data = codec.encode(values)
    with pytest.raises(codec.CodecError, match="nodes"):
        codec.decode(data)
    assert codec.decode(data, **codec.TRUSTED_LIMITS) == values


def _at_the_bounds() -> dict[str, bytes]:
    """Forged replies as costly as the bounds let through: every member referenced, every
    node a dictionary, a structure text of flat numbers, one of many short keys."""
    members, nodes, size = codec.MAX_MEMBERS, codec.MAX_NODES, codec.MAX_TREE_BYTES
    return {
        "members": _message('{"l": [' + ",".join(f'{{"a": "{i}"}}' for i in range(members))
                            + "]}", members),
        "nodes": _message('{"l": [' + ",".join(['{"v": 0}'] * (nodes - 1)) + "]}"),
        "flat numbers": _message('{"v": [' + ",".join(["0"] * (size // 2 - 8)) + "]}"),
        "keys": _message('{"d": {' + ",".join(f'"{i}": {{"v": 0}}' for i in range(nodes - 1))
                         + "}}"),
    }


@pytest.mark.parametrize("case", ["members", "nodes", "flat numbers", "keys"])
def test_a_forged_reply_at_the_bounds_costs_milliseconds(case):
    """A reply is decoded within its call's time limit (5 s, or 1 s at --time-scale 0.2):
    the bounds are checked before the work, so the costliest reply they let through takes
    tens of milliseconds (10,000 referenced members took 5 s; 8 MiB of numbers, 2 s)."""
    data = _at_the_bounds()[case]
    started = time.monotonic()
    try:
        codec.decode(data)
    except codec.CodecError:
        pass
    assert time.monotonic() - started < 0.5


def test_a_reply_with_one_bound_too_many_is_refused_before_it_is_read(monkeypatch):
    """Each bound is checked before the work it bounds: no member is read, no JSON parsed."""
    members, nodes = codec.MAX_MEMBERS, codec.MAX_NODES
    monkeypatch.setattr(codec, "_read_member", lambda *a: pytest.fail("a member was read"))
    with pytest.raises(codec.CodecError, match="members"):
        codec.decode(_message('{"v": 1}', members + 1))
    monkeypatch.undo()
    monkeypatch.setattr(codec.json, "loads", lambda *a: pytest.fail("the JSON was parsed"))
    with pytest.raises(codec.CodecError, match="nodes"):
        codec.decode(_message('{"l": [' + ",".join(['{"v": 0}'] * nodes) + "]}"))
    with pytest.raises(codec.CodecError, match="larger than"):
        codec.decode(_message('{"v": "' + "x" * codec.MAX_TREE_BYTES + '"}'))
