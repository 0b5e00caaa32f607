"""The reference executor's compiler: our query form (``search.query.form``) to Whoosh queries.

Whoosh stays the index of record; compiling to its queries gives an executor that every
faster one is tested against (same matches, totals, facet counts and top 10).
``Substring`` compiles to the phrase of its overlapping bigrams, which matches the same
paragraphs; the engine swaps such phrases for in-memory substring scores
(``search.engine.rewrite.resolve_bigrams``) so that both executors score them alike.
"""

from __future__ import annotations

from itertools import combinations
from math import comb

from whoosh import query as Q

from search.query import form as F


MAX_COMBINATIONS = 4096  # an AtLeast over more combinations has no reference form


def to_whoosh(node: F.Node | None) -> Q.Query | None:
    """The Whoosh query that matches exactly what ``node`` matches (None stays None)."""
    if node is None:
        return None
    return _compile(node)


def bigrams_of(text: str) -> list[str]:
    """Overlapping character bigrams of ``text`` (a lone character alone)."""
    return [text] if len(text) < 2 else [text[i:i + 2] for i in range(len(text) - 1)]


def _compile(node: F.Node) -> Q.Query:
    compiler = _COMPILERS.get(type(node))
    if compiler is None:
        raise TypeError(f"no Whoosh form for {type(node).__name__}")
    return compiler(node)


def _substring(node: F.Substring) -> Q.Query:
    words = bigrams_of(node.text)
    if len(words) == 1:
        return Q.Term(node.field, words[0], boost=node.boost)
    return Q.Phrase(node.field, words, boost=node.boost)


def _at_least(node: F.AtLeast) -> Q.Query:
    """The OR of every ``minimum``-sized AND of the children: the same matches.

    Whoosh's own ``Or(minmatch=…)`` is not honoured by its matchers, hence the
    combinations; scores of such a query are not the form's (the sum of the matching
    children), so a reference executor scores ``AtLeast`` from its children itself.
    """
    children = [_compile(c) for c in node.items]
    if node.minimum <= 0:
        return Q.Or(children, boost=node.boost)
    if node.minimum >= len(children):
        return Q.And(children, boost=node.boost)
    if comb(len(children), node.minimum) > MAX_COMBINATIONS:
        raise ValueError(f"AtLeast({node.minimum} of {len(children)}) has too many combinations")
    return Q.Or([Q.And(list(group)) for group in combinations(children, node.minimum)],
                boost=node.boost)


_COMPILERS = {
    F.Term: lambda n: Q.Term(n.field, n.text, boost=n.boost),
    F.Phrase: lambda n: Q.Phrase(n.field, list(n.words), boost=n.boost),
    F.Substring: _substring,
    F.Prefix: lambda n: Q.Prefix(n.field, n.text, boost=n.boost),
    F.Range: lambda n: Q.NumericRange(n.field, n.low, n.high, boost=n.boost),
    F.AnyOf: lambda n: Q.Or([_compile(c) for c in n.items], boost=n.boost),
    F.AllOf: lambda n: Q.And([_compile(c) for c in n.items], boost=n.boost),
    F.AtLeast: _at_least,
    F.Without: lambda n: Q.AndNot(_compile(n.positive), _compile(n.negative)),
    F.Maybe: lambda n: Q.AndMaybe(_compile(n.required), _compile(n.optional)),
    F.Every: lambda n: Q.Every(),
    F.Nothing: lambda n: Q.NullQuery,
}
