"""Parallel segmentation: worker postings index exactly what Whoosh's own analysis would."""

from __future__ import annotations

import pickle

import pytest
from whoosh import index as whoosh_index

from index import segment, write
from index.progress import Phases
from search.analysis import normalize
from search.store.preanalysed import PreAnalysed
from search.store.schema import build_schema


def posting_items(reader, field: str, term) -> list[tuple]:
    """[(docnum, weight, encoded value)] of one term, as Whoosh's postings hold them."""
    matcher = reader.postings(field, term)
    items = []
    while matcher.is_active():
        items.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return items


def _postings(index_dir) -> dict:
    """Every (field, term) of an index's text fields → [(docnum, weight, encoded value)]."""
    ix = whoosh_index.open_dir(str(index_dir))
    found = {}
    with ix.reader() as reader:
        for field, term in reader.all_terms():
            if field in segment.TEXT_FIELDS:
                found[field, term] = posting_items(reader, field, term)
        lengths = [(reader.doc_field_length(n, "text"), reader.doc_field_length(n, "text_bigram"))
                   for n in range(reader.doc_count_all())]
        stored = list(reader.all_stored_fields())
    ix.close()
    return {"postings": found, "lengths": lengths, "stored": stored}


def _reference(documents, index_dir) -> None:
    """The index as plain Whoosh writes it, analysing in the writer (no workers)."""
    index_dir.mkdir()
    ix = whoosh_index.create_in(str(index_dir), build_schema())
    writer = ix.writer()
    for row in write._rows(documents):
        writer.add_document(**row)
    writer.commit()
    ix.close()


@pytest.fixture(scope="module")
def pooled_and_reference(corpus_documents, tmp_path_factory):
    """The real corpus written through a 2-process pool, and by plain Whoosh."""
    base = tmp_path_factory.mktemp("segment")
    saved = segment.SERIAL_BELOW
    segment.SERIAL_BELOW = 0  # the corpus is small: force the pool
    try:
        write._write_segments(corpus_documents, _mkdir(base / "pooled"), Phases(), processes=2)
    finally:
        segment.SERIAL_BELOW = saved
    _reference(corpus_documents, base / "reference")
    return _postings(base / "pooled"), _postings(base / "reference")


def _mkdir(path):
    path.mkdir()
    return path


def test_the_pool_writes_the_same_postings_lengths_and_stored_fields(pooled_and_reference):
    pooled, reference = pooled_and_reference
    assert len(pooled["postings"]) == len(reference["postings"]) > 5000
    assert pooled["postings"] == reference["postings"]
    assert pooled["lengths"] == reference["lengths"]
    assert pooled["stored"] == reference["stored"]


def test_stored_text_is_a_plain_string(pooled_and_reference):
    pooled, _ = pooled_and_reference
    assert all(type(fields["text"]) is str for fields in pooled["stored"])


def test_the_pool_keeps_paragraph_order():
    texts = [f"第{n}段 洗钱和腐败 money laundering {n}" for n in range(300)]
    saved = segment.SERIAL_BELOW
    segment.SERIAL_BELOW = 0
    try:
        pooled = list(segment.analyse_all(texts, processes=2, total=len(texts)))
    finally:
        segment.SERIAL_BELOW = saved
    assert pooled == [segment.analyse(text) for text in texts]


def test_tokens_point_into_the_text_in_position_order():
    text = "联合国毒品和犯罪问题办公室打击洗錢 and money laundering"
    words = segment.tokens("text", segment.analyse(text)["text"])
    assert [t[1] for t in words] == sorted(t[1] for t in words)
    for term, _pos, start, end in words:
        if term.isascii():
            assert normalize(text[start:end]).startswith(term[:4])  # English is stemmed
        else:
            assert normalize(text[start:end]) == term
    assert ("洗钱", 2, 15, 17) in words and ("launder", 4, 28, 38) in words
    assert any(term == "办公室" for term, *_ in words)  # an inner word, stacked


def test_a_preanalysed_value_pickles_as_its_plain_text():
    value = PreAnalysed("洗钱", [(b"x", 1, 1.0, b"")])
    copy = pickle.loads(pickle.dumps(value))
    assert copy == "洗钱" and type(copy) is str


def test_a_pooled_parse_gives_the_same_documents_and_problems(tmp_path, corpus_dir, monkeypatch):
    from index import build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in corpus_dir.iterdir():
        (corpus / path.name).write_bytes(path.read_bytes())
    (corpus / "005_noise.txt").write_text("这只是一行没有结构的文字。\n", encoding="utf-8")
    serial, serial_problems = build.parse_corpus(corpus, processes=1)
    monkeypatch.setattr(build, "PARSE_SERIAL_BELOW", 0)
    pooled, pooled_problems = build.parse_corpus(corpus, processes=2)
    assert [d.to_dict() for d in pooled] == [d.to_dict() for d in serial]
    assert len(pooled) == 5 and sum(len(u.paragraphs) for d in pooled for u in d.units) == 802
    assert pooled_problems == serial_problems and [p.file for p in pooled_problems] == ["005_noise.txt"]


def test_the_compact_pool_sorts_by_term_and_refuses_docnums_going_back():
    from index.postings import CompactPool

    pool = CompactPool()
    pool.add(("text", b"b", 0, 1.0, b"\x01"))
    pool.add(("text", b"a", 0, 2.0, b""))
    pool.add(("text", b"b", 3, 1.5, b"\x02\x03"))
    pool.add(("id", b"z", 3, 1.0, b""))
    assert list(pool.iter_postings()) == [
        ("id", b"z", 3, 1.0, b""), ("text", b"a", 0, 2.0, b""),
        ("text", b"b", 0, 1.0, b"\x01"), ("text", b"b", 3, 1.5, b"\x02\x03")]
    with pytest.raises(ValueError, match="out of docnum order"):
        pool.add(("text", b"a", 2, 1.0, b""))


def test_arrays_from_worker_postings_equal_arrays_from_analysis(corpus_documents, tmp_path, monkeypatch):
    """The bulk build feeds the arrays the workers' postings; the result is what analysis gives."""
    import shutil

    import numpy as np

    from search.store.array_writer import write_arrays
    from search.store.arrays import ARRAYS_DIR
    from search.store.generation import current

    monkeypatch.setattr(segment, "SERIAL_BELOW", 0)
    write.write_index(corpus_documents, tmp_path / "index", processes=2)
    built = current(tmp_path / "index")
    again = tmp_path / "again"
    shutil.copytree(built, again, ignore=shutil.ignore_patterns(ARRAYS_DIR))
    write_arrays(again, write.iter_paragraph_fields(corpus_documents))
    names = sorted(p.name for p in (built / ARRAYS_DIR).iterdir())
    assert names == sorted(p.name for p in (again / ARRAYS_DIR).iterdir()) and len(names) > 20
    for name in names:
        if name.endswith(".npy"):
            assert np.array_equal(np.load(built / ARRAYS_DIR / name), np.load(again / ARRAYS_DIR / name)), name
        else:
            assert (built / ARRAYS_DIR / name).read_bytes() == (again / ARRAYS_DIR / name).read_bytes(), name


def test_worker_postings_are_whooshs_own_and_tokens_match_them(corpus_documents):
    """analyse() computes what each field's Whoosh index() gives, and the token columns the
    array writer takes are those postings decoded, in posting order."""
    from array import array

    fields = segment._schema_fields()
    texts = [p.text for d in corpus_documents for u in d.units for p in u.paragraphs]
    texts += ["", "of the and", "UNODC 的 A/RES/71/209 money-laundering 1,000"]
    for text in texts:
        found = segment.analyse(text)
        for name, field in fields.items():
            postings = list(field.index(text))
            assert found[name] == postings
            decoded = [t for *_, value in postings for t in field.format.decode_characters(value)]
            columns = [array("i", column).tolist() for column in found["tokens"][name]]
            assert list(zip(*columns)) == decoded if decoded else columns == [[], [], []]
        assert found["norm_length"] == len(normalize(text))
