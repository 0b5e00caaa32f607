"""Chinese folding shared by the lexicon: script, Taiwan/Hong Kong wording, width, name dots."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import opencc

HERE = Path(__file__).resolve().parent
# OpenCC configurations tried on Chinese text: plain script folding, then the Taiwan and
# Hong Kong phrase tables, so that a TW wording such as 網路 also reads as 网络.
FOLDINGS = ("t2s", "tw2sp", "hk2s")
# Characters a Chinese term may straddle: line wraps of the extraction, spaces around
# digits ("2030 年"), and title marks (《…》 around a title nested in another title).
_ZH_SKIP = frozenset(" \t\r\n\u3000\u00a0《》〈〉<>")
_DOTS = {c: "·" for c in "・‧•∙･"}  # name dots of 纳尔逊·曼德拉 in their several encodings
_WIDE = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}


@lru_cache(maxsize=None)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _normalize_chars(text: str) -> str:
    """Width, name dots and case, one character for one so offsets survive."""
    out = []
    for ch in text:
        ch = _WIDE.get(ch, _DOTS.get(ch, ch))
        low = ch.lower()
        out.append(low if len(low) == 1 else ch)
    return "".join(out)


def fold_chinese(text: str) -> list[str]:
    """The text folded to simplified by each OpenCC table that keeps its length.

    Every result has the length of ``text``, so an offset into it is an offset into the
    input; when no table preserves length the (normalized) original is matched instead.
    """
    folded: list[str] = []
    for config in FOLDINGS:
        converted = _converter(config).convert(text)
        if len(converted) == len(text):
            folded.append(_normalize_chars(converted))
    return list(dict.fromkeys(folded)) or [_normalize_chars(text)]


def chinese_key(term: str) -> str:
    """A Chinese term as the matcher stores it: simplified, normalized, no skippable marks."""
    simplified = _normalize_chars(_converter("t2s").convert(term))
    return "".join(ch for ch in simplified if ch not in _ZH_SKIP)


def _require_str(text: object, caller: str) -> None:
    if not isinstance(text, str):
        raise TypeError(f"{caller} expects text as str, got {type(text).__name__}")
