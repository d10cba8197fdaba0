"""``python -m autograder.ci_list FOLDER``: the students of a submissions folder as JSON.

Prints ``[{"id": "alice", "path": "submissions/alice.zip"}, ...]`` for a CI matrix.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from autograder.batch import list_students


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python -m autograder.ci_list SUBMISSIONS_FOLDER", file=sys.stderr)
        return 2
    students = [{"id": student, "path": str(path)}
                for student, path in list_students(Path(argv[0]))]
    print(json.dumps(students))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
