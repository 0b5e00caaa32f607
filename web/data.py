"""The data behind each page: one function per view, shared by the HTML page and its JSON twin."""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import replace
from functools import lru_cache
from urllib.parse import quote, urlencode

from flask import has_request_context, request

from web.citation import citation, cited_in, unit_reference, with_text
from web.facetview import session_years, unit_labels, unit_names, with_years
from web.memo import per_generation
from web.params import FACETS, SORTS, SearchState

_ANCHOR = re.compile(r"^(pp|op)(\d*)([a-z]*)$")
COUNTED = FACETS + ("unit",)  # the engine also counts the resolution each hit is in
HIT_TAGS = ("verb", "session")  # single-valued tags on a hit; themes are added after
THEME_TAGS = 2  # themes tagged on a hit (its page lists them all): a line, not a paragraph
# Values of each facet in a results answer, most frequent first (selected ones besides): the
# page lists ten, and at scale a facet has thousands (a value per resolution). The rest are
# one request away: /facet/<name> and /api/facet/<name> list every value with its link.
FACET_LIMIT = 50


class NotFoundError(LookupError):
    """An id that names nothing: `what` it should have been and the nearest ids that exist."""

    def __init__(self, what: str, ident: str, nearest: list[str]):
        super().__init__(f"no {what} {ident!r}")
        self.what = what
        self.ident = ident
        prefix = {"paragraph": "/p/", "facet": "/facet/"}.get(what, "/u/")
        self.nearest = [{"id": near, "url": prefix + quote(near)} for near in nearest]


def search_data(engine, state: SearchState, limit: int = FACET_LIMIT) -> dict:
    """The results page: the engine's answer plus facet toggles, selections, pages and links;
    each facet's first `limit` values (and every selected one), `facets_more` for the rest."""
    result = engine.search(state.q, state.engine_filters(), state.page, state.size, state.engine_sort,
                           facet_limit=limit)
    sizes = result.pop("facet_sizes")
    cite_results(engine, result["results"])
    tag_results(state, result["results"], per_generation(engine, "session_years", _years))
    listed = {name: listed_values(state, name, result["facets"].get(name, []), limit, sizes.get(name))
              for name in COUNTED}
    facets = labelled_facets(engine, state, {name: values for name, (values, _) in listed.items()})
    return {
        **result,
        "sort": state.sort,  # as the URL names it ("newest"), not as the engine does ("date")
        "sorts": offered_sorts(state),
        "facets": facets,
        "facets_more": {name: {"left_out": left_out, "html": state.url(f"/facet/{name}", with_page=False),
                               "json": state.url(f"/api/facet/{name}", with_page=False)}
                        for name, (_, left_out) in listed.items()},
        "state": {"q": state.q, "filters": state.engine_filters(), "sort": state.sort,
                  "page": state.page, "size": state.size},
        "selected": selected_items(state, facets),
        "pagination": pagination(state, result["total"]),
        "suggestion_url": replace(state, q=result["suggestion"], page=1).url("/")
        if result.get("suggestion") else None,
        # A part of the query read as something else ("urges" as the verb facet): one click
        # searches the rest without it, filters kept.
        "read_as": [{**part, "remove_url": replace(state, q=part["without"], page=1).url("/")}
                    for part in result.get("read_as", [])],
        "links": {
            "html": state.url("/"),
            "json": state.url("/api/search"),
            "csv": state.url("/export.csv", with_page=False),
            "export_json": state.url("/export.json", with_page=False),
            "sort": dict(state.sort_urls),
        },
    }


def listed_values(state: SearchState, facet: str, values: list[dict], limit: int,
                  size: int | None = None) -> tuple[list[dict], int]:
    """(listed, left out): the first `limit` values and any selected one after them; `size`
    is how many the facet has in all when the engine already left the rest out."""
    size = len(values) if size is None else size
    chosen = set(state.filters.get(facet, ()))
    kept = values[:limit] + [value for value in values[limit:] if value["key"] in chosen]
    return kept, size - len(kept)


def labelled_facets(engine, state: SearchState, counted: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Facet values with their toggles, sessions with their years, resolutions by citation."""
    facets = {name: facet_items(engine, state, name, values) for name, values in counted.items()}
    if "session" in facets:
        facets["session"] = with_years(facets["session"], per_generation(engine, "session_years", _years))
    if "unit" in facets:
        facets["unit"] = unit_labels(facets["unit"], per_generation(engine, "unit_names", _names))
    return facets


def facet_data(engine, state: SearchState, facet: str) -> dict:
    """Every value of one facet for a search, with its count and toggle (the "see all" page)."""
    if facet not in COUNTED:
        raise NotFoundError("facet", facet, difflib.get_close_matches(facet[:40], COUNTED, n=3, cutoff=0.5))
    result = engine.search(state.q, state.engine_filters(), 1, 1, state.engine_sort)
    values = labelled_facets(engine, state, {facet: result["facets"].get(facet, [])})[facet]
    return {
        "facet": facet,
        "query": result["query"],
        "reading": result["reading"],
        "total": result["total"],
        "incomplete": result["incomplete"],
        "values": values,
        "state": {"q": state.q, "filters": state.engine_filters(), "sort": state.sort, "size": state.size},
        "links": {"search": state.url("/", with_page=False),
                  "html": state.url(f"/facet/{facet}", with_page=False),
                  "json": state.url(f"/api/facet/{facet}", with_page=False)},
    }


def units_by_id(engine) -> dict[str, dict]:
    """Every unit's metadata by id, read once per generation (shared: not to be changed)."""
    return per_generation(engine, "units_by_id", lambda e: {unit["id"]: unit for unit in e.units()})


def _years(engine) -> dict[str, int]:
    return session_years(list(units_by_id(engine).values()))


def _names(engine) -> dict[str, tuple[str, str]]:
    return unit_names(units_by_id(engine).values())


def offered_sorts(state: SearchState) -> list[dict]:
    """The sort choices: relevance only when there are words to be relevant to."""
    names = SORTS if state.q else tuple(s for s in SORTS if s != "relevance")
    current = state.sort if state.q or state.sort != "relevance" else "order"  # browsing runs in order
    return [{"name": name, "current": name == current, "url": state.sort_urls[name]}
            for name in names]


def tag_results(state: SearchState, results: list[dict], years: dict[str, int] | None = None) -> None:
    """Give each result the links its tags make: the current search narrowed to that value,
    and the link to its place in the whole resolution. A session tag carries its year, as
    the session facet does."""
    # The hits of a page share a few tags (a value's labels are its key's): each is made once
    # and the hits hold the same dict, which nothing changes after.
    made: dict[tuple[str, str], dict] = {}

    def tag(name: str, value: dict) -> dict:
        found = made.get((name, value["key"]))
        if found is None:
            if name == "session" and years is not None:
                value = with_years([value], years)[0]
            found = made[name, value["key"]] = {
                "facet": name, **value, "selected": state.selected(name, value["key"]),
                "url": narrowed_url(state, name, value["key"])}
        return found

    for result in results:
        values = [(name, result.get(name)) for name in HIT_TAGS]
        values += [("theme", theme) for theme in result.get("themes", [])[:THEME_TAGS]]
        result["tags"] = [tag(name, value) for name, value in values if value and value.get("key")]
        result["unit_url"] = unit_url(result["unit"]) + (f"#{result['anchor']}" if result.get("anchor") else "")


def narrowed_url(state: SearchState, facet: str, key: str) -> str:
    """The URL of the state with `key` among the `facet` filters (kept if already there), page 1."""
    return state.first_page_url if state.selected(facet, key) else state.toggle_url(facet, key)


def cite_results(engine, results: list[dict], units: dict[str, dict] | None = None) -> None:
    """Give each result its citation ({"en","zh"}), built from its unit's metadata (by id)."""
    named = unit_references(engine) if units is None else {}
    units = units if units is not None else units_by_id(engine)
    for result in results:
        reference = named.get(result["unit"])
        if reference is None:  # a unit the index does not list (or units given): named here
            unit = units.get(result["unit"], {"label": result.get("unit_label"), "symbol": result.get("symbol")})
            reference = unit_reference(unit)
        result["citation"] = cited_in(reference, result["kind"], str(result["number"]), result.get("sub"))


def unit_references(engine) -> dict[str, tuple[str, str]]:
    """Every unit's ``unit_reference`` by id, made once per generation (shared: not to be changed)."""
    return per_generation(engine, "unit_references",
                          lambda e: {uid: unit_reference(unit) for uid, unit in units_by_id(e).items()})


def facet_items(engine, state: SearchState, facet: str, values: list[dict]) -> list[dict]:
    """Each value of a facet with its count, whether it is selected and the URL that toggles it."""
    items = [dict(value) for value in values]
    shown = {item["key"] for item in items}
    missing = [key for key in state.filters.get(facet, ()) if key not in shown]
    if missing:
        # A selected value the query no longer matches stays visible, so it can be removed.
        known = {value["key"]: value for value in engine.facet_values(facet)}
        for key in missing:
            base = known.get(key, {"key": key, "zh": key, "en": key})
            items.append({"key": key, "zh": base.get("zh", key), "en": base.get("en", key), "count": 0})
    for item in items:
        item["selected"] = state.selected(facet, item["key"])
        item["toggle_url"] = state.toggle_url(facet, item["key"])
    return items


def selected_items(state: SearchState, facets: dict[str, list[dict]]) -> list[dict]:
    """The selected filters, each with its labels and the one-click URL that removes it."""
    chosen = []
    for name, keys in state.filters.items():
        labels = {item["key"]: item for item in facets.get(name, [])}
        for key in keys:
            item = labels.get(key, {"zh": key, "en": key})
            chosen.append({"facet": name, "key": key, "zh": item["zh"], "en": item["en"],
                           "remove_url": state.toggled(name, key).url("/")})
    return chosen


def pagination(state: SearchState, total: int) -> dict:
    """Page numbers and the previous/next URLs (None at either end)."""
    pages = max(1, math.ceil(total / state.size))
    return {
        "page": state.page,
        "pages": pages,
        "prev_url": state.at_page(state.page - 1).url("/") if state.page > 1 else None,
        "next_url": state.at_page(state.page + 1).url("/") if state.page < pages else None,
    }


def search_url(facet: str, key: str) -> str:
    """The search page filtered on one facet value."""
    return "/?" + urlencode({facet: key})


def paragraph_url(pid: str) -> str:
    """The permalink of a paragraph."""
    return "/p/" + quote(pid)


def paragraph_data(engine, pid: str) -> dict:
    """A paragraph, its unit, citation, neighbours and links; NotFoundError for an unknown id."""
    para = engine.paragraph(pid)
    if para is None:
        raise NotFoundError("paragraph", pid, engine.nearest_ids(pid))
    unit = para["unit"]
    cited = citation(unit, para["kind"], str(para["number"]), para.get("sub"), dated=True)
    permalink = absolute(paragraph_url(pid))
    return {
        "paragraph": para,
        "unit": unit,
        "citation": citation(unit, para["kind"], str(para["number"]), para.get("sub")),
        "dated_citation": cited,
        "permalink": permalink,
        "copy_text": with_text(texts(engine, para), cited, permalink),
        "prev": _link(para.get("prev")),
        "next": _link(para.get("next")),
        "other_lang": _link(para.get("other_lang")),  # the same paragraph in the other language
        "unit_url": f"{unit_url(unit['id'])}#{para['anchor']}",
        "verb_url": search_url("verb", para["verb"]["key"]) if para.get("verb") else None,
        "theme_urls": {t["key"]: search_url("theme", t["key"]) for t in para.get("themes", [])},
        "lineage": _lineage().history_data(engine, pid),  # issue 9: this language elsewhere
    }


def _lineage():
    from web import lineage  # imports this module: import on use

    return lineage


def texts(engine, para: dict) -> dict[str, str]:
    """A paragraph's text by language: its own, and its twin's in the other language if indexed."""
    found = {para.get("lang") or "zh": para["text"]}
    twin = engine.paragraph(para["other_lang"]) if para.get("other_lang") else None
    if twin:
        found[twin.get("lang") or "en"] = twin["text"]
    return found


def absolute(path: str) -> str:
    """`path` as a full URL on the host the request came to (permalinks are pasted elsewhere)."""
    return request.url_root.rstrip("/") + path if has_request_context() else path


def short_label(anchor: str) -> str:
    """How delegates name a paragraph: op11 → "OP11", pp5 → "PP5", op9a → "OP9(a)"."""
    match = _ANCHOR.match(anchor or "")
    if not match:
        return anchor
    kind, number, sub = match.groups()
    return kind.upper() + number + (f"({sub})" if sub else "")


def _link(pid: str | None) -> dict | None:
    if not pid:
        return None
    anchor = pid.rsplit("/", 1)[-1]
    return {"id": pid, "url": paragraph_url(pid), "anchor": anchor, "label": short_label(anchor)}


@lru_cache(maxsize=4096)
def unit_url(uid: str) -> str:
    """The page of a whole unit (a page's hits link a few units, again and again)."""
    return "/u/" + quote(uid)


def unit_meta(unit: dict) -> dict:
    """A unit's metadata without its paragraphs and footnotes."""
    return {k: v for k, v in unit.items() if k not in ("paragraphs", "footnotes")}


def unit_data(engine, uid: str) -> dict:
    """A whole unit: metadata, preamble, operative paragraphs (sub-paragraphs marked), footnotes."""
    unit = engine.unit(uid)
    if unit is None:
        ids = [meta["id"] for meta in engine.units()]
        raise NotFoundError("unit", uid, difflib.get_close_matches(uid[:200], ids, n=5, cutoff=0.5))
    paragraphs = [_unit_paragraph(p) for p in unit.get("paragraphs", [])]
    return {
        "unit": unit_meta(unit),
        "permalink": absolute(unit_url(uid)),
        "search_url": search_url("unit", uid),
        "preamble": [p for p in paragraphs if p["kind"] == "pp"],
        "operative": [p for p in paragraphs if p["kind"] != "pp"],
        "footnotes": unit.get("footnotes", []),
        "lineage": _lineage().unit_lineage_data(engine, uid),  # issue 9: drafts, versions, cited by
    }


def _unit_paragraph(para: dict) -> dict:
    return {**para, "indent": bool(para.get("sub")), "label": short_label(para.get("anchor"))}
