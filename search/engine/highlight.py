"""Snippets with ``<mark>`` around matched terms, built safely from stored text.

Matched terms' and phrases' character offsets (stored in the postings, pointing into
the original text) become spans, overlapping spans resolve to the longest, and the
HTML is assembled by escaping every piece of text between the marks — never by
inserting tags into already-escaped text.
"""

from __future__ import annotations

import bisect
from html import escape
from typing import Callable

from whoosh.reading import TermNotFound

from search.store.spelled import bigrams_of
from search.engine.rewrite import joined_bigrams
from search.query import form as F
from search.query.sources import all_cjk

SNIPPET_CHARS = 200  # a paragraph longer than this shows a window around its matches
CONTEXT_CHARS = 40  # characters kept before the first match of the window
ELLIPSIS = "…"
HIGHLIGHTED = ("text", "text_bigram")


Match = tuple[str, tuple[str, ...]]  # (field, words): one word for a term, more for a phrase


def positive_matches(query: F.Node | None) -> set[Match]:
    """Terms and phrases a hit may contain: everything not under an exclusion.

    A substring counts as the phrase of its bigrams (it is marked where it occurs).
    """
    found: set[Match] = set()

    def walk(node: F.Node) -> None:
        if isinstance(node, F.Without):
            walk(node.positive)
        elif isinstance(node, F.Term):
            found.add((node.field, (node.text,)))
        elif isinstance(node, F.Phrase):
            found.add((node.field, tuple(node.words)))
        elif isinstance(node, F.Substring):
            found.add((node.field, tuple(bigrams_of(node.text))))
        else:
            for child in node.children():
                walk(child)

    if query is not None:
        walk(query)
    return {match for match in found if match[0] in HIGHLIGHTED}


def match_spans(searcher, docnums: list[int], matches: set[Match],
                aligned: Callable[[int], str | None] = lambda n: None,
                term_chars=None) -> dict[int, list[tuple[int, int]]]:
    """Spans of the matched terms and phrases in each of ``docnums``; longest wins.

    Word offsets come from the postings (both text fields store positions and
    characters): the same analyzer over the same stored text produced them, so nothing
    is re-analysed per result. A phrase is marked only where its words are adjacent.
    Chinese matches are plain substrings of the normalised text: ``aligned(docnum)``
    gives that text when it aligns character for character with the stored one, and
    the substring is then found directly instead of through a dozen postings (a word
    inside a longer word is marked too, as its bigrams match it there anyway).
    ``term_chars(field, term, docnums)`` reads the offsets (default: Whoosh's postings of
    ``searcher``; the array executor reads its own, the same ones).
    """
    if term_chars is None:
        term_chars = lambda f, w, targets: _term_chars(searcher, f, w, targets)  # noqa: E731
    targets = sorted(set(docnums))
    if not targets:
        return {}
    words_spans: dict[int, list[tuple[int, int]]] = {n: [] for n in targets}
    bigram_spans: dict[int, list[tuple[int, int]]] = {n: [] for n in targets}
    from_postings: dict[Match, list[int]] = {}
    texts: dict[int, str | None] = {}  # each shown text normalised once, whatever the matches
    for match in matches:
        fieldname, words = match
        joined = _substring(fieldname, words)
        for docnum in targets:
            if joined and docnum not in texts:
                texts[docnum] = aligned(docnum)
            text = texts[docnum] if joined else None
            if text is None:
                from_postings.setdefault(match, []).append(docnum)
            else:
                bigram_spans[docnum].extend(_occurrences(text, joined))
    needed = {(f, w) for (f, words) in from_postings for w in words}
    postings = {(f, w): dict(term_chars(f, w, targets)) for f, w in needed}
    for (fieldname, words), docs in from_postings.items():
        into = bigram_spans if fieldname == "text_bigram" else words_spans
        for docnum in docs:
            chars = [postings[(fieldname, w)].get(docnum) for w in words]
            if all(chars):
                into[docnum].extend(_phrase_spans(chars))
    # Bigram matches overlap one another (贩运, 运人, 人口): join each run into one span.
    return {n: _longest_first(words_spans[n] + _union(bigram_spans[n])) for n in targets}


def _substring(fieldname: str, words: tuple[str, ...]) -> str | None:
    """The string a Chinese match spells in the normalised text, or None."""
    if fieldname == "text_bigram":
        return joined_bigrams(list(words))
    joined = "".join(words)
    return joined if all_cjk(joined) else None


def _occurrences(text: str, sub: str) -> list[tuple[int, int]]:
    """Every (start, end) of ``sub`` in ``text``, overlapping ones included."""
    spans, at = [], text.find(sub)
    while at >= 0:
        spans.append((at, at + len(sub)))
        at = text.find(sub, at + 1)
    return spans


def _phrase_spans(chars: list[dict[int, tuple[int, int]]]) -> list[tuple[int, int]]:
    """Spans where word i sits at position p + i, for every start position p."""
    spans = []
    for pos, (start, _) in chars[0].items():
        if all(pos + i in word for i, word in enumerate(chars)):
            spans.append((start, chars[-1][pos + len(chars) - 1][1]))
    return spans


def _term_chars(searcher, fieldname: str, term: str, targets: list[int]):
    """(docnum, {position: (start, end)}) for each target document holding ``term``."""
    reader = searcher.reader()
    if (fieldname, term) not in reader:
        return
    try:
        matcher = reader.postings(fieldname, term)  # no scorer: only offsets are read
    except TermNotFound:
        return
    for docnum in targets:
        if not matcher.is_active():
            return
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
        if matcher.is_active() and matcher.id() == docnum:
            yield docnum, {pos: (start, end) for pos, start, end
                           in matcher.value_as("characters") if end > start}


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge overlapping spans."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _longest_first(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Non-overlapping spans in text order, a longer span beating any it overlaps.

    The chosen spans are kept sorted, so each candidate is checked against its two
    neighbours only: n log n, not n² (a paragraph may hold thousands of matches).
    """
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(set(spans), key=lambda s: (s[0] - s[1], s[0])):
        at = bisect.bisect_right(starts, start)
        if (at and ends[at - 1] > start) or (at < len(starts) and starts[at] < end):
            continue
        starts.insert(at, start)
        ends.insert(at, end)
    return list(zip(starts, ends))


def snippet(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS) -> str:
    """Escaped HTML of ``text`` (or a window of it) with each span wrapped in <mark>."""
    start, end = _window(text, spans, width)
    pieces = [ELLIPSIS] if start > 0 else []
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        pieces.append(escape(text[pos:s]))
        pieces.append("<mark>" + escape(text[s:e]) + "</mark>")
        pos = e
    pieces.append(escape(text[pos:end]))
    if end < len(text):
        pieces.append(ELLIPSIS)
    return "".join(pieces)


def _window(text: str, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """The [start, end) window of ``width`` characters holding the most spans."""
    if len(text) <= width:
        return 0, len(text)
    # Spans are sorted and disjoint, so their starts and their ends are both in order.
    starts = [s for s, _ in spans]
    ends = [e for _, e in spans]
    best, best_count = 0, -1
    for anchor in starts:
        start = max(0, min(anchor - CONTEXT_CHARS, len(text) - width))
        count = max(0, bisect.bisect_right(ends, start + width) - bisect.bisect_left(starts, start))
        if count > best_count:
            best, best_count = start, count
    end = best + width
    # Never cut a marked term in two: widen the start, end before a span the end splits.
    for s, e in spans:
        if s < best < e:
            best = s
        if s < end < e:
            end = s
    return best, end
