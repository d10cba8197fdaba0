"""Can two students graded by one grader pass anything to each other?

Alice (tests/channels/alice) leaves a message in every kernel object that a namespace may
not cover: keyrings, an abstract Unix socket, a System V message queue, /dev/shm, and a
lock and reads on a file of the shared data/ folder. Bob (tests/channels/bob) has no code
of his own: he installs a correct module only if one of those messages reaches him (the
message stands for the code a classmate would send). So Bob's score is the proof: 0 where
nothing passes. They are graded one after the other in one lane (what Alice left behind)
and at once in two lanes (what she does while Bob runs), as root, as nobody, and as nobody
without user namespaces (where only the system-call filter stands between them).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import run_cli, run_cli_unprivileged, run_cli_without_namespaces

from autograder.worker.cleanup import remove_tree

CHANNELS = Path(__file__).parent / "channels"
HOSTILE = Path(__file__).parent / "hostile"
RUNS = {"root": run_cli, "nobody": run_cli_unprivileged,
        "nobody without user namespaces": run_cli_without_namespaces}


def grade_the_pair(run, jobs: int) -> dict[str, dict]:
    folder = Path(tempfile.mkdtemp(prefix="classmates-"))
    folder.chmod(0o755)
    try:
        for student in ("alice", "bob"):
            shutil.copytree(CHANNELS / student, folder / student)
            shutil.copy(CHANNELS / "_kernel.py", folder / student)
            shutil.copy(HOSTILE / "_correct.py", folder / student)
        for path in folder.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        completed = run("grade", str(folder / "alice"), str(folder / "bob"), "--format",
                        "json", "--assignment", "conv_as_matrix", "--jobs", str(jobs),
                        timeout=900)
    finally:
        remove_tree(folder)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return {doc["extra_data"]["submission"]: doc for doc in json.loads(completed.stdout)}


def everything(document: dict) -> str:
    return document["output"] + "\n".join(t["output"] for t in document["tests"])


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2], ids=["one lane, one after the other",
                                              "two lanes, at once"])
@pytest.mark.parametrize("mode", list(RUNS))
def test_two_students_cannot_pass_anything_to_each_other(mode, jobs):
    graded = grade_the_pair(RUNS[mode], jobs)
    alice, bob = graded["alice"], graded["bob"]
    assert alice["score"] == 34, everything(alice)[:2000]
    said = everything(bob)
    assert bob["score"] == 0, said[:3000]
    assert "FOUND" not in said
    # The channels no namespace covers are refused by the system-call filter in every
    # mode, not merely empty.
    for channel in ("user keyring: nothing (EPERM)", "session keyring: nothing (EPERM)",
                    "lock: refused (ENOSYS)", "inotify: refused (EPERM)"):
        assert channel in said, said[:3000]
