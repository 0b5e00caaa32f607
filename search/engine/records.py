"""What the engine returns besides search results: a paragraph with its surroundings, a
unit with all its paragraphs, and the ids nearest to one that does not exist."""

from __future__ import annotations

import difflib

from search.engine import highlight
from search.engine.catalogue import Catalogue
from search.facets import Labels, facet_keys


def paragraph_record(catalogue: Catalogue, pid: str, labels: Labels) -> dict | None:
    """A paragraph with footnotes, citations, its unit, neighbours and twin; None if unknown."""
    docnum = catalogue.by_id.get(pid) if isinstance(pid, str) else None
    if docnum is None:
        return None
    stored = catalogue.docs[docnum]
    result = catalogue.result(docnum, labels)
    result["snippet"] = highlight.snippet(result["text"], [], width=len(result["text"]))
    prev_id, next_id = catalogue.neighbours(pid)
    result.update(
        footnotes=list(stored.get("footnotes") or []),
        cites=facet_keys(stored, "cites"),
        cite_units=dict(stored.get("cite_units") or {}),
        unit=catalogue.unit_meta(stored["unit"], labels),
        prev=prev_id, next=next_id, order=stored.get("order"),
        other_lang=catalogue.other_lang(pid),
    )
    return result


def unit_record(catalogue: Catalogue, uid: str, labels: Labels) -> dict | None:
    """A unit's metadata, all its paragraphs in order and their footnotes; None if unknown."""
    meta = catalogue.unit_meta(uid, labels) if isinstance(uid, str) else None
    if meta is None:
        return None
    paragraphs, footnotes = [], []
    for pid in catalogue.units[uid]["paragraphs"]:
        docnum = catalogue.by_id[pid]
        para = catalogue.result(docnum, labels)
        para["footnotes"] = list(catalogue.docs[docnum].get("footnotes") or [])
        footnotes.extend(n for n in para["footnotes"] if n not in footnotes)
        paragraphs.append(para)
    return dict(meta, paragraphs=paragraphs, footnotes=footnotes)


def nearest_ids(catalogue: Catalogue, pid: str, n: int = 5) -> list[str]:
    """Indexed paragraph ids closest to ``pid`` (for a helpful "not found")."""
    if not isinstance(pid, str) or not pid:
        return []
    close = difflib.get_close_matches(pid[:200], list(catalogue.by_id), n=n, cutoff=0.6)
    if len(close) < n:
        unit = pid.rpartition("/")[0]
        same_unit = catalogue.units.get(unit, {}).get("paragraphs", [])
        close += [i for i in same_unit if i not in close][: n - len(close)]
    return close
