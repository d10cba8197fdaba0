"""Plain data across the trust boundary: NumPy arrays, numbers, text; never pickle.

Everything the worker sends back, every request sent to it, and every recorded expected
value uses one format: a ZIP archive of ``.npy`` members (the layout ``np.load`` reads as
an ``.npz``) with one extra member, ``__tree__.npy``, holding the structure as JSON text.

    {"a": ndarray, "b": [1, "x"]}  ->  __tree__: {"d": {"a": {"a": "0"}, "b": {"l": [...]}}}
                                       0.npy:    the array

Decoding uses ``np.load(..., allow_pickle=False)``, refuses object arrays, and checks the
declared sizes before reading anything, so a hostile worker can send wrong data but can
never make the grader execute code or exhaust its memory.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
from typing import Any

import numpy as np

# Bound when the grader's code is imported, before any student module: a submission that
# replaces these in the numpy module cannot change how its results are encoded.
_asarray, _frombuffer, _write_array = np.asarray, np.frombuffer, np.lib.format.write_array
_ndarray, _generic = np.ndarray, np.generic

#: dtype kinds that may cross the boundary: bool, signed, unsigned, float, unicode text.
ALLOWED_KINDS = frozenset("biufU")
#: Bounds on what decoding will do, whatever the bytes say: nesting, structure nodes
#: (every node is a JSON object, so a count of "{" bounds them), array members, and the
#: size of the structure text. All are checked before the work they bound is done: a
#: worker's reply is decoded within its call's time limit, so a forged one must cost
#: milliseconds, not seconds. The largest reply of the course's probes has 37 members and
#: about 1,200 nodes; these leave room for several times that.
MAX_DEPTH = 64
MAX_NODES = 20_000
MAX_MEMBERS = 256
MAX_TREE_BYTES = 2**20
#: for files the grader wrote itself (recorded values, a batch's reference cache)
TRUSTED_LIMITS = {"max_nodes": 10**7, "max_members": 10**6, "max_tree_bytes": 2**30}
#: Fixed member timestamps make the encoding byte-for-byte reproducible.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_TREE = "__tree__"


class CodecError(ValueError):
    """The bytes are not a well-formed message of this format (or break a size limit)."""


def encode(obj: Any) -> bytes:
    """Serialise ``obj`` (dicts with str keys, lists, tuples, scalars, str, None, arrays)."""
    arrays: list[np.ndarray] = []
    tree = _to_tree(obj, arrays)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        tree_text = json.dumps(tree, allow_nan=True, sort_keys=True)
        _write_member(archive, _TREE, _frombuffer(tree_text.encode(), dtype=np.uint8))
        for index, array in enumerate(arrays):
            _write_member(archive, str(index), array)
    return buffer.getvalue()


def decode(data: bytes, *, max_bytes: int = 512 * 2**20, max_nodes: int = MAX_NODES,
           max_members: int = MAX_MEMBERS, max_tree_bytes: int = MAX_TREE_BYTES) -> Any:
    """Rebuild the object from ``encode``'s bytes; raise ``CodecError`` on anything odd.

    Work and memory are bounded by the limits, whatever the bytes hold; no other
    exception escapes (a hostile worker's reply is only ever a failed test).
    """
    try:
        return _decode(data, max_bytes, max_nodes, max_members, max_tree_bytes)
    except CodecError:
        raise
    except (RecursionError, MemoryError, ValueError, TypeError, KeyError, IndexError,
            OverflowError, AttributeError, EOFError, OSError, zipfile.BadZipFile) as error:
        raise CodecError(f"unusable message ({type(error).__name__}: "
                         f"{str(error)[:200]})") from None


def _decode(data: bytes, max_bytes: int, max_nodes: int, max_members: int,
            max_tree_bytes: int) -> Any:
    if len(data) > max_bytes:
        raise CodecError(f"message of {len(data)} bytes exceeds the {max_bytes}-byte limit")
    # Counted before zipfile builds an object per member (200,000 members take seconds).
    if data.count(b"PK\x01\x02") > max_members + 1:
        raise CodecError(f"message has more than {max_members} members")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise CodecError(f"not a valid message archive: {error}") from None
    declared = sum(member.file_size for member in members)
    if declared > max_bytes:
        raise CodecError(f"message declares {declared} bytes, over the {max_bytes}-byte limit")
    names = {member.filename for member in members}
    if _TREE + ".npy" not in names:
        raise CodecError("message has no structure member")
    tree_info = archive.getinfo(_TREE + ".npy")
    if tree_info.file_size > max_tree_bytes:  # before it is read, let alone parsed
        raise CodecError(f"structure member is larger than {max_tree_bytes} bytes")
    tree_bytes = _read_member(archive, _TREE + ".npy")
    if tree_bytes.dtype != np.uint8 or tree_bytes.ndim != 1:
        raise CodecError("structure member has the wrong type")
    text = tree_bytes.tobytes()
    if text.count(b"{") > max_nodes:
        raise CodecError(f"structure has more than {max_nodes} nodes")
    try:
        tree = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CodecError(f"structure is not valid JSON: {error}") from None
    wanted = _array_names(tree)
    arrays = {name.removesuffix(".npy"): _read_member(archive, name)
              for name in names if name.removesuffix(".npy") in wanted}
    return _from_tree(tree, arrays, depth=0)


def _array_names(tree: Any) -> set[str]:
    """Names of the array members the structure refers to (only those are read)."""
    names, stack = set(), [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise CodecError("structure nested too deeply")
        if isinstance(node, dict):
            if isinstance(node.get("a"), str) and node["a"] != _TREE:
                names.add(node["a"])
            stack.extend((child, depth + 1) for child in node.values()
                         if isinstance(child, (dict, list)))
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node if isinstance(child, (dict, list)))
    return names


def fingerprint(obj: Any) -> str:
    """A stable SHA-256 of the object's content (structure, dtypes, shapes and bytes).

    Unlike ``encode``'s bytes this never depends on container details, so it keys recorded
    expected values: the same probe on the same inputs always gets the same key.
    """
    digest = hashlib.sha256()
    arrays: list[np.ndarray] = []
    tree = _to_tree(obj, arrays)
    digest.update(json.dumps(tree, allow_nan=True, sort_keys=True).encode())
    for array in arrays:
        digest.update(f"|{array.dtype.str}|{array.shape}|".encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _to_tree(obj: Any, arrays: list[np.ndarray]) -> Any:
    if obj is None or isinstance(obj, (bool, str)):
        return {"v": obj}
    if isinstance(obj, int):
        return {"v": obj} if abs(obj) < 2**53 else {"big": str(obj)}
    if isinstance(obj, float):
        return {"v": obj} if math.isfinite(obj) else {"f": repr(obj)}
    if isinstance(obj, (list, tuple)):
        return {"l" if isinstance(obj, list) else "t": [_to_tree(x, arrays) for x in obj]}
    if isinstance(obj, dict):
        if not all(isinstance(key, str) for key in obj):
            raise TypeError("dictionary keys must be strings")
        return {"d": {key: _to_tree(value, arrays) for key, value in obj.items()}}
    if isinstance(obj, (_ndarray, _generic)):
        array = _asarray(obj)
        if array.dtype.kind not in ALLOWED_KINDS:
            raise TypeError(f"arrays of dtype {array.dtype} cannot be sent")
        arrays.append(array)
        return {"a": str(len(arrays) - 1), "s": isinstance(obj, np.generic)}
    raise TypeError(f"objects of type {type(obj).__name__} cannot be sent")


def _from_tree(node: Any, arrays: dict[str, np.ndarray], depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise CodecError("structure nested too deeply")
    if not isinstance(node, dict) or len(node) not in (1, 2):
        raise CodecError("malformed structure node")
    if "v" in node:
        value = node["v"]
        if value is not None and not isinstance(value, (bool, int, float, str)):
            raise CodecError("malformed scalar")
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**53:
            raise CodecError("malformed integer")  # encode() writes these as "big"
        return value
    if "f" in node:
        if node["f"] not in ("nan", "inf", "-inf"):
            raise CodecError("malformed special float")
        return float(node["f"])
    if "big" in node:
        text = node["big"]
        if not isinstance(text, str) or not text.lstrip("-").isdigit() or len(text) > 400:
            raise CodecError("malformed big integer")
        return int(text)
    if "l" in node or "t" in node:
        items = node.get("l", node.get("t"))
        if not isinstance(items, list):
            raise CodecError("malformed list")
        values = [_from_tree(item, arrays, depth + 1) for item in items]
        return values if "l" in node else tuple(values)
    if "d" in node:
        if not isinstance(node["d"], dict):
            raise CodecError("malformed dictionary")
        if any(not isinstance(k, str) for k in node["d"]):  # JSON keys are; defensive
            raise CodecError("malformed dictionary key")
        return {str(k): _from_tree(v, arrays, depth + 1) for k, v in node["d"].items()}
    if "a" in node:
        name = node["a"]
        if not isinstance(name, str) or name not in arrays:
            raise CodecError(f"structure names a missing array {name!r}")
        array = arrays[name]
        return array[()] if node.get("s") and array.ndim == 0 else array
    raise CodecError("unknown structure node")


def _write_member(archive: zipfile.ZipFile, name: str, array: np.ndarray) -> None:
    info = zipfile.ZipInfo(name + ".npy", date_time=_ZIP_DATE)
    with archive.open(info, "w", force_zip64=True) as member:
        _write_array(member, _asarray(array), allow_pickle=False)


def _read_member(archive: zipfile.ZipFile, name: str) -> np.ndarray:
    try:
        raw = archive.read(name)
        stream = io.BytesIO(raw)
        version = np.lib.format.read_magic(stream)
        read_header = {
            (1, 0): np.lib.format.read_array_header_1_0,
            (2, 0): np.lib.format.read_array_header_2_0,
        }.get(version)
        if read_header is None:
            raise CodecError(f"array member {name!r} has unsupported format {version}")
        shape, _, dtype = read_header(stream)
        if dtype.kind not in ALLOWED_KINDS or dtype.hasobject:
            raise CodecError(f"array member {name!r} has forbidden dtype {dtype}")
        # Check the declared size against the bytes present before anything is allocated.
        if math.prod(shape) * dtype.itemsize > len(raw):
            raise CodecError(f"array member {name!r} declares more data than it holds")
        stream.seek(0)
        return np.lib.format.read_array(stream, allow_pickle=False)
    except CodecError:
        raise
    except (ValueError, OSError, zipfile.BadZipFile, EOFError, KeyError) as error:
        raise CodecError(f"array member {name!r} is not readable: {error}") from None
