"""Suggestions as you type: UN terms of the glossary in both languages, and document symbols.

Matching is on folded forms (traditional → simplified, case and width ignored): a term whose
English or Chinese form (or a variant) starts with what was typed ranks first, one that
contains it next. Each suggestion carries both labels and the search it would run.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlencode

from search.lexicon import chinese_key, glossary
from web.memo import per_generation

LIMIT = 8
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MAX_TYPED = 100  # longer input is not a prefix of any term


def fold(text: str) -> str:
    """What matching compares: simplified script, lower case, single spaces."""
    return " ".join(chinese_key(text).lower().split())


Entry = tuple[tuple[tuple[str, ...], tuple[str, ...]], dict, str]  # (forms, labels, all forms joined)


def _entry(main: tuple[str, ...], variants: tuple[str, ...], labels: dict) -> Entry:
    """A suggestion with its folded forms, and them joined: what is typed is in one of them
    only if it is in the joined string (one test rules most entries out)."""
    return (main, variants), labels, "\n".join((*main, *variants))


@lru_cache(maxsize=1)
def _terms() -> tuple[Entry, ...]:
    """Every glossary term with its folded forms: (its two names, its variants)."""
    entries = []
    for term in glossary():
        main = (fold(term.en), fold(term.zh))
        variants = tuple(fold(f) for f in (*term.en_variants, *term.zh_variants) if f)
        entries.append(_entry(main, variants, {"kind": "term", "en": term.en, "zh": term.zh}))
    return tuple(entries)


def _symbols(units: list[dict]) -> list[Entry]:
    """The symbols of the documents and resolutions in the index (A/RES/71/209, E/2011/30)."""
    found: dict[str, None] = {}
    for unit in units:
        for symbol in (unit.get("symbol"), (unit.get("document") or {}).get("symbol")):
            if symbol:
                found.setdefault(symbol)
    return [_entry((fold(symbol),), (), {"kind": "symbol", "en": symbol, "zh": symbol})
            for symbol in found]


def _rank(typed: str, forms: tuple[tuple[str, ...], tuple[str, ...]]) -> int | None:
    """How well `typed` matches: a name's start (0), a variant's start (1), inside a name (2)
    or a variant (3); None when nowhere."""
    main, variants = forms
    tests = (lambda f: f.startswith(typed), lambda f: typed in f)
    for rank, (test, group) in enumerate((t, g) for t in tests for g in (main, variants)):
        if any(map(test, group)):
            return rank
    return None


def suggestions(typed: str, units: list[dict], limit: int = LIMIT) -> list[dict]:
    """Up to `limit` terms and symbols matching `typed`, best first, each with the text to
    search for in the language that was typed (Chinese for Chinese input, else English)."""
    return _suggested(typed, _symbols(units), limit)


def _suggested(typed: str, symbols: list[Entry], limit: int) -> list[dict]:
    """:func:`suggestions` over the symbols' entries already folded (``_symbols``)."""
    key = fold(typed[:MAX_TYPED])
    if not key:
        return []
    ranked = []
    for order, (forms, entry, joined) in enumerate((*symbols, *_terms())):
        rank = _rank(key, forms) if key in joined else None
        if rank is not None:
            ranked.append((rank, len(entry["en"]), order, entry))
    ranked.sort(key=lambda item: item[:3])  # shorter names first: the general term
    lang = "zh" if _CJK.search(typed) else "en"
    return [{**item[3], "text": item[3][lang]} for item in ranked[:limit]]


def suggest_data(engine, typed: str) -> dict:
    """The /api/suggest answer: what was typed and the suggestions, each with its search URL.
    The index's symbols are folded once per generation (each keystroke asks again)."""
    symbols = per_generation(engine, "suggest_symbols", lambda e: _symbols(e.units()))
    found = _suggested(typed, symbols, LIMIT)
    for item in found:
        item["url"] = "/?" + urlencode({"q": item["text"]})
    return {"query": typed[:MAX_TYPED], "suggestions": found}
