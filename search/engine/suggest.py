""""Did you mean": a corrected query that finds something, when the typed one found nothing."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from search.engine.chinese_suggest import correct_chinese
from search.engine.reference import to_whoosh
from search.messages import say
from search.query import form as F
from search.query.build import parse
from search.query.sources import has_cjk

CUTOFF = 0.75  # similarity needed to propose a glossary form instead of a typed word
# Similarity of the whole query needed to show a Latin correction's results at once; below,
# the correction is only offered ("artificial intelligence" is no "criminal intelligence").
SURE = 0.85
MAX_WORD = 30  # longer "words" are noise, not typos
MAX_TRIES = 5  # words corrected per query, so that noise cannot cost seconds
_LATIN = re.compile(r"[A-Za-z][A-Za-z'-]{2,19}")


def suggest(searcher, parsed, q: str, vocabulary: tuple[str, ...] = (),
            speller=None, finds=None) -> str | None:
    """A different query with hits, built by correcting unknown words; else None.

    ``vocabulary`` holds the Latin terms of the index, a last resort for English words;
    ``speller`` (``search.engine.chinese_suggest``) corrects Chinese words by sound and shape.
    ``finds(text)`` says whether a candidate query matches any paragraph (default: a
    Whoosh search of ``searcher``; the engine asks its own executor, far faster).
    """
    if finds is None:
        finds = lambda text: _finds(searcher, text)  # noqa: E731
    words = set(parsed.words)
    changed, corrected, tried = False, [], {}
    for word in q.split():
        better = None
        if word in words and len(word) <= MAX_WORD and (word in tried or len(tried) < MAX_TRIES):
            if word not in tried:
                tried[word] = _correct(searcher, word, vocabulary, speller, finds)
            better = tried[word]
        changed = changed or (better is not None and better != word)
        corrected.append(better or word)
    candidate = " ".join(corrected)
    if changed and finds(candidate):
        return candidate
    # A misspelt multi-word name ("Palermo Convension") may only match as a whole.
    if len(q) <= MAX_WORD * 3:
        whole = difflib.get_close_matches(q.lower(), glossary_forms(), n=1, cutoff=CUTOFF)
        if whole and whole[0] != q.lower() and finds(whole[0]):
            return whole[0]
    return None


def _correct(searcher, word: str, vocabulary: tuple[str, ...], speller=None,
             finds=None) -> str | None:
    """A known word close to ``word`` when ``word`` itself is not in the index."""
    from search.analysis import segment

    terms = segment(word)
    if speller is not None and has_cjk(word):
        return correct_chinese(speller, word, finds or (lambda w: _finds(searcher, w)))
    if not terms or all(searcher.doc_frequency("text", t) for t in terms):
        return None
    close = difflib.get_close_matches(word.lower(), glossary_words(), n=1, cutoff=CUTOFF)
    if not close and len(terms) == 1 and _LATIN.fullmatch(word):
        # Edit distance means something for Latin words; Chinese typos are rare (an IME
        # picks whole words). The index holds stems, so this comes after the glossary.
        close = difflib.get_close_matches(terms[0], vocabulary, n=1, cutoff=CUTOFF)
    return close[0] if close else None


def candidate_query(candidate: str) -> F.Node | None:
    """The query a candidate correction runs, or None when it can match nothing."""
    query = parse(candidate).query
    return None if query is None or isinstance(query, F.Nothing) else query


def _finds(searcher, candidate: str) -> bool:
    """True when ``candidate`` matches at least one paragraph (a Whoosh search)."""
    query = candidate_query(candidate)
    return query is not None and not searcher.search(to_whoosh(query), limit=1).is_empty()


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


def confident(typed: str, suggestion: str) -> bool:
    """True when a correction may stand in for the query (its results shown at once).

    A Chinese correction changes one character to one that sounds alike (see
    ``search.engine.chinese_suggest``); a Latin one must keep most of the letters.
    """
    if has_cjk(typed):
        return True
    return difflib.SequenceMatcher(None, typed.lower(), suggestion.lower()).ratio() >= SURE


def shown_for(corrected, typed: str, suggestion: str):
    """The corrected query's parse, its reading and messages saying it stands for ``typed``."""
    from dataclasses import replace

    words = suggestion.split()
    typed = " ".join(w for w in typed.split() if w not in words) or typed
    reading = {"en": f"{corrected.reading['en']} (showing results for {suggestion}; "
                     f"no paragraph has {typed})",
               "zh": f"{corrected.reading['zh']}（已显示 {suggestion} 的结果；没有段落包含 {typed}）"}
    message = say("corrected", typed=typed, meant=suggestion)
    return replace(corrected, text=typed, reading=reading,
                   messages=list(corrected.messages) + [message])
