"""Lineage pages: the history on a paragraph page, relatives on a unit page, /compare/<a>/<b>.

Each HTML view and its JSON twin call the same ``*_data()`` function; the library
(search.history) returns ids, and the URLs are spelt here.
"""

from __future__ import annotations

import difflib
from urllib.parse import quote

from flask import jsonify, render_template, url_for

from search.history import compare_units, paragraph_history, unit_lineage
from web.app import get_engine
from web.data import NotFoundError, paragraph_url, unit_url
from web.views import bp


def compare_url(a: str, b: str) -> str:
    """The comparison of unit ``a`` (earlier) with unit ``b``."""
    return f"/compare/{quote(a, safe='')}/{quote(b, safe='')}"


def _linked(brief: dict | None) -> dict | None:
    if brief is None:
        return None
    return {**brief, "url": paragraph_url(brief["id"]), "unit_url": unit_url(brief["unit"])}


def history_data(engine, pid: str) -> dict | None:
    """A paragraph's lineage with URLs (None when the paragraph is unknown)."""
    history = paragraph_history(engine, pid)
    if history is None:
        return None
    for row in history["counterparts"]:
        row["paragraph"] = _linked(row["paragraph"])
    history["first_appeared"] = _linked(history["first_appeared"])
    history["versions"] = {k: _linked(v) for k, v in history["versions"].items()}
    history["cited_by"] = [_linked(b) for b in history["cited_by"]]
    return history


def unit_lineage_data(engine, uid: str) -> dict:
    """A unit's relatives (each with its page and a comparison) and the paragraphs citing it."""
    lineage = unit_lineage(engine, uid)
    for rel in lineage["related"]:
        rel["url"] = unit_url(rel["unit"])
        earlier_first = rel["relation"] in ("earlier_version", "draft_of")
        rel["compare_url"] = compare_url(rel["unit"], uid) if earlier_first else compare_url(uid, rel["unit"])
    lineage["cited_by"] = [_linked(b) for b in lineage["cited_by"]]
    return lineage


def compare_data(engine, a: str, b: str) -> dict:
    """Unit ``a`` against unit ``b`` with URLs; NotFoundError naming the unknown one."""
    found = compare_units(engine, a, b)
    if found is None:
        ids = [meta["id"] for meta in engine.units()]
        missing = a if engine.unit(a) is None else b
        raise NotFoundError("unit", missing, difflib.get_close_matches(missing[:200], ids, n=5, cutoff=0.5))
    for side in (found["a"], found["b"]):
        side["url"] = unit_url(side["id"])
    for row in found["pairs"]:
        row["a"]["url"], row["b"]["url"] = paragraph_url(row["a"]["id"]), paragraph_url(row["b"]["id"])
    for para in found["added"] + found["removed"]:
        para["url"] = paragraph_url(para["id"])
    found["links"] = {"html": compare_url(a, b), "json": "/api" + compare_url(a, b),
                      "swapped": compare_url(b, a)}
    return found


@bp.route("/compare/<a>/<b>")
def compare_page(a: str, b: str):
    """Two units side by side: aligned paragraphs, word changes, added and removed."""
    data = compare_data(get_engine(), a, b)
    return render_template("compare.html", data=data, json_url=url_for(".compare_api", a=a, b=b))


@bp.route("/api/compare/<a>/<b>")
def compare_api(a: str, b: str):
    """The comparison as JSON; ``summary`` counts unchanged, edited, moved, added, removed."""
    return jsonify(compare_data(get_engine(), a, b))
