"""``python -m autograder.ci_list FOLDER``: the students of a submissions folder as JSON.

Prints ``[{"id": "alice", "path": "submissions/alice.zip"}, ...]`` for a CI matrix. It
needs the standard library only (the listing job installs nothing) and exits 2 with a
one-line reason, printing nothing on stdout, when the folder is missing or holds nobody:
an empty matrix must fail the job, not grade nobody in silence.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from autograder.roster import list_students


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m autograder.ci_list SUBMISSIONS_FOLDER", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    if not folder.is_dir():
        print(f"autograder.ci_list: error: submissions folder not found: {folder}",
              file=sys.stderr)
        return 2
    students = [{"id": student, "path": str(path)} for student, path in list_students(folder)]
    if not students:
        print(f"autograder.ci_list: error: {folder} holds no submissions (a folder or .zip "
              "per student)", file=sys.stderr)
        return 2
    print(json.dumps(students))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
