"""Publish index generations crash-safely, one writer at a time.

Layout of an index directory (the readers' half is ``search/store/generation.py``)::

    <index_dir>/CURRENT              the live generation's number, one line
    <index_dir>/generations/<n>/     one complete index: Whoosh segments, units.json, stamp.json
    <index_dir>/LOCK                 the writer lock: the pid of the build holding it

A build, holding the lock, writes generation ``max + 1`` beside the live one, fsyncs its
files, then publishes it in one atomic step: the new number goes into ``CURRENT.tmp``,
which is fsync'd and renamed over ``CURRENT`` (``os.replace``), and the directory is
fsync'd. Killed at any moment, a build leaves ``CURRENT`` naming a complete generation.
The next build, and ``concord serve`` at start, remove the litter: every generation except
the live one and the one before it (a server may still be answering from that one for a
moment), temporary pointer files, and what the earlier flat layout left behind.

The lock is an ``flock`` on ``LOCK``: the kernel releases it when its holder dies, so a
lock left by a killed build is simply taken over; the pid written into the file names the
holder in the "index busy" message.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from search.store.generation import (CURRENT_FILE, GENERATIONS, current_number, generation_dir,
                                     generation_numbers)

LOCK_FILE = "LOCK"
# What the flat layout (before generations) left in or beside an index directory.
_LEGACY_FILES = ("MAIN_WRITELOCK", "units.json", "stamp.json")
_held = threading.local()  # index dirs whose lock this thread holds (the lock is re-entrant)


class IndexBusy(RuntimeError):
    """Another build holds the index's writer lock (raised under ``--no-wait``)."""


def _say(message: str) -> None:
    print(f"concord: {message}", file=sys.stderr)


@contextlib.contextmanager
def writer_lock(index_dir: str | Path, wait: bool = True,
                say: Callable[[str], None] = _say) -> Iterator[None]:
    """Hold the index's writer lock; wait for it (saying so), or raise IndexBusy if not ``wait``."""
    index_dir = Path(index_dir)
    key = str(index_dir.resolve())
    held = _held.__dict__.setdefault("dirs", {})
    if key in held:  # build() holds it and calls write_index(), which takes it again
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, index_dir, wait, say)
        held[key] = 1
        try:
            yield
        finally:
            del held[key]
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing releases the flock


def _acquire(fd: int, index_dir: Path, wait: bool, say: Callable[[str], None]) -> None:
    """Take the flock on ``fd`` and write our pid; report a holder or a dead one's leftovers."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(fd)
        if not wait:
            raise IndexBusy(f"index busy: {index_dir} is being written by another build"
                            f" (pid {holder or 'unknown'}); try again when it has finished") from None
        say(f"index busy: waiting for the build with pid {holder or 'unknown'} to finish")
        fcntl.flock(fd, fcntl.LOCK_EX)
    else:
        left = _holder(fd)
        if left and left != os.getpid():
            say(f"taking over the writer lock left by pid {left}, which is no longer running")
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    os.fsync(fd)


def _holder(fd: int) -> int | None:
    """The pid written in the lock file, if any."""
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None


def new_generation(index_dir: str | Path) -> Path:
    """Create and return an empty directory for the next generation (call under the lock)."""
    numbers = generation_numbers(index_dir) + [current_number(index_dir) or 0]
    path = generation_dir(index_dir, max(numbers) + 1)
    path.mkdir(parents=True)
    return path


def publish(index_dir: str | Path, generation: Path) -> None:
    """Make ``generation`` the live one in one atomic step, then remove the litter."""
    index_dir = Path(index_dir)
    _fsync_tree(generation)
    pointer = index_dir / f"{CURRENT_FILE}.tmp"
    with open(pointer, "w", encoding="ascii") as out:
        out.write(f"{generation.name}\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(pointer, index_dir / CURRENT_FILE)
    _fsync_dir(index_dir)
    cleanup(index_dir)


def cleanup(index_dir: str | Path) -> list[str]:
    """Remove every generation but the live one and its predecessor, and the litter; return names."""
    index_dir = Path(index_dir)
    live = current_number(index_dir)
    numbers = generation_numbers(index_dir)
    older = [n for n in numbers if live is not None and n < live]
    keep = {live, older[-1] if older else None}
    removed = []
    for number in numbers:
        if number not in keep:
            shutil.rmtree(generation_dir(index_dir, number), ignore_errors=True)
            removed.append(f"{GENERATIONS}/{number}")
    for path in _litter(index_dir):
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed


def _litter(index_dir: Path) -> list[Path]:
    """Temporary pointers, non-numeric entries of generations/, and the flat layout's leftovers."""
    found = [index_dir / f"{CURRENT_FILE}.tmp"]
    with contextlib.suppress(OSError):
        found += [p for p in (index_dir / GENERATIONS).iterdir() if not p.name.isdigit()]
    found += [index_dir / name for name in _LEGACY_FILES]
    found += list(index_dir.glob("_MAIN_*.toc")) + list(index_dir.glob("MAIN_*.seg"))
    # Staging and retired folders of the flat layout's two-rename swap, beside the index.
    found += list(index_dir.parent.glob(f".{index_dir.name}.new-*"))
    found += list(index_dir.parent.glob(f".{index_dir.name}.old-*"))
    return [p for p in found if p.exists() or p.is_symlink()]


def tidy(index_dir: str | Path) -> list[str]:
    """Clean up at server start, unless a build is running (it cleans up when it publishes)."""
    if not Path(index_dir).is_dir():
        return []
    try:
        with writer_lock(index_dir, wait=False, say=lambda message: None):
            return cleanup(index_dir)
    except IndexBusy:
        return []


def _fsync_tree(directory: Path) -> None:
    """Flush every file of ``directory`` and the directory itself to disk."""
    for path in directory.iterdir():
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    """Flush a directory's entries (renames, new files) to disk."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
