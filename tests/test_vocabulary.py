"""Words the glossary lacks: the dictionary fallback, verbs read as the verb facet, typos."""

from __future__ import annotations

import pytest

from search.analysis import segment
from search.engine import Engine
from search.engine.chinese_suggest import (Candidate, ChineseSpeller, correct_chinese,
                                           sound_distance, syllables)
from search.lexicon.cedict import Dictionary, lemmas, normalise_gloss
from search.query import parse
from search.query.fallback import FALLBACK_BOOST, Fallback
from search.query.verbs import split_verb


@pytest.fixture(scope="module")
def engine(real_index):
    engine = Engine(real_index)
    yield engine
    engine.close()


def ids_holding(corpus_documents, text: str) -> set[str]:
    return {p.id for d in corpus_documents for u in d.units for p in u.paragraphs if text in p.text}


# -- the dictionary --------------------------------------------------------------------

@pytest.mark.parametrize("word, expected", [
    ("protection", ["protection"]), ("weapons", ["weapons", "weapon"]),
    ("children", ["children", "child"]), ("policies", ["policies", "policy", "policie"]),
    ("trafficking", ["trafficking", "traffick", "trafficke", "traffic"]),
    ("witnesses", ["witnesses", "witness", "witnesse"]), ("planned", ["planned", "plann", "planne", "plan"]),
])
def test_lemmas_put_the_word_first_then_its_base_forms(word, expected):
    assert lemmas(word) == expected


@pytest.mark.parametrize("gloss, key", [
    ("to protect", "protect"), ("judge (in court)", "judge"), ("to traffic (in sth)", "traffic"),
    (" border", "border"), ("CL:個|个[ge4]", None), ("variant of 保護", None),
    ("a very long gloss that explains", None),
])
def test_glosses_become_lookup_keys(gloss, key):
    assert normalise_gloss(gloss) == key


TINY = [
    {"simplified": "保护", "definitions": ["to protect", "protection"]},
    {"simplified": "防护", "definitions": ["to defend", "to protect"]},
    {"simplified": "体育", "definitions": ["sports", "physical education"]},
    {"simplified": "死刑", "definitions": ["death penalty"]},
    {"simplified": "海", "definitions": ["sea"]},
]


def test_a_tiny_dictionary_answers_both_ways():
    d = Dictionary(TINY)
    assert d.chinese("protection") == ["保护"]
    assert d.chinese("protect") == ["保护", "防护"]  # the first gloss of each ranks first
    assert d.chinese("sport") == ["体育"]  # filed under the singular of "sports"
    assert d.chinese("death penalties") == ["死刑"]
    assert d.english("保护") == ["protect", "protection"]
    assert d.chinese("nothing") == [] and d.english("无") == []


def test_the_fallback_keeps_what_the_index_holds_and_no_lone_character():
    held = {"保护": 3, "体育": 1, "海": 9, "protect": 2}
    fallback = Fallback(held.get, lambda s: [s], lambda: Dictionary(TINY))
    assert fallback.chinese("protect") == ["保护"]  # 防护 is in no paragraph
    assert fallback.chinese("sea") == []  # 海 alone would match too much
    assert fallback.chinese("保护") == [] and fallback.english("保护") == ["protect"]
    assert fallback.phrases(["death", "penalty", "of", "sports"]) == [(3, 4, ["体育"])]


def test_parse_reads_an_unknown_word_through_the_dictionary_below_the_word():
    fallback = Fallback({"保护": 3}.get, segment, lambda: Dictionary(TINY))
    parsed = parse("protection", fallback=fallback)
    assert parsed.reading["en"] == "searching protection → 保护"
    assert parsed.describe() == (f"(text:protect OR text:保护^{FALLBACK_BOOST} "
                                 f"OR text_bigram:保护^{FALLBACK_BOOST})")
    assert parse("protection").describe() == "text:protect"  # parse stays pure without it
    # A glossary concept is read from the glossary, never from the dictionary.
    assert "→" not in parse("money laundering", fallback=fallback).reading["en"]


# -- verbs ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, key, rest", [
    ("urges cybercrime", "urges", "cybercrime"), ("Calls upon  corruption", "calls_upon", "corruption"),
    ("敦促 网络犯罪", "urges", "网络犯罪"), ("encourages", "encourages", ""),
    ("urgesx cybercrime", None, "urgesx cybercrime"), ("请 秘书长", None, "请 秘书长"),
    ("cybercrime urges", None, "cybercrime urges"),
])
def test_a_verb_at_the_head_of_the_query_is_split_off(text, key, rest):
    verb, left = split_verb(text)
    assert (verb.key if verb else None, left) == (key, rest)


def test_a_verb_reads_as_the_verb_facet_and_is_removable():
    parsed = parse("urges cybercrime")
    assert parsed.reading["en"].endswith(", where verb = Urges")
    assert parsed.reading["zh"].endswith("，限于 动词：敦促")
    assert "FILTER verb:urges" in parsed.describe()
    assert parsed.read_as == [{"facet": "verb", "key": "urges", "typed": "urges",
                               "en": "verb = Urges", "zh": "动词：敦促", "without": "cybercrime"}]


# -- Chinese typos ---------------------------------------------------------------------

def test_syllables_and_their_distance():
    assert syllables("网洛") == ["wang", "luo"]
    assert sound_distance("luo", "luo") == 0 and sound_distance("xian", "qian") == 1
    assert sound_distance("bai", "qian") == 3


def test_the_speller_prefers_sound_then_glossary_then_frequency():
    speller = ChineseSpeller([Candidate("洗钱", 50, True), Candidate("洗涤", 90, False),
                              Candidate("网络犯罪", 60, True)])
    assert speller.correct("洗线") == "洗钱"  # xian ~ qian; 涤 (di) sounds nothing alike
    assert speller.correct("网洛犯罪") == "网络犯罪"
    assert speller.correct("洗钱") is None  # a known word is no typo
    assert speller.correct("洗") is None


def test_a_typo_inside_a_longer_word_is_found_piece_by_piece():
    speller = ChineseSpeller([Candidate("网络犯罪", 60, True)])
    hits = {"打击网络犯罪"}
    assert correct_chinese(speller, "打击网洛犯罪", hits.__contains__) == "打击网络犯罪"
    assert correct_chinese(speller, "打击网络犯罪", hits.__contains__) is None


# -- on the real corpus ----------------------------------------------------------------

def test_an_english_word_outside_the_glossary_finds_its_chinese(engine, corpus_documents):
    found = engine.search("protection", size=100)
    assert found["reading"]["en"] == "searching protection → 保护"
    assert {r["id"] for r in found["results"]} == ids_holding(corpus_documents, "保护")


def test_urges_cybercrime_is_cybercrime_where_the_verb_is_urges(engine):
    found = engine.search("urges cybercrime")
    assert [r["id"] for r in found["results"]] == ["A-RES-80-229/op5"]
    assert found["read_as"][0]["without"] == "cybercrime"
    assert engine.search("cybercrime", {"verb": ["urges"]})["total"] == found["total"]


@pytest.mark.parametrize("typed, meant", [("网洛犯罪", "网络犯罪"), ("洗线", "洗钱"), ("網洛犯罪", "网络犯罪")])
def test_a_chinese_typo_shows_what_was_meant(engine, typed, meant):
    found, right = engine.search(typed, size=100), engine.search(meant, size=100)
    assert found["suggestion"] == meant
    assert [r["id"] for r in found["results"]] == [r["id"] for r in right["results"]]
    assert found["total"] == right["total"] > 0
    assert f"showing results for {meant}" in found["reading"]["en"]
    assert f"已显示 {meant} 的结果" in found["reading"]["zh"]


def test_a_lone_character_the_text_spells_is_never_said_to_be_missing(engine):
    found = engine.search("犯罪 网")
    assert "网" not in found["reading"]["en"].partition("left out")[2]
    assert not any("网" in m for m in found["messages"])


# -- Taiwan and Hong Kong wording --------------------------------------------------------

def test_every_regional_form_names_a_glossary_concept_and_a_source():
    from search.lexicon import glossary
    from search.lexicon.regional import regional_forms

    ids = {t.id for t in glossary()}
    forms = regional_forms()
    assert len(forms) >= 30 and {f.region for f in forms} == {"tw", "hk"}
    assert all(f.concept in ids and f.source for f in forms)


@pytest.mark.parametrize("typed, concept", [
    ("洗錢防制法", "money_laundering"), ("廉政公署", "corruption"), ("監獄行刑法", "prisons"),
    ("販毒 追討得益 條例", "drug_trafficking"), ("少年事件處理法", "juvenile_justice"),
])
def test_statutes_and_agencies_read_as_their_un_concept(typed, concept):
    from search.lexicon import match_chinese

    assert [(s, e, t.id) for s, e, t in match_chinese(typed)] == [(0, len(typed), concept)]


@pytest.mark.parametrize("typed, concept", [
    ("野生動物走私", "wildlife_trafficking"), ("槍枝走私", "firearms_trafficking"),
    ("文物走私", "trafficking_cultural_property"), ("走私毒品", "drug_trafficking"),
    ("走私 槍枝", "firearms_trafficking"), ("贩毒走私", "drug_trafficking"),
])
def test_smuggling_an_object_is_the_un_trafficking_concept_for_it(typed, concept):
    from search.lexicon import glossary, match_chinese
    from search.lexicon.regional import join_smuggling

    joined = join_smuggling(match_chinese(typed), typed, glossary())
    assert [(s, e, t.id) for s, e, t in joined] == [(0, len(typed), concept)]


def test_smuggling_alone_or_of_goods_stays_smuggling():
    from search.lexicon import glossary, match_chinese
    from search.lexicon.regional import join_smuggling

    for typed in ("走私", "走私 腐败"):
        spans = match_chinese(typed)
        assert join_smuggling(spans, typed, glossary()) == spans


def test_a_regional_form_of_a_missing_concept_is_refused(monkeypatch):
    from search.lexicon import regional

    row = regional.RegionalForm("某法", "tw", "statute", "no_such_concept", "x")
    monkeypatch.setattr(regional, "regional_forms", lambda: (row,))
    with pytest.raises(ValueError, match="no glossary concept no_such_concept"):
        regional.with_regional_forms(())


def test_taiwan_wildlife_smuggling_finds_the_wildlife_trafficking_paragraphs(engine):
    taiwan = engine.search("野生動物走私", size=100)
    un = engine.search("非法贩运野生动植物", size=100)
    assert taiwan["total"] == un["total"] > 0
    assert {r["id"] for r in taiwan["results"]} == {r["id"] for r in un["results"]}


def test_only_a_sure_correction_stands_in_for_the_query():
    from search.engine.suggest import confident

    assert confident("money launderng", "money laundering")
    assert confident("洗线", "洗钱")  # the speller changes one character of like sound only
    assert not confident("artificial intelligence", "criminal intelligence")


def test_an_unsure_correction_is_offered_not_shown(engine):
    found = engine.search("artificial intelligence")
    assert found["suggestion"] == "criminal intelligence"
    assert "showing results for" not in found["reading"]["en"]
