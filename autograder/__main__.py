"""``python -m autograder``: the command-line entry point."""

from autograder.cli import main

raise SystemExit(main())
