"""The segmenter for everything that is not Chinese: words, numbers and document symbols.

Input is one normalized "word run": letters/digits joined by `/`, `.`, `-` or an
apostrophe (`a/res/71/209`, `e/cn.15/2011/21`, `1.5`, `follow-up`, `unodc's`). Output
is pieces with a kind:

- `sym`: a UN symbol or resolution number, kept whole (`a/res/71/209`, `70/174`); at
  index time its numeric tail is stacked on it too, so `71/209` finds `A/RES/71/209`;
- `num`: a number (`2030`, `1`, `1.5`);
- `en`: an ASCII word, subject to English stop words and stemming;
- `word`: any other letters (other scripts, letter-digit mixes), kept as is.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

_PART = re.compile(r"[^/.\-'\u2019\u02bc]+")
_COMPONENT = re.compile(r"[^/]+")
_APOSTROPHES = "'\u2019\u02bc"


class Piece(NamedTuple):
    """A span of the run, its kind, and whether it shares the previous token's position."""

    start: int
    end: int
    kind: str
    stacked: bool = False


def _kind(part: str) -> str:
    """Kind of one connector-free part."""
    if part.isdecimal():
        return "num"
    if part.isascii() and part.isalpha():
        return "en"
    return "word"


def _numeric_tail(run: str) -> tuple[int, int] | None:
    """Span of the trailing all-digit `/` components of a symbol (`71/209` in `a/res/71/209`)."""
    components = list(_COMPONENT.finditer(run))
    tail = []
    for component in reversed(components):
        if not component.group().isdecimal():
            break
        tail.append(component)
    if len(tail) < 2 or len(tail) == len(components):
        return None
    return tail[-1].start(), tail[0].end()


def latin_pieces(run: str, index_mode: bool) -> list[Piece]:
    """Split one word run into pieces (offsets relative to the run)."""
    parts = list(_PART.finditer(run))
    if len(parts) > 1 and run[parts[-1].start() - 1] in _APOSTROPHES and parts[-1].group() == "s":
        parts.pop()  # possessive: UNODC's → unodc
        run = run[: parts[-1].end()]
    if len(parts) == 1:
        return [Piece(0, len(run), _kind(run))]
    joiners = set(run) & {"/", ".", "-"}
    if "/" in joiners and any(ch.isdecimal() for ch in run):
        pieces = [Piece(0, len(run), "sym")]
        tail = _numeric_tail(run)
        if index_mode and tail is not None:
            pieces.append(Piece(*tail, "sym", stacked=True))
        return pieces
    if joiners == {"."} and all(p.group().isdecimal() for p in parts):
        return [Piece(0, len(run), "num")]
    return [Piece(p.start(), p.end(), _kind(p.group())) for p in parts]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Porter stem of an English word (cached: a corpus repeats its words)."""
    from whoosh.lang.porter import stem as porter_stem

    return porter_stem(word)
