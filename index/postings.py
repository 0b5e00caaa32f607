"""A compact in-memory posting pool for one bulk-loaded Whoosh segment.

Whoosh's own pool keeps every posting as a Python tuple (~210 bytes) and, past
``limitmb``, pickles sorted runs to disk and merges them back at commit: at 100,000
paragraphs (15 million postings) that is a pickle dump and load per posting. A bulk
build adds documents in docnum order, so each term's postings arrive already sorted;
this pool appends them to per-term arrays (docnum, weight, value offsets, value bytes:
~20 bytes a posting) and hands the codec the terms in sorted order at commit.

It implements what ``SegmentWriter`` asks of its pool — ``add``, ``iter_postings``,
``cleanup`` — and is installed with :func:`install`.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator


class _Term:
    """One term's postings, in the order they were added."""

    __slots__ = ("docs", "weights", "ends", "values")

    def __init__(self) -> None:
        self.docs = array("Q")
        self.weights = array("d")
        self.ends = array("Q")
        self.values = bytearray()


class CompactPool:
    """Postings of a segment written in docnum order, grouped by (field, term)."""

    def __init__(self) -> None:
        self.terms: dict[tuple[str, bytes], _Term] = {}
        self.postings = 0
        self._last = -1

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """Add one (field, term, docnum, weight, value) posting; docnums must not decrease."""
        fieldname, tbytes, docnum, weight, value = item
        if docnum < self._last:
            raise ValueError(f"postings out of docnum order ({docnum} after {self._last})")
        self._last = docnum
        term = self.terms.get((fieldname, tbytes))
        if term is None:
            term = self.terms[(fieldname, tbytes)] = _Term()
        term.docs.append(docnum)
        term.weights.append(weight)
        term.values += value or b""
        term.ends.append(len(term.values))
        self.postings += 1

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        """Every posting sorted by (field, term, docnum), as the codec reads them."""
        for key in sorted(self.terms):
            term = self.terms.pop(key)  # freed as written: the peak is not doubled
            start, values = 0, bytes(term.values)
            for docnum, weight, end in zip(term.docs, term.weights, term.ends):
                yield key[0], key[1], docnum, weight, values[start:end]
                start = end

    def cleanup(self) -> None:
        """Drop whatever is left (after a cancel)."""
        self.terms.clear()


def install(writer) -> CompactPool:
    """Give a fresh ``SegmentWriter`` a compact pool instead of its disk-sorting one."""
    if writer.pool.current or writer.pool.runs:
        raise ValueError("the writer already holds postings")
    writer.pool.cleanup()
    writer.pool = CompactPool()
    return writer.pool
