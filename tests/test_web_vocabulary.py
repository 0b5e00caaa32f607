"""The interface side of issue 8: messages in the interface language, one-click removal of a
verb read as the verb facet, and a "did you mean" link that keeps the filters."""

from __future__ import annotations

from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from search.messages import MESSAGES, bilingual, say
from web.app import create_app


def test_every_message_has_both_languages_and_the_same_fields():
    import string

    for key, (en, zh) in MESSAGES.items():
        fields = lambda text: {f for _, f, _, _ in string.Formatter().parse(text) if f}  # noqa: E731
        assert en and zh and en != zh, key
        assert fields(zh) - {"words_zh"} <= fields(en), key


def test_a_message_is_its_english_text_and_knows_its_chinese():
    message = say("prefix_too_short", stem="a", n=2)
    assert message == "“a*”: a prefix needs at least 2 letters"
    assert bilingual(message) == {"en": message, "zh": "“a*”：前缀至少需要 2 个字母"}
    assert bilingual("plain") == {"en": "plain", "zh": "plain"}


def test_the_engine_notes_follow_the_interface_language(client):
    english = client.get("/api/search", query_string={"q": "qqzx AND 70/174", "ui": "en"}).get_json()
    assert english["notes"] == [{"en": "no paragraph contains qqzx; searched without",
                                 "zh": "没有段落包含 qqzx；已略去后搜索"}]
    zh_page = client.get("/", query_string={"q": "qqzx AND 70/174", "ui": "zh"}).get_data(as_text=True)
    en_page = client.get("/", query_string={"q": "qqzx AND 70/174", "ui": "en"}).get_data(as_text=True)
    assert "没有段落包含 qqzx；已略去后搜索" in zh_page and "searched without" not in zh_page
    assert "no paragraph contains qqzx; searched without" in en_page


def test_a_correction_is_told_in_both_languages(client):
    zh_page = client.get("/", query_string={"q": "洗线", "ui": "zh"}).get_data(as_text=True)
    assert "没有段落包含 洗线；已显示 洗钱 的结果" in zh_page


def test_a_bad_query_is_a_400_in_the_interface_language(real_index):
    from search.errors import QueryError

    app = create_app({"INDEX_DIR": str(real_index), "TESTING": True})

    def refuse():
        raise QueryError(say("unknown_facet", facet="x", known="theme"), "facet")

    app.add_url_rule("/api/refuse", view_func=refuse)
    client = app.test_client()
    for ui, text in (("zh", "未知的分面“x”；请使用以下之一：theme"),
                     ("en", "unknown facet “x”; use one of theme")):
        response = client.get("/api/refuse", query_string={"ui": ui})
        assert (response.status_code, response.get_json()) == (400, {"error": text, "param": "facet"})


def test_a_verb_read_as_the_facet_is_removable_in_one_click(client):
    page = client.get("/", query_string={"q": "urges cybercrime", "theme": "cybercrime",
                                         "ui": "en"}).get_data(as_text=True)
    assert "“urges” read as verb = Urges" in unescape(page)
    href = unescape(page.split('class="remove-read-as" href="', 1)[1].split('"', 1)[0])
    query = parse_qs(urlsplit(href).query)
    assert query["q"] == ["cybercrime"] and query["theme"] == ["cybercrime"]
    without = client.get(href).get_data(as_text=True)
    assert "remove-read-as" not in without


def test_the_suggestion_link_keeps_the_filters(client):
    found = client.get("/api/search", query_string={"q": "launderng", "kind": "op"}).get_json()
    assert found["suggestion"] == "laundering"
    query = parse_qs(urlsplit(found["suggestion_url"]).query)
    assert query["q"] == ["laundering"] and query["kind"] == ["op"]
