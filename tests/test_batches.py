"""A build in batches: one Whoosh segment and one array part per batch, joined unmerged.

The real corpus built one document per batch (5 segments, written by two workers)
must be the index a build of one batch gives: the same arrays byte for byte (and those
the single array builder of every document writes), the same postings, lengths, stored
fields and statistics through Whoosh's multi-segment reader, and the same answers.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from index import segment, write
from index.batch import PARTS_DIR
from search.store.array_writer import write_arrays
from search.store.arrays import ARRAYS_DIR
from tests.test_segment import posting_items
from search.store.generation import current

GOLDEN = json.loads((Path(__file__).resolve().parent / "equality" / "golden.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(corpus_documents, tmp_path_factory):
    """The real corpus as one batch in-process, and one batch per document on two workers."""
    base = tmp_path_factory.mktemp("batches")
    write.write_index(corpus_documents, base / "one", processes=1)
    saved = segment.SERIAL_BELOW
    segment.SERIAL_BELOW = 0
    try:
        write.write_index(corpus_documents, base / "many", processes=2, batch=1)
    finally:
        segment.SERIAL_BELOW = saved
    return current(base / "one"), current(base / "many"), base


def _segments(generation: Path) -> list[int]:
    ix = whoosh_index.open_dir(str(generation))
    try:
        return [s.doc_count_all() for s in ix._segments()]
    finally:
        ix.close()


def test_batches_are_whole_documents_in_order(built, corpus_documents):
    one, many, _ = built
    per_doc = [sum(len(u.paragraphs) for u in d.units) for d in corpus_documents]
    assert per_doc == [107, 364, 93, 157, 81]
    assert _segments(one) == [802] and _segments(many) == per_doc
    assert not (many / PARTS_DIR).exists() and not (many / "MAIN.tmp").exists()


def test_a_batch_takes_documents_until_it_holds_enough_paragraphs(corpus_documents, tmp_path):
    batches = list(write._batches(corpus_documents, tmp_path, 100, None))
    assert [len(b.rows) for b in batches] == [107, 364, 93 + 157, 81]
    assert [b.number for b in batches] == [0, 1, 2, 3]
    orders = [row["doc_order"] for b in batches for row in b.rows]
    assert orders == list(range(802))
    assert [name for b in batches for name, _n, _key in b.documents] == [d.name for d in corpus_documents]
    assert len(list(write._batches([], tmp_path, 100, None))) == 1  # an empty build: one empty batch


def test_the_arrays_are_byte_identical_to_one_builder(built, corpus_documents, tmp_path):
    one, many, _ = built
    again = tmp_path / "again"
    shutil.copytree(one, again, ignore=shutil.ignore_patterns(ARRAYS_DIR))
    write_arrays(again, write.iter_paragraph_fields(corpus_documents))
    names = sorted(p.name for p in (again / ARRAYS_DIR).iterdir())
    assert len(names) > 40
    for generation in (one, many):
        assert sorted(p.name for p in (generation / ARRAYS_DIR).iterdir()) == names
        for name in names:
            expected = (again / ARRAYS_DIR / name).read_bytes()
            assert (generation / ARRAYS_DIR / name).read_bytes() == expected, (generation.name, name)


def _whoosh(generation: Path) -> dict:
    """Postings, lengths, stored fields and statistics of every text field."""
    ix = whoosh_index.open_dir(str(generation))
    found = {"postings": {}}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for field, term in reader.all_terms():
            if field in segment.TEXT_FIELDS:
                found["postings"][field, term] = (posting_items(reader, field, term),
                                                  reader.doc_frequency(field, term))
                found.setdefault("weights", {})[field, term] = reader.frequency(field, term)
        found["lengths"] = [[reader.doc_field_length(n, f) for f in segment.TEXT_FIELDS]
                            for n in range(reader.doc_count_all())]
        found["stored"] = list(reader.all_stored_fields())
        found["stats"] = [(reader.field_length(f), reader.max_field_length(f),
                           searcher.avg_field_length(f)) for f in segment.TEXT_FIELDS]
        found["count"] = (reader.doc_count(), reader.doc_count_all())
    ix.close()
    return found


def test_whoosh_reads_the_segments_as_one_index(built):
    one, many, _ = built
    single, multi = _whoosh(one), _whoosh(many)
    assert len(multi["postings"]) == len(single["postings"]) > 5000
    # A term's total weight is a float32 per segment: summed over segments it may differ
    # in the 7th digit (the bigram field's boost, 0.4, is not a binary fraction). Nothing
    # ranks by it: BM25 takes document frequencies, field lengths and each posting's weight.
    weights = multi.pop("weights")
    assert weights == pytest.approx(single.pop("weights"), rel=1e-6)
    assert multi == single


@pytest.mark.parametrize("executor", ["arrays", "whoosh"])
def test_the_batched_index_answers_the_mix_alike(built, executor):
    from search.engine import Engine

    _one, _many, base = built
    # No time budget: on shared cores a cold first query may run past the default 2 s, and
    # the answer so far is not what this test compares.
    a, b = (Engine(base / name, executor=executor, budget=600.0) for name in ("one", "many"))
    try:
        for key in sorted(GOLDEN):
            query = GOLDEN[key]
            for page in (1, 2):
                ours = a.search(query["q"], query["filters"], page=page, size=10, sort=query["sort"])
                theirs = b.search(query["q"], query["filters"], page=page, size=10, sort=query["sort"])
                ours.pop("took_ms"), theirs.pop("took_ms")
                assert not ours["incomplete"] and ours == theirs, key
    finally:
        a.close(), b.close()


def test_workers_reuse_and_fill_the_build_cache(corpus_dir, tmp_path, monkeypatch):
    """On two workers, a build fills the cache with each document's postings and the next
    build reads them back instead of segmenting, publishing the same arrays."""
    from index.build import build

    monkeypatch.setattr(segment, "SERIAL_BELOW", 0)
    monkeypatch.setattr(write, "BATCH_MIN", 1)
    monkeypatch.setattr(write, "BATCH_MAX", 1)  # a batch per document
    first = build(corpus_dir, tmp_path / "index", processes=2)
    arrays = {p.name: p.read_bytes() for p in (current(tmp_path / "index") / ARRAYS_DIR).iterdir()}
    assert first.reused == 0 and len(list((tmp_path / "index" / "cache").glob("*.postings"))) == 5
    second = build(corpus_dir, tmp_path / "index", processes=2)
    assert second.parsed == 0 and second.reused == second.paragraphs == 802
    assert _segments(current(tmp_path / "index")) == [107, 364, 93, 157, 81]
    again = {p.name: p.read_bytes() for p in (current(tmp_path / "index") / ARRAYS_DIR).iterdir()}
    assert again == arrays
