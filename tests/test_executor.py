"""The Whoosh reference executor: what it matches, counts and ranks, on the real index."""

from __future__ import annotations

import pytest
from whoosh import index as whoosh_index

from search.engine.catalogue import Catalogue
from search.engine.execution import OP_BOOST, Request, child_weight, rank_key
from search.engine.whoosh_executor import WhooshExecutor
from search.query import form as F
from search.store.generation import current
from search.store.schema import FACETS

A, B, C = F.Term("text", "洗钱"), F.Term("text", "腐败"), F.Term("text", "网络犯罪")


@pytest.fixture(scope="module")
def executor(real_index):
    live = current(real_index)
    ix = whoosh_index.open_dir(str(live))
    searcher = ix.searcher()
    catalogue = Catalogue.load(searcher.reader(), live, "units.json")
    yield WhooshExecutor(searcher, catalogue)
    searcher.close()
    ix.close()


def _docs(executor, node):
    return set(executor.searcher.docs_for_query(executor.compile(node)))


def _scores(executor, node):
    kinds = executor.catalogue.columns["kind"]
    return {n: (s or 0.0) * (OP_BOOST if kinds[n] == ("op",) else 1.0) for n, s in
            executor.searcher.search(executor.compile(node), limit=None).items()}


def test_at_least_matches_counts_and_scores_as_the_form_says(executor):
    node = F.AtLeast((A, B, C), 2, ("a", "b", "c"))
    found = executor.run(Request(node, size=1000, facets=FACETS))
    a, b, c = (_docs(executor, x) for x in (A, B, C))
    assert found.total == len((a & b) | (a & c) | (b & c)) == len(_docs(executor, node))
    assert found.full == len(a & b & c) > 0
    each = [_scores(executor, x) for x in (A, B, C)]
    for n, score, matched in zip(found.page, found.scores, found.matched):
        assert matched == tuple(i for i, s in enumerate(each) if n in s) and len(matched) >= 2
        assert score == pytest.approx(sum(each[i][n] for i in matched))
    assert [len(m) for m in found.matched] == sorted((len(m) for m in found.matched), reverse=True)
    assert sum(found.facets["kind"].values()) == found.total


def test_the_page_follows_the_one_ranking_rule(executor):
    node = F.AtLeast((A, B), 1, ("a", "b"))
    found = executor.run(Request(node, size=1000))
    live = len(executor.catalogue.docs)
    weights = [child_weight(len(_docs(executor, x)), live) for x in (A, B)]
    cat = executor.catalogue
    keys = [rank_key(len(m), sum(weights[i] for i in m), s, cat.date_rank[n], cat.doc_order[n])
            for n, s, m in zip(found.page, found.scores, found.matched)]
    assert keys == sorted(keys) and len(found.page) == found.total


def test_exclusions_and_boosts_around_the_top_at_least(executor):
    top = F.AtLeast((A, B), 1, ("a", "b"))
    plain = executor.run(Request(top, size=1000))
    node = F.Maybe(F.Without(top, C), F.Phrase("text", ("打击", "腐败")))
    found = executor.run(Request(node, size=1000))
    assert set(found.page) == set(plain.page) - _docs(executor, C)
    boosted = _docs(executor, F.Phrase("text", ("打击", "腐败"))) & set(found.page)
    assert boosted
    before = dict(zip(plain.page, plain.scores))
    for n, score in zip(found.page, found.scores):
        assert (score > before[n] + 1e-9) == (n in boosted)


def test_a_filter_matching_nothing_gives_nothing(executor):
    for sort in ("relevance", "date", "order"):
        found = executor.run(Request(A, {"theme": ("no-such-theme",)}, sort=sort, facets=FACETS))
        assert (found.total, found.full, found.page) == (0, 0, [])
        assert all(not counts for counts in found.facets.values())


def test_browsing_counts_every_paragraph_passing_the_filters(executor):
    found = executor.run(Request(None, {"kind": ("op",)}, size=5, facets=("kind",)))
    assert found.total == found.full == found.facets["kind"]["op"] > 300
    order = executor.catalogue.doc_order
    assert [order[n] for n in found.page] == sorted(order[n] for n in found.page)
    assert found.scores == [0.0] * 5 and found.matched == [()] * 5


def test_by_date_the_partial_hits_are_still_marked(executor):
    node = F.AtLeast((A, B), 1, ("a", "b"))
    found = executor.run(Request(node, sort="date", size=1000))
    dates = executor.catalogue.date_rank
    assert [-dates[n] for n in found.page] == sorted(-dates[n] for n in found.page)
    assert sum(len(m) == 2 for m in found.matched) == found.full
