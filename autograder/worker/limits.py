"""Resource limits the worker applies to itself before any student code is imported."""

from __future__ import annotations

import resource


def apply(*, memory_bytes: int | None, file_bytes: int | None,
          cpu_seconds: float | None = None) -> None:
    """Cap private memory (RLIMIT_DATA) and the size of files written; no core dumps.

    RLIMIT_DATA, unlike RLIMIT_AS, leaves TensorFlow's large address-space reservations
    alone but makes an oversized NumPy or TensorFlow allocation fail at once with a
    ``MemoryError``, which the grader reports as "out of memory". The grader also watches
    the resident size, for memory that escapes this limit.
    """
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
    if file_bytes:
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
    if cpu_seconds:
        # A budget for the worker's whole life: it stops runaway threads burning every core.
        used = resource.getrusage(resource.RUSAGE_SELF)
        limit = int(used.ru_utime + used.ru_stime + cpu_seconds)
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 5))
