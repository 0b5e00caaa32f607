""""Did you mean": a corrected query that finds something, when the typed one found nothing."""

from __future__ import annotations

import difflib
from functools import lru_cache

from whoosh.query import NullQuery

from search.query import parse

CUTOFF = 0.75  # similarity needed to propose a glossary form instead of a typed word


def suggest(searcher, parsed, q: str) -> str | None:
    """A different query with hits, built by correcting unknown words; else None."""
    whole = difflib.get_close_matches(q.lower(), glossary_forms(), n=1, cutoff=CUTOFF)
    if whole and whole[0] != q.lower() and _finds(searcher, whole[0]):
        return whole[0]
    words = set(parsed.words)
    changed, corrected = False, []
    for word in q.split():
        better = _correct(searcher, word) if word in words else None
        changed = changed or (better is not None and better != word)
        corrected.append(better or word)
    candidate = " ".join(corrected)
    if changed and _finds(searcher, candidate):
        return candidate
    return None


def _correct(searcher, word: str) -> str | None:
    """A known word close to ``word`` when ``word`` itself is not in the index."""
    from search.analysis import segment

    terms = segment(word)
    if not terms or all(searcher.doc_frequency("text", t) for t in terms):
        return None
    close = difflib.get_close_matches(word.lower(), glossary_words(), n=1, cutoff=CUTOFF)
    if close:
        return close[0]
    if len(terms) == 1:
        found = searcher.corrector("text").suggest(terms[0], limit=1, maxdist=1)
        return found[0] if found else None
    return None


def _finds(searcher, candidate: str) -> bool:
    """True when ``candidate`` matches at least one paragraph."""
    query = parse(candidate).query
    if query is None or query is NullQuery:
        return False
    return not searcher.search(query, limit=1).is_empty()


@lru_cache(maxsize=1)
def glossary_forms() -> tuple[str, ...]:
    """Every glossary form (English lower-cased), for whole-query corrections."""
    try:
        from search.lexicon import glossary
    except ImportError:
        return ()
    forms: list[str] = []
    for term in glossary():
        forms += [term.zh, *term.zh_variants, term.en.lower(),
                  *(v.lower() for v in term.en_variants)]
    return tuple(dict.fromkeys(f for f in forms if f))


@lru_cache(maxsize=1)
def glossary_words() -> tuple[str, ...]:
    """Single words of the glossary forms (English words and whole Chinese terms)."""
    words: list[str] = []
    for form in glossary_forms():
        words += form.split()
    return tuple(dict.fromkeys(w for w in words if len(w) > 1))
