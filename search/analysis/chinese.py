"""Chinese segmenters: dictionary words (jieba, our own Tokenizer) and character bigrams.

Both work on one run of normalized ideographs (possibly with name dots, 纳尔逊·曼德拉) and
return (start, end) spans relative to the run.
"""

from __future__ import annotations

import threading

from search.analysis.dictionary import PrefixStore, open_prefix_store
from search.analysis.normalize import NAME_DOT

_shared: tuple[PrefixStore, object] | None = None
_shared_lock = threading.Lock()


def _shared_tokenizer():
    """One jieba.Tokenizer per process, fed by the shard-loaded prefix store."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                import jieba

                store = open_prefix_store()
                tokenizer = jieba.Tokenizer()
                # Hand jieba our prefix dict instead of letting it load its own: same
                # data (its dictionary plus ours), loaded per first character on demand.
                tokenizer.FREQ, tokenizer.total = store.freq, store.total
                tokenizer.initialized = True
                _shared = (store, tokenizer)
    return _shared


def reset_shared_tokenizer() -> None:
    """Forget the loaded dictionary (tests that change the word list call this)."""
    global _shared
    with _shared_lock:
        _shared = None


class ChineseSegmenter:
    """Dictionary segmentation of ideograph runs; jieba is loaded lazily, never pickled."""

    def __init__(self) -> None:
        self._store: PrefixStore | None = None
        self._tokenizer = None

    def __getstate__(self) -> dict:
        # A jieba Tokenizer holds a lock and a 500k-entry dict: never part of the schema.
        return {}

    def __setstate__(self, state: dict) -> None:
        self.__init__()

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def load(self) -> None:
        """Attach the process-wide tokenizer (loads the dictionary cache on first use)."""
        store, tokenizer = _shared_tokenizer()
        if tokenizer is not self._tokenizer:  # first use, or the word list was reloaded
            self._store, self._tokenizer = store, tokenizer

    def words(self, run: str) -> list[tuple[int, int]]:
        """Spans of the most probable dictionary segmentation (jieba's DAG, no HMM)."""
        # No HMM: unknown characters stay single tokens, so the same text segments the
        # same way in a paragraph and in a query, whatever its neighbours.
        self.load()
        self._store.ensure(run)
        dag = self._tokenizer.get_DAG(run)
        route: dict[int, tuple[float, int]] = {}
        self._tokenizer.calc(run, dag, route)
        spans, start = [], 0
        while start < len(run):
            end = route[start][1] + 1
            if run[start:end] != NAME_DOT:
                spans.append((start, end))
            start = end
        return spans

    def subwords(self, word: str) -> list[tuple[int, int]]:
        """Spans of dictionary words of two or more characters strictly inside word."""
        self.load()
        self._store.ensure(word)
        freq = self._store.freq
        found = []
        for size in range(2, len(word)):
            for start in range(len(word) - size + 1):
                piece = word[start : start + size]
                if NAME_DOT not in piece and freq.get(piece):
                    found.append((start, start + size))
        found.sort()
        return found


def bigrams(run: str) -> list[tuple[int, int]]:
    """Overlapping character bigrams of each dot-separated part; a lone character alone."""
    spans, offset = [], 0
    for part in run.split(NAME_DOT):
        if len(part) == 1:
            spans.append((offset, offset + 1))
        spans.extend((offset + i, offset + i + 2) for i in range(len(part) - 1))
        offset += len(part) + 1
    return spans
