"""Exports of the current results, every page up to a cap, as CSV (Excel-friendly) or JSON."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from flask import Response, current_app, jsonify

from web.data import cite_results
from web.params import SearchState

COLUMNS = ("id", "url", "citation_en", "citation_zh", "symbol", "unit", "unit_title", "kind",
           "number", "sub", "lang", "verb", "themes", "body", "session", "year", "text")
PAGE = 100  # rows fetched from the engine per call
FORMULA_START = ("=", "+", "-", "@")


def export_rows(engine, state: SearchState, limit: int) -> tuple[list[dict], int]:
    """The results of `state` across pages, at most `limit` of them, and the full total."""
    rows: list[dict] = []
    page, total = 1, 0
    while len(rows) < limit:
        result = engine.search(state.q, state.engine_filters(), page, PAGE, state.engine_sort)
        total = result["total"]
        cite_results(engine, result["results"])
        rows.extend(result["results"])
        if not result["results"] or page * PAGE >= total:
            break
        page += 1
    return rows[:limit], total


def flat_row(result: dict) -> dict:
    """One result as a flat record of plain strings (keys of the facet values, not labels)."""
    row = {name: result.get(name, "") for name in COLUMNS}
    row.update(
        citation_en=result["citation"]["en"],
        citation_zh=result["citation"]["zh"],
        verb=_key(result.get("verb")),
        themes=";".join(_key(t) for t in result.get("themes", [])),
        body=_key(result.get("body")),
        session=_key(result.get("session")),
    )
    return row


def _key(value: dict | None) -> str:
    return (value or {}).get("key", "")


def _cell(value) -> str:
    """A CSV cell; one that a spreadsheet would run as a formula is quoted with a leading '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def export_csv(engine, state: SearchState) -> Response:
    """The results as CSV: a header row, UTF-8 with a BOM so Excel reads the Chinese."""
    rows, _ = export_rows(engine, _all(state), current_app.config["EXPORT_LIMIT"])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in flat_row(row).items()} for row in rows)
    body = "\ufeff" + buffer.getvalue()
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="concord-results.csv"'},
    )


def export_json(engine, state: SearchState) -> Response:
    """The results as JSON: the query, the total, and every exported row."""
    limit = current_app.config["EXPORT_LIMIT"]
    rows, total = export_rows(engine, _all(state), limit)
    response = jsonify({"query": state.q, "filters": state.engine_filters(), "sort": state.sort,
                        "total": total, "exported": len(rows), "limit": limit, "results": rows})
    response.headers["Content-Disposition"] = 'attachment; filename="concord-results.json"'
    return response


def _all(state: SearchState) -> SearchState:
    # Exports ignore the page the user was on: they hold every page.
    return replace(state, page=1)
