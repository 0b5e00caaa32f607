"""Bad documents never stop a build: each is one message naming the file, the others index."""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.build import parse_corpus
from web.cli import main

GOOD = "002_4c2b999d6b210a4d.txt"  # 93 paragraphs
OTHER = "000_12b13e596b6890fb.txt"


@pytest.fixture
def corpus(tmp_path, corpus_dir) -> Path:
    """A corpus folder holding one good document."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(corpus_dir / GOOD, folder)
    return folder


def build_status(capsys, corpus: Path, index: Path) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `concord build`."""
    status = main(["build", "--corpus", str(corpus), "--index", str(index)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_an_exact_copy_is_skipped_naming_the_file_it_repeats(corpus, capsys, tmp_path):
    shutil.copy(corpus / GOOD, corpus / "009_copy.txt")
    status, out, err = build_status(capsys, corpus, tmp_path / "index")
    assert status == 1 and "indexed 93 paragraphs in 1 units from 1 documents" in out
    assert f"009_copy.txt: 94 id(s) already indexed from {GOOD} (e.g. A-RES-68-193)" in err


def test_a_file_name_that_is_not_utf8_is_named_and_indexed(tmp_path, capsys, corpus_dir):
    folder = tmp_path / "corpus"
    folder.mkdir()
    strange = os.fsdecode(b"002_\xff\xfe.txt")
    shutil.copy(corpus_dir / GOOD, folder / strange)
    (folder / os.fsdecode(b"003_\xe9t\xe9.txt")).write_bytes(b"\x00\x01\x02")
    status, out, err = build_status(capsys, folder, tmp_path / "index")
    assert status == 1 and "93 paragraphs" in out
    assert "003_\ufffdt\ufffd.txt: a binary file" in err
    documents, _ = parse_corpus(folder)
    assert documents[0].name == "002_\ufffd\ufffd.txt"


def test_a_broken_manifest_is_one_message_and_the_documents_still_index(tmp_path, capsys, corpus_dir):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(corpus_dir / "001_02cb6dc55ce5048b.txt", folder)
    (folder / "manifest.toml").write_text('["001_02cb6dc55ce5048b.txt"\nsymbol = "E/2011/30"\n')
    status, out, err = build_status(capsys, folder, tmp_path / "index")
    assert status == 1 and "from 1 documents" in out
    assert "manifest.toml: not readable as UTF-8 TOML" in err
    assert "indexed without the manifest's facts" in err


def test_a_manifest_entry_that_is_not_a_table_is_named(tmp_path, corpus):
    (corpus / "manifest.toml").write_text('symbol = "E/2011/30"\n')
    documents, problems = parse_corpus(corpus)
    assert len(documents) == 1
    assert [p.file for p in problems] == ["manifest.toml"]
    assert "entries must be tables" in problems[0].message and "not symbol" in problems[0].message


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_with_a_bom_is_read(corpus, codec):
    text = (corpus / GOOD).read_text(encoding="utf-8")
    data = text.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    (corpus / GOOD).write_bytes(data)
    documents, problems = parse_corpus(corpus)
    assert problems == [] and documents[0].encoding == "utf-16"
    assert len(documents[0].units[0].paragraphs) == 93


def test_utf16_without_a_bom_is_named_as_such(corpus, corpus_dir):
    (corpus / "005_le.txt").write_bytes((corpus_dir / OTHER).read_text(encoding="utf-8").encode("utf-16-le"))
    (corpus / "006_ascii_le.txt").write_bytes("1. Urges States;\n".encode("utf-16-le") * 20)
    documents, problems = parse_corpus(corpus)
    assert [d.name for d in documents] == [GOOD]
    assert [p.message for p in problems] == [
        "005_le.txt: UTF-16 without a byte-order mark; save it as UTF-8",
        "006_ascii_le.txt: UTF-16 without a byte-order mark; save it as UTF-8"]


def test_a_link_leaving_the_corpus_folder_is_not_followed(tmp_path, corpus, corpus_dir):
    outside = tmp_path / "secret.txt"
    shutil.copy(corpus_dir / OTHER, outside)
    (corpus / "003_link.txt").symlink_to(outside)
    (corpus / "sub").mkdir()
    (corpus / "004_up.txt").symlink_to(Path("sub") / ".." / ".." / "secret.txt")
    documents, problems = parse_corpus(corpus)
    assert [d.name for d in documents] == [GOOD]
    assert [p.message for p in problems] == [
        "003_link.txt: a link to a file outside the corpus folder; not followed",
        "004_up.txt: a link to a file outside the corpus folder; not followed"]


# -- a fuzzer over mangled corpus files ---------------------------------------------------

def _mangle(data: bytes, how: str, chance: random.Random) -> bytes:
    """One way a real file gets damaged on its way to the corpus folder."""
    text = data.decode("utf-8")
    if how == "truncated":
        return data[: chance.randrange(len(data))]
    if how == "shuffled":
        lines = text.splitlines(keepends=True)
        chance.shuffle(lines)
        return "".join(lines).encode("utf-8")
    if how == "noise":
        at = chance.randrange(len(data))
        return data[:at] + chance.randbytes(chance.randrange(1, 2000)) + data[at:]
    if how == "re-encoded":
        return text.encode(chance.choice(["gb18030", "utf-16", "utf-16-le", "big5", "shift_jis"]),
                           errors="replace")
    if how == "duplicated":
        return data + data[: chance.randrange(len(data))]
    return data  # "copy": an exact copy


@settings(max_examples=25, deadline=10_000, derandomize=True)
@given(how=st.sampled_from(["truncated", "shuffled", "noise", "re-encoded", "duplicated", "copy"]),
       seed=st.integers(0, 2**32), source=st.sampled_from([OTHER, "004_978087fdcf64ca0a.txt"]))
def test_mangled_files_are_reported_and_skipped_never_raise(how, seed, source):
    shipped = Path(__file__).resolve().parent.parent / "corpus"
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        shutil.copy(shipped / GOOD, folder)
        shutil.copy(shipped / source, folder / "000_original.txt")
        mangled = _mangle((shipped / source).read_bytes(), how, random.Random(seed))
        (folder / "009_mangled.txt").write_bytes(mangled)
        documents, problems = parse_corpus(folder)
    names = [d.name for d in documents]
    assert names[:2] == ["000_original.txt", GOOD]
    assert names[2:] == ["009_mangled.txt"] or [p.file for p in problems] == ["009_mangled.txt"]
    assert all(p.message.startswith(p.file + ": ") for p in problems)
    ids = [p.id for d in documents for u in d.units for p in u.paragraphs]
    assert len(ids) == len(set(ids))  # the writer will not meet a duplicate


def test_a_copy_cut_in_the_middle_of_a_character_keeps_its_text(corpus, corpus_dir):
    data = (corpus_dir / OTHER).read_bytes()
    cut = data.index("各国".encode("utf-8"), len(data) // 2) + 1  # inside 各
    (corpus / "000_cut.txt").write_bytes(data[:cut])
    documents, problems = parse_corpus(corpus)
    assert problems == [] and documents[0].encoding == "utf-8"
    assert len(documents[0].units[0].paragraphs) > 20
