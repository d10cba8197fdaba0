"""Probes that every assignment can use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from autograder.probes.convert import as_array, as_int


def runs(function: str):
    """Mark a probe with the student function it trains or steps (``"GAN.train_step"``):
    once that function has hung in one test, the later tests that run it fail at once
    instead of waiting out their long limit again (``handles.StudentModule``). Unmarked
    probes call quick functions that may hang on some inputs only: those are tried again
    (the submission's time budget bounds the total)."""

    def mark(probe):
        probe.runs = function
        return probe

    return mark


def hands_in_answers(probe):
    """Mark a probe that hands the student's code values the reference computed (a correct
    ``conv_matrix`` for the functions built on it, the reference's loss terms): the worker
    that saw them is ended after the call, so that no later test can be answered by
    replaying them (``handles.StudentModule``). The same end serves a probe whose next call
    must find nothing of this one (``autoencoder.code_and_output``: the decoder then sees the
    code alone)."""
    probe.hands_in_answers = True
    return probe


def hands_in(probe) -> bool:
    """Was ``probe`` marked with ``hands_in_answers``?"""
    return getattr(probe, "hands_in_answers", False) is True


def runs_what(probe) -> str | None:
    """The student function a marked probe runs; None for an unmarked probe."""
    function = getattr(probe, "runs", None)
    return function if isinstance(function, str) else None


def call(module: ModuleType, function: str, *args, **kwargs):
    """``module.function(*args, **kwargs)`` converted with ``np.asarray``."""
    result = function_of(module, function)(*args, **kwargs)
    return as_array(result, what=f"{function}(...)")


def call_int(module: ModuleType, function: str, *args, **kwargs) -> int:
    """``module.function(*args, **kwargs)`` for functions that return one integer."""
    result = function_of(module, function)(*args, **kwargs)
    return as_int(result, what=f"{function}(...)")


def seeded_keras(seed: int | None = None):
    """Keras, with the worker's deterministic settings applied (and ``seed`` if given).

    Probes import Keras lazily through this: the grader's own process never imports it.
    """
    import keras

    from autograder.worker import determinism

    determinism.configure_frameworks()
    if seed is not None:
        determinism.seed_everything(seed)
    return keras


def function_of(module: ModuleType, name: str):
    """``module.name`` if it is a function; a clear error naming it otherwise."""
    function = getattr(module, name, None)
    if function is None:
        raise AttributeError(f"the module defines no function named {name!r}")
    if not callable(function):
        raise TypeError(f"{name} is a {type(function).__name__}, not a function")
    return function


@contextmanager
def replaced(module: ModuleType, replacements: dict) -> Iterator[None]:
    """``module``'s attributes set to ``replacements`` ({name: value}) for the ``with`` block.

    How a probe puts the grader's own version of one function under a student's code (the
    grader's loss functions under their ``train_step``): one mistake then costs one test.
    Afterwards every name is as it was, including names the module did not define.
    """
    missing = object()
    originals = {name: getattr(module, name, missing) for name in replacements}
    for name, replacement in replacements.items():
        setattr(module, name, replacement)
    try:
        yield
    finally:
        for name, original in originals.items():
            if original is missing:
                delattr(module, name)
            else:
                setattr(module, name, original)
