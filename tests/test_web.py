"""The web app: routes and their JSON twins on the real index, plus its pure helpers."""

from __future__ import annotations

import csv
import io
import re

import pytest
from werkzeug.datastructures import MultiDict

from web.app import create_app, get_engine, safe_snippet
from web.chart import bar_chart
from web.citation import citation, draft_label_en
from web.data import paragraph_data, search_data, unit_data
from web.params import ParamError, SearchState, parse_state

XSS = '<script>alert(1)</script> "><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def app(real_index):
    """One app per module over the session's real index."""
    return create_app({"INDEX_DIR": str(real_index), "TESTING": True})


@pytest.fixture
def client(app):
    """A fresh test client (no cookies carried between tests)."""
    return app.test_client()


def data_of(app, function, *args):
    """What a `*_data()` function returns inside a request, JSON-normalised like the twin."""
    with app.test_request_context("/"):
        return app.json.loads(app.json.dumps(function(get_engine(), *args)))


def without_timing(data: dict) -> dict:
    """Search data minus took_ms, the one field that changes between two identical calls."""
    return {k: v for k, v in data.items() if k != "took_ms"}


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
        (C3_DRAFT, "op", "1", None, "Draft resolution A/C.3/68/L.16, para. 1", "决议草案A/C.3/68/L.16第1段"),
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
