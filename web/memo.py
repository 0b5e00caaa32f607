"""What the pages derive from a whole generation of the index, worked out once per generation.

A results page needs the year of every session, the cited name of every resolution and
which verbs are preambular; each is the same for every request until a build publishes a
new generation. `per_generation(engine, name, build)` keeps `build(engine)` until the
engine answers from another generation, then builds it again on first use.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any, Callable

_MEMOS: "weakref.WeakKeyDictionary[Any, tuple[object, dict[str, Any]]]" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def generation_of(engine) -> object:
    """The engine's live generation (its directory), or None for an engine without one."""
    generation = getattr(engine, "generation", None)
    return generation() if callable(generation) else None


def per_generation(engine, name: str, build: Callable[[Any], Any]) -> Any:
    """``build(engine)``, computed once per generation of ``engine``'s index and shared.

    The value is shared by every request and thread: callers must not change it.
    """
    generation = generation_of(engine)
    with _LOCK:
        held = _MEMOS.get(engine)
        if held is None or held[0] != generation:
            held = _MEMOS[engine] = (generation, {})
        values = held[1]
        if name in values:
            return values[name]
    value = build(engine)  # outside the lock: a slow build holds up no other request
    with _LOCK:
        current = _MEMOS.get(engine)
        if current is not None and current[0] == generation:
            current[1].setdefault(name, value)
    return value
