"""Bar charts of the hits, laid out in Python and drawn as inline SVG by a template."""

from __future__ import annotations

from web.i18n import label

WIDTH = 320  # viewBox units; the SVG scales to its container
LABEL_WIDTH = 150
COUNT_WIDTH = 36
ROW_HEIGHT = 20
BAR_HEIGHT = 14
MAX_ROWS = 6  # the top values; the facet lists the rest


def bar_chart(values: list[dict], lang: str, title: str) -> dict | None:
    """Geometry of a horizontal bar chart of facet values ({"key","zh","en","count"}); None if empty."""
    rows = sorted((v for v in values if v.get("count")), key=lambda v: (-v["count"], v["key"]))
    rows = rows[:MAX_ROWS]
    if not rows:
        return None
    top = rows[0]["count"]
    span = WIDTH - LABEL_WIDTH - COUNT_WIDTH
    drawn = []
    for i, value in enumerate(rows):
        # Every non-zero count gets at least a visible sliver of a bar.
        width = max(2, round(span * value["count"] / top))
        drawn.append(
            {
                "label": _shorten_keeping_year(label(value, lang), value.get("year")),
                "url": value.get("toggle_url"),
                "full_label": label(value, lang),
                "count": value["count"],
                "y": i * ROW_HEIGHT,
                "text_y": i * ROW_HEIGHT + BAR_HEIGHT - 3,
                "bar_x": LABEL_WIDTH,
                "width": width,
                "count_x": LABEL_WIDTH + width + 4,
            }
        )
    return {
        "title": title,
        "rows": drawn,
        "width": WIDTH,
        "height": len(drawn) * ROW_HEIGHT,
        "bar_height": BAR_HEIGHT,
        "label_x": LABEL_WIDTH - 6,
        "description": "; ".join(f"{r['full_label']}: {r['count']}" for r in drawn),
    }


def _width(char: str) -> int:
    # Wide (CJK) characters take about two Latin widths at the same font size.
    return 2 if ord(char) > 0x2E80 else 1


def _shorten(text: str, limit: int = 24) -> str:
    """Labels are cut to fit the label column; the full label stays in the text alternative."""
    if sum(map(_width, text)) <= limit:
        return text
    kept, used = [], 1
    for char in text:
        used += _width(char)
        if used > limit:
            break
        kept.append(char)
    return "".join(kept) + "…"


def _shorten_keeping_year(text: str, year: int | None) -> str:
    """A label cut to fit, its year kept visible: "预防犯罪和刑事…会议 (2011)"."""
    suffix = f" ({year})" if year else ""
    if not suffix or not text.endswith(suffix) or _shorten(text) == text:
        return _shorten(text)
    return _shorten(text[: -len(suffix)], 24 - len(suffix)) + suffix


def charts(facets: dict, lang: str, titles: dict[str, str]) -> list[dict]:
    """The results page's charts: hits by session (labelled with its year) and by theme."""
    sessions = bar_chart(facets.get("session", []), lang, titles["session"])
    themes = bar_chart(facets.get("theme", []), lang, titles["theme"])
    return [chart for chart in (sessions, themes) if chart]
