"""What the catalogue reads on demand when the generation has arrays: nothing at open.

Each view answers like the plain Python object the eager catalogue holds (a list of stored
dicts, a dict of ids, a dict of term frequencies), but reads the Whoosh stored fields or the
memory-mapped arrays (``search.store.arrays``) only for what is asked:

- :class:`StoredDocs`: ``docs[docnum]`` reads one stored paragraph from Whoosh and keeps
  the most recent :data:`STORED_CACHE` of them;
- :class:`IdMap`: ``by_id[pid]`` is a binary search of the sorted id table;
- :class:`TermFrequencies`: ``frequencies.get(term)`` is a binary search of the text
  field's term dictionary, its document frequency the length of its postings.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from search.store.arrays import Arrays, TextField

STORED_CACHE = 2048  # stored paragraphs remembered (a results page shows 10 to 100)


class StoredDocs(Sequence):
    """Stored paragraphs by docnum, read from one Whoosh reader when first asked.

    A Whoosh reader reads its stored-fields file through one file position, so reads go
    one at a time under a lock (a read is tens of microseconds; a page needs a few dozen);
    the cache is ordered by use and holds at most ``capacity`` documents.
    """

    def __init__(self, ix, size: int, capacity: int = STORED_CACHE):
        self._ix = ix
        self._size = size
        self.capacity = capacity
        self._reader = None  # opened on the first read
        self._lock = threading.Lock()
        self._cache: OrderedDict[int, dict] = OrderedDict()
        self.reads = 0  # documents read from the index so far (what the cache saved is not)

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, docnum):
        if isinstance(docnum, slice):
            return [self[n] for n in range(*docnum.indices(self._size))]
        docnum = int(docnum)
        if docnum < 0:
            docnum += self._size
        if not 0 <= docnum < self._size:
            raise IndexError(f"docnum {docnum} outside 0 … {self._size - 1}")
        with self._lock:
            stored = self._cache.get(docnum)
            if stored is not None:
                self._cache.move_to_end(docnum)
                return stored
            if self._reader is None:
                self._reader = self._ix.reader()
            stored = self._reader.stored_fields(docnum)
            self.reads += 1
            self._cache[docnum] = stored
            if len(self._cache) > self.capacity:
                self._cache.popitem(last=False)
            return stored

    @property
    def cached(self) -> int:
        """Stored paragraphs held in memory now."""
        return len(self._cache)

    def close(self) -> None:
        """Close the reader and forget every document (nobody may be reading)."""
        with self._lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None
            self._cache.clear()


class IdMap(Mapping):
    """Paragraph id → docnum of the live documents, over the arrays' id table."""

    def __init__(self, arrays: Arrays):
        self._arrays = arrays

    def __getitem__(self, pid) -> int:
        docnum = self._arrays.docnum(pid) if isinstance(pid, str) else None
        if docnum is None or not self._arrays.live[docnum]:
            raise KeyError(pid)
        return docnum

    def __iter__(self) -> Iterator[str]:
        live = self._arrays.live
        return (pid for pid, alive in zip(self._arrays.ids, live.tolist()) if alive)

    def __len__(self) -> int:
        return int(np.count_nonzero(self._arrays.live))


class TermFrequencies(Mapping):
    """Term → paragraphs holding it, for one text field, over its term dictionary.

    Iterating decodes every term (the Chinese speller's vocabulary needs them all, once);
    a look-up decodes about twenty.
    """

    def __init__(self, field: TextField):
        self._field = field

    def __getitem__(self, term) -> int:
        row = self._field.term(term) if isinstance(term, str) else -1
        if row < 0:
            raise KeyError(term)
        return self._field.df(row)

    def __iter__(self) -> Iterator[str]:
        return iter(self._field.terms)

    def __len__(self) -> int:
        return len(self._field.terms)

    def items(self) -> Iterator[tuple[str, int]]:
        """(term, frequency) pairs in term order, without a look-up per term."""
        return zip(self._field.terms, np.diff(self._field.post_start).tolist())

    def latin_words(self) -> tuple[str, ...]:
        """The ASCII alphabetic terms: UTF-8 sorts every term starting with an ASCII
        character first, so only the first rows of the dictionary are read."""
        terms = self._field.terms
        end = terms.lower_bound(b"\x80")
        offsets = terms.offsets[:end + 1].tolist()
        data = terms.data[:offsets[-1]].tobytes()
        words = (data[a:b] for a, b in zip(offsets, offsets[1:]))
        return tuple(w.decode("ascii") for w in words if w.isascii() and w.isalpha())

    def characters(self) -> frozenset[str]:
        """Every character of every term, read as one string."""
        return frozenset(self._field.terms.text())
