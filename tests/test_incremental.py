"""`concord add` and `concord remove` publish what a full build of the same corpus publishes.

Each step is checked against a build from nothing (no cache) of the same files: the same
units and paragraph ids, the same lineage and citations, and for the whole fixed query
mix of tests/equality (every judged query and the bench mix, by relevance and by date) the
same totals (full and partial), facet counts, messages and top 10. And each does only its own document's work:
the cache (index/cache.py) gives back every other file's parse and segmentation.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index.build import Refused, build
from index.incremental import REMOVED, add, indexed_files, remove, resolve_document
from search.store.generation import current, current_number
from search.store.schema import LINKS_FILE, UNITS_FILE
from tests.equality import record


ADDED = "002_4c2b999d6b210a4d.txt"  # A/RES/68/193: the adopted text of 004's draft
REMOVED_DOC = "000_12b13e596b6890fb.txt"  # A/RES/71/209
PARAGRAPHS = {ADDED: 93, REMOVED_DOC: 107}  # `concord parse` of each file


def answers(index_dir: Path) -> dict:
    """What the index answers to the whole fixed mix, and what it holds."""
    from search.engine import Engine

    engine = Engine(index_dir)
    try:
        mix = {f"{q['name']}|{q['sort']}": top_ten(engine, q) for q in record.mix()}
    finally:
        engine.close()
    generation = current(index_dir)
    return {
        "mix": mix,
        "units": json.loads((generation / UNITS_FILE).read_text(encoding="utf-8")),
        "links": json.loads((generation / LINKS_FILE).read_text(encoding="utf-8")),
        "files": indexed_files(index_dir),
    }


def top_ten(engine, query: dict) -> dict:
    """Totals, facet counts, messages and the first page of one query of the mix."""
    found = engine.search(query["q"], query["filters"], page=1, size=10, sort=query["sort"])
    return {
        "total": found["total"], "full": found["full"], "messages": found["messages"],
        "ids": [(r["id"], r["missing"]) for r in found["results"]],
        "facets": {f: {v["key"]: v["count"] for v in values} for f, values in found["facets"].items()},
    }


@pytest.fixture(scope="module")
def history(tmp_path_factory, corpus_dir, real_index):
    """A corpus without ADDED, built; ADDED added; REMOVED_DOC removed; and the full builds."""
    root = tmp_path_factory.mktemp("incremental")
    folder = root / "corpus"
    shutil.copytree(corpus_dir, folder)
    outside = root / ADDED
    (folder / ADDED).rename(outside)
    index_dir = root / "index"
    steps = {"first": build(folder, index_dir)}
    steps["before"] = answers(index_dir)
    steps["add"] = add(outside, folder, index_dir)
    steps["added"] = answers(index_dir)
    steps["remove"], steps["kept"] = remove("A/RES/71/209", folder, index_dir)
    steps["removed"] = answers(index_dir)
    steps["full"] = answers(real_index)  # the shipped corpus, built from nothing
    without = root / "without"
    shutil.copytree(corpus_dir, without)
    (without / REMOVED_DOC).unlink()
    steps["full_without"] = answers(build(without, root / "full-without", use_cache=False).index_dir)
    steps.update(folder=folder, index_dir=index_dir, outside=outside)
    return steps


def test_adding_a_document_publishes_what_a_full_build_publishes(history):
    assert history["added"] == history["full"]
    assert len(history["full"]["mix"]) > 200


def test_removing_a_document_publishes_what_a_full_build_of_the_rest_publishes(history):
    assert history["removed"] == history["full_without"]
    assert REMOVED_DOC not in history["removed"]["files"]


def test_the_other_documents_change_with_the_one_added(history):
    """Lineage is redone over the whole corpus: 004's draft now has its adopted text."""
    def changes(step):
        return {pid: links for pid, links in history[step]["links"]["paragraphs"].items()
                if pid.startswith("A-C.3-68-L.18")}
    assert changes("before") != changes("added")
    assert history["before"]["mix"] != history["added"]["mix"]


def test_add_parses_and_segments_only_the_new_document(history):
    report = history["add"]
    assert report.documents == 5 and report.parsed == 1
    assert report.paragraphs - report.reused == PARAGRAPHS[ADDED]
    assert report.paragraphs == 802


def test_remove_parses_and_segments_nothing_and_keeps_the_file(history):
    report, kept = history["remove"], history["kept"]
    assert report.documents == 4 and report.parsed == 0 and report.reused == report.paragraphs
    assert report.paragraphs == 802 - PARAGRAPHS[REMOVED_DOC]
    assert kept == history["folder"] / REMOVED / REMOVED_DOC and kept.is_file()
    assert not (history["folder"] / REMOVED_DOC).exists()


@pytest.fixture
def small(tmp_path, corpus_dir):
    """A two-document corpus, built."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in (REMOVED_DOC, ADDED):
        shutil.copy(corpus_dir / name, folder / name)
    build(folder, tmp_path / "index")
    return folder, tmp_path / "index"


def _unchanged(folder: Path, index_dir: Path, before: tuple) -> bool:
    return _state(folder, index_dir) == before


def _state(folder: Path, index_dir: Path) -> tuple:
    return sorted(p.name for p in folder.iterdir()), current_number(index_dir)


def test_an_unusable_file_is_not_added_and_nothing_is_published(small, tmp_path):
    folder, index_dir = small
    before = _state(folder, index_dir)
    noise = tmp_path / "noise.txt"
    noise.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(Refused, match="noise.txt"):
        add(noise, folder, index_dir)
    assert _unchanged(folder, index_dir, before)


def test_a_copy_of_an_indexed_file_is_refused_whichever_name_sorts_first(small, corpus_dir):
    folder, index_dir = small
    before = _state(folder, index_dir)
    for name in ("0000-copy.txt", "zzz-copy.txt"):  # it would push the original out / be skipped
        copy = folder.parent / name
        shutil.copy(corpus_dir / ADDED, copy)
        with pytest.raises(Refused, match="nothing was published"):
            add(copy, folder, index_dir)
        assert _unchanged(folder, index_dir, before)


def test_a_different_file_of_the_same_name_is_refused(small, tmp_path, corpus_dir):
    folder, index_dir = small
    other = tmp_path / "elsewhere"
    other.mkdir()
    shutil.copy(corpus_dir / "003_ec73d36aaa5c0464.txt", other / ADDED)
    with pytest.raises(Refused, match="already in the corpus folder"):
        add(other / ADDED, folder, index_dir)
    assert (folder / ADDED).read_bytes() == (corpus_dir / ADDED).read_bytes()


def test_documents_are_named_by_file_stem_symbol_or_unit(small):
    _, index_dir = small
    for name in (REMOVED_DOC, REMOVED_DOC[:-4], "A/RES/71/209", "a-res-71-209"):
        assert resolve_document(name, index_dir) == REMOVED_DOC
    with pytest.raises(Refused, match="did you mean 000_12b13e596b6890fb.txt"):
        resolve_document("000_12b13e596b6890fc.txt", index_dir)
    with pytest.raises(Refused, match="no indexed document"):
        resolve_document("A/RES/99/1", index_dir)


def test_removing_the_last_document_is_refused_and_the_file_put_back(small):
    folder, index_dir = small
    remove(ADDED, folder, index_dir)
    before = _state(folder, index_dir)
    from index.write import EmptyBuild

    with pytest.raises(EmptyBuild):
        remove(REMOVED_DOC, folder, index_dir)
    assert _unchanged(folder, index_dir, before)
    assert indexed_files(index_dir) == [REMOVED_DOC]


def test_a_damaged_cache_entry_is_read_as_a_miss(small):
    folder, index_dir = small
    entries = sorted((index_dir / "cache").iterdir())
    assert {p.suffix for p in entries} == {".document", ".postings"} and len(entries) == 4
    for path in entries:
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    report = build(folder, index_dir)
    assert report.parsed == 2 and report.reused == 0 and report.paragraphs == sum(PARAGRAPHS.values())


def test_a_changed_file_is_parsed_again_and_old_entries_are_pruned(small):
    folder, index_dir = small
    path = folder / ADDED
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report = build(folder, index_dir)
    assert report.parsed == 1 and report.reused == PARAGRAPHS[REMOVED_DOC]
    assert len(list((index_dir / "cache").iterdir())) == 4  # the old entry of ADDED is gone


def test_the_command_line(small, tmp_path, corpus_dir, capsys):
    from web.cli import main

    folder, index_dir = small
    args = ["--corpus", str(folder), "--index", str(index_dir)]
    assert main(["remove", "A/RES/68/193", *args]) == 0
    assert "moved 002_4c2b999d6b210a4d.txt" in capsys.readouterr().err
    assert main(["remove", "A/RES/68/193", *args]) == 2
    assert "no indexed document" in capsys.readouterr().err
    assert main(["add", str(folder / REMOVED / ADDED), *args]) == 0
    out = capsys.readouterr().out
    assert "indexed 200 paragraphs" in out and "1 document(s) parsed" in out
    (tmp_path / "notes.md").write_text("not a corpus file", encoding="utf-8")
    assert main(["add", str(tmp_path / "notes.md"), *args]) == 2
    assert "corpus documents are .txt files" in capsys.readouterr().err


def test_an_open_engine_answers_from_each_new_generation(small, monkeypatch):
    from search.engine import Engine
    from search.engine import core

    monkeypatch.setattr(core, "RECHECK_SECONDS", 0.0)
    folder, index_dir = small
    engine = Engine(index_dir)
    try:
        assert engine.search("")["total"] == sum(PARAGRAPHS.values())
        remove(ADDED, folder, index_dir)
        assert engine.search("")["total"] == PARAGRAPHS[REMOVED_DOC]
        add(folder / REMOVED / ADDED, folder, index_dir)
        assert engine.search("")["total"] == sum(PARAGRAPHS.values())
    finally:
        engine.close()


def test_a_cache_that_cannot_be_written_costs_time_not_the_build(small, monkeypatch):
    folder, index_dir = small
    shutil.rmtree(index_dir / "cache")
    write_bytes = Path.write_bytes

    def full_disk(path, data):
        if path.parent.name == "cache":
            write_bytes(path, data[:10])  # a part gets written, then the disk is full
            raise OSError(28, "No space left on device")
        return write_bytes(path, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    report = build(folder, index_dir)
    assert report.paragraphs == sum(PARAGRAPHS.values()) and report.parsed == 2
    assert list((index_dir / "cache").iterdir()) == []
