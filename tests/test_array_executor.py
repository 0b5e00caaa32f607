"""The array executor against the Whoosh reference: same matches, totals, facets, top 10.

The mix and the reference are bench/array_mix.py's. Two corpora: the real one and a
generated one (the corpus's clauses recombined, with other years).
"""

from __future__ import annotations

import copy
import random
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.array_mix import FACET_LIST, Reference, query_mix
from search.engine.arrays import ArrayExecutor, Hits, LeafMemo
from search.engine.ranking import FacetCounts
from search.engine.execution import Request
from search.facets import labelled, sizes
from search.query import form as F
from search.store.arrays import Arrays
from search.store.generation import current


def _compare(index_dir: Path, reference: Reference):
    executor = ArrayExecutor(Arrays(current(index_dir)))
    checked = 0
    for name, node, filters in query_mix():
        expected = reference.run(node, filters)
        got = executor.run(Request(node, filters=filters, facets=FACET_LIST))
        assert not got.partial, name
        assert (got.total, got.full) == (expected["total"], expected["full"]), name
        assert got.facets == expected["facets"], name
        assert got.page == expected["page"], name
        assert got.scores == pytest.approx(expected["scores"], rel=1e-6), name
        if F.top_at_least(node) is not None:
            assert got.matched == expected["matched"], name
        checked += expected["total"] > 0
    return checked


def test_the_array_executor_agrees_with_whoosh_on_the_real_corpus(real_index):
    reference = Reference(real_index)
    assert _compare(real_index, reference) >= 40  # most of the mix finds something
    reference.searcher.close()


def _recombined(documents, copies: int, seed: int = 7):
    """``copies`` more copies of the corpus, each paragraph made of random corpus clauses."""
    rng = random.Random(seed)
    clauses = [c for d in documents for u in d.units for p in u.paragraphs
               for c in re.findall(r"[^，；。]+[，；。]?", p.text)]
    out = []
    for k in range(1, copies + 1):
        for doc in copy.deepcopy(documents):
            doc.year = (doc.year or 2000) + k
            for unit in doc.units:
                unit.id = f"{unit.id}-x{k}"
                for para in unit.paragraphs:
                    para.id = f"{unit.id}/{para.anchor}"
                    para.text = "".join(rng.choice(clauses) for _ in range(rng.randint(1, 6)))
            out.append(doc)
    return documents + out


@pytest.fixture(scope="module")
def generated_index(tmp_path_factory, corpus_documents):
    from index.write import write_index

    index_dir = tmp_path_factory.mktemp("generated") / "index"
    assert write_index(_recombined(corpus_documents, 2), index_dir) == 3 * 802
    return index_dir


def test_the_array_executor_agrees_with_whoosh_on_a_generated_corpus(generated_index):
    reference = Reference(generated_index)
    assert _compare(generated_index, reference) >= 40
    reference.searcher.close()


class _Clock:
    """A clock that advances one second each time it is read."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_past_the_budget_the_answer_so_far_is_flagged_partial(real_index):
    arrays = Arrays(current(real_index))
    terms = tuple(F.Term("text", w) for w in ("洗钱", "腐败", "网络犯罪", "恐怖主义"))
    whole = ArrayExecutor(arrays).run(Request(F.AnyOf(terms)))
    # Each node reads the clock once: a budget of 3.5 ticks sees the AnyOf and two terms.
    cut = ArrayExecutor(arrays, clock=_Clock()).run(Request(F.AnyOf(terms), budget=3.5))
    assert cut.partial and not whole.partial
    two = ArrayExecutor(arrays).run(Request(F.AnyOf(terms[:2])))
    assert 0 < cut.total == two.total < whole.total
    # An exclusion cut short keeps nothing that might have been excluded.
    without = ArrayExecutor(arrays, clock=_Clock()).run(
        Request(F.Without(terms[0], F.AnyOf(terms[1:])), budget=3.5))
    assert without.partial and without.total == 0 and without.page == []
    assert ArrayExecutor(arrays).run(Request(terms[0], budget=0.0)).partial


def test_overlapping_occurrences_count_as_str_count_does():
    import numpy as np

    from search.store.spelled import counted

    # 哈哈哈 at bigram positions 0, 1, 2 of doc 4 ("哈哈哈哈哈") and 0 of doc 9.
    docs, counts = counted(np.array([4, 4, 4, 9]), np.array([0, 1, 2, 0]), "哈哈哈")
    assert docs.tolist() == [4, 9] and counts.tolist() == ["哈哈哈哈哈".count("哈哈哈"), 1]
    docs, counts = counted(np.array([4, 4]), np.array([0, 7]), "洗钱活动")
    assert counts.tolist() == [2]


def test_prepare_spells_a_prefix_as_the_terms_it_runs(real_index):
    executor = ArrayExecutor(Arrays(current(real_index)))
    node = F.AllOf((F.Prefix("text", "犯罪"), F.Term("text", "洗钱")))
    prepared = executor.prepare(node)
    spelled = prepared.items[0]
    assert isinstance(spelled, F.AnyOf) and all(t.text.startswith("犯罪") for t in spelled.items)
    assert executor.run(Request(prepared)).page == executor.run(Request(node)).page
    assert executor.prepare(F.Prefix("text", "zzzz")) == F.Nothing()


def test_typed_filters_and_the_operative_boost(real_index, monkeypatch):
    from search.engine import ranking

    arrays = Arrays(current(real_index))
    executor = ArrayExecutor(arrays)
    money, year = F.Term("text", "洗钱"), F.Range("year", 2016, 2016)
    typed = executor.run(Request(money, filter_node=year, size=100))
    both = executor.run(Request(F.AllOf((money, year)), size=100))
    assert typed.total == both.total > 0 and typed.page == both.page
    monkeypatch.setattr(ranking, "OP_BOOST", 1.0)  # the scores without the operative boost
    plain = executor.run(Request(money, size=1000))
    monkeypatch.setattr(ranking, "OP_BOOST", 1.25)
    boosted = executor.run(Request(money, size=1000))
    kind = arrays.keywords["kind"]
    score = dict(zip(plain.page, plain.scores))
    for docnum, s in zip(boosted.page, boosted.scores):
        factor = 1.25 if kind.keys[kind.ord[docnum]] == "op" else 1.0
        assert s == pytest.approx(score[docnum] * factor)
    assert boosted.page != plain.page  # operative paragraphs moved up


_KEYS = ["ga-45", "ga-70", "ga-71", "人口贩运", "腐败", "corruption", "cybercrime", "z"]


@settings(max_examples=300, deadline=None)
@given(counts=st.dictionaries(st.sampled_from(_KEYS), st.integers(1, 5), max_size=len(_KEYS)),
       chosen=st.lists(st.sampled_from(_KEYS + ["unknown"]), max_size=4),
       limit=st.one_of(st.none(), st.integers(0, 9)))
def test_array_facet_counts_list_as_the_dict_of_the_same_counts(counts, chosen, limit):
    # The engine labels the array executor's counts without making a dict of every key;
    # the page must list exactly what the dict path lists: order, limit, selected keys.
    names = sorted(_KEYS)
    ordinals = np.array(sorted(names.index(k) for k in counts), dtype=np.int64)
    arrays = FacetCounts(names, ordinals, np.array([counts[names[o]] for o in ordinals]))
    assert arrays == counts and dict(arrays) == counts
    assert all((key in arrays) == (key in counts) for key in _KEYS + ["unknown"])
    labels = lambda facet, key: {"key": key}  # noqa: E731
    labels.shared = labels
    selected = {"session": chosen}
    assert labelled({"session": arrays}, labels, selected, limit) == \
        labelled({"session": dict(counts)}, labels, selected, limit)
    assert sizes({"session": arrays}, selected) == sizes({"session": dict(counts)}, selected)


def test_a_substring_is_found_where_the_text_spells_it_not_across_punctuation(tmp_path, corpus_dir):
    # "犯罪合作" is not in "打击犯罪，罪合作": the bigrams 犯罪 and 罪合 stand at consecutive
    # positions there, but not at consecutive characters. The reference scans the texts.
    import dataclasses

    from index.build import parse_corpus
    from index.write import write_index
    from search.engine.whoosh_executor import WhooshExecutor  # noqa: F401 (the reference's module)

    parsed = parse_corpus(corpus_dir)
    doc = (parsed[0] if isinstance(parsed, tuple) else parsed)[0]
    # The last two: one paragraph ends in 犯罪, the next begins with 罪合作 (read on from the
    # first's last bigram, 犯罪 罪合 合作 would follow each other: no match across).
    texts = ["打击犯罪，罪合作。", "加强犯罪合作与犯罪合作。", "犯罪合作犯罪合作犯罪合作", "合作打击犯罪",
             "罪合作与协调"]
    unit = doc.units[0]
    assert len(unit.paragraphs) >= len(texts)
    paras = [dataclasses.replace(p, text=t, links=[], change=None)
             for p, t in zip(unit.paragraphs, texts)]
    small = dataclasses.replace(doc, units=[dataclasses.replace(unit, paragraphs=paras)])
    write_index([small], tmp_path / "index")
    executor = ArrayExecutor(Arrays(current(tmp_path / "index")))
    for text in ("犯罪合作", "罪合作", "犯罪", "打击犯罪罪合作", "作犯罪合"):
        found = executor.run(Request(F.Substring("text_bigram", text)))
        expected = sorted(n for n, t in enumerate(texts) if text in t)
        assert sorted(found.page) == expected, text
    docs, starts = executor.spelled("text_bigram", "犯罪合作")
    assert list(zip(docs.tolist(), starts.tolist())) == [(1, 2), (1, 7), (2, 0), (2, 4), (2, 8)]


def test_the_leaf_memo_answers_a_phrase_or_substring_again_within_its_budget(real_index):
    arrays = Arrays(current(real_index))
    node = F.AnyOf((F.Substring("text_bigram", "国际合作"), F.Phrase("text", ("国际", "合作")),
                    F.Term("text", "洗钱")))
    fresh = ArrayExecutor(arrays, memo=0).run(Request(node, facets=FACET_LIST))
    executor = ArrayExecutor(arrays, memo=1 << 20)
    first = executor.run(Request(node, facets=FACET_LIST))
    assert (executor.memo.misses, executor.memo.hits, len(executor.memo._entries)) == (2, 0, 2)
    again = executor.run(Request(node, facets=FACET_LIST))
    assert executor.memo.hits == 2 and executor.memo.misses == 2
    assert (again.total, again.page, again.scores, again.facets) == \
        (first.total, first.page, first.scores, first.facets) == \
        (fresh.total, fresh.page, fresh.scores, fresh.facets)
    kept = executor.memo._entries[node.items[0]]
    with pytest.raises(ValueError):
        kept.scores[0] = 0.0  # shared with later queries: read-only
    # An entry over an eighth of the budget is not kept.
    small = ArrayExecutor(arrays, memo=64)
    small.run(Request(node))
    assert small.memo.used == 0 and not small.memo._entries
    # Past the budget the least recently used entries go first.
    memo = LeafMemo(budget=8 * (800 + 200))
    leaves = [F.Substring("text_bigram", f"犯罪{i}") for i in range(10)]
    for leaf in leaves:
        memo.put(leaf, Hits(np.zeros(50, dtype=np.int32), np.zeros(75)))  # 200 + 600 bytes
        if leaf == leaves[3]:
            assert memo.get(leaves[0]) is not None  # used again: kept longer
    assert memo.used <= memo.budget and len(memo._entries) == 8
    assert leaves[0] in memo._entries and leaves[1] not in memo._entries
    assert leaves[2] not in memo._entries and leaves[9] in memo._entries


def test_deleted_documents_are_no_hits_and_count_in_no_facet(real_index):
    # Builds write fresh generations, so a live mask with holes only comes from an index
    # Whoosh deleted from; the executor must still leave those documents out everywhere.
    arrays = Arrays(current(real_index))
    whole = ArrayExecutor(arrays)
    holed = copy.copy(arrays)
    holed.live = arrays.live.copy()
    holed.live[::3] = False
    executor = ArrayExecutor(holed)
    assert not executor.all_live
    queries = [F.Term("text", "洗钱"), F.AnyOf((F.Term("text", "腐败"), F.Substring("text_bigram", "国际合作"))),
               F.AtLeast((F.Term("text", "犯罪"), F.Term("text", "合作")), 1), None]
    for query in queries:
        for filters in ({}, {"kind": ("op",)}):
            every = whole.run(Request(query, filters, size=arrays.doc_count, facets=FACET_LIST))
            kept = [d for d in every.page if holed.live[d]]
            found = executor.run(Request(query, filters, size=arrays.doc_count, facets=FACET_LIST))
            assert sorted(found.page) == sorted(kept) and found.total == len(kept), (query, filters)
            kinds = {}
            for d in kept:
                key = arrays.keywords["kind"].names[arrays.keywords["kind"].ord[d]]
                kinds[key] = kinds.get(key, 0) + 1
            assert dict(found.facets["kind"]) == kinds, (query, filters)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 200_000), k=st.integers(1, 60), distinct=st.sampled_from([1, 3, 50, 10**6]),
       seed=st.integers(0, 2**32 - 1))
def test_the_page_is_the_k_smallest_however_many_rows_and_ties(n, k, distinct, seed):
    # Over 2**15 rows the k-th value is found among the rows under the blocks' least
    # values; with two keys, ties of the first go on to the second (unique per row).
    from search.engine.ranking import SCALE, Rounded, Small, top_k

    rng = np.random.default_rng(seed)
    first = rng.integers(0, distinct, n)
    second = rng.permutation(n)
    expected = np.lexsort((second, first))[:k]
    assert top_k([first, second], k).tolist() == expected.tolist()
    if n:  # a key of few values, counted rather than partitioned
        small = rng.integers(0, 4, n)
        assert top_k([Small(small, 4), second], k).tolist() == np.lexsort((second, small))[:k].tolist()
    # Scores that differ below the compared decimals tie: the narrowing by the floats
    # themselves keeps every row that rounds to the k-th score.
    scores = first / 7.0 + rng.uniform(0, 4e-7, n)
    rounded = -np.rint(scores * SCALE).astype(np.int64)
    assert top_k([Rounded(lambda rows: scores[rows], n), second], k).tolist() == \
        np.lexsort((second, rounded))[:k].tolist()
    if n:  # the score key after another: only the rows its ties leave are narrowed
        assert top_k([Small(small, 4), Rounded(lambda rows: scores[rows], n), second], k).tolist() == \
            np.lexsort((second, rounded, small))[:k].tolist()


@pytest.mark.parametrize("cost", [0, 10**9])  # every count by runs / none
def test_single_valued_facets_count_alike_by_runs_and_by_gather(real_index, monkeypatch, cost):
    # A resolution's paragraphs are consecutive: its key comes in runs, and counting each
    # run's hits by a binary search gives the counts a gather of every hit's key gives.
    from search.engine import ranking

    monkeypatch.setattr(ranking, "RUN_SEARCH_COST", cost)
    arrays = Arrays(current(real_index))
    rng = np.random.default_rng(3)
    units = arrays.keywords["unit"]
    starts, ordinals = units.runs
    assert 1 < len(starts) < arrays.doc_count // 4  # runs, and far fewer than documents
    assert (np.repeat(ordinals, np.diff(starts, append=arrays.doc_count)) == units.ord).all()
    for facet in ("unit", "session", "verb", "kind"):
        column = arrays.keywords[facet]
        for share in (0.0, 0.05, 0.5, 1.0):
            docs = np.flatnonzero(rng.random(arrays.doc_count) < share)
            held = column.ord[docs]
            expected = np.bincount(held[held >= 0], minlength=len(column.keys))
            got = ranking.key_counts(arrays, facet, docs)
            assert got.dtype == np.int64 and got.tolist() == expected.tolist(), (facet, share)
