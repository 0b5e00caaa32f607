"""The stamp a generation carries, checked before it is used: analyzer and schema versions."""

from __future__ import annotations

import json
from pathlib import Path

from whoosh import index as whoosh_index

from search.errors import IndexMismatch, IndexMissing
from search.store.generation import CURRENT_FILE, current
from search.store.schema import SCHEMA_VERSION, STAMP_FILE


def check_stamp(index_dir: Path) -> dict:
    """Raise IndexMissing / IndexMismatch unless ``index_dir`` holds a current index.

    ``index_dir`` is a generation, or an index directory whose live generation is checked.
    """
    index_dir = Path(index_dir)
    if (index_dir / CURRENT_FILE).exists():
        index_dir = current(index_dir)
    if not index_dir.is_dir() or not whoosh_index.exists_in(str(index_dir)):
        raise IndexMissing(f"no index in {index_dir}: build it first (concord build)")
    path = index_dir / STAMP_FILE
    try:
        stamp = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise IndexMismatch(f"the index has no readable stamp ({error}): "
                            "rebuild (concord build)") from error
    from search.analysis import analysis_stamp

    current = json.loads(json.dumps(analysis_stamp()))
    if stamp.get("analysis") != current or stamp.get("schema") != SCHEMA_VERSION:
        raise IndexMismatch("the index was built with another analyzer or schema "
                            f"({_difference(stamp, current)}): rebuild (concord build)")
    return stamp


def _difference(stamp: dict, current: dict) -> str:
    """Which stamp entries differ, for the error message."""
    stored = stamp.get("analysis") or {}
    keys = sorted(k for k in set(stored) | set(current) if stored.get(k) != current.get(k))
    if stamp.get("schema") != SCHEMA_VERSION:
        keys.append("schema")
    return "differs in " + ", ".join(keys) if keys else "unknown difference"
