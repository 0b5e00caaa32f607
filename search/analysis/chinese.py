"""Chinese segmenters: dictionary words (jieba, our own Tokenizer) and character bigrams.

Both work on one run of normalized ideographs (possibly with name dots, 纳尔逊·曼德拉) and
return (start, end) spans relative to the run.
"""

from __future__ import annotations

import re
import threading

from search.analysis.dictionary import (
    PrefixStore,
    forget_word_list,
    import_jieba,
    open_prefix_store,
)
from search.analysis.normalizers import NAME_DOT

# A run of two or more Chinese numerals (七十一, 二〇三〇) is one token, whatever the
# dictionary says: jieba alone reads 第七十一届 as 第七/十一届 but 七十一届 as 七十一/届.
_NUMERALS = re.compile("[〇零一二三四五六七八九十百千万亿两]{2,}")

_shared: tuple[PrefixStore, object] | None = None
_shared_lock = threading.Lock()


def _shared_tokenizer():
    """One jieba.Tokenizer per process, fed by the shard-loaded prefix store."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                jieba = import_jieba()
                store = open_prefix_store()
                tokenizer = jieba.Tokenizer()
                # Hand jieba our prefix dict instead of letting it load its own: same
                # data (its dictionary plus ours), loaded per first character on demand.
                tokenizer.FREQ, tokenizer.total = store.freq, store.total
                tokenizer.initialized = True
                _shared = (store, tokenizer)
    return _shared


def loaded_dictionary():
    """The process's loaded dictionary (an opaque object, new after each reload), or None."""
    return _shared


def reset_shared_tokenizer() -> None:
    """Forget the word list and the loaded dictionary; the next use reads them again."""
    global _shared
    with _shared_lock:
        forget_word_list()
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
        """Spans of the run's words: numeral runs, and the dictionary's best path between."""
        spans, cursor = [], 0
        for numeral in _NUMERALS.finditer(run):
            spans.extend(self._dictionary_words(run, cursor, numeral.start()))
            spans.append(numeral.span())
            cursor = numeral.end()
        spans.extend(self._dictionary_words(run, cursor, len(run)))
        return spans

    def _dictionary_words(self, run: str, begin: int, end: int) -> list[tuple[int, int]]:
        """Spans of the most probable dictionary segmentation of run[begin:end] (no HMM)."""
        # No HMM: unknown characters stay single tokens, so the same text segments the
        # same way in a paragraph and in a query, whatever its neighbours.
        text = run[begin:end]
        if not text:
            return []
        self.load()
        self._store.ensure(text)
        dag = self._tokenizer.get_DAG(text)
        route: dict[int, tuple[float, int]] = {}
        self._tokenizer.calc(text, dag, route)
        spans, start = [], 0
        while start < len(text):
            stop = route[start][1] + 1
            if text[start:stop] != NAME_DOT:
                spans.append((begin + start, begin + stop))
            start = stop
        return spans

    def subwords(self, word: str) -> list[tuple[int, int]]:
        """Spans of dictionary words of two or more characters strictly inside word."""
        if _NUMERALS.fullmatch(word):
            return []  # 七十一 is a number, not 七十 + 十一
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
