"""English documents end to end: parsed, indexed beside the Chinese corpus, found across languages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.build import build
from search.engine import Engine

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "en_resolution.txt"


@pytest.fixture(scope="module")
def engine(tmp_path_factory, corpus_dir):
    """The real corpus plus the English fixture, built into one index."""
    corpus = tmp_path_factory.mktemp("bilingual") / "corpus"
    shutil.copytree(corpus_dir, corpus)
    shutil.copy(FIXTURE, corpus / "en_resolution.txt")
    report = build(corpus, corpus.parent / "index")
    assert report.problems == [] and report.documents == 6
    engine = Engine(corpus.parent / "index")
    yield engine
    engine.close()


def ids(page):
    return [r["id"] for r in page["results"]]


def test_language_facet_counts_both_languages(engine):
    langs = {f["key"]: f["count"] for f in engine.search("")["facets"]["lang"]}
    assert langs["en"] == 10 and langs["zh"] > 700


def test_chinese_query_finds_the_english_paragraph(engine):
    page = engine.search("洗钱", {"lang": ["en"]})
    assert ids(page) == ["A-RES-71-209.en/op5"]
    assert "<mark>" in page["results"][0]["snippet"]


def test_traditional_query_finds_the_english_paragraph(engine):
    assert "A-RES-71-209.en/op5" in ids(engine.search("洗錢", {"lang": ["en"]}))


def test_english_query_finds_chinese_paragraphs(engine):
    page = engine.search("money laundering", {"lang": ["zh"]}, size=50)
    assert page["total"] >= 10
    assert all("洗钱" in r["text"] or "清洗" in r["text"] for r in page["results"][:5])


def test_english_query_finds_the_english_paragraph(engine):
    assert "A-RES-71-209.en/op4" in ids(engine.search("Convention against Corruption", {"lang": ["en"]}))


def test_english_verbs_share_the_chinese_keys(engine):
    page = engine.search("", {"lang": ["en"], "verb": ["urges"]})
    assert ids(page) == ["A-RES-71-209.en/op4"]
    assert page["results"][0]["verb"]["key"] == "urges"


def test_paragraphs_align_across_languages(engine):
    zh = engine.paragraph("A-RES-71-209/op4")
    en = engine.paragraph("A-RES-71-209.en/op4")
    assert zh["other_lang"] == "A-RES-71-209.en/op4"
    assert en["other_lang"] == "A-RES-71-209/op4"
    assert en["lang"] == "en" and zh["lang"] == "zh"
    assert engine.paragraph("A-RES-71-209/op40")["other_lang"] is None


def test_a_chinese_word_outside_the_glossary_finds_english_text_through_the_dictionary(engine):
    # 政策 is in no glossary entry; CC-CEDICT glosses it "policy", which op3 says ("policies").
    page = engine.search("政策", {"lang": ["en"]})
    assert ids(page) == ["A-RES-71-209.en/op3"]
    assert engine.search("政策")["total"] > page["total"]  # and the Chinese paragraphs too


def test_an_english_word_outside_the_glossary_finds_both_languages(engine):
    page = engine.search("policies")
    langs = {r["id"].split("/")[0].endswith(".en") for r in page["results"]}
    assert langs == {True, False} and page["reading"]["en"].startswith("searching policies → 政策")
