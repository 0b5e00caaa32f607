"""Gzip responses for browsers that ask (Accept-Encoding: gzip): pages, JSON, CSS, JS, CSV.

Registered first in ``create_app`` so that it runs last among the after-request handlers
and compresses the body every other handler has finished with.
"""

from __future__ import annotations

import gzip

from flask import Flask, request

MIN_SIZE = 500  # smaller bodies gain less than the header costs
LEVEL = 6  # zlib's default: most of the gain for a fraction of level 9's time
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")


def _wants_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def _compressible(response) -> bool:
    # A generator streams on purpose and is left alone; a file sent from disk is read whole.
    streamed = response.is_streamed and not response.direct_passthrough
    return (response.status_code == 200 and not streamed
            and "Content-Encoding" not in response.headers
            and (response.mimetype or "").startswith(COMPRESSIBLE))


def compress(response):
    """The response gzipped when the browser accepts it and it is worth it; else unchanged."""
    response.vary.add("Accept-Encoding")  # caches keep the two forms apart
    if not _wants_gzip() or not _compressible(response):
        return response
    response.direct_passthrough = False  # static files stream from disk: read them here
    body = response.get_data()
    if len(body) < MIN_SIZE:
        return response
    # A cached answer (web/cache.py) offers the gzip form it kept, and keeps the one made here.
    kept = getattr(response, "gzipped", None)
    packed = kept() if kept else None
    if packed is None:
        packed = gzip.compress(body, compresslevel=LEVEL, mtime=0)
        keep = getattr(response, "keep_gzipped", None)
        if keep:
            keep(packed)
    response.set_data(packed)
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        # Same resource, other bytes: a strong validator may not be shared by both forms.
        response.set_etag(etag, weak=True)
    return response


def init_app(app: Flask) -> None:
    """Compress the app's responses (call before registering other after-request handlers)."""
    app.after_request(compress)
