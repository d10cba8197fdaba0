"""Autograder for the generative deep learning course kit.

Run ``python -m autograder --help``. The grader never imports student code in its own
process: see ``autograder.worker`` for the trust boundary.
"""

__version__ = "0.1.0"
