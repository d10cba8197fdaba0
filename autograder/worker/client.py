"""The grader's handle on one worker process: start it, send probes, enforce limits.

A ``WorkerProcess`` owns one process that has imported one module. Every call has a wall
time limit; past it the whole process group is killed and the next call starts a fresh
worker, so a hang costs one test, not the rest. Memory is capped inside the worker
(RLIMIT_DATA) and watched from outside (resident size), and every failure comes back as a
``CallOutcome`` with a category the report can explain. Nothing here raises because of
what the student did.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder import codec
from autograder.worker import channel
from autograder.worker.output import OutputCapture

_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
# The worker imports the grader's worker and probe code from the grader's copy, then takes
# that folder off sys.path again, so `import solutions` cannot work from student code.
_BOOT = (
    "import sys; sys.path.insert(0, {root!r}); "
    "import autograder.worker.main as m, autograder.probes.common; "
    "sys.path.remove({root!r}); m.main(int(sys.argv[1]), int(sys.argv[2]))"
)


@dataclass(frozen=True)
class Limits:
    """Resource limits for one worker; every breach is named in the test's output."""

    call_seconds: float = 10.0  #: wall time for one probe call
    import_seconds: float = 60.0  #: wall time to start Python and import the module
    memory_bytes: int = 4 * 2**30  #: private memory (RLIMIT_DATA) and resident size
    output_bytes: int = 16 * 2**10  #: student output kept per call (the rest is counted)
    reply_bytes: int = 256 * 2**20  #: largest reply the grader accepts
    file_bytes: int = 64 * 2**20  #: largest file the worker may write


@dataclass
class CallOutcome:
    """What one request to the worker produced."""

    ok: bool
    value: Any = None
    #: category, type, message, traceback; categories: not_implemented, exception,
    #: out_of_memory, exit, bad_result, timeout, crashed, protocol
    error: dict | None = None
    output: str = ""  #: what the student's code printed during the call (truncated)
    seconds: float = 0.0
    stage: str = "call"  #: "load" when the failure happened while importing the module


@dataclass
class WorkerProcess:
    """One worker process running ``module_path`` imported as ``module_name``."""

    module_name: str
    module_path: Path
    limits: Limits
    seed: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)
    _process: subprocess.Popen | None = field(default=None, init=False, repr=False)
    _request_fd: int = field(default=-1, init=False, repr=False)
    _reply_fd: int = field(default=-1, init=False, repr=False)
    _output: OutputCapture | None = field(default=None, init=False, repr=False)
    _load_outcome: CallOutcome | None = field(default=None, init=False, repr=False)
    _load_deadline: float = field(default=0.0, init=False, repr=False)

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> None:
        """Spawn the process and send the load request; the reply is read on first use."""
        self.stop()
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        output_read, output_write = os.pipe()
        cwd = self.module_path.parent
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-s", "-P", "-u", "-c", _BOOT.format(root=_PACKAGE_PARENT),
                 str(request_read), str(reply_write)],
                stdin=subprocess.DEVNULL, stdout=output_write, stderr=output_write,
                pass_fds=(request_read, reply_write), cwd=cwd,
                env=worker_environment(home=cwd, extra=self.extra_env),
                start_new_session=True,  # its own process group: one kill ends everything
            )
        finally:
            for fd in (request_read, reply_write, output_write):
                os.close(fd)
        self._request_fd, self._reply_fd = request_write, reply_read
        self._output = OutputCapture(output_read, self.limits.output_bytes)
        self._load_outcome = None
        self._load_deadline = time.monotonic() + self.limits.import_seconds
        self._send({"op": "load", "module_name": self.module_name,
                    "module_path": str(self.module_path), "seed": self.seed,
                    "memory_bytes": self.limits.memory_bytes,
                    "file_bytes": self.limits.file_bytes})

    def load(self) -> CallOutcome:
        """Wait for the import to finish (once per process); its outcome is cached."""
        if self._process is None:
            self.start()
        if self._load_outcome is None:
            started = time.monotonic()
            self._load_outcome = self._await_reply(
                self._load_deadline, "while importing the module", self.limits.import_seconds)
            self._load_outcome.seconds = time.monotonic() - started
        return self._load_outcome

    def run(self, probe: str, args: tuple, kwargs: dict, *, seed: int,
            seconds: float | None = None) -> CallOutcome:
        """Run one probe; restarts the worker first if an earlier call killed it."""
        if self._process is None or self._process.poll() is not None:
            self.start()
        loaded = self.load()
        if not loaded.ok:
            loaded.stage = "load"
            return loaded
        limit = seconds or self.limits.call_seconds
        started = time.monotonic()
        try:
            self._send({"op": "run", "probe": probe, "args": list(args), "kwargs": kwargs,
                        "seed": seed})
        except (BrokenPipeError, OSError):
            pass  # the worker died; _await_reply reports how
        outcome = self._await_reply(started + limit, "during the call", limit)
        outcome.seconds = time.monotonic() - started
        return outcome

    def stop(self) -> None:
        """Kill the worker's whole process group and close every pipe."""
        if self._process is not None:
            _kill_group(self._process)
            self._process = None
        for fd in (self._request_fd, self._reply_fd):
            if fd >= 0:
                os.close(fd)
        self._request_fd = self._reply_fd = -1
        if self._output is not None:
            self._output.close()
            self._output = None

    # -- internals ------------------------------------------------------------------
    def _send(self, message: dict) -> None:
        channel.send(self._request_fd, message)

    def _await_reply(self, deadline: float, what: str, limit: float) -> CallOutcome:
        watchdog = _MemoryWatchdog(self._process.pid, self.limits.memory_bytes)
        try:
            reply = channel.receive(self._reply_fd, deadline=deadline,
                                    max_bytes=self.limits.reply_bytes, on_wait=watchdog.check)
        except channel.ChannelTimeout:
            self._kill()
            return self._failure("timeout", f"timed out after {limit:g} s {what} "
                                 "(the worker was stopped; later tests still run)")
        except _OverMemory:
            self._kill()
            return self._failure("out_of_memory", "out of memory: used more than "
                                 f"{_gib(self.limits.memory_bytes)} (the worker was stopped)")
        except channel.ChannelClosed:
            code = self._kill(grace=1.0)
            return self._failure("crashed", _describe_exit(code, what))
        except (channel.MessageTooLarge, codec.CodecError) as error:
            self._kill()
            return self._failure("protocol", f"the worker sent an unusable reply: {error}")
        return self._outcome_from(reply)

    def _outcome_from(self, reply: Any) -> CallOutcome:
        output = self._output.take() if self._output else ""
        if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
            self._kill()
            return CallOutcome(False, error=_error("protocol", "the worker sent a reply "
                                                   "that is not a grader reply"), output=output)
        if reply["ok"]:
            return CallOutcome(True, value=reply.get("value"), output=output)
        error = reply.get("error")
        if not isinstance(error, dict):
            error = {}
        clean = {key: str(error.get(key, ""))[:8000]
                 for key in ("category", "type", "message", "traceback")}
        return CallOutcome(False, error=clean, output=output)

    def _failure(self, category: str, message: str) -> CallOutcome:
        output = self._output.take() if self._output else ""
        return CallOutcome(False, error=_error(category, message), output=output)

    def _kill(self, grace: float = 0.0) -> int | None:
        """Kill the process group (after ``grace`` seconds to exit on its own); returns the
        exit status for the report, None where the process had to be killed."""
        if self._process is None:
            return None
        try:
            code = self._process.wait(timeout=grace) if grace else None
        except subprocess.TimeoutExpired:
            code = None
        _kill_group(self._process)
        self._process = None
        return code


class _OverMemory(Exception):
    pass


class _MemoryWatchdog:
    """Polled while the grader waits: ends a worker whose resident size passes the limit."""

    def __init__(self, pid: int, limit: int) -> None:
        self._status = Path(f"/proc/{pid}/status")
        self._limit = limit

    def check(self) -> None:
        try:
            for line in self._status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    if int(line.split()[1]) * 1024 > self._limit:
                        raise _OverMemory
                    return
        except OSError:
            return


def worker_environment(*, home: Path, extra: dict[str, str]) -> dict[str, str]:
    """A small, fixed environment: nothing of the grader's leaks into student code."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "MPLBACKEND": "Agg",
        "KERAS_BACKEND": "tensorflow",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        # Fixed thread counts: the same arithmetic order, so the same result, every run.
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "TF_NUM_INTRAOP_THREADS": "1",
        "TF_NUM_INTEROP_THREADS": "1",
        "NVIDIA_TF32_OVERRIDE": "0",
    }
    for name in ("CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH", "TMPDIR"):
        if name in os.environ:
            env[name] = os.environ[name]
    env.update(extra)
    return env


def _kill_group(process: subprocess.Popen) -> int | None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        return process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        return None


def _describe_exit(code: int | None, what: str) -> str:
    if code is None:
        return f"the worker closed its reply channel {what} and was stopped"
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else -code
        hint = " (probably out of memory)" if code == -signal.SIGKILL else ""
        return f"the worker was killed by signal {name}{hint} {what}"
    return (f"the worker process ended with exit code {code} {what}: "
            "the code called exit(), os._exit() or crashed the interpreter")


def _error(category: str, message: str) -> dict:
    return {"category": category, "type": category, "message": message, "traceback": ""}


def _gib(n: int) -> str:
    return f"{n / 2**30:g} GiB"
