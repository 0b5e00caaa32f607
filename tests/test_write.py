"""The index writer: fields, unit records, the stamp, and publishing a generation."""

from __future__ import annotations

import json

import pytest
from whoosh import index as whoosh_index

from index import write
from index.model import Document, Footnote, Paragraph, Unit, Verb
from search.engine import core as engine_module
from search.engine import Engine, IndexMismatch, IndexMissing
from search.store.generation import current


def small_documents(text_of_op1: str = "敦促会员国打击洗钱和腐败") -> list[Document]:
    """One document, two units, four paragraphs: enough to check every field."""
    first = Unit(
        id="A-RES-71-209", label="71/209", title="加强联合国预防犯罪和刑事司法方案",
        symbol="A/RES/71/209", acting_body="大会", status="adopted", body="ga",
        date="2016-12-19",
        paragraphs=[
            Paragraph(id="A-RES-71-209/pp1", kind="pp", number="1", sub=None,
                      text="重申其关于洗钱的各项决议，", order=0, cites=["70/174", "69/193"],
                      footnotes=[Footnote("1", "联合国，《条约汇编》。")]),
            Paragraph(id="A-RES-71-209/op1", kind="op", number="1", sub=None,
                      text=text_of_op1, order=1, verb=Verb("urges", "敦促"),
                      themes=["money_laundering", "corruption"]),
        ])
    second = Unit(
        id="A-RES-71-210", label="71/210", title="第二项", symbol=None, acting_body="大会",
        status="draft", body="c3", date=None,
        paragraphs=[
            Paragraph(id="A-RES-71-210/op1", kind="op", number="1", sub=None,
                      text="请秘书长提交报告", order=0, verb=Verb("requests", "请")),
            Paragraph(id="A-RES-71-210/op1a", kind="op", number="1", sub="a",
                      text="网络犯罪问题", order=1, themes=["cybercrime"]),
        ])
    return [Document(path="corpus/x.txt", name="x.txt", symbol="A/RES/71/209", body="ga",
                     session="ga-71", year=2016, date="2016-12-19", units=[first, second])]


@pytest.fixture
def built(tmp_path):
    """A small index written by write_index."""
    target = tmp_path / "index"
    count = write.write_index(small_documents(), target)
    return target, count


def stored_fields(index_dir) -> dict[str, dict]:
    ix = whoosh_index.open_dir(str(current(index_dir)))
    with ix.searcher() as searcher:
        fields = {doc["id"]: doc for doc in searcher.all_stored_fields()}
    ix.close()
    return fields


def test_write_returns_the_number_of_paragraphs(built):
    _, count = built
    assert count == 4


def test_stored_fields_of_a_paragraph(built):
    target, _ = built
    op1 = stored_fields(target)["A-RES-71-209/op1"]
    assert op1["unit"] == "A-RES-71-209"
    assert op1["symbol"] == "A/RES/71/209"
    assert (op1["kind"], op1["number"], op1["anchor"]) == ("op", "1", "op1")
    assert (op1["verb"], op1["verb_lead"]) == ("urges", "敦促")
    assert op1["theme"] == "money_laundering,corruption"
    assert (op1["session"], op1["body"], op1["lang"]) == ("ga-71", "ga", "zh")
    assert (op1["year"], op1["date"], op1["doc_order"]) == (2016, "2016-12-19", 1)
    assert op1["text"] == "敦促会员国打击洗钱和腐败"


def test_unit_without_symbol_or_date_inherits_from_document(built):
    target, _ = built
    sub = stored_fields(target)["A-RES-71-210/op1a"]
    assert sub["symbol"] == "A/RES/71/209"
    assert sub["date"] == "2016-12-19"
    assert sub["body"] == "c3"
    assert (sub["sub"], sub["anchor"], sub["doc_order"]) == ("a", "op1a", 3)


def test_footnotes_and_cites_are_kept(built):
    target, _ = built
    pp1 = stored_fields(target)["A-RES-71-209/pp1"]
    assert pp1["footnotes"] == [{"number": "1", "text": "联合国，《条约汇编》。"}]
    assert pp1["cites"] == "70/174,69/193"


def test_units_file_lists_paragraphs_in_order(built):
    target, _ = built
    units = json.loads((current(target) / "units.json").read_text(encoding="utf-8"))
    assert [u["id"] for u in units] == ["A-RES-71-209", "A-RES-71-210"]
    assert units[1]["paragraphs"] == ["A-RES-71-210/op1", "A-RES-71-210/op1a"]
    assert (units[1]["status"], units[1]["session"], units[1]["label"]) == ("draft", "ga-71", "71/210")
    assert (units[0]["symbol"], units[1]["symbol"]) == ("A/RES/71/209", None)
    assert units[1]["document"]["symbol"] == "A/RES/71/209"


def test_stamp_records_analysis_and_corpus(built):
    from search.analysis import analysis_stamp

    target, _ = built
    stamp = json.loads((current(target) / "stamp.json").read_text(encoding="utf-8"))
    assert stamp["analysis"] == json.loads(json.dumps(analysis_stamp()))
    assert stamp["corpus"] == {"documents": 1, "units": 2, "paragraphs": 4, "files": ["x.txt"]}


def test_rewrite_replaces_the_index_and_leaves_no_staging(built):
    target, _ = built
    docs = small_documents(text_of_op1="新的案文")
    docs[0].units.pop()
    assert write.write_index(docs, target) == 2
    assert stored_fields(target)["A-RES-71-209/op1"]["text"] == "新的案文"
    assert sorted(p.name for p in target.parent.iterdir()) == ["index"]


def test_failed_write_leaves_the_old_index_intact(built, monkeypatch):
    target, _ = built
    real = write.paragraph_fields
    calls = []

    def failing(doc, unit, para, order):
        calls.append(para.id)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(doc, unit, para, order)

    monkeypatch.setattr(write, "paragraph_fields", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        write.write_index(small_documents(text_of_op1="不应出现"), target)
    assert stored_fields(target)["A-RES-71-209/op1"]["text"] == "敦促会员国打击洗钱和腐败"
    assert sorted(p.name for p in target.parent.iterdir()) == ["index"]
    engine = Engine(target)
    try:
        assert engine.search("腐败")["total"] == 1
    finally:
        engine.close()


def test_duplicate_paragraph_id_is_refused(tmp_path):
    docs = small_documents()
    docs[0].units[1].paragraphs[0].id = "A-RES-71-209/op1"
    with pytest.raises(ValueError, match="duplicate paragraph id 'A-RES-71-209/op1'"):
        write.write_index(docs, tmp_path / "index")
    with pytest.raises(IndexMissing):
        current(tmp_path / "index")
    assert list((tmp_path / "index" / "generations").iterdir()) == []


def test_engine_refuses_a_stale_stamp(built):
    target, _ = built
    stamp_path = current(target) / "stamp.json"
    stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    stamp["analysis"]["checksum_of_a_past_dictionary"] = "0" * 8
    stamp_path.write_text(json.dumps(stamp), encoding="utf-8")
    with pytest.raises(IndexMismatch, match=r"rebuild \(concord build\)"):
        Engine(target).search("洗钱")


def test_engine_refuses_a_missing_stamp(built):
    target, _ = built
    (current(target) / "stamp.json").unlink()
    with pytest.raises(IndexMismatch, match="rebuild"):
        Engine(target).paragraph("A-RES-71-209/op1")


@pytest.mark.parametrize("make", [lambda p: p / "nowhere", lambda p: p])
def test_engine_reports_a_missing_index(tmp_path, make):
    with pytest.raises(IndexMissing, match="concord build"):
        Engine(make(tmp_path)).search("")


def test_a_running_engine_answers_from_a_rebuilt_index(built, monkeypatch):
    target, _ = built
    monkeypatch.setattr(engine_module, "RECHECK_SECONDS", 0.0)
    engine = Engine(target)
    try:
        assert engine.search('"腐败"')["total"] == 1
        write.write_index(small_documents(text_of_op1="重建之后的案文"), target)
        assert engine.search('"腐败"')["total"] == 0
        assert engine.paragraph("A-RES-71-209/op1")["text"] == "重建之后的案文"
    finally:
        engine.close()


def test_a_running_engine_keeps_its_index_when_the_new_one_is_unusable(built, monkeypatch):
    target, _ = built
    monkeypatch.setattr(engine_module, "RECHECK_SECONDS", 0.0)
    engine = Engine(target)
    try:
        assert engine.search("腐败")["total"] == 1
        (current(target) / "stamp.json").write_text("{}", encoding="utf-8")  # as if built elsewhere
        assert engine.search("腐败")["total"] == 1
        with pytest.raises(IndexMismatch):
            Engine(target).search("腐败")
    finally:
        engine.close()
