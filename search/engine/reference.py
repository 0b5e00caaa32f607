"""The reference executor's compiler: our query form (``search.query.form``) to Whoosh queries.

Whoosh stays the index of record; compiling to its queries gives an executor that every
faster one is tested against (same matches, totals, facet counts and top 10).
``Substring`` compiles to the phrase of its overlapping bigrams, which matches the same
paragraphs; the reference executor (``search.engine.whoosh_executor``) passes a
``substring`` hook that compiles each to in-memory substring scores instead
(``search.engine.rewrite.substring_scores``), so that both executors score them alike.
"""

from __future__ import annotations

from itertools import combinations
from math import comb
from typing import Callable

from whoosh import query as Q

from search.query import form as F
from search.store.spelled import bigrams_of


MAX_COMBINATIONS = 4096  # an AtLeast over more combinations has no reference form

Hook = Callable[[F.Substring], Q.Query]


def to_whoosh(node: F.Node | None, substring: Hook | None = None) -> Q.Query | None:
    """The Whoosh query that matches exactly what ``node`` matches (None stays None).

    ``substring``, if given, compiles each ``Substring`` node instead of the bigram phrase.
    """
    if node is None:
        return None
    return _Compiler(substring).compile(node)


class _Compiler:
    """One compilation: the node types' rules, with the substring hook if any."""

    def __init__(self, substring: Hook | None):
        self.substring = substring

    def compile(self, node: F.Node) -> Q.Query:
        rule = getattr(self, "_" + type(node).__name__.lower(), None)
        if rule is None:
            raise TypeError(f"no Whoosh form for {type(node).__name__}")
        return rule(node)

    def _all(self, nodes) -> list[Q.Query]:
        return [self.compile(child) for child in nodes]

    def _term(self, n: F.Term) -> Q.Query:
        return Q.Term(n.field, n.text, boost=n.boost)

    def _phrase(self, n: F.Phrase) -> Q.Query:
        return Q.Phrase(n.field, list(n.words), boost=n.boost)

    def _substring(self, n: F.Substring) -> Q.Query:
        if self.substring is not None:
            return self.substring(n)
        words = bigrams_of(n.text)
        if len(words) == 1:
            return Q.Term(n.field, words[0], boost=n.boost)
        return Q.Phrase(n.field, words, boost=n.boost)

    def _prefix(self, n: F.Prefix) -> Q.Query:
        return Q.Prefix(n.field, n.text, boost=n.boost)

    def _range(self, n: F.Range) -> Q.Query:
        return Q.NumericRange(n.field, n.low, n.high, boost=n.boost)

    def _anyof(self, n: F.AnyOf) -> Q.Query:
        return Q.Or(self._all(n.items), boost=n.boost)

    def _allof(self, n: F.AllOf) -> Q.Query:
        return Q.And(self._all(n.items), boost=n.boost)

    def _atleast(self, n: F.AtLeast) -> Q.Query:
        """The OR of every ``minimum``-sized AND of the children: the same matches.

        Whoosh's own ``Or(minmatch=…)`` is not honoured by its matchers, hence the
        combinations; scores of such a query are not the form's (the sum of the matching
        children), so a reference executor scores ``AtLeast`` from its children itself.
        """
        children = self._all(n.items)
        if n.minimum <= 0:
            return Q.Or(children, boost=n.boost)
        if n.minimum >= len(children):
            return Q.And(children, boost=n.boost)
        if comb(len(children), n.minimum) > MAX_COMBINATIONS:
            raise ValueError(f"AtLeast({n.minimum} of {len(children)}) has too many combinations")
        return Q.Or([Q.And(list(group)) for group in combinations(children, n.minimum)],
                    boost=n.boost)

    def _without(self, n: F.Without) -> Q.Query:
        return Q.AndNot(self.compile(n.positive), self.compile(n.negative))

    def _maybe(self, n: F.Maybe) -> Q.Query:
        return Q.AndMaybe(self.compile(n.required), self.compile(n.optional))

    def _every(self, n: F.Every) -> Q.Query:
        return Q.Every()

    def _nothing(self, n: F.Nothing) -> Q.Query:
        return Q.NullQuery
