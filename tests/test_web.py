"""The web app: routes and their JSON twins on the real index, plus its pure helpers."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from web.app import create_app, get_engine, safe_snippet
from web.chart import bar_chart
from web.citation import citation, draft_label_en
from web.data import listed_values, paragraph_data, search_data, unit_data
from web.documents import documents_data
from web.facetview import shown_facet, split_top
from web.params import FILTERS, SORTS, ParamError, SearchState, parse_state

XSS = '<script>alert(1)</script> "><img src=x onerror=alert(1)>'


def data_of(app, function, *args):
    """What a `*_data()` function returns inside a request, JSON-normalised like the twin."""
    with app.test_request_context("/"):
        return app.json.loads(app.json.dumps(function(get_engine(), *args)))


def without_timing(data: dict) -> dict:
    """Search data minus took_ms, the one field that changes between two identical calls."""
    return {k: v for k, v in data.items() if k != "took_ms"}


def data_name(response) -> str:
    """The file name an attachment response offers."""
    return re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"]).group(1)


def static(client, name: str) -> bytes:
    """A static file's bytes (the response streams a file: close it)."""
    response = client.get(f"/static/{name}")
    try:
        assert response.status_code == 200
        return response.data
    finally:
        response.close()


# --- citations -------------------------------------------------------------------------

GA_71_209 = {"symbol": "A/RES/71/209", "label": "71/209", "status": "adopted", "body": "ga",
             "kind": "resolution"}
CCPCJ_20_3 = {"symbol": "E/2011/30", "label": "第 20/3 号决议", "status": "adopted",
              "body": "ccpcj", "kind": "resolution", "document": {"symbol": "E/2011/30"}}
CCPCJ_DECISION = {"symbol": None, "label": "第 20/1 号决定", "status": "adopted", "body": "ccpcj",
                  "kind": "decision"}
DRAFT_IN_REPORT = {"symbol": "E/2011/30", "label": "决议草案二", "status": "draft", "body": "ga",
                   "kind": "resolution", "document": {"symbol": "E/2011/30"}}
DRAFT_NO_DOCUMENT = {"symbol": None, "label": "决议草案十二", "status": "draft", "body": "ecosoc"}
C3_DRAFT = {"symbol": "A/C.3/68/L.16", "label": "A/C.3/68/L.16", "status": "draft", "body": "c3",
            "kind": "resolution"}
ECOSOC = {"symbol": "E/RES/2016/16", "label": "2016/16", "status": "adopted", "body": "ecosoc"}


@pytest.mark.parametrize(
    ("unit", "kind", "number", "sub", "english", "chinese"),
    [
        (GA_71_209, "op", "12", None, "General Assembly resolution 71/209, para. 12", "大会第71/209号决议第12段"),
        (GA_71_209, "pp", "5", None, "General Assembly resolution 71/209, preambular para. 5",
         "大会第71/209号决议序言部分第5段"),
        (GA_71_209, "op", "9", "a", "General Assembly resolution 71/209, para. 9 (a)", "大会第71/209号决议第9(a)段"),
        (GA_71_209, "op", "3", "二", "General Assembly resolution 71/209, para. 3 (ii)", "大会第71/209号决议第3(二)段"),
        (CCPCJ_20_3, "op", "2", None, "Commission on Crime Prevention and Criminal Justice resolution 20/3, para. 2",
         "预防犯罪和刑事司法委员会第20/3号决议第2段"),
        (CCPCJ_DECISION, "op", "a", None,
         "Commission on Crime Prevention and Criminal Justice decision 20/1, para. (a)",
         "预防犯罪和刑事司法委员会第20/1号决定第(a)段"),
        (DRAFT_IN_REPORT, "op", "3", None, "Draft resolution II (E/2011/30), para. 3", "E/2011/30所载决议草案二第3段"),
        (DRAFT_NO_DOCUMENT, "pp", "1", None, "Draft resolution XII, preambular para. 1", "决议草案十二序言部分第1段"),
        (C3_DRAFT, "op", "1", None, "A/C.3/68/L.16, para. 1", "A/C.3/68/L.16第1段"),
        (ECOSOC, "op", "4", None, "Economic and Social Council resolution 2016/16, para. 4",
         "经济及社会理事会第2016/16号决议第4段"),
    ],
)
def test_citation_forms(unit, kind, number, sub, english, chinese):
    assert citation(unit, kind, number, sub) == {"en": english, "zh": chinese}


@pytest.mark.parametrize(
    ("label", "english"),
    [("决议草案一", "draft resolution I"), ("决定草案四", "draft decision IV"),
     ("决议草案十九", "draft resolution XIX"), ("决议草案二十一", "draft resolution XXI"),
     ("第 20/3 号决议", "第 20/3 号决议")],
)
def test_draft_labels_in_english(label, english):
    assert draft_label_en(label) == english


# --- parameters --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("args", "param"),
    [({"size": "1000"}, "size"), ({"size": "0"}, "size"), ({"page": "0"}, "page"),
     ({"page": "two"}, "page"), ({"q": "a" * 501}, "q"), ({"sort": "foo"}, "sort"),
     ({"page": "1000", "size": "100"}, "page")],
)
def test_bad_parameters_name_themselves(args, param):
    with pytest.raises(ParamError) as caught:
        parse_state(MultiDict(args))
    assert caught.value.param == param


def test_state_round_trips_through_its_url():
    args = MultiDict([("q", " 洗钱  "), ("theme", "cybercrime"), ("theme", "corruption"),
                      ("sort", "newest"), ("page", "2"), ("size", "10")])
    state = parse_state(args)
    assert state == SearchState("洗钱", {"theme": ("cybercrime", "corruption")}, "newest", 2, 10)
    assert state.url() == "/?q=%E6%B4%97%E9%92%B1&theme=cybercrime&theme=corruption&sort=newest&page=2&size=10"
    assert state.toggled("theme", "cybercrime").url() == (
        "/?q=%E6%B4%97%E9%92%B1&theme=corruption&sort=newest&size=10")
    assert state.toggled("verb", "urges").filters["verb"] == ("urges",)
    assert state.engine_sort == "date"


_texts = st.text(alphabet=st.sampled_from("ab 洗钱&=+%/?#é"), max_size=6)


@settings(max_examples=300, deadline=None)
@given(q=_texts, filters=st.dictionaries(st.sampled_from(FILTERS), st.lists(_texts.filter(str.strip), max_size=3)),
       sort=st.sampled_from(SORTS), page=st.integers(1, 3), size=st.sampled_from([10, 20, 50]),
       facet=st.sampled_from(FILTERS), key=_texts)
def test_toggle_urls_are_the_toggled_states_urls(q, filters, sort, page, size, facet, key):
    # The cheap link of every facet value is exactly the one the toggled state would build.
    state = SearchState(q, {name: tuple(dict.fromkeys(v)) for name, v in filters.items()}, sort, page, size)
    assert state.toggle_url(facet, key) == state.toggled(facet, key).url("/")
    for chosen in state.filters.get(facet, ()):
        assert state.toggle_url(facet, chosen) == state.toggled(facet, chosen).url("/")


@settings(max_examples=200, deadline=None)
@given(q=_texts, page=st.integers(1, 3), asked=st.lists(st.tuples(st.sampled_from(["/", "/api/search", ""]),
       st.sampled_from([None, "en", "zh"]), st.booleans()), min_size=1, max_size=6))
def test_a_states_urls_asked_in_any_order_are_its_urls(q, page, asked):
    # url() keeps each encoded query string it made: what comes out must not depend on what
    # was asked before it.
    state = SearchState(q, {"theme": ("cybercrime",)}, "newest", page, 10)
    for path, ui, with_page in asked:
        fresh = SearchState(q, {"theme": ("cybercrime",)}, "newest", page, 10)
        assert state.url(path, ui, with_page) == fresh.url(path, ui, with_page)
        assert state.url(path, ui, with_page) == path + "?" + urlencode(fresh.query_pairs(ui, with_page))


# --- markup helpers ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("snippet", "html"),
    [("打击<mark>洗钱</mark>", "打击<mark>洗钱</mark>"),
     ("a &lt;b&gt; &amp; <mark>c</mark>", "a &lt;b&gt; &amp; <mark>c</mark>"),
     ('<img src=x onerror=alert(1)><mark>x</mark>', "&lt;img src=x onerror=alert(1)&gt;<mark>x</mark>"),
     ("", "")],
)
def test_only_mark_survives_in_snippets(snippet, html):
    assert str(safe_snippet(snippet)) == html


def test_chart_geometry_and_labels():
    values = [{"key": "ga-71", "zh": "大会第71届会议", "en": "GA 71 <b>", "count": 40},
              {"key": "ga-68", "zh": "大会第68届会议", "en": "GA 68", "count": 10},
              {"key": "none", "zh": "无", "en": "none", "count": 0}]
    chart = bar_chart(values, "en", "By session")
    assert [row["label"] for row in chart["rows"]] == ["GA 71 <b>", "GA 68"]
    assert [row["width"] for row in chart["rows"]] == [134, 34]
    assert chart["description"] == "GA 71 <b>: 40; GA 68: 10"
    assert bar_chart(values[2:], "en", "empty") is None


# --- routes on the real index --------------------------------------------------------------

def test_search_page_shows_results_facets_and_links(client):
    response = client.get("/?q=洗钱&ui=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="/api/search?q=%E6%B4%97%E9%92%B1"' in html
    assert "<mark>" in html
    reading = client.get("/api/search?q=洗钱").get_json()["reading"]["en"]
    assert "洗钱" in reading
    assert f'<h1 id="results-heading" class="reading">{reading}</h1>' in html
    assert re.search(r"\d+ paragraphs in [\d.]+ ms", html)
    facets = client.get("/api/search?q=洗钱").get_json()["facets"]
    for facet in ("theme", "verb", "session", "body", "kind", "lang", "unit"):
        # A facet whose every hit has the same value (one language here) tells nothing.
        assert (f'id="facet-{facet}"' in html) == (len(facets[facet]) > 1)
    assert 'id="facet-kind"' in html and 'id="facet-lang"' not in html
    assert 'id="q"' in html and "autofocus" not in html, "a results page keeps the focus"
    assert "autofocus" in client.get("/").get_data(as_text=True), "the home page offers the box"
    assert '<script src="/static/concord.js" defer></script>' in html


def test_search_json_twin_equals_its_data_function(app, client):
    response = client.get("/api/search?q=洗钱&theme=money-laundering&sort=newest&size=5")
    assert response.status_code == 200
    state = SearchState("洗钱", {"theme": ("money-laundering",)}, "newest", 1, 5)
    assert without_timing(response.get_json()) == without_timing(data_of(app, search_data, state))
    assert response.get_json()["size"] == 5


def test_facet_counts_follow_the_query_and_toggle(client):
    everything = client.get("/api/search").get_json()
    narrowed = client.get("/api/search?q=洗钱").get_json()
    assert 0 < narrowed["total"] < everything["total"]
    session = narrowed["facets"]["session"][0]
    assert sum(v["count"] for v in narrowed["facets"]["kind"]) == narrowed["total"]
    assert session["selected"] is False
    chosen = client.get(session["toggle_url"].replace("/?", "/api/search?")).get_json()
    assert chosen["total"] == session["count"]
    item = next(v for v in chosen["facets"]["session"] if v["key"] == session["key"])
    assert item["selected"] is True
    assert item["toggle_url"] == "/?q=%E6%B4%97%E9%92%B1"
    assert chosen["selected"] == [{"facet": "session", "key": session["key"], "zh": session["zh"],
                                   "en": session["en"], "remove_url": "/?q=%E6%B4%97%E9%92%B1"}]


def test_two_values_of_one_facet_widen_the_results(client):
    sessions = client.get("/api/search").get_json()["facets"]["session"][:2]
    one = client.get(f"/api/search?session={sessions[0]['key']}").get_json()
    both = client.get(f"/api/search?session={sessions[0]['key']}&session={sessions[1]['key']}").get_json()
    assert both["total"] == sessions[0]["count"] + sessions[1]["count"] > one["total"]


def test_pagination_links(client):
    data = client.get("/api/search?size=10&page=2").get_json()
    assert data["pagination"]["prev_url"] == "/?size=10"
    assert data["pagination"]["next_url"] == "/?page=3&size=10"
    assert len(data["results"]) == 10


def test_a_page_past_the_last_says_so(client):
    pages = client.get("/api/search?q=洗钱").get_json()["pagination"]["pages"]
    html = client.get(f"/?q=洗钱&page={pages + 1}&ui=en").get_data(as_text=True)
    assert f"No results on this page: there are {pages} pages." in html
    assert 'href="/?q=%E6%B4%97%E9%92%B1">Back to page 1</a>' in html


@pytest.mark.parametrize(
    ("query", "param"),
    [("size=1000", "size"), ("page=0", "page"), ("q=" + "a" * 501, "q"), ("sort=foo", "sort"),
     ("page=x", "page"), ("ui=fr", "ui")],
)
def test_bad_parameters_are_400_with_a_message(client, query, param):
    api = client.get(f"/api/search?{query}", headers={"Accept-Language": "en"})
    assert api.status_code == 400
    assert api.get_json()["param"] == param
    assert api.get_json()["error"].startswith(f"Parameter {param}: ")
    page = client.get(f"/?{query}", headers={"Accept-Language": "en"})
    assert page.status_code == 400
    assert page.mimetype == "text/html"
    assert f"Parameter {param}: " in page.get_data(as_text=True)
    chinese = client.get(f"/api/search?{query}", headers={"Accept-Language": "zh-CN"})
    assert chinese.get_json()["error"].startswith(f"参数 {param}：")


def test_too_long_query_message_is_friendly(client):
    response = client.get("/api/search", query_string={"q": "洗" * 501, "ui": "en"})
    assert response.get_json()["error"] == (
        "Parameter q: the query is too long (501 characters); the limit is 500.")


def test_hostile_query_is_escaped(client):
    html = client.get("/", query_string={"q": XSS}).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html.split('class="reading">')[1].split("</h1>")[0]
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt; &#34;&gt;&lt;img src=x onerror=alert(1)&gt;"' in html


def test_hostile_filter_values_are_escaped_wherever_a_value_is_rendered(client):
    # A value no index holds stays listed, labelled by its key: in its facet, as a chip, in
    # the form, on the facet's page, in both languages. Every copy is escaped text.
    for ui in ("en", "zh"):
        for url in ("/", "/facet/theme"):
            html = client.get(url, query_string={"q": "洗钱", "theme": XSS, "ui": ui}).get_data(as_text=True)
            assert "<script>alert" not in html and "<img src=x" not in html
            assert 'data-key="&lt;script&gt;alert(1)&lt;/script&gt; &#34;&gt;&lt;img src=x onerror=alert(1)&gt;"' in html
            assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;&gt;&lt;img src=x onerror=alert(1)&gt; <span class=\"count\">0</span>" in html


def test_a_hits_tags_and_its_facet_values_are_rendered_from_their_data(client):
    data = client.get("/api/search?q=洗钱&ui=en").get_json()
    html = client.get("/?q=洗钱&ui=en").get_data(as_text=True)
    hits = html[html.index('<ol class="hits"'):html.index("</ol>", html.index('<ol class="hits"'))]
    assert hits.count('<li class="hit">') == len(data["results"]) == 20
    for result in data["results"]:
        assert f'<a class="pid" href="{result["url"]}">{result["citation"]["en"]}</a>' in hits
        for tag in result["tags"]:
            assert (f'<button class="tag {tag["facet"]}" form="narrow" name="{tag["facet"]}" '
                    f'value="{tag["key"]}">{tag["en"]}</button>') in hits
    for value in data["facets"]["kind"]:
        assert (f'<li><a href="{value["toggle_url"].replace("&", "&amp;")}" data-key="{value["key"]}">'
                f'{value["en"]} <span class="count">{value["count"]}</span></a></li>') in html


def test_security_headers(client):
    for url in ("/", "/p/A-RES-71-209/op12", "/api/search", "/nowhere"):
        headers = client.get(url).headers
        assert headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_no_inline_script_or_style(client):
    for url in ("/?q=洗钱", "/p/A-RES-71-209/op12", "/u/A-RES-71-209"):
        html = client.get(url).get_data(as_text=True)
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/concord.js" defer>']
        assert " style=" not in html and "<style" not in html
        assert not re.search(r"\son[a-z]+=", html)


def test_paragraph_page_and_twin(app, client):
    response = client.get("/p/A-RES-71-209/op12?ui=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "General Assembly resolution 71/209, para. 12" in html
    assert "大会第71/209号决议第12段" in html
    assert 'href="/u/A-RES-71-209#op12"' in html
    assert 'href="/p/A-RES-71-209/op11"' in html and 'href="/p/A-RES-71-209/op13"' in html
    assert 'href="/api/p/A-RES-71-209/op12"' in html
    twin = client.get("/api/p/A-RES-71-209/op12").get_json()
    assert twin == data_of(app, paragraph_data, "A-RES-71-209/op12")
    assert twin["citation"] == {"en": "General Assembly resolution 71/209, para. 12",
                                "zh": "大会第71/209号决议第12段"}


def test_preambular_citation_on_the_real_index(client):
    twin = client.get("/api/p/A-RES-71-209/pp5").get_json()
    assert twin["citation"] == {"en": "General Assembly resolution 71/209, preambular para. 5",
                                "zh": "大会第71/209号决议序言部分第5段"}


def test_unit_page_and_twin(app, client):
    response = client.get("/u/A-RES-71-209")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="op12"' in html and 'id="pp1"' in html
    assert 'href="/p/A-RES-71-209/op12"' in html
    twin = client.get("/api/u/A-RES-71-209").get_json()
    assert twin == data_of(app, unit_data, "A-RES-71-209")
    assert [p["anchor"] for p in twin["preamble"]][:2] == ["pp1", "pp2"]
    assert twin["operative"][0]["anchor"] == "op1"


@pytest.mark.parametrize("url", ["/p/A-RES-71-209/op999", "/u/A-RES-71-20"])
def test_not_found_helps(client, url):
    page = client.get(url + "?ui=en")
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert 'id="q"' in html and "Perhaps you meant" in html
    api = client.get("/api" + url)
    assert api.status_code == 404
    assert api.mimetype == "application/json"
    assert api.get_json()["nearest"], "the nearest ids are offered"
    assert "error" in api.get_json()


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404
    assert set(response.get_json()) == {"error"}


@pytest.mark.parametrize(
    ("accept", "cookie", "query", "lang"),
    [(None, None, "", "zh-Hans"),
     ("en-US,en;q=0.9", None, "", "en"),
     ("fr-FR,en;q=0.5", None, "", "en"),
     ("en-US", "zh", "", "zh-Hans"),
     ("zh-CN", "en", "", "en"),
     ("en", "en", "?ui=zh", "zh-Hans")],
)
def test_interface_language_negotiation(client, accept, cookie, query, lang):
    """?ui= beats the cookie, which beats Accept-Language, which beats the default (zh)."""
    if cookie:
        client.set_cookie("ui", cookie)
    headers = {"Accept-Language": accept} if accept else {}
    html = client.get("/" + query, headers=headers).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html


def test_ui_parameter_sets_the_cookie(client):
    response = client.get("/?ui=en")
    assert "ui=en" in response.headers["Set-Cookie"]
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_csv_export(client):
    response = client.get("/export.csv?q=洗钱")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    total = client.get("/api/search?q=洗钱").get_json()["total"]
    assert len(rows) == total
    assert list(rows[0])[:4] == ["id", "url", "citation_en", "citation_zh"]
    assert all(row["url"] == "http://localhost/p/" + row["id"] for row in rows), "absolute permalinks"
    assert all(row["search"] == "http://localhost/?q=%E6%B4%97%E9%92%B1" for row in rows)
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"concord-__.csv\"; filename*=UTF-8''concord-%E6%B4%97%E9%92%B1.csv")
    op12 = client.get("/export.csv?unit=A-RES-71-209&sort=order").data.decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(op12)) if r["id"] == "A-RES-71-209/op12")
    assert (row["citation_en"], row["citation_zh"]) == (
        "General Assembly resolution 71/209, para. 12", "大会第71/209号决议第12段")
    assert row["symbol"] == "A/RES/71/209" and row["kind"] == "op" and row["number"] == "12"
    assert (row["verb"], row["verb_en"], row["verb_zh"]) == ("requests", "Requests", "请")
    assert (row["session"], row["session_en"], row["date"]) == ("ga-71", "GA 71", "2016-12-19")
    assert row["themes"].count(";") == row["themes_en"].count(";") == row["themes_zh"].count(";")


def test_json_export_holds_every_page_up_to_the_cap(app, client):
    everything = client.get("/api/search").get_json()["total"]
    response = client.get("/export.json")
    data = response.get_json()
    assert data["source"] == "http://localhost/" and data["results"][0]["url"].startswith("http://localhost/p/")
    assert "filename=\"concord-all.json\"" in response.headers["Content-Disposition"]
    named = client.get("/export.json?q=cybercrime&kind=op&theme=cybercrime")
    assert data_name(named) == "concord-cybercrime-theme-cybercrime-kind-op.json"
    assert named.get_json()["source"] == "http://localhost/?q=cybercrime&theme=cybercrime&kind=op"
    assert data["exported"] == len(data["results"]) == min(everything, 1000)
    capped = create_app({"INDEX_DIR": app.config["INDEX_DIR"], "EXPORT_LIMIT": 7}).test_client()
    assert len(capped.get("/export.json?kind=op").get_json()["results"]) == 7


def test_chart_is_inline_svg_with_escaped_labels(app, client):
    html = client.get("/?q=洗钱&ui=en").get_data(as_text=True)
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert 'role="group"' in svg and 'aria-describedby="chart-1-desc"' in svg and "<rect" in svg
    assert '<p id="chart-1-desc">By session — ' in html
    assert re.search(r">GA 71 \(2016\)<", svg), "sessions carry their year"
    assert '<a href="/?q=%E6%B4%97%E9%92%B1&amp;session=ga-71"><title>GA 71 (2016): ' in svg, "a bar links to its facet"
    zh = client.get("/?q=洗钱&ui=zh").get_data(as_text=True)
    assert re.search(r">预防犯罪[^<]*… \(2011\)<", zh), "a shortened label keeps its year"
    assert "Chart data" in html
    hostile = [{"key": "x", "zh": "x", "en": '<script>alert(1)</script>"><img onerror=alert(1)>', "count": 3}]
    with app.test_request_context("/"):
        from flask import render_template

        drawn = render_template("_charts.html", charts=[bar_chart(hostile, "en", "<b>title</b>")], t=str)
    assert "<script>" not in drawn and "<img" not in drawn and "<b>" not in drawn
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img onerror=alert(1)&gt;: 3" in drawn


@pytest.mark.parametrize("url", ["/", "/?q=洗钱", "/?q=money laundering&ui=en",
                                 "/?q=洗钱&kind=op&sort=newest&ui=en", "/?q=洗钱&kind=op&sort=newest"])
def test_page_weight_under_60kb(client, url):
    html = client.get(url).data
    css, js = static(client, "concord.css"), static(client, "concord.js")
    assert len(html) + len(css) + len(js) < 60_000


@pytest.mark.parametrize(
    ("pid", "english", "chinese"),
    [("A-RES-68-193/op1", "General Assembly resolution 68/193, para. 1", "大会第68/193号决议第1段"),
     ("E-2011-30-ga-draft-III/op9a", "Draft resolution III (E/2011/30), para. 9 (a)", "E/2011/30所载决议草案三第9(a)段"),
     ("E-2011-30-ecosoc-decision-I/opa", "Draft decision I (E/2011/30), para. (a)", "E/2011/30所载决定草案一第(a)段"),
     ("CCPCJ-RES-20-1/op1", "Commission on Crime Prevention and Criminal Justice resolution 20/1, para. 1",
      "预防犯罪和刑事司法委员会第20/1号决议第1段"),
     ("A-C.3-68-L.18/pp2", "A/C.3/68/L.18, preambular para. 2", "A/C.3/68/L.18序言部分第2段")],
)
def test_citations_of_real_paragraphs(client, pid, english, chinese):
    assert client.get(f"/api/p/{pid}").get_json()["citation"] == {"en": english, "zh": chinese}
    html = client.get(f"/p/{pid}").get_data(as_text=True)
    assert f'<output id="cite-en" lang="en">{english}</output>' in html
    assert f'<output id="cite-zh" lang="zh-Hans">{chinese}</output>' in html


def test_unit_page_indents_sub_paragraphs(client):
    html = client.get("/u/E-2011-30-ga-draft-III").get_data(as_text=True)
    assert '<div class="para sub" id="op9a">' in html
    assert '<div class="para" id="op9">' in html
    assert 'href="/?unit=E-2011-30-ga-draft-III"' in html


def test_unit_filter_shows_a_removable_chip(client):
    data = client.get("/api/search?q=洗钱&unit=A-RES-71-209").get_json()
    assert {r["unit"] for r in data["results"]} == {"A-RES-71-209"}
    assert data["selected"] == [{"facet": "unit", "key": "A-RES-71-209", "zh": "大会第71/209号决议",
                                 "en": "General Assembly resolution 71/209",
                                 "remove_url": "/?q=%E6%B4%97%E9%92%B1"}]


def test_search_form_keeps_filters_and_sort(client):
    html = client.get("/?q=洗钱&kind=op&sort=newest").get_data(as_text=True)
    form = html[html.index('<form class="search"'):html.index("</form>")]
    assert '<input type="hidden" name="kind" value="op">' in form
    assert '<input type="hidden" name="sort" value="newest">' in form
    assert 'name="page"' not in form


def test_missing_index_is_a_clear_503_not_a_crash(tmp_path):
    app = create_app({"INDEX_DIR": str(tmp_path / "none")})  # nothing opens yet
    client = app.test_client()
    page = client.get("/?ui=en")
    assert page.status_code == 503
    assert "concord build" in page.get_data(as_text=True)
    api = client.get("/api/search")
    assert api.status_code == 503 and "concord build" in api.get_json()["error"]


def test_config_precedence(monkeypatch, tmp_path):
    monkeypatch.delenv("CONCORD_INDEX_DIR", raising=False)
    assert create_app().config["INDEX_DIR"] == "var/index"
    monkeypatch.setenv("CONCORD_INDEX_DIR", str(tmp_path / "env"))
    assert create_app().config["INDEX_DIR"] == str(tmp_path / "env")
    assert create_app({"INDEX_DIR": "given"}).config["INDEX_DIR"] == "given"


@settings(max_examples=60, deadline=None)
@given(
    q=st.text(max_size=60),
    extra=st.lists(st.tuples(st.sampled_from(["theme", "verb", "session", "kind", "unit", "sort",
                                              "page", "size", "ui"]), st.text(max_size=12)),
                   max_size=3),
)
def test_any_input_gives_a_page_or_a_400_never_a_500(app, q, extra):
    client = app.test_client()
    for path in ("/", "/api/search"):
        response = client.get(path, query_string=[("q", q), *extra])
        assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("pid", ["..%2F..%2Fetc%2Fpasswd", "%00", "A-RES-71-209/op12/extra", "x" * 3000,
                                 "%3Cscript%3E"])
def test_odd_ids_are_404s(client, pid):
    for path in ("/p/", "/u/"):
        response = client.get(path + pid)
        assert response.status_code == 404
        assert response.mimetype == "text/html"
        assert "<script>" not in response.get_data(as_text=True)
    for path in ("/api/p/", "/api/u/"):
        response = client.get(path + pid)
        assert response.status_code == 404
        assert response.get_json()["error"]


def test_a_unit_id_is_not_a_paragraph_id(client):
    assert client.get("/p/A-RES-71-209").status_code == 404
    assert client.get("/u/A-RES-71-209").status_code == 200


def test_cited_resolutions_link_to_the_corpus_or_to_a_search(client):
    html = client.get("/p/A-RES-80-229/pp1").get_data(as_text=True)
    assert '<a class="cite-ref" href="/u/A-RES-71-209">71/209</a>' in html
    assert '<a class="cite-ref" href="/?q=46/152">46/152</a>' in html


@pytest.mark.parametrize("url", ["/p/A-RES-71-209/pp3", "/u/A-RES-71-209"])
def test_footnotes_are_shown_on_paragraph_and_unit_pages(client, url):
    html = client.get(url).get_data(as_text=True)
    assert html.count('class="footnotes"') == 1
    assert '<li value="6" lang="zh-Hans">第 70/174 号决议，附件。</li>' in html


# --- the documents page, facets as shown, tags --------------------------------------------

def test_documents_page_lists_every_document_and_unit(app, client):
    data = client.get("/api/documents").get_json()
    assert data == data_of(app, documents_data)
    symbols = [doc["symbol"] for doc in data["documents"]]
    assert symbols == ["A/RES/71/209", "E/2011/30", "A/RES/68/193", "A/RES/80/229", "A/C.3/68/L.18"]
    report = data["documents"][1]
    assert len(report["units"]) == 18 and report["status"] == "report" and report["date"] == "2011-04-15"
    assert report["paragraphs"] == sum(u["paragraphs"] for u in report["units"])
    assert {b["key"] for b in report["bodies"]} == {"ga", "ecosoc", "ccpcj"}
    first = report["units"][0]
    assert first["reference"] == {"en": "Draft resolution I (E/2011/30), for the General Assembly",
                                  "zh": "E/2011/30所载决议草案一（提交大会）"}
    references = [u["reference"]["en"] for doc in data["documents"] for u in doc["units"]]
    assert len(set(references)) == len(references) == 22, "no two units share a name"
    assert first["preambular"] + first["operative"] == first["paragraphs"] == 11
    assert first["url"] == "/u/E-2011-30-ga-draft-I" and first["search_url"] == "/?unit=E-2011-30-ga-draft-I"
    omnibus = data["documents"][0]["units"][0]
    assert (omnibus["paragraphs"], omnibus["preambular"], omnibus["operative"]) == (107, 53, 54)
    assert data["totals"] == {"documents": 5, "units": 22, "paragraphs": 802,
                              "first_year": 2011, "last_year": 2025}
    html = client.get("/documents?ui=en").get_data(as_text=True)
    assert 'href="/u/E-2011-30-ga-draft-I"' in html and "Draft resolution I (E/2011/30), for" in html
    assert "11 paragraphs (5 preambular, 6 operative)" in html
    assert '<link rel="alternate" type="application/json" href="/api/documents">' in html


def test_home_page_introduces_the_collection(client):
    html = client.get("/?ui=en").get_data(as_text=True)
    assert "Concord holds 802 paragraphs of 22 UN resolutions" in html and "2011–2025" in html
    assert '<a href="/documents">Browse the documents</a>' in html
    assert "Concord holds" not in client.get("/?q=洗钱&ui=en").get_data(as_text=True)


def test_sessions_carry_their_years_in_date_order(client):
    sessions = client.get("/api/search?ui=en").get_json()["facets"]["session"]
    assert [(s["key"], s["en"]) for s in sessions] == [
        ("ccpcj-20", sessions[0]["en"]), ("ga-68", "GA 68 (2013)"), ("ga-71", "GA 71 (2016)"),
        ("ga-80", "GA 80 (2025)")]
    assert sessions[0]["en"].endswith("(2011)")


def test_session_tags_on_hits_and_selected_chips_carry_the_year(client):
    data = client.get("/api/search?q=洗钱&session=ga-71&ui=en").get_json()
    tags = [t for r in data["results"] for t in r["tags"] if t["facet"] == "session"]
    assert data["total"] > 0 and len(tags) == len(data["results"])
    assert {(t["key"], t["en"], t["zh"][-6:]) for t in tags} == {("ga-71", "GA 71 (2016)", "(2016)")}
    assert [(c["key"], c["en"]) for c in data["selected"]] == [("ga-71", "GA 71 (2016)")]
    html = client.get("/?q=洗钱&ui=en").get_data(as_text=True)
    assert re.search(r'<button class="tag session"[^>]*>GA 71 \(2016\)</button>', html)


def test_resolution_facet_names_units_as_cited(client):
    data = client.get("/api/search?q=洗钱").get_json()
    units = {u["key"]: u for u in data["facets"]["unit"]}
    assert units["A-RES-71-209"]["en"] == "General Assembly resolution 71/209"
    assert units["A-RES-71-209"]["zh"] == "大会第71/209号决议"
    assert sum(u["count"] for u in units.values()) == data["total"]
    chosen = client.get(units["A-RES-71-209"]["toggle_url"].replace("/?", "/api/search?")).get_json()
    assert chosen["total"] == units["A-RES-71-209"]["count"]
    html = client.get("/?q=洗钱&ui=en").get_data(as_text=True)
    assert 'id="facet-unit"' in html


def test_facets_show_top_values_and_the_rest_behind_show_more(client):
    html = client.get("/?ui=en").get_data(as_text=True)
    theme = html[html.index('id="facet-theme"'):html.index("</section>", html.index('id="facet-theme"'))]
    shown, more = theme.split('<details class="more">')
    assert shown.count("<li") == 5 and more.count("<li") == 5 and "<summary>Show 5 more" in more
    themes = client.get("/api/search").get_json()["facets"]["theme"]
    assert f"{len(themes) - 10} more: type above to find them." in more


def test_verbs_are_grouped_operative_then_preambular(client):
    html = client.get("/?ui=en").get_data(as_text=True)
    verb = html[html.index('id="facet-verb"'):html.index("</section>", html.index('id="facet-verb"'))]
    assert verb.index("Operative verbs") < verb.index("Preambular verbs")
    operative, preambular = verb.split("Preambular verbs")
    assert 'data-key="urges"' in operative and 'data-key="recalls"' in preambular


def test_a_selected_value_past_the_top_stays_shown():
    items = [{"key": str(n), "selected": n == 7} for n in range(12)]
    shown, more, unlisted = split_top(items, top=5, listed=9)
    assert [i["key"] for i in shown] == ["0", "1", "2", "3", "4", "7"]
    assert [i["key"] for i in more] == ["5", "6", "8", "9"] and unlisted == 2
    assert shown_facet("lang", [{"key": "zh", "selected": False}]) is None
    assert shown_facet("lang", [{"key": "zh", "selected": True}])["selected"] == 1


def test_tags_on_a_hit_narrow_the_current_search(client):
    data = client.get("/api/search?q=洗钱&kind=op").get_json()
    hit = data["results"][0]
    tags = {tag["facet"]: tag for tag in hit["tags"]}
    assert tags["verb"]["url"] == f"/?q=%E6%B4%97%E9%92%B1&verb={hit['verb']['key']}&kind=op"
    assert set(tags) >= {"verb", "session"}
    assert hit["unit_url"] == f"/u/{hit['unit']}#{hit['anchor']}"
    html = client.get("/?q=洗钱&kind=op").get_data(as_text=True)
    key = hit["verb"]["key"]
    assert f'<button class="tag verb" form="narrow" name="verb" value="{key}">' in html
    narrow = html[html.index('<form id="narrow"'):html.index("</form>", html.index('<form id="narrow"'))]
    assert narrow.count("<input") == 2 and 'name="q" value="洗钱"' in narrow and 'name="kind" value="op"' in narrow
    assert f'href="{hit["unit_url"]}"' in html


def test_each_hits_citation_and_sort_link_is_the_one_built_for_it_alone(client):
    # The hits name their units from a table made once per generation, and the sort links
    # come from one build per state: each must be what the paragraph's own page and the
    # sorted state give.
    data = client.get("/api/search?q=洗钱&kind=op&page=2&size=10").get_json()
    assert len(data["results"]) == 10 and len({r["unit"] for r in data["results"]}) > 1
    for result in data["results"]:
        assert result["citation"] == client.get(f"/api/p/{result['id']}").get_json()["citation"]
    state = SearchState("洗钱", {"kind": ("op",)}, "relevance", 2, 10)
    assert data["links"]["sort"] == {sort: state.sorted_by(sort).url("/") for sort in SORTS}
    assert [s["url"] for s in data["sorts"]] == [state.sorted_by(sort).url("/") for sort in SORTS]


def test_browsing_offers_no_relevance_sort(client):
    browse = client.get("/api/search").get_json()["sorts"]
    assert [(s["name"], s["current"]) for s in browse] == [("newest", False), ("order", True)]
    words = client.get("/api/search?q=洗钱").get_json()["sorts"]
    assert [s["name"] for s in words] == ["relevance", "newest", "order"] and words[0]["current"]


def test_did_you_mean_keeps_the_filters(client):
    data = client.get("/api/search?q=laundring&kind=op").get_json()
    assert data["suggestion"]
    assert data["suggestion_url"].endswith("&kind=op") and "laundring" not in data["suggestion_url"]


def test_suggestions_as_you_type(client):
    found = client.get("/api/suggest?q=洗錢").get_json()["suggestions"]
    assert found[0] == {"kind": "term", "en": "money-laundering", "zh": "洗钱", "text": "洗钱",
                        "url": "/?q=%E6%B4%97%E9%92%B1"}
    english = client.get("/api/suggest?q=Money").get_json()["suggestions"]
    assert english[0]["text"] == "money-laundering" and english[0]["zh"] == "洗钱"
    symbols = client.get("/api/suggest?q=e/2011").get_json()["suggestions"]
    assert symbols == [{"kind": "symbol", "en": "E/2011/30", "zh": "E/2011/30", "text": "E/2011/30",
                        "url": "/?q=E%2F2011%2F30"}]
    assert client.get("/api/suggest?q=").get_json()["suggestions"] == []
    assert client.get("/api/suggest?q=" + "x" * 5000).status_code == 200


def test_suggestions_ruled_out_by_the_joined_forms_are_those_no_form_matches():
    # Each entry's forms are tested one by one only when what was typed is in all of them
    # joined; the answer is the one testing every entry gives.
    from web import suggest

    units = [{"symbol": f"A/RES/{n}/{k}"} for n in range(60, 64) for k in range(1, 30)]
    symbols = suggest._symbols(units)
    entries = (*symbols, *suggest._terms())
    for typed in ("a/res/6", "洗", "money", "traff", "res/61/2", "犯罪", "zzz", "/"):
        key = suggest.fold(typed)
        every = sorted((rank, len(entry["en"]), order) for order, (forms, entry, _) in enumerate(entries)
                       if (rank := suggest._rank(key, forms)) is not None)
        assert [entries[order][1]["en"] for _, _, order in every[:suggest.LIMIT]] == \
            [found["en"] for found in suggest._suggested(typed, symbols, suggest.LIMIT)], typed


# --- citing and reading ---------------------------------------------------------------------

def test_dated_citations():
    assert citation(GA_71_209 | {"date": "2016-12-19"}, "op", "12", dated=True) == {
        "en": "General Assembly resolution 71/209 of 19 December 2016, para. 12",
        "zh": "大会2016年12月19日第71/209号决议第12段"}
    assert citation(C3_DRAFT, "op", "4", dated=True)["en"] == "A/C.3/68/L.16, para. 4"
    assert citation(GA_71_209, "op", "12", dated=True)["en"] == "General Assembly resolution 71/209, para. 12"


@pytest.mark.parametrize(
    ("pid", "english", "chinese"),
    [("A-RES-71-209/op12", "General Assembly resolution 71/209 of 19 December 2016, para. 12",
      "大会2016年12月19日第71/209号决议第12段"),
     ("E-2011-30-ga-draft-III/op9b", "Draft resolution III (E/2011/30), para. 9 (b)", "E/2011/30所载决议草案三第9(b)段"),
     ("A-C.3-68-L.18/op4", "A/C.3/68/L.18, para. 4", "A/C.3/68/L.18第4段")],
)
def test_copy_with_text_in_either_language_or_both(app, client, pid, english, chinese):
    data = client.get(f"/api/p/{pid}").get_json()
    text, permalink = data["paragraph"]["text"], f"http://localhost/p/{pid}"
    assert data["copy_text"] == {"en": f"{text}\n{english}\n{permalink}", "zh": f"{text}\n{chinese}\n{permalink}",
                            "both": f"{text}\n{chinese}\n{english}\n{permalink}"}
    html = client.get(f"/p/{pid}?ui=en").get_data(as_text=True)
    assert f'data-text="{text}\n{english}\n{permalink}"' in html
    assert f'<p class="print-only">{english}<br>Permalink: {permalink}</p>' in html


def test_copy_with_text_carries_both_versions_when_the_twin_exists():
    from web.citation import with_text

    copied = with_text({"zh": "敦促各国", "en": "Urges States"}, {"en": "E", "zh": "Z"}, "http://h/p/x")
    assert copied == {"en": "Urges States\nE\nhttp://h/p/x", "zh": "敦促各国\nZ\nhttp://h/p/x",
                      "both": "敦促各国\nZ\nUrges States\nE\nhttp://h/p/x"}


def test_neighbours_are_named_as_delegates_name_them(client):
    html = client.get("/p/A-RES-71-209/op12?ui=en").get_data(as_text=True)
    assert "Previous paragraph (OP11)" in html and "Next paragraph (OP13)" in html
    sub = client.get("/p/E-2011-30-ga-draft-III/op9b?ui=en").get_data(as_text=True)
    assert "(OP9(a))" in sub and "(OP9(c))" in sub


def test_paragraph_headings_are_in_order_and_sized_so(client):
    html = client.get("/p/A-RES-71-209/op12").get_data(as_text=True)
    levels = [int(n) for n in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:]))
    css = static(client, "concord.css").decode()
    sizes = {n: float(re.search(rf"\bh{n} {{ font-size: ([\d.]+)rem", css).group(1)) for n in (1, 2, 3)}
    assert sizes[1] > sizes[2] > sizes[3]
    assert ".paragraph h1, .unit h1 { font-size: 1.35rem" not in css


def test_unit_page_has_a_table_of_contents(client):
    html = client.get("/u/A-RES-71-209?ui=en").get_data(as_text=True)
    toc = html[html.index('<nav class="toc"'):html.index("</nav>", html.index('<nav class="toc"'))]
    assert '<a href="#preamble-heading">Preamble</a> (PP1–PP53)' in toc
    assert '<a href="#operative-heading">Operative paragraphs</a> (OP1–OP54)' in toc
    assert '<a class="anchor" href="/p/A-RES-71-209/op12" aria-label="Permalink OP12">OP12</a>' in html


def _palettes(css: str) -> dict[str, dict[str, str]]:
    """The colour variables of the light scheme and of the dark one, from the stylesheet."""
    light = css[css.index(":root {"):css.index("}", css.index(":root {"))]
    dark_at = css.index("@media (prefers-color-scheme: dark)")
    dark = css[dark_at:css.index("}", css.index(":root {", dark_at))]
    read = lambda block: dict(re.findall(r"--([\w-]+): (#[0-9a-f]{6})", block))  # noqa: E731
    return {"light": read(light), "dark": read(dark)}


def _contrast(one: str, two: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_both_colour_schemes_meet_aa_contrast(client, scheme):
    """Pairs the stylesheet puts together, SVG chart text included (axe cannot measure SVG)."""
    colours = _palettes(static(client, "concord.css").decode())[scheme]
    text_pairs = [("text", "bg"), ("text", "soft"), ("muted", "bg"), ("muted", "soft"),
                  ("link", "bg"), ("link", "soft"), ("link", "chosen"), ("text", "chosen"),
                  ("text", "mark"), ("on-accent", "accent"), ("error", "bg")]
    for fore, back in text_pairs:
        assert _contrast(colours[fore], colours[back]) >= 4.5, (scheme, fore, back)
    for ring in ("bg", "soft", "chosen"):  # a focus ring is a graphic: 3:1
        assert _contrast(colours["focus"], colours[ring]) >= 3, (scheme, "focus", ring)
    assert colours["focus"] != colours["error"], "the focus ring is not the error colour"
    assert _contrast(colours["accent"], colours["bg"]) >= 3, "chart bars stand out"


def test_partial_hits_say_what_they_lack_on_the_page(client):
    zh = client.get("/?q=人口贩运数据收集&ui=zh").get_data(as_text=True)
    assert zh.count('class="missing"') == 19 and "缺少：人口贩运" in zh
    assert "其中 1 段包含全部检索词，83 段缺少部分检索词" in zh
    en = client.get("/?q=人口贩运数据收集&ui=en").get_data(as_text=True)
    assert "missing: trafficking in persons" in en and "1 with every concept, 83 lacking some" in en
    full = client.get("/?q=洗钱&ui=en").get_data(as_text=True)
    assert 'class="missing"' not in full and "lacking some" not in full


def test_a_missing_word_is_escaped(client):
    page = client.get("/?q=<b>zz</b> 洗钱&ui=en").get_data(as_text=True)
    assert "missing: " in page and "<b>zz" not in page


# --- facets past the answer's limit ---------------------------------------------------------

def test_values_past_the_limit_are_left_out_and_all_listed_on_their_own_page(real_index, client):
    limited = create_app({"INDEX_DIR": str(real_index), "TESTING": True, "FACET_LIMIT": 5}).test_client()
    url = "/api/search?q=洗钱&kind=op"
    data = limited.get(url).get_json()
    every = client.get(url).get_json()["facets"]["theme"]
    listed = data["facets"]["theme"]
    assert listed == every[:5] + [v for v in every[5:] if v["selected"]]
    more = data["facets_more"]["theme"]
    assert more["left_out"] == len(every) - len(listed) > 0
    assert 5 < len(every) <= 50, "on the shipped corpus the default limit leaves nothing out"
    assert more["json"] == "/api/facet/theme?q=%E6%B4%97%E9%92%B1&kind=op"
    assert data["facets_more"]["kind"]["left_out"] == 0
    values = limited.get(more["json"]).get_json()
    assert values["values"] == every and values["total"] == data["total"]
    page = limited.get(more["html"] + "&ui=en").get_data(as_text=True)
    listing = page[page.index('<section class="facet" data-facet="theme"'):]
    assert listing[:listing.index("</section>")].count("<li") == len(every) and "Every Theme value" in page
    for value in every:
        assert f'href="{value["toggle_url"].replace("&", "&amp;")}" data-key="{value["key"]}"' in page
    html = limited.get("/?q=洗钱&kind=op&ui=en").get_data(as_text=True)
    theme = html[html.index('id="facet-theme"'):html.index("</section>", html.index('id="facet-theme"'))]
    assert f'{len(every) - len(listed)} more: type above to find them. <a href="{more["html"].replace("&", "&amp;")}">' \
           f"All {len(every)} values</a>" in theme


def test_a_selected_value_past_the_limit_stays_in_the_answer():
    values = [{"key": key, "count": 9 - n} for n, key in enumerate("abcdef")]
    state = SearchState("", {"theme": ("e",)})
    assert listed_values(state, "theme", values, 2) == (values[:2] + [values[4]], 3)
    assert listed_values(SearchState(), "theme", values, 2) == (values[:2], 4)
    assert listed_values(state, "theme", values, 6) == (values, 0)


def test_an_unknown_facet_is_a_404_and_a_bad_parameter_a_400(client):
    assert client.get("/facet/themes").status_code == 404
    missing = client.get("/api/facet/themes")
    assert missing.status_code == 404 and missing.get_json()["nearest"][0]["url"] == "/facet/theme"
    assert client.get("/api/facet/theme?size=0").status_code == 400
