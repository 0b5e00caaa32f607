"""Golden checks on the real corpus: units, paragraph counts, ids, metadata."""

from __future__ import annotations

import re

import pytest


def counts(unit):
    pp = sum(p.kind == "pp" for p in unit.paragraphs)
    op = sum(p.kind == "op" and p.sub is None for p in unit.paragraphs)
    return pp, op


def para(unit, anchor):
    return next(p for p in unit.paragraphs if p.anchor == anchor)


@pytest.mark.parametrize(
    "file, unit_id, pp, op",
    [
        ("000", "A-RES-71-209", 53, 54),
        ("002", "A-RES-68-193", 43, 50),
        ("003", "A-RES-80-229", 78, 79),
        ("004", "A-C.3-68-L.18", 35, 46),
    ],
)
def test_single_resolution_counts(doc_by_file, file, unit_id, pp, op):
    doc = doc_by_file[file]
    assert [u.id for u in doc.units] == [unit_id]
    assert counts(doc.units[0]) == (pp, op)


def test_operative_numbers_are_consecutive(corpus_documents):
    for doc in corpus_documents:
        for unit in doc.units:
            ops = [p.number for p in unit.paragraphs if p.kind == "op" and p.sub is None]
            expected = list("abcdefghij"[: len(ops)]) if unit.kind == "decision" else [str(i) for i in range(1, len(ops) + 1)]
            assert ops == expected, unit.id


REPORT_UNITS = [
    # id, label, acting body, status, pp, op
    ("E-2011-30-ga-draft-I", "决议草案一", "大会", "draft", 5, 6),
    ("E-2011-30-ga-draft-II", "决议草案二", "大会", "draft", 10, 12),
    ("E-2011-30-ga-draft-III", "决议草案三", "大会", "draft", 9, 11),
    ("E-2011-30-ga-draft-IV", "决议草案四", "大会", "draft", 18, 18),
    ("E-2011-30-ecosoc-draft-I", "决议草案一", "经济及社会理事会", "draft", 23, 22),
    ("E-2011-30-ecosoc-draft-II", "决议草案二", "经济及社会理事会", "draft", 3, 15),
    ("E-2011-30-ecosoc-draft-III", "决议草案三", "经济及社会理事会", "draft", 10, 10),
    ("E-2011-30-ecosoc-draft-IV", "决议草案四", "经济及社会理事会", "draft", 10, 12),
    ("E-2011-30-ecosoc-decision-I", "决定草案一", "经济及社会理事会", "draft", 0, 6),
    ("E-2011-30-ecosoc-decision-II", "决定草案二", "经济及社会理事会", "draft", 1, 6),
    ("CCPCJ-RES-20-1", "第 20/1 号决议", "预防犯罪和刑事司法委员会", "adopted", 7, 21),
    ("CCPCJ-RES-20-2", "第 20/2 号决议", "预防犯罪和刑事司法委员会", "adopted", 3, 4),
    ("CCPCJ-RES-20-3", "第 20/3 号决议", "预防犯罪和刑事司法委员会", "adopted", 15, 12),
    ("CCPCJ-RES-20-4", "第 20/4 号决议", "预防犯罪和刑事司法委员会", "adopted", 13, 10),
    ("CCPCJ-RES-20-5", "第 20/5 号决议", "预防犯罪和刑事司法委员会", "adopted", 11, 12),
    ("CCPCJ-RES-20-6", "第 20/6 号决议", "预防犯罪和刑事司法委员会", "adopted", 8, 9),
    ("CCPCJ-RES-20-7", "第 20/7 号决议", "预防犯罪和刑事司法委员会", "adopted", 9, 7),
    ("CCPCJ-DEC-20-1", "第 20/1 号决定", "预防犯罪和刑事司法委员会", "adopted", 1, 3),
]


def test_report_holds_eighteen_units(doc_by_file):
    doc = doc_by_file["001"]
    got = [(u.id, u.label, u.acting_body, u.status, *counts(u)) for u in doc.units]
    assert got == REPORT_UNITS


def test_lettered_decision_keeps_nested_items_with_their_parent(doc_by_file):
    decision = next(u for u in doc_by_file["001"].units if u.id == "E-2011-30-ecosoc-decision-I")
    assert [p.anchor for p in decision.paragraphs] == ["opa", "opb", "opc", "opd", "ope", "opf"]
    c = para(decision, "opc")
    assert "(一) 决定委员会今后的各届会议" in c.text and "b. 鼓励会员国利用该一个月" in c.text
    assert "(三) 决定秘书处" in c.text
    # the provisional agenda it approves is not a paragraph of the decision
    assert "选举主席团成员" not in para(decision, "opf").text


def test_draft_three_has_subparagraphs_under_op9(doc_by_file):
    unit = next(u for u in doc_by_file["001"].units if u.id == "E-2011-30-ga-draft-III")
    subs = [p.anchor for p in unit.paragraphs if p.sub]
    assert subs == ["op9a", "op9b", "op9c", "op9d", "op9e", "op9f"]
    assert para(unit, "op9a").number == "9" and para(unit, "op9a").text.startswith("进一步探讨")


def test_report_paragraphs_are_not_operative(doc_by_file):
    texts = [p.text for u in doc_by_file["001"].units for p in u.paragraphs]
    assert not any("预防犯罪和刑事司法委员会建议经济及社会理事会" in t for t in texts)


def test_paragraph_split_across_page_break_is_one(doc_by_file):
    unit = doc_by_file["000"].units[0]
    # L23 ends "…纳入更广", the footnote block follows, L37 begins "泛的联合国议程…"
    joined = [p for p in unit.paragraphs if "更广泛的联合国议程以应对社会和经济挑战并促进国内和国际法治及公众参与的多哈宣言》的重要性" in p.text]
    assert [p.anchor for p in joined] == ["pp3"]
    assert not any(p.text.startswith("泛的") for p in unit.paragraphs)
    assert [f.number for f in joined[0].footnotes] == ["6"]
    assert joined[0].footnotes[0].text == "第 70/174 号决议，附件。"


def test_wrapped_draft_paragraph_with_marker_inside(doc_by_file):
    unit = doc_by_file["004"].units[0]
    p = para(unit, "pp13")
    assert "《联合国打击跨国有组织犯罪公约关于预防、禁止和惩治贩运人口特别是妇女和儿童行为的议定书》，并欢迎" in p.text
    assert [f.number for f in p.footnotes] == ["7"]
    assert para(unit, "op2").text.startswith("重申《联合国打击跨国有组织犯罪公约》")


def test_no_residue_in_any_paragraph(corpus_documents):
    bad = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]|\*\*|\]\(#\)|____|Distr\.|A/C\.3/68/L\.18|http|\\\(")
    for doc in corpus_documents:
        for unit in doc.units:
            for p in unit.paragraphs:
                assert not bad.search(p.text), p.id


def test_ids_are_unique_and_stable(corpus_dir, corpus_documents):
    from index.build import parse_corpus

    ids = [p.id for d in corpus_documents for u in d.units for p in u.paragraphs]
    assert len(ids) == len(set(ids))
    again, _ = parse_corpus(corpus_dir)
    assert ids == [p.id for d in again for u in d.units for p in u.paragraphs]
    assert "A-RES-71-209/op12" in ids and "A-RES-71-209/pp5" in ids and "E-2011-30-ga-draft-III/op9a" in ids


@pytest.mark.parametrize(
    "file, symbol, session, year, date, status, body, agenda",
    [
        ("000", "A/RES/71/209", "ga-71", 2016, "2016-12-19", "adopted", "ga", "106"),
        ("001", "E/2011/30", "ccpcj-20", 2011, "2011-04-15", "report", "ccpcj", None),
        ("002", "A/RES/68/193", "ga-68", 2013, "2013-12-18", "adopted", "ga", "108"),
        ("003", "A/RES/80/229", "ga-80", 2025, "2025-12-18", "adopted", "ga", "107"),
        ("004", "A/C.3/68/L.18", "ga-68", 2013, None, "draft", "c3", "108"),
    ],
)
def test_document_metadata(doc_by_file, file, symbol, session, year, date, status, body, agenda):
    doc = doc_by_file[file]
    assert (doc.symbol, doc.session, doc.year, doc.date, doc.status, doc.body, doc.agenda_item) == (
        symbol, session, year, date, status, body, agenda)


def test_manifest_facts_are_marked(doc_by_file):
    assert "symbol" in doc_by_file["001"].from_manifest
    assert doc_by_file["000"].from_manifest == []
    assert "symbol" not in doc_by_file["004"].from_manifest  # printed in a page header


def test_budget_table_is_a_table_not_paragraphs(doc_by_file):
    doc = doc_by_file["001"]
    assert any("186 118.7" in t and "联合国预防犯罪和刑事司法基金资源预测额" in t for t in doc.tables)
    assert not any("\t" in p.text or "186 118.7" in p.text for u in doc.units for p in u.paragraphs)


def test_unit_dates_come_from_the_closing_lines(doc_by_file):
    assert doc_by_file["003"].units[0].date == "2025-12-18"
    assert doc_by_file["000"].units[0].title == "加强联合国预防犯罪和刑事司法方案，特别是其技术合作能力"


@pytest.mark.parametrize(
    "text, iso",
    [("2016 年 12 月 19 日大会决议", "2016-12-19"), ("2025年12月18日", "2025-12-18"),
     ("Resolution adopted on 9 March 2011", "2011-03-09"), ("65th plenary meeting", None),
     ("19 Smarch 2016", None)],
)
def test_iso_date(text, iso):
    from index.structure import iso_date

    assert iso_date(text) == iso
