"""Run-time rewrites of a parsed query against the open index.

Prefixes of the query form expand to their most frequent terms, capped, before the
form is compiled (:func:`limit_prefixes`).

A ``Substring`` (洗钱活动) matches exactly the paragraphs whose normalised text contains
the string; compiled as such it is the phrase of its overlapping bigrams (洗钱 钱活
活动), which Whoosh evaluates position by position in Python, milliseconds per matching
paragraph. A scan of a few thousand normalised texts costs microseconds: the reference
executor compiles each ``Substring`` to a :class:`SubstringQuery` holding the matching
documents, scored like a BM25 term on the bigram field (:func:`substring_scores`).
"""

from __future__ import annotations

from whoosh import matching
from whoosh import query as Q

from search.query import form as F
from search.store.scoring import substring_bm25, substring_weight

CACHE_SIZE = 4096  # substrings remembered before the cache starts afresh


class SubstringQuery(Q.Query):
    """Documents containing ``text`` (by docnum of the whole index), with their scores.

    On an index of several segments Whoosh asks each segment's searcher for a matcher:
    it gets the documents of that segment, numbered from the segment's start.
    """

    def __init__(self, text: str, scores: dict[int, float]):
        self.text = text
        self.scores = scores
        self.boost = 1.0

    def __str__(self) -> str:
        return f'substring:"{self.text}"'

    def __repr__(self) -> str:
        return f"SubstringQuery({self.text!r}, {len(self.scores)} docs)"

    def __eq__(self, other) -> bool:
        return isinstance(other, SubstringQuery) and other.text == self.text

    def __hash__(self) -> int:
        return hash(("substring", self.text))

    def field(self) -> str:
        return "text_bigram"

    def estimate_size(self, ixreader) -> int:
        return len(self.scores)

    def matcher(self, searcher, context=None):
        offset = searcher.get_parent()._offset_for_subsearcher(searcher) or 0
        end = offset + searcher.reader().doc_count_all()
        ids = sorted(i for i in self.scores if offset <= i < end)
        if not ids:
            return matching.NullMatcher()
        return matching.ListMatcher([i - offset for i in ids], weights=[self.scores[i] for i in ids])


def joined_bigrams(words: list[str]) -> str | None:
    """The string a run of overlapping bigrams spells (None if they do not overlap)."""
    if not words or any(len(w) != 2 for w in words):
        return None
    if any(words[i][0] != words[i - 1][1] for i in range(1, len(words))):
        return None
    return words[0] + "".join(w[1] for w in words[1:])


def substring_scores(node: F.Substring, texts: list[str], average: float,
                     cache: dict | None = None) -> dict[int, float]:
    """Docnum → BM25 score of ``node`` over ``texts`` (normalised, by docnum), remembered.

    ``average`` is the mean text length (the BM25 length normalisation); ``cache``, if
    given, remembers the scores of each substring across queries over the same texts.
    """
    cache = {} if cache is None else cache
    if len(cache) > CACHE_SIZE:
        cache.clear()
    key = (node.text, node.boost)
    if key not in cache:
        cache[key] = _scores(node.text, texts, average, node.boost)
    return cache[key]


def _scores(text: str, texts: list[str], average: float, boost: float) -> dict[int, float]:
    """BM25 of ``text`` as if it were one term of the bigram field."""
    counts = {n: t.count(text) for n, t in enumerate(texts) if text in t}
    if not counts:
        return {}
    weight = substring_weight(len(texts), len(counts), boost)
    return {n: substring_bm25(weight, tf, len(texts[n]), average) for n, tf in counts.items()}


def limit_prefixes(node: F.Node, reader, cap: int = F.PREFIX_CAP) -> F.Node:
    """Replace each prefix by its ``cap`` most frequent expansions in ``reader`` (ties: term order)."""

    def expand(prefix: F.Node) -> F.Node:
        if not isinstance(prefix, F.Prefix):
            return prefix
        fieldobj = reader.schema[prefix.field]
        found = []
        for raw in reader.expand_prefix(prefix.field, prefix.text):
            term = fieldobj.from_bytes(raw) if isinstance(raw, bytes) else raw
            found.append((-reader.doc_frequency(prefix.field, term), term))
            if len(found) >= cap * 16:  # bound the work on pathological prefixes
                break
        terms = [term for _, term in sorted(found)[:cap]]
        if not terms:
            return F.Nothing()
        return F.any_of([F.Term(prefix.field, term) for term in terms])

    return F.transform(node, expand)
