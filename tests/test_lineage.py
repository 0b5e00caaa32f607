"""Lineage on the web and in the library: history, word diffs, comparisons, cited by, change."""

from __future__ import annotations

import pytest

from search.lineage import diff_html, word_diff, words


XSS = '<script>alert(1)</script> "><img src=x onerror=alert(1)>'


def history(client, pid):
    response = client.get(f"/api/p/{pid}")
    assert response.status_code == 200
    return response.get_json()["lineage"]


def test_the_forensic_paragraph_history(client):
    found = history(client, "A-RES-71-209/op52")
    rows = {row["paragraph"]["id"]: row for row in found["counterparts"]}
    assert list(rows) == ["A-C.3-68-L.18/op40", "A-RES-68-193/op44", "A-RES-80-229/op76"]  # by date
    assert {r["relation"] for r in rows.values()} == {"edited"}
    # 2013 → 2016: one 的 dropped from "领域的的能力", nothing else.
    one = rows["A-RES-68-193/op44"]
    assert (one["diff_from"], one["diff_to"]) == ("A-RES-68-193/op44", "A-RES-71-209/op52")
    assert [seg for seg in one["diff"] if seg[0] != "eq"] == [["del", "的"]]
    # draft → 2016: 协调→协商, 技术协助→技术援助 and the closing clause added.
    draft = [seg for seg in rows["A-C.3-68-L.18/op40"]["diff"] if seg[0] != "eq"]
    assert draft[:4] == [["del", "协调"], ["ins", "协商"], ["del", "技术协助"], ["ins", "技术援助"]]
    assert draft[4] == ["ins", "，以加强其专业知识以及其防止和打击跨国有组织犯罪的能力"]
    assert found["first_appeared"]["id"] == "A-C.3-68-L.18/op40"
    assert found["versions"]["previous"]["id"] == "A-RES-68-193/op44"
    assert found["versions"]["next"]["id"] == "A-RES-80-229/op76"
    assert found["versions"]["previous"]["url"] == "/p/A-RES-68-193/op44"


def test_the_draft_paragraph_links_to_its_adopted_text(client):
    found = history(client, "A-C.3-68-L.18/op40")
    assert found["versions"]["adopted"]["id"] == "A-RES-68-193/op44"
    assert found["first_appeared"]["id"] == "A-C.3-68-L.18/op40"  # it is the earliest itself


def test_an_identical_counterpart_has_no_changes(client):
    found = history(client, "A-RES-68-193/pp29")
    row = next(r for r in found["counterparts"] if r["paragraph"]["id"] == "A-C.3-68-L.18/pp22")
    assert row["relation"] == "identical" and row["score"] == 1.0
    assert [seg[0] for seg in row["diff"]] == ["eq"]


def test_the_paragraph_page_shows_track_changes(client):
    page = client.get("/p/A-RES-71-209/op52").get_data(as_text=True)
    assert 'id="lineage-heading"' in page
    assert "领域<del>的</del>的能力" in page
    assert "<del>协调</del><ins>协商</ins>" in page
    assert 'href="/p/A-RES-68-193/op44"' in page


def test_compare_l18_with_68_193(client):
    # The counts and how they were read are in tests/test_link.py::test_l18_against_68_193_counts.
    response = client.get("/api/compare/A-C.3-68-L.18/A-RES-68-193")
    data = response.get_json()
    assert data["summary"] == {"unchanged": 26, "edited": 55, "moved": 0, "added": 12, "removed": 0}
    assert len(data["pairs"]) == 81 and len(data["added"]) == 12
    assert data["a"]["count"] == 81 and data["b"]["count"] == 93
    forensic = next(p for p in data["pairs"] if p["a"]["id"] == "A-C.3-68-L.18/op40")
    assert forensic["b"]["id"] == "A-RES-68-193/op44" and forensic["mark"] == "edited"
    assert "<del>协调</del><ins>协商</ins>" in forensic["diff_html"]
    page = client.get("/compare/A-C.3-68-L.18/A-RES-68-193").get_data(as_text=True)
    assert '<dd data-count="edited">55</dd>' in page and '<dd data-count="added">12</dd>' in page


def test_compare_the_other_way_swaps_added_and_removed(client):
    data = client.get("/api/compare/A-RES-68-193/A-C.3-68-L.18").get_json()
    assert data["summary"] == {"unchanged": 26, "edited": 55, "moved": 0, "added": 0, "removed": 12}


def test_compare_an_unknown_unit_is_a_404_with_nearest(client):
    response = client.get("/api/compare/A-RES-68-193/A-RES-68-19")
    assert response.status_code == 404
    assert "A-RES-68-19" in response.get_json()["error"]
    assert client.get("/compare/nope/A-RES-68-193").status_code == 404


def test_unit_pages_link_draft_adopted_and_versions(client):
    draft = client.get("/api/u/A-C.3-68-L.18").get_json()["lineage"]
    assert [(r["relation"], r["symbol"], r["compare_url"]) for r in draft["related"]] == [
        ("adopted_as", "A/RES/68/193", "/compare/A-C.3-68-L.18/A-RES-68-193")]
    later = client.get("/api/u/A-RES-80-229").get_json()["lineage"]
    assert later["previous"]["unit"] == "A-RES-71-209"
    page = client.get("/u/A-RES-80-229").get_data(as_text=True)
    assert 'href="/compare/A-RES-71-209/A-RES-80-229"' in page


def test_cited_by_on_unit_and_paragraph_pages(client):
    # 80/229 pp1: "重申其…第 71/209 号…决议" — the only citation of a corpus resolution by number.
    unit = client.get("/api/u/A-RES-71-209").get_json()["lineage"]
    assert [c["id"] for c in unit["cited_by"]] == ["A-RES-80-229/pp1"]
    para = history(client, "A-RES-71-209/op52")
    assert [c["id"] for c in para["cited_by"]] == ["A-RES-80-229/pp1"]
    assert 'id="cited-by-heading"' in client.get("/u/A-RES-71-209").get_data(as_text=True)
    assert client.get("/api/u/A-RES-80-229").get_json()["lineage"]["cited_by"] == []


def test_change_filter_counts_match_the_marks(client, corpus_documents):
    marks = [p.change for d in corpus_documents for u in d.units if u.id == "A-RES-80-229" for p in u.paragraphs]
    data = client.get("/api/search?unit=A-RES-80-229&change=new&size=1").get_json()
    assert data["total"] == marks.count("new") > 0
    facet = {item["key"]: item for item in data["facets"]["change"]}
    assert facet["new"]["selected"] and facet["new"]["count"] == marks.count("new")
    removed = next(s for s in data["selected"] if s["facet"] == "change")
    assert removed["en"] == "New" and "change=" not in removed["remove_url"]
    everything = client.get("/api/search?unit=A-RES-80-229&size=1").get_json()
    counts = {item["key"]: item["count"] for item in everything["facets"]["change"]}
    assert counts == {key: marks.count(key) for key in ("new", "edited", "unchanged") if marks.count(key)}


def test_words_join_back_and_keep_dictionary_terms():
    text = "请联合国毒品和犯罪问题办公室继续支持 A/RES/71/209，"
    assert "".join(words(text)) == text
    assert "联合国毒品和犯罪问题办公室" in words(text)


def test_word_diff_escapes_everything():
    html = diff_html(word_diff("强调法治 " + XSS, "强调法治和发展 " + XSS + "<b>"))
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "<ins>和发展</ins>" in html


def test_the_change_facet_shows_within_chosen_resolutions(client):
    assert 'id="facet-change"' not in client.get("/?q=法证学").get_data(as_text=True)
    assert 'id="facet-change"' in client.get("/?unit=A-RES-80-229").get_data(as_text=True)
    chosen = client.get("/?q=法证学&change=edited").get_data(as_text=True)
    assert 'id="facet-change"' in chosen and 'data-key="edited"' in chosen
