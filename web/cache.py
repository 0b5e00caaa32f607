"""A small cache of search answers: the same search on the same generation is answered once.

Keyed by the index generation the answer came from and the search state's normalised query
string (``SearchState.url``: spaces collapsed, defaults left out, values in one order), it
holds the JSON body of ``/api/search``; the results page decodes the same body, so the page
and its twin stay one answer. The rendered results page is kept beside it, keyed by its
language and arguments (``page <ui> <switch url>``), so a repeated page is not rendered
again. Bounded by entries and by bytes, least recently used first out; emptied as soon as
a request sees a new generation (a build publishes one whole). Answers cut short by the
time budget are never kept, nor the pages made of them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

ENTRIES = 512  # answers and pages kept at most (a page and its answer are two)
MEGABYTES = 32  # bytes of JSON and HTML kept at most, in MiB
LARGEST = 8  # one answer may take at most 1/LARGEST of the bytes (else it is not kept)


class ResultCache:
    """Least-recently-used answers of one generation, bounded by count and by total bytes."""

    def __init__(self, entries: int = ENTRIES, max_bytes: int = MEGABYTES << 20):
        self.entries, self.max_bytes = entries, max_bytes
        self.generation: object = None
        self.bodies: OrderedDict[str, bytes] = OrderedDict()
        self.gzipped: dict[str, bytes] = {}  # the gzip form of a kept body, once one was sent
        self.size = 0
        self.hits = self.misses = 0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """Whether anything can be kept (0 entries or 0 bytes switch the cache off)."""
        return self.entries > 0 and self.max_bytes > 0

    def get(self, generation: object, key: str) -> bytes | None:
        """The body kept for ``key`` on ``generation``, or None."""
        with self._lock:
            self._follow(generation)
            body = self.bodies.get(key)
            if body is None:
                self.misses += 1
                return None
            self.bodies.move_to_end(key)
            self.hits += 1
            return body

    def gzipped_body(self, generation: object, key: str, body: bytes) -> bytes | None:
        """The gzip form of the body kept for ``key``, if that body was compressed before."""
        with self._lock:
            kept = self.bodies.get(key) if generation == self.generation else None
            return self.gzipped.get(key) if kept is body else None

    def put_gzipped(self, generation: object, key: str, body: bytes, gzipped: bytes) -> None:
        """Keep the gzip form of the body kept for ``key`` (its bytes count against the bound)."""
        with self._lock:
            if generation == self.generation and self.bodies.get(key) is body and key not in self.gzipped:
                self.gzipped[key] = gzipped
                self.size += len(gzipped)
                self._evict()

    def put(self, generation: object, key: str, body: bytes) -> None:
        """Keep ``body`` for ``key`` on ``generation``, dropping the oldest past the bounds."""
        if not self.enabled or generation is None or len(body) * LARGEST > self.max_bytes:
            return
        with self._lock:
            if generation != self.generation:  # a generation replaced while this answer ran
                return
            self._drop(key)
            self.bodies[key] = body
            self.size += len(body)
            self._evict()

    def _drop(self, key: str) -> None:
        """Forget ``key`` and its gzip form (under the lock)."""
        old = self.bodies.pop(key, None)
        self.size -= len(old) if old is not None else 0
        self.size -= len(self.gzipped.pop(key, b""))

    def _evict(self) -> None:
        """Drop the least recently used answers until both bounds hold (under the lock)."""
        while self.bodies and (len(self.bodies) > self.entries or self.size > self.max_bytes):
            self._drop(next(iter(self.bodies)))

    def _follow(self, generation: object) -> None:
        """Forget every answer of an older generation (under the lock)."""
        if generation != self.generation:
            self.bodies.clear()
            self.gzipped.clear()
            self.size = 0
            self.generation = generation

    def stats(self) -> dict:
        """Entries, bytes, hits and misses so far."""
        with self._lock:
            return {"entries": len(self.bodies), "bytes": self.size, "hits": self.hits,
                    "misses": self.misses, "max_entries": self.entries, "max_bytes": self.max_bytes}
