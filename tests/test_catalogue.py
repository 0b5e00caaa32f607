"""What opening an index costs: the catalogue normalises no text until something needs all."""

from __future__ import annotations

from search.analysis import normalize
from search.engine import Engine


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
