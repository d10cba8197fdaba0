"""The worker process: imports one student (or reference) module and runs probes on it.

This is the only place student code runs. It reads requests from one pipe and writes
replies to another; the student's prints go to stdout/stderr, which the grader drains
separately. Nothing here is trusted by the grader: a reply is plain data that the grader
validates, and a worker that exits, hangs or lies only loses its own marks.

Requests:
    {"op": "load", "module_name", "module_path", "memory_bytes", "file_bytes", "cpu_seconds",
     "sandbox": None | {"hide": [paths], "uid": int | None}}
    {"op": "run", "probe": "autograder.probes.<module>:<function>", "args", "kwargs", "seed"}
Replies:
    {"ok": True, "value": <plain data>}
    {"ok": False, "error": {"category", "type", "message", "traceback"}}
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import traceback
from pathlib import Path
from types import ModuleType

from autograder.worker import channel, determinism, limits
from autograder.worker.lifetime import die_with_parent

PROBE_PACKAGE = "autograder.probes."
#: reference-only probes that would give answers away live with the suites, which no
#: student's worker can see (see hidden_inside_allowed)
HIDDEN_PROBES = "autograder.suites."


class Worker:
    """State of one worker process: the loaded module and where its source lives."""

    def __init__(self) -> None:
        self.module: ModuleType | None = None
        self.source_dir: Path | None = None

    def handle(self, request: dict) -> dict:
        if request.get("op") == "load":
            return self.load(request)
        if request.get("op") == "run":
            return self.run(request)
        return _failure("protocol", "ProtocolError", f"unknown request {request.get('op')!r}")

    def load(self, request: dict) -> dict:
        path = Path(request["module_path"])
        if request.get("sandbox") is not None:
            from autograder.worker import sandbox, seccomp

            sandbox.enter(scratch=str(path.parent), allow=worker_side_folders(path.parent),
                          hide=[*request["sandbox"]["hide"], *hidden_inside_allowed()],
                          uid=request["sandbox"]["uid"])
            # Namespaced or not: the kernel objects no namespace covers (keyrings, memfd,
            # inotify, locks, sockets) are refused from here on. The grader checks from
            # outside that the filter is in place.
            seccomp.install()
        limits.apply(memory_bytes=request["memory_bytes"], file_bytes=request["file_bytes"],
                     cpu_seconds=request.get("cpu_seconds"))
        self.source_dir = path.parent
        # Appended, not prepended: the submission may add helper modules of its own,
        # but can never shadow numpy, keras or the standard library.
        sys.path.append(str(self.source_dir))
        try:
            spec = importlib.util.spec_from_file_location(request["module_name"], path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[request["module_name"]] = module
            determinism.seed_everything(request.get("seed", 0))
            spec.loader.exec_module(module)
        except BaseException as error:  # noqa: BLE001 - any failure is reported, not raised
            return self._error_reply(error)
        finally:
            _flush_output()
        self.module = module
        determinism.configure_frameworks()
        return {"ok": True, "value": {"loaded": True}}

    def run(self, request: dict) -> dict:
        if self.module is None:
            return _failure("protocol", "ProtocolError", "run before a successful load")
        try:
            probe = _resolve_probe(request["probe"])
            determinism.configure_frameworks()
            determinism.seed_everything(request["seed"])
            value = probe(self.module, *request.get("args", ()), **request.get("kwargs", {}))
        except BaseException as error:  # noqa: BLE001 - student code may raise anything
            return self._error_reply(error)
        finally:
            _flush_output()
        return {"ok": True, "value": value}

    def _error_reply(self, error: BaseException) -> dict:
        return {"ok": False, "error": describe_error(error, self.source_dir)}


def worker_side_folders(scratch: Path) -> list[str]:
    """What a sandboxed worker may read besides its scratch folder: the Python installation,
    the grader's package and data/. A path entry that would show more (the course folder,
    the folder of all submissions, "/") is left out, and so is one inside the course
    (solutions/, tests/), unless it lies in the grader's virtual environment: a TA's
    ``.venv`` in the checkout holds the packages the worker imports, and nothing of the
    course."""
    from autograder import paths as grader_paths

    root = os.path.realpath(grader_paths.ROOT)
    allowed = [os.path.realpath(grader_paths.PACKAGE), os.path.realpath(grader_paths.DATA)]
    private = [root, os.path.realpath(scratch)]
    # The grader's own folders inside the course; its venv, unless that holds the course.
    environment = os.path.realpath(sys.prefix)
    holds_private = any(_within(p, environment) for p in private)
    own = [*allowed] if holds_private else [*allowed, environment]
    for path in [sys.base_prefix, sys.prefix, *[p for p in sys.path if p]]:
        real = os.path.realpath(path)
        shows_private = real == "/" or any(_within(p, real) for p in private)
        inside_course = _within(real, root) and not any(_within(real, a) for a in own)
        if not shows_private and not inside_course:
            allowed.append(real)
    return allowed


def hidden_inside_allowed() -> list[str]:
    """Folders of the grader's package a student's worker must not see: the grading
    suites (hidden tests and hidden reference code)."""
    from autograder import paths as grader_paths

    return [str(grader_paths.SUITES)]


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def describe_error(error: BaseException, source_dir: Path | None) -> dict:
    """Turn an exception into plain data, keeping only the frames of the student's files."""
    from autograder.probes.convert import BadResult

    if isinstance(error, NotImplementedError):
        category = "not_implemented"
    elif isinstance(error, MemoryError):
        category = "out_of_memory"
    elif isinstance(error, SystemExit):
        category = "exit"
    elif isinstance(error, BadResult):
        category = "bad_result"
    else:
        category = "exception"
    frames = traceback.extract_tb(error.__traceback__)
    if source_dir is not None:
        frames = [f for f in frames if Path(f.filename).parent == source_dir]
    if isinstance(error, SyntaxError) and error.filename:
        # The interpreter's own report: file, line, the offending text and a caret.
        detail = "".join(traceback.format_exception_only(type(error), error))
        detail = detail.replace(str(source_dir) + os.sep, "") if source_dir else detail
        message = detail.strip()
    else:
        message = _safe_str(error)
    for frame in frames:  # the student knows their file by name, not by our scratch path
        frame.filename = Path(frame.filename).name
    return {
        "category": category,
        "type": type(error).__name__,
        "message": message,
        # The end of it, bounded as the message is: a reply stays far inside the codec's
        # bounds however long the student's source lines are.
        "traceback": "".join(traceback.format_list(frames[-6:]))[-8000:],
    }


def _safe_str(error: BaseException) -> str:
    try:
        text = str(error)
    except BaseException:  # noqa: BLE001 - a hostile __str__ must not break the reply
        text = "<the exception's message could not be turned into text>"
    if isinstance(error, SystemExit):
        text = f"called sys.exit({text})"
    return text[:4000]


def _failure(category: str, kind: str, message: str) -> dict:
    return {"ok": False, "error": {"category": category, "type": kind, "message": message,
                                   "traceback": ""}}


def _resolve_probe(name: str):
    module_name, _, function_name = name.partition(":")
    if not module_name.startswith((PROBE_PACKAGE, HIDDEN_PROBES)) \
            or not function_name.isidentifier():
        raise ValueError(f"not a probe: {name!r}")
    return getattr(importlib.import_module(module_name), function_name)


def _flush_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001 - the student may have replaced or closed it
            pass


def main(request_fd: int, reply_fd: int) -> None:
    """Serve requests until the grader closes the request pipe."""
    die_with_parent()  # a killed grader must not leave a student's endless loop running
    worker = Worker()
    while True:
        try:
            request = channel.receive(request_fd)
        except channel.ChannelClosed:
            break
        reply = worker.handle(request)
        try:
            channel.send(reply_fd, reply)
        except TypeError as error:  # the probe returned something that is not plain data
            channel.send(reply_fd, _failure("bad_result", "BadResult", str(error)))
    os._exit(0)  # skip interpreter shutdown: student threads and atexit hooks cannot delay us


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
