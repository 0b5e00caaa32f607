"""Which generation of an index directory is live: the one ``<index_dir>/CURRENT`` names.

An index directory holds every published index as a numbered generation; builds write a new
one beside the live one and publish it by replacing ``CURRENT`` (see ``index/publish.py``)::

    <index_dir>/CURRENT              the live generation's number, one line
    <index_dir>/generations/<n>/     one complete index: Whoosh segments, units.json, stamp.json
    <index_dir>/LOCK                 the writer lock: the pid of the build holding it

A generation is never changed once published, so whatever a reader opens from one
generation (segments, units, stamp) belongs together. This module is the readers' half and
imports nothing from ``index/``.
"""

from __future__ import annotations

from pathlib import Path

from search.errors import IndexMissing

CURRENT_FILE = "CURRENT"
GENERATIONS = "generations"


def current_number(index_dir: str | Path) -> int | None:
    """The live generation's number, None when nothing was ever published."""
    try:
        text = (Path(index_dir) / CURRENT_FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def current(index_dir: str | Path) -> Path:
    """The live generation's directory; IndexMissing when there is none."""
    number = current_number(index_dir)
    path = generation_dir(index_dir, number) if number is not None else None
    if path is None or not path.is_dir():
        raise IndexMissing(f"no index in {index_dir}: build it first (concord build)")
    return path


def generation_dir(index_dir: str | Path, number: int) -> Path:
    """The directory of generation ``number`` (which may not exist)."""
    return Path(index_dir) / GENERATIONS / str(number)


def generation_numbers(index_dir: str | Path) -> list[int]:
    """Numbers of the generation directories present, in increasing order."""
    try:
        names = [p.name for p in (Path(index_dir) / GENERATIONS).iterdir()]
    except OSError:
        return []
    return sorted(int(name) for name in names if name.isdigit())
