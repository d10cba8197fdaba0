"""The untrusted side of the trust boundary and the grader's handle on it.

``main`` runs inside the worker process (student code lives there); ``client`` is what the
grader uses to start, talk to, limit and restart that process.
"""
