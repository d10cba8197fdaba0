"""Probes that every assignment can use."""

from __future__ import annotations

from types import ModuleType

from autograder.probes.convert import as_array, as_int


def call(module: ModuleType, function: str, *args, **kwargs):
    """``module.function(*args, **kwargs)`` converted with ``np.asarray``."""
    result = _function(module, function)(*args, **kwargs)
    return as_array(result, what=f"{function}(...)")


def call_int(module: ModuleType, function: str, *args, **kwargs) -> int:
    """``module.function(*args, **kwargs)`` for functions that return one integer."""
    result = _function(module, function)(*args, **kwargs)
    return as_int(result, what=f"{function}(...)")


def _function(module: ModuleType, name: str):
    function = getattr(module, name, None)
    if function is None:
        raise AttributeError(f"the module defines no function named {name!r}")
    if not callable(function):
        raise TypeError(f"{name} is a {type(function).__name__}, not a function")
    return function
