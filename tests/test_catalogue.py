"""What opening an index costs: over the arrays the catalogue reads no stored paragraph and
normalises no text until something shows it; what it reads on demand equals the eager one."""

from __future__ import annotations

import threading

import pytest
from whoosh import index as whoosh_index

from search.analysis import normalize
from search.engine import Engine
from search.engine.catalogue import Catalogue
from search.engine.views import IdMap, StoredDocs, TermFrequencies
from search.facets import COUNTED
from search.store.arrays import Arrays
from search.store.generation import current


def _cjk(chars) -> set[str]:
    return {ch for ch in chars if "\u4e00" <= ch <= "\u9fff"}


def test_searching_with_the_arrays_normalises_only_what_it_shows(real_index):
    engine = Engine(real_index)
    try:
        found = engine.search("洗钱 腐败")
        assert found["total"] > 10 and "<mark>" in found["results"][0]["snippet"]
        catalogue = engine._state().catalogue
        assert catalogue._normalized is None  # no text normalised for the whole index
        # A lone character the text holds is known from the terms, as from the texts.
        texts = "".join(normalize(d.get("text", "")) for d in catalogue.docs)
        assert _cjk(catalogue.characters) == _cjk(texts) and len(_cjk(texts)) > 1000
    finally:
        engine.close()


def test_a_search_past_its_time_budget_says_so_in_both_languages(real_index):
    hurried, patient = Engine(real_index, budget=0.0), Engine(real_index)
    try:
        late = hurried.search("洗钱 腐败")
        assert late["incomplete"] is True and late["total"] == 0  # only true matches, none yet
        assert any("longer than 0 s" in n["en"] and "超过 0 秒" in n["zh"] for n in late["notes"])
        on_time = patient.search("洗钱 腐败")
        assert on_time["incomplete"] is False and on_time["total"] > 10
        assert not any("longer than" in n["en"] for n in on_time["notes"])
    finally:
        hurried.close()
        patient.close()


# -- the lazy catalogue over the arrays ------------------------------------------------------

@pytest.fixture(scope="module")
def both(real_index):
    """(lazy catalogue over the arrays, eager catalogue read whole) of the real index."""
    live = current(real_index)
    ix = whoosh_index.open_dir(str(live))
    lazy = Catalogue.open(ix, Arrays(live), live, "units.json")
    with ix.reader() as reader:
        eager = Catalogue.load(reader, live, "units.json")
    yield lazy, eager
    lazy.close()
    ix.close()


def test_opening_over_the_arrays_reads_no_stored_paragraph(real_index):
    engine = Engine(real_index)
    try:
        catalogue = engine._state().catalogue
        assert isinstance(catalogue.docs, StoredDocs) and isinstance(catalogue.by_id, IdMap)
        assert isinstance(catalogue.frequencies, TermFrequencies)
        assert catalogue.docs.reads == 0 and catalogue.docs.cached == 0
        assert len(catalogue.docs) == 802 and len(catalogue.by_id) == 802
        found = engine.search("洗钱", size=10)
        # The page's paragraphs and nothing else: ten read, none twice.
        assert found["total"] > 10 and len(found["results"]) == 10
        assert catalogue.docs.reads == catalogue.docs.cached == 10
        assert "columns" not in vars(catalogue) and catalogue._normalized is None
        engine.search("洗钱", size=10)  # the same page again: from the cache
        assert catalogue.docs.reads == 10
    finally:
        engine.close()


def test_a_paragraph_and_a_unit_read_only_their_own_paragraphs(real_index):
    engine = Engine(real_index)
    try:
        docs = engine._state().catalogue.docs
        record = engine.paragraph("A-RES-71-209/op12")
        assert record is not None and docs.reads == 1
        unit = engine.unit(record["unit"]["id"])
        assert docs.reads == len(unit["paragraphs"]) == unit["count"] > 10
        assert engine.paragraph("A-RES-71-209/no-such") is None and docs.reads == unit["count"]
    finally:
        engine.close()


def test_the_cache_of_stored_paragraphs_stays_bounded(real_index):
    engine, fresh = Engine(real_index), Engine(real_index)
    try:
        docs = engine._state().catalogue.docs
        docs.capacity = 7
        queries = ["洗钱", "腐败", "网络犯罪", "money laundering", "贩运人口", "犯罪"]
        answers = [engine.search(q, page=page, size=20) for q in queries for page in (1, 2, 3)]
        assert docs.cached == 7 and docs.reads > 100  # read again once pushed out
        expected = [fresh.search(q, page=page, size=20) for q in queries for page in (1, 2, 3)]
        assert [a["results"] for a in answers] == [e["results"] for e in expected]
    finally:
        engine.close()
        fresh.close()


def test_threads_reading_stored_paragraphs_at_once_get_their_own_answers(real_index):
    engine = Engine(real_index)
    queries = ["洗钱", "腐败", "网络犯罪", "贩运人口", "犯罪", "合作", "毒品", "恐怖主义"]
    try:
        expected = {q: engine.search(q, size=50)["results"] for q in queries}
        engine._state().catalogue.docs.capacity = 3  # every thread keeps pushing the others out
        got, errors = {}, []

        def run(q: str) -> None:
            try:
                for _ in range(3):
                    got.setdefault(q, []).append(engine.search(q, size=50)["results"])
            except Exception as error:  # reported below, never lost in the thread
                errors.append(error)

        threads = [threading.Thread(target=run, args=(q,)) for q in queries]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert got == {q: [expected[q]] * 3 for q in queries}
    finally:
        engine.close()


def test_the_lazy_views_answer_as_the_eager_catalogue(both):
    lazy, eager = both
    assert dict(lazy.by_id) == eager.by_id and len(eager.by_id) == 802
    assert list(lazy.docs) == eager.docs
    assert dict(lazy.frequencies.items()) == eager.frequencies and len(eager.frequencies) > 3000
    assert list(lazy.frequencies) == list(eager.frequencies)
    for term in ("洗钱", "腐败", "money", "launder", "no-such-term", "", 7):
        assert lazy.frequencies.get(term) == eager.frequencies.get(term)
        assert (term in lazy.by_id) == (term in eager.by_id)
    assert lazy.frequencies["洗钱"] == 37
    assert lazy.vocabulary == eager.vocabulary and "globe" in eager.vocabulary
    assert lazy.characters == eager.characters
    assert list(lazy.date_rank) == eager.date_rank and list(lazy.doc_order) == eager.doc_order
    assert lazy.average_length == pytest.approx(eager.average_length)
    assert lazy.columns == eager.columns and set(eager.columns) == set(COUNTED)


@pytest.mark.parametrize("facet", COUNTED)
def test_every_facet_value_counts_alike_from_the_arrays_and_the_reference(real_index, facet):
    engine, reference = Engine(real_index), Engine(real_index, executor="whoosh")
    try:
        values = engine.facet_values(facet)
        assert values == reference.facet_values(facet) and values
        if facet == "kind":  # every paragraph has one kind
            assert sum(v["count"] for v in values) == 802
        assert engine._state().catalogue.docs.reads == 0
    finally:
        engine.close()
        reference.close()


def test_pages_units_and_nearest_ids_answer_as_the_reference(real_index):
    engine, reference = Engine(real_index), Engine(real_index, executor="whoosh")
    try:
        assert engine.units() == reference.units() and len(engine.units()) > 20
        for meta in engine.units():
            assert engine.unit(meta["id"]) == reference.unit(meta["id"])
        for pid in ("A-RES-71-209/op12", "A-RES-71-209.en/op4", "E-2011-30-ga-draft-III/op9b",
                    "A-RES-71-209/op99", "nothing"):
            assert engine.paragraph(pid) == reference.paragraph(pid)
            assert engine.nearest_ids(pid) == reference.nearest_ids(pid)
    finally:
        engine.close()
        reference.close()


def test_a_search_normalises_each_shown_text_once(real_index, monkeypatch):
    """Highlighting asks for a shown paragraph's normalised text once, however many of the
    query's Chinese terms and bigram matches it holds (OpenCC per call is not cheap)."""
    from search.engine import Engine
    from search.engine.catalogue import Catalogue

    asked: list[int] = []
    plain = Catalogue.aligned
    monkeypatch.setattr(Catalogue, "aligned", lambda self, n: asked.append(n) or plain(self, n))
    engine = Engine(real_index)
    try:
        found = engine.search("人口贩运 数据收集 国际合作", size=10)
    finally:
        engine.close()
    assert len(found["results"]) == 10
    assert sorted(asked) == sorted(set(asked)) and len(asked) == 10


def test_a_units_paragraph_ids_are_packed_and_read_as_the_list_they_were(real_index):
    import json

    from search.engine.catalogue import PackedIds, _units

    live = current(real_index)
    written = {u["id"]: u for u in json.loads((live / "units.json").read_text(encoding="utf-8"))}
    units = _units(live, "units.json")
    assert units.keys() == written.keys() and len(units) == 22
    for uid, record in units.items():
        ids, expected = record["paragraphs"], written[uid]["paragraphs"]
        assert isinstance(ids, PackedIds) and len(ids) == len(expected) and list(ids) == expected
        assert ids[0] == expected[0] and ids[-1] == expected[-1] and ids[1:3] == expected[1:3]
        assert expected[-1] in ids and ids.index(expected[-1]) == len(expected) - 1
        assert "no-such-id" not in ids and ids == expected
        assert {k: v for k, v in record.items() if k != "paragraphs"} == \
            {k: v for k, v in written[uid].items() if k != "paragraphs"}
    assert sum(len(r["paragraphs"]) for r in units.values()) == 802
    assert len(PackedIds([])) == 0 and list(PackedIds([])) == []
