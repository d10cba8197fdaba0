"""``autograder build``: everything students get, generated from solutions/.

The transforms are listed, in order, in ``pipeline.TRANSFORMS``; each lives in its own file.
"""
