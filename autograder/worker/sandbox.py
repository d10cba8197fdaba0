"""The worker's sandbox, entered before any student code is imported (Linux).

The worker process P asks the kernel for new pid, mount, network and IPC namespaces (as
root; without root inside a new user namespace, where the kernel allows one), then splits:

    P  (outside, the grader's child)   waits, and exits as the worker exited
    └─ Y  pid 1 of the new namespace  grader code: reaps orphans, never runs student code
       └─ Z  the worker                 builds its file view, drops privileges, runs the
                                       student's module

When Y ends (the grader killed P's process group, or the grader died: each process dies
with its parent), the kernel kills every process in the namespace: nothing a student
starts can outlive its worker, however it forks, renames or detaches itself.

Z sees an allow-list, never a deny-list: a new, empty root holding read-only binds of the
system folders (/usr, /lib, /etc), the Python installation, the worker-side grader code
(without its grading suites) and data/, plus fresh size-capped tmpfs mounts for its own
scratch folder (a copy of the module and its siblings), /tmp, /var/tmp and /dev/shm.
Solutions, hidden tests, recorded values, other students, gradebooks, reference caches
and ``.git`` are not hidden: they do not exist there. As root Z then takes a user id of
its own; in a user namespace it drops every capability. The grader never touches what the
worker wrote: the tmpfs mounts vanish with the namespace.

Where neither root nor user namespaces are available, the worker runs as the grader's own
user, without any of this; the grader reports that in the results.
"""

from __future__ import annotations

import ctypes
import os
import platform
import resource
import signal
import stat
import struct
import sys

from autograder.worker.lifetime import die_with_parent

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUSER = 0x00020000, 0x08000000, 0x10000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 0x40000
MS_NOATIME, MS_NODIRATIME = 1024, 2048
ATIME_FLAGS = MS_NOATIME | MS_NODIRATIME  # statvfs reports these with the same values
MNT_DETACH = 2
PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 4, 38
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc",
                  "/opt/conda")
DEVICES = ("null", "zero", "full", "random", "urandom")
MAX_PROCESSES = 256
#: tmpfs caps: (size, files) of the scratch folder and of each private temp folder
SCRATCH_CAP = ("128m", 20_000)
TEMP_CAPS = {"/tmp": ("128m", 20_000), "/var/tmp": ("32m", 2_000), "/dev/shm": ("64m", 2_000)}

_libc = ctypes.CDLL(None, use_errno=True)


class SandboxError(OSError):
    pass


def enter(*, scratch: str, allow: list[str], hide: list[str], uid: int | None) -> bool:
    """Isolate this process as far as the machine allows; True when fully isolated.

    Returns in the process that is to run student code (Z above). ``scratch`` holds the
    module and its siblings: Z gets a private copy at the same path. ``allow`` lists the
    folders Z may read (the Python installation, the grader's worker-side code, data/);
    ``hide`` lists folders inside them that it must not (the grading suites). ``uid`` is the
    user id to take as root.
    """
    if not sys.platform.startswith("linux"):
        return False  # macOS, Windows: no namespaces; the grader reports what is shared
    privileged = os.geteuid() == 0
    files = _read_folder(scratch)  # before anything is mounted over it
    # A user id shared with the grader counts the grader's processes too: leave room.
    shared = 0 if privileged else _processes_of(os.getuid())
    if not _unshare(privileged):
        _cap_processes(MAX_PROCESSES + shared)
        return False
    _split()
    _build_root(scratch, files, allow, hide, owner=uid if privileged else os.getuid())
    _drop_privileges(uid if privileged else None)
    _cap_processes(MAX_PROCESSES + shared)
    return True


# -- namespaces and the process tree ------------------------------------------------------

def _unshare(privileged: bool) -> bool:
    flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC
    if privileged:
        _call(_libc.unshare, flags)
        return True
    uid, gid = os.getuid(), os.getgid()
    try:
        _call(_libc.unshare, flags | CLONE_NEWUSER)
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    except (OSError, AttributeError):
        return False
    die_with_parent()  # a change of credentials clears it
    return True


def _split() -> None:
    """P waits for Y, Y (pid 1) reaps until Z ends; only Z returns."""
    status_read, status_write = os.pipe()
    init = os.fork()
    if init:
        _wait_as_keeper(init, status_read)
    os.close(status_read)
    die_with_parent()  # fork clears it
    worker = os.fork()
    if worker:
        _reap_as_init(worker, status_write)
    os.close(status_write)
    die_with_parent()


def _wait_as_keeper(init: int, status_fd: int) -> None:
    """P: exit exactly as the worker exited (code or signal), for the grader's report."""
    _close_all_but(status_fd)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    data = b""
    try:
        while len(data) < 4:
            chunk = os.read(status_fd, 4 - len(data))
            if not chunk:
                break
            data += chunk
        os.waitpid(init, 0)
    except OSError:
        pass
    code = os.waitstatus_to_exitcode(struct.unpack("i", data)[0]) if len(data) == 4 \
        else -signal.SIGKILL
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code if code >= 0 else 1)


def _reap_as_init(worker: int, status_fd: int) -> None:
    """Y: collect every orphan of the namespace; when the worker ends, end them all."""
    _close_all_but(status_fd)
    _libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # nothing of the worker's may trace it
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1):
        signal.signal(number, signal.SIG_DFL)  # pid 1 ignores what has no handler
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(0)
        except OSError:
            continue
        if pid == worker:
            os.write(status_fd, struct.pack("i", status))
            os._exit(0)  # the kernel now kills whatever is left in the namespace


def _close_all_but(keep: int) -> None:
    os.closerange(0, keep)
    os.closerange(keep + 1, 1 << 16)


# -- the file view --------------------------------------------------------------------------

def _read_folder(folder: str) -> dict[str, bytes]:
    """The module and its siblings (plain files only; the grader copied them there)."""
    files = {}
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False):
            with open(entry.path, "rb") as handle:
                files[entry.name] = handle.read()
    return files


def _build_root(scratch: str, files: dict[str, bytes], allow: list[str], hide: list[str],
                owner: int) -> None:
    system = [p for p in SYSTEM_FOLDERS if os.path.lexists(p)]
    readable = sorted({os.path.realpath(p) for p in [*system, *allow]
                       if os.path.isdir(p) and not os.path.islink(p)})
    handles = {p: os.open(p, os.O_PATH | os.O_DIRECTORY) for p in readable}
    devices = {name: os.open(f"/dev/{name}", os.O_PATH)
               for name in [*DEVICES, *_gpu_devices()] if os.path.exists(f"/dev/{name}")}
    _mount(b"none", "/", None, MS_REC | MS_PRIVATE)
    root = "/tmp" if os.path.isdir("/tmp") else "/mnt"
    _mount_tmpfs(root, "size=1m,nr_inodes=4096,mode=0755", 0)
    # Temp folders first: a folder to show that lies under /tmp (a course in /tmp) is then
    # bound on top of the private /tmp, not covered by it.
    for path, (size, count) in TEMP_CAPS.items():
        os.makedirs(root + path, exist_ok=True)
        _mount_tmpfs(root + path, f"size={size},nr_inodes={count},mode=1777", 0)
    bound: list[str] = []
    for path in readable:  # parents sort before their children
        if not any(_contains(done, path) for done in bound):
            _bind(handles[path], root + path, readonly=True)
            bound.append(path)
    for handle in handles.values():  # a folder descriptor from outside leads outside
        _close(handle)
    for path in system:  # /lib -> usr/lib on merged-/usr systems
        if os.path.islink(path):
            os.symlink(os.readlink(path), root + path)
    _make_dev(root, devices)
    for path in ("/proc", "/sys"):
        os.makedirs(root + path, exist_ok=True)
    try:
        _mount(b"proc", root + "/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except OSError:  # a user namespace under a masked /proc (containers): the host's
        handle = os.open("/proc", os.O_PATH | os.O_DIRECTORY)
        _bind(handle, root + "/proc", readonly=False)
        _close(handle)
    handle = os.open("/sys", os.O_PATH | os.O_DIRECTORY)
    try:
        _bind(handle, root + "/sys", readonly=True)
    except OSError:
        pass  # TensorFlow only reads CPU facts there
    _close(handle)
    size, count = SCRATCH_CAP
    os.makedirs(root + scratch, exist_ok=True)
    _mount_tmpfs(root + scratch, f"size={size},nr_inodes={count},mode=0700", 0)
    for name, content in files.items():
        with open(os.path.join(root + scratch, name), "wb") as handle:
            handle.write(content)
        os.chown(os.path.join(root + scratch, name), owner, owner)
    os.chown(root + scratch, owner, owner)
    for path in map(os.path.realpath, hide):
        # Only a folder inside one shown needs covering (the grading suites): the rest is
        # not there. A folder around the scratch one (results written straight into /tmp)
        # must not be covered, or the worker would lose its own files.
        shown = any(_contains(done, path) for done in bound)
        if shown and not _contains(path, os.path.realpath(scratch)) \
                and os.path.isdir(root + path):
            _mount_tmpfs(root + path, "size=4k,nr_inodes=16,mode=0555", MS_RDONLY)
    _close_folders()
    _pivot(root)
    _mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    os.chdir(scratch)


def _close_folders() -> None:
    """Close every descriptor of a folder (whoever opened it: the zygote, an import): from
    one, ``fchdir`` and ``..`` lead back out of any root."""
    for name in os.listdir("/proc/self/fd"):
        try:
            if stat.S_ISDIR(os.fstat(int(name)).st_mode):
                os.close(int(name))
        except (OSError, ValueError):
            pass


def _make_dev(root: str, devices: dict[str, int]) -> None:
    os.makedirs(root + "/dev", exist_ok=True)
    for name, handle in devices.items():
        open(root + f"/dev/{name}", "w").close()
        _mount(f"/proc/self/fd/{handle}".encode(), root + f"/dev/{name}", None, MS_BIND)
        os.close(handle)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, root + f"/dev/{name}")


def _gpu_devices() -> list[str]:
    try:
        return [n for n in os.listdir("/dev") if n.startswith(("nvidia", "dxg"))]
    except OSError:
        return []


def _bind(handle: int, target: str, *, readonly: bool) -> None:
    os.makedirs(target, exist_ok=True)
    source = f"/proc/self/fd/{handle}".encode()
    _mount(source, target, None, MS_BIND | MS_REC)
    if readonly:
        # A remount must keep the flags the kernel locked on the original (noexec...).
        locked = os.statvfs(target).f_flag & (MS_NOSUID | MS_NODEV | MS_NOEXEC | ATIME_FLAGS)
        _mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | locked)


def _pivot(root: str) -> None:
    """Make ``root`` the root and detach the old one: no path leads back to it."""
    os.chdir(root)
    number = SYS_PIVOT_ROOT.get(platform.machine())
    if number is not None and _libc.syscall(number, b".", b".") == 0:
        _call(_libc.umount2, b".", MNT_DETACH)
    else:  # a root that is itself chrooted: chroot, which no unprivileged process can undo
        os.chroot(".")
    os.chdir("/")


# -- privileges ------------------------------------------------------------------------------

def _drop_privileges(uid: int | None) -> None:
    _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    else:
        _drop_capabilities()
    die_with_parent()  # a change of credentials clears it


def _drop_capabilities() -> None:
    """In a user namespace: no capability left, so no mount, chroot or namespace change."""
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, self
    data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable (x2): all zero
    _call(_libc.capset, header, data)


def _cap_processes(cap: int) -> None:
    resource.setrlimit(resource.RLIMIT_NPROC, (cap, cap))


def _processes_of(uid: int) -> int:
    return sum(1 for pid in os.listdir("/proc") if pid.isdigit() and _owner(pid) == uid)


# -- helpers ---------------------------------------------------------------------------------

def _mount(source: bytes | None, target: str, kind: bytes | None, flags: int,
           options: bytes | None = None) -> None:
    _call(_libc.mount, source, target.encode(), kind, flags, options)


def _mount_tmpfs(path: str, options: str, flags: int) -> None:
    _mount(b"tmpfs", path, b"tmpfs", MS_NOSUID | MS_NODEV | flags, options.encode())


def _contains(folder: str, path: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _call(function, *args) -> None:
    if function(*args) != 0:
        error = ctypes.get_errno()
        raise SandboxError(error, f"{function.__name__} failed: {os.strerror(error)}")


def _close(handle: int) -> None:
    try:
        os.close(handle)
    except OSError:
        pass


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def _owner(pid: str) -> int | None:
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None
