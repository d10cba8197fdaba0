"""The grader's handle on one worker process: start it, send probes, enforce limits.

A ``WorkerProcess`` owns one process that has imported one module. Every call has a
limit on the CPU time the worker uses (``cputime``: all its threads and processes), so a
busy machine costs no points, and a wall-clock cap ``WALL_CAP_FACTOR`` times longer for a
call that sleeps or blocks; past either, the whole process group is killed and the next
call starts a fresh worker, so a hang costs one test, not the rest. Memory is capped
inside the worker (RLIMIT_DATA) and watched from outside (resident size), and every
failure comes back as a ``CallOutcome`` with a category the report can explain. Nothing
here raises because of what the student did.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograder import codec, paths
from autograder.errors import UsageError
from autograder.worker import channel, cputime
from autograder.worker.cputime import TreeClock
from autograder.worker.output import OutputCapture
from autograder.worker.zygote import ForkedProcess, Zygote

if TYPE_CHECKING:
    from autograder.budget import Budget

_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
# The worker imports the grader's worker and probe code from the grader's copy, then takes
# that folder off sys.path again, so `import solutions` cannot work from student code.
_BOOT = (
    "import sys; sys.path.insert(0, {root!r}); "
    "import autograder.worker.main as m, autograder.probes.common; "
    "sys.path.remove({root!r}); m.main(int(sys.argv[1]), int(sys.argv[2]))"
)
_ZYGOTE_BOOT = (
    "import sys; sys.path.insert(0, {root!r}); import autograder.worker.zygote as z; "
    "sys.path.remove({root!r}); z.serve(int(sys.argv[1]))"
)
_PYTHON = [sys.executable, "-s", "-P", "-u", "-c"]
#: A call's wall-clock cap, in multiples of its CPU-time limit: long enough for a correct
#: call on a machine shared with 15 busy processes per core pair (it gets an eighth of a
#: core, and correct calls use a small part of their limit), short enough that a call
#: that sleeps or blocks, and so uses no CPU time, is still stopped.
WALL_CAP_FACTOR = 5.0


def wall_cap(cpu_seconds: float) -> float:
    """The wall-clock cap of a call that may use ``cpu_seconds`` of CPU time: the limit
    itself where CPU time cannot be measured (no /proc: macOS), as before CPU time."""
    return (WALL_CAP_FACTOR if cputime.AVAILABLE else 1.0) * cpu_seconds


@dataclass(frozen=True)
class Limits:
    """Resource limits for one worker; every breach is named in the test's output."""

    #: CPU time for one probe call (the wall-clock cap is WALL_CAP_FACTOR times it)
    call_seconds: float = 10.0
    import_seconds: float = 60.0  #: CPU time to import the module (and the same cap)
    memory_bytes: int = 4 * 2**30  #: private memory (RLIMIT_DATA) and resident size
    output_bytes: int = 16 * 2**10  #: student output kept per call (the rest is counted)
    reply_bytes: int = 256 * 2**20  #: largest reply the grader accepts
    file_bytes: int = 64 * 2**20  #: largest file the worker may write
    cpu_seconds: float = 1800.0  #: CPU time over the worker's whole life (all threads)


@dataclass
class CallOutcome:
    """What one request to the worker produced."""

    ok: bool
    value: Any = None
    #: category, type, message, traceback; categories: not_implemented, exception,
    #: out_of_memory, exit, bad_result, timeout, crashed, protocol
    error: dict | None = None
    output: str = ""  #: what the student's code printed during the call (truncated)
    seconds: float = 0.0  #: wall time
    cpu_seconds: float = 0.0  #: CPU time of the worker's threads and processes
    stage: str = "call"  #: "load" when the failure happened while importing the module


@dataclass
class WorkerProcess:
    """One worker process running ``module_path`` imported as ``module_name``."""

    module_name: str
    module_path: Path
    limits: Limits
    seed: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)
    #: None (trusted code: the reference) or {"hide": [paths]}: isolate the worker
    sandbox: dict | None = None
    _uid: int | None = field(default=None, init=False, repr=False)
    _process: subprocess.Popen | None = field(default=None, init=False, repr=False)
    _request_fd: int = field(default=-1, init=False, repr=False)
    _reply_fd: int = field(default=-1, init=False, repr=False)
    _output: OutputCapture | None = field(default=None, init=False, repr=False)
    _load_outcome: CallOutcome | None = field(default=None, init=False, repr=False)
    _load_deadline: float = field(default=0.0, init=False, repr=False)
    _clock: TreeClock | None = field(default=None, init=False, repr=False)
    _isolation: list[str] = field(default_factory=list, init=False, repr=False)

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> None:
        """Spawn the process and send the load request; the reply is read on first use."""
        self.stop()
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        output_read, output_write = os.pipe()
        cwd = self.module_path.parent
        env = worker_environment(home=cwd, extra=self.extra_env)
        zygote = start_zygote()
        try:
            if zygote is not None:  # a fork of a process that has TensorFlow imported
                pid = zygote.spawn(fds=(request_read, reply_write, output_write),
                                   cwd=str(cwd), env=env)
                self._process = ForkedProcess(zygote, pid)
            else:
                self._process = subprocess.Popen(
                    [*_PYTHON, _BOOT.format(root=_PACKAGE_PARENT),
                     str(request_read), str(reply_write)],
                    stdin=subprocess.DEVNULL, stdout=output_write, stderr=output_write,
                    pass_fds=(request_read, reply_write), cwd=cwd, env=env,
                    start_new_session=True,  # its own process group: one kill ends all
                )
        finally:
            for fd in (request_read, reply_write, output_write):
                os.close(fd)
        _LIVE_WORKERS.add(self._process.pid)
        self._clock = TreeClock(self._process.pid)
        self._request_fd, self._reply_fd = request_write, reply_read
        self._output = OutputCapture(output_read, self.limits.output_bytes)
        self._load_outcome = None
        self._load_deadline = time.monotonic() + wall_cap(self.limits.import_seconds)
        sandbox = None
        if self.sandbox is not None:
            # The worker copies the scratch folder into a tmpfs of its own: the grader
            # never gives it (or later walks) a folder on disk.
            self._uid = _private_uid(self._process.pid) if os.geteuid() == 0 else None
            sandbox = {"hide": [str(p) for p in self.sandbox["hide"]], "uid": self._uid}
        self._send({"op": "load", "module_name": self.module_name,
                    "module_path": str(self.module_path), "seed": self.seed,
                    "memory_bytes": self.limits.memory_bytes,
                    "file_bytes": self.limits.file_bytes,
                    "cpu_seconds": self.limits.cpu_seconds, "sandbox": sandbox})

    def load(self, budget: Budget | None = None) -> CallOutcome:
        """Wait for the import to finish (once per process); its outcome is cached.
        ``budget`` (the submission's) is charged the import's CPU time, and its wall-clock
        cap ends the wait too (a failure of type "budget_wall")."""
        if self._process is None:
            self.start()
        if self._load_outcome is None:
            started = time.monotonic()
            deadline, by_budget = self._load_deadline, False
            if budget is not None and started + budget.wall_left() < deadline:
                deadline, by_budget = started + max(0.0, budget.wall_left()), True
            self._load_outcome = self._await_reply(
                deadline, "while importing the module", self.limits.import_seconds,
                wall_cap(self.limits.import_seconds), from_start=True, by_budget=by_budget,
                # the import's CPU time counts, but its own limit ends it, not the budget's
                charge=budget and (lambda seconds: budget.charge(seconds) or True))
            self._load_outcome.seconds = time.monotonic() - started
            if self.sandbox is not None:
                # Measured whatever the import did: a worker that ended itself before the
                # grader could look at it is not confirmed isolated, never called isolated.
                alive = self._process is not None and self._process.poll() is None
                self._isolation = isolation_facts(self._process.pid) if alive \
                    else [UNCONFIRMED]
        return self._load_outcome

    def run(self, probe: str, args: tuple, kwargs: dict, *, seed: int,
            seconds: float | None = None, wall_seconds: float | None = None,
            budget: Budget | None = None) -> CallOutcome:
        """Run one probe; restarts the worker first if an earlier call killed it.

        ``seconds`` is the call's CPU-time limit (default ``limits.call_seconds``),
        ``wall_seconds`` its wall-clock cap (default ``wall_cap(seconds)``). ``budget``
        (the submission's, ``autograder.budget``) is charged the CPU time the call uses
        while it runs; the call stops when the budget is spent (a failure of type
        "budget") or its wall-clock cap is reached ("budget_wall")."""
        if self._process is None or self._process.poll() is not None:
            self.start()
        loaded = self.load(budget)
        if not loaded.ok:
            loaded.stage = "load"
            return loaded
        limit = seconds or self.limits.call_seconds
        cap, by_budget = wall_seconds or wall_cap(limit), False
        if budget is not None and budget.wall_left() < cap:
            cap, by_budget = max(0.0, budget.wall_left()), True
        started = time.monotonic()
        try:
            self._send({"op": "run", "probe": probe, "args": list(args), "kwargs": kwargs,
                        "seed": seed})
        except (BrokenPipeError, OSError):
            pass  # the worker died; _await_reply reports how
        outcome = self._await_reply(started + cap, "during the call", limit, cap,
                                    charge=budget and budget.charge, by_budget=by_budget)
        outcome.seconds = time.monotonic() - started
        return outcome

    def isolation_notes(self) -> list[str]:
        """What the sandbox could not do on this machine (empty when fully isolated), as
        the grader measured it from outside; nothing the worker says counts."""
        return list(self._isolation)

    def stop(self) -> None:
        """Kill the worker's whole process group and close every pipe."""
        if self._process is not None:
            _kill_group(self._process)
            self._process = None
        _kill_strays()
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

    def _await_reply(self, deadline: float, what: str, limit: float, cap: float, *,
                     charge: Callable[[float], bool] | None = None,
                     from_start: bool = False, by_budget: bool = False) -> CallOutcome:
        """The reply, or the failure that ended the wait: past ``limit`` seconds of CPU
        time (since now, or since the worker started), past ``deadline`` (the wall-clock
        cap of ``cap`` seconds, or the budget's where ``by_budget``), the budget spent
        (``charge`` said so), too much memory, a crash or an unusable reply."""
        watch = _Watch(self._process.pid, self.limits.memory_bytes, self._clock, limit, charge,
                       since=0.0 if from_start else None)
        failure: Exception | None = None
        try:
            reply = channel.receive(self._reply_fd, deadline=deadline,
                                    max_bytes=self.limits.reply_bytes, on_wait=watch.check)
        except Exception as error:  # noqa: BLE001 - sorted out below, once the clock is read
            failure = error
        used = watch.settle()  # before a kill: a tree that is gone cannot be read
        outcome = self._outcome_from(reply) if failure is None \
            else self._explain(failure, what, limit, cap, used, by_budget)
        outcome.cpu_seconds = used
        return outcome

    def _explain(self, failure: Exception, what: str, limit: float, cap: float,
                 used: float, by_budget: bool) -> CallOutcome:
        """The failed outcome for what ended a wait; the worker is stopped."""
        if isinstance(failure, channel.ChannelClosed):
            return self._failure("crashed", _describe_exit(self._kill(grace=1.0), what))
        self._kill()
        stopped = "the worker was stopped; later tests still run"
        if isinstance(failure, _OverCpu):
            return self._failure("timeout", f"timed out: used more than {limit:g} s of CPU "
                                 f"time {what} (all its threads and processes together; "
                                 f"{stopped})", kind="cpu_time")
        if isinstance(failure, channel.ChannelTimeout) and by_budget:
            return self._failure("timeout", "the wall-clock cap of the submission's time "
                                 f"budget was reached {what}", kind="budget_wall")
        if isinstance(failure, channel.ChannelTimeout):
            return self._failure("timeout", f"timed out: did not finish within the "
                                 f"wall-clock cap of {cap:g} s {what}, having used {used:.1f} "
                                 f"s of its {limit:g} s of CPU time (code that sleeps or waits "
                                 f"uses none; {stopped})", kind="wall_clock")
        if isinstance(failure, _BudgetSpent):
            return self._failure("timeout", "the submission's CPU-time budget was spent "
                                 f"{what}", kind="budget")
        if isinstance(failure, _OverMemory):
            return self._failure("out_of_memory", "out of memory: used more than "
                                 f"{memory_size(self.limits.memory_bytes)} (the worker was "
                                 "stopped)")
        if isinstance(failure, (channel.MessageTooLarge, codec.CodecError)):
            return self._failure("protocol", f"the worker sent an unusable reply: {failure}")
        # whatever it sent, it is the student's failure
        return self._failure("protocol", "the worker sent an unusable reply "
                             f"({type(failure).__name__})")

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

    def _failure(self, category: str, message: str, kind: str = "") -> CallOutcome:
        output = self._output.take() if self._output else ""
        return CallOutcome(False, error=_error(category, message, kind), output=output)

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
        _kill_strays()
        return code


class _OverMemory(Exception):
    pass


class _OverCpu(Exception):
    pass


class _BudgetSpent(Exception):
    pass


class _Watch:
    """Polled while the grader waits (about every 50 ms): ends a worker whose resident
    size passes the memory limit, or whose CPU time passes the call's limit or the
    budget (``charge`` is told each bit of CPU time the call used)."""

    def __init__(self, pid: int, memory: int, clock: TreeClock | None, cpu_limit: float,
                 charge: Callable[[float], bool] | None, since: float | None = None) -> None:
        self._pid, self._limit = pid, memory
        self._clock, self._cpu_limit, self._charge = clock, cpu_limit, charge
        if since is None:
            since = clock.used() if clock is not None else 0.0
        self._start = self._charged = since
        self._budget_left = True

    def check(self) -> None:
        self._check_memory()
        if self.settle() > self._cpu_limit:
            raise _OverCpu
        if self._charge is not None and not self._budget_left:
            raise _BudgetSpent

    def settle(self) -> float:
        """The CPU time the call used so far, charged to the budget."""
        if self._clock is None:
            return 0.0
        now = self._clock.used()
        self._budget_left = True
        if self._charge is not None:
            self._budget_left = self._charge(now - self._charged)
        self._charged = now
        return now - self._start

    def _check_memory(self) -> None:
        try:
            status = Path(f"/proc/{student_process(self._pid)}/status")
            for line in status.read_text().splitlines():
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
    # TF_ENABLE_ONEDNN_OPTS: the machine's choice of CPU kernels (CI runs the suite with
    # oneDNN off too, to prove that nothing depends on one set of kernels' rounding).
    for name in ("CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH", "TMPDIR", "TF_ENABLE_ONEDNN_OPTS"):
        if name in os.environ:
            env[name] = os.environ[name]
    try:  # the worker runs in the submission's folder: name the course (its data/) outright
        env[paths.COURSE_VARIABLE] = str(paths.course_root())
    except UsageError:
        pass
    env.update(extra)
    return env


def _kill_group(process: subprocess.Popen | ForkedProcess) -> int | None:
    _LIVE_WORKERS.discard(process.pid)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        return process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        return None


#: pids of the workers alive now, in this grader process
_LIVE_WORKERS: set[int] = set()
#: set by become_subreaper: this process's children are all workers or their orphans
_SUBREAPER: list[bool] = [False]


def _private_uid(pid: int) -> int:
    """A user id no other live worker has: nothing it starts can touch another worker's
    files or processes, and everything it leaves behind can be found by its owner."""
    return 100_000 + pid


def student_process(pid: int) -> int | None:
    """The process that runs student code: in a sandbox the worker ``pid`` waits for the
    init of a new pid namespace, whose first child it is; otherwise ``pid`` itself.

    Where the grader cannot read the child's namespace (no root, a user namespace), the
    child is taken for the sandbox's init: its first child is then measured, and its
    namespaces, unreadable too, are reported as not confirmed; never the outer process's
    as if they were the student's. None where no such process is found."""
    init = _first_child(pid)
    if init is None:
        return pid  # no child at all: no sandbox
    if _namespace(init) is not None and _namespace(init) == _namespace(pid):
        return pid  # no sandbox: a child is something the student started
    return _first_child(init)


def _first_child(pid: int) -> int | None:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    return int(children[0]) if children else None


def _namespace(pid: int | str, kind: str = "pid") -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/ns/{kind}")
    except OSError:
        return None


#: what a worker sharing each namespace with the grader could do
_SHARED_NAMESPACE = {
    "mnt": "read every file the grader's user can (solutions, other submissions)",
    "pid": "see and signal the grader's processes, and leave processes behind",
    "net": "use the network",
    "ipc": "keep System V shared memory after it ends",
}


UNCONFIRMED = "the grader could not inspect the worker process to confirm its isolation"


def isolation_facts(pid: int) -> list[str]:
    """What the worker ``pid`` is not isolated from, read from /proc by the grader."""
    target = student_process(pid)
    notes = []
    try:
        if target is None:
            raise OSError("the sandbox's processes could not be read")
        status = Path(f"/proc/{target}/status").read_text()
        uid = int(status.split("Uid:")[1].split()[1])  # effective
    except (OSError, IndexError, ValueError):
        return [UNCONFIRMED]
    if uid == os.geteuid():
        notes.append("the worker ran as the grader's own user id")
    if not _filtered(status):
        notes.append("the worker had no system-call filter: keyrings, memfd, inotify, file "
                     "locks and sockets were open to it (channels between students)")
    for kind, could in _SHARED_NAMESPACE.items():
        theirs = _namespace(target, kind)
        if theirs is None:
            notes.append(f"the grader could not confirm the worker's own {kind} namespace")
        elif theirs == _namespace("self", kind):
            notes.append(f"the worker could {could}")
    return notes


def _status_fields(text: str) -> dict[str, str]:
    """The fields of a /proc/PID/status text, by name ("PPid" -> "1")."""
    return {key: value.strip() for key, _, value in
            (line.partition(":") for line in text.splitlines())}


def _filtered(status: str) -> bool:
    """Does /proc/PID/status show a seccomp filter more than the grader itself runs under
    (a container's own filter is no filter of ours)?"""
    theirs = _status_fields(status)
    try:
        ours = _status_fields(Path("/proc/self/status").read_text())
    except OSError:
        return False
    if theirs.get("Seccomp") != "2":
        return False
    if "Seccomp_filters" in theirs and "Seccomp_filters" in ours:
        return int(theirs["Seccomp_filters"]) > int(ours["Seccomp_filters"])
    return ours.get("Seccomp") != "2"


def _zygote_pid() -> int | None:
    return Zygote._shared.pid if Zygote._shared is not None else None


def start_zygote() -> Zygote | None:
    """This process's zygote, started now if it is not running yet (None where it cannot
    run)."""
    return Zygote.shared([*_PYTHON, _ZYGOTE_BOOT.format(root=_PACKAGE_PARENT)],
                         worker_environment(home=Path(tempfile.gettempdir()), extra={}))


def become_subreaper() -> None:
    """Make orphans of our workers (double-forked daemons) our children, so that
    ``_kill_strays`` ends them even when the grader is not root."""
    if sys.platform.startswith("linux"):
        import ctypes

        if ctypes.CDLL(None).prctl(36, 1, 0, 0, 0) == 0:  # PR_SET_CHILD_SUBREAPER
            _SUBREAPER[0] = True


def _kill_strays() -> None:
    """End what a stopped worker without a pid namespace left behind: children of ours that
    are no live worker (orphans adopted as subreaper). A sandboxed worker needs none of
    this: its namespace ends with it, and everything in it."""
    if not _SUBREAPER[0]:
        return
    me = os.getpid()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            pid = int(status.parent.name)
            fields = _status_fields(status.read_text())
            adopted = int(fields["PPid"]) == me and pid not in _LIVE_WORKERS \
                and pid != _zygote_pid()
        except (OSError, ValueError, KeyError):
            continue
        if adopted:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, os.WNOHANG)
            except OSError:
                pass


def _describe_exit(code: int | None, what: str) -> str:
    if code is None:
        return f"the worker closed its reply channel {what} and was stopped"
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else -code
        hint = " (probably out of memory)" if code == -signal.SIGKILL else ""
        if code == -signal.SIGXCPU:
            return f"CPU time limit exceeded {what}: the code used too much CPU time"
        return f"the worker was killed by signal {name}{hint} {what}"
    return (f"the worker process ended with exit code {code} {what}: "
            "the code called exit(), os._exit() or crashed the interpreter")


def _error(category: str, message: str, kind: str = "") -> dict:
    """A failure the grader saw; ``kind`` (default: the category) says which limit: for a
    timeout "cpu_time", "wall_clock", "budget" or "budget_wall"."""
    return {"category": category, "type": kind or category, "message": message,
            "traceback": ""}


def memory_size(n: int) -> str:
    """4 GiB, 400 MiB: a memory size as people write it."""
    return f"{n / 2**30:g} GiB" if n >= 2**30 else f"{n / 2**20:g} MiB"
