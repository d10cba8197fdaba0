"""Probes: small functions the worker runs on a student's (or the reference's) module.

A probe takes the loaded module first, then plain-data inputs from the grading test, and
returns plain data (arrays, numbers, text). The same probe runs on the student and on the
reference, so a test compares like with like. Probes ship with the student release: they
must never contain solution code.
"""
