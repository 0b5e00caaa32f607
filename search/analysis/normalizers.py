"""Normalizers: width/compatibility folding, traditional → simplified, lowercase.

Every normalizer maps the text to a string of the *same length*, so a character offset
in normalized text is also an offset in the original text: that is what lets tokens
point into the stored paragraph for highlighting without a separate offset map.
"""

from __future__ import annotations

import re
import threading
import unicodedata

# Compatibility decompositions we fold. Deliberately absent: <super>, <sub> (footnote
# markers ¹²³ must never become digits), <circle>, <fraction>, <square> (not the same word).
_FOLDED_TAGS = frozenset({"<wide>", "<narrow>", "<noBreak>", "<font>", "<compat>"})
# Separators between the parts of a transliterated name (纳尔逊·曼德拉) come in several
# code points; the dictionary spells them with U+00B7.
_NAME_DOTS = frozenset("\u00b7\u2022\u2027\u30fb\u2219\u22c5")
NAME_DOT = "\u00b7"

_HAN_RANGES = (
    (0x3400, 0x4DBF),  # CJK Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs (folded to unified below)
    (0x20000, 0x3134F),  # Extensions B–G
)
_HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")


def is_han(ch: str) -> bool:
    """True when the character is a Chinese ideograph."""
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _HAN_RANGES)


def _fold_char(ch: str) -> str:
    """Width/compatibility fold of one character, only when it stays one character."""
    if ch in _NAME_DOTS:
        return NAME_DOT
    decomposition = unicodedata.decomposition(ch)
    if not decomposition:
        return ch
    if decomposition.startswith("<"):
        if decomposition.split(" ", 1)[0] not in _FOLDED_TAGS:
            return ch
        folded = unicodedata.normalize("NFKC", ch)
    else:
        # Canonical singletons such as CJK compatibility ideographs (U+F900…).
        folded = unicodedata.normalize("NFC", ch)
    return folded if len(folded) == 1 else ch


def _lower_char(ch: str) -> str:
    """Lowercase one character, unless lowercasing would change the length (İ)."""
    lowered = ch.lower()
    return lowered if len(lowered) == 1 else ch


TABLE_LIMIT = 1 << 16  # code points remembered per translate table


class _CharTable(dict):
    """A str.translate table that computes each code point's mapping on first use."""

    def __init__(self, func):
        super().__init__()
        self._func = func

    def __missing__(self, cp: int) -> str:
        mapped = self._func(chr(cp))
        if len(self) < TABLE_LIMIT:  # bounded: random input must not grow it forever
            self[cp] = mapped
        return mapped


_FOLD_TABLE = _CharTable(_fold_char)
_LOWER_TABLE = _CharTable(_lower_char)

_converter = None
_converter_lock = threading.Lock()


def _t2s():
    """The shared OpenCC traditional → simplified converter, created on first use."""
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC("t2s")
    return _converter


def fold_width(text: str) -> str:
    """Normalizer 1: full-width and compatibility forms to their plain form (Ａ → A)."""
    return text.translate(_FOLD_TABLE)


def _convert_run(run: str) -> str:
    """t2s one run of ideographs, phrase-aware; per character if a phrase changes length."""
    converted = _t2s().convert(run)
    if len(converted) == len(run):
        return converted
    chars = [_t2s().convert(ch) for ch in run]
    return "".join(c if len(c) == 1 else ch for c, ch in zip(chars, run))


def to_simplified(text: str) -> str:
    """Normalizer 2: traditional → simplified Chinese, applied only to runs of ideographs."""
    # Only ideograph runs go to OpenCC: the C library must never see NULs or lone surrogates.
    return _HAN_RUN.sub(lambda m: _convert_run(m.group()), text)


def lowercase(text: str) -> str:
    """Normalizer 3: lowercase, one character at a time (length-preserving, no final-sigma)."""
    return text.translate(_LOWER_TABLE)


NORMALIZERS = (fold_width, to_simplified, lowercase)


def normalize(text: str) -> str:
    """Apply every normalizer in order; the result has exactly the length of the input."""
    if not isinstance(text, str):
        raise TypeError(f"normalize() needs a str, not {type(text).__name__}")
    for normalizer in NORMALIZERS:
        text = normalizer(text)
    return text
