"""Autograder for the generative deep learning course kit.

Run ``python -m autograder --help``. The grader never imports student code in its own
process: see ``autograder.worker`` for the trust boundary.
"""

from autograder._import_path import forget_the_current_folder

forget_the_current_folder()  # before anything else is imported

__version__ = "0.1.0"
