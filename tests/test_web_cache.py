"""The cache of search answers (web/cache.py) and what the pages derive once per generation (web/memo.py)."""

from __future__ import annotations

import gzip
import re
import shutil
from urllib.parse import quote

import pytest
from flask import template_rendered

from index.build import parse_corpus
from index.write import write_index
from search.engine import core as engine_module
from web.app import create_app, get_cache
from web.cache import ResultCache
from web.memo import per_generation

URL = "/api/search?q=%E6%B4%97%E9%92%B1&kind=op"
SAME = "/api/search?q=+%E6%B4%97%E9%92%B1++&kind=op&kind=op&sort=relevance&page=1&ui=en"  # normalises to URL


def took_less(html: str) -> str:
    """A page without the figures that say how long its search took."""
    return re.sub(r"[\d.]+ ms|[\d.]+ 毫秒", "", html)


# --- the cache alone ---------------------------------------------------------------------------

def test_the_least_recently_used_answer_goes_first():
    cache = ResultCache(entries=2, max_bytes=1000)
    assert cache.get("g1", "a") is None  # the first look sets the generation
    cache.put("g1", "a", b"A")
    cache.put("g1", "b", b"B")
    assert cache.get("g1", "a") == b"A"  # now b is the oldest
    cache.put("g1", "c", b"C")
    assert cache.get("g1", "b") is None and cache.get("g1", "a") == b"A" and cache.get("g1", "c") == b"C"
    assert cache.stats()["entries"] == 2 and cache.stats()["bytes"] == 2


def test_bytes_bound_the_cache_and_a_huge_answer_is_not_kept():
    cache = ResultCache(entries=100, max_bytes=800)
    cache.get("g1", "x")
    for n in range(10):
        cache.put("g1", str(n), bytes(100))
    assert cache.stats()["bytes"] == 800 and cache.stats()["entries"] == 8
    assert cache.get("g1", "0") is None and cache.get("g1", "9") is not None
    cache.put("g1", "big", bytes(101))  # over an eighth of the bytes
    assert cache.get("g1", "big") is None


def test_a_new_generation_empties_the_cache_and_a_late_answer_of_the_old_one_is_dropped():
    cache = ResultCache()
    cache.get("g1", "a")
    cache.put("g1", "a", b"old")
    assert cache.get("g2", "a") is None and cache.stats()["entries"] == 0
    cache.put("g1", "a", b"old")  # a request that began before the new generation
    assert cache.get("g2", "a") is None
    cache.put("g2", "a", b"new")
    assert cache.get("g2", "a") == b"new"


def test_the_gzip_form_counts_and_goes_with_its_answer():
    cache = ResultCache(entries=1, max_bytes=1000)
    cache.get("g1", "a")
    body = b"A" * 50
    cache.put("g1", "a", body)
    cache.put_gzipped("g1", "a", body, b"gz")
    assert cache.gzipped_body("g1", "a", body) == b"gz" and cache.stats()["bytes"] == 52
    assert cache.gzipped_body("g1", "a", b"A" * 50) is None, "only for the very body kept"
    cache.put("g1", "b", b"B")
    assert cache.stats()["bytes"] == 1 and cache.gzipped_body("g1", "a", body) is None


def test_no_entries_switch_it_off():
    cache = ResultCache(entries=0)
    cache.get("g1", "a")
    cache.put("g1", "a", b"A")
    assert not cache.enabled and cache.get("g1", "a") is None


# --- through the app ---------------------------------------------------------------------------

def test_the_same_search_is_answered_from_the_cache(real_index):
    client = create_app({"INDEX_DIR": str(real_index), "TESTING": True}).test_client()
    first = client.get(URL)
    again = client.get(SAME)
    assert first.headers["X-Concord-Cache"] == "miss"
    assert again.headers["X-Concord-Cache"] == "hit"
    assert again.get_data() == first.get_data() and again.mimetype == "application/json"
    assert again.get_json()["total"] == first.get_json()["total"] > 0
    other = client.get(URL + "&size=5")
    assert other.get_json()["size"] == 5, "another state is another answer"


def test_a_cached_answer_is_gzipped_as_an_uncached_one(app, client):
    plain = client.get(URL).get_data()
    for _ in range(3):  # a hit, then hits that reuse the kept gzip form
        response = client.get(URL, headers={"Accept-Encoding": "gzip"})
        assert response.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.get_data()) == plain


def test_the_page_from_the_cache_is_the_page_without_it(real_index):
    cached = create_app({"INDEX_DIR": str(real_index), "TESTING": True}).test_client()
    uncached = create_app({"INDEX_DIR": str(real_index), "TESTING": True,
                           "SEARCH_CACHE_ENTRIES": 0}).test_client()
    for url in ("/?q=洗钱&ui=en", "/?q=网络犯罪&theme=cybercrime&sort=newest", "/?verb=urges&ui=zh"):
        cached.get(url.replace("/?", "/api/search?"))  # the twin fills the cache
        page = cached.get(url)
        assert page.headers["X-Concord-Cache"] == "hit"
        plain = uncached.get(url)
        assert plain.headers["X-Concord-Cache"] == "miss"
        assert took_less(page.get_data(as_text=True)) == took_less(plain.get_data(as_text=True))


def test_a_repeated_page_is_served_as_rendered_the_first_time(real_index):
    app = create_app({"INDEX_DIR": str(real_index), "TESTING": True})
    client, rendered = app.test_client(), []
    url = "/?q=洗钱&theme=money_laundering&ui=en"
    with template_rendered.connected_to(lambda sender, template, context: rendered.append(template.name), app):
        first = client.get(url)
        again = client.get(url)
    assert rendered == ["search.html"], "rendered once"
    with app.app_context():
        assert get_cache().stats()["entries"] == 2, "the answer and its page"
    assert first.headers["X-Concord-Cache"] == "miss" and again.headers["X-Concord-Cache"] == "hit"
    assert again.get_data() == first.get_data(), "the very page, its search time included"
    assert again.mimetype == "text/html" and again.mimetype_params["charset"] == "utf-8"
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert "ui=en" in again.headers["Set-Cookie"], "the language choice is remembered on a kept page too"
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and gzip.decompress(packed.get_data()) == first.get_data()


def test_a_kept_page_is_one_language_and_one_set_of_arguments(real_index):
    client = create_app({"INDEX_DIR": str(real_index), "TESTING": True}).test_client()
    english = client.get("/?q=洗钱&ui=en").get_data(as_text=True)
    chinese = client.get("/?q=洗钱", headers={"Accept-Language": "zh-CN"})
    assert chinese.headers["X-Concord-Cache"] == "hit", "the answer is shared: the twin's data"
    assert 'lang="zh-Hans"' in chinese.get_data(as_text=True) and '<html lang="en">' in english
    negotiated = client.get("/?q=洗钱", headers={"Accept-Language": "en"})
    assert negotiated.get_data(as_text=True) == english, "English by the browser's wish is the same page"
    other = client.get("/?q=洗钱&from=mail&ui=en").get_data(as_text=True)
    assert 'href="/?q=%E6%B4%97%E9%92%B1&amp;from=mail&amp;ui=zh"' in other, "its language link differs"
    assert 'href="/?q=%E6%B4%97%E9%92%B1&amp;ui=zh"' in english and "from=mail" not in english


def test_a_kept_page_escapes_what_was_typed_as_a_fresh_one(real_index):
    cached = create_app({"INDEX_DIR": str(real_index), "TESTING": True}).test_client()
    uncached = create_app({"INDEX_DIR": str(real_index), "TESTING": True,
                           "SEARCH_CACHE_ENTRIES": 0}).test_client()
    url = "/?q=" + quote('洗钱 <script>alert(1)</script> "><img src=x onerror=alert(1)>') + "&theme=<b>"
    cached.get(url)
    page = cached.get(url)
    assert page.headers["X-Concord-Cache"] == "hit"
    html = page.get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>" not in html
    assert took_less(html) == took_less(uncached.get(url).get_data(as_text=True))
    assert uncached.get(url).headers["X-Concord-Cache"] == "miss"


def test_an_answer_cut_short_by_the_time_budget_is_not_kept(real_index):
    app = create_app({"INDEX_DIR": str(real_index), "TESTING": True})
    client = app.test_client()
    with app.app_context():
        from web.app import get_engine

        get_engine().budget = 0.0  # every search runs out of time at once
    answer = client.get(URL).get_json()
    assert answer["incomplete"] is True
    assert client.get(URL).headers["X-Concord-Cache"] == "miss"
    page = URL.replace("/api/search", "/")
    client.get(page)
    assert client.get(page).headers["X-Concord-Cache"] == "miss", "nor the page made of it"


def test_a_new_generation_is_searched_not_served_from_the_cache(tmp_path, corpus_dir, monkeypatch):
    monkeypatch.setattr(engine_module, "RECHECK_SECONDS", 0.0)
    folders = {}
    for name, files in (("one", 1), ("two", 2)):
        folders[name] = tmp_path / name
        folders[name].mkdir()
        for path in sorted(corpus_dir.glob("*.txt"))[:files]:
            shutil.copy(path, folders[name])
    index_dir = tmp_path / "index"
    write_index(parse_corpus(folders["one"])[0], index_dir)
    app = create_app({"INDEX_DIR": str(index_dir), "TESTING": True})
    client = app.test_client()
    before = client.get("/api/search").get_json()["total"]
    assert client.get("/api/search").headers["X-Concord-Cache"] == "hit"
    old_page = client.get("/?ui=en")
    assert client.get("/?ui=en").headers["X-Concord-Cache"] == "hit"
    write_index(parse_corpus(folders["two"])[0], index_dir)
    after = client.get("/api/search")
    assert after.headers["X-Concord-Cache"] == "miss"
    assert after.get_json()["total"] > before
    with app.app_context():
        assert get_cache().stats()["entries"] == 1
    new_page = client.get("/?ui=en")
    assert new_page.headers["X-Concord-Cache"] == "hit", "the page of the new answer, rendered anew"
    assert f"{before} paragraphs" in old_page.get_data(as_text=True)
    assert f"{after.get_json()['total']} paragraphs" in new_page.get_data(as_text=True)


# --- once per generation -----------------------------------------------------------------------

class _Engine:
    """An engine stand-in whose generation the test moves on."""

    def __init__(self):
        self.at = "g1"

    def generation(self):
        return self.at


def test_derived_tables_are_built_once_per_generation():
    engine, built = _Engine(), []

    def build(e):
        built.append(e.at)
        return {"at": e.at}

    assert per_generation(engine, "table", build) == {"at": "g1"}
    assert per_generation(engine, "table", build) == {"at": "g1"}
    engine.at = "g2"
    assert per_generation(engine, "table", build) == {"at": "g2"}
    assert built == ["g1", "g2"]


@pytest.mark.parametrize("entries", ["0", "7"])
def test_the_environment_sizes_the_cache(real_index, monkeypatch, entries):
    monkeypatch.setenv("CONCORD_SEARCH_CACHE", entries)
    app = create_app({"INDEX_DIR": str(real_index)})
    with app.app_context():
        assert get_cache().entries == int(entries)
