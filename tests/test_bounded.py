"""Bounded work: linear parsing of long lines, capped paragraphs, highlighting linear in the
matches, and the impossible filter that must match nothing."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.build import build, parse_file
from index.cap import PARAGRAPH_CAP, split_text
from search.engine import Engine, highlight
from web.app import create_app

SOURCE = Path(__file__).resolve().parent.parent / "corpus" / "002_4c2b999d6b210a4d.txt"
WORDS = "会员国打击洗钱和腐败犯罪国际合作加强联合国预防刑事司法方案"


def with_long_op1(extra: str) -> str:
    """The text of 002 with ``extra`` run on at the end of its operative paragraph 1."""
    text = SOURCE.read_text(encoding="utf-8")
    end = text.index("\n", text.index("\n1.") + 1)
    return text[:end] + extra + text[end:]


# -- parsing stays linear ----------------------------------------------------------------

@pytest.mark.parametrize("shape", ["one line", "short lines"])
def test_a_2mb_unpunctuated_file_parses_in_seconds(tmp_path, shape):
    chance = random.Random(7)
    words = "".join(chance.choice(WORDS) for _ in range(700_000))  # 2.1 MB of UTF-8
    if shape == "short lines":
        words = "\n".join(words[i:i + 30] for i in range(0, len(words), 30))
    path = tmp_path / "long.txt"
    path.write_text(with_long_op1(words), encoding="utf-8")
    assert path.stat().st_size > 2_000_000
    started = time.monotonic()
    doc = parse_file(path)
    elapsed = time.monotonic() - started
    assert elapsed < 30, elapsed  # was 4 minutes: quadratic joins and a backtracking regex
    op1 = [p for p in doc.units[0].paragraphs if p.id.startswith("A-RES-68-193/op1")]
    assert sum(len(p.text) for p in op1) > 700_000
    assert max(len(p.text) for p in doc.units[0].paragraphs) <= PARAGRAPH_CAP


def test_a_header_line_without_the_adoption_phrase_is_not_searched_quadratically(tmp_path):
    path = tmp_path / "alone.txt"
    chance = random.Random(3)
    path.write_text("".join(chance.choice(WORDS) for _ in range(300_000)), encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(Exception, match="no recognisable resolution structure"):
        parse_file(path)
    assert time.monotonic() - started < 20


# -- the paragraph cap -------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(text=st.text(alphabet="洗钱。；，, a.b", max_size=400), cap=st.integers(5, 60))
def test_pieces_join_back_to_the_text_and_stay_under_the_cap(text, cap):
    pieces = split_text(text, cap)
    assert "".join(pieces) == text
    assert all(0 < len(piece) <= cap for piece in pieces) or text == ""


def test_pieces_end_after_a_sentence_when_one_is_near():
    text = ("甲" * 90 + "。") * 5
    assert split_text(text, 100) == ["甲" * 90 + "。"] * 5


@pytest.fixture(scope="module")
def huge(tmp_path_factory):
    """An index of 002 whose op1 runs on for 140,000 characters full of matches."""
    folder = tmp_path_factory.mktemp("huge")
    (folder / "002.txt").write_text(with_long_op1("打击洗钱和腐败" * 20_000), encoding="utf-8")
    report = build(folder, folder / "index")
    return folder / "index", report


def test_a_huge_paragraph_is_indexed_in_pieces_with_a_message(huge):
    _, report = huge
    assert report.problems == []
    assert report.notices == ["002.txt: paragraph A-RES-68-193/op1 has 140,063 characters; "
                              "indexed as 8 pieces of at most 20,000"]
    assert report.paragraphs == 93 + 7


def test_requests_over_a_huge_paragraph_answer_under_a_time_bound(huge):
    index_dir, _ = huge
    client = create_app({"INDEX_DIR": str(index_dir)}).test_client()
    pieces = [f"A-RES-68-193/op1~{n}" for n in range(2, 9)]
    for url in ["/api/search?q=洗钱", "/api/search?q=%22洗钱和腐败%22&size=20", "/?q=洗钱",
                "/api/p/A-RES-68-193/op1", f"/p/{pieces[-1]}", "/u/A-RES-68-193"]:
        started = time.monotonic()
        response = client.get(url)
        assert response.status_code == 200
        assert time.monotonic() - started < 10, url  # was over 2 minutes for 1 MB
    data = client.get("/api/search?q=洗钱&size=20").get_json()
    assert {"A-RES-68-193/op1", *pieces} <= {r["id"] for r in data["results"]}
    unit = client.get("/api/u/A-RES-68-193").get_json()
    ids = [p["id"] for p in unit["operative"]]
    assert ids[ids.index("A-RES-68-193/op1"):][:8] == ["A-RES-68-193/op1", *pieces]


# -- highlighting is linear in the matches ---------------------------------------------------

def naive_longest_first(spans):
    chosen = []
    for start, end in sorted(set(spans), key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
    return sorted(chosen)


def naive_window(text, spans, width):
    """The window rule as first written: every anchor against every span."""
    best, best_count = 0, -1
    for anchor, _ in spans:
        start = max(0, min(anchor - highlight.CONTEXT_CHARS, len(text) - width))
        count = sum(1 for s, e in spans if s >= start and e <= start + width)
        if count > best_count:
            best, best_count = start, count
    end = best + width
    for s, e in spans:
        if s < best < e:
            best = s
        if s < end < e:
            end = s
    return best, end


spans_strategy = st.lists(st.tuples(st.integers(0, 500), st.integers(1, 12)).map(
    lambda p: (p[0], p[0] + p[1])), max_size=80)


@settings(max_examples=150, deadline=None)
@given(spans=spans_strategy)
def test_longest_first_is_the_quadratic_rule_done_fast(spans):
    assert highlight._longest_first(spans) == naive_longest_first(spans)


@settings(max_examples=150, deadline=None)
@given(spans=spans_strategy, width=st.integers(20, 300))
def test_the_snippet_window_is_the_quadratic_rule_done_fast(spans, width):
    text = "x" * 520
    chosen = highlight._longest_first(spans)
    assert highlight._window(text, chosen, width) == naive_window(text, chosen, width)


def test_fifty_thousand_matches_in_one_paragraph_highlight_quickly():
    text = "打击洗钱" * 50_000
    spans = [(i, i + 2) for i in range(2, len(text), 4)] + [(i, i + 4) for i in range(0, len(text), 8)]
    started = time.monotonic()
    chosen = highlight._longest_first(spans)
    html = highlight.snippet(text, chosen)
    assert time.monotonic() - started < 10
    assert len(chosen) == 25_000 + 25_000 and html.count("<mark>") > 10


# -- the impossible filter -----------------------------------------------------------------

@pytest.mark.parametrize("sort", ["relevance", "date", "order"])
@pytest.mark.parametrize("q", ["洗钱", ""])
def test_a_filter_combination_matching_nothing_returns_nothing(real_index, sort, q):
    engine = Engine(real_index)
    try:
        assert engine.search(q, sort=sort)["total"] > 0
        impossible = engine.search(q, {"session": ["ga-71"], "body": ["ccpcj"]}, sort=sort)
        assert impossible["total"] == 0 and impossible["results"] == []
    finally:
        engine.close()


# -- exports stream ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def capped_app(real_index):
    return create_app({"INDEX_DIR": str(real_index), "EXPORT_LIMIT": 250})


@pytest.mark.parametrize("view", ["export_json_view", "export_csv_view"])
def test_exports_are_generated_as_they_are_sent(capped_app, view):
    from web import views

    with capped_app.test_request_context("/export.json?kind=op"):
        capped_app.preprocess_request()
        response = getattr(views, view)()
        assert response.is_streamed  # a generator, not a body built whole
        response.close()


def test_the_json_export_streams_every_page_up_to_the_cap(capped_app):
    import json

    response = capped_app.test_client().get("/export.json?kind=op")
    assert response.status_code == 200
    data = json.loads(response.get_data(as_text=True))
    assert data["total"] > 250 and data["exported"] == len(data["results"]) == 250
    assert len({r["id"] for r in data["results"]}) == 250 and "citation" in data["results"][0]


def test_the_csv_export_streams_a_header_and_every_row(capped_app):
    import csv
    import io

    client = capped_app.test_client()
    text = client.get("/export.csv?q=洗钱").get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    total = client.get("/api/search?q=洗钱").get_json()["total"]
    assert len(rows) == min(total, 250) and rows[0]["id"]


def test_a_bad_export_request_is_a_400_with_a_message(capped_app):
    response = capped_app.test_client().get("/export.json?sort=nonsense")
    assert response.status_code == 400 and "sort" in response.get_json()["error"]
