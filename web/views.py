"""Routes: each HTML page and its JSON twin call the same `*_data()` function."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, render_template, request, url_for

from web import i18n
from web.app import error_response, get_cache, get_engine, switch_url
from web.chart import charts
from web.data import NotFoundError, facet_data, paragraph_data, search_data, unit_data
from web.documents import documents_data, introduction, kind_counts
from web.facetview import facet_panel
from web.memo import generation_of, per_generation
from web.suggest import suggest_data
from web.exports import export_csv, export_json
from web.params import parse_state

bp = Blueprint("concord", __name__)
CACHE_HEADER = "X-Concord-Cache"  # "hit" when the answer came from web/cache.py


def _state():
    return parse_state(request.args, current_app.config["MAX_SIZE"])


def preambular_verbs(engine) -> set[str]:
    """Verbs that lead preambular paragraphs more often than operative ones ("Recalling"),
    counted once per generation of the index."""
    return per_generation(engine, "preambular_verbs", _preambular_verbs)


def _preambular_verbs(engine) -> set[str]:
    preambular = kind_counts(engine, "verb", "pp")
    every = {value["key"]: value["count"] for value in engine.facet_values("verb")}
    return {key for key, count in preambular.items() if 2 * count > every.get(key, 0)}


@bp.route("/")
def search_page():
    """The search box, results, facets and charts (the whole page kept as the answer is)."""
    state = _state()
    engine = get_engine()
    cache = get_cache()
    # A page is its language and its arguments (what switch_url spells: the state and any
    # other argument the language link carries); its data is the answer of its state.
    generation, key = generation_of(engine), f"page {g.ui} {switch_url()}"
    body = cache.get(generation, key) if cache.enabled else None
    if body is not None:
        return _kept(cache, generation, key, body, "text/html")
    data, hit = _answer(engine, state)
    titles = {name: i18n.translate(f"chart_by_{name}", g.ui) for name in ("session", "theme")}
    home = not state.q and not state.filters and state.page == 1
    page = render_template(
        "search.html",
        data=data,
        state=state,
        panel=facet_panel(data["facets"], preambular_verbs(engine), data.get("facets_more")),
        charts=charts(data["facets"], g.ui, titles),
        intro=introduction(engine) if home else None,
        json_url=state.url("/api/search"),
        q_value=state.q,
        autofocus=home,  # a results page keeps the focus where the reader is
        # A new query keeps the filters, sort and page size; "clear all" drops the filters.
        keep_in_form=[(k, v) for k, v in state.query_pairs(with_page=False) if k != "q"],
    )
    if cache.enabled and not data.get("incomplete"):
        cache.put(generation, key, page.encode())
    return page, {CACHE_HEADER: "hit" if hit else "miss"}


@bp.route("/api/search")
def search_api():
    """The results page as JSON."""
    engine, state = get_engine(), _state()
    cache = get_cache()
    generation, key = generation_of(engine), state.url("")
    body = cache.get(generation, key) if cache.enabled else None
    if body is not None:
        return _kept(cache, generation, key, body, "application/json")
    response = _keep(cache, generation, key, _search_data(engine, state))
    response.headers[CACHE_HEADER] = "miss"
    return response


def _kept(cache, generation, key: str, body: bytes, mimetype: str):
    """The response of a body from the cache, offering and keeping its gzip form (web/compress.py)."""
    response = current_app.response_class(body, mimetype=mimetype)
    response.gzipped = lambda: cache.gzipped_body(generation, key, body)
    response.keep_gzipped = lambda packed: cache.put_gzipped(generation, key, body, packed)
    response.headers[CACHE_HEADER] = "hit"
    return response


def _answer(engine, state) -> tuple[dict, bool]:
    """The search's data for the page, and whether it came from the cache (decoded)."""
    cache = get_cache()
    generation, key = generation_of(engine), state.url("")
    body = cache.get(generation, key) if cache.enabled else None
    if body is not None:
        return current_app.json.loads(body), True
    data = _search_data(engine, state)
    if cache.enabled:
        _keep(cache, generation, key, data)
    return data, False


def _search_data(engine, state) -> dict:
    return search_data(engine, state, current_app.config["FACET_LIMIT"])


@bp.route("/facet/<name>")
def facet_page(name: str):
    """Every value of one facet for the current search, each a link that filters by it."""
    state = _state()
    data = facet_data(get_engine(), state, name)
    return render_template("facet.html", data=data, state=state, json_url=data["links"]["json"],
                           q_value=state.q, keep_in_form=[(k, v) for k, v in state.query_pairs(with_page=False)
                                                          if k != "q"])


@bp.route("/api/facet/<name>")
def facet_api(name: str):
    """Every value of one facet for the current search, as JSON."""
    return jsonify(facet_data(get_engine(), _state(), name))


def _keep(cache, generation, key: str, data: dict):
    """The JSON response of ``data``, its body kept unless the time budget cut it short."""
    response = jsonify(data)
    if not data.get("incomplete"):
        cache.put(generation, key, response.get_data())
    return response


@bp.route("/p/<path:pid>")
def paragraph_page(pid: str):
    """One paragraph: its permalink page."""
    data = paragraph_data(get_engine(), pid)
    return render_template("paragraph.html", data=data, json_url=url_for(".paragraph_api", pid=pid))


@bp.route("/api/p/<path:pid>")
def paragraph_api(pid: str):
    """One paragraph as JSON."""
    return jsonify(paragraph_data(get_engine(), pid))


@bp.route("/u/<path:uid>")
def unit_page(uid: str):
    """A whole resolution, paragraph by paragraph."""
    data = unit_data(get_engine(), uid)
    return render_template("unit.html", data=data, json_url=url_for(".unit_api", uid=uid))


@bp.route("/api/u/<path:uid>")
def unit_api(uid: str):
    """A whole resolution as JSON."""
    return jsonify(unit_data(get_engine(), uid))


@bp.route("/documents")
def documents_page():
    """Every document of the collection and the resolutions, decisions and drafts it holds."""
    return render_template("documents.html", data=documents_data(get_engine()),
                           json_url=url_for(".documents_api"))


@bp.route("/api/documents")
def documents_api():
    """The documents page as JSON."""
    return jsonify(documents_data(get_engine()))


@bp.route("/api/suggest")
def suggest_api():
    """Terms and symbols that complete what is being typed in the search box."""
    return jsonify(suggest_data(get_engine(), request.args.get("q", "")))


@bp.route("/export.csv")
def export_csv_view():
    """The current results (all pages, capped) as CSV."""
    return export_csv(get_engine(), _state())


@bp.route("/export.json")
def export_json_view():
    """The current results (all pages, capped) as JSON."""
    return export_json(get_engine(), _state())


@bp.app_errorhandler(NotFoundError)
def not_found(error: NotFoundError):
    """A 404 that helps: what was missing and the nearest ids."""
    what = i18n.translate(f"what_{error.what}", g.ui)
    message = i18n.translate("not_found", g.ui, id=error.ident, what=what)
    return error_response(404, message, {"nearest": error.nearest})


from web import lineage  # noqa: E402,F401  the lineage routes (/compare) join this blueprint
