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


def _context(fresh: bool = False):
    """Fork where there is fork: workers inherit the loaded dictionary and lexicon pages.

    ``fresh`` workers start from a clean process instead (a fork server where there is
    one): a parent holding the parsed corpus would otherwise hand each worker its pages,
    which the worker's garbage collector then copies by touching them.
    """
    methods = multiprocessing.get_all_start_methods()
    if fresh:
        return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def ordered_map(func: Callable[[T], R], items: Iterable[T], processes: int,
                fresh: bool = False, ahead: int | None = None) -> Iterator[R]:
    """``map(func, items)`` over ``processes`` workers, in order, a few tasks in flight.

    ``func`` must be a module-level function (it is pickled by name). At most ``ahead``
    (default 4 × processes) tasks are in flight, so a slow consumer bounds memory;
    ``fresh`` workers do not inherit this process's memory (see :func:`_context`).
    """
    if processes <= 1:
        yield from map(func, items)
        return
    ahead = ahead or 4 * processes
    with _context(fresh).Pool(processes) as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.apply_async(func, (item,)))
            if len(pending) >= ahead:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
