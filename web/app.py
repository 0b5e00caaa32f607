"""The Flask application factory: configuration, the lazily opened engine, headers and errors."""

from __future__ import annotations

import html
import logging
import os
import re
import threading
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Flask, current_app, g, jsonify, render_template, request
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from web import cache, i18n
from web.jsonbody import FastJSON
from web.data import FACET_LIMIT
from web.params import MAX_SIZE, ParamError, parse_ui

DEFAULTS = {
    "INDEX_DIR": "var/index",
    "DEFAULT_UI": i18n.DEFAULT_LANGUAGE,
    "EXPORT_LIMIT": 1000,
    "MAX_SIZE": MAX_SIZE,
    "SEARCH_CACHE_ENTRIES": cache.ENTRIES,  # answers kept (web/cache.py); 0 switches it off
    "SEARCH_CACHE_MB": cache.MEGABYTES,
    "FACET_LIMIT": FACET_LIMIT,  # values per facet in a results answer (web/data.py)
}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
ENGINE_KEY = "concord.engine"
CACHE_KEY = "concord.cache"
# A Host header the app can route with: DNS labels of 1–63 characters, or an IP literal,
# and an optional port. Anything else is replaced (the app never uses the Host anyway).
_HOST = re.compile(r"(?:(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*"
                   r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?|\[[0-9A-Fa-f:.]{2,45}\])"
                   r"(?::[0-9]{1,5})?")
_MARK = re.compile(r"(</?mark>)")
log = logging.getLogger(__name__)


def create_app(config: dict | None = None) -> Flask:
    """A configured app: defaults, then the environment (CONCORD_INDEX_DIR), then `config`."""
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    if os.environ.get("CONCORD_INDEX_DIR"):
        app.config["INDEX_DIR"] = os.environ["CONCORD_INDEX_DIR"]
    if os.environ.get("CONCORD_SEARCH_CACHE", "").strip().isdigit():  # the bench's uncached runs
        app.config["SEARCH_CACHE_ENTRIES"] = int(os.environ["CONCORD_SEARCH_CACHE"])
    app.config.update(config or {})
    app.wsgi_app = _SaneHost(app.wsgi_app)
    app.json = FastJSON(app)  # orjson, in the form Flask writes (web/jsonbody.py)
    app.jinja_env.trim_blocks = True  # template whitespace is page weight
    app.jinja_env.lstrip_blocks = True
    app.extensions[ENGINE_KEY] = {"engine": None, "lock": threading.Lock()}
    app.extensions[CACHE_KEY] = cache.ResultCache(int(app.config["SEARCH_CACHE_ENTRIES"]),
                                                  int(float(app.config["SEARCH_CACHE_MB"]) * (1 << 20)))
    __import__("web.compress").compress.init_app(app)  # first registered, so it runs last

    from web.views import bp

    app.register_blueprint(bp)
    app.before_request(_negotiate_language)
    app.after_request(_headers)
    app.context_processor(_template_helpers)
    app.add_template_filter(safe_snippet, "snippet")
    _register_errors(app)
    return app


def get_engine():
    """The app's engine, opened on first use and shared by every request after."""
    slot = current_app.extensions[ENGINE_KEY]
    if slot["engine"] is None:
        with slot["lock"]:  # waitress serves from several threads
            if slot["engine"] is None:
                from search.engine import Engine

                slot["engine"] = Engine(Path(current_app.config["INDEX_DIR"]))
    return slot["engine"]


def get_cache() -> cache.ResultCache:
    """The app's cache of search answers."""
    return current_app.extensions[CACHE_KEY]


def close_engine(app: Flask) -> None:
    """Close the app's engine if it was opened (the CLI calls this when the server stops)."""
    slot = app.extensions[ENGINE_KEY]
    with slot["lock"]:
        if slot["engine"] is not None:
            slot["engine"].close()
            slot["engine"] = None


def is_api() -> bool:
    """Whether the current request wants JSON (anything under /api/)."""
    return request.path.startswith("/api/")


def _negotiate_language() -> None:
    # Negotiate without ?ui= first, so that a bad ?ui= is refused in a language the user reads.
    g.ui_param = None
    g.ui = i18n.negotiate(None, request.cookies.get(i18n.COOKIE), request.accept_languages,
                          current_app.config["DEFAULT_UI"])
    g.ui_param = parse_ui(request.args)
    if g.ui_param:
        g.ui = g.ui_param


class _SaneHost:
    """WSGI middleware: a Host header that is no host name becomes the server's own name.

    Werkzeug IDNA-encodes the Host to route; a label over 63 characters made that a 500.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        host = environ.get("HTTP_HOST")
        if host is not None and (len(host) > 260 or not _HOST.fullmatch(host)):
            environ["HTTP_HOST"] = environ.get("SERVER_NAME") or "localhost"
        return self.app(environ, start_response)


def _headers(response):
    response.headers.update(SECURITY_HEADERS)
    if getattr(g, "ui_param", None):
        # The language toggle is a plain link with ?ui=; remember the choice.
        response.set_cookie(i18n.COOKIE, g.ui_param, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=request.is_secure)
    _relative_location(response)
    _cache_headers(response)
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


def _relative_location(response) -> None:
    """Redirects name a path, never the client's Host (which may be anything)."""
    location = response.headers.get("Location")
    if location:
        parts = urlsplit(location)
        response.headers["Location"] = urlunsplit(("", "", parts.path or "/", parts.query, ""))


def _cache_headers(response) -> None:
    """Cache-Control on every response: errors not kept, the rest revalidated every time."""
    if response.status_code >= 400:
        response.headers["Cache-Control"] = "no-store"
        return
    # Answers change when a new generation is published, and static files carry no version
    # in their names: a cache may keep them but must ask again (static files answer 304).
    response.headers["Cache-Control"] = "no-cache"


def page_language() -> tuple[str, str]:
    """(the language this request's page speaks, the other one)."""
    ui = getattr(g, "ui", current_app.config["DEFAULT_UI"])
    return ui, "en" if ui == "zh" else "zh"


def switch_url() -> str:
    """This page in the other language: the same path and arguments, ``ui`` the other one."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "ui"]
    args.append(("ui", page_language()[1]))
    return f"{request.path}?{urlencode(args)}"


def _template_helpers() -> dict:
    ui, other = page_language()
    return {
        "ui": ui,
        "other_ui": other,
        "switch_url": switch_url(),
        "q_value": request.args.get("q", "")[:500],  # error pages keep what was typed
        "t": lambda key, **fields: i18n.translate(key, ui, **fields),
        "lbl": lambda value: i18n.label(value, ui),
    }


def safe_snippet(snippet: str) -> Markup:
    """The engine's highlighted snippet as markup: only <mark> survives, all else is escaped text."""
    # The engine escapes already; unescaping then escaping each piece keeps that text as it is
    # while guaranteeing that no tag other than <mark> can reach the page.
    pieces = _MARK.split(snippet or "")
    return Markup("").join(
        Markup(piece) if _MARK.fullmatch(piece) else escape(html.unescape(piece)) for piece in pieces
    )


def error_response(status: int, message: str, extra: dict | None = None):
    """A JSON error under /api/, an HTML page elsewhere; the message is user-facing."""
    if is_api() or request.path.startswith("/export.json"):
        return jsonify({"error": message, **(extra or {})}), status
    return render_template("error.html", status=status, message=message, extra=extra or {}), status


def _register_errors(app: Flask) -> None:
    from search.engine import IndexMismatch, IndexMissing, QueryError

    @app.errorhandler(ParamError)
    def bad_param(error: ParamError):
        ui = getattr(g, "ui", "en")
        message = i18n.translate(error.key, ui, **error.fields)
        return error_response(400, message, {"param": error.param})

    @app.errorhandler(QueryError)
    def bad_query(error):
        ui = getattr(g, "ui", "en")
        message = getattr(error, "zh", str(error)) if ui == "zh" else str(error)
        return error_response(400, message, {"param": getattr(error, "param", "q")})

    @app.errorhandler(IndexMissing)
    def no_index(error):
        log.error("index missing: %s", error)
        return error_response(503, i18n.translate("index_missing", getattr(g, "ui", "en")))

    @app.errorhandler(IndexMismatch)
    def stale_index(error):
        log.error("index mismatch: %s", error)
        return error_response(503, i18n.translate("index_mismatch", getattr(g, "ui", "en")))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 404:
            ui = getattr(g, "ui", "en")
            what = i18n.translate("what_page", ui)
            message = i18n.translate("not_found", ui, id=request.path, what=what)
            return error_response(404, message)
        return error_response(error.code or 500, error.description or error.name)

    @app.errorhandler(Exception)
    def unexpected(error):
        log.exception("unexpected error on %s", request.path)
        return error_response(500, i18n.translate("error_title", getattr(g, "ui", "en")))
