"""Tagging: lead verbs (with modifiers), citations, themes — on the corpus and on fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.build import parse_file
from index.tag import cites
from search.lexicon.verbs import lead_verb, verb_label, verbs

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def para(doc, anchor):
    return next(p for u in doc.units for p in u.paragraphs if p.anchor == anchor)


def test_golden_verbs_of_71_209(doc_by_file):
    doc = doc_by_file["000"]
    assert para(doc, "op4").verb.key == "urges" and para(doc, "op4").verb.lead == "敦促"
    assert (para(doc, "op33").verb.key, para(doc, "op33").verb.lead) == ("requests", "再次请")
    assert (para(doc, "op1").verb.key, para(doc, "op1").verb.lead) == ("notes_with_appreciation", "表示赞赏地注意到")
    assert (para(doc, "op7").verb.key, para(doc, "op7").verb.lead) == ("welcomes", "赞赏地欢迎")
    assert (para(doc, "op3").verb.key, para(doc, "op3").verb.lead) == ("calls_upon", "促请")
    assert para(doc, "pp1").verb.key == "reaffirms" and para(doc, "pp2").verb.lead == "又重申"


def test_operative_verb_counts_of_71_209(doc_by_file):
    ops = [p for p in doc_by_file["000"].units[0].paragraphs if p.kind == "op"]
    tally = {}
    for p in ops:
        tally[p.verb.key] = tally.get(p.verb.key, 0) + 1
    assert tally["requests"] == 7 and tally["urges"] == 10 and tally["encourages"] == 7 and tally["invites"] == 5


# Paragraphs that open with no verb of their own: lettered items continuing a lead-in
# ("…办公室：(a) 进一步探讨…"), a clause before the verb, and a decision's meeting line.
VERBLESS = {
    "E-2011-30-ga-draft-III/op9a", "E-2011-30-ga-draft-III/op9b", "E-2011-30-ga-draft-III/op9c",
    "E-2011-30-ga-draft-III/op9d", "E-2011-30-ga-draft-III/op9e", "E-2011-30-ga-draft-III/op9f",
    "CCPCJ-RES-20-1/op21", "CCPCJ-RES-20-1/op21a", "CCPCJ-RES-20-1/op21b", "CCPCJ-RES-20-1/op21d",
    "CCPCJ-RES-20-1/op21e", "CCPCJ-RES-20-1/op21f", "CCPCJ-DEC-20-1/pp1",
}


def test_the_verb_table_covers_every_lead_verb_in_the_corpus(corpus_documents):
    missing = {p.id for d in corpus_documents for u in d.units for p in u.paragraphs if p.verb is None}
    assert missing == VERBLESS


@pytest.mark.parametrize(
    "text, lang, key, lead",
    [
        ("在这方面还敦促会员国酌情考虑", "zh", "urges", "在这方面还敦促"),
        ("强烈鼓励会员国采取适当措施", "zh", "encourages", "强烈鼓励"),
        ("表示严重关切跨国有组织犯罪", "zh", "expresses_concern", "表示严重关切"),
        ("吁请会员国", "zh", "calls_upon", "吁请"),
        ("特别注意到对数字通信的监控", "zh", "notes", "特别注意到"),
        ("Further requests the Secretary-General", "en", "requests", "Further requests"),
        ("Deeply concerned about the links", "en", "expresses_concern", "Deeply concerned"),
        ("Recalling its resolution 70/174", "en", "recalls", "Recalling"),
    ],
)
def test_lead_verb(text, lang, key, lead):
    found = lead_verb(text, lang)
    assert (found or (None, None)) == (key, lead)


def test_every_verb_has_both_labels():
    for entry in verbs():
        assert entry.zh and entry.en and entry.zh_forms and entry.en_forms
    assert verb_label("urges") == {"key": "urges", "zh": "敦促", "en": "Urges"}
    assert verb_label("nonsense") == {"key": "nonsense", "zh": "nonsense", "en": "nonsense"}


def test_english_fixture_maps_to_the_same_verb_keys():
    doc = parse_file(FIXTURES / "en_resolution.txt")
    got = [(p.anchor, p.verb.key if p.verb else None) for p in doc.units[0].paragraphs]
    assert got == [("pp1", "reaffirms"), ("pp2", "reaffirms"), ("pp3", "welcomes"),
                   ("op1", "notes_with_appreciation"), ("op2", "reaffirms"), ("op3", "calls_upon"),
                   ("op4", "urges"), ("op5", "requests"), ("op5a", None), ("op5b", None)]
    assert doc.lang == "en" and doc.units[0].id == "A-RES-71-209.en"
    assert [f.number for f in para(doc, "pp2").footnotes] == ["1", "2"]


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("2015 年 12 月 17 日第 70/174、70/175 和 70/182 号决议", "zh", ["70/174", "70/175", "70/182"]),
        ("第 46/152 号、2005 年 9 月 16 日第 60/1 号决议", "zh", ["46/152", "60/1"]),
        ("并回顾 S-30/1号决议，附件", "zh", ["S-30/1"]),
        ("第 2225 卷，第 39574 号（A/71/485）", "zh", []),
        ("resolutions 46/152 of 18 December 1991 and 70/174 (A/71/485)", "en", ["46/152", "70/174"]),
    ],
)
def test_cites(text, lang, expected):
    assert cites(text, lang) == expected


def test_citations_link_to_corpus_units(doc_by_file):
    p = para(doc_by_file["003"], "pp1")
    assert "71/209" in p.cites and p.cite_units["71/209"] == "A-RES-71-209"
