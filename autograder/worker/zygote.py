"""One process imports TensorFlow once; every worker is forked from it.

Importing TensorFlow and Keras takes seconds; a grading run starts a worker per student
module and per reference. The zygote pays the import once per grading run and forks a
worker in milliseconds. It runs no TensorFlow op before forking (forking a process whose
TensorFlow runtime has started is unsafe), and it runs only grader code: each child closes
the zygote's control socket before it loads anything else.

    grader ──control socket (JSON + 3 pipe descriptors)──> zygote ──fork──> worker

The grader gets back the worker's pid; it asks the zygote for exit statuses, since only a
process's parent can collect them. When the zygote cannot start (no TensorFlow, an old
kernel), workers are started as plain subprocesses instead: slower, equally isolated.
"""

from __future__ import annotations

import array
import atexit
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

from autograder.worker.cleanup import remove_tree

MAX_MESSAGE = 1 << 16
#: the zygote's HOME, a temp folder named after the grader's pid
HOME_PREFIX = "autograder-zygote-"


class Zygote:
    """The grader's handle on its zygote (one per grader process, started on first use)."""

    _shared: Zygote | None = None
    _failed = False
    _lock = threading.Lock()

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        _remove_stale_homes()
        self._home = tempfile.mkdtemp(prefix=f"{HOME_PREFIX}{os.getpid()}-")
        atexit.register(remove_tree, self._home)
        env = dict(env, HOME=self._home)
        self._process = subprocess.Popen([*command, str(theirs.fileno())],
                                         pass_fds=(theirs.fileno(),), env=env,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, start_new_session=True)
        theirs.close()
        self._socket = ours
        self._socket.settimeout(120)  # the first reply waits for TensorFlow's import
        ready = self._receive()
        if ready.get("ready") is not True:
            raise OSError(f"the zygote did not start: {ready}")
        self._socket.settimeout(30)

    @property
    def pid(self) -> int:
        return self._process.pid

    @classmethod
    def shared(cls, command: list[str], env: dict[str, str]) -> Zygote | None:
        """The process-wide zygote, started now if needed; None where it cannot run."""
        with cls._lock:
            if cls._shared is None and not cls._failed \
                    and os.environ.get("AUTOGRADER_NO_ZYGOTE") != "1":
                try:
                    cls._shared = Zygote(command, env)
                except (OSError, ValueError):
                    cls._failed = True
            return cls._shared

    @classmethod
    def stop_shared(cls) -> None:
        """End this process's zygote (and with it every worker it forked) and remove its
        HOME: for a process that leaves by ``os._exit``, where exit handlers do not run."""
        with cls._lock:
            zygote, cls._shared = cls._shared, None
        if zygote is not None:
            zygote._socket.close()
            zygote._process.kill()
            zygote._process.wait()
            remove_tree(zygote._home)

    @classmethod
    def disown(cls) -> None:
        """In a process forked from a grader: forget the grader's zygote, whose control
        socket carries the grader's own conversation (two talkers would mix up each other's
        replies); this process starts its own when it needs one."""
        zygote, cls._shared, cls._failed = cls._shared, None, False
        cls._lock = threading.Lock()  # the grader may have held it while forking
        if zygote is not None:
            zygote._socket.close()  # this process's copy of the descriptor only

    def spawn(self, *, fds: tuple[int, int, int], cwd: str, env: dict[str, str]) -> int:
        """Fork a worker that serves requests on fds[0], replies on fds[1] and prints to
        fds[2], in ``cwd`` with ``env``; returns its pid."""
        with self._lock:
            message = json.dumps({"op": "spawn", "cwd": cwd, "env": env}).encode()
            self._socket.sendmsg([message + b"\n"],
                                 [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
            reply = self._receive()
        if "pid" not in reply:
            raise OSError(f"the zygote could not fork a worker: {reply}")
        return int(reply["pid"])

    def exit_status(self, pid: int) -> int | None:
        """The worker's exit status as ``Popen.returncode`` gives it, None while it runs."""
        with self._lock:
            self._socket.sendall(json.dumps({"op": "status", "pid": pid}).encode() + b"\n")
            reply = self._receive()
        return reply.get("code")

    def _receive(self) -> dict:
        data = b""
        while not data.endswith(b"\n"):
            chunk = self._socket.recv(MAX_MESSAGE)
            if not chunk:
                raise OSError("the zygote closed its control socket")
            data += chunk
        return json.loads(data)


def _remove_stale_homes() -> None:
    """Remove the HOME folders of zygotes whose grader is gone (killed before its exit
    handlers ran): they would otherwise pile up in the temp folder."""
    temp = tempfile.gettempdir()
    try:
        names = [n for n in os.listdir(temp) if n.startswith(HOME_PREFIX)]
    except OSError:
        return
    for name in names:
        pid = name[len(HOME_PREFIX):].split("-")[0]
        path = os.path.join(temp, name)
        try:
            if not pid.isdigit() or os.lstat(path).st_uid != os.geteuid():
                continue
            os.kill(int(pid), 0)
        except ProcessLookupError:
            remove_tree(path)
        except OSError:
            continue


class ForkedProcess:
    """A worker forked by the zygote, with the part of ``Popen``'s interface we use."""

    def __init__(self, zygote: Zygote, pid: int) -> None:
        self._zygote, self.pid, self.returncode = zygote, pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                self.returncode = self._zygote.exit_status(self.pid)
            except OSError:  # the zygote is gone, and with it every worker
                self.returncode = -9
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("worker", timeout)
            time.sleep(0.01)
        return self.returncode


# -- the zygote process itself ----------------------------------------------------------

def serve(control_fd: int) -> None:
    """Import the heavy libraries, then fork workers on request until the grader leaves."""
    from autograder.worker.lifetime import die_with_parent

    die_with_parent()
    import numpy  # noqa: F401 - imported for the children's sake
    try:
        import keras  # noqa: F401
        import tensorflow  # noqa: F401
    except ImportError:
        pass
    import autograder.probes.common  # noqa: F401
    import autograder.worker.main as worker_main

    control = socket.socket(fileno=control_fd)
    control.sendall(b'{"ready": true}\n')
    statuses: dict[int, int] = {}
    buffer = b""
    while True:
        try:
            data, descriptors, _, _ = control.recvmsg(MAX_MESSAGE, socket.CMSG_SPACE(3 * 4))
        except OSError:
            break
        if not data:
            break
        fds = [fd for level, kind, payload in descriptors
               if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS
               for fd in array.array("i", payload[: len(payload) - len(payload) % 4])]
        buffer += data
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            request = json.loads(line)
            _reap(statuses)
            if request["op"] == "spawn":
                pid = os.fork()
                if pid == 0:
                    control.close()  # first: student code must never reach the zygote
                    _become_worker(fds, request, worker_main)
                for fd in fds:
                    os.close(fd)
                fds = []
                reply = {"pid": pid}
            else:
                pid = int(request["pid"])
                reply = {"code": statuses.get(pid)}
            control.sendall(json.dumps(reply).encode() + b"\n")
    os._exit(0)


def _become_worker(fds: list[int], request: dict, worker_main) -> None:
    """In the forked child: the same start a plain worker process gets, then serve."""
    try:
        os.setsid()  # its own process group, killed as one
        request_fd, reply_fd, output_fd = fds
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        os.close(output_fd)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.stdout = open(1, "w", buffering=1, closefd=False)
        sys.stderr = open(2, "w", buffering=1, closefd=False)
        worker_main.main(request_fd, reply_fd)
    except BaseException:  # noqa: BLE001 - as an uncaught exception ends a plain worker
        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def _reap(statuses: dict[int, int]) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        statuses[pid] = os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    serve(int(sys.argv[1]))
