"""Symbols and paragraph references: the unit or paragraph named comes first."""

from __future__ import annotations

import pytest

from search.engine import Engine
from search.query import parse
from search.query.references import UnitDirectory, read_reference

RECORDS = [
    {"id": "A-RES-71-209", "label": "71/209", "symbol": "A/RES/71/209", "kind": "resolution",
     "document": {"symbol": "A/RES/71/209"}},
    {"id": "E-X-ga-draft-III", "label": "决议草案三", "symbol": None, "kind": "resolution",
     "document": {"symbol": "E/2011/30"}},
    {"id": "CCPCJ-RES-20-1", "label": "第 20/1 号决议", "symbol": None, "kind": "resolution",
     "document": {"symbol": "E/2011/30"}},
    {"id": "CCPCJ-DEC-20-1", "label": "第 20/1 号决定", "symbol": None, "kind": "decision",
     "document": {"symbol": "E/2011/30"}},
]
PARAGRAPHS = ["A-RES-71-209/op12", "A-RES-71-209/pp5", "E-X-ga-draft-III/op9b",
              "CCPCJ-RES-20-1/op21c", "CCPCJ-DEC-20-1/opb"]
DIRECTORY = UnitDirectory.of(RECORDS, PARAGRAPHS)


@pytest.mark.parametrize("typed, units, paragraphs", [
    ("A/RES/71/209", ["A-RES-71-209"], []),
    ("a/res/71/209", ["A-RES-71-209"], []),
    ("E/2011/30", ["E-X-ga-draft-III", "CCPCJ-RES-20-1", "CCPCJ-DEC-20-1"], []),
    ("20/1", ["CCPCJ-RES-20-1", "CCPCJ-DEC-20-1"], []),
    ("第20/1号决定", ["CCPCJ-DEC-20-1"], []),
    ("decision 20/1", ["CCPCJ-DEC-20-1"], []),
    ("决议草案三", ["E-X-ga-draft-III"], []),
    ("draft resolution III", ["E-X-ga-draft-III"], []),
    ("71/209 第12段", ["A-RES-71-209"], ["A-RES-71-209/op12"]),
    ("71/209 执行部分第12段", ["A-RES-71-209"], ["A-RES-71-209/op12"]),
    ("序言部分第5段 71/209", ["A-RES-71-209"], ["A-RES-71-209/pp5"]),
    ("71/209 op12", ["A-RES-71-209"], ["A-RES-71-209/op12"]),
    ("OP 12 of 71/209", ["A-RES-71-209"], ["A-RES-71-209/op12"]),
    ("para. 12 of A/RES/71/209", ["A-RES-71-209"], ["A-RES-71-209/op12"]),
    ("PP5, 71/209", ["A-RES-71-209"], ["A-RES-71-209/pp5"]),
    ("决议草案三 第9段(b)", ["E-X-ga-draft-III"], ["E-X-ga-draft-III/op9b"]),
    ("20/1 op21(c)", ["CCPCJ-RES-20-1", "CCPCJ-DEC-20-1"], ["CCPCJ-RES-20-1/op21c"]),
    ("第20/1号决定 (b)", ["CCPCJ-DEC-20-1"], ["CCPCJ-DEC-20-1/opb"]),
    # the body and the kind of text around a reference change nothing
    ("GA resolution 71/209", ["A-RES-71-209"], []),
    ("大会第71/209号决议第12段", ["A-RES-71-209"], ["A-RES-71-209/op12"]),
    ("CCPCJ decision 20/1", ["CCPCJ-DEC-20-1"], []),
    # several names of units narrow each other
    ("E/2011/30 决议草案三", ["E-X-ga-draft-III"], []),
    ("A/RES/71/209 决议草案三", None, None),
    # a bare number or a letter only beside a unit; 12(b) of an undivided 12 is 12
    ("71/209 12", ["A-RES-71-209"], ["A-RES-71-209/op12"]),
    ("20/1 21(c)", ["CCPCJ-RES-20-1", "CCPCJ-DEC-20-1"], ["CCPCJ-RES-20-1/op21c"]),
    ("71/209 para 12(b)", ["A-RES-71-209"], ["A-RES-71-209/op12"]),
])
def test_a_reference_names_its_units_and_paragraph(typed, units, paragraphs):
    reference = read_reference(typed, DIRECTORY)
    if units is None:
        assert reference is None
    else:
        assert (list(reference.units), list(reference.paragraphs)) == (units, paragraphs)


@pytest.mark.parametrize("typed", ["洗钱", "71/209 洗钱", "op99 of 71/209", "(b)", "99/99",
                                   "A/RES/99/1", "", "第12段 money laundering", "12", "洗钱 12",
                                   "2016", "resolution"])
def test_what_is_not_only_a_reference_is_searched_as_words(typed):
    assert read_reference(typed, DIRECTORY) is None


def test_the_paragraph_named_outweighs_its_unit():
    parsed = parse("71/209 op12", units=DIRECTORY)
    assert parsed.describe().startswith("(id:A-RES-71-209/op12^20 OR unit:A-RES-71-209^1.5")
    assert parsed.reading == {"en": "looking up 71/209 op12: A-RES-71-209/op12",
                              "zh": "查找 71/209 op12：A-RES-71-209/op12"}
    assert parse("71/209 op12").reading["en"].startswith("searching")  # pure without it


@pytest.fixture(scope="module")
def engine(real_index):
    engine = Engine(real_index)
    yield engine
    engine.close()


@pytest.mark.parametrize("typed, first", [
    ("71/209 第12段", "A-RES-71-209/op12"), ("OP 12 of 71/209", "A-RES-71-209/op12"),
    ("80/229 序言部分第5段", "A-RES-80-229/pp5"), ("决议草案三 第9段(b)", "E-2011-30-ga-draft-III/op9b"),
    ("A/C.3/68/L.18 op 16", "A-C.3-68-L.18/op16"), ("决定草案二 (b)", "E-2011-30-ecosoc-decision-II/opb"),
])
def test_a_paragraph_reference_lands_the_paragraph_first(engine, typed, first):
    assert engine.search(typed)["results"][0]["id"] == first


@pytest.mark.parametrize("typed, unit, size", [
    ("A/C.3/68/L.18", "A-C.3-68-L.18", 81), ("20/7", "CCPCJ-RES-20-7", 16),
    ("第20/1号决定", "CCPCJ-DEC-20-1", 4), ("A/RES/68/193", "A-RES-68-193", 93),
])
def test_a_symbol_finds_its_whole_unit_first(engine, typed, unit, size):
    found = engine.search(typed, size=100)
    assert [r["unit"] for r in found["results"][:size]] == [unit] * size


def test_a_document_symbol_finds_every_unit_of_the_document(engine, corpus_documents):
    report = next(d for d in corpus_documents if d.symbol == "E/2011/30")
    ids = {p.id for u in report.units for p in u.paragraphs}
    found = engine.search("E/2011/30", size=100)
    assert found["total"] == len(ids) and {r["id"] for r in found["results"]} <= ids
