"""Gzip when the browser asks, on the real index: pages, JSON twins and static files."""

from __future__ import annotations

import gzip
import json

import pytest

from web.app import create_app


@pytest.fixture(scope="module")
def client(real_index):
    return create_app({"INDEX_DIR": str(real_index), "TESTING": True}).test_client()


def fetch(client, url: str, **headers):
    """(status, headers, body bytes) of one GET, the response closed (static files stream)."""
    response = client.get(url, headers=headers)
    try:
        return response.status_code, response.headers, response.data
    finally:
        response.close()


@pytest.mark.parametrize("url", ["/?q=洗钱", "/api/search?q=洗钱", "/documents", "/static/concord.css",
                                 "/static/concord.js"])
def test_compressed_when_asked_and_the_same_bytes_unpacked(client, url):
    _, plain_headers, plain = fetch(client, url)
    status, headers, packed = fetch(client, url, **{"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain_headers
    assert int(headers["Content-Length"]) == len(packed) < len(plain) / 2
    unpacked = gzip.decompress(packed)
    if url.startswith("/api"):  # the answer times its search: compare all but the timing
        assert {**json.loads(unpacked), "took_ms": 0} == {**json.loads(plain), "took_ms": 0}
    elif url.startswith("/?"):
        assert unpacked.split(b" ms")[1:] == plain.split(b" ms")[1:]
    else:
        assert unpacked == plain
    assert "Accept-Encoding" in headers["Vary"]


def test_streamed_exports_are_sent_as_they_are_made_not_gathered_to_be_compressed(client):
    status, headers, body = fetch(client, "/export.csv?q=洗钱", **{"Accept-Encoding": "gzip"})
    assert status == 200 and "Content-Encoding" not in headers
    assert body.decode("utf-8-sig").startswith("id,url,")


def test_not_compressed_when_not_asked_or_too_small(client):
    assert "Content-Encoding" not in fetch(client, "/?q=洗钱", **{"Accept-Encoding": "identity"})[1]
    assert "Content-Encoding" not in fetch(client, "/?q=洗钱", **{"Accept-Encoding": "gzip;q=0"})[1]
    tiny = fetch(client, "/api/suggest?q=zz", **{"Accept-Encoding": "gzip"})
    assert len(tiny[2]) < 500 and "Content-Encoding" not in tiny[1]


def test_static_files_are_cacheable_with_validation(client):
    status, headers, _ = fetch(client, "/static/concord.css", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["ETag"].startswith('W/"'), "the gzip form has a weak validator"
    cache = headers["Cache-Control"]  # the app's policy (web/app.py): kept, then revalidated
    assert headers.get("Last-Modified") and ("max-age" in cache or "no-cache" in cache)
    again = fetch(client, "/static/concord.css", **{"Accept-Encoding": "gzip",
                                                    "If-None-Match": headers["ETag"]})
    assert again[0] == 304 and again[2] == b""
    plain = fetch(client, "/static/concord.css")[1]
    assert fetch(client, "/static/concord.css", **{"If-None-Match": plain["ETag"]})[0] == 304
