"""The Whoosh side: one tokenizer wrapping the pipeline, and the English filters.

Pipeline: normalize (same length, so offsets stay valid) → split into script runs →
a segmenter per script (Chinese words or bigrams, Latin words/numbers/symbols) →
tokens whose text is the normalized original slice. Filters then mark English stop
words and stem English words.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache

from whoosh.analysis import Filter, Token, Tokenizer
from whoosh.analysis.filters import STOP_WORDS

from search.analysis import chinese
from search.analysis.chinese import ChineseSegmenter, bigrams
from search.analysis.latin import Piece, latin_pieces, stem
from search.analysis.normalizers import NAME_DOT, TABLE_LIMIT, is_han, normalize

_CONNECTORS = "/.-'"
_APOSTROPHES = "\u2019\u02bc"  # typographic apostrophes read as '
_RUNS = re.compile(r"(?P<han>H+(?:\u00b7H+)*)|(?P<word>W+(?:[/.\-']W+)*)")


def _script_char(ch: str) -> str:
    """The script mask of one normalized character: H, W, a connector or a blank."""
    if is_han(ch):
        return "H"
    if ch == NAME_DOT or ch in _CONNECTORS:
        return ch
    if ch in _APOSTROPHES:
        return "'"
    if unicodedata.decomposition(ch).startswith(("<super>", "<sub>")):
        return " "  # a footnote marker separates words; it never becomes a digit
    if ch.isalnum() or unicodedata.category(ch).startswith("M"):
        return "W"
    return " "


class _MaskTable(dict):
    """str.translate table computing each code point's script mask on first use."""

    def __missing__(self, cp: int) -> str:
        mapped = _script_char(chr(cp))
        if len(self) < TABLE_LIMIT:  # bounded: random input must not grow it forever
            self[cp] = mapped
        return mapped


_MASK = _MaskTable()

# Chinese runs segmented before, remembered: jieba segments each run on its own, so a
# run's pieces depend only on (mode, run, index time) and the dictionary. UN texts repeat
# agreed language; a fixed number of entries keeps random input from growing the memo.
MEMO_RUNS = 1 << 16
MEMO_SETTING = "CONCORD_SEGMENT_MEMO"  # "0" turns the memo off (the bench's baseline)
_memo_dictionary = None  # the process's dictionary the remembered runs were segmented with


def memo_enabled() -> bool:
    """Whether Chinese runs are remembered (``$CONCORD_SEGMENT_MEMO`` is not ``0``)."""
    return os.environ.get(MEMO_SETTING, "").strip() != "0"


@lru_cache(maxsize=1 << 16)
def _term(original: str) -> str:
    """The indexed text of a token: its original slice, normalized on its own."""
    return normalize(original)


class ConcordTokenizer(Tokenizer):
    """Mixed Chinese/English tokenizer; `chinese` is "words" (jieba) or "bigrams"."""

    def __init__(self, chinese: str = "words") -> None:
        if chinese not in ("words", "bigrams"):
            raise ValueError(f"chinese must be 'words' or 'bigrams', not {chinese!r}")
        self.chinese = chinese
        self.segmenter = ChineseSegmenter()

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.chinese == other.chinese

    def __hash__(self) -> int:
        return hash((type(self), self.chinese))

    def pieces(self, text: str, index_mode: bool = False) -> list[Piece]:
        """All pieces of text, offsets absolute; stacked pieces share the previous position."""
        normalized = normalize(text)
        found: list[Piece] = []
        for run in _RUNS.finditer(normalized.translate(_MASK)):
            start, chunk = run.start(), normalized[run.start() : run.end()]
            if run.lastgroup == "word":
                spans = latin_pieces(chunk, index_mode)
            else:
                spans = self._han_pieces(chunk, index_mode)
            found.extend(Piece(start + p.start, start + p.end, p.kind, p.stacked) for p in spans)
        return found

    def _han_pieces(self, run: str, index_mode: bool) -> tuple[Piece, ...]:
        """Chinese pieces of one run, remembered (see :data:`MEMO_RUNS`) when enabled."""
        global _memo_dictionary
        if not memo_enabled():
            return tuple(self._segment_run(run, index_mode))
        loaded = chinese.loaded_dictionary()
        if loaded is not _memo_dictionary:  # first use, or the word list was reloaded
            _remembered.cache_clear()
            self._segment_run(run, index_mode)  # loads the dictionary when not yet loaded
            _memo_dictionary = chinese.loaded_dictionary()
        return _remembered(self, run, index_mode)

    def _segment_run(self, run: str, index_mode: bool) -> list[Piece]:
        """Chinese pieces of one run: words (plus inner words at index time) or bigrams."""
        if self.chinese == "bigrams":
            return [Piece(s, e, "zh") for s, e in bigrams(run)]
        pieces = []
        for s, e in self.segmenter.words(run):
            pieces.append(Piece(s, e, "zh"))
            if index_mode and e - s > 2:
                # Index time only: a long term (联合国毒品和犯罪问题办公室) also answers a
                # query for a word inside it (办公室). Queries never get these pieces.
                inner = self.segmenter.subwords(run[s:e])
                pieces.extend(Piece(s + i, s + j, "zh", stacked=True) for i, j in inner)
        return pieces

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ):
        if not isinstance(value, str):
            raise TypeError(f"ConcordTokenizer needs a str, not {type(value).__name__}")
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            pieces = [Piece(0, len(value), "raw")]
        else:
            pieces = self.pieces(value, index_mode=(mode == "index"))
        pos = start_pos - 1
        for piece in pieces:
            if not piece.stacked:
                pos += 1
            original = value[piece.start : piece.end]
            token.text = _term(original) if tokenize else normalize(original)
            token.kind = piece.kind
            token.stacked = piece.stacked
            token.stopped = False
            token.boost = 1.0
            if keeporiginal:
                token.original = original
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + piece.start
                token.endchar = start_char + piece.end
            yield token


@lru_cache(maxsize=MEMO_RUNS)
def _remembered(tokenizer: ConcordTokenizer, run: str, index_mode: bool) -> tuple[Piece, ...]:
    """A run's pieces, segmented once per (mode, run, index time); tuples of NamedTuples,
    so no caller can change what the memo holds. Tokenizers of one mode are equal."""
    return tuple(tokenizer._segment_run(run, index_mode))


class EnglishStopFilter(Filter):
    """Marks English stop words; removes them (renumbering positions) when asked to."""

    def __init__(self, stoplist=STOP_WORDS) -> None:
        self.stops = frozenset(stoplist)

    def __call__(self, tokens):
        removed = 0
        for token in tokens:
            is_stop = getattr(token, "kind", None) == "en" and token.text in self.stops
            if is_stop and token.removestops:
                removed += 1  # positions stay consecutive over what is kept
                continue
            token.stopped = is_stop
            if token.positions:
                token.pos -= removed
            yield token


class EnglishStemFilter(Filter):
    """Porter-stems English words (trafficking, trafficked → traffick); nothing else."""

    is_morph = True

    def __call__(self, tokens):
        for token in tokens:
            if getattr(token, "kind", None) == "en" and not token.stopped:
                token.text = stem(token.text)
            yield token
