"""A paragraph's history, a unit's relatives and the comparison of two units, as plain data.

Joins the stored lineage (search.lineage) with the engine's paragraph and unit records.
Returns ids and text, never URLs: the web layer spells those.
"""

from __future__ import annotations

from search.align import STRENGTH, align, similarity
from search.lineage import (
    VERSION_RELATIONS,
    cited_by,
    diff_counts,
    diff_html,
    load_links,
    sort_key,
    unit_relations,
    word_diff,
)

MAX_COUNTERPARTS = 50  # shown on one paragraph page; the strongest first
LANGUAGE = ("identical", "edited")  # links that carry the same language on


def _brief(record: dict) -> dict:
    """What a history row shows of a paragraph."""
    unit = record["unit"]
    return {"id": record["id"], "unit": unit["id"], "symbol": unit.get("symbol") or unit.get("id"),
            "label": unit.get("label"), "year": unit.get("year"), "date": unit.get("date"),
            "status": unit.get("status"), "anchor": record["anchor"], "text": record["text"]}


def paragraph_history(engine, pid: str) -> dict | None:
    """Counterparts of ``pid`` with relation, similarity and word diff; first appearance; versions."""
    own = engine.paragraph(pid)
    if own is None:
        return None
    links = load_links(engine.generation())
    me = _brief(own)
    rows = []
    for link in links["paragraphs"].get(pid, [])[:MAX_COUNTERPARTS]:
        other = engine.paragraph(link["id"])
        if other is not None:
            rows.append(_row(me, _brief(other), link))
    rows.sort(key=lambda r: sort_key(r["paragraph"]))
    relations = unit_relations(links, own["unit"]["id"])
    return {
        "id": pid,
        "counterparts": rows,
        "first_appeared": _first(engine, links, me),
        "versions": _versions(rows, relations),
        "cited_by": [_brief(r) for r in map(engine.paragraph, cited_by(links, own["unit"]["id"])) if r],
    }


def _row(me: dict, other: dict, link: dict) -> dict:
    """One counterpart: the diff runs from the earlier text to the later one."""
    older, newer = (other, me) if sort_key(other) <= sort_key(me) else (me, other)
    segments = [] if link["relation"] == "translation" else word_diff(older["text"], newer["text"])
    return {"paragraph": other, "relation": link["relation"], "score": link["score"],
            "diff_from": older["id"], "diff_to": newer["id"], "diff": segments,
            "diff_html": diff_html(segments), "changed": diff_counts(segments)}


def _first(engine, links: dict, me: dict, limit: int = 200) -> dict:
    """The earliest text in the corpus with this language (following identical and edited links)."""
    seen, frontier, earliest = {me["id"]}, [me["id"]], me
    while frontier and len(seen) < limit:
        pid = frontier.pop()
        for link in links["paragraphs"].get(pid, []):
            if link["relation"] in LANGUAGE and link["id"] not in seen:
                seen.add(link["id"])
                frontier.append(link["id"])
                record = engine.paragraph(link["id"])
                if record is not None and sort_key(_brief(record)) < sort_key(earliest):
                    earliest = _brief(record)
    return earliest


def _versions(rows: list[dict], relations: dict[str, list[str]]) -> dict:
    """This paragraph in the previous and next version, the draft and the adopted text."""
    best: dict[str, dict] = {}
    for rel in VERSION_RELATIONS:
        for uid in relations.get(rel, []):
            found = [r for r in rows if r["paragraph"]["unit"] == uid]
            if found:
                best[rel] = max(found, key=lambda r: r["score"])["paragraph"]
    return {"previous": best.get("earlier_version"), "next": best.get("later_version"),
            "draft": best.get("draft_of"), "adopted": best.get("adopted_as"),
            "translation": best.get("translation_of")}


def unit_lineage(engine, uid: str) -> dict:
    """The units related to ``uid`` (with their symbols) and the paragraphs citing it."""
    links = load_links(engine.generation())
    metas = {meta["id"]: meta for meta in engine.units()}
    related = [{"relation": rel, "unit": other, "symbol": metas[other].get("symbol") or other,
                "label": metas[other].get("label"), "year": metas[other].get("year")}
               for rel, others in unit_relations(links, uid).items() for other in others if other in metas]
    citing = [_brief(r) for r in map(engine.paragraph, cited_by(links, uid)) if r]
    previous = next((r for r in related if r["relation"] == "earlier_version"), None)
    return {"related": related, "previous": previous, "cited_by": citing}


def compare_units(engine, a: str, b: str) -> dict | None:
    """Unit ``a`` against unit ``b``: aligned pairs marked, added and removed, word changes."""
    ua, ub = engine.unit(a), engine.unit(b)
    if ua is None or ub is None:
        return None
    links = load_links(engine.generation())
    texts = {p["id"]: p for p in ua["paragraphs"] + ub["paragraphs"]}
    pair_links = {(p["id"], lk["id"]): (lk["relation"], lk["score"])
                  for p in ua["paragraphs"] for lk in links["paragraphs"].get(p["id"], [])
                  if lk["unit"] == b and lk["relation"] in STRENGTH}
    result = align([p["id"] for p in ua["paragraphs"]], [p["id"] for p in ub["paragraphs"]], pair_links,
                   lambda x, y: similarity(texts[x]["text"], texts[y]["text"]))
    rows = []
    for x, y, mark in result.pairs:
        segments = [] if mark == "unchanged" else word_diff(texts[x]["text"], texts[y]["text"])
        rows.append({"mark": mark, "a": _side(texts[x]), "b": _side(texts[y]),
                     "similarity": round(similarity(texts[x]["text"], texts[y]["text"]), 3),
                     "diff": segments, "diff_html": diff_html(segments)})
    return {"a": _unit_side(ua), "b": _unit_side(ub), "summary": result.summary(), "pairs": rows,
            "added": [_side(texts[y]) for y in result.added],
            "removed": [_side(texts[x]) for x in result.removed]}


def _side(para: dict) -> dict:
    return {"id": para["id"], "anchor": para["anchor"], "text": para["text"]}


def _unit_side(unit: dict) -> dict:
    return {"id": unit["id"], "symbol": unit.get("symbol") or unit["id"], "label": unit.get("label"),
            "year": unit.get("year"), "title": unit.get("title"), "count": len(unit["paragraphs"])}
