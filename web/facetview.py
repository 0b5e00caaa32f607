"""How the results page shows its facets: order, labels, top values, groups, hidden ones.

The engine counts; this module decides what a reader sees: sessions with their years in
date order, resolutions named as the UN cites them, the top values first and the rest
behind "show more", operative and preambular verbs apart, facets with a single value left out.
"""

from __future__ import annotations

from web.citation import unit_name

TOP = 5  # values shown before "show more"
LISTED = 10  # values in the page at most (selected ones besides); the script finds the rest
ORDER = ("theme", "verb", "unit", "change", "session", "body", "kind", "lang")  # display order


def session_years(units: list[dict]) -> dict[str, int]:
    """The year of each session, from the units' metadata."""
    return {unit["session"]["key"]: unit["year"] for unit in units
            if unit.get("year") and unit.get("session") and unit["session"].get("key")}


def with_years(items: list[dict], years: dict[str, int]) -> list[dict]:
    """Session values labelled with their year ("GA 71 (2016)") and put in date order."""
    dated = []
    for item in items:
        year = years.get(item["key"])
        suffix = f" ({year})" if year else ""
        dated.append({**item, "zh": f"{item['zh']}{suffix}", "en": f"{item['en']}{suffix}",
                      "year": year})
    # Oldest first, as a delegate reads a history; unknown years last.
    return sorted(dated, key=lambda item: (item["year"] is None, item["year"] or 0, item["key"]))


def unit_names(units) -> dict[str, tuple[str, str]]:
    """(English, Chinese) of each unit by id, as the UN cites it."""
    return {unit["id"]: unit_name(unit) for unit in units}


def unit_labels(items: list[dict], names: dict[str, tuple[str, str]]) -> list[dict]:
    """Resolution values named as the UN cites them ("General Assembly resolution 71/209");
    `names` is `unit_names` of the index's units."""
    named = []
    for item in items:
        english, chinese = names.get(item["key"]) or (item["key"], item["key"])
        named.append({**item, "en": english, "zh": chinese})
    return named


def split_top(items: list[dict], top: int = TOP,
              listed: int = LISTED) -> tuple[list[dict], list[dict], int]:
    """(shown, more, unlisted): the first `top` values plus every selected one, the next ones
    up to `listed` in all, and how many are left out of the page (a facet may have thousands)."""
    shown = [item for n, item in enumerate(items) if n < top or item.get("selected")]
    rest = [item for n, item in enumerate(items) if n >= top and not item.get("selected")]
    room = max(listed - top, 0)
    return shown, rest[:room], len(rest[room:])


def verb_groups(items: list[dict], preambular: set[str]) -> list[dict]:
    """Verbs as two groups, operative then preambular ("Urges" apart from "Recalling")."""
    groups = [("op", [i for i in items if i["key"] not in preambular]),
              ("pp", [i for i in items if i["key"] in preambular])]
    return [{"kind": kind, "items": members} for kind, members in groups if members]


def shown_facet(name: str, items: list[dict], preambular: set[str] | None = None,
                more: dict | None = None) -> dict | None:
    """One facet as the page shows it; None when it has a single value and nothing selected.

    `more` is the answer's `facets_more` entry: values left out of the answer, and the page
    that lists them all (linked under the last "show more", so it works without script)."""
    if len(items) < 2 and not any(item.get("selected") for item in items):
        return None  # one value tells nothing: every hit has it
    if name == "verb" and preambular is not None:
        groups = verb_groups(items, preambular)
    else:
        groups = [{"kind": None, "items": items}]
    for group in groups:
        group["shown"], group["more"], group["unlisted"] = split_top(group["items"])
    left_out = (more or {}).get("left_out", 0)
    last = next((group for group in reversed(groups) if group["more"]), groups[-1])
    last["unlisted"] += left_out  # said under the last "show more" (or the last list)
    selected = sum(1 for item in items if item.get("selected"))
    filterable = any(group["more"] for group in groups) or left_out > 0  # worth a box to filter by
    unlisted = sum(group["unlisted"] for group in groups)
    return {"name": name, "groups": groups, "count": len(items) + left_out, "selected": selected,
            "filterable": filterable, "unlisted": unlisted,
            "all_url": (more or {}).get("html") if unlisted else None,
            "values_url": (more or {}).get("json") if unlisted else None}


def facet_panel(facets: dict[str, list[dict]], preambular: set[str],
                more: dict[str, dict] | None = None) -> list[dict]:
    """Every facet worth showing, in display order (`more`: the answer's `facets_more`)."""
    more = more or {}
    panel = (shown_facet(name, facets.get(name, []), preambular, more.get(name))
             for name in ORDER if _wanted(name, facets))
    return [facet for facet in panel if facet]


def _wanted(name: str, facets: dict[str, list[dict]]) -> bool:
    """Every facet, but "change" only within chosen resolutions (or once chosen): it says
    how a paragraph differs from the previous version of its own resolution."""
    if name != "change":
        return True
    return any(item.get("selected") for item in facets.get("unit", []) + facets.get("change", []))
