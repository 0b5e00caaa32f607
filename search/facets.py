"""Facet labels (both languages) and facet counts over a set of hits."""

from __future__ import annotations

from collections import Counter
from itertools import chain
from threading import Lock

from search.store.schema import FACETS

MAX_LABELS = 10_000  # cached labels before the cache starts afresh
# Counted for every search: the interface facets and the resolution (unit) a paragraph is in;
# units are labelled by the web layer, which knows how the UN cites them.
COUNTED: tuple[str, ...] = FACETS + ("unit",)


class Labels:
    """``label(facet, key)`` from the lexicon, cached; the key itself when unknown."""

    def __init__(self):
        self._cache: dict[tuple[str, str], dict] = {}
        self._lock = Lock()

    def __call__(self, facet: str, key: str) -> dict:
        """{"key", "zh", "en"} for one facet value (a copy, the caller's to change)."""
        return dict(self.shared(facet, key))

    def shared(self, facet: str, key: str) -> dict:
        """The cached label itself: read it, never change it."""
        cached = self._cache.get((facet, key))
        if cached is None:
            cached = _lookup(facet, key)
            with self._lock:
                if len(self._cache) >= MAX_LABELS:  # unknown keys come from user input
                    self._cache.clear()
                self._cache[(facet, key)] = cached
        return cached


def _lookup(facet: str, key: str) -> dict:
    try:
        from search.lexicon import label
    except ImportError:  # the lexicon is optional at run time; keys still read
        return {"key": key, "zh": key, "en": key}
    found = label(facet, key)
    return {"key": key, "zh": found.get("zh") or key, "en": found.get("en") or key}


_LABELS = Labels()


def facet_label(facet: str, key: str) -> dict:
    """{"key", "zh", "en"} for one facet value (module-wide cache)."""
    return _LABELS(facet, key)


def facet_keys(stored: dict, facet: str) -> list[str]:
    """The keys one stored paragraph has for ``facet`` (theme is multi-valued)."""
    value = stored.get(facet) or ""
    if facet in ("theme", "cites"):
        return [key for key in value.split(",") if key]
    return [value] if value else []


def tally(columns: dict[str, list[tuple]], docnums, facets) -> dict[str, dict[str, int]]:
    """Facet → key → how many of ``docnums`` hold it, for each of ``facets``."""
    docnums = list(docnums)
    return {facet: dict(Counter(chain.from_iterable(map(columns[facet].__getitem__, docnums))))
            for facet in facets}


def labelled(counts: dict[str, dict[str, int]], labels: Labels,
             selected: dict[str, list[str]] | None = None,
             limit: int | None = None) -> dict[str, list[dict]]:
    """Counts as the JSON shows them: labelled, most frequent first, selected kept at 0.

    With ``limit``, only each facet's first ``limit`` values are labelled and kept, and any
    selected value after them (a page lists no more; ``sizes`` says how many there were).
    """
    out: dict[str, list[dict]] = {}
    label = labels.shared
    for facet in COUNTED:
        chosen = (selected or {}).get(facet, [])
        given = counts.get(facet, {})
        if hasattr(given, "ranked"):  # the array executor's counts rank themselves
            ranked = given.ranked(limit, chosen)
        else:
            counter = dict(given)
            for key in chosen:
                counter.setdefault(key, 0)
            ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
            if limit is not None and len(ranked) > limit:
                ranked = ranked[:limit] + [kv for kv in ranked[limit:] if kv[0] in chosen]
        out[facet] = [{**label(facet, key), "count": n} for key, n in ranked]
    return out


def sizes(counts: dict[str, dict[str, int]], selected: dict[str, list[str]] | None = None) -> dict[str, int]:
    """How many values each facet lists in full (those counted and the selected ones)."""
    found = {facet: counts.get(facet, {}) for facet in COUNTED}
    return {facet: len(counted) + len(set((selected or {}).get(facet, [])) - counted.keys())
            for facet, counted in found.items()}


def count(columns: dict[str, list[tuple]], docnums, labels: Labels,
          selected: dict[str, list[str]] | None = None) -> dict[str, list[dict]]:
    """Counts per facet value over ``docnums``, most frequent first; selected kept at 0.

    ``columns[facet][docnum]`` holds the paragraph's keys, precomputed once per index;
    counting chains those tuples so the loop runs in C, not per paragraph in Python.
    """
    return labelled(tally(columns, docnums, COUNTED), labels, selected)
