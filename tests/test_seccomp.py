"""Does the worker's system-call filter refuse exactly what it lists, on each architecture?

The filter is a hand-written BPF program: these tests run it in a small interpreter of
the instructions it uses, for every system call number, and install it for real in a
forked child to see the kernel apply it.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import platform
import socket

import pytest

from autograder.worker import seccomp

ALLOW, EPERM, ENOSYS = seccomp._RET_ALLOW, seccomp._RET_ERRNO | errno.EPERM, \
    seccomp._RET_ERRNO | errno.ENOSYS


def run(program, number: int, arch: int, first_argument: int = 0) -> int:
    """What the program returns for one call: the classic BPF subset the filter uses."""
    data = {seccomp._OFFSET_NR: number, seccomp._OFFSET_ARCH: arch,
            seccomp._OFFSET_ARG1_LOW: first_argument}
    counter = accumulator = 0
    for _ in range(len(program) + 1):
        code, if_true, if_false, k = program[counter]
        if code == seccomp._LD_W_ABS:
            accumulator, counter = data[k], counter + 1
        elif code in (seccomp._JEQ_K, seccomp._JGE_K):
            taken = accumulator == k if code == seccomp._JEQ_K else accumulator >= k
            counter += 1 + (if_true if taken else if_false)
        else:
            assert code == seccomp._RET_K
            return k
    raise AssertionError("the program does not end")


@pytest.mark.parametrize("machine", sorted(seccomp._SYSCALLS))
def test_every_listed_call_is_refused_and_every_other_allowed(machine):
    program, numbers = seccomp.program(machine), seccomp._SYSCALLS[machine]
    arch = seccomp._AUDIT_ARCH[machine]
    assert all(jump < 256 for _, t, f, _ in program for jump in (t, f))
    for name in seccomp.REFUSED:
        if name in numbers:
            assert run(program, numbers[name], arch) == EPERM, name
    assert run(program, numbers["flock"], arch) == ENOSYS
    for command in seccomp.FCNTL_REFUSED:
        assert run(program, numbers["fcntl"], arch, command) == ENOSYS, command
    for command in (fcntl.F_GETFL, fcntl.F_SETFL, fcntl.F_GETFD, fcntl.F_SETFD, fcntl.F_DUPFD):
        assert run(program, numbers["fcntl"], arch, command) == ALLOW, command
    listed = set(numbers.values())
    for number in range(600):
        if number not in listed:
            assert run(program, number, arch) == ALLOW, number
    assert run(program, 0, 0x40000003) == seccomp._RET_KILL_PROCESS  # i386 calls
    if machine == "x86_64":
        assert run(program, 0x40000000 | numbers["keyctl"], arch) == ENOSYS  # x32 calls


@pytest.mark.skipif(platform.machine() not in seccomp._SYSCALLS or
                    not platform.system() == "Linux", reason="Linux x86_64 or aarch64 only")
def test_the_kernel_applies_it_in_the_process_and_its_children():
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read)
        results = []
        try:
            results.append(seccomp.install())
            libc = ctypes.CDLL(None, use_errno=True)
            keyctl = seccomp._SYSCALLS[platform.machine()]["keyctl"]
            results.append(libc.syscall(keyctl, 0, -4, 0) == -1 and ctypes.get_errno())
            try:
                socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                results.append("socket made")
            except OSError as error:
                results.append(error.errno)
            with open(__file__, "rb") as handle:
                results.append(fcntl.fcntl(handle, fcntl.F_GETFL) >= 0)  # allowed
                try:
                    fcntl.flock(handle, fcntl.LOCK_SH)
                    results.append("locked")
                except OSError as error:
                    results.append(error.errno)
            grandchild = os.fork()  # inherited: the child of the filtered process
            if grandchild == 0:
                os._exit(0 if libc.syscall(keyctl, 0, -4, 0) == -1 else 1)
            results.append(os.waitstatus_to_exitcode(os.waitpid(grandchild, 0)[1]))
        finally:
            os.write(write, repr(results).encode())
            os._exit(0)
    os.close(write)
    reply = os.read(read, 4096).decode()
    os.waitpid(child, 0)
    assert reply == repr([True, errno.EPERM, errno.EPERM, True, errno.ENOSYS, 0])
