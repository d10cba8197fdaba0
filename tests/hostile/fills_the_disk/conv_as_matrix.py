import os

# Fill every writable folder: 8 files of 60 MiB in each, then 100,000 small files. If the
# grader caps nothing, this module notices (it wrote it all) and breaks conv_matrix.
written, files = 0, 0
chunk = b"x" * 2**20
for folder in (os.getcwd(), "/tmp", "/var/tmp", "/dev/shm"):
    for index in range(8):
        try:
            with open(os.path.join(folder, f"big{index}"), "wb") as handle:
                for _ in range(60):
                    handle.write(chunk)
                    written += len(chunk)
        except OSError:
            break
for index in range(100_000):
    try:
        open(f"small{index}", "w").close()
        files += 1
    except OSError:
        break
uncapped = written >= 8 * 60 * 2**20 * 2 or files >= 100_000
print(f"wrote {written >> 20} MiB and {files} files")
from _correct import install  # noqa: E402

install(globals())
if uncapped:
    def conv_matrix(*args, **kwargs):
        raise RuntimeError("the disk was not capped")
