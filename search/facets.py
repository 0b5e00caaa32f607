"""Facet labels (both languages) and facet counts over a set of hits."""

from __future__ import annotations

from collections import Counter
from threading import Lock

from search.schema import FACETS


class Labels:
    """``label(facet, key)`` from the lexicon, cached; the key itself when unknown."""

    def __init__(self):
        self._cache: dict[tuple[str, str], dict] = {}
        self._lock = Lock()

    def __call__(self, facet: str, key: str) -> dict:
        """{"key", "zh", "en"} for one facet value."""
        cached = self._cache.get((facet, key))
        if cached is None:
            cached = _lookup(facet, key)
            with self._lock:
                self._cache[(facet, key)] = cached
        return dict(cached)


def _lookup(facet: str, key: str) -> dict:
    try:
        from search.lexicon import label
    except ImportError:  # the lexicon is optional at run time; keys still read
        return {"key": key, "zh": key, "en": key}
    found = label(facet, key)
    return {"key": key, "zh": found.get("zh") or key, "en": found.get("en") or key}


def facet_keys(stored: dict, facet: str) -> list[str]:
    """The keys one stored paragraph has for ``facet`` (theme is multi-valued)."""
    value = stored.get(facet) or ""
    if facet in ("theme", "cites"):
        return [key for key in value.split(",") if key]
    return [value] if value else []


def count(keys: list[dict[str, tuple]], docnums, labels: Labels,
          selected: dict[str, list[str]] | None = None) -> dict[str, list[dict]]:
    """Counts per facet value over ``docnums``, most frequent first; selected kept at 0.

    ``keys[docnum][facet]`` holds the paragraph's keys, precomputed once per index.
    """
    counters = {facet: Counter() for facet in FACETS}
    for docnum in docnums:
        paragraph_keys = keys[docnum]
        for facet, counter in counters.items():
            counter.update(paragraph_keys[facet])
    out: dict[str, list[dict]] = {}
    for facet, counter in counters.items():
        for key in (selected or {}).get(facet, []):
            counter.setdefault(key, 0)
        ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        out[facet] = [dict(labels(facet, key), count=n) for key, n in ranked]
    return out
