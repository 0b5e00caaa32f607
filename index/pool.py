"""One way to run a build stage across all cores: an ordered, bounded map over worker processes."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_processes() -> int:
    """The cores this process may use (its CPU affinity), at least one."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _context():
    """Fork where there is fork: workers inherit the loaded dictionary and lexicon pages."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def ordered_map(func: Callable[[T], R], items: Iterable[T], processes: int) -> Iterator[R]:
    """``map(func, items)`` over ``processes`` workers, in order, a few tasks in flight.

    ``func`` must be a module-level function (it is pickled by name). At most
    4 × processes results wait to be consumed, so a slow consumer bounds memory.
    """
    if processes <= 1:
        yield from map(func, items)
        return
    with _context().Pool(processes) as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.apply_async(func, (item,)))
            if len(pending) >= 4 * processes:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
