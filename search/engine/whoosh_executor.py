"""The reference executor: our query form compiled to Whoosh queries and run by Whoosh.

It answers a :class:`~search.engine.execution.Request` with an
:class:`~search.engine.execution.Execution` by Whoosh's own matchers and BM25F scores,
ranked by the one rule of ``search.engine.execution``. Every faster executor is held
equal to it. Prefixes are limited to their most frequent terms before compiling, and each
``Substring`` is scored from the normalised texts in memory (``search.engine.rewrite``),
on an index of one segment or of several (the build writes one per batch).
"""

from __future__ import annotations

from whoosh import query as Q

from search.engine.catalogue import Catalogue
from search.engine.execution import OP_BOOST, Execution, Request, child_weight, rank_key
from search.engine.reference import to_whoosh
from search.engine.rewrite import SubstringQuery, limit_prefixes, substring_scores
from search.facets import tally
from search.query import form as F

FILTER_CACHE = 1024  # filter sets remembered per index before the cache starts afresh


class WhooshExecutor:
    """Runs requests over one open Whoosh searcher and the catalogue of the same index."""

    def __init__(self, searcher, catalogue: Catalogue):
        self.searcher = searcher
        self.catalogue = catalogue

    def run(self, request: Request) -> Execution:
        """Every match of ``request``, counted and ranked; the requested page of them."""
        allowed = self._allowed(request)
        node = self.prepare(request.query)
        top = F.top_at_least(node) if node is not None else None
        if allowed is not None and not allowed:
            hits, scores, matched = [], {}, {}
        elif F.is_browse(node) or request.sort != "relevance":
            hits = self._unranked(node, allowed, request.sort, top)
            scores, matched = {}, self._matched(top, hits) if top else {}
        else:
            hits, scores, matched = self._ranked(node, allowed, top)
        page = hits[request.start:request.start + request.size]
        size = len(top.items) if top is not None else 0
        return Execution(
            total=len(hits),
            full=sum(1 for n in hits if len(matched.get(n, ())) == size) if top else len(hits),
            page=page,
            scores=[scores.get(n, 0.0) for n in page],
            matched=[matched.get(n, ()) for n in page],
            facets=tally(self.catalogue.columns, hits, request.facets))

    def prepare(self, node: F.Node | None) -> F.Node | None:
        """The node as it runs here: prefixes limited to this index's terms."""
        return None if node is None else limit_prefixes(node, self.searcher.reader())

    def compile(self, node: F.Node | None) -> Q.Query | None:
        """The Whoosh query of ``node``, substrings resolved in memory where possible."""
        return to_whoosh(node, self._substring)

    def _substring(self, node: F.Substring) -> Q.Query:
        catalogue = self.catalogue
        scores = substring_scores(node, catalogue.normalized, catalogue.average_length,
                                  catalogue.substring_scores)
        return SubstringQuery(node.text, scores)

    # -- filters ---------------------------------------------------------------------

    def _allowed(self, request: Request) -> set[int] | None:
        """Docnums passing the filters (None: no filter), remembered per filter.

        A plain set because Whoosh takes no other; nothing may change it after this.
        """
        node = filter_node(request.filters, request.filter_node)
        if node is None:
            return None
        key = str(node)
        cache = self.catalogue.filter_docs
        if key not in cache:
            if len(cache) > FILTER_CACHE:
                cache.clear()
            cache[key] = set(self.searcher.docs_for_query(self.compile(node)))
        return cache[key]

    # -- matching and ranking -----------------------------------------------------------

    def _docs(self, node: F.Node | None, allowed: set[int] | None) -> list[int]:
        """Docnums matching ``node`` (every live one for None) and the filter, ascending."""
        if node is None or isinstance(node, F.Every):
            found = range(len(self.catalogue.docs))
        else:
            found = sorted(self.searcher.docs_for_query(self.compile(node)))
        return [n for n in found if allowed is None or n in allowed]

    def _unranked(self, node, allowed, sort: str, top: F.AtLeast | None) -> list[int]:
        """Matches by date (newest first) or in document order, without scoring."""
        order = self.catalogue.doc_order.__getitem__
        docnums = self._docs(node, allowed)
        if sort == "date":
            dates = self.catalogue.date_rank
            return sorted(docnums, key=lambda n: (-dates[n], order(n)))
        return sorted(docnums, key=order)

    def _scored(self, node: F.Node, allowed: set[int] | None) -> dict[int, float]:
        """Docnum → Whoosh score of every match of ``node`` passing the filter."""
        results = self.searcher.search(self.compile(node), filter=allowed, limit=None)
        return {n: s or 0.0 for n, s in results.items()}

    def _ranked(self, node: F.Node, allowed, top: F.AtLeast | None):
        """(hits in rank order, docnum → score, docnum → matched children of ``top``)."""
        if top is None:
            scores, matched, weights = self._scored(node, allowed), {}, {}
        else:
            scores, matched, weights = self._at_least(node, top, allowed)
        kinds = self.catalogue.columns["kind"]
        scores = {n: s * (OP_BOOST if kinds[n] == ("op",) else 1.0) for n, s in scores.items()}
        dates, order = self.catalogue.date_rank, self.catalogue.doc_order

        def key(n: int) -> tuple:
            found = matched.get(n, ())
            weight = sum(weights[i] for i in found) if weights else 0.0
            return rank_key(len(found), weight, scores[n], dates[n], order[n])

        return sorted(scores, key=key), scores, matched

    def _at_least(self, node: F.Node, top: F.AtLeast, allowed):
        """Scores of a query whose top is ``top``: the sum of the children each hit matches.

        Whoosh has no matcher for "at least m of n" with the form's scores, so each child
        runs alone; exclusions and the optional boost around ``top`` apply afterwards.
        """
        child_scores = [self._scored(child, allowed) for child in top.items]
        live = len(self.catalogue.docs)
        # Unfiltered, a child's matches are its df; filtered, they are counted apart.
        weights = {i: child_weight(len(child_scores[i]) if allowed is None
                                   else len(self._docs(child, None)), live)
                   for i, child in enumerate(top.items)}
        matched: dict[int, tuple[int, ...]] = {}
        for i, found in enumerate(child_scores):
            for n in found:
                matched[n] = matched.get(n, ()) + (i,)
        hits = {n for n, found in matched.items() if len(found) >= max(top.minimum, 1)}
        negatives, optionals = _around(node, top)
        for negative in negatives:
            hits -= set(self._docs(negative, None))
        scores = {n: top.boost * sum(child_scores[i][n] for i in matched[n]) for n in hits}
        for optional in optionals if hits else ():
            for n, s in self._scored(optional, hits).items():
                scores[n] += s
        return scores, {n: matched[n] for n in hits}, weights

    def _matched(self, top: F.AtLeast, hits: list[int]) -> dict[int, tuple[int, ...]]:
        """Docnum → the children of ``top`` each hit matches (for unranked sorts)."""
        matched: dict[int, tuple[int, ...]] = {}
        for i, child in enumerate(top.items):
            for n in self._docs(child, None):
                matched[n] = matched.get(n, ()) + (i,)
        return {n: matched.get(n, ()) for n in hits}


def _around(node: F.Node, top: F.AtLeast) -> tuple[list[F.Node], list[F.Node]]:
    """The exclusions and the optional boosts between ``node`` and its top ``top``."""
    negatives: list[F.Node] = []
    optionals: list[F.Node] = []
    while node is not top:
        if isinstance(node, F.Maybe):
            optionals.append(node.optional)
            node = node.required
        else:
            negatives.append(node.negative)
            node = node.positive
    return negatives, optionals


def filter_node(filters: dict[str, tuple[str, ...]], typed: F.Node | None) -> F.Node | None:
    """OR within a facet, AND across facets (and with the filters typed in the query)."""
    parts = [F.any_of([F.Term(facet, value) for value in values])
             for facet, values in filters.items()]
    if typed is not None:
        parts.append(typed)
    return F.all_of(parts) if parts else None
