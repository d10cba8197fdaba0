"""``python -m autograder``: the command-line entry point."""

from autograder._import_path import forget_the_current_folder

forget_the_current_folder()  # before the CLI imports numpy, keras or pytest

from autograder.cli import main  # noqa: E402

raise SystemExit(main())
