"""The collection at a glance: every document and the units it holds, and the home page's intro."""

from __future__ import annotations

from web.citation import unit_name
from web.data import search_url, unit_url

UNIT_FIELDS = ("id", "symbol", "label", "title", "kind", "status", "date", "year", "body", "session")


def kind_counts(engine, facet: str, kind: str) -> dict[str, int]:
    """Paragraphs of one kind (pp/op) per value of `facet`, over the whole index (one count)."""
    found = engine.search("", {"kind": [kind]}, 1, 1, "order")
    return {value["key"]: value["count"] for value in found["facets"].get(facet, [])}


def unit_entry(unit: dict, preambular: dict[str, int]) -> dict:
    """One unit as the documents page lists it: how the UN cites it, counts, links."""
    english, chinese = unit_name(unit)
    pp = preambular.get(unit["id"], 0)
    return {
        **{name: unit.get(name) for name in UNIT_FIELDS},
        "reference": {"en": english, "zh": chinese},
        "paragraphs": unit.get("count", 0),
        "preambular": pp,
        "operative": unit.get("count", 0) - pp,
        "url": unit_url(unit["id"]),
        "search_url": search_url("unit", unit["id"]),
    }


def documents(units: list[dict], preambular: dict[str, int]) -> list[dict]:
    """The documents in corpus order, each with its units (a report holds many)."""
    found: dict[str, dict] = {}
    for unit in units:
        doc = unit.get("document") or {}
        key = doc.get("name") or doc.get("symbol") or unit["id"]
        entry = found.setdefault(key, {
            "symbol": doc.get("symbol") or unit.get("symbol"), "title": doc.get("title"),
            "status": doc.get("status") or unit.get("status"), "agenda_item": doc.get("agenda_item"),
            "date": None, "year": None, "bodies": [], "units": [], "paragraphs": 0,
        })
        entry["units"].append(unit_entry(unit, preambular))
        entry["paragraphs"] += unit.get("count", 0)
        entry["date"] = max(filter(None, (entry["date"], unit.get("date"))), default=None)
        entry["year"] = entry["year"] or unit.get("year")
        body = unit.get("body") or {}
        if body.get("key") and body not in entry["bodies"]:
            entry["bodies"].append(body)
    for entry in found.values():
        entry["single"] = len(entry["units"]) == 1  # a resolution that is its own document
        entry["url"] = entry["units"][0]["url"] if entry["single"] else None
    return list(found.values())


def documents_data(engine) -> dict:
    """The documents page: every document, every unit, with paragraph counts and links."""
    units = engine.units()
    listed = documents(units, kind_counts(engine, "unit", "pp"))
    return {
        "documents": listed,
        "totals": collection_totals(listed),
        "links": {"html": "/documents", "json": "/api/documents"},
    }


def collection_totals(listed: list[dict]) -> dict:
    """How big the collection is and the years it spans (for the home page's introduction)."""
    years = [doc["year"] for doc in listed if doc["year"]]
    return {
        "documents": len(listed),
        "units": sum(len(doc["units"]) for doc in listed),
        "paragraphs": sum(doc["paragraphs"] for doc in listed),
        "first_year": min(years, default=None),
        "last_year": max(years, default=None),
    }


def introduction(engine) -> dict:
    """The home page's two sentences about the collection (totals only)."""
    return collection_totals(documents(engine.units(), {}))
