"""Reading: encodings, layouts, and bad files that must be named and skipped."""

from __future__ import annotations

import shutil

import pytest

from index.build import build, parse_corpus
from index.read import ReadError, decode, detect_layout, read

SAMPLE = "大会，\n\n重申其决议，\n\n1. 敦促会员国加强国际合作；\n"


@pytest.mark.parametrize(
    "data, encoding",
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("gb18030"), "gb18030"),
    ],
)
def test_decode_says_which_encoding(data, encoding):
    text, found = decode(data)
    assert text == SAMPLE and found == encoding


def test_layouts_of_the_corpus(corpus_dir):
    layouts = {p.name[:3]: read(p).layout for p in sorted(corpus_dir.glob("*.txt"))}
    assert layouts == {"000": "paged", "001": "paged", "002": "paged", "003": "markdown", "004": "wrapped"}


def test_detect_layout_on_snippets():
    assert detect_layout("见第 [70/299](#) 号决议") == "markdown"
    assert detect_layout("第一行\n\n第二行") == "paged"


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        ("latin.txt", "Résolution adoptée — ¿qué? ".encode("cp1252") * 20, "unknown encoding"),
    ],
)
def test_bad_files_are_named(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError) as info:
        read(path)
    assert name in str(info.value) and message in str(info.value)


def test_bad_files_are_skipped_and_the_rest_still_build(tmp_path, corpus_dir):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(corpus_dir / "000_12b13e596b6890fb.txt", corpus)
    (corpus / "005_empty.txt").write_bytes(b"")
    (corpus / "006_binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (corpus / "007_noise.txt").write_text("这只是一行没有结构的文字。\n", encoding="utf-8")
    (corpus / "008_gb.txt").write_bytes((corpus_dir / "002_4c2b999d6b210a4d.txt").read_text(encoding="utf-8").encode("gb18030"))
    documents, problems = parse_corpus(corpus)
    assert [d.name for d in documents] == ["000_12b13e596b6890fb.txt", "008_gb.txt"]
    assert documents[1].encoding == "gb18030" and len(documents[1].units[0].paragraphs) == 93
    assert [p.file for p in problems] == ["005_empty.txt", "006_binary.txt", "007_noise.txt"]
    assert "no recognisable resolution structure" in problems[2].message
    report = build(corpus, tmp_path / "index")
    assert report.documents == 2 and len(report.problems) == 3
    assert "skipped 3 file(s)" in report.summary() and "005_empty.txt" in report.summary()
