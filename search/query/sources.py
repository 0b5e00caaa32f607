"""Where the query side gets its terms and concepts: the analyzers and the glossary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Protocol

_CJK_CHARS = "\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_CJK = re.compile(f"[{_CJK_CHARS}]")
_ALL_CJK = re.compile(f"[{_CJK_CHARS}]+")
CJK_GAP = re.compile(f"(?<=[{_CJK_CHARS}])\\s+(?=[{_CJK_CHARS}])")  # spaces inside Chinese


class Lexicon(Protocol):
    """What the query needs from the glossary (``search.lexicon`` satisfies it)."""

    def match_english(self, text: str) -> list[tuple[int, int, Any]]: ...

    def match_chinese(self, text: str) -> list[tuple[int, int, Any]]: ...


@dataclass
class Analyzers:
    """Term producers for the two text fields (defaults: ``search.analysis``)."""

    text: Callable[[str], list[str]]
    bigram: Callable[[str], list[str]]
    normalize: Callable[[str], str]


@lru_cache(maxsize=1)
def default_analyzers() -> Analyzers:
    """The project's analysis, shared with the indexer (built once per process)."""
    from search import analysis

    bigram = analysis.bigram_analyzer()
    return Analyzers(
        text=analysis.segment,
        bigram=lambda s: [t.text for t in bigram(s, mode="query")],
        normalize=analysis.normalize,
    )


def default_lexicon() -> Lexicon:
    """The project's glossary (``search.lexicon``), or no expansion while it is absent."""
    try:
        from search import lexicon
    except ImportError:
        return _NoLexicon()
    if hasattr(lexicon, "match_english") and hasattr(lexicon, "match_chinese"):
        return lexicon
    return _NoLexicon()


class _NoLexicon:
    def match_english(self, text: str) -> list:
        return []

    def match_chinese(self, text: str) -> list:
        return []


def has_cjk(text: str) -> bool:
    """True when ``text`` holds a Chinese character."""
    return bool(_CJK.search(text))


def all_cjk(text: str) -> bool:
    """True when ``text`` is made of Chinese characters only (and is not empty)."""
    return bool(_ALL_CJK.fullmatch(text))
